/* An INIT sent by VTL0 to a VP resets VTL0 only (vsm.md: the higher VTL's
 * state is not reset by a lower VTL; with DenyLowerVtlStartup the INIT
 * would be dropped): after INIT and a new start of VTL0 on VP 1, VTL1 is
 * still enabled there, the next VTL call resumes it where it returned, and
 * its APIC (TPR) and intercept settings (CR4 mask) kept their values. */
#include "vsm.h"

const char test_name[] = "vtl1_init";

#define VTL1_TPR 0x20
#define VTL1_CR4_MASK 0x80UL

static u8 ap0_stack[8192] ALIGNED(16);
static u8 ap1_stack[8192] ALIGNED(16);
static struct hv_initial_vp_context ctx1;
static volatile u32 phase, ap_done, ap1_entries, ap0_spins;
static volatile u64 ap1_tpr, ap1_cr4_mask, ap0_status;
static volatile int ap0_vec;
static u64 ap_call_ptr, ap_ret_ptr;

/* VTL1 on VP 1: first entry sets its TPR and CR4 intercept mask, later
 * entries read them back */
void ap_vtl1_main(void)
{
	hv_setup();
	ap_ret_ptr = vsm_return_ptr();
	apic_write(APIC_TPR, VTL1_TPR);
	hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_CURRENT, HV_REG_CR_INTERCEPT_CR4_MASK, VTL1_CR4_MASK, 0);
	for (;;) {
		ap1_entries++;
		ap1_tpr = apic_read(APIC_TPR);
		ap1_cr4_mask = hv_reg(HV_VTL_CURRENT, HV_REG_CR_INTERCEPT_CR4_MASK);
		vtl_switch(ap_ret_ptr);
	}
}

/* VTL0 on VP 1, started twice */
void ap_main(void)
{
	struct exc_info info;

	hv_setup();
	ap_call_ptr = vsm_call_ptr();
	ap0_status = hv_reg(HV_VTL_CURRENT, HV_REG_VSM_VP_STATUS);
	ap0_vec = CATCH(&info, vtl_switch(ap_call_ptr));
	__atomic_store_n(&ap_done, phase, __ATOMIC_SEQ_CST);
	for (;;)	/* running, not halted: TCG wakes no HLT for an INIT */
		ap0_spins++;
}

/* retried while VP 1 has yet to take the INIT (INVALID_VP_STATE) */
static void start_vp1(void)
{
	report_eq(vsm_start_ap((u64)ap0_stack + sizeof(ap0_stack)), 0,
		  "phase %u: StartVirtualProcessor(VP 1, VTL0) succeeds", phase);
}

void test_main(void)
{
	hv_setup();
	if (!vsm_setup(false))
		panic("VTL1 setup failed");

	vsm_ap_vtl1_context(&ctx1, (u64)ap1_stack + sizeof(ap1_stack));
	report_eq(vsm_enable_ap_vtl1(&ctx1), 0, "VTL1 enables VTL1 on VP 1");

	u32 vp0_entries = vsm_mbox.entries;
	phase = 1;
	start_vp1();
	report(hv_wait_for(&ap_done, 1), "VP 1 ran its first VTL call");
	report(ap0_vec == -1 && ap1_entries == 1 && ap1_tpr == VTL1_TPR,
	       "first VTL call enters VTL1 on VP 1 (vector %d, entries %u, TPR 0x%lx)", ap0_vec, ap1_entries, ap1_tpr);

	/* VP 1 spins in VTL0: INIT it (xAPIC ICR, level assert) */
	apic_write(APIC_ICR_HI, 1u << 24);
	apic_write(APIC_ICR_LO, 0x4500);
	report(hv_wait_stopped(&ap0_spins), "INIT stops VP 1's VTL0");

	phase = 2;
	start_vp1();
	report(hv_wait_for(&ap_done, 2), "VP 1 runs VTL0 again after INIT");
	report(ap0_status >> 17 & 1, "after INIT: VTL1 still enabled on VP 1 (VsmVpStatus 0x%lx)", ap0_status);
	report(ap0_vec == -1 && ap1_entries == 2,
	       "after INIT: the VTL call resumes VTL1 where it returned (vector %d, entries %u)", ap0_vec, ap1_entries);
	report_eq(ap1_tpr, VTL1_TPR, "after INIT: VTL1's APIC keeps its TPR");
	report_eq(ap1_cr4_mask, VTL1_CR4_MASK, "after INIT: VTL1's CR4 intercept mask is kept");
	report_eq(vsm_mbox.entries, vp0_entries, "VP 0's VTL1 was not entered by VP 1");
}
