/*
 * Hyper-V/VSM emulation for TCG.
 *
 * Register access: one table describes every register, and serves both
 * the synthetic MSRs (RDMSR/WRMSR) and Get/SetVpRegisters.
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

/* AutoEOI is not emulated (CPUID recommends against it): #GP */
#define HV_SINT_VALID_BITS \
    (HV_SINT_VECTOR_MASK | HV_SINT_MASKED | HV_SINT_POLLING)

/* Which VTL may access a register through Get/SetVpRegisters. */
typedef enum HvRegRule {
    HV_RULE_NONE,               /* not through the hypercalls */
    HV_RULE_READ_ONLY,          /* (writes) read-only */
    HV_RULE_ANY,                /* any VTL up to the caller's */
    HV_RULE_LOWER,              /* a VTL below the caller's */
    HV_RULE_LOWER_OWN_VP,       /* a VTL below the caller's, on its VP */
    HV_RULE_VTL1,               /* VTL 1's own */
    HV_RULE_CALLER_VTL1,        /* callers in VTL 1 */
} HvRegRule;

/* Where a register accessed by field_get()/field_set() lives. */
typedef enum HvRegHome {
    HV_HOME_NONE,
    HV_HOME_ARCH,               /* HvVtlArch of an inactive VTL */
    HV_HOME_ENV,                /* CPUX86State: shared by the VTLs */
    HV_HOME_VTL,                /* HvVtlState */
    HV_HOME_VP,                 /* HvVsmVp */
} HvRegHome;

typedef struct HvReg HvReg;

/* One access to register @reg (index @idx in its range) of @vtl of @vp. */
typedef struct HvRegAccess {
    const HvReg *reg;
    HvVsmVp *vp;
    int vtl;
    int idx;
    HvCallCtx *c;               /* Get/SetVpRegisters; NULL for MSRs */
} HvRegAccess;

struct HvReg {
    uint32_t name;              /* HV_REGISTER_NAME, 0: none */
    uint32_t msr;               /* synthetic MSR, 0: none */
    uint8_t count;              /* consecutive names and MSRs, 0 means 1 */
    HvRegRule rd, wr;
    HvRegHome home;
    uint16_t field;             /* offset in home */
    uint8_t size;               /* of the field: 4, 8 or 16 bytes */
    uint64_t value;             /* of a constant register */
    void (*get)(const HvRegAccess *r, uint64_t v[2]);
    /* Not writable when NULL: #GP, or INVALID_PARAMETER */
    uint16_t (*set)(const HvRegAccess *r, const uint64_t v[2]);
    /* Value checks before the write, returning a status */
    uint16_t (*check)(const HvRegAccess *r, const uint64_t v[2]);
    /* Side effect after the write */
    void (*effect)(const HvRegAccess *r);
};

/* ---- Accessors --------------------------------------------------------- */

static void *reg_field(const HvRegAccess *r)
{
    HvVsmVp *vp = r->vp;
    void *home;

    switch (r->reg->home) {
    case HV_HOME_ARCH:
        /* The private state of the active VTL is in env, not here. */
        g_assert(r->vtl != vp->active_vtl);
        home = &vp->vtl[r->vtl].arch;
        break;
    case HV_HOME_ENV:
        home = vp_env(vp);
        break;
    case HV_HOME_VTL:
        home = &vp->vtl[r->vtl];
        break;
    case HV_HOME_VP:
        home = vp;
        break;
    default:
        g_assert_not_reached();
    }
    return (uint8_t *)home + r->reg->field + r->idx * r->reg->size;
}

static void field_get(const HvRegAccess *r, uint64_t v[2])
{
    void *p = reg_field(r);

    switch (r->reg->size) {
    case 4:
        v[0] = *(uint32_t *)p;
        break;
    case 8:
        v[0] = *(uint64_t *)p;
        break;
    case 16:
        memcpy(v, p, 16);
        break;
    default:
        g_assert_not_reached();
    }
}

static uint16_t field_set(const HvRegAccess *r, const uint64_t v[2])
{
    void *p = reg_field(r);

    switch (r->reg->size) {
    case 4:
        *(uint32_t *)p = v[0];
        break;
    case 8:
        *(uint64_t *)p = v[0];
        break;
    case 16:
        memcpy(p, v, 16);
        break;
    default:
        g_assert_not_reached();
    }
    return HV_STATUS_SUCCESS;
}

static void const_get(const HvRegAccess *r, uint64_t v[2])
{
    v[0] = r->reg->value;
}

/* HV_X64_SEGMENT_REGISTER in a register value */
static void seg_get(const HvRegAccess *r, uint64_t v[2])
{
    const SegmentCache *sc = reg_field(r);

    v[0] = sc->base;
    v[1] = (uint64_t)sc->limit | (uint64_t)(sc->selector & 0xffff) << 32 |
           (uint64_t)vsm_seg_attributes(sc) << 48;
}

static uint16_t seg_set(const HvRegAccess *r, const uint64_t v[2])
{
    HvVtlArch *a = &r->vp->vtl[r->vtl].arch;
    SegmentCache *sc = reg_field(r);

    vsm_seg_load(sc, v[0], v[1], v[1] >> 32, v[1] >> 48);
    if (sc == &a->segs[R_SS]) {
        a->hflags = (a->hflags & ~HF_CPL_MASK) |
                    ((sc->flags >> DESC_DPL_SHIFT) & 3);
    }
    return HV_STATUS_SUCCESS;
}

/* HV_X64_TABLE_REGISTER in a register value */
static void table_get(const HvRegAccess *r, uint64_t v[2])
{
    const SegmentCache *sc = reg_field(r);

    v[0] = (uint64_t)(sc->limit & 0xffff) << 48;
    v[1] = sc->base;
}

static uint16_t table_set(const HvRegAccess *r, const uint64_t v[2])
{
    SegmentCache *sc = reg_field(r);

    sc->limit = v[0] >> 48;
    sc->base = v[1];
    return HV_STATUS_SUCCESS;
}

static uint16_t rflags_set(const HvRegAccess *r, const uint64_t v[2])
{
    r->vp->vtl[r->vtl].arch.eflags = v[0] | 2;
    return HV_STATUS_SUCCESS;
}

static void tpr_get(const HvRegAccess *r, uint64_t v[2])
{
    v[0] = cpu_get_apic_tpr(r->vp->vtl[r->vtl].apic);
}

static uint16_t tpr_check(const HvRegAccess *r, const uint64_t v[2])
{
    return v[0] > 15 ? HV_STATUS_INVALID_PARAMETER : HV_STATUS_SUCCESS;
}

static uint16_t tpr_set(const HvRegAccess *r, const uint64_t v[2])
{
    cpu_set_apic_tpr(r->vp->vtl[r->vtl].apic, v[0]);
    return HV_STATUS_SUCCESS;
}

static void apic_base_get(const HvRegAccess *r, uint64_t v[2])
{
    v[0] = cpu_get_apic_base(r->vp->vtl[r->vtl].apic);
}

static void initial_apic_id_get(const HvRegAccess *r, uint64_t v[2])
{
    v[0] = r->vp->cpu->apic_id;
}

static void cpuid_get(const HvRegAccess *r, uint32_t leaf, uint64_t v[2])
{
    uint32_t a, b, c, d;

    hv_vsm_cpuid(r->vp->cpu, leaf, &a, &b, &c, &d);
    v[0] = (uint64_t)b << 32 | a;
    v[1] = (uint64_t)d << 32 | c;
}

static void hypervisor_version_get(const HvRegAccess *r, uint64_t v[2])
{
    cpuid_get(r, 0x40000002, v);
}

static void privileges_get(const HvRegAccess *r, uint64_t v[2])
{
    cpuid_get(r, 0x40000003, v);
}

/*
 * EFER: bits the CPU does not offer are reserved, and LMA must equal
 * LME && CR0.PG (of the VTL's CR0 as it is before this write).
 */
static uint16_t efer_check(const HvRegAccess *r, const uint64_t v[2])
{
    return vsm_efer_ok(vp_env(r->vp), v[0], r->vp->vtl[r->vtl].arch.cr0) ?
           HV_STATUS_SUCCESS : HV_STATUS_INVALID_REGISTER_VALUE;
}

/*
 * CR0: what MOV to CR0 takes (vsm_cr0_ok()), and no reserved bit of
 * 31:0 (MOV ignores them; the TLFS has SetVpRegisters refuse them).
 */
static uint16_t cr0_check(const HvRegAccess *r, const uint64_t v[2])
{
    return vsm_cr0_ok(v[0]) && !(v[0] & HV_CR0_RESERVED) ?
           HV_STATUS_SUCCESS : HV_STATUS_INVALID_REGISTER_VALUE;
}

/*
 * CR4, for the VTL's EFER.LMA, CR3 and CR4 before this write: what
 * vsm_cr4_ok() allows, no change of LA57 in long mode, PCIDE set from
 * clear only with CR3[11:0] == 0 (MOV to CR4 raises #GP otherwise).
 */
static uint16_t cr4_check(const HvRegAccess *r, const uint64_t v[2])
{
    const HvVtlArch *a = &r->vp->vtl[r->vtl].arch;
    bool lma = a->efer & MSR_EFER_LMA;

    if (!vsm_cr4_ok(vp_env(r->vp), v[0], lma) ||
        (lma && ((v[0] ^ a->cr4) & CR4_LA57_MASK)) ||
        ((v[0] & ~a->cr4 & CR4_PCIDE_MASK) && (a->cr3 & 0xfff))) {
        return HV_STATUS_INVALID_REGISTER_VALUE;
    }
    return HV_STATUS_SUCCESS;
}

static uint16_t pending_event_check(const HvRegAccess *r, const uint64_t v[2])
{
    int type = (v[0] >> 1) & 7, vector = (v[0] >> 16) & 0xffff;

    if ((v[0] & 1) && (type != 0 || vector >= 32 || (v[0] & 0xfef0))) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    return HV_STATUS_SUCCESS;
}

/* GUEST_OS_ID and HYPERCALL: partition-wide, one instance per VTL. */
static void guest_os_id_get(const HvRegAccess *r, uint64_t v[2])
{
    v[0] = qatomic_read(&vsm_part.guest_os_id[r->vtl]);
}

static uint16_t guest_os_id_set(const HvRegAccess *r, const uint64_t v[2])
{
    /* Every VP of the VTL sees the value. */
    qemu_mutex_lock(&vsm_part.lock);
    vsm_part.guest_os_id[r->vtl] = v[0];
    if (!v[0]) {
        vsm_part.hypercall[r->vtl] &= ~1ULL;
    }
    qemu_mutex_unlock(&vsm_part.lock);
    return HV_STATUS_SUCCESS;
}

static void hypercall_get(const HvRegAccess *r, uint64_t v[2])
{
    v[0] = qatomic_read(&vsm_part.hypercall[r->vtl]);
}

static uint16_t hypercall_set(const HvRegAccess *r, const uint64_t v[2])
{
    uint64_t *hc = &vsm_part.hypercall[r->vtl];
    uint64_t val = v[0];

    qemu_mutex_lock(&vsm_part.lock);
    if (*hc & 2) {
        qemu_mutex_unlock(&vsm_part.lock);
        return HV_STATUS_SUCCESS;       /* locked until partition reset */
    }
    if (!vsm_part.guest_os_id[r->vtl]) {
        val &= ~1ULL;                   /* cannot enable without an OS id */
    }
    /* bits 11:2 are RsvdP: keep the old value */
    *hc = (val & ~0xffcULL) | (*hc & 0xffcULL);
    qemu_mutex_unlock(&vsm_part.lock);
    /*
     * The TLFS hypercall page is an overlay of the GPA; the emulator
     * writes its code into the RAM page instead, but not into a page the
     * VTL may not write (VTL 1's protections of VTL 0 must hold).
     */
    if ((val & 1) &&
        vsm_vtl_gpa_access(r->vp, r->vtl, val & TARGET_PAGE_MASK,
                           TARGET_PAGE_SIZE, true, "hypercall page")) {
        vsm_write_hypercall_page(r->vp, val & TARGET_PAGE_MASK);
    }
    return HV_STATUS_SUCCESS;
}

static void vp_index_get(const HvRegAccess *r, uint64_t v[2])
{
    v[0] = r->vp->vp_index;
}

static void time_ref_count_get(const HvRegAccess *r, uint64_t v[2])
{
    v[0] = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) / 100;
}

static void tsc_frequency_get(const HvRegAccess *r, uint64_t v[2])
{
    v[0] = vsm_part.tsc_hz;
}

/* An enable bit and a GPFN (VP assist page, SIEFP, SIMP) */
static uint16_t page_check(const HvRegAccess *r, const uint64_t v[2])
{
    return v[0] & 0xffeULL ? HV_STATUS_INVALID_PARAMETER : HV_STATUS_SUCCESS;
}

static uint16_t scontrol_check(const HvRegAccess *r, const uint64_t v[2])
{
    return v[0] & ~1ULL ? HV_STATUS_INVALID_PARAMETER : HV_STATUS_SUCCESS;
}

static uint16_t sint_check(const HvRegAccess *r, const uint64_t v[2])
{
    if ((v[0] & ~(HV_SINT_VALID_BITS)) ||
        (!(v[0] & HV_SINT_MASKED) && (v[0] & HV_SINT_VECTOR_MASK) < 16)) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    return HV_STATUS_SUCCESS;
}

/* EOM: the write is the event */
static uint16_t eom_set(const HvRegAccess *r, const uint64_t v[2])
{
    return HV_STATUS_SUCCESS;
}

static void synic_effect(const HvRegAccess *r)
{
    vsm_synic_retry_all(r->vp, r->vtl);
}

static void vsm_vp_status_get(const HvRegAccess *r, uint64_t v[2])
{
    HvVsmVp *vp = r->vp;

    v[0] = vp->active_vtl;
    if (vp->active_vtl == 0 && vsm_vtl0_mbec(vp)) {
        v[0] |= 1 << 4;
    }
    v[0] |= 1ULL << 16;                 /* VTL 0 */
    if (vp->vtl[1].enabled) {
        v[0] |= 1ULL << 17;
    }
}

static void vsm_partition_status_get(const HvRegAccess *r, uint64_t v[2])
{
    v[0] = 1 | (vsm_part.vtl1_enabled ? 2 : 0);     /* EnabledVtlSet */
    v[0] |= (uint64_t)HV_MAX_VTL << 16;             /* MaximumVtl */
    if (vsm_part.mbec) {
        v[0] |= 2ULL << 20;                         /* MbecEnabledVtlSet */
    }
}

static void vsm_partition_config_get(const HvRegAccess *r, uint64_t v[2])
{
    v[0] = vsm_part.vsm_config;
}

static uint16_t vsm_partition_config_check(const HvRegAccess *r,
                                           const uint64_t v[2])
{
    return v[0] & ~HV_VSM_CFG_SUPPORTED ? HV_STATUS_INVALID_PARAMETER
                                        : HV_STATUS_SUCCESS;
}

static uint16_t vsm_partition_config_set(const HvRegAccess *r,
                                         const uint64_t v[2])
{
    uint16_t st = HV_STATUS_SUCCESS;

    qemu_mutex_lock(&vsm_part.lock);
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
            vsm_flush_all_tlbs(r->c);
        }
    }
    qemu_mutex_unlock(&vsm_part.lock);
    return st;
}

/* VsmVpSecureConfigVtl0 is held by VTL 1, whichever VTL is named. */
static void secure_config_vtl0_get(const HvRegAccess *r, uint64_t v[2])
{
    v[0] = r->vp->vtl[1].secure_config_vtl0;
}

static uint16_t secure_config_vtl0_check(const HvRegAccess *r,
                                         const uint64_t v[2])
{
    if ((v[0] & ~HV_VSM_VP_CFG_MBEC) ||
        ((v[0] & HV_VSM_VP_CFG_MBEC) && !vsm_part.mbec)) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    return HV_STATUS_SUCCESS;
}

static uint16_t secure_config_vtl0_set(const HvRegAccess *r,
                                       const uint64_t v[2])
{
    r->vp->vtl[1].secure_config_vtl0 = v[0];
    if (r->vp == r->c->vp) {
        tlb_flush(CPU(r->vp->cpu));
    } else {
        vsm_flush_all_tlbs(r->c);
    }
    return HV_STATUS_SUCCESS;
}

static uint16_t cr_intercept_check(const HvRegAccess *r, const uint64_t v[2])
{
    return v[0] & ~HV_CRI_SUPPORTED ? HV_STATUS_INVALID_PARAMETER
                                    : HV_STATUS_SUCCESS;
}

/* ---- The register table ------------------------------------------------ */

#define FIELD(h, type, f) \
    .home = h, .field = offsetof(type, f), .size = sizeof_field(type, f)

/* Architectural registers: of a lower VTL on the caller's own VP */
#define ARCH_RULE .rd = HV_RULE_LOWER_OWN_VP, .wr = HV_RULE_LOWER_OWN_VP
/* private to the VTL */
#define ARCH(n, f) \
    { .name = n, ARCH_RULE, FIELD(HV_HOME_ARCH, HvVtlArch, f), \
      .get = field_get, .set = field_set }
#define ARCH_SEG(n, f, cnt) \
    { .name = n, .count = cnt, ARCH_RULE, \
      .home = HV_HOME_ARCH, .field = offsetof(HvVtlArch, f), \
      .size = sizeof(SegmentCache), .get = seg_get, .set = seg_set }
#define ARCH_TABLE(n, f) \
    { .name = n, ARCH_RULE, FIELD(HV_HOME_ARCH, HvVtlArch, f), \
      .get = table_get, .set = table_set }
/* shared by the VTLs */
#define SHARED(n, f, cnt) \
    { .name = n, .count = cnt, ARCH_RULE, \
      FIELD(HV_HOME_ENV, CPUX86State, f), .get = field_get, .set = field_set }

/* Synthetic MSRs, also readable through GetVpRegisters */
#define SYNTHETIC(n, m, cnt) \
    .name = n, .msr = m, .count = cnt, .rd = HV_RULE_ANY, .wr = HV_RULE_NONE
#define SYNTHETIC_RO(n, m) \
    .name = n, .msr = m, .rd = HV_RULE_ANY, .wr = HV_RULE_READ_ONLY
#define SYNIC(n, m, cnt, f, chk, eff) \
    { SYNTHETIC(n, m, cnt), FIELD(HV_HOME_VTL, HvVtlState, f), \
      .get = field_get, .set = field_set, .check = chk, .effect = eff }

/* Read-only hypervisor and VSM registers */
#define INFO(n, fn) \
    { .name = n, .rd = HV_RULE_ANY, .wr = HV_RULE_READ_ONLY, .get = fn }
#define INFO_CONST(n, val) \
    { .name = n, .rd = HV_RULE_ANY, .wr = HV_RULE_READ_ONLY, \
      .get = const_get, .value = val }

/* Registers VTL 1 holds about VTL 0 */
#define VTL1(n, f, chk) \
    { .name = n, .rd = HV_RULE_VTL1, .wr = HV_RULE_VTL1, \
      FIELD(HV_HOME_VTL, HvVtlState, f), .get = field_get, \
      .set = field_set, .check = chk }

static const HvReg hv_regs[] = {
    INFO(HV_REG_HYPERVISOR_VERSION, hypervisor_version_get),
    INFO(HV_REG_PRIVILEGES_AND_FEATURES, privileges_get),
    { .name = HV_REG_PENDING_EVENT0,
      .rd = HV_RULE_LOWER, .wr = HV_RULE_LOWER_OWN_VP,
      FIELD(HV_HOME_VP, HvVsmVp, pending_event),
      .get = field_get, .set = field_set, .check = pending_event_check },

    SHARED(HV_X64_REG_RAX, regs[R_EAX], 4),         /* RAX RCX RDX RBX */
    ARCH(HV_X64_REG_RSP, rsp),
    SHARED(HV_X64_REG_RBP, regs[R_EBP], 11),        /* RBP RSI RDI R8-R15 */
    ARCH(HV_X64_REG_RIP, eip),
    { .name = HV_X64_REG_RFLAGS, ARCH_RULE,
      FIELD(HV_HOME_ARCH, HvVtlArch, eflags),
      .get = field_get, .set = rflags_set },
    { .name = HV_X64_REG_CR0, ARCH_RULE, FIELD(HV_HOME_ARCH, HvVtlArch, cr0),
      .get = field_get, .set = field_set, .check = cr0_check },
    SHARED(HV_X64_REG_CR2, cr[2], 1),
    ARCH(HV_X64_REG_CR3, cr3),
    { .name = HV_X64_REG_CR4, ARCH_RULE, FIELD(HV_HOME_ARCH, HvVtlArch, cr4),
      .get = field_get, .set = field_set, .check = cr4_check },
    { .name = HV_X64_REG_CR8, ARCH_RULE,
      .get = tpr_get, .set = tpr_set, .check = tpr_check },
    { .name = HV_X64_REG_XFEM, ARCH_RULE,
      FIELD(HV_HOME_ENV, CPUX86State, xcr0), .get = field_get },
    SHARED(HV_X64_REG_DR0, dr[0], 4),
    SHARED(HV_X64_REG_DR6, dr[6], 1),
    ARCH(HV_X64_REG_DR7, dr7),
    /* HV_X64_SEGMENT_REGISTER order ES CS SS DS FS GS is QEMU's R_* */
    ARCH_SEG(HV_X64_REG_ES, segs, 6),
    ARCH_SEG(HV_X64_REG_LDTR, ldt, 1),
    ARCH_SEG(HV_X64_REG_TR, tr, 1),
    ARCH_TABLE(HV_X64_REG_IDTR, idt),
    ARCH_TABLE(HV_X64_REG_GDTR, gdt),
    { .name = HV_X64_REG_EFER, ARCH_RULE,
      FIELD(HV_HOME_ARCH, HvVtlArch, efer),
      .get = field_get, .set = field_set, .check = efer_check },
    ARCH(HV_X64_REG_KERNEL_GS_BASE, kernelgsbase),
    { .name = HV_X64_REG_APIC_BASE, ARCH_RULE, .get = apic_base_get },
    ARCH(HV_X64_REG_PAT, pat),
    ARCH(HV_X64_REG_SYSENTER_CS, sysenter_cs),
    ARCH(HV_X64_REG_SYSENTER_EIP, sysenter_eip),
    ARCH(HV_X64_REG_SYSENTER_ESP, sysenter_esp),
    ARCH(HV_X64_REG_STAR, star),
    ARCH(HV_X64_REG_LSTAR, lstar),
    ARCH(HV_X64_REG_CSTAR, cstar),
    ARCH(HV_X64_REG_SFMASK, fmask),
    { .name = HV_X64_REG_INITIAL_APIC_ID, ARCH_RULE,
      .get = initial_apic_id_get },
    ARCH(HV_X64_REG_TSC_AUX, tsc_aux),

    { SYNTHETIC(HV_REG_GUEST_OS_ID, HV_MSR_GUEST_OS_ID, 1),
      .get = guest_os_id_get, .set = guest_os_id_set },
    { SYNTHETIC(HV_REG_HYPERCALL, HV_MSR_HYPERCALL, 1),
      .get = hypercall_get, .set = hypercall_set },
    { SYNTHETIC_RO(HV_REG_VP_INDEX, HV_MSR_VP_INDEX), .get = vp_index_get },
    { SYNTHETIC_RO(HV_REG_TIME_REF_COUNT, HV_MSR_TIME_REF_COUNT),
      .get = time_ref_count_get },
    { .msr = HV_MSR_TSC_FREQUENCY, .get = tsc_frequency_get },
    /* QEMU's APIC timer runs at 1 GHz */
    { .msr = HV_MSR_APIC_FREQUENCY, .get = const_get,
      .value = NANOSECONDS_PER_SECOND },
    SYNIC(HV_REG_VP_ASSIST_PAGE, HV_MSR_VP_ASSIST_PAGE, 1, vp_assist,
          page_check, NULL),
    SYNIC(HV_REG_SCONTROL, HV_MSR_SCONTROL, 1, scontrol, scontrol_check,
          synic_effect),
    { SYNTHETIC_RO(HV_REG_SVERSION, HV_MSR_SVERSION), .get = const_get,
      .value = 1 },
    SYNIC(HV_REG_SIEFP, HV_MSR_SIEFP, 1, siefp, page_check, NULL),
    SYNIC(HV_REG_SIMP, HV_MSR_SIMP, 1, simp, page_check, synic_effect),
    { .msr = HV_MSR_EOM, .get = const_get, .set = eom_set,
      .effect = synic_effect },
    SYNIC(HV_REG_SINT0, HV_MSR_SINT0, HV_SYNIC_SINT_COUNT, sint[0], sint_check,
          synic_effect),

    INFO_CONST(HV_REG_VSM_CODE_PAGE_OFFSETS,
               HV_HCPAGE_VTL_CALL_OFFSET | HV_HCPAGE_VTL_RETURN_OFFSET << 12),
    INFO(HV_REG_VSM_VP_STATUS, vsm_vp_status_get),
    INFO(HV_REG_VSM_PARTITION_STATUS, vsm_partition_status_get),
    /*
     * Dr6Shared (DR6 is not swapped), MbecVtlMask (VTL 0 and 1),
     * DenyLowerVtlStartup
     */
    INFO_CONST(HV_REG_VSM_CAPABILITIES, 1 | 0x3ULL << 1 | 1ULL << 17),
    { .name = HV_REG_VSM_PARTITION_CONFIG,
      .rd = HV_RULE_VTL1, .wr = HV_RULE_VTL1,
      .get = vsm_partition_config_get, .set = vsm_partition_config_set,
      .check = vsm_partition_config_check },
    { .name = HV_REG_VSM_VP_SECURE_CONFIG_VTL0,
      .rd = HV_RULE_CALLER_VTL1, .wr = HV_RULE_CALLER_VTL1,
      .get = secure_config_vtl0_get, .set = secure_config_vtl0_set,
      .check = secure_config_vtl0_check },
    VTL1(HV_REG_CR_INTERCEPT_CONTROL, cr_intercept, cr_intercept_check),
    VTL1(HV_REG_CR_INTERCEPT_CR0_MASK, cr0_mask, NULL),
    VTL1(HV_REG_CR_INTERCEPT_CR4_MASK, cr4_mask, NULL),
    VTL1(HV_REG_CR_INTERCEPT_MISC_MASK, misc_mask, NULL),
};

/*
 * The entry of register @name (or of MSR @msr when @name is 0), and the
 * index of the register in its range.
 */
static const HvReg *reg_find(uint32_t name, uint32_t msr, int *idx)
{
    uint32_t key = name ? name : msr;
    int i;

    for (i = 0; i < ARRAY_SIZE(hv_regs); i++) {
        const HvReg *d = &hv_regs[i];
        uint32_t first = name ? d->name : d->msr;

        if (first && key >= first && key - first < MAX(d->count, 1)) {
            *idx = key - first;
            return d;
        }
    }
    return NULL;
}

/* ---- Synthetic MSRs ---------------------------------------------------- */

bool hv_vsm_rdmsr(CPUX86State *env, uint32_t msr, uint64_t *val,
                  uintptr_t retaddr)
{
    HvVsmVp *vp = env_archcpu(env)->hv_vsm;
    HvRegAccess r = { .vp = vp };
    uint64_t v[2] = { 0, 0 };

    if (!vp) {
        return false;
    }
    vsm_check_msr_intercept(env, msr, false, 0, retaddr);
    if (vsm_msr_not_offered(msr)) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, retaddr);
    }
    if (msr < HV_MSR_FIRST || msr > HV_MSR_LAST) {
        return false;
    }
    r.vtl = vp->active_vtl;
    r.reg = reg_find(0, msr, &r.idx);
    if (!r.reg) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, retaddr);
    }
    r.reg->get(&r, v);
    *val = v[0];
    trace_hv_vsm_msr(vp->vp_index, vp->active_vtl, 0, msr, *val);
    return true;
}

bool hv_vsm_wrmsr(CPUX86State *env, uint32_t msr, uint64_t val,
                  uintptr_t retaddr)
{
    HvVsmVp *vp = env_archcpu(env)->hv_vsm;
    HvRegAccess r = { .vp = vp };
    const uint64_t v[2] = { val, 0 };

    if (!vp) {
        return false;
    }
    vsm_check_msr_intercept(env, msr, true, val, retaddr);
    if (vsm_msr_not_offered(msr) ||
        (msr == MSR_EFER && (val & ~vsm_efer_valid(env)))) {
        /* reserved EFER bits, MSRs of features not offered: #GP */
        raise_exception_err_ra(env, EXCP0D_GPF, 0, retaddr);
    }
    if (msr < HV_MSR_FIRST || msr > HV_MSR_LAST) {
        return false;
    }
    r.vtl = vp->active_vtl;
    trace_hv_vsm_msr(vp->vp_index, r.vtl, 1, msr, val);
    r.reg = reg_find(0, msr, &r.idx);
    /* read-only (VP_INDEX, SVERSION, counters) or not offered: #GP */
    if (!r.reg || !r.reg->set ||
        (r.reg->check && r.reg->check(&r, v) != HV_STATUS_SUCCESS) ||
        r.reg->set(&r, v) != HV_STATUS_SUCCESS) {
        raise_exception_err_ra(env, EXCP0D_GPF, 0, retaddr);
    }
    if (r.reg->effect) {
        r.reg->effect(&r);
    }
    return true;
}

/* ---- Get/SetVpRegisters ------------------------------------------------ */

/* May the caller of @r->c access the register as @rule says? */
static uint16_t reg_rule_check(const HvRegAccess *r, HvRegRule rule)
{
    const HvCallCtx *c = r->c;

    switch (rule) {
    case HV_RULE_NONE:
        return HV_STATUS_INVALID_PARAMETER;
    case HV_RULE_READ_ONLY:
        return HV_STATUS_ACCESS_DENIED;
    case HV_RULE_ANY:
        return HV_STATUS_SUCCESS;
    case HV_RULE_LOWER:
    case HV_RULE_LOWER_OWN_VP:
        if (r->vtl >= c->vtl) {
            return HV_STATUS_ACCESS_DENIED;
        }
        if (rule == HV_RULE_LOWER_OWN_VP && r->vp != c->vp) {
            return HV_STATUS_INVALID_VP_STATE;
        }
        return HV_STATUS_SUCCESS;
    case HV_RULE_VTL1:
        return r->vtl == 1 ? HV_STATUS_SUCCESS : HV_STATUS_ACCESS_DENIED;
    case HV_RULE_CALLER_VTL1:
        return c->vtl >= 1 ? HV_STATUS_SUCCESS : HV_STATUS_ACCESS_DENIED;
    }
    g_assert_not_reached();
}

/*
 * Register @name of VTL @vtl of @vp; vp_regs_header() has refused a @vtl
 * above the caller's.
 */
static uint16_t reg_get(HvCallCtx *c, HvVsmVp *vp, int vtl, uint32_t name,
                        uint64_t v[2])
{
    HvRegAccess r = { .vp = vp, .vtl = vtl, .c = c };
    uint16_t st;

    v[0] = v[1] = 0;
    r.reg = name ? reg_find(name, 0, &r.idx) : NULL;
    if (!r.reg) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    st = reg_rule_check(&r, r.reg->rd);
    if (st == HV_STATUS_SUCCESS) {
        r.reg->get(&r, v);
    }
    return st;
}

/* Like reg_get(), @vtl is not above the caller's. */
static uint16_t reg_set(HvCallCtx *c, HvVsmVp *vp, int vtl, uint32_t name,
                        const uint64_t v[2])
{
    HvRegAccess r = { .vp = vp, .vtl = vtl, .c = c };
    uint16_t st;

    trace_hv_vsm_set_reg(vp->vp_index, vtl, name, v[0], v[1]);
    r.reg = name ? reg_find(name, 0, &r.idx) : NULL;
    if (!r.reg) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    st = reg_rule_check(&r, r.reg->wr);
    if (st != HV_STATUS_SUCCESS) {
        return st;
    }
    if (!r.reg->set) {
        /* XFEM, APIC base, initial APIC id: read-only through here */
        return HV_STATUS_INVALID_PARAMETER;
    }
    if (r.reg->check) {
        st = r.reg->check(&r, v);
        if (st != HV_STATUS_SUCCESS) {
            return st;
        }
    }
    st = r.reg->set(&r, v);
    if (st == HV_STATUS_SUCCESS && r.reg->effect) {
        r.reg->effect(&r);
    }
    return st;
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
