// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - a malicious module loader
 *
 * For testing only. Writing a mode to <debugfs>/heki_test/module_tamper
 * makes the next module load change the module's memory after the loader
 * laid it out, relocated and patched it, and before HEKI hands it to the
 * hypervisor side: what a kernel with a hostile ring 0 could do. Sealed,
 * the hypervisor side must refuse the module; with heki=off, nothing
 * checks and the module loads as changed.
 *
 *   text      flip the first byte of the module's text
 *   rodata    flip the first byte of its read-only data
 *   reloc     point the first call or jump from its text to the kernel at
 *             another kernel function
 *
 * Reading the file gives "armed <mode>", "done <mode>", "skipped <mode>"
 * (nothing to change, e.g. no call to the kernel), or "none".
 */

#define pr_fmt(fmt) "heki_test: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/heki.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/text-patching.h>
#include <linux/uaccess.h>
#include <asm/sections.h>

enum tamper_mode {
	TAMPER_NONE,
	TAMPER_TEXT,
	TAMPER_RODATA,
	TAMPER_RELOC,
};

static const char *const tamper_names[] = {
	[TAMPER_NONE] = "none",
	[TAMPER_TEXT] = "text",
	[TAMPER_RODATA] = "rodata",
	[TAMPER_RELOC] = "reloc",
};

static DEFINE_MUTEX(tamper_lock);
static enum tamper_mode tamper_armed;
static const char *tamper_last = "none";
static enum tamper_mode tamper_last_mode;

static u8 *region_of(const struct heki_module_region *regions, unsigned int n,
		     unsigned int type, size_t *size)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (regions[i].type == type && regions[i].size) {
			*size = regions[i].size;
			return (u8 *)regions[i].base;
		}
	}
	return NULL;
}

static bool kernel_text(unsigned long addr)
{
	return addr >= (unsigned long)_stext && addr < (unsigned long)_etext;
}

/*
 * Redirect the first "call rel32" or "jmp rel32" to kernel text; false if
 * there is none.
 */
static bool redirect_call(u8 *text, size_t size)
{
	unsigned long other = (unsigned long)heki_is_disabled;
	size_t i;

	for (i = 0; i + CALL_INSN_SIZE <= size; i++) {
		unsigned long next = (unsigned long)text + i + CALL_INSN_SIZE;
		s32 disp;

		if (text[i] != CALL_INSN_OPCODE && text[i] != JMP32_INSN_OPCODE)
			continue;
		memcpy(&disp, text + i + 1, sizeof(disp));
		if (!kernel_text(next + disp) || next + disp == other)
			continue;
		disp = other - next;
		memcpy(text + i + 1, &disp, sizeof(disp));
		return true;
	}
	return false;
}

/**
 * heki_test_tamper_module() - Change a laid-out module if asked to
 * @regions: the module's memory, as the loader laid it out
 * @nregions: entries of @regions
 *
 * Called by the module loader before HEKI validates the module, whatever
 * the state of HEKI. Does nothing unless a mode was written to
 * module_tamper, and then only once.
 */
void heki_test_tamper_module(const struct heki_module_region *regions,
			     unsigned int nregions)
{
	enum tamper_mode mode;
	bool done = false;
	size_t size;
	u8 *p;

	mutex_lock(&tamper_lock);
	mode = tamper_armed;
	tamper_armed = TAMPER_NONE;
	switch (mode) {
	case TAMPER_NONE:
		mutex_unlock(&tamper_lock);
		return;
	case TAMPER_TEXT:
		p = region_of(regions, nregions, HEKI_MODULE_TEXT, &size);
		if (p) {
			p[0] ^= 0xff;
			done = true;
		}
		break;
	case TAMPER_RODATA:
		p = region_of(regions, nregions, HEKI_MODULE_RODATA, &size);
		if (p) {
			p[0] ^= 0x01;
			done = true;
		}
		break;
	case TAMPER_RELOC:
		p = region_of(regions, nregions, HEKI_MODULE_TEXT, &size);
		done = p && redirect_call(p, size);
		break;
	}
	tamper_last = done ? "done" : "skipped";
	tamper_last_mode = mode;
	mutex_unlock(&tamper_lock);
	pr_info("module_tamper: %s %s\n", tamper_last, tamper_names[mode]);
}

static ssize_t tamper_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char buf[16];
	int mode;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	mode = sysfs_match_string(tamper_names, strim(buf));
	if (mode < 0)
		return mode;
	mutex_lock(&tamper_lock);
	tamper_armed = mode;
	tamper_last = mode ? "armed" : "none";
	tamper_last_mode = mode;
	mutex_unlock(&tamper_lock);
	return count;
}

static ssize_t tamper_read(struct file *file, char __user *ubuf, size_t count,
			   loff_t *ppos)
{
	char buf[32];
	int len;

	mutex_lock(&tamper_lock);
	if (tamper_last_mode == TAMPER_NONE)
		len = scnprintf(buf, sizeof(buf), "none\n");
	else
		len = scnprintf(buf, sizeof(buf), "%s %s\n", tamper_last,
				tamper_names[tamper_last_mode]);
	mutex_unlock(&tamper_lock);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations tamper_fops = {
	.open = simple_open,
	.read = tamper_read,
	.write = tamper_write,
	.llseek = default_llseek,
};

static int __init heki_test_module_tamper_init(void)
{
	struct dentry *dir = debugfs_lookup("heki_test", NULL);

	if (!dir)
		return -ENOENT;
	debugfs_create_file("module_tamper", 0600, dir, NULL, &tamper_fops);
	dput(dir);
	return 0;
}
late_initcall(heki_test_module_tamper_init);
