/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hyper-V Virtual Secure Mode: the wire ABI between the normal kernel
 * (VTL0) and the secure kernel (VTL1) built from the same tree.
 *
 * Only what crosses the VTL boundary is defined here: the VTL call
 * functions and their rules, the range lists, the kernel data types, the
 * violation record and what VTL1 pins. Layouts use fixed-width types, no
 * pointers, and are checked below; neither side's kernel types appear.
 * See Documentation/virt/hyperv/vsm.rst.
 */
#ifndef _HYPERV_HV_VSM_H
#define _HYPERV_HV_VSM_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/compiler_attributes.h>
#include <linux/sizes.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

/*
 * Rules of a VTL call, checked by VTL1 before the call's handler runs:
 * BOOT_ONLY, -EPERM after SIGNAL_END_OF_BOOT; ONCE, -EALREADY once it
 * succeeded; THIS_CPU, it acts on the calling virtual processor.
 */
#define HV_VSM_RULE_BOOT_ONLY	BIT(0)
#define HV_VSM_RULE_ONCE	BIT(1)
#define HV_VSM_RULE_THIS_CPU	BIT(2)

/* Arguments a VTL call can have: RSI, RDX and R8. */
#define HV_VSM_VTL_CALL_MAX_ARGS	3

/*
 * The calls, by their position in the table: HV_VSM_NR_<NAME>. Their
 * function IDs are in the table only, so that a call is one line there.
 */
enum hv_vsm_vtl_call_nr {
#define HV_VSM_VTL_CALL(NAME, ...) HV_VSM_NR_##NAME,
#include <hyperv/hv_vsm_calls.h>
	HV_VSM_NR_VTL_CALLS
};

/*
 * LVBS functions this secure kernel does not serve (COPY_SECONDARY_KEY,
 * KEXEC_VALIDATE): -EOPNOTSUPP rather than -EINVAL, so that an LVBS VTL0
 * can tell.
 */
#define HV_VSM_LVBS_UNSERVED_FIRST	0x1ffe9
#define HV_VSM_LVBS_UNSERVED_LAST	0x1ffea

/*
 * HvRegisterHypercall, the hypercall MSR as a register, and its Locked
 * bit: once set, the hypercall page stays where it is until the partition
 * is reset. VTL0 sets it before SIGNAL_END_OF_BOOT, which VTL1 refuses
 * without it.
 */
#define HV_VSM_REGISTER_HYPERCALL	0x00090001
#define HV_VSM_HYPERCALL_LOCKED		BIT_ULL(1)

/*
 * Version of this ABI. Raised whenever a VTL call, its arguments or a
 * layout below changes: VTL0 starts only a VTL1 image built for the same
 * version.
 */
#define HV_VSM_ABI_VERSION		1

/*
 * ELF notes of the VTL1 image (name HV_VSM_NOTE_NAME, 4-byte descriptor
 * each). VTL0 reads them after checking the image's signature:
 * ABI, the HV_VSM_ABI_VERSION VTL1 was built for; SECURITY_VERSION, a
 * number raised when a fix in VTL1 must not be undone by booting an older
 * image (VTL0 refuses images below its floor); MAX_CPUS, how many
 * processors VTL1 can run on.
 */
#define HV_VSM_NOTE_NAME		"HvVsmVtl1"
#define HV_VSM_NOTE_ABI			1
#define HV_VSM_NOTE_SECURITY_VERSION	2
#define HV_VSM_NOTE_MAX_CPUS		3

/* Byte VTL1 writes into the boot signal page to release a VTL0 CPU. */
#define HV_VSM_BOOT_TOKEN		0xdc
/* The boot signal page has one byte per CPU: the most CPUs VSM can start. */
#define HV_VSM_MAX_CPUS			SZ_4K

/* Size of a range list page, and of the pages READ_VIOLATIONS fills. */
#define HV_VSM_PAGE_SIZE		SZ_4K

/**
 * struct hv_vsm_range - One physically contiguous range of a request
 * @va: VTL0 virtual address of @pa, informational; VTL1 ignores it
 * @pa: first byte, page aligned
 * @epa: end (exclusive), page aligned
 * @attributes: HV_VSM_MEM_* bits for PROTECT_MEMORY, an
 *              &enum hv_vsm_kdata_type for LOAD_KDATA, an
 *              &enum hv_vsm_module_mem for VALIDATE_MODULE
 */
struct hv_vsm_range {
	u64 va;
	u64 pa;
	u64 epa;
	u64 attributes;
} __packed;

/**
 * struct hv_vsm_range_page - One page of a chained range list
 * @reserved: LVBS puts VTL0's virtual address of the next page here; VTL1
 *            ignores it, this VTL0 writes 0
 * @next_pa: physical address of the next page, 0 ends the chain
 * @nranges: number of entries of @ranges used, 1 to
 *           %HV_VSM_RANGES_PER_PAGE
 * @ranges: the ranges
 */
struct hv_vsm_range_page {
	u64 reserved;
	u64 next_pa;
	u64 nranges;
	struct hv_vsm_range ranges[];
} __packed;

#define HV_VSM_RANGES_PER_PAGE \
	((HV_VSM_PAGE_SIZE - sizeof(struct hv_vsm_range_page)) / \
	 sizeof(struct hv_vsm_range))

/* Bounds VTL1 enforces on requests. */
#define HV_VSM_MAX_LIST_PAGES		1024
#define HV_VSM_KDATA_MAX_SIZE		SZ_16M

/* PROTECT_MEMORY attributes: what VTL0 may do with the pages. */
#define HV_VSM_MEM_READ			BIT(0)
#define HV_VSM_MEM_WRITE		BIT(1)
#define HV_VSM_MEM_EXEC			BIT(2)
#define HV_VSM_MEM_IMMUTABLE		BIT(3)
#define HV_VSM_MEM_MASK			GENMASK(3, 0)

/**
 * enum hv_vsm_kdata_type - What a LOAD_KDATA range holds
 * @HV_VSM_KDATA_MODULE_CERTS: VTL0's built-in trusted X.509 certificates,
 *                             DER, one after the other, zero padded
 * @HV_VSM_KDATA_REVOCATION_CERTS: the X.509 certificates of keys VTL0
 *                                 revoked, in the same format
 * @HV_VSM_KDATA_BLACKLIST_HASHES: the hashes VTL0 blacklisted, each a
 *                                 NUL-terminated "tbs:<hex>" or
 *                                 "bin:<hex>" (lower-case hexadecimal),
 *                                 one after the other, zero padded
 * @HV_VSM_KDATA_KERNEL_INFO: a &struct hv_vsm_kernel_info
 * @HV_VSM_KDATA_KERNEL_DATA: VTL0's read-only data (.rodata)
 *
 * The LVBS numbering.
 */
enum hv_vsm_kdata_type {
	HV_VSM_KDATA_MODULE_CERTS = 0,
	HV_VSM_KDATA_REVOCATION_CERTS = 1,
	HV_VSM_KDATA_BLACKLIST_HASHES = 2,
	HV_VSM_KDATA_KERNEL_INFO = 3,
	HV_VSM_KDATA_KERNEL_DATA = 4,
};

/**
 * struct hv_vsm_kernel_info - What VTL1 needs of VTL0 to rebuild modules and check text changes
 * @rodata: VTL0 virtual address of the first byte of KERNEL_DATA
 * @ksymtab: VTL0 virtual address of the export table (struct
 *           kernel_symbol entries, sorted by name)
 * @ksymtab_end: its end
 * @percpu_modules: first per-CPU address VTL0 gives module per-CPU data
 * @percpu_modules_end: end of that area
 * @text: VTL0 virtual address of the first byte of kernel text (_text)
 * @text_end: its end (_etext)
 * @text_pa: physical address of @text; the text is physically contiguous
 * @jump_table: VTL0 virtual address of the first jump table entry
 * @jump_table_end: its end
 * @ro_after_init: VTL0 virtual address of its read-only-after-init data
 * @ro_after_init_end: its end; the sites of static keys and static calls
 *                     in there are never changed
 * @static_call_sites: VTL0 virtual address of the first static call site
 *                     entry (&struct hv_vsm_static_call_site), 0 without
 *                     inline static calls
 * @static_call_sites_end: its end
 * @static_call_tramps: VTL0 virtual address of the static call
 *                      trampolines, 8 bytes each, in the kernel text
 * @static_call_tramps_end: their end
 * @kallsyms_offsets: VTL0 virtual address of the symbol table's addresses
 *                    (32-bit offsets, each relative to its own address,
 *                    sorted by address), 0 without CONFIG_KALLSYMS
 * @kallsyms_offsets_end: its end
 *
 * The export table, the names it points to, the jump table and the static
 * call site table (in read-only-after-init data, itself in .rodata on
 * x86-64), and the symbol table must lie in KERNEL_DATA.
 */
struct hv_vsm_kernel_info {
	u64 rodata;
	u64 ksymtab;
	u64 ksymtab_end;
	u64 percpu_modules;
	u64 percpu_modules_end;
	u64 text;
	u64 text_end;
	u64 text_pa;
	u64 jump_table;
	u64 jump_table_end;
	u64 ro_after_init;
	u64 ro_after_init_end;
	u64 static_call_sites;
	u64 static_call_sites_end;
	u64 static_call_tramps;
	u64 static_call_tramps_end;
	u64 kallsyms_offsets;
	u64 kallsyms_offsets_end;
} __packed;

/**
 * struct hv_vsm_jump_entry - An entry of VTL0's jump table
 * @code: offset from this field to the jump label site
 * @target: offset from this field to the code the site jumps to
 * @key: offset from this field to the static key; bit 0 is the branch's
 *       default, bit 1 marks a site in init text
 *
 * The layout of x86-64's struct jump_entry (relative references).
 */
struct hv_vsm_jump_entry {
	s32 code;
	s32 target;
	s64 key;
} __packed;

/**
 * struct hv_vsm_static_call_site - An entry of VTL0's static call site table
 * @addr: offset from this field to the call site
 * @key: offset from this field to the static call key; bit 0 marks a tail
 *       call (a jump), bit 1 a site in init text; the sites of keys in
 *       read-only-after-init data are never changed
 *
 * The layout of struct static_call_site (relative references).
 */
struct hv_vsm_static_call_site {
	s32 addr;
	s32 key;
} __packed;

#define HV_VSM_STATIC_CALL_SITE_TAIL	BIT(0)
#define HV_VSM_STATIC_CALL_SITE_INIT	BIT(1)
#define HV_VSM_STATIC_CALL_SITE_FLAGS	GENMASK(1, 0)
#define HV_VSM_STATIC_CALL_TRAMP_SIZE	8

/**
 * struct hv_vsm_text_patch - One change of PATCH_TEXT
 * @va: VTL0 virtual address of the first byte to write
 * @len: number of bytes, 1 to %HV_VSM_TEXT_PATCH_MAX
 * @bytes: the bytes; those past @len must be 0
 *
 * VTL1 writes @bytes only if they are the instruction the kernel itself
 * would write at @va: see Documentation/virt/hyperv/vsm.rst.
 */
struct hv_vsm_text_patch {
	u64 va;
	u8 len;
	u8 bytes[7];
} __packed;

#define HV_VSM_TEXT_PATCH_MAX		7
#define HV_VSM_TEXT_PATCHES_PER_PAGE \
	(HV_VSM_PAGE_SIZE / sizeof(struct hv_vsm_text_patch))

/**
 * enum hv_vsm_module_mem - What a VALIDATE_MODULE range holds
 * @HV_VSM_MODULE_TEXT: module text
 * @HV_VSM_MODULE_DATA: writable data
 * @HV_VSM_MODULE_RODATA: read-only data
 * @HV_VSM_MODULE_RO_AFTER_INIT: data read-only once init is done
 * @HV_VSM_MODULE_INIT_TEXT: init text
 * @HV_VSM_MODULE_INIT_DATA: init data
 * @HV_VSM_MODULE_INIT_RODATA: init read-only data
 * @HV_VSM_MODULE_ELF: the module file as signed, signature appended, zero
 *                     padded to a page boundary
 * @HV_VSM_MODULE_LAYOUT: one u64 per section header of the file: the VTL0
 *                        virtual address of the section (the per-CPU
 *                        address for the per-CPU section), 0 if not placed
 * @HV_VSM_MODULE_MEM_TYPES: number of types
 *
 * The LVBS numbering (Linux's enum mod_mem_type, then the file); the layout
 * is ours. Every range carries the VTL0 virtual address of its first byte:
 * the ranges of one type, in list order, map one contiguous virtual area.
 */
enum hv_vsm_module_mem {
	HV_VSM_MODULE_TEXT,
	HV_VSM_MODULE_DATA,
	HV_VSM_MODULE_RODATA,
	HV_VSM_MODULE_RO_AFTER_INIT,
	HV_VSM_MODULE_INIT_TEXT,
	HV_VSM_MODULE_INIT_DATA,
	HV_VSM_MODULE_INIT_RODATA,
	HV_VSM_MODULE_ELF,
	HV_VSM_MODULE_LAYOUT,
	HV_VSM_MODULE_MEM_TYPES,
};

/*
 * Bounds VTL1 enforces on VALIDATE_MODULE: the file, the text and read-only
 * memory it rebuilds, and the modules it keeps, all in VTL1's reservation.
 */
#define HV_VSM_MODULE_MAX_FILE		SZ_4M
#define HV_VSM_MODULE_MAX_MEM		SZ_8M
#define HV_VSM_MAX_MODULES		512

/**
 * enum hv_vsm_violation_type - What a violation record is about
 * @HV_VSM_VIOLATION_LOST: records that did not fit; only @count is set
 * @HV_VSM_VIOLATION_MEM_READ: read of protected memory
 * @HV_VSM_VIOLATION_MEM_WRITE: write to protected memory
 * @HV_VSM_VIOLATION_MEM_EXEC: execution of memory without execute access
 * @HV_VSM_VIOLATION_CR0: write clearing a pinned CR0 bit
 * @HV_VSM_VIOLATION_CR4: write clearing a pinned CR4 bit or changing a fixed one
 * @HV_VSM_VIOLATION_MSR: write changing a pinned MSR
 * @HV_VSM_VIOLATION_GDTR: load of GDTR
 * @HV_VSM_VIOLATION_IDTR: load of IDTR
 * @HV_VSM_VIOLATION_LDTR: load of LDTR
 * @HV_VSM_VIOLATION_TR: load of TR
 * @HV_VSM_VIOLATION_RELOCK: not used any more (a restarted VP that was not
 *                           locked again in time); the number stays
 *                           reserved
 */
enum hv_vsm_violation_type {
	HV_VSM_VIOLATION_LOST,
	HV_VSM_VIOLATION_MEM_READ,
	HV_VSM_VIOLATION_MEM_WRITE,
	HV_VSM_VIOLATION_MEM_EXEC,
	HV_VSM_VIOLATION_CR0,
	HV_VSM_VIOLATION_CR4,
	HV_VSM_VIOLATION_MSR,
	HV_VSM_VIOLATION_GDTR,
	HV_VSM_VIOLATION_IDTR,
	HV_VSM_VIOLATION_LDTR,
	HV_VSM_VIOLATION_TR,
	HV_VSM_VIOLATION_RELOCK,
};

/**
 * struct hv_vsm_violation - A record of READ_VIOLATIONS
 * @type: an &enum hv_vsm_violation_type
 * @vp: index of the virtual processor that caused it
 * @rip: VTL0 RIP of the faulting instruction
 * @addr: guest physical address, or register or MSR number
 * @value: value VTL0 tried to write, 0 for memory accesses
 * @count: how many times this (type, vp, rip, addr) happened
 */
struct hv_vsm_violation {
	u32 type;
	u32 vp;
	u64 rip;
	u64 addr;
	u64 value;
	u64 count;
} __packed;

#define HV_VSM_VIOLATIONS_PER_PAGE \
	(HV_VSM_PAGE_SIZE / sizeof(struct hv_vsm_violation))

/*
 * What LOCK_REGS pins: CR0 bits that must stay set, CR4 bits that may not
 * be cleared once set, CR4 bits that keep the value they had, all of EFER
 * (the kernel never changes it once up, and its SVME, LMA or NXE would
 * each undo a protection), and the bits of the APIC base that must keep
 * their value. The other MSRs whose whole value is pinned, and the
 * descriptor tables that may not be loaded, are listed in
 * Documentation/virt/hyperv/vsm.rst and in the table both sides share.
 */
#define HV_VSM_PINNED_CR0	(X86_CR0_PE | X86_CR0_WP | X86_CR0_PG)
#define HV_VSM_PINNED_CR4	(X86_CR4_PAE | X86_CR4_UMIP | X86_CR4_LA57 | \
				 X86_CR4_FSGSBASE | X86_CR4_SMEP | \
				 X86_CR4_SMAP | X86_CR4_CET)
#define HV_VSM_FIXED_CR4	X86_CR4_FRED
#define HV_VSM_PINNED_EFER	(~0ULL)
#define HV_VSM_PINNED_APIC_BASE	(MSR_IA32_APICBASE_BASE | \
				 MSR_IA32_APICBASE_ENABLE | X2APIC_ENABLE)

/* The layouts VTL1 parses. */
static_assert(sizeof(struct hv_vsm_range) == 32);
static_assert(offsetof(struct hv_vsm_range, pa) == 8);
static_assert(offsetof(struct hv_vsm_range, epa) == 16);
static_assert(offsetof(struct hv_vsm_range, attributes) == 24);
static_assert(sizeof(struct hv_vsm_range_page) == 24);
static_assert(offsetof(struct hv_vsm_range_page, next_pa) == 8);
static_assert(offsetof(struct hv_vsm_range_page, nranges) == 16);
static_assert(offsetof(struct hv_vsm_range_page, ranges) == 24);
static_assert(HV_VSM_RANGES_PER_PAGE == 127);
static_assert(sizeof(struct hv_vsm_violation) == 40);
static_assert(offsetof(struct hv_vsm_violation, vp) == 4);
static_assert(offsetof(struct hv_vsm_violation, rip) == 8);
static_assert(offsetof(struct hv_vsm_violation, addr) == 16);
static_assert(offsetof(struct hv_vsm_violation, value) == 24);
static_assert(offsetof(struct hv_vsm_violation, count) == 32);
static_assert(sizeof(struct hv_vsm_kernel_info) == 144);
static_assert(offsetof(struct hv_vsm_kernel_info, ksymtab_end) == 16);
static_assert(offsetof(struct hv_vsm_kernel_info, percpu_modules_end) == 32);
static_assert(offsetof(struct hv_vsm_kernel_info, text_pa) == 56);
static_assert(offsetof(struct hv_vsm_kernel_info, jump_table_end) == 72);
static_assert(offsetof(struct hv_vsm_kernel_info, ro_after_init_end) == 88);
static_assert(offsetof(struct hv_vsm_kernel_info, static_call_tramps) == 112);
static_assert(offsetof(struct hv_vsm_kernel_info, kallsyms_offsets_end) == 136);
static_assert(sizeof(struct hv_vsm_jump_entry) == 16);
static_assert(sizeof(struct hv_vsm_static_call_site) == 8);
static_assert(sizeof(struct hv_vsm_text_patch) == 16);
static_assert(offsetof(struct hv_vsm_text_patch, bytes) == 9);
static_assert(HV_VSM_TEXT_PATCHES_PER_PAGE == 256);
static_assert(HV_VSM_VIOLATIONS_PER_PAGE == 102);

#endif /* _HYPERV_HV_VSM_H */
