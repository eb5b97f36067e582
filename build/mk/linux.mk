# SPDX-License-Identifier: GPL-2.0
#
# The kernel side: base tree, build tree, VTL0 kernel, initramfs, demo boot,
# KUnit, checkpatch and the LKML series.

LINUX_BASE := $(OUT)/linux/base
LINUX_TREE := $(OUT)/linux/src
VTL0_OBJ := $(OUT)/linux/vtl0
VTL0_MODULES := $(OUT)/linux/vtl0-modules
VTL0_INITRD := $(OUT)/initramfs/vtl0.cpio.gz
VTL0_KERNEL := $(VTL0_OBJ)/arch/x86/boot/bzImage

HOST_DEPS := gcc make flex bison bc libelf-dev libssl-dev cpio xz-utils gzip \
	busybox-static qemu-system-x86 ccache python3 perl git kmod dwarves gawk \
	curl ca-certificates openssl dpkg-dev patch python3-ply python3-git

# The one VTL0 kernel serves every suite; selftests.mk and vsm.mk append
# their fragments (the test interface, the VSM backend and its tests).
VTL0_FRAGMENTS := build/configs/guest.config build/configs/hyperv.config \
	build/configs/kunit.config $(wildcard build/configs/heki.config)

# Extra trees packed into the VTL0 initramfs (tests, firmware, ...).
VTL0_PAYLOAD := build/initramfs/payload

.PHONY: deps linux-base linux-tree vtl0 initramfs demo

STEP_deps := host packages
deps:
	@build/scripts/install-deps.sh $(HOST_DEPS)

STEP_linux-base := Linux 7.3 base tree
linux-base: $(call needs,deps)
	@build/scripts/fetch-linux.sh $(CACHE) $(LINUX_BASE)

STEP_linux-tree := build tree (base + series)
linux-tree: $(call needs,linux-base)
	@python3 build/scripts/sync-linux.py . $(LINUX_BASE) $(LINUX_TREE)

# $(call build-vtl0,<objdir>,<modules dir>,<config fragments>): a VTL0
# kernel flavour and its modules, installed for the initramfs.
define build-vtl0
	@build/scripts/build-kernel.sh $(LINUX_TREE) $(1) "bzImage modules" -- $(3)
	@rm -rf $(2)
	@$(MAKE) -s -C $(LINUX_TREE) O=$(abspath $(1)) \
		INSTALL_MOD_PATH=$(abspath $(2)) DEPMOD=/sbin/depmod \
		modules_install >/dev/null
endef

STEP_vtl0 := VTL0 kernel and modules
vtl0: $(call needs,linux-tree)
	$(call build-vtl0,$(VTL0_OBJ),$(VTL0_MODULES),$(VTL0_FRAGMENTS))

STEP_initramfs := VTL0 initramfs
initramfs: $(call needs,vtl0)
	@build/scripts/mkinitramfs.sh $(VTL0_INITRD) build/initramfs/init \
		$(VTL0_MODULES) $(VTL0_PAYLOAD)

# The demo: the VTL0 kernel with HEKI under QEMU; prints the HEKI status.
DEMO_DEPS ?= initramfs
STEP_demo := boot the VTL0 kernel under stock QEMU
demo: $(call needs,$(DEMO_DEPS))
	@echo "  BOOT    VTL0 kernel, HEKI on ($(OUT)/logs/demo.log)"
	@SMP=2 TIMEOUT=300 build/scripts/boot.sh $(OUT)/logs/demo.log \
		$(VTL0_KERNEL) $(VTL0_INITRD) "" | sed 's/.*\x1b\[2J//' | \
		grep -aE '^(heki|\[ *[0-9.]+\] heki)' || true
	@grep -q 'heki-init: done' $(OUT)/logs/demo.log

# ---------------------------------------------------------------- checks

CHECK_SUITES += host-deps checkpatch boot-vtl0

.PHONY: check-host-deps check-checkpatch check-boot-vtl0

# host-deps.sh, with stubs for apt-get: installs nothing.
check-host-deps:
	@build/scripts/test-host-deps.sh $(HOST_DEPS)

check-checkpatch: $(call needs,linux-tree)
	@build/scripts/checkpatch-overlay.sh . $(LINUX_TREE)

check-boot-vtl0: $(call needs,initramfs)
	@build/scripts/test-boot-vtl0.sh $(VTL0_KERNEL) $(VTL0_INITRD) $(OUT)/logs

# KUnit through the kernel's own kunit.py, on x86_64 under QEMU and on UML.
# make check runs only the UML one: the x86_64 suites also run as modules
# in the VTL0 kernel (boot-vtl0 checks their KTAP), and kunit.py's x86_64
# run would build one more x86 kernel for the same suites.
# make check-kunit-x86 (or make kunit, both runs) still does it.
KUNIT_DIRS := $(patsubst %/.kunitconfig,%,$(wildcard security/heki/.kunitconfig))
ifneq ($(KUNIT_DIRS),)
CHECK_SUITES += kunit-um
CHECK_STEPS_EXTRA += kunit-um-kernel
endif

.PHONY: kunit check-kunit-x86 check-kunit-um kunit-um-kernel
kunit: check-kunit-x86 check-kunit-um

check-kunit-x86: $(call needs,linux-tree)
	@build/scripts/kunit.sh $(LINUX_TREE) $(OUT)/linux/kunit-x86 x86_64 $(KUNIT_DIRS)

STEP_kunit-um-kernel := UML kernel of kunit.py
kunit-um-kernel: $(call needs,linux-tree)
	@build/scripts/kunit.sh --build-only $(LINUX_TREE) $(OUT)/linux/kunit-um um $(KUNIT_DIRS)

check-kunit-um: $(call needs,linux-tree)
	@build/scripts/kunit.sh $(LINUX_TREE) $(OUT)/linux/kunit-um um $(KUNIT_DIRS)

# ---------------------------------------------------------------- series

.PHONY: series series-check
series: linux-base
	@python3 build/scripts/series.py generate . $(LINUX_BASE) $(OUT)/series

series-check: series
	@python3 build/scripts/series.py check . $(LINUX_BASE) $(OUT)/series \
		$(VTL0_FRAGMENTS)
