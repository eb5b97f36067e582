// SPDX-License-Identifier: GPL-2.0
/*
 * HEKI selftests - modules loaded after the end of boot
 *
 * Once a backend sealed the kernel, a module only runs if the hypervisor
 * side authenticated it. Real in-tree modules, signed by the kernel build,
 * must load, run (deflate's init registers an algorithm, its exit removes
 * it), unload and load again, also one that uses another module's exports.
 * A module whose signature was cut off, or that is signed by a key the
 * kernel does not know or whose certificate hash it blacklisted, loads
 * without HEKI (the kernel does not enforce signatures unless booted with
 * module.sig_enforce=1) but is refused by the hypervisor side; one
 * changed after signing, carrying another module's signature or signed
 * by a revoked key is refused by the kernel itself either way. A hostile
 * loader (the test interface's module_tamper plays the hostile kernel)
 * that changes a signed module's memory after laying it out, reports
 * memory that is not the module's, or hands the hypervisor side another
 * file is refused by the hypervisor side, and gets through without it.
 * Once a module runs, its text and read-only data cannot be written
 * through an alias and its data cannot run; once its memory was
 * released, the memory cannot run and the module's token is void.
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

/*
 * In load order: deflate uses the exports of the two before it, zstd
 * those of crypto_acompress and of zstd_compress, a large module.
 */
static const struct test_module modules[] = {
	{ "crypto_acompress", "crypto/crypto_acompress.ko", NULL, NULL },
	{ "zlib_deflate", "lib/zlib_deflate/zlib_deflate.ko", NULL, NULL },
	{ "deflate", "crypto/deflate.ko", "/proc/crypto", "deflate" },
	{ "zstd_compress", "lib/zstd/zstd_compress.ko", NULL, NULL },
	{ "zstd", "crypto/zstd.ko", "/proc/crypto", "zstd" },
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

static int load_path(const char *path)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

static int load_file(const struct test_module *m)
{
	char path[256];

	module_path(m, path, sizeof(path));
	return load_path(path);
}

/* Whether the kernel itself refuses modules it cannot verify. */
static bool sig_enforced(void)
{
	char buf[8];

	return !read_file("/sys/module/module/parameters/sig_enforce", buf,
			  sizeof(buf)) && buf[0] == 'Y';
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

/*
 * The plain module, just loaded with result @ret, must have been refused
 * with @err if @refused; otherwise it loaded, and is unloaded.
 */
static void expect_plain(struct __test_metadata *_metadata, bool refused,
			 int err, int ret)
{
	if (refused) {
		ASSERT_EQ(err, ret);
		ASSERT_FALSE(loaded(PLAIN->name));
	} else {
		ASSERT_EQ(0, ret);
		ASSERT_EQ(0, unload(PLAIN->name));
	}
}

FIXTURE(modules) {
	enum heki_mode mode;
};

FIXTURE_SETUP(modules)
{
	self->mode = heki_mode_as_expected(_metadata);
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
	expect_plain(_metadata, self->mode == HEKI_MODE_SEALED, -EKEYREJECTED,
		     load_altered(false));
}

/* One byte of the signed ELF changed: the kernel's own check refuses it. */
TEST_F(modules, modified_after_signing)
{
	ASSERT_EQ(-EKEYREJECTED, load_altered(true));
	ASSERT_FALSE(loaded(PLAIN->name));
}

#define OTHER_SIGNATURE	"/tmp/heki-other-signature.ko"

/*
 * The plain module's ELF file with the signature of another module
 * (zlib_deflate, signed by the same trusted key), written to
 * OTHER_SIGNATURE; 0 or -errno.
 */
static int write_other_signature(void)
{
	size_t len, other_len, elf_len, other_elf_len;
	char *buf = read_module(PLAIN, &len);
	char *other = read_module(&modules[1], &other_len);
	int fd, ret = -ENODATA;

	if (!buf || !other)
		goto out;
	elf_len = unsigned_len(buf, len);
	other_elf_len = unsigned_len(other, other_len);
	if (!elf_len || !other_elf_len)
		goto out;
	mkdir("/tmp", 0755);
	fd = open(OTHER_SIGNATURE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	ret = write(fd, buf, elf_len) == elf_len &&
	      write(fd, other + other_elf_len, other_len - other_elf_len) ==
	      other_len - other_elf_len ? 0 : -EIO;
	close(fd);
out:
	free(buf);
	free(other);
	return ret;
}

/* The kernel's own check refuses a signature made for another module. */
TEST_F(modules, signature_of_another)
{
	ASSERT_EQ(0, write_other_signature());
	ASSERT_EQ(-EKEYREJECTED, load_path(OTHER_SIGNATURE));
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
 * A real module with static call sites (libchacha's, from cond_resched()
 * and friends), which the kernel patches when the module comes: the
 * hypervisor side does not reproduce that yet and refuses it.
 */
TEST_F(modules, static_call_sites_refused)
{
	static const struct test_module libchacha = {
		"libchacha", "lib/crypto/libchacha.ko", NULL, NULL,
	};
	int ret = load_file(&libchacha);

	if (self->mode == HEKI_MODE_SEALED) {
		ASSERT_EQ(-EOPNOTSUPP, ret);
		ASSERT_FALSE(loaded(libchacha.name));
	} else {
		ASSERT_EQ(0, ret);
		ASSERT_EQ(0, unload(libchacha.name));
	}
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
	self->mode = heki_mode_as_expected(_metadata);
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

/*
 * Run code in the data of a module (zlib_deflate has a .data section)
 * through a new executable alias: only the hypervisor side stops it.
 */
TEST_F(modules, exec_module_data)
{
	const struct test_module *m = &modules[1];
	const char *want = self->mode == HEKI_MODE_SEALED ? "blocked trap=13" :
							   "succeeded";
	unsigned long long va;
	char arg[32], out[64];

	ASSERT_EQ(0, load_file(m));
	va = section_address(m->name, ".data");
	ASSERT_NE(0, va);
	snprintf(arg, sizeof(arg), "0x%llx", va);
	ASSERT_EQ(0, heki_attack("exec_module", arg, out, sizeof(out)));
	ASSERT_EQ(0, strncmp(out, want, strlen(want))) {
		TH_LOG("%s .data: %s", m->name, out);
	}
}

#define RELEASE_FILE	HEKI_TEST_DIR "/module_release"

/* Write @cmd to the test interface file @path; 0 or -errno. */
static int write_cmd(const char *path, const char *cmd)
{
	int fd, ret;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write(fd, cmd, strlen(cmd)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

/* Arm the module_release attempt @mode on module @name. */
static int arm_release(const char *mode, const char *name)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "%s %s", mode, name);
	return write_cmd(RELEASE_FILE, cmd);
}

/*
 * What a hostile kernel tries once the hypervisor side released a
 * module's memory, before the memory is freed: run its text (after
 * unload) or init text (after the init memory was released), or reuse
 * the module's token. Sealed, the text no longer runs and the token is
 * no longer valid; without the hypervisor side the text runs and there
 * is no token.
 */
FIXTURE(released) {
	enum heki_mode mode;
};

FIXTURE_VARIANT(released) {
	const char *attempt;
	const struct test_module *module;
	bool init;		/* at the release of the init memory */
	const char *sealed;	/* the outcome sealed, and without */
	const char *without;
};

FIXTURE_VARIANT_ADD(released, exec_text_after_unload) {
	.attempt = "exec_text",
	.module = &modules[0],
	.sealed = "blocked trap=13",
	.without = "succeeded",
};

FIXTURE_VARIANT_ADD(released, exec_init_text_after_free) {
	.attempt = "exec_init_text",
	.module = &modules[2],
	.init = true,
	.sealed = "blocked trap=13",
	.without = "succeeded",
};

FIXTURE_VARIANT_ADD(released, unload_twice) {
	.attempt = "replay_unload",
	.module = &modules[0],
	.sealed = "returned -2 ",	/* -ENOENT */
	.without = "skipped no token",
};

FIXTURE_VARIANT_ADD(released, free_after_unload) {
	.attempt = "replay_free",
	.module = &modules[0],
	.sealed = "returned -2 ",	/* -ENOENT */
	.without = "skipped no token",
};

FIXTURE_VARIANT_ADD(released, free_init_twice) {
	.attempt = "free_twice",
	.module = &modules[0],
	.init = true,
	.sealed = "returned -114 ",	/* -EALREADY */
	.without = "skipped no token",
};

FIXTURE_SETUP(released)
{
	const struct test_module *m;

	self->mode = heki_mode_as_expected(_metadata);
	unload_all();
	/* What the module uses, loaded first. */
	for (m = modules; m < variant->module; m++)
		ASSERT_EQ(0, load_file(m));
}

FIXTURE_TEARDOWN(released)
{
	unload_all();
}

TEST_F(released, attempt)
{
	const char *want = self->mode == HEKI_MODE_SEALED ? variant->sealed :
							   variant->without;
	const struct test_module *m = variant->module;
	char out[64];

	if (variant->init) {
		ASSERT_EQ(0, arm_release(variant->attempt, m->name));
		ASSERT_EQ(0, load_file(m));
	} else {
		ASSERT_EQ(0, load_file(m));
		ASSERT_EQ(0, arm_release(variant->attempt, m->name));
		ASSERT_EQ(0, unload(m->name));
	}
	ASSERT_EQ(0, read_file(RELEASE_FILE, out, sizeof(out)));
	ASSERT_EQ(0, strncmp(out, want, strlen(want))) {
		TH_LOG("%s on %s: %s", variant->attempt, m->name, out);
	}
}

#define TAMPER_FILE	HEKI_TEST_DIR "/module_tamper"
#define KEYS_DIR	"/selftests/heki/modules"

/*
 * Arm @mode (with @arg, if any), load a module without init (changed code
 * does not run).
 */
static int tampered_load(const char *mode, const char *arg, char *outcome,
			 size_t size)
{
	char cmd[256];
	int ret;

	snprintf(cmd, sizeof(cmd), "%s%s%s", mode, arg ? " " : "",
		 arg ? arg : "");
	ret = write_cmd(TAMPER_FILE, cmd);
	if (ret)
		return ret;
	ret = load_file(PLAIN);
	if (read_file(TAMPER_FILE, outcome, size))
		outcome[0] = '\0';
	return ret;
}

/*
 * A hostile loader lets the kernel check and lay out the genuine plain
 * module and hands the hypervisor side @file instead: the hypervisor side
 * checks the signature itself. Without a hypervisor side no file is kept,
 * nothing is handed over, and the module loads.
 */
static void hand_over(struct __test_metadata *_metadata, enum heki_mode mode,
		      const char *file, bool trusted)
{
	bool sealed = mode == HEKI_MODE_SEALED;
	char outcome[64];
	int ret;

	ret = tampered_load("file", file, outcome, sizeof(outcome));
	ASSERT_STREQ(sealed ? "done file" : "skipped file", outcome);
	expect_plain(_metadata, sealed && !trusted, -EKEYREJECTED, ret);
}

/*
 * The plain module signed by a test key (build/scripts/test-keys.sh) the
 * kernel trusts but revoked, trusts but blacklisted, or does not know;
 * and, to show that only the key matters, as the build signed it.
 */
FIXTURE(keys) {
	enum heki_mode mode;
	char path[256];
};

FIXTURE_VARIANT(keys) {
	const char *key;	/* NULL: the build's key */
	bool kernel_refuses;	/* the kernel's own check, even unenforced */
};

FIXTURE_VARIANT_ADD(keys, build) {
	.key = NULL,
};

FIXTURE_VARIANT_ADD(keys, revoked) {
	.key = "revoked",
	.kernel_refuses = true,
};

FIXTURE_VARIANT_ADD(keys, blacklisted) {
	.key = "blacklisted",
};

FIXTURE_VARIANT_ADD(keys, unknown) {
	.key = "unknown",
};

FIXTURE_SETUP(keys)
{
	self->mode = heki_mode_as_expected(_metadata);
	if (variant->key)
		snprintf(self->path, sizeof(self->path), KEYS_DIR "/%s.ko",
			 variant->key);
	else
		module_path(PLAIN, self->path, sizeof(self->path));
	/* The test keys exist only in kernels built for these tests. */
	if (variant->key && access(self->path, R_OK))
		SKIP(return, "no %s: the kernel's test keys and modules are missing",
		     self->path);
	ASSERT_EQ(0, access(self->path, R_OK));
	unload_all();
}

FIXTURE_TEARDOWN(keys)
{
	unload_all();
}

/*
 * Sealed, the hypervisor side refuses the key. Otherwise only the kernel
 * may: a revoked key always, an unknown one (a blacklisted certificate is
 * not in the kernel's keyring either) when it enforces signatures.
 */
TEST_F(keys, signed_by)
{
	bool refused = self->mode == HEKI_MODE_SEALED ||
		       variant->kernel_refuses || sig_enforced();

	expect_plain(_metadata, variant->key && refused, -EKEYREJECTED,
		     load_path(self->path));
}

/* The file signed by the test key, handed to the hypervisor side. */
TEST_F(keys, handed_to_hypervisor)
{
	hand_over(_metadata, self->mode, self->path, !variant->key);
}

/* The file with another module's signature, handed to the hypervisor side. */
TEST_F(modules, other_signature_handed_to_hypervisor)
{
	ASSERT_EQ(0, write_other_signature());
	hand_over(_metadata, self->mode, OTHER_SIGNATURE, false);
}

FIXTURE(tamper) {
	enum heki_mode mode;
};

FIXTURE_VARIANT(tamper) {
	const char *tamper;
	const char *arg;
	const struct test_module *first;	/* loaded before */
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

/* One memory type reported a page smaller than its sections need. */
FIXTURE_VARIANT_ADD(tamper, size) {
	.tamper = "size",
};

/* The kernel's text reported as the module's text. */
FIXTURE_VARIANT_ADD(tamper, kernel_text) {
	.tamper = "kernel_text",
};

/* The data of a module loaded before reported as the module's data. */
FIXTURE_VARIANT_ADD(tamper, other_module) {
	.tamper = "other_module",
	.arg = "zlib_deflate",
	.first = &modules[1],
};

/* A page frame above the end of RAM reported as the module's text. */
FIXTURE_VARIANT_ADD(tamper, outside_ram) {
	.tamper = "outside_ram",
};

FIXTURE_SETUP(tamper)
{
	self->mode = heki_mode_as_expected(_metadata);
	unload_all();
	if (variant->first)
		ASSERT_EQ(0, load_file(variant->first));
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

	ret = tampered_load(variant->tamper, variant->arg, outcome,
			    sizeof(outcome));
	snprintf(done, sizeof(done), "done %s", variant->tamper);
	ASSERT_STREQ(done, outcome);
	expect_plain(_metadata, self->mode == HEKI_MODE_SEALED, -EPERM, ret);
}

/*
 * Another CPU flips a byte of the module's text and back, again and again,
 * while the hypervisor side validates the module. Whether the module is
 * accepted depends on when its checks ran; an accepted module must hold
 * the text as signed, its byte intact: no write may land between the
 * check and the lock. Without a hypervisor side, the writes stop before
 * the module runs, with the byte back.
 */
TEST_F(modules, changed_during_validation)
{
	char outcome[64];
	int ret;

	ret = tampered_load("race", NULL, outcome, sizeof(outcome));
	if (!strcmp(outcome, "skipped race"))
		SKIP(return, "no other CPU to race from");
	if (!ret) {
		ASSERT_STREQ("done race accepted intact", outcome);
		ASSERT_EQ(0, unload(PLAIN->name));
	} else {
		ASSERT_EQ(HEKI_MODE_SEALED, self->mode);
		ASSERT_EQ(-EPERM, ret);
		ASSERT_EQ(0, strncmp(outcome, "done race refused", 17)) {
			TH_LOG("%s", outcome);
		}
		ASSERT_FALSE(loaded(PLAIN->name));
	}
}

TEST_HARNESS_MAIN
