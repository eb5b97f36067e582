// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): VTL0 memory protections.
 *
 * VTL1 sets what VTL0 may do with each page through
 * HvCallModifyVtlProtectionMask and keeps a record of it: a sorted array of
 * runs of pages with the same mask. Pages outside the record have the
 * partition's default, everything but kernel execute. Its size is bounded
 * by the number of runs, not by the amount of VTL0 memory.
 *
 * A set of changes is applied all or nothing: the record of the result is
 * built before anything is changed, and if the hypervisor refuses a change,
 * every page changed so far gets its mask from the old record back.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/errno.h>
#include <linux/irqflags.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <asm/mshyperv.h>

#include "../hv_vsm_hvcall.h"
#include "vtl1.h"

/*
 * What VTL0 may do with a page VTL1 never changed: anything but run kernel
 * code. hv_vsm_vtl1_arm() gives VTL0's RAM full access.
 */
#define HV_VSM_DEFAULT_MASK	(HV_MAP_GPA_READABLE | HV_MAP_GPA_WRITABLE | \
				 HV_MAP_GPA_USER_EXECUTABLE)

/* 384 KiB at most; HEKI needs a few dozen runs. */
#define HV_VSM_MAX_PROT_RUNS	16384

#define HV_VSM_PFNS_PER_CALL \
	((HV_HYP_PAGE_SIZE - sizeof(struct hv_input_modify_vtl_protection_mask)) / \
	 sizeof(u64))

/* The record, sorted and disjoint; changed by one VTL call at a time. */
static struct hv_vsm_vtl1_prot_run *hv_vsm_vtl1_prot;
static unsigned int hv_vsm_vtl1_nr_prot;
/* A change could not be undone: the record is no longer exact. */
static bool hv_vsm_vtl1_prot_unknown;

/**
 * hv_vsm_vtl1_enable_protections() - Enable VTL protections for the partition
 *
 * Every page gets the default mask for VTL0 until VTL1 changes it; the
 * default cannot be changed afterwards.
 *
 * Return: 0 or a negative errno.
 */
int hv_vsm_vtl1_enable_protections(void)
{
	union hv_register_vsm_partition_config config = {
		.enable_vtl_protection = 1,
		.default_vtl_protection_mask = HV_VSM_DEFAULT_MASK,
	};

	return hv_vsm_set_vp_reg64(HV_VSM_INPUT_SELF,
				   HV_REGISTER_VSM_PARTITION_CONFIG,
				   config.as_uint64);
}

/**
 * hv_vsm_vtl1_seal_protections() - Fix VTL0's protections for the end of boot
 *
 * Every page still writable and kernel-executable, which PROTECT_MEMORY
 * left as hv_vsm_vtl1_arm() made it or asked for, loses kernel execute:
 * from now on no page of VTL0 is both. Then DenyLowerVtlStartup keeps VTL0
 * from starting or resetting any virtual processor (INIT, startup IPIs,
 * HvCallStartVirtualProcessor), which would take it out of its pinned
 * registers.
 *
 * Context: the VTL call dispatcher, state lock held.
 * Return: 0 or a negative errno.
 */
int hv_vsm_vtl1_seal_protections(void)
{
	union hv_register_vsm_partition_config config = {
		.enable_vtl_protection = 1,
		.default_vtl_protection_mask = HV_VSM_DEFAULT_MASK,
		.deny_lower_vtl_startup = 1,
	};
	struct hv_vsm_vtl1_prot_run *runs;
	unsigned int i, n = 0;
	u64 pages = 0;
	int ret = 0;

	runs = kvmalloc_array(max(hv_vsm_vtl1_nr_prot, 1U), sizeof(*runs),
			      GFP_KERNEL);
	if (!runs)
		return -ENOMEM;
	for (i = 0; i < hv_vsm_vtl1_nr_prot; i++) {
		if (hv_vsm_vtl1_prot[i].mask != HV_MAP_GPA_PERMISSIONS_MASK)
			continue;
		runs[n] = hv_vsm_vtl1_prot[i];
		runs[n++].mask = HV_VSM_DEFAULT_MASK;
		pages += hv_vsm_vtl1_prot[i].end - hv_vsm_vtl1_prot[i].start;
	}
	if (n)
		ret = hv_vsm_vtl1_set_protections(runs, n);
	kvfree(runs);
	if (ret)
		return ret;
	pr_info("end of boot: %llu writable and executable pages of VTL0 lost kernel execute\n",
		pages);
	return hv_vsm_set_vp_reg64(HV_VSM_INPUT_SELF,
				   HV_REGISTER_VSM_PARTITION_CONFIG,
				   config.as_uint64);
}

/*
 * Set the VTL0 protection of @npages pages from @pfn to @mask. Returns the
 * number of pages changed: @npages, or fewer if the hypervisor refused one;
 * the pages from that one on keep their protection.
 */
static u64 hv_vsm_vtl1_modify_protection(u64 pfn, u64 npages, u32 mask)
{
	struct hv_input_modify_vtl_protection_mask *input;
	unsigned long irq_flags;
	u64 status, i, n, done = 0;

	while (done < npages) {
		n = min_t(u64, npages - done, HV_VSM_PFNS_PER_CALL);

		local_irq_save(irq_flags);
		input = *this_cpu_ptr(hyperv_pcpu_input_arg);
		memset(input, 0, sizeof(*input));
		input->partition_id = HV_PARTITION_ID_SELF;
		input->map_flags = mask;
		input->target_vtl.use_target_vtl = 1;
		input->target_vtl.target_vtl = HV_VTL_SECURE;
		for (i = 0; i < n; i++)
			input->gpa_page_list[i] = pfn + done + i;
		status = hv_do_rep_hypercall(HVCALL_MODIFY_VTL_PROTECTION_MASK,
					     n, 0, input, NULL);
		local_irq_restore(irq_flags);

		if (!hv_result_success(status)) {
			pr_err_ratelimited("HvCallModifyVtlProtectionMask(%#llx, %llu, %#x): %#llx\n",
					   pfn + done, n, mask, status);
			return done + min_t(u64, hv_repcomp(status), n);
		}
		done += n;
	}
	return done;
}

static int hv_vsm_vtl1_cmp_run(const void *a, const void *b)
{
	const struct hv_vsm_vtl1_prot_run *ra = a, *rb = b;

	return cmp_int(ra->start, rb->start);
}

/* A record being built; without @out, only counted. */
struct hv_vsm_vtl1_prot_merge {
	struct hv_vsm_vtl1_prot_run *out;
	struct hv_vsm_vtl1_prot_run last;
	unsigned int nr;
};

/* Append pages [@start, @end) with @mask, joined to the last run if alike. */
static void hv_vsm_vtl1_emit(struct hv_vsm_vtl1_prot_merge *m, u64 start, u64 end,
			     u32 mask)
{
	if (start >= end || mask == HV_VSM_DEFAULT_MASK)
		return;
	if (m->nr && m->last.end == start && m->last.mask == mask) {
		m->last.end = end;
	} else {
		m->last = (struct hv_vsm_vtl1_prot_run){ start, end, mask };
		m->nr++;
	}
	if (m->out)
		m->out[m->nr - 1] = m->last;
}

/*
 * The record with @n sorted, disjoint @runs applied over it: where they
 * overlap, the runs win. Returns the number of runs of the result, which is
 * written to @out unless it is NULL.
 */
static unsigned int hv_vsm_vtl1_merge(const struct hv_vsm_vtl1_prot_run *runs,
				      unsigned int n, struct hv_vsm_vtl1_prot_run *out)
{
	const struct hv_vsm_vtl1_prot_run *old = hv_vsm_vtl1_prot;
	struct hv_vsm_vtl1_prot_merge m = { .out = out };
	unsigned int i = 0, j;
	u64 pos = 0;	/* the old record is used up to here */

	for (j = 0; j < n; j++) {
		/* What the old record has before runs[j]. */
		for (; i < hv_vsm_vtl1_nr_prot && old[i].start < runs[j].start; i++) {
			hv_vsm_vtl1_emit(&m, max(old[i].start, pos),
					 min(old[i].end, runs[j].start), old[i].mask);
			if (old[i].end > runs[j].start)
				break;
		}
		hv_vsm_vtl1_emit(&m, runs[j].start, runs[j].end, runs[j].mask);
		pos = runs[j].end;
		while (i < hv_vsm_vtl1_nr_prot && old[i].end <= pos)
			i++;
	}
	for (; i < hv_vsm_vtl1_nr_prot; i++)
		hv_vsm_vtl1_emit(&m, max(old[i].start, pos), old[i].end, old[i].mask);
	return m.nr;
}

/* The first run of the record that ends after page @pfn. */
static unsigned int hv_vsm_vtl1_find_run(u64 pfn)
{
	unsigned int lo = 0, hi = hv_vsm_vtl1_nr_prot, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (hv_vsm_vtl1_prot[mid].end <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/**
 * hv_vsm_vtl1_vtl0_mask() - What VTL0 may do with a page
 * @pfn: the page
 *
 * Context: a VTL call handler, with the dispatcher's state lock held.
 * Return: the HV_MAP_GPA_* mask of the record for @pfn; 0 if the record is
 * no longer exact.
 */
u32 hv_vsm_vtl1_vtl0_mask(u64 pfn)
{
	unsigned int i;

	if (hv_vsm_vtl1_prot_unknown)
		return 0;
	i = hv_vsm_vtl1_find_run(pfn);
	if (i < hv_vsm_vtl1_nr_prot && hv_vsm_vtl1_prot[i].start <= pfn)
		return hv_vsm_vtl1_prot[i].mask;
	return HV_VSM_DEFAULT_MASK;
}

/**
 * hv_vsm_vtl1_prot_exact() - Whether the record of VTL0's protections is exact
 *
 * Context: a VTL call handler, with the dispatcher's state lock held.
 * Return: false once a change could not be undone (see
 * hv_vsm_vtl1_set_protections()).
 */
bool hv_vsm_vtl1_prot_exact(void)
{
	return !hv_vsm_vtl1_prot_unknown;
}

/**
 * hv_vsm_vtl1_vtl0_writable() - Whether VTL0 may write a page itself
 * @pfn: the page
 *
 * VTL1 writes VTL0 memory through its own mapping, which VTL0's
 * protections do not apply to: it must only do so where VTL0 could.
 *
 * Context: a VTL call handler, with the dispatcher's state lock held.
 * Return: true if the record gives VTL0 write access to @pfn; false if it
 * does not, or if the record is no longer exact.
 */
bool hv_vsm_vtl1_vtl0_writable(u64 pfn)
{
	return hv_vsm_vtl1_vtl0_mask(pfn) & HV_MAP_GPA_WRITABLE;
}

/*
 * Set pages [@start, @end) to @mask, going on past any page the hypervisor
 * refuses. Returns the number of pages refused.
 */
static u64 hv_vsm_vtl1_restore_pages(u64 start, u64 end, u32 mask)
{
	u64 refused = 0;

	while (start < end) {
		start += hv_vsm_vtl1_modify_protection(start, end - start, mask);
		if (start < end) {
			refused++;
			start++;
		}
	}
	return refused;
}

/* Give pages [@start, @end) back their mask of the record; false on failure. */
static bool hv_vsm_vtl1_restore(u64 start, u64 end)
{
	unsigned int i = hv_vsm_vtl1_find_run(start);
	bool restored = true;
	u64 stop, refused;
	u32 mask;

	for (; start < end; start = stop) {
		stop = end;
		mask = HV_VSM_DEFAULT_MASK;
		if (i < hv_vsm_vtl1_nr_prot && hv_vsm_vtl1_prot[i].start <= start) {
			stop = min(end, hv_vsm_vtl1_prot[i].end);
			mask = hv_vsm_vtl1_prot[i].mask;
			i++;
		} else if (i < hv_vsm_vtl1_nr_prot) {
			stop = min(end, hv_vsm_vtl1_prot[i].start);
		}
		refused = hv_vsm_vtl1_restore_pages(start, stop, mask);
		if (refused) {
			pr_crit("cannot restore VTL0 protection %#x of %llu pages in %#llx-%#llx\n",
				mask, refused, start, stop - 1);
			restored = false;
		}
	}
	return restored;
}

/*
 * Undo the change of @runs[0..@n-1], of which the last one only reached page
 * @end. Every page is attempted, also after a failure.
 */
static int hv_vsm_vtl1_undo(const struct hv_vsm_vtl1_prot_run *runs, unsigned int n,
			    u64 end)
{
	bool restored = true;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!hv_vsm_vtl1_restore(runs[i].start, i + 1 < n ? runs[i].end : end))
			restored = false;
	if (restored)
		return -EIO;

	hv_vsm_vtl1_prot_unknown = true;
	pr_crit("VTL0 memory protections no longer known exactly, refusing any further change\n");
	return -ENOTRECOVERABLE;
}

/**
 * hv_vsm_vtl1_set_protections() - Change VTL0's memory protections, all or nothing
 * @runs: the pages to change and their new masks; must not overlap, are
 *        sorted here
 * @n: number of runs
 *
 * If the hypervisor refuses to change a page, every page already changed by
 * this call gets its previous mask back. If that fails as well, the pages
 * that could not be restored have their previous or their new mask, and
 * every later call fails with -ENOTRECOVERABLE without changing anything.
 *
 * Context: VTL1 set-up, or a VTL call handler with the dispatcher's state
 * lock held.
 * Return: 0; -ENOSPC if the record would need more than
 * HV_VSM_MAX_PROT_RUNS runs, -ENOMEM, or -EIO if the hypervisor refused a
 * change, with nothing changed; -ENOTRECOVERABLE if a change could not be
 * undone, now or before.
 */
int hv_vsm_vtl1_set_protections(struct hv_vsm_vtl1_prot_run *runs, unsigned int n)
{
	struct hv_vsm_vtl1_prot_run *next;
	unsigned int i, nr_next;
	u64 done;

	if (hv_vsm_vtl1_prot_unknown)
		return -ENOTRECOVERABLE;

	sort(runs, n, sizeof(*runs), hv_vsm_vtl1_cmp_run, NULL);
	nr_next = hv_vsm_vtl1_merge(runs, n, NULL);
	if (nr_next > HV_VSM_MAX_PROT_RUNS)
		return -ENOSPC;
	next = kvmalloc_array(nr_next, sizeof(*next), GFP_KERNEL);
	if (!next)
		return -ENOMEM;
	hv_vsm_vtl1_merge(runs, n, next);

	for (i = 0; i < n; i++) {
		done = hv_vsm_vtl1_modify_protection(runs[i].start,
						     runs[i].end - runs[i].start,
						     runs[i].mask);
		if (done < runs[i].end - runs[i].start) {
			kvfree(next);
			return hv_vsm_vtl1_undo(runs, i + 1, runs[i].start + done);
		}
	}
	kvfree(hv_vsm_vtl1_prot);
	hv_vsm_vtl1_prot = next;
	hv_vsm_vtl1_nr_prot = nr_next;
	return 0;
}
