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

expected() { awk -v f="$1" '$2 == f { print $1 }' "$sums"; }

check_sum() {	# <file> <name in sums>
	local want got
	want=$(expected "$2")
	[ -n "$want" ] || die "no pinned sha256 for $2"
	got=$(sha256sum "$1" | cut -d' ' -f1)
	[ "$got" = "$want" ] || die "sha256 mismatch for $1: got $got, want $want"
}

check_tree() {	# <dir>: accept any 7.3.y
	local v p
	[ -f "$1/Makefile" ] || die "$1 is not a kernel tree"
	v=$(sed -n 's/^VERSION = //p' "$1/Makefile" | head -1)
	p=$(sed -n 's/^PATCHLEVEL = //p' "$1/Makefile" | head -1)
	[ "$v.$p" = "7.3" ] || die "$1 is Linux $v.$p, need 7.3.y"
}

# Identity of the requested source, so a change of LINUX_SRC rebuilds.
if [ -n "${LINUX_SRC:-}" ]; then
	src=$(readlink -f "$LINUX_SRC") || die "LINUX_SRC=$LINUX_SRC not found"
	[ -e "$src" ] || die "LINUX_SRC=$LINUX_SRC not found"
	id="user:$src"
else
	id="pinned:$pin_version"
fi
if [ -f "$base/.heki-base" ] && [ "$(cat "$base/.heki-base")" = "$id" ]; then
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
	else
		extract "$src"
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
		want=$(awk -v f="$kt" '$2 == f { print $1 }' "$cache/linux/sha256sums.asc")
		got=$(sha256sum "$cache/linux/$kt" | cut -d' ' -f1)
		[ -n "$want" ] && [ "$want" = "$got" ] ||
			die "sha256 of $kt does not match kernel.org's sha256sums.asc"
		extract "$cache/linux/$kt"
	fi
	check_tree "$base.tmp"
fi

echo "$id" > "$base.tmp/.heki-base"
mv "$base.tmp" "$base"
log "Linux $(make -s -C "$base" kernelversion 2>/dev/null) ready in $base"
