# SPDX-License-Identifier: GPL-2.0
#
# The Hyper-V VSM backend end to end: the VTL0 kernel (which carries the
# backend), the VTL1 secure kernel, both booted together under the emulator.
#   make vtl1           VTL1 kernel, stripped and signed:
#                       $(OUT)/linux/vtl1/vtl1.elf{,.p7s}
#   make initramfs-vsm  $(OUT)/initramfs/vtl0-vsm.cpio.gz, with the VTL1
#                       image as /lib/firmware/heki/<release>/vtl1.elf{,.p7s}
#   make demo-vsm       boot it under the emulator, 2 and 4 vCPUs, print the
#                       HEKI status
#   make deb-pkg       $(OUT)/debs: linux-image-<release> (bindeb-pkg) and
#                       hv-vsm-vtl1-<release> (the image, its initramfs
#                       hooks from dist/)
#   make check-vsm-boot the boot checks of that guest, deployed from those
#                       packages (in make check)
#   make bench-vsm      time to init with HEKI and VTL1 vs heki=off, and
#                       the VTL calls and ranges of the seal
#   make bench-modules  module load/unload time with HEKI and VTL1 vs
#                       heki=off, and the VTL calls per load
#
# There is one VTL0 kernel, $(OUT)/linux/vtl0: the VSM backend and its VTL
# call tests are part of it. Under stock QEMU there is no Hyper-V, so the
# backend stays inactive and the VTL call tests report "skipped VTL1 does
# not run"; the stock-QEMU suites boot the same kernel as the VSM suites.
# Only the initramfs differs: the VSM one also carries the VTL1 image, so
# that the stock-QEMU targets do not wait for the VTL1 build.

VTL0_FRAGMENTS += build/configs/vsm-vtl0.config build/configs/vsm-test.config

VSM_KERNEL := $(VTL0_KERNEL)
VSM_INITRD := $(OUT)/initramfs/vtl0-vsm.cpio.gz
VSM_FIRMWARE := $(OUT)/vsm/firmware
# Recursive: other .mk files append to VTL0_PAYLOAD.
VSM_PAYLOAD = $(VTL0_PAYLOAD) $(VSM_FIRMWARE)

VTL1_OBJ := $(OUT)/linux/vtl1
VTL1_GEN := $(OUT)/vsm/vtl1-config
VTL1_FRAGMENTS := arch/x86/configs/hv_vsm_vtl1.config $(VTL1_GEN)/initramfs.config

VSM_QEMU := $(OUT)/qemu/build/qemu-system-x86_64
VSM_QEMU_EXTRA := $(if $(wildcard $(OUT)/qemu/firmware),-L $(OUT)/qemu/firmware)

.PHONY: vtl1 initramfs-vsm demo-vsm bench-vsm

# Signed with the VTL0 build's module signing key, hence after vtl0.
STEP_vtl1 := VTL1 secure kernel, signed
vtl1: $(call needs,linux-tree vtl0)
	@build/scripts/vsm-vtl1-config.sh $(LINUX_TREE) build/vtl1-initramfs $(VTL1_GEN) $(VTL1_OBJ)
	@build/scripts/build-kernel.sh $(LINUX_TREE) $(VTL1_OBJ) vmlinux \
		-- $(VTL1_FRAGMENTS)
	@build/scripts/vsm-vtl1-image.sh $(VTL1_OBJ) $(VTL0_OBJ) $(VSM_FIRMWARE)

STEP_initramfs-vsm := VSM initramfs (VTL0 initramfs + VTL1 image)
initramfs-vsm: $(call needs,vtl0 vtl1 selftests)
	@build/scripts/mkinitramfs.sh $(VSM_INITRD) build/initramfs/init \
		$(VTL0_MODULES) $(VSM_PAYLOAD)

# The VSM demo: VTL0 + VTL1 under the emulator with 2 and 4 vCPUs.
VSM_DEMO_CPUS ?= 2 4
STEP_demo-vsm := boot VTL0 + VTL1 under the emulator
demo-vsm: $(call needs,qemu initramfs-vsm)
	@for n in $(VSM_DEMO_CPUS); do \
		echo "  BOOT    VTL0 + VTL1 under the emulator, $$n vCPUs ($(OUT)/logs/demo-vsm-$$n.log)"; \
		QEMU=$(VSM_QEMU) QEMU_EXTRA="$(VSM_QEMU_EXTRA)" QUIET=1 \
			build/scripts/vsm-boot.sh $(OUT)/logs/demo-vsm-$$n.log \
			$(VSM_KERNEL) $(VSM_INITRD) $$n ""; rc=$$?; \
		build/scripts/vsm-status.sh $(OUT)/logs/demo-vsm-$$n.log; \
		[ $$rc -eq 0 ] || exit 1; \
	done

# Time to init of that guest with HEKI (VTL1 started, kernel sealed) vs
# heki=off, alternating, and the VTL calls and ranges of the seal.
BENCH_VSM_ROUNDS ?= 3
BENCH_VSM_CPUS ?= 2
bench-vsm: qemu initramfs-vsm
	@QEMU=$(VSM_QEMU) QEMU_EXTRA="$(VSM_QEMU_EXTRA)" \
		bench/vsm-init.sh $(VSM_KERNEL) $(VSM_INITRD) \
		$(BENCH_VSM_ROUNDS) $(BENCH_VSM_CPUS)

# Module load and unload time with HEKI and VTL1 vs heki=off, per module,
# and the VTL calls per load.
BENCH_MODULES_CYCLES ?= 20
.PHONY: bench-modules
bench-modules: qemu initramfs-vsm
	@QEMU=$(VSM_QEMU) QEMU_EXTRA="$(VSM_QEMU_EXTRA)" \
		bench/modules.sh $(VSM_KERNEL) $(VSM_INITRD) $(BENCH_MODULES_CYCLES)

# ---------------------------------------------------------------- checks

# Deployed from the Debian packages (make deb-pkg): the packages' content,
# the VTL1 package's initramfs-tools hook and dracut module; then VTL0 +
# VTL1 from the packages with 2, 4 and 8 vCPUs: VTL1 on every CPU, backend
# hyperv-vsm, sealed, registers pinned on every CPU, no writable and
# executable frame, no warning or oops in either kernel; then heki=off,
# where VTL1 must not start.
CHECK_SUITES += vsm-boot

.PHONY: check-vsm-boot
check-vsm-boot: $(call needs,qemu initramfs deb-pkg)
	@QEMU=$(VSM_QEMU) QEMU_EXTRA="$(VSM_QEMU_EXTRA)" \
		build/scripts/test-deploy.sh $(DEB_OUT) $(VTL0_INITRD) $(OUT)/logs \
		$(VSM_KERNEL) 2 4 8

# The Debian packages a distribution would ship: the VTL0 kernel (the
# kernel's bindeb-pkg) and its VTL1 image with the initramfs hooks.
DEB_OUT := $(OUT)/debs
CHECK_STEPS_EXTRA += deb-pkg

.PHONY: deb-pkg
STEP_deb-pkg := Debian packages: VTL0 kernel, VTL1 image
deb-pkg: $(call needs,vtl0 vtl1)
	@build/scripts/deb-pkg.sh $(LINUX_TREE) $(VTL0_OBJ) $(VSM_FIRMWARE) \
		$(DEB_OUT) -- $(VTL0_FRAGMENTS)

# The HEKI kselftests in that guest, sealed and with heki=off (one boot
# each): attacks, malformed VTL calls, must-work cases.
CHECK_SUITES += vsm-selftests

.PHONY: check-vsm-selftests
check-vsm-selftests: $(call needs,qemu initramfs-vsm)
	@QEMU=$(VSM_QEMU) QEMU_EXTRA="$(VSM_QEMU_EXTRA)" \
		build/scripts/test-heki-selftests.sh $(VSM_KERNEL) $(VSM_INITRD) \
		$(OUT)/logs vsm

# The failure policy: VSM offered, VTL1 refused (no image, bad signature,
# rollback, ABI mismatch, too many CPUs, no memory), one boot each; the
# guest boots unprotected and securityfs says why, or panics with
# hv_vsm_failure=panic.
CHECK_SUITES += vsm-failure

.PHONY: check-vsm-failure
check-vsm-failure: $(call needs,qemu initramfs vtl1)
	@QEMU=$(VSM_QEMU) QEMU_EXTRA="$(VSM_QEMU_EXTRA)" \
		build/scripts/vsm-test-failure.sh $(VSM_KERNEL) $(VTL0_INITRD) \
		$(VSM_FIRMWARE) $(VTL0_OBJ) $(OUT)/logs

# The README's build machine commands for a Hyper-V VM, run as written.
CHECK_SUITES += deploy-docs

.PHONY: check-deploy-docs
check-deploy-docs: $(call needs,deb-pkg)
	@build/scripts/test-deploy-docs.sh README.md $(OUT)
