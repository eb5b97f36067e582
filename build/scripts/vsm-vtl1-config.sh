#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate the build-dependent parts of the VTL1 kernel's configuration:
# its init (tools/hv/hv_vsm_vtl1_init.c of the tree, built with the tree's
# nolibc: no binary of the build host goes into VTL1), the gen_init_cpio
# list of its built-in initramfs (build/vtl1-initramfs/initramfs.list, with
# the init's absolute path) and a config fragment setting
# CONFIG_INITRAMFS_SOURCE to that list, to merge after
# arch/x86/configs/hv_vsm_vtl1.config. Files are only rewritten when their
# content changes, so that kbuild stays incremental.
#
# CONFIG_INITRAMFS_SOURCE is relative to the VTL1 object directory, where
# kbuild runs gen_initramfs.sh: it ends up in autoconf.h, which every
# object includes, and an absolute path there would keep ccache from
# hitting in another clone.
#
# Usage: vsm-vtl1-config.sh <Linux tree> <template dir> <output dir> <VTL1 objdir>
#        writes <output dir>/{init,initramfs.list,initramfs.config}

set -euo pipefail

tree=$(readlink -f "$1")
tmpl=$(readlink -f "$2")
mkdir -p "$3" "$4"
out=$(readlink -f "$3")
obj=$(readlink -f "$4")

update() {	# <file>: replace it with <file>.new if they differ
	if cmp -s "$1.new" "$1"; then rm -f "$1.new"; else mv "$1.new" "$1"; fi
}

gcc -Os -static -nostdlib -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-ident -Wl,--build-id=none -s \
	-include "$tree/tools/include/nolibc/nolibc.h" \
	-o "$out/init.new" "$tree/tools/hv/hv_vsm_vtl1_init.c" -lgcc
update "$out/init"

sed -e "/^#/d" -e "s|@INIT@|$out/init|" \
	"$tmpl/initramfs.list" > "$out/initramfs.list.new"
update "$out/initramfs.list"

# Exactly the line Kconfig stores, so that build-kernel.sh's check that
# Kconfig kept every fragment option matches it.
printf 'CONFIG_INITRAMFS_SOURCE="%s"\n' \
	"$(realpath --relative-to="$obj" "$out/initramfs.list")" > "$out/initramfs.config.new"
update "$out/initramfs.config"
