/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - private definitions
 */

#ifndef _SECURITY_HEKI_HEKI_H
#define _SECURITY_HEKI_HEKI_H

#include <linux/cpumask.h>
#include <linux/heki.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/**
 * struct heki_run - Pages sharing the same permission counters
 * @node: Node in &heki_counters.root, ordered by @start.
 * @next_free: Link in &heki_counters.free while the run is unused.
 * @start: First page frame of the run.
 * @end: One past the last page frame of the run.
 * @count: Number of mappings granting read, write and execute.
 *
 * A run never has all of its counters at zero: pages that no mapping grants
 * anything are simply not stored.
 */
struct heki_run {
	union {
		struct rb_node node;
		struct heki_run *next_free;
	};
	unsigned long start;
	unsigned long end;
	unsigned int count[3];
};

/**
 * struct heki_counters - Permission counters of all page frames
 * @root: Runs, ordered and non-overlapping.
 * @nr_runs: Number of runs in @root.
 * @free: Spare runs, so that updates never allocate with the lock held.
 * @nr_free: Number of runs in @free.
 * @lost: Updates dropped because memory for runs was missing.
 * @underflows: Decrements of a counter that was already zero.
 *
 * The structure grows with the number of runs of pages with equal counters,
 * not with the amount of memory. The caller serialises access.
 */
struct heki_counters {
	struct rb_root root;
	unsigned long nr_runs;
	struct heki_run *free;
	unsigned long nr_free;
	unsigned long lost;
	unsigned long underflows;
};

/* Called for each maximal run of pages with the same cumulative permission. */
typedef int (*heki_segment_fn)(void *data, unsigned long start,
			       unsigned long end, unsigned long perms);

void heki_counters_init(struct heki_counters *c);
void heki_counters_destroy(struct heki_counters *c);
int heki_counters_update(struct heki_counters *c, spinlock_t *lock,
			 unsigned long pfn, unsigned long npages,
			 unsigned long old_perms, unsigned long new_perms);
unsigned long heki_counters_perms(struct heki_counters *c, unsigned long pfn,
				  unsigned long npages);
unsigned int heki_counters_count(struct heki_counters *c, unsigned long pfn,
				 unsigned long perm);
int heki_counters_for_each(struct heki_counters *c, heki_segment_fn fn,
			   void *data);
size_t heki_counters_bytes(struct heki_counters *c);

/**
 * enum heki_request_type - What the ranges of a request carry
 * @HEKI_REQ_MEMORY: Attributes are HEKI_ATTR_MEM_* bits.
 * @HEKI_REQ_KDATA: Attributes are an &enum heki_kdata_type.
 * @HEKI_REQ_MODULE: Attributes are an &enum heki_module_mem.
 */
enum heki_request_type {
	HEKI_REQ_MEMORY,
	HEKI_REQ_KDATA,
	HEKI_REQ_MODULE,
};

/**
 * struct heki_request - An array of ranges being built for the backend
 * @type: What the attributes of the ranges mean.
 * @ranges: The ranges, allocated with kvmalloc(); NULL while empty.
 * @nranges: Entries of @ranges used.
 * @capacity: Entries of @ranges allocated.
 */
struct heki_request {
	enum heki_request_type type;
	struct heki_range *ranges;
	unsigned long nranges;
	unsigned long capacity;
};

void heki_request_init(struct heki_request *req, enum heki_request_type type);
int heki_request_add(struct heki_request *req, unsigned long va,
		     phys_addr_t pa, phys_addr_t epa, unsigned long attributes);
int heki_request_add_vmalloc(struct heki_request *req, const void *base,
			     size_t size, unsigned long attributes);
void heki_request_free(struct heki_request *req);

/**
 * enum heki_state - Where the HEKI core stands
 * @HEKI_STATE_DISABLED: Disabled on the command line (heki=off).
 * @HEKI_STATE_NO_BACKEND: No hypervisor backend registered.
 * @HEKI_STATE_ACTIVE: A backend is registered, boot is not finished.
 * @HEKI_STATE_SEALED: The backend accepted the end of boot.
 * @HEKI_STATE_INCOMPLETE: The backend accepted the end of boot, but pinning
 *                         registers, protecting memory or handing over
 *                         kernel data failed before: only what succeeded
 *                         is enforced.
 * @HEKI_STATE_FAILED: The platform offered a backend that could not start:
 *                     nothing is enforced.
 */
enum heki_state {
	HEKI_STATE_DISABLED,
	HEKI_STATE_NO_BACKEND,
	HEKI_STATE_ACTIVE,
	HEKI_STATE_SEALED,
	HEKI_STATE_INCOMPLETE,
	HEKI_STATE_FAILED,
};

/**
 * struct heki_span - Page frames whose permissions are frozen
 * @start: First page frame.
 * @end: One past the last page frame.
 * @perms: Cumulative permission when the span was sealed.
 */
struct heki_span {
	unsigned long start;
	unsigned long end;
	unsigned long perms;
};

#define HEKI_MAX_SPANS	4
#define HEKI_MAX_SITES	32

/**
 * struct heki_seal_stats - Backend calls made to seal the kernel
 * @lock_regs: lock_regs calls, one per CPU, CPUs coming online after the
 *             end of boot included.
 * @protect_memory: protect_memory calls.
 * @load_kdata: load_kdata calls.
 * @finish_boot: finish_boot calls.
 * @ranges: Ranges sent with protect_memory.
 * @kdata_ranges: Ranges sent with load_kdata.
 *
 * A call is counted once the backend was called, whatever it returned;
 * an operation the backend lacks, or a request that could not be built,
 * is not a call.
 */
struct heki_seal_stats {
	unsigned long lock_regs;
	unsigned long protect_memory;
	unsigned long load_kdata;
	unsigned long finish_boot;
	unsigned long ranges;
	unsigned long kdata_ranges;
};

/**
 * struct heki_module_stats - Modules handled after the end of boot
 * @validated: Modules the backend accepted.
 * @refused: Modules the backend refused.
 * @init_freed: Validated modules whose init memory the backend released.
 * @unloaded: Validated modules whose unload the backend accepted.
 * @leaked: Init memory or modules kept because the backend refused to
 *          release them.
 */
struct heki_module_stats {
	unsigned long validated;
	unsigned long refused;
	unsigned long init_freed;
	unsigned long unloaded;
	unsigned long leaked;
};

/**
 * struct heki_text_stats - Kernel text changes handed to the backend
 * @batches: Batches handed over.
 * @changes: Changes in the batches the backend wrote.
 * @refused: Batches the backend refused as a whole.
 */
struct heki_text_stats {
	unsigned long batches;
	unsigned long changes;
	unsigned long refused;
};

/**
 * struct heki_kept_kdata - Kernel data kept until the end of boot sends it
 * @lock: Protects everything below.
 * @sent: The end of boot took the data: nothing is kept any more.
 * @lost: Some data could not be kept: none is sent.
 * @data: Per &enum heki_kdata_type, what was kept, in vmalloc memory
 *        zeroed to a page boundary, or NULL.
 * @size: Per type, the bytes kept.
 */
struct heki_kept_kdata {
	struct mutex lock;	/* see above */
	bool sent;
	bool lost;
	void *data[HEKI_KDATA_MAX];
	size_t size[HEKI_KDATA_MAX];
};

/**
 * struct heki_core - State of one HEKI instance
 * @lock: Protects everything below; taken with interrupts disabled because
 *        the page attribute hooks may run in any context.
 * @hv: Registered backend, or NULL.
 * @state: Current &enum heki_state.
 * @failed: Name of the backend that could not start, or NULL.
 * @failure: Why it could not start (%HEKI_STATE_FAILED only).
 * @tracking: Counters follow mapping changes.
 * @sealed: End of boot passed: immutable spans can only be narrowed.
 * @ram_only: Only send System RAM to the backend (false in tests).
 * @counters: Permission counters.
 * @spans: Immutable spans.
 * @nr_spans: Entries used in @spans.
 * @refused: Changes refused because they widened an immutable span.
 * @sites: Call sites already logged for a refusal.
 * @nr_sites: Entries used in @sites.
 * @seal: Backend calls made to seal the kernel.
 * @pinned: CPUs whose last lock_regs call succeeded.
 * @modules: Modules handled after the end of boot.
 * @text_by_backend: Kernel text is protected: the backend writes it
 *                   (set with text_mutex held).
 * @text: Kernel text changes handed to the backend.
 * @kdata: Kernel data kept for the backend (not under @lock).
 */
struct heki_core {
	spinlock_t lock;	/* see above */
	struct heki_hypervisor *hv;
	enum heki_state state;
	const char *failed;
	const char *failure;
	bool tracking;
	bool sealed;
	bool ram_only;
	struct heki_counters counters;
	struct heki_span spans[HEKI_MAX_SPANS];
	unsigned int nr_spans;
	unsigned long refused;
	unsigned long sites[HEKI_MAX_SITES];
	unsigned int nr_sites;
	struct heki_seal_stats seal;
	struct cpumask pinned;
	struct heki_module_stats modules;
	bool text_by_backend;
	struct heki_text_stats text;
	struct heki_kept_kdata kdata;
};

/**
 * struct heki_snapshot - Status of an instance, copied at one point in time
 * @state: Current &enum heki_state.
 * @backend: Name of the registered backend, NULL without one.
 * @failed: Name of the backend that could not start, or NULL.
 * @failure: Why it could not start, or NULL.
 * @pinned_regs: What the backend pins (&heki_hypervisor.pinned_regs), NULL
 *               without a backend or if it does not say.
 * @tracking: The counters follow mapping changes.
 * @runs: Runs stored in the counters.
 * @counter_bytes: Memory held by the counters, spare runs included.
 * @lost: Counter updates dropped for lack of memory.
 * @underflows: Decrements of a counter that was already zero.
 * @refused: Changes refused because they widened an immutable span.
 * @seal: Backend calls made to seal the kernel.
 * @pinned: CPUs whose last lock_regs call succeeded.
 * @modules: Modules handled after the end of boot.
 * @text_by_backend: The backend writes kernel text.
 * @text: Kernel text changes handed to the backend.
 */
struct heki_snapshot {
	enum heki_state state;
	const char *backend;
	const char *failed;
	const char *failure;
	const char *const *pinned_regs;
	bool tracking;
	unsigned long runs;
	size_t counter_bytes;
	unsigned long lost;
	unsigned long underflows;
	unsigned long refused;
	struct heki_seal_stats seal;
	struct cpumask pinned;
	struct heki_module_stats modules;
	bool text_by_backend;
	struct heki_text_stats text;
};

/**
 * struct heki_perm_stats - Page frames per cumulative permission
 * @ranges: Maximal runs of contiguous frames with that permission.
 * @pages: Frames with that permission.
 *
 * Both are indexed by a combination of HEKI_ATTR_MEM_{READ,WRITE,EXEC};
 * index 0 stays zero, as frames no mapping grants anything are not stored.
 */
struct heki_perm_stats {
	unsigned long ranges[HEKI_PERM_MASK + 1];
	unsigned long pages[HEKI_PERM_MASK + 1];
};

extern struct heki_core heki_core;

/* core.c: the instance, its backend and its state */
void heki_core_init(struct heki_core *core, bool enabled);
void heki_core_destroy(struct heki_core *core);
int heki_core_keep_kdata(struct heki_core *core, enum heki_kdata_type type,
			 const void *data, size_t size);
int heki_core_send_kdata(struct heki_core *core);
int heki_core_register(struct heki_core *core, struct heki_hypervisor *hv);
int heki_core_fail(struct heki_core *core, const char *name,
		   const char *reason);
int heki_core_lock_regs(struct heki_core *core, unsigned int cpu);
int heki_core_load_kdata(struct heki_core *core, struct heki_request *req);
int heki_core_finish_boot(struct heki_core *core, bool complete);
int heki_core_read_violations(struct heki_core *core,
			      struct heki_violation *buf, unsigned int max);
int heki_core_refuse(struct heki_core *core, unsigned long pfn,
		     unsigned long npages, unsigned long widened,
		     unsigned long site);
void heki_core_snapshot(struct heki_core *core, struct heki_snapshot *snap);
void heki_core_permissions(struct heki_core *core,
			   struct heki_perm_stats *stats);
const char *heki_state_name(enum heki_state state);
unsigned long heki_seal_calls(const struct heki_seal_stats *seal);

/* module.c: modules after the end of boot */
bool heki_core_validates_modules(struct heki_core *core);
int heki_core_validate_module(struct heki_core *core, const char *name,
			      const void *image, size_t len,
			      const struct heki_module_region *regions,
			      unsigned int nregions, u64 *token);
int heki_core_module_op(struct heki_core *core, const char *name, u64 token,
			bool unload);

/* text.c: kernel text changes after the end of boot */
void heki_core_text_by_backend(struct heki_core *core);
int heki_core_text_poke(struct heki_core *core,
			const struct heki_text_poke *pokes, unsigned int n);

/* mm.c: the counters follow the kernel mappings */
int heki_core_start_tracking(struct heki_core *core);
void heki_core_account(struct heki_core *core, unsigned long pfn,
		       unsigned long npages, unsigned long old_perms,
		       unsigned long new_perms);
unsigned long heki_core_widening(struct heki_core *core, unsigned long pfn,
				 unsigned long npages, unsigned long perms);

/* seal.c: the end of boot */
int heki_core_seal(struct heki_core *core, const struct heki_span *spans,
		   unsigned int nr_spans);
int heki_core_protect(struct heki_core *core);

#endif /* _SECURITY_HEKI_HEKI_H */
