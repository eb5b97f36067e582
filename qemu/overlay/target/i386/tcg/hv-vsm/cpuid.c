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
