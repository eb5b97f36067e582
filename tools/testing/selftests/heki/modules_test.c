// SPDX-License-Identifier: GPL-2.0
/*
 * HEKI selftests - modules loaded after the end of boot
 *
 * Once a backend sealed the kernel, a module only runs if the hypervisor
 * side authenticated it. Real in-tree modules, signed by the kernel build,
 * must load, run (deflate's init registers an algorithm, its exit removes
 * it), unload and load again, also one that uses another module's exports.
 * A module whose signature was cut off loads without HEKI (the kernel
 * does not enforce signatures) but is refused by the hypervisor side;
 * one changed after signing is refused by the kernel itself either way.
 * A signed module whose memory the loader changed after laying it out
 * (the test interface's module_tamper plays the hostile kernel) loads
 * without HEKI and is refused by the hypervisor side. Once a module runs,
 * its text and read-only data cannot be written through an alias.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "common.h"

#define SIG_MARKER	"~Module signature appended~\n"

/* A module file of the VTL0 build and what its init leaves behind. */
struct test_module {
	const char *name;	/* as in /proc/modules */
	const char *path;	/* under /lib/modules/<release>/kernel/ */
	const char *proc;	/* file where its init registers something */
	const char *mark;	/* the line its init adds there */
};

/* In load order: deflate uses the exports of the other two. */
static const struct test_module modules[] = {
	{ "crypto_acompress", "crypto/crypto_acompress.ko", NULL, NULL },
	{ "zlib_deflate", "lib/zlib_deflate/zlib_deflate.ko", NULL, NULL },
	{ "deflate", "crypto/deflate.ko", "/proc/crypto", "deflate" },
};

#define NR_MODULES	ARRAY_SIZE(modules)
/* A module without init: code changed in it never runs at load. */
#define PLAIN		(&modules[0])

static void module_path(const struct test_module *m, char *buf, size_t size)
{
	struct utsname u;

	uname(&u);
	snprintf(buf, size, "/lib/modules/%s/kernel/%s", u.release, m->path);
}

/* The file, read whole; NULL on error. */
static char *read_module(const struct test_module *m, size_t *len)
{
	char path[256];
	struct stat st;
	char *buf;
	int fd;

	module_path(m, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = fstat(fd, &st) ? NULL : malloc(st.st_size);
	if (!buf) {
		close(fd);
		return NULL;
	}
	if (read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	*len = st.st_size;
	return buf;
}

/* Length of the ELF file before the appended signature, 0 if unsigned. */
static size_t unsigned_len(const char *buf, size_t len)
{
	size_t mlen = strlen(SIG_MARKER), sig_len;
	const unsigned char *ms;

	/* struct module_signature: 12 bytes, the last 4 the big-endian length */
	if (len < mlen + 12 || memcmp(buf + len - mlen, SIG_MARKER, mlen))
		return 0;
	ms = (const unsigned char *)buf + len - mlen - 12;
	sig_len = (size_t)ms[8] << 24 | ms[9] << 16 | ms[10] << 8 | ms[11];
	if (sig_len > len - mlen - 12)
		return 0;
	return len - mlen - 12 - sig_len;
}

static int load_file(const struct test_module *m)
{
	char path[256];
	int fd, ret;

	module_path(m, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

static int load_buf(const char *buf, size_t len)
{
	return syscall(SYS_init_module, buf, len, "") ? -errno : 0;
}

static int unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/* Whether @file has a line ending in @mark (" : <mark>" in /proc/crypto). */
static bool has_line(const char *file, const char *mark)
{
	char line[256];
	bool found = false;
	size_t ml = strlen(mark);
	FILE *f = fopen(file, "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		size_t l = strcspn(line, "\n");

		line[l] = '\0';
		found = l >= ml + 2 && !strcmp(line + l - ml, mark) &&
			line[l - ml - 1] == ' ';
	}
	fclose(f);
	return found;
}

static bool loaded(const char *name)
{
	char line[256];
	size_t nl = strlen(name);
	bool found = false;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, nl) && line[nl] == ' ';
	fclose(f);
	return found;
}

static void unload_all(void)
{
	int i;

	for (i = NR_MODULES - 1; i >= 0; i--)
		unload(modules[i].name);
}

FIXTURE(modules) {
	enum heki_mode mode;
};

FIXTURE_SETUP(modules)
{
	self->mode = heki_mode();
	unload_all();
}

FIXTURE_TEARDOWN(modules)
{
	unload_all();
}

/* Load every module, check that its init ran, unload, load again. */
TEST_F(modules, load_run_unload_reload)
{
	int round, i;

	for (round = 0; round < 2; round++) {
		for (i = 0; i < NR_MODULES; i++) {
			const struct test_module *m = &modules[i];

			ASSERT_EQ(0, load_file(m)) {
				TH_LOG("round %d: %s does not load", round, m->name);
			}
			ASSERT_TRUE(loaded(m->name));
			if (m->proc)
				ASSERT_TRUE(has_line(m->proc, m->mark)) {
					TH_LOG("%s: its init did not run", m->name);
				}
		}
		for (i = NR_MODULES - 1; i >= 0; i--) {
			const struct test_module *m = &modules[i];

			ASSERT_EQ(0, unload(m->name)) {
				TH_LOG("round %d: %s does not unload", round, m->name);
			}
			if (m->proc)
				ASSERT_FALSE(has_line(m->proc, m->mark)) {
					TH_LOG("%s: its exit did not run", m->name);
				}
		}
	}
}

/*
 * Load the plain module's file with a byte of the signed ELF changed
 * in the middle (@flip), or with its signature cut off; 0 or
 * -errno.
 */
static int load_altered(bool flip)
{
	size_t len, elf_len;
	char *buf = read_module(PLAIN, &len);
	int ret;

	if (!buf)
		return -ENOENT;
	elf_len = unsigned_len(buf, len);
	if (!elf_len) {
		free(buf);
		return -ENODATA;
	}
	if (flip)
		buf[elf_len / 2] ^= 0x01;
	ret = load_buf(buf, flip ? len : elf_len);
	free(buf);
	return ret;
}

/* Without its signature: only the hypervisor side refuses it. */
TEST_F(modules, unsigned_module)
{
	int ret = load_altered(false);

	if (self->mode == HEKI_MODE_SEALED) {
		ASSERT_EQ(-EKEYREJECTED, ret);
		ASSERT_FALSE(loaded(PLAIN->name));
	} else {
		ASSERT_EQ(0, ret);
		ASSERT_EQ(0, unload(PLAIN->name));
	}
}

/* One byte of the signed ELF changed: the kernel's own check refuses it. */
TEST_F(modules, modified_after_signing)
{
	ASSERT_EQ(-EKEYREJECTED, load_altered(true));
	ASSERT_FALSE(loaded(PLAIN->name));
}

/* A module using another module's exports, loaded after them. */
TEST_F(modules, uses_exports_of_another)
{
	ASSERT_EQ(0, load_file(&modules[0]));
	ASSERT_EQ(0, load_file(&modules[1]));
	ASSERT_EQ(0, load_file(&modules[2]));
	ASSERT_TRUE(has_line(modules[2].proc, modules[2].mark));
}

/*
 * More load/unload cycles than the hypervisor side keeps modules
 * (HV_VSM_MAX_MODULES, 512): had it kept anything of an unloaded module,
 * a load would fail.
 */
#define CYCLES		600

TEST_F_TIMEOUT(modules, many_cycles, 900)
{
	int i;

	for (i = 0; i < CYCLES; i++) {
		ASSERT_EQ(0, load_file(PLAIN)) {
			TH_LOG("cycle %d: the module does not load", i);
		}
		ASSERT_EQ(0, unload(PLAIN->name));
	}
}

/* Two modules loaded and unloaded at the same time, from two processes. */
TEST_F(modules, parallel_loads)
{
	int i, status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	for (i = 0; i < 20; i++) {
		const struct test_module *m = &modules[pid ? 0 : 1];

		if (load_file(m) || unload(m->name)) {
			if (!pid)
				_exit(1);
			break;
		}
	}
	if (!pid)
		_exit(0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(20, i);
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
}

/* The address of a section of a loaded module, from sysfs; 0 if unknown. */
static unsigned long long section_address(const char *module,
					  const char *section)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), "/sys/module/%s/sections/%s", module,
		 section);
	if (read_file(path, buf, sizeof(buf)))
		return 0;
	return strtoull(buf, NULL, 16);
}

FIXTURE(loaded) {
	enum heki_mode mode;
};

FIXTURE_VARIANT(loaded) {
	const char *section;
};

FIXTURE_VARIANT_ADD(loaded, text) {
	.section = ".text",
};

FIXTURE_VARIANT_ADD(loaded, rodata) {
	.section = ".rodata",
};

FIXTURE_SETUP(loaded)
{
	self->mode = heki_mode();
	unload_all();
	ASSERT_EQ(0, load_file(PLAIN));
}

FIXTURE_TEARDOWN(loaded)
{
	unload_all();
}

/*
 * Write a byte of the module's memory through a new writable alias, which
 * the kernel does not stop: the hypervisor side must, once it validated
 * the module. The byte is written back if the write got through.
 */
TEST_F(loaded, write_through_alias)
{
	unsigned long long va = section_address(PLAIN->name, variant->section);
	char arg[32], out[64];
	const char *want = self->mode == HEKI_MODE_SEALED ? "blocked trap=13" :
							   "succeeded";

	ASSERT_NE(0, va);
	snprintf(arg, sizeof(arg), "0x%llx", va);
	ASSERT_EQ(0, heki_attack("write_module", arg, out, sizeof(out)));
	ASSERT_EQ(0, strncmp(out, want, strlen(want))) {
		TH_LOG("%s: %s", variant->section, out);
	}
}

#define TAMPER_FILE	HEKI_TEST_DIR "/module_tamper"

/* Arm @mode, load a module without init (changed code does not run). */
static int tampered_load(const char *mode, char *outcome, size_t size)
{
	int fd, ret;

	fd = open(TAMPER_FILE, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write(fd, mode, strlen(mode)) < 0 ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	ret = load_file(PLAIN);
	if (read_file(TAMPER_FILE, outcome, size))
		outcome[0] = '\0';
	return ret;
}

FIXTURE(tamper) {
	enum heki_mode mode;
};

FIXTURE_VARIANT(tamper) {
	const char *tamper;
};

FIXTURE_VARIANT_ADD(tamper, text) {
	.tamper = "text",
};

FIXTURE_VARIANT_ADD(tamper, rodata) {
	.tamper = "rodata",
};

FIXTURE_VARIANT_ADD(tamper, reloc) {
	.tamper = "reloc",
};

FIXTURE_SETUP(tamper)
{
	self->mode = heki_mode();
	unload_all();
}

FIXTURE_TEARDOWN(tamper)
{
	unload_all();
}

/* Sealed, the hypervisor side refuses it; otherwise it gets through. */
TEST_F(tamper, after_layout)
{
	char outcome[64], done[64];
	int ret;

	ret = tampered_load(variant->tamper, outcome, sizeof(outcome));
	snprintf(done, sizeof(done), "done %s", variant->tamper);
	ASSERT_STREQ(done, outcome);
	if (self->mode == HEKI_MODE_SEALED) {
		ASSERT_EQ(-EPERM, ret);
		ASSERT_FALSE(loaded(PLAIN->name));
	} else {
		ASSERT_EQ(0, ret);
		ASSERT_EQ(0, unload(PLAIN->name));
	}
}

TEST_HARNESS_MAIN
