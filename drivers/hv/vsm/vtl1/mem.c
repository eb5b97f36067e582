// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): VTL0 memory requests.
 *
 * Every request is a chain of struct heki_page lists in VTL0 memory. The
 * chain is copied into VTL1 once, every range of the copy is validated, and
 * only then is anything applied, so that VTL0 can neither change a request
 * after it was checked nor get part of a bad request applied. A protection
 * request is then applied all or nothing (see prot.c).
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/errno.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/e820/api.h>
#include <asm/mshyperv.h>
#include <hyperv/hv_vsm.h>

#include "vtl1.h"

struct hv_vsm_kdata {
	void *data;
	size_t size;
};

static struct hv_vsm_kdata hv_vsm_kdata[HEKI_KDATA_MAX];
static bool hv_vsm_kdata_loaded;

/**
 * hv_vsm_mem_init() - Check the memory map VTL0 gave VTL1
 *
 * VTL0 describes its own RAM as unusable and the VTL1 reservation as RAM
 * (see hv_vsm_build_e820()).
 *
 * Return: 0, or -ENODEV if either is missing.
 */
int hv_vsm_mem_init(void)
{
	return e820__mapped_any(0, U64_MAX, E820_TYPE_UNUSABLE) &&
	       e820__mapped_any(0, U64_MAX, E820_TYPE_RAM) ? 0 : -ENODEV;
}

/*
 * Whether [@start, @end) is all VTL0 RAM, in entries of the sorted memory
 * map; e820__mapped_all() does the same, but only while booting.
 */
static bool hv_vsm_all_vtl0_ram(u64 start, u64 end)
{
	u32 i;

	for (i = 0; i < e820_table->nr_entries && start < end; i++) {
		const struct e820_entry *e = &e820_table->entries[i];

		if (e->type == E820_TYPE_UNUSABLE && e->addr <= start &&
		    start < e->addr + e->size)
			start = e->addr + e->size;
	}
	return start >= end;
}

/**
 * hv_vsm_check_vtl0_range() - Check that VTL0 may name a physical range
 * @pa: first byte, page aligned
 * @epa: end (exclusive), page aligned
 *
 * Return: 0; -EINVAL if not page aligned; -ERANGE if empty or wrapping;
 * -EACCES if it touches VTL1 memory; -EFAULT if it is not all VTL0 RAM.
 */
int hv_vsm_check_vtl0_range(phys_addr_t pa, phys_addr_t epa)
{
	if (!PAGE_ALIGNED(pa) || !PAGE_ALIGNED(epa))
		return -EINVAL;
	if (epa <= pa)
		return -ERANGE;
	if (e820__mapped_any(pa, epa, E820_TYPE_RAM))
		return -EACCES;
	if (!hv_vsm_all_vtl0_ram(pa, epa))
		return -EFAULT;
	return 0;
}

/**
 * hv_vsm_map_vtl0_page() - Map one checked VTL0 page into VTL1
 * @pa: page address, already accepted by hv_vsm_check_vtl0_range()
 *
 * Return: the mapping, or NULL.
 */
void *hv_vsm_map_vtl0_page(phys_addr_t pa)
{
	return memremap(pa, PAGE_SIZE, MEMREMAP_WB);
}

/**
 * hv_vsm_unmap_vtl0_page() - Undo hv_vsm_map_vtl0_page()
 * @va: the mapping
 */
void hv_vsm_unmap_vtl0_page(void *va)
{
	memunmap(va);
}

static int hv_vsm_cmp_range(const void *a, const void *b)
{
	const struct heki_range *ra = a, *rb = b;

	if (ra->pa == rb->pa)
		return 0;
	return ra->pa < rb->pa ? -1 : 1;
}

/* Check every range and that no two ranges overlap. */
static int hv_vsm_check_ranges(const struct heki_range *ranges, u64 n,
			       int (*check_attr)(unsigned long attr))
{
	struct heki_range *sorted;
	u64 i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = hv_vsm_check_vtl0_range(ranges[i].pa, ranges[i].epa);
		if (ret)
			return ret;
		ret = check_attr(ranges[i].attributes);
		if (ret)
			return ret;
	}

	sorted = kvmalloc_array(n, sizeof(*sorted), GFP_KERNEL);
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, ranges, n * sizeof(*sorted));
	sort(sorted, n, sizeof(*sorted), hv_vsm_cmp_range, NULL);
	for (i = 1; i < n && !ret; i++)
		if (sorted[i].pa < sorted[i - 1].epa)
			ret = -EEXIST;
	kvfree(sorted);
	return ret;
}

/*
 * Copy the chain starting at @head into a VTL1 array of @nranges ranges
 * and check the copy, with @check_attr for the attributes. The chain must
 * hold exactly @nranges ranges, in at most HV_VSM_MAX_LIST_PAGES distinct
 * pages.
 */
static int hv_vsm_copy_list(u64 head, u64 nranges,
			    int (*check_attr)(unsigned long attr),
			    struct heki_range **out)
{
	struct heki_page *hdr;
	struct heki_range *ranges;
	phys_addr_t *seen;
	unsigned int pages = 0, i;
	u64 got = 0, pa = head;
	int ret = 0;

	if (!nranges)
		return -EINVAL;
	if (nranges > HV_VSM_MAX_RANGES)
		return -E2BIG;

	ranges = kvmalloc_array(nranges, sizeof(*ranges), GFP_KERNEL);
	seen = kmalloc_array(HV_VSM_MAX_LIST_PAGES, sizeof(*seen), GFP_KERNEL);
	hdr = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!ranges || !seen || !hdr) {
		ret = -ENOMEM;
		goto out;
	}

	while (got < nranges) {
		void *va;

		if (!pa) {
			ret = -EINVAL;	/* chain shorter than announced */
			goto out;
		}
		ret = hv_vsm_check_vtl0_range(pa, pa + PAGE_SIZE);
		if (ret)
			goto out;
		for (i = 0; i < pages; i++) {
			if (seen[i] == pa) {
				ret = -ELOOP;
				goto out;
			}
		}
		if (pages == HV_VSM_MAX_LIST_PAGES) {
			ret = -E2BIG;
			goto out;
		}
		seen[pages++] = pa;

		va = hv_vsm_map_vtl0_page(pa);
		if (!va) {
			ret = -ENOMEM;
			goto out;
		}
		memcpy(hdr, va, PAGE_SIZE);
		hv_vsm_unmap_vtl0_page(va);

		if (!hdr->nranges || hdr->nranges > HEKI_MAX_RANGES ||
		    hdr->nranges > nranges - got) {
			ret = -EINVAL;
			goto out;
		}
		memcpy(&ranges[got], hdr->ranges,
		       hdr->nranges * sizeof(*ranges));
		got += hdr->nranges;
		pa = hdr->next_pa;
	}
	if (pa)
		ret = -EINVAL;	/* chain longer than announced */
	else
		ret = hv_vsm_check_ranges(ranges, nranges, check_attr);
out:
	kfree(hdr);
	kfree(seen);
	if (ret)
		kvfree(ranges);
	else
		*out = ranges;
	return ret;
}

/**
 * hv_vsm_protect_self() - Deny VTL0 any access to VTL1 memory
 *
 * Enables VTL protections for the partition, with full access by default,
 * then removes every access to the VTL1 reservation.
 *
 * Return: 0 or a negative errno.
 */
int hv_vsm_protect_self(void)
{
	struct hv_vsm_prot_run run = { .mask = HV_MAP_GPA_PERMISSIONS_NONE };
	unsigned int i;
	int ret;

	guard(mutex)(&hv_vsm_state_lock);
	ret = hv_vsm_enable_protections();
	if (ret)
		return ret;

	for (i = 0; i < e820_table->nr_entries; i++) {
		const struct e820_entry *e = &e820_table->entries[i];

		if (e->type != E820_TYPE_RAM)
			continue;
		run.start = PFN_DOWN(e->addr);
		run.end = PFN_UP(e->addr + e->size);
		ret = hv_vsm_set_protections(&run, 1);
		if (ret)
			return ret;
	}
	return 0;
}

static int hv_vsm_check_mem_attr(unsigned long attr)
{
	if (attr & ~HEKI_ATTR_MEM_MASK)
		return -EINVAL;
	/* The hypervisor cannot grant write or execute without read. */
	if ((attr & (HEKI_ATTR_MEM_WRITE | HEKI_ATTR_MEM_EXEC)) &&
	    !(attr & HEKI_ATTR_MEM_READ))
		return -EINVAL;
	return 0;
}

/*
 * With MBEC, kernel and user execution are separate permissions. Readable
 * pages stay user-executable (user space integrity is VTL0's own business);
 * kernel execution is only granted where VTL0 maps kernel code.
 */
static u32 hv_vsm_heki_to_hv(unsigned long attr)
{
	u32 flags = 0;

	if (attr & HEKI_ATTR_MEM_READ)
		flags |= HV_MAP_GPA_READABLE | HV_MAP_GPA_USER_EXECUTABLE;
	if (attr & HEKI_ATTR_MEM_WRITE)
		flags |= HV_MAP_GPA_WRITABLE;
	if (attr & HEKI_ATTR_MEM_EXEC)
		flags |= HV_MAP_GPA_KERNEL_EXECUTABLE;
	return flags;
}

/**
 * hv_vsm_protect_memory() - PROTECT_MEMORY
 * @head_pa: GPA of the first list page
 * @nranges: number of ranges in the chain
 *
 * Return: 0, -EPERM after end of boot, the errno of the first invalid part
 * of the request, or an error of hv_vsm_set_protections(). Nothing is
 * changed on error, except with -ENOTRECOVERABLE.
 */
long hv_vsm_protect_memory(u64 head_pa, u64 nranges)
{
	struct hv_vsm_prot_run *runs = NULL;
	struct heki_range *ranges;
	u64 i;
	int ret;

	guard(mutex)(&hv_vsm_state_lock);
	if (hv_vsm_end_of_boot)
		return -EPERM;

	ret = hv_vsm_copy_list(head_pa, nranges, hv_vsm_check_mem_attr,
			       &ranges);
	if (ret)
		return ret;

	runs = kvmalloc_array(nranges, sizeof(*runs), GFP_KERNEL);
	if (!runs) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nranges; i++) {
		runs[i].start = PFN_DOWN(ranges[i].pa);
		runs[i].end = PFN_DOWN(ranges[i].epa);
		runs[i].mask = hv_vsm_heki_to_hv(ranges[i].attributes);
	}
	ret = hv_vsm_set_protections(runs, nranges);
out:
	kvfree(runs);
	kvfree(ranges);
	return ret;
}

static int hv_vsm_check_kdata_attr(unsigned long attr)
{
	return attr < HEKI_KDATA_MAX ? 0 : -EINVAL;
}

static int hv_vsm_copy_in(void *dst, phys_addr_t pa, phys_addr_t epa)
{
	for (; pa < epa; pa += PAGE_SIZE, dst += PAGE_SIZE) {
		void *va = hv_vsm_map_vtl0_page(pa);

		if (!va)
			return -ENOMEM;
		memcpy(dst, va, PAGE_SIZE);
		hv_vsm_unmap_vtl0_page(va);
	}
	return 0;
}

/**
 * hv_vsm_load_kdata() - LOAD_KDATA
 * @head_pa: GPA of the first list page
 * @nranges: number of ranges in the chain
 *
 * Copies each kind of kernel data (the ranges of one type, in list order)
 * into VTL1, where it stays for the checks that need it.
 *
 * Return: 0, -EPERM after end of boot, -EALREADY if already loaded, -E2BIG
 * if the data exceeds HV_VSM_KDATA_MAX_SIZE, or the errno of the first
 * invalid part of the request; nothing is kept on error.
 */
long hv_vsm_load_kdata(u64 head_pa, u64 nranges)
{
	struct hv_vsm_kdata kdata[HEKI_KDATA_MAX] = {};
	size_t total = 0, off[HEKI_KDATA_MAX] = {};
	struct heki_range *ranges;
	unsigned int t;
	u64 i;
	int ret;

	guard(mutex)(&hv_vsm_state_lock);
	if (hv_vsm_end_of_boot)
		return -EPERM;
	if (hv_vsm_kdata_loaded)
		return -EALREADY;

	ret = hv_vsm_copy_list(head_pa, nranges, hv_vsm_check_kdata_attr,
			       &ranges);
	if (ret)
		return ret;

	for (i = 0; i < nranges; i++) {
		size_t len = ranges[i].epa - ranges[i].pa;

		total += len;
		kdata[ranges[i].attributes].size += len;
	}
	if (total > HV_VSM_KDATA_MAX_SIZE) {
		ret = -E2BIG;
		goto out;
	}
	for (t = 0; t < HEKI_KDATA_MAX; t++) {
		if (!kdata[t].size)
			continue;
		kdata[t].data = vmalloc(kdata[t].size);
		if (!kdata[t].data) {
			ret = -ENOMEM;
			goto out;
		}
	}
	for (i = 0; i < nranges && !ret; i++) {
		t = ranges[i].attributes;
		ret = hv_vsm_copy_in(kdata[t].data + off[t], ranges[i].pa,
				     ranges[i].epa);
		off[t] += ranges[i].epa - ranges[i].pa;
	}
	if (!ret) {
		memcpy(hv_vsm_kdata, kdata, sizeof(kdata));
		hv_vsm_kdata_loaded = true;
	}
out:
	if (ret)
		for (t = 0; t < HEKI_KDATA_MAX; t++)
			vfree(kdata[t].data);
	kvfree(ranges);
	return ret;
}
