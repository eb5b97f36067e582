// SPDX-License-Identifier: GPL-2.0
/*
 * Offsets of the VTL call register image, for hv_vsm_call.S.
 */
#define COMPILE_OFFSETS

#include <linux/kbuild.h>
#include <asm/hv_vsm.h>

static void __used common(void)
{
	OFFSET(HV_VSM_VTL_CALL_REGS_a0, hv_vsm_vtl_call_regs, a0);
	OFFSET(HV_VSM_VTL_CALL_REGS_a1, hv_vsm_vtl_call_regs, a1);
	OFFSET(HV_VSM_VTL_CALL_REGS_a2, hv_vsm_vtl_call_regs, a2);
	OFFSET(HV_VSM_VTL_CALL_REGS_a3, hv_vsm_vtl_call_regs, a3);
}
