/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - x86 page attribute hooks
 */

#ifndef _ASM_X86_HEKI_H
#define _ASM_X86_HEKI_H

#include <linux/types.h>
#include <asm/pgtable_types.h>

struct page;

#ifdef CONFIG_HEKI

void heki_cpa_update(unsigned long pfn, unsigned long npages,
		     pgprot_t old_prot, pgprot_t new_prot, bool nx, bool rw);
int heki_cpa_check(unsigned long *addr, unsigned long numpages,
		   pgprot_t mask_set, pgprot_t mask_clr, bool addr_array,
		   struct page **pages);

#else /* !CONFIG_HEKI */

static inline void heki_cpa_update(unsigned long pfn, unsigned long npages,
				   pgprot_t old_prot, pgprot_t new_prot,
				   bool nx, bool rw)
{
}

static inline int heki_cpa_check(unsigned long *addr, unsigned long numpages,
				 pgprot_t mask_set, pgprot_t mask_clr,
				 bool addr_array, struct page **pages)
{
	return 0;
}

#endif /* CONFIG_HEKI */

#endif /* _ASM_X86_HEKI_H */
