// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - status in securityfs
 *
 * The files under <securityfs>/heki/ and their formats are described in
 * Documentation/ABI/testing/securityfs-heki.
 */

#define pr_fmt(fmt) "heki: " fmt

#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "heki.h"

/* Violation records read at once. */
#define MAX_VIOLATIONS	64

/*
 * Each file shows its part of one snapshot of the instance, so that the
 * values a file shows are consistent with each other.
 */
static struct heki_snapshot *snapshot(void)
{
	struct heki_snapshot *snap = kzalloc_obj(*snap);

	if (snap)
		heki_core_snapshot(&heki_core, snap);
	return snap;
}

static int backend_show(struct seq_file *m, void *v)
{
	struct heki_snapshot *snap = snapshot();

	if (!snap)
		return -ENOMEM;
	seq_printf(m, "%s\n", snap->backend ?: "none");
	kfree(snap);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(backend);

static int state_show(struct seq_file *m, void *v)
{
	struct heki_snapshot *snap = snapshot();

	if (!snap)
		return -ENOMEM;
	if (snap->state == HEKI_STATE_FAILED)
		seq_printf(m, "%s: %s: %s\n", heki_state_name(snap->state),
			   snap->failed, snap->failure);
	else
		seq_printf(m, "%s\n", heki_state_name(snap->state));
	kfree(snap);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(state);

static int permissions_show(struct seq_file *m, void *v)
{
	struct heki_perm_stats *stats;
	unsigned long perms;

	stats = kzalloc_obj(*stats);
	if (!stats)
		return -ENOMEM;
	heki_core_permissions(&heki_core, stats);
	for (perms = 1; perms <= HEKI_PERM_MASK; perms++)
		seq_printf(m, "%c%c%c %lu %lu\n",
			   perms & HEKI_ATTR_MEM_READ ? 'r' : '-',
			   perms & HEKI_ATTR_MEM_WRITE ? 'w' : '-',
			   perms & HEKI_ATTR_MEM_EXEC ? 'x' : '-',
			   stats->ranges[perms], stats->pages[perms]);
	kfree(stats);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(permissions);

static int counters_show(struct seq_file *m, void *v)
{
	struct heki_snapshot *snap = snapshot();

	if (!snap)
		return -ENOMEM;
	seq_printf(m, "tracking %d\n", snap->tracking);
	seq_printf(m, "runs %lu\n", snap->runs);
	seq_printf(m, "memory_bytes %zu\n", snap->counter_bytes);
	seq_printf(m, "lost %lu\n", snap->lost);
	seq_printf(m, "underflows %lu\n", snap->underflows);
	kfree(snap);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(counters);

static int refused_show(struct seq_file *m, void *v)
{
	struct heki_snapshot *snap = snapshot();

	if (!snap)
		return -ENOMEM;
	seq_printf(m, "%lu\n", snap->refused);
	kfree(snap);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(refused);

static int seal_show(struct seq_file *m, void *v)
{
	struct heki_snapshot *snap = snapshot();
	const struct heki_seal_stats *seal;

	if (!snap)
		return -ENOMEM;
	seal = &snap->seal;
	seq_printf(m, "calls %lu\n", heki_seal_calls(seal));
	seq_printf(m, "lock_regs %lu\n", seal->lock_regs);
	seq_printf(m, "protect_memory %lu\n", seal->protect_memory);
	seq_printf(m, "load_kdata %lu\n", seal->load_kdata);
	seq_printf(m, "finish_boot %lu\n", seal->finish_boot);
	seq_printf(m, "ranges %lu\n", seal->ranges);
	seq_printf(m, "kdata_ranges %lu\n", seal->kdata_ranges);
	kfree(snap);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(seal);

static int modules_show(struct seq_file *m, void *v)
{
	struct heki_snapshot *snap = snapshot();

	if (!snap)
		return -ENOMEM;
	seq_printf(m, "validated %lu\n", snap->modules.validated);
	seq_printf(m, "refused %lu\n", snap->modules.refused);
	seq_printf(m, "init_freed %lu\n", snap->modules.init_freed);
	seq_printf(m, "unloaded %lu\n", snap->modules.unloaded);
	seq_printf(m, "kept %lu\n", snap->modules.leaked);
	kfree(snap);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(modules);

static int text_show(struct seq_file *m, void *v)
{
	struct heki_snapshot *snap = snapshot();

	if (!snap)
		return -ENOMEM;
	seq_printf(m, "by_backend %d\n", snap->text_by_backend);
	seq_printf(m, "batches %lu\n", snap->text.batches);
	seq_printf(m, "changes %lu\n", snap->text.changes);
	seq_printf(m, "refused %lu\n", snap->text.refused);
	kfree(snap);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(text);

static int pinned_show(struct seq_file *m, void *v)
{
	struct heki_snapshot *snap = snapshot();
	const char *const *line;

	if (!snap)
		return -ENOMEM;
	seq_printf(m, "cpus %*pbl\n", cpumask_pr_args(&snap->pinned));
	if (snap->pinned_regs && !cpumask_empty(&snap->pinned))
		for (line = snap->pinned_regs; *line; line++)
			seq_printf(m, "%s\n", *line);
	kfree(snap);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pinned);

static const char *const violation_names[HEKI_VIOLATION_MAX] = {
	[HEKI_VIOLATION_MEM_READ] = "mem_read",
	[HEKI_VIOLATION_MEM_WRITE] = "mem_write",
	[HEKI_VIOLATION_MEM_EXEC] = "mem_exec",
	[HEKI_VIOLATION_CR0] = "cr0",
	[HEKI_VIOLATION_CR4] = "cr4",
	[HEKI_VIOLATION_MSR] = "msr",
	[HEKI_VIOLATION_GDTR] = "gdtr",
	[HEKI_VIOLATION_IDTR] = "idtr",
	[HEKI_VIOLATION_LDTR] = "ldtr",
	[HEKI_VIOLATION_TR] = "tr",
	[HEKI_VIOLATION_RELOCK] = "relock",
};

static int violations_show(struct seq_file *m, void *v)
{
	struct heki_violation *buf;
	int i, nr;

	buf = kzalloc_objs(*buf, MAX_VIOLATIONS);
	if (!buf)
		return -ENOMEM;
	nr = heki_core_read_violations(&heki_core, buf, MAX_VIOLATIONS);
	for (i = 0; i < nr && i < MAX_VIOLATIONS; i++) {
		const struct heki_violation *rec = &buf[i];

		if (rec->type && rec->type < HEKI_VIOLATION_MAX)
			seq_printf(m, "%s", violation_names[rec->type]);
		else
			seq_printf(m, "unknown:%u", rec->type);
		seq_printf(m, " vp=%u rip=%#llx addr=%#llx value=%#llx count=%llu\n",
			   rec->vp, rec->rip, rec->addr, rec->value,
			   rec->count);
	}
	kfree(buf);
	return nr < 0 ? nr : 0;
}
DEFINE_SHOW_ATTRIBUTE(violations);

static const struct {
	const char *name;
	const struct file_operations *fops;
} files[] = {
	{ "backend", &backend_fops },
	{ "state", &state_fops },
	{ "permissions", &permissions_fops },
	{ "counters", &counters_fops },
	{ "refused", &refused_fops },
	{ "violations", &violations_fops },
	{ "seal", &seal_fops },
	{ "modules", &modules_fops },
	{ "text", &text_fops },
	{ "pinned", &pinned_fops },
};

static int __init create_files(void)
{
	struct dentry *dir, *file;
	unsigned int i;

	dir = securityfs_create_dir("heki", NULL);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		file = securityfs_create_file(files[i].name, 0400, dir, NULL,
					      files[i].fops);
		if (IS_ERR(file)) {
			securityfs_remove(dir);
			return PTR_ERR(file);
		}
	}
	return 0;
}

static int __init heki_securityfs_init(void)
{
	int ret = create_files();

	if (ret)
		pr_err("cannot create securityfs files: %d\n", ret);
	return ret;
}
fs_initcall(heki_securityfs_init);
