// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - KUnit tests of the kernel
 * data kept for the backend until the end of boot: appending, growing
 * past a page, bad arguments, what is sent, and nothing kept afterwards,
 * on private instances.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "../heki.h"
#include "backend.h"

struct kdata_ctx {
	struct heki_core core;
	struct heki_test_backend *b;
};

static int kdata_init_ctx(struct kunit *test)
{
	struct kdata_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	heki_core_init(&ctx->core, true);
	ctx->b = heki_test_backend_new(test);
	KUNIT_ASSERT_NOT_NULL(test, ctx->b);
	KUNIT_ASSERT_EQ(test, heki_core_register(&ctx->core, &ctx->b->hv), 0);
	test->priv = ctx;
	return 0;
}

static void kdata_exit_ctx(struct kunit *test)
{
	struct kdata_ctx *ctx = test->priv;

	heki_core_destroy(&ctx->core);
}

static void heki_kdata_appends(struct kunit *test)
{
	struct kdata_ctx *ctx = test->priv;
	struct heki_kept_kdata *kept = &ctx->core.kdata;
	const u8 *p;

	KUNIT_ASSERT_EQ(test, heki_core_keep_kdata(&ctx->core,
						   HEKI_BLACKLIST_HASHES,
						   "tbs:01", 7), 0);
	KUNIT_ASSERT_EQ(test, heki_core_keep_kdata(&ctx->core,
						   HEKI_BLACKLIST_HASHES,
						   "bin:02", 7), 0);
	KUNIT_EXPECT_EQ(test, kept->size[HEKI_BLACKLIST_HASHES], 14);
	p = kept->data[HEKI_BLACKLIST_HASHES];
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_MEMEQ(test, p, "tbs:01\0bin:02", 14);
	/* Zero padded to the page boundary, as the backend reads it. */
	KUNIT_EXPECT_NULL(test, memchr_inv(p + 14, 0, PAGE_SIZE - 14));
	KUNIT_EXPECT_NULL(test, kept->data[HEKI_REVOCATION_CERTS]);
}

static void heki_kdata_grows_past_a_page(struct kunit *test)
{
	struct kdata_ctx *ctx = test->priv;
	struct heki_kept_kdata *kept = &ctx->core.kdata;
	u8 *big = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	const u8 *p;

	KUNIT_ASSERT_NOT_NULL(test, big);
	memset(big, 0x5a, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, heki_core_keep_kdata(&ctx->core,
						   HEKI_REVOCATION_CERTS, big,
						   PAGE_SIZE - 1), 0);
	KUNIT_ASSERT_EQ(test, heki_core_keep_kdata(&ctx->core,
						   HEKI_REVOCATION_CERTS,
						   "\x30\x82", 2), 0);
	KUNIT_EXPECT_EQ(test, kept->size[HEKI_REVOCATION_CERTS], PAGE_SIZE + 1);
	p = kept->data[HEKI_REVOCATION_CERTS];
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_MEMEQ(test, p, big, PAGE_SIZE - 1);
	KUNIT_EXPECT_EQ(test, p[PAGE_SIZE - 1], 0x30);
	KUNIT_EXPECT_EQ(test, p[PAGE_SIZE], 0x82);
	KUNIT_EXPECT_NULL(test, memchr_inv(p + PAGE_SIZE + 1, 0,
					   PAGE_SIZE - 1));
}

static void heki_kdata_bad_arguments(struct kunit *test)
{
	struct kdata_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, heki_core_keep_kdata(&ctx->core,
						   HEKI_KERNEL_DATA, "x", 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, heki_core_keep_kdata(&ctx->core, HEKI_KDATA_MAX,
						   "x", 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, heki_core_keep_kdata(&ctx->core,
						   HEKI_MODULE_CERTS, "x", 0),
			-EINVAL);
	KUNIT_EXPECT_NULL(test, ctx->core.kdata.data[HEKI_MODULE_CERTS]);
}

/* The read-only data and each kept type, once; nothing kept afterwards. */
static void heki_kdata_sent_once(struct kunit *test)
{
	struct kdata_ctx *ctx = test->priv;
	struct heki_kept_kdata *kept = &ctx->core.kdata;
	unsigned long i, types = 0;

	KUNIT_ASSERT_EQ(test, heki_core_keep_kdata(&ctx->core,
						   HEKI_MODULE_CERTS, "c", 1), 0);
	KUNIT_ASSERT_EQ(test, heki_core_keep_kdata(&ctx->core,
						   HEKI_BLACKLIST_HASHES,
						   "bin:03", 7), 0);
	KUNIT_ASSERT_EQ(test, heki_core_send_kdata(&ctx->core), 0);
	KUNIT_EXPECT_EQ(test, ctx->b->calls[HEKI_TEST_LOAD_KDATA], 1);
	for (i = 0; i < ctx->b->nranges; i++)
		types |= BIT(ctx->b->ranges[i].attributes);
	KUNIT_EXPECT_EQ(test, types, BIT(HEKI_KERNEL_DATA) |
			BIT(HEKI_MODULE_CERTS) | BIT(HEKI_BLACKLIST_HASHES));
	KUNIT_EXPECT_NULL(test, kept->data[HEKI_MODULE_CERTS]);

	KUNIT_EXPECT_EQ(test, heki_core_keep_kdata(&ctx->core,
						   HEKI_BLACKLIST_HASHES,
						   "bin:04", 7), -EPERM);
	KUNIT_EXPECT_NULL(test, kept->data[HEKI_BLACKLIST_HASHES]);
}

/* Once data was lost, nothing is sent: the backend trusts no key. */
static void heki_kdata_lost_sends_nothing(struct kunit *test)
{
	struct kdata_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, heki_core_keep_kdata(&ctx->core,
						   HEKI_MODULE_CERTS, "c", 1), 0);
	ctx->core.kdata.lost = true;
	KUNIT_EXPECT_EQ(test, heki_core_send_kdata(&ctx->core), -ENOMEM);
	KUNIT_EXPECT_EQ(test, ctx->b->calls[HEKI_TEST_LOAD_KDATA], 0);
	KUNIT_EXPECT_NULL(test, ctx->core.kdata.data[HEKI_MODULE_CERTS]);
}

static struct kunit_case heki_kdata_cases[] = {
	KUNIT_CASE(heki_kdata_appends),
	KUNIT_CASE(heki_kdata_grows_past_a_page),
	KUNIT_CASE(heki_kdata_bad_arguments),
	KUNIT_CASE(heki_kdata_sent_once),
	KUNIT_CASE(heki_kdata_lost_sends_nothing),
	{}
};

static struct kunit_suite heki_kdata_suite = {
	.name = "heki_kdata",
	.init = kdata_init_ctx,
	.exit = kdata_exit_ctx,
	.test_cases = heki_kdata_cases,
};

kunit_test_suite(heki_kdata_suite);
