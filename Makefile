# SPDX-License-Identifier: GPL-2.0
#
# HEKI/LVBS: build, boot and test the patch series.
#
#   make          build what is missing and boot the demo guests (stock QEMU,
#                 then VTL0 + VTL1 under the emulator)
#   make check    run every test suite
#
# The targets of each artefact live in build/mk/*.mk; `make help` lists them.

OUT ?= out
CACHE ?= $(HOME)/.cache/heki
JOBS ?= $(shell nproc)
export OUT CACHE JOBS

.DEFAULT_GOAL := all

# Suites run by `make check`, in order; each is a target check-<suite>.
CHECK_SUITES :=

# `make` and `make check` build in explicit steps (build-steps.sh), one
# progress line each, and then run every step and suite with HEKI_STEPS=1.
# A target lists its build prerequisites as $(call needs,...): they are
# dropped under HEKI_STEPS, where an earlier step built them, so that a
# suite does not redo a no-op kbuild of each kernel it boots.
needs = $(if $(HEKI_STEPS),,$(1))

include $(sort $(wildcard build/mk/*.mk))

# The build steps, in dependency order; STEP_<target> describes each. A
# step @<target> shows its output (the demos).
ALL_STEPS := deps linux-base linux-tree vtl0 selftests initramfs @demo \
	qemu vtl1 initramfs-vsm @demo-vsm
CHECK_STEPS := deps linux-base linux-tree vtl0 selftests initramfs \
	qemu qemu-tests vtl1 initramfs-vsm $(CHECK_STEPS_EXTRA)
steps = $(foreach s,$(1),"$(s)=$(STEP_$(patsubst @%,%,$(s)))")

.PHONY: all check help clean

all:
	@build/scripts/build-steps.sh $(call steps,$(ALL_STEPS))

check:
	@build/scripts/run-suites.sh --steps $(call steps,$(CHECK_STEPS)) \
		-- $(CHECK_SUITES)

help:
	@echo "make              build everything missing and boot the demos"
	@echo "make check        build in steps, then run every suite: $(CHECK_SUITES)"
	@echo "make check-<s>    run one suite"
	@echo "make deps         check host packages; as root install the missing"
	@echo "                  ones with apt (it says which); NO_INSTALL=1: only"
	@echo "                  print them and the command, for any target"
	@echo "make linux-tree   assemble out/linux/src (base + hunks + overlay)"
	@echo "make vtl0         build the VTL0 kernel (with the Hyper-V VSM backend)"
	@echo "make initramfs    build the VTL0 busybox initramfs"
	@echo "make vtl1         build the VTL1 secure kernel, stripped and signed"
	@echo "make demo-vsm     boot VTL0 + VTL1 under the emulator (2 and 4 vCPUs)"
	@echo "make bench-vsm    time to init, HEKI + VTL1 vs heki=off; VTL calls to seal"
	@echo "make qemu         build the Hyper-V/VSM emulator"
	@echo "make kunit        run the KUnit suites with kunit.py (x86_64 and UML)"
	@echo "make series       write the LKML series to $(OUT)/series/"
	@echo "make series-check apply, checkpatch and build the series on a pristine base"
	@echo "make clean        remove $(OUT)/ (the download cache stays)"

clean:
	rm -rf $(OUT)
