/* Startup IPIs and halts of VTL0 across VTL1 (-smp 2), on VP 1 with VTL1
 * enabled.  VTL1's activity is invisible to VTL0: a VTL1 interrupt taken
 * while VTL0 is halted (HLT with IF=0, or waiting for a startup IPI after
 * INIT) runs VTL1, and after the VTL return VTL0 goes on halting until an
 * event of its own (NMI, SIPI) comes.  Like INIT, a startup IPI is meant
 * for VTL0: sent while VTL1 runs, it leaves VTL1's registers alone and is
 * taken by VTL0 after the VTL return (after the INIT). */
#include "vsm.h"

const char test_name[] = "vtl1_sipi_halt";

#define VEC_AP1_IPI 0x62	/* sent by VP 0's VTL1 to VP 1's VTL1 */
#define SIPI_VEC_A 0x70		/* real-mode code at 0x70000, 0x71000 */
#define SIPI_VEC_B 0x71
#define SIPI_MARK_A 0xa1a1
#define SIPI_MARK_B 0xb2b2
#define CMD_SPIN 1

static u8 ap0_stack[8192] ALIGNED(16);
static u8 ap1_stack[8192] ALIGNED(16);
static struct hv_vp_assist_page ap1_assist PAGE_ALIGNED;
static struct hv_initial_vp_context ctx1;
static u64 ap_call_ptr, ap_ret_ptr;
/* VP 1's VTL0 */
static volatile u32 ap0_phase, ap0_after_hlt;
static volatile u64 ap0_hlt_end;	/* address after its HLT */
static volatile int ap0_hlt_vec;
/* VP 1's VTL1 */
static volatile u32 ap1_entries, ap1_reason, ap1_irqs, ap1_cmd;
static volatile u32 ap1_spinning, ap1_release, ap1_after;
static volatile u64 ap1_vtl0_rip, ap1_vtl0_rip_status, ap1_cs, ap1_rsp;

static void ap1_ipi_isr(struct trap_frame *f)
{
	struct hv_u128 v = { 0, 0 };
	(void)f;
	ap1_vtl0_rip_status = HV_STATUS(hv_get_reg(HV_VP_INDEX_SELF, HV_VTL_TARGET(0), HV_X64_REG_RIP, &v));
	ap1_vtl0_rip = v.lo;
	ap1_irqs++;
	apic_eoi();
}

/* VTL1 on VP 1: every entry takes its pending interrupts and returns;
 * CMD_SPIN makes it spin until the BSP releases it */
void ap_vtl1_main(void)
{
	hv_setup();
	ap_ret_ptr = vsm_return_ptr();
	wrmsr(HV_MSR_VP_ASSIST_PAGE, gpa_of(&ap1_assist) | 1);
	set_irq_handler(VEC_AP1_IPI, ap1_ipi_isr);
	apic_sw_enable();
	for (;;) {
		ap1_entries++;
		ap1_reason = ap1_assist.vtl_entry_reason;
		irq_window();
		if (ap1_cmd == CMD_SPIN) {
			u64 cs, here;
			ap1_cmd = 0;
			ap1_spinning = 1;
			while (!ap1_release)
				cpu_relax();
			asm volatile("mov %%cs, %0" : "=r"(cs));
			ap1_cs = cs;
			ap1_rsp = (u64)&here;
			ap1_after = 1;
		}
		vtl_switch(ap_ret_ptr);
	}
}

/* VTL0 on VP 1 */
void ap_main(void)
{
	struct exc_info info;

	hv_setup();
	ap_call_ptr = vsm_call_ptr();
	vtl_switch(ap_call_ptr);		/* VTL1 initialises */
	irq_disable();
	/* ap0_phase = 1, then HLT: VP 0 may send VTL1 IPIs from then on, and
	 * as VTL1 keeps none of VTL0's shared GPRs, none may be live here */
	ap0_hlt_vec = CATCH(&info, asm volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %0\n\t"
						"movl $1, %1\n\thlt\n1:"
						: "=m"(ap0_hlt_end), "=m"(ap0_phase)
						:: "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9",
						   "r10", "r11", "memory", "cc"));
	ap0_after_hlt = 1;
	while (ap0_phase != 2)
		cpu_relax();
	ap1_cmd = CMD_SPIN;
	vtl_switch(ap_call_ptr);		/* VTL1 spins; INIT + SIPI come */
	ap0_phase = 3;				/* not reached: INIT */
	for (;;)
		cpu_relax();
}

/* in VP 0's VTL1: fixed IPI to VP 1's VTL1 APIC */
static u64 vtl1_ipi_vp1(u64 arg)
{
	(void)arg;
	apic_write(APIC_ICR_HI, 1u << 24);
	apic_write(APIC_ICR_LO, VEC_AP1_IPI | (1 << 14));
	return 0;
}

static void ipi_vp1(u32 lo)
{
	apic_write(APIC_ICR_HI, 1u << 24);
	apic_write(APIC_ICR_LO, lo | (1 << 14));
}

static u32 ipis;	/* VTL1 IPIs sent to VP 1 */

/* VTL1 IPIs to VP 1 until its VTL1 finds VTL0's RIP at WANT (up to 5 s):
 * VP 1 may not have reached the state yet (HLT, INIT); returns how many
 * were sent, 0 when one was not taken */
static u32 ipi_until_rip(u64 want)
{
	u64 t0 = rdmsr(HV_MSR_TIME_REF_COUNT);
	u32 n = 0;

	do {
		vtl1_run(vtl1_ipi_vp1, 0);
		n++;
		if (!hv_wait_for(&ap1_irqs, ++ipis))
			return 0;
	} while (ap1_vtl0_rip != want && rdmsr(HV_MSR_TIME_REF_COUNT) - t0 < 50000000);
	return n;
}

void test_main(void)
{
	hv_setup();
	if (!vsm_setup(false))
		panic("VTL1 setup failed");
	volatile u16 *mark_a = put_sipi_code(SIPI_VEC_A, SIPI_MARK_A);
	volatile u16 *mark_b = put_sipi_code(SIPI_VEC_B, SIPI_MARK_B);

	vsm_ap_vtl1_context(&ctx1, (u64)ap1_stack + sizeof(ap1_stack));
	report_eq(vsm_enable_ap_vtl1(&ctx1), 0, "VTL1 enables VTL1 on VP 1");
	report_eq(vsm_start_ap((u64)ap0_stack + sizeof(ap0_stack)), 0, "StartVirtualProcessor(VP 1, VTL0) succeeds");

	/* 1. VTL0 of VP 1 halts with IF=0; a VTL1 interrupt runs VTL1 */
	bool halting = hv_wait_for(&ap0_phase, 1);
	report(halting && ap1_entries == 1, "VP 1 entered VTL1 once and its VTL0 halts (entries %u)", ap1_entries);
	u32 n = ipi_until_rip(ap0_hlt_end);	/* again if VTL0 was not in HLT yet */
	report(n && ap1_entries == 1 + n && ap1_reason == HV_VTL_ENTRY_INTERRUPT &&
	       ap1_vtl0_rip_status == 0 && ap1_vtl0_rip == ap0_hlt_end,
	       "VTL1 IPI to VP 1 runs its VTL1 during VTL0's HLT (VTL0 RIP 0x%lx, IPIs %u, entries %u, reason %u)",
	       ap1_vtl0_rip, n, ap1_entries, ap1_reason);
	hv_delay_ms(20);
	report(ap0_after_hlt == 0, "after the VTL return VP 1's VTL0 goes on halting (HLT with IF=0 not ended)");
	if (!ap0_after_hlt)
		ipi_vp1(0x400);		/* NMI, to VTL0 (none if awake: no handler) */
	bool woke = hv_wait_for(&ap0_after_hlt, 1);
	report(woke && ap0_hlt_vec == 2,
	       "an NMI then ends VTL0's halt (vector %d)", ap0_hlt_vec);

	/* 2. INIT + SIPI to VP 1 while its VTL1 runs */
	u32 entries = ap1_entries;
	ap0_phase = 2;
	bool spinning = hv_wait_for(&ap1_spinning, 1);
	report(spinning && ap1_entries == entries + 1, "VP 1 is in VTL1 (entries %u)", ap1_entries);
	ipi_vp1(0x500);		/* INIT */
	hv_delay_ms(10);
	ipi_vp1(0x600 | SIPI_VEC_A);
	hv_delay_ms(50);
	report(ap1_after == 0 && *mark_a == 0 && ap0_phase == 2,
	       "INIT and SIPI sent while VTL1 runs leave it running (VTL0 not started)");
	ap1_release = 1;
	bool after = hv_wait_for(&ap1_after, 1);
	report(after && ap1_cs == SEL_KCODE &&
	       ap1_rsp > (u64)ap1_stack && ap1_rsp < (u64)ap1_stack + sizeof(ap1_stack),
	       "VTL1 goes on with its code, CS and stack after the SIPI (cs 0x%lx)", ap1_cs);
	report(hv_wait_mark(mark_a, SIPI_MARK_A) && ap0_phase == 2,
	       "after the VTL return VP 1's VTL0 takes INIT, then starts at the SIPI vector 0x%x", SIPI_VEC_A);

	/* 3. VTL0 waits for a SIPI after INIT; VTL1 interrupts come */
	ipi_vp1(0x500);		/* INIT */
	report(hv_wait_stopped(sipi_count(mark_a)), "INIT stops VP 1's VTL0");
	entries = ap1_entries;
	n = ipi_until_rip(0xfff0);	/* again if VTL0 had yet to take the INIT */
	report(n && ap1_entries == entries + n && ap1_reason == HV_VTL_ENTRY_INTERRUPT &&
	       ap1_vtl0_rip_status == 0 && ap1_vtl0_rip == 0xfff0,
	       "VTL1 IPI runs VP 1's VTL1 while VTL0 waits for SIPI (VTL0 RIP 0x%lx, status 0x%lx)",
	       ap1_vtl0_rip, ap1_vtl0_rip_status);
	hv_delay_ms(20);
	vtl1_run(vtl1_ipi_vp1, 0);
	bool ran = hv_wait_for(&ap1_irqs, ++ipis);
	report(ran && ap1_vtl0_rip_status == 0 && ap1_vtl0_rip == 0xfff0 && *mark_b == 0,
	       "after the VTL return VTL0 went on waiting for SIPI (RIP 0x%lx at the next VTL1 interrupt)",
	       ap1_vtl0_rip);
	ipi_vp1(0x600 | SIPI_VEC_B);
	report(hv_wait_mark(mark_b, SIPI_MARK_B), "the SIPI then starts VTL0 at vector 0x%x", SIPI_VEC_B);
	report_eq(vsm_mbox.entries, 2 + ipis, "VP 0's VTL1 was entered only by VP 0's calls");
}
