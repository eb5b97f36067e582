/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hyper-V VSM secure kernel (VTL1): internal interfaces.
 *
 * The VTL call handlers (hv_vsm_vtl1_<name>() for each line of
 * <hyperv/hv_vsm_calls.h>) run from the dispatcher, one at a time, with
 * its state lock held.
 */
#ifndef _HV_VSM_VTL1_H
#define _HV_VSM_VTL1_H

#include <linux/types.h>
#include <hyperv/hv_vsm.h>

struct hv_message;

/* HvVtlEntryReason of the TLFS, in the VP assist page of the higher VTL. */
#define HV_VTL_ENTRY_REASON_LOWER_VTL_CALL	1

/* The most ranges one PROTECT_MEMORY or LOAD_KDATA request may have. */
#define HV_VSM_MAX_RANGES	(HV_VSM_MAX_LIST_PAGES * HV_VSM_RANGES_PER_PAGE)

/**
 * struct hv_vsm_vtl1_prot_run - VTL0 pages with one protection
 * @start: page frame number of the first page
 * @end: page frame number after the last page
 * @mask: what VTL0 may do with them, HV_MAP_GPA_* flags
 */
struct hv_vsm_vtl1_prot_run {
	u64 start;
	u64 end;
	u32 mask;
};

/**
 * struct hv_vsm_vtl1_mod_mem - One type of a VALIDATE_MODULE request
 * @va: VTL0 virtual address of the first byte
 * @size: size in bytes
 * @ranges: its ranges, in virtual address order
 * @nranges: entries of @ranges
 * @expected: for text and read-only types, what VTL1 rebuilt, at @va
 */
struct hv_vsm_vtl1_mod_mem {
	u64 va;
	u64 size;
	const struct hv_vsm_range *ranges;
	unsigned int nranges;
	void *expected;
};

/**
 * struct hv_vsm_vtl1_exports - Symbols a validated module exports
 * @n: entries of @sym
 * @sym: name and VTL0 address of each, the names stored after the array
 */
struct hv_vsm_vtl1_exports {
	size_t n;
	struct {
		const char *name;
		u64 value;
	} sym[] __counted_by(n);
};

/* dispatch.c */
long hv_vsm_vtl1_dispatch(const u64 *regs);

/* aps.c: VTL call handlers */
long hv_vsm_vtl1_enable_aps_vtl(u64 mask_pfn, u64 a2, u64 a3);
long hv_vsm_vtl1_boot_aps(u64 mask_pfn, u64 signal_pfn, u64 a3);
bool hv_vsm_vtl1_aps_up(void);

/* mem.c */
int hv_vsm_vtl1_mem_init(void);
int hv_vsm_vtl1_arm(void);
bool hv_vsm_vtl1_arming(u64 pa);
int hv_vsm_vtl1_check_vtl0_range(phys_addr_t pa, phys_addr_t epa);
void *hv_vsm_vtl1_map_vtl0_page(phys_addr_t pa);
void *hv_vsm_vtl1_map_vtl0_pfn(u64 pfn);
void hv_vsm_vtl1_unmap_vtl0_page(void *va);
int hv_vsm_vtl1_copy_list(u64 head, u64 nranges, int (*check_attr)(u64 attr),
			  struct hv_vsm_range **out);
int hv_vsm_vtl1_copy_in(void *dst, phys_addr_t pa, phys_addr_t epa);
u32 hv_vsm_vtl1_mem_to_hv(u64 attr);
long hv_vsm_vtl1_protect_memory(u64 head_pa, u64 nranges, u64 unused);
bool hv_vsm_vtl1_memory_protected(void);
long hv_vsm_vtl1_load_kdata(u64 head_pa, u64 nranges, u64 unused);

/* prot.c */
int hv_vsm_vtl1_enable_protections(void);
int hv_vsm_vtl1_seal_protections(void);
int hv_vsm_vtl1_set_protections(struct hv_vsm_vtl1_prot_run *runs, unsigned int n);
u32 hv_vsm_vtl1_vtl0_mask(u64 pfn);
bool hv_vsm_vtl1_prot_exact(void);
bool hv_vsm_vtl1_vtl0_writable(u64 pfn);

/* keys.c */
int hv_vsm_vtl1_keys_load(const void *certs, size_t size,
			  const void *revoked, size_t revoked_size,
			  const void *hashes, size_t hashes_size);
int hv_vsm_vtl1_verify_module(const void *file, size_t size, size_t *len);

/* ksyms.c */
int hv_vsm_vtl1_ksyms_init(const struct hv_vsm_kernel_info *info,
			   const void *rodata, size_t size);
int hv_vsm_vtl1_ksym_lookup(const char *name, u64 *value);
bool hv_vsm_vtl1_ksym_is_start(u64 va);
bool hv_vsm_vtl1_percpu_ok(u64 va, u64 size);

/* module_rebuild.c */
int hv_vsm_vtl1_module_rebuild(const void *elf, size_t len, const u64 *layout,
			       size_t nlayout, struct hv_vsm_vtl1_mod_mem *mem,
			       struct hv_vsm_vtl1_exports **exports);
void hv_vsm_vtl1_rebuild_free(struct hv_vsm_vtl1_mod_mem *mem);

/* module.c: VTL call handlers */
long hv_vsm_vtl1_validate_module(u64 head_pa, u64 nranges, u64 unused);
long hv_vsm_vtl1_free_module_init(u64 token, u64 a2, u64 a3);
long hv_vsm_vtl1_unload_module(u64 token, u64 a2, u64 a3);
int hv_vsm_vtl1_module_sym_lookup(const char *name, u64 *value);

/* regs.c */
long hv_vsm_vtl1_lock_regs(u64 a1, u64 a2, u64 a3);
int hv_vsm_vtl1_hypercall_locked(void);
bool hv_vsm_vtl1_all_locked(void);
void hv_vsm_vtl1_handle_intercept(const struct hv_message *msg);

/* static_call.c */
int hv_vsm_vtl1_static_call_init(const struct hv_vsm_kernel_info *info,
				 const void *rodata, size_t size);
bool hv_vsm_vtl1_static_call_site(u64 va);
int hv_vsm_vtl1_static_call_check(const struct hv_vsm_text_patch *p,
				  const u8 *cur, size_t len);

/* text.c */
int hv_vsm_vtl1_text_init(const struct hv_vsm_kernel_info *info,
			  const void *rodata, size_t size);
const void *hv_vsm_vtl1_kdata_table(const struct hv_vsm_kernel_info *info,
				    u64 start, u64 end, size_t entsize,
				    const void *rodata, size_t size, size_t *nr);
bool hv_vsm_vtl1_ro_key(const struct hv_vsm_kernel_info *info, u64 key);
bool hv_vsm_vtl1_in_kernel_text(u64 va, u64 len);
int hv_vsm_vtl1_text_read_va(u64 va, u8 *buf, size_t len);
void hv_vsm_vtl1_text_seal(void);
bool hv_vsm_vtl1_text_retry(u64 pa);
long hv_vsm_vtl1_patch_text(u64 list_pa, u64 count, u64 unused);

/* log.c */
void hv_vsm_vtl1_log_violation(u32 type, u32 vp, u64 rip, u64 addr, u64 value);
long hv_vsm_vtl1_read_violations(u64 buf_pa, u64 max, u64 unused);

#endif /* _HV_VSM_VTL1_H */
