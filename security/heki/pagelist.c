// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - request lists
 *
 * A request handed to a backend is a chain of 4 KiB pages, each holding up
 * to HEKI_MAX_RANGES ranges; contiguous ranges with equal attributes are
 * coalesced while the list is built. The backend gets the physical address
 * of the first page and the number of ranges of the whole chain.
 */

#define pr_fmt(fmt) "heki: " fmt

#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <kunit/visibility.h>

#include "heki.h"

/**
 * heki_request_init() - Start an empty request
 * @req: Request to initialise.
 * @type: What the attributes of its ranges mean.
 * @gfp: Allocation flags for its list pages.
 */
void heki_request_init(struct heki_request *req, enum heki_request_type type,
		       gfp_t gfp)
{
	memset(req, 0, sizeof(*req));
	req->type = type;
	req->gfp = gfp;
}
EXPORT_SYMBOL_IF_KUNIT(heki_request_init);

static bool valid_attributes(const struct heki_request *req,
			     unsigned long attributes)
{
	if (req->type == HEKI_REQ_KDATA)
		return attributes < HEKI_KDATA_MAX;
	return attributes && !(attributes & ~HEKI_ATTR_MEM_MASK);
}

static bool extends(const struct heki_range *last, unsigned long va,
		    phys_addr_t pa, unsigned long attributes)
{
	if (last->epa != pa || last->attributes != attributes)
		return false;
	if (!va || !last->va)
		return !va && !last->va;
	return last->va + (last->epa - last->pa) == va;
}

/**
 * heki_request_add() - Append a range to a request
 * @req: Request being built.
 * @va: Kernel virtual address of @pa, 0 if there is none.
 * @pa: First byte, page aligned.
 * @epa: End (exclusive), page aligned, above @pa.
 * @attributes: HEKI_ATTR_MEM_* bits for a memory request (at least one),
 *              an &enum heki_kdata_type for a kernel data request.
 *
 * The range is merged into the previous one when it continues it with the
 * same attributes; otherwise it takes a new slot, and a new list page when
 * the last one is full.
 *
 * Return: 0 on success, -EINVAL for a misaligned, empty or wrapping range or
 * unknown attributes, -ENOMEM if a list page could not be allocated.
 */
int heki_request_add(struct heki_request *req, unsigned long va,
		     phys_addr_t pa, phys_addr_t epa, unsigned long attributes)
{
	struct heki_page *page = req->tail;
	struct heki_range *range;

	if (!PAGE_ALIGNED(pa) || !PAGE_ALIGNED(epa) || !PAGE_ALIGNED(va) ||
	    epa <= pa || va + (epa - pa) < va ||
	    !valid_attributes(req, attributes))
		return -EINVAL;

	if (page && page->nranges &&
	    extends(&page->ranges[page->nranges - 1], va, pa, attributes)) {
		page->ranges[page->nranges - 1].epa = epa;
		return 0;
	}

	if (!page || page->nranges == HEKI_MAX_RANGES) {
		struct heki_page *new = (void *)get_zeroed_page(req->gfp);

		if (!new)
			return -ENOMEM;
		if (page) {
			page->next = new;
			page->next_pa = virt_to_phys(new);
		} else {
			req->head = new;
		}
		req->tail = new;
		req->npages++;
		page = new;
	}

	range = &page->ranges[page->nranges++];
	range->va = va;
	range->pa = pa;
	range->epa = epa;
	range->attributes = attributes;
	req->nranges++;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(heki_request_add);

/**
 * heki_request_head_pa() - Physical address of a request's first list page
 * @req: A request with at least one range.
 *
 * Return: the physical address to hand to the backend, 0 for an empty
 * request.
 */
phys_addr_t heki_request_head_pa(const struct heki_request *req)
{
	return req->head ? virt_to_phys(req->head) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(heki_request_head_pa);

/**
 * heki_request_free() - Free the list pages of a request
 * @req: Request; it is empty afterwards and can be reused.
 */
void heki_request_free(struct heki_request *req)
{
	struct heki_page *page = req->head;

	while (page) {
		struct heki_page *next = page->next;

		free_page((unsigned long)page);
		page = next;
	}
	heki_request_init(req, req->type, req->gfp);
}
EXPORT_SYMBOL_IF_KUNIT(heki_request_free);
