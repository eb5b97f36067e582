/*
 * Hyper-V/VSM emulation for TCG.
 *
 * Guest-physical page protections of VTL 0 (ModifyVtlProtectionMask,
 * tlb_fill checks) and TranslateVirtualAddress.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "exec/exec-all.h"
#include "exec/cputlb.h"
#include "exec/address-spaces.h"
#include "exec/memory.h"
#include "hv-vsm-internal.h"
#include "trace.h"

/* Protection table entries: bit 7 = explicitly set, bits 3:0 = mask */
#define HV_PROT_SET                     0x80

static bool gpa_is_ram(hwaddr gpa)
{
    MemoryRegion *mr;
    hwaddr xlat, len = 1;
    bool ram;

    RCU_READ_LOCK_GUARD();
    mr = address_space_translate(&address_space_memory, gpa, &xlat, &len,
                                 false, MEMTXATTRS_UNSPECIFIED);
    ram = memory_region_is_ram(mr) && !memory_region_is_rom(mr);
    return ram;
}

/*
 * vsm.md, Default Protection Mask: the default applies "to all currently
 * mapped pages, and any future hot-added pages", so every GFN that VTL 1
 * did not set has it, whatever its address: boot RAM, RAM added later,
 * device memory and holes alike.
 */
static uint8_t prot_lookup(uint64_t gfn)
{
    uint8_t e;

    if (gfn < vsm_part.prot_gfns) {
        e = qatomic_read(&vsm_part.prot[gfn]);
    } else {
        qemu_mutex_lock(&vsm_part.prot_lock);
        e = GPOINTER_TO_UINT(g_hash_table_lookup(vsm_part.prot_hi,
                                                 (gpointer)(uintptr_t)gfn));
        qemu_mutex_unlock(&vsm_part.prot_lock);
    }
    return (e & HV_PROT_SET) ? (e & HV_MAP_GPA_PERMISSIONS_MASK)
                             : vsm_part.default_mask;
}

static void prot_set(uint64_t gfn, uint8_t mask)
{
    if (gfn < vsm_part.prot_gfns) {
        qatomic_set(&vsm_part.prot[gfn], HV_PROT_SET | mask);
        return;
    }
    qemu_mutex_lock(&vsm_part.prot_lock);
    g_hash_table_insert(vsm_part.prot_hi, (gpointer)(uintptr_t)gfn,
                        GUINT_TO_POINTER(HV_PROT_SET | mask));
    qemu_mutex_unlock(&vsm_part.prot_lock);
}

bool vsm_vtl0_mbec(HvVsmVp *vp)
{
    return vsm_part.mbec &&
           (vp->vtl[1].secure_config_vtl0 & HV_VSM_VP_CFG_MBEC);
}

/*
 * May @vtl of @vp read (or write) [@gpa, @gpa + @len) under the VTL
 * protections?  For the accesses the hypervisor makes on a VTL's behalf
 * (hypercall input and output, hypercall page, SynIC pages): they are
 * checked as the VTL's own would be.  VTL 1 has no protections.
 */
bool vsm_vtl_gpa_access(HvVsmVp *vp, int vtl, hwaddr gpa, hwaddr len,
                        bool write, const char *what)
{
    uint8_t need = write ? HV_MAP_GPA_WRITABLE : HV_MAP_GPA_READABLE;
    hwaddr page, last = gpa + len - 1;

    if (vtl != 0 || !qatomic_read(&vsm_part.protection_enabled) || !len) {
        return true;
    }
    if (last < gpa) {
        /* wraps at the top of the address space: no such range */
        trace_hv_vsm_vtl_access_denied(vp->vp_index, vtl, gpa, write, what);
        return false;
    }
    for (page = gpa & TARGET_PAGE_MASK; ; page += TARGET_PAGE_SIZE) {
        if (!(prot_lookup(page >> TARGET_PAGE_BITS) & need)) {
            trace_hv_vsm_vtl_access_denied(vp->vp_index, vtl,
                                           MAX(page, gpa), write, what);
            return false;
        }
        if (page >= (last & TARGET_PAGE_MASK)) {
            return true;
        }
    }
}

static int mask_to_prot(HvVsmVp *vp, uint8_t mask, bool user)
{
    int p = 0;
    bool x;

    if (mask & HV_MAP_GPA_READABLE) {
        p |= PAGE_READ;
    }
    if (mask & HV_MAP_GPA_WRITABLE) {
        p |= PAGE_WRITE;
    }
    if (user && vsm_vtl0_mbec(vp)) {
        x = mask & HV_MAP_GPA_USER_EXECUTABLE;
    } else {
        x = mask & HV_MAP_GPA_KERNEL_EXECUTABLE;
    }
    return x ? p | PAGE_EXEC : p;
}

bool hv_vsm_check_gpa(CPUX86State *env, vaddr addr, hwaddr paddr, int *prot,
                      MMUAccessType access_type, int mmu_idx, bool probe,
                      uintptr_t retaddr)
{
    HvVsmVp *vp = env_archcpu(env)->hv_vsm;
    bool user = mmu_idx == MMU_USER64_IDX || mmu_idx == MMU_USER32_IDX;
    uint8_t mask;

    if (!qatomic_read(&vsm_part.protection_enabled) || !vp ||
        vp->active_vtl != 0 || mmu_idx == MMU_PHYS_IDX ||
        mmu_idx == MMU_NESTED_IDX) {
        return true;
    }
    mask = prot_lookup(paddr >> TARGET_PAGE_BITS);
    *prot &= mask_to_prot(vp, mask, user);
    if (*prot & (1 << access_type)) {
        return true;
    }
    if (probe) {
        return false;
    }

    vsm_gpa_intercept(vp, access_type, addr, paddr, retaddr);
}

static bool valid_vtl_mask(uint32_t flags)
{
    uint32_t m = flags & HV_MAP_GPA_PERMISSIONS_MASK;
    bool kx = m & HV_MAP_GPA_KERNEL_EXECUTABLE;
    bool ux = m & HV_MAP_GPA_USER_EXECUTABLE;

    if (flags == HV_MAP_GPA_NO_ACCESS) {
        return true;
    }
    if (flags & ~HV_MAP_GPA_PERMISSIONS_MASK) {
        return false;
    }
    if (m && !(m & HV_MAP_GPA_READABLE)) {
        return false;               /* anything else needs read */
    }
    if (kx != ux) {
        return vsm_part.mbec && ux;     /* KX without UX is never valid */
    }
    return true;
}

uint16_t vsm_hc_modify_vtl_protection_mask(HvCallCtx *c)
{
    const HvInputModifyVtlProtectionMask *in = (const void *)c->in;
    uint32_t flags = le32_to_cpu(in->map_flags);
    int vtl = vsm_input_vtl(c, in->target_vtl);
    uint8_t mask;

    if (le64_to_cpu(in->partition_id) != HV_PARTITION_ID_SELF) {
        return HV_STATUS_INVALID_PARTITION_ID;
    }
    if (vtl < 0 || vtl == 0 || !buffer_is_zero(in->rsvd, sizeof(in->rsvd))) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    if (vtl > c->vtl) {
        return HV_STATUS_ACCESS_DENIED;
    }
    if (!vsm_part.protection_enabled) {
        return HV_STATUS_ACCESS_DENIED;
    }
    if (!valid_vtl_mask(flags)) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    mask = flags == HV_MAP_GPA_NO_ACCESS ? 0 : flags;
    while (c->reps_done < c->rep_count) {
        uint64_t gfn = le64_to_cpu(in->gpa_page_list[c->reps_done]);

        if (gfn >= (1ULL << (64 - TARGET_PAGE_BITS)) ||
            !gpa_is_ram(gfn << TARGET_PAGE_BITS)) {
            vsm_flush_all_tlbs(c);
            return HV_STATUS_INVALID_PARAMETER;
        }
        prot_set(gfn, mask);
        trace_hv_vsm_protect(gfn, mask);
        c->reps_done++;
    }
    vsm_flush_all_tlbs(c);
    return HV_STATUS_SUCCESS;
}

/* Paging state of a VTL of the calling VP (active or saved). */
typedef struct PagingState {
    uint64_t cr0, cr3, cr4, efer;
} PagingState;

/*
 * Walk @vtl's page tables for @gva.  The walk reads the page tables on
 * @vtl's behalf: a page-table page that VTL may not read (VTL 1's
 * protections of VTL 0) ends it with GPA_NO_READ.  SET_PAGE_TABLE_BITS
 * sets the accessed bits of the entries used (and the leaf's dirty bit
 * for VALIDATE_WRITE) once the translation succeeded, as the processor
 * would; if one of them lies in a page that VTL may not write, none is
 * set and the result is GPA_NO_WRITE.
 */
static uint32_t translate_gva(HvVsmVp *vp, int vtl, const PagingState *ps,
                              uint64_t gva, uint64_t flags, uint64_t *gpa)
{
    uint64_t ent_gpa[5], ent_val[5], ent_set[5];
    int nent = 0, i;
    bool user = flags & HV_TRANSLATE_USER_ACCESS;
    bool wr = flags & HV_TRANSLATE_VALIDATE_WRITE;
    bool ex = flags & HV_TRANSLATE_VALIDATE_EXECUTE;
    bool exempt = flags & HV_TRANSLATE_PRIVILEGE_EXEMPT;
    bool nxe = ps->efer & MSR_EFER_NXE;
    bool wp = ps->cr0 & CR0_WP_MASK;
    uint64_t table, e = 0, rw = 1, us = 1, nx = 0;
    int level, levels, shift;

    if (!(ps->cr0 & CR0_PG_MASK)) {
        *gpa = gva;
        goto check_gpa;
    }
    if (!(ps->efer & MSR_EFER_LMA)) {
        /* Only long-mode paging is translated here. */
        return HV_TRANSLATE_PAGE_NOT_PRESENT;
    }
    levels = (ps->cr4 & CR4_LA57_MASK) ? 5 : 4;
    table = ps->cr3 & 0x000ffffffffff000ULL;
    for (level = levels; level >= 1; level--) {
        shift = 12 + 9 * (level - 1);
        ent_gpa[nent] = table + ((gva >> shift) & 0x1ff) * 8;
        if (!vsm_vtl_gpa_access(vp, vtl, ent_gpa[nent], 8, false,
                                "page walk")) {
            return HV_TRANSLATE_GPA_NO_READ;
        }
        if (!vsm_gpa_read(vp, ent_gpa[nent], &e, 8)) {
            return HV_TRANSLATE_GPA_UNMAPPED;
        }
        e = le64_to_cpu(e);
        if (!(e & PG_PRESENT_MASK)) {
            return HV_TRANSLATE_PAGE_NOT_PRESENT;
        }
        ent_val[nent] = e;
        ent_set[nent++] = PG_ACCESSED_MASK;
        rw &= !!(e & PG_RW_MASK);
        us &= !!(e & PG_USER_MASK);
        nx |= nxe && (e & PG_NX_MASK);
        if (level == 1 || (level <= 3 && (e & PG_PSE_MASK))) {
            uint64_t off = gva & ((1ULL << shift) - 1);

            *gpa = (e & 0x000ffffffffff000ULL & ~((1ULL << shift) - 1)) | off;
            break;
        }
        table = e & 0x000ffffffffff000ULL;
    }
    if (!exempt) {
        if (user && !us) {
            return HV_TRANSLATE_PRIVILEGE_VIOLATION;
        }
        if (wr && !rw && (user || wp)) {
            return HV_TRANSLATE_PRIVILEGE_VIOLATION;
        }
        if (ex && nx) {
            return HV_TRANSLATE_PRIVILEGE_VIOLATION;
        }
        if (ex && !user && us && (ps->cr4 & CR4_SMEP_MASK)) {
            return HV_TRANSLATE_PRIVILEGE_VIOLATION;
        }
    }
    if ((flags & HV_TRANSLATE_SET_PAGE_TABLE_BITS) && nent) {
        if (wr) {
            ent_set[nent - 1] |= PG_DIRTY_MASK;
        }
        for (i = 0; i < nent; i++) {
            if ((ent_val[i] & ent_set[i]) != ent_set[i] &&
                !vsm_vtl_gpa_access(vp, vtl, ent_gpa[i], 8, true,
                                    "page walk A/D")) {
                return HV_TRANSLATE_GPA_NO_WRITE;
            }
        }
        for (i = 0; i < nent; i++) {
            if ((ent_val[i] & ent_set[i]) != ent_set[i]) {
                e = cpu_to_le64(ent_val[i] | ent_set[i]);
                vsm_gpa_write(vp, ent_gpa[i], &e, 8);
            }
        }
    }
check_gpa:
    if (!gpa_is_ram(*gpa & TARGET_PAGE_MASK)) {
        return HV_TRANSLATE_GPA_UNMAPPED;
    }
    return HV_TRANSLATE_SUCCESS;
}

uint16_t vsm_hc_translate_virtual_address(HvCallCtx *c)
{
    const HvInputTranslateVirtualAddress *in = (const void *)c->in;
    HvOutputTranslateVirtualAddress *out = (void *)c->out;
    HvVsmVp *vp = vsm_target_vp(c, le32_to_cpu(in->vp_index));
    uint64_t flags = le64_to_cpu(in->control_flags);
    uint64_t gva = le64_to_cpu(in->gva_page) << TARGET_PAGE_BITS;
    int vtl = vsm_input_vtl(c, flags >> HV_TRANSLATE_INPUT_VTL_SHIFT);
    PagingState ps;
    uint64_t gpa = 0;
    uint32_t result;

    if (le64_to_cpu(in->partition_id) != HV_PARTITION_ID_SELF) {
        return HV_STATUS_INVALID_PARTITION_ID;
    }
    if (!vp) {
        return HV_STATUS_INVALID_VP_INDEX;
    }
    if (vtl < 0 || in->rsvd ||
        (flags & ~HV_TRANSLATE_FLAGS_SUPPORTED &
         ~(0xffULL << HV_TRANSLATE_INPUT_VTL_SHIFT))) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    if (vtl > c->vtl) {
        return HV_STATUS_ACCESS_DENIED;
    }
    if (vp != c->vp) {
        return HV_STATUS_INVALID_VP_STATE;
    }
    if (vtl == vp->active_vtl) {
        CPUX86State *env = vp_env(vp);

        ps = (PagingState) { env->cr[0], env->cr[3], env->cr[4], env->efer };
    } else {
        HvVtlArch *a = &vp->vtl[vtl].arch;

        ps = (PagingState) { a->cr0, a->cr3, a->cr4, a->efer };
    }
    result = translate_gva(vp, vtl, &ps, gva, flags, &gpa);
    if (result == HV_TRANSLATE_SUCCESS && vtl < c->vtl &&
        vsm_part.protection_enabled) {
        uint8_t m = prot_lookup(gpa >> TARGET_PAGE_BITS);

        if ((flags & HV_TRANSLATE_VALIDATE_READ) &&
            !(m & HV_MAP_GPA_READABLE)) {
            result = HV_TRANSLATE_GPA_NO_READ;
        } else if ((flags & HV_TRANSLATE_VALIDATE_WRITE) &&
                   !(m & HV_MAP_GPA_WRITABLE)) {
            result = HV_TRANSLATE_GPA_NO_WRITE;
        }
    }
    out->result_code = cpu_to_le32(result);
    out->cache_type = cpu_to_le32(HV_CACHE_TYPE_WRITE_BACK);
    out->gpa_page = cpu_to_le64(result == HV_TRANSLATE_SUCCESS ?
                                gpa >> TARGET_PAGE_BITS : 0);
    return HV_STATUS_SUCCESS;
}
