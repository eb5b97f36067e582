/*
 * Hyper-V TLFS subset and Virtual Secure Mode (VSM) emulation for TCG:
 * state and interfaces shared by the emulator's files.
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

#ifndef TARGET_I386_HV_VSM_INTERNAL_H
#define TARGET_I386_HV_VSM_INTERNAL_H

#include "cpu.h"
#include "hv-vsm.h"
#include "tlfs.h"

#define HV_PRIVILEGES (HV_PRIV_TIME_REF_COUNT | HV_PRIV_SYNIC_REGS | \
                       HV_PRIV_HYPERCALL_MSRS | HV_PRIV_VP_INDEX | \
                       HV_PRIV_FREQUENCY_REGS | HV_PRIV_ACCESS_VSM | \
                       HV_PRIV_ACCESS_VP_REGS | HV_PRIV_START_VP)

/* Hypercall page layout (ours; reported by HvRegisterVsmCodePageOffsets) */
#define HV_HCPAGE_VTL_CALL_OFFSET       0x10
#define HV_HCPAGE_VTL_RETURN_OFFSET     0x20

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
    HvMessage msg[HV_SYNIC_SINT_COUNT];

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
    /*
     * VTL 0 permissions set by VTL 1: a table for the GFNs of the boot
     * RAM (below 4 GiB and from 4 GiB up), a hash table (under prot_lock)
     * for RAM added above it; every GFN in neither has the default mask.
     */
    uint8_t *prot;
    uint64_t prot_gfns;
    GHashTable *prot_hi;
    QemuMutex prot_lock;
    uint64_t tsc_hz;
} HvVsmPartition;

extern HvVsmPartition vsm_part;

static inline CPUX86State *vp_env(HvVsmVp *vp)
{
    return &vp->cpu->env;
}

typedef struct HvCallCtx {
    HvVsmVp *vp;                /* caller */
    int vtl;                    /* caller's VTL */
    uint8_t in[HV_PAGE_SIZE];
    uint8_t out[HV_PAGE_SIZE];
    uint32_t rep_start, rep_count, reps_done;
    bool exit_loop;             /* leave the CPU loop after the call */
    /* input or output page the caller's VTL may not read or write */
    bool denied, denied_write;
    uint64_t denied_gpa;
} HvCallCtx;

/* Partition state and guest memory (partition.c) */
bool vsm_partition_realize(Error **errp);
bool vsm_gpa_read(HvVsmVp *vp, hwaddr gpa, void *buf, hwaddr len);
bool vsm_gpa_write(HvVsmVp *vp, hwaddr gpa, const void *buf, hwaddr len);
uint16_t vsm_hc_enable_partition_vtl(HvCallCtx *c);

/* Virtual processors (vp.c) */
HvVsmVp *vsm_vp_by_index(uint32_t index);
uint16_t vsm_hc_enable_vp_vtl(HvCallCtx *c);
uint16_t vsm_hc_start_vp(HvCallCtx *c);

/* VTL state and switches (vtl.c) */
void vsm_seg_load(SegmentCache *sc, uint64_t base, uint32_t limit,
                  uint16_t selector, uint16_t attributes);
uint16_t vsm_seg_attributes(const SegmentCache *sc);
void vsm_vtl_save(HvVsmVp *vp, HvVtlArch *a);
void vsm_vtl_load(HvVsmVp *vp, const HvVtlArch *a);
void vsm_vtl_switch(HvVsmVp *vp, int to, int reason);
void vsm_vtl_call(CPUX86State *env, HvVsmVp *vp, int insn_len,
                  uintptr_t ra);
void vsm_vtl_return(CPUX86State *env, HvVsmVp *vp, int insn_len,
                    uintptr_t ra);

/* SynIC (synic.c) */
void vsm_synic_retry_all(HvVsmVp *vp, int vtl);
void vsm_synic_post(HvVsmVp *vp, int vtl, int sint, uint32_t type,
                    const void *payload, uint8_t payload_size);

/* Secure intercepts (intercept.c) */
G_NORETURN void vsm_gpa_intercept(HvVsmVp *vp, MMUAccessType access_type,
                                  uint64_t gva, uint64_t gpa,
                                  uintptr_t retaddr);
G_NORETURN void vsm_hv_access_intercept(HvVsmVp *vp, bool write, uint64_t gpa,
                                       uint32_t insn_len);
void vsm_check_msr_intercept(CPUX86State *env, uint32_t msr, bool write,
                             uint64_t val, uintptr_t retaddr);

/* GPA protections and address translation (prot.c) */
bool vsm_vtl0_mbec(HvVsmVp *vp);
bool vsm_vtl_gpa_access(HvVsmVp *vp, int vtl, hwaddr gpa, hwaddr len,
                        bool write, const char *what);
uint16_t vsm_hc_modify_vtl_protection_mask(HvCallCtx *c);
uint16_t vsm_hc_translate_virtual_address(HvCallCtx *c);

/* CPU model (cpuid.c) */
void vsm_cpu_model(X86CPU *cpu);
uint64_t vsm_efer_valid(CPUX86State *env);
bool vsm_efer_ok(CPUX86State *env, uint64_t efer, uint64_t cr0);
uint64_t vsm_cr4_reserved(CPUX86State *env);
/* CR0[31:0] bits with no meaning: 28:19, 17, 15:6 */
#define HV_CR0_RESERVED 0x1ffaffc0ULL
bool vsm_cr0_ok(uint64_t cr0);
bool vsm_cr4_ok(CPUX86State *env, uint64_t cr4, bool lma);
bool vsm_msr_not_offered(uint32_t msr);

/* Registers (regs.c) */
uint16_t vsm_hc_get_vp_registers(HvCallCtx *c);
uint16_t vsm_hc_set_vp_registers(HvCallCtx *c);

/* Hypercalls (hypercall.c) */
void vsm_write_hypercall_page(HvVsmVp *vp, hwaddr gpa);
int vsm_input_vtl(HvCallCtx *c, uint8_t iv);
HvVsmVp *vsm_target_vp(HvCallCtx *c, uint32_t index);
void vsm_flush_all_tlbs(HvCallCtx *c);
uint16_t vsm_hc_get_vp_index_from_apic_id(HvCallCtx *c);

#endif
