#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Deploy what make deb-pkg produced and boot it: unpack the kernel and
# VTL1 image packages, run the image package's initramfs-tools hook (with
# the real hook-functions of initramfs-tools, the package's firmware
# mounted in a private mount namespace where the hook looks for it) and
# its dracut module (likewise, with a stand-in for dracut's inst_simple),
# check that
# both put the image and its signature where the kernel loads them, and
# boot the packaged kernel with that firmware under the emulator with
# vsm-test-boot.sh (2, 4 and 8 vCPUs, then heki=off).
#
# Usage: test-deploy.sh <debs dir> <initrd without VTL1> <log dir>
#                       <kernel built by make vtl0> [<vCPUs>...]
# Environment: QEMU (the emulator), QEMU_EXTRA as for vsm-boot.sh

set -uo pipefail

debs=$1 initrd=$2 logs=$3 built=$4
shift 4
[ $# -gt 0 ] || set -- 2 4 8
here=$(cd "$(dirname "$0")" && pwd)

. "$here/check-lib.sh"
. "$here/host-deps.sh"
host_deps initramfs-tools

release=$(cat "$debs/release") || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
fw=lib/firmware/heki/$release

image_deb=$(ls "$debs"/linux-image-"$release"_*.deb 2>/dev/null)
vtl1_deb=$(ls "$debs"/hv-vsm-vtl1-"$release"_*.deb 2>/dev/null)
check "the kernel package linux-image-$release exists" test -s "$image_deb"
check "the VTL1 package hv-vsm-vtl1-$release exists" test -s "$vtl1_deb"
depends=$(dpkg-deb -f "$vtl1_deb" Depends 2>/dev/null)
check "the VTL1 package depends on its kernel ($depends)" \
	test "$depends" = "linux-image-$release (= $(dpkg-deb -f "$image_deb" Version))"
mkdir -p "$root"
dpkg-deb -x "$image_deb" "$root" && dpkg-deb -x "$vtl1_deb" "$root"
kernel=$root/boot/vmlinuz-$release
check "the kernel package installs /boot/vmlinuz-$release" test -s "$kernel"
check "the packaged kernel is the one make vtl0 built" cmp -s "$kernel" "$built"
check "the kernel package installs /lib/modules/$release" test -d "$root/lib/modules/$release/kernel"
check "the VTL1 package installs /$fw/vtl1.elf{,.p7s}" \
	test -s "$root/$fw/vtl1.elf" -a -s "$root/$fw/vtl1.elf.p7s"
check "the kernel declares that firmware" \
	grep -qaF "firmware=heki/$release/vtl1.elf" "$root/lib/modules/$release/modules.builtin.modinfo"

# Run "$@" with the packages' firmware tree where the host's is, as an
# installed package would have it, in a private mount namespace.
# Needs root, or user namespaces (as a mapped root); a host without
# /usr/lib/firmware gets the empty directory Debian would have.
userns=()
[ "$(id -u)" -eq 0 ] || userns=(--map-root-user)
[ "$(id -u)" -ne 0 ] || mkdir -p /usr/lib/firmware
with_firmware() {
	unshare "${userns[@]}" --mount --propagation private sh -c '
		root=$1; shift
		mount -t tmpfs tmpfs /usr/lib/firmware &&
		cp -a "$root/lib/firmware/heki" /usr/lib/firmware/ && "$@"
	' with_firmware "$root" "$@"
}

# The initramfs-tools hook, as mkinitramfs runs it: DESTDIR laid out as
# mkinitramfs does on a usr-merged host (/lib a link to usr/lib).
dest=$work/initramfs-tools
mkdir -p "$dest/usr/lib"
ln -s usr/lib "$dest/lib"
check "initramfs-tools hook runs" with_firmware \
	env DESTDIR="$dest" version="$release" verbose=n \
	sh "$root/usr/share/initramfs-tools/hooks/hv-vsm-vtl1"
check "initramfs-tools hook: image and signature at /$fw/ in the initramfs" \
	bash -c 'cmp -s "$1/$2/vtl1.elf" "$3/$2/vtl1.elf" &&
		cmp -s "$1/$2/vtl1.elf.p7s" "$3/$2/vtl1.elf.p7s"' \
	cmp "$dest" "$fw" "$root"
# For a kernel without an image, it adds nothing.
other=$work/initramfs-tools-other
mkdir -p "$other/usr/lib"
ln -s usr/lib "$other/lib"
check "initramfs-tools hook: nothing for another kernel" with_firmware \
	bash -c 'env DESTDIR="$1" version=0.0.0-other verbose=n sh "$2" &&
		! find "$1/usr/lib" -name "vtl1.elf*" | grep -q .' \
	hook "$other" "$root/usr/share/initramfs-tools/hooks/hv-vsm-vtl1"

# The dracut module: check() and install() as dracut calls them, with
# inst_simple copying into a directory.
check "dracut module installs the image and its signature" with_firmware \
	bash -c '
		kernel=$1 out=$2
		inst_simple() { mkdir -p "$out${2%/*}" && cp "$1" "$out$2"; }
		. "$3/usr/lib/dracut/modules.d/90hv-vsm-vtl1/module-setup.sh"
		check && install &&
			cmp -s "$out/$4/vtl1.elf" "$3/$4/vtl1.elf" &&
			cmp -s "$out/$4/vtl1.elf.p7s" "$3/$4/vtl1.elf.p7s"
	' dracut "$release" "$work/dracut" "$root" "$fw"
check "dracut module: not included for another kernel" with_firmware \
	bash -c '
		kernel=0.0.0-other
		. "$1/usr/lib/dracut/modules.d/90hv-vsm-vtl1/module-setup.sh"
		check; [ $? -eq 255 ]
	' dracut "$root"

# The guest's initramfs: the test one plus the firmware the hook put in.
mkdir -p "$work/fw/lib/firmware"
cp -rL "$dest/lib/firmware/heki" "$work/fw/lib/firmware/"
(cd "$work/fw" && find . | LC_ALL=C sort |
	cpio -o -H newc --owner=0:0 --quiet) | gzip -9n > "$work/hook.cpio.gz"
cat "$initrd" "$work/hook.cpio.gz" > "$work/deploy.img"

deployed=$checks failed=$fails
"$here/vsm-test-boot.sh" "$kernel" "$work/deploy.img" "$logs" "$@"
boot_rc=$?
echo "result: deploy: $((deployed - failed))/$deployed package checks (linux-image-$release from bindeb-pkg, hv-vsm-vtl1-$release with its initramfs-tools hook and dracut module); the packaged kernel with the hook's initramfs booted under the emulator by ${VSM_BOOT_FIRMWARE:-seabios uefi} with $* vCPUs: $([ "$boot_rc" -eq 0 ] && echo "sealed, all boot checks passed" || echo "boot checks FAILED")"
echo "summary: $((deployed - failed))/$deployed deploy checks passed"
[ "$fails" -eq 0 ] && [ "$boot_rc" -eq 0 ]
