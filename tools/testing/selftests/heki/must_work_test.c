// SPDX-License-Identifier: GPL-2.0
/*
 * HEKI selftests - what must keep working once the kernel is sealed
 *
 * Pinning registers must not break the kernel features that legitimately
 * change them (CR4.TSD for PR_SET_TSC, CR4.PCE for rdpmc, CR4.PGE), CPUs
 * must go offline and come back locked, and user space must run as before.
 * Static keys must flip, from user space and from every CPU at once, and
 * the code their sites choose must follow: sealed, the hypervisor side
 * writes the sites (securityfs heki/text counts the changes), and refuses
 * none of the kernel's own. The features HEKI refuses once the kernel is
 * sealed (kprobes, kexec, BPF programs without an interpreter) must fail
 * with -EPERM and leave the kernel running, and work with heki=off.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/kexec.h>
#include <asm/ldt.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "common.h"

static inline uint64_t read_tsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t read_pmc(uint32_t counter)
{
	uint32_t lo, hi;

	asm volatile("rdpmc" : "=a" (lo), "=d" (hi) : "c" (counter));
	return (uint64_t)hi << 32 | lo;
}

static int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static int write_str(const char *path, const char *val)
{
	ssize_t len;
	int fd, err;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = write(fd, val, strlen(val));
	err = len < 0 ? -errno : len == (ssize_t)strlen(val) ? 0 : -EIO;
	close(fd);
	return err;
}

/* Whether @cpu is online; the CPUs that cannot go offline have no file. */
static bool cpu_online(int cpu)
{
	char path[64], val[16];
	int ret;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online",
		 cpu);
	ret = read_file(path, val, sizeof(val));
	if (ret)
		return ret == -ENOENT;
	return !strcmp(val, "1");
}

/*
 * Make the attack or change @name on @cpu, which the caller is pinned to;
 * its outcome must be @expect ("succeeded", "blocked trap=13") on @cpu.
 */
static void expect_on_cpu(struct __test_metadata *_metadata,
			  const char *name, int cpu, const char *expect)
{
	char out[128], want[128];

	ASSERT_EQ(0, heki_attack(name, NULL, out, sizeof(out)));
	TH_LOG("%s on CPU%d: %s", name, cpu, out);
	snprintf(want, sizeof(want), "%s cpu=%d", expect, cpu);
	ASSERT_STREQ(want, out);
}

/*
 * Two tasks share a CPU, one with the TSC disabled (CR4.TSD set while it
 * runs), one with it enabled: every context switch between them flips
 * CR4.TSD. The first must get SIGSEGV from rdtsc, the second never.
 */
TEST(tsc_prctl)
{
	int status, i, tsc = 0;
	pid_t child;

	ASSERT_EQ(0, pin_to_cpu(0));
	ASSERT_EQ(0, prctl(PR_GET_TSC, &tsc, 0, 0, 0));
	ASSERT_EQ(PR_TSC_ENABLE, tsc);

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		read_tsc();
		if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0))
			_exit(1);
		for (i = 0; i < 1000; i++)
			sched_yield();
		read_tsc();
		_exit(2);
	}
	for (i = 0; i < 1000; i++) {
		read_tsc();
		sched_yield();
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status))
		TH_LOG("the child exited with %d", WEXITSTATUS(status));
	ASSERT_EQ(SIGSEGV, WTERMSIG(status));
	read_tsc();
}

/*
 * Take a CPU offline and back online; it must then be locked like the
 * others: an attack made on it behaves as on the boot CPU. (Sealed by the
 * Hyper-V VSM, which denies VTL0 every way of starting a processor, the
 * CPU waits offline in long mode and starts over without a reset.)
 */
TEST(cpu_hotplug)
{
	enum heki_mode mode = heki_mode_as_expected(_metadata);
	char path[128], val[16];
	const char *expect;
	int cpu, ncpus;

	ncpus = sysconf(_SC_NPROCESSORS_CONF);
	for (cpu = 1; cpu < ncpus; cpu++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%d/online", cpu);
		if (!access(path, W_OK))
			break;
	}
	if (cpu >= ncpus)
		SKIP(return, "no CPU can go offline");

	ASSERT_EQ(0, write_str(path, "0"));
	ASSERT_EQ(0, read_file(path, val, sizeof(val)));
	ASSERT_STREQ("0", val);
	ASSERT_EQ(0, write_str(path, "1"));
	ASSERT_EQ(0, read_file(path, val, sizeof(val)));
	ASSERT_STREQ("1", val);

	/* Its control registers and its descriptor tables are pinned again. */
	ASSERT_EQ(0, pin_to_cpu(cpu));
	expect = mode == HEKI_MODE_SEALED ? "blocked trap=13" : "succeeded";
	expect_on_cpu(_metadata, "cr4_smep", cpu, expect);
	expect_on_cpu(_metadata, "gdtr", cpu, expect);
}

/*
 * Only the security bits of CR4 are pinned: the kernel may still flip
 * TSD, PCE and PGE with a mov to CR4, on every CPU, whatever the HEKI
 * mode. The test interface flips each bit and writes it back at once.
 */
TEST(cr4_unpinned_bits)
{
	static const char * const bits[] = { "cr4_tsd", "cr4_pce", "cr4_pge" };
	int cpu, ncpus, done = 0;
	unsigned int i;

	if (access(HEKI_TEST_DIR, F_OK))
		SKIP(return, "no " HEKI_TEST_DIR " (CONFIG_HEKI_TEST)");
	ncpus = sysconf(_SC_NPROCESSORS_CONF);
	for (cpu = 0; cpu < ncpus; cpu++) {
		if (!cpu_online(cpu))
			continue;
		ASSERT_EQ(0, pin_to_cpu(cpu));
		for (i = 0; i < ARRAY_SIZE(bits); i++)
			expect_on_cpu(_metadata, bits[i], cpu, "succeeded");
		done++;
	}
	ASSERT_LT(0, done);
}

/*
 * rdpmc from user space, allowed through the mmap'd page of a perf event:
 * the kernel sets CR4.PCE for the task.
 */
TEST(rdpmc)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_HARDWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_HW_INSTRUCTIONS,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};
	struct perf_event_mmap_page *pc;
	uint64_t first, second;
	long page = sysconf(_SC_PAGESIZE);
	int fd, i;

	fd = syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0)
		SKIP(return, "no hardware counter: %s", strerror(errno));
	pc = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, pc);
	if (!pc->cap_user_rdpmc || !pc->index)
		SKIP(return, "rdpmc not allowed for this counter");

	first = read_pmc(pc->index - 1);
	for (i = 0; i < 1000; i++)
		sched_yield();
	second = read_pmc(pc->index - 1);
	TH_LOG("counter %u: %llu then %llu", pc->index - 1,
	       (unsigned long long)first, (unsigned long long)second);
	ASSERT_NE(first, second);
	munmap(pc, page);
	close(fd);
}

/* User space may still run code it wrote (MBEC keeps user execution). */
TEST(user_exec)
{
	/* mov $42, %eax; ret */
	static const unsigned char code[] = { 0xb8, 0x2a, 0, 0, 0, 0xc3 };
	long page = sysconf(_SC_PAGESIZE);
	int (*fn)(void);
	void *p;

	p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	memcpy(p, code, sizeof(code));
	ASSERT_EQ(0, mprotect(p, page, PROT_READ | PROT_EXEC));
	fn = (int (*)(void))p;
	ASSERT_EQ(42, fn());
	munmap(p, page);
}

/* Physical address of a locked page of ours, from /proc/self/pagemap. */
static uint64_t page_pa(void *p)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t entry = 0;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (pread(fd, &entry, sizeof(entry),
		  (uintptr_t)p / page * sizeof(entry)) != sizeof(entry))
		entry = 0;
	close(fd);
	if (!(entry & (1ULL << 63)))
		return 0;
	return (entry & ((1ULL << 55) - 1)) * page;
}

/*
 * The kernel still reads and writes its own RAM through new mappings:
 * the primitive the VTL1 memory attacks use works on VTL0 memory.
 */
TEST(phys_access)
{
	long page = sysconf(_SC_PAGESIZE);
	char arg[32], out[128];
	unsigned char *p;
	uint64_t pa;

	if (access(HEKI_TEST_DIR, F_OK))
		SKIP(return, "no " HEKI_TEST_DIR " (CONFIG_HEKI_TEST)");
	p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED | MAP_POPULATE, -1,
		 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0xff, page);
	pa = page_pa(p);
	ASSERT_NE(0, pa);

	snprintf(arg, sizeof(arg), "%#llx", (unsigned long long)pa + 8);
	ASSERT_EQ(0, heki_attack("read_phys", arg, out, sizeof(out)));
	ASSERT_EQ(0, strncmp(out, "succeeded ", 10))
		TH_LOG("read_phys: %s", out);
	ASSERT_EQ(0, heki_attack("write_phys", arg, out, sizeof(out)));
	ASSERT_EQ(0, strncmp(out, "succeeded ", 10))
		TH_LOG("write_phys: %s", out);
	ASSERT_EQ(0, p[8]);
	ASSERT_EQ(0xff, p[7]);
	ASSERT_EQ(0xff, p[9]);
	munmap(p, page);
}

/*
 * The kernel keeps running after a blocked access: the test interface's
 * recovery from faults works (checked with accesses that fault anyway).
 */
TEST(blocked_access_recovery)
{
	char out[128];

	if (access(HEKI_TEST_DIR, F_OK))
		SKIP(return, "no " HEKI_TEST_DIR " (CONFIG_HEKI_TEST)");
	ASSERT_EQ(0, heki_attack("recovery", NULL, out, sizeof(out)));
	ASSERT_EQ(0, strncmp(out, "blocked trap=13 ", 16))
		TH_LOG("recovery: %s", out);
}

/* A "<key> <value>" line of securityfs heki/text; -1 if there is none. */
static long long heki_text(const char *key)
{
	char buf[256], *p;
	size_t len = strlen(key);

	if (read_file(HEKI_SECURITYFS "/text", buf, sizeof(buf)))
		return -1;
	for (p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, len) && p[len] == ' ')
			return strtoll(p + len + 1, NULL, 10);
	return -1;
}

#define STATIC_KEY_FILE	HEKI_TEST_DIR "/static_key"

/* Flip the test key to @on and check the code its site chooses. */
static void flip_test_key(struct __test_metadata *_metadata, bool on)
{
	char out[32];

	ASSERT_EQ(0, write_str(STATIC_KEY_FILE, on ? "1" : "0"));
	ASSERT_EQ(0, read_file(STATIC_KEY_FILE, out, sizeof(out)));
	ASSERT_STREQ(on ? "key=1 path=1" : "key=0 path=0", out);
}

/*
 * Sealed, every site change was written by the backend, at least @min of
 * them since @changes and @refused were read, and none refused.
 */
static void expect_text_changes(struct __test_metadata *_metadata,
				enum heki_mode mode, long long changes,
				long long refused, long long min)
{
	if (mode != HEKI_MODE_SEALED)
		return;
	EXPECT_EQ(1, heki_text("by_backend"));
	EXPECT_LE(changes + min, heki_text("changes"));
	EXPECT_EQ(refused, heki_text("refused"));
}

TEST(static_key_flips)
{
	enum heki_mode mode = heki_mode_as_expected(_metadata);
	long long changes = heki_text("changes");
	long long refused = heki_text("refused");
	int i;

	if (access(STATIC_KEY_FILE, F_OK))
		SKIP(return, "no " STATIC_KEY_FILE " (CONFIG_HEKI_TEST)");
	for (i = 0; i < 100; i++) {
		flip_test_key(_metadata, true);
		flip_test_key(_metadata, false);
	}
	expect_text_changes(_metadata, mode, changes, refused, 200);
}

/* Every online CPU flips the key at the same time, then it still works. */
TEST(static_key_concurrent)
{
	enum heki_mode mode = heki_mode_as_expected(_metadata);
	long long changes = heki_text("changes");
	long long refused = heki_text("refused");
	int ncpus = sysconf(_SC_NPROCESSORS_CONF);
	int cpu, i, status, children = 0;
	pid_t pid;

	if (access(STATIC_KEY_FILE, F_OK))
		SKIP(return, "no " STATIC_KEY_FILE " (CONFIG_HEKI_TEST)");
	for (cpu = 0; cpu < ncpus; cpu++) {
		if (!cpu_online(cpu))
			continue;
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			if (pin_to_cpu(cpu))
				_exit(2);
			for (i = 0; i < 50; i++)
				if (write_str(STATIC_KEY_FILE, i & 1 ? "0" : "1"))
					_exit(1);
			_exit(0);
		}
		children++;
	}
	for (i = 0; i < children; i++) {
		ASSERT_LT(0, wait(&status));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
	flip_test_key(_metadata, true);
	flip_test_key(_metadata, false);
	expect_text_changes(_metadata, mode, changes, refused, 2);
}

/* The sum of the sched_count field of the cpu lines of /proc/schedstat. */
static long long sched_count(void)
{
	unsigned long long yld, legacy, count, sum = 0;
	char line[512];
	FILE *f;

	f = fopen("/proc/schedstat", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu%*u %llu %llu %llu", &yld, &legacy,
			   &count) == 3)
			sum += count;
	fclose(f);
	return sum;
}

/* Context switches on every CPU, which schedule() counts in sched_count. */
static void switch_a_lot(void)
{
	int i;

	for (i = 0; i < 20; i++)
		usleep(1000);
}

/*
 * kernel.sched_schedstats flips the sched_schedstats static key: the
 * scheduler counts its calls only while it is on.
 */
TEST(schedstats_sysctl)
{
	const char *sysctl = "/proc/sys/kernel/sched_schedstats";
	enum heki_mode mode = heki_mode_as_expected(_metadata);
	long long changes = heki_text("changes");
	long long refused = heki_text("refused");
	long long before, after;
	char old[8];
	int i;

	if (read_file(sysctl, old, sizeof(old)))
		SKIP(return, "no %s (CONFIG_SCHEDSTATS)", sysctl);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, write_str(sysctl, "0"));
		before = sched_count();
		ASSERT_LE(0, before);
		switch_a_lot();
		after = sched_count();
		EXPECT_EQ(before, after) TH_LOG("schedstats off, yet counted");

		ASSERT_EQ(0, write_str(sysctl, "1"));
		before = sched_count();
		switch_a_lot();
		after = sched_count();
		EXPECT_LT(before, after) TH_LOG("schedstats on, yet not counted");
	}
	ASSERT_EQ(0, write_str(sysctl, old));
	expect_text_changes(_metadata, mode, changes, refused, 6);
}

/* Sealed, a refused feature; otherwise one that works. */
static bool refused(struct __test_metadata *_metadata)
{
	return heki_mode_as_expected(_metadata) == HEKI_MODE_SEALED;
}

/* A kprobe writes a breakpoint: -EPERM sealed, registered otherwise. */
TEST(policy_kprobes)
{
	bool sealed = refused(_metadata);
	char out[128];

	if (access(HEKI_TEST_DIR, F_OK))
		SKIP(return, "no " HEKI_TEST_DIR " (CONFIG_HEKI_TEST)");
	ASSERT_EQ(0, heki_attack("kprobe", NULL, out, sizeof(out)));
	TH_LOG("kprobe: %s", out);
	if (!strncmp(out, "skipped ", 8))
		SKIP(return, "%s", out + 8);
	ASSERT_EQ(0, strncmp(out, sealed ? "returned -1 " : "returned 0 ",
			     sealed ? 12 : 11));
}

#define STATIC_CALL_FILE	HEKI_TEST_DIR "/static_call"

/* Retarget the test static call to @to and check what a call runs. */
static void retarget_test_call(struct __test_metadata *_metadata, char to)
{
	char want[32], out[32];

	snprintf(want, sizeof(want), "target=%c ran=%c", to, to);
	ASSERT_EQ(0, write_str(STATIC_CALL_FILE, to == 'a' ? "a" : "b"));
	ASSERT_EQ(0, read_file(STATIC_CALL_FILE, out, sizeof(out)));
	ASSERT_STREQ(want, out);
}

/*
 * A static call retargeted from user space (debugfs heki_test/static_call)
 * 50 times: the call site and the trampoline follow every update (written
 * by the backend once sealed, none refused).
 */
TEST(static_call_retarget)
{
	enum heki_mode mode = heki_mode_as_expected(_metadata);
	long long changes = heki_text("changes");
	long long refused = heki_text("refused");
	int i;

	if (access(STATIC_CALL_FILE, F_OK))
		SKIP(return, "no " STATIC_CALL_FILE " (CONFIG_HEKI_TEST)");
	retarget_test_call(_metadata, 'a');
	for (i = 0; i < 25; i++) {
		retarget_test_call(_metadata, 'b');
		retarget_test_call(_metadata, 'a');
	}
	expect_text_changes(_metadata, mode, changes, refused, 50);
}

/*
 * A static call retargeted to the second byte of a function: sealed,
 * refused before anything changes (-EPERM); otherwise it goes through
 * (and is put back at once). The call keeps its target either way.
 */
TEST(policy_static_call_target)
{
	bool sealed = refused(_metadata);
	char out[32];
	int ret;

	if (access(STATIC_CALL_FILE, F_OK))
		SKIP(return, "no " STATIC_CALL_FILE " (CONFIG_HEKI_TEST)");
	retarget_test_call(_metadata, 'b');
	ret = write_str(STATIC_CALL_FILE, "x");
	EXPECT_EQ(sealed ? -EPERM : 0, ret);
	ASSERT_EQ(0, read_file(STATIC_CALL_FILE, out, sizeof(out)));
	EXPECT_STREQ("target=b ran=b", out);
	retarget_test_call(_metadata, 'a');
}

/*
 * modify_ldt() writing a data segment of the process's LDT: -EPERM sealed
 * by a backend that pins the descriptor tables (the LDT could not be
 * loaded at a context switch), done otherwise, and the entry reads back.
 */
TEST(policy_modify_ldt)
{
	bool sealed = refused(_metadata);
	struct user_desc desc = {
		.entry_number = 0,
		.limit = 0xfffff,
		.seg_32bit = 1,
		.limit_in_pages = 1,
	};
	unsigned char ldt[16] = {};
	long ret;

	/*
	 * modify_ldt() returns its errors as an unsigned int, which syscall()
	 * takes for a success: the error is the low 32 bits. Only a kernel
	 * without the system call makes it fail.
	 */
	ret = syscall(SYS_modify_ldt, 1, &desc, sizeof(desc));
	if (ret == -1)
		SKIP(return, "no modify_ldt() (CONFIG_MODIFY_LDT_SYSCALL): %s",
		     strerror(errno));
	if (sealed) {
		ASSERT_EQ(-EPERM, (int)ret);
		ASSERT_EQ(0, syscall(SYS_modify_ldt, 0, ldt, sizeof(ldt)));
		return;
	}
	ASSERT_EQ(0, (int)ret);
	ASSERT_EQ((long)sizeof(ldt), syscall(SYS_modify_ldt, 0, ldt, sizeof(ldt)));
	/* Limit 0xfffff in 4 KiB pages, present. */
	EXPECT_EQ(0xff, ldt[0]);
	EXPECT_NE(0, ldt[5] & 0x80);
	/* The process keeps running with its LDT loaded. */
	usleep(1000);
}

/*
 * kexec_load() without segments unloads the kexec image: -EPERM sealed
 * (no next kernel can be loaded), done otherwise.
 */
TEST(policy_kexec)
{
	bool sealed = refused(_metadata);
	long ret;

	if (access("/proc/sys/kernel/kexec_load_disabled", F_OK))
		SKIP(return, "no kexec (CONFIG_KEXEC)");
	ret = syscall(SYS_kexec_load, 0UL, 0UL, NULL, KEXEC_ARCH_DEFAULT);
	if (sealed) {
		ASSERT_EQ(-1, ret);
		ASSERT_EQ(EPERM, errno);
	} else {
		ASSERT_EQ(0, ret) TH_LOG("kexec_load: %s", strerror(errno));
	}
}

/*
 * A BPF program, which the JIT would turn into kernel code. Sealed, it is
 * never JITed: it runs interpreted, or, without an interpreter
 * (BPF_JIT_ALWAYS_ON), its load fails with -EPERM. Otherwise it loads.
 */
TEST(policy_bpf_jit)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	bool sealed = refused(_metadata);
	struct bpf_prog_info info = {};
	union bpf_attr attr = {};
	int fd;

	if (access("/proc/sys/kernel/unprivileged_bpf_disabled", F_OK))
		SKIP(return, "no bpf() (CONFIG_BPF_SYSCALL)");
	attr.prog_type = BPF_PROG_TYPE_SYSCALL;
	attr.prog_flags = BPF_F_SLEEPABLE;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t)"GPL";
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (sealed && fd < 0) {
		ASSERT_EQ(EPERM, errno);
		return;
	}
	ASSERT_LE(0, fd) TH_LOG("BPF_PROG_LOAD: %s", strerror(errno));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uintptr_t)&info;
	ASSERT_EQ(0, syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr,
			     sizeof(attr)));
	TH_LOG("loaded, %u bytes of JITed code", info.jited_prog_len);
	if (sealed)
		EXPECT_EQ(0, info.jited_prog_len);
	close(fd);
}

TEST_HARNESS_MAIN
