/* Secure interrupts: an interrupt for VTL1 preempts VTL0 whatever VTL0's
 * RFLAGS.IF, with entry reason "interrupt"; VTL1's TPR holds it pending; a
 * VTL1 interrupt pending at VTL return re-enters VTL1 at once; each VTL has
 * its own local APIC. */
#include "vsm.h"

const char test_name[] = "secure_irq";

#define TIMER_NS 50000000	/* 50 ms at divide-by-1 (1 GHz APIC clock): long enough
				 * for VTL0 to reach its spin loop on a loaded host */

static u64 arm_timer(u64 tpr)
{
	apic_write(APIC_TPR, (u32)tpr);	/* TPR */
	apic_write(APIC_TMR_DIV, 0xb);
	apic_write(APIC_LVT_TIMER, VEC_VTL1_TIMER);
	apic_write(APIC_TMR_INIT, TIMER_NS);
	return 0;
}

static u64 set_tpr(u64 tpr)
{
	apic_write(APIC_TPR, (u32)tpr);
	return 0;
}

static u64 self_ipi(u64 arg)
{
	(void)arg;
	apic_write(APIC_ICR_HI, 0);
	apic_write(APIC_ICR_LO, VEC_VTL1_IPI | (1 << 14) | (1 << 18));	/* assert, self */
	return 0;
}

static u64 read_tpr(u64 a) { (void)a; return apic_read(APIC_TPR); }

/* spin with IF=0 until FLAG changes or LIMIT_100NS elapse; LO and HI get
 * the address range of the loop */
static void spin(volatile u32 *flag, u32 old, u64 limit_100ns, u64 *lo, u64 *hi)
{
	u64 t0 = rdmsr(HV_MSR_TIME_REF_COUNT);
	asm volatile("lea 1f(%%rip), %0\n\tlea 2f(%%rip), %1" : "=r"(*lo), "=r"(*hi));
	asm volatile("1:" ::: "memory");
	while (*flag == old && rdmsr(HV_MSR_TIME_REF_COUNT) - t0 < limit_100ns)
		cpu_relax();
	asm volatile("2:" ::: "memory");
}

void test_main(void)
{
	u64 lo, hi;

	hv_setup();
	if (!vsm_setup(false))
		panic("VTL1 setup failed");

	apic_write(APIC_TPR, 0x20);
	u64 tpr1 = vtl1_run(read_tpr, 0);
	report(tpr1 == 0 && apic_read(APIC_TPR) == 0x20,
	       "VTL0 and VTL1 have separate local APICs (TPR 0x20 in VTL0, 0x%lx in VTL1)", tpr1);
	apic_write(APIC_TPR, 0);

	irq_disable();
	u32 entries = vsm_mbox.entries;
	vtl1_run(arm_timer, 0);
	spin(&vsm_mbox.timer_irqs, 0, 20000000, &lo, &hi);
	report_eq(vsm_mbox.timer_irqs, 1, "VTL1 LAPIC timer preempts VTL0 spinning with RFLAGS.IF=0");
	report_eq(vsm_mbox.entries - entries, 2, "VTL1 was entered once by the interrupt");
	report_eq(vsm_mbox.reason_at_irq, HV_VTL_ENTRY_INTERRUPT, "entry reason is 2 (interrupt)");
	report((vsm_mbox.vtl0_rflags_at_irq & 2) && !(vsm_mbox.vtl0_rflags_at_irq & (1 << 9)),
	       "VTL0 RFLAGS at preemption has IF=0 (0x%lx)", vsm_mbox.vtl0_rflags_at_irq);
	report(vsm_mbox.vtl0_rip_at_irq >= lo - 64 && vsm_mbox.vtl0_rip_at_irq < hi + 64,
	       "VTL0 RIP at preemption is in the spin loop (0x%lx in [0x%lx, 0x%lx))",
	       vsm_mbox.vtl0_rip_at_irq, lo, hi);

	/* VTL1 TPR above the vector's class: the interrupt stays pending */
	vtl1_run(arm_timer, 0xf0);
	spin(&vsm_mbox.timer_irqs, 1, 1500000, &lo, &hi);	/* 150 ms */
	report_eq(vsm_mbox.timer_irqs, 1, "VTL1 TPR 0xf0 holds the timer interrupt pending (no VTL switch)");
	vtl1_run(set_tpr, 0);
	report_eq(vsm_mbox.timer_irqs, 2, "lowering VTL1 TPR delivers it");

	/* self-IPI with IF=0 in VTL1: pending at VTL return -> immediate re-entry */
	entries = vsm_mbox.entries;
	vtl1_run(self_ipi, 0);
	report(vsm_mbox.ipi_irqs == 1 && vsm_mbox.entries - entries == 2,
	       "VTL1 interrupt pending at VTL return re-enters VTL1 at once (ipis %u, entries %u)",
	       vsm_mbox.ipi_irqs, vsm_mbox.entries - entries);
	report_eq(vsm_mbox.reason_at_irq, HV_VTL_ENTRY_INTERRUPT, "re-entry reason is 2 (interrupt)");
}
