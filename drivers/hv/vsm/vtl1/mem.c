// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): VTL0 memory requests.
 *
 * Every request is a chain of range list pages (struct hv_vsm_range_page)
 * in VTL0 memory. The
 * chain is copied into VTL1 once, every range of the copy is validated, and
 * only then is anything applied, so that VTL0 can neither change a request
 * after it was checked nor get part of a bad request applied. A protection
 * request is then applied all or nothing (see prot.c).
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/err.h>
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

/* The kernel data types VTL1 keeps, in the order of hv_vsm_vtl1_kdata_types. */
static const u64 hv_vsm_vtl1_kdata_types[] = {
	HV_VSM_KDATA_MODULE_CERTS,
	HV_VSM_KDATA_REVOCATION_CERTS,
	HV_VSM_KDATA_BLACKLIST_HASHES,
	HV_VSM_KDATA_KERNEL_INFO,
	HV_VSM_KDATA_KERNEL_DATA,
};

#define HV_VSM_NR_KDATA		ARRAY_SIZE(hv_vsm_vtl1_kdata_types)

struct hv_vsm_vtl1_kdata {
	void *data;
	size_t size;
};

/* Kernel data of each type, set once by LOAD_KDATA. */
static struct hv_vsm_vtl1_kdata hv_vsm_vtl1_kdata[HV_VSM_NR_KDATA];

/**
 * hv_vsm_vtl1_mem_init() - Check the memory map VTL0 gave VTL1
 *
 * VTL0 describes its own RAM as unusable and the VTL1 reservation as RAM
 * (see hv_vsm_vtl0_build_e820() in arch/x86/hyperv/hv_vsm.c).
 *
 * Return: 0, or -ENODEV if either is missing.
 */
int hv_vsm_vtl1_mem_init(void)
{
	return e820__mapped_any(0, U64_MAX, E820_TYPE_UNUSABLE) &&
	       e820__mapped_any(0, U64_MAX, E820_TYPE_RAM) ? 0 : -ENODEV;
}

/*
 * Whether [@start, @end) is all VTL0 RAM, in entries of the sorted memory
 * map; e820__mapped_all() does the same, but only while booting.
 */
static bool hv_vsm_vtl1_all_vtl0_ram(u64 start, u64 end)
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
 * hv_vsm_vtl1_check_vtl0_range() - Check that VTL0 may name a physical range
 * @pa: first byte, page aligned
 * @epa: end (exclusive), page aligned
 *
 * Return: 0; -EINVAL if not page aligned; -ERANGE if empty or wrapping;
 * -EACCES if it touches VTL1 memory; -EFAULT if it is not all VTL0 RAM.
 */
int hv_vsm_vtl1_check_vtl0_range(phys_addr_t pa, phys_addr_t epa)
{
	if (!PAGE_ALIGNED(pa) || !PAGE_ALIGNED(epa))
		return -EINVAL;
	if (epa <= pa)
		return -ERANGE;
	if (e820__mapped_any(pa, epa, E820_TYPE_RAM))
		return -EACCES;
	if (!hv_vsm_vtl1_all_vtl0_ram(pa, epa))
		return -EFAULT;
	return 0;
}

/**
 * hv_vsm_vtl1_map_vtl0_page() - Map one checked VTL0 page into VTL1
 * @pa: page address, already accepted by hv_vsm_vtl1_check_vtl0_range()
 *
 * Return: the mapping, or NULL.
 */
void *hv_vsm_vtl1_map_vtl0_page(phys_addr_t pa)
{
	return memremap(pa, PAGE_SIZE, MEMREMAP_WB);
}

/**
 * hv_vsm_vtl1_unmap_vtl0_page() - Undo hv_vsm_vtl1_map_vtl0_page()
 * @va: the mapping
 */
void hv_vsm_vtl1_unmap_vtl0_page(void *va)
{
	memunmap(va);
}

/**
 * hv_vsm_vtl1_map_vtl0_pfn() - Check that VTL0 may name a page and map it
 * @pfn: page frame number from VTL0
 *
 * Return: the mapping, to be undone with hv_vsm_vtl1_unmap_vtl0_page(), or an
 * ERR_PTR(): -ERANGE if @pfn is beyond physical addresses, -ENOMEM, or
 * the errno of hv_vsm_vtl1_check_vtl0_range().
 */
void *hv_vsm_vtl1_map_vtl0_pfn(u64 pfn)
{
	void *va;
	int ret;

	if (pfn > PHYS_PFN(PHYS_ADDR_MAX) - 1)
		return ERR_PTR(-ERANGE);
	ret = hv_vsm_vtl1_check_vtl0_range(PFN_PHYS(pfn), PFN_PHYS(pfn + 1));
	if (ret)
		return ERR_PTR(ret);
	va = hv_vsm_vtl1_map_vtl0_page(PFN_PHYS(pfn));
	return va ?: ERR_PTR(-ENOMEM);
}

static int hv_vsm_vtl1_cmp_range(const void *a, const void *b)
{
	const struct hv_vsm_range *ra = a, *rb = b;

	if (ra->pa == rb->pa)
		return 0;
	return ra->pa < rb->pa ? -1 : 1;
}

/* Check every range and that no two ranges overlap. */
static int hv_vsm_vtl1_check_ranges(const struct hv_vsm_range *ranges, u64 n,
				    int (*check_attr)(u64 attr))
{
	struct hv_vsm_range *sorted;
	u64 i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = hv_vsm_vtl1_check_vtl0_range(ranges[i].pa, ranges[i].epa);
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
	sort(sorted, n, sizeof(*sorted), hv_vsm_vtl1_cmp_range, NULL);
	for (i = 1; i < n && !ret; i++)
		if (sorted[i].pa < sorted[i - 1].epa)
			ret = -EEXIST;
	kvfree(sorted);
	return ret;
}

/**
 * hv_vsm_vtl1_copy_list() - Copy and check a range list of VTL0
 * @head: GPA of the first list page
 * @nranges: number of ranges VTL0 announces
 * @check_attr: checks the attributes of a range, returns 0 or an errno
 * @out: where the copy goes, to be freed with kvfree()
 *
 * The chain must hold exactly @nranges ranges, in at most
 * HV_VSM_MAX_LIST_PAGES distinct pages; every range must be VTL0 RAM, and
 * no two may overlap.
 *
 * Return: 0; -EINVAL, -E2BIG, -ELOOP for a malformed chain; -EEXIST for
 * overlapping ranges; an errno of hv_vsm_vtl1_check_vtl0_range() or
 * @check_attr; -ENOMEM.
 */
int hv_vsm_vtl1_copy_list(u64 head, u64 nranges, int (*check_attr)(u64 attr),
			  struct hv_vsm_range **out)
{
	struct hv_vsm_range_page *hdr;
	struct hv_vsm_range *ranges;
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
	BUILD_BUG_ON(PAGE_SIZE != HV_VSM_PAGE_SIZE);
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
		ret = hv_vsm_vtl1_check_vtl0_range(pa, pa + PAGE_SIZE);
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

		va = hv_vsm_vtl1_map_vtl0_page(pa);
		if (!va) {
			ret = -ENOMEM;
			goto out;
		}
		memcpy(hdr, va, PAGE_SIZE);
		hv_vsm_vtl1_unmap_vtl0_page(va);

		if (!hdr->nranges || hdr->nranges > HV_VSM_RANGES_PER_PAGE ||
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
		ret = hv_vsm_vtl1_check_ranges(ranges, nranges, check_attr);
out:
	kfree(hdr);
	kfree(seen);
	if (ret)
		kvfree(ranges);
	else
		*out = ranges;
	return ret;
}

/* Set while hv_vsm_vtl1_arm() makes VTL0's RAM executable again. */
static bool hv_vsm_vtl1_arming_now;

/**
 * hv_vsm_vtl1_arming() - Whether an execute intercept is one of arming
 * @pa: the physical address VTL0 tried to run
 *
 * Return: true while VTL1 enables the protections and @pa is VTL0 RAM:
 * VTL0 runs the instruction again once its RAM is executable.
 */
bool hv_vsm_vtl1_arming(u64 pa)
{
	u64 start = pa & PAGE_MASK;

	return READ_ONCE(hv_vsm_vtl1_arming_now) &&
	       hv_vsm_vtl1_all_vtl0_ram(start, start + PAGE_SIZE);
}

/**
 * hv_vsm_vtl1_arm() - Enable VTL protections for the partition, once
 *
 * Protections are enabled with the default mask of prot.c, without kernel
 * execute: page 0, firmware, ACPI, reserved and device memory and memory
 * added later never run kernel code. VTL0's RAM gets full access back
 * until PROTECT_MEMORY narrows it, and VTL1's memory none.
 *
 * The default is set once and for all when protections are enabled, while
 * VTL0 runs on the other virtual processors: this waits until VTL1 runs on
 * every one VTL0 runs on, to answer the execute intercepts VTL0 takes on
 * its own RAM until that is executable again (hv_vsm_vtl1_arming()). Until
 * then, VTL1's memory is open to VTL0, which is trusted before the end of
 * boot.
 *
 * Context: the VTL call dispatcher, state lock held.
 * Return: 0; -EBUSY while VTL1 does not run on every CPU VTL0 named in
 * ENABLE_APS_VTL; or a negative errno.
 */
int hv_vsm_vtl1_arm(void)
{
	static bool armed;
	struct hv_vsm_vtl1_prot_run *runs;
	unsigned int i, n = 0;
	int ret;

	if (armed)
		return 0;
	if (!hv_vsm_vtl1_aps_up())
		return -EBUSY;
	runs = kcalloc(e820_table->nr_entries, sizeof(*runs), GFP_KERNEL);
	if (!runs)
		return -ENOMEM;
	for (i = 0; i < e820_table->nr_entries; i++) {
		const struct e820_entry *e = &e820_table->entries[i];
		struct hv_vsm_vtl1_prot_run *r = &runs[n];

		if (e->type == E820_TYPE_RAM) {
			/* VTL1's reservation: not a byte for VTL0. */
			*r = (struct hv_vsm_vtl1_prot_run){
				PFN_DOWN(e->addr), PFN_UP(e->addr + e->size),
				HV_MAP_GPA_PERMISSIONS_NONE
			};
		} else if (e->type == E820_TYPE_UNUSABLE) {
			/* VTL0's RAM: only its whole pages. */
			*r = (struct hv_vsm_vtl1_prot_run){
				PFN_UP(e->addr), PFN_DOWN(e->addr + e->size),
				HV_MAP_GPA_PERMISSIONS_MASK
			};
		} else {
			continue;
		}
		if (r->start < r->end)
			n++;
	}

	WRITE_ONCE(hv_vsm_vtl1_arming_now, true);
	ret = hv_vsm_vtl1_enable_protections();
	if (!ret)
		ret = hv_vsm_vtl1_set_protections(runs, n);
	WRITE_ONCE(hv_vsm_vtl1_arming_now, false);
	kfree(runs);
	if (ret) {
		pr_err("cannot enable VTL protections: %d\n", ret);
		return ret;
	}
	armed = true;
	pr_info("VTL protections enabled: no kernel execute outside VTL0's RAM\n");
	return 0;
}

static int hv_vsm_vtl1_check_mem_attr(u64 attr)
{
	if (attr & ~HV_VSM_MEM_MASK)
		return -EINVAL;
	/* The hypervisor cannot grant write or execute without read. */
	if ((attr & (HV_VSM_MEM_WRITE | HV_VSM_MEM_EXEC)) &&
	    !(attr & HV_VSM_MEM_READ))
		return -EINVAL;
	return 0;
}

/**
 * hv_vsm_vtl1_mem_to_hv() - VTL protection flags of HV_VSM_MEM_* attributes
 * @attr: HV_VSM_MEM_* bits
 *
 * With MBEC, kernel and user execution are separate permissions. Readable
 * pages stay user-executable (user space integrity is VTL0's own business);
 * kernel execution is only granted where VTL0 maps kernel code.
 *
 * Return: the HV_MAP_GPA_* flags.
 */
u32 hv_vsm_vtl1_mem_to_hv(u64 attr)
{
	u32 flags = 0;

	if (attr & HV_VSM_MEM_READ)
		flags |= HV_MAP_GPA_READABLE | HV_MAP_GPA_USER_EXECUTABLE;
	if (attr & HV_VSM_MEM_WRITE)
		flags |= HV_MAP_GPA_WRITABLE;
	if (attr & HV_VSM_MEM_EXEC)
		flags |= HV_MAP_GPA_KERNEL_EXECUTABLE;
	return flags;
}

/**
 * hv_vsm_vtl1_protect_memory() - PROTECT_MEMORY
 * @head_pa: GPA of the first list page
 * @nranges: number of ranges in the chain
 * @unused: 0
 *
 * Context: the VTL call dispatcher, state lock held.
 * Return: 0, the errno of the first invalid part of the request, or an
 * error of hv_vsm_vtl1_set_protections(). Nothing is changed on error, except
 * with -ENOTRECOVERABLE.
 */
/* A PROTECT_MEMORY succeeded: the end of boot may seal. */
static bool hv_vsm_vtl1_protected;

/**
 * hv_vsm_vtl1_memory_protected() - Whether PROTECT_MEMORY succeeded
 *
 * Context: the VTL call dispatcher, state lock held.
 * Return: true once a PROTECT_MEMORY call succeeded.
 */
bool hv_vsm_vtl1_memory_protected(void)
{
	return hv_vsm_vtl1_protected;
}

long hv_vsm_vtl1_protect_memory(u64 head_pa, u64 nranges, u64 unused)
{
	struct hv_vsm_vtl1_prot_run *runs = NULL;
	struct hv_vsm_range *ranges;
	u64 i;
	int ret;

	ret = hv_vsm_vtl1_copy_list(head_pa, nranges, hv_vsm_vtl1_check_mem_attr,
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
		runs[i].mask = hv_vsm_vtl1_mem_to_hv(ranges[i].attributes);
	}
	ret = hv_vsm_vtl1_set_protections(runs, nranges);
	if (!ret)
		hv_vsm_vtl1_protected = true;
out:
	kvfree(runs);
	kvfree(ranges);
	return ret;
}

/* Index of kernel data type @type in hv_vsm_vtl1_kdata, or -EINVAL. */
static int hv_vsm_vtl1_kdata_index(u64 type)
{
	unsigned int i;

	for (i = 0; i < HV_VSM_NR_KDATA; i++)
		if (hv_vsm_vtl1_kdata_types[i] == type)
			return i;
	return -EINVAL;
}

static int hv_vsm_vtl1_check_kdata_attr(u64 attr)
{
	int i = hv_vsm_vtl1_kdata_index(attr);

	return i < 0 ? i : 0;
}

/**
 * hv_vsm_vtl1_copy_in() - Copy checked VTL0 pages into VTL1
 * @dst: where to, @epa - @pa bytes
 * @pa: first page, accepted by hv_vsm_vtl1_check_vtl0_range()
 * @epa: end of the pages
 *
 * Return: 0 or -ENOMEM.
 */
int hv_vsm_vtl1_copy_in(void *dst, phys_addr_t pa, phys_addr_t epa)
{
	for (; pa < epa; pa += PAGE_SIZE, dst += PAGE_SIZE) {
		void *va = hv_vsm_vtl1_map_vtl0_page(pa);

		if (!va)
			return -ENOMEM;
		memcpy(dst, va, PAGE_SIZE);
		hv_vsm_vtl1_unmap_vtl0_page(va);
	}
	return 0;
}

/*
 * Set up what module validation needs from the kernel data: VTL0's export
 * tables (kernel information and read-only data go together) and VTL0's
 * trust (certificates, revoked keys, blacklisted hashes), last since it
 * cannot be undone.
 */
static int hv_vsm_vtl1_use_kdata(const struct hv_vsm_vtl1_kdata *kdata)
{
	const struct hv_vsm_vtl1_kdata *certs, *revoked, *hashes, *info, *rodata;
	int ret;

	certs = &kdata[hv_vsm_vtl1_kdata_index(HV_VSM_KDATA_MODULE_CERTS)];
	revoked = &kdata[hv_vsm_vtl1_kdata_index(HV_VSM_KDATA_REVOCATION_CERTS)];
	hashes = &kdata[hv_vsm_vtl1_kdata_index(HV_VSM_KDATA_BLACKLIST_HASHES)];
	info = &kdata[hv_vsm_vtl1_kdata_index(HV_VSM_KDATA_KERNEL_INFO)];
	rodata = &kdata[hv_vsm_vtl1_kdata_index(HV_VSM_KDATA_KERNEL_DATA)];
	if (!info->data != !rodata->data)
		return -EINVAL;
	if (info->data) {
		if (info->size < sizeof(struct hv_vsm_kernel_info))
			return -EINVAL;
		ret = hv_vsm_vtl1_ksyms_init(info->data, rodata->data,
					     rodata->size);
		if (!ret)
			ret = hv_vsm_vtl1_text_init(info->data, rodata->data,
						    rodata->size);
		if (ret) {
			hv_vsm_vtl1_ksyms_init(NULL, NULL, 0);
			hv_vsm_vtl1_text_init(NULL, NULL, 0);
			return ret;
		}
	}
	ret = hv_vsm_vtl1_keys_load(certs->data, certs->size, revoked->data,
				    revoked->size, hashes->data, hashes->size);
	if (ret) {
		hv_vsm_vtl1_ksyms_init(NULL, NULL, 0);
		hv_vsm_vtl1_text_init(NULL, NULL, 0);
	}
	return ret;
}

/**
 * hv_vsm_vtl1_load_kdata() - LOAD_KDATA
 * @head_pa: GPA of the first list page
 * @nranges: number of ranges in the chain
 * @unused: 0
 *
 * Copies each kind of kernel data (the ranges of one type, in list order)
 * into VTL1, where it stays for the checks that need it, and sets up module
 * validation with it: VTL0's export tables, found through the kernel
 * information in the read-only data, a keyring of VTL0's certificates, and
 * VTL0's revoked keys and blacklisted hashes. The kernel information also
 * gives the kernel text and the jump table, whose sites PATCH_TEXT may
 * change (text.c). The dispatcher accepts it once.
 *
 * Context: the VTL call dispatcher, state lock held.
 * Return: 0, -E2BIG if the data exceeds HV_VSM_KDATA_MAX_SIZE, -EINVAL for
 * kernel information without read-only data or the reverse, export or
 * jump tables outside the read-only data, a kernel text the information
 * does not describe, the errno
 * of hv_vsm_vtl1_keys_load(), or the errno of the first invalid part of
 * the request; nothing is kept on error but hashes and revoked keys
 * hv_vsm_vtl1_keys_load() added before failing.
 */
long hv_vsm_vtl1_load_kdata(u64 head_pa, u64 nranges, u64 unused)
{
	struct hv_vsm_vtl1_kdata kdata[HV_VSM_NR_KDATA] = {};
	size_t total = 0, off[HV_VSM_NR_KDATA] = {};
	struct hv_vsm_range *ranges;
	unsigned int t;
	u64 i;
	int ret;

	ret = hv_vsm_vtl1_copy_list(head_pa, nranges, hv_vsm_vtl1_check_kdata_attr,
				    &ranges);
	if (ret)
		return ret;

	for (i = 0; i < nranges; i++) {
		size_t len = ranges[i].epa - ranges[i].pa;

		total += len;
		kdata[hv_vsm_vtl1_kdata_index(ranges[i].attributes)].size += len;
	}
	if (total > HV_VSM_KDATA_MAX_SIZE) {
		ret = -E2BIG;
		goto out;
	}
	for (t = 0; t < HV_VSM_NR_KDATA; t++) {
		if (!kdata[t].size)
			continue;
		kdata[t].data = vmalloc(kdata[t].size);
		if (!kdata[t].data) {
			ret = -ENOMEM;
			goto out;
		}
	}
	for (i = 0; i < nranges && !ret; i++) {
		t = hv_vsm_vtl1_kdata_index(ranges[i].attributes);
		ret = hv_vsm_vtl1_copy_in(kdata[t].data + off[t], ranges[i].pa,
					  ranges[i].epa);
		off[t] += ranges[i].epa - ranges[i].pa;
	}
	if (!ret)
		ret = hv_vsm_vtl1_use_kdata(kdata);
	if (!ret)
		memcpy(hv_vsm_vtl1_kdata, kdata, sizeof(kdata));
out:
	if (ret)
		for (t = 0; t < HV_VSM_NR_KDATA; t++)
			vfree(kdata[t].data);
	kvfree(ranges);
	return ret;
}
