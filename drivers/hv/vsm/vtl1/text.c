// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): changes to VTL0's kernel text.
 *
 * Once sealed, VTL0's kernel text is immutable to VTL0: VTL1 writes it on
 * VTL0's behalf (PATCH_TEXT), and only the changes the sealed kernel
 * declared at build time: its static calls (static_call.c), and the jump
 * label sites of the kernel's jump table, in the read-only data copied at
 * LOAD_KDATA. A jump label site holds either the NOP or the jump to its
 * declared target, of the size it was built with (2 or 5 bytes), and may
 * only be switched between the two.
 *
 * The sites of keys in read-only-after-init data are left out: the
 * kernel itself can never flip those keys.
 *
 * A batch is applied as one: every check is made on a copy of the whole
 * request and every page it writes is mapped first, then those pages lose
 * execute access for VTL0, the bytes are written, and execute access comes
 * back. A VTL0 processor that runs one of these pages meanwhile takes an
 * execute intercept that VTL1 answers by letting it run the instruction
 * again, so no processor ever runs a half-written instruction; taking
 * execute away flushes every processor's translations, and the intercepts
 * serialise, as the kernel's own INT3 protocol does with its IPIs.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/text-patching.h>
#include <linux/unaligned.h>
#include <asm/mshyperv.h>
#include <asm/nops.h>
#include <hyperv/hv_vsm.h>

#include "vtl1.h"

/*
 * The NOPs x86-64 Linux (and objtool) put in a jump label site; VTL0 is
 * the same architecture, so its instruction encodings are ours.
 */
static const u8 hv_vsm_nop2[JMP8_INSN_SIZE] = { BYTES_NOP2 };
static const u8 hv_vsm_nop5[JMP32_INSN_SIZE] = { BYTES_NOP5 };

/* A jump label site of the sealed kernel and the code it jumps to. */
struct hv_vsm_vtl1_site {
	u64 va;
	u64 target;
};

/* Set once by LOAD_KDATA, before the end of boot. */
static struct hv_vsm_vtl1_site *hv_vsm_vtl1_sites;
static size_t hv_vsm_vtl1_nr_sites;
static u64 hv_vsm_vtl1_text, hv_vsm_vtl1_text_end, hv_vsm_vtl1_text_pa;
/*
 * A PATCH_TEXT takes execute away from text pages; the whole kernel text
 * was executable, and not writable, for VTL0 at the end of boot, and has
 * been ever since but during a PATCH_TEXT.
 */
static bool hv_vsm_vtl1_patching, hv_vsm_vtl1_text_exec;

static int hv_vsm_vtl1_cmp_site(const void *a, const void *b)
{
	const struct hv_vsm_vtl1_site *sa = a, *sb = b;

	if (sa->va != sb->va)
		return cmp_int(sa->va, sb->va);
	return cmp_int(sa->target, sb->target);
}

/**
 * hv_vsm_vtl1_in_kernel_text() - Whether a range lies in VTL0's kernel text
 * @va: VTL0 virtual address of its first byte
 * @len: its length
 *
 * Return: true if [@va, @va + @len) lies in the kernel text LOAD_KDATA
 * described; false before.
 */
bool hv_vsm_vtl1_in_kernel_text(u64 va, u64 len)
{
	return va >= hv_vsm_vtl1_text && va < hv_vsm_vtl1_text_end &&
	       len <= hv_vsm_vtl1_text_end - va;
}

/**
 * hv_vsm_vtl1_kdata_table() - Find a table of VTL0's read-only data
 * @info: the kernel information
 * @start: VTL0 virtual address of the table's first entry
 * @end: its end
 * @entsize: size of an entry
 * @rodata: VTL1's copy of VTL0's read-only data
 * @size: its size
 * @nr: set to the number of entries
 *
 * Return: the table in @rodata (NULL if empty), or ERR_PTR(-EINVAL) if it
 * is not inside @rodata or not made of whole entries.
 */
const void *hv_vsm_vtl1_kdata_table(const struct hv_vsm_kernel_info *info,
				    u64 start, u64 end, size_t entsize,
				    const void *rodata, size_t size, size_t *nr)
{
	u64 off = start - info->rodata, bytes = end - start;

	*nr = 0;
	if (start > end || bytes % entsize)
		return ERR_PTR(-EINVAL);
	if (!bytes)
		return NULL;
	if (start < info->rodata || bytes > size || off > size - bytes)
		return ERR_PTR(-EINVAL);
	*nr = bytes / entsize;
	return rodata + off;
}

/**
 * hv_vsm_vtl1_ro_key() - Whether a key lies in read-only-after-init data
 * @info: the kernel information
 * @key: VTL0 virtual address of a static key or static call key
 *
 * Return: true if the kernel itself can never change the key again, nor
 * the sites of the key.
 */
bool hv_vsm_vtl1_ro_key(const struct hv_vsm_kernel_info *info, u64 key)
{
	return key >= info->ro_after_init && key < info->ro_after_init_end;
}

/**
 * hv_vsm_vtl1_text_init() - Take the kernel text and jump table of LOAD_KDATA
 * @info: the kernel information, NULL to forget the text and its sites
 * @rodata: VTL1's copy of VTL0's read-only data, which has the jump table
 * @size: its size
 *
 * Keeps the jump label sites that lie in the kernel text with a target in
 * it, of keys the kernel can flip; the others (sites in init text, which
 * is gone, and sites of keys in read-only-after-init data) can never be
 * changed. Then takes the static calls.
 *
 * Context: LOAD_KDATA, state lock held.
 * Return: 0; -EINVAL for a text or table the kernel information does not
 * describe consistently; -ENOMEM.
 */
int hv_vsm_vtl1_text_init(const struct hv_vsm_kernel_info *info,
			  const void *rodata, size_t size)
{
	const struct hv_vsm_jump_entry *e;
	struct hv_vsm_vtl1_site *sites;
	size_t i, n = 0, nr;
	int ret;

	kvfree(hv_vsm_vtl1_sites);
	hv_vsm_vtl1_sites = NULL;
	hv_vsm_vtl1_nr_sites = 0;
	hv_vsm_vtl1_static_call_init(NULL, NULL, 0);
	WRITE_ONCE(hv_vsm_vtl1_text_pa, 0);
	WRITE_ONCE(hv_vsm_vtl1_text_exec, false);
	if (!info)
		return 0;
	e = hv_vsm_vtl1_kdata_table(info, info->jump_table, info->jump_table_end,
				    sizeof(*e), rodata, size, &nr);
	if (IS_ERR(e) || info->text >= info->text_end ||
	    !PAGE_ALIGNED(info->text) || !PAGE_ALIGNED(info->text_pa))
		return -EINVAL;
	hv_vsm_vtl1_text = info->text;
	hv_vsm_vtl1_text_end = info->text_end;
	WRITE_ONCE(hv_vsm_vtl1_text_pa, info->text_pa);

	ret = hv_vsm_vtl1_static_call_init(info, rodata, size);
	if (ret || !nr)
		return ret;
	sites = kvmalloc_array(nr, sizeof(*sites), GFP_KERNEL);
	if (!sites)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		u64 entry = info->jump_table + i * sizeof(*e);
		u64 key = entry + offsetof(struct hv_vsm_jump_entry, key) +
			  (e[i].key & ~3LL);
		struct hv_vsm_vtl1_site s = {
			.va = entry + e[i].code,
			.target = entry + offsetof(struct hv_vsm_jump_entry, target) +
				  e[i].target,
		};

		if (hv_vsm_vtl1_ro_key(info, key))
			continue;
		if (hv_vsm_vtl1_in_kernel_text(s.va, JMP32_INSN_SIZE) &&
		    hv_vsm_vtl1_in_kernel_text(s.target, 1))
			sites[n++] = s;
	}
	sort(sites, n, sizeof(*sites), hv_vsm_vtl1_cmp_site, NULL);
	hv_vsm_vtl1_sites = sites;
	hv_vsm_vtl1_nr_sites = n;
	pr_info("%zu jump label sites of %zu in the kernel text\n", n, nr);
	return 0;
}

static u64 hv_vsm_vtl1_text_to_pa(u64 va)
{
	return hv_vsm_vtl1_text_pa + (va - hv_vsm_vtl1_text);
}

/* Whether VTL0 may run but not write page @pfn: sealed text. */
static bool hv_vsm_vtl1_sealed_text(u64 pfn)
{
	u32 mask = hv_vsm_vtl1_vtl0_mask(pfn);

	return (mask & HV_MAP_GPA_KERNEL_EXECUTABLE) &&
	       !(mask & HV_MAP_GPA_WRITABLE);
}

/* Whether every page of the kernel text is sealed text for VTL0. */
static bool hv_vsm_vtl1_text_sealed(void)
{
	u64 pfn, end;

	end = PHYS_PFN(hv_vsm_vtl1_text_to_pa(hv_vsm_vtl1_text_end - 1));
	for (pfn = PHYS_PFN(hv_vsm_vtl1_text_pa); pfn <= end; pfn++)
		if (!hv_vsm_vtl1_sealed_text(pfn))
			return false;
	return true;
}

/**
 * hv_vsm_vtl1_text_seal() - Check the kernel text at the end of boot
 *
 * From now on, an execute intercept in the kernel text is VTL0 running
 * into a change PATCH_TEXT is making, if every page of the text is
 * executable and not writable for VTL0 (see hv_vsm_vtl1_text_retry());
 * PATCH_TEXT checks it again while it is not so.
 *
 * Context: SIGNAL_END_OF_BOOT, state lock held.
 */
void hv_vsm_vtl1_text_seal(void)
{
	if (!hv_vsm_vtl1_text_pa)
		return;
	if (hv_vsm_vtl1_text_sealed())
		WRITE_ONCE(hv_vsm_vtl1_text_exec, true);
	else
		pr_warn("end of boot: VTL0's kernel text is not all executable and read-only, PATCH_TEXT refused\n");
}

/**
 * hv_vsm_vtl1_text_retry() - Whether an execute intercept is one of PATCH_TEXT
 * @pa: the physical address VTL0 tried to run
 *
 * The sealed kernel text is executable for VTL0 but while PATCH_TEXT
 * writes it: an execute intercept there is VTL0 running into a change
 * being made (or just made, the intercept being answered late), and the
 * instruction is run again. Not so if the text was not all executable at
 * the end of boot, or if PATCH_TEXT could not make it executable again.
 *
 * Context: any.
 * Return: true if VTL0 should run the instruction at @pa again.
 */
bool hv_vsm_vtl1_text_retry(u64 pa)
{
	u64 start = READ_ONCE(hv_vsm_vtl1_text_pa);
	u64 len = READ_ONCE(hv_vsm_vtl1_text_end) - READ_ONCE(hv_vsm_vtl1_text);

	if (!start || pa < start || pa - start >= PAGE_ALIGN(len))
		return false;
	return READ_ONCE(hv_vsm_vtl1_text_exec) || READ_ONCE(hv_vsm_vtl1_patching);
}

/* The first site at @va, or NULL. */
static const struct hv_vsm_vtl1_site *hv_vsm_vtl1_find_site(u64 va)
{
	size_t lo = 0, hi = hv_vsm_vtl1_nr_sites, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (hv_vsm_vtl1_sites[mid].va < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < hv_vsm_vtl1_nr_sites && hv_vsm_vtl1_sites[lo].va == va)
		return &hv_vsm_vtl1_sites[lo];
	return NULL;
}

/* Copy @len bytes of VTL0 memory at @pa, which may cross a page, to @buf. */
static int hv_vsm_vtl1_text_read(u64 pa, u8 *buf, size_t len)
{
	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(pa));
		void *page = hv_vsm_vtl1_map_vtl0_page(pa & PAGE_MASK);

		if (!page)
			return -ENOMEM;
		memcpy(buf, page + offset_in_page(pa), n);
		hv_vsm_vtl1_unmap_vtl0_page(page);
		pa += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/**
 * hv_vsm_vtl1_text_read_va() - Read VTL0's kernel text
 * @va: VTL0 virtual address of the first byte, in the kernel text
 * @buf: where the bytes go
 * @len: their number
 *
 * Return: 0; -EINVAL if [@va, @va + @len) is not in the kernel text;
 * -ENOMEM if a page cannot be mapped.
 */
int hv_vsm_vtl1_text_read_va(u64 va, u8 *buf, size_t len)
{
	if (!hv_vsm_vtl1_in_kernel_text(va, len))
		return -EINVAL;
	return hv_vsm_vtl1_text_read(hv_vsm_vtl1_text_to_pa(va), buf, len);
}

/* The jump of @size bytes at @va to @target into @insn; false if it cannot. */
static bool hv_vsm_vtl1_gen_jmp(u8 *insn, unsigned int size, u64 va, u64 target)
{
	s64 rel = target - (va + size);

	if (size == JMP8_INSN_SIZE) {
		if (rel < S8_MIN || rel > S8_MAX)
			return false;
		insn[0] = JMP8_INSN_OPCODE;
		insn[1] = (u8)rel;
		return true;
	}
	if (rel < S32_MIN || rel > S32_MAX)
		return false;
	insn[0] = JMP32_INSN_OPCODE;
	put_unaligned_le32((u32)rel, insn + 1);
	return true;
}

/*
 * Whether site @s, which holds @cur, may take @p: @cur and @p must each be
 * the NOP or the jump to the site's target, of one size.
 */
static bool hv_vsm_vtl1_site_allows(const struct hv_vsm_vtl1_site *s,
				    const u8 *cur, const struct hv_vsm_text_patch *p)
{
	static const struct {
		unsigned int size;
		const u8 *nop;
	} forms[] = {
		{ JMP32_INSN_SIZE, hv_vsm_nop5 },
		{ JMP8_INSN_SIZE, hv_vsm_nop2 },
	};
	u8 jmp[JMP32_INSN_SIZE];
	unsigned int i, size;

	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		size = forms[i].size;
		if (!hv_vsm_vtl1_gen_jmp(jmp, size, s->va, s->target))
			continue;
		if (memcmp(cur, forms[i].nop, size) && memcmp(cur, jmp, size))
			continue;
		return p->len == size && (!memcmp(p->bytes, forms[i].nop, size) ||
					  !memcmp(p->bytes, jmp, size));
	}
	return false;
}

/*
 * Check change @p against the declared sites: -ENOENT if @p->va is not
 * one, -EACCES if the bytes there are not all sealed kernel text, -EPERM
 * if the site may not take these bytes.
 */
static int hv_vsm_vtl1_check_patch(const struct hv_vsm_text_patch *p)
{
	const struct hv_vsm_vtl1_site *s = hv_vsm_vtl1_find_site(p->va);
	u8 cur[HV_VSM_STATIC_CALL_TRAMP_SIZE] = {};
	size_t len = min_t(u64, sizeof(cur), hv_vsm_vtl1_text_end - p->va);
	u64 pa = hv_vsm_vtl1_text_to_pa(p->va);
	int ret;

	if (!s && !hv_vsm_vtl1_static_call_site(p->va))
		return -ENOENT;
	if (!hv_vsm_vtl1_sealed_text(PHYS_PFN(pa)) ||
	    !hv_vsm_vtl1_sealed_text(PHYS_PFN(pa + len - 1)))
		return -EACCES;
	ret = hv_vsm_vtl1_text_read(pa, cur, len);
	if (ret)
		return ret;
	if (!s)
		return hv_vsm_vtl1_static_call_check(p, cur, len);
	/* Sites with the same address and other targets are as many choices. */
	for (; s < hv_vsm_vtl1_sites + hv_vsm_vtl1_nr_sites && s->va == p->va; s++)
		if (hv_vsm_vtl1_site_allows(s, cur, p))
			return 0;
	return -EPERM;
}

static int hv_vsm_vtl1_cmp_patch(const void *a, const void *b)
{
	const struct hv_vsm_text_patch *pa = a, *pb = b;

	return cmp_int(pa->va, pb->va);
}

static int hv_vsm_vtl1_cmp_u64(const void *a, const void *b)
{
	return cmp_int(*(const u64 *)a, *(const u64 *)b);
}

/*
 * Give the @n sorted, distinct pages @pfns the masks @masks (or, with
 * @masks NULL, their mask without execute), in runs of contiguous pages.
 */
static int hv_vsm_vtl1_text_protect(const u64 *pfns, const u32 *masks,
				    unsigned int n, struct hv_vsm_vtl1_prot_run *runs)
{
	const u32 no_exec = ~(HV_MAP_GPA_KERNEL_EXECUTABLE |
			      HV_MAP_GPA_USER_EXECUTABLE);
	unsigned int i, nr = 0;

	for (i = 0; i < n; i++) {
		u32 mask = masks ? masks[i] : hv_vsm_vtl1_vtl0_mask(pfns[i]) & no_exec;

		if (nr && runs[nr - 1].end == pfns[i] && runs[nr - 1].mask == mask)
			runs[nr - 1].end++;
		else
			runs[nr++] = (struct hv_vsm_vtl1_prot_run){
				pfns[i], pfns[i] + 1, mask };
	}
	return hv_vsm_vtl1_set_protections(runs, nr);
}

/* Index of @pfn in the @n sorted @pfns; it is there. */
static unsigned int hv_vsm_vtl1_pfn_index(const u64 *pfns, unsigned int n, u64 pfn)
{
	unsigned int lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (pfns[mid] < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Write change @p through the mappings @maps of the @n pages @pfns. */
static void hv_vsm_vtl1_write_patch(const struct hv_vsm_text_patch *p,
				    const u64 *pfns, void *const *maps,
				    unsigned int n)
{
	u64 pa = hv_vsm_vtl1_text_to_pa(p->va);
	unsigned int i;

	for (i = 0; i < p->len; i++, pa++)
		*(u8 *)(maps[hv_vsm_vtl1_pfn_index(pfns, n, PHYS_PFN(pa))] +
			offset_in_page(pa)) = p->bytes[i];
}

/*
 * Write the @n checked changes @p: every page they touch is mapped first,
 * then loses execute for VTL0 while they are written.
 */
static int hv_vsm_vtl1_apply_patches(const struct hv_vsm_text_patch *p, unsigned int n)
{
	struct hv_vsm_vtl1_prot_run *runs;
	unsigned int i, npfns = 0;
	int ret = -ENOMEM, restored;
	void **maps;
	u32 *masks;
	u64 *pfns;

	pfns = kmalloc_array(2 * n, sizeof(*pfns), GFP_KERNEL);
	masks = kmalloc_array(2 * n, sizeof(*masks), GFP_KERNEL);
	runs = kmalloc_array(2 * n, sizeof(*runs), GFP_KERNEL);
	maps = kcalloc(2 * n, sizeof(*maps), GFP_KERNEL);
	if (!pfns || !masks || !runs || !maps)
		goto out;
	for (i = 0; i < n; i++) {
		u64 pa = hv_vsm_vtl1_text_to_pa(p[i].va);

		pfns[npfns++] = PHYS_PFN(pa);
		pfns[npfns++] = PHYS_PFN(pa + p[i].len - 1);
	}
	sort(pfns, npfns, sizeof(*pfns), hv_vsm_vtl1_cmp_u64, NULL);
	for (i = 0, n = npfns, npfns = 0; i < n; i++)
		if (!npfns || pfns[npfns - 1] != pfns[i])
			pfns[npfns++] = pfns[i];
	for (i = 0; i < npfns; i++) {
		masks[i] = hv_vsm_vtl1_vtl0_mask(pfns[i]);
		maps[i] = hv_vsm_vtl1_map_vtl0_page(PFN_PHYS(pfns[i]));
		if (!maps[i])
			goto out;
	}

	WRITE_ONCE(hv_vsm_vtl1_patching, true);
	ret = hv_vsm_vtl1_text_protect(pfns, NULL, npfns, runs);
	if (!ret) {
		for (i = 0; i < n; i++)
			hv_vsm_vtl1_write_patch(&p[i], pfns, maps, npfns);
		restored = hv_vsm_vtl1_text_protect(pfns, masks, npfns, runs);
		if (restored)
			ret = -ENOTRECOVERABLE;
	}
	if (ret == -ENOTRECOVERABLE) {
		/* Execute intercepts in the text are no longer all transient. */
		WRITE_ONCE(hv_vsm_vtl1_text_exec, false);
		pr_crit("PATCH_TEXT: kernel text pages may stay without execute\n");
	}
	WRITE_ONCE(hv_vsm_vtl1_patching, false);
out:
	for (i = 0; maps && i < npfns && maps[i]; i++)
		hv_vsm_vtl1_unmap_vtl0_page(maps[i]);
	kfree(maps);
	kfree(runs);
	kfree(masks);
	kfree(pfns);
	return ret;
}

/**
 * hv_vsm_vtl1_patch_text() - PATCH_TEXT
 * @list_pa: GPA of a page of &struct hv_vsm_text_patch
 * @count: number of changes in it
 * @unused: 0
 *
 * Copies the changes into VTL1, checks them all, then writes them all.
 *
 * Context: the VTL call dispatcher, state lock held: batches never
 * interleave.
 * Return: 0; -EINVAL for 0 changes, an unaligned page, a length outside 1
 * to HV_VSM_TEXT_PATCH_MAX, bytes set past it, or changes that overlap;
 * -E2BIG for more changes than a page holds; the errno of
 * hv_vsm_vtl1_check_vtl0_range() for the page; -ENOENT for an address
 * that is not a declared site (all, before LOAD_KDATA); -EACCES for a
 * site VTL0 may write or not run, or while any page of the kernel text
 * is so; -EPERM for bytes the site may not take; -ENOMEM, -EIO or
 * -ENOTRECOVERABLE from the protection change. Nothing is written unless
 * every change is valid.
 */
long hv_vsm_vtl1_patch_text(u64 list_pa, u64 count, u64 unused)
{
	struct hv_vsm_text_patch *p;
	unsigned int i, j;
	int ret;

	if (!count)
		return -EINVAL;
	if (count > HV_VSM_TEXT_PATCHES_PER_PAGE)
		return -E2BIG;
	ret = hv_vsm_vtl1_check_vtl0_range(list_pa, list_pa + HV_VSM_PAGE_SIZE);
	if (ret)
		return ret;
	p = kmalloc(HV_VSM_PAGE_SIZE, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	ret = hv_vsm_vtl1_copy_in(p, list_pa, list_pa + HV_VSM_PAGE_SIZE);
	if (ret)
		goto out;

	for (i = 0; i < count; i++) {
		if (!p[i].len || p[i].len > HV_VSM_TEXT_PATCH_MAX) {
			ret = -EINVAL;
			goto out;
		}
		for (j = p[i].len; j < HV_VSM_TEXT_PATCH_MAX; j++) {
			if (p[i].bytes[j]) {
				ret = -EINVAL;
				goto out;
			}
		}
	}
	for (i = 0; i < count; i++) {
		if (!hv_vsm_vtl1_in_kernel_text(p[i].va, p[i].len)) {
			ret = -ENOENT;
			goto out;
		}
	}
	/* Protections no longer known: no site can be checked. */
	if (!hv_vsm_vtl1_prot_exact()) {
		ret = -ENOTRECOVERABLE;
		goto out;
	}
	/*
	 * Execute intercepts in the text are retried only while all of it
	 * is sealed text; the text is written only then.
	 */
	if (!READ_ONCE(hv_vsm_vtl1_text_exec)) {
		if (!hv_vsm_vtl1_text_sealed()) {
			ret = -EACCES;
			goto out;
		}
		WRITE_ONCE(hv_vsm_vtl1_text_exec, true);
	}
	sort(p, count, sizeof(*p), hv_vsm_vtl1_cmp_patch, NULL);
	for (i = 1; i < count; i++) {
		if (p[i - 1].va + p[i - 1].len > p[i].va) {
			ret = -EINVAL;
			goto out;
		}
	}
	for (i = 0; i < count && !ret; i++)
		ret = hv_vsm_vtl1_check_patch(&p[i]);
	if (!ret)
		ret = hv_vsm_vtl1_apply_patches(p, count);
out:
	kfree(p);
	return ret;
}
