# Bare-metal test programs for the Hyper-V/VSM emulator (qemu/tests/).
#   make qemu-tests        build every test into $(OUT)/qemu-tests/
#   make check-qemu-tests  run the enabled tests (qemu/tests/tests.list)
#                          under $(QEMU_TESTS_QEMU)
# QEMU_TESTS_ALL=1 also runs the tests the list marks pending.

QT_SRC := qemu/tests
QT_OUT := $(OUT)/qemu-tests
QEMU_TESTS_QEMU ?= $(OUT)/qemu/build/qemu-system-x86_64
QEMU_TESTS_CPU ?= max,hv-vsm=on
QEMU_TESTS_TIMEOUT ?= 60
# firmware shipped next to our QEMU build (harmless when QEMU finds it itself)
QEMU_TESTS_EXTRA ?= $(if $(wildcard $(OUT)/qemu/firmware),-L $(OUT)/qemu/firmware)

QT_CC ?= gcc
QT_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding \
	-fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-builtin -mno-red-zone -mgeneral-regs-only -mcmodel=small \
	-fno-omit-frame-pointer -I$(QT_SRC)/lib -MMD -MP
QT_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -Wl,-T,$(QT_SRC)/lib/linker.ld

QT_LIB := entry hv lib vsm
QT_LIB_OBJS := $(QT_LIB:%=$(QT_OUT)/lib/%.o)
QT_TESTS := $(sort $(basename $(notdir $(wildcard $(QT_SRC)/*.c))))
QT_ELFS := $(QT_TESTS:%=$(QT_OUT)/%.elf)

CHECK_SUITES += qemu-tests

.PHONY: qemu-tests check-qemu-tests
STEP_qemu-tests := bare-metal tests of the emulator
.SECONDARY: $(QT_LIB_OBJS) $(QT_TESTS:%=$(QT_OUT)/%.o)
qemu-tests: $(QT_ELFS)

$(QT_OUT)/lib/%.o: $(QT_SRC)/lib/%.c
	@mkdir -p $(@D)
	nice $(QT_CC) $(QT_CFLAGS) -c -o $@ $<

$(QT_OUT)/lib/%.o: $(QT_SRC)/lib/%.S
	@mkdir -p $(@D)
	nice $(QT_CC) $(QT_CFLAGS) -c -o $@ $<

$(QT_OUT)/%.o: $(QT_SRC)/%.c
	@mkdir -p $(@D)
	nice $(QT_CC) $(QT_CFLAGS) -c -o $@ $<

# QEMU's multiboot loader only takes 32-bit ELF: link as x86-64, then
# rewrap the (64-bit) code in an elf32-i386 container.
$(QT_OUT)/%.elf: $(QT_OUT)/%.o $(QT_LIB_OBJS) $(QT_SRC)/lib/linker.ld
	nice $(QT_CC) $(QT_CFLAGS) $(QT_LDFLAGS) -o $@.64 $< $(QT_LIB_OBJS)
	objcopy -O elf32-i386 $@.64 $@

check-qemu-tests: qemu-tests
	$(QT_SRC)/run-tests.sh --qemu $(QEMU_TESTS_QEMU) --cpu $(QEMU_TESTS_CPU) \
		--dir $(QT_OUT) --timeout $(QEMU_TESTS_TIMEOUT) \
		--extra "$(QEMU_TESTS_EXTRA)" $(if $(QEMU_TESTS_ALL),--all)

-include $(wildcard $(QT_OUT)/*.d $(QT_OUT)/lib/*.d)
