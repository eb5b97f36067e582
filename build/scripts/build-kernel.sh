#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configure and build one kernel flavour out of tree.
#
# The configuration is tinyconfig plus the given fragments, merged with the
# kernel's scripts/kconfig/merge_config.sh.  It is regenerated whenever a
# fragment or a Kconfig file of the series changes, and the build fails,
# naming the option, if Kconfig dropped anything a fragment asked for.
#
# Usage: build-kernel.sh <src> <objdir> <make targets> -- <fragment>...
#        (make targets as one quoted word, e.g. "bzImage modules")
# Environment: HEKI_CONFIG_LENIENT=1 reports dropped options without failing.

set -euo pipefail

src=$(readlink -f "$1")
obj=$2
targets=$3
shift 3
[ "${1:-}" = "--" ] && shift
frags=()
for f in "$@"; do frags+=("$(readlink -f "$f")"); done

mkdir -p "$obj"
obj=$(readlink -f "$obj")

. "$(dirname "$0")/ccache-env.sh" "$obj"
export KBUILD_BUILD_TIMESTAMP="${KBUILD_BUILD_TIMESTAMP:-2026-01-01}"
export KBUILD_BUILD_USER=heki KBUILD_BUILD_HOST=heki
# The "#1" of uname -v, also what bindeb-pkg passes for package revision 1:
# packaging then relinks nothing.
export KBUILD_BUILD_VERSION="${KBUILD_BUILD_VERSION:-1}"
kmake=(make -C "$src" O="$obj" ARCH=x86_64 CC="$cc" HOSTCC=gcc)
jobs=${JOBS:-$(nproc)}

# Hash of everything the configuration depends on.
confhash=$( (cat "${frags[@]}"; cd "$src" &&
	     find . -name 'Kconfig*' -newer "$src/Makefile" -print0 |
	     sort -z | xargs -0 -r cat) | sha256sum | cut -d' ' -f1)
if [ ! -f "$obj/.config" ] || [ "$(cat "$obj/.heki-confhash" 2>/dev/null)" != "$confhash" ]; then
	echo "  CONFIG  $(basename "$obj"): tinyconfig + ${*##*/}"
	"${kmake[@]}" -s tinyconfig >/dev/null
	(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" \
		"$obj/.config" "${frags[@]}" >/dev/null)
	"${kmake[@]}" -s olddefconfig >/dev/null
	bad=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			opt=${line%%=*}
			if ! grep -qxF -- "$line" "$obj/.config"; then
				got=$(grep -E "^($opt=|# $opt is not set)" "$obj/.config" || echo "$opt undefined")
				echo "build-kernel: $opt: fragment asks for '$line', Kconfig gave '$got'" >&2
				bad=1
			fi ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }; opt=${opt%% *}
			if grep -q "^$opt=" "$obj/.config"; then
				echo "build-kernel: $opt: fragment asks for 'not set', Kconfig gave '$(grep "^$opt=" "$obj/.config")'" >&2
				bad=1
			fi ;;
		esac
	done < <(cat "${frags[@]}")
	# In the middle of the series an option may not exist yet.
	if [ "$bad" -ne 0 ] && [ "${HEKI_CONFIG_LENIENT:-0}" != 1 ]; then
		rm -f "$obj/.heki-confhash"
		exit 1
	fi
	echo "$confhash" > "$obj/.heki-confhash"
fi

echo "  MAKE    $(basename "$obj"): $targets"
# The built-in and revocation certificates are included with .incbin,
# which the compiler's dependency output (and so ccache's depend mode)
# does not see: a cached object would carry another build's keys, and
# this build's modules and VTL1 image would not verify. Build those
# objects without ccache first; the build below finds them up to date.
certs=()
grep -q '^CONFIG_SYSTEM_TRUSTED_KEYRING=y' "$obj/.config" &&
	certs+=(certs/system_certificates.o)
grep -q '^CONFIG_SYSTEM_REVOCATION_LIST=y' "$obj/.config" &&
	certs+=(certs/revocation_certificates.o)
if [ ${#certs[@]} -gt 0 ]; then
	CCACHE_DISABLE=1 "${kmake[@]}" -j"$jobs" --no-print-directory \
		"${certs[@]}"
fi
# shellcheck disable=SC2086
"${kmake[@]}" -j"$jobs" --no-print-directory $targets
