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

/* HV_X64_INTERCEPT_MESSAGE_HEADER for the active VTL 0. */
static void intercept_header(HvVsmVp *vp, HvX64InterceptMessageHeader *h,
                             int access, uint32_t insn_len)
{
    CPUX86State *env = vp_env(vp);
    SegmentCache *cs = &env->segs[R_CS];
    uint16_t es;
    uint8_t cr8 = 0;

    if (vp->vtl[0].apic) {
        cr8 = cpu_get_apic_tpr(vp->vtl[0].apic) & 0xf;
    }
    h->vp_index = cpu_to_le32(vp->vp_index);
    h->instruction_length_cr8 = (insn_len & 0xf) | cr8 << 4;
    h->intercept_access_type = access;
    es = (env->hflags & HF_CPL_MASK);
    es |= (env->cr[0] & CR0_PE_MASK) ? HV_X64_EXEC_STATE_CR0_PE : 0;
    es |= (env->cr[0] & CR0_AM_MASK) ? HV_X64_EXEC_STATE_CR0_AM : 0;
    es |= (env->efer & MSR_EFER_LMA) ? HV_X64_EXEC_STATE_EFER_LMA : 0;
    es |= (env->dr[7] & 0xff) ? HV_X64_EXEC_STATE_DEBUG_ACTIVE : 0;
    /* bits 10:7: VTL of the intercepted access (0) */
    es |= (env->hflags & HF_INHIBIT_IRQ_MASK) ?
          HV_X64_EXEC_STATE_INTR_SHADOW : 0;
    h->execution_state = cpu_to_le16(es);
    h->cs.base = cpu_to_le64(cs->base);
    h->cs.limit = cpu_to_le32(cs->limit);
    h->cs.selector = cpu_to_le16(cs->selector);
    h->cs.attributes = cpu_to_le16(vsm_seg_attributes(cs));
    h->rip = cpu_to_le64(env->eip);
    h->rflags = cpu_to_le64(cpu_compute_eflags(env));
}

/*
 * Deliver a secure intercept for the VTL 0 instruction at env->eip (state
 * already restored) to VTL 1's SINT0 and enter VTL 1.  Does not return.
 * @msg starts with the header; @a and @b are for the trace.
 */
static G_NORETURN void raise_intercept(HvVsmVp *vp, uint32_t type,
                                       const void *msg, uint8_t size,
                                       uint64_t a, uint64_t b)
{
    const HvX64InterceptMessageHeader *h = msg;
    CPUX86State *env = vp_env(vp);
    CPUState *cs = CPU(vp->cpu);

    trace_hv_vsm_intercept(vp->vp_index, type, a, b,
                           h->instruction_length_cr8 & 0xf);
    if (!vp->vtl[1].enabled || !vp->vtl1_started) {
        /* No VTL 1 on this VP to handle it: fault the access. */
        raise_exception_err(env, EXCP0D_GPF, 0);
    }
    vsm_synic_post(vp, 1, HV_SYNIC_INTERCEPTION_SINT, type, msg, size);
    vsm_vtl_switch(vp, 1, HV_VTL_ENTRY_INTERRUPT);
    cpu_loop_exit(cs);
}

/* GPA intercept message for VTL 0's instruction at env->eip. */
static G_NORETURN void gpa_intercept(HvVsmVp *vp, MMUAccessType access_type,
                                     bool gva_valid, uint64_t gva,
                                     uint64_t gpa, uint32_t insn_len)
{
    CPUX86State *env = vp_env(vp);
    HvX64MemoryInterceptMessage m = { 0 };
    bool fetch = access_type == MMU_INST_FETCH;
    int access;

    access = access_type == MMU_DATA_STORE ? HV_INTERCEPT_WRITE :
             fetch ? HV_INTERCEPT_EXECUTE : HV_INTERCEPT_READ;
    intercept_header(vp, &m.header, access, insn_len);
    m.cache_type = cpu_to_le32(HV_CACHE_TYPE_WRITE_BACK);
    m.memory_access_info = gva_valid ? HV_X64_MEMORY_ACCESS_GVA_VALID : 0;
    m.guest_virtual_address = cpu_to_le64(gva_valid ? gva : 0);
    m.guest_physical_address = cpu_to_le64(gpa);
    if (!fetch &&
        cpu_memory_rw_debug(CPU(vp->cpu), env->segs[R_CS].base + env->eip,
                            m.instruction_bytes, sizeof(m.instruction_bytes),
                            false) == 0) {
        m.instruction_byte_count = sizeof(m.instruction_bytes);
    }
    raise_intercept(vp, HV_MSG_GPA_INTERCEPT, &m, sizeof(m), gva, gpa);
}

/*
 * GPA intercept for a denied VTL 0 access to @gpa (through @gva); VTL 0's
 * RIP stays on the faulting instruction.  Does not return.
 */
G_NORETURN void vsm_gpa_intercept(HvVsmVp *vp, MMUAccessType access_type,
                                  uint64_t gva, uint64_t gpa,
                                  uintptr_t retaddr)
{
    CPUX86State *env = vp_env(vp);
    bool fetch = access_type == MMU_INST_FETCH;

    if (retaddr) {
        cpu_restore_state(CPU(vp->cpu), retaddr);
    } else {
        env->hv_insn_len = 0;   /* code fetch: not decoded yet */
    }
    gpa_intercept(vp, access_type, true, gva, gpa,
                  fetch ? 0 : env->hv_insn_len);
}

/*
 * GPA intercept for an access the hypervisor was to make to @gpa on VTL
 * 0's behalf for the instruction at RIP (a hypercall's input or output
 * page), state current: no GVA.  The instruction is not performed and
 * VTL 0's RIP stays on it.  Does not return.
 */
G_NORETURN void vsm_hv_access_intercept(HvVsmVp *vp, bool write, uint64_t gpa,
                                       uint32_t insn_len)
{
    gpa_intercept(vp, write ? MMU_DATA_STORE : MMU_DATA_LOAD, false, 0, gpa,
                  insn_len);
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
    HvX64RegisterInterceptMessage m = { 0 };

    cpu_restore_state(CPU(vp->cpu), retaddr);
    intercept_header(vp, &m.header, HV_INTERCEPT_WRITE, env->hv_insn_len);
    m.is_memory_op = 0;
    m.register_name = cpu_to_le32(name);
    m.access_info.low = cpu_to_le64(lo);
    m.access_info.high = cpu_to_le64(hi);
    raise_intercept(vp, HV_MSG_X64_REGISTER_INTERCEPT, &m, sizeof(m), name,
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
    /*
     * The #GP of MOV to CR0/CR4 for a value the processor refuses, after
     * the intercepts, which take priority over it (Intel SDM vol. 3C,
     * "Relative Priority of Faults and VM Exits"; AMD APM vol. 2,
     * "Instruction Intercepts"): stock TCG takes such a CR0 and turns
     * reserved CR4 bits into an SVM #VMEXIT, also outside a guest.
     */
    if ((reg == 0 && !vsm_cr0_ok(val)) ||
        (reg == 4 && (!vsm_cr4_ok(env, val, env->efer & MSR_EFER_LMA) ||
                      ((val & ~env->cr[4] & CR4_PCIDE_MASK) &&
                       (env->cr[3] & 0xfff))))) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, retaddr);
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
        /* HV_X64_TABLE_REGISTER as a HV_REGISTER_VALUE */
        register_intercept(vp, which ? HV_X64_REG_IDTR : HV_X64_REG_GDTR,
                           (uint64_t)(limit & 0xffff) << 48, base, GETPC());
    }
}

/* HvRegisterCrInterceptControl bits of MSR reads and writes */
static const struct {
    uint32_t msr;
    uint64_t rd, wr;
} msr_intercepts[] = {
    { MSR_IA32_MISC_ENABLE, HV_CRI_MISC_ENABLE_READ, HV_CRI_MISC_ENABLE_WRITE },
    { MSR_LSTAR, HV_CRI_LSTAR_READ, HV_CRI_LSTAR_WRITE },
    { MSR_STAR, HV_CRI_STAR_READ, HV_CRI_STAR_WRITE },
    { MSR_CSTAR, HV_CRI_CSTAR_READ, HV_CRI_CSTAR_WRITE },
    { MSR_IA32_APICBASE, HV_CRI_APIC_BASE_READ, HV_CRI_APIC_BASE_WRITE },
    { MSR_EFER, HV_CRI_EFER_READ, HV_CRI_EFER_WRITE },
    { MSR_IA32_SYSENTER_CS, 0, HV_CRI_SYSENTER_CS_WRITE },
    { MSR_IA32_SYSENTER_EIP, 0, HV_CRI_SYSENTER_EIP_WRITE },
    { MSR_IA32_SYSENTER_ESP, 0, HV_CRI_SYSENTER_ESP_WRITE },
    { MSR_FMASK, 0, HV_CRI_SFMASK_WRITE },
    { MSR_TSC_AUX, 0, HV_CRI_TSC_AUX_WRITE },
    { MSR_IA32_XSS, 0, HV_CRI_XSS_WRITE },
};

void vsm_check_msr_intercept(CPUX86State *env, uint32_t msr, bool write,
                             uint64_t val, uintptr_t retaddr)
{
    HvVsmVp *vp = env_archcpu(env)->hv_vsm;
    HvX64MsrInterceptMessage m = { 0 };
    uint64_t bit;
    int i;

    if (!vp || vp->active_vtl != 0 || !vp->vtl[1].cr_intercept) {
        return;
    }
    for (i = 0; i < ARRAY_SIZE(msr_intercepts); i++) {
        if (msr_intercepts[i].msr != msr) {
            continue;
        }
        bit = write ? msr_intercepts[i].wr : msr_intercepts[i].rd;
        if (!bit || !vtl0_intercepted(vp, bit)) {
            return;
        }
        if (msr == MSR_IA32_MISC_ENABLE && write &&
            !((env->msr_ia32_misc_enable ^ val) & vp->vtl[1].misc_mask)) {
            return;
        }
        cpu_restore_state(CPU(vp->cpu), retaddr);
        intercept_header(vp, &m.header,
                         write ? HV_INTERCEPT_WRITE : HV_INTERCEPT_READ,
                         env->hv_insn_len);
        m.msr_number = cpu_to_le32(msr);
        m.rdx = cpu_to_le64((uint32_t)env->regs[R_EDX]);
        m.rax = cpu_to_le64((uint32_t)env->regs[R_EAX]);
        raise_intercept(vp, HV_MSG_X64_MSR_INTERCEPT, &m, sizeof(m), msr, val);
    }
}
