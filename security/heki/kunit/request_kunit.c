// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - KUnit tests of the requests
 * to the backend
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/sizes.h>

#include "../heki.h"

#define R	HEKI_ATTR_MEM_READ
#define W	HEKI_ATTR_MEM_WRITE
#define X	HEKI_ATTR_MEM_EXEC

static int request_init(struct kunit *test)
{
	struct heki_request *req = kunit_kzalloc(test, sizeof(*req),
						 GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, req);
	heki_request_init(req, HEKI_REQ_MEMORY);
	test->priv = req;
	return 0;
}

static void request_exit(struct kunit *test)
{
	heki_request_free(test->priv);
}

static void heki_request_one(struct kunit *test)
{
	struct heki_request *req = test->priv;

	KUNIT_EXPECT_NULL(test, req->ranges);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, PAGE_OFFSET, SZ_1M,
					       SZ_1M + SZ_8K, R | X), 0);
	KUNIT_ASSERT_EQ(test, req->nranges, 1UL);
	KUNIT_EXPECT_GE(test, req->capacity, 1UL);
	KUNIT_EXPECT_EQ(test, req->ranges[0].va, PAGE_OFFSET);
	KUNIT_EXPECT_EQ(test, req->ranges[0].pa, (phys_addr_t)SZ_1M);
	KUNIT_EXPECT_EQ(test, req->ranges[0].epa,
			(phys_addr_t)(SZ_1M + SZ_8K));
	KUNIT_EXPECT_EQ(test, req->ranges[0].attributes, R | X);
}

static void heki_request_coalesce(struct kunit *test)
{
	struct heki_request *req = test->priv;

	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, 0, SZ_4K, R), 0);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, SZ_4K, SZ_8K, R), 0);
	KUNIT_EXPECT_EQ(test, req->nranges, 1UL);
	KUNIT_EXPECT_EQ(test, req->ranges[0].epa, (phys_addr_t)SZ_8K);
	/* Other attributes: new range. */
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, SZ_8K, SZ_16K, R | W),
			0);
	KUNIT_EXPECT_EQ(test, req->nranges, 2UL);
	/* A hole: new range. */
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, SZ_32K, SZ_64K, R | W),
			0);
	KUNIT_EXPECT_EQ(test, req->nranges, 3UL);
}

static void heki_request_coalesce_va(struct kunit *test)
{
	struct heki_request *req = test->priv;
	unsigned long va = PAGE_OFFSET;

	KUNIT_EXPECT_EQ(test, heki_request_add(req, va, 0, SZ_4K, R), 0);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, va + SZ_4K, SZ_4K, SZ_8K,
					       R), 0);
	KUNIT_EXPECT_EQ(test, req->nranges, 1UL);
	/* Physically contiguous but not virtually: new range. */
	KUNIT_EXPECT_EQ(test, heki_request_add(req, va + SZ_1M, SZ_8K,
					       SZ_16K, R), 0);
	KUNIT_EXPECT_EQ(test, req->nranges, 2UL);
	/* Without a virtual address after one with: new range. */
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, SZ_16K, SZ_32K, R), 0);
	KUNIT_EXPECT_EQ(test, req->nranges, 3UL);
}

static void add_disjoint(struct kunit *test, struct heki_request *req,
			 unsigned long nr)
{
	unsigned long i;

	/* Every other page, so that nothing coalesces. */
	for (i = 0; i < nr; i++)
		KUNIT_ASSERT_EQ(test, heki_request_add(req, 0, 2 * i * PAGE_SIZE,
						       (2 * i + 1) * PAGE_SIZE,
						       R), 0);
}

static void heki_request_grow(struct kunit *test)
{
	struct heki_request *req = test->priv;
	const unsigned long nr = 1000;
	unsigned long i, bad = 0;

	add_disjoint(test, req, nr);
	KUNIT_ASSERT_EQ(test, req->nranges, nr);
	KUNIT_EXPECT_GE(test, req->capacity, nr);
	/* Growing kept every range in place. */
	for (i = 0; i < nr; i++)
		if (req->ranges[i].pa != 2 * i * PAGE_SIZE ||
		    req->ranges[i].epa != (2 * i + 1) * PAGE_SIZE ||
		    req->ranges[i].attributes != R)
			bad++;
	KUNIT_EXPECT_EQ(test, bad, 0UL);
	/* The last range still coalesces with what continues it. */
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0,
					       (2 * nr - 1) * PAGE_SIZE,
					       2 * nr * PAGE_SIZE, R), 0);
	KUNIT_EXPECT_EQ(test, req->nranges, nr);
	KUNIT_EXPECT_EQ(test, req->ranges[nr - 1].epa,
			(phys_addr_t)(2 * nr * PAGE_SIZE));
}

static void heki_request_bad_input(struct kunit *test)
{
	struct heki_request *req = test->priv;

	/* Unaligned start, end, virtual address. */
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, 1, SZ_4K, R), -EINVAL);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, 0, SZ_4K + 1, R),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 1, 0, SZ_4K, R), -EINVAL);
	/* Empty and reversed ranges. */
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, SZ_4K, SZ_4K, R),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, SZ_8K, SZ_4K, R),
			-EINVAL);
	/* The virtual range wraps around. */
	KUNIT_EXPECT_EQ(test, heki_request_add(req, PAGE_MASK, 0, SZ_8K, R),
			-EINVAL);
	/* No permission, unknown attribute bits. */
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, 0, SZ_4K, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, 0, SZ_4K, BIT(4) | R),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, req->nranges, 0UL);
	KUNIT_EXPECT_NULL(test, req->ranges);
	/* Immutable alone is accepted: the backend decides what it means. */
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, 0, SZ_4K,
					       R | HEKI_ATTR_MEM_IMMUTABLE), 0);
}

static void heki_request_kdata(struct kunit *test)
{
	struct heki_request *req = test->priv;

	heki_request_init(req, HEKI_REQ_KDATA);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, 0, SZ_4K,
					       HEKI_KERNEL_DATA), 0);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, SZ_8K, SZ_16K,
					       HEKI_KERNEL_DATA), 0);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, SZ_32K, SZ_64K,
					       HEKI_KDATA_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, req->nranges, 2UL);
}

static void heki_request_free_reuse(struct kunit *test)
{
	struct heki_request *req = test->priv;

	add_disjoint(test, req, 200);
	heki_request_free(req);
	KUNIT_EXPECT_NULL(test, req->ranges);
	KUNIT_EXPECT_EQ(test, req->nranges, 0UL);
	KUNIT_EXPECT_EQ(test, req->capacity, 0UL);
	KUNIT_EXPECT_EQ(test, req->type, HEKI_REQ_MEMORY);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, 0, SZ_4K, R), 0);
	KUNIT_EXPECT_EQ(test, req->nranges, 1UL);
}

static struct kunit_case heki_request_cases[] = {
	KUNIT_CASE(heki_request_one),
	KUNIT_CASE(heki_request_coalesce),
	KUNIT_CASE(heki_request_coalesce_va),
	KUNIT_CASE(heki_request_grow),
	KUNIT_CASE(heki_request_bad_input),
	KUNIT_CASE(heki_request_kdata),
	KUNIT_CASE(heki_request_free_reuse),
	{}
};

static struct kunit_suite heki_request_suite = {
	.name = "heki_request",
	.init = request_init,
	.exit = request_exit,
	.test_cases = heki_request_cases,
};

kunit_test_suite(heki_request_suite);
