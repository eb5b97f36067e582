// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - kernel text after the seal
 *
 * Protecting memory at the end of boot makes the kernel text immutable to
 * the kernel itself. From then on the architecture's text patching hands
 * its batches here instead of writing them, and the backend has the
 * hypervisor side write them, which only does so for the changes the
 * sealed kernel declared. A refused change leaves the text as it was and
 * is logged.
 */

#define pr_fmt(fmt) "heki: " fmt

#include <linux/export.h>
#include <linux/kallsyms.h>
#include <linux/lockdep.h>
#include <linux/memory.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>
#include <asm/sections.h>

#include "heki.h"

/**
 * heki_core_text_by_backend() - From now on the backend writes kernel text
 * @core: Instance.
 *
 * Called once the backend protected the kernel's memory.
 *
 * Context: text_mutex held, so that no text change is half way.
 */
void heki_core_text_by_backend(struct heki_core *core)
{
	lockdep_assert_held(&text_mutex);
	spin_lock_irq(&core->lock);
	WRITE_ONCE(core->text_by_backend, true);
	spin_unlock_irq(&core->lock);
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_text_by_backend);

/**
 * heki_core_text_poke() - Have the backend write changes of kernel text
 * @core: Instance.
 * @pokes: The changes, sorted by address and disjoint.
 * @n: Their number.
 *
 * Counts the batch and its changes; a refused batch is counted and logged
 * with a ``heki:`` line (rate limited) naming its first change.
 *
 * Return: 0, -EINVAL for no change or a bad length, -ENODEV without a
 * backend, -EOPNOTSUPP if it cannot write text, or its error.
 */
int heki_core_text_poke(struct heki_core *core,
			const struct heki_text_poke *pokes, unsigned int n)
{
	struct heki_hypervisor *hv = READ_ONCE(core->hv);
	unsigned int i;
	int ret;

	if (!n)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!pokes[i].len || pokes[i].len > HEKI_TEXT_POKE_MAX)
			return -EINVAL;
	if (!hv)
		ret = -ENODEV;
	else if (!hv->patch_text)
		ret = -EOPNOTSUPP;
	else
		ret = hv->patch_text(pokes, n);

	spin_lock_irq(&core->lock);
	core->text.batches++;
	if (ret)
		core->text.refused++;
	else
		core->text.changes += n;
	spin_unlock_irq(&core->lock);
	if (ret)
		pr_warn_ratelimited("kernel text change at %pS (%u bytes, %u in the batch) refused: %d\n",
				    pokes[0].addr, pokes[0].len, n, ret);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_text_poke);

/**
 * heki_text_patched() - Whether kernel text changes go through HEKI
 *
 * Return: true once the backend protected the kernel's memory: the kernel
 * can no longer write its text and must call heki_text_poke() instead.
 */
bool heki_text_patched(void)
{
	return READ_ONCE(heki_core.text_by_backend);
}

/**
 * heki_text_refuses() - Whether a feature that writes kernel text is refused
 * @feature: What it is, named in the log.
 *
 * Features that write kernel text the backend does not write for the
 * kernel (kprobes, ftrace, the BPF JIT, kexec) check this before they
 * write anything, and fail with an errno when it is true.
 *
 * Return: true, after a ``heki:`` line (rate limited), once the kernel
 * text is protected; false before, without a backend and with heki=off.
 */
bool heki_text_refuses(const char *feature)
{
	if (!heki_text_patched())
		return false;
	pr_info_ratelimited("%s refused: the kernel text is sealed\n", feature);
	return true;
}

/**
 * heki_text_refuses_target() - Whether a new branch target is refused
 * @feature: What would branch there (a static call update), named in the
 *           log.
 * @target: The code it would branch to, NULL for none.
 *
 * Once the kernel text is sealed, the backend only retargets a static
 * call to a function of the kernel text: the hypervisor side checks the
 * target is where a symbol of the sealed kernel's symbol table starts.
 * Callers check this before they change anything, so that a refusal
 * leaves their state whole.
 *
 * Return: true, after a ``heki:`` line (rate limited), if the kernel text
 * is protected and @target is not NULL and not where a symbol of the
 * kernel text starts; false otherwise.
 */
bool heki_text_refuses_target(const char *feature, const void *target)
{
	unsigned long addr = (unsigned long)target, size, off;

	if (!heki_text_patched() || !target)
		return false;
	if (__is_kernel_text(addr) &&
	    kallsyms_lookup_size_offset(addr, &size, &off) && !off)
		return false;
	pr_info_ratelimited("%s to %pS refused: not a function of the sealed kernel text\n",
			    feature, target);
	return true;
}

/**
 * heki_text_poke() - Change kernel text after the end of boot
 * @pokes: The changes, sorted by address and disjoint.
 * @n: Their number.
 *
 * The backend writes the changes it may, all or none; the hypervisor side
 * refuses any that the sealed kernel did not declare.
 *
 * Context: text_mutex held; may sleep.
 * Return: 0, or a negative errno after which the text is unchanged (logged
 * with one ``heki:`` line).
 */
int heki_text_poke(const struct heki_text_poke *pokes, unsigned int n)
{
	lockdep_assert_held(&text_mutex);
	return heki_core_text_poke(&heki_core, pokes, n);
}
