// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - recording test backend
 *
 * Backend operations take no context, so the backend of the running test is
 * global; KUnit runs the cases of these suites one at a time.
 */

#include <linux/minmax.h>
#include <linux/string.h>

#include "backend.h"

static struct heki_test_backend *current_backend;

/* Whether @ranges are non-empty, sorted by physical address and disjoint. */
static bool ordered(const struct heki_range *ranges, unsigned long nranges)
{
	unsigned long i;

	for (i = 0; i < nranges; i++) {
		if (ranges[i].epa <= ranges[i].pa)
			return false;
		if (i && ranges[i].pa < ranges[i - 1].epa)
			return false;
	}
	return true;
}

static int record(enum heki_test_op op, const struct heki_range *ranges,
		  unsigned long nranges)
{
	struct heki_test_backend *b = current_backend;

	b->calls[op]++;
	b->nranges = nranges;
	b->ordered = ordered(ranges, nranges);
	b->ranges = kunit_kmalloc_array(b->test, max(nranges, 1UL),
					sizeof(*b->ranges), GFP_KERNEL);
	if (!b->ranges)
		return -ENOMEM;
	memcpy(b->ranges, ranges, nranges * sizeof(*ranges));
	return b->ret[op];
}

static int test_lock_regs(void)
{
	current_backend->calls[HEKI_TEST_LOCK_REGS]++;
	return current_backend->ret[HEKI_TEST_LOCK_REGS];
}

static int test_protect_memory(const struct heki_range *ranges,
			       unsigned long nranges)
{
	return record(HEKI_TEST_PROTECT_MEMORY, ranges, nranges);
}

static int test_load_kdata(const struct heki_range *ranges,
			   unsigned long nranges)
{
	return record(HEKI_TEST_LOAD_KDATA, ranges, nranges);
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

static int test_validate_module(const struct heki_range *ranges,
				unsigned long nranges, u64 *token)
{
	int ret = record(HEKI_TEST_VALIDATE_MODULE, ranges, nranges);

	if (!ret)
		*token = current_backend->token;
	return ret;
}

static int test_free_module_init(u64 token)
{
	current_backend->calls[HEKI_TEST_FREE_MODULE_INIT]++;
	current_backend->token = token;
	return current_backend->ret[HEKI_TEST_FREE_MODULE_INIT];
}

static int test_unload_module(u64 token)
{
	current_backend->calls[HEKI_TEST_UNLOAD_MODULE]++;
	current_backend->token = token;
	return current_backend->ret[HEKI_TEST_UNLOAD_MODULE];
}

/**
 * heki_test_backend_new() - Make the recording backend of a test
 * @test: The running test.
 *
 * Return: a zeroed backend with every operation set, or NULL.
 */
static int test_patch_text(const struct heki_text_poke *pokes, unsigned int n)
{
	current_backend->calls[HEKI_TEST_PATCH_TEXT]++;
	current_backend->pokes = n;
	return current_backend->ret[HEKI_TEST_PATCH_TEXT];
}

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
	b->hv.validate_module = test_validate_module;
	b->hv.free_module_init = test_free_module_init;
	b->hv.unload_module = test_unload_module;
	b->hv.patch_text = test_patch_text;
	current_backend = b;
	return b;
}
