// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - KUnit tests of the core:
 * registration, backend calls and their statistics, and refusal of
 * widening changes, on private instances (the kernel's own instance is
 * never touched).
 */

#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/sizes.h>

#include "../heki.h"
#include "backend.h"

#define R	HEKI_ATTR_MEM_READ
#define W	HEKI_ATTR_MEM_WRITE
#define X	HEKI_ATTR_MEM_EXEC
#define IMM	HEKI_ATTR_MEM_IMMUTABLE

struct core_ctx {
	struct heki_core core;
	struct heki_test_backend *b;
};

static int core_init(struct kunit *test)
{
	struct core_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	heki_core_init(&ctx->core, true);
	ctx->b = heki_test_backend_new(test);
	KUNIT_ASSERT_NOT_NULL(test, ctx->b);
	test->priv = ctx;
	return 0;
}

static void core_exit(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;

	heki_core_destroy(&ctx->core);
}

static struct heki_core *core(struct kunit *test)
{
	return &((struct core_ctx *)test->priv)->core;
}

static struct heki_test_backend *backend(struct kunit *test)
{
	return ((struct core_ctx *)test->priv)->b;
}

static void map(struct kunit *test, unsigned long pfn, unsigned long n,
		unsigned long perms)
{
	struct heki_core *c = core(test);

	KUNIT_ASSERT_EQ(test, heki_counters_update(&c->counters, &c->lock,
						   pfn, n, 0, perms), 0);
}

static void heki_core_register_once(struct kunit *test)
{
	struct heki_core *c = core(test);

	KUNIT_EXPECT_EQ(test, c->state, HEKI_STATE_NO_BACKEND);
	KUNIT_EXPECT_EQ(test, heki_core_register(c, &backend(test)->hv), 0);
	KUNIT_EXPECT_EQ(test, c->state, HEKI_STATE_ACTIVE);
	KUNIT_EXPECT_PTR_EQ(test, c->hv, &backend(test)->hv);
}

static void heki_core_register_twice(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_hypervisor other = { .name = "other" };

	KUNIT_EXPECT_EQ(test, heki_core_register(c, &backend(test)->hv), 0);
	KUNIT_EXPECT_EQ(test, heki_core_register(c, &other), -EBUSY);
	KUNIT_EXPECT_EQ(test, heki_core_register(c, &backend(test)->hv),
			-EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, c->hv, &backend(test)->hv);
}

static void heki_core_register_invalid(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_hypervisor nameless = {};

	KUNIT_EXPECT_EQ(test, heki_core_register(c, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, heki_core_register(c, &nameless), -EINVAL);
	KUNIT_EXPECT_NULL(test, c->hv);
	KUNIT_EXPECT_EQ(test, c->state, HEKI_STATE_NO_BACKEND);
}

static void heki_core_register_disabled(struct kunit *test)
{
	struct heki_core *c = core(test);

	heki_core_init(c, false);
	KUNIT_EXPECT_EQ(test, c->state, HEKI_STATE_DISABLED);
	KUNIT_EXPECT_EQ(test, heki_core_register(c, &backend(test)->hv),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, c->state, HEKI_STATE_DISABLED);
}

static void heki_core_register_after_boot(struct kunit *test)
{
	struct heki_core *c = core(test);

	KUNIT_EXPECT_EQ(test, heki_core_seal(c, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, heki_core_register(c, &backend(test)->hv),
			-EPERM);
	KUNIT_EXPECT_EQ(test, heki_core_seal(c, NULL, 0), -EPERM);
}

static void heki_core_fail_state(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_snapshot snap;

	KUNIT_EXPECT_EQ(test, heki_core_fail(c, "hv", "no image"), 0);
	KUNIT_EXPECT_EQ(test, c->state, HEKI_STATE_FAILED);
	heki_core_snapshot(c, &snap);
	KUNIT_EXPECT_STREQ(test, snap.failed, "hv");
	KUNIT_EXPECT_STREQ(test, snap.failure, "no image");
	KUNIT_EXPECT_NULL(test, snap.backend);
	/* Final: neither a backend nor a second failure replaces it. */
	KUNIT_EXPECT_EQ(test, heki_core_register(c, &backend(test)->hv),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, heki_core_fail(c, "hv", "other"), -EBUSY);
	KUNIT_EXPECT_NULL(test, c->hv);
	KUNIT_EXPECT_STREQ(test, c->failure, "no image");
	KUNIT_EXPECT_EQ(test, c->state, HEKI_STATE_FAILED);
}

static void heki_core_fail_refused(struct kunit *test)
{
	struct heki_core *c = core(test);

	KUNIT_EXPECT_EQ(test, heki_core_fail(c, NULL, "x"), -EINVAL);
	KUNIT_EXPECT_EQ(test, heki_core_fail(c, "hv", NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, c->state, HEKI_STATE_NO_BACKEND);
	KUNIT_EXPECT_EQ(test, heki_core_register(c, &backend(test)->hv), 0);
	KUNIT_EXPECT_EQ(test, heki_core_fail(c, "hv", "late"), -EBUSY);
	KUNIT_EXPECT_EQ(test, c->state, HEKI_STATE_ACTIVE);
	KUNIT_EXPECT_NULL(test, c->failed);

	heki_core_destroy(c);
	heki_core_init(c, false);
	KUNIT_EXPECT_EQ(test, heki_core_fail(c, "hv", "x"), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, c->state, HEKI_STATE_DISABLED);

	heki_core_destroy(c);
	heki_core_init(c, true);
	KUNIT_EXPECT_EQ(test, heki_core_seal(c, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, heki_core_fail(c, "hv", "x"), -EPERM);
	KUNIT_EXPECT_EQ(test, c->state, HEKI_STATE_NO_BACKEND);
}

static void heki_core_no_backend(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_violation v;
	struct heki_request req;

	map(test, 0, 10, R);
	heki_request_init(&req, HEKI_REQ_KDATA);
	KUNIT_EXPECT_EQ(test, heki_core_protect(c), -ENODEV);
	KUNIT_EXPECT_EQ(test, heki_core_load_kdata(c, &req), -ENODEV);
	KUNIT_EXPECT_EQ(test, heki_core_finish_boot(c, true), -ENODEV);
	KUNIT_EXPECT_EQ(test, heki_core_read_violations(c, &v, 1), -ENODEV);
	KUNIT_EXPECT_EQ(test, c->state, HEKI_STATE_NO_BACKEND);
}

static void heki_core_missing_ops(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_hypervisor empty = { .name = "empty" };
	struct heki_violation v;
	struct heki_request req;

	map(test, 0, 10, R);
	heki_request_init(&req, HEKI_REQ_KDATA);
	KUNIT_ASSERT_EQ(test, heki_core_register(c, &empty), 0);
	KUNIT_EXPECT_EQ(test, heki_core_protect(c), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, heki_core_load_kdata(c, &req), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, heki_core_finish_boot(c, true), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, heki_core_read_violations(c, &v, 1),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, c->state, HEKI_STATE_ACTIVE);
}

/*
 * Text changes go to the backend, which is counted; bad batches never
 * reach it, and a refusal is counted as such.
 */
static void heki_core_text_batches(struct kunit *test)
{
	struct heki_test_backend *b = backend(test);
	struct heki_core *c = core(test);
	struct heki_text_poke pokes[2] = {
		{ .addr = (void *)0x1000, .len = 5 },
		{ .addr = (void *)0x2000, .len = 2 },
	};
	struct heki_snapshot snap;

	KUNIT_EXPECT_EQ(test, heki_core_text_poke(c, pokes, 1), -ENODEV);
	KUNIT_ASSERT_EQ(test, heki_core_register(c, &b->hv), 0);
	KUNIT_EXPECT_EQ(test, heki_core_text_poke(c, pokes, 2), 0);
	KUNIT_EXPECT_EQ(test, b->pokes, 2);
	KUNIT_EXPECT_EQ(test, heki_core_text_poke(c, pokes, 0), -EINVAL);
	pokes[1].len = HEKI_TEXT_POKE_MAX + 1;
	KUNIT_EXPECT_EQ(test, heki_core_text_poke(c, pokes, 2), -EINVAL);
	pokes[1].len = 0;
	KUNIT_EXPECT_EQ(test, heki_core_text_poke(c, pokes, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, b->calls[HEKI_TEST_PATCH_TEXT], 1);
	b->ret[HEKI_TEST_PATCH_TEXT] = -EPERM;
	KUNIT_EXPECT_EQ(test, heki_core_text_poke(c, pokes, 1), -EPERM);

	heki_core_snapshot(c, &snap);
	/* The batch without a backend and the two the backend got. */
	KUNIT_EXPECT_EQ(test, snap.text.batches, 3);
	KUNIT_EXPECT_EQ(test, snap.text.changes, 2);
	KUNIT_EXPECT_EQ(test, snap.text.refused, 2);
	KUNIT_EXPECT_FALSE(test, snap.text_by_backend);
}

static void heki_core_text_no_op(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_hypervisor empty = { .name = "empty" };
	struct heki_text_poke poke = { .addr = (void *)0x1000, .len = 1 };

	KUNIT_ASSERT_EQ(test, heki_core_register(c, &empty), 0);
	KUNIT_EXPECT_EQ(test, heki_core_text_poke(c, &poke, 1), -EOPNOTSUPP);
}

static void heki_core_protect_one_call(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_test_backend *b = backend(test);
	unsigned long i;

	/* 300 segments of alternating permissions. */
	for (i = 0; i < 300; i++)
		map(test, 16 + i, 1, i % 2 ? R | W : R | X);
	KUNIT_ASSERT_EQ(test, heki_core_register(c, &b->hv), 0);
	KUNIT_EXPECT_EQ(test, heki_core_protect(c), 0);
	KUNIT_EXPECT_EQ(test, b->calls[HEKI_TEST_PROTECT_MEMORY], 1U);
	KUNIT_EXPECT_EQ(test, b->nranges, 300UL);
	KUNIT_EXPECT_TRUE(test, b->ordered);
	KUNIT_EXPECT_EQ(test, b->ranges[0].pa, (phys_addr_t)PFN_PHYS(16));
	KUNIT_EXPECT_EQ(test, b->ranges[0].epa, (phys_addr_t)PFN_PHYS(17));
	KUNIT_EXPECT_EQ(test, b->ranges[0].attributes, R | X);
	KUNIT_EXPECT_EQ(test, b->ranges[299].attributes, R | W);
	KUNIT_EXPECT_EQ(test, b->ranges[299].epa, (phys_addr_t)PFN_PHYS(316));
}

static void heki_core_protect_coalesced(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_test_backend *b = backend(test);

	/* Aliases and neighbours with equal permissions make one range. */
	map(test, 0, 512, R | W);
	map(test, 512, 512, R | W);
	map(test, 100, 10, R);
	KUNIT_ASSERT_EQ(test, heki_core_register(c, &b->hv), 0);
	KUNIT_EXPECT_EQ(test, heki_core_protect(c), 0);
	KUNIT_EXPECT_EQ(test, b->nranges, 1UL);
	KUNIT_EXPECT_EQ(test, b->ranges[0].epa, (phys_addr_t)PFN_PHYS(1024));
}

static void heki_core_protect_immutable(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_test_backend *b = backend(test);
	const struct heki_span spans[] = {
		{ .start = 10, .end = 20 },	/* text */
		{ .start = 30, .end = 40 },	/* rodata */
	};

	map(test, 0, 20, R | X);
	map(test, 20, 30, R);
	map(test, 50, 10, R | W);
	KUNIT_ASSERT_EQ(test, heki_core_seal(c, spans, ARRAY_SIZE(spans)), 0);
	KUNIT_EXPECT_EQ(test, c->spans[0].perms, R | X);
	KUNIT_EXPECT_EQ(test, c->spans[1].perms, R);
	KUNIT_ASSERT_EQ(test, heki_core_register(c, &b->hv), -EPERM);

	/* Register before sealing this time. */
	heki_core_destroy(c);
	heki_core_init(c, true);
	map(test, 0, 20, R | X);
	map(test, 20, 30, R);
	map(test, 50, 10, R | W);
	KUNIT_ASSERT_EQ(test, heki_core_register(c, &b->hv), 0);
	KUNIT_ASSERT_EQ(test, heki_core_seal(c, spans, ARRAY_SIZE(spans)), 0);
	KUNIT_EXPECT_EQ(test, heki_core_protect(c), 0);
	KUNIT_ASSERT_EQ(test, b->nranges, 6UL);
	KUNIT_EXPECT_TRUE(test, b->ordered);
	KUNIT_EXPECT_EQ(test, b->ranges[0].attributes, R | X);
	KUNIT_EXPECT_EQ(test, b->ranges[0].epa, (phys_addr_t)PFN_PHYS(10));
	KUNIT_EXPECT_EQ(test, b->ranges[1].attributes, R | X | IMM);
	KUNIT_EXPECT_EQ(test, b->ranges[1].epa, (phys_addr_t)PFN_PHYS(20));
	KUNIT_EXPECT_EQ(test, b->ranges[2].attributes, R);
	KUNIT_EXPECT_EQ(test, b->ranges[3].attributes, R | IMM);
	KUNIT_EXPECT_EQ(test, b->ranges[3].pa, (phys_addr_t)PFN_PHYS(30));
	KUNIT_EXPECT_EQ(test, b->ranges[4].attributes, R);
	KUNIT_EXPECT_EQ(test, b->ranges[5].attributes, R | W);
}

static void heki_core_protect_errors(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_test_backend *b = backend(test);

	KUNIT_ASSERT_EQ(test, heki_core_register(c, &b->hv), 0);
	KUNIT_EXPECT_EQ(test, heki_core_protect(c), -ENODATA);
	KUNIT_EXPECT_EQ(test, b->calls[HEKI_TEST_PROTECT_MEMORY], 0U);
	map(test, 0, 1, R);
	b->ret[HEKI_TEST_PROTECT_MEMORY] = -EIO;
	KUNIT_EXPECT_EQ(test, heki_core_protect(c), -EIO);
	KUNIT_EXPECT_EQ(test, b->calls[HEKI_TEST_PROTECT_MEMORY], 1U);
}

static void heki_core_kdata(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_test_backend *b = backend(test);
	struct heki_request req;

	KUNIT_ASSERT_EQ(test, heki_core_register(c, &b->hv), 0);
	heki_request_init(&req, HEKI_REQ_KDATA);
	KUNIT_EXPECT_EQ(test, heki_core_load_kdata(c, &req), -ENODATA);
	KUNIT_ASSERT_EQ(test, heki_request_add(&req, 0, SZ_1M, SZ_2M,
					       HEKI_KERNEL_DATA), 0);
	KUNIT_EXPECT_EQ(test, heki_core_load_kdata(c, &req), 0);
	KUNIT_EXPECT_EQ(test, b->calls[HEKI_TEST_LOAD_KDATA], 1U);
	KUNIT_EXPECT_EQ(test, b->nranges, 1UL);
	KUNIT_EXPECT_EQ(test, b->ranges[0].attributes,
			(unsigned long)HEKI_KERNEL_DATA);
	heki_request_free(&req);
}

/* A refused end of boot changes nothing; an accepted one sets @state. */
static void check_finish(struct kunit *test, bool complete,
			 enum heki_state state)
{
	struct heki_core *c = core(test);
	struct heki_test_backend *b = backend(test);

	KUNIT_ASSERT_EQ(test, heki_core_register(c, &b->hv), 0);
	b->ret[HEKI_TEST_FINISH_BOOT] = -EINVAL;
	KUNIT_EXPECT_EQ(test, heki_core_finish_boot(c, complete), -EINVAL);
	KUNIT_EXPECT_EQ(test, c->state, HEKI_STATE_ACTIVE);
	b->ret[HEKI_TEST_FINISH_BOOT] = 0;
	KUNIT_EXPECT_EQ(test, heki_core_finish_boot(c, complete), 0);
	KUNIT_EXPECT_EQ(test, c->state, state);
	KUNIT_EXPECT_EQ(test, b->calls[HEKI_TEST_FINISH_BOOT], 2U);
}

static void heki_core_finish(struct kunit *test)
{
	check_finish(test, true, HEKI_STATE_SEALED);
}

static void heki_core_finish_incomplete(struct kunit *test)
{
	check_finish(test, false, HEKI_STATE_INCOMPLETE);
}

static void heki_core_lock_regs_pinned(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_test_backend *b = backend(test);
	struct heki_hypervisor empty = { .name = "empty" };

	KUNIT_EXPECT_EQ(test, heki_core_lock_regs(c, 0), -ENODEV);
	KUNIT_ASSERT_EQ(test, heki_core_register(c, &empty), 0);
	KUNIT_EXPECT_EQ(test, heki_core_lock_regs(c, 0), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, c->seal.lock_regs, 0UL);
	KUNIT_EXPECT_TRUE(test, cpumask_empty(&c->pinned));

	c->hv = &b->hv;
	KUNIT_EXPECT_EQ(test, heki_core_lock_regs(c, 0), 0);
	KUNIT_EXPECT_EQ(test, b->calls[HEKI_TEST_LOCK_REGS], 1U);
	KUNIT_EXPECT_TRUE(test, cpumask_test_cpu(0, &c->pinned));
	KUNIT_EXPECT_EQ(test, cpumask_weight(&c->pinned), 1U);

	/* A failed call is counted and the CPU is no longer pinned. */
	b->ret[HEKI_TEST_LOCK_REGS] = -EPERM;
	KUNIT_EXPECT_EQ(test, heki_core_lock_regs(c, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, c->seal.lock_regs, 2UL);
	KUNIT_EXPECT_TRUE(test, cpumask_empty(&c->pinned));
}

static void expect_seal(struct kunit *test,
			const struct heki_seal_stats *want)
{
	const struct heki_seal_stats *got = &core(test)->seal;

	KUNIT_EXPECT_EQ(test, got->lock_regs, want->lock_regs);
	KUNIT_EXPECT_EQ(test, got->protect_memory, want->protect_memory);
	KUNIT_EXPECT_EQ(test, got->load_kdata, want->load_kdata);
	KUNIT_EXPECT_EQ(test, got->finish_boot, want->finish_boot);
	KUNIT_EXPECT_EQ(test, got->ranges, want->ranges);
	KUNIT_EXPECT_EQ(test, got->kdata_ranges, want->kdata_ranges);
}

static void heki_core_seal_stats(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_test_backend *b = backend(test);
	struct heki_request req;
	unsigned long i;

	/* 300 ranges, sent in one call. */
	for (i = 0; i < 300; i++)
		map(test, 16 + i, 1, i % 2 ? R | W : R | X);
	KUNIT_ASSERT_EQ(test, heki_core_register(c, &b->hv), 0);
	KUNIT_EXPECT_EQ(test, heki_seal_calls(&c->seal), 0UL);

	KUNIT_EXPECT_EQ(test, heki_core_lock_regs(c, 0), 0);
	KUNIT_EXPECT_EQ(test, heki_core_protect(c), 0);
	heki_request_init(&req, HEKI_REQ_KDATA);
	KUNIT_ASSERT_EQ(test, heki_request_add(&req, 0, SZ_1M, SZ_2M,
					       HEKI_KERNEL_DATA), 0);
	KUNIT_ASSERT_EQ(test, heki_request_add(&req, 0, SZ_4M, SZ_4M + SZ_1M,
					       HEKI_KERNEL_DATA), 0);
	KUNIT_EXPECT_EQ(test, heki_core_load_kdata(c, &req), 0);
	heki_request_free(&req);
	KUNIT_EXPECT_EQ(test, heki_core_finish_boot(c, true), 0);

	expect_seal(test, &(struct heki_seal_stats){
		.lock_regs = 1, .protect_memory = 1, .load_kdata = 1,
		.finish_boot = 1, .ranges = 300, .kdata_ranges = 2,
	});
	KUNIT_EXPECT_EQ(test, heki_seal_calls(&c->seal), 4UL);
}

static void heki_core_seal_stats_errors(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_test_backend *b = backend(test);
	struct heki_request req;

	/* Nothing reaches the backend: nothing is counted. */
	heki_request_init(&req, HEKI_REQ_KDATA);
	KUNIT_EXPECT_EQ(test, heki_core_finish_boot(c, true), -ENODEV);
	KUNIT_ASSERT_EQ(test, heki_core_register(c, &b->hv), 0);
	KUNIT_EXPECT_EQ(test, heki_core_protect(c), -ENODATA);
	KUNIT_EXPECT_EQ(test, heki_core_load_kdata(c, &req), -ENODATA);
	KUNIT_EXPECT_EQ(test, heki_seal_calls(&c->seal), 0UL);

	/* Calls the backend fails are counted, with what they carried. */
	map(test, 0, 1, R);
	KUNIT_ASSERT_EQ(test, heki_request_add(&req, 0, SZ_1M, SZ_2M,
					       HEKI_KERNEL_DATA), 0);
	b->ret[HEKI_TEST_PROTECT_MEMORY] = -EIO;
	b->ret[HEKI_TEST_LOAD_KDATA] = -EIO;
	b->ret[HEKI_TEST_FINISH_BOOT] = -EIO;
	KUNIT_EXPECT_EQ(test, heki_core_protect(c), -EIO);
	KUNIT_EXPECT_EQ(test, heki_core_load_kdata(c, &req), -EIO);
	KUNIT_EXPECT_EQ(test, heki_core_finish_boot(c, true), -EIO);
	heki_request_free(&req);
	expect_seal(test, &(struct heki_seal_stats){
		.protect_memory = 1, .load_kdata = 1, .finish_boot = 1,
		.ranges = 1, .kdata_ranges = 1,
	});
	KUNIT_EXPECT_EQ(test, heki_seal_calls(&c->seal), 3UL);
	KUNIT_EXPECT_EQ(test, c->state, HEKI_STATE_ACTIVE);
}

static void heki_core_refuse_widening(struct kunit *test)
{
	struct heki_core *c = core(test);
	const struct heki_span spans[] = {
		{ .start = 10, .end = 20 },	/* text */
		{ .start = 20, .end = 30 },	/* rodata */
	};

	map(test, 10, 10, R | X);
	map(test, 20, 10, R);
	/* Before the end of boot anything goes. */
	KUNIT_EXPECT_EQ(test, heki_core_widening(c, 10, 10, R | W | X), 0UL);
	KUNIT_ASSERT_EQ(test, heki_core_seal(c, spans, ARRAY_SIZE(spans)), 0);

	KUNIT_EXPECT_EQ(test, heki_core_widening(c, 12, 1, R | W), W);
	KUNIT_EXPECT_EQ(test, heki_core_widening(c, 25, 1, R | X), X);
	KUNIT_EXPECT_EQ(test, heki_core_widening(c, 19, 2, R | X), X);
	/* Narrowing and same permissions are allowed. */
	KUNIT_EXPECT_EQ(test, heki_core_widening(c, 12, 1, R | X), 0UL);
	KUNIT_EXPECT_EQ(test, heki_core_widening(c, 12, 1, R), 0UL);
	KUNIT_EXPECT_EQ(test, heki_core_widening(c, 25, 1, 0), 0UL);
	/* Frames outside the spans are not immutable. */
	KUNIT_EXPECT_EQ(test, heki_core_widening(c, 30, 100, R | W | X), 0UL);
	KUNIT_EXPECT_EQ(test, heki_core_widening(c, 0, 10, R | W | X), 0UL);
}

static void heki_core_refuse_log_once(struct kunit *test)
{
	struct heki_core *c = core(test);
	const struct heki_span span = { .start = 10, .end = 20 };
	unsigned long site = (unsigned long)heki_core_refuse_log_once;

	map(test, 10, 10, R);
	KUNIT_ASSERT_EQ(test, heki_core_seal(c, &span, 1), 0);
	KUNIT_EXPECT_EQ(test, heki_core_refuse(c, 10, 1, W, site), -EPERM);
	KUNIT_EXPECT_EQ(test, heki_core_refuse(c, 11, 1, W, site), -EPERM);
	KUNIT_EXPECT_EQ(test, c->refused, 2UL);
	KUNIT_EXPECT_EQ(test, c->nr_sites, 1U);
	KUNIT_EXPECT_EQ(test, heki_core_refuse(c, 11, 1, X, site + 1), -EPERM);
	KUNIT_EXPECT_EQ(test, c->refused, 3UL);
	KUNIT_EXPECT_EQ(test, c->nr_sites, 2U);
}

static void heki_core_seal_bad_input(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_span spans[HEKI_MAX_SPANS + 1] = {};

	spans[0].start = 5;
	spans[0].end = 5;
	KUNIT_EXPECT_EQ(test, heki_core_seal(c, spans, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, heki_core_seal(c, spans, ARRAY_SIZE(spans)),
			-E2BIG);
	KUNIT_EXPECT_FALSE(test, c->sealed);
}

static void heki_core_tracking(struct kunit *test)
{
	struct heki_core *c = core(test);

	heki_core_account(c, 0, 10, 0, R);
	KUNIT_EXPECT_EQ(test, c->counters.nr_runs, 0UL);
	c->tracking = true;
	heki_core_account(c, 0, 10, 0, R);
	KUNIT_EXPECT_EQ(test, c->counters.nr_runs, 1UL);
	heki_core_account(c, 0, 10, R, R | W);
	KUNIT_EXPECT_EQ(test, heki_counters_perms(&c->counters, 0, 10), R | W);
}

static void heki_core_violations(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_test_backend *b = backend(test);
	static const struct heki_violation recs[] = {
		{ .type = HEKI_VIOLATION_MEM_WRITE, .vp = 1, .rip = 0x1000,
		  .addr = 0x2000, .count = 3 },
		{ .type = HEKI_VIOLATION_CR4, .vp = 0, .value = 0x10 },
	};
	struct heki_violation buf[4];

	KUNIT_ASSERT_EQ(test, heki_core_register(c, &b->hv), 0);
	b->violations = recs;
	b->nr_violations = ARRAY_SIZE(recs);
	KUNIT_EXPECT_EQ(test, heki_core_read_violations(c, buf, 4), 2);
	KUNIT_EXPECT_EQ(test, buf[0].count, 3ULL);
	KUNIT_EXPECT_EQ(test, buf[1].type, (u32)HEKI_VIOLATION_CR4);
	KUNIT_EXPECT_EQ(test, heki_core_read_violations(c, buf, 1), 1);
	b->ret[HEKI_TEST_READ_VIOLATIONS] = -EIO;
	KUNIT_EXPECT_EQ(test, heki_core_read_violations(c, buf, 4), -EIO);
}

static void heki_core_snapshot_copy(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_test_backend *b = backend(test);
	static const char *const regs[] = { "cr0 WP", NULL };
	unsigned long site = (unsigned long)heki_core_snapshot_copy;
	struct heki_snapshot *snap;

	snap = kunit_kzalloc(test, sizeof(*snap), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, snap);
	heki_core_snapshot(c, snap);
	KUNIT_EXPECT_EQ(test, snap->state, HEKI_STATE_NO_BACKEND);
	KUNIT_EXPECT_NULL(test, snap->backend);
	KUNIT_EXPECT_NULL(test, snap->pinned_regs);
	KUNIT_EXPECT_FALSE(test, snap->tracking);
	KUNIT_EXPECT_EQ(test, snap->runs, 0UL);
	KUNIT_EXPECT_TRUE(test, cpumask_empty(&snap->pinned));

	b->hv.pinned_regs = regs;
	c->tracking = true;
	map(test, 0, 10, R);
	map(test, 20, 10, R | W);
	/* A decrement of a zero counter. */
	KUNIT_ASSERT_EQ(test, heki_counters_update(&c->counters, &c->lock, 40,
						   1, X, 0), 0);
	KUNIT_ASSERT_EQ(test, heki_core_register(c, &b->hv), 0);
	KUNIT_ASSERT_EQ(test, heki_core_lock_regs(c, 0), 0);
	KUNIT_ASSERT_EQ(test, heki_core_protect(c), 0);
	KUNIT_ASSERT_EQ(test, heki_core_refuse(c, 0, 1, W, site), -EPERM);

	heki_core_snapshot(c, snap);
	KUNIT_EXPECT_EQ(test, snap->state, HEKI_STATE_ACTIVE);
	KUNIT_EXPECT_STREQ(test, snap->backend, "kunit");
	KUNIT_EXPECT_PTR_EQ(test, snap->pinned_regs, &regs[0]);
	KUNIT_EXPECT_TRUE(test, snap->tracking);
	KUNIT_EXPECT_EQ(test, snap->runs, 2UL);
	KUNIT_EXPECT_EQ(test, snap->counter_bytes,
			heki_counters_bytes(&c->counters));
	KUNIT_EXPECT_EQ(test, snap->lost, 0UL);
	KUNIT_EXPECT_EQ(test, snap->underflows, 1UL);
	KUNIT_EXPECT_EQ(test, snap->refused, 1UL);
	KUNIT_EXPECT_EQ(test, snap->seal.lock_regs, 1UL);
	KUNIT_EXPECT_EQ(test, snap->seal.protect_memory, 1UL);
	KUNIT_EXPECT_EQ(test, snap->seal.ranges, 2UL);
	KUNIT_EXPECT_EQ(test, heki_seal_calls(&snap->seal), 2UL);
	KUNIT_EXPECT_TRUE(test, cpumask_test_cpu(0, &snap->pinned));
	KUNIT_EXPECT_EQ(test, cpumask_weight(&snap->pinned), 1U);
}

static void heki_core_permissions_count(struct kunit *test)
{
	struct heki_core *c = core(test);
	struct heki_perm_stats *stats;
	unsigned long perms;

	stats = kunit_kmalloc(test, sizeof(*stats), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, stats);
	map(test, 0, 10, R);
	map(test, 20, 10, R);
	map(test, 25, 5, X);
	map(test, 25, 2, W);
	map(test, 30, 100, R | W);

	/* Whatever @stats held is overwritten. */
	memset(stats, 0xff, sizeof(*stats));
	heki_core_permissions(c, stats);
	/* 0-9 and 20-24, 27-29, 25-26, 30-129. */
	KUNIT_EXPECT_EQ(test, stats->ranges[R], 2UL);
	KUNIT_EXPECT_EQ(test, stats->pages[R], 15UL);
	KUNIT_EXPECT_EQ(test, stats->ranges[R | X], 1UL);
	KUNIT_EXPECT_EQ(test, stats->pages[R | X], 3UL);
	KUNIT_EXPECT_EQ(test, stats->ranges[R | W | X], 1UL);
	KUNIT_EXPECT_EQ(test, stats->pages[R | W | X], 2UL);
	KUNIT_EXPECT_EQ(test, stats->ranges[R | W], 1UL);
	KUNIT_EXPECT_EQ(test, stats->pages[R | W], 100UL);
	for (perms = 0; perms <= HEKI_PERM_MASK; perms++) {
		if (perms == R || perms == (R | X) || perms == (R | W | X) ||
		    perms == (R | W))
			continue;
		KUNIT_EXPECT_EQ(test, stats->ranges[perms], 0UL);
		KUNIT_EXPECT_EQ(test, stats->pages[perms], 0UL);
	}
}

static void heki_core_state_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, heki_state_name(HEKI_STATE_DISABLED),
			   "disabled");
	KUNIT_EXPECT_STREQ(test, heki_state_name(HEKI_STATE_NO_BACKEND),
			   "no backend");
	KUNIT_EXPECT_STREQ(test, heki_state_name(HEKI_STATE_ACTIVE), "active");
	KUNIT_EXPECT_STREQ(test, heki_state_name(HEKI_STATE_SEALED), "sealed");
	KUNIT_EXPECT_STREQ(test, heki_state_name(HEKI_STATE_INCOMPLETE),
			   "incomplete");
	KUNIT_EXPECT_STREQ(test, heki_state_name(HEKI_STATE_FAILED), "failed");
	KUNIT_EXPECT_STREQ(test, heki_state_name(42), "unknown");
}

static struct kunit_case heki_core_cases[] = {
	KUNIT_CASE(heki_core_register_once),
	KUNIT_CASE(heki_core_register_twice),
	KUNIT_CASE(heki_core_register_invalid),
	KUNIT_CASE(heki_core_register_disabled),
	KUNIT_CASE(heki_core_register_after_boot),
	KUNIT_CASE(heki_core_fail_state),
	KUNIT_CASE(heki_core_fail_refused),
	KUNIT_CASE(heki_core_no_backend),
	KUNIT_CASE(heki_core_missing_ops),
	KUNIT_CASE(heki_core_text_batches),
	KUNIT_CASE(heki_core_text_no_op),
	KUNIT_CASE(heki_core_protect_one_call),
	KUNIT_CASE(heki_core_protect_coalesced),
	KUNIT_CASE(heki_core_protect_immutable),
	KUNIT_CASE(heki_core_protect_errors),
	KUNIT_CASE(heki_core_kdata),
	KUNIT_CASE(heki_core_finish),
	KUNIT_CASE(heki_core_finish_incomplete),
	KUNIT_CASE(heki_core_lock_regs_pinned),
	KUNIT_CASE(heki_core_seal_stats),
	KUNIT_CASE(heki_core_seal_stats_errors),
	KUNIT_CASE(heki_core_refuse_widening),
	KUNIT_CASE(heki_core_refuse_log_once),
	KUNIT_CASE(heki_core_seal_bad_input),
	KUNIT_CASE(heki_core_tracking),
	KUNIT_CASE(heki_core_violations),
	KUNIT_CASE(heki_core_snapshot_copy),
	KUNIT_CASE(heki_core_permissions_count),
	KUNIT_CASE(heki_core_state_names),
	{}
};

static struct kunit_suite heki_core_suite = {
	.name = "heki_core",
	.init = core_init,
	.exit = core_exit,
	.test_cases = heki_core_cases,
};

kunit_test_suite(heki_core_suite);
