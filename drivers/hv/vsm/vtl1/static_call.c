// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): static calls of VTL0's kernel text.
 *
 * A static call is a call (or a tail call) compiled into the kernel text,
 * which the kernel retargets at run time. The sealed kernel declared its
 * call sites in its static call site table, in the read-only data copied
 * at LOAD_KDATA, and its trampolines, 8 bytes each, in a section of the
 * kernel text. PATCH_TEXT rewrites one of those only with an instruction
 * the kernel's own static call code (arch/x86/kernel/static_call.c) would
 * write there:
 *
 * - a call site: the call to a function, the 5-byte NOP, or one of the
 *   5-byte instructions that stand in for calls to __static_call_return0(),
 *   __WARN_trap() and the native queued spinlock unlock (as good as calls
 *   to those functions);
 * - a tail call site or a trampoline: the jump to a function, or the return
 *   (RET and INT3 padding); a tail call site built as a conditional jump
 *   keeps its condition and only changes its target.
 *
 * A function is where a symbol of VTL0's symbol table starts in the kernel
 * text. That is as strong as the check gets: VTL1 cannot tell the type of
 * the function (there is no kCFI hash to compare without CONFIG_CFI), so
 * any function of the sealed text may be the target of any static call,
 * and the few assembly labels with a symbol inside functions pass too.
 * Nor does VTL1 know whether the kernel uses return thunks: a bare return
 * is accepted where the kernel would jump to its return thunk. Bytes that
 * are no such instruction (a lone INT3, a branch to an address without a
 * symbol, outside the kernel text or into data) are refused.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/bsearch.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/static_call.h>
#include <linux/string.h>
#include <linux/text-patching.h>
#include <linux/unaligned.h>
#include <asm/nops.h>
#include <hyperv/hv_vsm.h>

#include "vtl1.h"

static const u8 hv_vsm_nop5[CALL_INSN_SIZE] = { BYTES_NOP5 };
static const u8 hv_vsm_ret[CALL_INSN_SIZE] = {
	RET_INSN_OPCODE, INT3_INSN_OPCODE, INT3_INSN_OPCODE,
	INT3_INSN_OPCODE, INT3_INSN_OPCODE
};

/* A trampoline built without a target, before its first update. */
static const u8 hv_vsm_ret_nop[CALL_INSN_SIZE] = {
	RET_INSN_OPCODE, INT3_INSN_OPCODE, BYTES_NOP1, BYTES_NOP1, BYTES_NOP1
};

static const u8 hv_vsm_xor5rax[CALL_INSN_SIZE] = STATIC_CALL_XOR5RAX_INSN;
static const u8 hv_vsm_warn[CALL_INSN_SIZE] = STATIC_CALL_WARN_INSN;
static const u8 hv_vsm_unlock[CALL_INSN_SIZE] = STATIC_CALL_UNLOCK64_INSN;
static const u8 hv_vsm_tramp_ud[] = STATIC_CALL_TRAMP_UD_INSN;

static_assert(CALL_INSN_SIZE + sizeof(hv_vsm_tramp_ud) ==
	      HV_VSM_STATIC_CALL_TRAMP_SIZE);

/* A call site of the sealed kernel; tail calls are jumps. */
struct hv_vsm_vtl1_sc_site {
	u64 va;
	bool tail;
};

/* Set once by LOAD_KDATA, before the end of boot. */
static struct hv_vsm_vtl1_sc_site *hv_vsm_vtl1_sc_sites;
static size_t hv_vsm_vtl1_nr_sc_sites;
static u64 hv_vsm_vtl1_tramps, hv_vsm_vtl1_tramps_end;

static int hv_vsm_vtl1_cmp_sc_site(const void *a, const void *b)
{
	const struct hv_vsm_vtl1_sc_site *sa = a, *sb = b;

	return cmp_int(sa->va, sb->va);
}

/*
 * Whether every 8-byte slot of [@start, @end) in the kernel text is a
 * trampoline, ending in its signature: then no other address in there
 * can pass for one.
 */
static bool hv_vsm_vtl1_tramps_valid(u64 start, u64 end)
{
	u8 slot[HV_VSM_STATIC_CALL_TRAMP_SIZE];
	u64 va;

	if (end < start || (end - start) % sizeof(slot) ||
	    !hv_vsm_vtl1_in_kernel_text(start, end - start))
		return false;
	for (va = start; va < end; va += sizeof(slot)) {
		if (hv_vsm_vtl1_text_read_va(va, slot, sizeof(slot)) ||
		    memcmp(slot + CALL_INSN_SIZE, hv_vsm_tramp_ud,
			   sizeof(hv_vsm_tramp_ud)))
			return false;
	}
	return true;
}

/**
 * hv_vsm_vtl1_static_call_init() - Take the static calls of LOAD_KDATA
 * @info: the kernel information, NULL to forget the static calls
 * @rodata: VTL1's copy of VTL0's read-only data, which has the site table
 * @size: its size
 *
 * Keeps the call sites that lie in the kernel text (those in init text are
 * gone) of keys the kernel can update (not those in read-only-after-init
 * data, DEFINE_STATIC_CALL_NULL_RO()), and the trampolines if their
 * section is made of trampolines only. Trampolines have no key VTL1 can
 * find: those of read-only keys stay changeable, though no call site of
 * the kernel calls them once the sites were patched at boot.
 *
 * Context: LOAD_KDATA, after hv_vsm_vtl1_text_init() took the text; state
 * lock held.
 * Return: 0; -EINVAL for a site table outside @rodata or not made of
 * whole entries; -ENOMEM.
 */
int hv_vsm_vtl1_static_call_init(const struct hv_vsm_kernel_info *info,
				 const void *rodata, size_t size)
{
	const struct hv_vsm_static_call_site *e;
	struct hv_vsm_vtl1_sc_site *sites;
	size_t i, n = 0, nr;

	kvfree(hv_vsm_vtl1_sc_sites);
	hv_vsm_vtl1_sc_sites = NULL;
	hv_vsm_vtl1_nr_sc_sites = 0;
	hv_vsm_vtl1_tramps = 0;
	hv_vsm_vtl1_tramps_end = 0;
	if (!info)
		return 0;
	e = hv_vsm_vtl1_kdata_table(info, info->static_call_sites,
				    info->static_call_sites_end, sizeof(*e),
				    rodata, size, &nr);
	if (IS_ERR(e))
		return PTR_ERR(e);

	if (info->static_call_tramps != info->static_call_tramps_end) {
		if (hv_vsm_vtl1_tramps_valid(info->static_call_tramps,
					     info->static_call_tramps_end)) {
			hv_vsm_vtl1_tramps = info->static_call_tramps;
			hv_vsm_vtl1_tramps_end = info->static_call_tramps_end;
		} else {
			pr_warn("static call trampolines not recognised, never changed\n");
		}
	}

	if (!nr)
		return 0;
	sites = kvmalloc_array(nr, sizeof(*sites), GFP_KERNEL);
	if (!sites)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		u64 entry = info->static_call_sites + i * sizeof(*e);
		u64 key = entry + offsetof(struct hv_vsm_static_call_site, key) +
			  (e[i].key & ~(s32)HV_VSM_STATIC_CALL_SITE_FLAGS);
		struct hv_vsm_vtl1_sc_site s = {
			.va = entry + offsetof(struct hv_vsm_static_call_site, addr) +
			      e[i].addr,
			.tail = e[i].key & HV_VSM_STATIC_CALL_SITE_TAIL,
		};

		if (hv_vsm_vtl1_ro_key(info, key))
			continue;
		if (!(e[i].key & HV_VSM_STATIC_CALL_SITE_INIT) &&
		    hv_vsm_vtl1_in_kernel_text(s.va, CALL_INSN_SIZE))
			sites[n++] = s;
	}
	sort(sites, n, sizeof(*sites), hv_vsm_vtl1_cmp_sc_site, NULL);
	hv_vsm_vtl1_sc_sites = sites;
	hv_vsm_vtl1_nr_sc_sites = n;
	pr_info("%zu static call sites of %zu, %llu trampolines in the kernel text\n",
		n, nr, (hv_vsm_vtl1_tramps_end - hv_vsm_vtl1_tramps) /
		HV_VSM_STATIC_CALL_TRAMP_SIZE);
	return 0;
}

static int hv_vsm_vtl1_cmp_sc_va(const void *key, const void *elt)
{
	const struct hv_vsm_vtl1_sc_site *site = elt;

	return cmp_int(*(const u64 *)key, site->va);
}

/* The site at @va, or NULL. */
static const struct hv_vsm_vtl1_sc_site *hv_vsm_vtl1_find_sc_site(u64 va)
{
	return bsearch(&va, hv_vsm_vtl1_sc_sites, hv_vsm_vtl1_nr_sc_sites,
		       sizeof(*hv_vsm_vtl1_sc_sites), hv_vsm_vtl1_cmp_sc_va);
}

/* Whether @va is the first byte of a trampoline. */
static bool hv_vsm_vtl1_is_tramp(u64 va)
{
	return va >= hv_vsm_vtl1_tramps && va < hv_vsm_vtl1_tramps_end &&
	       !((va - hv_vsm_vtl1_tramps) % HV_VSM_STATIC_CALL_TRAMP_SIZE);
}

/**
 * hv_vsm_vtl1_static_call_site() - Whether a static call is at an address
 * @va: VTL0 virtual address
 *
 * Return: true if the sealed kernel declared a static call site or a
 * trampoline at @va.
 */
bool hv_vsm_vtl1_static_call_site(u64 va)
{
	return hv_vsm_vtl1_find_sc_site(va) || hv_vsm_vtl1_is_tramp(va);
}

/* Whether a function of the sealed kernel text starts at @va. */
static bool hv_vsm_vtl1_is_function(u64 va)
{
	return hv_vsm_vtl1_in_kernel_text(va, 1) && hv_vsm_vtl1_ksym_is_start(va);
}

/*
 * Whether the @size bytes @insn at @va are a call, jump or conditional
 * jump (@op, one or two opcode bytes) to a function of the kernel text.
 */
static bool hv_vsm_vtl1_branch_to_function(const u8 *insn, unsigned int size,
					   u64 va, const u8 *op,
					   unsigned int oplen)
{
	s32 rel;

	if (memcmp(insn, op, oplen))
		return false;
	rel = (s32)get_unaligned_le32(insn + oplen);
	return hv_vsm_vtl1_is_function(va + size + rel);
}

/* Whether a Jcc.d32 (0x0f 0x8X) is at @insn. */
static bool hv_vsm_vtl1_is_jcc(const u8 *insn)
{
	return insn[0] == 0x0f && (insn[1] & 0xf0) == 0x80;
}

/*
 * What a call site may hold: a call (@target to a function), the NOP, or
 * a stand-in for a call to a function, which is as good as the call.
 */
static bool hv_vsm_vtl1_call_form(const u8 *insn, u64 va, bool target)
{
	static const u8 call = CALL_INSN_OPCODE;

	if (!memcmp(insn, hv_vsm_nop5, CALL_INSN_SIZE) ||
	    !memcmp(insn, hv_vsm_xor5rax, CALL_INSN_SIZE) ||
	    !memcmp(insn, hv_vsm_warn, CALL_INSN_SIZE) ||
	    !memcmp(insn, hv_vsm_unlock, CALL_INSN_SIZE))
		return true;
	if (!target)
		return insn[0] == call;
	return hv_vsm_vtl1_branch_to_function(insn, CALL_INSN_SIZE, va, &call, 1);
}

/*
 * What a tail call site or a trampoline may hold: a jump (@target to a
 * function), or the return.
 */
static bool hv_vsm_vtl1_jump_form(const u8 *insn, u64 va, bool target)
{
	static const u8 jmp = JMP32_INSN_OPCODE;

	if (!memcmp(insn, hv_vsm_ret, CALL_INSN_SIZE))
		return true;
	if (!target)
		return insn[0] == jmp;
	return hv_vsm_vtl1_branch_to_function(insn, JMP32_INSN_SIZE, va, &jmp, 1);
}

/**
 * hv_vsm_vtl1_static_call_check() - Check a change of a static call
 * @p: the change
 * @cur: the bytes at @p->va now, from sealed kernel text
 * @len: their number, at least %HV_VSM_STATIC_CALL_TRAMP_SIZE unless the
 *       text ends before
 *
 * The bytes there now are sealed text, which only the kernel before the
 * end of boot and VTL1 wrote: they tell the kind of the site (call, jump,
 * conditional jump) whatever their target.
 *
 * Context: PATCH_TEXT, state lock held; @p->va is a call site or a
 * trampoline (hv_vsm_vtl1_static_call_site()).
 * Return: 0 if @p is an instruction the kernel writes at the call site or
 * trampoline at @p->va; -EPERM if it holds an instruction of no kind the
 * kernel writes there, or @p is not one it may take.
 */
int hv_vsm_vtl1_static_call_check(const struct hv_vsm_text_patch *p,
				  const u8 *cur, size_t len)
{
	const struct hv_vsm_vtl1_sc_site *s = hv_vsm_vtl1_find_sc_site(p->va);
	u8 jcc[2];

	if (s && !s->tail) {
		if (!hv_vsm_vtl1_call_form(cur, p->va, false))
			return -EPERM;
		return p->len == CALL_INSN_SIZE &&
		       hv_vsm_vtl1_call_form(p->bytes, p->va, true) ? 0 : -EPERM;
	}
	if (s) {
		if (len > CALL_INSN_SIZE && hv_vsm_vtl1_is_jcc(cur)) {
			/* The condition stays; the target is a function. */
			memcpy(jcc, cur, sizeof(jcc));
			return p->len == CALL_INSN_SIZE + 1 &&
			       hv_vsm_vtl1_branch_to_function(p->bytes, p->len,
							      p->va, jcc,
							      sizeof(jcc)) ?
			       0 : -EPERM;
		}
	} else if (len < HV_VSM_STATIC_CALL_TRAMP_SIZE ||
		   memcmp(cur + CALL_INSN_SIZE, hv_vsm_tramp_ud,
			  sizeof(hv_vsm_tramp_ud))) {
		return -EPERM;
	} else if (!memcmp(cur, hv_vsm_ret_nop, CALL_INSN_SIZE)) {
		cur = hv_vsm_ret;
	}
	if (!hv_vsm_vtl1_jump_form(cur, p->va, false))
		return -EPERM;
	return p->len == JMP32_INSN_SIZE &&
	       hv_vsm_vtl1_jump_form(p->bytes, p->va, true) ? 0 : -EPERM;
}
