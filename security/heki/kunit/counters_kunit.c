// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - KUnit tests of the
 * permission counters
 */

#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "../heki.h"

#define R	HEKI_ATTR_MEM_READ
#define W	HEKI_ATTR_MEM_WRITE
#define X	HEKI_ATTR_MEM_EXEC

struct counters_ctx {
	struct heki_counters c;
	spinlock_t lock;	/* serialises c */
};

static int counters_init(struct kunit *test)
{
	struct counters_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx),
						 GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	heki_counters_init(&ctx->c);
	spin_lock_init(&ctx->lock);
	test->priv = ctx;
	return 0;
}

static void counters_exit(struct kunit *test)
{
	struct counters_ctx *ctx = test->priv;

	heki_counters_destroy(&ctx->c);
}

static int update(struct kunit *test, unsigned long pfn, unsigned long n,
		  unsigned long old_perms, unsigned long new_perms)
{
	struct counters_ctx *ctx = test->priv;

	return heki_counters_update(&ctx->c, &ctx->lock, pfn, n, old_perms,
				    new_perms);
}

static struct heki_counters *counters(struct kunit *test)
{
	return &((struct counters_ctx *)test->priv)->c;
}

static void heki_counters_map_one(struct kunit *test)
{
	struct heki_counters *c = counters(test);

	KUNIT_EXPECT_EQ(test, update(test, 10, 1, 0, R | X), 0);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 1UL);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, 10, 1), R | X);
	KUNIT_EXPECT_EQ(test, heki_counters_count(c, 10, R), 1U);
	KUNIT_EXPECT_EQ(test, heki_counters_count(c, 10, W), 0U);
	KUNIT_EXPECT_EQ(test, heki_counters_count(c, 10, X), 1U);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, 9, 1), 0UL);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, 11, 1), 0UL);
}

static void heki_counters_map_unmap(struct kunit *test)
{
	struct heki_counters *c = counters(test);

	KUNIT_EXPECT_EQ(test, update(test, 100, 50, 0, R | W), 0);
	KUNIT_EXPECT_EQ(test, update(test, 100, 50, R | W, 0), 0);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 0UL);
	KUNIT_EXPECT_EQ(test, c->underflows, 0UL);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, 100, 50), 0UL);
}

static void heki_counters_aliases(struct kunit *test)
{
	struct heki_counters *c = counters(test);

	/* A frame mapped RX in the kernel image and R in the direct map. */
	KUNIT_EXPECT_EQ(test, update(test, 7, 4, 0, R | X), 0);
	KUNIT_EXPECT_EQ(test, update(test, 7, 4, 0, R), 0);
	KUNIT_EXPECT_EQ(test, heki_counters_count(c, 8, R), 2U);
	KUNIT_EXPECT_EQ(test, heki_counters_count(c, 8, X), 1U);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 1UL);
	/* A third, writable alias. */
	KUNIT_EXPECT_EQ(test, update(test, 7, 4, 0, R | W), 0);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, 7, 4), R | W | X);
	KUNIT_EXPECT_EQ(test, update(test, 7, 4, R | W, 0), 0);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, 7, 4), R | X);
	KUNIT_EXPECT_EQ(test, update(test, 7, 4, R | X, 0), 0);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, 7, 4), R);
	KUNIT_EXPECT_EQ(test, heki_counters_count(c, 7, R), 1U);
}

static void heki_counters_overlap(struct kunit *test)
{
	struct heki_counters *c = counters(test);

	KUNIT_EXPECT_EQ(test, update(test, 0, 10, 0, R | X), 0);
	KUNIT_EXPECT_EQ(test, update(test, 5, 10, 0, R | W), 0);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 3UL);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, 0, 5), R | X);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, 5, 5), R | W | X);
	KUNIT_EXPECT_EQ(test, heki_counters_count(c, 5, R), 2U);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, 10, 5), R | W);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, 15, 1), 0UL);
}

static void heki_counters_split(struct kunit *test)
{
	struct heki_counters *c = counters(test);

	KUNIT_EXPECT_EQ(test, update(test, 0, 100, 0, R), 0);
	KUNIT_EXPECT_EQ(test, update(test, 40, 20, R, R | W), 0);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 3UL);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, 39, 1), R);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, 40, 20), R | W);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, 60, 1), R);
	KUNIT_EXPECT_EQ(test, heki_counters_count(c, 50, R), 1U);
}

static void heki_counters_merge(struct kunit *test)
{
	struct heki_counters *c = counters(test);

	KUNIT_EXPECT_EQ(test, update(test, 0, 100, 0, R), 0);
	KUNIT_EXPECT_EQ(test, update(test, 40, 20, R, R | W), 0);
	KUNIT_EXPECT_EQ(test, update(test, 40, 20, R | W, R), 0);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 1UL);
	/* Neighbours mapped out of order merge into one run too. */
	KUNIT_EXPECT_EQ(test, update(test, 200, 10, 0, R), 0);
	KUNIT_EXPECT_EQ(test, update(test, 220, 10, 0, R), 0);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 3UL);
	KUNIT_EXPECT_EQ(test, update(test, 210, 10, 0, R), 0);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 2UL);
	KUNIT_EXPECT_EQ(test, update(test, 100, 100, 0, R), 0);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 1UL);
}

static void heki_counters_large_pages(struct kunit *test)
{
	struct heki_counters *c = counters(test);
	unsigned long pmd = SZ_2M / SZ_4K, pud = SZ_1G / SZ_4K;

	KUNIT_EXPECT_EQ(test, update(test, pud, pud, 0, R | W), 0);
	KUNIT_EXPECT_EQ(test, update(test, 4 * pud, pmd, 0, R | X), 0);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 2UL);
	/* A 4 KiB change inside the 1 GiB leaf splits it in three. */
	KUNIT_EXPECT_EQ(test, update(test, pud + 1000, 1, R | W, R), 0);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 4UL);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, pud + 1000, 1), R);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, pud, 1000), R | W);
	KUNIT_EXPECT_EQ(test, update(test, pud + 1000, 1, R, R | W), 0);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 2UL);
}

static void heki_counters_change_perms(struct kunit *test)
{
	struct heki_counters *c = counters(test);

	/* set_memory_rw() + set_memory_nx() on a RX mapping. */
	KUNIT_EXPECT_EQ(test, update(test, 30, 3, 0, R | X), 0);
	KUNIT_EXPECT_EQ(test, update(test, 30, 3, R | X, R | W), 0);
	KUNIT_EXPECT_EQ(test, heki_counters_count(c, 31, X), 0U);
	KUNIT_EXPECT_EQ(test, heki_counters_count(c, 31, W), 1U);
	KUNIT_EXPECT_EQ(test, heki_counters_count(c, 31, R), 1U);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 1UL);
	/* Same permissions: nothing to do. */
	KUNIT_EXPECT_EQ(test, update(test, 30, 3, R | W, R | W), 0);
	KUNIT_EXPECT_EQ(test, heki_counters_count(c, 31, R), 1U);
}

static void heki_counters_underflow(struct kunit *test)
{
	struct heki_counters *c = counters(test);

	KUNIT_EXPECT_EQ(test, update(test, 10, 5, R | W, 0), 0);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 0UL);
	KUNIT_EXPECT_EQ(test, c->underflows, 2UL);
	KUNIT_EXPECT_EQ(test, update(test, 10, 5, 0, R), 0);
	KUNIT_EXPECT_EQ(test, update(test, 10, 5, R | X, 0), 0);
	KUNIT_EXPECT_EQ(test, c->underflows, 3UL);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 0UL);
}

static void heki_counters_bad_input(struct kunit *test)
{
	struct heki_counters *c = counters(test);

	KUNIT_EXPECT_EQ(test, update(test, ULONG_MAX - 1, 5, 0, R), -EINVAL);
	KUNIT_EXPECT_EQ(test, update(test, 10, 0, 0, R), 0);
	/* Bits other than R, W and X are ignored. */
	KUNIT_EXPECT_EQ(test, update(test, 10, 1, 0, HEKI_ATTR_MEM_IMMUTABLE),
			0);
	KUNIT_EXPECT_EQ(test, update(test, 10, 1, 0, BIT(20) | R), 0);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(c, 10, 1), R);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 1UL);
}

static int record_segment(void *data, unsigned long start, unsigned long end,
			  unsigned long perms)
{
	unsigned long *out = data;

	out[0]++;
	out[1] = start;
	out[2] = end;
	out[3] = perms;
	return 0;
}

static void heki_counters_segments(struct kunit *test)
{
	struct heki_counters *c = counters(test);
	unsigned long out[4] = {};

	/* Different counts, same cumulative permission: one segment. */
	KUNIT_EXPECT_EQ(test, update(test, 0, 20, 0, R), 0);
	KUNIT_EXPECT_EQ(test, update(test, 10, 10, 0, R), 0);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 2UL);
	KUNIT_EXPECT_EQ(test, heki_counters_for_each(c, record_segment, out),
			0);
	KUNIT_EXPECT_EQ(test, out[0], 1UL);
	KUNIT_EXPECT_EQ(test, out[1], 0UL);
	KUNIT_EXPECT_EQ(test, out[2], 20UL);
	KUNIT_EXPECT_EQ(test, out[3], R);
	/* A hole separates segments. */
	KUNIT_EXPECT_EQ(test, update(test, 30, 10, 0, R), 0);
	memset(out, 0, sizeof(out));
	heki_counters_for_each(c, record_segment, out);
	KUNIT_EXPECT_EQ(test, out[0], 2UL);
	KUNIT_EXPECT_EQ(test, out[1], 30UL);
}

static void heki_counters_memory(struct kunit *test)
{
	struct heki_counters *c = counters(test);
	unsigned long pfn;

	/* A 4 GiB direct map plus a kernel image, as runs. */
	KUNIT_EXPECT_EQ(test, update(test, 0, SZ_4G / SZ_4K, 0, R | W), 0);
	KUNIT_EXPECT_EQ(test, update(test, 4096, 2048, R | W, R), 0);
	KUNIT_EXPECT_EQ(test, update(test, 4096, 1024, 0, R | X), 0);
	/* And a thousand scattered vmalloc pages. */
	for (pfn = 100000; pfn < 102000; pfn += 2)
		KUNIT_EXPECT_EQ(test, update(test, pfn, 1, 0, R | W), 0);
	KUNIT_EXPECT_LT(test, heki_counters_bytes(c), (size_t)SZ_1M);
	KUNIT_EXPECT_EQ(test, heki_counters_bytes(c),
			(c->nr_runs + c->nr_free) *
			kmalloc_size_roundup(sizeof(struct heki_run)));
	for (pfn = 100000; pfn < 102000; pfn += 2)
		KUNIT_EXPECT_EQ(test, update(test, pfn, 1, R | W, 0), 0);
	KUNIT_EXPECT_EQ(test, c->nr_runs, 4UL);
	KUNIT_EXPECT_LE(test, c->nr_free, 32UL);
	KUNIT_EXPECT_EQ(test, c->lost, 0UL);
}

static struct kunit_case heki_counters_cases[] = {
	KUNIT_CASE(heki_counters_map_one),
	KUNIT_CASE(heki_counters_map_unmap),
	KUNIT_CASE(heki_counters_aliases),
	KUNIT_CASE(heki_counters_overlap),
	KUNIT_CASE(heki_counters_split),
	KUNIT_CASE(heki_counters_merge),
	KUNIT_CASE(heki_counters_large_pages),
	KUNIT_CASE(heki_counters_change_perms),
	KUNIT_CASE(heki_counters_underflow),
	KUNIT_CASE(heki_counters_bad_input),
	KUNIT_CASE(heki_counters_segments),
	KUNIT_CASE(heki_counters_memory),
	{}
};

static struct kunit_suite heki_counters_suite = {
	.name = "heki_counters",
	.init = counters_init,
	.exit = counters_exit,
	.test_cases = heki_counters_cases,
};

kunit_test_suite(heki_counters_suite);

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
MODULE_DESCRIPTION("KUnit tests of the HEKI core");
MODULE_LICENSE("GPL");
