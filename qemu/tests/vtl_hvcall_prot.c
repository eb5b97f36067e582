/* Pages the hypervisor reads or writes for VTL0 are checked against VTL1's
 * protections of VTL0: a hypercall whose output page VTL0 may not write or
 * whose input page it may not read produce a GPA intercept (no GVA, VTL0 RIP
 * on the VMCALL) and are not performed.  The hypercall page is an overlay:
 * moving it onto a page VTL0 may not write is no VTL0 write, and the
 * emulator leaves that page's memory alone. */
#include "vsm.h"

const char test_name[] = "vtl_hvcall_prot";

static u8 ro_page[4096] PAGE_ALIGNED;
static u8 na_page[4096] PAGE_ALIGNED;
static u8 in_page[4096] PAGE_ALIGNED;
static u8 out_page[4096] PAGE_ALIGNED;

#define GET_VP_STATUS	(HVCALL_GET_VP_REGISTERS | HV_REP_COUNT(1))

/* ARG: page address | mask (0: no access) */
static u64 protect(u64 arg) { return vtl1_protect(arg & ~0xfffUL, arg & 0xfff); }

static void get_vp_status_input(u8 *in)
{
	memset(in, 0, 4096);
	*(u64 *)in = HV_PARTITION_ID_SELF;
	*(u32 *)(in + 8) = HV_VP_INDEX_SELF;
	*(u32 *)(in + 16) = HV_REG_VSM_VP_STATUS;
}

static bool all_bytes(const u8 *p, u8 v)
{
	for (int i = 0; i < 4096; i++)
		if (p[i] != v)
			return false;
	return true;
}

static const struct hv_memory_intercept *msg0(void)
{
	return (const struct hv_memory_intercept *)vsm_mbox.msgs[0].payload;
}

static void check_msg(const char *what, u32 access, u64 gpa, u32 insn_len, const u8 *insn)
{
	const struct hv_memory_intercept *m = msg0();

	if (!report_eq(vsm_mbox.nmsgs, 1, "%s: one intercept message on VTL1 SINT0", what))
		return;
	report_eq(vsm_mbox.msgs[0].type, HV_MSG_GPA_INTERCEPT, "%s: GPA intercept", what);
	report_eq(m->h.access_type, access, "%s: access type %u", what, access);
	report_eq(m->gpa, gpa, "%s: GPA", what);
	report_eq(m->access_info & 1, 0, "%s: GvaValid clear (hypervisor access)", what);
	report_eq(m->h.insn_len_cr8 & 0xf, insn_len, "%s: instruction length %u", what, insn_len);
	report(m->insn_byte_count && !memcmp(m->insn_bytes, insn, insn_len),
	       "%s: instruction bytes at VTL0 RIP are the instruction", what);
}

static const u8 vmcall_insn[] = { 0x0f, 0x01, 0xc1 };

void test_main(void)
{
	u64 r, hc;

	hv_setup();
	if (!vsm_setup(false))
		panic("VTL1 setup failed");

	/* control: the call works with an ordinary output page */
	get_vp_status_input(in_page);
	memset(out_page, 0xa5, 16);
	vsm_clear_msgs();
	r = hv_vmcall(GET_VP_STATUS, gpa_of(in_page), gpa_of(out_page));
	report(HV_STATUS(r) == 0 && *(u64 *)out_page != 0xa5a5a5a5a5a5a5a5UL &&
	       vsm_mbox.nmsgs == 0, "GetVpRegisters(VsmVpStatus) from VTL0 works (0x%lx)", r);

	/* output page read-only for VTL0 */
	memset(ro_page, 0xaa, sizeof(ro_page));
	report_eq(vtl1_run(protect, (u64)ro_page | HV_MAP_GPA_READABLE), 0,
		  "VTL1 makes a page read-only for VTL0");
	vsm_mbox.policy = POLICY_SKIP;
	vsm_clear_msgs();
	hv_vmcall(GET_VP_STATUS, gpa_of(in_page), gpa_of(ro_page) + 8);
	check_msg("output page read-only", 1, gpa_of(ro_page) + 8, 3, vmcall_insn);
	report(all_bytes(ro_page, 0xaa), "the read-only output page is unchanged");

	/* VTL1 lifts the protection on the intercept: the VMCALL is retried */
	vsm_mbox.policy = POLICY_UNPROTECT;
	vsm_clear_msgs();
	r = hv_vmcall(GET_VP_STATUS, gpa_of(in_page), gpa_of(ro_page));
	report(HV_STATUS(r) == 0 && vsm_mbox.nmsgs == 1 && !all_bytes(ro_page, 0xaa),
	       "after VTL1 lifts the protection the retried hypercall writes its output (0x%lx, %u)",
	       r, vsm_mbox.nmsgs);

	/* input page without access for VTL0 */
	get_vp_status_input(na_page);
	report_eq(vtl1_run(protect, (u64)na_page), 0,
		  "VTL1 makes a page inaccessible for VTL0");
	vsm_mbox.policy = POLICY_SKIP;
	vsm_clear_msgs();
	memset(out_page, 0xa5, 16);
	hv_vmcall(GET_VP_STATUS, gpa_of(na_page), gpa_of(out_page));
	check_msg("input page no access", 0, gpa_of(na_page), 3, vmcall_insn);
	report_eq(*(u64 *)out_page, 0xa5a5a5a5a5a5a5a5UL, "the hypercall was not performed");

	/* HYPERCALL MSR moved onto the read-only page */
	memset(ro_page, 0xaa, sizeof(ro_page));
	report_eq(vtl1_run(protect, (u64)ro_page | HV_MAP_GPA_READABLE), 0,
		  "VTL1 makes the page read-only again");
	hc = rdmsr(HV_MSR_HYPERCALL);
	vsm_clear_msgs();
	wrmsr(HV_MSR_HYPERCALL, gpa_of(ro_page) | 1);
	report_eq(rdmsr(HV_MSR_HYPERCALL), gpa_of(ro_page) | 1,
		  "HYPERCALL MSR moves onto a read-only page (an overlay: no VTL0 write)");
	report_eq(vsm_mbox.nmsgs, 0, "no intercept for the MSR write");
	report(all_bytes(ro_page, 0xaa), "the read-only page's memory is not written");
	wrmsr(HV_MSR_HYPERCALL, hc);
	report_eq(rdmsr(HV_MSR_HYPERCALL), hc, "HYPERCALL MSR moves back");
	r = hv_get_reg(HV_VP_INDEX_SELF, HV_VTL_CURRENT, HV_REG_VSM_VP_STATUS, NULL);
	report_eq(HV_STATUS(r), 0, "hypercalls through the old page still work");

	/* an input range ending at the top of the address space: checked
	 * against that page's (default, RW) protection, then not readable */
	vsm_mbox.policy = POLICY_SKIP;
	vsm_clear_msgs();
	memset(out_page, 0xa5, 16);
	r = hv_vmcall(HVCALL_GET_VP_REGISTERS | HV_REP_COUNT(2), -24UL, gpa_of(out_page));
	report(HV_STATUS(r) == HV_STATUS_INVALID_PARAMETER && vsm_mbox.nmsgs == 0,
	       "input [2^64 - 24, 2^64): INVALID_PARAMETER, no intercept (0x%lx, %u messages)",
	       r, vsm_mbox.nmsgs);
	report_eq(*(u64 *)out_page, 0xa5a5a5a5a5a5a5a5UL, "the hypercall was not performed");
}
