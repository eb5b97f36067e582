/* VTL call / VTL return semantics: entry reason, shared GPRs, private
 * RSP/RFLAGS/CR3/GS.base, the RAX/RCX return rules (normal versus fast
 * return), access to the lower VTL's registers from VTL1. */
#include "vsm.h"

const char test_name[] = "vtl_call";

static u64 nop(u64 a) { return a; }
static u64 vtl1_cr3(u64 a) { (void)a; return read_cr3(); }
static u64 vtl1_slot(u64 a) { (void)a; return this_cpu()->index; }
static u64 vtl1_reason(u64 a) { (void)a; return vtl1_assist.vtl_entry_reason; }
static u64 vtl1_dr6(u64 a) { (void)a; asm volatile("mov %%dr6, %0" : "=r"(a)); return a; }

static u64 vtl1_get_vtl0(u64 name)
{
	struct hv_u128 v;
	u64 r = hv_get_reg(HV_VP_INDEX_SELF, HV_VTL_TARGET(0), (u32)name, &v);
	return HV_STATUS(r) ? 0xdead0000UL | HV_STATUS(r) : v.lo;
}

static u64 vtl1_set_vtl0_efer(u64 efer)
{
	return HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_TARGET(0), HV_X64_REG_EFER, efer, 0));
}

#define PAT(i) (0x1111111111111111UL * (i) + 0x0102030405060708UL)

static void fill(struct gpregs *g, u64 base)
{
	u64 *p = (u64 *)g;
	for (int i = 0; i < 16; i++)
		p[i] = PAT(base + i);
}

/* GPRs other than RAX, RCX (call sequence) and RSP (private) */
static bool shared_equal(const struct gpregs *a, const struct gpregs *b)
{
	const u64 *p = (const u64 *)a, *q = (const u64 *)b;
	for (int i = 2; i < 16; i++) {
		if (i == 4)
			continue;
		if (p[i] != q[i]) {
			report_info("GPR #%d: 0x%lx != 0x%lx", i, p[i], q[i]);
			return false;
		}
	}
	return true;
}

void test_main(void)
{
	hv_setup();
	if (!vsm_setup(true))
		panic("VTL1 setup failed");
	u64 vtl1_stack_top = vtl1_regs_in.rsp;
	u8 *page = hv_cpu()->page;

	vtl1_run(nop, 0);
	report_eq(vsm_mbox.last_reason, HV_VTL_ENTRY_VTL_CALL, "VP assist page entry reason after a VTL call is 1 (VTL call)");
	report_eq(vtl1_run(vtl1_reason, 0), HV_VTL_ENTRY_VTL_CALL, "entry reason read inside VTL1 is 1");
	report_eq(vtl1_regs_in.rsp, vtl1_stack_top, "VTL1 resumes on its own (private) RSP");

	/* VTL0 -> VTL1: shared GPRs arrive unchanged */
	fill(&vtl0_regs_in, 0);
	vtl0_regs_in.rcx = 0;
	vtl_call_regs();
	report(shared_equal(&vtl0_regs_in, &vtl1_regs_in), "shared GPRs (RDX RBX RBP RSI RDI R8-R15) pass VTL0 -> VTL1");

	/* VTL1 -> VTL0 with a normal return: RAX/RCX from the VP assist page */
	fill(&vsm_mbox.out_regs, 3);
	vsm_mbox.ret_rax = 0xaaaa0000aaaa0001UL;
	vsm_mbox.ret_rcx = 0xcccc0000cccc0002UL;
	vsm_mbox.ret_override = true;
	memset(&vtl0_regs_in, 0, sizeof(vtl0_regs_in));
	vtl_call_regs();
	report(shared_equal(&vsm_mbox.out_regs, &vtl0_regs_out), "shared GPRs pass VTL1 -> VTL0");
	report(vtl0_regs_out.rax == vsm_mbox.ret_rax && vtl0_regs_out.rcx == vsm_mbox.ret_rcx,
	       "normal return restores RAX/RCX from VtlReturnX64Rax/Rcx (0x%lx, 0x%lx)",
	       vtl0_regs_out.rax, vtl0_regs_out.rcx);

	/* fast return: RAX/RCX are not restored */
	fill(&vsm_mbox.out_regs, 5);
	vsm_mbox.ret_override = true;
	vsm_mbox.ret_fast = true;
	vtl_call_regs();
	report(vtl0_regs_out.rax != vsm_mbox.ret_rax && vtl0_regs_out.rcx != vsm_mbox.ret_rcx,
	       "fast return leaves RAX/RCX alone (0x%lx, 0x%lx)", vtl0_regs_out.rax, vtl0_regs_out.rcx);
	report(shared_equal(&vsm_mbox.out_regs, &vtl0_regs_out), "fast return: other shared GPRs pass VTL1 -> VTL0");

	/* private state */
	u64 cr3 = read_cr3();
	u64 c1 = vtl1_run(vtl1_cr3, 0);
	report(c1 != cr3 && read_cr3() == cr3, "CR3 is private (VTL1 0x%lx, VTL0 0x%lx)", c1, cr3);
	report(vtl1_run(vtl1_slot, 0) == PERCPU_VTL1 && this_cpu()->index == 0,
	       "GS.base is private (VTL1 and VTL0 see their own per-CPU block)");
	vtl0_set_df = 1;
	vtl_call();
	vtl0_set_df = 0;
	report(!(vtl1_entry_rflags & (1 << 10)) && (vtl0_rflags_out & (1 << 10)),
	       "RFLAGS is private (DF set in VTL0 only: VTL1 0x%lx, VTL0 0x%lx)",
	       vtl1_entry_rflags, vtl0_rflags_out);

	/* DR6 is shared exactly when VsmCapabilities.Dr6Shared says so */
	u64 dr6;
	asm volatile("mov %1, %%dr6\n\tmov %%dr6, %0" : "=r"(dr6) : "r"(0xffff0ff1UL));
	u64 caps = hv_reg(HV_VTL_CURRENT, HV_REG_VSM_CAPABILITIES);
	u64 dr6_1 = vtl1_run(vtl1_dr6, 0);
	report((dr6_1 == dr6) == (caps & 1),
	       "DR6 shared between the VTLs iff VsmCapabilities.Dr6Shared (caps 0x%lx, DR6 0x%lx in VTL0, 0x%lx in VTL1)",
	       caps, dr6, dr6_1);

	/* VTL1 reads VTL0's private registers */
	u64 rip0 = vtl1_run(vtl1_get_vtl0, HV_X64_REG_RIP);
	report(rip0 > (u64)page && rip0 < (u64)page + 4096,
	       "VTL1 reads VTL0 RIP: inside VTL0's hypercall page (0x%lx)", rip0);
	report_eq(vtl1_run(vtl1_get_vtl0, HV_X64_REG_CR3), cr3, "VTL1 reads VTL0 CR3");
	u64 rsp0 = vtl1_run(vtl1_get_vtl0, HV_X64_REG_RSP);
	u64 here = (u64)__builtin_frame_address(0);
	report(rsp0 < here && here - rsp0 < 1024, "VTL1 reads VTL0 RSP (0x%lx, frame 0x%lx)", rsp0, here);

	/* ... and writes them, with the value checks of the TLFS */
	u64 efer0 = vtl1_run(vtl1_get_vtl0, HV_X64_REG_EFER);
	report_eq(vtl1_run(vtl1_set_vtl0_efer, efer0), HV_STATUS_SUCCESS,
		  "VTL1 writes VTL0 EFER (0x%lx) back", efer0);
	report_eq(vtl1_run(vtl1_set_vtl0_efer, efer0 | 0x2), HV_STATUS_INVALID_REGISTER_VALUE,
		  "VTL0 EFER with a reserved bit set: INVALID_REGISTER_VALUE");
	report_eq(vtl1_run(vtl1_set_vtl0_efer, efer0 & ~EFER_LMA), HV_STATUS_INVALID_REGISTER_VALUE,
		  "VTL0 EFER with LMA clear while LME and CR0.PG are set: INVALID_REGISTER_VALUE");
	report_eq(vtl1_run(vtl1_get_vtl0, HV_X64_REG_EFER), efer0, "the refused writes left VTL0 EFER as it was");
}
