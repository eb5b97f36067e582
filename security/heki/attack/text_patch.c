// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - text patching test interface
 *
 * For testing only. <debugfs>/heki_test/static_key flips a static key of
 * this file: writing 1 or 0 enables or disables it; reading gives
 * "key=<0|1> path=<0|1>", the key's state and the branch its jump label
 * site takes when it runs. Once the kernel is sealed, the site is written
 * by the hypervisor side; the two must agree after every flip.
 *
 * The attacks patch_int3 and patch_jump (files of attacks.c) change text
 * through the kernel's own text patching code, which after the seal hands
 * the change to the hypervisor side, with changes the sealed kernel never
 * declared: a lone INT3 at the start of a function that never runs, and a
 * jump from the test key's site to another target than its own. The
 * attack poke_int3 writes the INT3 with text_poke(), as a kprobe armed
 * before the seal would, which HEKI stops before the write faults.
 *
 * <debugfs>/heki_test/static_call retargets a static call of this file:
 * writing "a" or "b" updates it to one of two functions; reading gives
 * "target=<a|b> ran=<a|b>", where the static call points and which
 * function a call through it ran. Once the kernel is sealed, the call site
 * and the trampoline are written by the hypervisor side; the two must
 * agree after every update. Writing "x" updates it to the second byte of
 * a function, which HEKI refuses once sealed (-EPERM, nothing changed);
 * where the update got through, the call is put back at once, before
 * anything calls it.
 *
 * The attack patch_static_call retargets the static call's trampoline to
 * that second byte through the architecture's static call code, past
 * HEKI's check: the hypervisor side refuses it once sealed.
 *
 * The file kprobe (of attacks.c) registers a kprobe on that function and
 * gives what register_kprobe() returned: once the kernel is sealed, HEKI
 * refuses kprobes (-EPERM) before any breakpoint is written.
 */

#define pr_fmt(fmt) "heki_test: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/heki.h>
#include <linux/jump_label.h>
#include <linux/kprobes.h>
#include <linux/kstrtox.h>
#include <linux/memory.h>
#include <linux/mutex.h>
#include <linux/static_call.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/text-patching.h>

#include "attack.h"

static DEFINE_STATIC_KEY_FALSE(heki_test_key);

static noinline int heki_test_key_path(void)
{
	return static_branch_unlikely(&heki_test_key) ? 1 : 0;
}

/* The target of patch_int3: a function that is never run. */
static noinline __used int heki_test_never_run(void)
{
	return heki_test_key_path() + 1;
}

static struct jump_entry *heki_test_site(void)
{
	struct jump_entry *e;

	for (e = __start___jump_table; e < __stop___jump_table; e++)
		if (jump_entry_key(e) == &heki_test_key.key)
			return e;
	return NULL;
}

/**
 * heki_test_patch_int3() - Write an INT3 at the start of a function
 * @changed: Set to whether the text changed.
 *
 * Where it got through without a backend, the byte is put back at once.
 *
 * Return: 0.
 */
int heki_test_patch_int3(bool *changed)
{
	static const u8 int3 = INT3_INSN_OPCODE;
	u8 *addr = (u8 *)heki_test_never_run;
	u8 old = READ_ONCE(*addr);

	mutex_lock(&text_mutex);
	smp_text_poke_single(addr, &int3, 1, NULL);
	*changed = READ_ONCE(*addr) != old;
	/* Sealed, the kernel cannot write it back: the function never runs. */
	if (*changed && !heki_text_patched())
		text_poke(addr, &old, 1);
	mutex_unlock(&text_mutex);
	return 0;
}

/**
 * heki_test_poke_int3() - Write an INT3 with text_poke(), as kprobes do
 * @changed: Set to whether the text changed.
 *
 * Where it got through, the byte is put back at once.
 *
 * Return: 0.
 */
int heki_test_poke_int3(bool *changed)
{
	static const u8 int3 = INT3_INSN_OPCODE;
	u8 *addr = (u8 *)heki_test_never_run;
	u8 old = READ_ONCE(*addr);

	mutex_lock(&text_mutex);
	text_poke(addr, &int3, 1);
	*changed = READ_ONCE(*addr) != old;
	if (*changed)
		text_poke(addr, &old, 1);
	mutex_unlock(&text_mutex);
	return 0;
}

/**
 * heki_test_patch_jump() - Make the test key's site jump to the next instruction
 * @changed: Set to whether the text changed.
 *
 * Where it got through, the site gets its bytes back at once.
 *
 * Return: 0, or -ENOENT without a site (no CONFIG_JUMP_LABEL).
 */
int heki_test_patch_jump(bool *changed)
{
	struct jump_entry *e = heki_test_site();
	u8 old[JMP32_INSN_SIZE], *addr;
	const void *jmp;
	int size;

	if (!e)
		return -ENOENT;
	addr = (u8 *)jump_entry_code(e);
	size = arch_jump_entry_size(e);
	jump_label_lock();
	mutex_lock(&text_mutex);
	memcpy(old, addr, size);
	jmp = text_gen_insn(size == JMP8_INSN_SIZE ? JMP8_INSN_OPCODE :
			    JMP32_INSN_OPCODE, addr, addr + size);
	smp_text_poke_single(addr, jmp, size, NULL);
	*changed = memcmp(addr, old, size);
	if (*changed)
		smp_text_poke_single(addr, old, size, NULL);
	mutex_unlock(&text_mutex);
	jump_label_unlock();
	return 0;
}

/* Updates of the test static call must not race. */
static DEFINE_MUTEX(heki_test_call_lock);

static noinline int heki_test_call_a(void)
{
	return 'a';
}

static noinline int heki_test_call_b(void)
{
	return 'b';
}

DEFINE_STATIC_CALL(heki_test_call, heki_test_call_a);

/* Not a function: the second byte of one. */
static void *heki_test_call_forged(void)
{
	return (u8 *)heki_test_call_a + 1;
}

/* Update to "x" and back if it got through: -EPERM if it did not. */
static int heki_test_call_update_forged(void)
{
	typeof(heki_test_call_a) *old = static_call_query(heki_test_call);

	static_call_update(heki_test_call,
			   (typeof(heki_test_call_a) *)heki_test_call_forged());
	if (static_call_query(heki_test_call) == old)
		return -EPERM;
	static_call_update(heki_test_call, old);
	return 0;
}

static ssize_t static_call_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	int ret = 0;
	char c;

	if (!count || get_user(c, ubuf))
		return -EFAULT;
	mutex_lock(&heki_test_call_lock);
	if (c == 'a' || c == 'b')
		static_call_update(heki_test_call, c == 'a' ? heki_test_call_a :
				   heki_test_call_b);
	else if (c == 'x')
		ret = heki_test_call_update_forged();
	else
		ret = -EINVAL;
	mutex_unlock(&heki_test_call_lock);
	return ret ?: count;
}

static ssize_t static_call_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char buf[32];
	int len;

	/* Not while a forged target is in place, where it got through. */
	mutex_lock(&heki_test_call_lock);
	len = scnprintf(buf, sizeof(buf), "target=%c ran=%c\n",
			static_call_query(heki_test_call) == heki_test_call_b ?
			'b' : 'a', static_call(heki_test_call)());
	mutex_unlock(&heki_test_call_lock);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations static_call_fops = {
	.open = simple_open,
	.read = static_call_read,
	.write = static_call_write,
	.llseek = default_llseek,
};

/**
 * heki_test_patch_static_call() - Retarget the test trampoline to a non-function
 * @changed: Set to whether the text changed.
 *
 * Goes straight to the architecture's static call code, as code that
 * bypasses HEKI's check of the target would. Where it got through, the
 * trampoline gets its target back at once.
 *
 * Return: 0.
 */
int heki_test_patch_static_call(bool *changed)
{
	void *tramp = &STATIC_CALL_TRAMP(heki_test_call);
	u8 old[JMP32_INSN_SIZE];

	mutex_lock(&heki_test_call_lock);
	memcpy(old, tramp, sizeof(old));
	arch_static_call_transform(NULL, tramp, heki_test_call_forged(), false);
	*changed = memcmp(tramp, old, sizeof(old));
	if (*changed)
		arch_static_call_transform(NULL, tramp,
					   static_call_query(heki_test_call),
					   false);
	mutex_unlock(&heki_test_call_lock);
	return 0;
}

/**
 * heki_test_kprobe() - Register a kprobe, and unregister it at once
 *
 * Return: what register_kprobe() returned, -EOPNOTSUPP without kprobes.
 */
int heki_test_kprobe(void)
{
#ifdef CONFIG_KPROBES
	struct kprobe kp = { .addr = (kprobe_opcode_t *)heki_test_never_run };
	int ret = register_kprobe(&kp);

	if (!ret)
		unregister_kprobe(&kp);
	return ret;
#else
	return -EOPNOTSUPP;
#endif
}

/* static_branch_enable() and _disable() must not race on one key. */
static DEFINE_MUTEX(heki_test_key_lock);

static ssize_t static_key_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	bool on;
	int ret;

	ret = kstrtobool_from_user(ubuf, count, &on);
	if (ret)
		return ret;
	mutex_lock(&heki_test_key_lock);
	if (on)
		static_branch_enable(&heki_test_key);
	else
		static_branch_disable(&heki_test_key);
	mutex_unlock(&heki_test_key_lock);
	return count;
}

static ssize_t static_key_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char buf[32];
	int len;

	len = scnprintf(buf, sizeof(buf), "key=%d path=%d\n",
			static_key_enabled(&heki_test_key),
			heki_test_key_path());
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations static_key_fops = {
	.open = simple_open,
	.read = static_key_read,
	.write = static_key_write,
	.llseek = default_llseek,
};

/**
 * heki_test_text_init() - Create the static_key and static_call files
 * @dir: The test interface's debugfs directory.
 */
void heki_test_text_init(struct dentry *dir)
{
	debugfs_create_file("static_key", 0600, dir, NULL, &static_key_fops);
	debugfs_create_file("static_call", 0600, dir, NULL, &static_call_fops);
}
