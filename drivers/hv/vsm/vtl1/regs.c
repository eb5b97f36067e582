// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): pinning VTL0 registers.
 *
 * LOCK_REGS snapshots the security-relevant registers of the calling
 * virtual processor and asks the hypervisor to intercept VTL0 writes to
 * them. Only security bits are pinned: CR4.TSD, PGE, PCE, LASS and the
 * like may still be toggled, without even leaving VTL0. A write that keeps
 * every pinned bit is applied on behalf of VTL0; any other one, and every
 * descriptor table load and forbidden memory access, gets a #GP in VTL0
 * and a record in the violation log.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/errno.h>
#include <linux/heki.h>
#include <linux/irqflags.h>
#include <linux/percpu.h>
#include <asm/apicdef.h>
#include <asm/trapnr.h>
#include <asm/msr-index.h>
#include <asm/mshyperv.h>
#include <asm/processor-flags.h>

#include "../hv_vsm_hvcall.h"
#include "vtl1.h"

/* Bits that may not be cleared once pinned (CR0 writes are intercepted on these). */
#define HV_VSM_CR0_PINNED	(X86_CR0_PE | X86_CR0_WP | X86_CR0_PG)
#define HV_VSM_CR4_PINNED	(X86_CR4_PAE | X86_CR4_UMIP | X86_CR4_LA57 | \
				 X86_CR4_FSGSBASE | X86_CR4_SMEP | \
				 X86_CR4_SMAP | X86_CR4_CET)
#define HV_VSM_EFER_PINNED	(EFER_SCE | EFER_LME | EFER_NX)
#define HV_VSM_APIC_BASE_PINNED	(MSR_IA32_APICBASE_BASE | \
				 MSR_IA32_APICBASE_ENABLE | X2APIC_ENABLE)

struct hv_vsm_msr_pin {
	u32 msr;
	u32 reg;
	u64 mask;	/* bits that must keep their value */
};

static const struct hv_vsm_msr_pin hv_vsm_msr_pins[] = {
	{ MSR_EFER, HV_X64_REGISTER_EFER, HV_VSM_EFER_PINNED },
	{ MSR_IA32_APICBASE, HV_X64_REGISTER_APIC_BASE, HV_VSM_APIC_BASE_PINNED },
	{ MSR_STAR, HV_X64_REGISTER_STAR, ~0ULL },
	{ MSR_LSTAR, HV_X64_REGISTER_LSTAR, ~0ULL },
	{ MSR_CSTAR, HV_X64_REGISTER_CSTAR, ~0ULL },
	{ MSR_SYSCALL_MASK, HV_X64_REGISTER_SFMASK, ~0ULL },
	{ MSR_IA32_SYSENTER_CS, HV_X64_REGISTER_SYSENTER_CS, ~0ULL },
	{ MSR_IA32_SYSENTER_EIP, HV_X64_REGISTER_SYSENTER_EIP, ~0ULL },
	{ MSR_IA32_SYSENTER_ESP, HV_X64_REGISTER_SYSENTER_ESP, ~0ULL },
};

#define HV_VSM_NR_MSR_PINS	ARRAY_SIZE(hv_vsm_msr_pins)

struct hv_vsm_pins {
	bool locked;
	u64 cr0;	/* pinned CR0 bits that were set */
	u64 cr4;	/* pinned CR4 bits that were set */
	u64 msr[HV_VSM_NR_MSR_PINS];
};

static DEFINE_PER_CPU(struct hv_vsm_pins, hv_vsm_pins);

/**
 * hv_vsm_lock_regs() - LOCK_REGS for the calling virtual processor
 *
 * Return: 0; -EPERM after end of boot; -EALREADY if this VP is already
 * locked; -EINVAL if VTL0 runs without paging, protected mode or CR0.WP
 * (nothing worth pinning); or the errno of a failed hypercall.
 */
long hv_vsm_lock_regs(void)
{
	u32 names[2 + HV_VSM_NR_MSR_PINS];
	union hv_register_value values[ARRAY_SIZE(names)];
	union hv_register_cr_intercept_control ctl = {
		.cr0_write = 1, .cr4_write = 1,
		.gdtr_write = 1, .idtr_write = 1, .ldtr_write = 1, .tr_write = 1,
		.msr_efer_write = 1, .msr_apic_base_write = 1,
		.msr_star_write = 1, .msr_lstar_write = 1, .msr_cstar_write = 1,
		.msr_sfmask_write = 1, .msr_sysenter_cs_write = 1,
		.msr_sysenter_eip_write = 1, .msr_sysenter_esp_write = 1,
	};
	static const u32 ctl_names[] = {
		HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK,
		HV_X64_REGISTER_CR_INTERCEPT_CR4_MASK,
		HV_X64_REGISTER_CR_INTERCEPT_CONTROL,
	};
	union hv_register_value ctl_values[ARRAY_SIZE(ctl_names)] = {
		{ .reg64 = HV_VSM_CR0_PINNED },
		{ .reg64 = HV_VSM_CR4_PINNED },
		{ .reg64 = ctl.as_uint64 },
	};
	struct hv_vsm_pins pins = { .locked = true }, *cur;
	unsigned long flags;
	unsigned int i;
	int ret;

	guard(mutex)(&hv_vsm_state_lock);
	if (hv_vsm_end_of_boot)
		return -EPERM;
	if (this_cpu_read(hv_vsm_pins.locked))
		return -EALREADY;

	names[0] = HV_X64_REGISTER_CR0;
	names[1] = HV_X64_REGISTER_CR4;
	for (i = 0; i < HV_VSM_NR_MSR_PINS; i++)
		names[2 + i] = hv_vsm_msr_pins[i].reg;
	ret = hv_vsm_get_vp_regs(HV_VSM_INPUT_VTL0, ARRAY_SIZE(names), names,
				 values);
	if (ret)
		return ret;
	if ((values[0].reg64 & HV_VSM_CR0_PINNED) != HV_VSM_CR0_PINNED)
		return -EINVAL;

	pins.cr0 = values[0].reg64 & HV_VSM_CR0_PINNED;
	pins.cr4 = values[1].reg64 & HV_VSM_CR4_PINNED;
	for (i = 0; i < HV_VSM_NR_MSR_PINS; i++)
		pins.msr[i] = values[2 + i].reg64;

	/* Pins first: an intercept may arrive as soon as the control is set. */
	cur = this_cpu_ptr(&hv_vsm_pins);
	local_irq_save(flags);
	*cur = pins;
	local_irq_restore(flags);
	ret = hv_vsm_set_vp_regs(HV_VSM_INPUT_SELF, ARRAY_SIZE(ctl_names),
				 ctl_names, ctl_values);
	if (ret) {
		local_irq_save(flags);
		cur->locked = false;
		local_irq_restore(flags);
	}
	return ret;
}

/* Apply a write VTL0 was allowed to make and step over its instruction. */
static void hv_vsm_allow(const struct hv_x64_intercept_message_header *hdr,
			 u32 reg, u64 value)
{
	const u32 names[] = { reg, HV_X64_REGISTER_RIP };
	const union hv_register_value values[] = {
		{ .reg64 = value },
		{ .reg64 = hdr->rip + hdr->instruction_length },
	};

	if (hv_vsm_set_vp_regs(HV_VSM_INPUT_VTL0, ARRAY_SIZE(names), names,
			       values))
		pr_err_ratelimited("VP%u: cannot apply allowed write\n",
				   hdr->vp_index);
}

/* Inject #GP(0) into VTL0 at the faulting instruction and record it. */
static void hv_vsm_deny(const struct hv_x64_intercept_message_header *hdr,
			u32 type, u64 addr, u64 value)
{
	union hv_x64_pending_exception_event ev = {
		.event_pending = 1,
		.event_type = HV_X64_PENDING_EVENT_EXCEPTION,
		.deliver_error_code = 1,
		.vector = X86_TRAP_GP,
	};
	union hv_register_value v = {
		.reg128 = { .low_part = ev.as_uint64[0],
			    .high_part = ev.as_uint64[1] },
	};
	u32 name = HV_REGISTER_PENDING_EVENT0;

	if (hv_vsm_set_vp_regs(HV_VSM_INPUT_VTL0, 1, &name, &v))
		pr_err_ratelimited("VP%u: cannot inject #GP\n", hdr->vp_index);
	if (type)
		hv_vsm_log_violation(type, hdr->vp_index, hdr->rip, addr, value);
}

static void hv_vsm_register_intercept(const struct hv_x64_register_intercept_message *m)
{
	const struct hv_vsm_pins *pins = this_cpu_ptr(&hv_vsm_pins);
	u64 value = m->access_info.low_part;

	switch (m->register_name) {
	case HV_X64_REGISTER_CR0:
		if (pins->locked && (value & pins->cr0) == pins->cr0)
			hv_vsm_allow(&m->header, m->register_name, value);
		else
			hv_vsm_deny(&m->header, HEKI_VIOLATION_CR0, 0, value);
		break;
	case HV_X64_REGISTER_CR4:
		if (pins->locked && (value & pins->cr4) == pins->cr4)
			hv_vsm_allow(&m->header, m->register_name, value);
		else
			hv_vsm_deny(&m->header, HEKI_VIOLATION_CR4, 4, value);
		break;
	case HV_X64_REGISTER_GDTR:
		hv_vsm_deny(&m->header, HEKI_VIOLATION_GDTR, 0, value);
		break;
	case HV_X64_REGISTER_IDTR:
		hv_vsm_deny(&m->header, HEKI_VIOLATION_IDTR, 0, value);
		break;
	case HV_X64_REGISTER_LDTR:
		hv_vsm_deny(&m->header, HEKI_VIOLATION_LDTR, 0, value);
		break;
	case HV_X64_REGISTER_TR:
		hv_vsm_deny(&m->header, HEKI_VIOLATION_TR, 0, value);
		break;
	default:
		/* Not something VTL1 asked for: refuse rather than guess. */
		hv_vsm_deny(&m->header, 0, 0, 0);
		break;
	}
}

static void hv_vsm_msr_intercept(const struct hv_x64_msr_intercept_message *m)
{
	const struct hv_vsm_pins *pins = this_cpu_ptr(&hv_vsm_pins);
	u64 value = (m->rdx << 32) | lower_32_bits(m->rax);
	unsigned int i;

	if (m->header.intercept_access_type != HV_INTERCEPT_ACCESS_WRITE)
		return;
	for (i = 0; i < HV_VSM_NR_MSR_PINS; i++) {
		const struct hv_vsm_msr_pin *p = &hv_vsm_msr_pins[i];

		if (p->msr != m->msr_number)
			continue;
		if (pins->locked && !((value ^ pins->msr[i]) & p->mask))
			hv_vsm_allow(&m->header, p->reg, value);
		else
			hv_vsm_deny(&m->header, HEKI_VIOLATION_MSR,
				    m->msr_number, value);
		return;
	}
	hv_vsm_deny(&m->header, 0, 0, 0);
}

static void hv_vsm_gpa_intercept(const struct hv_x64_memory_intercept_message *m)
{
	u32 type;

	switch (m->header.intercept_access_type) {
	case HV_INTERCEPT_ACCESS_READ:
		type = HEKI_VIOLATION_MEM_READ;
		break;
	case HV_INTERCEPT_ACCESS_WRITE:
		type = HEKI_VIOLATION_MEM_WRITE;
		break;
	default:
		type = HEKI_VIOLATION_MEM_EXEC;
		break;
	}
	hv_vsm_deny(&m->header, type, m->guest_physical_address, 0);
}

/**
 * hv_vsm_handle_intercept() - Handle a secure intercept message
 * @msg: the message, in this CPU's SynIC message page (SINT0)
 *
 * Runs in interrupt context on the virtual processor whose VTL0 caused the
 * intercept; VTL0 is stopped on the faulting instruction until VTL1
 * returns.
 */
void hv_vsm_handle_intercept(const struct hv_message *msg)
{
	const void *payload = msg->u.payload;
	const struct hv_x64_intercept_message_header *hdr = payload;

	if (hdr->execution_state.vtl != HV_VTL_NORMAL)
		return;

	switch (msg->header.message_type) {
	case HVMSG_X64_REGISTER_INTERCEPT:
		hv_vsm_register_intercept(payload);
		break;
	case HVMSG_X64_MSR_INTERCEPT:
		hv_vsm_msr_intercept(payload);
		break;
	case HVMSG_GPA_INTERCEPT:
		hv_vsm_gpa_intercept(payload);
		break;
	default:
		break;
	}
}
