// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - KUnit tests of the request
 * lists
 */

#include <kunit/test.h>
#include <linux/io.h>
#include <linux/mm.h>

#include "../heki.h"

#define R	HEKI_ATTR_MEM_READ
#define W	HEKI_ATTR_MEM_WRITE
#define X	HEKI_ATTR_MEM_EXEC

static int pagelist_init(struct kunit *test)
{
	struct heki_request *req = kunit_kzalloc(test, sizeof(*req),
						 GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, req);
	heki_request_init(req, HEKI_REQ_MEMORY, GFP_KERNEL);
	test->priv = req;
	return 0;
}

static void pagelist_exit(struct kunit *test)
{
	heki_request_free(test->priv);
}

static void heki_pagelist_layout(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_64BIT) || PAGE_SIZE != SZ_4K)
		kunit_skip(test, "the LVBS layout is defined for 64-bit, 4 KiB pages");
	KUNIT_EXPECT_EQ(test, sizeof(struct heki_range), 32UL);
	KUNIT_EXPECT_EQ(test, sizeof(struct heki_page), 24UL);
	KUNIT_EXPECT_EQ(test, sizeof(struct heki_violation), 40UL);
	KUNIT_EXPECT_EQ(test, HEKI_MAX_RANGES, 127UL);
}

static void heki_pagelist_one(struct kunit *test)
{
	struct heki_request *req = test->priv;

	KUNIT_EXPECT_EQ(test, heki_request_head_pa(req), (phys_addr_t)0);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, SZ_1M, SZ_1M + SZ_8K,
					       R | X), 0);
	KUNIT_EXPECT_EQ(test, req->nranges, 1UL);
	KUNIT_EXPECT_EQ(test, req->npages, 1UL);
	KUNIT_EXPECT_EQ(test, heki_request_head_pa(req),
			virt_to_phys(req->head));
	KUNIT_EXPECT_EQ(test, req->head->nranges, 1UL);
	KUNIT_EXPECT_EQ(test, req->head->next_pa, (phys_addr_t)0);
	KUNIT_EXPECT_EQ(test, req->head->ranges[0].pa, (phys_addr_t)SZ_1M);
	KUNIT_EXPECT_EQ(test, req->head->ranges[0].epa,
			(phys_addr_t)(SZ_1M + SZ_8K));
	KUNIT_EXPECT_EQ(test, req->head->ranges[0].attributes, R | X);
}

static void heki_pagelist_coalesce(struct kunit *test)
{
	struct heki_request *req = test->priv;

	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, 0, SZ_4K, R), 0);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, SZ_4K, SZ_8K, R), 0);
	KUNIT_EXPECT_EQ(test, req->nranges, 1UL);
	KUNIT_EXPECT_EQ(test, req->head->ranges[0].epa, (phys_addr_t)SZ_8K);
	/* Other attributes: new range. */
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, SZ_8K, SZ_16K, R | W),
			0);
	KUNIT_EXPECT_EQ(test, req->nranges, 2UL);
	/* A hole: new range. */
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, SZ_32K, SZ_64K, R | W),
			0);
	KUNIT_EXPECT_EQ(test, req->nranges, 3UL);
}

static void heki_pagelist_coalesce_va(struct kunit *test)
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

static void heki_pagelist_full_page(struct kunit *test)
{
	struct heki_request *req = test->priv;

	add_disjoint(test, req, HEKI_MAX_RANGES);
	KUNIT_EXPECT_EQ(test, req->nranges, HEKI_MAX_RANGES);
	KUNIT_EXPECT_EQ(test, req->npages, 1UL);
	KUNIT_EXPECT_EQ(test, req->head->nranges, HEKI_MAX_RANGES);
	KUNIT_EXPECT_EQ(test, req->head->next_pa, (phys_addr_t)0);
	/* A range continuing the last one still fits. */
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0,
					       (2 * HEKI_MAX_RANGES - 1) * PAGE_SIZE,
					       2 * HEKI_MAX_RANGES * PAGE_SIZE, R),
			0);
	KUNIT_EXPECT_EQ(test, req->npages, 1UL);
}

static void heki_pagelist_chain(struct kunit *test)
{
	struct heki_request *req = test->priv;
	const struct heki_page *page;
	unsigned long total = 0, pages = 0;

	add_disjoint(test, req, HEKI_MAX_RANGES + 1);
	KUNIT_EXPECT_EQ(test, req->npages, 2UL);
	KUNIT_EXPECT_EQ(test, req->head->nranges, HEKI_MAX_RANGES);
	KUNIT_EXPECT_EQ(test, req->tail->nranges, 1UL);
	KUNIT_EXPECT_PTR_EQ(test, req->head->next, req->tail);
	KUNIT_EXPECT_EQ(test, req->head->next_pa, virt_to_phys(req->tail));
	KUNIT_EXPECT_EQ(test, req->tail->ranges[0].pa,
			(phys_addr_t)(2 * HEKI_MAX_RANGES * PAGE_SIZE));

	heki_request_free(req);
	add_disjoint(test, req, 3 * HEKI_MAX_RANGES + 1);
	KUNIT_EXPECT_EQ(test, req->npages, 4UL);
	for (page = phys_to_virt(heki_request_head_pa(req)); page;
	     page = page->next_pa ? phys_to_virt(page->next_pa) : NULL) {
		KUNIT_EXPECT_LE(test, page->nranges, HEKI_MAX_RANGES);
		total += page->nranges;
		pages++;
	}
	KUNIT_EXPECT_EQ(test, total, req->nranges);
	KUNIT_EXPECT_EQ(test, pages, 4UL);
}

static void heki_pagelist_bad_input(struct kunit *test)
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
	KUNIT_EXPECT_NULL(test, req->head);
	/* Immutable alone is accepted: the backend decides what it means. */
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, 0, SZ_4K,
					       R | HEKI_ATTR_MEM_IMMUTABLE), 0);
}

static void heki_pagelist_kdata(struct kunit *test)
{
	struct heki_request *req = test->priv;

	heki_request_init(req, HEKI_REQ_KDATA, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, 0, SZ_4K,
					       HEKI_MODULE_CERTS), 0);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, SZ_4K, SZ_8K,
					       HEKI_KERNEL_DATA), 0);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, SZ_8K, SZ_16K,
					       HEKI_KDATA_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, req->nranges, 2UL);
}

static void heki_pagelist_free(struct kunit *test)
{
	struct heki_request *req = test->priv;

	add_disjoint(test, req, 2 * HEKI_MAX_RANGES);
	heki_request_free(req);
	KUNIT_EXPECT_NULL(test, req->head);
	KUNIT_EXPECT_EQ(test, req->nranges, 0UL);
	KUNIT_EXPECT_EQ(test, req->npages, 0UL);
	KUNIT_EXPECT_EQ(test, req->type, HEKI_REQ_MEMORY);
	KUNIT_EXPECT_EQ(test, heki_request_add(req, 0, 0, SZ_4K, R), 0);
	KUNIT_EXPECT_EQ(test, req->npages, 1UL);
}

static struct kunit_case heki_pagelist_cases[] = {
	KUNIT_CASE(heki_pagelist_layout),
	KUNIT_CASE(heki_pagelist_one),
	KUNIT_CASE(heki_pagelist_coalesce),
	KUNIT_CASE(heki_pagelist_coalesce_va),
	KUNIT_CASE(heki_pagelist_full_page),
	KUNIT_CASE(heki_pagelist_chain),
	KUNIT_CASE(heki_pagelist_bad_input),
	KUNIT_CASE(heki_pagelist_kdata),
	KUNIT_CASE(heki_pagelist_free),
	{}
};

static struct kunit_suite heki_pagelist_suite = {
	.name = "heki_pagelist",
	.init = pagelist_init,
	.exit = pagelist_exit,
	.test_cases = heki_pagelist_cases,
};

kunit_test_suite(heki_pagelist_suite);
