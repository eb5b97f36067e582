// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercall helpers shared by the VTL0 and VTL1 sides of Hyper-V VSM.
 *
 * Mainline's register accessors live in mshv_common.c, which is only built
 * for the root partition and the VTL2 paravisor, and expect a per-CPU output
 * page that a plain guest does not have. These helpers put input and output
 * in the two halves of the per-CPU input page instead.
 */

#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/irqflags.h>
#include <linux/string.h>
#include <asm/mshyperv.h>

#include "hv_vsm_hvcall.h"

#define HV_VSM_REG_OUT_OFFSET	(HV_HYP_PAGE_SIZE / 2)
#define HV_VSM_MAX_GET_REGS \
	(HV_VSM_REG_OUT_OFFSET / sizeof(union hv_register_value))
#define HV_VSM_MAX_SET_REGS \
	((HV_HYP_PAGE_SIZE - sizeof(struct hv_input_set_vp_registers)) / \
	 sizeof(struct hv_register_assoc))

/*
 * GetVpRegisters of @count registers of the current virtual processor into
 * @out, or SetVpRegisters of @in. The two inputs share their header and
 * differ in the register list after it.
 */
static int hv_vsm_vp_regs(union hv_input_vtl vtl, unsigned int count,
			  const u32 *names, const union hv_register_value *in,
			  union hv_register_value *out)
{
	struct hv_input_get_vp_registers *get;
	struct hv_input_set_vp_registers *set;
	union hv_register_value *output;
	unsigned long flags;
	unsigned int i;
	u64 status;

	if (!count || count > (in ? HV_VSM_MAX_SET_REGS : HV_VSM_MAX_GET_REGS))
		return -EINVAL;
	BUILD_BUG_ON(offsetof(struct hv_input_get_vp_registers, names) !=
		     offsetof(struct hv_input_set_vp_registers, elements));
	BUILD_BUG_ON(sizeof(*get) + HV_VSM_MAX_GET_REGS * sizeof(u32) >
		     HV_VSM_REG_OUT_OFFSET);

	local_irq_save(flags);
	set = *this_cpu_ptr(hyperv_pcpu_input_arg);
	get = (void *)set;
	output = (void *)set + HV_VSM_REG_OUT_OFFSET;
	memset(set, 0, in ? struct_size(set, elements, count) : sizeof(*get));
	set->partition_id = HV_PARTITION_ID_SELF;
	set->vp_index = HV_VP_INDEX_SELF;
	set->input_vtl = vtl;
	for (i = 0; i < count; i++) {
		if (in) {
			set->elements[i].name = names[i];
			set->elements[i].value = in[i];
		} else {
			get->names[i] = names[i];
		}
	}
	status = hv_do_rep_hypercall(in ? HVCALL_SET_VP_REGISTERS :
					  HVCALL_GET_VP_REGISTERS,
				     count, 0, set, in ? NULL : output);
	if (out && hv_result_success(status))
		memcpy(out, output, count * sizeof(*out));
	local_irq_restore(flags);

	return hv_result_to_errno(status);
}

/**
 * hv_vsm_get_vp_regs() - Read registers of the current virtual processor
 * @vtl: VTL whose registers are read (HV_VSM_INPUT_SELF or a lower VTL)
 * @count: number of registers
 * @names: register names (enum hv_register_name)
 * @values: filled with the values
 *
 * Return: 0, or -EINVAL for a bad count, or the errno of the hypercall.
 */
int hv_vsm_get_vp_regs(union hv_input_vtl vtl, unsigned int count,
		       const u32 *names, union hv_register_value *values)
{
	return hv_vsm_vp_regs(vtl, count, names, NULL, values);
}

/**
 * hv_vsm_set_vp_regs() - Write registers of the current virtual processor
 * @vtl: VTL whose registers are written (HV_VSM_INPUT_SELF or a lower VTL)
 * @count: number of registers
 * @names: register names (enum hv_register_name)
 * @values: the values to write
 *
 * Return: 0, or -EINVAL for a bad count, or the errno of the hypercall.
 */
int hv_vsm_set_vp_regs(union hv_input_vtl vtl, unsigned int count,
		       const u32 *names, const union hv_register_value *values)
{
	return hv_vsm_vp_regs(vtl, count, names, values, NULL);
}

/**
 * hv_vsm_get_vp_reg64() - Read one 64-bit register of the current VP
 * @vtl: VTL whose register is read
 * @name: register name
 * @value: filled with the value
 *
 * Return: 0 or a negative errno.
 */
int hv_vsm_get_vp_reg64(union hv_input_vtl vtl, u32 name, u64 *value)
{
	union hv_register_value v;
	int ret;

	ret = hv_vsm_get_vp_regs(vtl, 1, &name, &v);
	if (!ret)
		*value = v.reg64;
	return ret;
}

/**
 * hv_vsm_set_vp_reg64() - Write one 64-bit register of the current VP
 * @vtl: VTL whose register is written
 * @name: register name
 * @value: the value
 *
 * Return: 0 or a negative errno.
 */
int hv_vsm_set_vp_reg64(union hv_input_vtl vtl, u32 name, u64 value)
{
	union hv_register_value v = { .reg64 = value };

	return hv_vsm_set_vp_regs(vtl, 1, &name, &v);
}
