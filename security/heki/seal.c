// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - the end of boot
 *
 * At the end of boot, the counters start following the kernel mappings
 * and the permissions of the kernel image are frozen. A backend then pins
 * the control registers of every CPU, gets the permission map built here
 * from the counters and the kernel data, and is told that boot is over.
 */

#define pr_fmt(fmt) "heki: " fmt

#include <linux/cpuhotplug.h>
#include <linux/export.h>
#include <linux/ioport.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/sections.h>
#include <kunit/visibility.h>

#include "heki.h"

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

/**
 * heki_core_keep_kdata() - Keep kernel data for the backend
 * @core: Instance.
 * @type: What it is; not %HEKI_KERNEL_DATA, which HEKI finds itself.
 * @data: The data.
 * @size: Its size in bytes.
 *
 * Appends a copy of @data to what @core kept of @type.
 *
 * Context: May sleep.
 * Return: 0, -EINVAL for a bad type or no data, -EPERM once
 * heki_core_send_kdata() took the data (logged once), -ENOMEM (after
 * which heki_core_send_kdata() sends nothing).
 */
int heki_core_keep_kdata(struct heki_core *core, enum heki_kdata_type type,
			 const void *data, size_t size)
{
	struct heki_kept_kdata *kept = &core->kdata;
	size_t old, new;
	void *copy;
	int ret = 0;

	if (type >= HEKI_KDATA_MAX || type == HEKI_KERNEL_DATA || !size)
		return -EINVAL;
	mutex_lock(&kept->lock);
	if (kept->sent) {
		pr_warn_once("kernel data of type %d added after the end of boot: not passed to the backend\n",
			     type);
		ret = -EPERM;
		goto out;
	}
	old = kept->size[type];
	copy = kept->data[type];
	if (check_add_overflow(old, size, &new)) {
		copy = NULL;
	} else if (!copy || PAGE_ALIGN(new) > PAGE_ALIGN(old)) {
		copy = vzalloc(PAGE_ALIGN(new));
		if (copy && old)
			memcpy(copy, kept->data[type], old);
	}
	if (!copy) {
		kept->lost = true;
		ret = -ENOMEM;
		goto out;
	}
	if (copy != kept->data[type]) {
		vfree(kept->data[type]);
		kept->data[type] = copy;
	}
	memcpy(copy + old, data, size);
	kept->size[type] = new;
out:
	mutex_unlock(&kept->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_keep_kdata);

/**
 * heki_keep_kdata() - Keep kernel data for the backend
 * @type: What it is; not %HEKI_KERNEL_DATA, which HEKI finds itself.
 * @data: The data, often in init memory.
 * @size: Its size in bytes.
 *
 * Kernel data the backend must get at the end of boot but which lives in
 * init memory or is built up during boot, such as the built-in
 * certificates or the blacklisted hashes, is copied here, appended to what
 * was kept of the same type, and sent with the kernel's read-only data.
 * Does nothing with HEKI disabled.
 *
 * Context: May sleep.
 * Return: 0, -EINVAL for a bad type or no data, -EPERM after the end of
 * boot (the backend no longer takes kernel data, which is logged once),
 * -ENOMEM. After -ENOMEM, no kernel data is sent at the end of boot: the
 * backend then trusts no key rather than fewer revocations.
 */
int heki_keep_kdata(enum heki_kdata_type type, const void *data, size_t size)
{
	if (heki_is_disabled())
		return 0;
	return heki_core_keep_kdata(&heki_core, type, data, size);
}

/**
 * heki_core_send_kdata() - Hand the kernel data to the backend
 * @core: Instance.
 *
 * Sends the kernel's read-only data and what heki_core_keep_kdata() kept
 * in one load_kdata call, then frees the kept data; nothing is kept
 * afterwards.
 *
 * Return: 0, -ENOMEM if kernel data was lost (nothing is sent) or for a
 * lack of memory, or the error of heki_core_load_kdata().
 */
int heki_core_send_kdata(struct heki_core *core)
{
	struct heki_kept_kdata *kept = &core->kdata;
	struct heki_request req;
	unsigned int t;
	int ret;

	mutex_lock(&kept->lock);
	kept->sent = true;
	heki_request_init(&req, HEKI_REQ_KDATA);
	if (kept->lost) {
		pr_err("kernel data was lost during boot: none is sent\n");
		ret = -ENOMEM;
		goto out;
	}
	ret = heki_request_add(&req, (unsigned long)__start_rodata,
			       __pa_symbol(__start_rodata),
			       PFN_PHYS(PFN_UP(__pa_symbol(__end_rodata))),
			       HEKI_KERNEL_DATA);
	for (t = 0; !ret && t < HEKI_KDATA_MAX; t++)
		if (kept->data[t])
			ret = heki_request_add_vmalloc(&req, kept->data[t],
						       PAGE_ALIGN(kept->size[t]),
						       t);
	if (!ret)
		ret = heki_core_load_kdata(core, &req);
out:
	heki_request_free(&req);
	for (t = 0; t < HEKI_KDATA_MAX; t++) {
		vfree(kept->data[t]);
		kept->data[t] = NULL;
		kept->size[t] = 0;
	}
	mutex_unlock(&kept->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_send_kdata);

/**
 * heki_late_init() - Seal the kernel at the end of boot
 *
 * Called by kernel_init() right after mark_readonly(), once boot-time text
 * patching is over. Initialises the permission counters from the kernel
 * page tables, warns about page frames that kernel mappings make both
 * writable and executable, and freezes the permissions of the kernel text,
 * read-only data and read-only-after-init data. With a backend, then pins
 * the control registers of every CPU (and of CPUs that come online later),
 * sends the permission map and the kernel data, from when on kernel text
 * changes go to the backend (heki_text_poke()), and signals the end of
 * boot. Each failure is logged with its error code; the backend calls made
 * are counted and shown in securityfs (``heki/seal``).
 *
 * This runs after the init sections were freed, so it is not __init.
 */
void heki_late_init(void)
{
	struct heki_core *core = &heki_core;
	struct heki_seal_stats seal;
	bool complete = true, protected;
	int ret;

	if (core->state == HEKI_STATE_DISABLED) {
		pr_info("disabled\n");
		return;
	}

	ret = heki_core_start_tracking(core);
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
	/*
	 * No text change may be half way when the text becomes immutable,
	 * nor made before the backend got the kernel data that says which
	 * changes it may make.
	 */
	mutex_lock(&text_mutex);
	ret = heki_core_protect(core);
	protected = !ret;
	if (ret) {
		pr_err("protect_memory failed: %d\n", ret);
		complete = false;
	}
	ret = heki_core_send_kdata(core);
	if (ret) {
		pr_err("load_kdata failed: %d\n", ret);
		complete = false;
	}
	if (protected)
		heki_core_text_by_backend(core);
	mutex_unlock(&text_mutex);
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
