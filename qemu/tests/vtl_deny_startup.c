/* DenyLowerVtlStartup (VsmPartitionConfig bit 6) on VPs that never ran
 * VTL1 (-smp 3, VTL1 enabled on VP 0 only).  Without the bit, INIT + SIPI
 * sent by VTL0 start VP 1 at the SIPI vector.  Once VTL1 sets it, VTL0
 * may start no VP at all: INIT and startup IPIs aimed at VTL0 are dropped
 * on every VP, with VTL1 or not (the running VP 1 goes on, the never
 * started VP 2 goes on waiting for SIPI), and StartVirtualProcessor from
 * VTL0 fails with ACCESS_DENIED.  VTL1 itself may still start VP 2. */
#include "vsm.h"

const char test_name[] = "vtl_deny_startup";

#define SIPI_VEC_A 0x70		/* real-mode code at 0x70000, 0x71000 */
#define SIPI_VEC_B 0x71
#define SIPI_MARK_A 0xa1a1
#define SIPI_MARK_B 0xb2b2

static u8 ap2_stack[8192] ALIGNED(16);
static struct hv_initial_vp_context ctx2;
static volatile u32 ap_ran;

/* VP 2 started at ap_entry by StartVirtualProcessor */
void ap_main(void)
{
	__atomic_store_n(&ap_ran, this_cpu()->index, __ATOMIC_SEQ_CST);
}

/* wait up to 5 s for the counter *V to move on from FROM */
static bool wait_moved(volatile u32 *v, u32 from)
{
	u64 t0 = rdmsr(HV_MSR_TIME_REF_COUNT);
	while (*v == from && rdmsr(HV_MSR_TIME_REF_COUNT) - t0 < 50000000)
		cpu_relax();
	return *v != from;
}

/* fixed IPI from VTL0's APIC (xAPIC ICR, level assert) */
static void ipi(u32 apic_id, u32 lo)
{
	apic_write(APIC_ICR_HI, apic_id << 24);
	apic_write(APIC_ICR_LO, lo | (1 << 14));
}

/* the usual INIT, then SIPI 10 ms later */
static void init_sipi(u32 apic_id, u8 vec)
{
	ipi(apic_id, 0x500);
	hv_delay_ms(10);
	ipi(apic_id, 0x600 | vec);
}

/* in VTL1: VsmPartitionConfig = EnableVtlProtection, the harness's
 * default mask, and DenyLowerVtlStartup as ARG says */
static u64 vtl1_set_deny(u64 arg)
{
	return HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_CURRENT, HV_REG_VSM_PARTITION_CONFIG,
				    HV_VSM_CFG_ENABLE_PROTECTION |
				    ((u64)vsm_default_mask << HV_VSM_CFG_DEFAULT_MASK_SHIFT) |
				    (arg ? HV_VSM_CFG_DENY_LOWER_STARTUP : 0), 0));
}

static u64 vtl1_get_config(u64 arg)
{
	(void)arg;
	return hv_reg(HV_VTL_CURRENT, HV_REG_VSM_PARTITION_CONFIG);
}

/* in VTL1: StartVirtualProcessor(VP 2, VTL0) with ctx2 */
static u64 vtl1_start_vp2(u64 arg)
{
	(void)arg;
	return HV_STATUS(hv_start_vp(2, 0, &ctx2));
}

void test_main(void)
{
	struct hv_u128 v = { 0, 0 };
	u64 r;

	hv_setup();
	if (!vsm_setup(false))
		panic("VTL1 setup failed");
	volatile u16 *mark_a = put_sipi_code(SIPI_VEC_A, SIPI_MARK_A);
	volatile u16 *mark_b = put_sipi_code(SIPI_VEC_B, SIPI_MARK_B);

	r = hv_get_reg(2, HV_VTL_CURRENT, HV_REG_VSM_VP_STATUS, &v);
	report(HV_STATUS(r) == 0 && (v.lo >> 16 & 0xffff) == 1,
	       "VP 2 never ran VTL1: EnabledVtlSet {0} (VsmVpStatus 0x%lx)", v.lo);

	/* 1. control: without DenyLowerVtlStartup VTL0 starts VP 1 */
	report_eq(vtl1_run(vtl1_get_config, 0) & HV_VSM_CFG_DENY_LOWER_STARTUP, 0,
		  "DenyLowerVtlStartup clear after the harness's setup");
	init_sipi(1, SIPI_VEC_A);
	report(hv_wait_mark(mark_a, SIPI_MARK_A),
	       "without DenyLowerVtlStartup, INIT + SIPI from VTL0 start VP 1 at vector 0x%x", SIPI_VEC_A);

	/* 2. VTL1 sets DenyLowerVtlStartup */
	report_eq(vtl1_run(vtl1_set_deny, 1), 0, "VTL1 sets DenyLowerVtlStartup in VsmPartitionConfig");
	r = vtl1_run(vtl1_get_config, 0);
	report(r & HV_VSM_CFG_DENY_LOWER_STARTUP, "VsmPartitionConfig reads back with the bit (0x%lx)", r);

	/* 3. an INIT to the running VP 1 (no VTL1) is dropped: it goes on */
	ipi(1, 0x500);
	hv_delay_ms(50);
	u32 c = *sipi_count(mark_a);
	report(wait_moved(sipi_count(mark_a), c),
	       "INIT from VTL0 to VP 1 (no VTL1) is dropped: VP 1 goes on running");

	/* 4. INIT + SIPI to VP 2, which never ran, are dropped */
	init_sipi(2, SIPI_VEC_B);
	hv_delay_ms(200);
	report(*mark_b == 0 && *sipi_count(mark_b) == 0,
	       "INIT + SIPI from VTL0 do not start VP 2 (never ran, no VTL1)");

	/* 5. StartVirtualProcessor from VTL0 is denied */
	struct percpu *p = &percpu_slots[2];
	p->self = p;
	p->index = 2;
	hv_context_here(&ctx2, (u64)ap_entry, (u64)ap2_stack + sizeof(ap2_stack), (u64)p, SEL_TSS0);
	r = HV_STATUS(hv_start_vp(2, 0, &ctx2));
	report_eq(r, HV_STATUS_ACCESS_DENIED, "StartVirtualProcessor(VP 2, VTL0) from VTL0 -> ACCESS_DENIED");
	hv_delay_ms(50);
	report(ap_ran == 0 && *mark_b == 0, "VP 2 still does not run");

	/* 6. VTL1 may still start it: VP 2 was left waiting for SIPI */
	r = vtl1_run(vtl1_start_vp2, 0);
	report_eq(r, HV_STATUS_SUCCESS, "StartVirtualProcessor(VP 2, VTL0) from VTL1 succeeds");
	report(hv_wait_for(&ap_ran, 2) && *mark_b == 0,
	       "VP 2 runs at the context VTL1 gave, not at the dropped SIPI vector");
}
