/* HvCallStartVirtualProcessor brings up the APs of a 4-vCPU guest straight
 * into 64-bit mode at an initial context; HvCallGetVpIndexFromApicId with
 * overlapping input and output. */
#include "hv.h"

const char test_name[] = "smp";

#define NCPUS 4
static u8 ap_stacks[NCPUS][8192] ALIGNED(16);
static volatile u32 ap_started;
static volatile u64 ap_vp_index[NCPUS], ap_apic_id[NCPUS], ap_rsp[NCPUS], ap_hv_vp_index[NCPUS];

void ap_main(void)
{
	struct percpu *p = this_cpu();
	u32 i = p->index;
	u64 local;

	ap_rsp[i] = (u64)&local;
	ap_vp_index[i] = rdmsr(HV_MSR_VP_INDEX);
	ap_apic_id[i] = cpuid(1, 0).b >> 24;
	hv_setup();
	ap_hv_vp_index[i] = hv_reg(HV_VTL_CURRENT, HV_REG_VP_INDEX);
	__atomic_fetch_add(&ap_started, 1, __ATOMIC_SEQ_CST);
}

static u64 vp_index_from_apic(const u32 *ids, int n, u64 out_off, u32 *res)
{
	u8 *in = hv_cpu()->in;
	memset(in, 0, 4096);
	*(u64 *)in = HV_PARTITION_ID_SELF;
	memcpy(in + 16, ids, 4 * (size_t)n);
	u64 r = hv_call(HVCALL_GET_VP_INDEX_FROM_APIC_ID | HV_REP_COUNT(n), gpa_of(in), gpa_of(in) + out_off);
	memcpy(res, in + out_off, 4 * (size_t)n);
	return r;
}

void test_main(void)
{
	static const u32 ids[NCPUS] = { 3, 2, 1, 0 };
	struct hv_initial_vp_context ctx;
	u32 res[NCPUS];
	u64 r;

	hv_setup();
	struct cpuid lim = cpuid(HV_CPUID_LIMITS, 0);
	report(lim.a >= NCPUS, "CPUID 0x40000005.EAX max virtual processors %u >= %u", lim.a, NCPUS);

	r = vp_index_from_apic(ids, NCPUS, 0, res);
	report(HV_STATUS(r) == 0 && HV_REPS_DONE(r) == NCPUS && res[0] == 3 && res[1] == 2 && res[2] == 1 && res[3] == 0,
	       "GetVpIndexFromApicId, output page == input page: VP indexes 3 2 1 0 (rax 0x%lx: %u %u %u %u)",
	       r, res[0], res[1], res[2], res[3]);
	r = vp_index_from_apic(ids, NCPUS, 24, res);
	report(HV_STATUS(r) == 0 && res[0] == 3 && res[1] == 2 && res[2] == 1 && res[3] == 0,
	       "GetVpIndexFromApicId, output list overlapping later input: all input read first (%u %u %u %u)",
	       res[0], res[1], res[2], res[3]);

	for (u32 vp = 1; vp < NCPUS; vp++) {
		struct percpu *p = &percpu_slots[vp];
		p->self = p;
		p->index = vp;
		hv_context_here(&ctx, (u64)ap_entry, (u64)ap_stacks[vp] + sizeof(ap_stacks[vp]),
				(u64)p, SEL_TSS0);
		r = HV_STATUS(hv_start_vp(vp, 0, &ctx));
		report_eq(r, HV_STATUS_SUCCESS, "StartVirtualProcessor(VP %u, VTL0) succeeds", vp);
	}
	u64 t0 = rdmsr(HV_MSR_TIME_REF_COUNT);
	while (ap_started < NCPUS - 1 && rdmsr(HV_MSR_TIME_REF_COUNT) - t0 < 50000000)
		cpu_relax();
	report_eq(ap_started, NCPUS - 1, "all 3 APs run ap_main from their initial context");
	for (u32 vp = 1; vp < NCPUS; vp++) {
		report(ap_vp_index[vp] == vp && ap_hv_vp_index[vp] == vp && ap_apic_id[vp] == vp,
		       "AP %u: VP_INDEX MSR %lu, VpIndex register %lu, APIC ID %lu", vp,
		       ap_vp_index[vp], ap_hv_vp_index[vp], ap_apic_id[vp]);
		report(ap_rsp[vp] > (u64)ap_stacks[vp] && ap_rsp[vp] < (u64)ap_stacks[vp] + sizeof(ap_stacks[vp]),
		       "AP %u runs on the stack from its context", vp);
	}

	hv_context_here(&ctx, (u64)ap_entry, (u64)ap_stacks[1] + sizeof(ap_stacks[1]),
			(u64)&percpu_slots[1], SEL_TSS0);
	r = HV_STATUS(hv_start_vp(1, 0, &ctx));
	report(r != HV_STATUS_SUCCESS, "starting a running VP again fails (0x%lx)", r);
	r = HV_STATUS(hv_start_vp(9, 0, &ctx));
	report(r == HV_STATUS_INVALID_VP_INDEX || r == HV_STATUS_INVALID_PARAMETER,
	       "StartVirtualProcessor(VP 9) fails with INVALID_VP_INDEX (0x%lx)", r);
	r = HV_STATUS(hv_start_vp(0, 0, &ctx));
	report(r != HV_STATUS_SUCCESS, "StartVirtualProcessor(self) fails (0x%lx)", r);
	report_eq(ap_started, NCPUS - 1, "no AP was started twice");
}
