/*
 * Hyper-V/VSM emulation for TCG.
 *
 * Hypervisor CPUID leaves 0x40000000-0x400000ff.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/boards.h"
#include "hv-vsm-internal.h"

#define MSR_VM_CR                       0xc0010114

/*
 * The CPU model of a VSM partition.  Hyper-V offers a VSM partition
 * neither nested virtualization (VMX, SVM) nor MPX, Intel PT or FRED: the
 * emulator does not virtualize those for a lower VTL (a VTL 0 VMRUN, PT
 * trace or MPX bound table would run unchecked by the VTL protections), so
 * they are taken out of the model after QEMU has built it, whatever -cpu
 * asked for.  Everything that derives from the feature words follows:
 * CPUID 0x8000000A and 0x14 read as zero, EFER.SVME is reserved (hence
 * VMRUN, VMLOAD, VMSAVE, STGI, CLGI, INVLPGA raise #UD), CR4.FRED is
 * reserved, XCR0 refuses the MPX components.
 */
void vsm_cpu_model(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;
    int w;

    env->features[FEAT_1_ECX] &= ~(CPUID_EXT_VMX | CPUID_EXT_SMX);
    env->features[FEAT_8000_0001_ECX] &= ~CPUID_EXT3_SVM;
    env->features[FEAT_SVM] = 0;
    env->features[FEAT_7_0_EBX] &= ~(CPUID_7_0_EBX_MPX |
                                     CPUID_7_0_EBX_INTEL_PT);
    env->features[FEAT_7_1_EAX] &= ~CPUID_7_1_EAX_FRED;
    env->features[FEAT_14_0_ECX] = 0;
    env->features[FEAT_XSAVE_XCR0_LO] &= ~(XSTATE_BNDREGS_MASK |
                                           XSTATE_BNDCSR_MASK);
    for (w = FEAT_VMX_PROCBASED_CTLS; w <= FEAT_VMX_VMFUNC; w++) {
        env->features[w] = 0;
    }
}

/* EFER bits the CPU model offers; the others are reserved. */
uint64_t vsm_efer_valid(CPUX86State *env)
{
    uint32_t ext2 = env->features[FEAT_8000_0001_EDX];
    uint64_t valid = 0;

    if (ext2 & CPUID_EXT2_SYSCALL) {
        valid |= MSR_EFER_SCE;
    }
    if (ext2 & CPUID_EXT2_LM) {
        valid |= MSR_EFER_LME | MSR_EFER_LMA;
    }
    if (ext2 & CPUID_EXT2_NX) {
        valid |= MSR_EFER_NXE;
    }
    if (ext2 & CPUID_EXT2_FFXSR) {
        valid |= MSR_EFER_FFXSR;
    }
    if (env->features[FEAT_8000_0001_ECX] & CPUID_EXT3_SVM) {
        valid |= MSR_EFER_SVME;
    }
    return valid;
}

/* Can the CPU hold @efer with @cr0: offered bits, LMA == LME && CR0.PG? */
bool vsm_efer_ok(CPUX86State *env, uint64_t efer, uint64_t cr0)
{
    return !(efer & ~vsm_efer_valid(env)) &&
           !!(efer & MSR_EFER_LMA) ==
           ((efer & MSR_EFER_LME) && (cr0 & CR0_PG_MASK));
}

/* CR4 bits the CPU model does not offer: QEMU's list, PCIDE without PCID. */
uint64_t vsm_cr4_reserved(CPUX86State *env)
{
    uint64_t rsvd = cr4_reserved_bits(env);

    if (!(env->features[FEAT_1_ECX] & CPUID_EXT_PCID)) {
        rsvd |= CR4_PCIDE_MASK;
    }
    return rsvd;
}

/*
 * Is @cr0 a value MOV to CR0 takes (no #GP): bits 63:32 clear, PG only
 * with PE, NW only with CD.
 */
bool vsm_cr0_ok(uint64_t cr0)
{
    return !(cr0 >> 32) &&
           (!(cr0 & CR0_PG_MASK) || (cr0 & CR0_PE_MASK)) &&
           (!(cr0 & CR0_NW_MASK) || (cr0 & CR0_CD_MASK));
}

/*
 * Is @cr4 a CR4 the CPU can hold in long mode (@lma) or outside it: no
 * bit the model does not offer, PAE in long mode, PCIDE only there.
 */
bool vsm_cr4_ok(CPUX86State *env, uint64_t cr4, bool lma)
{
    return !(cr4 & vsm_cr4_reserved(env)) &&
           (!lma || (cr4 & CR4_PAE_MASK)) &&
           (lma || !(cr4 & CR4_PCIDE_MASK));
}

/* MSRs of the features vsm_cpu_model() takes away: they raise #GP. */
bool vsm_msr_not_offered(uint32_t msr)
{
    return (msr >= MSR_IA32_VMX_BASIC && msr <= MSR_IA32_VMX_VMFUNC) ||
           (msr >= MSR_IA32_FRED_RSP0 && msr <= MSR_IA32_FRED_CONFIG) ||
           msr == MSR_IA32_BNDCFGS ||
           msr == MSR_IA32_RTIT_OUTPUT_BASE ||
           msr == MSR_IA32_RTIT_OUTPUT_MASK ||
           (msr >= MSR_IA32_RTIT_CTL && msr <= MSR_IA32_RTIT_CR3_MATCH) ||
           (msr >= MSR_IA32_RTIT_ADDR0_A && msr <= MSR_IA32_RTIT_ADDR3_B) ||
           msr == MSR_VM_CR || msr == MSR_VM_HSAVE_PA;
}

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
