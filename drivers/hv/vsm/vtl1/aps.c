// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): starting the secondary CPUs.
 *
 * VTL1 boots on the boot CPU only. VTL0 then names the CPUs VTL1 is to
 * run on (ENABLE_APS_VTL) and has it start them (BOOT_APS): VTL1 brings
 * each one online, which enables VTL1 on its virtual processor, and asks
 * VTL0 there, through a byte of the boot signal page, to enter VTL1.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/bitops.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <asm/hv_vsm.h>
#include <hyperv/hv_vsm.h>

#include "vtl1.h"

/* Secondary CPUs VTL0 asked for with ENABLE_APS_VTL, and the boot signal. */
static struct cpumask hv_vsm_vtl1_aps;
static u8 *hv_vsm_vtl1_signal;

/* Read a VTL0 page holding a CPU mask, for ENABLE_APS_VTL and BOOT_APS. */
static int hv_vsm_vtl1_read_cpumask(u64 pfn, struct cpumask *mask)
{
	unsigned long *bits;
	unsigned int i;
	int ret = 0;

	bits = hv_vsm_vtl1_map_vtl0_pfn(pfn);
	if (IS_ERR(bits))
		return PTR_ERR(bits);
	cpumask_clear(mask);
	for (i = 0; i < PAGE_SIZE * BITS_PER_BYTE; i++) {
		if (!test_bit(i, bits))
			continue;
		/* Only CPUs with a byte in the boot signal page can start. */
		if (i >= nr_cpu_ids || i >= HV_VSM_MAX_CPUS || !cpu_present(i)) {
			ret = -EINVAL;
			break;
		}
		if (!cpu_online(i))
			cpumask_set_cpu(i, mask);
	}
	hv_vsm_vtl1_unmap_vtl0_page(bits);
	return ret;
}

/**
 * hv_vsm_vtl1_enable_aps_vtl() - ENABLE_APS_VTL
 * @mask_pfn: page frame of a VTL0 page holding a CPU bit mask
 * @a2: 0
 * @a3: 0
 *
 * Records the CPUs of the mask that do not run VTL1 yet.
 *
 * Context: the VTL call dispatcher, state lock held.
 * Return: 0, -EINVAL for a CPU VTL1 does not have, or the errno of
 * hv_vsm_vtl1_map_vtl0_pfn().
 */
long hv_vsm_vtl1_enable_aps_vtl(u64 mask_pfn, u64 a2, u64 a3)
{
	struct cpumask mask;
	int ret;

	ret = hv_vsm_vtl1_read_cpumask(mask_pfn, &mask);
	if (!ret)
		cpumask_copy(&hv_vsm_vtl1_aps, &mask);
	return ret;
}

/**
 * hv_vsm_vtl1_boot_aps() - BOOT_APS
 * @mask_pfn: page frame of the CPU mask, a subset of ENABLE_APS_VTL's
 * @signal_pfn: page frame of the boot signal page, one byte per CPU
 * @a3: 0
 *
 * Context: the VTL call dispatcher, state lock held.
 * Return: 0, -EINVAL if the mask is not such a subset or both pages are
 * the same, -EACCES if VTL0 may not write the signal page itself, the
 * errno of hv_vsm_vtl1_map_vtl0_pfn(), or the first error of a CPU
 * bring-up.
 */
long hv_vsm_vtl1_boot_aps(u64 mask_pfn, u64 signal_pfn, u64 a3)
{
	struct cpumask mask;
	unsigned int cpu;
	u8 *signal;
	int ret;

	ret = hv_vsm_vtl1_read_cpumask(mask_pfn, &mask);
	if (ret)
		return ret;
	if (!cpumask_subset(&mask, &hv_vsm_vtl1_aps) || signal_pfn == mask_pfn)
		return -EINVAL;
	/* VTL1 writes through its own mapping: it must not write for VTL0. */
	if (!hv_vsm_vtl1_vtl0_writable(signal_pfn))
		return -EACCES;
	signal = hv_vsm_vtl1_map_vtl0_pfn(signal_pfn);
	if (IS_ERR(signal))
		return PTR_ERR(signal);

	hv_vsm_vtl1_signal = signal;
	for_each_cpu(cpu, &mask) {
		ret = add_cpu(cpu);
		if (ret) {
			pr_err("cannot start CPU%u: %d\n", cpu, ret);
			break;
		}
	}
	hv_vsm_vtl1_signal = NULL;
	hv_vsm_vtl1_unmap_vtl0_page(signal);
	return ret;
}

/**
 * hv_vsm_vtl1_aps_up() - Whether VTL1 runs on every CPU VTL0 runs on
 *
 * VTL0 names in ENABLE_APS_VTL every CPU it runs on but the boot CPU.
 *
 * Context: the VTL call dispatcher, state lock held.
 * Return: true once every one of them is online in VTL1.
 */
bool hv_vsm_vtl1_aps_up(void)
{
	return cpumask_subset(&hv_vsm_vtl1_aps, cpu_online_mask);
}

/**
 * hv_vsm_vtl1_kick_ap() - Ask VTL0 to enter VTL1 on a secondary CPU
 * @vp_index: the CPU's virtual processor, VTL1 now enabled on it
 * @cpu: the CPU number, the same in VTL0 and VTL1
 *
 * VTL1 runs on a virtual processor only when VTL0 there calls it: VTL0
 * waits for this token in the boot signal page of BOOT_APS.
 *
 * Return: 0, or -ENODEV outside BOOT_APS.
 */
int hv_vsm_vtl1_kick_ap(u32 vp_index, int cpu)
{
	if (!hv_vsm_vtl1_signal || cpu < 0 || cpu >= HV_VSM_MAX_CPUS)
		return -ENODEV;
	WRITE_ONCE(hv_vsm_vtl1_signal[cpu], HV_VSM_BOOT_TOKEN);
	return 0;
}
