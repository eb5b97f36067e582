// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): the violation log.
 *
 * Every blocked access is recorded once per (type, VP, RIP, address) with a
 * count of how often it happened. The log is bounded: once full, new kinds
 * of violations are only counted in a last record of type
 * HV_VSM_VIOLATION_LOST.
 */

#include <linux/errno.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <hyperv/hv_vsm.h>

#include "vtl1.h"

#define HV_VSM_LOG_SIZE		HV_VSM_VIOLATIONS_PER_PAGE

static struct hv_vsm_violation hv_vsm_vtl1_log[HV_VSM_LOG_SIZE];
static unsigned int hv_vsm_vtl1_log_len;
static u64 hv_vsm_vtl1_log_lost;
static DEFINE_SPINLOCK(hv_vsm_vtl1_log_lock);

/**
 * hv_vsm_vtl1_log_violation() - Record a blocked access of VTL0
 * @type: enum hv_vsm_violation_type
 * @vp: virtual processor index
 * @rip: VTL0 RIP of the faulting instruction
 * @addr: GPA, or register or MSR number
 * @value: value VTL0 tried to write, 0 for memory accesses
 */
void hv_vsm_vtl1_log_violation(u32 type, u32 vp, u64 rip, u64 addr, u64 value)
{
	struct hv_vsm_violation *v;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&hv_vsm_vtl1_log_lock, flags);
	for (i = 0; i < hv_vsm_vtl1_log_len; i++) {
		v = &hv_vsm_vtl1_log[i];
		if (v->type == type && v->vp == vp && v->rip == rip &&
		    v->addr == addr) {
			v->value = value;
			v->count++;
			goto out;
		}
	}
	if (hv_vsm_vtl1_log_len < HV_VSM_LOG_SIZE - 1) {
		v = &hv_vsm_vtl1_log[hv_vsm_vtl1_log_len++];
		*v = (struct hv_vsm_violation){
			.type = type, .vp = vp, .rip = rip, .addr = addr,
			.value = value, .count = 1,
		};
	} else {
		hv_vsm_vtl1_log_lost++;
	}
out:
	spin_unlock_irqrestore(&hv_vsm_vtl1_log_lock, flags);
}

/**
 * hv_vsm_vtl1_read_violations() - READ_VIOLATIONS
 * @buf_pa: page-aligned GPA of a VTL0 page receiving the records
 * @max: how many records fit (at most one page worth)
 * @unused: 0
 *
 * The log is not cleared: counts keep growing across reads.
 *
 * Context: the VTL call dispatcher, state lock held: the protection of the
 * buffer cannot change until it is written.
 * Return: the number of records written, -EINVAL for a bad @max, the
 * errno of hv_vsm_vtl1_check_vtl0_range() for a bad buffer, or -EACCES if VTL0
 * may not write the buffer itself.
 */
long hv_vsm_vtl1_read_violations(u64 buf_pa, u64 max, u64 unused)
{
	static struct hv_vsm_violation snap[HV_VSM_LOG_SIZE];
	unsigned long flags;
	unsigned int n;
	void *va;
	int ret;

	if (!max || max > HV_VSM_LOG_SIZE)
		return -EINVAL;
	ret = hv_vsm_vtl1_check_vtl0_range(buf_pa, buf_pa + PAGE_SIZE);
	if (ret)
		return ret;

	if (!hv_vsm_vtl1_vtl0_writable(PHYS_PFN(buf_pa)))
		return -EACCES;
	spin_lock_irqsave(&hv_vsm_vtl1_log_lock, flags);
	n = hv_vsm_vtl1_log_len;
	memcpy(snap, hv_vsm_vtl1_log, n * sizeof(*snap));
	if (hv_vsm_vtl1_log_lost) {
		snap[n] = (struct hv_vsm_violation){
			.type = HV_VSM_VIOLATION_LOST,
			.count = hv_vsm_vtl1_log_lost,
		};
		n++;
	}
	spin_unlock_irqrestore(&hv_vsm_vtl1_log_lock, flags);
	n = min_t(u64, n, max);

	va = hv_vsm_vtl1_map_vtl0_page(buf_pa);
	if (!va)
		return -ENOMEM;
	memcpy(va, snap, n * sizeof(*snap));
	hv_vsm_vtl1_unmap_vtl0_page(va);
	return n;
}
