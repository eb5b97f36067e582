/*
 * Hyper-V TLFS subset and Virtual Secure Mode (VSM) emulation for TCG.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TARGET_I386_HV_VSM_H
#define TARGET_I386_HV_VSM_H

#include "exec/mmu-access-type.h"

struct HvVsmVp;

/* CPU property plumbing (target/i386/cpu.c) */
void hv_vsm_realize(X86CPU *cpu, Error **errp);
void hv_vsm_reset(X86CPU *cpu);
/*
 * INIT (do_cpu_init): false when the INIT is dropped or deferred; true
 * when the CPU reset that follows may go on, and it resets VTL 0 only.
 */
bool hv_vsm_init(X86CPU *cpu);
/* INIT done: re-raise what VTL 1 still has pending. */
void hv_vsm_init_done(X86CPU *cpu);
/* SIPI (do_cpu_sipi): false when deferred until VTL 0 runs again. */
bool hv_vsm_sipi(X86CPU *cpu);
void hv_vsm_cpuid(X86CPU *cpu, uint32_t index, uint32_t *eax, uint32_t *ebx,
                  uint32_t *ecx, uint32_t *edx);

/* CPU_INTERRUPT_HV_VTL handler: an inactive VTL's APIC changed. */
void hv_vsm_vtl_interrupt(X86CPU *cpu);
/* x86_cpu_exec_halt: true when a VTL 1 interrupt made VTL 1 run. */
bool hv_vsm_halt_interrupt(X86CPU *cpu);

/*
 * MSR hooks.  They return true when the MSR was handled here (a synthetic
 * MSR); they do not return when the access raised an exception or a
 * secure intercept.
 */
bool hv_vsm_wrmsr(CPUX86State *env, uint32_t msr, uint64_t val,
                  uintptr_t retaddr);
bool hv_vsm_rdmsr(CPUX86State *env, uint32_t msr, uint64_t *val,
                  uintptr_t retaddr);

/* Secure register intercepts; they return only if the write may proceed. */
void hv_vsm_check_cr_write(CPUX86State *env, int reg, target_ulong val,
                           uintptr_t retaddr);
void hv_vsm_check_seg_write(CPUX86State *env, int seg, int selector,
                            uintptr_t retaddr);
void hv_vsm_check_xsetbv(CPUX86State *env, uint64_t val, uintptr_t retaddr);

/*
 * Per-VTL guest-physical permissions, called from tlb_fill.  Masks *prot;
 * returns false for a denied probe, raises a GPA intercept otherwise.
 */
bool hv_vsm_check_gpa(CPUX86State *env, vaddr addr, hwaddr paddr, int *prot,
                      MMUAccessType access_type, int mmu_idx, bool probe,
                      uintptr_t retaddr);

#endif
