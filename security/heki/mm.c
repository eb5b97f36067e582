// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - kernel mapping hooks
 *
 * The hooks the architecture's page attribute code and the mm code call
 * where they write kernel page tables: they keep the permission counters
 * current once tracking started, and after the end of boot tell the page
 * attribute code which changes would widen the permissions of immutable
 * page frames.
 */

#define pr_fmt(fmt) "heki: " fmt

#include <linux/export.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>

#include "heki.h"

/**
 * heki_core_account() - Account for a mapping whose permissions change
 * @core: Instance.
 * @pfn: First page frame of the mapping.
 * @npages: Number of page frames.
 * @old_perms: HEKI_ATTR_MEM_* permissions granted before (0 if new).
 * @new_perms: Permissions granted after (0 if the mapping goes away).
 *
 * Nothing happens until the instance tracks mappings, i.e. before its
 * counters are initialised. May be called from any context.
 */
void heki_core_account(struct heki_core *core, unsigned long pfn,
		       unsigned long npages, unsigned long old_perms,
		       unsigned long new_perms)
{
	if (!READ_ONCE(core->tracking))
		return;
	heki_counters_update(&core->counters, &core->lock, pfn, npages,
			     old_perms, new_perms);
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_account);

/**
 * heki_core_widening() - Permissions a mapping change would add to immutables
 * @core: Instance.
 * @pfn: First page frame the changed mapping covers.
 * @npages: Number of page frames.
 * @perms: HEKI_ATTR_MEM_* permissions the mapping is about to grant.
 *
 * After the end of boot, a mapping of an immutable page frame may not grant
 * a permission the frame did not have when it was sealed. Narrowing is
 * always allowed.
 *
 * Return: the permissions the change would add to immutable frames, 0 if
 * it is allowed.
 */
unsigned long heki_core_widening(struct heki_core *core, unsigned long pfn,
				 unsigned long npages, unsigned long perms)
{
	unsigned long end = pfn + npages, flags, widened = 0;
	unsigned int i;

	if (!READ_ONCE(core->sealed))
		return 0;

	spin_lock_irqsave(&core->lock, flags);
	for (i = 0; i < core->nr_spans; i++) {
		const struct heki_span *span = &core->spans[i];

		if (span->start < end && pfn < span->end)
			widened |= perms & ~span->perms & HEKI_PERM_MASK;
	}
	spin_unlock_irqrestore(&core->lock, flags);
	return widened;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_widening);

/**
 * heki_account() - Account for a kernel mapping whose permissions change
 * @pfn: First page frame of the mapping.
 * @npages: Number of page frames.
 * @old_perms: HEKI_ATTR_MEM_* permissions granted before (0 if new).
 * @new_perms: Permissions granted after (0 if the mapping goes away).
 *
 * Called by the architecture's page attribute code for every leaf entry it
 * changes. May be called from any context.
 */
void heki_account(unsigned long pfn, unsigned long npages,
		  unsigned long old_perms, unsigned long new_perms)
{
	heki_core_account(&heki_core, pfn, npages, old_perms, new_perms);
}

/**
 * heki_widening() - Permissions a kernel mapping change adds to immutables
 * @pfn: First page frame the changed mapping covers.
 * @npages: Number of page frames.
 * @perms: HEKI_ATTR_MEM_* permissions the mapping is about to grant.
 *
 * Return: the permissions the change would add to immutable page frames
 * after the end of boot; 0 if the change is allowed.
 */
unsigned long heki_widening(unsigned long pfn, unsigned long npages,
			    unsigned long perms)
{
	return heki_core_widening(&heki_core, pfn, npages, perms);
}

/**
 * heki_refuse() - Count and log a refused kernel mapping change
 * @pfn: First page frame the refused change covers.
 * @npages: Number of page frames.
 * @widened: Permissions it would have added, from heki_widening().
 * @site: Address of the code that asked for the change; logged once.
 *
 * Return: -EPERM, for the caller to return.
 */
int heki_refuse(unsigned long pfn, unsigned long npages,
		unsigned long widened, unsigned long site)
{
	return heki_core_refuse(&heki_core, pfn, npages, widened, site);
}

/**
 * heki_enforcing() - Whether mapping changes are checked
 *
 * Return: true after the end of boot, when changes may be refused.
 */
bool heki_enforcing(void)
{
	return READ_ONCE(heki_core.sealed);
}

struct walk_acc {
	struct heki_core *core;
	bool unmap;
	unsigned long pfn;
	unsigned long npages;
	unsigned long perms;
};

static void walk_flush(struct walk_acc *acc)
{
	if (!acc->npages)
		return;
	if (acc->unmap)
		heki_core_account(acc->core, acc->pfn, acc->npages,
				  acc->perms, 0);
	else
		heki_core_account(acc->core, acc->pfn, acc->npages, 0,
				  acc->perms);
	acc->npages = 0;
}

/* Accumulates contiguous leaves of equal permission before accounting. */
static void walk_leaf(void *data, unsigned long va, unsigned long pfn,
		      unsigned long npages, unsigned long perms)
{
	struct walk_acc *acc = data;

	if (acc->npages && acc->pfn + acc->npages == pfn &&
	    acc->perms == perms) {
		acc->npages += npages;
		return;
	}
	walk_flush(acc);
	acc->pfn = pfn;
	acc->npages = npages;
	acc->perms = perms;
}

static void walk_range(unsigned long start, unsigned long end, bool unmap)
{
	struct walk_acc acc = { .core = &heki_core, .unmap = unmap };

	if (!READ_ONCE(heki_core.tracking))
		return;
	heki_arch_walk(start, end, walk_leaf, &acc);
	walk_flush(&acc);
}

/**
 * heki_map_range() - Account for the kernel mappings of a range
 * @start: First virtual address, page aligned.
 * @end: End virtual address (exclusive), page aligned.
 *
 * Called by the code that writes kernel page tables outside the page
 * attribute code (vmap, vunmap, apply_to_page_range() on init_mm) once it
 * created or changed the mappings of [@start, @end).
 */
void heki_map_range(unsigned long start, unsigned long end)
{
	walk_range(start, end, false);
}

/**
 * heki_unmap_range() - Stop accounting for the kernel mappings of a range
 * @start: First virtual address, page aligned.
 * @end: End virtual address (exclusive), page aligned.
 *
 * Called before the mappings of [@start, @end) are removed or changed;
 * heki_map_range() accounts for the result of a change.
 */
void heki_unmap_range(unsigned long start, unsigned long end)
{
	walk_range(start, end, true);
}

/**
 * heki_core_start_tracking() - Initialise the counters and follow mappings
 * @core: Instance whose counters are still empty.
 *
 * Counts every kernel mapping the architecture's walker reports; from then
 * on the hooks of this file keep the counters current. Called once, at the
 * end of boot.
 *
 * Return: 0 on success, or the error of the walk (tracking is off then).
 */
int heki_core_start_tracking(struct heki_core *core)
{
	struct walk_acc acc = { .core = core };
	int ret;

	WRITE_ONCE(core->tracking, true);
	ret = heki_arch_walk_kernel(walk_leaf, &acc);
	walk_flush(&acc);
	if (ret) {
		WRITE_ONCE(core->tracking, false);
		return ret;
	}
	spin_lock_irq(&core->lock);
	pr_info("permission counters: %lu runs, %zu bytes\n",
		core->counters.nr_runs, heki_counters_bytes(&core->counters));
	spin_unlock_irq(&core->lock);
	return 0;
}
