/* Secure register intercepts (CrInterceptControl): CR0/CR4 writes to
 * masked bits, GDTR/IDTR/LDTR/TR loads and MSR writes arrive on VTL1's SINT0
 * with the right message type, register, value and instruction length;
 * the write is not performed until VTL1 decides (skip, allow via
 * SetVpRegisters, or #GP through PendingEvent0). */
#include "vsm.h"

const char test_name[] = "vtl_intercept";

#define MSR_STAR 0xC0000081
#define MSR_LSTAR 0xC0000082

static volatile u64 gp_rip;

static u64 set_intercepts(u64 arg)
{
	(void)arg;
	u64 st = 0;
	st |= HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_CURRENT, HV_REG_CR_INTERCEPT_CR0_MASK, CR0_WP, 0));
	st |= HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_CURRENT, HV_REG_CR_INTERCEPT_CR4_MASK, CR4_PGE, 0));
	st |= HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_CURRENT, HV_REG_CR_INTERCEPT_CONTROL,
				   HV_CRI_CR0_WRITE | HV_CRI_CR4_WRITE | HV_CRI_GDTR_WRITE |
				   HV_CRI_IDTR_WRITE | HV_CRI_LDTR_WRITE | HV_CRI_TR_WRITE |
				   HV_CRI_LSTAR_WRITE, 0));
	return st;
}

static u64 set_cr0_mask(u64 mask)
{
	return HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_CURRENT, HV_REG_CR_INTERCEPT_CR0_MASK, mask, 0));
}

static const struct hv_register_intercept *reg_msg(void)
{
	return (const struct hv_register_intercept *)vsm_mbox.msgs[0].payload;
}

/* Run INSN with the given inputs; START/LEN get its address and length. */
#define RUN_INSN(start, len, insn, ...)					\
	do {								\
		u64 __e;						\
		vsm_clear_msgs();					\
		asm volatile("lea 1f(%%rip), %0\n\tlea 2f(%%rip), %1\n"	\
			     "1:\t" insn "\n2:"				\
			     : "=&r"(start), "=&r"(__e) : __VA_ARGS__ : "memory"); \
		len = __e - start;					\
	} while (0)

static void check_reg(const char *what, u32 type, u32 name, u64 value, u64 rip, u64 len)
{
	const struct hv_register_intercept *m = reg_msg();
	if (!report_eq(vsm_mbox.nmsgs, 1, "%s: one intercept message", what))
		return;
	report_eq(vsm_mbox.msgs[0].type, type, "%s: message type 0x%x", what, type);
	if (type == HV_MSG_X64_REGISTER_INTERCEPT) {
		report_eq(m->reg_name, name, "%s: register name 0x%x", what, name);
		if (value != ~0UL)
			report_eq(m->value_lo, value, "%s: new value in AccessInfo", what);
	} else {
		const struct hv_msr_intercept *mm = (const void *)vsm_mbox.msgs[0].payload;
		report(mm->msr == name && (u32)mm->rax == (u32)value && (u32)mm->rdx == (u32)(value >> 32),
		       "%s: MSR 0x%x, EDX:EAX 0x%lx (got 0x%x, 0x%lx:0x%lx)", what, name, value,
		       mm->msr, mm->rdx, mm->rax);
	}
	report(m->h.rip == rip && (m->h.insn_len_cr8 & 0xf) == len && (m->h.exec_state >> 7 & 0xf) == 0,
	       "%s: VTL0 RIP 0x%lx and instruction length %lu (got 0x%lx, %u)", what, rip, len,
	       m->h.rip, m->h.insn_len_cr8 & 0xf);
}

void test_main(void)
{
	u64 rip, len;
	struct desc_ptr gdtr, idtr;
	struct exc_info e;

	hv_setup();
	if (!vsm_setup(false))
		panic("VTL1 setup failed");
	report_eq(vtl1_run(set_intercepts, 0), 0, "VTL1 sets CrInterceptControl, Cr0Mask (WP), Cr4Mask (PGE)");
	vsm_mbox.policy = POLICY_SKIP;

	u64 cr0 = read_cr0();
	RUN_INSN(rip, len, "mov %2, %%cr0", "r"(cr0 ^ CR0_WP));
	check_reg("CR0.WP write", HV_MSG_X64_REGISTER_INTERCEPT, HV_X64_REG_CR0, cr0 ^ CR0_WP, rip, len);
	report_eq(read_cr0(), cr0, "CR0 unchanged while VTL1 skips the write");

	RUN_INSN(rip, len, "mov %2, %%cr0", "r"(cr0 | CR0_TS));
	report(vsm_mbox.nmsgs == 0 && (read_cr0() & CR0_TS), "CR0.TS (not in the mask) written without intercept");
	write_cr0(cr0);

	u64 cr4 = read_cr4();
	RUN_INSN(rip, len, "mov %2, %%cr4", "r"(cr4 ^ CR4_PGE));
	check_reg("CR4.PGE write", HV_MSG_X64_REGISTER_INTERCEPT, HV_X64_REG_CR4, cr4 ^ CR4_PGE, rip, len);
	report_eq(read_cr4(), cr4, "CR4 unchanged while VTL1 skips the write");

	sgdt(&gdtr);
	RUN_INSN(rip, len, "lgdt gdt_desc(%%rip)", "i"(0));
	check_reg("LGDT (rip-relative)", HV_MSG_X64_REGISTER_INTERCEPT, HV_X64_REG_GDTR, ~0UL, rip, len);
	sidt(&idtr);
	RUN_INSN(rip, len, "lidt (%2)", "r"(&idtr));
	check_reg("LIDT", HV_MSG_X64_REGISTER_INTERCEPT, HV_X64_REG_IDTR, ~0UL, rip, len);
	RUN_INSN(rip, len, "lldt %w2", "r"((u16)SEL_LDT));
	check_reg("LLDT", HV_MSG_X64_REGISTER_INTERCEPT, HV_X64_REG_LDTR, ~0UL, rip, len);
	report_eq(sldt(), 0, "LDTR unchanged");
	RUN_INSN(rip, len, "ltr %w2", "r"((u16)SEL_TSS2));
	check_reg("LTR", HV_MSG_X64_REGISTER_INTERCEPT, HV_X64_REG_TR, ~0UL, rip, len);
	report_eq(str(), SEL_TSS0, "TR unchanged");

	u64 lstar = rdmsr(MSR_LSTAR), nl = 0xffffffff81234560UL;
	RUN_INSN(rip, len, "wrmsr", "c"(MSR_LSTAR), "a"((u32)nl), "d"((u32)(nl >> 32)));
	check_reg("WRMSR LSTAR", HV_MSG_X64_MSR_INTERCEPT, MSR_LSTAR, nl, rip, len);
	report_eq(rdmsr(MSR_LSTAR), lstar, "LSTAR unchanged while VTL1 skips the write");
	RUN_INSN(rip, len, "wrmsr", "c"(MSR_STAR), "a"(0), "d"(0x00230010));
	report(vsm_mbox.nmsgs == 0 && rdmsr(MSR_STAR) == 0x0023001000000000UL,
	       "WRMSR STAR (not intercepted) takes effect");

	/* CLTS is a CR0 write too once TS is in the mask */
	write_cr0(cr0 | CR0_TS);
	report_eq(vtl1_run(set_cr0_mask, CR0_WP | CR0_TS), 0, "VTL1 adds CR0.TS to Cr0Mask");
	RUN_INSN(rip, len, "clts", "i"(0));
	check_reg("CLTS", HV_MSG_X64_REGISTER_INTERCEPT, HV_X64_REG_CR0, cr0 & ~CR0_TS, rip, len);
	report(read_cr0() & CR0_TS, "CR0.TS still set while VTL1 skips CLTS");
	vtl1_run(set_cr0_mask, CR0_WP);
	write_cr0(cr0);

	/* VTL1 allows the write: applies it with SetVpRegisters, advances RIP */
	vsm_mbox.policy = POLICY_ALLOW;
	RUN_INSN(rip, len, "mov %2, %%cr0", "r"(cr0 & ~CR0_WP));
	report(vsm_mbox.nmsgs == 1 && vsm_mbox.handle_status == 0 && read_cr0() == (cr0 & ~CR0_WP),
	       "allowed CR0 write applied by VTL1 via SetVpRegisters without a second intercept");
	RUN_INSN(rip, len, "mov %2, %%cr0", "r"(cr0));
	report(read_cr0() == cr0, "CR0.WP restored through a second allowed intercept");

	/* VTL1 refuses with #GP through PendingEvent0 */
	vsm_mbox.policy = POLICY_INJECT_GP;
	vsm_clear_msgs();
	int vec = CATCH(&e, asm volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %0\n1: mov %1, %%cr4"
					 : "=m"(gp_rip) : "r"(cr4 ^ CR4_PGE) : "rax"));
	report(vec == 13 && e.rip == gp_rip && e.error_code == 0,
	       "refused CR4 write: PendingEvent0 delivers #GP(0) on the faulting instruction (vector %d)", vec);
	report_eq(read_cr4(), cr4, "CR4 unchanged after the refused write");
}
