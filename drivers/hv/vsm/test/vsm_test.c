// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM - tests of the VTL call interface, for testing only
 *
 * Before the end of boot, right after the backend started VTL1, this makes
 * one VTL call per class of malformed request (bad counts, unaligned or
 * empty or reversed ranges, unknown attribute bits, overlapping ranges,
 * addresses outside RAM, cyclic or overlong chains, unknown functions and
 * kernel data types). Each must fail with the errno documented in
 * Documentation/virt/hyperv/vsm.rst and apply nothing: most requests start
 * with a valid range making a page of the test read-only, and that page
 * must still be writable afterwards.
 *
 * After the end of boot, writing to <debugfs>/vsm_test/after_boot makes
 * every call the table marks boot-only again with valid arguments: each
 * must return -EPERM, and so must the calls this test lists as boot-only
 * on its own (before it, or with heki=off, the write fails with -EPERM
 * itself); makes every call of the table with each argument it does not
 * use set in turn, which must fail with -EINVAL; and asks VTL1 to write
 * its violation log into kernel read-only data, which must be refused with
 * -EACCES; starts another CPU's virtual processor, which the hypervisor
 * must deny (-EACCES); and asks VTL1 to write kernel text (PATCH_TEXT):
 * the jump label site of a test key switched to its jump and back, and
 * the trampoline and call site of a test static call retargeted, NOPed
 * and back, must be written; every forged change (another address, other
 * bytes, another size or target, a lone INT3, the site of a key in
 * read-only-after-init data, a static call into the middle of a function
 * or into rodata, a trampoline that calls, a call site that jumps, the
 * call site of a static call with a read-only key, a batch of a declared
 * jump label change and a forged static call,
 * overlapping, too many or malformed changes, a bad list page) refused
 * with its errno and the text left as it was.
 *
 * <debugfs>/vsm_test/before_boot and after_boot list one case a line:
 *
 *   <case> expected=<errno> got=<value> <intact|modified>
 *
 * where "intact" means the victim page was not protected, or, for the
 * PATCH_TEXT cases, that the text is what it must be: unchanged after a
 * refusal, the new bytes after a success.
 *
 * or "skipped <reason>" when VTL1 does not run.
 */

#define pr_fmt(fmt) "hv_vsm_test: " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/heki.h>
#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/panic.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/static_call.h>
#include <linux/string.h>
#include <linux/text-patching.h>
#include <asm/asm.h>
#include <asm/hv_vsm.h>
#include <asm/mshyperv.h>
#include <asm/sections.h>
#include <hyperv/hv_vsm.h>

#include "../abi.h"
#include "../hv_vsm_hvcall.h"
#include "../vsm.h"

/* Victim pages: the first is in most requests, the others serve ranges. */
#define VICTIM_ORDER	2
#define MAX_CASES	128

struct vsm_result {
	char name[48];
	long expected;
	long got;
	bool intact;
};

struct vsm_results {
	const char *skipped;
	unsigned int dropped;
	unsigned int n;
	struct vsm_result r[MAX_CASES];
};

/* A request being built: its chained list pages and the call's registers. */
struct req {
	struct hv_vsm_range_page **pages;
	unsigned int npages;
	u64 func, a1, a2, a3;
};

struct vsm_case {
	const char *name;
	long expected;
	unsigned int npages;
	void (*build)(struct req *r);
};

static struct page *victim;
static phys_addr_t victim_pa;
static struct vsm_results before_boot, after_boot;
static DEFINE_MUTEX(vsm_test_lock);

static phys_addr_t vpa(unsigned int page)
{
	return victim_pa + page * PAGE_SIZE;
}

static void add(struct hv_vsm_range_page *p, phys_addr_t pa, phys_addr_t epa,
		u64 attributes)
{
	struct hv_vsm_range *range = &p->ranges[p->nranges++];

	range->pa = pa;
	range->epa = epa;
	range->attributes = attributes;
}

/* The valid first range: victim page 0 read-only. */
static void start(struct req *r)
{
	add(r->pages[0], vpa(0), vpa(1), HV_VSM_MEM_READ);
	r->a2 = 1;
}

static void free_req(struct req *r)
{
	unsigned int i;

	for (i = 0; i < r->npages; i++)
		free_page((unsigned long)r->pages[i]);
	kfree(r->pages);
}

static int alloc_req(struct req *r, unsigned int npages)
{
	unsigned int i;

	/* No register of an earlier case may leak into this one. */
	memset(r, 0, sizeof(*r));
	r->pages = kcalloc(npages, sizeof(*r->pages), GFP_KERNEL);
	if (!r->pages)
		return -ENOMEM;
	for (r->npages = 0; r->npages < npages; r->npages++) {
		r->pages[r->npages] = (void *)get_zeroed_page(GFP_KERNEL);
		if (!r->pages[r->npages]) {
			free_req(r);
			return -ENOMEM;
		}
	}
	for (i = 0; i + 1 < npages; i++)
		r->pages[i]->next_pa = __pa(r->pages[i + 1]);
	r->func = hv_vsm_vtl_call_id(HV_VSM_NR_PROTECT_MEMORY);
	r->a1 = __pa(r->pages[0]);
	return 0;
}

/* Victim page 0 is still writable: nothing of the request was applied. */
static bool victim_writable(void)
{
	u8 *byte = page_address(victim);
	int failed = 0;

	asm volatile("1: movb %[val], %[dst]\n"
		     "2:\n"
		     _ASM_EXTABLE_FAULT(1b, 2b)
		     : [dst] "=m" (*byte), "+a" (failed)
		     : [val] "q" ((u8)0x5a)
		     : "memory");
	return !failed;
}

static void no_ranges(struct req *r)
{
	r->a2 = 0;
}

static void count_above_chain(struct req *r)
{
	start(r);
	r->a2 = 2;
}

static void count_below_chain(struct req *r)
{
	start(r);
	add(r->pages[0], vpa(1), vpa(2), HV_VSM_MEM_READ);
}

static void page_over_capacity(struct req *r)
{
	start(r);
	r->pages[0]->nranges = HV_VSM_RANGES_PER_PAGE + 1;
	r->a2 = HV_VSM_RANGES_PER_PAGE + 1;
}

/* A page with no range between two that have one. */
static void empty_page_in_chain(struct req *r)
{
	start(r);
	add(r->pages[2], vpa(1), vpa(2), HV_VSM_MEM_READ);
	r->a2 = 2;
}

static void unaligned_range(struct req *r)
{
	start(r);
	add(r->pages[0], vpa(1) + 8, vpa(2), HV_VSM_MEM_READ);
	r->a2 = 2;
}

/* A list page 8 bytes in, holding a valid request there. */
static void unaligned_list(struct req *r)
{
	struct hv_vsm_range_page *shifted = (void *)r->pages[0] + 8;

	add(shifted, vpa(0), vpa(1), HV_VSM_MEM_READ);
	r->a1 += 8;
	r->a2 = 1;
}

static void bad_attributes(struct req *r, unsigned long attributes)
{
	start(r);
	add(r->pages[0], vpa(1), vpa(2), attributes);
	r->a2 = 2;
}

static void unknown_attribute(struct req *r)
{
	bad_attributes(r, HV_VSM_MEM_READ | BIT(4));
}

static void write_without_read(struct req *r)
{
	bad_attributes(r, HV_VSM_MEM_WRITE);
}

static void exec_without_read(struct req *r)
{
	bad_attributes(r, HV_VSM_MEM_EXEC);
}

static void empty_range(struct req *r)
{
	start(r);
	add(r->pages[0], vpa(1), vpa(1), HV_VSM_MEM_READ);
	r->a2 = 2;
}

static void reversed_range(struct req *r)
{
	start(r);
	add(r->pages[0], vpa(2), vpa(1), HV_VSM_MEM_READ);
	r->a2 = 2;
}

static void overlapping_ranges(struct req *r)
{
	start(r);
	add(r->pages[0], vpa(1), vpa(3), HV_VSM_MEM_READ);
	add(r->pages[0], vpa(2), vpa(4), HV_VSM_MEM_READ);
	r->a2 = 3;
}

static void range_outside_ram(struct req *r)
{
	start(r);
	add(r->pages[0], PFN_PHYS(max_pfn), PFN_PHYS(max_pfn + 1),
	    HV_VSM_MEM_READ);
	r->a2 = 2;
}

static void list_outside_ram(struct req *r)
{
	start(r);
	r->a1 = PFN_PHYS(max_pfn);
}

/* The last page of the physical address space: its end wraps to 0. */
static void wrapping_range(struct req *r)
{
	start(r);
	add(r->pages[0], PHYS_ADDR_MAX & PAGE_MASK,
	    (PHYS_ADDR_MAX & PAGE_MASK) + PAGE_SIZE, HV_VSM_MEM_READ);
	r->a2 = 2;
}

static phys_addr_t vtl1_base(void)
{
	phys_addr_t base, size;

	return hv_vsm_vtl0_memory(&base, &size) ? 0 : base;
}

static void range_in_vtl1(struct req *r)
{
	start(r);
	add(r->pages[0], vtl1_base(), vtl1_base() + PAGE_SIZE,
	    HV_VSM_MEM_READ);
	r->a2 = 2;
}

static void list_in_vtl1(struct req *r)
{
	start(r);
	r->a1 = vtl1_base();
}

static void cyclic_chain(struct req *r)
{
	start(r);
	add(r->pages[1], vpa(1), vpa(2), HV_VSM_MEM_READ);
	r->pages[1]->next_pa = __pa(r->pages[0]);
	r->a2 = 4;
}

static void self_loop(struct req *r)
{
	start(r);
	r->pages[0]->next_pa = __pa(r->pages[0]);
	r->a2 = 2;
}

/* Each list page asks for what its own page already has. */
static void chain_too_long(struct req *r)
{
	unsigned int i;

	for (i = 0; i < r->npages; i++)
		add(r->pages[i], __pa(r->pages[i]), __pa(r->pages[i]) + PAGE_SIZE,
		    HV_VSM_MEM_READ | HV_VSM_MEM_WRITE);
	r->a2 = r->npages;
}

/* Past the highest function ID of the table, outside the LVBS range. */
static void unknown_function(struct req *r)
{
	unsigned int i;

	start(r);
	for (i = 0; i < HV_VSM_NR_VTL_CALLS; i++)
		r->func = max_t(u64, r->func, hv_vsm_vtl_calls[i].id + 1);
}

/* The LVBS functions this VTL1 does not serve, and the one after them. */
static void lvbs_unserved_first(struct req *r)
{
	start(r);
	r->func = HV_VSM_LVBS_UNSERVED_FIRST;
}

static void lvbs_unserved_last(struct req *r)
{
	start(r);
	r->func = HV_VSM_LVBS_UNSERVED_LAST;
}

static void after_lvbs_unserved(struct req *r)
{
	start(r);
	r->func = HV_VSM_LVBS_UNSERVED_LAST + 1;
}

/* PROTECT_MEMORY's function ID with a bit above 32 set. */
static void function_above_32_bits(struct req *r)
{
	start(r);
	r->func |= BIT_ULL(32);
}

static void kdata_type(struct req *r, u64 type)
{
	r->func = hv_vsm_vtl_call_id(HV_VSM_NR_LOAD_KDATA);
	add(r->pages[0], vpa(1), vpa(2), type);
	r->a2 = 1;
}

static void kdata_unknown_type(struct req *r)
{
	kdata_type(r, HV_VSM_KDATA_KERNEL_DATA + 1);
}

/* Certificates that are only zeroes (the victim pages are zeroed). */
static void kdata_no_certs(struct req *r)
{
	kdata_type(r, HV_VSM_KDATA_MODULE_CERTS);
}

/* Certificates that do not start with a DER sequence. */
static void kdata_bad_certs(struct req *r)
{
	kdata_type(r, HV_VSM_KDATA_MODULE_CERTS);
	memset(phys_to_virt(vpa(1)), 0x5a, 8);
}

/* Kernel data of @type made of the @len bytes of @data, zero padded. */
static void kdata_content(struct req *r, u64 type, const void *data,
			  size_t len)
{
	u8 *page = phys_to_virt(vpa(1));

	kdata_type(r, type);
	memset(page, 0, PAGE_SIZE);
	memcpy(page, data, len);
}

/* Revocation certificates that do not start with a DER sequence. */
static void kdata_bad_revocation(struct req *r)
{
	kdata_content(r, HV_VSM_KDATA_REVOCATION_CERTS, "ZZZZZZZZ", 8);
}

static void kdata_hash_bad_prefix(struct req *r)
{
	kdata_content(r, HV_VSM_KDATA_BLACKLIST_HASHES, "sha:00", 7);
}

static void kdata_hash_odd_digits(struct req *r)
{
	kdata_content(r, HV_VSM_KDATA_BLACKLIST_HASHES, "bin:abc", 8);
}

static void kdata_hash_upper_case(struct req *r)
{
	kdata_content(r, HV_VSM_KDATA_BLACKLIST_HASHES, "bin:AB", 7);
}

/* A hash longer than SHA-512's 128 digits. */
static void kdata_hash_too_long(struct req *r)
{
	char *page = phys_to_virt(vpa(1));

	kdata_content(r, HV_VSM_KDATA_BLACKLIST_HASHES, "bin:", 4);
	memset(page + 4, 'a', 130);
}

/* A hash without its NUL: it runs to the end of the data. */
static void kdata_hash_unterminated(struct req *r)
{
	char *page = phys_to_virt(vpa(1));

	kdata_content(r, HV_VSM_KDATA_BLACKLIST_HASHES, "bin:", 4);
	memset(page + 4, 'a', PAGE_SIZE - 4);
}

/* A valid hash after the padding. */
static void kdata_hash_after_padding(struct req *r)
{
	static const char hashes[] = "bin:00\0\0bin:11";

	kdata_content(r, HV_VSM_KDATA_BLACKLIST_HASHES, hashes, sizeof(hashes));
}

/*
 * The end of boot before VTL0 locked its hypercall page, which a sealed
 * VTL0 could otherwise move over its own text: refused, and the boot-only
 * calls the boot still makes afterwards show that VTL1 did not seal.
 */
static void end_of_boot_unlocked(struct req *r)
{
	r->func = hv_vsm_vtl_call_id(HV_VSM_NR_SIGNAL_END_OF_BOOT);
	r->a1 = 0;
}

/* Kernel information without the read-only data it points into. */
static void kdata_info_alone(struct req *r)
{
	kdata_type(r, HV_VSM_KDATA_KERNEL_INFO);
}

static const struct vsm_case malformed[] = {
	{ "no_ranges", -EINVAL, 1, no_ranges },
	{ "count_above_chain", -EINVAL, 1, count_above_chain },
	{ "count_below_chain", -EINVAL, 1, count_below_chain },
	{ "page_over_capacity", -EINVAL, 1, page_over_capacity },
	{ "empty_page_in_chain", -EINVAL, 3, empty_page_in_chain },
	{ "unaligned_range", -EINVAL, 1, unaligned_range },
	{ "unaligned_list", -EINVAL, 1, unaligned_list },
	{ "unknown_attribute", -EINVAL, 1, unknown_attribute },
	{ "write_without_read", -EINVAL, 1, write_without_read },
	{ "exec_without_read", -EINVAL, 1, exec_without_read },
	{ "empty_range", -ERANGE, 1, empty_range },
	{ "reversed_range", -ERANGE, 1, reversed_range },
	{ "overlapping_ranges", -EEXIST, 1, overlapping_ranges },
	{ "range_outside_ram", -EFAULT, 1, range_outside_ram },
	{ "list_outside_ram", -EFAULT, 1, list_outside_ram },
	{ "wrapping_range", -ERANGE, 1, wrapping_range },
	{ "range_in_vtl1", -EACCES, 1, range_in_vtl1 },
	{ "list_in_vtl1", -EACCES, 1, list_in_vtl1 },
	{ "cyclic_chain", -ELOOP, 2, cyclic_chain },
	{ "self_loop", -ELOOP, 1, self_loop },
	{ "chain_too_long", -E2BIG, HV_VSM_MAX_LIST_PAGES + 1, chain_too_long },
	{ "unknown_function", -EINVAL, 1, unknown_function },
	{ "lvbs_unserved_first", -EOPNOTSUPP, 1, lvbs_unserved_first },
	{ "lvbs_unserved_last", -EOPNOTSUPP, 1, lvbs_unserved_last },
	{ "after_lvbs_unserved", -EINVAL, 1, after_lvbs_unserved },
	{ "function_above_32_bits", -EINVAL, 1, function_above_32_bits },
	{ "kdata_unknown_type", -EINVAL, 1, kdata_unknown_type },
	{ "kdata_no_certs", -ENOKEY, 1, kdata_no_certs },
	{ "kdata_bad_certs", -EBADMSG, 1, kdata_bad_certs },
	{ "kdata_bad_revocation", -EBADMSG, 1, kdata_bad_revocation },
	{ "kdata_hash_bad_prefix", -EBADMSG, 1, kdata_hash_bad_prefix },
	{ "kdata_hash_odd_digits", -EBADMSG, 1, kdata_hash_odd_digits },
	{ "kdata_hash_upper_case", -EBADMSG, 1, kdata_hash_upper_case },
	{ "kdata_hash_too_long", -EBADMSG, 1, kdata_hash_too_long },
	{ "kdata_hash_unterminated", -EBADMSG, 1, kdata_hash_unterminated },
	{ "kdata_hash_after_padding", -EBADMSG, 1, kdata_hash_after_padding },
	{ "kdata_info_alone", -EINVAL, 1, kdata_info_alone },
	{ "end_of_boot_unlocked", -EPERM, 1, end_of_boot_unlocked },
};

/* Valid requests, for the calls of the table that take arguments. */
static void lock_regs(struct req *r)
{
	r->func = hv_vsm_vtl_call_id(HV_VSM_NR_LOCK_REGS);
	r->a1 = 0;
}

/* Victim page 0 read-only: had VTL1 taken it, the page would show it. */
static void protect_memory(struct req *r)
{
	start(r);
}

static void load_kdata(struct req *r)
{
	r->func = hv_vsm_vtl_call_id(HV_VSM_NR_LOAD_KDATA);
	add(r->pages[0], vpa(1), vpa(2), HV_VSM_KDATA_KERNEL_DATA);
	r->a2 = 1;
}

/* An empty CPU mask: the zeroed last list page. */
static void enable_aps_vtl(struct req *r)
{
	r->func = hv_vsm_vtl_call_id(HV_VSM_NR_ENABLE_APS_VTL);
	r->a1 = PHYS_PFN(__pa(r->pages[r->npages - 1]));
}

/* An empty CPU mask, and another page for the boot signals. */
static void boot_aps(struct req *r)
{
	enable_aps_vtl(r);
	r->func = hv_vsm_vtl_call_id(HV_VSM_NR_BOOT_APS);
	r->a2 = PHYS_PFN(__pa(r->pages[0]));
}

/* Into the zeroed last list page, which VTL0 may write. */
static void read_violations(struct req *r)
{
	r->func = hv_vsm_vtl_call_id(HV_VSM_NR_READ_VIOLATIONS);
	r->a1 = __pa(r->pages[r->npages - 1]);
	r->a2 = 1;
}

/*
 * A valid request of each call of the table that has arguments; the
 * others are made with every argument 0.
 */
static const struct {
	enum hv_vsm_vtl_call_nr nr;
	unsigned int npages;
	void (*build)(struct req *r);
} valid[] = {
	{ HV_VSM_NR_LOCK_REGS, 1, lock_regs },
	{ HV_VSM_NR_PROTECT_MEMORY, 1, protect_memory },
	{ HV_VSM_NR_LOAD_KDATA, 1, load_kdata },
	{ HV_VSM_NR_ENABLE_APS_VTL, 1, enable_aps_vtl },
	{ HV_VSM_NR_BOOT_APS, 2, boot_aps },
	{ HV_VSM_NR_READ_VIOLATIONS, 2, read_violations },
};

/*
 * Not a boot-only call: VTL1 would write the log into a page of kernel
 * read-only data, which VTL0 itself may no longer write.
 */
static void read_violations_to_rodata(struct req *r)
{
	r->func = hv_vsm_vtl_call_id(HV_VSM_NR_READ_VIOLATIONS);
	r->a1 = __pa_symbol(__start_rodata);
	r->a2 = 1;
}

/* A token VTL1 never gave: the module calls change nothing. */
static void free_module_init_unknown(struct req *r)
{
	r->func = hv_vsm_vtl_call_id(HV_VSM_NR_FREE_MODULE_INIT);
	r->a1 = 1;
}

static void unload_module_unknown(struct req *r)
{
	r->func = hv_vsm_vtl_call_id(HV_VSM_NR_UNLOAD_MODULE);
	r->a1 = 1;
}

/* Module text without the signed file or the layout. */
static void validate_module_no_file(struct req *r)
{
	r->func = hv_vsm_vtl_call_id(HV_VSM_NR_VALIDATE_MODULE);
	r->pages[0]->ranges[0] = (struct hv_vsm_range){
		.va = MODULES_VADDR, .pa = vpa(0), .epa = vpa(1),
		.attributes = HV_VSM_MODULE_TEXT,
	};
	r->pages[0]->nranges = 1;
	r->a1 = __pa(r->pages[0]);
	r->a2 = 1;
}

/* A file of zeroes, which carries no signature. */
static void validate_module_unsigned(struct req *r)
{
	validate_module_no_file(r);
	r->pages[0]->ranges[1] = (struct hv_vsm_range){
		.va = 0, .pa = vpa(1), .epa = vpa(2),
		.attributes = HV_VSM_MODULE_ELF,
	};
	r->pages[0]->ranges[2] = (struct hv_vsm_range){
		.va = 0, .pa = vpa(2), .epa = vpa(3),
		.attributes = HV_VSM_MODULE_LAYOUT,
	};
	r->pages[0]->nranges = 3;
	r->a2 = 3;
}

/* Module text on a page of the sealed kernel's read-only data. */
static void validate_module_on_rodata(struct req *r)
{
	validate_module_unsigned(r);
	r->pages[0]->ranges[0].pa = __pa_symbol(__start_rodata) & PAGE_MASK;
	r->pages[0]->ranges[0].epa = r->pages[0]->ranges[0].pa + PAGE_SIZE;
}

/* Module text on a page of VTL1's memory. */
static void validate_module_in_vtl1(struct req *r)
{
	validate_module_unsigned(r);
	r->pages[0]->ranges[0].pa = vtl1_base();
	r->pages[0]->ranges[0].epa = vtl1_base() + PAGE_SIZE;
}

/* Module text on a page frame above the end of RAM. */
static void validate_module_outside_ram(struct req *r)
{
	validate_module_unsigned(r);
	r->pages[0]->ranges[0].pa = PFN_PHYS(max_pfn);
	r->pages[0]->ranges[0].epa = PFN_PHYS(max_pfn + 1);
}

/* The signed file on a page of VTL1's memory: VTL1 would read itself. */
static void validate_module_file_in_vtl1(struct req *r)
{
	validate_module_unsigned(r);
	r->pages[0]->ranges[1].pa = vtl1_base();
	r->pages[0]->ranges[1].epa = vtl1_base() + PAGE_SIZE;
}

static const struct vsm_case after_boot_cases[] = {
	{ "unknown_function", -EINVAL, 1, unknown_function },
	{ "read_violations_to_rodata", -EACCES, 1, read_violations_to_rodata },
	{ "free_module_init_unknown", -ENOENT, 1, free_module_init_unknown },
	{ "unload_module_unknown", -ENOENT, 1, unload_module_unknown },
	{ "validate_module_no_file", -EINVAL, 1, validate_module_no_file },
	{ "validate_module_unsigned", -ENODATA, 1, validate_module_unsigned },
	{ "validate_module_on_rodata", -EACCES, 1, validate_module_on_rodata },
	{ "validate_module_in_vtl1", -EACCES, 1, validate_module_in_vtl1 },
	{ "validate_module_outside_ram", -EFAULT, 1,
	  validate_module_outside_ram },
	{ "validate_module_file_in_vtl1", -EACCES, 1,
	  validate_module_file_in_vtl1 },
};

/* VTL1 runs on this CPU's virtual processor. */
static bool vtl1_running(void)
{
	union hv_register_vsm_vp_status status;

	if (!hv_is_hyperv_initialized() ||
	    hv_vsm_get_vp_reg64(HV_VSM_INPUT_SELF, HV_REGISTER_VSM_VP_STATUS,
				&status.as_uint64))
		return false;
	return status.enabled_vtl_set & BIT(HV_VTL_SECURE);
}

/*
 * Make call @func, built by @build (with @npages list pages) or with every
 * argument 0, and, unless @unused_arg is 0, with argument @unused_arg (1 to
 * 3) set as well.
 */
static void run_one(struct vsm_results *res, const char *name, long expected,
		    unsigned int npages, void (*build)(struct req *r),
		    u64 func, unsigned int unused_arg)
{
	struct vsm_result *out;
	struct req r;

	if (res->n == MAX_CASES) {
		res->dropped++;
		return;
	}
	out = &res->r[res->n++];
	strscpy(out->name, name);
	out->expected = expected;
	if (alloc_req(&r, npages)) {
		out->got = -ENOMEM;
		return;
	}
	r.func = func;
	if (build)
		build(&r);
	else
		r.a1 = 0;
	if (unused_arg == 1)
		r.a1 = 1;
	else if (unused_arg == 2)
		r.a2 = 1;
	else if (unused_arg == 3)
		r.a3 = 1;
	out->got = hv_vsm_vtl0_call_raw(r.func, r.a1, r.a2, r.a3);
	out->intact = victim_writable();
	free_req(&r);
}

static void run_cases(const struct vsm_case *cases, unsigned int n,
		      struct vsm_results *res)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		run_one(res, cases[i].name, cases[i].expected, cases[i].npages,
			cases[i].build,
			hv_vsm_vtl_call_id(HV_VSM_NR_PROTECT_MEMORY), 0);
}

/*
 * PATCH_TEXT: the jump label site of a key of this test, in kernel text,
 * and the bytes it holds (the NOP: the key is never enabled).
 */
static DEFINE_STATIC_KEY_FALSE(vsm_test_key);

static noinline int vsm_test_key_path(void)
{
	return static_branch_unlikely(&vsm_test_key) ? 1 : 0;
}

/* A key the kernel can never flip once its read-only-after-init data is. */
static DEFINE_STATIC_KEY_FALSE_RO(vsm_test_ro_key);

static noinline int vsm_test_ro_key_path(void)
{
	return static_branch_unlikely(&vsm_test_ro_key) ? 1 : 0;
}

struct vsm_site {
	unsigned long va;
	unsigned long target;
	unsigned int size;
	u8 nop[JMP32_INSN_SIZE];
};

static struct vsm_site site, ro_site;

/* Find the site of @key into @s; false without one. */
static bool find_site(struct static_key *key, struct vsm_site *s)
{
	struct jump_entry *e;

	for (e = __start___jump_table; e < __stop___jump_table; e++) {
		if (jump_entry_key(e) != key)
			continue;
		s->va = jump_entry_code(e);
		s->target = jump_entry_target(e);
		s->size = arch_jump_entry_size(e);
		memcpy(s->nop, (void *)s->va, s->size);
		return true;
	}
	return false;
}

/* The jump of the site's size from the site to @dest. */
static const u8 *site_jump(unsigned long dest)
{
	return text_gen_insn(site.size == JMP8_INSN_SIZE ? JMP8_INSN_OPCODE :
			     JMP32_INSN_OPCODE, (void *)site.va, (void *)dest);
}

/*
 * PATCH_TEXT of static calls: the trampoline of a static call of this
 * test and its call site, and what they hold (the jump and the call to
 * vsm_test_call_a()).
 */
static noinline int vsm_test_call_a(void)
{
	return 1;
}

static noinline int vsm_test_call_b(void)
{
	return 2;
}

DEFINE_STATIC_CALL(vsm_test_call, vsm_test_call_a);

static noinline int vsm_test_call_site(void)
{
	return static_call(vsm_test_call)() + 1;
}

/* A static call the kernel can never update once init is done. */
static void vsm_test_nothing(void)
{
}

DEFINE_STATIC_CALL_NULL_RO(vsm_test_ro_call, vsm_test_nothing);

static noinline void vsm_test_ro_call_site(void)
{
	static_call_cond(vsm_test_ro_call)();
	barrier();
}

static struct {
	unsigned long tramp, site, ro_site;
	u8 tramp_now[JMP32_INSN_SIZE], site_now[CALL_INSN_SIZE];
	u8 ro_site_now[CALL_INSN_SIZE];
} sc;

/* The call site of static call key @key; 0 without one. */
static unsigned long find_sc_site(struct static_call_key *key)
{
	struct static_call_site *s;
	unsigned long k;

	for (s = __start_static_call_sites; s < __stop_static_call_sites; s++) {
		k = ((unsigned long)&s->key + s->key) & ~STATIC_CALL_SITE_FLAGS;
		if (k == (unsigned long)key)
			return (unsigned long)&s->addr + s->addr;
	}
	return 0;
}

/* Find the test static calls' trampoline and sites; false without them. */
static bool find_sc_sites(void)
{
	sc.tramp = (unsigned long)&STATIC_CALL_TRAMP(vsm_test_call);
	sc.site = find_sc_site(&STATIC_CALL_KEY(vsm_test_call));
	sc.ro_site = find_sc_site(&STATIC_CALL_KEY(vsm_test_ro_call));
	if (!sc.site || !sc.ro_site)
		return false;
	memcpy(sc.tramp_now, (void *)sc.tramp, sizeof(sc.tramp_now));
	memcpy(sc.site_now, (void *)sc.site, sizeof(sc.site_now));
	memcpy(sc.ro_site_now, (void *)sc.ro_site, sizeof(sc.ro_site_now));
	return true;
}

struct patch_req {
	struct hv_vsm_text_patch *p;
	u64 a1, count;
	/* What the site must hold after the call. */
	const u8 *after;
	/* What the static call's trampoline or call site holds after it. */
	const u8 *tramp_after, *sc_site_after;
};

static void patch_one(struct patch_req *r, unsigned int i, unsigned long va,
		      const u8 *bytes, unsigned int len)
{
	r->p[i].va = va;
	r->p[i].len = len;
	memcpy(r->p[i].bytes, bytes, min(len, HV_VSM_TEXT_PATCH_MAX));
	r->count = max_t(u64, r->count, i + 1);
}

/* The declared change: the site's jump, then its NOP again. */
static void patch_site_jump(struct patch_req *r)
{
	patch_one(r, 0, site.va, site_jump(site.target), site.size);
	r->after = r->p[0].bytes;
}

static void patch_site_nop(struct patch_req *r)
{
	patch_one(r, 0, site.va, site.nop, site.size);
	r->after = site.nop;
}

static void patch_not_site(struct patch_req *r)
{
	patch_one(r, 0, site.va + 1, site.nop, site.size);
}

static void patch_int3_site(struct patch_req *r)
{
	static const u8 int3 = INT3_INSN_OPCODE;

	patch_one(r, 0, site.va, &int3, 1);
}

static void patch_int3_text(struct patch_req *r)
{
	static const u8 int3 = INT3_INSN_OPCODE;

	patch_one(r, 0, (unsigned long)run_one, &int3, 1);
}

static void patch_rodata(struct patch_req *r)
{
	patch_one(r, 0, (unsigned long)__start_rodata, site.nop, site.size);
}

/* A jump to the next instruction: declared site, another target. */
static void patch_other_target(struct patch_req *r)
{
	patch_one(r, 0, site.va, site_jump(site.va + site.size), site.size);
}

/* The declared jump of a site of a key in read-only-after-init data. */
static void patch_ro_key_site(struct patch_req *r)
{
	patch_one(r, 0, ro_site.va,
		  text_gen_insn(ro_site.size == JMP8_INSN_SIZE ? JMP8_INSN_OPCODE :
				JMP32_INSN_OPCODE, (void *)ro_site.va,
				(void *)ro_site.target), ro_site.size);
}

static void patch_other_size(struct patch_req *r)
{
	unsigned int size = site.size == JMP8_INSN_SIZE ? JMP32_INSN_SIZE :
							  JMP8_INSN_SIZE;

	patch_one(r, 0, site.va, x86_nops[size], size);
}

/* Single-byte NOPs: a NOP too, but not the site's. */
static void patch_other_bytes(struct patch_req *r)
{
	static const u8 nops[JMP32_INSN_SIZE] = { 0x90, 0x90, 0x90, 0x90, 0x90 };

	patch_one(r, 0, site.va, nops, site.size);
}

static void patch_overlap(struct patch_req *r)
{
	patch_one(r, 0, site.va, site_jump(site.target), site.size);
	patch_one(r, 1, site.va + 1, site.nop, 1);
}

/* A declared change and a forged one: neither is written. */
static void patch_partly_forged(struct patch_req *r)
{
	static const u8 int3 = INT3_INSN_OPCODE;

	patch_one(r, 0, site.va, site_jump(site.target), site.size);
	patch_one(r, 1, (unsigned long)run_one, &int3, 1);
}

/* @op to @dest at @va, 5 bytes. */
static void patch_branch(struct patch_req *r, unsigned long va, u8 op,
			 const void *dest)
{
	patch_one(r, 0, va, text_gen_insn(op, (void *)va, dest), CALL_INSN_SIZE);
}

static void patch_sc_tramp_b(struct patch_req *r)
{
	patch_branch(r, sc.tramp, JMP32_INSN_OPCODE, vsm_test_call_b);
	r->tramp_after = r->p[0].bytes;
}

static void patch_sc_tramp_ret(struct patch_req *r)
{
	static const u8 ret[CALL_INSN_SIZE] = {
		RET_INSN_OPCODE, INT3_INSN_OPCODE, INT3_INSN_OPCODE,
		INT3_INSN_OPCODE, INT3_INSN_OPCODE
	};

	patch_one(r, 0, sc.tramp, ret, sizeof(ret));
	r->tramp_after = r->p[0].bytes;
}

static void patch_sc_tramp_a(struct patch_req *r)
{
	patch_branch(r, sc.tramp, JMP32_INSN_OPCODE, vsm_test_call_a);
	r->tramp_after = r->p[0].bytes;
}

static void patch_sc_site_b(struct patch_req *r)
{
	patch_branch(r, sc.site, CALL_INSN_OPCODE, vsm_test_call_b);
	r->sc_site_after = r->p[0].bytes;
}

static void patch_sc_site_nop(struct patch_req *r)
{
	patch_one(r, 0, sc.site, x86_nops[CALL_INSN_SIZE], CALL_INSN_SIZE);
	r->sc_site_after = r->p[0].bytes;
}

static void patch_sc_site_a(struct patch_req *r)
{
	patch_branch(r, sc.site, CALL_INSN_OPCODE, vsm_test_call_a);
	r->sc_site_after = r->p[0].bytes;
}

/* Into the middle of a function. */
static void patch_sc_tramp_mid(struct patch_req *r)
{
	patch_branch(r, sc.tramp, JMP32_INSN_OPCODE, (u8 *)vsm_test_call_a + 1);
}

static void patch_sc_tramp_rodata(struct patch_req *r)
{
	patch_branch(r, sc.tramp, JMP32_INSN_OPCODE, __start_rodata);
}

/* A trampoline jumps or returns, it never calls. */
static void patch_sc_tramp_call(struct patch_req *r)
{
	patch_branch(r, sc.tramp, CALL_INSN_OPCODE, vsm_test_call_a);
}

/* Inside a trampoline, at its signature. */
static void patch_sc_tramp_inside(struct patch_req *r)
{
	patch_branch(r, sc.tramp + 4, JMP32_INSN_OPCODE, vsm_test_call_a);
}

/* A call site calls, it never jumps. */
static void patch_sc_site_jmp(struct patch_req *r)
{
	patch_branch(r, sc.site, JMP32_INSN_OPCODE, vsm_test_call_a);
}

static void patch_sc_site_int3(struct patch_req *r)
{
	static const u8 int3 = INT3_INSN_OPCODE;

	patch_one(r, 0, sc.site, &int3, 1);
}

static void patch_sc_site_mid(struct patch_req *r)
{
	patch_branch(r, sc.site, CALL_INSN_OPCODE, (u8 *)vsm_test_call_a + 1);
}

/* The test trampoline's jump to @dest. */
static const u8 *tramp_jmp(const void *dest)
{
	return text_gen_insn(JMP32_INSN_OPCODE, (void *)sc.tramp, dest);
}

/* A jump label site and a static call trampoline in one batch. */
static void patch_mixed_declared(struct patch_req *r)
{
	patch_one(r, 0, site.va, site_jump(site.target), site.size);
	r->after = r->p[0].bytes;
	patch_one(r, 1, sc.tramp, tramp_jmp(vsm_test_call_b), JMP32_INSN_SIZE);
	r->tramp_after = r->p[1].bytes;
}

static void patch_mixed_back(struct patch_req *r)
{
	patch_one(r, 0, sc.tramp, tramp_jmp(vsm_test_call_a), JMP32_INSN_SIZE);
	r->tramp_after = r->p[0].bytes;
	patch_one(r, 1, site.va, site.nop, site.size);
	r->after = site.nop;
}

/* A declared jump label change and a forged static call: neither. */
static void patch_mixed_forged(struct patch_req *r)
{
	patch_one(r, 0, site.va, site_jump(site.target), site.size);
	patch_one(r, 1, sc.tramp, tramp_jmp((u8 *)vsm_test_call_a + 1), JMP32_INSN_SIZE);
}

/* The call site of a static call with its key in read-only-after-init data. */
static void patch_sc_ro_key_site(struct patch_req *r)
{
	patch_branch(r, sc.ro_site, CALL_INSN_OPCODE, vsm_test_call_a);
}

static void patch_none(struct patch_req *r)
{
	r->count = 0;
}

static void patch_too_many(struct patch_req *r)
{
	patch_site_nop(r);
	r->after = NULL;
	r->count = HV_VSM_TEXT_PATCHES_PER_PAGE + 1;
}

static void patch_zero_len(struct patch_req *r)
{
	patch_one(r, 0, site.va, site.nop, 0);
}

static void patch_too_long(struct patch_req *r)
{
	patch_one(r, 0, site.va, site.nop, HV_VSM_TEXT_PATCH_MAX + 1);
}

static void patch_padding(struct patch_req *r)
{
	patch_site_nop(r);
	r->after = NULL;
	r->p[0].bytes[HV_VSM_TEXT_PATCH_MAX - 1] = 0x90;
}

static void patch_list_unaligned(struct patch_req *r)
{
	patch_site_nop(r);
	r->after = NULL;
	r->a1 += 8;
}

static void patch_list_in_vtl1(struct patch_req *r)
{
	patch_site_nop(r);
	r->after = NULL;
	r->a1 = vtl1_base();
}

static void patch_list_outside_ram(struct patch_req *r)
{
	patch_site_nop(r);
	r->after = NULL;
	r->a1 = PFN_PHYS(max_pfn);
}

static const struct {
	const char *name;
	long expected;
	void (*build)(struct patch_req *r);
} patch_cases[] = {
	{ "patch_text_site_jump", 0, patch_site_jump },
	{ "patch_text_site_nop", 0, patch_site_nop },
	{ "patch_text_not_site", -ENOENT, patch_not_site },
	{ "patch_text_int3_site", -EPERM, patch_int3_site },
	{ "patch_text_int3_text", -ENOENT, patch_int3_text },
	{ "patch_text_rodata", -ENOENT, patch_rodata },
	{ "patch_text_other_target", -EPERM, patch_other_target },
	{ "patch_text_ro_key_site", -ENOENT, patch_ro_key_site },
	{ "patch_text_other_size", -EPERM, patch_other_size },
	{ "patch_text_other_bytes", -EPERM, patch_other_bytes },
	{ "patch_text_overlap", -EINVAL, patch_overlap },
	{ "patch_text_partly_forged", -ENOENT, patch_partly_forged },
	{ "patch_text_none", -EINVAL, patch_none },
	{ "patch_text_too_many", -E2BIG, patch_too_many },
	{ "patch_text_zero_len", -EINVAL, patch_zero_len },
	{ "patch_text_too_long", -EINVAL, patch_too_long },
	{ "patch_text_padding", -EINVAL, patch_padding },
	{ "patch_text_list_unaligned", -EINVAL, patch_list_unaligned },
	{ "patch_text_list_in_vtl1", -EACCES, patch_list_in_vtl1 },
	{ "patch_text_list_outside_ram", -EFAULT, patch_list_outside_ram },
	{ "patch_text_sc_tramp_b", 0, patch_sc_tramp_b },
	{ "patch_text_sc_site_b", 0, patch_sc_site_b },
	{ "patch_text_sc_site_nop", 0, patch_sc_site_nop },
	{ "patch_text_sc_site_a", 0, patch_sc_site_a },
	{ "patch_text_sc_tramp_ret", 0, patch_sc_tramp_ret },
	{ "patch_text_sc_tramp_a", 0, patch_sc_tramp_a },
	{ "patch_text_sc_tramp_mid", -EPERM, patch_sc_tramp_mid },
	{ "patch_text_sc_tramp_rodata", -EPERM, patch_sc_tramp_rodata },
	{ "patch_text_sc_tramp_call", -EPERM, patch_sc_tramp_call },
	{ "patch_text_sc_tramp_inside", -ENOENT, patch_sc_tramp_inside },
	{ "patch_text_sc_site_jmp", -EPERM, patch_sc_site_jmp },
	{ "patch_text_sc_site_int3", -EPERM, patch_sc_site_int3 },
	{ "patch_text_sc_site_mid", -EPERM, patch_sc_site_mid },
	{ "patch_text_sc_ro_key_site", -ENOENT, patch_sc_ro_key_site },
	{ "patch_text_mixed_declared", 0, patch_mixed_declared },
	{ "patch_text_mixed_back", 0, patch_mixed_back },
	{ "patch_text_mixed_forged", -EPERM, patch_mixed_forged },
};

/*
 * Each PATCH_TEXT case from a zeroed page of changes, with the site
 * holding its NOP: "intact" if the site holds what it must afterwards,
 * and the site of the read-only key its NOP.
 */
static void run_patch_text(struct vsm_results *res)
{
	struct patch_req r;
	struct vsm_result *out;
	u8 now[JMP32_INSN_SIZE];
	unsigned int i;

	if (!find_site(&vsm_test_key.key, &site) ||
	    !find_site(&vsm_test_ro_key.key, &ro_site)) {
		res->skipped = "no jump label site (CONFIG_JUMP_LABEL)";
		return;
	}
	if (!find_sc_sites()) {
		res->skipped = "no static call site (CONFIG_HAVE_STATIC_CALL_INLINE)";
		return;
	}
	r.p = (void *)get_zeroed_page(GFP_KERNEL);
	for (i = 0; i < ARRAY_SIZE(patch_cases); i++) {
		if (res->n == MAX_CASES) {
			res->dropped++;
			continue;
		}
		out = &res->r[res->n++];
		strscpy(out->name, patch_cases[i].name);
		out->expected = patch_cases[i].expected;
		if (!r.p) {
			out->got = -ENOMEM;
			continue;
		}
		memset(r.p, 0, PAGE_SIZE);
		r.a1 = virt_to_phys(r.p);
		r.count = 0;
		r.after = NULL;
		r.tramp_after = NULL;
		r.sc_site_after = NULL;
		patch_cases[i].build(&r);
		out->got = hv_vsm_vtl0_call_raw(hv_vsm_vtl_call_id(HV_VSM_NR_PATCH_TEXT),
						r.a1, r.count, 0);
		if (!out->got && r.tramp_after)
			memcpy(sc.tramp_now, r.tramp_after, sizeof(sc.tramp_now));
		if (!out->got && r.sc_site_after)
			memcpy(sc.site_now, r.sc_site_after, sizeof(sc.site_now));
		memcpy(now, (void *)site.va, site.size);
		out->intact = !memcmp(now, r.after && !out->got ? r.after : site.nop,
				      site.size) &&
			      !memcmp((void *)ro_site.va, ro_site.nop, ro_site.size) &&
			      !memcmp((void *)sc.tramp, sc.tramp_now,
				      sizeof(sc.tramp_now)) &&
			      !memcmp((void *)sc.site, sc.site_now,
				      sizeof(sc.site_now)) &&
			      !memcmp((void *)sc.ro_site, sc.ro_site_now,
				      sizeof(sc.ro_site_now));
	}
	free_page((unsigned long)r.p);
	/* The paths the sites' bytes choose are still the keys'. */
	if (vsm_test_key_path() || vsm_test_ro_key_path())
		pr_err("the site of a test key jumps while the key is off\n");
	/* The static calls are back at their targets. */
	if (vsm_test_call_site() != 2)
		pr_err("the test static call does not call its target\n");
	vsm_test_ro_call_site();
}

/* The valid request of call @nr of the table, or NULL for all arguments 0. */
static void (*valid_request(unsigned int nr, unsigned int *npages))(struct req *)
{
	unsigned int i;

	*npages = 1;
	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		if (valid[i].nr == nr) {
			*npages = valid[i].npages;
			return valid[i].build;
		}
	}
	return NULL;
}

/*
 * Every call of the table, with each argument it does not use set in
 * turn: -EINVAL. Made after the end of boot, where the boot-only calls
 * would get -EPERM if the argument check did not come first, so that a
 * failure of that check cannot change anything.
 */
static void run_reserved_arguments(struct vsm_results *res)
{
	void (*build)(struct req *r);
	unsigned int i, arg, npages;
	char name[48];

	for (i = 0; i < HV_VSM_NR_VTL_CALLS; i++) {
		const struct hv_vsm_vtl_call_desc *call = &hv_vsm_vtl_calls[i];

		build = valid_request(i, &npages);
		for (arg = call->nargs + 1; arg <= HV_VSM_VTL_CALL_MAX_ARGS;
		     arg++) {
			snprintf(name, sizeof(name), "%s_reserved_a%u",
				 call->name, arg);
			run_one(res, name, -EINVAL, npages, build, call->id,
				arg);
		}
	}
}

/*
 * The calls that must be boot-only, listed here independently of the
 * table: each must be marked so in the table and get -EPERM.
 */
static const enum hv_vsm_vtl_call_nr must_be_boot_only[] = {
	HV_VSM_NR_ENABLE_APS_VTL,
	HV_VSM_NR_BOOT_APS,
	HV_VSM_NR_LOCK_REGS,
	HV_VSM_NR_SIGNAL_END_OF_BOOT,
	HV_VSM_NR_PROTECT_MEMORY,
	HV_VSM_NR_LOAD_KDATA,
};

static void run_boot_only(struct vsm_results *res)
{
	void (*build)(struct req *r);
	unsigned int i, j, npages;
	bool listed;

	for (i = 0; i < HV_VSM_NR_VTL_CALLS; i++) {
		const struct hv_vsm_vtl_call_desc *call = &hv_vsm_vtl_calls[i];

		listed = false;
		for (j = 0; j < ARRAY_SIZE(must_be_boot_only); j++)
			listed |= must_be_boot_only[j] == i;
		if (!(call->rules & HV_VSM_RULE_BOOT_ONLY)) {
			/* A missing rule shows as a call not refused. */
			if (listed)
				run_one(res, call->name, -EPERM, 1, NULL,
					call->id, 0);
			continue;
		}
		build = valid_request(i, &npages);
		run_one(res, call->name, -EPERM, npages, build, call->id, 0);
	}
}

/*
 * HvCallStartVirtualProcessor from VTL0 for another CPU's virtual
 * processor, which would start it with registers of VTL0's choosing:
 * denied once VTL1 set DenyLowerVtlStartup at the end of boot (without
 * it, the hypervisor refuses a started processor with another status).
 */
static void run_start_vp(struct vsm_results *res)
{
	struct hv_enable_vp_vtl *input;
	struct vsm_result *out;
	unsigned long flags;
	unsigned int cpu;
	u64 status;

	cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	if (cpu >= nr_cpu_ids)
		return;
	if (res->n == MAX_CASES) {
		res->dropped++;
		return;
	}
	out = &res->r[res->n++];
	strscpy(out->name, "start_vp_denied");
	out->expected = -EACCES;

	local_irq_save(flags);
	input = *this_cpu_ptr(hyperv_pcpu_input_arg);
	memset(input, 0, sizeof(*input));
	input->partition_id = HV_PARTITION_ID_SELF;
	input->vp_index = hv_vp_index[cpu];
	input->target_vtl.target_vtl = HV_VTL_NORMAL;
	status = hv_do_hypercall(HVCALL_START_VP, input, NULL);
	local_irq_restore(flags);
	out->got = hv_result_to_errno(status);
	out->intact = victim_writable();
}

static void run_before_boot(struct vsm_results *res)
{
	memset(res, 0, sizeof(*res));
	if (!vtl1_running()) {
		res->skipped = "VTL1 does not run";
		return;
	}
	run_cases(malformed, ARRAY_SIZE(malformed), res);
}

static void run_after_boot(struct vsm_results *res)
{
	memset(res, 0, sizeof(*res));
	if (!vtl1_running()) {
		res->skipped = "VTL1 does not run";
		return;
	}
	run_boot_only(res);
	run_reserved_arguments(res);
	run_cases(after_boot_cases, ARRAY_SIZE(after_boot_cases), res);
	run_start_vp(res);
	run_patch_text(res);
}

static int results_show(struct seq_file *m, void *v)
{
	struct vsm_results *res = m->private;
	unsigned int i;

	mutex_lock(&vsm_test_lock);
	if (res->skipped)
		seq_printf(m, "skipped %s\n", res->skipped);
	/* Cases that did not fit make the selftest fail. */
	if (res->dropped)
		seq_printf(m, "dropped_cases expected=0 got=%u intact\n",
			   res->dropped);
	for (i = 0; i < res->n; i++)
		seq_printf(m, "%s expected=%ld got=%ld %s\n", res->r[i].name,
			   res->r[i].expected, res->r[i].got,
			   res->r[i].intact ? "intact" : "modified");
	mutex_unlock(&vsm_test_lock);
	return 0;
}

static int results_open(struct inode *inode, struct file *file)
{
	return single_open(file, results_show, inode->i_private);
}

static ssize_t after_boot_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	/* Before the end of boot, VTL1 would accept these calls. */
	if (!heki_enforcing())
		return -EPERM;
	mutex_lock(&vsm_test_lock);
	run_after_boot(&after_boot);
	mutex_unlock(&vsm_test_lock);
	return count;
}

static const struct file_operations before_boot_fops = {
	.open = results_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static const struct file_operations after_boot_fops = {
	.open = results_open,
	.read = seq_read,
	.write = after_boot_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* After the backend started VTL1 (late_initcall), before the end of boot. */
static int __init vsm_test_init(void)
{
	struct dentry *dir;

	victim = alloc_pages(GFP_KERNEL | __GFP_ZERO, VICTIM_ORDER);
	if (!victim)
		return -ENOMEM;
	add_taint(TAINT_TEST, LOCKDEP_STILL_OK);
	victim_pa = page_to_phys(victim);

	mutex_lock(&vsm_test_lock);
	run_before_boot(&before_boot);
	mutex_unlock(&vsm_test_lock);

	dir = debugfs_create_dir("vsm_test", NULL);
	debugfs_create_file("before_boot", 0400, dir, &before_boot,
			    &before_boot_fops);
	debugfs_create_file("after_boot", 0600, dir, &after_boot,
			    &after_boot_fops);
	pr_warn("VTL call test interface in debugfs, for testing only\n");
	return 0;
}
late_initcall_sync(vsm_test_init);
