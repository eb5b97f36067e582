/*
 * Hyper-V TLFS subset and Virtual Secure Mode (VSM) emulation for TCG.
 *
 * Enabled per CPU with "-cpu ...,hv-vsm=on".  Every behaviour follows the
 * Hyper-V Top Level Functional Specification (TLFS); the emulator knows
 * nothing about any particular guest.  Two virtual trust levels (VTL 0 and
 * VTL 1) are provided.  Each virtual processor (VP) is one QEMU vCPU: the
 * state that the TLFS makes private to a VTL is swapped in and out of
 * CPUX86State on a VTL switch, and each VTL has its own local APIC.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "qemu/units.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "cpu.h"
#include "exec/exec-all.h"
#include "exec/helper-proto.h"
#include "exec/cputlb.h"
#include "exec/address-spaces.h"
#include "exec/memory.h"
#include "system/tcg.h"
#include "hw/boards.h"
#include "system/reset.h"
#include "migration/blocker.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "hw/i386/apic.h"
#include "hw/i386/apic_internal.h"
#include "tcg/helper-tcg.h"
#include "hv-vsm.h"
#include "tlfs.h"
#include "trace.h"

/* ---- Emulator constants ------------------------------------------------ */

#define HV_PRIVILEGES (HV_PRIV_TIME_REF_COUNT | HV_PRIV_SYNIC_REGS | \
                       HV_PRIV_HYPERCALL_MSRS | HV_PRIV_VP_INDEX | \
                       HV_PRIV_FREQUENCY_REGS | HV_PRIV_ACCESS_VSM | \
                       HV_PRIV_ACCESS_VP_REGS | HV_PRIV_START_VP)

/* AutoEOI is not emulated (CPUID recommends against it): #GP */
#define HV_SINT_VALID_BITS \
    (HV_SINT_VECTOR_MASK | HV_SINT_MASKED | HV_SINT_POLLING)

/* VP assist page */
#define HV_VP_ASSIST_ENTRY_REASON       0x08
#define HV_VP_ASSIST_RETURN_RAX         0x10
#define HV_VP_ASSIST_RETURN_RCX         0x18

/* Hypercall page layout (ours; reported by HvRegisterVsmCodePageOffsets) */
#define HV_HCPAGE_VTL_CALL_OFFSET       0x10
#define HV_HCPAGE_VTL_RETURN_OFFSET     0x20

#define HV_MESSAGE_PAYLOAD_OFFSET       16

/* Protection table entries: bit 7 = explicitly set, bits 3:0 = mask */
#define HV_PROT_SET                     0x80

/* ---- State ------------------------------------------------------------- */

/* Architectural state the TLFS makes private to each VTL. */
typedef struct HvVtlArch {
    target_ulong eip;
    target_ulong rsp;
    target_ulong eflags;
    target_ulong cr0, cr3, cr4;
    uint64_t efer;
    uint64_t pat;
    SegmentCache segs[6];
    SegmentCache ldt, tr, gdt, idt;
    target_ulong dr7;
    uint32_t sysenter_cs;
    target_ulong sysenter_esp, sysenter_eip;
    uint64_t star;
    target_ulong lstar, cstar, fmask, kernelgsbase;
    uint64_t tsc_aux;
    uint32_t hflags;
} HvVtlArch;

typedef struct HvVtlState {
    bool enabled;
    HvVtlArch arch;             /* valid while the VTL is not active */
    DeviceState *apic;

    /*
     * Private synthetic MSRs (GUEST_OS_ID and HYPERCALL are private to the
     * VTL but partition-wide: they live in HvVsmPartition)
     */
    uint64_t vp_assist;
    uint64_t scontrol;
    uint64_t siefp;
    uint64_t simp;
    uint64_t sint[HV_SYNIC_SINT_COUNT];
    /* One queued message per SINT that could not be delivered yet */
    bool msg_queued[HV_SYNIC_SINT_COUNT];
    uint8_t msg[HV_SYNIC_SINT_COUNT][HV_MESSAGE_SIZE];

    /* Registers a higher VTL holds about lower ones (meaningful in VTL1) */
    uint64_t cr_intercept;
    uint64_t cr0_mask, cr4_mask, misc_mask;
    uint64_t secure_config_vtl0;
} HvVtlState;

typedef struct HvVsmVp {
    X86CPU *cpu;
    uint32_t vp_index;
    int active_vtl;
    HvVtlState vtl[HV_NUM_VTLS];
    bool vtl1_started;
    bool vtl0_started;          /* by HvCallStartVirtualProcessor */
    bool in_init;               /* the next reset is an INIT of VTL 0 */
    bool init_deferred;         /* INIT for VTL 0 arrived while in VTL 1 */
    bool sipi_deferred;         /* startup IPI for VTL 0, likewise */
    bool vtl0_halted;           /* VTL 1 ran during VTL 0's halt */
    /* HvRegisterPendingEvent0 for VTL 0, injected on its next entry */
    uint64_t pending_event[2];
} HvVsmVp;

typedef struct HvVsmPartition {
    QemuMutex lock;
    bool initialized;
    bool vtl1_enabled;
    bool vtl1_enabled_on_any_vp;
    bool mbec;                  /* EnablePartitionVtl(EnableMbec) */
    uint64_t vsm_config;        /* HvRegisterVsmPartitionConfig of VTL 1 */
    /* Partition-wide, one instance per VTL (TLFS hypercall interface) */
    uint64_t guest_os_id[HV_NUM_VTLS];
    uint64_t hypercall[HV_NUM_VTLS];
    bool protection_enabled;
    uint8_t default_mask;
    uint8_t *prot;              /* per-GFN VTL 0 permissions set by VTL 1 */
    uint64_t prot_gfns;
    uint64_t tsc_hz;
} HvVsmPartition;

static HvVsmPartition part;
static Error *migration_blocker;

static inline CPUX86State *vp_env(HvVsmVp *vp)
{
    return &vp->cpu->env;
}

static HvVsmVp *vp_by_index(uint32_t index)
{
    CPUState *cs = qemu_get_cpu(index);

    return cs ? X86_CPU(cs)->hv_vsm : NULL;
}

/* ---- Guest memory helpers ---------------------------------------------- */

static bool gpa_read(HvVsmVp *vp, hwaddr gpa, void *buf, hwaddr len)
{
    return address_space_read(CPU(vp->cpu)->as, gpa, MEMTXATTRS_UNSPECIFIED,
                              buf, len) == MEMTX_OK;
}

static bool gpa_write(HvVsmVp *vp, hwaddr gpa, const void *buf, hwaddr len)
{
    return address_space_write(CPU(vp->cpu)->as, gpa, MEMTXATTRS_UNSPECIFIED,
                               buf, len) == MEMTX_OK;
}

static bool gpa_is_ram(hwaddr gpa)
{
    MemoryRegion *mr;
    hwaddr xlat, len = 1;
    bool ram;

    RCU_READ_LOCK_GUARD();
    mr = address_space_translate(&address_space_memory, gpa, &xlat, &len,
                                 false, MEMTXATTRS_UNSPECIFIED);
    ram = memory_region_is_ram(mr) && !memory_region_is_rom(mr);
    return ram;
}

/* ---- CPUID ------------------------------------------------------------- */

void hv_vsm_cpuid(X86CPU *cpu, uint32_t index, uint32_t *eax, uint32_t *ebx,
                  uint32_t *ecx, uint32_t *edx)
{
    MachineState *ms = MACHINE(qdev_get_machine());

    *eax = *ebx = *ecx = *edx = 0;
    switch (index) {
    case 0x40000000:
        *eax = 0x4000000a;
        *ebx = 0x7263694d;      /* "Micr" */
        *ecx = 0x666f736f;      /* "osof" */
        *edx = 0x76482074;      /* "t Hv" */
        break;
    case 0x40000001:
        *eax = 0x31237648;      /* "Hv#1" */
        break;
    case 0x40000002:
        *eax = cpu->hyperv_ver_id_build;
        *ebx = (uint32_t)cpu->hyperv_ver_id_major << 16 |
               cpu->hyperv_ver_id_minor;
        *ecx = cpu->hyperv_ver_id_sp;
        *edx = (uint32_t)cpu->hyperv_ver_id_sb << 24 |
               (cpu->hyperv_ver_id_sn & 0xffffff);
        break;
    case 0x40000003:
        *eax = (uint32_t)HV_PRIVILEGES;
        *ebx = (uint32_t)(HV_PRIVILEGES >> 32);
        *edx = HV_FEATURE_FREQUENCY_MSRS;
        break;
    case 0x40000004:
        *eax = 1u << 9;         /* AutoEOI deprecated: not emulated */
        *ebx = 0xffffffff;      /* never notify on spinlock retries */
        break;
    case 0x40000005:
        *eax = ms->smp.max_cpus;
        *ebx = ms->smp.max_cpus;
        break;
    default:
        /* 0x40000006-0x4000000a and 0x40000080-0x400000ff: zero */
        break;
    }
}

/* ---- SynIC ------------------------------------------------------------- */

/* Try to deliver the queued message of @sint in @vtl. Needs the BQL. */
static void synic_try_deliver(HvVsmVp *vp, int vtl, int sint)
{
    HvVtlState *v = &vp->vtl[vtl];
    hwaddr slot;
    uint32_t type;
    uint8_t flags;

    if (!v->msg_queued[sint] || !(v->scontrol & 1) || !(v->simp & 1)) {
        return;
    }
    slot = (v->simp & TARGET_PAGE_MASK) + sint * HV_MESSAGE_SIZE;
    if (!gpa_read(vp, slot, &type, sizeof(type))) {
        return;
    }
    if (le32_to_cpu(type) != 0) {
        /* Slot busy: ask the guest for an EOM. */
        if (gpa_read(vp, slot + 5, &flags, 1)) {
            flags |= HV_MSG_FLAG_PENDING;
            gpa_write(vp, slot + 5, &flags, 1);
        }
        trace_hv_vsm_synic_post(vp->vp_index, vtl, sint,
                                ldl_le_p(v->msg[sint]), 0);
        return;
    }
    /* Write the body first and the type last, so the slot looks complete. */
    gpa_write(vp, slot + 4, v->msg[sint] + 4, HV_MESSAGE_SIZE - 4);
    smp_wmb();      /* body visible before the type that marks it full */
    gpa_write(vp, slot, v->msg[sint], 4);
    v->msg_queued[sint] = false;
    trace_hv_vsm_synic_post(vp->vp_index, vtl, sint, ldl_le_p(v->msg[sint]),
                            1);
    if (!(v->sint[sint] & HV_SINT_MASKED) && !(v->sint[sint] & HV_SINT_POLLING)
        && v->apic) {
        apic_hv_set_irq(v->apic, v->sint[sint] & HV_SINT_VECTOR_MASK);
    }
}

static void synic_retry_all(HvVsmVp *vp, int vtl)
{
    int i;
    BQL_LOCK_GUARD();

    for (i = 0; i < HV_SYNIC_SINT_COUNT; i++) {
        synic_try_deliver(vp, vtl, i);
    }
}

/* Queue @msg (type + payload) on @sint of @vtl and try to deliver it. */
static void synic_post(HvVsmVp *vp, int vtl, int sint, uint32_t type,
                       const void *payload, uint8_t payload_size)
{
    HvVtlState *v = &vp->vtl[vtl];
    uint8_t *m = v->msg[sint];
    BQL_LOCK_GUARD();

    memset(m, 0, HV_MESSAGE_SIZE);
    stl_le_p(m, type);
    m[4] = payload_size;
    memcpy(m + HV_MESSAGE_PAYLOAD_OFFSET, payload, payload_size);
    v->msg_queued[sint] = true;
    synic_try_deliver(vp, vtl, sint);
}

/* ---- VTL switch -------------------------------------------------------- */

static void vtl_save(HvVsmVp *vp, HvVtlArch *a)
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

static void vtl_load(HvVsmVp *vp, const HvVtlArch *a)
{
    CPUX86State *env = vp_env(vp);

    env->eip = a->eip;
    env->regs[R_ESP] = a->rsp;
    env->cr[0] = a->cr0;
    env->cr[3] = a->cr3;
    env->efer = a->efer;
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

/*
 * Make @to the active VTL of @vp.  Runs in the VP's own thread; the
 * caller has brought env up to date (eip, cc).
 */
static void vtl_switch(HvVsmVp *vp, int to, int reason)
{
    int from = vp->active_vtl;

    trace_hv_vsm_vtl_switch(vp->vp_index, from, to, reason,
                            vp_env(vp)->eip);
    vtl_save(vp, &vp->vtl[from].arch);
    vtl_load(vp, &vp->vtl[to].arch);
    vp->active_vtl = to;
    vtl_activate_apic(vp, to);
    tlb_flush(CPU(vp->cpu));

    if (to > from && (vp->vtl[to].vp_assist & 1)) {
        uint32_t r = cpu_to_le32(reason);

        gpa_write(vp, (vp->vtl[to].vp_assist & TARGET_PAGE_MASK) +
                  HV_VP_ASSIST_ENTRY_REASON, &r, sizeof(r));
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
        vtl_switch(vp, 1, HV_VTL_ENTRY_INTERRUPT);
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
    vtl_switch(vp, 1, HV_VTL_ENTRY_INTERRUPT);
    return true;
}

/* ---- Secure intercepts ------------------------------------------------- */

/* HV_X64_INTERCEPT_MESSAGE_HEADER (40 bytes) for the active VTL 0. */
static void intercept_header(HvVsmVp *vp, uint8_t *p, int access,
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
static G_NORETURN void raise_intercept(HvVsmVp *vp, uint32_t type,
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
    synic_post(vp, 1, HV_SYNIC_INTERCEPTION_SINT, type, payload, size);
    vtl_switch(vp, 1, HV_VTL_ENTRY_INTERRUPT);
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
    intercept_header(vp, p, HV_INTERCEPT_WRITE, env->hv_insn_len);
    p[40] = 0;                          /* IsMemoryOp */
    stl_le_p(p + 44, name);
    stq_le_p(p + 48, lo);
    stq_le_p(p + 56, hi);
    raise_intercept(vp, HV_MSG_X64_REGISTER_INTERCEPT, p, sizeof(p), name, lo);
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

static void check_msr_intercept(CPUX86State *env, uint32_t msr, bool write,
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
        intercept_header(vp, p, write ? HV_INTERCEPT_WRITE : HV_INTERCEPT_READ,
                         env->hv_insn_len);
        stl_le_p(p + 40, msr);
        stq_le_p(p + 48, (uint32_t)env->regs[R_EDX]);
        stq_le_p(p + 56, (uint32_t)env->regs[R_EAX]);
        raise_intercept(vp, HV_MSG_X64_MSR_INTERCEPT, p, sizeof(p), msr, val);
    }
}

/* ---- GPA protections --------------------------------------------------- */

static uint8_t prot_lookup(uint64_t gfn)
{
    uint8_t e;

    if (gfn >= part.prot_gfns) {
        return HV_MAP_GPA_PERMISSIONS_MASK;     /* not RAM: unrestricted */
    }
    e = qatomic_read(&part.prot[gfn]);
    return (e & HV_PROT_SET) ? (e & HV_MAP_GPA_PERMISSIONS_MASK)
                             : part.default_mask;
}

static bool vtl0_mbec(HvVsmVp *vp)
{
    return part.mbec && (vp->vtl[1].secure_config_vtl0 & HV_VSM_VP_CFG_MBEC);
}

static int mask_to_prot(HvVsmVp *vp, uint8_t mask, bool user)
{
    int p = 0;
    bool x;

    if (mask & HV_MAP_GPA_READABLE) {
        p |= PAGE_READ;
    }
    if (mask & HV_MAP_GPA_WRITABLE) {
        p |= PAGE_WRITE;
    }
    if (user && vtl0_mbec(vp)) {
        x = mask & HV_MAP_GPA_USER_EXECUTABLE;
    } else {
        x = mask & HV_MAP_GPA_KERNEL_EXECUTABLE;
    }
    return x ? p | PAGE_EXEC : p;
}

bool hv_vsm_check_gpa(CPUX86State *env, vaddr addr, hwaddr paddr, int *prot,
                      MMUAccessType access_type, int mmu_idx, bool probe,
                      uintptr_t retaddr)
{
    HvVsmVp *vp = env_archcpu(env)->hv_vsm;
    bool user = mmu_idx == MMU_USER64_IDX || mmu_idx == MMU_USER32_IDX;
    uint8_t p[80] = { 0 };
    uint8_t mask;
    int access;

    if (!qatomic_read(&part.protection_enabled) || !vp ||
        vp->active_vtl != 0 || mmu_idx == MMU_PHYS_IDX ||
        mmu_idx == MMU_NESTED_IDX) {
        return true;
    }
    mask = prot_lookup(paddr >> TARGET_PAGE_BITS);
    *prot &= mask_to_prot(vp, mask, user);
    if (*prot & (1 << access_type)) {
        return true;
    }
    if (probe) {
        return false;
    }

    /* GPA intercept; VTL 0's RIP stays on the faulting instruction. */
    if (retaddr) {
        cpu_restore_state(CPU(vp->cpu), retaddr);
    } else {
        env->hv_insn_len = 0;   /* code fetch: not decoded yet */
    }
    access = access_type == MMU_DATA_STORE ? HV_INTERCEPT_WRITE :
             access_type == MMU_INST_FETCH ? HV_INTERCEPT_EXECUTE :
             HV_INTERCEPT_READ;
    intercept_header(vp, p, access,
                     access_type == MMU_INST_FETCH ? 0 : env->hv_insn_len);
    stl_le_p(p + 40, 6);                /* cache type: write-back */
    p[45] = 0x1;                        /* GvaValid */
    stq_le_p(p + 48, addr);
    stq_le_p(p + 56, paddr);
    if (access_type != MMU_INST_FETCH &&
        cpu_memory_rw_debug(CPU(vp->cpu), env->segs[R_CS].base + env->eip,
                            p + 64, 16, false) == 0) {
        p[44] = 16;                     /* InstructionByteCount */
    }
    raise_intercept(vp, HV_MSG_GPA_INTERCEPT, p, sizeof(p), addr, paddr);
}

/* ---- Synthetic MSRs ---------------------------------------------------- */

static void write_hypercall_page(HvVsmVp *vp, hwaddr gpa)
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
    gpa_write(vp, gpa, page, sizeof(page));
}

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
    check_msr_intercept(env, msr, false, 0, retaddr);
    if (msr < 0x40000000 || msr > 0x400000ff) {
        return false;
    }
    v = &vp->vtl[vp->active_vtl];
    switch (msr) {
    case HV_MSR_GUEST_OS_ID:
        *val = qatomic_read(&part.guest_os_id[vp->active_vtl]);
        break;
    case HV_MSR_HYPERCALL:
        *val = qatomic_read(&part.hypercall[vp->active_vtl]);
        break;
    case HV_MSR_VP_INDEX:
        *val = vp->vp_index;
        break;
    case HV_MSR_TIME_REF_COUNT:
        *val = time_ref_count();
        break;
    case HV_MSR_TSC_FREQUENCY:
        *val = part.tsc_hz;
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
    check_msr_intercept(env, msr, true, val, retaddr);
    if (msr < 0x40000000 || msr > 0x400000ff) {
        return false;
    }
    vtl = vp->active_vtl;
    v = &vp->vtl[vtl];
    trace_hv_vsm_msr(vp->vp_index, vtl, 1, msr, val);
    switch (msr) {
    case HV_MSR_GUEST_OS_ID:
        /* Partition-wide (per VTL): every VP of the VTL sees the value. */
        qemu_mutex_lock(&part.lock);
        part.guest_os_id[vtl] = val;
        if (!val) {
            part.hypercall[vtl] &= ~1ULL;
        }
        qemu_mutex_unlock(&part.lock);
        break;
    case HV_MSR_HYPERCALL:
        /* Partition-wide (per VTL), like GUEST_OS_ID. */
        qemu_mutex_lock(&part.lock);
        if (part.hypercall[vtl] & 2) {
            qemu_mutex_unlock(&part.lock);
            break;                      /* locked until partition reset */
        }
        if (!part.guest_os_id[vtl]) {
            val &= ~1ULL;               /* cannot enable without an OS id */
        }
        /* bits 11:2 are RsvdP: keep the old value */
        part.hypercall[vtl] = (val & ~0xffcULL) |
                              (part.hypercall[vtl] & 0xffcULL);
        qemu_mutex_unlock(&part.lock);
        if (val & 1) {
            write_hypercall_page(vp, val & TARGET_PAGE_MASK);
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
        synic_retry_all(vp, vtl);
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
        synic_retry_all(vp, vtl);
        break;
    case HV_MSR_EOM:
        synic_retry_all(vp, vtl);
        break;
    case HV_MSR_SINT0 ... HV_MSR_SINT15:
        if ((val & ~(HV_SINT_VALID_BITS)) ||
            (!(val & HV_SINT_MASKED) && (val & HV_SINT_VECTOR_MASK) < 16)) {
            goto gp;
        }
        v->sint[msr - HV_MSR_SINT0] = val;
        synic_retry_all(vp, vtl);
        break;
    default:
        /* read-only (VP_INDEX, SVERSION, counters) or not offered */
        goto gp;
    }
    return true;
gp:
    raise_exception_err_ra(env, EXCP0D_GPF, 0, retaddr);
}

/* ---- Register access (Get/SetVpRegisters) ------------------------------ */

static void seg_to_hv(const SegmentCache *sc, uint64_t out[2])
{
    out[0] = sc->base;
    out[1] = (uint64_t)sc->limit | (uint64_t)(sc->selector & 0xffff) << 32 |
             (uint64_t)((sc->flags >> 8) & 0xf0ff) << 48;
}

static void seg_from_hv(SegmentCache *sc, const uint64_t in[2])
{
    sc->base = in[0];
    sc->limit = (uint32_t)in[1];
    sc->selector = (in[1] >> 32) & 0xffff;
    sc->flags = ((in[1] >> 48) & 0xf0ff) << 8;
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

typedef struct HvCallCtx {
    HvVsmVp *vp;                /* caller */
    int vtl;                    /* caller's VTL */
    uint8_t in[HV_PAGE_SIZE];
    uint8_t out[HV_PAGE_SIZE];
    uint32_t rep_start, rep_count, reps_done;
    bool exit_loop;             /* leave the CPU loop after the call */
} HvCallCtx;

/* Resolve HV_INPUT_VTL into a VTL number; -1 for a bad value. */
static int input_vtl(HvCallCtx *c, uint8_t iv)
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

static HvVsmVp *target_vp(HvCallCtx *c, uint32_t index)
{
    return index == HV_VP_INDEX_SELF ? c->vp : vp_by_index(index);
}

static uint64_t vsm_vp_status(HvVsmVp *vp)
{
    uint64_t v = vp->active_vtl;

    if (vp->active_vtl == 0 && vtl0_mbec(vp)) {
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
        v[0] = name == HV_REG_GUEST_OS_ID ? part.guest_os_id[vtl] :
               name == HV_REG_HYPERCALL ? part.hypercall[vtl] :
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
        v[0] = 1 | (part.vtl1_enabled ? 2 : 0);     /* EnabledVtlSet */
        v[0] |= (uint64_t)HV_MAX_VTL << 16;         /* MaximumVtl */
        if (part.mbec) {
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
        v[0] = part.vsm_config;
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

static void flush_all_tlbs(HvCallCtx *c)
{
    tlb_flush_all_cpus_synced(CPU(c->vp->cpu));
    c->exit_loop = true;
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
        qemu_mutex_lock(&part.lock);
        st = HV_STATUS_SUCCESS;
        if ((part.vsm_config & HV_VSM_CFG_ENABLE_PROTECTION) &&
            (!(v[0] & HV_VSM_CFG_ENABLE_PROTECTION) ||
             ((v[0] ^ part.vsm_config) & HV_VSM_CFG_DEFAULT_MASK))) {
            /* EnableVtlProtection and its default mask are write-once */
            st = HV_STATUS_INVALID_PARAMETER;
        } else if ((v[0] & HV_VSM_CFG_ENABLE_PROTECTION) &&
                   (((v[0] >> HV_VSM_CFG_DEFAULT_MASK_SHIFT) & 3) != 3)) {
            /* the default mask must keep read and write */
            st = HV_STATUS_INVALID_PARAMETER;
        } else {
            part.vsm_config = v[0];
            if ((v[0] & HV_VSM_CFG_ENABLE_PROTECTION) &&
                !part.protection_enabled) {
                part.default_mask = (v[0] & HV_VSM_CFG_DEFAULT_MASK) >>
                                    HV_VSM_CFG_DEFAULT_MASK_SHIFT;
                qatomic_set(&part.protection_enabled, true);
                flush_all_tlbs(c);
            }
        }
        qemu_mutex_unlock(&part.lock);
        return st;
    case HV_REG_VSM_VP_SECURE_CONFIG_VTL0:
        if (c->vtl < 1) {
            return HV_STATUS_ACCESS_DENIED;
        }
        if ((v[0] & ~HV_VSM_VP_CFG_MBEC) ||
            ((v[0] & HV_VSM_VP_CFG_MBEC) && !part.mbec)) {
            return HV_STATUS_INVALID_PARAMETER;
        }
        vp->vtl[1].secure_config_vtl0 = v[0];
        if (vp == c->vp) {
            tlb_flush(CPU(vp->cpu));
        } else {
            flush_all_tlbs(c);
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
    if (ldq_le_p(c->in) != HV_PARTITION_ID_SELF) {
        return HV_STATUS_INVALID_PARTITION_ID;
    }
    *vp = target_vp(c, ldl_le_p(c->in + 8));
    if (!*vp) {
        return HV_STATUS_INVALID_VP_INDEX;
    }
    *vtl = input_vtl(c, c->in[12]);
    if (*vtl < 0 || c->in[13] || c->in[14] || c->in[15]) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    if (*vtl > c->vtl) {
        return HV_STATUS_ACCESS_DENIED;
    }
    return HV_STATUS_SUCCESS;
}

static uint16_t hc_get_vp_registers(HvCallCtx *c)
{
    HvVsmVp *vp;
    int vtl;
    uint16_t st = vp_regs_header(c, &vp, &vtl);
    uint64_t v[2];

    for (; st == HV_STATUS_SUCCESS && c->reps_done < c->rep_count;) {
        uint32_t name = ldl_le_p(c->in + 16 + 4 * c->reps_done);

        st = reg_get(c, vp, vtl, name, v);
        if (st == HV_STATUS_SUCCESS) {
            stq_le_p(c->out + 16 * c->reps_done, v[0]);
            stq_le_p(c->out + 16 * c->reps_done + 8, v[1]);
            c->reps_done++;
        }
    }
    return st;
}

static uint16_t hc_set_vp_registers(HvCallCtx *c)
{
    HvVsmVp *vp;
    int vtl;
    uint16_t st = vp_regs_header(c, &vp, &vtl);
    uint64_t v[2];

    for (; st == HV_STATUS_SUCCESS && c->reps_done < c->rep_count;) {
        const uint8_t *e = c->in + 16 + 32 * c->reps_done;

        if (ldl_le_p(e + 4) || ldq_le_p(e + 8)) {
            return HV_STATUS_INVALID_PARAMETER;     /* reserved */
        }
        v[0] = ldq_le_p(e + 16);
        v[1] = ldq_le_p(e + 24);
        st = reg_set(c, vp, vtl, ldl_le_p(e), v);
        if (st == HV_STATUS_SUCCESS) {
            c->reps_done++;
        }
    }
    return st;
}

/* ---- VSM enablement ---------------------------------------------------- */

/* HV_INITIAL_VP_CONTEXT (224 bytes) into a VTL's private state. */
static void context_to_arch(const uint8_t *p, HvVtlArch *a)
{
    static const int order[8] = { R_CS, R_DS, R_ES, R_FS, R_GS, R_SS, -1, -2 };
    uint64_t seg[2];
    int i;

    memset(a, 0, sizeof(*a));
    a->eip = ldq_le_p(p + 0x00);
    a->rsp = ldq_le_p(p + 0x08);
    a->eflags = ldq_le_p(p + 0x10) | 2;
    for (i = 0; i < 8; i++) {
        seg[0] = ldq_le_p(p + 0x18 + 16 * i);
        seg[1] = ldq_le_p(p + 0x20 + 16 * i);
        if (order[i] >= 0) {
            seg_from_hv(&a->segs[order[i]], seg);
        } else if (order[i] == -1) {
            seg_from_hv(&a->tr, seg);
        } else {
            seg_from_hv(&a->ldt, seg);
        }
    }
    a->idt.limit = lduw_le_p(p + 0x98 + 6);
    a->idt.base = ldq_le_p(p + 0xa0);
    a->gdt.limit = lduw_le_p(p + 0xa8 + 6);
    a->gdt.base = ldq_le_p(p + 0xb0);
    a->efer = ldq_le_p(p + 0xb8);
    a->cr0 = ldq_le_p(p + 0xc0);
    a->cr3 = ldq_le_p(p + 0xc8);
    a->cr4 = ldq_le_p(p + 0xd0);
    a->pat = ldq_le_p(p + 0xd8);
    a->dr7 = 0x400;
    a->hflags = (a->segs[R_SS].flags >> DESC_DPL_SHIFT) & HF_CPL_MASK;
}

static uint16_t hc_enable_partition_vtl(HvCallCtx *c)
{
    uint8_t target = c->in[8], flags = c->in[9];
    uint16_t st = HV_STATUS_SUCCESS;
    int i;

    if (ldq_le_p(c->in) != HV_PARTITION_ID_SELF) {
        return HV_STATUS_INVALID_PARTITION_ID;
    }
    for (i = 10; i < 16; i++) {
        if (c->in[i]) {
            return HV_STATUS_INVALID_PARAMETER;
        }
    }
    /* bit 0 EnableMbec; supervisor shadow stack and HVPT are not offered */
    if (target != 1 || (flags & ~1)) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    qemu_mutex_lock(&part.lock);
    if (part.vtl1_enabled) {
        st = HV_STATUS_INVALID_VTL_STATE;
    } else {
        part.vtl1_enabled = true;
        part.mbec = flags & 1;
    }
    qemu_mutex_unlock(&part.lock);
    return st;
}

static uint16_t hc_enable_vp_vtl(HvCallCtx *c)
{
    HvVsmVp *vp = target_vp(c, ldl_le_p(c->in + 8));
    uint8_t target = c->in[12];
    uint16_t st = HV_STATUS_SUCCESS;

    if (ldq_le_p(c->in) != HV_PARTITION_ID_SELF) {
        return HV_STATUS_INVALID_PARTITION_ID;
    }
    if (!vp) {
        return HV_STATUS_INVALID_VP_INDEX;
    }
    if (target != 1 || c->in[13] || c->in[14] || c->in[15]) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    if (!(ldq_le_p(c->in + 16 + 0xc0) & CR0_PE_MASK)) {
        return HV_STATUS_INVALID_PARAMETER; /* no real mode above VTL 0 */
    }
    qemu_mutex_lock(&part.lock);
    if (!part.vtl1_enabled) {
        st = HV_STATUS_INVALID_VTL_STATE;
    } else if (vp->vtl[1].enabled) {
        st = HV_STATUS_VTL_ALREADY_ENABLED;
    } else if (c->vtl == 0 &&
               (vp != c->vp || part.vtl1_enabled_on_any_vp)) {
        /* VTL 0 may only bring up VTL 1 on its own VP, once. */
        st = HV_STATUS_ACCESS_DENIED;
    } else {
        context_to_arch(c->in + 16, &vp->vtl[1].arch);
        vp->vtl1_started = false;
        smp_wmb();  /* context visible before the VP sees VTL 1 enabled */
        vp->vtl[1].enabled = true;
        part.vtl1_enabled_on_any_vp = true;
    }
    qemu_mutex_unlock(&part.lock);
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
            vtl_switch(vp, 1, HV_VTL_ENTRY_RESERVED);
        }
    } else {
        HvVtlArch cur;

        /* VTL 0 is active: it was waiting for a startup IPI. */
        vtl_save(vp, &cur);
        vtl_load(vp, &w->arch);
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

static uint16_t hc_start_vp(HvCallCtx *c)
{
    uint32_t index = ldl_le_p(c->in + 8);
    HvVsmVp *vp = vp_by_index(index);
    uint8_t target = c->in[12];
    StartVpWork *w;

    if (ldq_le_p(c->in) != HV_PARTITION_ID_SELF) {
        return HV_STATUS_INVALID_PARTITION_ID;
    }
    if (!vp) {
        return HV_STATUS_INVALID_VP_INDEX;
    }
    if (target > HV_MAX_VTL || c->in[13] || c->in[14] || c->in[15]) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    if (target > c->vtl) {
        return HV_STATUS_ACCESS_DENIED;
    }
    if (vp == c->vp) {
        return HV_STATUS_INVALID_VP_STATE;
    }
    if (target == 0 && c->vtl == 0 &&
        (part.vsm_config & HV_VSM_CFG_DENY_LOWER_STARTUP)) {
        return HV_STATUS_ACCESS_DENIED;
    }
    if (!(ldq_le_p(c->in + 16 + 0xc0) & CR0_PE_MASK) && target > 0) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    qemu_mutex_lock(&part.lock);
    if (target == 1 && !vp->vtl[1].enabled) {
        qemu_mutex_unlock(&part.lock);
        return HV_STATUS_INVALID_VTL_STATE;
    }
    if ((target == 1 && vp->vtl1_started) ||
        (target == 0 && !vp_vtl0_startable(vp))) {
        qemu_mutex_unlock(&part.lock);
        return HV_STATUS_INVALID_VP_STATE;
    }
    if (target == 1) {
        vp->vtl1_started = true;    /* claimed; the work item completes it */
    } else {
        vp->vtl0_started = true;
    }
    qemu_mutex_unlock(&part.lock);

    w = g_new0(StartVpWork, 1);
    w->vtl = target;
    context_to_arch(c->in + 16, &w->arch);
    async_run_on_cpu(CPU(vp->cpu), start_vp_work, RUN_ON_CPU_HOST_PTR(w));
    return HV_STATUS_SUCCESS;
}

/* ---- Memory protections ------------------------------------------------ */

static bool valid_vtl_mask(uint32_t flags)
{
    uint32_t m = flags & HV_MAP_GPA_PERMISSIONS_MASK;
    bool kx = m & HV_MAP_GPA_KERNEL_EXECUTABLE;
    bool ux = m & HV_MAP_GPA_USER_EXECUTABLE;

    if (flags == HV_MAP_GPA_NO_ACCESS) {
        return true;
    }
    if (flags & ~HV_MAP_GPA_PERMISSIONS_MASK) {
        return false;
    }
    if (m && !(m & HV_MAP_GPA_READABLE)) {
        return false;               /* anything else needs read */
    }
    if (kx != ux) {
        return part.mbec && ux;     /* KX without UX is never valid */
    }
    return true;
}

static uint16_t hc_modify_vtl_protection_mask(HvCallCtx *c)
{
    uint32_t flags = ldl_le_p(c->in + 8);
    int vtl = input_vtl(c, c->in[12]);
    uint8_t mask;

    if (ldq_le_p(c->in) != HV_PARTITION_ID_SELF) {
        return HV_STATUS_INVALID_PARTITION_ID;
    }
    if (vtl < 0 || vtl == 0 || c->in[13] || c->in[14] || c->in[15]) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    if (vtl > c->vtl) {
        return HV_STATUS_ACCESS_DENIED;
    }
    if (!part.protection_enabled) {
        return HV_STATUS_ACCESS_DENIED;
    }
    if (!valid_vtl_mask(flags)) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    mask = flags == HV_MAP_GPA_NO_ACCESS ? 0 : flags;
    while (c->reps_done < c->rep_count) {
        uint64_t gfn = ldq_le_p(c->in + 16 + 8 * c->reps_done);

        if (gfn >= part.prot_gfns || !gpa_is_ram(gfn << TARGET_PAGE_BITS)) {
            flush_all_tlbs(c);
            return HV_STATUS_INVALID_PARAMETER;
        }
        qatomic_set(&part.prot[gfn], HV_PROT_SET | mask);
        trace_hv_vsm_protect(gfn, mask);
        c->reps_done++;
    }
    flush_all_tlbs(c);
    return HV_STATUS_SUCCESS;
}

/* ---- Other calls ------------------------------------------------------- */

static uint16_t hc_get_vp_index_from_apic_id(HvCallCtx *c)
{
    int vtl = input_vtl(c, c->in[8]);
    int i;

    if (ldq_le_p(c->in) != HV_PARTITION_ID_SELF) {
        return HV_STATUS_INVALID_PARTITION_ID;
    }
    for (i = 9; i < 16; i++) {
        if (c->in[i]) {
            return HV_STATUS_INVALID_PARAMETER;
        }
    }
    if (vtl < 0) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    if (vtl > c->vtl) {
        return HV_STATUS_ACCESS_DENIED;
    }
    /* Input was copied in full before any output is written. */
    while (c->reps_done < c->rep_count) {
        uint32_t apic_id = ldl_le_p(c->in + 16 + 4 * c->reps_done);
        CPUState *cs = cpu_by_arch_id(apic_id);

        if (!cs || !X86_CPU(cs)->hv_vsm) {
            return HV_STATUS_INVALID_PARAMETER;
        }
        stl_le_p(c->out + 4 * c->reps_done, X86_CPU(cs)->hv_vsm->vp_index);
        c->reps_done++;
    }
    return HV_STATUS_SUCCESS;
}

/* Paging state of a VTL of the calling VP (active or saved). */
typedef struct PagingState {
    uint64_t cr0, cr3, cr4, efer;
} PagingState;

static uint32_t translate_gva(HvVsmVp *vp, const PagingState *ps, uint64_t gva,
                              uint64_t flags, uint64_t *gpa)
{
    bool user = flags & HV_TRANSLATE_USER_ACCESS;
    bool wr = flags & HV_TRANSLATE_VALIDATE_WRITE;
    bool ex = flags & HV_TRANSLATE_VALIDATE_EXECUTE;
    bool exempt = flags & HV_TRANSLATE_PRIVILEGE_EXEMPT;
    bool nxe = ps->efer & MSR_EFER_NXE;
    bool wp = ps->cr0 & CR0_WP_MASK;
    uint64_t table, e = 0, rw = 1, us = 1, nx = 0;
    int level, levels, shift;

    if (!(ps->cr0 & CR0_PG_MASK)) {
        *gpa = gva;
        goto check_gpa;
    }
    if (!(ps->efer & MSR_EFER_LMA)) {
        /* Only long-mode paging is translated here. */
        return HV_TRANSLATE_PAGE_NOT_PRESENT;
    }
    levels = (ps->cr4 & CR4_LA57_MASK) ? 5 : 4;
    table = ps->cr3 & 0x000ffffffffff000ULL;
    for (level = levels; level >= 1; level--) {
        shift = 12 + 9 * (level - 1);
        if (!gpa_read(vp, table + ((gva >> shift) & 0x1ff) * 8, &e, 8)) {
            return HV_TRANSLATE_GPA_UNMAPPED;
        }
        e = le64_to_cpu(e);
        if (!(e & PG_PRESENT_MASK)) {
            return HV_TRANSLATE_PAGE_NOT_PRESENT;
        }
        rw &= !!(e & PG_RW_MASK);
        us &= !!(e & PG_USER_MASK);
        nx |= nxe && (e & PG_NX_MASK);
        if (level == 1 || (level <= 3 && (e & PG_PSE_MASK))) {
            uint64_t off = gva & ((1ULL << shift) - 1);

            *gpa = (e & 0x000ffffffffff000ULL & ~((1ULL << shift) - 1)) | off;
            break;
        }
        table = e & 0x000ffffffffff000ULL;
    }
    if (!exempt) {
        if (user && !us) {
            return HV_TRANSLATE_PRIVILEGE_VIOLATION;
        }
        if (wr && !rw && (user || wp)) {
            return HV_TRANSLATE_PRIVILEGE_VIOLATION;
        }
        if (ex && nx) {
            return HV_TRANSLATE_PRIVILEGE_VIOLATION;
        }
        if (ex && !user && us && (ps->cr4 & CR4_SMEP_MASK)) {
            return HV_TRANSLATE_PRIVILEGE_VIOLATION;
        }
    }
check_gpa:
    if (!gpa_is_ram(*gpa & TARGET_PAGE_MASK)) {
        return HV_TRANSLATE_GPA_UNMAPPED;
    }
    return HV_TRANSLATE_SUCCESS;
}

static uint16_t hc_translate_virtual_address(HvCallCtx *c)
{
    HvVsmVp *vp = target_vp(c, ldl_le_p(c->in + 8));
    uint64_t flags = ldq_le_p(c->in + 16);
    uint64_t gva = ldq_le_p(c->in + 24) << TARGET_PAGE_BITS;
    int vtl = input_vtl(c, flags >> 56);
    PagingState ps;
    uint64_t gpa = 0;
    uint32_t result;

    if (ldq_le_p(c->in) != HV_PARTITION_ID_SELF) {
        return HV_STATUS_INVALID_PARTITION_ID;
    }
    if (!vp) {
        return HV_STATUS_INVALID_VP_INDEX;
    }
    if (vtl < 0 || ldl_le_p(c->in + 12) ||
        (flags & ~HV_TRANSLATE_FLAGS_SUPPORTED & ~(0xffULL << 56))) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    if (vtl > c->vtl) {
        return HV_STATUS_ACCESS_DENIED;
    }
    if (vp != c->vp) {
        return HV_STATUS_INVALID_VP_STATE;
    }
    if (vtl == vp->active_vtl) {
        CPUX86State *env = vp_env(vp);

        ps = (PagingState) { env->cr[0], env->cr[3], env->cr[4], env->efer };
    } else {
        HvVtlArch *a = &vp->vtl[vtl].arch;

        ps = (PagingState) { a->cr0, a->cr3, a->cr4, a->efer };
    }
    result = translate_gva(vp, &ps, gva, flags, &gpa);
    if (result == HV_TRANSLATE_SUCCESS && vtl < c->vtl &&
        part.protection_enabled) {
        uint8_t m = prot_lookup(gpa >> TARGET_PAGE_BITS);

        if ((flags & HV_TRANSLATE_VALIDATE_READ) &&
            !(m & HV_MAP_GPA_READABLE)) {
            result = HV_TRANSLATE_GPA_NO_READ;
        } else if ((flags & HV_TRANSLATE_VALIDATE_WRITE) &&
                   !(m & HV_MAP_GPA_WRITABLE)) {
            result = HV_TRANSLATE_GPA_NO_WRITE;
        }
    }
    stl_le_p(c->out, result);
    stl_le_p(c->out + 4, 6);                /* cache type: write-back */
    stq_le_p(c->out + 8, result == HV_TRANSLATE_SUCCESS ?
             gpa >> TARGET_PAGE_BITS : 0);
    return HV_STATUS_SUCCESS;
}

/* ---- Hypercall dispatch ------------------------------------------------ */

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

static const HvCallDesc hv_calls[] = {
    { HVCALL_MODIFY_VTL_PROTECTION_MASK, true, 16, 8, 0, 0,
      HV_PRIV_ACCESS_VSM, hc_modify_vtl_protection_mask },
    { HVCALL_ENABLE_PARTITION_VTL, false, 16, 0, 0, 0,
      HV_PRIV_ACCESS_VSM, hc_enable_partition_vtl },
    { HVCALL_ENABLE_VP_VTL, false, 16 + 224, 0, 0, 0,
      HV_PRIV_ACCESS_VSM, hc_enable_vp_vtl },
    { HVCALL_GET_VP_REGISTERS, true, 16, 4, 0, 16,
      HV_PRIV_ACCESS_VP_REGS, hc_get_vp_registers },
    { HVCALL_SET_VP_REGISTERS, true, 16, 32, 0, 0,
      HV_PRIV_ACCESS_VP_REGS, hc_set_vp_registers },
    { HVCALL_TRANSLATE_VIRTUAL_ADDRESS, false, 32, 0, 16, 0,
      HV_PRIV_ACCESS_VP_REGS, hc_translate_virtual_address },
    { HVCALL_START_VP, false, 16 + 224, 0, 0, 0,
      HV_PRIV_START_VP, hc_start_vp },
    { HVCALL_GET_VP_INDEX_FROM_APIC_ID, true, 16, 4, 0, 4,
      HV_PRIV_ACCESS_VSM, hc_get_vp_index_from_apic_id },
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
        if (in_size && !gpa_read(c->vp, in_gpa, c->in, in_size)) {
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
            !gpa_write(c->vp, out_gpa + out_off, c->out + out_off, out_size)) {
            return HV_STATUS_INVALID_PARAMETER;
        }
    }
    return st;
}

static void vtl_call(CPUX86State *env, HvVsmVp *vp, int insn_len,
                     uintptr_t ra)
{
    /* RAX holds the VTL call control input; it must be zero. */
    if (vp->active_vtl != 0 || !vp->vtl[1].enabled || env->regs[R_EAX]) {
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    env->eip += insn_len;
    vp->vtl1_started = true;
    vp->vtl0_halted = false;
    vtl_switch(vp, 1, HV_VTL_ENTRY_VTL_CALL);
}

static void vtl_return(CPUX86State *env, HvVsmVp *vp, int insn_len,
                       uintptr_t ra)
{
    uint64_t input = env->regs[R_EAX];
    uint64_t regs[2] = { 0, 0 };
    HvVtlState *v1 = &vp->vtl[1];
    CPUState *cs = CPU(vp->cpu);
    bool halt;

    if (vp->active_vtl == 0 || (input & ~1ULL)) {
        raise_exception_ra(env, EXCP06_ILLOP, ra);
    }
    env->eip += insn_len;
    if (!(input & 1) && (v1->vp_assist & 1)) {
        /* Not a fast return: RAX and RCX come from the VP assist page. */
        gpa_read(vp, (v1->vp_assist & TARGET_PAGE_MASK) +
                 HV_VP_ASSIST_RETURN_RAX, regs, sizeof(regs));
    }
    vtl_switch(vp, 0, 0);
    if (!(input & 1)) {
        env->regs[R_EAX] = le64_to_cpu(regs[0]);
        env->regs[R_ECX] = le64_to_cpu(regs[1]);
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
    if (!vp || !qatomic_read(&part.guest_os_id[vp->active_vtl])) {
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
        vtl_call(env, vp, insn_len, GETPC());
        return;
    }
    if (long64 && code == HVCALL_VTL_RETURN) {
        vtl_return(env, vp, insn_len, GETPC());
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

/* ---- Setup ------------------------------------------------------------- */

static uint64_t calibrate_tsc(void)
{
    int64_t t0 = get_clock(), t1;
    uint64_t c0 = cpu_get_host_ticks(), c1;

    g_usleep(20000);
    t1 = get_clock();
    c1 = cpu_get_host_ticks();
    /* round to kHz */
    return muldiv64(c1 - c0, NANOSECONDS_PER_SECOND, t1 - t0) / 1000 * 1000;
}

static void partition_init(void)
{
    MachineState *ms = MACHINE(qdev_get_machine());

    qemu_mutex_init(&part.lock);
    /* RAM sits below 4 GiB and from 4 GiB up on PC machines. */
    part.prot_gfns = (4ULL * GiB + ms->ram_size) >> TARGET_PAGE_BITS;
    part.prot = g_malloc0(part.prot_gfns);
    part.tsc_hz = calibrate_tsc();
    part.initialized = true;
}

static void partition_reset(void *opaque)
{
    qemu_mutex_lock(&part.lock);
    part.vtl1_enabled = false;
    part.vtl1_enabled_on_any_vp = false;
    part.mbec = false;
    part.vsm_config = 0;
    memset(part.guest_os_id, 0, sizeof(part.guest_os_id));
    memset(part.hypercall, 0, sizeof(part.hypercall));
    part.protection_enabled = false;
    part.default_mask = HV_MAP_GPA_PERMISSIONS_MASK;
    memset(part.prot, 0, part.prot_gfns);
    qemu_mutex_unlock(&part.lock);
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
    if (!part.initialized) {
        error_setg(&migration_blocker,
                   "hv-vsm=on: VSM state is not migratable");
        if (migrate_add_blocker(&migration_blocker, errp) < 0) {
            return;
        }
        partition_init();
        qemu_register_reset(partition_reset, NULL);
        partition_reset(NULL);
    }

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

    if (!vp || !vp->vtl[1].enabled) {
        return true;                    /* a plain reset */
    }
    if (part.vsm_config & HV_VSM_CFG_DENY_LOWER_STARTUP) {
        cpu_reset_interrupt(CPU(cpu), CPU_INTERRUPT_INIT);
        return false;
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
