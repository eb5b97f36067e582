// SPDX-License-Identifier: GPL-2.0
/*
 * HEKI selftests - the VTL call interface of the Hyper-V VSM backend
 *
 * The kernel's VSM test (CONFIG_HYPERV_VSM_TEST) made malformed VTL calls
 * before the end of boot; each must have failed with its own errno and
 * applied nothing. After the end of boot, every boot-only call must be
 * refused with -EPERM, and the protections must be the same afterwards.
 */

#define _GNU_SOURCE
#include <stdlib.h>

#include "../kselftest_harness.h"
#include "common.h"

#define VSM_TEST_DIR	"/sys/kernel/debug/vsm_test"

/*
 * Check every "<case> expected=<e> got=<g> <intact|modified>" line, or skip
 * on a file that is only "skipped <reason>".
 */
static void check_results(struct __test_metadata *_metadata, const char *file)
{
	char line[256], name[64], state[16];
	long expected, got;
	int cases = 0;
	FILE *f;

	f = fopen(file, "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		/* Only a file that has no case at all may say it skipped. */
		if (!cases && !strncmp(line, "skipped ", 8)) {
			fclose(f);
			ASSERT_FALSE(heki_sealed_by(HEKI_BACKEND_VSM))
				TH_LOG("sealed by the VSM, yet vsm_test %s", line);
			SKIP(return, "%s", line + 8);
		}
		ASSERT_EQ(4, sscanf(line, "%63s expected=%ld got=%ld %15s",
				    name, &expected, &got, state))
			TH_LOG("bad line: %s", line);
		TH_LOG("%s: expected %ld, got %ld, %s", name, expected, got,
		       state);
		EXPECT_EQ(expected, got);
		EXPECT_STREQ("intact", state);
		cases++;
	}
	fclose(f);
	ASSERT_LT(0, cases);
}

TEST(malformed_before_end_of_boot)
{
	if (access(VSM_TEST_DIR, F_OK))
		SKIP(return, "no " VSM_TEST_DIR " (CONFIG_HYPERV_VSM_TEST)");
	check_results(_metadata, VSM_TEST_DIR "/before_boot");
}

TEST(boot_only_after_end_of_boot)
{
	static const char *const probes[] = { "write_rodata", "cr4_smep" };
	char out[128];
	unsigned int i;
	int fd;

	if (access(VSM_TEST_DIR, F_OK))
		SKIP(return, "no " VSM_TEST_DIR " (CONFIG_HYPERV_VSM_TEST)");
	/* Before the end of boot, these calls would be accepted. */
	if (heki_mode_as_expected(_metadata) != HEKI_MODE_SEALED)
		SKIP(return, "the kernel is not sealed by a backend");
	fd = open(VSM_TEST_DIR "/after_boot", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, write(fd, "1", 1));
	close(fd);
	check_results(_metadata, VSM_TEST_DIR "/after_boot");

	/* The protections did not change. */
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		ASSERT_EQ(0, heki_attack(probes[i], NULL, out, sizeof(out)));
		TH_LOG("%s: %s", probes[i], out);
		EXPECT_EQ(0, strncmp(out, "blocked trap=13 ", 16));
	}
}

TEST_HARNESS_MAIN
