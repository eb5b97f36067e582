/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypercall helpers shared by the VTL0 and VTL1 sides of Hyper-V VSM.
 */
#ifndef _HV_VSM_HVCALL_H
#define _HV_VSM_HVCALL_H

#include <linux/types.h>
#include <asm/mshyperv.h>

/* HV_INPUT_VTL selecting the lower VTL0 from VTL1. */
#define HV_VSM_INPUT_VTL0	((union hv_input_vtl){ .use_target_vtl = 1, \
						       .target_vtl = HV_VTL_NORMAL })
/* HV_INPUT_VTL selecting the caller's own VTL. */
#define HV_VSM_INPUT_SELF	((union hv_input_vtl){ .as_uint8 = 0 })

int hv_vsm_get_vp_regs(union hv_input_vtl vtl, unsigned int count,
		       const u32 *names, union hv_register_value *values);
int hv_vsm_set_vp_regs(union hv_input_vtl vtl, unsigned int count,
		       const u32 *names, const union hv_register_value *values);
int hv_vsm_get_vp_reg64(union hv_input_vtl vtl, u32 name, u64 *value);
int hv_vsm_set_vp_reg64(union hv_input_vtl vtl, u32 name, u64 value);

#endif /* _HV_VSM_HVCALL_H */
