/*
 * Hyper-V/VSM emulation for TCG.
 *
 * Hypercall decoding and dispatch, the hypercall page and
 * GetVpIndexFromApicId.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "exec/exec-all.h"
#include "exec/helper-proto.h"
#include "exec/cputlb.h"
#include "tcg/helper-tcg.h"
#include "hv-vsm-internal.h"
#include "trace.h"

void vsm_write_hypercall_page(HvVsmVp *vp, hwaddr gpa)
{
    static const uint8_t call[] = {
        0x0f, 0x01, 0xc1,               /* vmcall */
        0xc3,                           /* ret */
    };
    static const uint8_t vtl_call[] = {
        0x48, 0x89, 0xc8,               /* mov rax, rcx (control input) */
        0xb9, 0x11, 0x00, 0x00, 0x00,   /* mov ecx, HVCALL_VTL_CALL */
        0x0f, 0x01, 0xc1,               /* vmcall */
        0xc3,                           /* ret */
    };
    static const uint8_t vtl_return[] = {
        0x48, 0x89, 0xc8,               /* mov rax, rcx (return input) */
        0xb9, 0x12, 0x00, 0x00, 0x00,   /* mov ecx, HVCALL_VTL_RETURN */
        0x0f, 0x01, 0xc1,               /* vmcall */
        0xc3,                           /* ret */
    };
    uint8_t page[HV_PAGE_SIZE];

    memset(page, 0xcc, sizeof(page));   /* int3 everywhere else */
    memcpy(page, call, sizeof(call));
    memcpy(page + HV_HCPAGE_VTL_CALL_OFFSET, vtl_call, sizeof(vtl_call));
    memcpy(page + HV_HCPAGE_VTL_RETURN_OFFSET, vtl_return, sizeof(vtl_return));
    vsm_gpa_write(vp, gpa, page, sizeof(page));
}

/* Resolve HV_INPUT_VTL into a VTL number; -1 for a bad value. */
int vsm_input_vtl(HvCallCtx *c, uint8_t iv)
{
    if (iv & HV_INPUT_VTL_RSVD) {
        return -1;
    }
    if (!(iv & HV_INPUT_VTL_USE_TARGET)) {
        return c->vtl;
    }
    if ((iv & HV_INPUT_VTL_TARGET_MASK) > HV_MAX_VTL) {
        return -1;
    }
    return iv & HV_INPUT_VTL_TARGET_MASK;
}

HvVsmVp *vsm_target_vp(HvCallCtx *c, uint32_t index)
{
    return index == HV_VP_INDEX_SELF ? c->vp : vsm_vp_by_index(index);
}

void vsm_flush_all_tlbs(HvCallCtx *c)
{
    tlb_flush_all_cpus_synced(CPU(c->vp->cpu));
    c->exit_loop = true;
}

uint16_t vsm_hc_get_vp_index_from_apic_id(HvCallCtx *c)
{
    const HvInputGetVpIndexFromApicId *in = (const void *)c->in;
    uint32_t *out = (void *)c->out;
    int vtl = vsm_input_vtl(c, in->target_vtl);

    if (le64_to_cpu(in->partition_id) != HV_PARTITION_ID_SELF) {
        return HV_STATUS_INVALID_PARTITION_ID;
    }
    if (!buffer_is_zero(in->rsvd, sizeof(in->rsvd)) || vtl < 0) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    if (vtl > c->vtl) {
        return HV_STATUS_ACCESS_DENIED;
    }
    /* Input was copied in full before any output is written. */
    while (c->reps_done < c->rep_count) {
        uint32_t apic_id = le32_to_cpu(in->apic_ids[c->reps_done]);
        CPUState *cs = cpu_by_arch_id(apic_id);

        if (!cs || !X86_CPU(cs)->hv_vsm) {
            return HV_STATUS_INVALID_PARAMETER;
        }
        out[c->reps_done] = cpu_to_le32(X86_CPU(cs)->hv_vsm->vp_index);
        c->reps_done++;
    }
    return HV_STATUS_SUCCESS;
}

typedef struct HvCallDesc {
    uint16_t code;
    bool rep;
    uint16_t in_size;           /* fixed header */
    uint16_t in_elem;           /* rep input element */
    uint16_t out_size;          /* simple call output */
    uint16_t out_elem;          /* rep output element */
    uint64_t privilege;
    uint16_t (*fn)(HvCallCtx *c);
} HvCallDesc;

#define SIMPLE(c, in, out, priv, fn) \
    { c, false, sizeof(in), 0, out, 0, priv, fn }
#define REP(c, in, in_elem, out_elem, priv, fn) \
    { c, true, sizeof(in), sizeof(in_elem), 0, out_elem, priv, fn }

static const HvCallDesc hv_calls[] = {
    REP(HVCALL_MODIFY_VTL_PROTECTION_MASK, HvInputModifyVtlProtectionMask,
        uint64_t, 0, HV_PRIV_ACCESS_VSM, vsm_hc_modify_vtl_protection_mask),
    SIMPLE(HVCALL_ENABLE_PARTITION_VTL, HvInputEnablePartitionVtl, 0,
           HV_PRIV_ACCESS_VSM, vsm_hc_enable_partition_vtl),
    SIMPLE(HVCALL_ENABLE_VP_VTL, HvInputEnableVpVtl, 0,
           HV_PRIV_ACCESS_VSM, vsm_hc_enable_vp_vtl),
    REP(HVCALL_GET_VP_REGISTERS, HvInputGetVpRegisters, uint32_t,
        sizeof(HvRegisterValue), HV_PRIV_ACCESS_VP_REGS,
        vsm_hc_get_vp_registers),
    REP(HVCALL_SET_VP_REGISTERS, HvInputSetVpRegisters, HvRegisterAssoc, 0,
        HV_PRIV_ACCESS_VP_REGS, vsm_hc_set_vp_registers),
    SIMPLE(HVCALL_TRANSLATE_VIRTUAL_ADDRESS, HvInputTranslateVirtualAddress,
           sizeof(HvOutputTranslateVirtualAddress), HV_PRIV_ACCESS_VP_REGS,
           vsm_hc_translate_virtual_address),
    SIMPLE(HVCALL_START_VP, HvInputStartVirtualProcessor, 0,
           HV_PRIV_START_VP, vsm_hc_start_vp),
    REP(HVCALL_GET_VP_INDEX_FROM_APIC_ID, HvInputGetVpIndexFromApicId,
        uint32_t, sizeof(uint32_t), HV_PRIV_ACCESS_VSM,
        vsm_hc_get_vp_index_from_apic_id),
};

static const HvCallDesc *find_call(uint16_t code)
{
    int i;

    for (i = 0; i < ARRAY_SIZE(hv_calls); i++) {
        if (hv_calls[i].code == code) {
            return &hv_calls[i];
        }
    }
    return NULL;
}

static bool gpa_range_ok(uint64_t gpa, uint32_t size)
{
    return !(gpa & 7) && (gpa & ~TARGET_PAGE_MASK) + size <= HV_PAGE_SIZE;
}

static uint16_t do_hypercall(HvCallCtx *c, uint64_t ctl, uint64_t in_gpa,
                             uint64_t out_gpa, bool fast)
{
    const HvCallDesc *d = find_call(ctl & HV_HC_CODE_MASK);
    uint32_t in_size, out_size, out_off;
    uint16_t st;

    c->rep_count = (ctl >> HV_HC_REP_COUNT_SHIFT) & HV_HC_REP_MASK;
    c->rep_start = (ctl >> HV_HC_REP_START_SHIFT) & HV_HC_REP_MASK;
    c->reps_done = c->rep_start;
    if (!d) {
        return HV_STATUS_INVALID_HYPERCALL_CODE;
    }
    if ((ctl & HV_HC_RSVD_MASK) ||
        ((ctl >> HV_HC_VARHDR_SHIFT) & HV_HC_VARHDR_MASK)) {
        return HV_STATUS_INVALID_HYPERCALL_INPUT;
    }
    if (d->rep ? c->rep_start >= c->rep_count
               : (c->rep_count || c->rep_start)) {
        return HV_STATUS_INVALID_HYPERCALL_INPUT;
    }
    if ((HV_PRIVILEGES & d->privilege) != d->privilege) {
        return HV_STATUS_ACCESS_DENIED;
    }
    in_size = d->in_size + c->rep_count * d->in_elem;
    out_size = d->rep ? c->rep_count * d->out_elem : d->out_size;

    memset(c->in, 0, sizeof(c->in));
    memset(c->out, 0, sizeof(c->out));
    if (fast) {
        /* Register-based input (RDX, R8); no XMM input, no output. */
        if (in_size > 16 || out_size) {
            return HV_STATUS_INVALID_HYPERCALL_INPUT;
        }
        stq_le_p(c->in, in_gpa);
        stq_le_p(c->in + 8, out_gpa);
    } else {
        if ((in_size && !gpa_range_ok(in_gpa, in_size)) ||
            (out_size && !gpa_range_ok(out_gpa, out_size))) {
            return HV_STATUS_INVALID_ALIGNMENT;
        }
        /*
         * hypercall-interface.md: the caller must be able to read the
         * input page and write the output page, else a memory intercept;
         * under VSM the caller VTL's protections decide.  Nothing is done.
         */
        if (!vsm_vtl_gpa_access(c->vp, c->vtl, in_gpa, in_size, false,
                                "hypercall input")) {
            c->denied = true;
            c->denied_gpa = in_gpa;
            return HV_STATUS_ACCESS_DENIED;
        }
        if (!vsm_vtl_gpa_access(c->vp, c->vtl, out_gpa, out_size, true,
                                "hypercall output")) {
            c->denied = c->denied_write = true;
            c->denied_gpa = out_gpa;
            return HV_STATUS_ACCESS_DENIED;
        }
        if (in_size && !vsm_gpa_read(c->vp, in_gpa, c->in, in_size)) {
            return HV_STATUS_INVALID_PARAMETER;
        }
    }
    st = d->fn(c);
    if (!fast && out_size) {
        /* Write back only the completed part of the output. */
        if (d->rep) {
            out_off = c->rep_start * d->out_elem;
            out_size = (c->reps_done - c->rep_start) * d->out_elem;
        } else {
            out_off = 0;
            out_size = st == HV_STATUS_SUCCESS ? out_size : 0;
        }
        if (out_size &&
            !vsm_gpa_write(c->vp, out_gpa + out_off, c->out + out_off,
                           out_size)) {
            return HV_STATUS_INVALID_PARAMETER;
        }
    }
    return st;
}

void helper_hv_vsm_hypercall(CPUX86State *env, int insn_len)
{
    X86CPU *cpu = env_archcpu(env);
    HvVsmVp *vp = cpu->hv_vsm;
    bool long64 = (env->hflags & HF_CS64_MASK) != 0;
    uint64_t ctl, in_gpa, out_gpa, result;
    HvCallCtx *c;
    uint16_t code;
    bool exit_loop;

    /* Without hv-vsm=on VMCALL stays an invalid opcode, as in stock QEMU. */
    if (!vp || !qatomic_read(&vsm_part.guest_os_id[vp->active_vtl])) {
        raise_exception_ra(env, EXCP06_ILLOP, GETPC());
    }
    if (long64) {
        ctl = env->regs[R_ECX];
        in_gpa = env->regs[R_EDX];
        out_gpa = env->regs[8];
    } else {
        ctl = (uint64_t)(uint32_t)env->regs[R_EDX] << 32 |
              (uint32_t)env->regs[R_EAX];
        in_gpa = (uint64_t)(uint32_t)env->regs[R_EBX] << 32 |
                 (uint32_t)env->regs[R_ECX];
        out_gpa = (uint64_t)(uint32_t)env->regs[R_EDI] << 32 |
                  (uint32_t)env->regs[R_ESI];
    }
    code = ctl & HV_HC_CODE_MASK;
    trace_hv_vsm_hypercall(vp->vp_index, vp->active_vtl, code, ctl);

    if (long64 && code == HVCALL_VTL_CALL) {
        vsm_vtl_call(env, vp, insn_len, GETPC());
        return;
    }
    if (long64 && code == HVCALL_VTL_RETURN) {
        vsm_vtl_return(env, vp, insn_len, GETPC());
        return;
    }

    c = g_new0(HvCallCtx, 1);
    c->vp = vp;
    c->vtl = vp->active_vtl;
    result = do_hypercall(c, ctl, in_gpa, out_gpa, ctl & HV_HC_FAST);
    trace_hv_vsm_hypercall_done(vp->vp_index, code, result, c->reps_done);
    if (find_call(code) && find_call(code)->rep) {
        result |= (uint64_t)c->reps_done << 32;
    }
    exit_loop = c->exit_loop;
    if (c->denied) {
        bool write = c->denied_write;
        uint64_t gpa = c->denied_gpa;

        g_free(c);
        /* the VMCALL is not performed: VTL 1 sees it at VTL 0's RIP */
        vsm_hv_access_intercept(vp, write, gpa, insn_len);
    }
    g_free(c);

    if (long64) {
        env->regs[R_EAX] = result;
    } else {
        env->regs[R_EAX] = (uint32_t)result;
        env->regs[R_EDX] = (uint32_t)(result >> 32);
    }
    env->eip += insn_len;
    if (exit_loop) {
        /* Let the synced TLB flush complete before going on. */
        cpu_loop_exit(CPU(cpu));
    }
}
