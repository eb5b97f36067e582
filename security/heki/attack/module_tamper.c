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
 *   text          flip the first byte of the module's text
 *   rodata        flip the first byte of its read-only data
 *   reloc         point the first call or jump from its text to the kernel
 *                 at another kernel function
 *   size          report the first memory type of two pages or more one
 *                 page smaller than laid out
 *   kernel_text   report the kernel's first text page as the module's
 *                 first text page (through an alias in the module area)
 *   other_module <name>
 *                 report the data of module <name> as the module's data
 *   outside_ram   report a page frame above the end of RAM as the
 *                 module's first text page (the same way)
 *   file <path>   hand the hypervisor side the file at <path> instead of
 *                 the one the kernel checked and laid out
 *   race          while the hypervisor side validates the module, flip
 *                 the first byte of its text and back, again and again,
 *                 from another CPU, until a write is blocked
 *
 * Reading the file gives "armed <mode>", "done <mode>", "skipped <mode>"
 * (nothing to change, e.g. no call to the kernel, or no file kept because
 * nothing validates modules), or "none". After a race, "done race" is
 * followed by "accepted" or "refused", and "intact" or "changed": the
 * state of the byte once the module was accepted or refused.
 */

#define pr_fmt(fmt) "heki_test: " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/heki.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/kernel_read_file.h>
#include <linux/kthread.h>
#include <linux/memblock.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/text-patching.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/sections.h>

#include "attack.h"

enum tamper_mode {
	TAMPER_NONE,
	TAMPER_TEXT,
	TAMPER_RODATA,
	TAMPER_RELOC,
	TAMPER_SIZE,
	TAMPER_KERNEL_TEXT,
	TAMPER_OTHER_MODULE,
	TAMPER_OUTSIDE_RAM,
	TAMPER_FILE,
	TAMPER_RACE,
};

static const char *const tamper_names[] = {
	[TAMPER_NONE] = "none",
	[TAMPER_TEXT] = "text",
	[TAMPER_RODATA] = "rodata",
	[TAMPER_RELOC] = "reloc",
	[TAMPER_SIZE] = "size",
	[TAMPER_KERNEL_TEXT] = "kernel_text",
	[TAMPER_OTHER_MODULE] = "other_module",
	[TAMPER_OUTSIDE_RAM] = "outside_ram",
	[TAMPER_FILE] = "file",
	[TAMPER_RACE] = "race",
};

/* Largest file the file mode reads, the hypervisor side's own limit. */
#define TAMPER_FILE_MAX		SZ_4M

static DEFINE_MUTEX(tamper_lock);
static enum tamper_mode tamper_armed;
static const char *tamper_last = "none";
static enum tamper_mode tamper_last_mode;
/* The argument of other_module and file. */
static char tamper_arg[128];
/* What the race mode left to report, e.g. " accepted intact". */
static char tamper_verdict[24];

/* The race mode's writer, on another CPU, until validation ends. */
static struct {
	struct task_struct *task;
	struct completion landed;
	u8 *byte;
	u8 genuine;
	unsigned long writes;
	bool blocked;
} racer;

/* The alias a mode made, kept until the module was validated. */
static struct vm_struct *tamper_alias;

static struct heki_module_region *region_of(struct heki_module_region *regions,
					    unsigned int n, unsigned int type)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (regions[i].type == type && regions[i].size)
			return &regions[i];
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

/* Drop the alias of the previous load, long validated. */
static void drop_alias(void)
{
	if (tamper_alias)
		free_vm_area(tamper_alias);
	tamper_alias = NULL;
}

/*
 * Map the page frame at @pa read-only in the module area, where module
 * memory lies, and report that page as @region: only the page frame
 * behind the virtual address is wrong.
 */
static bool alias_in_module_area(struct heki_module_region *region,
				 phys_addr_t pa)
{
	unsigned long va;

	tamper_alias = __get_vm_area_caller(PAGE_SIZE, VM_IOREMAP,
					    MODULES_VADDR, MODULES_END,
					    __builtin_return_address(0));
	if (!tamper_alias)
		return false;
	va = (unsigned long)tamper_alias->addr;
	if (ioremap_page_range(va, va + PAGE_SIZE, pa, PAGE_KERNEL_RO)) {
		drop_alias();
		return false;
	}
	region->base = (void *)va;
	region->size = PAGE_SIZE;
	return true;
}

static bool shrink_region(struct heki_module_region *regions, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (regions[i].type < HEKI_MODULE_ELF &&
		    regions[i].size >= 2 * PAGE_SIZE) {
			regions[i].size -= PAGE_SIZE;
			return true;
		}
	}
	return false;
}

static bool other_module_data(struct heki_module_region *data)
{
	struct module *other;
	bool done = false;

	rcu_read_lock();
	other = find_module(tamper_arg);
	if (other && other->mem[MOD_DATA].size) {
		data->base = other->mem[MOD_DATA].base;
		data->size = PAGE_ALIGN(other->mem[MOD_DATA].size);
		done = true;
	}
	rcu_read_unlock();
	return done;
}

static bool swap_file(void **image, size_t *len)
{
	void *buf = NULL, *copy;
	ssize_t size;

	if (!*image)
		return false;
	size = kernel_read_file_from_path(tamper_arg, 0, &buf, TAMPER_FILE_MAX,
					  NULL, READING_MODULE);
	if (size <= 0)
		return false;
	copy = vzalloc(PAGE_ALIGN(size));
	if (copy) {
		memcpy(copy, buf, size);
		vfree(*image);
		*image = copy;
		*len = size;
	}
	vfree(buf);
	return copy;
}

static int race_writer(void *data)
{
	while (!kthread_should_stop()) {
		if (READ_ONCE(racer.blocked)) {
			usleep_range(100, 200);
			continue;
		}
		/*
		 * A flip, a while flipped, and the undo: stopped between
		 * runs, the byte is back.
		 */
		if (poke_byte(racer.byte, racer.genuine ^ 0xff) != NO_TRAP) {
			WRITE_ONCE(racer.blocked, true);
			continue;
		}
		ndelay(get_random_u32_below(2000));
		if (poke_byte(racer.byte, racer.genuine) != NO_TRAP) {
			WRITE_ONCE(racer.blocked, true);
			continue;
		}
		if (!racer.writes++)
			complete(&racer.landed);
		cond_resched();
	}
	return 0;
}

/* Start the writer on another CPU, and wait until its writes land. */
static bool start_race(struct heki_module_region *text)
{
	unsigned int cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	struct task_struct *task;

	if (cpu >= nr_cpu_ids)
		return false;
	racer.byte = (u8 *)text->base;
	racer.genuine = READ_ONCE(*racer.byte);
	racer.writes = 0;
	racer.blocked = false;
	init_completion(&racer.landed);
	task = kthread_create(race_writer, NULL, "heki_test_race");
	if (IS_ERR(task))
		return false;
	kthread_bind(task, cpu);
	racer.task = task;
	wake_up_process(task);
	if (!wait_for_completion_timeout(&racer.landed, 10 * HZ)) {
		kthread_stop(task);
		racer.task = NULL;
		return false;
	}
	return true;
}

/**
 * heki_test_tamper_module_done() - The module was validated, or refused
 * @err: what the validation returned
 *
 * Called by the module loader right after HEKI validated the module,
 * before it uses or frees the module's memory: ends a race.
 */
void heki_test_tamper_module_done(int err)
{
	bool intact;

	mutex_lock(&tamper_lock);
	if (racer.task) {
		kthread_stop(racer.task);
		racer.task = NULL;
		intact = READ_ONCE(*racer.byte) == racer.genuine;
		scnprintf(tamper_verdict, sizeof(tamper_verdict), " %s %s",
			  err ? "refused" : "accepted",
			  intact ? "intact" : "changed");
		pr_info("module_tamper: race: %lu writes landed, then%s blocked;%s\n",
			racer.writes, racer.blocked ? "" : " none",
			tamper_verdict);
	}
	mutex_unlock(&tamper_lock);
}

/**
 * heki_test_tamper_module() - Change a laid-out module if asked to
 * @regions: the module's memory, as the loader laid it out
 * @nregions: entries of @regions
 * @image: the module file kept for HEKI (NULL if nothing validates modules)
 * @len: its length
 *
 * Called by the module loader before HEKI validates the module, whatever
 * the state of HEKI. Does nothing unless a mode was written to
 * module_tamper, and then only once.
 */
void heki_test_tamper_module(struct heki_module_region *regions,
			     unsigned int nregions, void **image, size_t *len)
{
	struct heki_module_region *r;
	enum tamper_mode mode;
	bool done = false;
	u8 *p;

	mutex_lock(&tamper_lock);
	drop_alias();
	tamper_verdict[0] = '\0';
	mode = tamper_armed;
	tamper_armed = TAMPER_NONE;
	switch (mode) {
	case TAMPER_NONE:
		mutex_unlock(&tamper_lock);
		return;
	case TAMPER_TEXT:
		r = region_of(regions, nregions, HEKI_MODULE_TEXT);
		if (r) {
			p = (u8 *)r->base;
			p[0] ^= 0xff;
			done = true;
		}
		break;
	case TAMPER_RODATA:
		r = region_of(regions, nregions, HEKI_MODULE_RODATA);
		if (r) {
			p = (u8 *)r->base;
			p[0] ^= 0x01;
			done = true;
		}
		break;
	case TAMPER_RELOC:
		r = region_of(regions, nregions, HEKI_MODULE_TEXT);
		done = r && redirect_call((u8 *)r->base, r->size);
		break;
	case TAMPER_SIZE:
		done = shrink_region(regions, nregions);
		break;
	case TAMPER_KERNEL_TEXT:
		r = region_of(regions, nregions, HEKI_MODULE_TEXT);
		done = r && alias_in_module_area(r, __pa_symbol(_stext));
		break;
	case TAMPER_OTHER_MODULE:
		r = region_of(regions, nregions, HEKI_MODULE_DATA);
		done = r && other_module_data(r);
		break;
	case TAMPER_OUTSIDE_RAM:
		r = region_of(regions, nregions, HEKI_MODULE_TEXT);
		/* Well above the end of RAM, where nothing is. */
		done = r && alias_in_module_area(r, PFN_PHYS(max_pfn) + SZ_1G);
		break;
	case TAMPER_FILE:
		done = swap_file(image, len);
		break;
	case TAMPER_RACE:
		r = region_of(regions, nregions, HEKI_MODULE_TEXT);
		done = r && start_race(r);
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
	char buf[160], *cmd, *arg;
	int mode;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	/* "<mode>" or "<mode> <argument>" */
	arg = strim(buf);
	cmd = strsep(&arg, " ");
	arg = arg ? skip_spaces(arg) : "";
	mode = sysfs_match_string(tamper_names, cmd);
	if (mode < 0)
		return mode;
	if ((mode == TAMPER_OTHER_MODULE || mode == TAMPER_FILE) != !!*arg)
		return -EINVAL;
	if (strlen(arg) >= sizeof(tamper_arg))
		return -ENAMETOOLONG;
	mutex_lock(&tamper_lock);
	strscpy(tamper_arg, arg);
	tamper_verdict[0] = '\0';
	tamper_armed = mode;
	tamper_last = mode ? "armed" : "none";
	tamper_last_mode = mode;
	mutex_unlock(&tamper_lock);
	return count;
}

static ssize_t tamper_read(struct file *file, char __user *ubuf, size_t count,
			   loff_t *ppos)
{
	char buf[64];
	int len;

	mutex_lock(&tamper_lock);
	if (tamper_last_mode == TAMPER_NONE)
		len = scnprintf(buf, sizeof(buf), "none\n");
	else
		len = scnprintf(buf, sizeof(buf), "%s %s%s\n", tamper_last,
				tamper_names[tamper_last_mode], tamper_verdict);
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
