#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the Hyper-V/VSM emulator: Debian trixie's QEMU 10.0 source package
# (pinned by version and sha256, build/qemu-source.sha256)
# + qemu/patches/*.patch (applied in name order) + qemu/overlay/ (new files),
# target x86_64-softmmu only.  Skips everything when nothing changed.
#
# Environment: OUT (default out), CACHE (default ~/.cache/heki),
#              QEMU_JOBS (default 2; the build runs under nice),
#              QEMU_DEBUG=1 (build with debug information, -g).
#
# The compiler runs through ccache when it is installed, with paths made
# relative to $OUT so that another clone hits the same cache.

set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
OUT=${OUT:-out}
CACHE=${CACHE:-$HOME/.cache/heki}
jobs=${QEMU_JOBS:-2}
q=$(mkdir -p "$OUT/qemu" && cd "$OUT/qemu" && pwd)
cache=$CACHE/qemu
bin=$q/build/qemu-system-x86_64
python=/usr/bin/python3

# The pinned versions; build/qemu-source.sha256 has the sha256 of each
# file they name, and a download that does not match is refused.
sums=build/qemu-source.sha256	# (the script runs in the top directory)
qemu_version=1:10.0.13+ds-0+deb13u1
debs=(meson=1.7.0-1 seabios=1.16.3-2 "qemu-system-data=$qemu_version")

# What the result depends on.
inputs_hash() {
	(cd "$top" && find qemu/patches qemu/overlay -type f | LC_ALL=C sort |
		while read -r f; do echo "== $f"; cat "$f"; done
	 cat "$top/build/scripts/qemu-build.sh" "$sums") | sha256sum | cut -d' ' -f1
}
hash=$(inputs_hash)
if [ -x "$bin" ] && [ "$(cat "$q/.heki-stamp" 2>/dev/null)" = "$hash" ]; then
	echo "  QEMU    up to date ($OUT/qemu/build/qemu-system-x86_64)"
	exit 0
fi

# ---- host build dependencies (meson comes from trixie, see below) -------
. "$top/build/scripts/host-deps.sh"
host_deps ninja-build flex bison dpkg dpkg-dev pkg-config patch python3 \
	python3-venv libglib2.0-dev libpixman-1-dev libfdt-dev

# ---- downloads (private apt configuration, cached, checked) --------------
. "$top/build/scripts/pin-lib.sh"
die() { echo "qemu-build: $*" >&2; exit 1; }
check_sum() {	# <file in $cache>
	local err
	err=$(pin_check "$sums" "$cache/$1") || die "$err; remove it to download it again"
}
mkdir -p "$cache"
aptx() {
	local opts
	command -v apt-get >/dev/null ||
		die "no apt-get to fetch $*: put the files of build/qemu-source.sha256 into $cache"
	mapfile -t opts < <("$top/build/scripts/apt-private.sh" "$CACHE/apt")
	(cd "$cache" && apt-get -q "${opts[@]}" "$@" 2>&1 |
		grep -v -e '^W: Download is performed unsandboxed' >&2 || true)
}
fetched() {	# <what> <file>...: the files are there after fetching <what>
	local f
	for f in "${@:2}"; do
		[ -f "$cache/$f" ] ||
			die "$1 not fetched ($f): no longer in trixie? Put the files of build/qemu-source.sha256 into $cache, or update the pin"
	done
}
# The .dsc and the tarballs it names (file names without the epoch).
v=${qemu_version#*:}
src_files=("qemu_$v.dsc" "qemu_${v%-*}.orig.tar.xz" "qemu_$v.debian.tar.xz")
fetch=0
for f in "${src_files[@]}"; do [ -f "$cache/$f" ] || fetch=1; done
if [ "$fetch" -eq 1 ]; then
	echo "  FETCH   qemu $qemu_version source package (trixie)"
	aptx source --download-only "qemu=$qemu_version"
	fetched "qemu $qemu_version" "${src_files[@]}"
fi
debof() {	# <package>=<version>: the name apt gives its .deb
	local v=${1#*=}
	echo "${1%%=*}_${v//:/%3a}_all.deb"
}
for d in "${debs[@]}"; do
	if [ ! -f "$cache/$(debof "$d")" ]; then
		echo "  FETCH   ${d%%=*} ${d#*=} (trixie)"
		aptx download "$d"
		fetched "$d" "$(debof "$d")"
	fi
done
for f in "${src_files[@]}"; do check_sum "$f"; done
for d in "${debs[@]}"; do check_sum "$(debof "$d")"; done
dsc=$cache/${src_files[0]}

# ---- meson >= 1.5 and firmware, extracted locally -------------------------
# Each is extracted again when its pinned version changes.
if [ "$(cat "$q/meson/.heki-deb" 2>/dev/null)" != "${debs[0]}" ]; then
	rm -rf "$q/meson" && dpkg-deb -x "$cache/$(debof "${debs[0]}")" "$q/meson"
	echo "${debs[0]}" > "$q/meson/.heki-deb"
fi
if [ "$(cat "$q/firmware/.heki-deb" 2>/dev/null)" != "${debs[*]:1}" ]; then
	rm -rf "$q/firmware" "$q/fw.tmp"
	dpkg-deb -x "$cache/$(debof "${debs[1]}")" "$q/fw.tmp"
	dpkg-deb -x "$cache/$(debof "${debs[2]}")" "$q/fw.tmp"
	mkdir -p "$q/firmware"
	cp -a "$q/fw.tmp/usr/share/qemu/." "$q/firmware/"
	cp -a "$q/fw.tmp/usr/share/seabios/." "$q/firmware/"
	rm -rf "$q/fw.tmp"
	echo "${debs[*]:1}" > "$q/firmware/.heki-deb"
fi

# ---- source tree: pristine (Debian patches applied) + ours ---------------
base=$(basename "$dsc" .dsc)
if [ "$(cat "$q/pristine/.heki-dsc" 2>/dev/null)" != "$base" ]; then
	echo "  EXTRACT $base"
	rm -rf "$q/pristine" "$q/src" "$q/build" "$q/.heki-managed"
	# The files were checked against build/qemu-source.sha256 above.
	dpkg-source -q --no-check -x "$dsc" "$q/pristine" >/dev/null
	echo "$base" > "$q/pristine/.heki-dsc"
fi
if [ ! -d "$q/src" ]; then
	cp -a "$q/pristine" "$q/src"
fi

# Stage every file our changes touch, then copy only what differs so that
# ninja rebuilds just the affected objects.
stage=$q/stage
rm -rf "$stage" && mkdir -p "$stage"
managed=$(
	for p in qemu/patches/*.patch; do
		[ -e "$p" ] && sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p"
	done
	(cd qemu/overlay && find . -type f | sed 's|^\./||')
)
managed=$(echo "$managed" | LC_ALL=C sort -u)
for f in $managed; do
	if [ -f "$q/pristine/$f" ]; then
		mkdir -p "$stage/$(dirname "$f")"
		cp -p "$q/pristine/$f" "$stage/$f"
	fi
done
for p in qemu/patches/*.patch; do
	[ -e "$p" ] || continue
	if ! patch -d "$stage" -p1 -s --no-backup-if-mismatch < "$p"; then
		echo "qemu-build: $p does not apply" >&2
		exit 1
	fi
done
cp -r qemu/overlay/. "$stage/"
for f in $managed; do
	if ! cmp -s "$stage/$f" "$q/src/$f"; then
		mkdir -p "$q/src/$(dirname "$f")"
		cp "$stage/$f" "$q/src/$f"
	fi
done
# Files we managed before but no longer change: back to pristine.
for f in $(cat "$q/.heki-managed" 2>/dev/null); do
	case $'\n'"$managed"$'\n' in *$'\n'"$f"$'\n'*) continue ;; esac
	if [ -f "$q/pristine/$f" ]; then
		cmp -s "$q/pristine/$f" "$q/src/$f" || cp "$q/pristine/$f" "$q/src/$f"
	else
		rm -f "$q/src/$f"
	fi
done
echo "$managed" > "$q/.heki-managed"
rm -rf "$stage"

# ---- configure and build -------------------------------------------------
export PYTHONPATH=$q/meson/usr/lib/python3/dist-packages
. "$top/build/scripts/ccache-env.sh" "$q/build"
# Debug information makes about a fifth of the compile time; the tests
# do not need it.
debug=--disable-debug-info
[ "${QEMU_DEBUG:-0}" = 1 ] && debug=--enable-debug-info
config=(--python="$python" --target-list=x86_64-softmmu --cc="$cc"
	--without-default-features "$debug"
	--enable-tcg --disable-kvm --disable-docs --disable-werror
	--disable-download --disable-install-blobs --enable-fdt=system
	--enable-trace-backends=log)
if [ ! -f "$q/build/build.ninja" ] ||
   [ "$(cat "$q/build/.heki-config" 2>/dev/null)" != "${config[*]}" ]; then
	echo "  CONFIG  qemu x86_64-softmmu (TCG)"
	rm -rf "$q/build" && mkdir -p "$q/build"
	if ! (cd "$q/build" && nice "$q/src/configure" "${config[@]}" > configure.log 2>&1); then
		tail -n 30 "$q/build/configure.log" >&2
		exit 1
	fi
	# The venv configure made must keep finding the extracted meson.
	site=$(echo "$q"/build/pyvenv/lib/python3*/site-packages)
	echo "$PYTHONPATH" > "$site/heki-meson.pth"
	echo "${config[*]}" > "$q/build/.heki-config"
fi
echo "  NINJA   qemu-system-x86_64 (-j$jobs)"
if ! (cd "$q/build" && nice ninja -j"$jobs" qemu-system-x86_64 > ninja.log 2>&1); then
	grep -E -A5 'error|FAILED' "$q/build/ninja.log" | head -n 60 >&2
	exit 1
fi
# A binary run from the build tree looks for firmware in its qemu-bundle
# data directory: link the extracted SeaBIOS and option ROMs there.
datadir=$(echo "$q"/build/qemu-bundle/usr/local/share/qemu)
mkdir -p "$datadir"
for f in "$q"/firmware/*; do
	[ -e "$datadir/${f##*/}" ] || ln -s "$f" "$datadir/${f##*/}"
done
echo "$hash" > "$q/.heki-stamp"
echo "  QEMU    $OUT/qemu/build/qemu-system-x86_64"
