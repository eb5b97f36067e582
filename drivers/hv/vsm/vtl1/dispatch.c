// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): VTL call dispatch.
 *
 * Every VTL call goes through the same checks, driven by its line of the
 * VTL call table (<hyperv/hv_vsm_calls.h>), before its handler runs:
 *
 * 1. a function the table does not have fails with -EOPNOTSUPP if it is
 *    an LVBS function this kernel does not serve, -EINVAL otherwise;
 * 2. an argument the call does not use must be 0, or -EINVAL;
 * 3. with the state lock held, which serialises every call: a boot-only
 *    call after SIGNAL_END_OF_BOOT fails with -EPERM; a call accepted
 *    only once fails with -EALREADY after it succeeded;
 * 4. the handler, which checks what its arguments point to.
 *
 * Every argument comes from VTL0 and is treated as hostile: see
 * Documentation/virt/hyperv/vsm.rst for the checks and error codes.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <hyperv/hv_vsm.h>

#include "../abi.h"
#include "vtl1.h"

/* Serialises the VTL calls, and protects the state below. */
static DEFINE_MUTEX(hv_vsm_vtl1_state_lock);
/* SIGNAL_END_OF_BOOT was accepted: boot-only calls fail with -EPERM. */
static bool hv_vsm_vtl1_end_of_boot;
/* The calls with HV_VSM_RULE_ONCE that succeeded. */
static DECLARE_BITMAP(hv_vsm_vtl1_done, HV_VSM_NR_VTL_CALLS);

/*
 * BOOT: the first call on a CPU started VTL1 there and returned once it
 * was set up. A later one finds VTL1 running.
 */
static long hv_vsm_vtl1_boot(u64 a1, u64 a2, u64 a3)
{
	return 0;
}

static long hv_vsm_vtl1_signal_end_of_boot(u64 a1, u64 a2, u64 a3)
{
	int ret;

	ret = hv_vsm_vtl1_hypercall_locked();
	if (ret)
		return ret;
	if (!hv_vsm_vtl1_memory_protected() || !hv_vsm_vtl1_all_locked()) {
		pr_warn("end of boot refused: memory not protected or registers not pinned on every CPU\n");
		return -EPERM;
	}
	ret = hv_vsm_vtl1_seal_protections();
	if (ret)
		return ret;
	hv_vsm_vtl1_text_seal();
	hv_vsm_vtl1_end_of_boot = true;
	pr_info("end of boot: VTL0 protections sealed\n");
	return 0;
}

typedef long (*hv_vsm_vtl1_handler_t)(u64 a1, u64 a2, u64 a3);

static const hv_vsm_vtl1_handler_t hv_vsm_vtl1_handlers[HV_VSM_NR_VTL_CALLS] = {
#define HV_VSM_VTL_CALL(NAME, name, ...) \
	[HV_VSM_NR_##NAME] = hv_vsm_vtl1_##name,
#include <hyperv/hv_vsm_calls.h>
};

/**
 * hv_vsm_vtl1_dispatch() - Serve a VTL call
 * @regs: RDI (the function), RSI, RDX and R8 of VTL0
 *
 * Context: the calling CPU's VTL call thread.
 * Return: the result for VTL0's R8.
 */
long hv_vsm_vtl1_dispatch(const u64 *regs)
{
	const struct hv_vsm_vtl_call_desc *call = hv_vsm_vtl_call_find(regs[0]);
	unsigned int nr;
	long ret;

	if (!call)
		return regs[0] >= HV_VSM_LVBS_UNSERVED_FIRST &&
		       regs[0] <= HV_VSM_LVBS_UNSERVED_LAST ? -EOPNOTSUPP :
							      -EINVAL;
	if (!hv_vsm_vtl_call_args_ok(call, &regs[1]))
		return -EINVAL;
	nr = call - hv_vsm_vtl_calls;

	guard(mutex)(&hv_vsm_vtl1_state_lock);
	if ((call->rules & HV_VSM_RULE_BOOT_ONLY) && hv_vsm_vtl1_end_of_boot)
		return -EPERM;
	if ((call->rules & HV_VSM_RULE_ONCE) && test_bit(nr, hv_vsm_vtl1_done))
		return -EALREADY;
	/* Every call but those that start VTL1 needs the protections on. */
	if (nr != HV_VSM_NR_BOOT && nr != HV_VSM_NR_ENABLE_APS_VTL &&
	    nr != HV_VSM_NR_BOOT_APS) {
		ret = hv_vsm_vtl1_arm();
		if (ret)
			return ret;
	}

	ret = hv_vsm_vtl1_handlers[nr](regs[1], regs[2], regs[3]);
	if (!ret && (call->rules & HV_VSM_RULE_ONCE))
		__set_bit(nr, hv_vsm_vtl1_done);
	return ret;
}
