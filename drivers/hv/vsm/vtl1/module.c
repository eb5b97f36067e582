// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): VTL0 modules after the end of boot.
 *
 * VALIDATE_MODULE gets the signed module file and the memory VTL0 laid
 * out. VTL1 checks that every page of it is VTL0 data, copies the file and
 * the layout, verifies the signature with VTL0's certificates (keys.c),
 * rebuilds the text and read-only
 * memory from the file (module_rebuild.c), takes write access away from
 * VTL0's text and read-only pages and only then compares them with what
 * it built: VTL0 can change nothing VTL1 looked at. If they match, the
 * text becomes kernel-executable and VTL0 gets a token for the module;
 * otherwise the pages are writable and not executable again.
 *
 * FREE_MODULE_INIT and UNLOAD_MODULE give pages back as writable,
 * non-executable data; a module's pages can belong to no other module and
 * to nothing VTL0 cannot write.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/errno.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>
#include <asm/mshyperv.h>

#include "vtl1.h"

/* The protections of PROTECT_MEMORY, for module memory. */
#define HV_VSM_TEXT_MASK \
	hv_vsm_vtl1_mem_to_hv(HV_VSM_MEM_READ | HV_VSM_MEM_EXEC)
#define HV_VSM_RO_MASK		hv_vsm_vtl1_mem_to_hv(HV_VSM_MEM_READ)
#define HV_VSM_DATA_MASK \
	hv_vsm_vtl1_mem_to_hv(HV_VSM_MEM_READ | HV_VSM_MEM_WRITE)

/* The most section addresses a layout may have: ELF's section count. */
#define HV_VSM_MODULE_MAX_LAYOUT	(SHN_LORESERVE * sizeof(u64))

/**
 * struct hv_vsm_vtl1_module - A module VTL1 validated
 * @list: in hv_vsm_vtl1_modules
 * @token: what VTL0 names it with
 * @init_freed: FREE_MODULE_INIT was done
 * @exports: the symbols it exports, or NULL
 * @nr_runs: entries of @runs
 * @runs: its pages, by module memory type (in @runs[i].mask)
 */
struct hv_vsm_vtl1_module {
	struct list_head list;
	u64 token;
	bool init_freed;
	struct hv_vsm_vtl1_exports *exports;
	unsigned int nr_runs;
	struct hv_vsm_vtl1_prot_run runs[] __counted_by(nr_runs);
};

static LIST_HEAD(hv_vsm_vtl1_modules);
static unsigned int hv_vsm_vtl1_nr_modules;
/* How many times the last module VTL1 held went. */
static unsigned int hv_vsm_vtl1_nr_emptied;
static u32 hv_vsm_vtl1_module_seq;

static int hv_vsm_vtl1_check_module_attr(u64 attr)
{
	return attr < HV_VSM_MODULE_MEM_TYPES ? 0 : -EINVAL;
}

static bool hv_vsm_vtl1_is_init(unsigned int type)
{
	return type == HV_VSM_MODULE_INIT_TEXT ||
	       type == HV_VSM_MODULE_INIT_DATA ||
	       type == HV_VSM_MODULE_INIT_RODATA;
}

/*
 * Group the ranges by type, keeping their order, and check that those of
 * each module memory type map one virtual area in VTL0's module space, the
 * areas disjoint.
 */
static int hv_vsm_vtl1_group(struct hv_vsm_range *ranges, u64 n,
			     struct hv_vsm_vtl1_mod_mem *mem)
{
	struct hv_vsm_range *sorted;
	unsigned int t, u;
	u64 i, pos = 0, total = 0;

	sorted = kvmalloc_array(n, sizeof(*sorted), GFP_KERNEL);
	if (!sorted)
		return -ENOMEM;
	for (t = 0; t < HV_VSM_MODULE_MEM_TYPES; t++) {
		mem[t].ranges = &ranges[pos];
		for (i = 0; i < n; i++) {
			const struct hv_vsm_range *r = &ranges[i];

			if (r->attributes != t)
				continue;
			if (!mem[t].nranges)
				mem[t].va = r->va;
			else if (r->va != mem[t].va + mem[t].size)
				goto bad;
			sorted[pos + mem[t].nranges++] = *r;
			mem[t].size += r->epa - r->pa;
		}
		pos += mem[t].nranges;
		if (t >= HV_VSM_MODULE_ELF || !mem[t].size)
			continue;
		total += mem[t].size;
		if (!PAGE_ALIGNED(mem[t].va) || mem[t].va < MODULES_VADDR ||
		    mem[t].va >= MODULES_END ||
		    mem[t].size > MODULES_END - mem[t].va)
			goto bad;
	}
	for (t = 0; t < HV_VSM_MODULE_ELF; t++)
		for (u = t + 1; u < HV_VSM_MODULE_ELF; u++)
			if (mem[t].size && mem[u].size &&
			    mem[t].va < mem[u].va + mem[u].size &&
			    mem[u].va < mem[t].va + mem[t].size)
				goto bad;
	memcpy(ranges, sorted, n * sizeof(*ranges));
	kvfree(sorted);
	if (total > HV_VSM_MODULE_MAX_MEM ||
	    mem[HV_VSM_MODULE_ELF].size > HV_VSM_MODULE_MAX_FILE ||
	    mem[HV_VSM_MODULE_LAYOUT].size > HV_VSM_MODULE_MAX_LAYOUT)
		return -E2BIG;
	return mem[HV_VSM_MODULE_ELF].size && mem[HV_VSM_MODULE_LAYOUT].size ?
	       0 : -EINVAL;
bad:
	kvfree(sorted);
	return -EINVAL;
}

/* Copy the ranges of one type into a new VTL1 buffer. */
static void *hv_vsm_vtl1_copy_type(const struct hv_vsm_vtl1_mod_mem *m)
{
	/* Fail rather than wake the OOM killer in VTL1. */
	void *buf = __vmalloc(m->size, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
	size_t off = 0;
	unsigned int i;

	if (!buf)
		return NULL;
	for (i = 0; i < m->nranges; i++) {
		if (hv_vsm_vtl1_copy_in(buf + off, m->ranges[i].pa,
					m->ranges[i].epa)) {
			vfree(buf);
			return NULL;
		}
		off += m->ranges[i].epa - m->ranges[i].pa;
	}
	return buf;
}

/*
 * The module file is zero padded to a page: it ends at its last non-zero
 * byte, the end of the signature marker.
 */
static size_t hv_vsm_vtl1_file_len(const u8 *buf, size_t size)
{
	size_t len = size;

	while (len && !buf[len - 1])
		len--;
	return size - len < PAGE_SIZE ? len : 0;
}

/*
 * Every page of the module must be VTL0 data now: writable and not
 * kernel-executable, so neither the sealed kernel nor VTL1 memory, and in
 * no other module.
 */
static int hv_vsm_vtl1_check_pages(const struct hv_vsm_vtl1_mod_mem *mem)
{
	const struct hv_vsm_vtl1_module *other;
	unsigned int t, i, j;
	u64 pfn;

	for (t = 0; t < HV_VSM_MODULE_ELF; t++) {
		for (i = 0; i < mem[t].nranges; i++) {
			u64 start = PHYS_PFN(mem[t].ranges[i].pa);
			u64 end = PHYS_PFN(mem[t].ranges[i].epa);

			for (pfn = start; pfn < end; pfn++) {
				u32 mask = hv_vsm_vtl1_vtl0_mask(pfn);

				if (!(mask & HV_MAP_GPA_WRITABLE) ||
				    mask & HV_MAP_GPA_KERNEL_EXECUTABLE)
					return -EACCES;
			}
			list_for_each_entry(other, &hv_vsm_vtl1_modules, list)
				for (j = 0; j < other->nr_runs; j++)
					if (start < other->runs[j].end &&
					    other->runs[j].start < end)
						return -EBUSY;
		}
	}
	return 0;
}

/*
 * The runs of a module's memory, @runs[i].mask set to its type, physically
 * adjacent ranges of a type merged; without @runs, only counted.
 */
static unsigned int hv_vsm_vtl1_runs(const struct hv_vsm_vtl1_mod_mem *mem,
				     struct hv_vsm_vtl1_prot_run *runs)
{
	struct hv_vsm_vtl1_prot_run last = {};
	unsigned int t, i, n = 0;

	for (t = 0; t < HV_VSM_MODULE_ELF; t++) {
		for (i = 0; i < mem[t].nranges; i++) {
			u64 start = PHYS_PFN(mem[t].ranges[i].pa);

			if (n && last.mask == t && last.end == start) {
				last.end = PHYS_PFN(mem[t].ranges[i].epa);
			} else {
				last.start = start;
				last.end = PHYS_PFN(mem[t].ranges[i].epa);
				last.mask = t;
				n++;
			}
			if (runs)
				runs[n - 1] = last;
		}
	}
	return n;
}

/*
 * Set the protection of the module's runs whose type @mask_of() maps to a
 * mask, leaving the others; @mask_of() returns 0 to leave a run.
 */
static int hv_vsm_vtl1_protect_runs(const struct hv_vsm_vtl1_prot_run *runs,
				    unsigned int n, u32 (*mask_of)(u32 type))
{
	struct hv_vsm_vtl1_prot_run *set;
	unsigned int i, nr = 0;
	int ret;

	set = kvmalloc_array(n, sizeof(*set), GFP_KERNEL);
	if (!set)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		u32 mask = mask_of(runs[i].mask);

		if (!mask)
			continue;
		set[nr] = runs[i];
		set[nr++].mask = mask;
	}
	ret = nr ? hv_vsm_vtl1_set_protections(set, nr) : 0;
	kvfree(set);
	return ret;
}

/* Before the comparison: text and read-only memory read-only. */
static u32 hv_vsm_vtl1_frozen_mask(u32 type)
{
	switch (type) {
	case HV_VSM_MODULE_TEXT:
	case HV_VSM_MODULE_INIT_TEXT:
	case HV_VSM_MODULE_RODATA:
	case HV_VSM_MODULE_INIT_RODATA:
		return HV_VSM_RO_MASK;
	default:
		return 0;
	}
}

/* Once it matched: text executable. */
static u32 hv_vsm_vtl1_validated_mask(u32 type)
{
	if (type == HV_VSM_MODULE_TEXT || type == HV_VSM_MODULE_INIT_TEXT)
		return HV_VSM_TEXT_MASK;
	return 0;
}

/* After a refusal, and at unload: everything writable data again. */
static u32 hv_vsm_vtl1_data_mask(u32 type)
{
	return HV_VSM_DATA_MASK;
}

/* When init is done: init memory is data, ro_after_init read-only. */
static u32 hv_vsm_vtl1_init_done_mask(u32 type)
{
	if (type == HV_VSM_MODULE_RO_AFTER_INIT)
		return HV_VSM_RO_MASK;
	return hv_vsm_vtl1_is_init(type) ? HV_VSM_DATA_MASK : 0;
}

/* Whether VTL0's now read-only pages hold what VTL1 rebuilt. */
static bool hv_vsm_vtl1_matches(const struct hv_vsm_vtl1_mod_mem *mem)
{
	unsigned int t, i;
	phys_addr_t pa;
	size_t off;

	for (t = 0; t < HV_VSM_MODULE_ELF; t++) {
		if (!mem[t].expected)
			continue;
		off = 0;
		for (i = 0; i < mem[t].nranges; i++) {
			for (pa = mem[t].ranges[i].pa; pa < mem[t].ranges[i].epa;
			     pa += PAGE_SIZE, off += PAGE_SIZE) {
				void *va = hv_vsm_vtl1_map_vtl0_page(pa);
				bool same;

				if (!va)
					return false;
				same = !memcmp(va, mem[t].expected + off,
					       PAGE_SIZE);
				hv_vsm_vtl1_unmap_vtl0_page(va);
				if (!same) {
					pr_info_ratelimited("module validation: %#llx differs from the signed file\n",
							    mem[t].va + off);
					return false;
				}
			}
		}
	}
	return true;
}

/*
 * Take write access away, compare, and only then make the text executable:
 * nothing VTL0 could still change, or that differs, is ever executable.
 * If giving the pages back fails, they stay read-only and not executable.
 */
static int hv_vsm_vtl1_enforce(struct hv_vsm_vtl1_mod_mem *mem,
			       struct hv_vsm_vtl1_module *mod)
{
	int ret;

	ret = hv_vsm_vtl1_protect_runs(mod->runs, mod->nr_runs,
				       hv_vsm_vtl1_frozen_mask);
	if (ret)
		return ret;
	ret = hv_vsm_vtl1_matches(mem) ? 0 : -EPERM;
	if (!ret)
		ret = hv_vsm_vtl1_protect_runs(mod->runs, mod->nr_runs,
					       hv_vsm_vtl1_validated_mask);
	if (ret)
		hv_vsm_vtl1_protect_runs(mod->runs, mod->nr_runs,
					 hv_vsm_vtl1_data_mask);
	return ret;
}

/* A token VTL0 cannot guess, never given twice. */
static u64 hv_vsm_vtl1_new_token(void)
{
	hv_vsm_vtl1_module_seq++;
	return ((u64)hv_vsm_vtl1_module_seq << 31) |
	       (get_random_u32() & GENMASK(30, 0));
}

/**
 * hv_vsm_vtl1_validate_module() - VALIDATE_MODULE
 * @head_pa: GPA of the first list page
 * @nranges: number of ranges in the chain (&enum hv_vsm_module_mem types)
 * @unused: 0
 *
 * Context: the VTL call dispatcher, state lock held.
 * Return: a token (positive) once the module's text runs; otherwise
 * -EINVAL for a malformed request, -E2BIG beyond the limits (including
 * %HV_VSM_MAX_MODULES modules), -ENODATA for an unsigned file, -ENOKEY,
 * -EBADMSG, -EKEYREJECTED or another error of the signature check,
 * -EACCES for a page VTL0 cannot write or may execute, -EBUSY for a page of
 * another module, -EOPNOTSUPP for a module using what VTL1 does not
 * rebuild, -EPERM if the memory does not match the file, -ENOMEM.
 * Nothing is changed on error.
 */
long hv_vsm_vtl1_validate_module(u64 head_pa, u64 nranges, u64 unused)
{
	struct hv_vsm_vtl1_mod_mem mem[HV_VSM_MODULE_MEM_TYPES] = {};
	struct hv_vsm_vtl1_exports *exports = NULL;
	struct hv_vsm_vtl1_module *mod = NULL;
	struct hv_vsm_range *ranges;
	void *file = NULL, *layout = NULL;
	size_t len, elf_len;
	unsigned int nr;
	long ret;

	if (hv_vsm_vtl1_nr_modules >= HV_VSM_MAX_MODULES ||
	    hv_vsm_vtl1_module_seq == U32_MAX)
		return -E2BIG;
	ret = hv_vsm_vtl1_copy_list(head_pa, nranges,
				    hv_vsm_vtl1_check_module_attr, &ranges);
	if (ret)
		return ret;
	ret = hv_vsm_vtl1_group(ranges, nranges, mem);
	if (ret)
		goto out;

	/* The cheap checks before the signature. */
	ret = hv_vsm_vtl1_check_pages(mem);
	if (ret)
		goto out;

	ret = -ENOMEM;
	file = hv_vsm_vtl1_copy_type(&mem[HV_VSM_MODULE_ELF]);
	layout = hv_vsm_vtl1_copy_type(&mem[HV_VSM_MODULE_LAYOUT]);
	if (!file || !layout)
		goto out;
	len = hv_vsm_vtl1_file_len(file, mem[HV_VSM_MODULE_ELF].size);
	ret = len ? hv_vsm_vtl1_verify_module(file, len, &elf_len) : -ENODATA;
	if (ret)
		goto out;
	ret = hv_vsm_vtl1_module_rebuild(file, elf_len, layout,
					 mem[HV_VSM_MODULE_LAYOUT].size / sizeof(u64),
					 mem, &exports);
	if (ret)
		goto out;

	nr = hv_vsm_vtl1_runs(mem, NULL);
	mod = kzalloc(struct_size(mod, runs, nr), GFP_KERNEL);
	if (!mod) {
		ret = -ENOMEM;
		goto out_rebuilt;
	}
	mod->nr_runs = nr;
	hv_vsm_vtl1_runs(mem, mod->runs);
	ret = hv_vsm_vtl1_enforce(mem, mod);
	if (ret)
		goto out_rebuilt;

	mod->token = hv_vsm_vtl1_new_token();
	mod->exports = exports;
	list_add(&mod->list, &hv_vsm_vtl1_modules);
	hv_vsm_vtl1_nr_modules++;
	ret = mod->token;
	mod = NULL;
	exports = NULL;
out_rebuilt:
	hv_vsm_vtl1_rebuild_free(mem);
out:
	kvfree(exports);
	kfree(mod);
	vfree(layout);
	vfree(file);
	kvfree(ranges);
	return ret;
}

static struct hv_vsm_vtl1_module *hv_vsm_vtl1_find_module(u64 token)
{
	struct hv_vsm_vtl1_module *mod;

	list_for_each_entry(mod, &hv_vsm_vtl1_modules, list)
		if (mod->token == token)
			return mod;
	return NULL;
}

/**
 * hv_vsm_vtl1_free_module_init() - FREE_MODULE_INIT
 * @token: what VALIDATE_MODULE returned
 * @a2: 0
 * @a3: 0
 *
 * The module's init memory becomes writable, non-executable data; its
 * ro_after_init memory becomes read-only.
 *
 * Context: the VTL call dispatcher, state lock held.
 * Return: 0; -ENOENT for an unknown token; -EALREADY if done before; an
 * error of hv_vsm_vtl1_set_protections(), with nothing changed.
 */
long hv_vsm_vtl1_free_module_init(u64 token, u64 a2, u64 a3)
{
	struct hv_vsm_vtl1_module *mod = hv_vsm_vtl1_find_module(token);
	unsigned int i, n = 0;
	int ret;

	if (!mod)
		return -ENOENT;
	if (mod->init_freed)
		return -EALREADY;
	ret = hv_vsm_vtl1_protect_runs(mod->runs, mod->nr_runs,
				       hv_vsm_vtl1_init_done_mask);
	if (ret)
		return ret;
	for (i = 0; i < mod->nr_runs; i++)
		if (!hv_vsm_vtl1_is_init(mod->runs[i].mask))
			mod->runs[n++] = mod->runs[i];
	mod->nr_runs = n;
	mod->init_freed = true;
	return 0;
}

/*
 * Every time the last module goes, VTL1's free memory should be back to
 * what it was the first time: log it the 1st, 100th, 200th, ... time.
 */
static void hv_vsm_vtl1_log_emptied(void)
{
	unsigned int n = ++hv_vsm_vtl1_nr_emptied;

	if (n == 1 || !(n % 100))
		pr_info("modules: none held (%u times), %lu pages free\n",
			hv_vsm_vtl1_nr_emptied,
			global_zone_page_state(NR_FREE_PAGES));
}

/**
 * hv_vsm_vtl1_unload_module() - UNLOAD_MODULE
 * @token: what VALIDATE_MODULE returned
 * @a2: 0
 * @a3: 0
 *
 * Every page of the module becomes writable, non-executable data and the
 * token is forgotten.
 *
 * Context: the VTL call dispatcher, state lock held.
 * Return: 0; -ENOENT for an unknown token; an error of
 * hv_vsm_vtl1_set_protections(), with nothing changed.
 */
long hv_vsm_vtl1_unload_module(u64 token, u64 a2, u64 a3)
{
	struct hv_vsm_vtl1_module *mod = hv_vsm_vtl1_find_module(token);
	int ret;

	if (!mod)
		return -ENOENT;
	ret = hv_vsm_vtl1_protect_runs(mod->runs, mod->nr_runs,
				       hv_vsm_vtl1_data_mask);
	if (ret)
		return ret;
	list_del(&mod->list);
	kvfree(mod->exports);
	kfree(mod);
	if (!--hv_vsm_vtl1_nr_modules)
		hv_vsm_vtl1_log_emptied();
	return 0;
}

/**
 * hv_vsm_vtl1_module_sym_lookup() - The address of a validated module's export
 * @name: the symbol
 * @value: where its VTL0 address goes
 *
 * Context: VALIDATE_MODULE, state lock held.
 * Return: 0, or -ENOENT if no module VTL1 validated exports @name.
 */
int hv_vsm_vtl1_module_sym_lookup(const char *name, u64 *value)
{
	const struct hv_vsm_vtl1_module *mod;
	size_t i;

	list_for_each_entry(mod, &hv_vsm_vtl1_modules, list) {
		for (i = 0; mod->exports && i < mod->exports->n; i++) {
			if (!strcmp(mod->exports->sym[i].name, name)) {
				*value = mod->exports->sym[i].value;
				return 0;
			}
		}
	}
	return -ENOENT;
}
