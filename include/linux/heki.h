/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - public interface
 *
 * The HEKI core tracks the permissions the kernel grants to each of its
 * physical pages and asks a hypervisor backend to enforce them once the
 * kernel is done booting. See Documentation/security/heki.rst.
 */

#ifndef _LINUX_HEKI_H
#define _LINUX_HEKI_H

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/types.h>
#include <asm/page.h>

/**
 * struct heki_range - One physically contiguous range of a request
 * @va: Kernel virtual address of @pa, for information only (may be 0).
 * @pa: First byte of the range, page aligned.
 * @epa: End of the range (exclusive), page aligned.
 * @attributes: HEKI_ATTR_MEM_* bits for a memory protection request, an
 *              &enum heki_kdata_type for a kernel data request.
 *
 * A request is an array of ranges, sorted by @pa and disjoint for memory
 * protection requests. It is an in-kernel type: a backend that talks to
 * the hypervisor side in a wire format of its own translates it.
 */
struct heki_range {
	unsigned long va;
	phys_addr_t pa;
	phys_addr_t epa;
	unsigned long attributes;
};

#define HEKI_ATTR_MEM_READ	BIT(0)
#define HEKI_ATTR_MEM_WRITE	BIT(1)
#define HEKI_ATTR_MEM_EXEC	BIT(2)
#define HEKI_ATTR_MEM_IMMUTABLE	BIT(3)
#define HEKI_ATTR_MEM_MASK	GENMASK(3, 0)

/* The permission bits of the attributes, as counted per page. */
#define HEKI_PERM_MASK \
	(HEKI_ATTR_MEM_READ | HEKI_ATTR_MEM_WRITE | HEKI_ATTR_MEM_EXEC)

/**
 * enum heki_kdata_type - Kind of kernel data passed to heki_hypervisor.load_kdata
 * @HEKI_KERNEL_DATA: The kernel's read-only data (.rodata).
 * @HEKI_KDATA_MAX: Number of types.
 */
enum heki_kdata_type {
	HEKI_KERNEL_DATA,
	HEKI_KDATA_MAX,
};

/**
 * enum heki_violation_type - What a reported violation tried to do
 * @HEKI_VIOLATION_MEM_READ: Read of protected memory.
 * @HEKI_VIOLATION_MEM_WRITE: Write to protected memory.
 * @HEKI_VIOLATION_MEM_EXEC: Execution of non-executable memory.
 * @HEKI_VIOLATION_CR0: Write to a pinned CR0 bit.
 * @HEKI_VIOLATION_CR4: Write to a pinned CR4 bit.
 * @HEKI_VIOLATION_MSR: Write to a pinned MSR.
 * @HEKI_VIOLATION_GDTR: Load of GDTR.
 * @HEKI_VIOLATION_IDTR: Load of IDTR.
 * @HEKI_VIOLATION_LDTR: Load of LDTR.
 * @HEKI_VIOLATION_TR: Load of TR.
 * @HEKI_VIOLATION_RELOCK: A CPU that restarted (CPU hotplug) did not have
 *                         its registers pinned again in time; the
 *                         hypervisor side forced the pinned values.
 * @HEKI_VIOLATION_MAX: One past the last type.
 */
enum heki_violation_type {
	HEKI_VIOLATION_MEM_READ = 1,
	HEKI_VIOLATION_MEM_WRITE,
	HEKI_VIOLATION_MEM_EXEC,
	HEKI_VIOLATION_CR0,
	HEKI_VIOLATION_CR4,
	HEKI_VIOLATION_MSR,
	HEKI_VIOLATION_GDTR,
	HEKI_VIOLATION_IDTR,
	HEKI_VIOLATION_LDTR,
	HEKI_VIOLATION_TR,
	HEKI_VIOLATION_RELOCK,
	HEKI_VIOLATION_MAX,
};

/**
 * struct heki_violation - A violation recorded by the hypervisor side
 * @type: An &enum heki_violation_type.
 * @vp: Index of the virtual processor that caused it.
 * @rip: Instruction pointer of the faulting instruction.
 * @addr: Guest physical address, or register or MSR number.
 * @value: Value the kernel tried to write (0 for memory accesses).
 * @count: How many times this (type, vp, rip, addr) happened.
 *
 * A backend translates the records of the hypervisor side into these.
 */
struct heki_violation {
	u32 type;
	u32 vp;
	u64 rip;
	u64 addr;
	u64 value;
	u64 count;
};

/**
 * struct heki_hypervisor - Operations of a hypervisor backend
 * @name: Name shown in securityfs.
 * @pinned_regs: What @lock_regs pins, shown in securityfs: a NULL-terminated
 *               array of lines, one per register group, each the group
 *               name and then the bits or registers pinned, separated by
 *               spaces (for instance ``"cr0 PE WP PG"``). May be NULL.
 * @lock_regs: Pin the control registers of the calling CPU. Called on every
 *             online CPU at end of boot, and then on each CPU that comes
 *             online, from a CPU hotplug callback running on that CPU.
 * @protect_memory: Enforce the permissions of @nranges ranges, sorted and
 *                  disjoint, with HEKI_ATTR_MEM_* attributes; the whole
 *                  request is one call.
 * @load_kdata: Hand kernel data (&enum heki_kdata_type in each range's
 *              attributes) to the hypervisor side.
 * @finish_boot: Signal the end of boot; boot-only operations are refused
 *               afterwards.
 * @read_violations: Copy up to @max records into @buf; returns how many, or
 *                   -errno.
 *
 * Every operation may be NULL; the core then reports -EOPNOTSUPP for it.
 * Operations return 0 or a negative errno. The ranges of a request belong
 * to the core and are freed after the call: the backend must not keep
 * pointers into them.
 */
struct heki_hypervisor {
	const char *name;
	const char *const *pinned_regs;
	int (*lock_regs)(void);
	int (*protect_memory)(const struct heki_range *ranges,
			      unsigned long nranges);
	int (*load_kdata)(const struct heki_range *ranges,
			  unsigned long nranges);
	int (*finish_boot)(void);
	int (*read_violations)(struct heki_violation *buf, unsigned int max);
};

/**
 * typedef heki_walk_fn - Callback of a kernel page-table walk
 * @data: Opaque pointer given to the walk.
 * @va: Virtual address of the first page of the leaf (or part of it).
 * @pfn: First page frame mapped.
 * @npages: Number of 4 KiB pages mapped, contiguous in @va and @pfn.
 * @perms: HEKI_ATTR_MEM_{READ,WRITE,EXEC} granted by the mapping.
 */
typedef void (*heki_walk_fn)(void *data, unsigned long va, unsigned long pfn,
			     unsigned long npages, unsigned long perms);

#ifdef CONFIG_HEKI

int heki_register_hypervisor(struct heki_hypervisor *hv);
void heki_late_init(void);
void heki_map_range(unsigned long start, unsigned long end);
void heki_unmap_range(unsigned long start, unsigned long end);
void heki_account(unsigned long pfn, unsigned long npages,
		  unsigned long old_perms, unsigned long new_perms);
unsigned long heki_widening(unsigned long pfn, unsigned long npages,
			    unsigned long perms);
int heki_refuse(unsigned long pfn, unsigned long npages,
		unsigned long widened, unsigned long site);
bool heki_enforcing(void);
bool heki_is_disabled(void);

#else /* !CONFIG_HEKI */

static inline int heki_register_hypervisor(struct heki_hypervisor *hv)
{
	return -EOPNOTSUPP;
}

static inline void heki_late_init(void)
{
}

static inline void heki_map_range(unsigned long start, unsigned long end)
{
}

static inline void heki_unmap_range(unsigned long start, unsigned long end)
{
}

/* Without HEKI built in, there is nothing for a backend to serve. */
static inline bool heki_is_disabled(void)
{
	return true;
}

#endif /* CONFIG_HEKI */

#if defined(CONFIG_HEKI) && defined(CONFIG_ARCH_SUPPORTS_HEKI)

int heki_arch_walk(unsigned long start, unsigned long end, heki_walk_fn fn,
		   void *data);
int heki_arch_walk_kernel(heki_walk_fn fn, void *data);

#else

static inline int heki_arch_walk(unsigned long start, unsigned long end,
				 heki_walk_fn fn, void *data)
{
	return -EOPNOTSUPP;
}

static inline int heki_arch_walk_kernel(heki_walk_fn fn, void *data)
{
	return -EOPNOTSUPP;
}

#endif

#endif /* _LINUX_HEKI_H */
