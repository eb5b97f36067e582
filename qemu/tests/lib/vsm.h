/* VTL0/VTL1 harness: VTL0 enables VTL1 with an initial context that enters
 * vtl1_entry (entry.S); every VTL call runs one function in VTL1 and every
 * secure intercept lands in VTL1's SINT0 handler, which records the message
 * and resolves it according to vsm_mbox.policy. */
#ifndef TESTS_VSM_H
#define TESTS_VSM_H

#include "hv.h"

struct gpregs {
	u64 rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
};
extern struct gpregs vtl0_regs_in, vtl0_regs_out, vtl1_regs_in, vtl1_regs_out;
extern u64 vtl_call_ptr, vtl_return_ptr;
void vtl_call_regs(void);	/* VTL call with vtl0_regs_in -> vtl0_regs_out */
void vtl1_entry(void);
extern u8 vtl0_set_df;		/* set RFLAGS.DF for the next VTL call */
extern u64 vtl0_rflags_out, vtl1_entry_rflags;

enum intercept_policy {
	POLICY_UNPROTECT,	/* GPA intercept: give the page RWX back */
	POLICY_SKIP,		/* set VTL0 RIP = rip + instruction length */
	POLICY_ALLOW,		/* register: apply value to VTL0, then skip */
	POLICY_INJECT_GP,	/* PendingEvent0 = #GP(0) */
};

#define VSM_MAX_MSGS 16
#define VEC_SINT0 0x50
#define VEC_VTL1_TIMER 0x60
#define VEC_VTL1_IPI 0x61

struct vsm_mbox {
	/* command for the next VTL call */
	u64 (*volatile fn)(u64 arg);
	volatile u64 arg, ret;
	/* how VTL1 returns after handling the next VTL call */
	volatile bool ret_fast;		/* RCX bit 0 of the return */
	volatile bool ret_override;	/* use ret_rax/rcx + out_regs below */
	volatile u64 ret_rax, ret_rcx;	/* written to VtlReturnX64Rax/Rcx */
	struct gpregs out_regs;		/* GPRs for the return (override) */
	/* VTL1 bookkeeping */
	volatile u32 entries;
	volatile u32 last_reason;
	volatile u64 entry_rflags;	/* VTL1 RFLAGS at entry */
	volatile u64 init_status[4];
	/* intercepts */
	volatile u32 policy;
	volatile u32 nmsgs;
	struct hv_message msgs[VSM_MAX_MSGS];
	volatile u64 handle_status;	/* status of the policy's hypercall */
	/* interrupts seen by VTL1 */
	volatile u32 timer_irqs, ipi_irqs;
	volatile u64 vtl0_rflags_at_irq, vtl0_rip_at_irq;
	volatile u32 reason_at_irq;
};
extern struct vsm_mbox vsm_mbox;
extern struct hv_vp_assist_page vtl1_assist;

/* enable VTL1 for the partition and VP 0, run the first VTL call (VTL1
 * initialises its MSRs, SynIC, APIC, VsmPartitionConfig); with CHECK, each
 * step is a reported assertion.  Returns true when VTL1 is up. */
bool vsm_setup(bool check);
extern u8 vsm_partition_flags;	/* EnablePartitionVtl flags (default EnableMbec) */
/* DefaultVtlProtectionMask (default RWX); with another mask VTL1 gives the
 * test image RWX explicitly (status in vsm_mbox.init_status[2]) */
extern u8 vsm_default_mask;
void vsm_prepare_context(struct hv_initial_vp_context *ctx);
/* VTL call that runs FN(ARG) in VTL1 and returns its result */
u64 vtl1_run(u64 (*fn)(u64), u64 arg);
/* plain VTL call (VTL1 runs no command) */
void vtl_call(void);
/* VTL1 helpers (called in VTL1 through vtl1_run) */
u64 vtl1_protect(u64 gpa, u32 flags);	/* returns hypercall status */
void vsm_clear_msgs(void);

/* VP 1 (-smp 2) with VTL1 of its own, driven by the test itself rather
 * than by the harness.  VTL1 on VP 1 starts at ap_vtl1_entry, which calls
 * the test's ap_vtl1_main() (per-CPU slot PERCPU_VTL1_AP, TSS1); VTL0 on
 * VP 1 starts at ap_entry, which calls ap_main() (slot 1, TSS0). */
void ap_vtl1_entry(void);
void ap_vtl1_main(void);
/* fill CTX with VTL1's initial context on VP 1, stack top STACK_TOP */
void vsm_ap_vtl1_context(struct hv_initial_vp_context *ctx, u64 stack_top);
/* VP 0's VTL1 enables VTL1 on VP 1 with CTX; returns the status */
u64 vsm_enable_ap_vtl1(const struct hv_initial_vp_context *ctx);
/* start VTL0 on VP 1 at ap_entry, stack top STACK_TOP (hv_start_vp_wait:
 * also after an INIT the VP has yet to take); returns the status */
u64 vsm_start_ap(u64 stack_top);
/* the running VTL's VTL call and VTL return sequences (hypercall page) */
u64 vsm_call_ptr(void);
u64 vsm_return_ptr(void);
/* VTL call or return through PTR with RCX = 0, the callee-saved GPRs kept
 * on the (private) stack: the other VTL shares the GPRs */
void vtl_switch(u64 ptr);

#endif
