/* GUEST_OS_ID and HYPERCALL are partition-wide (one instance per VTL, not
 * per VP; TLFS "Hypercall Interface", vsm.md "Private MSRs"): written on
 * VP 0 only, an AP sees both values and may issue hypercalls at once; a
 * write on the AP is seen by VP 0. */
#include "hv.h"

const char test_name[] = "partition_msrs";

static u8 ap_stack[8192] ALIGNED(16);
static u8 ap_page[4096] PAGE_ALIGNED;
static volatile u32 ap_done, ap_go;
static volatile u64 ap_os_id, ap_hc, ap_hc2;
static volatile int ap_vec;
static volatile u64 ap_rax;

#define OS_ID_AP 0x8100000000001234ULL

void ap_main(void)
{
	struct exc_info info;

	ap_os_id = rdmsr(HV_MSR_GUEST_OS_ID);
	ap_hc = rdmsr(HV_MSR_HYPERCALL);
	/* unknown call code: INVALID_HYPERCALL_CODE, not #UD */
	ap_vec = CATCH(&info, ap_rax = hv_vmcall(0xfffe, 0, 0));
	__atomic_store_n(&ap_done, 1, __ATOMIC_SEQ_CST);
	while (!ap_go)
		cpu_relax();
	wrmsr(HV_MSR_HYPERCALL, gpa_of(ap_page) | 1);
	ap_hc2 = rdmsr(HV_MSR_HYPERCALL);
	wrmsr(HV_MSR_GUEST_OS_ID, OS_ID_AP);
	__atomic_store_n(&ap_done, 2, __ATOMIC_SEQ_CST);
}

void test_main(void)
{
	struct hv_initial_vp_context ctx;

	hv_setup();
	u64 os_id = rdmsr(HV_MSR_GUEST_OS_ID);
	u64 hc = rdmsr(HV_MSR_HYPERCALL);
	report(os_id != 0 && (hc & 1), "VP 0: GUEST_OS_ID set, hypercall page enabled (0x%lx)", hc);

	struct percpu *p = &percpu_slots[1];
	p->self = p;
	p->index = 1;
	hv_context_here(&ctx, (u64)ap_entry, (u64)ap_stack + sizeof(ap_stack), (u64)p, SEL_TSS0);
	report_eq(HV_STATUS(hv_start_vp(1, 0, &ctx)), 0, "StartVirtualProcessor(VP 1, VTL0) succeeds");
	report(hv_wait_for(&ap_done, 1), "VP 1 runs");
	report_eq(ap_os_id, os_id, "VP 1 reads the GUEST_OS_ID written on VP 0");
	report_eq(ap_hc, hc, "VP 1 reads the HYPERCALL MSR written on VP 0");
	report(ap_vec == -1 && HV_STATUS(ap_rax) == HV_STATUS_INVALID_HYPERCALL_CODE,
	       "VMCALL on VP 1 is a hypercall, not #UD (vector %d, rax 0x%lx)", ap_vec, ap_rax);

	ap_go = 1;
	report(hv_wait_for(&ap_done, 2), "VP 1 rewrites HYPERCALL and GUEST_OS_ID");
	report_eq(ap_hc2, gpa_of(ap_page) | 1, "VP 1 reads back its HYPERCALL value");
	report_eq(rdmsr(HV_MSR_HYPERCALL), gpa_of(ap_page) | 1, "VP 0 sees the HYPERCALL value written on VP 1");
	report(ap_page[0] == 0x0f && ap_page[1] == 0x01, "the hypercall page was written at VP 1's GPA");
	report_eq(rdmsr(HV_MSR_GUEST_OS_ID), OS_ID_AP, "VP 0 sees the GUEST_OS_ID written on VP 1");
	wrmsr(HV_MSR_GUEST_OS_ID, os_id);
}
