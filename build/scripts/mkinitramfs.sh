#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a busybox initramfs.
#
# Usage: mkinitramfs.sh <output.cpio.gz> <init> [<dir>...]
#        Each <dir> is copied into the root of the image (for example a
#        modules_install tree, test scripts, firmware).

set -euo pipefail

out=$1
init=$2
shift 2

# Debian's busybox-static package provides /bin/busybox.
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "mkinitramfs: $busybox not found (install busybox-static)" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,etc,lib/modules,lib/firmware}
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$init" "$stage/init"
chmod 755 "$stage/init"
for d in "$@"; do
	[ -d "$d" ] && cp -a "$d"/. "$stage"/
done
mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --quiet) | gzip -9n > "$out.tmp"
mv "$out.tmp" "$out"
echo "  INITRD  $out"
