/*
 * Hyper-V/VSM emulation for TCG.
 *
 * Secure intercepts: register, MSR and GPA intercept messages to VTL 1, and
 * the checks of VTL 0 CR, MSR, XCR0 and descriptor table writes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "exec/exec-all.h"
#include "exec/helper-proto.h"
#include "hw/i386/apic.h"
#include "tcg/helper-tcg.h"
#include "hv-vsm-internal.h"
#include "trace.h"

/* HV_X64_INTERCEPT_MESSAGE_HEADER (40 bytes) for the active VTL 0. */
void vsm_intercept_header(HvVsmVp *vp, uint8_t *p, int access,
                          uint32_t insn_len)
{
    CPUX86State *env = vp_env(vp);
    uint16_t es;
    uint8_t cr8 = 0;

    if (vp->vtl[0].apic) {
        cr8 = cpu_get_apic_tpr(vp->vtl[0].apic) & 0xf;
    }
    stl_le_p(p, vp->vp_index);
    p[4] = (insn_len & 0xf) | cr8 << 4;
    p[5] = access;
    es = (env->hflags & HF_CPL_MASK);
    es |= (env->cr[0] & CR0_PE_MASK) ? 1 << 2 : 0;
    es |= (env->cr[0] & CR0_AM_MASK) ? 1 << 3 : 0;
    es |= (env->efer & MSR_EFER_LMA) ? 1 << 4 : 0;
    es |= (env->dr[7] & 0xff) ? 1 << 5 : 0;
    /* bits 10:7: VTL of the intercepted access (0) */
    es |= (env->hflags & HF_INHIBIT_IRQ_MASK) ? 1 << 12 : 0;
    stw_le_p(p + 6, es);
    stq_le_p(p + 8, env->segs[R_CS].base);
    stl_le_p(p + 16, env->segs[R_CS].limit);
    stw_le_p(p + 20, env->segs[R_CS].selector);
    stw_le_p(p + 22, (env->segs[R_CS].flags >> 8) & 0xf0ff);
    stq_le_p(p + 24, env->eip);
    stq_le_p(p + 32, cpu_compute_eflags(env));
}

/*
 * Deliver a secure intercept for the VTL 0 instruction at env->eip (state
 * already restored) to VTL 1's SINT0 and enter VTL 1.  Does not return.
 */
G_NORETURN void vsm_raise_intercept(HvVsmVp *vp, uint32_t type,
                                    const uint8_t *payload, uint8_t size,
                                    uint64_t a, uint64_t b)
{
    CPUX86State *env = vp_env(vp);
    CPUState *cs = CPU(vp->cpu);

    trace_hv_vsm_intercept(vp->vp_index, type, a, b, payload[4] & 0xf);
    if (!vp->vtl[1].enabled || !vp->vtl1_started) {
        /* No VTL 1 on this VP to handle it: fault the access. */
        raise_exception_err(env, EXCP0D_GPF, 0);
    }
    vsm_synic_post(vp, 1, HV_SYNIC_INTERCEPTION_SINT, type, payload, size);
    vsm_vtl_switch(vp, 1, HV_VTL_ENTRY_INTERRUPT);
    cpu_loop_exit(cs);
}

static bool vtl0_intercepted(HvVsmVp *vp, uint64_t bit)
{
    return vp && vp->active_vtl == 0 && vp->vtl[1].enabled &&
           (vp->vtl[1].cr_intercept & bit);
}

static G_NORETURN void register_intercept(HvVsmVp *vp, uint32_t name,
                                          uint64_t lo, uint64_t hi,
                                          uintptr_t retaddr)
{
    CPUX86State *env = vp_env(vp);
    uint8_t p[64] = { 0 };

    cpu_restore_state(CPU(vp->cpu), retaddr);
    vsm_intercept_header(vp, p, HV_INTERCEPT_WRITE, env->hv_insn_len);
    p[40] = 0;                          /* IsMemoryOp */
    stl_le_p(p + 44, name);
    stq_le_p(p + 48, lo);
    stq_le_p(p + 56, hi);
    vsm_raise_intercept(vp, HV_MSG_X64_REGISTER_INTERCEPT, p, sizeof(p), name,
                        lo);
}

void hv_vsm_check_cr_write(CPUX86State *env, int reg, target_ulong val,
                           uintptr_t retaddr)
{
    HvVsmVp *vp = env_archcpu(env)->hv_vsm;

    if (reg == 0 && vtl0_intercepted(vp, HV_CRI_CR0_WRITE) &&
        ((env->cr[0] ^ val) & vp->vtl[1].cr0_mask)) {
        register_intercept(vp, HV_X64_REG_CR0, val, 0, retaddr);
    }
    if (reg == 4 && vtl0_intercepted(vp, HV_CRI_CR4_WRITE) &&
        ((env->cr[4] ^ val) & vp->vtl[1].cr4_mask)) {
        register_intercept(vp, HV_X64_REG_CR4, val, 0, retaddr);
    }
}

void hv_vsm_check_seg_write(CPUX86State *env, int seg, int selector,
                            uintptr_t retaddr)
{
    HvVsmVp *vp = env_archcpu(env)->hv_vsm;

    if (seg == R_LDTR && vtl0_intercepted(vp, HV_CRI_LDTR_WRITE)) {
        register_intercept(vp, HV_X64_REG_LDTR, selector & 0xffff, 0,
                           retaddr);
    }
    if (seg == R_TR && vtl0_intercepted(vp, HV_CRI_TR_WRITE)) {
        register_intercept(vp, HV_X64_REG_TR, selector & 0xffff, 0, retaddr);
    }
}

void hv_vsm_check_xsetbv(CPUX86State *env, uint64_t val, uintptr_t retaddr)
{
    HvVsmVp *vp = env_archcpu(env)->hv_vsm;

    if (vtl0_intercepted(vp, HV_CRI_XCR0_WRITE)) {
        register_intercept(vp, HV_X64_REG_XFEM, val, 0, retaddr);
    }
}

/* LGDT (which == 0) / LIDT (which == 1), called before the table loads. */
void helper_hv_vsm_dt_write(CPUX86State *env, int which, target_ulong base,
                            target_ulong limit)
{
    HvVsmVp *vp = env_archcpu(env)->hv_vsm;
    uint64_t bit = which ? HV_CRI_IDTR_WRITE : HV_CRI_GDTR_WRITE;

    if (vtl0_intercepted(vp, bit)) {
        /* HV_X64_TABLE_REGISTER: u16 pad[3]; u16 limit; u64 base */
        register_intercept(vp, which ? HV_X64_REG_IDTR : HV_X64_REG_GDTR,
                           (uint64_t)(limit & 0xffff) << 48, base, GETPC());
    }
}

/* MSR intercept bits of HvRegisterCrInterceptControl: {msr, read, write} */
static const struct {
    uint32_t msr;
    int8_t rd, wr;
} msr_intercepts[] = {
    { MSR_IA32_MISC_ENABLE, 3, 4 },
    { MSR_LSTAR, 5, 6 },
    { MSR_STAR, 7, 8 },
    { MSR_CSTAR, 9, 10 },
    { MSR_IA32_APICBASE, 11, 12 },
    { MSR_EFER, 13, 14 },
    { MSR_IA32_SYSENTER_CS, -1, 19 },
    { MSR_IA32_SYSENTER_EIP, -1, 20 },
    { MSR_IA32_SYSENTER_ESP, -1, 21 },
    { MSR_FMASK, -1, 22 },
    { MSR_TSC_AUX, -1, 23 },
    { MSR_IA32_XSS, -1, 25 },
};

void vsm_check_msr_intercept(CPUX86State *env, uint32_t msr, bool write,
                             uint64_t val, uintptr_t retaddr)
{
    HvVsmVp *vp = env_archcpu(env)->hv_vsm;
    uint8_t p[64] = { 0 };
    int i, bit;

    if (!vp || vp->active_vtl != 0 || !vp->vtl[1].cr_intercept) {
        return;
    }
    for (i = 0; i < ARRAY_SIZE(msr_intercepts); i++) {
        if (msr_intercepts[i].msr != msr) {
            continue;
        }
        bit = write ? msr_intercepts[i].wr : msr_intercepts[i].rd;
        if (bit < 0 || !vtl0_intercepted(vp, 1ULL << bit)) {
            return;
        }
        if (msr == MSR_IA32_MISC_ENABLE && write &&
            !((env->msr_ia32_misc_enable ^ val) & vp->vtl[1].misc_mask)) {
            return;
        }
        cpu_restore_state(CPU(vp->cpu), retaddr);
        vsm_intercept_header(vp, p,
                             write ? HV_INTERCEPT_WRITE : HV_INTERCEPT_READ,
                             env->hv_insn_len);
        stl_le_p(p + 40, msr);
        stq_le_p(p + 48, (uint32_t)env->regs[R_EDX]);
        stq_le_p(p + 56, (uint32_t)env->regs[R_EAX]);
        vsm_raise_intercept(vp, HV_MSG_X64_MSR_INTERCEPT, p, sizeof(p), msr,
                            val);
    }
}
