/*
 * Hyper-V/VSM emulation for TCG.
 *
 * Virtual processors: realize and reset, INIT and SIPI, EnableVpVtl and
 * StartVirtualProcessor.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qapi/error.h"
#include "system/tcg.h"
#include "exec/cputlb.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "hw/i386/apic.h"
#include "hw/i386/apic_internal.h"
#include "hv-vsm-internal.h"

HvVsmVp *vsm_vp_by_index(uint32_t index)
{
    CPUState *cs = qemu_get_cpu(index);

    return cs ? X86_CPU(cs)->hv_vsm : NULL;
}

/* HV_INITIAL_VP_CONTEXT (224 bytes) into a VTL's private state. */
static void seg_from_tlfs(SegmentCache *sc, const HvX64SegmentRegister *s)
{
    vsm_seg_load(sc, le64_to_cpu(s->base), le32_to_cpu(s->limit),
                 le16_to_cpu(s->selector), le16_to_cpu(s->attributes));
}

static void table_from_tlfs(SegmentCache *sc, const HvX64TableRegister *t)
{
    sc->base = le64_to_cpu(t->base);
    sc->limit = le16_to_cpu(t->limit);
}

/* HV_INITIAL_VP_CONTEXT into a VTL's private state. */
static void context_to_arch(const HvInitialVpContext *ctx, HvVtlArch *a)
{
    memset(a, 0, sizeof(*a));
    a->eip = le64_to_cpu(ctx->rip);
    a->rsp = le64_to_cpu(ctx->rsp);
    a->eflags = le64_to_cpu(ctx->rflags) | 2;
    seg_from_tlfs(&a->segs[R_CS], &ctx->cs);
    seg_from_tlfs(&a->segs[R_DS], &ctx->ds);
    seg_from_tlfs(&a->segs[R_ES], &ctx->es);
    seg_from_tlfs(&a->segs[R_FS], &ctx->fs);
    seg_from_tlfs(&a->segs[R_GS], &ctx->gs);
    seg_from_tlfs(&a->segs[R_SS], &ctx->ss);
    seg_from_tlfs(&a->tr, &ctx->tr);
    seg_from_tlfs(&a->ldt, &ctx->ldtr);
    table_from_tlfs(&a->idt, &ctx->idtr);
    table_from_tlfs(&a->gdt, &ctx->gdtr);
    a->efer = le64_to_cpu(ctx->efer);
    a->cr0 = le64_to_cpu(ctx->cr0);
    a->cr3 = le64_to_cpu(ctx->cr3);
    a->cr4 = le64_to_cpu(ctx->cr4);
    a->pat = le64_to_cpu(ctx->msr_cr_pat);
    a->dr7 = 0x400;
    a->hflags = (a->segs[R_SS].flags >> DESC_DPL_SHIFT) & HF_CPL_MASK;
}

/*
 * Can @vp hold the control registers of @ctx?  As VM entry checks a guest
 * state (Intel SDM vol. 3C, "Checks on Guest Control Registers, Debug
 * Registers, and MSRs"): CR0 and CR4 as MOV to CR takes them, EFER with
 * the offered bits and LMA == LME && CR0.PG, long mode with CR4.PAE and
 * PCIDE only there, CR3 within the physical address width.
 */
static bool context_ok(HvVsmVp *vp, const HvInitialVpContext *ctx)
{
    CPUX86State *env = vp_env(vp);
    uint64_t efer = le64_to_cpu(ctx->efer), cr0 = le64_to_cpu(ctx->cr0);
    uint64_t cr3 = le64_to_cpu(ctx->cr3);
    bool lma = efer & MSR_EFER_LMA;

    return vsm_efer_ok(env, efer, cr0) && vsm_cr0_ok(cr0) &&
           vsm_cr4_ok(env, le64_to_cpu(ctx->cr4), lma) &&
           !(cr3 >> (lma ? vp->cpu->phys_bits : 32));
}

uint16_t vsm_hc_enable_vp_vtl(HvCallCtx *c)
{
    const HvInputEnableVpVtl *in = (const void *)c->in;
    HvVsmVp *vp = vsm_target_vp(c, le32_to_cpu(in->vp.vp_index));
    uint16_t st = HV_STATUS_SUCCESS;

    if (le64_to_cpu(in->vp.partition_id) != HV_PARTITION_ID_SELF) {
        return HV_STATUS_INVALID_PARTITION_ID;
    }
    if (!vp) {
        return HV_STATUS_INVALID_VP_INDEX;
    }
    if (in->vp.vtl != 1 || !buffer_is_zero(in->vp.rsvd, sizeof(in->vp.rsvd))) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    if (!context_ok(vp, &in->context)) {
        return HV_STATUS_INVALID_REGISTER_VALUE;
    }
    if (!(le64_to_cpu(in->context.cr0) & CR0_PE_MASK)) {
        return HV_STATUS_INVALID_PARAMETER; /* no real mode above VTL 0 */
    }
    qemu_mutex_lock(&vsm_part.lock);
    if (!vsm_part.vtl1_enabled) {
        st = HV_STATUS_INVALID_VTL_STATE;
    } else if (vp->vtl[1].enabled) {
        st = HV_STATUS_VTL_ALREADY_ENABLED;
    } else if (c->vtl == 0 &&
               (vp != c->vp || vsm_part.vtl1_enabled_on_any_vp)) {
        /* VTL 0 may only bring up VTL 1 on its own VP, once. */
        st = HV_STATUS_ACCESS_DENIED;
    } else {
        context_to_arch(&in->context, &vp->vtl[1].arch);
        vp->vtl1_started = false;
        smp_wmb();  /* context visible before the VP sees VTL 1 enabled */
        vp->vtl[1].enabled = true;
        vsm_part.vtl1_enabled_on_any_vp = true;
    }
    qemu_mutex_unlock(&vsm_part.lock);
    return st;
}

typedef struct StartVpWork {
    int vtl;
    HvVtlArch arch;
} StartVpWork;

static void start_vp_work(CPUState *cs, run_on_cpu_data data)
{
    StartVpWork *w = data.host_ptr;
    HvVsmVp *vp = X86_CPU(cs)->hv_vsm;
    CPUX86State *env = vp_env(vp);

    if (w->vtl == 1) {
        vp->vtl[1].arch = w->arch;
        vp->vtl1_started = true;
        if (vp->active_vtl == 0) {
            vsm_vtl_switch(vp, 1, HV_VTL_ENTRY_RESERVED);
        }
    } else {
        HvVtlArch cur;

        /* VTL 0 is active: it was waiting for a startup IPI. */
        vsm_vtl_save(vp, &cur);
        vsm_vtl_load(vp, &w->arch);
        env->dr[7] = 0x400;
        APIC_COMMON(vp->vtl[0].apic)->wait_for_sipi = 0;
        tlb_flush(cs);
    }
    cs->halted = 0;
    g_free(w);
}

/*
 * VTL 0 of a VP can be started while it is not running: waiting for a
 * startup IPI, or parked by firmware (halted with interrupts disabled),
 * and only once.
 */
static bool vp_vtl0_startable(HvVsmVp *vp)
{
    CPUX86State *env = vp_env(vp);

    if (vp->vtl0_started || vp->active_vtl != 0) {
        return false;
    }
    return APIC_COMMON(vp->vtl[0].apic)->wait_for_sipi ||
           (CPU(vp->cpu)->halted && !(env->eflags & IF_MASK));
}

uint16_t vsm_hc_start_vp(HvCallCtx *c)
{
    const HvInputStartVirtualProcessor *in = (const void *)c->in;
    HvVsmVp *vp = vsm_vp_by_index(le32_to_cpu(in->vp.vp_index));
    uint8_t target = in->vp.vtl;
    StartVpWork *w;

    if (le64_to_cpu(in->vp.partition_id) != HV_PARTITION_ID_SELF) {
        return HV_STATUS_INVALID_PARTITION_ID;
    }
    if (!vp) {
        return HV_STATUS_INVALID_VP_INDEX;
    }
    if (target > HV_MAX_VTL ||
        !buffer_is_zero(in->vp.rsvd, sizeof(in->vp.rsvd))) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    if (target > c->vtl) {
        return HV_STATUS_ACCESS_DENIED;
    }
    if (vp == c->vp) {
        return HV_STATUS_INVALID_VP_STATE;
    }
    if (target == 0 && c->vtl == 0 &&
        (vsm_part.vsm_config & HV_VSM_CFG_DENY_LOWER_STARTUP)) {
        return HV_STATUS_ACCESS_DENIED;
    }
    if (!context_ok(vp, &in->context)) {
        return HV_STATUS_INVALID_REGISTER_VALUE;
    }
    if (!(le64_to_cpu(in->context.cr0) & CR0_PE_MASK) && target > 0) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    qemu_mutex_lock(&vsm_part.lock);
    if (target == 1 && !vp->vtl[1].enabled) {
        qemu_mutex_unlock(&vsm_part.lock);
        return HV_STATUS_INVALID_VTL_STATE;
    }
    if ((target == 1 && vp->vtl1_started) ||
        (target == 0 && !vp_vtl0_startable(vp))) {
        qemu_mutex_unlock(&vsm_part.lock);
        return HV_STATUS_INVALID_VP_STATE;
    }
    if (target == 1) {
        vp->vtl1_started = true;    /* claimed; the work item completes it */
    } else {
        vp->vtl0_started = true;
    }
    qemu_mutex_unlock(&vsm_part.lock);

    w = g_new0(StartVpWork, 1);
    w->vtl = target;
    context_to_arch(&in->context, &w->arch);
    async_run_on_cpu(CPU(vp->cpu), start_vp_work, RUN_ON_CPU_HOST_PTR(w));
    return HV_STATUS_SUCCESS;
}

void hv_vsm_realize(X86CPU *cpu, Error **errp)
{
    HvVsmVp *vp;
    DeviceState *apic;
    APICCommonState *s;

    if (!cpu->hyperv_vsm) {
        return;
    }
    if (!tcg_enabled()) {
        error_setg(errp, "hv-vsm=on needs the TCG accelerator");
        return;
    }
    if (!cpu->apic_state) {
        error_setg(errp, "hv-vsm=on needs a local APIC");
        return;
    }
    if (!vsm_partition_realize(errp)) {
        return;
    }

    vsm_cpu_model(cpu);

    vp = g_new0(HvVsmVp, 1);
    vp->cpu = cpu;
    vp->vp_index = CPU(cpu)->cpu_index;
    vp->vtl[0].apic = cpu->apic_state;

    /* A second local APIC for VTL 1, not mapped: MMIO goes to the active. */
    apic = DEVICE(object_new("apic"));
    object_property_add_child(OBJECT(cpu), "lapic-vtl1", OBJECT(apic));
    object_unref(OBJECT(apic));
    s = APIC_COMMON(apic);
    s->cpu = cpu;
    s->apicbase = APIC_DEFAULT_ADDRESS | MSR_IA32_APICBASE_ENABLE;
    s->hv_vtl = 1;
    qdev_prop_set_uint32(apic, "id", cpu->apic_id);
    qdev_prop_set_bit(apic, "vapic", false);
    if (!qdev_realize(apic, NULL, errp)) {
        return;
    }
    vp->vtl[1].apic = apic;
    cpu->hv_vsm = vp;
}

/*
 * INIT sent to a VP (by VTL 0: devices and IPIs only reach VTL 0 APICs).
 * vsm.md: a VP may not be reset by a lower VTL when the higher VTL set
 * DenyLowerVtlStartup, and the higher VTL's state is not the lower VTL's
 * to reset: the INIT resets VTL 0 and leaves VTL 1 (enablement, private
 * state, synthetic MSRs, intercept settings, APIC) as it was.  While VTL 1
 * runs, the INIT waits for the next return to VTL 0 like any other VTL 0
 * interrupt.  Runs in the VP's thread with the BQL held.
 */
bool hv_vsm_init(X86CPU *cpu)
{
    HvVsmVp *vp = cpu->hv_vsm;

    if (!vp) {
        return true;
    }
    /* Denied to VTL 0 on every VP, with VTL 1 or not (strict reading). */
    if (vsm_part.vsm_config & HV_VSM_CFG_DENY_LOWER_STARTUP) {
        cpu_reset_interrupt(CPU(cpu), CPU_INTERRUPT_INIT);
        return false;
    }
    if (!vp->vtl[1].enabled) {
        return true;                    /* a plain reset */
    }
    if (vp->active_vtl != 0) {
        vp->init_deferred = true;
        cpu_reset_interrupt(CPU(cpu), CPU_INTERRUPT_INIT);
        return false;
    }
    vp->in_init = true;
    return true;
}

/*
 * After the INIT of VTL 0 (do_cpu_init), which cleared every pending
 * interrupt request but a SIPI: VTL 1's own interrupts are still pending.
 */
void hv_vsm_init_done(X86CPU *cpu)
{
    HvVsmVp *vp = cpu->hv_vsm;

    if (vp && vp->vtl[1].enabled &&
        apic_hv_irq_pending(vp->vtl[1].apic) > 0) {
        cpu_interrupt(CPU(cpu), CPU_INTERRUPT_HV_VTL);
    }
}

/*
 * Startup IPI sent to a VP.  Like INIT it is meant for VTL 0 (its vector
 * was latched by the VTL 0 APIC): while VTL 1 runs, the active APIC and
 * register state are VTL 1's, so it waits for the next return to VTL 0.
 */
bool hv_vsm_sipi(X86CPU *cpu)
{
    HvVsmVp *vp = cpu->hv_vsm;

    if (vp && (vsm_part.vsm_config & HV_VSM_CFG_DENY_LOWER_STARTUP)) {
        return false;                   /* dropped, as INIT above */
    }
    if (!vp || vp->active_vtl == 0) {
        return true;
    }
    vp->sipi_deferred = true;
    return false;
}

static void vtl_reset_msrs(HvVtlState *v)
{
    int j;

    v->vp_assist = 0;
    v->scontrol = v->siefp = v->simp = 0;
    for (j = 0; j < HV_SYNIC_SINT_COUNT; j++) {
        v->sint[j] = HV_SINT_MASKED;
        v->msg_queued[j] = false;
    }
    v->cr_intercept = v->cr0_mask = v->cr4_mask = v->misc_mask = 0;
    v->secure_config_vtl0 = 0;
}

void hv_vsm_reset(X86CPU *cpu)
{
    HvVsmVp *vp = cpu->hv_vsm;
    int i;

    if (!vp) {
        return;
    }
    cpu->apic_state = vp->vtl[0].apic;
    vp->active_vtl = 0;
    vp->vtl0_started = false;
    vp->vtl0_halted = false;
    vp->pending_event[0] = vp->pending_event[1] = 0;
    if (vp->in_init) {
        /* INIT of VTL 0 (hv_vsm_init): VTL 1 keeps everything. */
        vp->in_init = false;
        vtl_reset_msrs(&vp->vtl[0]);
        return;
    }
    vp->vtl1_started = false;
    vp->init_deferred = false;
    vp->sipi_deferred = false;
    for (i = 0; i < HV_NUM_VTLS; i++) {
        if (i > 0) {
            vp->vtl[i].enabled = false;
        }
        vtl_reset_msrs(&vp->vtl[i]);
    }
    device_cold_reset(vp->vtl[1].apic);
    /* VP 0's VTL 1 APIC is the BSP's too, as QEMU makes VTL 0's. */
    apic_designate_bsp(vp->vtl[1].apic, CPU(cpu)->cpu_index == 0);
}

