#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate the build-dependent parts of the VTL1 kernel's configuration: the
# gen_init_cpio list of its built-in initramfs (from
# build/vtl1-initramfs/initramfs.list, with absolute paths of a static
# busybox and of build/vtl1-initramfs/init) and a config fragment:
# build/vtl1-initramfs/initramfs.config plus CONFIG_INITRAMFS_SOURCE
# pointing at the list. Files are only rewritten when their content
# changes, so that kbuild stays incremental.
#
# CONFIG_INITRAMFS_SOURCE is relative to the VTL1 object directory, where
# kbuild runs gen_initramfs.sh: it ends up in autoconf.h, which every
# object includes, and an absolute path there would keep ccache from
# hitting in another clone.
#
# Usage: vsm-vtl1-config.sh <template dir> <output dir> <VTL1 objdir>
#        writes <output dir>/initramfs.list and <output dir>/initramfs.config

set -euo pipefail

tmpl=$(readlink -f "$1")
mkdir -p "$2" "$3"
out=$(readlink -f "$2")
obj=$(readlink -f "$3")

# Debian's busybox-static package provides /bin/busybox.
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "vsm-vtl1-config: $busybox not found (install busybox-static)" >&2; exit 1; }

update() {	# <file>: replace it with <file>.new if they differ
	if cmp -s "$1.new" "$1"; then rm -f "$1.new"; else mv "$1.new" "$1"; fi
}

sed -e "/^#/d" -e "s|@BUSYBOX@|$(readlink -f "$busybox")|" -e "s|@INIT@|$tmpl/init|" \
	"$tmpl/initramfs.list" > "$out/initramfs.list.new"
update "$out/initramfs.list"

# Exactly the line Kconfig stores, so that build-kernel.sh's check that
# Kconfig kept every fragment option matches it.
{ cat "$tmpl/initramfs.config"
  printf 'CONFIG_INITRAMFS_SOURCE="%s"\n' \
	"$(realpath --relative-to="$obj" "$out/initramfs.list")"; } > "$out/initramfs.config.new"
update "$out/initramfs.config"
