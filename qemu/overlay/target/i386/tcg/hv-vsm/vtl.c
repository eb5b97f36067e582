/*
 * Hyper-V/VSM emulation for TCG.
 *
 * VTL state and switches: the private state of each VTL, VTL call and
 * return, VTL 1 interrupts and the pending event of VTL 0.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "exec/exec-all.h"
#include "exec/cputlb.h"
#include "hw/i386/apic.h"
#include "tcg/helper-tcg.h"
#include "hv-vsm-internal.h"
#include "trace.h"

/* A segment register from the fields of HV_X64_SEGMENT_REGISTER. */
void vsm_seg_load(SegmentCache *sc, uint64_t base, uint32_t limit,
                  uint16_t selector, uint16_t attributes)
{
    sc->base = base;
    sc->limit = limit;
    sc->selector = selector;
    sc->flags = (uint32_t)(attributes & 0xf0ff) << 8;
}

/* The Attributes field of HV_X64_SEGMENT_REGISTER for @sc. */
uint16_t vsm_seg_attributes(const SegmentCache *sc)
{
    return (sc->flags >> 8) & 0xf0ff;
}

void vsm_vtl_save(HvVsmVp *vp, HvVtlArch *a)
{
    CPUX86State *env = vp_env(vp);

    a->eip = env->eip;
    a->rsp = env->regs[R_ESP];
    a->eflags = cpu_compute_eflags(env);
    a->cr0 = env->cr[0];
    a->cr3 = env->cr[3];
    a->cr4 = env->cr[4];
    a->efer = env->efer;
    a->pat = env->pat;
    memcpy(a->segs, env->segs, sizeof(a->segs));
    a->ldt = env->ldt;
    a->tr = env->tr;
    a->gdt = env->gdt;
    a->idt = env->idt;
    a->dr7 = env->dr[7];
    a->sysenter_cs = env->sysenter_cs;
    a->sysenter_esp = env->sysenter_esp;
    a->sysenter_eip = env->sysenter_eip;
    a->star = env->star;
#ifdef TARGET_X86_64
    a->lstar = env->lstar;
    a->cstar = env->cstar;
    a->fmask = env->fmask;
    a->kernelgsbase = env->kernelgsbase;
#endif
    a->tsc_aux = env->tsc_aux;
    a->hflags = env->hflags;
}

void vsm_vtl_load(HvVsmVp *vp, const HvVtlArch *a)
{
    CPUX86State *env = vp_env(vp);

    env->eip = a->eip;
    env->regs[R_ESP] = a->rsp;
    env->cr[0] = a->cr0;
    env->cr[3] = a->cr3;
    /*
     * Only the EFER bits the CPU model offers, whatever state was handed
     * in: without SVM in the model never SVME, hence never HF_SVME.
     */
    env->efer = a->efer & vsm_efer_valid(env);
    env->pat = a->pat;
    memcpy(env->segs, a->segs, sizeof(a->segs));
    env->ldt = a->ldt;
    env->tr = a->tr;
    env->gdt = a->gdt;
    env->idt = a->idt;
    env->sysenter_cs = a->sysenter_cs;
    env->sysenter_esp = a->sysenter_esp;
    env->sysenter_eip = a->sysenter_eip;
    env->star = a->star;
#ifdef TARGET_X86_64
    env->lstar = a->lstar;
    env->cstar = a->cstar;
    env->fmask = a->fmask;
    env->kernelgsbase = a->kernelgsbase;
#endif
    env->tsc_aux = a->tsc_aux;
    env->hflags = a->hflags & ~(HF_LMA_MASK | HF_SVME_MASK);
    if (env->efer & MSR_EFER_LMA) {
        env->hflags |= HF_LMA_MASK;
    }
    if (env->efer & MSR_EFER_SVME) {
        env->hflags |= HF_SVME_MASK;
    }
    /* arithmetic flags go to CC_SRC/CC_OP_EFLAGS, DF to env->df */
    cpu_load_eflags(env, a->eflags,
                    ~(CC_O | CC_S | CC_Z | CC_A | CC_P | CC_C | DF_MASK));
    cpu_x86_update_cr4(env, a->cr4);
    x86_update_hflags(env);
    if (env->dr[7] != a->dr7) {
        cpu_x86_update_dr7(env, a->dr7);
    }
}

/* Make the local APIC of @vtl the one @vp takes interrupts from. */
static void vtl_activate_apic(HvVsmVp *vp, int vtl)
{
    X86CPU *cpu = vp->cpu;
    BQL_LOCK_GUARD();

    cpu->apic_state = vp->vtl[vtl].apic;
    cpu_reset_interrupt(CPU(cpu), CPU_INTERRUPT_HARD);
    apic_poll_irq(cpu->apic_state);
}

/* Where HV_VP_VTL_CONTROL of @vtl's VP assist page (enabled) is. */
static hwaddr vp_assist_vtl_control(HvVsmVp *vp, int vtl)
{
    return (vp->vtl[vtl].vp_assist & TARGET_PAGE_MASK) +
           HV_VP_ASSIST_VTL_CONTROL;
}

/*
 * Make @to the active VTL of @vp.  Runs in the VP's own thread; the
 * caller has brought env up to date (eip, cc).
 */
void vsm_vtl_switch(HvVsmVp *vp, int to, int reason)
{
    int from = vp->active_vtl;

    trace_hv_vsm_vtl_switch(vp->vp_index, from, to, reason,
                            vp_env(vp)->eip);
    vsm_vtl_save(vp, &vp->vtl[from].arch);
    vsm_vtl_load(vp, &vp->vtl[to].arch);
    vp->active_vtl = to;
    vtl_activate_apic(vp, to);
    tlb_flush(CPU(vp->cpu));

    if (to > from && (vp->vtl[to].vp_assist & 1)) {
        uint32_t r = cpu_to_le32(reason);

        vsm_gpa_write(vp, vp_assist_vtl_control(vp, to) +
                      offsetof(HvVpVtlControl, vtl_entry_reason),
                      &r, sizeof(r));
    }
}

/* Raise the VTL 0 pending event, if any (on entry to VTL 0). */
static void inject_pending_event(HvVsmVp *vp)
{
    CPUX86State *env = vp_env(vp);
    uint64_t lo = vp->pending_event[0];
    int vector;

    if (!(lo & 1)) {
        return;
    }
    vector = (lo >> 16) & 0xff;
    if (vector == EXCP0E_PAGE) {
        env->cr[2] = vp->pending_event[1];  /* ExceptionParameter */
    }
    vp->pending_event[0] = vp->pending_event[1] = 0;
    if (lo & (1 << 8)) {
        raise_exception_err(env, vector, (uint32_t)(lo >> 32));
    }
    raise_exception(env, vector);
}

void hv_vsm_vtl_interrupt(X86CPU *cpu)
{
    HvVsmVp *vp = cpu->hv_vsm;

    if (!vp || vp->active_vtl != 0 || !vp->vtl[1].enabled ||
        !vp->vtl1_started) {
        return;
    }
    if (apic_hv_irq_pending(vp->vtl[1].apic) > 0) {
        /* VTL 1 interrupts preempt VTL 0 whatever its RFLAGS.IF. */
        vp->vtl0_halted = false;
        vsm_vtl_switch(vp, 1, HV_VTL_ENTRY_INTERRUPT);
    }
}

/*
 * A VP halted in VTL 0 (HLT, or waiting for a startup IPI) has work: if
 * that is a VTL 1 interrupt, run VTL 1 now, and let VTL 0 go on halting
 * after the VTL return, as VTL 1's activity is invisible to VTL 0.
 */
bool hv_vsm_halt_interrupt(X86CPU *cpu)
{
    HvVsmVp *vp = cpu->hv_vsm;

    if (!vp || vp->active_vtl != 0 || !vp->vtl[1].enabled ||
        !vp->vtl1_started) {
        return false;
    }
    BQL_LOCK_GUARD();
    if (apic_hv_irq_pending(vp->vtl[1].apic) <= 0) {
        return false;
    }
    vp->vtl0_halted = true;
    vsm_vtl_switch(vp, 1, HV_VTL_ENTRY_INTERRUPT);
    return true;
}

void vsm_vtl_call(CPUX86State *env, HvVsmVp *vp, int insn_len,
                  uintptr_t ra)
{
    /* RAX holds the VTL call control input; it must be zero. */
    if (vp->active_vtl != 0 || !vp->vtl[1].enabled || env->regs[R_EAX]) {
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    env->eip += insn_len;
    vp->vtl1_started = true;
    vp->vtl0_halted = false;
    vsm_vtl_switch(vp, 1, HV_VTL_ENTRY_VTL_CALL);
}

void vsm_vtl_return(CPUX86State *env, HvVsmVp *vp, int insn_len,
                    uintptr_t ra)
{
    uint64_t input = env->regs[R_EAX];
    HvVpVtlControl ctl = { 0 };
    HvVtlState *v1 = &vp->vtl[1];
    CPUState *cs = CPU(vp->cpu);
    bool halt;

    if (vp->active_vtl == 0 || (input & ~1ULL)) {
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    env->eip += insn_len;
    if (!(input & 1) && (v1->vp_assist & 1)) {
        /* Not a fast return: RAX and RCX come from the VP assist page. */
        vsm_gpa_read(vp, vp_assist_vtl_control(vp, 1), &ctl, sizeof(ctl));
    }
    vsm_vtl_switch(vp, 0, 0);
    if (!(input & 1)) {
        env->regs[R_EAX] = le64_to_cpu(ctl.vtl_return_x64_rax);
        env->regs[R_ECX] = le64_to_cpu(ctl.vtl_return_x64_rcx);
    }
    bql_lock();
    if (vp->init_deferred) {
        /* The INIT sent to VTL 0 while VTL 1 ran takes effect now. */
        vp->init_deferred = false;
        cpu_interrupt(CPU(vp->cpu), CPU_INTERRUPT_INIT);
    }
    if (vp->sipi_deferred) {
        /* After the INIT, if both came: INIT is taken before SIPI. */
        vp->sipi_deferred = false;
        cpu_interrupt(CPU(vp->cpu), CPU_INTERRUPT_SIPI);
    }
    /* A pending VTL 1 interrupt brings us straight back. */
    if (apic_hv_irq_pending(v1->apic) > 0) {
        cpu_interrupt(CPU(vp->cpu), CPU_INTERRUPT_HV_VTL);
    }
    bql_unlock();
    /* An event injected into VTL 0 ends its halt, as it would natively. */
    halt = vp->vtl0_halted && !(vp->pending_event[0] & 1);
    vp->vtl0_halted = false;
    inject_pending_event(vp);
    if (halt) {
        cs->halted = 1;
        cs->exception_index = EXCP_HLT;
        cpu_loop_exit(cs);
    }
}
