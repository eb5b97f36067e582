/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hyper-V Virtual Secure Mode: the interface between the normal kernel
 * (VTL0) and the secure kernel (VTL1) built from the same tree.
 *
 * See Documentation/virt/hyperv/vsm.rst.
 */
#ifndef _HYPERV_HV_VSM_H
#define _HYPERV_HV_VSM_H

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/sizes.h>
#include <linux/types.h>

/*
 * VTL call function identifiers, passed in RDI. They follow the LVBS
 * numbering so that either side can talk to another LVBS implementation.
 */
#define HV_VSM_VTL_CALL_BOOT			0x00000
#define HV_VSM_VTL_CALL_ENABLE_APS_VTL		0x1ffe0
#define HV_VSM_VTL_CALL_BOOT_APS		0x1ffe1
#define HV_VSM_VTL_CALL_LOCK_REGS		0x1ffe2
#define HV_VSM_VTL_CALL_SIGNAL_END_OF_BOOT	0x1ffe3
#define HV_VSM_VTL_CALL_PROTECT_MEMORY		0x1ffe4
#define HV_VSM_VTL_CALL_LOAD_KDATA		0x1ffe5
#define HV_VSM_VTL_CALL_VALIDATE_MODULE		0x1ffe6
#define HV_VSM_VTL_CALL_FREE_MODULE_INIT	0x1ffe7
#define HV_VSM_VTL_CALL_UNLOAD_MODULE		0x1ffe8
#define HV_VSM_VTL_CALL_COPY_SECONDARY_KEY	0x1ffe9
#define HV_VSM_VTL_CALL_KEXEC_VALIDATE		0x1ffea
/* Extension of this implementation, unused by LVBS. */
#define HV_VSM_VTL_CALL_READ_VIOLATIONS		0x1fff8

/* Byte VTL1 writes into the boot signal page to release a VTL0 CPU. */
#define HV_VSM_BOOT_TOKEN			0xdc

/* HvVtlEntryReason, in the VP assist page of the higher VTL */
#define HV_VTL_ENTRY_REASON_LOWER_VTL_CALL	1
#define HV_VTL_ENTRY_REASON_INTERRUPT		2
#define HV_VTL_ENTRY_REASON_INTERCEPT		3

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

/* Default reservation: a base plus a share per possible CPU. */
#define HV_VSM_MEM_BASE				SZ_16M
#define HV_VSM_MEM_PER_CPU			SZ_4M
#define HV_VSM_MEM_MAX				SZ_1G

/* Bounds VTL1 enforces on requests. */
#define HV_VSM_MAX_LIST_PAGES			1024
#define HV_VSM_KDATA_MAX_SIZE			SZ_16M

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

/* Register image of a VTL call; the layout is known to hv_vsm_call.S. */
struct hv_vsm_vtl_call_regs {
	u64 a0;		/* RDI: function */
	u64 a1;		/* RSI */
	u64 a2;		/* RDX */
	u64 a3;		/* R8, and the result */
};

#if IS_ENABLED(CONFIG_HYPERV_VSM)
void __hv_vsm_vtl_call(struct hv_vsm_vtl_call_regs *regs);
void __init hv_vsm_reserve_memory(void);
long hv_vsm_vtl_call(u64 func, u64 a1, u64 a2, u64 a3);
int __init hv_vsm_build_boot_state(const struct hv_vsm_boot_info *info,
				   struct hv_init_vp_context *ctx);
void __init hv_vsm_vtl_call_init(u16 vtl_call_offset);
int hv_vsm_vtl1_memory(phys_addr_t *base, phys_addr_t *size);
#else
static inline void hv_vsm_reserve_memory(void) { }
#endif

#if IS_ENABLED(CONFIG_HYPERV_VSM_VTL1)
int hv_vsm_vtl1_kick_ap(u32 vp_index, int cpu);
#else
static inline int hv_vsm_vtl1_kick_ap(u32 vp_index, int cpu)
{
	return -EOPNOTSUPP;
}
#endif

#endif /* _HYPERV_HV_VSM_H */
