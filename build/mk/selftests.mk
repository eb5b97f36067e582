# SPDX-License-Identifier: GPL-2.0
#
# The HEKI kselftests (tools/testing/selftests/heki/): built static from the
# build tree into $(OUT)/selftests/payload, which goes into the VTL0
# initramfs as /selftests/heki/; the guest runs them through
# /tests/heki-selftests.sh. The VTL0 kernel gets the test interface they
# drive (CONFIG_HEKI_TEST).

SELFTESTS_OUT := $(OUT)/selftests
SELFTESTS_PAYLOAD := $(SELFTESTS_OUT)/payload
# Keys for the module signature tests, built into the VTL0 kernel as
# trusted, revoked and blacklisted (build/scripts/test-keys.sh), and the
# test modules signed with them.
TEST_KEYS := $(VTL0_OBJ)/heki-test-keys

VTL0_FRAGMENTS += build/configs/heki-test.config $(TEST_KEYS)/keys.config
VTL0_PAYLOAD += $(SELFTESTS_PAYLOAD)

$(TEST_KEYS)/keys.config:
	@build/scripts/test-keys.sh $(VTL0_OBJ)

vtl0: $(TEST_KEYS)/keys.config

.PHONY: selftests check-heki-selftests-off
STEP_selftests := HEKI kselftests
selftests: $(call needs,linux-tree vtl0)
	@echo "  SELFTEST heki"
	@rm -rf $(SELFTESTS_PAYLOAD)
	@mkdir -p $(SELFTESTS_OUT)/heki $(SELFTESTS_PAYLOAD)/selftests/heki
	@nice $(MAKE) -s -C $(LINUX_TREE)/tools/testing/selftests/heki \
		OUTPUT=$(abspath $(SELFTESTS_OUT)/heki)
	@cp $(SELFTESTS_OUT)/heki/*_test $(SELFTESTS_PAYLOAD)/selftests/heki/
	@build/scripts/test-modules.sh $(VTL0_OBJ) $(VTL0_MODULES) $(TEST_KEYS) \
		$(SELFTESTS_PAYLOAD)

initramfs: $(call needs,selftests)

CHECK_SUITES += heki-selftests-off

# Without a hypervisor backend (stock QEMU), HEKI on and heki=off: every
# attack must get through and every must-work case pass; the same kernel
# run as one that should be sealed (heki_expect=sealed) must fail them.
check-heki-selftests-off: $(call needs,initramfs)
	@build/scripts/test-heki-selftests.sh $(VTL0_KERNEL) $(VTL0_INITRD) \
		$(OUT)/logs off
