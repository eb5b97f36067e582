/* VSM on a second VP (-smp 2): once VTL1 runs, only VTL1 may enable VTL1
 * on another VP; the AP, started in VTL0 by HvCallStartVirtualProcessor,
 * enters VTL1 at its own initial context with its first VTL call and
 * resumes there on the next one; VsmVpStatus is per VP. */
#include "vsm.h"

const char test_name[] = "vsm_smp";

static u8 ap0_stack[8192] ALIGNED(16);
static u8 ap1_stack[8192] ALIGNED(16);
static struct hv_initial_vp_context ctx1;
static volatile u32 go, ap0_calls, ap1_entries;
static volatile u64 ap1_vp_index, ap1_vp_status, ap0_vp_status_after, ap1_rsp_first;
static u64 ap_call_ptr, ap_ret_ptr;

/* VTL1 on VP 1 */
void ap_vtl1_main(void)
{
	u64 here;
	ap1_rsp_first = (u64)&here;
	hv_setup();
	ap_ret_ptr = vsm_return_ptr();
	ap1_vp_index = rdmsr(HV_MSR_VP_INDEX);
	ap1_vp_status = hv_reg(HV_VTL_CURRENT, HV_REG_VSM_VP_STATUS);
	for (;;) {
		ap1_entries++;
		vtl_switch(ap_ret_ptr);
	}
}

/* VTL0 on VP 1 */
void ap_main(void)
{
	hv_setup();
	ap_call_ptr = vsm_call_ptr();
	while (!go)
		cpu_relax();
	vtl_switch(ap_call_ptr);
	ap0_calls++;
	while (go < 2)
		cpu_relax();
	vtl_switch(ap_call_ptr);
	ap0_vp_status_after = hv_reg(HV_VTL_CURRENT, HV_REG_VSM_VP_STATUS);
	ap0_calls++;
}

void test_main(void)
{
	struct hv_u128 v;
	u64 r;

	hv_setup();
	if (!vsm_setup(false))
		panic("VTL1 setup failed");

	vsm_ap_vtl1_context(&ctx1, (u64)ap1_stack + sizeof(ap1_stack));
	r = HV_STATUS(hv_enable_vp_vtl(1, 1, &ctx1));
	report(r != HV_STATUS_SUCCESS, "VTL0 may not enable VTL1 on VP 1 once VTL1 runs (0x%lx)", r);
	report_eq(vsm_enable_ap_vtl1(&ctx1), 0, "VTL1 enables VTL1 on VP 1");
	r = hv_get_reg(1, HV_VTL_CURRENT, HV_REG_VSM_VP_STATUS, &v);
	report(HV_STATUS(r) == 0 && (v.lo & 0xf) == 0 && (v.lo >> 16 & 0xffff) == 3,
	       "VsmVpStatus of VP 1 read from VP 0: ActiveVtl 0, EnabledVtlSet {0,1} (0x%lx)", v.lo);

	report_eq(vsm_start_ap((u64)ap0_stack + sizeof(ap0_stack)), 0, "StartVirtualProcessor(VP 1, VTL0) succeeds");
	go = 1;
	bool first = hv_wait_for(&ap0_calls, 1);
	report(first && ap1_entries == 1, "VP 1's first VTL call enters VTL1 (entries %u)", ap1_entries);
	report(ap1_rsp_first > (u64)ap1_stack && ap1_rsp_first < (u64)ap1_stack + sizeof(ap1_stack),
	       "VP 1 enters VTL1 on the stack of its own initial context");
	report(ap1_vp_index == 1 && (ap1_vp_status & 0xf) == 1,
	       "in VTL1 on VP 1: VP_INDEX 1, VsmVpStatus.ActiveVtl 1 (0x%lx)", ap1_vp_status);
	go = 2;
	bool second = hv_wait_for(&ap0_calls, 2);
	report(second && ap1_entries == 2, "VP 1's second VTL call resumes VTL1 after its VTL return (entries %u)",
	       ap1_entries);
	report((ap0_vp_status_after & 0xf) == 0, "back in VTL0 on VP 1: ActiveVtl 0 (0x%lx)", ap0_vp_status_after);
	report_eq(vsm_mbox.entries, 2, "VP 0's VTL1 was not entered by VP 1's calls");
}
