/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HEKI selftests - helpers shared by the tests
 *
 * The state of HEKI comes from securityfs heki/, the attacks are made by
 * the kernel's test interface in debugfs heki_test/ (CONFIG_HEKI_TEST).
 * Include it after kselftest_harness.h.
 */

#ifndef _SELFTESTS_HEKI_COMMON_H
#define _SELFTESTS_HEKI_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEKI_SECURITYFS	"/sys/kernel/security/heki"
#define HEKI_TEST_DIR	"/sys/kernel/debug/heki_test"

enum heki_mode {
	HEKI_MODE_UNKNOWN,	/* no HEKI, or a state the tests do not expect */
	HEKI_MODE_OFF,		/* heki=off */
	HEKI_MODE_NO_BACKEND,	/* HEKI without a hypervisor backend */
	HEKI_MODE_SEALED,	/* a backend enforces the protections */
};

/* Read a small file, without its trailing newline; 0 or -errno. */
static inline int read_file(const char *path, char *buf, size_t size)
{
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, size - 1);
	if (len < 0)
		len = -errno;
	close(fd);
	if (len < 0)
		return len;
	buf[len] = '\0';
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return 0;
}

static inline enum heki_mode heki_mode(void)
{
	char state[64];

	if (read_file(HEKI_SECURITYFS "/state", state, sizeof(state)))
		return HEKI_MODE_UNKNOWN;
	if (!strcmp(state, "disabled"))
		return HEKI_MODE_OFF;
	if (!strcmp(state, "no backend"))
		return HEKI_MODE_NO_BACKEND;
	if (!strcmp(state, "sealed"))
		return HEKI_MODE_SEALED;
	return HEKI_MODE_UNKNOWN;
}

static inline const char *heki_mode_name(enum heki_mode mode)
{
	switch (mode) {
	case HEKI_MODE_OFF:
		return "off";
	case HEKI_MODE_NO_BACKEND:
		return "no-backend";
	case HEKI_MODE_SEALED:
		return "sealed";
	default:
		return "unknown";
	}
}

static inline enum heki_mode heki_mode_parse(const char *name, size_t len)
{
	enum heki_mode mode;

	for (mode = HEKI_MODE_OFF; mode <= HEKI_MODE_SEALED; mode++)
		if (strlen(heki_mode_name(mode)) == len &&
		    !strncmp(heki_mode_name(mode), name, len))
			return mode;
	return HEKI_MODE_UNKNOWN;
}

/* Whether @val, the value of heki= on the command line, turns HEKI off. */
static inline bool heki_param_off(const char *val, size_t len)
{
	/* The kernel parses it with kstrtobool(). */
	if (len >= 2 && (val[0] == 'o' || val[0] == 'O'))
		return val[1] == 'f' || val[1] == 'F';
	return len && strchr("nN0", val[0]);
}

/*
 * The HEKI state the tests expect. It never comes from the kernel's own
 * state: a kernel that should be protected but is not (no backend, or a
 * backend that failed to seal) must fail the tests, not count the attacks
 * that got through as passes. It is the environment variable HEKI_EXPECT
 * or, without it, heki_expect= on the kernel command line, each one of
 * "sealed", "off" or "no-backend"; without either, "off" when the kernel
 * was booted with heki=off (the last heki= counts, as for the kernel) and
 * "sealed" otherwise. Anything else is HEKI_MODE_UNKNOWN, which no kernel
 * matches.
 *
 * With ",unchecked" after the state, the tests expect what that state
 * calls for without checking that the kernel is in it: each test then
 * shows on its own that it fails when the protection it tests is absent.
 */
static inline enum heki_mode heki_expectation(bool *unchecked)
{
	const char *env = getenv("HEKI_EXPECT"), *val = NULL, *comma;
	enum heki_mode mode = HEKI_MODE_SEALED;
	char cmdline[4096], *arg, *save;
	size_t len;

	*unchecked = false;
	if (env) {
		val = env;
	} else {
		if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)))
			return HEKI_MODE_UNKNOWN;
		for (arg = strtok_r(cmdline, " \t", &save); arg;
		     arg = strtok_r(NULL, " \t", &save)) {
			if (!strncmp(arg, "heki_expect=", 12))
				val = arg + 12;
			else if (!strncmp(arg, "heki=", 5))
				mode = heki_param_off(arg + 5, strlen(arg + 5)) ?
				       HEKI_MODE_OFF : HEKI_MODE_SEALED;
		}
		if (!val)
			return mode;
	}
	comma = strchr(val, ',');
	len = comma ? (size_t)(comma - val) : strlen(val);
	if (comma) {
		if (strcmp(comma, ",unchecked"))
			return HEKI_MODE_UNKNOWN;
		*unchecked = true;
	}
	return heki_mode_parse(val, len);
}

/*
 * The state of HEKI the test goes by, in a test or a fixture set-up (it
 * uses the harness's ASSERT): the expected one, and the test fails unless
 * the kernel is in it (but with ",unchecked").
 */
static inline enum heki_mode
heki_mode_as_expected(struct __test_metadata *_metadata)
{
	enum heki_mode mode = heki_mode(), expected;
	bool unchecked;

	expected = heki_expectation(&unchecked);
	if (unchecked)
		return expected;
	ASSERT_EQ(expected, mode)
		TH_LOG("HEKI is %s, %s expected (HEKI_EXPECT, heki_expect=)",
		       heki_mode_name(mode), heki_mode_name(expected));
	return mode;
}

/* The backend of the Hyper-V VSM, which cannot seal without VTL1 running. */
#define HEKI_BACKEND_VSM	"hyperv-vsm"

/* Whether HEKI is sealed by the backend @name. */
static inline bool heki_sealed_by(const char *name)
{
	char backend[64];

	return heki_mode() == HEKI_MODE_SEALED &&
	       !read_file(HEKI_SECURITYFS "/backend", backend, sizeof(backend)) &&
	       !strcmp(backend, name);
}

/*
 * Make the attack @name (a file of HEKI_TEST_DIR) on the calling CPU,
 * writing @arg (an address, for the attacks that take one), and read its
 * outcome line into @out. Returns 0 or -errno.
 */
static inline int heki_attack(const char *name, const char *arg, char *out,
			      size_t size)
{
	char path[128];
	ssize_t len;
	int fd, ret = 0;

	snprintf(path, sizeof(path), HEKI_TEST_DIR "/%s", name);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!arg)
		arg = "1";
	if (write(fd, arg, strlen(arg)) != (ssize_t)strlen(arg) ||
	    lseek(fd, 0, SEEK_SET)) {
		ret = -errno;
		goto out;
	}
	len = read(fd, out, size - 1);
	if (len < 0) {
		ret = -errno;
		goto out;
	}
	out[len] = '\0';
	if (len && out[len - 1] == '\n')
		out[len - 1] = '\0';
out:
	close(fd);
	return ret;
}

/*
 * Sum of the counts of the violation records of @type in securityfs
 * heki/violations, or -errno if the log cannot be read.
 */
static inline long long heki_violations(const char *type)
{
	char line[256], name[32];
	unsigned long long count;
	long long sum = 0;
	FILE *f;

	f = fopen(HEKI_SECURITYFS "/violations", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *c = strstr(line, " count=");

		if (sscanf(line, "%31s", name) != 1 || !c ||
		    sscanf(c, " count=%llu", &count) != 1)
			continue;
		if (!strcmp(name, type))
			sum += count;
	}
	if (ferror(f))
		sum = -EIO;
	fclose(f);
	return sum;
}

#endif /* _SELFTESTS_HEKI_COMMON_H */
