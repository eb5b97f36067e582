/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hyper-V VSM secure kernel (VTL1): internal interfaces.
 */
#ifndef _HV_VSM_VTL1_H
#define _HV_VSM_VTL1_H

#include <linux/heki.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <hyperv/hv_vsm.h>

struct hv_message;

/* The most ranges one PROTECT_MEMORY or LOAD_KDATA request may have. */
#define HV_VSM_MAX_RANGES	(HV_VSM_MAX_LIST_PAGES * HEKI_MAX_RANGES)

/**
 * struct hv_vsm_prot_run - VTL0 pages with one protection
 * @start: page frame number of the first page
 * @end: page frame number after the last page
 * @mask: what VTL0 may do with them, HV_MAP_GPA_* flags
 */
struct hv_vsm_prot_run {
	u64 start;
	u64 end;
	u32 mask;
};

/*
 * Serialises every state-changing VTL call, and READ_VIOLATIONS against
 * changes of the protections.
 */
extern struct mutex hv_vsm_state_lock;
/* SIGNAL_END_OF_BOOT was accepted; protected by hv_vsm_state_lock. */
extern bool hv_vsm_end_of_boot;

/* mem.c */
int hv_vsm_mem_init(void);
int hv_vsm_protect_self(void);
int hv_vsm_check_vtl0_range(phys_addr_t pa, phys_addr_t epa);
void *hv_vsm_map_vtl0_page(phys_addr_t pa);
void hv_vsm_unmap_vtl0_page(void *va);
long hv_vsm_protect_memory(u64 head_pa, u64 nranges);
long hv_vsm_load_kdata(u64 head_pa, u64 nranges);

/* prot.c */
int hv_vsm_enable_protections(void);
int hv_vsm_set_protections(struct hv_vsm_prot_run *runs, unsigned int n);
bool hv_vsm_vtl0_may_write(u64 pfn);

/* regs.c */
long hv_vsm_lock_regs(void);
void hv_vsm_handle_intercept(const struct hv_message *msg);

/* log.c */
void hv_vsm_log_violation(u32 type, u32 vp, u64 rip, u64 addr, u64 value);
long hv_vsm_read_violations(u64 buf_pa, u64 max);

#endif /* _HV_VSM_VTL1_H */
