// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - permission counters
 *
 * For every page frame, the number of kernel mappings that grant read, write
 * and execute. Page frames are grouped in runs of equal counters kept in a
 * red-black tree, so the memory used grows with the number of runs, not with
 * the amount of RAM.
 */

#define pr_fmt(fmt) "heki: " fmt

#include <linux/export.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "heki.h"

#define NR_PERMS	3
/* Spare runs kept after an update; more are freed. */
#define POOL_MAX	32
/* Attempts to get enough spare runs before an update is given up. */
#define UPDATE_TRIES	3

static unsigned long run_perms(const struct heki_run *run)
{
	unsigned long perms = 0;
	int i;

	for (i = 0; i < NR_PERMS; i++)
		if (run->count[i])
			perms |= BIT(i);
	return perms;
}

static bool run_empty(const struct heki_run *run)
{
	return !run_perms(run);
}

static bool runs_equal(const struct heki_run *a, const struct heki_run *b)
{
	return !memcmp(a->count, b->count, sizeof(a->count));
}

static struct heki_run *next_run(struct heki_run *run)
{
	struct rb_node *node = rb_next(&run->node);

	return node ? rb_entry(node, struct heki_run, node) : NULL;
}

static struct heki_run *prev_run(struct heki_run *run)
{
	struct rb_node *node = rb_prev(&run->node);

	return node ? rb_entry(node, struct heki_run, node) : NULL;
}

/* First run that ends after @pfn, i.e. contains it or follows it. */
static struct heki_run *find_run(struct heki_counters *c, unsigned long pfn)
{
	struct rb_node *node = c->root.rb_node;
	struct heki_run *found = NULL;

	while (node) {
		struct heki_run *run = rb_entry(node, struct heki_run, node);

		if (run->end > pfn) {
			found = run;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found;
}

static void insert_run(struct heki_counters *c, struct heki_run *new)
{
	struct rb_node **link = &c->root.rb_node, *parent = NULL;

	while (*link) {
		struct heki_run *run = rb_entry(*link, struct heki_run, node);

		parent = *link;
		if (new->start < run->start)
			link = &(*link)->rb_left;
		else
			link = &(*link)->rb_right;
	}
	rb_link_node(&new->node, parent, link);
	rb_insert_color(&new->node, &c->root);
	c->nr_runs++;
}

static struct heki_run *take_run(struct heki_counters *c)
{
	struct heki_run *run = c->free;

	c->free = run->next_free;
	c->nr_free--;
	memset(run, 0, sizeof(*run));
	return run;
}

static void put_run(struct heki_counters *c, struct heki_run *run)
{
	rb_erase(&run->node, &c->root);
	c->nr_runs--;
	run->next_free = c->free;
	c->free = run;
	c->nr_free++;
}

static void free_chain(struct heki_run *run)
{
	while (run) {
		struct heki_run *next = run->next_free;

		kfree(run);
		run = next;
	}
}

/* Runs an update of [@start, @end) needs beyond the ones already stored. */
static unsigned long runs_needed(struct heki_counters *c, unsigned long start,
				 unsigned long end, bool grows)
{
	struct heki_run *run = find_run(c, start);
	unsigned long pos = start, needed = 0;

	if (run && run->start < start)
		needed++;
	for (; run && run->start < end; run = next_run(run)) {
		if (grows && run->start > pos)
			needed++;
		if (run->end > end)
			needed++;
		pos = run->end;
	}
	if (grows && pos < end)
		needed++;
	return needed;
}

/* Makes @pfn a run boundary. */
static void split_at(struct heki_counters *c, unsigned long pfn)
{
	struct heki_run *run = find_run(c, pfn), *tail;

	if (!run || run->start >= pfn)
		return;
	tail = take_run(c);
	tail->start = pfn;
	tail->end = run->end;
	memcpy(tail->count, run->count, sizeof(tail->count));
	run->end = pfn;
	insert_run(c, tail);
}

static void apply_delta(struct heki_counters *c, struct heki_run *run,
			const int *delta)
{
	int i;

	for (i = 0; i < NR_PERMS; i++) {
		if (delta[i] > 0) {
			run->count[i]++;
		} else if (delta[i] < 0) {
			if (run->count[i])
				run->count[i]--;
			else
				c->underflows++;
		}
	}
}

static void count_missing(struct heki_counters *c, const int *delta)
{
	int i;

	for (i = 0; i < NR_PERMS; i++)
		if (delta[i] < 0)
			c->underflows++;
}

static struct heki_run *add_gap(struct heki_counters *c, unsigned long start,
				unsigned long end)
{
	struct heki_run *gap = take_run(c);

	gap->start = start;
	gap->end = end;
	insert_run(c, gap);
	return gap;
}

/* Drops empty runs and merges equal neighbours around [@start, @end]. */
static void tidy(struct heki_counters *c, unsigned long start,
		 unsigned long end)
{
	struct heki_run *run = find_run(c, start), *prev = NULL, *next;

	if (run)
		prev = prev_run(run);
	for (; run && run->start <= end; run = next) {
		next = next_run(run);
		if (run_empty(run)) {
			put_run(c, run);
			continue;
		}
		if (prev && prev->end == run->start && runs_equal(prev, run)) {
			prev->end = run->end;
			put_run(c, run);
			continue;
		}
		prev = run;
	}
}

static void update_locked(struct heki_counters *c, unsigned long start,
			  unsigned long end, const int *delta, bool grows)
{
	struct heki_run *run;
	unsigned long pos = start;

	split_at(c, start);
	split_at(c, end);
	for (run = find_run(c, start); run && run->start < end;
	     run = next_run(run)) {
		if (run->start > pos) {
			if (grows)
				apply_delta(c, add_gap(c, pos, run->start),
					    delta);
			else
				count_missing(c, delta);
		}
		apply_delta(c, run, delta);
		pos = run->end;
	}
	if (pos < end) {
		if (grows)
			apply_delta(c, add_gap(c, pos, end), delta);
		else
			count_missing(c, delta);
	}
	tidy(c, start, end);
}

/* Detaches spare runs beyond POOL_MAX so they can be freed unlocked. */
static struct heki_run *trim_pool(struct heki_counters *c)
{
	struct heki_run *chain = NULL;

	while (c->nr_free > POOL_MAX) {
		struct heki_run *run = c->free;

		c->free = run->next_free;
		c->nr_free--;
		run->next_free = chain;
		chain = run;
	}
	return chain;
}

static struct heki_run *alloc_chain(unsigned long nr)
{
	struct heki_run *chain = NULL;

	while (nr--) {
		struct heki_run *run = kzalloc_obj(*run,
						   GFP_ATOMIC | __GFP_NOWARN);

		if (!run) {
			free_chain(chain);
			return NULL;
		}
		run->next_free = chain;
		chain = run;
	}
	return chain;
}

static void give_chain(struct heki_counters *c, struct heki_run *chain)
{
	while (chain) {
		struct heki_run *next = chain->next_free;

		chain->next_free = c->free;
		c->free = chain;
		c->nr_free++;
		chain = next;
	}
}

/**
 * heki_counters_init() - Initialise empty permission counters
 * @c: Counters to initialise.
 */
void heki_counters_init(struct heki_counters *c)
{
	memset(c, 0, sizeof(*c));
	c->root = RB_ROOT;
}
EXPORT_SYMBOL_IF_KUNIT(heki_counters_init);

/**
 * heki_counters_destroy() - Free all memory held by permission counters
 * @c: Counters, not used concurrently.
 */
void heki_counters_destroy(struct heki_counters *c)
{
	struct heki_run *run, *next;

	rbtree_postorder_for_each_entry_safe(run, next, &c->root, node)
		kfree(run);
	free_chain(c->free);
	heki_counters_init(c);
}
EXPORT_SYMBOL_IF_KUNIT(heki_counters_destroy);

/**
 * heki_counters_update() - Account for a mapping whose permissions change
 * @c: Counters.
 * @lock: Lock serialising @c; taken here with interrupts disabled.
 * @pfn: First page frame the mapping covers.
 * @npages: Number of page frames.
 * @old_perms: Permissions the mapping granted (0 for a new mapping).
 * @new_perms: Permissions it grants now (0 when it goes away).
 *
 * Memory for new runs is allocated without @lock held, so this may be
 * called from any context where GFP_ATOMIC allocations are allowed,
 * including under the page attribute lock.
 *
 * Return: 0 on success, -EINVAL if the range wraps around, -ENOMEM if the
 * update was dropped for lack of memory (it is counted in &heki_counters.lost).
 */
int heki_counters_update(struct heki_counters *c, spinlock_t *lock,
			 unsigned long pfn, unsigned long npages,
			 unsigned long old_perms, unsigned long new_perms)
{
	unsigned long end = pfn + npages, flags, needed;
	int delta[NR_PERMS], tries, i;
	struct heki_run *chain;
	bool grows = false;

	old_perms &= HEKI_PERM_MASK;
	new_perms &= HEKI_PERM_MASK;
	if (end < pfn)
		return -EINVAL;
	if (!npages || old_perms == new_perms)
		return 0;

	for (i = 0; i < NR_PERMS; i++) {
		delta[i] = !!(new_perms & BIT(i)) - !!(old_perms & BIT(i));
		if (delta[i] > 0)
			grows = true;
	}

	for (tries = 0; tries < UPDATE_TRIES; tries++) {
		spin_lock_irqsave(lock, flags);
		needed = runs_needed(c, pfn, end, grows);
		if (needed <= c->nr_free) {
			update_locked(c, pfn, end, delta, grows);
			chain = trim_pool(c);
			spin_unlock_irqrestore(lock, flags);
			free_chain(chain);
			return 0;
		}
		needed -= c->nr_free;
		spin_unlock_irqrestore(lock, flags);

		chain = alloc_chain(needed);
		if (!chain)
			break;
		spin_lock_irqsave(lock, flags);
		give_chain(c, chain);
		spin_unlock_irqrestore(lock, flags);
	}

	spin_lock_irqsave(lock, flags);
	c->lost++;
	spin_unlock_irqrestore(lock, flags);
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(heki_counters_update);

/**
 * heki_counters_perms() - Cumulative permission of page frames
 * @c: Counters; the caller serialises access.
 * @pfn: First page frame.
 * @npages: Number of page frames.
 *
 * Return: the union of the HEKI_ATTR_MEM_{READ,WRITE,EXEC} bits whose
 * counter is not zero on any page of the range.
 */
unsigned long heki_counters_perms(struct heki_counters *c, unsigned long pfn,
				  unsigned long npages)
{
	unsigned long end = pfn + npages, perms = 0;
	struct heki_run *run;

	for (run = find_run(c, pfn); run && run->start < end;
	     run = next_run(run))
		perms |= run_perms(run);
	return perms;
}
EXPORT_SYMBOL_IF_KUNIT(heki_counters_perms);

/**
 * heki_counters_count() - Value of one counter of one page frame
 * @c: Counters; the caller serialises access.
 * @pfn: Page frame.
 * @perm: One of HEKI_ATTR_MEM_{READ,WRITE,EXEC}.
 *
 * Return: how many mappings grant @perm on @pfn.
 */
unsigned int heki_counters_count(struct heki_counters *c, unsigned long pfn,
				 unsigned long perm)
{
	struct heki_run *run = find_run(c, pfn);
	int i;

	if (!run || run->start > pfn)
		return 0;
	for (i = 0; i < NR_PERMS; i++)
		if (perm == BIT(i))
			return run->count[i];
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(heki_counters_count);

/**
 * heki_counters_for_each() - Visit the maximal runs of equal permission
 * @c: Counters; the caller serialises access.
 * @fn: Called for each run of contiguous page frames with the same
 *      non-zero cumulative permission, in ascending order.
 * @data: Passed to @fn.
 *
 * Return: 0, or the first non-zero value @fn returned (which stops the walk).
 */
int heki_counters_for_each(struct heki_counters *c, heki_segment_fn fn,
			   void *data)
{
	unsigned long start = 0, end = 0, perms = 0;
	struct rb_node *node;
	int ret;

	for (node = rb_first(&c->root); node; node = rb_next(node)) {
		struct heki_run *run = rb_entry(node, struct heki_run, node);
		unsigned long p = run_perms(run);

		if (perms && run->start == end && p == perms) {
			end = run->end;
			continue;
		}
		if (perms) {
			ret = fn(data, start, end, perms);
			if (ret)
				return ret;
		}
		start = run->start;
		end = run->end;
		perms = p;
	}
	return perms ? fn(data, start, end, perms) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(heki_counters_for_each);

/**
 * heki_counters_bytes() - Memory used by permission counters
 * @c: Counters; the caller serialises access.
 *
 * Return: bytes allocated for runs, spare runs included.
 */
size_t heki_counters_bytes(struct heki_counters *c)
{
	return (c->nr_runs + c->nr_free) *
	       kmalloc_size_roundup(sizeof(struct heki_run));
}
EXPORT_SYMBOL_IF_KUNIT(heki_counters_bytes);
