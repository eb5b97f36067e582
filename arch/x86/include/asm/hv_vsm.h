/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hyper-V Virtual Secure Mode on x86: what the x86 code provides to the
 * VTL0 backend (the VTL call primitive and the state that starts VTL1),
 * and the hook the x86 CPU bring-up of the VTL1 kernel calls.
 */
#ifndef _ASM_X86_HV_VSM_H
#define _ASM_X86_HV_VSM_H

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/sizes.h>
#include <linux/types.h>

/*
 * Layout of the memory reserved for VTL1. The first 2 MiB hold what VTL0
 * builds to start VTL1, the VTL1 kernel image follows.
 */
#define HV_VSM_ALIGN				SZ_2M
#define HV_VSM_BOOT_AREA_SIZE			SZ_2M
#define HV_VSM_PAGE_BOOT_PARAMS			0
#define HV_VSM_PAGE_CMDLINE			1
#define HV_VSM_PAGE_GDT				2
#define HV_VSM_PAGE_TSS				3
#define HV_VSM_PAGE_PML4			4
#define HV_VSM_PAGE_PDPT			5
#define HV_VSM_PAGE_PD				6	/* two pages */
#define HV_VSM_PAGE_STACK			8
#define HV_VSM_BOOT_PAGES			9

struct hv_init_vp_context;

/**
 * struct hv_vsm_boot_info - Where VTL1 lives and how to start it
 * @base: start of the reservation, 2 MiB aligned
 * @size: size of the reservation, 2 MiB aligned
 * @entry: physical address of the VTL1 kernel entry point
 * @cmdline: VTL1 kernel command line
 */
struct hv_vsm_boot_info {
	phys_addr_t base;
	phys_addr_t size;
	phys_addr_t entry;
	const char *cmdline;
};

/**
 * struct hv_vsm_vtl_call_regs - Register image of a VTL call
 * @a0: RDI, the function
 * @a1: RSI, the first argument
 * @a2: RDX, the second argument
 * @a3: R8, the third argument, and the result on return
 *
 * hv_vsm_call.S gets the offsets from hv_vsm-asm-offsets.c.
 */
struct hv_vsm_vtl_call_regs {
	u64 a0;
	u64 a1;
	u64 a2;
	u64 a3;
};

#if IS_ENABLED(CONFIG_HYPERV_VSM)
void __hv_vsm_vtl0_call(struct hv_vsm_vtl_call_regs *regs);
long hv_vsm_vtl0_call_raw(u64 func, u64 a1, u64 a2, u64 a3);
void __init hv_vsm_vtl0_call_init(u16 vtl_call_offset);
int __init hv_vsm_vtl0_build_boot_state(const struct hv_vsm_boot_info *info,
					struct hv_init_vp_context *ctx);
void __init hv_vsm_vtl0_setup_cpu_restart(void);
void __noreturn hv_vsm_vtl0_restart_cpu(unsigned long sp, unsigned long fn);
#endif

#if IS_ENABLED(CONFIG_HYPERV_VSM_VTL1)
int hv_vsm_vtl1_kick_ap(u32 vp_index, int cpu);
#else
static inline int hv_vsm_vtl1_kick_ap(u32 vp_index, int cpu)
{
	return -EOPNOTSUPP;
}
#endif

#endif /* _ASM_X86_HV_VSM_H */
