/* HvCallModifyVtlProtectionMask and GPA intercepts: VTL0 read, write,
 * kernel-execute and user-execute violations (MBEC) at CPL0 and CPL3 each
 * produce a GPA intercept message on VTL1's SINT0 with the access type, GPA,
 * GVA, VTL and an unadvanced VTL0 RIP; VTL1 then lifts the protection and
 * VTL0's retried access completes. */
#include "vsm.h"

const char test_name[] = "vtl_protect";

static u64 data_w[512] PAGE_ALIGNED;
static u64 data_r[512] PAGE_ALIGNED;
static u64 data_u[512] PAGE_ALIGNED;
static u64 multi[3][512] PAGE_ALIGNED;

#define PAGE_FN(name, val)						\
	static u64 __attribute__((noipa, aligned(4096),		\
		section(".text.page." #name))) name(void) { return val; }
PAGE_FN(kx_fn, 0x4b58)
PAGE_FN(ux_fn, 0x5558)
PAGE_FN(ux2_fn, 0x5559)

static u64 protect(u64 arg) { return vtl1_protect(arg & ~0xfffUL, arg & 0xfff); }
static u64 vtl1_rep3(u64 arg)
{
	u64 pfns[3] = { (u64)multi[0] >> 12, (u64)multi[1] >> 12, (u64)multi[2] >> 12 };
	u64 r = hv_modify_vtl_protection(HV_VTL_TARGET(1), (u32)arg, pfns, 3);
	return r;
}

static volatile u64 user_val;
static void __attribute__((noipa)) user_write(void) { data_u[3] = 0x77; }
static void user_ux(void) { user_val = ux_fn(); }
static void user_ux2(void) { user_val = ux2_fn(); }

static const struct hv_memory_intercept *msg0(void)
{
	return (const struct hv_memory_intercept *)vsm_mbox.msgs[0].payload;
}

static u32 vtl_of(const struct hv_intercept_header *h) { return h->exec_state >> 7 & 0xf; }
static u32 cpl_of(const struct hv_intercept_header *h) { return h->exec_state & 3; }

/* one assertion per property of the single expected GPA intercept */
static void check_gpa_msg(const char *what, u32 access, u64 gpa, bool exact, u64 rip,
			  u64 rip_end, u32 cpl)
{
	const struct hv_memory_intercept *m = msg0();
	if (!report_eq(vsm_mbox.nmsgs, 1, "%s: one intercept message on VTL1 SINT0", what))
		return;
	report_eq(vsm_mbox.msgs[0].type, HV_MSG_GPA_INTERCEPT, "%s: message type GPA intercept", what);
	report_eq(m->h.access_type, access, "%s: access type %u", what, access);
	if (exact)
		report_eq(m->gpa, gpa, "%s: GPA", what);
	else
		report_eq(m->gpa & ~0xfffUL, gpa & ~0xfffUL, "%s: GPA page", what);
	if (rip_end)
		report(m->h.rip >= rip && m->h.rip < rip_end,
		       "%s: VTL0 RIP 0x%lx inside the faulting function", what, m->h.rip);
	else
		report_eq(m->h.rip, rip, "%s: VTL0 RIP not advanced (faulting instruction)", what);
	report(vtl_of(&m->h) == 0 && cpl_of(&m->h) == cpl,
	       "%s: execution state VTL 0, CPL %u (0x%x)", what, cpl, m->h.exec_state);
}

void test_main(void)
{
	u64 rip, v;

	hv_setup();
	if (!vsm_setup(false))
		panic("VTL1 setup failed");
	report_eq(vsm_mbox.init_status[1], 0, "VTL1 enables MBEC for VTL0 (VsmVpSecureConfigVtl0)");
	vsm_mbox.policy = POLICY_UNPROTECT;

	/* write to a read-only page at CPL0 */
	report_eq(vtl1_run(protect, (u64)data_w | HV_MAP_GPA_READABLE | HV_MAP_GPA_KERNEL_EXECUTABLE | HV_MAP_GPA_USER_EXECUTABLE), 0,
		  "ModifyVtlProtectionMask(R+X) from VTL1 succeeds");
	vsm_clear_msgs();
	asm volatile("lea 1f(%%rip), %0\n1: movq %2, (%1)"
		     : "=&r"(rip) : "r"(&data_w[1]), "r"(0x1234UL) : "memory");
	check_gpa_msg("CPL0 write", 1, (u64)&data_w[1], true, rip, 0, 0);
	report_eq(vsm_mbox.reason_at_irq, HV_VTL_ENTRY_INTERRUPT,
		  "intercept delivery enters VTL1 with entry reason 2 (interrupt)");
	report_eq(data_w[1], 0x1234, "CPL0 write completes after VTL1 lifts the protection");

	/* read from a no-access page */
	data_r[2] = 0x5678;
	report_eq(vtl1_run(protect, (u64)data_r | 0), 0, "ModifyVtlProtectionMask(no access) succeeds");
	vsm_clear_msgs();
	asm volatile("lea 1f(%%rip), %0\n1: movq (%2), %1"
		     : "=&r"(rip), "=r"(v) : "r"(&data_r[2]) : "memory");
	check_gpa_msg("CPL0 read", 0, (u64)&data_r[2], true, rip, 0, 0);
	report_eq(v, 0x5678, "CPL0 read returns the data after the retry");

	/* kernel execute on a non-executable page */
	vtl1_run(protect, (u64)kx_fn | HV_MAP_GPA_READABLE | HV_MAP_GPA_WRITABLE);
	vsm_clear_msgs();
	v = kx_fn();
	check_gpa_msg("CPL0 fetch from RW page", 2, (u64)kx_fn, false, (u64)kx_fn, 0, 0);
	report_eq(v, 0x4b58, "function runs after the retry");

	/* MBEC: user-execute only */
	report_eq(vtl1_run(protect, (u64)ux_fn | HV_MAP_GPA_READABLE | HV_MAP_GPA_USER_EXECUTABLE), 0,
		  "ModifyVtlProtectionMask(R+UX) with MBEC succeeds");
	vsm_clear_msgs();
	user_val = 0;
	int vec = run_user(user_ux, NULL);
	report(vec == VEC_USER_EXIT && user_val == 0x5558 && vsm_mbox.nmsgs == 0,
	       "MBEC: CPL3 fetch from an R+UX page runs without intercept");
	v = ux_fn();
	check_gpa_msg("MBEC: CPL0 fetch from R+UX page", 2, (u64)ux_fn, false, (u64)ux_fn, 0, 0);

	/* MBEC: no user execute */
	vtl1_run(protect, (u64)ux2_fn | HV_MAP_GPA_READABLE | HV_MAP_GPA_WRITABLE);
	vsm_clear_msgs();
	user_val = 0;
	vec = run_user(user_ux2, NULL);
	check_gpa_msg("CPL3 fetch from RW page", 2, (u64)ux2_fn, false, (u64)ux2_fn, 0, 3);
	report(vec == VEC_USER_EXIT && user_val == 0x5559, "CPL3 function runs after the retry");

	/* CPL3 write */
	vtl1_run(protect, (u64)data_u | HV_MAP_GPA_READABLE);
	vsm_clear_msgs();
	vec = run_user(user_write, NULL);
	check_gpa_msg("CPL3 write", 1, (u64)&data_u[3], true, (u64)user_write,
		      (u64)user_write + 64, 3);
	report(vec == VEC_USER_EXIT && data_u[3] == 0x77, "CPL3 write completes after the retry");

	/* rep form and error cases */
	u64 r = vtl1_run(vtl1_rep3, HV_MAP_GPA_READABLE | HV_MAP_GPA_KERNEL_EXECUTABLE | HV_MAP_GPA_USER_EXECUTABLE);
	report(HV_STATUS(r) == 0 && HV_REPS_DONE(r) == 3, "rep ModifyVtlProtectionMask x3: 3 reps completed (0x%lx)", r);
	vsm_clear_msgs();
	*(volatile u64 *)&multi[2][0] = 1;
	barrier();
	report(vsm_mbox.nmsgs == 1 && msg0()->gpa == (u64)multi[2],
	       "third page of the rep call is protected (%u messages, type 0x%x, GPA 0x%lx, want 0x%lx)",
	       vsm_mbox.nmsgs, vsm_mbox.msgs[0].type, msg0()->gpa, (u64)multi[2]);
	vtl1_run(vtl1_rep3, HV_MAP_GPA_PERMISSIONS_MASK);

	r = HV_STATUS(vtl1_run(protect, (u64)data_w | HV_MAP_GPA_WRITABLE));
	report_eq(r, HV_STATUS_INVALID_PARAMETER, "write without read: HV_STATUS_INVALID_PARAMETER");
	r = HV_STATUS(vtl1_run(protect, 0x7ff00000UL | HV_MAP_GPA_READABLE));
	report_eq(r, HV_STATUS_INVALID_PARAMETER, "GPA beyond RAM: HV_STATUS_INVALID_PARAMETER");
	u64 pfn = (u64)data_w >> 12;
	r = HV_STATUS(hv_modify_vtl_protection(HV_VTL_TARGET(1), HV_MAP_GPA_READABLE, &pfn, 1));
	report(r != HV_STATUS_SUCCESS, "VTL0 may not change VTL1's protections (0x%lx)", r);
	vsm_clear_msgs();
	*(volatile u64 *)&data_w[5] = 9;
	barrier();
	report_eq(vsm_mbox.nmsgs, 0, "page stays writable after the refused call");
}
