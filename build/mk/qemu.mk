# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Hyper-V/VSM emulator (QEMU 10.0 from Debian trixie + qemu/patches +
# qemu/overlay), see docs/emulator.md.
#   make qemu               build $(OUT)/qemu/build/qemu-system-x86_64
#   make check-qemu-linux   boot the VTL0 kernel with hv_vsm=off (a plain
#                           Hyper-V guest) with 4 vCPUs under hv-vsm=on
#                           and check the serial log
#   make bench-emulator     boot-to-init time, hv-vsm=on vs off

QEMU_BIN := $(OUT)/qemu/build/qemu-system-x86_64

CHECK_SUITES += qemu-linux

.PHONY: qemu qemu-linux-check check-qemu-linux bench-emulator

STEP_qemu := Hyper-V/VSM emulator (QEMU)
qemu:
	@build/scripts/qemu-build.sh

# The emulator tests need the emulator.
check-qemu-tests: $(call needs,qemu)

# The VTL0 kernel with hv_vsm=off: no kernel of its own to build.
check-qemu-linux: $(call needs,qemu initramfs)
	@build/scripts/qemu-linux-check.sh $(VTL0_KERNEL) $(VTL0_INITRD)

qemu-linux-check: check-qemu-linux

# The same guest, also with heki=off: as close to a stock guest as it gets.
bench-emulator: qemu initramfs
	@BENCH_CMDLINE="hv_vsm=off heki=off" \
		bench/emulator-boot.sh $(VTL0_KERNEL) $(VTL0_INITRD)
