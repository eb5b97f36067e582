/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - recording test backend
 */

#ifndef _SECURITY_HEKI_KUNIT_BACKEND_H
#define _SECURITY_HEKI_KUNIT_BACKEND_H

#include <kunit/test.h>
#include <linux/heki.h>

enum heki_test_op {
	HEKI_TEST_LOCK_REGS,
	HEKI_TEST_PROTECT_MEMORY,
	HEKI_TEST_LOAD_KDATA,
	HEKI_TEST_FINISH_BOOT,
	HEKI_TEST_READ_VIOLATIONS,
	HEKI_TEST_VALIDATE_MODULE,
	HEKI_TEST_FREE_MODULE_INIT,
	HEKI_TEST_UNLOAD_MODULE,
	HEKI_TEST_PATCH_TEXT,
	HEKI_TEST_NR_OPS,
};

/**
 * struct heki_test_backend - A backend that records every call
 * @hv: Operations to register; all of them are set.
 * @test: Test the backend belongs to (allocations are test-managed).
 * @calls: Number of calls per &enum heki_test_op.
 * @ret: Value each operation returns.
 * @ranges: Copy of the ranges of the last request received.
 * @nranges: Number of ranges of the last request.
 * @ordered: The ranges of the last request were non-empty, sorted by
 *           physical address and disjoint.
 * @violations: Records returned by read_violations.
 * @nr_violations: Number of records in @violations.
 * @token: Token validate_module gives; the last token free_module_init or
 *         unload_module got.
 * @pokes: Number of changes of the last patch_text call.
 */
struct heki_test_backend {
	struct heki_hypervisor hv;
	struct kunit *test;
	unsigned int calls[HEKI_TEST_NR_OPS];
	int ret[HEKI_TEST_NR_OPS];
	struct heki_range *ranges;
	unsigned long nranges;
	bool ordered;
	const struct heki_violation *violations;
	unsigned int nr_violations;
	u64 token;
	unsigned int pokes;
};

struct heki_test_backend *heki_test_backend_new(struct kunit *test);

#endif /* _SECURITY_HEKI_KUNIT_BACKEND_H */
