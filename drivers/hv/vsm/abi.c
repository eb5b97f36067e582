// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM: the tables of the VTL0/VTL1 ABI that both sides use, built
 * into the VTL0 and the VTL1 kernel alike.
 */

#include <asm/mshyperv.h>

#include "abi.h"

/* The VTL call table of <hyperv/hv_vsm_calls.h>, in its order. */
const struct hv_vsm_vtl_call_desc hv_vsm_vtl_calls[HV_VSM_NR_VTL_CALLS] = {
#define HV_VSM_VTL_CALL(NAME, _name, _id, _nargs, _rules)		\
	[HV_VSM_NR_##NAME] = {						\
		.name = #_name, .id = (_id), .nargs = (_nargs),		\
		.rules = (_rules),					\
	},
#include <hyperv/hv_vsm_calls.h>
};

/**
 * hv_vsm_vtl_call_find() - Look up a VTL call by function ID
 * @id: the function ID, as passed in RDI
 *
 * Return: the call's line of the table, or NULL for an ID it does not have.
 */
const struct hv_vsm_vtl_call_desc *hv_vsm_vtl_call_find(u64 id)
{
	unsigned int i;

	for (i = 0; i < HV_VSM_NR_VTL_CALLS; i++)
		if (hv_vsm_vtl_calls[i].id == id)
			return &hv_vsm_vtl_calls[i];
	return NULL;
}

/**
 * hv_vsm_vtl_call_args_ok() - Whether the unused arguments of a call are 0
 * @call: the call
 * @args: its %HV_VSM_VTL_CALL_MAX_ARGS arguments, RSI first
 *
 * Return: true if every argument past the ones @call uses is 0.
 */
bool hv_vsm_vtl_call_args_ok(const struct hv_vsm_vtl_call_desc *call,
			     const u64 *args)
{
	unsigned int i;

	for (i = call->nargs; i < HV_VSM_VTL_CALL_MAX_ARGS; i++)
		if (args[i])
			return false;
	return true;
}

const struct hv_vsm_msr_pin hv_vsm_msr_pins[HV_VSM_NR_MSR_PINS] = {
	[HV_VSM_PIN_EFER] = {
		"EFER", MSR_EFER, HV_X64_REGISTER_EFER, HV_VSM_PINNED_EFER
	},
	[HV_VSM_PIN_APIC_BASE] = {
		"APIC_BASE", MSR_IA32_APICBASE, HV_X64_REGISTER_APIC_BASE,
		HV_VSM_PINNED_APIC_BASE
	},
	{ "STAR", MSR_STAR, HV_X64_REGISTER_STAR, ~0ULL },
	{ "LSTAR", MSR_LSTAR, HV_X64_REGISTER_LSTAR, ~0ULL },
	{ "CSTAR", MSR_CSTAR, HV_X64_REGISTER_CSTAR, ~0ULL },
	{ "SFMASK", MSR_SYSCALL_MASK, HV_X64_REGISTER_SFMASK, ~0ULL },
	{
		"SYSENTER_CS", MSR_IA32_SYSENTER_CS,
		HV_X64_REGISTER_SYSENTER_CS, ~0ULL
	},
	{
		"SYSENTER_EIP", MSR_IA32_SYSENTER_EIP,
		HV_X64_REGISTER_SYSENTER_EIP, ~0ULL
	},
	{
		"SYSENTER_ESP", MSR_IA32_SYSENTER_ESP,
		HV_X64_REGISTER_SYSENTER_ESP, ~0ULL
	},
};

const struct hv_vsm_reg_name hv_vsm_table_pins[HV_VSM_NR_TABLE_PINS] = {
	[HV_VSM_PIN_GDTR] = { "GDTR", HV_X64_REGISTER_GDTR },
	[HV_VSM_PIN_IDTR] = { "IDTR", HV_X64_REGISTER_IDTR },
	[HV_VSM_PIN_LDTR] = { "LDTR", HV_X64_REGISTER_LDTR },
	[HV_VSM_PIN_TR] = { "TR", HV_X64_REGISTER_TR },
};
