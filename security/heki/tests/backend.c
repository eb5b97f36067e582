// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - recording test backend
 *
 * Backend operations take no context, so the backend of the running test is
 * global; KUnit runs the cases of these suites one at a time.
 */

#include <linux/io.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "backend.h"

static struct heki_test_backend *current_backend;

static int record_list(enum heki_test_op op, phys_addr_t head_pa,
		       unsigned long nranges)
{
	struct heki_test_backend *b = current_backend;
	unsigned long seen = 0;
	phys_addr_t pa = head_pa;

	b->calls[op]++;
	b->nranges = nranges;
	b->npages = 0;
	b->chain_ok = true;
	b->ranges = kunit_kcalloc(b->test, max(nranges, 1UL),
				  sizeof(*b->ranges), GFP_KERNEL);
	if (!b->ranges) {
		b->chain_ok = false;
		return -ENOMEM;
	}
	while (pa) {
		const struct heki_page *page = phys_to_virt(pa);

		b->npages++;
		if (page->nranges > HEKI_MAX_RANGES ||
		    page->nranges > nranges - seen ||
		    (page->next_pa && page->next_pa != virt_to_phys(page->next))) {
			b->chain_ok = false;
			break;
		}
		memcpy(&b->ranges[seen], page->ranges,
		       page->nranges * sizeof(*page->ranges));
		seen += page->nranges;
		pa = page->next_pa;
	}
	if (seen != nranges)
		b->chain_ok = false;
	return b->ret[op];
}

static int test_lock_regs(void)
{
	current_backend->calls[HEKI_TEST_LOCK_REGS]++;
	return current_backend->ret[HEKI_TEST_LOCK_REGS];
}

static int test_protect_memory(phys_addr_t head_pa, unsigned long nranges)
{
	return record_list(HEKI_TEST_PROTECT_MEMORY, head_pa, nranges);
}

static int test_load_kdata(phys_addr_t head_pa, unsigned long nranges)
{
	return record_list(HEKI_TEST_LOAD_KDATA, head_pa, nranges);
}

static int test_finish_boot(void)
{
	current_backend->calls[HEKI_TEST_FINISH_BOOT]++;
	return current_backend->ret[HEKI_TEST_FINISH_BOOT];
}

static int test_read_violations(struct heki_violation *buf, unsigned int max)
{
	struct heki_test_backend *b = current_backend;
	unsigned int nr = min(max, b->nr_violations);

	b->calls[HEKI_TEST_READ_VIOLATIONS]++;
	if (b->ret[HEKI_TEST_READ_VIOLATIONS])
		return b->ret[HEKI_TEST_READ_VIOLATIONS];
	memcpy(buf, b->violations, nr * sizeof(*buf));
	return nr;
}

/**
 * heki_test_backend_new() - Make the recording backend of a test
 * @test: The running test.
 *
 * Return: a zeroed backend with every operation set, or NULL.
 */
struct heki_test_backend *heki_test_backend_new(struct kunit *test)
{
	struct heki_test_backend *b;

	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	if (!b)
		return NULL;
	b->test = test;
	b->hv.name = "kunit";
	b->hv.lock_regs = test_lock_regs;
	b->hv.protect_memory = test_protect_memory;
	b->hv.load_kdata = test_load_kdata;
	b->hv.finish_boot = test_finish_boot;
	b->hv.read_violations = test_read_violations;
	current_backend = b;
	return b;
}
