// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - KUnit tests of module
 * validation in the core: the request the backend gets, the errno a
 * refusal becomes, and the bookkeeping, on private instances.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "../heki.h"
#include "backend.h"

struct module_ctx {
	struct heki_core core;
	struct heki_test_backend *b;
	void *image;
	void *text;
};

static int module_init_ctx(struct kunit *test)
{
	struct module_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	heki_core_init(&ctx->core, true);
	ctx->b = heki_test_backend_new(test);
	KUNIT_ASSERT_NOT_NULL(test, ctx->b);
	KUNIT_ASSERT_EQ(test, heki_core_register(&ctx->core, &ctx->b->hv), 0);
	ctx->image = vzalloc(2 * PAGE_SIZE);
	ctx->text = vzalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, ctx->image);
	KUNIT_ASSERT_NOT_NULL(test, ctx->text);
	test->priv = ctx;
	return 0;
}

static void module_exit_ctx(struct kunit *test)
{
	struct module_ctx *ctx = test->priv;

	vfree(ctx->text);
	vfree(ctx->image);
	heki_core_destroy(&ctx->core);
}

/* Validate a module of a 5000-byte file and one page of text. */
static int validate(struct kunit *test, u64 *token)
{
	struct module_ctx *ctx = test->priv;
	const struct heki_module_region regions[] = {
		{ ctx->text, PAGE_SIZE, HEKI_MODULE_TEXT },
		{ NULL, 0, HEKI_MODULE_DATA },
	};

	return heki_core_validate_module(&ctx->core, "kunit_mod", ctx->image,
					 5000, regions, ARRAY_SIZE(regions),
					 token);
}

static void heki_module_request(struct kunit *test)
{
	struct module_ctx *ctx = test->priv;
	unsigned long i, elf = 0, text = 0;
	u64 token = 0;

	ctx->b->token = 42;
	KUNIT_EXPECT_EQ(test, validate(test, &token), 0);
	KUNIT_EXPECT_EQ(test, token, 42);
	KUNIT_EXPECT_EQ(test, ctx->b->calls[HEKI_TEST_VALIDATE_MODULE], 1);
	for (i = 0; i < ctx->b->nranges; i++) {
		const struct heki_range *r = &ctx->b->ranges[i];

		KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(r->pa) && r->epa > r->pa);
		if (r->attributes == HEKI_MODULE_ELF)
			elf += r->epa - r->pa;
		else if (r->attributes == HEKI_MODULE_TEXT)
			text += r->epa - r->pa;
		else
			KUNIT_FAIL(test, "range of type %lu", r->attributes);
	}
	/* The file padded to whole pages; the empty data region left out. */
	KUNIT_EXPECT_EQ(test, elf, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, text, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ctx->core.modules.validated, 1);
}

static void heki_module_no_backend_op(struct kunit *test)
{
	struct module_ctx *ctx = test->priv;
	u64 token = 0;

	ctx->b->hv.validate_module = NULL;
	KUNIT_EXPECT_EQ(test, validate(test, &token), -EPERM);
	KUNIT_EXPECT_EQ(test, token, 0);
	KUNIT_EXPECT_EQ(test, ctx->b->calls[HEKI_TEST_VALIDATE_MODULE], 0);
}

static void heki_module_bad_region(struct kunit *test)
{
	struct module_ctx *ctx = test->priv;
	const struct heki_module_region regions[] = {
		{ ctx->text, PAGE_SIZE, HEKI_MODULE_ELF },
	};
	u64 token = 0;

	KUNIT_EXPECT_EQ(test,
			heki_core_validate_module(&ctx->core, "kunit_mod",
						  ctx->image, 5000, regions, 1,
						  &token), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->b->calls[HEKI_TEST_VALIDATE_MODULE], 0);
}

static void heki_module_refusal_errno(struct kunit *test)
{
	static const int cases[][2] = {
		{ -EKEYREJECTED, -EKEYREJECTED }, { -ENOKEY, -EKEYREJECTED },
		{ -EKEYREVOKED, -EKEYREJECTED }, { -ENODATA, -EKEYREJECTED },
		{ -EPERM, -EPERM }, { -EACCES, -EPERM }, { -EBUSY, -EPERM },
		{ -EOPNOTSUPP, -EOPNOTSUPP }, { -EINVAL, -EPERM },
		{ -E2BIG, -E2BIG }, { -ENOMEM, -ENOMEM },
	};
	struct module_ctx *ctx = test->priv;
	unsigned int i;
	u64 token = 0;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ctx->b->ret[HEKI_TEST_VALIDATE_MODULE] = cases[i][0];
		KUNIT_EXPECT_EQ_MSG(test, validate(test, &token), cases[i][1],
				    "backend error %d", cases[i][0]);
	}
	KUNIT_EXPECT_EQ(test, token, 0);
	KUNIT_EXPECT_EQ(test, ctx->core.modules.refused, ARRAY_SIZE(cases));
	KUNIT_EXPECT_EQ(test, ctx->core.modules.validated, 0);
}

static void heki_module_release(struct kunit *test)
{
	struct module_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, heki_core_module_op(&ctx->core, "m", 7, false), 0);
	KUNIT_EXPECT_EQ(test, ctx->b->calls[HEKI_TEST_FREE_MODULE_INIT], 1);
	KUNIT_EXPECT_EQ(test, ctx->b->token, 7);
	KUNIT_EXPECT_EQ(test, heki_core_module_op(&ctx->core, "m", 8, true), 0);
	KUNIT_EXPECT_EQ(test, ctx->b->calls[HEKI_TEST_UNLOAD_MODULE], 1);
	KUNIT_EXPECT_EQ(test, ctx->b->token, 8);
	KUNIT_EXPECT_EQ(test, ctx->core.modules.unloaded, 1);
	KUNIT_EXPECT_EQ(test, ctx->core.modules.init_freed, 1);

	ctx->b->ret[HEKI_TEST_UNLOAD_MODULE] = -ENOENT;
	KUNIT_EXPECT_EQ(test, heki_core_module_op(&ctx->core, "m", 8, true),
			-ENOENT);
	ctx->b->hv.free_module_init = NULL;
	KUNIT_EXPECT_EQ(test, heki_core_module_op(&ctx->core, "m", 8, false),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, ctx->core.modules.leaked, 2);
	KUNIT_EXPECT_EQ(test, ctx->core.modules.unloaded, 1);
}

static void heki_module_needs_seal(struct kunit *test)
{
	struct module_ctx *ctx = test->priv;

	KUNIT_EXPECT_FALSE(test, heki_core_validates_modules(&ctx->core));
	KUNIT_EXPECT_EQ(test, heki_core_finish_boot(&ctx->core, false), 0);
	KUNIT_EXPECT_TRUE(test, heki_core_validates_modules(&ctx->core));
}

static struct kunit_case heki_module_cases[] = {
	KUNIT_CASE(heki_module_request),
	KUNIT_CASE(heki_module_no_backend_op),
	KUNIT_CASE(heki_module_bad_region),
	KUNIT_CASE(heki_module_refusal_errno),
	KUNIT_CASE(heki_module_release),
	KUNIT_CASE(heki_module_needs_seal),
	{}
};

static struct kunit_suite heki_module_suite = {
	.name = "heki_module",
	.init = module_init_ctx,
	.exit = module_exit_ctx,
	.test_cases = heki_module_cases,
};

kunit_test_suite(heki_module_suite);
