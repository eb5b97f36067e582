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
 * @HEKI_MODULE_CERTS: The kernel's built-in trusted X.509 certificates, the
 *                     DER certificates one after the other, padded with
 *                     zeroes to a page boundary.
 * @HEKI_REVOCATION_CERTS: The X.509 certificates of revoked keys (the
 *                         built-in revocation list and those added during
 *                         boot), in the same format.
 * @HEKI_BLACKLIST_HASHES: The blacklisted hashes, each a NUL-terminated
 *                         string as the blacklist keyring describes it
 *                         ("tbs:" or "bin:" and the hash in hexadecimal),
 *                         one after the other, padded with zeroes.
 * @HEKI_KDATA_MAX: Number of types.
 */
enum heki_kdata_type {
	HEKI_KERNEL_DATA,
	HEKI_MODULE_CERTS,
	HEKI_REVOCATION_CERTS,
	HEKI_BLACKLIST_HASHES,
	HEKI_KDATA_MAX,
};

/**
 * enum heki_module_mem - What a range of a module validation request holds
 * @HEKI_MODULE_TEXT: Module text (``MOD_TEXT``).
 * @HEKI_MODULE_DATA: Writable data (``MOD_DATA``).
 * @HEKI_MODULE_RODATA: Read-only data (``MOD_RODATA``).
 * @HEKI_MODULE_RO_AFTER_INIT: Data read-only once init is done
 *                             (``MOD_RO_AFTER_INIT``).
 * @HEKI_MODULE_INIT_TEXT: Init text (``MOD_INIT_TEXT``).
 * @HEKI_MODULE_INIT_DATA: Init data (``MOD_INIT_DATA``).
 * @HEKI_MODULE_INIT_RODATA: Init read-only data (``MOD_INIT_RODATA``).
 * @HEKI_MODULE_ELF: The module file as it was signed, signature appended.
 * @HEKI_MODULE_LAYOUT: Where the loader put each section of the file: one
 *                      64-bit address per section header, 0 for a section
 *                      it did not place.
 * @HEKI_MODULE_MEM_MAX: Number of types.
 *
 * The module memory types have the values of &enum mod_mem_type. The
 * ranges of one type follow each other in the order of their virtual
 * addresses, which are set for every type.
 */
enum heki_module_mem {
	HEKI_MODULE_TEXT,
	HEKI_MODULE_DATA,
	HEKI_MODULE_RODATA,
	HEKI_MODULE_RO_AFTER_INIT,
	HEKI_MODULE_INIT_TEXT,
	HEKI_MODULE_INIT_DATA,
	HEKI_MODULE_INIT_RODATA,
	HEKI_MODULE_ELF,
	HEKI_MODULE_LAYOUT,
	HEKI_MODULE_MEM_MAX,
};

/**
 * struct heki_module_region - Virtually contiguous memory of a module
 * @base: First byte, page aligned, in vmalloc or module space.
 * @size: Size in bytes, a multiple of the page size.
 * @type: An &enum heki_module_mem.
 */
struct heki_module_region {
	const void *base;
	size_t size;
	unsigned int type;
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

/* The longest change of kernel text heki_text_poke() takes. */
#define HEKI_TEXT_POKE_MAX	7

/**
 * struct heki_text_poke - One change of kernel text
 * @addr: First byte to write.
 * @len: Number of bytes, 1 to %HEKI_TEXT_POKE_MAX.
 * @text: The bytes.
 */
struct heki_text_poke {
	void *addr;
	unsigned int len;
	u8 text[HEKI_TEXT_POKE_MAX];
};

/**
 * struct heki_hypervisor - Operations of a hypervisor backend
 * @name: Name shown in securityfs.
 * @pinned_regs: What @lock_regs pins, shown in securityfs: a NULL-terminated
 *               array of lines, one per register group, each the group
 *               name and then the bits or registers pinned, separated by
 *               spaces (for instance ``"cr0 PE WP PG"``). May be NULL.
 * @pins_tables: @lock_regs pins the descriptor table registers (GDTR,
 *               IDTR, LDTR, TR): no process may get an LDT, which could
 *               not be loaded once sealed (see heki_ldt_refused()).
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
 * @validate_module: Authenticate a module laid out in memory (ranges with
 *                   &enum heki_module_mem attributes: the signed file and
 *                   every module memory type) and let its text run; on
 *                   success store a handle for the two operations below
 *                   in @token. Called after the end of boot only.
 * @free_module_init: The module's init is done: take execute away from its
 *                    init text, make its init memory writable so that it
 *                    can be freed and its ro_after_init data read-only.
 * @unload_module: The module is going away: no page of it may stay
 *                 executable, all become writable again for reuse.
 * @patch_text: Write @n changes of the kernel text, sorted by address and
 *              disjoint, which the kernel can no longer write itself once
 *              its memory is protected: each change is written whole
 *              before any CPU runs it. The hypervisor side only writes
 *              changes the sealed kernel declared (jump label sites), all
 *              or none. Called with text_mutex held.
 *
 * Every operation may be NULL; the core then reports -EOPNOTSUPP for it.
 * Operations return 0 or a negative errno. The ranges of a request belong
 * to the core and are freed after the call: the backend must not keep
 * pointers into them.
 */
struct heki_hypervisor {
	const char *name;
	const char *const *pinned_regs;
	bool pins_tables;
	int (*lock_regs)(void);
	int (*protect_memory)(const struct heki_range *ranges,
			      unsigned long nranges);
	int (*load_kdata)(const struct heki_range *ranges,
			  unsigned long nranges);
	int (*finish_boot)(void);
	int (*read_violations)(struct heki_violation *buf, unsigned int max);
	int (*validate_module)(const struct heki_range *ranges,
			       unsigned long nranges, u64 *token);
	int (*free_module_init)(u64 token);
	int (*unload_module)(u64 token);
	int (*patch_text)(const struct heki_text_poke *pokes, unsigned int n);
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
int heki_backend_failed(const char *name, const char *reason);
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
int heki_keep_kdata(enum heki_kdata_type type, const void *data,
		    size_t size);
bool heki_validates_modules(void);
int heki_validate_module(const char *name, const void *image, size_t len,
			 const struct heki_module_region *regions,
			 unsigned int nregions, u64 *token);
int heki_free_module_init(const char *name, u64 token);
int heki_unload_module(const char *name, u64 token);
bool heki_ldt_refused(void);
bool heki_text_patched(void);
bool heki_text_refuses(const char *feature);
bool heki_text_refuses_target(const char *feature, const void *target);
int heki_text_poke(const struct heki_text_poke *pokes, unsigned int n);

#else /* !CONFIG_HEKI */

static inline int heki_register_hypervisor(struct heki_hypervisor *hv)
{
	return -EOPNOTSUPP;
}

static inline int heki_backend_failed(const char *name, const char *reason)
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

static inline int heki_keep_kdata(enum heki_kdata_type type,
				  const void *data, size_t size)
{
	return 0;
}

static inline bool heki_ldt_refused(void)
{
	return false;
}

static inline bool heki_text_patched(void)
{
	return false;
}

static inline bool heki_text_refuses(const char *feature)
{
	return false;
}

static inline bool heki_text_refuses_target(const char *feature,
					    const void *target)
{
	return false;
}

static inline int heki_text_poke(const struct heki_text_poke *pokes,
				 unsigned int n)
{
	return -EOPNOTSUPP;
}

static inline bool heki_validates_modules(void)
{
	return false;
}

#endif /* CONFIG_HEKI */

struct module;

#ifdef CONFIG_HEKI_TEST
void heki_test_tamper_module(struct heki_module_region *regions,
			     unsigned int nregions, void **image, size_t *len);
void heki_test_tamper_module_done(int err);
void heki_test_module_released(struct module *mod, bool init, u64 token);
#else
static inline void
heki_test_tamper_module(struct heki_module_region *regions,
			unsigned int nregions, void **image, size_t *len)
{
}

static inline void heki_test_tamper_module_done(int err)
{
}

static inline void heki_test_module_released(struct module *mod, bool init,
					     u64 token)
{
}
#endif

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
