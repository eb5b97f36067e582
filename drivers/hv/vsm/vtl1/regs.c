// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): pinning VTL0 registers.
 *
 * LOCK_REGS snapshots the security-relevant registers of the calling
 * virtual processor and asks the hypervisor to intercept VTL0 writes to
 * them. Only security bits are pinned: CR4.TSD, PGE, PCE, LASS and the
 * like may still be toggled, without even leaving VTL0. A write that keeps
 * every pinned bit, and a descriptor table load of the pinned value (as a
 * CPU coming back online makes), are applied on behalf of VTL0; any other
 * one, and every forbidden memory access, gets a #GP in VTL0 and a record
 * in the violation log.
 *
 * A pinned virtual processor never leaves long mode: VTL0 brings CPUs back
 * online without INIT, which the hypervisor drops anyway, and VTL1 denies
 * it HvCallStartVirtualProcessor from the end of boot. A write intercepted
 * outside long mode is refused like any other that breaks a pin.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/errno.h>
#include <linux/irqflags.h>
#include <linux/percpu.h>
#include <asm/apicdef.h>
#include <asm/trapnr.h>
#include <asm/msr-index.h>
#include <asm/mshyperv.h>
#include <asm/processor-flags.h>

#include "../abi.h"
#include "../hv_vsm_hvcall.h"
#include "vtl1.h"

/*
 * The pins of one virtual processor: the values LOCK_REGS read of what the
 * masks of <hyperv/hv_vsm.h> and the tables of ../abi.c name.
 */
struct hv_vsm_vtl1_pins {
	bool locked;
	u64 cr0;	/* pinned CR0 bits that were set */
	u64 cr4;	/* pinned CR4 bits that were set */
	u64 cr4_fixed;	/* the HV_VSM_FIXED_CR4 bits, as they were */
	u64 gdt_alias;	/* writable alias of the GDT VTL0 named, or 0 */
	u64 msr[HV_VSM_NR_MSR_PINS];
	union hv_register_value table[HV_VSM_NR_TABLE_PINS];
};

/* Secure intercepts LOCK_REGS asks for. */
static const union hv_register_cr_intercept_control hv_vsm_vtl1_intercepts = {
	.cr0_write = 1, .cr4_write = 1,
	.msr_efer_write = 1, .msr_apic_base_write = 1,
	.msr_star_write = 1, .msr_lstar_write = 1, .msr_cstar_write = 1,
	.msr_sfmask_write = 1, .msr_sysenter_cs_write = 1,
	.msr_sysenter_eip_write = 1, .msr_sysenter_esp_write = 1,
	.gdtr_write = 1, .idtr_write = 1, .ldtr_write = 1, .tr_write = 1,
};

static DEFINE_PER_CPU(struct hv_vsm_vtl1_pins, hv_vsm_vtl1_pins);

/* Read what LOCK_REGS pins of VTL0 on this virtual processor. */
static int hv_vsm_vtl1_read_pinned(struct hv_vsm_vtl1_pins *pins)
{
	u32 names[2 + HV_VSM_NR_MSR_PINS + HV_VSM_NR_TABLE_PINS];
	union hv_register_value values[ARRAY_SIZE(names)];
	unsigned int i, n = 0;
	int ret;

	names[n++] = HV_X64_REGISTER_CR0;
	names[n++] = HV_X64_REGISTER_CR4;
	for (i = 0; i < HV_VSM_NR_MSR_PINS; i++)
		names[n++] = hv_vsm_msr_pins[i].reg;
	for (i = 0; i < HV_VSM_NR_TABLE_PINS; i++)
		names[n++] = hv_vsm_table_pins[i].reg;
	ret = hv_vsm_get_vp_regs(HV_VSM_INPUT_VTL0, n, names, values);
	if (ret)
		return ret;

	n = 0;
	pins->cr0 = values[n++].reg64;
	pins->cr4 = values[n++].reg64;
	for (i = 0; i < HV_VSM_NR_MSR_PINS; i++)
		pins->msr[i] = values[n++].reg64;
	for (i = 0; i < HV_VSM_NR_TABLE_PINS; i++)
		pins->table[i] = values[n++];
	return 0;
}

static bool hv_vsm_vtl1_msr_pinned(const struct hv_vsm_vtl1_pins *pins, unsigned int i,
				   u64 value)
{
	return !((value ^ pins->msr[i]) & hv_vsm_msr_pins[i].mask);
}

/* A CR4 value keeps the pinned bits that were set and the fixed ones. */
static bool hv_vsm_vtl1_cr4_pinned(const struct hv_vsm_vtl1_pins *pins, u64 value)
{
	return (value & pins->cr4) == pins->cr4 &&
	       (value & HV_VSM_FIXED_CR4) == pins->cr4_fixed;
}

/**
 * hv_vsm_vtl1_hypercall_locked() - Check that VTL0's hypercall page is locked
 *
 * The hypervisor writes the hypercall page over whatever VTL0 points its
 * hypercall MSR at; unlocked, a sealed VTL0 could point it at its own
 * text. Locked, it stays where it is until the partition is reset.
 *
 * Return: 0 if VTL0's hypercall MSR is enabled and locked, -EPERM if it is
 * not, or the errno of a failed hypercall.
 */
int hv_vsm_vtl1_hypercall_locked(void)
{
	u64 msr;
	int ret;

	ret = hv_vsm_get_vp_reg64(HV_VSM_INPUT_VTL0, HV_VSM_REGISTER_HYPERCALL,
				  &msr);
	if (ret)
		return ret;
	if ((msr & (HV_X64_MSR_HYPERCALL_ENABLE | HV_VSM_HYPERCALL_LOCKED)) !=
	    (HV_X64_MSR_HYPERCALL_ENABLE | HV_VSM_HYPERCALL_LOCKED)) {
		pr_warn("end of boot refused: VTL0's hypercall page is not locked\n");
		return -EPERM;
	}
	return 0;
}

/**
 * hv_vsm_vtl1_all_locked() - Whether LOCK_REGS pinned every CPU of VTL1
 *
 * Return: true if the registers of VTL0 are pinned on every online CPU.
 */
bool hv_vsm_vtl1_all_locked(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		if (!READ_ONCE(per_cpu(hv_vsm_vtl1_pins, cpu).locked))
			return false;
	return true;
}

/**
 * hv_vsm_vtl1_lock_regs() - LOCK_REGS for the calling virtual processor
 *
 * @a1: the base of a second mapping of the CPU's GDT, which VTL0 may load
 *      as well as the pinned GDTR (Linux loads its writable alias around
 *      LTR), or 0
 * @a2: 0
 * @a3: 0
 *
 * Context: the VTL call dispatcher, state lock held; boot only.
 * Return: 0; -EALREADY if this VP is already locked, -EINVAL if VTL0 runs
 * without paging, protected mode or CR0.WP (nothing worth pinning); or the
 * errno of a failed hypercall.
 */
long hv_vsm_vtl1_lock_regs(u64 a1, u64 a2, u64 a3)
{
	static const u32 ctl_names[] = {
		HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK,
		HV_X64_REGISTER_CR_INTERCEPT_CR4_MASK,
		HV_X64_REGISTER_CR_INTERCEPT_CONTROL,
	};
	const union hv_register_value ctl_values[ARRAY_SIZE(ctl_names)] = {
		{ .reg64 = HV_VSM_PINNED_CR0 },
		{ .reg64 = HV_VSM_PINNED_CR4 | HV_VSM_FIXED_CR4 },
		{ .reg64 = hv_vsm_vtl1_intercepts.as_uint64 },
	};
	struct hv_vsm_vtl1_pins pins, *cur = this_cpu_ptr(&hv_vsm_vtl1_pins);
	unsigned long flags;
	int ret;

	if (cur->locked)
		return -EALREADY;

	ret = hv_vsm_vtl1_read_pinned(&pins);
	if (ret)
		return ret;
	if ((pins.cr0 & HV_VSM_PINNED_CR0) != HV_VSM_PINNED_CR0)
		return -EINVAL;
	pins.cr0 &= HV_VSM_PINNED_CR0;
	pins.gdt_alias = a1;
	pins.cr4_fixed = pins.cr4 & HV_VSM_FIXED_CR4;
	pins.cr4 &= HV_VSM_PINNED_CR4;
	pins.locked = true;

	/* Pins first: an intercept may arrive as soon as the control is set. */
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

/*
 * Apply a write VTL0 was allowed to make and step over its instruction.
 * Returns false if the hypervisor refused the value (e.g. one the
 * processor would not take either): the write is then denied, rather
 * than run again for ever.
 */
static bool hv_vsm_vtl1_allow(const struct hv_x64_intercept_message_header *hdr,
			      u32 reg, const union hv_register_value *v)
{
	const u32 names[] = { reg, HV_X64_REGISTER_RIP };
	const union hv_register_value values[] = {
		*v, { .reg64 = hdr->rip + hdr->instruction_length },
	};

	if (!hv_vsm_set_vp_regs(HV_VSM_INPUT_VTL0, ARRAY_SIZE(names), names,
				values))
		return true;
	pr_warn_ratelimited("VP%u: hypervisor refused an allowed write of %#llx\n",
			    hdr->vp_index, v->reg64);
	return false;
}

/* Inject #GP(0) into VTL0 at the faulting instruction and record it. */
static void hv_vsm_vtl1_deny(const struct hv_x64_intercept_message_header *hdr,
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
		hv_vsm_vtl1_log_violation(type, hdr->vp_index, hdr->rip, addr, value);
}

/*
 * A descriptor table load a locked virtual processor may make: the pinned
 * IDTR, the pinned GDTR or the GDT alias named at LOCK_REGS with the pinned
 * limit, the pinned LDTR and TR selectors (as a CPU coming back online
 * loads them again). Sets @v to the value to apply: the one asked for, the
 * whole pinned segment for LDTR and TR, whose intercepts only carry a
 * selector.
 */
static bool hv_vsm_vtl1_table_load_ok(const struct hv_vsm_vtl1_pins *pins,
				      unsigned int i, const struct hv_u128 *req,
				      union hv_register_value *v)
{
	const union hv_register_value *p = &pins->table[i];

	if (i == HV_VSM_PIN_GDTR || i == HV_VSM_PIN_IDTR) {
		v->reg128 = *req;
		if (v->table.limit != p->table.limit)
			return false;
		return v->table.base == p->table.base ||
		       (i == HV_VSM_PIN_GDTR && pins->gdt_alias &&
			v->table.base == pins->gdt_alias);
	}
	*v = *p;
	return (u16)req->low_part == p->segment.selector;
}

static void hv_vsm_vtl1_register_intercept(const struct hv_x64_register_intercept_message *m)
{
	const struct hv_vsm_vtl1_pins *pins = this_cpu_ptr(&hv_vsm_vtl1_pins);
	bool locked = pins->locked && m->header.execution_state.efer_lma;
	u64 value = m->access_info.low_part;
	bool allowed = false;
	int table = -1;
	union hv_register_value v;
	u32 type = 0;
	u64 addr = 0;

	switch (m->register_name) {
	case HV_X64_REGISTER_CR0:
		type = HV_VSM_VIOLATION_CR0;
		allowed = locked && (value & pins->cr0) == pins->cr0;
		break;
	case HV_X64_REGISTER_CR4:
		type = HV_VSM_VIOLATION_CR4;
		addr = 4;
		allowed = locked && hv_vsm_vtl1_cr4_pinned(pins, value);
		break;
	case HV_X64_REGISTER_GDTR:
		type = HV_VSM_VIOLATION_GDTR;
		table = HV_VSM_PIN_GDTR;
		break;
	case HV_X64_REGISTER_IDTR:
		type = HV_VSM_VIOLATION_IDTR;
		table = HV_VSM_PIN_IDTR;
		break;
	case HV_X64_REGISTER_LDTR:
		type = HV_VSM_VIOLATION_LDTR;
		table = HV_VSM_PIN_LDTR;
		break;
	case HV_X64_REGISTER_TR:
		type = HV_VSM_VIOLATION_TR;
		table = HV_VSM_PIN_TR;
		break;
	default:
		/* Not something VTL1 asked for: refuse rather than guess. */
		hv_vsm_vtl1_deny(&m->header, 0, 0, 0);
		return;
	}

	if (table >= 0) {
		if (!locked ||
		    !hv_vsm_vtl1_table_load_ok(pins, table, &m->access_info, &v) ||
		    !hv_vsm_vtl1_allow(&m->header, m->register_name, &v))
			hv_vsm_vtl1_deny(&m->header, type, addr, value);
		return;
	}
	v = (union hv_register_value){ .reg64 = value };
	if (!allowed || !hv_vsm_vtl1_allow(&m->header, m->register_name, &v))
		hv_vsm_vtl1_deny(&m->header, type, addr, value);
}

static void hv_vsm_vtl1_msr_intercept(const struct hv_x64_msr_intercept_message *m)
{
	const struct hv_vsm_vtl1_pins *pins = this_cpu_ptr(&hv_vsm_vtl1_pins);
	bool locked = pins->locked && m->header.execution_state.efer_lma;
	u64 value = (m->rdx << 32) | lower_32_bits(m->rax);
	const union hv_register_value v = { .reg64 = value };
	unsigned int i;

	if (m->header.intercept_access_type != HV_INTERCEPT_ACCESS_WRITE)
		return;
	for (i = 0; i < HV_VSM_NR_MSR_PINS; i++) {
		const struct hv_vsm_msr_pin *p = &hv_vsm_msr_pins[i];

		if (p->msr != m->msr_number)
			continue;
		if (!locked || !hv_vsm_vtl1_msr_pinned(pins, i, value) ||
		    !hv_vsm_vtl1_allow(&m->header, p->reg, &v))
			hv_vsm_vtl1_deny(&m->header, HV_VSM_VIOLATION_MSR,
					 m->msr_number, value);
		return;
	}
	hv_vsm_vtl1_deny(&m->header, 0, 0, 0);
}

static void hv_vsm_vtl1_gpa_intercept(const struct hv_x64_memory_intercept_message *m)
{
	u32 type;

	switch (m->header.intercept_access_type) {
	case HV_INTERCEPT_ACCESS_READ:
		type = HV_VSM_VIOLATION_MEM_READ;
		break;
	case HV_INTERCEPT_ACCESS_WRITE:
		type = HV_VSM_VIOLATION_MEM_WRITE;
		break;
	default:
		type = HV_VSM_VIOLATION_MEM_EXEC;
		/*
		 * Another CPU is making VTL0's RAM executable, or writing
		 * kernel text: run the instruction again.
		 */
		if (hv_vsm_vtl1_arming(m->guest_physical_address) ||
		    hv_vsm_vtl1_text_retry(m->guest_physical_address))
			return;
		break;
	}
	hv_vsm_vtl1_deny(&m->header, type, m->guest_physical_address, 0);
}

/**
 * hv_vsm_vtl1_handle_intercept() - Handle a secure intercept message
 * @msg: the message, in this CPU's SynIC message page (SINT0)
 *
 * Runs in interrupt context on the virtual processor whose VTL0 caused the
 * intercept; VTL0 is stopped on the faulting instruction until VTL1
 * returns.
 */
void hv_vsm_vtl1_handle_intercept(const struct hv_message *msg)
{
	const void *payload = msg->u.payload;
	const struct hv_x64_intercept_message_header *hdr = payload;

	if (hdr->execution_state.vtl != HV_VTL_NORMAL)
		return;

	switch (msg->header.message_type) {
	case HVMSG_X64_REGISTER_INTERCEPT:
		hv_vsm_vtl1_register_intercept(payload);
		break;
	case HVMSG_X64_MSR_INTERCEPT:
		hv_vsm_vtl1_msr_intercept(payload);
		break;
	case HVMSG_GPA_INTERCEPT:
		hv_vsm_vtl1_gpa_intercept(payload);
		break;
	default:
		break;
	}
}
