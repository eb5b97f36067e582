/* The initial VP context of StartVirtualProcessor: VP 1's VTL0 started
 * with EFER.SVME (not offered by the CPU model) runs without it, and the
 * SVM instructions stay undefined there. */
#include "hv.h"

const char test_name[] = "vp_context";

#define EFER_SVME	(1UL << 12)

static u8 ap_stack[8192] ALIGNED(16);
static volatile u32 ap_done;
static volatile u64 ap_efer;
static volatile int ap_stgi_vec = -2;

void ap_main(void)
{
	ap_efer = rdmsr(MSR_EFER);
	ap_stgi_vec = CATCH(NULL, asm volatile("stgi" ::: "memory"));
	__atomic_store_n(&ap_done, 1, __ATOMIC_SEQ_CST);
}

/* VTL0's context on VP 1 entering ap_main */
static void ap_context(struct hv_initial_vp_context *ctx)
{
	struct percpu *p = &percpu_slots[1];

	p->self = p;
	p->index = 1;
	hv_context_here(ctx, (u64)ap_entry, (u64)ap_stack + sizeof(ap_stack),
			(u64)p, SEL_TSS0);
}

void test_main(void)
{
	struct hv_initial_vp_context ctx;
	u64 r;

	hv_setup();

	ap_context(&ctx);
	ctx.efer |= EFER_SVME;
	r = HV_STATUS(hv_start_vp(1, 0, &ctx));
	report_eq(r, HV_STATUS_SUCCESS, "StartVirtualProcessor(VP 1, VTL0, EFER with SVME)");
	report(hv_wait_for(&ap_done, 1), "VP 1 runs its initial context");
	report(!(ap_efer & EFER_SVME), "VP 1 runs without EFER.SVME (EFER 0x%lx)", ap_efer);
	report_eq(ap_stgi_vec, 6, "STGI on VP 1 raises #UD");
}
