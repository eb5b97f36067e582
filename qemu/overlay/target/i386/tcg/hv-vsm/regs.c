/*
 * Hyper-V/VSM emulation for TCG.
 *
 * Register access: synthetic MSRs and Get/SetVpRegisters.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/timer.h"
#include "exec/cputlb.h"
#include "hw/i386/apic.h"
#include "tcg/helper-tcg.h"
#include "hv-vsm-internal.h"
#include "trace.h"

static uint64_t time_ref_count(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) / 100;
}

bool hv_vsm_rdmsr(CPUX86State *env, uint32_t msr, uint64_t *val,
                  uintptr_t retaddr)
{
    HvVsmVp *vp = env_archcpu(env)->hv_vsm;
    HvVtlState *v;

    if (!vp) {
        return false;
    }
    vsm_check_msr_intercept(env, msr, false, 0, retaddr);
    if (msr < 0x40000000 || msr > 0x400000ff) {
        return false;
    }
    v = &vp->vtl[vp->active_vtl];
    switch (msr) {
    case HV_MSR_GUEST_OS_ID:
        *val = qatomic_read(&vsm_part.guest_os_id[vp->active_vtl]);
        break;
    case HV_MSR_HYPERCALL:
        *val = qatomic_read(&vsm_part.hypercall[vp->active_vtl]);
        break;
    case HV_MSR_VP_INDEX:
        *val = vp->vp_index;
        break;
    case HV_MSR_TIME_REF_COUNT:
        *val = time_ref_count();
        break;
    case HV_MSR_TSC_FREQUENCY:
        *val = vsm_part.tsc_hz;
        break;
    case HV_MSR_APIC_FREQUENCY:
        *val = NANOSECONDS_PER_SECOND;  /* QEMU's APIC timer runs at 1 GHz */
        break;
    case HV_MSR_VP_ASSIST_PAGE:
        *val = v->vp_assist;
        break;
    case HV_MSR_SCONTROL:
        *val = v->scontrol;
        break;
    case HV_MSR_SVERSION:
        *val = 1;
        break;
    case HV_MSR_SIEFP:
        *val = v->siefp;
        break;
    case HV_MSR_SIMP:
        *val = v->simp;
        break;
    case HV_MSR_EOM:
        *val = 0;
        break;
    case HV_MSR_SINT0 ... HV_MSR_SINT15:
        *val = v->sint[msr - HV_MSR_SINT0];
        break;
    default:
        raise_exception_err_ra(env, EXCP0D_GPF, 0, retaddr);
    }
    trace_hv_vsm_msr(vp->vp_index, vp->active_vtl, 0, msr, *val);
    return true;
}

bool hv_vsm_wrmsr(CPUX86State *env, uint32_t msr, uint64_t val,
                  uintptr_t retaddr)
{
    HvVsmVp *vp = env_archcpu(env)->hv_vsm;
    HvVtlState *v;
    int vtl;

    if (!vp) {
        return false;
    }
    vsm_check_msr_intercept(env, msr, true, val, retaddr);
    if (msr < 0x40000000 || msr > 0x400000ff) {
        return false;
    }
    vtl = vp->active_vtl;
    v = &vp->vtl[vtl];
    trace_hv_vsm_msr(vp->vp_index, vtl, 1, msr, val);
    switch (msr) {
    case HV_MSR_GUEST_OS_ID:
        /* Partition-wide (per VTL): every VP of the VTL sees the value. */
        qemu_mutex_lock(&vsm_part.lock);
        vsm_part.guest_os_id[vtl] = val;
        if (!val) {
            vsm_part.hypercall[vtl] &= ~1ULL;
        }
        qemu_mutex_unlock(&vsm_part.lock);
        break;
    case HV_MSR_HYPERCALL:
        /* Partition-wide (per VTL), like GUEST_OS_ID. */
        qemu_mutex_lock(&vsm_part.lock);
        if (vsm_part.hypercall[vtl] & 2) {
            qemu_mutex_unlock(&vsm_part.lock);
            break;                      /* locked until partition reset */
        }
        if (!vsm_part.guest_os_id[vtl]) {
            val &= ~1ULL;               /* cannot enable without an OS id */
        }
        /* bits 11:2 are RsvdP: keep the old value */
        vsm_part.hypercall[vtl] = (val & ~0xffcULL) |
                              (vsm_part.hypercall[vtl] & 0xffcULL);
        qemu_mutex_unlock(&vsm_part.lock);
        if (val & 1) {
            vsm_write_hypercall_page(vp, val & TARGET_PAGE_MASK);
        }
        break;
    case HV_MSR_VP_ASSIST_PAGE:
        if (val & 0xffeULL) {
            goto gp;
        }
        v->vp_assist = val;
        break;
    case HV_MSR_SCONTROL:
        if (val & ~1ULL) {
            goto gp;
        }
        v->scontrol = val;
        vsm_synic_retry_all(vp, vtl);
        break;
    case HV_MSR_SIEFP:
        if (val & 0xffeULL) {
            goto gp;
        }
        v->siefp = val;
        break;
    case HV_MSR_SIMP:
        if (val & 0xffeULL) {
            goto gp;
        }
        v->simp = val;
        vsm_synic_retry_all(vp, vtl);
        break;
    case HV_MSR_EOM:
        vsm_synic_retry_all(vp, vtl);
        break;
    case HV_MSR_SINT0 ... HV_MSR_SINT15:
        if ((val & ~(HV_SINT_VALID_BITS)) ||
            (!(val & HV_SINT_MASKED) && (val & HV_SINT_VECTOR_MASK) < 16)) {
            goto gp;
        }
        v->sint[msr - HV_MSR_SINT0] = val;
        vsm_synic_retry_all(vp, vtl);
        break;
    default:
        /* read-only (VP_INDEX, SVERSION, counters) or not offered */
        goto gp;
    }
    return true;
gp:
    raise_exception_err_ra(env, EXCP0D_GPF, 0, retaddr);
}

/* HV_X64_SEGMENT_REGISTER in a register value */
static void seg_to_hv(const SegmentCache *sc, uint64_t out[2])
{
    out[0] = sc->base;
    out[1] = (uint64_t)sc->limit | (uint64_t)(sc->selector & 0xffff) << 32 |
             (uint64_t)vsm_seg_attributes(sc) << 48;
}

static void seg_from_hv(SegmentCache *sc, const uint64_t in[2])
{
    vsm_seg_load(sc, in[0], in[1], in[1] >> 32, in[1] >> 48);
}

/* HV_X64_SEGMENT_REGISTER order ES CS SS DS FS GS equals QEMU's R_* order. */

static bool is_arch_register(uint32_t name)
{
    return (name >= HV_X64_REG_RAX && name <= HV_X64_REG_RFLAGS) ||
           (name >= HV_X64_REG_CR0 && name <= HV_X64_REG_XFEM) ||
           (name >= HV_X64_REG_DR0 && name <= HV_X64_REG_DR7) ||
           (name >= HV_X64_REG_ES && name <= HV_X64_REG_TR) ||
           name == HV_X64_REG_IDTR || name == HV_X64_REG_GDTR ||
           (name >= HV_X64_REG_EFER && name <= HV_X64_REG_INITIAL_APIC_ID) ||
           name == HV_X64_REG_TSC_AUX;
}

/*
 * Architectural register @name of VTL @vtl of @vp.  Shared registers live
 * in env; private ones of an inactive VTL in its saved HvVtlArch.
 */
static uint16_t arch_reg_get(HvVsmVp *vp, int vtl, uint32_t name,
                             uint64_t v[2])
{
    CPUX86State *env = vp_env(vp);
    HvVtlArch *a = &vp->vtl[vtl].arch;

    g_assert(vtl != vp->active_vtl);
    v[0] = v[1] = 0;
    if (name >= HV_X64_REG_RAX && name <= HV_X64_REG_R15) {
        int r = name - HV_X64_REG_RAX;

        v[0] = r == R_ESP ? a->rsp : env->regs[r];
        return HV_STATUS_SUCCESS;
    }
    if (name >= HV_X64_REG_ES && name < HV_X64_REG_LDTR) {
        seg_to_hv(&a->segs[name - HV_X64_REG_ES], v);
        return HV_STATUS_SUCCESS;
    }
    switch (name) {
    case HV_X64_REG_RIP:
        v[0] = a->eip;
        break;
    case HV_X64_REG_RFLAGS:
        v[0] = a->eflags;
        break;
    case HV_X64_REG_CR0:
        v[0] = a->cr0;
        break;
    case HV_X64_REG_CR2:
        v[0] = env->cr[2];
        break;
    case HV_X64_REG_CR3:
        v[0] = a->cr3;
        break;
    case HV_X64_REG_CR4:
        v[0] = a->cr4;
        break;
    case HV_X64_REG_CR8:
        v[0] = cpu_get_apic_tpr(vp->vtl[vtl].apic);
        break;
    case HV_X64_REG_XFEM:
        v[0] = env->xcr0;
        break;
    case HV_X64_REG_DR0 ... HV_X64_REG_DR3:
        v[0] = env->dr[name - HV_X64_REG_DR0];
        break;
    case HV_X64_REG_DR6:
        v[0] = env->dr[6];
        break;
    case HV_X64_REG_DR7:
        v[0] = a->dr7;
        break;
    case HV_X64_REG_LDTR:
        seg_to_hv(&a->ldt, v);
        break;
    case HV_X64_REG_TR:
        seg_to_hv(&a->tr, v);
        break;
    case HV_X64_REG_IDTR:
        v[0] = (uint64_t)(a->idt.limit & 0xffff) << 48;
        v[1] = a->idt.base;
        break;
    case HV_X64_REG_GDTR:
        v[0] = (uint64_t)(a->gdt.limit & 0xffff) << 48;
        v[1] = a->gdt.base;
        break;
    case HV_X64_REG_EFER:
        v[0] = a->efer;
        break;
    case HV_X64_REG_KERNEL_GS_BASE:
        v[0] = a->kernelgsbase;
        break;
    case HV_X64_REG_APIC_BASE:
        v[0] = cpu_get_apic_base(vp->vtl[vtl].apic);
        break;
    case HV_X64_REG_PAT:
        v[0] = a->pat;
        break;
    case HV_X64_REG_SYSENTER_CS:
        v[0] = a->sysenter_cs;
        break;
    case HV_X64_REG_SYSENTER_EIP:
        v[0] = a->sysenter_eip;
        break;
    case HV_X64_REG_SYSENTER_ESP:
        v[0] = a->sysenter_esp;
        break;
    case HV_X64_REG_STAR:
        v[0] = a->star;
        break;
    case HV_X64_REG_LSTAR:
        v[0] = a->lstar;
        break;
    case HV_X64_REG_CSTAR:
        v[0] = a->cstar;
        break;
    case HV_X64_REG_SFMASK:
        v[0] = a->fmask;
        break;
    case HV_X64_REG_INITIAL_APIC_ID:
        v[0] = vp->cpu->apic_id;
        break;
    case HV_X64_REG_TSC_AUX:
        v[0] = a->tsc_aux;
        break;
    default:
        return HV_STATUS_INVALID_PARAMETER;
    }
    return HV_STATUS_SUCCESS;
}

/* Writes have no side effects beyond the register itself (TLFS). */
static uint16_t arch_reg_set(HvVsmVp *vp, int vtl, uint32_t name,
                             const uint64_t v[2])
{
    CPUX86State *env = vp_env(vp);
    HvVtlArch *a = &vp->vtl[vtl].arch;

    g_assert(vtl != vp->active_vtl);
    if (name >= HV_X64_REG_RAX && name <= HV_X64_REG_R15) {
        int r = name - HV_X64_REG_RAX;

        if (r == R_ESP) {
            a->rsp = v[0];
        } else {
            env->regs[r] = v[0];
        }
        return HV_STATUS_SUCCESS;
    }
    if (name >= HV_X64_REG_ES && name < HV_X64_REG_LDTR) {
        seg_from_hv(&a->segs[name - HV_X64_REG_ES], v);
        if (name - HV_X64_REG_ES == R_SS) {
            a->hflags = (a->hflags & ~HF_CPL_MASK) |
                        ((a->segs[R_SS].flags >> DESC_DPL_SHIFT) & 3);
        }
        return HV_STATUS_SUCCESS;
    }
    switch (name) {
    case HV_X64_REG_RIP:
        a->eip = v[0];
        break;
    case HV_X64_REG_RFLAGS:
        a->eflags = v[0] | 2;
        break;
    case HV_X64_REG_CR0:
        a->cr0 = v[0];
        break;
    case HV_X64_REG_CR2:
        env->cr[2] = v[0];
        break;
    case HV_X64_REG_CR3:
        a->cr3 = v[0];
        break;
    case HV_X64_REG_CR4:
        a->cr4 = v[0];
        break;
    case HV_X64_REG_CR8:
        if (v[0] > 15) {
            return HV_STATUS_INVALID_PARAMETER;
        }
        cpu_set_apic_tpr(vp->vtl[vtl].apic, v[0]);
        break;
    case HV_X64_REG_DR0 ... HV_X64_REG_DR3:
        env->dr[name - HV_X64_REG_DR0] = v[0];
        break;
    case HV_X64_REG_DR6:
        env->dr[6] = v[0];
        break;
    case HV_X64_REG_DR7:
        a->dr7 = v[0];
        break;
    case HV_X64_REG_LDTR:
        seg_from_hv(&a->ldt, v);
        break;
    case HV_X64_REG_TR:
        seg_from_hv(&a->tr, v);
        break;
    case HV_X64_REG_IDTR:
        a->idt.limit = v[0] >> 48;
        a->idt.base = v[1];
        break;
    case HV_X64_REG_GDTR:
        a->gdt.limit = v[0] >> 48;
        a->gdt.base = v[1];
        break;
    case HV_X64_REG_EFER:
        a->efer = v[0];
        break;
    case HV_X64_REG_KERNEL_GS_BASE:
        a->kernelgsbase = v[0];
        break;
    case HV_X64_REG_PAT:
        a->pat = v[0];
        break;
    case HV_X64_REG_SYSENTER_CS:
        a->sysenter_cs = v[0];
        break;
    case HV_X64_REG_SYSENTER_EIP:
        a->sysenter_eip = v[0];
        break;
    case HV_X64_REG_SYSENTER_ESP:
        a->sysenter_esp = v[0];
        break;
    case HV_X64_REG_STAR:
        a->star = v[0];
        break;
    case HV_X64_REG_LSTAR:
        a->lstar = v[0];
        break;
    case HV_X64_REG_CSTAR:
        a->cstar = v[0];
        break;
    case HV_X64_REG_SFMASK:
        a->fmask = v[0];
        break;
    case HV_X64_REG_TSC_AUX:
        a->tsc_aux = v[0];
        break;
    default:
        /* XFEM, APIC base, initial APIC id: read-only through here */
        return HV_STATUS_INVALID_PARAMETER;
    }
    return HV_STATUS_SUCCESS;
}

uint64_t vsm_vp_status(HvVsmVp *vp)
{
    uint64_t v = vp->active_vtl;

    if (vp->active_vtl == 0 && vsm_vtl0_mbec(vp)) {
        v |= 1 << 4;
    }
    v |= 1ULL << 16;                    /* VTL 0 */
    if (vp->vtl[1].enabled) {
        v |= 1ULL << 17;
    }
    return v;
}

/*
 * Register @name of VTL @vtl of @vp; vp_regs_header() has refused a @vtl
 * above the caller's, so "vtl != 1" below means "not the caller's VTL 1".
 */
static uint16_t reg_get(HvCallCtx *c, HvVsmVp *vp, int vtl, uint32_t name,
                        uint64_t v[2])
{
    HvVtlState *t = &vp->vtl[vtl];
    uint32_t a, b, cx, d;

    v[0] = v[1] = 0;
    if (is_arch_register(name)) {
        if (vtl >= c->vtl) {
            return HV_STATUS_ACCESS_DENIED;
        }
        if (vp != c->vp) {
            return HV_STATUS_INVALID_VP_STATE;
        }
        return arch_reg_get(vp, vtl, name, v);
    }
    if (name >= HV_REG_SINT0 && name <= HV_REG_SINT15) {
        v[0] = t->sint[name - HV_REG_SINT0];
        return HV_STATUS_SUCCESS;
    }
    switch (name) {
    case HV_REG_PENDING_EVENT0:
        if (vtl >= c->vtl) {
            return HV_STATUS_ACCESS_DENIED;
        }
        v[0] = vp->pending_event[0];
        v[1] = vp->pending_event[1];
        break;
    case HV_REG_HYPERVISOR_VERSION:
        hv_vsm_cpuid(vp->cpu, 0x40000002, &a, &b, &cx, &d);
        v[0] = (uint64_t)b << 32 | a;
        v[1] = (uint64_t)d << 32 | cx;
        break;
    case HV_REG_PRIVILEGES_AND_FEATURES:
        hv_vsm_cpuid(vp->cpu, 0x40000003, &a, &b, &cx, &d);
        v[0] = (uint64_t)b << 32 | a;
        v[1] = (uint64_t)d << 32 | cx;
        break;
    case HV_REG_GUEST_OS_ID:
    case HV_REG_HYPERCALL:
    case HV_REG_VP_ASSIST_PAGE:
    case HV_REG_SCONTROL:
    case HV_REG_SIEFP:
    case HV_REG_SIMP:
        v[0] = name == HV_REG_GUEST_OS_ID ? vsm_part.guest_os_id[vtl] :
               name == HV_REG_HYPERCALL ? vsm_part.hypercall[vtl] :
               name == HV_REG_VP_ASSIST_PAGE ? t->vp_assist :
               name == HV_REG_SCONTROL ? t->scontrol :
               name == HV_REG_SIEFP ? t->siefp : t->simp;
        break;
    case HV_REG_SVERSION:
        v[0] = 1;
        break;
    case HV_REG_VP_INDEX:
        v[0] = vp->vp_index;
        break;
    case HV_REG_TIME_REF_COUNT:
        v[0] = time_ref_count();
        break;
    case HV_REG_VSM_CODE_PAGE_OFFSETS:
        v[0] = HV_HCPAGE_VTL_CALL_OFFSET |
               HV_HCPAGE_VTL_RETURN_OFFSET << 12;
        break;
    case HV_REG_VSM_VP_STATUS:
        v[0] = vsm_vp_status(vp);
        break;
    case HV_REG_VSM_PARTITION_STATUS:
        v[0] = 1 | (vsm_part.vtl1_enabled ? 2 : 0);     /* EnabledVtlSet */
        v[0] |= (uint64_t)HV_MAX_VTL << 16;         /* MaximumVtl */
        if (vsm_part.mbec) {
            v[0] |= 2ULL << 20;                     /* MbecEnabledVtlSet */
        }
        break;
    case HV_REG_VSM_CAPABILITIES:
        v[0] = 1;                       /* Dr6Shared: DR6 is not swapped */
        v[0] |= 0x3ULL << 1;            /* MbecVtlMask: VTL 0 and 1 */
        v[0] |= 1ULL << 17;             /* DenyLowerVtlStartup */
        break;
    case HV_REG_VSM_PARTITION_CONFIG:
        if (vtl != 1) {
            return HV_STATUS_ACCESS_DENIED;
        }
        v[0] = vsm_part.vsm_config;
        break;
    case HV_REG_VSM_VP_SECURE_CONFIG_VTL0:
        if (c->vtl < 1) {
            return HV_STATUS_ACCESS_DENIED;
        }
        v[0] = vp->vtl[1].secure_config_vtl0;
        break;
    case HV_REG_CR_INTERCEPT_CONTROL:
    case HV_REG_CR_INTERCEPT_CR0_MASK:
    case HV_REG_CR_INTERCEPT_CR4_MASK:
    case HV_REG_CR_INTERCEPT_MISC_MASK:
        if (vtl != 1) {
            return HV_STATUS_ACCESS_DENIED;
        }
        v[0] = name == HV_REG_CR_INTERCEPT_CONTROL ? t->cr_intercept :
               name == HV_REG_CR_INTERCEPT_CR0_MASK ? t->cr0_mask :
               name == HV_REG_CR_INTERCEPT_CR4_MASK ? t->cr4_mask :
               t->misc_mask;
        break;
    default:
        return HV_STATUS_INVALID_PARAMETER;
    }
    return HV_STATUS_SUCCESS;
}

/* Like reg_get(), @vtl is not above the caller's. */
static uint16_t reg_set(HvCallCtx *c, HvVsmVp *vp, int vtl, uint32_t name,
                        const uint64_t v[2])
{
    HvVtlState *t = &vp->vtl[vtl];
    uint16_t st;

    trace_hv_vsm_set_reg(vp->vp_index, vtl, name, v[0], v[1]);
    if (is_arch_register(name)) {
        if (vtl >= c->vtl) {
            return HV_STATUS_ACCESS_DENIED;
        }
        if (vp != c->vp) {
            return HV_STATUS_INVALID_VP_STATE;
        }
        return arch_reg_set(vp, vtl, name, v);
    }
    switch (name) {
    case HV_REG_PENDING_EVENT0: {
        int type = (v[0] >> 1) & 7, vector = (v[0] >> 16) & 0xffff;

        if (vtl >= c->vtl) {
            return HV_STATUS_ACCESS_DENIED;
        }
        if ((v[0] & 1) && (type != 0 || vector >= 32 || (v[0] & 0xfef0))) {
            return HV_STATUS_INVALID_PARAMETER;
        }
        if (vp != c->vp) {
            return HV_STATUS_INVALID_VP_STATE;
        }
        vp->pending_event[0] = v[0];
        vp->pending_event[1] = v[1];
        break;
    }
    case HV_REG_VSM_PARTITION_CONFIG:
        if (vtl != 1) {
            return HV_STATUS_ACCESS_DENIED;
        }
        if (v[0] & ~HV_VSM_CFG_SUPPORTED) {
            return HV_STATUS_INVALID_PARAMETER;
        }
        qemu_mutex_lock(&vsm_part.lock);
        st = HV_STATUS_SUCCESS;
        if ((vsm_part.vsm_config & HV_VSM_CFG_ENABLE_PROTECTION) &&
            (!(v[0] & HV_VSM_CFG_ENABLE_PROTECTION) ||
             ((v[0] ^ vsm_part.vsm_config) & HV_VSM_CFG_DEFAULT_MASK))) {
            /* EnableVtlProtection and its default mask are write-once */
            st = HV_STATUS_INVALID_PARAMETER;
        } else if ((v[0] & HV_VSM_CFG_ENABLE_PROTECTION) &&
                   (((v[0] >> HV_VSM_CFG_DEFAULT_MASK_SHIFT) & 3) != 3)) {
            /* the default mask must keep read and write */
            st = HV_STATUS_INVALID_PARAMETER;
        } else {
            vsm_part.vsm_config = v[0];
            if ((v[0] & HV_VSM_CFG_ENABLE_PROTECTION) &&
                !vsm_part.protection_enabled) {
                vsm_part.default_mask = (v[0] & HV_VSM_CFG_DEFAULT_MASK) >>
                                    HV_VSM_CFG_DEFAULT_MASK_SHIFT;
                qatomic_set(&vsm_part.protection_enabled, true);
                vsm_flush_all_tlbs(c);
            }
        }
        qemu_mutex_unlock(&vsm_part.lock);
        return st;
    case HV_REG_VSM_VP_SECURE_CONFIG_VTL0:
        if (c->vtl < 1) {
            return HV_STATUS_ACCESS_DENIED;
        }
        if ((v[0] & ~HV_VSM_VP_CFG_MBEC) ||
            ((v[0] & HV_VSM_VP_CFG_MBEC) && !vsm_part.mbec)) {
            return HV_STATUS_INVALID_PARAMETER;
        }
        vp->vtl[1].secure_config_vtl0 = v[0];
        if (vp == c->vp) {
            tlb_flush(CPU(vp->cpu));
        } else {
            vsm_flush_all_tlbs(c);
        }
        break;
    case HV_REG_CR_INTERCEPT_CONTROL:
        if (vtl != 1) {
            return HV_STATUS_ACCESS_DENIED;
        }
        if (v[0] & ~HV_CRI_SUPPORTED) {
            return HV_STATUS_INVALID_PARAMETER;
        }
        t->cr_intercept = v[0];
        break;
    case HV_REG_CR_INTERCEPT_CR0_MASK:
    case HV_REG_CR_INTERCEPT_CR4_MASK:
    case HV_REG_CR_INTERCEPT_MISC_MASK:
        if (vtl != 1) {
            return HV_STATUS_ACCESS_DENIED;
        }
        if (name == HV_REG_CR_INTERCEPT_CR0_MASK) {
            t->cr0_mask = v[0];
        } else if (name == HV_REG_CR_INTERCEPT_CR4_MASK) {
            t->cr4_mask = v[0];
        } else {
            t->misc_mask = v[0];
        }
        break;
    case HV_REG_VSM_CODE_PAGE_OFFSETS:
    case HV_REG_VSM_VP_STATUS:
    case HV_REG_VSM_PARTITION_STATUS:
    case HV_REG_VSM_CAPABILITIES:
    case HV_REG_HYPERVISOR_VERSION:
    case HV_REG_PRIVILEGES_AND_FEATURES:
    case HV_REG_VP_INDEX:
    case HV_REG_TIME_REF_COUNT:
    case HV_REG_SVERSION:
        return HV_STATUS_ACCESS_DENIED;     /* read-only */
    default:
        return HV_STATUS_INVALID_PARAMETER;
    }
    return HV_STATUS_SUCCESS;
}

/* Common header of Get/SetVpRegisters: PartitionId, VpIndex, InputVtl. */
static uint16_t vp_regs_header(HvCallCtx *c, HvVsmVp **vp, int *vtl)
{
    const HvInputVp *in = (const void *)c->in;

    if (le64_to_cpu(in->partition_id) != HV_PARTITION_ID_SELF) {
        return HV_STATUS_INVALID_PARTITION_ID;
    }
    *vp = vsm_target_vp(c, le32_to_cpu(in->vp_index));
    if (!*vp) {
        return HV_STATUS_INVALID_VP_INDEX;
    }
    *vtl = vsm_input_vtl(c, in->vtl);
    if (*vtl < 0 || !buffer_is_zero(in->rsvd, sizeof(in->rsvd))) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    if (*vtl > c->vtl) {
        return HV_STATUS_ACCESS_DENIED;
    }
    return HV_STATUS_SUCCESS;
}

uint16_t vsm_hc_get_vp_registers(HvCallCtx *c)
{
    const HvInputGetVpRegisters *in = (const void *)c->in;
    HvRegisterValue *out = (void *)c->out;
    HvVsmVp *vp;
    int vtl;
    uint16_t st = vp_regs_header(c, &vp, &vtl);
    uint64_t v[2];

    for (; st == HV_STATUS_SUCCESS && c->reps_done < c->rep_count;) {
        uint32_t name = le32_to_cpu(in->names[c->reps_done]);

        st = reg_get(c, vp, vtl, name, v);
        if (st == HV_STATUS_SUCCESS) {
            out[c->reps_done].low = cpu_to_le64(v[0]);
            out[c->reps_done].high = cpu_to_le64(v[1]);
            c->reps_done++;
        }
    }
    return st;
}

uint16_t vsm_hc_set_vp_registers(HvCallCtx *c)
{
    const HvInputSetVpRegisters *in = (const void *)c->in;
    HvVsmVp *vp;
    int vtl;
    uint16_t st = vp_regs_header(c, &vp, &vtl);
    uint64_t v[2];

    for (; st == HV_STATUS_SUCCESS && c->reps_done < c->rep_count;) {
        const HvRegisterAssoc *e = &in->elements[c->reps_done];

        if (e->rsvd1 || e->rsvd2) {
            return HV_STATUS_INVALID_PARAMETER;
        }
        v[0] = le64_to_cpu(e->value.low);
        v[1] = le64_to_cpu(e->value.high);
        st = reg_set(c, vp, vtl, le32_to_cpu(e->name), v);
        if (st == HV_STATUS_SUCCESS) {
            c->reps_done++;
        }
    }
    return st;
}
