// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - x86 page tables
 *
 * Walks the kernel page tables to initialise the HEKI permission counters,
 * and feeds the counters from the page attribute code (change_page_attr):
 * every leaf entry whose permissions change is accounted for, primary
 * mapping and aliases alike, and widening changes of immutable page frames
 * are refused before anything is modified.
 */

#define pr_fmt(fmt) "heki: " fmt

#include <linux/export.h>
#include <linux/heki.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <asm/heki.h>
#include <kunit/visibility.h>

/* Permissions granted by a leaf entry with @flags below upper levels. */
static unsigned long leaf_perms(pgprotval_t flags, bool upper_nx,
				bool upper_rw)
{
	unsigned long perms;

	if (!(flags & _PAGE_PRESENT))
		return 0;
	perms = HEKI_ATTR_MEM_READ;
	if (upper_rw && (flags & _PAGE_RW))
		perms |= HEKI_ATTR_MEM_WRITE;
	if (!upper_nx && !(flags & _PAGE_NX))
		perms |= HEKI_ATTR_MEM_EXEC;
	return perms;
}

static void emit(heki_walk_fn fn, void *data, unsigned long addr,
		 unsigned long next, unsigned long base_pfn,
		 unsigned long leaf_mask, pgprotval_t flags, bool nx, bool rw)
{
	unsigned long perms = leaf_perms(flags, nx, rw);

	if (!perms)
		return;
	fn(data, addr, base_pfn + ((addr & ~leaf_mask) >> PAGE_SHIFT),
	   (next - addr) >> PAGE_SHIFT, perms);
}

static void walk_pmd(pud_t *pud, unsigned long addr, unsigned long end,
		     heki_walk_fn fn, void *data, bool nx, bool rw)
{
	pmd_t *pmd = pmd_offset(pud, addr);
	unsigned long next;

	for (; addr < end; pmd++, addr = next) {
		pmd_t entry = pmdp_get(pmd);
		bool pnx = nx, prw = rw;
		pte_t *pte;

		next = pmd_addr_end(addr, end);
		if (pmd_none(entry) || !pmd_present(entry))
			continue;
		if (pmd_leaf(entry)) {
			emit(fn, data, addr, next, pmd_pfn(entry), PMD_MASK,
			     pmd_flags(entry), nx, rw);
			continue;
		}
		pnx |= !!(pmd_flags(entry) & _PAGE_NX);
		prw &= !!(pmd_flags(entry) & _PAGE_RW);
		pte = pte_offset_kernel(pmd, addr);
		for (; addr < next; pte++, addr += PAGE_SIZE) {
			pte_t p = ptep_get(pte);

			emit(fn, data, addr, addr + PAGE_SIZE, pte_pfn(p),
			     PAGE_MASK, pte_flags(p), pnx, prw);
		}
	}
}

static void walk_pud(p4d_t *p4d, unsigned long addr, unsigned long end,
		     heki_walk_fn fn, void *data, bool nx, bool rw)
{
	pud_t *pud = pud_offset(p4d, addr);
	unsigned long next;

	for (; addr < end; pud++, addr = next) {
		pud_t entry = pudp_get(pud);

		next = pud_addr_end(addr, end);
		if (pud_none(entry) || !pud_present(entry))
			continue;
		if (pud_leaf(entry)) {
			emit(fn, data, addr, next, pud_pfn(entry), PUD_MASK,
			     pud_flags(entry), nx, rw);
			continue;
		}
		walk_pmd(pud, addr, next, fn, data,
			 nx || (pud_flags(entry) & _PAGE_NX),
			 rw && (pud_flags(entry) & _PAGE_RW));
	}
}

static void walk_p4d(pgd_t *pgd, unsigned long addr, unsigned long end,
		     heki_walk_fn fn, void *data, bool nx, bool rw)
{
	p4d_t *p4d = p4d_offset(pgd, addr);
	unsigned long next;

	for (; addr < end; p4d++, addr = next) {
		p4d_t entry = p4dp_get(p4d);

		next = p4d_addr_end(addr, end);
		if (p4d_none(entry) || !p4d_present(entry))
			continue;
		walk_pud(p4d, addr, next, fn, data,
			 nx || (p4d_flags(entry) & _PAGE_NX),
			 rw && (p4d_flags(entry) & _PAGE_RW));
	}
}

/**
 * heki_arch_walk() - Walk the kernel page tables over a range
 * @start: First virtual address, page aligned.
 * @end: End virtual address (exclusive), page aligned.
 * @fn: Called for every present leaf (clipped to the range), 1 GiB and
 *      2 MiB leaves included, with the permissions it grants once the
 *      upper levels are taken into account.
 * @data: Passed to @fn.
 *
 * Return: 0, or -EINVAL for a misaligned or empty range.
 */
int heki_arch_walk(unsigned long start, unsigned long end, heki_walk_fn fn,
		   void *data)
{
	unsigned long addr, next;
	pgd_t *pgd;

	if (!PAGE_ALIGNED(start) || !PAGE_ALIGNED(end) || end <= start)
		return -EINVAL;

	pgd = pgd_offset_k(start);
	for (addr = start; addr < end; pgd++, addr = next) {
		pgd_t entry = pgdp_get(pgd);

		next = pgd_addr_end(addr, end);
		if (pgd_none(entry) || !pgd_present(entry))
			continue;
		walk_p4d(pgd, addr, next, fn, data,
			 pgd_flags(entry) & _PAGE_NX,
			 pgd_flags(entry) & _PAGE_RW);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(heki_arch_walk);

/**
 * heki_arch_walk_kernel() - Walk every kernel mapping HEKI accounts for
 * @fn: Called for every present leaf, see heki_arch_walk().
 * @data: Passed to @fn.
 *
 * Covers the direct map, the vmalloc and ioremap area, the kernel image
 * map and the module area.
 *
 * Return: 0 or a negative errno.
 */
int heki_arch_walk_kernel(heki_walk_fn fn, void *data)
{
	const struct {
		unsigned long start;
		unsigned long end;
	} areas[] = {
		{ PAGE_OFFSET, PAGE_OFFSET + PFN_PHYS(max_pfn_mapped) },
		{ VMALLOC_START, VMALLOC_END + 1 },
		{ __START_KERNEL_map, MODULES_END },
	};
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(areas); i++) {
		ret = heki_arch_walk(areas[i].start, areas[i].end, fn, data);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(heki_arch_walk_kernel);

/**
 * heki_cpa_update() - Account for a leaf entry whose protection changes
 * @pfn: First page frame the entry maps.
 * @npages: Number of page frames.
 * @old_prot: Protection before the change.
 * @new_prot: Protection after the change.
 * @nx: An upper level forbids execution.
 * @rw: Every upper level allows writes.
 *
 * Called by the page attribute code right before it writes a leaf entry.
 */
void heki_cpa_update(unsigned long pfn, unsigned long npages,
		     pgprot_t old_prot, pgprot_t new_prot, bool nx, bool rw)
{
	unsigned long old_perms = leaf_perms(pgprot_val(old_prot), nx, rw);
	unsigned long new_perms = leaf_perms(pgprot_val(new_prot), nx, rw);

	if (old_perms != new_perms)
		heki_account(pfn, npages, old_perms, new_perms);
}

/* Functions of the page attribute code, skipped to find the caller. */
static const char *const cpa_prefixes[] = {
	"heki_cpa_check", "change_page_attr", "__change_page_attr", "cpa_",
	"set_memory_", "_set_memory_", "__set_memory_", "set_pages_",
	"_set_pages_", "__set_pages_", "set_direct_map_",
};

static bool cpa_internal(unsigned long addr)
{
	char name[KSYM_NAME_LEN];
	unsigned int i;

	if (lookup_symbol_name(addr, name))
		return false;
	for (i = 0; i < ARRAY_SIZE(cpa_prefixes); i++)
		if (str_has_prefix(name, cpa_prefixes[i]))
			return true;
	return false;
}

/* The first return address outside the page attribute code. */
static unsigned long cpa_site(void)
{
	unsigned long entries[16];
	unsigned int nr, i;

	nr = stack_trace_save(entries, ARRAY_SIZE(entries), 0);
	for (i = 0; i < nr; i++)
		if (!cpa_internal(entries[i]))
			return entries[i];
	return nr ? entries[nr - 1] : _RET_IP_;
}

/**
 * heki_cpa_check() - Refuse a page attribute change widening immutables
 * @addr: Virtual address, or array of addresses if @addr_array.
 * @numpages: Number of pages.
 * @mask_set: Protection bits to set.
 * @mask_clr: Protection bits to clear.
 * @addr_array: @addr is an array of @numpages addresses.
 * @pages: If not NULL, the array of pages to change instead of @addr.
 *
 * Called by __change_page_attr_set_clr() for the primary mapping before
 * anything is modified, so for every set_memory_*(), set_pages_*() and
 * set_direct_map_*() change. Only changes that can grant a permission (set
 * present or writable, clear no-execute) are looked at, and only after the
 * end of boot. Aliases need no walk of their own: they map the same page
 * frames and only ever get a subset of the primary change.
 *
 * Return: 0 if the change may proceed, -EPERM if it would widen the
 * permission of an immutable page frame.
 */
int heki_cpa_check(unsigned long *addr, unsigned long numpages,
		   pgprot_t mask_set, pgprot_t mask_clr, bool addr_array,
		   struct page **pages)
{
	unsigned long i = 0;

	if (!heki_enforcing())
		return 0;
	if (!(pgprot_val(mask_set) & (_PAGE_PRESENT | _PAGE_RW)) &&
	    !(pgprot_val(mask_clr) & _PAGE_NX))
		return 0;

	while (i < numpages) {
		unsigned long va, pfn, n = 1, widened;
		pgprotval_t flags;
		unsigned int level;
		bool nx, rw;
		pte_t *kpte;

		if (pages)
			va = (unsigned long)page_address(pages[i]);
		else if (addr_array)
			va = addr[i];
		else
			va = *addr + i * PAGE_SIZE;

		kpte = lookup_address_in_pgd_attr(pgd_offset_k(va), va, &level,
						  &nx, &rw);
		if (!kpte || level > PG_LEVEL_1G || pte_none(*kpte)) {
			i++;
			continue;
		}
		if (level == PG_LEVEL_4K) {
			pfn = pte_pfn(*kpte);
			flags = pte_flags(*kpte);
		} else if (level == PG_LEVEL_2M) {
			pfn = pmd_pfn(*(pmd_t *)kpte);
			flags = pmd_flags(*(pmd_t *)kpte);
		} else {
			pfn = pud_pfn(*(pud_t *)kpte);
			flags = pud_flags(*(pud_t *)kpte);
		}
		if (level != PG_LEVEL_4K) {
			pfn += (va & ~page_level_mask(level)) >> PAGE_SHIFT;
			if (!pages && !addr_array)
				n = ((va | ~page_level_mask(level)) + 1 - va) >>
				    PAGE_SHIFT;
		}
		n = min(n, numpages - i);

		flags &= ~pgprot_val(mask_clr);
		flags |= pgprot_val(mask_set);
		widened = heki_widening(pfn, n, leaf_perms(flags, nx, rw));
		if (widened)
			return heki_refuse(pfn, n, widened, cpa_site());
		i += n;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(heki_cpa_check);
