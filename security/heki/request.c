// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - requests to the backend
 *
 * A request handed to a backend is an array of ranges that grows as ranges
 * are appended; contiguous ranges with equal attributes are coalesced while
 * it is built. The backend gets the array and the number of ranges in one
 * call.
 */

#define pr_fmt(fmt) "heki: " fmt

#include <linux/export.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include "heki.h"

/* Ranges allocated for the first range of a request. */
#define MIN_CAPACITY	64UL

/**
 * heki_request_init() - Start an empty request
 * @req: Request to initialise.
 * @type: What the attributes of its ranges mean.
 */
void heki_request_init(struct heki_request *req, enum heki_request_type type)
{
	memset(req, 0, sizeof(*req));
	req->type = type;
}
EXPORT_SYMBOL_IF_KUNIT(heki_request_init);

static bool valid_attributes(const struct heki_request *req,
			     unsigned long attributes)
{
	if (req->type == HEKI_REQ_KDATA)
		return attributes < HEKI_KDATA_MAX;
	if (req->type == HEKI_REQ_MODULE)
		return attributes < HEKI_MODULE_MEM_MAX;
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

/* Doubles the capacity of @req, which is full. */
static int grow(struct heki_request *req)
{
	unsigned long capacity = max(2 * req->capacity, MIN_CAPACITY);
	struct heki_range *ranges;

	ranges = kvrealloc(req->ranges, array_size(capacity, sizeof(*ranges)),
			   GFP_KERNEL);
	if (!ranges)
		return -ENOMEM;
	req->ranges = ranges;
	req->capacity = capacity;
	return 0;
}

/**
 * heki_request_add() - Append a range to a request
 * @req: Request being built.
 * @va: Kernel virtual address of @pa, 0 if there is none.
 * @pa: First byte, page aligned.
 * @epa: End (exclusive), page aligned, above @pa.
 * @attributes: HEKI_ATTR_MEM_* bits for a memory request (at least one),
 *              an &enum heki_kdata_type for a kernel data request, an
 *              &enum heki_module_mem for a module request.
 *
 * The range is merged into the previous one when it continues it, both
 * physically and virtually, with the same attributes; otherwise it takes a
 * new entry, and the array grows when it is full. May sleep.
 *
 * Return: 0 on success, -EINVAL for a misaligned, empty or wrapping range or
 * unknown attributes, -ENOMEM if the array could not grow.
 */
int heki_request_add(struct heki_request *req, unsigned long va,
		     phys_addr_t pa, phys_addr_t epa, unsigned long attributes)
{
	struct heki_range *range;
	int ret;

	if (!PAGE_ALIGNED(pa) || !PAGE_ALIGNED(epa) || !PAGE_ALIGNED(va) ||
	    epa <= pa || va + (epa - pa) < va ||
	    !valid_attributes(req, attributes))
		return -EINVAL;

	if (req->nranges &&
	    extends(&req->ranges[req->nranges - 1], va, pa, attributes)) {
		req->ranges[req->nranges - 1].epa = epa;
		return 0;
	}

	if (req->nranges == req->capacity) {
		ret = grow(req);
		if (ret)
			return ret;
	}

	range = &req->ranges[req->nranges++];
	range->va = va;
	range->pa = pa;
	range->epa = epa;
	range->attributes = attributes;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(heki_request_add);

/**
 * heki_request_add_vmalloc() - Append the page frames of vmalloc memory
 * @req: Request being built.
 * @base: First byte, page aligned, in vmalloc or module space.
 * @size: Size in bytes, a multiple of the page size.
 * @attributes: As for heki_request_add().
 *
 * Adds one range per physically contiguous run of pages. May sleep.
 *
 * Return: 0 on success, -EINVAL for a misaligned or empty area or one
 * outside vmalloc and module space, -EFAULT for a page that is not mapped,
 * -ENOMEM if the array could not grow.
 */
int heki_request_add_vmalloc(struct heki_request *req, const void *base,
			     size_t size, unsigned long attributes)
{
	unsigned long va = (unsigned long)base, end = va + size;
	int ret;

	if (!PAGE_ALIGNED(va) || !PAGE_ALIGNED(size) || !size ||
	    !is_vmalloc_or_module_addr(base))
		return -EINVAL;
	for (; va < end; va += PAGE_SIZE) {
		unsigned long pfn = vmalloc_to_pfn((void *)va);

		if (!pfn)
			return -EFAULT;
		ret = heki_request_add(req, va, PFN_PHYS(pfn),
				       PFN_PHYS(pfn + 1), attributes);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(heki_request_add_vmalloc);

/**
 * heki_request_free() - Free the ranges of a request
 * @req: Request; it is empty afterwards and can be reused.
 */
void heki_request_free(struct heki_request *req)
{
	kvfree(req->ranges);
	heki_request_init(req, req->type);
}
EXPORT_SYMBOL_IF_KUNIT(heki_request_free);
