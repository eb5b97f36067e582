// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM backend of HEKI, VTL0 side: the HEKI operations.
 *
 * HEKI's requests are translated into the wire ABI of <hyperv/hv_vsm.h>:
 * ranges go to VTL1 as chained range list pages, violation records come
 * back as wire records, and what LOCK_REGS pins is described to HEKI from
 * the masks and tables of the wire ABI that VTL1 pins with.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/bitops.h>
#include <linux/gfp.h>
#include <linux/heki.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/jump_label.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/memory.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/static_call.h>
#include <linux/string.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/mshyperv.h>
#include <asm/sections.h>
#include <asm/tlbflush.h>
#include <hyperv/hv_vsm.h>

#include "abi.h"
#include "vsm.h"

/* LOCK_REGS succeeded on the CPU, which keeps its pins when it goes offline. */
static DEFINE_PER_CPU(bool, hv_vsm_vtl0_locked);

static int hv_vsm_vtl0_lock_regs(void)
{
	int cpu = smp_processor_id();
	int ret;

	/* A CPU back online never left long mode: its pins are still there. */
	if (this_cpu_read(hv_vsm_vtl0_locked))
		return 0;
	/*
	 * The writable alias of this CPU's GDT, which the CPU loads for a
	 * moment when it loads its task register as it comes back online.
	 */
	ret = hv_vsm_vtl0_call(HV_VSM_NR_LOCK_REGS,
			       (unsigned long)get_cpu_gdt_rw(cpu), 0, 0);
	if (!ret)
		this_cpu_write(hv_vsm_vtl0_locked, true);
	return ret;
}

static void hv_vsm_vtl0_free_list(struct hv_vsm_range_page *page)
{
	while (page) {
		struct hv_vsm_range_page *next = NULL;

		if (page->next_pa)
			next = phys_to_virt(page->next_pa);
		free_page((unsigned long)page);
		page = next;
	}
}

/* HEKI_ATTR_MEM_* bits as HV_VSM_MEM_* bits. */
static int hv_vsm_vtl0_mem_attr(unsigned long attr, u64 *out)
{
	static const struct {
		unsigned long heki;
		u64 wire;
	} bits[] = {
		{ HEKI_ATTR_MEM_READ, HV_VSM_MEM_READ },
		{ HEKI_ATTR_MEM_WRITE, HV_VSM_MEM_WRITE },
		{ HEKI_ATTR_MEM_EXEC, HV_VSM_MEM_EXEC },
		{ HEKI_ATTR_MEM_IMMUTABLE, HV_VSM_MEM_IMMUTABLE },
	};
	unsigned int i;

	*out = 0;
	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		if (attr & bits[i].heki)
			*out |= bits[i].wire;
		attr &= ~bits[i].heki;
	}
	return attr ? -EINVAL : 0;
}

/* An &enum heki_kdata_type as an &enum hv_vsm_kdata_type. */
static int hv_vsm_vtl0_kdata_attr(unsigned long attr, u64 *out)
{
	static const u64 types[HEKI_KDATA_MAX] = {
		[HEKI_KERNEL_DATA] = HV_VSM_KDATA_KERNEL_DATA,
		[HEKI_MODULE_CERTS] = HV_VSM_KDATA_MODULE_CERTS,
		[HEKI_REVOCATION_CERTS] = HV_VSM_KDATA_REVOCATION_CERTS,
		[HEKI_BLACKLIST_HASHES] = HV_VSM_KDATA_BLACKLIST_HASHES,
	};

	if (attr >= ARRAY_SIZE(types))
		return -EINVAL;
	*out = types[attr];
	return 0;
}

/* The kernel information page, sent as is (see hv_vsm_vtl0_load_kdata()). */
static int hv_vsm_vtl0_raw_attr(unsigned long attr, u64 *out)
{
	*out = attr;
	return 0;
}

/* An &enum heki_module_mem as an &enum hv_vsm_module_mem: the same. */
static int hv_vsm_vtl0_module_attr(unsigned long attr, u64 *out)
{
	static_assert((int)HEKI_MODULE_ELF == (int)HV_VSM_MODULE_ELF);
	static_assert((int)HEKI_MODULE_LAYOUT == (int)HV_VSM_MODULE_LAYOUT);
	static_assert((int)HEKI_MODULE_MEM_MAX == (int)HV_VSM_MODULE_MEM_TYPES);

	if (attr >= HEKI_MODULE_MEM_MAX)
		return -EINVAL;
	*out = attr;
	return 0;
}

/*
 * Write @nranges ranges into a chain of range list pages, with attributes
 * translated by @attr. Returns the first page, or an ERR_PTR().
 */
static struct hv_vsm_range_page *
hv_vsm_vtl0_build_list(const struct heki_range *ranges, unsigned long nranges,
		       int (*attr)(unsigned long attr, u64 *out))
{
	struct hv_vsm_range_page *head = NULL, *page = NULL;
	unsigned long i;
	int ret;

	BUILD_BUG_ON(PAGE_SIZE != HV_VSM_PAGE_SIZE);
	for (i = 0; i < nranges; i++) {
		struct hv_vsm_range *r;

		if (!page || page->nranges == HV_VSM_RANGES_PER_PAGE) {
			struct hv_vsm_range_page *new;

			new = (void *)get_zeroed_page(GFP_KERNEL);
			if (!new) {
				ret = -ENOMEM;
				goto err;
			}
			if (page)
				page->next_pa = virt_to_phys(new);
			else
				head = new;
			page = new;
		}
		r = &page->ranges[page->nranges];
		ret = attr(ranges[i].attributes, &r->attributes);
		if (ret)
			goto err;
		r->va = ranges[i].va;
		r->pa = ranges[i].pa;
		r->epa = ranges[i].epa;
		page->nranges++;
	}
	return head;
err:
	hv_vsm_vtl0_free_list(head);
	return ERR_PTR(ret);
}

/*
 * A VTL call taking a range list and its number of ranges. Returns what
 * VTL1 returned, which is not always an errno.
 */
static long hv_vsm_vtl0_send_list(enum hv_vsm_vtl_call_nr nr,
				  const struct heki_range *ranges,
				  unsigned long nranges,
				  int (*attr)(unsigned long attr, u64 *out))
{
	struct hv_vsm_range_page *head;
	long ret;

	if (!nranges)
		return -ENODATA;
	head = hv_vsm_vtl0_build_list(ranges, nranges, attr);
	if (IS_ERR(head))
		return PTR_ERR(head);
	ret = hv_vsm_vtl0_call(nr, virt_to_phys(head), nranges, 0);
	hv_vsm_vtl0_free_list(head);
	return ret;
}

static int hv_vsm_vtl0_protect_memory(const struct heki_range *ranges,
				      unsigned long nranges)
{
	return hv_vsm_vtl0_send_list(HV_VSM_NR_PROTECT_MEMORY, ranges,
				     nranges, hv_vsm_vtl0_mem_attr);
}

/*
 * HEKI's kernel data, translated, plus a page telling VTL1 where the export
 * tables, the jump table, the static call sites and the symbol table are
 * in the kernel's read-only data, and where the kernel text and the static
 * call trampolines are.
 */
static int hv_vsm_vtl0_load_kdata(const struct heki_range *ranges,
				  unsigned long nranges)
{
	struct hv_vsm_kernel_info *info;
	struct heki_range *all;
	unsigned int nsyms;
	unsigned long i;
	long ret = -ENOMEM;
	const int *syms;

	all = kcalloc(nranges + 1, sizeof(*all), GFP_KERNEL);
	info = (void *)get_zeroed_page(GFP_KERNEL);
	if (!all || !info)
		goto out;
	for (i = 0; i < nranges; i++) {
		u64 type;

		ret = hv_vsm_vtl0_kdata_attr(ranges[i].attributes, &type);
		if (ret)
			goto out;
		all[i] = ranges[i];
		all[i].attributes = type;
	}
	info->rodata = (unsigned long)__start_rodata;
	info->ksymtab = (unsigned long)__start___ksymtab;
	info->ksymtab_end = (unsigned long)__stop___ksymtab;
	/* The first chunk's reserved area follows the static per-CPU data. */
	info->percpu_modules = (unsigned long)__per_cpu_end;
	info->percpu_modules_end = info->percpu_modules + PERCPU_MODULE_RESERVE;
	info->text = (unsigned long)_text;
	info->text_end = (unsigned long)_etext;
	info->text_pa = __pa_symbol(_text);
	info->ro_after_init = (unsigned long)__start_ro_after_init;
	info->ro_after_init_end = (unsigned long)__end_ro_after_init;
#ifdef CONFIG_JUMP_LABEL
	info->jump_table = (unsigned long)__start___jump_table;
	info->jump_table_end = (unsigned long)__stop___jump_table;
#endif
#ifdef CONFIG_HAVE_STATIC_CALL_INLINE
	info->static_call_sites = (unsigned long)__start_static_call_sites;
	info->static_call_sites_end = (unsigned long)__stop_static_call_sites;
	info->static_call_tramps = (unsigned long)__static_call_text_start;
	info->static_call_tramps_end = (unsigned long)__static_call_text_end;
#endif
	syms = kallsyms_offsets_table(&nsyms);
	info->kallsyms_offsets = (unsigned long)syms;
	info->kallsyms_offsets_end = (unsigned long)(syms + nsyms);
	all[nranges].va = (unsigned long)info;
	all[nranges].pa = virt_to_phys(info);
	all[nranges].epa = all[nranges].pa + PAGE_SIZE;
	all[nranges].attributes = HV_VSM_KDATA_KERNEL_INFO;

	ret = hv_vsm_vtl0_send_list(HV_VSM_NR_LOAD_KDATA, all, nranges + 1,
				    hv_vsm_vtl0_raw_attr);
out:
	free_page((unsigned long)info);
	kfree(all);
	return ret;
}

/* VALIDATE_MODULE returns a token, or a negative errno. */
static int hv_vsm_vtl0_validate_module(const struct heki_range *ranges,
				       unsigned long nranges, u64 *token)
{
	long ret = hv_vsm_vtl0_send_list(HV_VSM_NR_VALIDATE_MODULE, ranges,
					 nranges, hv_vsm_vtl0_module_attr);

	if (ret < 0)
		return ret;
	if (!ret)
		return -EPROTO;
	*token = ret;
	return 0;
}

static int hv_vsm_vtl0_free_module_init(u64 token)
{
	return hv_vsm_vtl0_call(HV_VSM_NR_FREE_MODULE_INIT, token, 0, 0);
}

static int hv_vsm_vtl0_unload_module(u64 token)
{
	return hv_vsm_vtl0_call(HV_VSM_NR_UNLOAD_MODULE, token, 0, 0);
}

/* One page of PATCH_TEXT changes, used with text_mutex held. */
static struct hv_vsm_text_patch *hv_vsm_vtl0_text_page;

/*
 * PATCH_TEXT, a page of changes at a time; each page is all or nothing,
 * and the kernel's batches fit in one.
 */
static int hv_vsm_vtl0_patch_text(const struct heki_text_poke *pokes,
				  unsigned int n)
{
	struct hv_vsm_text_patch *p = hv_vsm_vtl0_text_page;
	unsigned int i, chunk;
	long ret = 0;

	lockdep_assert_held(&text_mutex);
	if (!p)
		return -ENOMEM;
	for (; n && !ret; n -= chunk, pokes += chunk) {
		chunk = min_t(unsigned int, n, HV_VSM_TEXT_PATCHES_PER_PAGE);
		memset(p, 0, HV_VSM_PAGE_SIZE);
		for (i = 0; i < chunk; i++) {
			if (pokes[i].len > HV_VSM_TEXT_PATCH_MAX)
				return -EINVAL;
			p[i].va = (unsigned long)pokes[i].addr;
			p[i].len = pokes[i].len;
			memcpy(p[i].bytes, pokes[i].text, pokes[i].len);
		}
		ret = hv_vsm_vtl0_call(HV_VSM_NR_PATCH_TEXT, virt_to_phys(p),
				       chunk, 0);
	}
	return ret;
}

static int hv_vsm_vtl0_finish_boot(void)
{
	u64 msr;

	/*
	 * Lock the hypercall page where it is: a sealed kernel must not have
	 * the hypervisor write it over its own text. VTL1 refuses the end of
	 * boot without the lock.
	 */
	rdmsrq(HV_X64_MSR_HYPERCALL, msr);
	wrmsrq(HV_X64_MSR_HYPERCALL, msr | HV_VSM_HYPERCALL_LOCKED);
	return hv_vsm_vtl0_call(HV_VSM_NR_SIGNAL_END_OF_BOOT, 0, 0, 0);
}

/* An &enum hv_vsm_violation_type as an &enum heki_violation_type. */
static u32 hv_vsm_vtl0_violation_type(u32 type)
{
	static const u32 types[] = {
		[HV_VSM_VIOLATION_LOST] = 0,
		[HV_VSM_VIOLATION_MEM_READ] = HEKI_VIOLATION_MEM_READ,
		[HV_VSM_VIOLATION_MEM_WRITE] = HEKI_VIOLATION_MEM_WRITE,
		[HV_VSM_VIOLATION_MEM_EXEC] = HEKI_VIOLATION_MEM_EXEC,
		[HV_VSM_VIOLATION_CR0] = HEKI_VIOLATION_CR0,
		[HV_VSM_VIOLATION_CR4] = HEKI_VIOLATION_CR4,
		[HV_VSM_VIOLATION_MSR] = HEKI_VIOLATION_MSR,
		[HV_VSM_VIOLATION_GDTR] = HEKI_VIOLATION_GDTR,
		[HV_VSM_VIOLATION_IDTR] = HEKI_VIOLATION_IDTR,
		[HV_VSM_VIOLATION_LDTR] = HEKI_VIOLATION_LDTR,
		[HV_VSM_VIOLATION_TR] = HEKI_VIOLATION_TR,
		[HV_VSM_VIOLATION_RELOCK] = HEKI_VIOLATION_RELOCK,
	};

	return type < ARRAY_SIZE(types) ? types[type] : HEKI_VIOLATION_MAX;
}

static int hv_vsm_vtl0_read_violations(struct heki_violation *buf,
				       unsigned int max)
{
	unsigned int n = min_t(unsigned int, max, HV_VSM_VIOLATIONS_PER_PAGE);
	const struct hv_vsm_violation *recs;
	struct page *page;
	long ret, i;

	if (!n)
		return 0;
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	ret = hv_vsm_vtl0_call(HV_VSM_NR_READ_VIOLATIONS,
			       page_to_phys(page), n, 0);
	if (ret > n)
		ret = -EIO;
	recs = page_address(page);
	for (i = 0; i < ret; i++)
		buf[i] = (struct heki_violation){
			.type = hv_vsm_vtl0_violation_type(recs[i].type),
			.vp = recs[i].vp,
			.rip = recs[i].rip,
			.addr = recs[i].addr,
			.value = recs[i].value,
			.count = recs[i].count,
		};
	__free_page(page);
	return ret;
}

/* A bit or field of a register, as shown in heki/pinned. */
struct hv_vsm_vtl0_bits {
	u64 mask;
	const char *name;
};

static const struct hv_vsm_vtl0_bits hv_vsm_vtl0_cr0_bits[] __initconst = {
	{ X86_CR0_PE, "PE" }, { X86_CR0_MP, "MP" }, { X86_CR0_EM, "EM" },
	{ X86_CR0_TS, "TS" }, { X86_CR0_ET, "ET" }, { X86_CR0_NE, "NE" },
	{ X86_CR0_WP, "WP" }, { X86_CR0_AM, "AM" }, { X86_CR0_NW, "NW" },
	{ X86_CR0_CD, "CD" }, { X86_CR0_PG, "PG" },
	{ }
};

static const struct hv_vsm_vtl0_bits hv_vsm_vtl0_cr4_bits[] __initconst = {
	{ X86_CR4_VME, "VME" }, { X86_CR4_PVI, "PVI" }, { X86_CR4_TSD, "TSD" },
	{ X86_CR4_DE, "DE" }, { X86_CR4_PSE, "PSE" }, { X86_CR4_PAE, "PAE" },
	{ X86_CR4_MCE, "MCE" }, { X86_CR4_PGE, "PGE" }, { X86_CR4_PCE, "PCE" },
	{ X86_CR4_OSFXSR, "OSFXSR" }, { X86_CR4_OSXMMEXCPT, "OSXMMEXCPT" },
	{ X86_CR4_UMIP, "UMIP" }, { X86_CR4_LA57, "LA57" },
	{ X86_CR4_VMXE, "VMXE" }, { X86_CR4_SMXE, "SMXE" },
	{ X86_CR4_FSGSBASE, "FSGSBASE" }, { X86_CR4_PCIDE, "PCIDE" },
	{ X86_CR4_OSXSAVE, "OSXSAVE" }, { X86_CR4_SMEP, "SMEP" },
	{ X86_CR4_SMAP, "SMAP" }, { X86_CR4_PKE, "PKE" }, { X86_CR4_CET, "CET" },
	{ X86_CR4_FRED, "FRED" },
	{ }
};

static const struct hv_vsm_vtl0_bits hv_vsm_vtl0_apic_base_bits[] __initconst = {
	{ MSR_IA32_APICBASE_BASE, "BASE" },
	{ MSR_IA32_APICBASE_ENABLE, "EN" },
	{ X2APIC_ENABLE, "EXTD" },
	{ MSR_IA32_APICBASE_BSP, "BSP" },
	{ }
};

#define HV_VSM_VTL0_LINE	96

enum {
	HV_VSM_VTL0_LINE_CR0,
	HV_VSM_VTL0_LINE_CR4,
	HV_VSM_VTL0_LINE_APIC_BASE,
	HV_VSM_VTL0_LINE_MSR,
	HV_VSM_VTL0_LINE_TABLES,
	HV_VSM_VTL0_NR_LINES
};

static char hv_vsm_vtl0_lines[HV_VSM_VTL0_NR_LINES][HV_VSM_VTL0_LINE];
static const char *hv_vsm_vtl0_pinned[HV_VSM_VTL0_NR_LINES + 1];

/* "@group" and the names of the bits and fields of @mask, in table order. */
static void __init hv_vsm_vtl0_describe(unsigned int line, const char *group,
					const struct hv_vsm_vtl0_bits *bits,
					u64 mask)
{
	char *buf = hv_vsm_vtl0_lines[line];
	int len;

	len = scnprintf(buf, HV_VSM_VTL0_LINE, "%s", group);
	for (; bits->name; bits++) {
		if ((mask & bits->mask) != bits->mask)
			continue;
		len += scnprintf(buf + len, HV_VSM_VTL0_LINE - len, " %s",
				 bits->name);
		mask &= ~bits->mask;
	}
	/* A pinned bit this table has no name for is still shown. */
	while (mask) {
		len += scnprintf(buf + len, HV_VSM_VTL0_LINE - len, " bit%u",
				 (unsigned int)__ffs64(mask));
		mask &= mask - 1;
	}
	hv_vsm_vtl0_pinned[line] = buf;
}

/*
 * What VTL1's LOCK_REGS pins, from the masks and tables both sides use.
 * LOCK_REGS snapshots the CR4 of each CPU when it pins it: the pinned CR4
 * bits the kernel set by now, the same on every CPU, are the ones it pins.
 */
static void __init hv_vsm_vtl0_describe_pins(void)
{
	char *buf;
	unsigned int i;
	int len;

	hv_vsm_vtl0_describe(HV_VSM_VTL0_LINE_CR0, "cr0", hv_vsm_vtl0_cr0_bits,
			     HV_VSM_PINNED_CR0);
	hv_vsm_vtl0_describe(HV_VSM_VTL0_LINE_CR4, "cr4", hv_vsm_vtl0_cr4_bits,
			     (HV_VSM_PINNED_CR4 | HV_VSM_FIXED_CR4) &
			     cr4_read_shadow());
	hv_vsm_vtl0_describe(HV_VSM_VTL0_LINE_APIC_BASE, "apic_base",
			     hv_vsm_vtl0_apic_base_bits,
			     hv_vsm_msr_pins[HV_VSM_PIN_APIC_BASE].mask);

	buf = hv_vsm_vtl0_lines[HV_VSM_VTL0_LINE_MSR];
	len = scnprintf(buf, HV_VSM_VTL0_LINE, "msr");
	for (i = 0; i < HV_VSM_NR_MSR_PINS; i++)
		if (hv_vsm_msr_pins[i].mask == ~0ULL)
			len += scnprintf(buf + len, HV_VSM_VTL0_LINE - len,
					 " %s", hv_vsm_msr_pins[i].name);
	hv_vsm_vtl0_pinned[HV_VSM_VTL0_LINE_MSR] = buf;

	buf = hv_vsm_vtl0_lines[HV_VSM_VTL0_LINE_TABLES];
	len = scnprintf(buf, HV_VSM_VTL0_LINE, "tables");
	for (i = 0; i < HV_VSM_NR_TABLE_PINS; i++)
		len += scnprintf(buf + len, HV_VSM_VTL0_LINE - len, " %s",
				 hv_vsm_table_pins[i].name);
	hv_vsm_vtl0_pinned[HV_VSM_VTL0_LINE_TABLES] = buf;
}

static struct heki_hypervisor hv_vsm_vtl0_heki = {
	.name = HV_VSM_BACKEND_NAME,
	.pinned_regs = hv_vsm_vtl0_pinned,
	.pins_tables = true,
	.lock_regs = hv_vsm_vtl0_lock_regs,
	.protect_memory = hv_vsm_vtl0_protect_memory,
	.load_kdata = hv_vsm_vtl0_load_kdata,
	.validate_module = hv_vsm_vtl0_validate_module,
	.free_module_init = hv_vsm_vtl0_free_module_init,
	.unload_module = hv_vsm_vtl0_unload_module,
	.patch_text = hv_vsm_vtl0_patch_text,
	.finish_boot = hv_vsm_vtl0_finish_boot,
	.read_violations = hv_vsm_vtl0_read_violations,
};

/**
 * hv_vsm_vtl0_heki_register() - Register the VSM backend with HEKI
 *
 * Called once VTL1 runs on every online CPU.
 *
 * Return: 0, or the error of heki_register_hypervisor().
 */
int __init hv_vsm_vtl0_heki_register(void)
{
	int ret;

	hv_vsm_vtl0_describe_pins();
	hv_vsm_vtl0_text_page = (void *)get_zeroed_page(GFP_KERNEL);
	ret = heki_register_hypervisor(&hv_vsm_vtl0_heki);
	if (ret)
		pr_warn("HEKI did not take the VSM backend: %d\n", ret);
	return ret;
}
