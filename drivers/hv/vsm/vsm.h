/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hyper-V VSM backend of HEKI, VTL0 side: internal interfaces.
 */
#ifndef _HV_VSM_VTL0_H
#define _HV_VSM_VTL0_H

#include <linux/init.h>
#include <linux/sizes.h>
#include <linux/types.h>

/* Default reservation for VTL1: a base plus a share per possible CPU. */
#define HV_VSM_MEM_BASE		SZ_16M
#define HV_VSM_MEM_PER_CPU	SZ_4M
#define HV_VSM_MEM_MAX		SZ_1G

/* The backend's name, in HEKI's securityfs and log lines. */
#define HV_VSM_BACKEND_NAME	"hyperv-vsm"

#if IS_ENABLED(CONFIG_HYPERV_VSM)
#include <hyperv/hv_vsm.h>

/* vtl0.c */
void __init hv_vsm_vtl0_reserve_memory(void);
int hv_vsm_vtl0_memory(phys_addr_t *base, phys_addr_t *size);

/* vtl0_image.c */
int __init hv_vsm_vtl0_load_image(phys_addr_t base, phys_addr_t size,
				  phys_addr_t *entry, const char **why);

/* vtl0_call.c */
long hv_vsm_vtl0_call(enum hv_vsm_vtl_call_nr nr, u64 a1, u64 a2, u64 a3);
void hv_vsm_vtl0_set_cpu_up(void);
bool hv_vsm_vtl0_cpu_up(unsigned int cpu);

/* The kernel's export table (see include/asm-generic/vmlinux.lds.h). */
extern const char __start___ksymtab[], __stop___ksymtab[];

/* vtl0_heki.c */
int __init hv_vsm_vtl0_heki_register(void);
#else
static inline void hv_vsm_vtl0_reserve_memory(void) { }
#endif

#endif /* _HV_VSM_VTL0_H */
