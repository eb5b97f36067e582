/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HEKI selftests - helpers shared by the tests
 *
 * The state of HEKI comes from securityfs heki/, the attacks are made by
 * the kernel's test interface in debugfs heki_test/ (CONFIG_HEKI_TEST).
 */

#ifndef _SELFTESTS_HEKI_COMMON_H
#define _SELFTESTS_HEKI_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
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
