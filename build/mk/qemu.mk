# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Hyper-V/VSM emulator (QEMU 10.0 from Debian trixie + qemu/patches +
# qemu/overlay), see docs/emulator.md.
#   make qemu               build $(OUT)/qemu/build/qemu-system-x86_64
#   make check-qemu-linux   boot a stock Linux 7.3 (CONFIG_HYPERV) with
#                           4 vCPUs under hv-vsm=on and check the serial log
#   make bench-emulator     boot-to-init time, hv-vsm=on vs off

QEMU_BIN := $(OUT)/qemu/build/qemu-system-x86_64

CHECK_SUITES += qemu-linux

.PHONY: qemu qemu-linux-kernel qemu-linux-check check-qemu-linux bench-emulator

qemu:
	@build/scripts/qemu-build.sh

# The emulator tests need the emulator.
check-qemu-tests: qemu

# A stock kernel: the pristine base tree, no series patches.
QEMU_LINUX_KERNEL := $(OUT)/qemu-linux/arch/x86/boot/bzImage

qemu-linux-kernel: linux-base
	@build/scripts/qemu-linux-check.sh --build-only

check-qemu-linux: qemu linux-base initramfs
	@build/scripts/qemu-linux-check.sh

qemu-linux-check: check-qemu-linux

bench-emulator: qemu linux-base initramfs
	@build/scripts/qemu-linux-check.sh --build-only
	@bench/emulator-boot.sh $(QEMU_LINUX_KERNEL) $(OUT)/initramfs/vtl0.cpio.gz
