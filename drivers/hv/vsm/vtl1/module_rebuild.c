// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): rebuild a VTL0 module's code.
 *
 * From the module file whose signature VTL1 verified, VTL1 builds what
 * VTL0's text and read-only memory must hold, byte for byte, with the
 * kernel's own loader code: each section copied to the place VTL0 says it
 * put it, relocated by apply_relocate_add() with symbol values VTL1
 * derives (VTL0's export table as sealed, the exports of modules VTL1
 * validated, and the section addresses),
 * the exception table sorted by sort_extable() and the alternatives
 * applied by apply_alternatives() with VTL1's view of the CPU features.
 * To make those functions produce VTL0's bytes, the copy lives at the
 * virtual addresses VTL0 uses: VTL1 has no modules of its own, so VTL0's
 * module area is free in VTL1.
 *
 * The only freedom VTL0 keeps is where each section goes: every section
 * must lie inside the module memory of its kind, aligned, without overlap,
 * and everything else in text and read-only memory must be zero. What VTL1
 * cannot reproduce (per-CPU data, jump tables, static call sites, call
 * site patching for mitigations, ORC tables, livepatch) is refused.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/cpufeature.h>
#include <linux/elf.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/extable.h>
#include <linux/mm.h>
#include <linux/moduleloader.h>
#include <linux/numa.h>
#include <linux/overflow.h>
#include <linux/pgtable.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/alternative.h>
#include <asm/extable.h>

#include "vtl1.h"

/* The patch buffer of apply_alternatives() (MAX_PATCH_LEN, alternative.c). */
#define HV_VSM_ALT_MAX_LEN	254

/* Sections VTL0's loader does not place (it clears their SHF_ALLOC). */
static const char *const hv_vsm_vtl1_unplaced[] = {
	".modinfo", "__versions", "__version_ext_crcs", "__version_ext_names",
};

/* Sections VTL0 patches in ways VTL1 does not reproduce: refused if used. */
static const char *const hv_vsm_vtl1_unsupported[] = {
	"__jump_table", ".static_call_sites",
	".retpoline_sites", ".return_sites", ".call_sites", ".cfi_sites",
	".ibt_endbr_seal", ".orc_unwind", ".orc_unwind_ip", "__mcount_loc",
	"__patchable_function_entries",
};

/* Log why a module is refused; -EPERM. */
static int hv_vsm_vtl1_refuse(const char *what, const char *why)
{
	pr_info_ratelimited("module refused: %s: %s\n", what, why);
	return -EPERM;
}

static bool hv_vsm_vtl1_name_in(const char *name, const char *const *list,
				size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

/* What VALIDATE_MODULE rebuilds of one module. */
struct hv_vsm_vtl1_rebuild {
	const struct elf64_hdr *hdr;
	size_t len;
	struct elf64_shdr *sechdrs;		/* a copy, addresses as VTL1 uses them */
	const char *secstrings;
	unsigned int symindex;
	struct elf64_sym *syms;		/* the symbol table, with values */
	bool *valued;			/* sections whose address VTL1 checked */
	u64 size[HV_VSM_MODULE_ELF];	/* of each memory type, by the layout */
	const u64 *layout;
	struct hv_vsm_vtl1_mod_mem *mem;
};

static const char *hv_vsm_vtl1_secname(const struct hv_vsm_vtl1_rebuild *rb,
				       unsigned int i)
{
	return rb->secstrings + rb->sechdrs[i].sh_name;
}

/* The checks of the ELF header and section headers the rest relies on. */
static int hv_vsm_vtl1_check_elf(struct hv_vsm_vtl1_rebuild *rb)
{
	const struct elf64_hdr *hdr = rb->hdr;
	const struct elf64_shdr *shdr, *strsec;
	unsigned int i, nsym = 0;
	size_t end;

	if (rb->len < sizeof(*hdr) || memcmp(hdr->e_ident, ELFMAG, SELFMAG) ||
	    hdr->e_ident[EI_CLASS] != ELFCLASS64 ||
	    hdr->e_ident[EI_DATA] != ELFDATA2LSB || hdr->e_type != ET_REL ||
	    hdr->e_machine != EM_X86_64 ||
	    hdr->e_shentsize != sizeof(struct elf64_shdr) || !hdr->e_shnum ||
	    hdr->e_shstrndx == SHN_UNDEF || hdr->e_shstrndx >= hdr->e_shnum ||
	    check_mul_overflow((size_t)hdr->e_shnum, sizeof(struct elf64_shdr), &end) ||
	    check_add_overflow(end, (size_t)hdr->e_shoff, &end) ||
	    end > rb->len)
		return -EBADMSG;

	shdr = (const void *)hdr + hdr->e_shoff;
	for (i = 0; i < hdr->e_shnum; i++) {
		if (shdr[i].sh_type == SHT_NOBITS || shdr[i].sh_type == SHT_NULL)
			continue;
		if (check_add_overflow(shdr[i].sh_offset, shdr[i].sh_size,
				       &end) || end > rb->len)
			return -EBADMSG;
	}
	strsec = &shdr[hdr->e_shstrndx];
	if (strsec->sh_type != SHT_STRTAB || !strsec->sh_size ||
	    ((const char *)hdr)[strsec->sh_offset + strsec->sh_size - 1])
		return -EBADMSG;
	rb->secstrings = (const void *)hdr + strsec->sh_offset;

	for (i = 0; i < hdr->e_shnum; i++) {
		if (shdr[i].sh_name >= strsec->sh_size)
			return -EBADMSG;
		if (shdr[i].sh_type != SHT_SYMTAB)
			continue;
		nsym++;
		rb->symindex = i;
		if (shdr[i].sh_entsize != sizeof(struct elf64_sym) ||
		    shdr[i].sh_size % sizeof(struct elf64_sym) ||
		    shdr[i].sh_link >= hdr->e_shnum)
			return -EBADMSG;
		strsec = &shdr[shdr[i].sh_link];
		if (strsec->sh_type != SHT_STRTAB || !strsec->sh_size ||
		    ((const char *)hdr)[strsec->sh_offset + strsec->sh_size - 1])
			return -EBADMSG;
	}
	if (nsym != 1)
		return -EBADMSG;

	rb->sechdrs = kmemdup(shdr, hdr->e_shnum * sizeof(*shdr), GFP_KERNEL);
	return rb->sechdrs ? 0 : -ENOMEM;
}

static bool hv_vsm_vtl1_in_mem(const struct hv_vsm_vtl1_mod_mem *mem, u64 va,
			       u64 size)
{
	return mem->size && va >= mem->va && size <= mem->size &&
	       va - mem->va <= mem->size - size;
}

static bool hv_vsm_vtl1_compared(unsigned int type)
{
	return type == HV_VSM_MODULE_TEXT || type == HV_VSM_MODULE_RODATA ||
	       type == HV_VSM_MODULE_INIT_TEXT ||
	       type == HV_VSM_MODULE_INIT_RODATA;
}

/*
 * VTL0's loader copies the symbol and string tables into init data for
 * kallsyms (layout_symtab()): data, which nothing VTL1 rebuilds refers to.
 */
static bool hv_vsm_vtl1_kallsyms_copy(const struct hv_vsm_vtl1_rebuild *rb,
				      unsigned int i, u64 va)
{
	const struct elf64_shdr *s = &rb->sechdrs[i];

	return (i == rb->symindex || i == rb->sechdrs[rb->symindex].sh_link) &&
	       (hv_vsm_vtl1_in_mem(&rb->mem[HV_VSM_MODULE_INIT_DATA], va,
				   s->sh_size) ||
		hv_vsm_vtl1_in_mem(&rb->mem[HV_VSM_MODULE_DATA], va, s->sh_size));
}

/* Sections VTL0's loader makes read-only after init (strict_rwx.c). */
static const char *const hv_vsm_vtl1_ro_after_init[] = {
	".data..ro_after_init", "__jump_table", ".static_call_sites",
};

/*
 * The offset in its module memory type of each section the loader places,
 * computed as VTL0's __layout_sections() does it (x86 has no small data
 * and prepends nothing; a kernel with module unloading keeps .exit
 * sections in the core): sections by kind, text first, in file order, each
 * aligned. VTL0 only chooses where each memory type starts. -1 in @type
 * for a section not placed.
 */
static int hv_vsm_vtl1_layout(struct hv_vsm_vtl1_rebuild *rb,
			      const u64 *flags, int *type, u64 *offset)
{
	static const u64 masks[][2] = {
		{ SHF_EXECINSTR | SHF_ALLOC, 0 },
		{ SHF_ALLOC, SHF_WRITE },
		{ SHF_RO_AFTER_INIT | SHF_ALLOC, 0 },
		{ SHF_WRITE | SHF_ALLOC, 0 },
	};
	static const int core_type[] = {
		HV_VSM_MODULE_TEXT, HV_VSM_MODULE_RODATA,
		HV_VSM_MODULE_RO_AFTER_INIT, HV_VSM_MODULE_DATA,
	};
	static const int init_type[] = {
		HV_VSM_MODULE_INIT_TEXT, HV_VSM_MODULE_INIT_RODATA, -1,
		HV_VSM_MODULE_INIT_DATA,
	};
	u64 *size = rb->size;
	unsigned int init, m, i;

	for (i = 0; i < rb->hdr->e_shnum; i++)
		type[i] = -1;
	for (init = 0; init < 2; init++) {
		for (m = 0; m < ARRAY_SIZE(masks); m++) {
			int t = init ? init_type[m] : core_type[m];

			for (i = 0; i < rb->hdr->e_shnum; i++) {
				const struct elf64_shdr *s = &rb->sechdrs[i];
				u64 align = s->sh_addralign ?: 1;

				if ((flags[i] & masks[m][0]) != masks[m][0] ||
				    flags[i] & masks[m][1] || type[i] >= 0 ||
				    init != strstarts(hv_vsm_vtl1_secname(rb, i),
						      ".init"))
					continue;
				if (t < 0 || !is_power_of_2(align) ||
				    s->sh_size > HV_VSM_MODULE_MAX_MEM)
					return hv_vsm_vtl1_refuse(hv_vsm_vtl1_secname(rb, i),
								  "cannot be laid out");
				type[i] = t;
				offset[i] = ALIGN(size[t], align);
				size[t] = offset[i] + s->sh_size;
				if (size[t] > HV_VSM_MODULE_MAX_MEM)
					return -E2BIG;
			}
		}
	}
	return 0;
}

/*
 * Check that VTL0 put each section where its loader does, given where each
 * memory type starts, and point the section headers of the copy at those
 * places; sections left in the file get their address in the file.
 * @compared gets, per section, whether its bytes are rebuilt.
 */
static int hv_vsm_vtl1_check_layout(struct hv_vsm_vtl1_rebuild *rb,
				    bool *compared)
{
	unsigned int i, n = rb->hdr->e_shnum;
	u64 *flags, *offset;
	int *type, ret;

	flags = kcalloc(n, sizeof(*flags), GFP_KERNEL);
	offset = kcalloc(n, sizeof(*offset), GFP_KERNEL);
	type = kcalloc(n, sizeof(*type), GFP_KERNEL);
	ret = -ENOMEM;
	if (!flags || !offset || !type)
		goto out;

	/* The flags VTL0's loader lays the sections out with. */
	for (i = 0; i < n; i++) {
		const char *name = hv_vsm_vtl1_secname(rb, i);

		flags[i] = rb->sechdrs[i].sh_flags;
		if (hv_vsm_vtl1_name_in(name, hv_vsm_vtl1_unplaced,
					ARRAY_SIZE(hv_vsm_vtl1_unplaced)) ||
		    !strcmp(name, ".data..percpu"))
			flags[i] &= ~(u64)SHF_ALLOC;
		if (hv_vsm_vtl1_name_in(name, hv_vsm_vtl1_ro_after_init,
					ARRAY_SIZE(hv_vsm_vtl1_ro_after_init)))
			flags[i] |= SHF_RO_AFTER_INIT;
	}
	ret = hv_vsm_vtl1_layout(rb, flags, type, offset);

	for (i = 0; i < n && !ret; i++) {
		struct elf64_shdr *s = &rb->sechdrs[i];
		const char *name = hv_vsm_vtl1_secname(rb, i);
		u64 va = rb->layout[i];

		compared[i] = false;
		if (s->sh_flags & SHF_ALLOC &&
		    (s->sh_type == SHT_RELA || s->sh_type == SHT_REL ||
		     s->sh_type == SHT_SYMTAB || s->sh_type == SHT_STRTAB ||
		     s->sh_flags & SHF_RELA_LIVEPATCH)) {
			ret = hv_vsm_vtl1_refuse(name, "tables are not loaded");
			break;
		}
		if (!strcmp(name, ".data..percpu") && s->sh_flags & SHF_ALLOC) {
			/* Per-CPU data: in the area VTL0 keeps for it. */
			u64 align = s->sh_addralign ?: 1;
			bool ok = !va;

			if (s->sh_size)
				ok = is_power_of_2(align) && IS_ALIGNED(va, align) &&
				     hv_vsm_vtl1_percpu_ok(va, s->sh_size);
			if (!ok)
				ret = hv_vsm_vtl1_refuse(name, "outside the module per-CPU area");
			s->sh_addr = va;
			rb->valued[i] = s->sh_size;
			continue;
		}
		if (type[i] < 0) {
			if (va && !hv_vsm_vtl1_kallsyms_copy(rb, i, va))
				ret = hv_vsm_vtl1_refuse(name, "placed but not allocated");
			s->sh_addr = (unsigned long)rb->hdr + s->sh_offset;
			continue;
		}
		if (s->sh_size &&
		    hv_vsm_vtl1_name_in(name, hv_vsm_vtl1_unsupported,
					ARRAY_SIZE(hv_vsm_vtl1_unsupported))) {
			pr_info_ratelimited("module section %s is not supported\n",
					    name);
			ret = -EOPNOTSUPP;
			break;
		}
		if (va != rb->mem[type[i]].va + offset[i] ||
		    (s->sh_size &&
		     !hv_vsm_vtl1_in_mem(&rb->mem[type[i]], va, s->sh_size))) {
			ret = hv_vsm_vtl1_refuse(name, "not where the loader puts it");
			break;
		}
		s->sh_addr = va;
		/* An empty section of an empty memory type has no address. */
		rb->valued[i] = va;
		compared[i] = hv_vsm_vtl1_compared(type[i]);
	}
	/* No executable or read-only page the layout does not fill. */
	for (i = 0; i < HV_VSM_MODULE_ELF && !ret; i++)
		if (hv_vsm_vtl1_compared(i) &&
		    rb->mem[i].size != PAGE_ALIGN(rb->size[i]))
			ret = hv_vsm_vtl1_refuse("memory", "larger than its sections");
out:
	kfree(type);
	kfree(offset);
	kfree(flags);
	return ret;
}

/*
 * Give each symbol its value as VTL0's loader does (simplify_symbols()),
 * from what VTL1 trusts: VTL0's sealed export tables and the checked
 * section addresses. A symbol VTL1 cannot give a value to is marked in
 * @unusable; a relocation of rebuilt bytes that uses one is refused.
 */
static int hv_vsm_vtl1_resolve(struct hv_vsm_vtl1_rebuild *rb,
			       unsigned long *unusable)
{
	struct elf64_shdr *symsec = &rb->sechdrs[rb->symindex];
	const char *strtab = (const void *)rb->hdr +
			     rb->sechdrs[symsec->sh_link].sh_offset;
	size_t strsize = rb->sechdrs[symsec->sh_link].sh_size;
	unsigned int i, n = symsec->sh_size / sizeof(struct elf64_sym);
	struct elf64_sym *sym;
	u64 value;

	sym = kvmemdup((const void *)rb->hdr + symsec->sh_offset,
		       symsec->sh_size, GFP_KERNEL);
	if (!sym)
		return -ENOMEM;
	rb->syms = sym;
	symsec->sh_addr = (unsigned long)sym;

	for (i = 1; i < n; i++) {
		if (sym[i].st_name >= strsize)
			return -EBADMSG;
		switch (sym[i].st_shndx) {
		case SHN_ABS:
			break;
		case SHN_UNDEF:
			if (!hv_vsm_vtl1_ksym_lookup(strtab + sym[i].st_name,
						     &value) ||
			    !hv_vsm_vtl1_module_sym_lookup(strtab + sym[i].st_name,
							   &value))
				sym[i].st_value = value;
			else if (ELF64_ST_BIND(sym[i].st_info) == STB_WEAK)
				sym[i].st_value = 0;
			else
				__set_bit(i, unusable);
			break;
		default:
			if (sym[i].st_shndx >= rb->hdr->e_shnum ||
			    !rb->valued[sym[i].st_shndx])
				__set_bit(i, unusable);
			else
				sym[i].st_value += rb->layout[sym[i].st_shndx];
			break;
		}
	}
	return 0;
}

/* Size of the field a relocation of @type writes; 0 if not supported. */
static unsigned int hv_vsm_vtl1_reloc_size(unsigned int type)
{
	switch (type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64:
	case R_X86_64_PC64:
		return 8;
	case R_X86_64_32:
	case R_X86_64_32S:
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		return 4;
	default:
		return UINT_MAX;
	}
}

/* Apply the relocations of rebuilt sections, after checking every entry. */
static int hv_vsm_vtl1_relocate(struct hv_vsm_vtl1_rebuild *rb,
				const bool *compared,
				const unsigned long *unusable,
				struct module *fake)
{
	unsigned int nsym = rb->sechdrs[rb->symindex].sh_size / sizeof(struct elf64_sym);
	const char *strtab = (const void *)rb->hdr +
			     rb->sechdrs[rb->sechdrs[rb->symindex].sh_link].sh_offset;
	unsigned int i, target;
	int ret;

	for (i = 0; i < rb->hdr->e_shnum; i++) {
		const struct elf64_shdr *rs = &rb->sechdrs[i];
		const struct elf64_rela *rel;
		size_t k, n;

		if (rs->sh_type == SHT_REL)
			return -EBADMSG;
		if (rs->sh_type != SHT_RELA)
			continue;
		target = rs->sh_info;
		if (target >= rb->hdr->e_shnum || rs->sh_link != rb->symindex ||
		    rs->sh_entsize != sizeof(*rel) || rs->sh_size % sizeof(*rel))
			return -EBADMSG;
		if (!compared[target])
			continue;

		rel = (const void *)rb->hdr + rs->sh_offset;
		n = rs->sh_size / sizeof(*rel);
		for (k = 0; k < n; k++) {
			unsigned int sym = ELF64_R_SYM(rel[k].r_info);
			unsigned int size = hv_vsm_vtl1_reloc_size(ELF64_R_TYPE(rel[k].r_info));

			if (size == UINT_MAX || sym >= nsym ||
			    rel[k].r_offset > rb->sechdrs[target].sh_size ||
			    size > rb->sechdrs[target].sh_size - rel[k].r_offset)
				return -EBADMSG;
			if (test_bit(sym, unusable))
				return hv_vsm_vtl1_refuse(strtab + rb->syms[sym].st_name,
							  "symbol without a value VTL1 knows");
		}
		ret = apply_relocate_add(rb->sechdrs, strtab, rb->symindex, i,
					 fake);
		if (ret)
			return hv_vsm_vtl1_refuse(hv_vsm_vtl1_secname(rb, i),
						  "relocation refused");
	}
	return 0;
}

/*
 * The section called @name, placed and rebuilt, or NULL; an ERR_PTR() if
 * there are two (VTL0's loader would use another than VTL1).
 */
static const struct elf64_shdr *
hv_vsm_vtl1_rebuilt(const struct hv_vsm_vtl1_rebuild *rb, const bool *compared,
		    const char *name)
{
	const struct elf64_shdr *found = NULL;
	unsigned int i;

	for (i = 0; i < rb->hdr->e_shnum; i++) {
		if (strcmp(hv_vsm_vtl1_secname(rb, i), name))
			continue;
		if (found)
			return ERR_PTR(-EBADMSG);
		if (compared[i] && rb->sechdrs[i].sh_size)
			found = &rb->sechdrs[i];
	}
	return found;
}

static bool hv_vsm_vtl1_in_text(const struct hv_vsm_vtl1_rebuild *rb, u64 va,
				u64 size)
{
	return hv_vsm_vtl1_in_mem(&rb->mem[HV_VSM_MODULE_TEXT], va, size) ||
	       hv_vsm_vtl1_in_mem(&rb->mem[HV_VSM_MODULE_INIT_TEXT], va, size);
}

/*
 * apply_alternatives() trusts its table: check that every entry patches
 * and reads rebuilt text only, and is of a kind VTL1 reproduces (a
 * paravirt call target would be read from VTL0's data).
 */
static int hv_vsm_vtl1_check_alternatives(const struct hv_vsm_vtl1_rebuild *rb,
					  const struct elf64_shdr *alt)
{
	const struct alt_instr *a = (const void *)alt->sh_addr;
	size_t i, n = alt->sh_size / sizeof(*a);

	if (alt->sh_size % sizeof(*a))
		return -EBADMSG;
	for (i = 0; i < n; i++, a++) {
		u64 instr = (u64)&a->instr_offset + a->instr_offset;
		u64 repl = (u64)&a->repl_offset + a->repl_offset;

		if (a->cpuid >= (NCAPINTS + NBUGINTS) * 32 ||
		    a->flags & ALT_FLAG_DIRECT_CALL ||
		    a->instrlen > HV_VSM_ALT_MAX_LEN ||
		    a->replacementlen > HV_VSM_ALT_MAX_LEN ||
		    !hv_vsm_vtl1_in_text(rb, instr, a->instrlen) ||
		    !hv_vsm_vtl1_in_text(rb, repl, a->replacementlen))
			return hv_vsm_vtl1_refuse(".altinstructions",
						  "entry VTL1 does not apply");
	}
	return 0;
}

/* What VTL0's module_finalize() and post_relocation() change in place. */
static int hv_vsm_vtl1_post_relocation(const struct hv_vsm_vtl1_rebuild *rb,
				       const bool *compared)
{
	const struct elf64_shdr *s;
	int ret;

	s = hv_vsm_vtl1_rebuilt(rb, compared, "__ex_table");
	if (IS_ERR(s))
		return PTR_ERR(s);
	if (s) {
		if (s->sh_size % sizeof(struct exception_table_entry))
			return -EBADMSG;
		sort_extable((void *)s->sh_addr,
			     (void *)s->sh_addr + s->sh_size);
	}
	s = hv_vsm_vtl1_rebuilt(rb, compared, ".altinstructions");
	if (IS_ERR(s))
		return PTR_ERR(s);
	if (s) {
		ret = hv_vsm_vtl1_check_alternatives(rb, s);
		if (ret)
			return ret;
		apply_alternatives((void *)s->sh_addr,
				   (void *)s->sh_addr + s->sh_size);
	}
	return 0;
}

/* The rebuilt memory type holding [@va, @va + @size), or NULL. */
static const struct hv_vsm_vtl1_mod_mem *
hv_vsm_vtl1_rebuilt_mem(const struct hv_vsm_vtl1_rebuild *rb, u64 va, u64 size)
{
	unsigned int t;

	for (t = 0; t < HV_VSM_MODULE_ELF; t++)
		if (rb->mem[t].expected && hv_vsm_vtl1_in_mem(&rb->mem[t], va, size))
			return &rb->mem[t];
	return NULL;
}

/*
 * The symbols the module exports, from its rebuilt export table (entries
 * of three offsets relative to themselves, see ksyms.c), with names in
 * rebuilt memory too. VTL1 resolves later modules' symbols with them.
 */
static int hv_vsm_vtl1_exports(const struct hv_vsm_vtl1_rebuild *rb,
			       const bool *compared,
			       struct hv_vsm_vtl1_exports **out)
{
	const struct elf64_shdr *tab = hv_vsm_vtl1_rebuilt(rb, compared, "__ksymtab");
	struct hv_vsm_vtl1_exports *ex;
	size_t i, n, names = 0, pos = 0;
	const s32 *e;

	*out = NULL;
	if (IS_ERR(tab))
		return PTR_ERR(tab);
	if (!tab)
		return 0;
	if (tab->sh_size % (3 * sizeof(s32)))
		return -EBADMSG;
	n = tab->sh_size / (3 * sizeof(s32));
	e = (const s32 *)tab->sh_addr;
	for (i = 0; i < n; i++, e += 3) {
		u64 name = (u64)&e[1] + e[1];
		const struct hv_vsm_vtl1_mod_mem *m =
			hv_vsm_vtl1_rebuilt_mem(rb, name, 1);
		size_t room;

		if (!m)
			return -EBADMSG;
		room = m->va + m->size - name;
		if (!memchr((void *)name, 0, room))
			return -EBADMSG;
		names += strlen((void *)name) + 1;
	}

	ex = kvzalloc(struct_size(ex, sym, n) + names, GFP_KERNEL);
	if (!ex)
		return -ENOMEM;
	ex->n = n;
	e = (const s32 *)tab->sh_addr;
	for (i = 0; i < n; i++, e += 3) {
		const char *name = (const char *)&e[1] + e[1];
		char *copy = (char *)ex + struct_size(ex, sym, n) + pos;

		strscpy(copy, name, names - pos);
		pos += strlen(name) + 1;
		ex->sym[i].name = copy;
		ex->sym[i].value = (u64)&e[0] + e[0];
	}
	*out = ex;
	return 0;
}

/**
 * hv_vsm_vtl1_rebuild_free() - Free what hv_vsm_vtl1_module_rebuild() built
 * @mem: the module memory types; their @expected buffers are freed
 */
void hv_vsm_vtl1_rebuild_free(struct hv_vsm_vtl1_mod_mem *mem)
{
	unsigned int t;

	for (t = 0; t < HV_VSM_MODULE_ELF; t++) {
		vfree(mem[t].expected);
		mem[t].expected = NULL;
	}
}

/*
 * A zeroed buffer at VTL0's address of each rebuilt module memory type,
 * then the placed sections' bytes from the file.
 */
static int hv_vsm_vtl1_fill(struct hv_vsm_vtl1_rebuild *rb,
			    const bool *compared)
{
	unsigned int t, i;

	for (t = 0; t < HV_VSM_MODULE_ELF; t++) {
		struct hv_vsm_vtl1_mod_mem *m = &rb->mem[t];

		if (!hv_vsm_vtl1_compared(t) || !m->size)
			continue;
		if (m->va < MODULES_VADDR || m->va >= MODULES_END ||
		    m->size > MODULES_END - m->va)
			return hv_vsm_vtl1_refuse("memory", "outside the module area");
		m->expected = __vmalloc_node_range(m->size, PAGE_SIZE, m->va,
						   m->va + m->size,
						   GFP_KERNEL | __GFP_ZERO |
						   __GFP_NORETRY | __GFP_NOWARN,
						   PAGE_KERNEL, VM_NO_GUARD,
						   NUMA_NO_NODE,
						   __builtin_return_address(0));
		if (!m->expected)
			return -ENOMEM;
		if ((u64)m->expected != m->va) {
			vfree(m->expected);
			m->expected = NULL;
			return -ENOMEM;
		}
	}
	for (i = 0; i < rb->hdr->e_shnum; i++) {
		const struct elf64_shdr *s = &rb->sechdrs[i];

		if (compared[i] && s->sh_type != SHT_NOBITS && s->sh_size)
			memcpy((void *)s->sh_addr,
			       (const void *)rb->hdr + s->sh_offset, s->sh_size);
	}
	return 0;
}

/**
 * hv_vsm_vtl1_module_rebuild() - Build what a module's code must be
 * @elf: the signed ELF file, in VTL1 memory, signature removed
 * @len: its length
 * @layout: VTL0's address of each section (0 if not placed)
 * @nlayout: entries of @layout
 * @mem: the module memory types VTL0 laid out; the rebuilt text and
 *       read-only types get an @expected buffer at their VTL0 address
 * @exports: where the symbols the module exports go (NULL if none), to be
 *           freed with kvfree()
 *
 * Context: VALIDATE_MODULE, state lock held.
 * Return: 0, with the @expected buffers to be freed with
 * hv_vsm_vtl1_rebuild_free(); -EBADMSG for a malformed file; -EOPNOTSUPP
 * for a module using what VTL1 does not reproduce; -EPERM for a layout or
 * symbol VTL1 does not accept; -ENOMEM. Nothing is kept on error.
 */
int hv_vsm_vtl1_module_rebuild(const void *elf, size_t len, const u64 *layout,
			       size_t nlayout, struct hv_vsm_vtl1_mod_mem *mem,
			       struct hv_vsm_vtl1_exports **exports)
{
	struct hv_vsm_vtl1_rebuild rb = {
		.hdr = elf, .len = len, .layout = layout, .mem = mem,
	};
	unsigned long *unusable = NULL;
	struct module *fake = NULL;
	bool *compared = NULL;
	int ret;

	ret = hv_vsm_vtl1_check_elf(&rb);
	if (ret)
		return ret;
	ret = -EBADMSG;
	if (nlayout < rb.hdr->e_shnum)
		goto out;
	ret = -ENOMEM;
	compared = kcalloc(rb.hdr->e_shnum, sizeof(*compared), GFP_KERNEL);
	rb.valued = kcalloc(rb.hdr->e_shnum, sizeof(*rb.valued), GFP_KERNEL);
	unusable = bitmap_zalloc(rb.sechdrs[rb.symindex].sh_size /
				 sizeof(struct elf64_sym), GFP_KERNEL);
	fake = kzalloc_obj(*fake);
	if (!compared || !rb.valued || !unusable || !fake)
		goto out;
	/* apply_relocate_add() writes with memcpy() to an unformed module. */
	fake->state = MODULE_STATE_UNFORMED;
	strscpy(fake->name, "vtl0-module");

	ret = hv_vsm_vtl1_check_layout(&rb, compared);
	if (!ret)
		ret = hv_vsm_vtl1_resolve(&rb, unusable);
	if (!ret)
		ret = hv_vsm_vtl1_fill(&rb, compared);
	if (!ret)
		ret = hv_vsm_vtl1_relocate(&rb, compared, unusable, fake);
	if (!ret)
		ret = hv_vsm_vtl1_post_relocation(&rb, compared);
	if (!ret)
		ret = hv_vsm_vtl1_exports(&rb, compared, exports);
	if (ret)
		hv_vsm_vtl1_rebuild_free(mem);
out:
	kvfree(rb.syms);
	kfree(rb.valued);
	kfree(fake);
	bitmap_free(unusable);
	kfree(compared);
	kfree(rb.sechdrs);
	return ret;
}
