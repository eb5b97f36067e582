// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM backend of HEKI, VTL0 side: VTL calls.
 *
 * Every VTL call of the backend goes through hv_vsm_vtl0_call(), which
 * checks it against the VTL call table that VTL1 dispatches from, so that
 * a call VTL1 would refuse for its form never leaves VTL0.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/percpu.h>
#include <asm/hv_vsm.h>

#include "abi.h"
#include "vsm.h"

/* VTL1 runs on this CPU's virtual processor: VTL calls may be made. */
static DEFINE_PER_CPU(bool, hv_vsm_vtl0_up);

/**
 * hv_vsm_vtl0_set_cpu_up() - Record that VTL1 runs on this CPU
 *
 * Called once VTL1 has booted on the calling CPU's virtual processor.
 */
void hv_vsm_vtl0_set_cpu_up(void)
{
	this_cpu_write(hv_vsm_vtl0_up, true);
}

/**
 * hv_vsm_vtl0_cpu_up() - Whether VTL1 runs on a CPU
 * @cpu: the CPU
 *
 * Return: true once VTL1 booted on @cpu's virtual processor.
 */
bool hv_vsm_vtl0_cpu_up(unsigned int cpu)
{
	return per_cpu(hv_vsm_vtl0_up, cpu);
}

/**
 * hv_vsm_vtl0_call() - Make a VTL call of the table from this CPU
 * @nr: the call, HV_VSM_NR_*
 * @a1: first argument (RSI)
 * @a2: second argument (RDX)
 * @a3: third argument (R8)
 *
 * Context: task context, on a CPU VTL1 runs on (see hv_vsm_vtl0_call_raw()).
 * Return: what VTL1 returned; -ENODEV if VTL1 does not run on this CPU;
 * -EINVAL, with a warning, for a call the table does not have or an
 * argument it says is unused that is not 0.
 */
long hv_vsm_vtl0_call(enum hv_vsm_vtl_call_nr nr, u64 a1, u64 a2, u64 a3)
{
	const u64 args[HV_VSM_VTL_CALL_MAX_ARGS] = { a1, a2, a3 };
	const struct hv_vsm_vtl_call_desc *call;

	if (WARN_ON_ONCE(nr >= HV_VSM_NR_VTL_CALLS))
		return -EINVAL;
	call = &hv_vsm_vtl_calls[nr];
	if (WARN_ONCE(!hv_vsm_vtl_call_args_ok(call, args),
		      "%s: unused argument not 0\n", call->name))
		return -EINVAL;
	/* BOOT is the call that starts VTL1 on this CPU. */
	if (nr != HV_VSM_NR_BOOT && !this_cpu_read(hv_vsm_vtl0_up))
		return -ENODEV;
	return hv_vsm_vtl0_call_raw(call->id, a1, a2, a3);
}
