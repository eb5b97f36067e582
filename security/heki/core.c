// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - the instance and its state
 *
 * The kernel's HEKI instance, its backend and its state: registration,
 * the calls to the backend and what they did, the bookkeeping of refused
 * mapping changes, and consistent copies of all of it for securityfs.
 */

#define pr_fmt(fmt) "heki: " fmt

#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/kstrtox.h>
#include <linux/lockdep.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include "heki.h"

struct heki_core heki_core = {
	.lock = __SPIN_LOCK_UNLOCKED(heki_core.lock),
	.state = HEKI_STATE_NO_BACKEND,
	.ram_only = true,
	.counters.root = RB_ROOT,
	.kdata.lock = __MUTEX_INITIALIZER(heki_core.kdata.lock),
};
EXPORT_SYMBOL_IF_KUNIT(heki_core);

static int __init heki_parse_param(char *arg)
{
	bool enabled;
	int ret;

	ret = kstrtobool(arg, &enabled);
	if (ret)
		return ret;
	if (!enabled)
		heki_core.state = HEKI_STATE_DISABLED;
	return 0;
}
early_param("heki", heki_parse_param);

/**
 * heki_is_disabled() - Whether HEKI was turned off on the command line
 *
 * A backend that only exists to serve HEKI skips its set-up when this
 * returns true. The answer is final once early parameters are parsed.
 *
 * Return: true if heki=off was given.
 */
bool heki_is_disabled(void)
{
	return READ_ONCE(heki_core.state) == HEKI_STATE_DISABLED;
}
EXPORT_SYMBOL_GPL(heki_is_disabled);

/**
 * heki_ldt_refused() - Whether a process may not get its own LDT
 *
 * Once a backend that pins the descriptor table registers sealed the
 * kernel, loading a process's LDT at a context switch would fault, and an
 * LDT a process got before lives on in its children: modify_ldt() checks
 * this before it installs one, from the backend's registration on (user
 * mode helpers started earlier in boot are not covered).
 *
 * Return: true, after a ``heki:`` line (rate limited), with such a
 * backend; false without one and with heki=off.
 */
bool heki_ldt_refused(void)
{
	struct heki_hypervisor *hv = READ_ONCE(heki_core.hv);

	if (!hv || !hv->pins_tables)
		return false;
	pr_info_ratelimited("modify_ldt() refused: the descriptor tables are pinned at the end of boot\n");
	return true;
}

static const char *const state_names[] = {
	[HEKI_STATE_DISABLED] = "disabled",
	[HEKI_STATE_NO_BACKEND] = "no backend",
	[HEKI_STATE_ACTIVE] = "active",
	[HEKI_STATE_SEALED] = "sealed",
	[HEKI_STATE_INCOMPLETE] = "incomplete",
	[HEKI_STATE_FAILED] = "failed",
};

/**
 * heki_state_name() - Name of a state, as shown in securityfs
 * @state: A state.
 *
 * Return: a static string.
 */
const char *heki_state_name(enum heki_state state)
{
	if (state >= ARRAY_SIZE(state_names))
		return "unknown";
	return state_names[state];
}
EXPORT_SYMBOL_IF_KUNIT(heki_state_name);

/**
 * heki_seal_calls() - Total number of backend calls made to seal
 * @seal: Statistics of an instance.
 *
 * Return: the sum of the lock_regs, protect_memory, load_kdata and
 * finish_boot calls.
 */
unsigned long heki_seal_calls(const struct heki_seal_stats *seal)
{
	return seal->lock_regs + seal->protect_memory + seal->load_kdata +
	       seal->finish_boot;
}
EXPORT_SYMBOL_IF_KUNIT(heki_seal_calls);

/**
 * heki_core_init() - Initialise a HEKI instance
 * @core: Instance; the kernel's own is &heki_core, tests make private ones.
 * @enabled: False to start in the disabled state.
 */
void heki_core_init(struct heki_core *core, bool enabled)
{
	memset(core, 0, sizeof(*core));
	spin_lock_init(&core->lock);
	mutex_init(&core->kdata.lock);
	heki_counters_init(&core->counters);
	core->state = enabled ? HEKI_STATE_NO_BACKEND : HEKI_STATE_DISABLED;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_init);

/**
 * heki_core_destroy() - Free the memory of a HEKI instance
 * @core: Instance no longer used by anyone.
 */
void heki_core_destroy(struct heki_core *core)
{
	unsigned int t;

	heki_counters_destroy(&core->counters);
	for (t = 0; t < HEKI_KDATA_MAX; t++)
		vfree(core->kdata.data[t]);
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_destroy);

/*
 * Whether the platform's backend may still register, or report that it
 * failed: one of the two, once, before the end of boot, with HEKI on.
 */
static int heki_core_may_claim(struct heki_core *core)
{
	lockdep_assert_held(&core->lock);
	if (core->state == HEKI_STATE_DISABLED)
		return -EOPNOTSUPP;
	if (core->sealed)
		return -EPERM;
	if (core->hv || core->failed)
		return -EBUSY;
	return 0;
}

/**
 * heki_core_register() - Register a backend with a HEKI instance
 * @core: Instance.
 * @hv: Backend; must stay valid for the lifetime of the kernel.
 *
 * Return: 0 on success, -EINVAL without a backend or a name, -EOPNOTSUPP if
 * HEKI is disabled, -EPERM after the end of boot, -EBUSY if a backend is
 * already registered or one failed to start.
 */
int heki_core_register(struct heki_core *core, struct heki_hypervisor *hv)
{
	int ret;

	if (!hv || !hv->name)
		return -EINVAL;

	spin_lock_irq(&core->lock);
	ret = heki_core_may_claim(core);
	if (!ret) {
		core->hv = hv;
		core->state = HEKI_STATE_ACTIVE;
	}
	spin_unlock_irq(&core->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_register);

/**
 * heki_core_fail() - Record that a backend could not start
 * @core: Instance.
 * @name: Name of the backend.
 * @reason: Why, a few words; both strings must stay valid for the
 *          lifetime of the kernel.
 *
 * The instance goes to %HEKI_STATE_FAILED and stays there: no backend can
 * register afterwards.
 *
 * Return: 0 on success, -EINVAL without a name or a reason, -EOPNOTSUPP if
 * HEKI is disabled, -EPERM after the end of boot, -EBUSY if a backend is
 * registered or one failed already.
 */
int heki_core_fail(struct heki_core *core, const char *name,
		   const char *reason)
{
	int ret;

	if (!name || !reason)
		return -EINVAL;

	spin_lock_irq(&core->lock);
	ret = heki_core_may_claim(core);
	if (!ret) {
		core->failed = name;
		core->failure = reason;
		core->state = HEKI_STATE_FAILED;
	}
	spin_unlock_irq(&core->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_fail);

/**
 * heki_backend_failed() - Report that the platform's backend could not start
 * @name: Name of the backend.
 * @reason: Why, a few words, e.g. "bad signature"; both strings must stay
 *          valid for the lifetime of the kernel.
 *
 * For a backend whose hypervisor offers enforcement but which could not
 * start, and whose failure policy is to boot on without it. The kernel
 * then runs without hypervisor-enforced integrity: this logs it at
 * KERN_CRIT and securityfs shows ``failed: <name>: <reason>`` as the
 * state, so that the fact can be checked after boot.
 *
 * Not exported, like heki_register_hypervisor().
 *
 * Return: 0 on success, or an error of heki_core_fail().
 */
int heki_backend_failed(const char *name, const char *reason)
{
	int ret = heki_core_fail(&heki_core, name, reason);

	if (ret)
		pr_err("cannot record that backend %s failed: %d\n",
		       name ?: "(null)", ret);
	else
		pr_crit("backend %s failed to start (%s): kernel integrity is NOT enforced by the hypervisor\n",
			name, reason);
	return ret;
}

/**
 * heki_register_hypervisor() - Register the hypervisor backend
 * @hv: Backend operations; must stay valid for the lifetime of the kernel.
 *
 * Only one backend can be registered, before the end of boot, and only by
 * built-in code: the function is not exported, so that no module loaded
 * before the end of boot can take the place of the platform's backend.
 *
 * Return: 0 on success, -EINVAL without a backend or a name, -EOPNOTSUPP if
 * HEKI is disabled (heki=off), -EPERM after the end of boot, -EBUSY if a
 * backend is already registered.
 */
int heki_register_hypervisor(struct heki_hypervisor *hv)
{
	int ret = heki_core_register(&heki_core, hv);

	if (ret)
		pr_err("cannot register backend %s: %d\n",
		       hv && hv->name ? hv->name : "(null)", ret);
	else
		pr_info("registered backend %s\n", hv->name);
	return ret;
}

/**
 * heki_core_lock_regs() - Have the backend pin the registers of a CPU
 * @core: Instance.
 * @cpu: The calling CPU: the backend pins the registers of the CPU it runs
 *       on.
 *
 * The call is counted in the seal statistics, and @cpu is added to the
 * pinned CPUs on success, removed on failure.
 *
 * Return: 0 on success, -ENODEV without a backend, -EOPNOTSUPP if it has no
 * lock_regs operation, or its error.
 */
int heki_core_lock_regs(struct heki_core *core, unsigned int cpu)
{
	struct heki_hypervisor *hv = READ_ONCE(core->hv);
	int ret;

	if (!hv)
		return -ENODEV;
	if (!hv->lock_regs)
		return -EOPNOTSUPP;
	ret = hv->lock_regs();

	spin_lock_irq(&core->lock);
	core->seal.lock_regs++;
	if (ret)
		__cpumask_clear_cpu(cpu, &core->pinned);
	else
		__cpumask_set_cpu(cpu, &core->pinned);
	spin_unlock_irq(&core->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_lock_regs);

/**
 * heki_core_load_kdata() - Hand kernel data to the backend
 * @core: Instance.
 * @req: Kernel data request; freed by the caller.
 *
 * The call and its ranges are counted in the seal statistics.
 *
 * Return: 0 on success, -ENODEV without a backend, -EOPNOTSUPP if it has no
 * load_kdata operation, -ENODATA for an empty request, or the backend error.
 */
int heki_core_load_kdata(struct heki_core *core, struct heki_request *req)
{
	struct heki_hypervisor *hv = READ_ONCE(core->hv);
	int ret;

	if (!hv)
		return -ENODEV;
	if (!hv->load_kdata)
		return -EOPNOTSUPP;
	if (req->type != HEKI_REQ_KDATA || !req->nranges)
		return -ENODATA;

	ret = hv->load_kdata(req->ranges, req->nranges);
	spin_lock_irq(&core->lock);
	core->seal.load_kdata++;
	core->seal.kdata_ranges += req->nranges;
	spin_unlock_irq(&core->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_load_kdata);

/**
 * heki_core_finish_boot() - Signal the end of boot to the backend
 * @core: Instance.
 * @complete: Pinning registers, protecting memory and handing over kernel
 *            data all succeeded before.
 *
 * The call is counted in the seal statistics. Once the backend accepted
 * it, the state is %HEKI_STATE_SEALED, or %HEKI_STATE_INCOMPLETE if
 * @complete is false.
 *
 * Return: 0 on success, -ENODEV without a backend, -EOPNOTSUPP if it has
 * no finish_boot operation, or its error.
 */
int heki_core_finish_boot(struct heki_core *core, bool complete)
{
	struct heki_hypervisor *hv = READ_ONCE(core->hv);
	int ret;

	if (!hv)
		return -ENODEV;
	if (!hv->finish_boot)
		return -EOPNOTSUPP;
	ret = hv->finish_boot();
	spin_lock_irq(&core->lock);
	core->seal.finish_boot++;
	if (!ret)
		core->state = complete ? HEKI_STATE_SEALED :
					 HEKI_STATE_INCOMPLETE;
	spin_unlock_irq(&core->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_finish_boot);

/**
 * heki_core_read_violations() - Read the violations recorded by the backend
 * @core: Instance.
 * @buf: Where to store records.
 * @max: Capacity of @buf.
 *
 * Return: number of records stored, -ENODEV without a backend, -EOPNOTSUPP
 * if it has no read_violations operation, or its error.
 */
int heki_core_read_violations(struct heki_core *core,
			      struct heki_violation *buf, unsigned int max)
{
	struct heki_hypervisor *hv = READ_ONCE(core->hv);

	if (!hv)
		return -ENODEV;
	if (!hv->read_violations)
		return -EOPNOTSUPP;
	return hv->read_violations(buf, max);
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_read_violations);

/* Returns true the first time @site is seen. */
static bool new_site(struct heki_core *core, unsigned long site)
{
	unsigned int i;

	for (i = 0; i < core->nr_sites; i++)
		if (core->sites[i] == site)
			return false;
	if (core->nr_sites < HEKI_MAX_SITES)
		core->sites[core->nr_sites++] = site;
	return true;
}

/**
 * heki_core_refuse() - Count and log a refused mapping change
 * @core: Instance.
 * @pfn: First page frame the refused change covers.
 * @npages: Number of page frames.
 * @widened: Permissions it would have added, from heki_core_widening().
 * @site: Address of the code that asked for the change.
 *
 * The refusal is logged once per @site.
 *
 * Return: -EPERM, for the caller to return.
 */
int heki_core_refuse(struct heki_core *core, unsigned long pfn,
		     unsigned long npages, unsigned long widened,
		     unsigned long site)
{
	unsigned long flags;
	bool log;

	spin_lock_irqsave(&core->lock, flags);
	core->refused++;
	log = new_site(core, site);
	spin_unlock_irqrestore(&core->lock, flags);

	if (log)
		pr_warn("refused to grant %s%s%s to immutable frames %#lx-%#lx from %pS\n",
			widened & HEKI_ATTR_MEM_READ ? "R" : "",
			widened & HEKI_ATTR_MEM_WRITE ? "W" : "",
			widened & HEKI_ATTR_MEM_EXEC ? "X" : "",
			pfn, pfn + npages - 1, (void *)site);
	return -EPERM;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_refuse);

/**
 * heki_core_snapshot() - Copy the status of an instance
 * @core: Instance.
 * @snap: Where to copy it; everything is taken under the instance lock at
 *        once, so the fields are consistent with each other.
 */
void heki_core_snapshot(struct heki_core *core, struct heki_snapshot *snap)
{
	struct heki_counters *c = &core->counters;

	spin_lock_irq(&core->lock);
	snap->state = core->state;
	snap->backend = core->hv ? core->hv->name : NULL;
	snap->failed = core->failed;
	snap->failure = core->failure;
	snap->pinned_regs = core->hv ? core->hv->pinned_regs : NULL;
	snap->tracking = core->tracking;
	snap->runs = c->nr_runs;
	snap->counter_bytes = heki_counters_bytes(c);
	snap->lost = c->lost;
	snap->underflows = c->underflows;
	snap->refused = core->refused;
	snap->seal = core->seal;
	snap->modules = core->modules;
	snap->text_by_backend = core->text_by_backend;
	snap->text = core->text;
	cpumask_copy(&snap->pinned, &core->pinned);
	spin_unlock_irq(&core->lock);
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_snapshot);

static int count_segment(void *data, unsigned long start, unsigned long end,
			 unsigned long perms)
{
	struct heki_perm_stats *stats = data;

	stats->ranges[perms]++;
	stats->pages[perms] += end - start;
	return 0;
}

/**
 * heki_core_permissions() - Count page frames per cumulative permission
 * @core: Instance.
 * @stats: Where to count; zeroed first.
 *
 * The counters are walked under the instance lock.
 */
void heki_core_permissions(struct heki_core *core,
			   struct heki_perm_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	spin_lock_irq(&core->lock);
	heki_counters_for_each(&core->counters, count_segment, stats);
	spin_unlock_irq(&core->lock);
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_permissions);
