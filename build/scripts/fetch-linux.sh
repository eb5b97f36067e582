#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Obtain the pristine Linux 7.3 base tree, in this order:
#   1. LINUX_SRC=<dir|tarball> named by the user (any 7.3.y);
#   2. the download cache ($CACHE/linux);
#   3. Debian's binary package linux-source-7.3 (trixie-backports), fetched
#      through a private apt configuration;
#   4. the kernel.org tarball.
# Pinned downloads are checked against build/linux-base.sha256.
#
# <base-dir>/.heki-base identifies the requested source (a change rebuilds
# the base); <base-dir>/.heki-base-source says, for the series' cover
# letter, which one was used:
#   git <commit>             a LINUX_SRC git tree whose checkout is clean
#   tree <description>       any other LINUX_SRC tree
#   tarball <description>    a tarball (LINUX_SRC, Debian's, kernel.org's)
#
# Usage: fetch-linux.sh <cache-dir> <base-dir>

set -euo pipefail

cache=${1:?cache dir}
base=${2:?base dir}
here=$(cd "$(dirname "$0")" && pwd)
sums=$here/../linux-base.sha256
pin_version=7.3.4
deb_version=7.3.4-1~bpo13+1
deb=linux-source-7.3_${deb_version}_all.deb
tarball=linux-source-7.3.tar.xz

log() { echo "  BASE    $*"; }
die() { echo "fetch-linux: $*" >&2; exit 1; }

. "$here/pin-lib.sh"
check_sum() {	# <file> <name in sums>
	local err
	err=$(pin_check "$sums" "$1" "$2") || die "$err"
}

check_tree() {	# <dir>: accept any 7.3.y
	local v p
	[ -f "$1/Makefile" ] || die "$1 is not a kernel tree"
	v=$(sed -n 's/^VERSION = //p' "$1/Makefile" | head -1)
	p=$(sed -n 's/^PATCHLEVEL = //p' "$1/Makefile" | head -1)
	[ "$v.$p" = "7.3" ] || die "$1 is Linux $v.$p, need 7.3.y"
}

# A LINUX_SRC directory that is the top of a git checkout: its HEAD, and
# whether tracked files differ from it.
git_head() {	# <dir>
	[ -e "$1/.git" ] && command -v git >/dev/null || return 1
	[ "$(git -C "$1" rev-parse --show-toplevel 2>/dev/null)" = "$1" ] || return 1
	git -C "$1" rev-parse --verify -q HEAD
}
git_clean() {	# <dir>
	[ -z "$(git -C "$1" status --porcelain --untracked-files=no 2>/dev/null)" ]
}

# Identity of the requested source, so a change of LINUX_SRC rebuilds.
head=
if [ -n "${LINUX_SRC:-}" ]; then
	src=$(readlink -f "$LINUX_SRC") || die "LINUX_SRC=$LINUX_SRC not found"
	[ -e "$src" ] || die "LINUX_SRC=$LINUX_SRC not found"
	id="user:$src"
	if [ -d "$src" ] && head=$(git_head "$src"); then
		id="$id@$head"
	fi
else
	id="pinned:$pin_version"
fi
if [ -f "$base/.heki-base" ] && [ "$(cat "$base/.heki-base")" = "$id" ] &&
   [ -f "$base/.heki-base-source" ]; then
	exit 0
fi

rm -rf "$base" "$base.tmp"
mkdir -p "$base.tmp" "$cache/linux"

extract() {	# <tarball>
	log "extracting $(basename "$1")"
	tar -xf "$1" -C "$base.tmp" --strip-components=1
}

if [ -n "${LINUX_SRC:-}" ]; then
	if [ -d "$src" ]; then
		log "copying $src"
		(cd "$src" && tar --exclude=.git -cf - .) | tar -xf - -C "$base.tmp"
		if [ -n "$head" ] && git_clean "$src"; then
			source="git $head"
		elif [ -n "$head" ]; then
			source="tree $(basename "$src"), git commit $head with changes to tracked files"
		else
			source="tree $(basename "$src"), not a git checkout"
		fi
	else
		extract "$src"
		source="tarball $(basename "$src"), sha256 $(sha256sum "$src" | cut -d' ' -f1)"
	fi
	check_tree "$base.tmp"
else
	if [ ! -f "$cache/linux/$tarball" ]; then
		if command -v apt-get >/dev/null && [ ! -f "$cache/linux/$deb" ]; then
			log "downloading Debian linux-source-7.3 $deb_version"
			if mapfile -t opts < <("$here/apt-private.sh" "$cache/apt") &&
			   [ "${#opts[@]}" -gt 0 ]; then
				(cd "$cache/linux" &&
				 apt-get -qq "${opts[@]}" download \
					"linux-source-7.3=$deb_version" >/dev/null 2>&1) ||
					log "Debian package not reachable"
			fi
		fi
		if [ -f "$cache/linux/$deb" ]; then
			check_sum "$cache/linux/$deb" "$deb"
			dpkg-deb --fsys-tarfile "$cache/linux/$deb" |
				tar -xOf - "./usr/src/$tarball" > "$cache/linux/$tarball.tmp"
			mv "$cache/linux/$tarball.tmp" "$cache/linux/$tarball"
		fi
	fi
	if [ -f "$cache/linux/$tarball" ]; then
		check_sum "$cache/linux/$tarball" "$tarball"
		extract "$cache/linux/$tarball"
		source="tarball $tarball of Debian's linux-source-7.3 $deb_version, sha256 $(pin_sum "$sums" "$tarball")"
	else
		kt=linux-$pin_version.tar.xz
		url=https://cdn.kernel.org/pub/linux/kernel/v7.x
		if [ ! -f "$cache/linux/$kt" ]; then
			log "downloading $url/$kt"
			curl -fsSL -o "$cache/linux/sha256sums.asc" "$url/sha256sums.asc" &&
			curl -fsSL -o "$cache/linux/$kt.tmp" "$url/$kt" ||
				die "no Linux 7.3 source reachable: set LINUX_SRC=<tree or tarball>, or make Debian's linux-source-7.3 or kernel.org reachable"
			mv "$cache/linux/$kt.tmp" "$cache/linux/$kt"
		fi
		want=$(pin_sum "$cache/linux/sha256sums.asc" "$kt")
		got=$(sha256sum "$cache/linux/$kt" | cut -d' ' -f1)
		[ -n "$want" ] && [ "$want" = "$got" ] ||
			die "sha256 of $kt does not match kernel.org's sha256sums.asc"
		extract "$cache/linux/$kt"
		source="tarball $kt from kernel.org, sha256 $want"
	fi
	check_tree "$base.tmp"
fi

echo "$id" > "$base.tmp/.heki-base"
echo "$source" > "$base.tmp/.heki-base-source"
mv "$base.tmp" "$base"
log "Linux $(make -s -C "$base" kernelversion 2>/dev/null) ready in $base"
