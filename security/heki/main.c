// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - core state and end of boot
 */

#define pr_fmt(fmt) "heki: " fmt

#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/ioport.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <asm/sections.h>
#include <kunit/visibility.h>

#include "heki.h"

struct heki_core heki_core = {
	.lock = __SPIN_LOCK_UNLOCKED(heki_core.lock),
	.state = HEKI_STATE_NO_BACKEND,
	.ram_only = true,
	.counters.root = RB_ROOT,
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

static const char *const state_names[] = {
	[HEKI_STATE_DISABLED] = "disabled",
	[HEKI_STATE_NO_BACKEND] = "no backend",
	[HEKI_STATE_ACTIVE] = "active",
	[HEKI_STATE_SEALED] = "sealed",
	[HEKI_STATE_INCOMPLETE] = "incomplete",
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
	heki_counters_destroy(&core->counters);
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_destroy);

/**
 * heki_core_register() - Register a backend with a HEKI instance
 * @core: Instance.
 * @hv: Backend; must stay valid for the lifetime of the kernel.
 *
 * Return: 0 on success, -EINVAL without a backend or a name, -EOPNOTSUPP if
 * HEKI is disabled, -EPERM after the end of boot, -EBUSY if a backend is
 * already registered.
 */
int heki_core_register(struct heki_core *core, struct heki_hypervisor *hv)
{
	int ret = 0;

	if (!hv || !hv->name)
		return -EINVAL;

	spin_lock_irq(&core->lock);
	if (core->state == HEKI_STATE_DISABLED)
		ret = -EOPNOTSUPP;
	else if (core->sealed)
		ret = -EPERM;
	else if (core->hv)
		ret = -EBUSY;
	if (!ret) {
		core->hv = hv;
		core->state = HEKI_STATE_ACTIVE;
	}
	spin_unlock_irq(&core->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_register);

/**
 * heki_register_hypervisor() - Register the hypervisor backend
 * @hv: Backend operations; must stay valid for the lifetime of the kernel.
 *
 * Only one backend can be registered, before the end of boot.
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
EXPORT_SYMBOL_GPL(heki_register_hypervisor);

/**
 * heki_core_account() - Account for a mapping whose permissions change
 * @core: Instance.
 * @pfn: First page frame of the mapping.
 * @npages: Number of page frames.
 * @old_perms: HEKI_ATTR_MEM_* permissions granted before (0 if new).
 * @new_perms: Permissions granted after (0 if the mapping goes away).
 *
 * Nothing happens until the instance tracks mappings, i.e. before its
 * counters are initialised. May be called from any context.
 */
void heki_core_account(struct heki_core *core, unsigned long pfn,
		       unsigned long npages, unsigned long old_perms,
		       unsigned long new_perms)
{
	if (!READ_ONCE(core->tracking))
		return;
	heki_counters_update(&core->counters, &core->lock, pfn, npages,
			     old_perms, new_perms);
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_account);

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
 * heki_core_widening() - Permissions a mapping change would add to immutables
 * @core: Instance.
 * @pfn: First page frame the changed mapping covers.
 * @npages: Number of page frames.
 * @perms: HEKI_ATTR_MEM_* permissions the mapping is about to grant.
 *
 * After the end of boot, a mapping of an immutable page frame may not grant
 * a permission the frame did not have when it was sealed. Narrowing is
 * always allowed.
 *
 * Return: the permissions the change would add to immutable frames, 0 if
 * it is allowed.
 */
unsigned long heki_core_widening(struct heki_core *core, unsigned long pfn,
				 unsigned long npages, unsigned long perms)
{
	unsigned long end = pfn + npages, flags, widened = 0;
	unsigned int i;

	if (!READ_ONCE(core->sealed))
		return 0;

	spin_lock_irqsave(&core->lock, flags);
	for (i = 0; i < core->nr_spans; i++) {
		const struct heki_span *span = &core->spans[i];

		if (span->start < end && pfn < span->end)
			widened |= perms & ~span->perms & HEKI_PERM_MASK;
	}
	spin_unlock_irqrestore(&core->lock, flags);
	return widened;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_widening);

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
 * heki_core_seal() - Freeze the permissions of page frame spans
 * @core: Instance.
 * @spans: Spans (start and end page frames; perms is ignored).
 * @nr_spans: Number of spans, at most %HEKI_MAX_SPANS.
 *
 * Each span keeps the cumulative permission its frames have now; from then
 * on heki_core_widening() reports any widening of it. Spans may overlap.
 *
 * Return: 0 on success, -E2BIG for too many spans, -EINVAL for an empty
 * span, -EPERM if the instance is already sealed.
 */
int heki_core_seal(struct heki_core *core, const struct heki_span *spans,
		   unsigned int nr_spans)
{
	unsigned int i;
	int ret = 0;

	if (nr_spans > HEKI_MAX_SPANS)
		return -E2BIG;
	for (i = 0; i < nr_spans; i++)
		if (spans[i].end <= spans[i].start)
			return -EINVAL;

	spin_lock_irq(&core->lock);
	if (core->sealed) {
		ret = -EPERM;
		goto out;
	}
	for (i = 0; i < nr_spans; i++) {
		core->spans[i] = spans[i];
		core->spans[i].perms =
			heki_counters_perms(&core->counters, spans[i].start,
					    spans[i].end - spans[i].start);
	}
	core->nr_spans = nr_spans;
	core->sealed = true;
out:
	spin_unlock_irq(&core->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_seal);

struct protect_ctx {
	struct heki_core *core;
	struct heki_request *req;
	unsigned long attributes;
	struct heki_span spans[HEKI_MAX_SPANS];
	unsigned int nr_spans;
};

static int add_frames(unsigned long pfn, unsigned long npages, void *data)
{
	struct protect_ctx *ctx = data;
	unsigned long va = 0;

	if (ctx->core->ram_only)
		va = (unsigned long)__va(PFN_PHYS(pfn));
	return heki_request_add(ctx->req, va, PFN_PHYS(pfn),
				PFN_PHYS(pfn + npages), ctx->attributes);
}

static bool in_spans(const struct protect_ctx *ctx, unsigned long pfn,
		     unsigned long *next)
{
	bool inside = false;
	unsigned int i;

	for (i = 0; i < ctx->nr_spans; i++) {
		const struct heki_span *span = &ctx->spans[i];

		if (span->start <= pfn && pfn < span->end)
			inside = true;
		if (span->start > pfn && span->start < *next)
			*next = span->start;
		if (span->end > pfn && span->end < *next)
			*next = span->end;
	}
	return inside;
}

static int add_segment(struct protect_ctx *ctx, unsigned long start,
		       unsigned long end, unsigned long perms)
{
	unsigned long pos, next;
	int ret;

	for (pos = start; pos < end; pos = next) {
		next = end;
		ctx->attributes = perms;
		if (in_spans(ctx, pos, &next))
			ctx->attributes |= HEKI_ATTR_MEM_IMMUTABLE;
		if (ctx->core->ram_only) {
			ret = walk_system_ram_range(pos, next - pos, ctx,
						    add_frames);
			/* -EINVAL: no System RAM in the range. */
			if (ret == -EINVAL)
				ret = 0;
		} else {
			ret = add_frames(pos, next - pos, ctx);
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* Runs of equal cumulative permission, copied out of the counters. */
struct segments {
	struct heki_span *seg;
	unsigned long nr;
	unsigned long max;
};

static int copy_segment(void *data, unsigned long start, unsigned long end,
			unsigned long perms)
{
	struct segments *segs = data;

	if (segs->nr == segs->max)
		return -EOVERFLOW;
	segs->seg[segs->nr++] = (struct heki_span){ start, end, perms };
	return 0;
}

/*
 * Nothing may be allocated with the instance lock held: memory that
 * kvmalloc() gets from vmalloc is mapped, which feeds the counters and
 * takes the lock. Every segment holds at least one run, so the number of
 * runs bounds the number of segments.
 */
static int copy_segments(struct heki_core *core, struct protect_ctx *ctx,
			 struct segments *segs)
{
	unsigned long runs;
	int ret;

	spin_lock_irq(&core->lock);
	while ((runs = core->counters.nr_runs) > segs->max) {
		spin_unlock_irq(&core->lock);
		kvfree(segs->seg);
		segs->seg = kvmalloc_array(runs, sizeof(*segs->seg),
					   GFP_KERNEL);
		if (!segs->seg)
			return -ENOMEM;
		segs->max = runs;
		spin_lock_irq(&core->lock);
	}
	ret = heki_counters_for_each(&core->counters, copy_segment, segs);
	memcpy(ctx->spans, core->spans, sizeof(ctx->spans));
	ctx->nr_spans = core->nr_spans;
	spin_unlock_irq(&core->lock);
	return ret;
}

/*
 * Builds the permission map of an instance in @req, an empty memory request.
 * Each maximal run of page frames with the same cumulative permission
 * becomes one range, split where an immutable span starts or ends; ranges
 * inside immutable spans carry %HEKI_ATTR_MEM_IMMUTABLE. The kernel's own
 * instance only sends System RAM. The counters are copied with the
 * instance lock held, and the request is built from the copy: this may
 * sleep.
 */
static int build_protect(struct heki_core *core, struct heki_request *req)
{
	struct protect_ctx ctx = { .core = core, .req = req };
	struct segments segs = {};
	unsigned long i;
	int ret;

	ret = copy_segments(core, &ctx, &segs);
	for (i = 0; !ret && i < segs.nr; i++)
		ret = add_segment(&ctx, segs.seg[i].start, segs.seg[i].end,
				  segs.seg[i].perms);
	kvfree(segs.seg);
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
 * heki_core_protect() - Ask the backend to enforce the permission map
 * @core: Instance.
 *
 * The whole map goes to the backend in one call, as one array of ranges.
 * The call and its ranges are counted in the seal statistics.
 *
 * Return: 0 on success, -ENODEV without a backend, -EOPNOTSUPP if it has no
 * protect_memory operation, -ENODATA if the map is empty, or the error of
 * the request allocation or of the backend.
 */
int heki_core_protect(struct heki_core *core)
{
	struct heki_hypervisor *hv = READ_ONCE(core->hv);
	struct heki_request req;
	int ret;

	if (!hv)
		return -ENODEV;
	if (!hv->protect_memory)
		return -EOPNOTSUPP;

	heki_request_init(&req, HEKI_REQ_MEMORY);
	ret = build_protect(core, &req);
	if (!ret && !req.nranges)
		ret = -ENODATA;
	if (ret)
		goto out;

	ret = hv->protect_memory(req.ranges, req.nranges);
	spin_lock_irq(&core->lock);
	core->seal.protect_memory++;
	core->seal.ranges += req.nranges;
	spin_unlock_irq(&core->lock);
	if (!ret)
		pr_info("protect_memory: %lu ranges\n", req.nranges);
out:
	heki_request_free(&req);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_protect);

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

/**
 * heki_account() - Account for a kernel mapping whose permissions change
 * @pfn: First page frame of the mapping.
 * @npages: Number of page frames.
 * @old_perms: HEKI_ATTR_MEM_* permissions granted before (0 if new).
 * @new_perms: Permissions granted after (0 if the mapping goes away).
 *
 * Called by the architecture's page attribute code for every leaf entry it
 * changes. May be called from any context.
 */
void heki_account(unsigned long pfn, unsigned long npages,
		  unsigned long old_perms, unsigned long new_perms)
{
	heki_core_account(&heki_core, pfn, npages, old_perms, new_perms);
}

/**
 * heki_widening() - Permissions a kernel mapping change adds to immutables
 * @pfn: First page frame the changed mapping covers.
 * @npages: Number of page frames.
 * @perms: HEKI_ATTR_MEM_* permissions the mapping is about to grant.
 *
 * Return: the permissions the change would add to immutable page frames
 * after the end of boot; 0 if the change is allowed.
 */
unsigned long heki_widening(unsigned long pfn, unsigned long npages,
			    unsigned long perms)
{
	return heki_core_widening(&heki_core, pfn, npages, perms);
}

/**
 * heki_refuse() - Count and log a refused kernel mapping change
 * @pfn: First page frame the refused change covers.
 * @npages: Number of page frames.
 * @widened: Permissions it would have added, from heki_widening().
 * @site: Address of the code that asked for the change; logged once.
 *
 * Return: -EPERM, for the caller to return.
 */
int heki_refuse(unsigned long pfn, unsigned long npages,
		unsigned long widened, unsigned long site)
{
	return heki_core_refuse(&heki_core, pfn, npages, widened, site);
}

/**
 * heki_enforcing() - Whether mapping changes are checked
 *
 * Return: true after the end of boot, when changes may be refused.
 */
bool heki_enforcing(void)
{
	return READ_ONCE(heki_core.sealed);
}

struct walk_acc {
	struct heki_core *core;
	bool unmap;
	unsigned long pfn;
	unsigned long npages;
	unsigned long perms;
};

static void walk_flush(struct walk_acc *acc)
{
	if (!acc->npages)
		return;
	if (acc->unmap)
		heki_core_account(acc->core, acc->pfn, acc->npages,
				  acc->perms, 0);
	else
		heki_core_account(acc->core, acc->pfn, acc->npages, 0,
				  acc->perms);
	acc->npages = 0;
}

/* Accumulates contiguous leaves of equal permission before accounting. */
static void walk_leaf(void *data, unsigned long va, unsigned long pfn,
		      unsigned long npages, unsigned long perms)
{
	struct walk_acc *acc = data;

	if (acc->npages && acc->pfn + acc->npages == pfn &&
	    acc->perms == perms) {
		acc->npages += npages;
		return;
	}
	walk_flush(acc);
	acc->pfn = pfn;
	acc->npages = npages;
	acc->perms = perms;
}

static void walk_range(unsigned long start, unsigned long end, bool unmap)
{
	struct walk_acc acc = { .core = &heki_core, .unmap = unmap };

	if (!READ_ONCE(heki_core.tracking))
		return;
	heki_arch_walk(start, end, walk_leaf, &acc);
	walk_flush(&acc);
}

/**
 * heki_map_range() - Account for the kernel mappings of a range
 * @start: First virtual address, page aligned.
 * @end: End virtual address (exclusive), page aligned.
 *
 * Called by the code that writes kernel page tables outside the page
 * attribute code (vmap, vunmap, apply_to_page_range() on init_mm) once it
 * created or changed the mappings of [@start, @end).
 */
void heki_map_range(unsigned long start, unsigned long end)
{
	walk_range(start, end, false);
}

/**
 * heki_unmap_range() - Stop accounting for the kernel mappings of a range
 * @start: First virtual address, page aligned.
 * @end: End virtual address (exclusive), page aligned.
 *
 * Called before the mappings of [@start, @end) are removed or changed;
 * heki_map_range() accounts for the result of a change.
 */
void heki_unmap_range(unsigned long start, unsigned long end)
{
	walk_range(start, end, true);
}

static int init_counters(struct heki_core *core)
{
	struct walk_acc acc = { .core = core };
	int ret;

	WRITE_ONCE(core->tracking, true);
	ret = heki_arch_walk_kernel(walk_leaf, &acc);
	walk_flush(&acc);
	if (ret) {
		WRITE_ONCE(core->tracking, false);
		return ret;
	}
	spin_lock_irq(&core->lock);
	pr_info("permission counters: %lu runs, %zu bytes\n",
		core->counters.nr_runs, heki_counters_bytes(&core->counters));
	spin_unlock_irq(&core->lock);
	return 0;
}

struct wx_frames {
	unsigned long pages;
	unsigned long first;
};

static int find_wx(void *data, unsigned long start, unsigned long end,
		   unsigned long perms)
{
	const unsigned long wx = HEKI_ATTR_MEM_WRITE | HEKI_ATTR_MEM_EXEC;
	struct wx_frames *frames = data;

	if ((perms & wx) != wx)
		return 0;
	if (!frames->pages)
		frames->first = start;
	frames->pages += end - start;
	return 0;
}

/*
 * A frame that one kernel mapping makes writable and another executable
 * escapes CONFIG_DEBUG_WX, which looks at one mapping at a time, and the
 * backend would keep it writable and executable.
 */
static void check_wx(struct heki_core *core)
{
	struct wx_frames frames = {};

	spin_lock_irq(&core->lock);
	heki_counters_for_each(&core->counters, find_wx, &frames);
	spin_unlock_irq(&core->lock);
	if (frames.pages)
		pr_warn("%lu page frames writable and executable through kernel mappings, first at pfn %#lx\n",
			frames.pages, frames.first);
}

static int seal_kernel(struct heki_core *core)
{
	const struct heki_span spans[] = {
		{ PFN_DOWN(__pa_symbol(_text)), PFN_UP(__pa_symbol(_etext)) },
		{ PFN_DOWN(__pa_symbol(__start_rodata)),
		  PFN_UP(__pa_symbol(__end_rodata)) },
		{ PFN_DOWN(__pa_symbol(__start_ro_after_init)),
		  PFN_UP(__pa_symbol(__end_ro_after_init)) },
	};
	unsigned int i, nr = 0;
	struct heki_span valid[ARRAY_SIZE(spans)];

	for (i = 0; i < ARRAY_SIZE(spans); i++)
		if (spans[i].end > spans[i].start)
			valid[nr++] = spans[i];
	return heki_core_seal(core, valid, nr);
}

static int heki_lock_regs_cpu(unsigned int cpu)
{
	int ret = heki_core_lock_regs(&heki_core, cpu);

	if (ret)
		pr_err("lock_regs failed on CPU %u: %d\n", cpu, ret);
	return ret;
}

static int pin_registers(struct heki_core *core)
{
	int ret;

	if (!core->hv->lock_regs)
		return -EOPNOTSUPP;
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "heki:lock_regs",
				heki_lock_regs_cpu, NULL);
	return ret < 0 ? ret : 0;
}

static int load_kdata(struct heki_core *core)
{
	struct heki_request req;
	int ret;

	heki_request_init(&req, HEKI_REQ_KDATA);
	ret = heki_request_add(&req, (unsigned long)__start_rodata,
			       __pa_symbol(__start_rodata),
			       PFN_PHYS(PFN_UP(__pa_symbol(__end_rodata))),
			       HEKI_KERNEL_DATA);
	if (!ret)
		ret = heki_core_load_kdata(core, &req);
	heki_request_free(&req);
	return ret;
}

/**
 * heki_late_init() - Seal the kernel at the end of boot
 *
 * Called by kernel_init() right after mark_readonly(), once boot-time text
 * patching is over. Initialises the permission counters from the kernel
 * page tables, warns about page frames that kernel mappings make both
 * writable and executable, and freezes the permissions of the kernel text,
 * read-only data and read-only-after-init data. With a backend, then pins
 * the control registers of every CPU (and of CPUs that come online later),
 * sends the permission map and the kernel data, and signals the end of
 * boot. Each failure is logged with its error code; the backend calls made
 * are counted and shown in securityfs (``heki/seal``).
 *
 * This runs after the init sections were freed, so it is not __init.
 */
void heki_late_init(void)
{
	struct heki_core *core = &heki_core;
	struct heki_seal_stats seal;
	bool complete = true;
	int ret;

	if (core->state == HEKI_STATE_DISABLED) {
		pr_info("disabled\n");
		return;
	}

	ret = init_counters(core);
	if (ret)
		pr_err("cannot initialise permission counters: %d\n", ret);
	else
		check_wx(core);
	ret = seal_kernel(core);
	if (ret)
		pr_err("cannot seal kernel image: %d\n", ret);

	if (!core->hv) {
		pr_info("no hypervisor backend\n");
		return;
	}

	ret = pin_registers(core);
	if (ret) {
		pr_err("lock_regs failed: %d\n", ret);
		complete = false;
	}
	ret = heki_core_protect(core);
	if (ret) {
		pr_err("protect_memory failed: %d\n", ret);
		complete = false;
	}
	ret = load_kdata(core);
	if (ret) {
		pr_err("load_kdata failed: %d\n", ret);
		complete = false;
	}
	/* Even so: the boot-only operations must be closed to the kernel. */
	ret = heki_core_finish_boot(core, complete);
	if (ret) {
		pr_err("finish_boot failed: %d\n", ret);
		return;
	}

	spin_lock_irq(&core->lock);
	seal = core->seal;
	spin_unlock_irq(&core->lock);
	pr_info("kernel sealed by %s%s: %lu calls, %lu ranges\n",
		core->hv->name, complete ? "" : ", incompletely",
		heki_seal_calls(&seal), seal.ranges);
}

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
	snap->pinned_regs = core->hv ? core->hv->pinned_regs : NULL;
	snap->tracking = core->tracking;
	snap->runs = c->nr_runs;
	snap->counter_bytes = heki_counters_bytes(c);
	snap->lost = c->lost;
	snap->underflows = c->underflows;
	snap->refused = core->refused;
	snap->seal = core->seal;
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
