// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): VTL0's symbols.
 *
 * A module's undefined symbols are resolved against VTL0's export tables
 * as they were when VTL0 sent its read-only data at LOAD_KDATA, before the
 * end of boot: the copy VTL1 keeps, never VTL0's memory. The tables hold
 * entries of three 32-bit offsets (value, name, namespace), each relative
 * to its own address (CONFIG_HAVE_ARCH_PREL32_RELOCATIONS, which x86-64
 * always has), sorted by name; GPL-only exports are in the same table,
 * marked in a table of flags that VTL1 does not need.
 *
 * The addresses of VTL0's symbol table (kallsyms: functions, and with
 * CONFIG_KALLSYMS_ALL data too) tell where a function of the kernel text
 * begins; the table is a sorted array of 32-bit offsets, each relative to
 * its own address.
 */

#include <linux/errno.h>
#include <linux/string.h>
#include <hyperv/hv_vsm.h>

#include "vtl1.h"

/* An entry of VTL0's __ksymtab, as include/linux/export-internal.h emits. */
struct hv_vsm_vtl1_ksym {
	s32 value;
	s32 name;
	s32 ns;
};

/* VTL0's read-only data, its address in VTL0, and the table in it. */
static struct {
	const void *rodata;
	size_t size;
	u64 va;
	u64 start;
	size_t n;
	u64 percpu;
	u64 percpu_end;
	u64 kallsyms;
	size_t kallsyms_n;
} hv_vsm_vtl1_ksyms;

/* The VTL1 address of VTL0 address @va, if [@va, @va + @len) is in .rodata. */
static const void *hv_vsm_vtl1_rodata_ptr(u64 va, size_t len)
{
	u64 off = va - hv_vsm_vtl1_ksyms.va;

	if (va < hv_vsm_vtl1_ksyms.va || off > hv_vsm_vtl1_ksyms.size ||
	    len > hv_vsm_vtl1_ksyms.size - off)
		return NULL;
	return hv_vsm_vtl1_ksyms.rodata + off;
}

/**
 * hv_vsm_vtl1_ksyms_init() - Find VTL0's export tables in its .rodata
 * @info: the KERNEL_INFO kernel data, NULL to forget the tables
 * @rodata: VTL1's copy of VTL0's .rodata
 * @size: its size
 *
 * Context: LOAD_KDATA.
 * Return: 0, or -EINVAL if a table is not inside @rodata or not made of
 * whole entries (the tables are forgotten then).
 */
int hv_vsm_vtl1_ksyms_init(const struct hv_vsm_kernel_info *info,
			   const void *rodata, size_t size)
{
	u64 len = info ? info->ksymtab_end - info->ksymtab : 0;
	u64 klen = info ? info->kallsyms_offsets_end - info->kallsyms_offsets : 0;

	memset(&hv_vsm_vtl1_ksyms, 0, sizeof(hv_vsm_vtl1_ksyms));
	if (!info)
		return 0;
	hv_vsm_vtl1_ksyms.rodata = rodata;
	hv_vsm_vtl1_ksyms.size = size;
	hv_vsm_vtl1_ksyms.va = info->rodata;
	if (info->ksymtab_end < info->ksymtab ||
	    len % sizeof(struct hv_vsm_vtl1_ksym) ||
	    !hv_vsm_vtl1_rodata_ptr(info->ksymtab, len) ||
	    info->kallsyms_offsets_end < info->kallsyms_offsets ||
	    klen % sizeof(s32) ||
	    (klen && !hv_vsm_vtl1_rodata_ptr(info->kallsyms_offsets, klen))) {
		memset(&hv_vsm_vtl1_ksyms, 0, sizeof(hv_vsm_vtl1_ksyms));
		return -EINVAL;
	}
	hv_vsm_vtl1_ksyms.kallsyms = info->kallsyms_offsets;
	hv_vsm_vtl1_ksyms.kallsyms_n = klen / sizeof(s32);
	hv_vsm_vtl1_ksyms.start = info->ksymtab;
	hv_vsm_vtl1_ksyms.n = len / sizeof(struct hv_vsm_vtl1_ksym);
	if (info->percpu_modules <= info->percpu_modules_end) {
		hv_vsm_vtl1_ksyms.percpu = info->percpu_modules;
		hv_vsm_vtl1_ksyms.percpu_end = info->percpu_modules_end;
	}
	return 0;
}

/**
 * hv_vsm_vtl1_percpu_ok() - Whether module per-CPU data may be at an address
 * @va: the per-CPU address VTL0 gave the module's per-CPU section
 * @size: its size
 *
 * Return: true if [@va, @va + @size) lies in the area VTL0's kernel keeps
 * for module per-CPU data, as it said before the end of boot.
 */
bool hv_vsm_vtl1_percpu_ok(u64 va, u64 size)
{
	return va >= hv_vsm_vtl1_ksyms.percpu &&
	       size <= hv_vsm_vtl1_ksyms.percpu_end - va &&
	       va < hv_vsm_vtl1_ksyms.percpu_end;
}

/* The name of the entry at VTL0 address @va, or NULL if outside .rodata. */
static const char *hv_vsm_vtl1_ksym_name(u64 va, const struct hv_vsm_vtl1_ksym *e)
{
	u64 name_va = va + offsetof(struct hv_vsm_vtl1_ksym, name) + e->name;
	const char *name = hv_vsm_vtl1_rodata_ptr(name_va, 1);
	size_t room;

	if (!name)
		return NULL;
	room = hv_vsm_vtl1_ksyms.rodata + hv_vsm_vtl1_ksyms.size - (void *)name;
	return memchr(name, 0, room) ? name : NULL;
}

/**
 * hv_vsm_vtl1_ksym_lookup() - The VTL0 address of an exported symbol
 * @name: its name
 * @value: where the address goes
 *
 * Return: 0, or -ENOENT if VTL0 does not export it (or no tables were
 * loaded).
 */
int hv_vsm_vtl1_ksym_lookup(const char *name, u64 *value)
{
	size_t lo = 0, hi = hv_vsm_vtl1_ksyms.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		u64 va = hv_vsm_vtl1_ksyms.start +
			 mid * sizeof(struct hv_vsm_vtl1_ksym);
		const struct hv_vsm_vtl1_ksym *e =
			hv_vsm_vtl1_rodata_ptr(va, sizeof(*e));
		const char *sym = hv_vsm_vtl1_ksym_name(va, e);
		int cmp;

		if (!sym)
			return -ENOENT;
		cmp = strcmp(name, sym);
		if (!cmp) {
			*value = va + offsetof(struct hv_vsm_vtl1_ksym, value) +
				 e->value;
			return 0;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -ENOENT;
}

/* The VTL0 address of symbol @i of VTL0's symbol table. */
static u64 hv_vsm_vtl1_kallsyms_addr(size_t i)
{
	u64 va = hv_vsm_vtl1_ksyms.kallsyms + i * sizeof(s32);
	const s32 *off = hv_vsm_vtl1_rodata_ptr(va, sizeof(*off));

	return va + *off;
}

/**
 * hv_vsm_vtl1_ksym_is_start() - Whether a symbol of VTL0 begins at an address
 * @va: the VTL0 virtual address
 *
 * Looks @va up in VTL0's symbol table as it was at LOAD_KDATA. In the
 * kernel text, these are the entries of functions, plus a few assembly
 * labels inside them; the caller checks @va is in the text.
 *
 * Return: true if a symbol starts at @va; false if none does, or without
 * a symbol table.
 */
bool hv_vsm_vtl1_ksym_is_start(u64 va)
{
	size_t lo = 0, hi = hv_vsm_vtl1_ksyms.kallsyms_n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		u64 addr = hv_vsm_vtl1_kallsyms_addr(mid);

		if (addr == va)
			return true;
		if (addr < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}
