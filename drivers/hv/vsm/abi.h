/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hyper-V VSM: the tables of the VTL0/VTL1 ABI that both sides use.
 */
#ifndef _HV_VSM_ABI_H
#define _HV_VSM_ABI_H

#include <linux/types.h>
#include <hyperv/hv_vsm.h>

/**
 * struct hv_vsm_vtl_call_desc - One line of the VTL call table
 * @name: the call's name, in lower case
 * @id: function ID, passed in RDI
 * @nargs: arguments used, from RSI on; the others must be 0
 * @rules: HV_VSM_RULE_* flags
 */
struct hv_vsm_vtl_call_desc {
	const char *name;
	u32 id;
	u8 nargs;
	u8 rules;
};

extern const struct hv_vsm_vtl_call_desc hv_vsm_vtl_calls[HV_VSM_NR_VTL_CALLS];

const struct hv_vsm_vtl_call_desc *hv_vsm_vtl_call_find(u64 id);

/* The function ID of call @nr of the table. */
static inline u32 hv_vsm_vtl_call_id(enum hv_vsm_vtl_call_nr nr)
{
	return hv_vsm_vtl_calls[nr].id;
}

bool hv_vsm_vtl_call_args_ok(const struct hv_vsm_vtl_call_desc *call,
			     const u64 *args);

/**
 * struct hv_vsm_msr_pin - An MSR whose value LOCK_REGS pins
 * @name: its name, as VTL0 shows it
 * @msr: the MSR number
 * @reg: its HV_X64_REGISTER_* name
 * @mask: the bits that must keep their value
 */
struct hv_vsm_msr_pin {
	const char *name;
	u32 msr;
	u32 reg;
	u64 mask;
};

/* The MSRs pinned with a mask; the others are pinned whole. */
#define HV_VSM_PIN_EFER		0
#define HV_VSM_PIN_APIC_BASE	1
#define HV_VSM_NR_MSR_PINS	9

extern const struct hv_vsm_msr_pin hv_vsm_msr_pins[HV_VSM_NR_MSR_PINS];

/* The descriptor table registers, which LOCK_REGS refuses to let VTL0 load. */
enum hv_vsm_table_pin {
	HV_VSM_PIN_GDTR,
	HV_VSM_PIN_IDTR,
	HV_VSM_PIN_LDTR,
	HV_VSM_PIN_TR,
	HV_VSM_NR_TABLE_PINS
};

/**
 * struct hv_vsm_reg_name - A register, as VTL0 shows it and VTL1 reads it
 * @name: its name
 * @reg: its HV_X64_REGISTER_* name
 */
struct hv_vsm_reg_name {
	const char *name;
	u32 reg;
};

extern const struct hv_vsm_reg_name hv_vsm_table_pins[HV_VSM_NR_TABLE_PINS];

#endif /* _HV_VSM_ABI_H */
