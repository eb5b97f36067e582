// SPDX-License-Identifier: GPL-2.0
/*
 * HEKI selftests - attacks that only the hypervisor can stop
 *
 * Each variant makes one attack through the kernel's test interface,
 * which first gets around the kernel's own protection. With a backend
 * (HEKI sealed), the hypervisor must block it with a #GP, and the
 * violation must show up in securityfs heki/violations with its type and
 * a count one higher. Without one (heki=off, or no backend), the same
 * attack must get through: this shows that the hypervisor, not the
 * kernel, blocked it. Which of the two is expected comes from the command
 * line or HEKI_EXPECT (common.h), never from the kernel: a kernel that
 * should be sealed but is not fails every attack.
 */

#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/klog.h>

#include "../kselftest_harness.h"
#include "common.h"

/* x86 #GP, the exception a blocked attack raises. */
#define TRAP_GP		13

enum target {
	TARGET_KERNEL,	/* the running kernel, its registers and memory */
	TARGET_VTL1,	/* the memory of the secure kernel (Hyper-V VSM) */
	TARGET_BACKEND,	/* a boot-only backend operation */
};

/*
 * Find the memory reserved for VTL1 in the kernel log; returns 0 and its
 * first byte's address, or -ENOENT if no VTL1 runs.
 */
static int vtl1_base(unsigned long long *base)
{
	unsigned long long size;
	const char *p;
	int len, ret = -ENOENT;
	char *log;

	len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (len <= 0)
		return -ENOENT;
	log = calloc(1, len + 1);
	if (!log)
		return -ENOMEM;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, len);
	if (len > 0 && strstr(log, "hv_vsm: VTL1 running on")) {
		p = strstr(log, "hv_vsm: reserved ");
		if (p && sscanf(p, "hv_vsm: reserved %llx bytes at %llx",
				&size, base) == 2)
			ret = 0;
	}
	free(log);
	return ret;
}

FIXTURE(attack) {
	enum heki_mode mode;
};

/*
 * @sealed: the outcome expected when sealed, "blocked trap=13 " unless
 * set; @violation: the type of violation record it adds then, none if
 * NULL. Without protection, every attack must get through, or be skipped
 * when the processor itself ignores it.
 */
FIXTURE_VARIANT(attack) {
	const char *file;
	const char *violation;
	const char *sealed;
	enum target target;
};

FIXTURE_VARIANT_ADD(attack, write_text) {
	.file = "write_text", .violation = "mem_write",
};

FIXTURE_VARIANT_ADD(attack, write_rodata) {
	.file = "write_rodata", .violation = "mem_write",
};

FIXTURE_VARIANT_ADD(attack, write_ro_after_init) {
	.file = "write_ro_after_init", .violation = "mem_write",
};

FIXTURE_VARIANT_ADD(attack, exec_data) {
	.file = "exec_data", .violation = "mem_exec",
};

FIXTURE_VARIANT_ADD(attack, cr0_wp) {
	.file = "cr0_wp", .violation = "cr0",
};

FIXTURE_VARIANT_ADD(attack, cr4_smep) {
	.file = "cr4_smep", .violation = "cr4",
};

FIXTURE_VARIANT_ADD(attack, cr4_smap) {
	.file = "cr4_smap", .violation = "cr4",
};

FIXTURE_VARIANT_ADD(attack, msr_lstar) {
	.file = "msr_lstar", .violation = "msr",
};

FIXTURE_VARIANT_ADD(attack, msr_sysenter_eip) {
	.file = "msr_sysenter_eip", .violation = "msr",
};

FIXTURE_VARIANT_ADD(attack, msr_efer) {
	.file = "msr_efer", .violation = "msr",
};

/*
 * Around the hypervisor boundary: every pinned MSR, EFER.LMA (which the
 * processor keeps, but the hypervisor would take from VTL1), code in a
 * frame outside System RAM, and the hypercall page, which the hypervisor
 * writes wherever VTL0 asks until the hypercall MSR is locked.
 */
FIXTURE_VARIANT_ADD(attack, boundary_msr_star) {
	.file = "msr_star", .violation = "msr",
};

FIXTURE_VARIANT_ADD(attack, boundary_msr_cstar) {
	.file = "msr_cstar", .violation = "msr",
};

FIXTURE_VARIANT_ADD(attack, boundary_msr_sfmask) {
	.file = "msr_sfmask", .violation = "msr",
};

FIXTURE_VARIANT_ADD(attack, boundary_msr_sysenter_cs) {
	.file = "msr_sysenter_cs", .violation = "msr",
};

FIXTURE_VARIANT_ADD(attack, boundary_msr_sysenter_esp) {
	.file = "msr_sysenter_esp", .violation = "msr",
};

FIXTURE_VARIANT_ADD(attack, boundary_msr_apic_base) {
	.file = "msr_apic_base", .violation = "msr",
};

FIXTURE_VARIANT_ADD(attack, boundary_msr_efer_lma) {
	.file = "msr_efer_lma", .violation = "msr",
};

FIXTURE_VARIANT_ADD(attack, boundary_exec_outside_ram) {
	.file = "exec_outside_ram", .violation = "mem_exec",
};

FIXTURE_VARIANT_ADD(attack, boundary_hypercall_page_move) {
	.file = "hypercall_page_move", .sealed = "ignored ",
};

/*
 * Kernel text changed through the kernel's own patching code with changes
 * it never declared: a lone INT3, a jump label site jumping elsewhere, and
 * a static call trampoline jumping into the middle of a function (past
 * HEKI's own check of the target). Sealed, the hypervisor side refuses
 * them: no exception, text unchanged.
 */
FIXTURE_VARIANT_ADD(attack, patch_int3) {
	.file = "patch_int3", .sealed = "ignored ",
};

FIXTURE_VARIANT_ADD(attack, patch_jump) {
	.file = "patch_jump", .sealed = "ignored ",
};

FIXTURE_VARIANT_ADD(attack, patch_static_call) {
	.file = "patch_static_call", .sealed = "ignored ",
};

/* The INT3 written with text_poke(), as a kprobe armed before the seal. */
FIXTURE_VARIANT_ADD(attack, poke_int3) {
	.file = "poke_int3", .sealed = "ignored ",
};

FIXTURE_VARIANT_ADD(attack, gdtr) {
	.file = "gdtr", .violation = "gdtr",
};

FIXTURE_VARIANT_ADD(attack, idtr) {
	.file = "idtr", .violation = "idtr",
};

FIXTURE_VARIANT_ADD(attack, gdtr_base) {
	.file = "gdtr_base", .violation = "gdtr",
};

FIXTURE_VARIANT_ADD(attack, idtr_base) {
	.file = "idtr_base", .violation = "idtr",
};

FIXTURE_VARIANT_ADD(attack, ldtr) {
	.file = "ldtr", .violation = "ldtr",
};

FIXTURE_VARIANT_ADD(attack, tr) {
	.file = "tr", .violation = "tr",
};

FIXTURE_VARIANT_ADD(attack, read_vtl1) {
	.file = "read_phys", .violation = "mem_read", .target = TARGET_VTL1,
};

FIXTURE_VARIANT_ADD(attack, write_vtl1) {
	.file = "write_phys", .violation = "mem_write", .target = TARGET_VTL1,
};

FIXTURE_VARIANT_ADD(attack, protect_memory_after_boot) {
	.file = "protect_memory", .target = TARGET_BACKEND,
};

FIXTURE_VARIANT_ADD(attack, load_kdata_after_boot) {
	.file = "load_kdata", .target = TARGET_BACKEND,
};

FIXTURE_SETUP(attack)
{
	if (access(HEKI_TEST_DIR, F_OK))
		SKIP(return, "no " HEKI_TEST_DIR " (CONFIG_HEKI_TEST)");
	self->mode = heki_mode_as_expected(_metadata);
}

FIXTURE_TEARDOWN(attack)
{
}

TEST_F(attack, attempt)
{
	long long before = 0, after;
	char out[128], expect[64], arg[32];
	unsigned long long base;
	bool blocked;

	switch (variant->target) {
	case TARGET_BACKEND:
		if (self->mode != HEKI_MODE_SEALED)
			SKIP(return, "the kernel is not sealed by a backend");
		ASSERT_EQ(0, heki_attack(variant->file, NULL, out, sizeof(out)));
		TH_LOG("%s: %s", variant->file, out);
		/* Boot-only operations are refused with -EPERM. */
		ASSERT_EQ(0, strncmp(out, "returned -1 ", 12));
		return;
	case TARGET_VTL1:
		if (vtl1_base(&base)) {
			ASSERT_FALSE(heki_sealed_by(HEKI_BACKEND_VSM))
				TH_LOG("sealed by the VSM, yet no VTL1 memory in the kernel log");
			SKIP(return, "no VTL1 memory");
		}
		snprintf(arg, sizeof(arg), "%#llx", base);
		/* VTL1 protects its memory even with heki=off. */
		blocked = true;
		break;
	default:
		arg[0] = '\0';
		blocked = self->mode == HEKI_MODE_SEALED;
		break;
	}

	if (self->mode == HEKI_MODE_SEALED && variant->violation) {
		before = heki_violations(variant->violation);
		ASSERT_LE(0, before);
	}
	ASSERT_EQ(0, heki_attack(variant->file, arg[0] ? arg : NULL, out,
				 sizeof(out)));
	TH_LOG("%s: %s", variant->file, out);
	if (!blocked && !strncmp(out, "skipped ", 8))
		SKIP(return, "%s", out + 8);
	if (blocked && variant->sealed)
		snprintf(expect, sizeof(expect), "%s", variant->sealed);
	else if (blocked)
		snprintf(expect, sizeof(expect), "blocked trap=%d ", TRAP_GP);
	else
		snprintf(expect, sizeof(expect), "succeeded ");
	ASSERT_EQ(0, strncmp(out, expect, strlen(expect)))
		TH_LOG("expected \"%s...\"", expect);

	if (self->mode == HEKI_MODE_SEALED && variant->violation) {
		after = heki_violations(variant->violation);
		ASSERT_EQ(before + 1, after)
			TH_LOG("%s violations: %lld before, %lld after",
			       variant->violation, before, after);
	}
}

TEST_HARNESS_MAIN
