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
 *
 * Only an INIT takes a pinned virtual processor out of long mode: when an
 * intercept shows VTL0 outside it, VTL0 is restarting (CPU hotplug). The
 * bring-up code may then load descriptor tables and set up CR0, CR4 and
 * EFER, but paging may only be enabled with every pinned bit in place.
 * LOCK_REGS from the restarted CPU checks that its registers are back to
 * the pinned values and pins the descriptor tables again. If it does not
 * come in time, VTL1 puts the pinned values back itself.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/errno.h>
#include <linux/hrtimer.h>
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
	bool restarting;	/* VTL0 was reset since it was locked */
	u64 cr0;	/* pinned CR0 bits that were set */
	u64 cr4;	/* pinned CR4 bits that were set */
	u64 cr4_fixed;	/* the HV_VSM_FIXED_CR4 bits, as they were */
	u64 gdt_alias;	/* writable alias of the GDT VTL0 named, or 0 */
	u64 msr[HV_VSM_NR_MSR_PINS];
	union hv_register_value table[HV_VSM_NR_TABLE_PINS];
};

/* Secure intercepts LOCK_REGS asks for, without and with the tables. */
static const union hv_register_cr_intercept_control hv_vsm_vtl1_intercepts = {
	.cr0_write = 1, .cr4_write = 1,
	.msr_efer_write = 1, .msr_apic_base_write = 1,
	.msr_star_write = 1, .msr_lstar_write = 1, .msr_cstar_write = 1,
	.msr_sfmask_write = 1, .msr_sysenter_cs_write = 1,
	.msr_sysenter_eip_write = 1, .msr_sysenter_esp_write = 1,
};

static const union hv_register_cr_intercept_control hv_vsm_vtl1_table_intercepts = {
	.gdtr_write = 1, .idtr_write = 1, .ldtr_write = 1, .tr_write = 1,
};

static DEFINE_PER_CPU(struct hv_vsm_vtl1_pins, hv_vsm_vtl1_pins);

/* How long a restarted VTL0 has to ask for LOCK_REGS again. */
#define HV_VSM_RELOCK_TIMEOUT_MS	10000
static DEFINE_PER_CPU(struct hrtimer, hv_vsm_vtl1_relock_timer);

static int hv_vsm_vtl1_set_intercepts(bool tables)
{
	u64 ctl = hv_vsm_vtl1_intercepts.as_uint64;

	if (tables)
		ctl |= hv_vsm_vtl1_table_intercepts.as_uint64;
	return hv_vsm_set_vp_reg64(HV_VSM_INPUT_SELF,
				   HV_X64_REGISTER_CR_INTERCEPT_CONTROL, ctl);
}

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

static bool hv_vsm_vtl1_table_pinned(const struct hv_vsm_vtl1_pins *pins,
				     unsigned int i, const union hv_register_value *v)
{
	const union hv_register_value *p = &pins->table[i];

	if (i == HV_VSM_PIN_GDTR || i == HV_VSM_PIN_IDTR)
		return v->table.base == p->table.base &&
		       v->table.limit == p->table.limit;
	return v->segment.selector == p->segment.selector &&
	       v->segment.base == p->segment.base &&
	       v->segment.limit == p->segment.limit;
}

/* A restarted virtual processor is back to every pinned value. */
static bool hv_vsm_vtl1_back_to_pins(const struct hv_vsm_vtl1_pins *pins,
				     const struct hv_vsm_vtl1_pins *now)
{
	unsigned int i;

	if ((now->cr0 & pins->cr0) != pins->cr0 ||
	    !hv_vsm_vtl1_cr4_pinned(pins, now->cr4))
		return false;
	for (i = 0; i < HV_VSM_NR_MSR_PINS; i++)
		if (!hv_vsm_vtl1_msr_pinned(pins, i, now->msr[i]))
			return false;
	for (i = 0; i < HV_VSM_NR_TABLE_PINS; i++)
		if (!hv_vsm_vtl1_table_pinned(pins, i, &now->table[i]))
			return false;
	return true;
}

/* LOCK_REGS from a virtual processor whose VTL0 restarted. */
static long hv_vsm_vtl1_relock(struct hv_vsm_vtl1_pins *cur)
{
	struct hv_vsm_vtl1_pins now;
	unsigned long flags;
	int ret;

	ret = hv_vsm_vtl1_read_pinned(&now);
	if (ret)
		return ret;
	if (!hv_vsm_vtl1_back_to_pins(cur, &now)) {
		pr_warn_ratelimited("CPU%u: restarted VTL0 left the pinned registers\n",
				    smp_processor_id());
		return -EACCES;
	}
	ret = hv_vsm_vtl1_set_intercepts(true);
	if (ret)
		return ret;
	/* The timer only runs on this CPU, in interrupt context. */
	local_irq_save(flags);
	hrtimer_try_to_cancel(this_cpu_ptr(&hv_vsm_vtl1_relock_timer));
	cur->restarting = false;
	local_irq_restore(flags);
	return 0;
}

/*
 * A restarted VTL0 did not ask for LOCK_REGS in time: fail closed. Put
 * back the pinned values of what its bring-up may change (CR4's pinned
 * bits and the descriptor table registers), pin the tables again and
 * record it. Runs in interrupt context on the virtual processor.
 */
static enum hrtimer_restart hv_vsm_vtl1_relock_expired(struct hrtimer *timer)
{
	struct hv_vsm_vtl1_pins *pins = this_cpu_ptr(&hv_vsm_vtl1_pins);
	u32 names[1 + HV_VSM_NR_TABLE_PINS] = { HV_X64_REGISTER_CR4 };
	union hv_register_value values[ARRAY_SIZE(names)];
	u32 vp = hv_vp_index[smp_processor_id()];
	unsigned int i;
	u64 rip = 0;

	if (!pins->restarting)
		return HRTIMER_NORESTART;
	if (hv_vsm_get_vp_reg64(HV_VSM_INPUT_VTL0, HV_X64_REGISTER_CR4,
				&values[0].reg64))
		values[0].reg64 = 0;
	values[0].reg64 &= ~HV_VSM_FIXED_CR4;
	values[0].reg64 |= pins->cr4 | pins->cr4_fixed;
	for (i = 0; i < HV_VSM_NR_TABLE_PINS; i++) {
		names[1 + i] = hv_vsm_table_pins[i].reg;
		values[1 + i] = pins->table[i];
	}
	if (hv_vsm_set_vp_regs(HV_VSM_INPUT_VTL0, ARRAY_SIZE(names), names,
			       values) ||
	    hv_vsm_vtl1_set_intercepts(true))
		pr_crit("VP%u: cannot restore the pinned registers\n", vp);
	pins->restarting = false;
	hv_vsm_get_vp_reg64(HV_VSM_INPUT_VTL0, HV_X64_REGISTER_RIP, &rip);
	hv_vsm_vtl1_log_violation(HV_VSM_VIOLATION_RELOCK, vp, rip, 0, 0);
	pr_warn("VP%u: restarted VTL0 was not locked again in time: pins restored\n",
		vp);
	return HRTIMER_NORESTART;
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
 * hv_vsm_vtl1_cpu_restarting() - Whether VTL0 restarted on this pinned VP
 *
 * Return: true between the first intercept that showed VTL0 outside long
 * mode on this locked virtual processor and its LOCK_REGS.
 */
bool hv_vsm_vtl1_cpu_restarting(void)
{
	const struct hv_vsm_vtl1_pins *pins = this_cpu_ptr(&hv_vsm_vtl1_pins);

	return READ_ONCE(pins->locked) && READ_ONCE(pins->restarting);
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
 * Context: the VTL call dispatcher, state lock held. After the end of boot
 * it lets the call through only from a VP that hv_vsm_vtl1_cpu_restarting().
 * Return: 0; for a virtual processor whose VTL0 restarted, 0 once its
 * registers are back to the pinned values, -EACCES if they are not;
 * otherwise -EALREADY if this VP is already locked, -EINVAL if VTL0 runs
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
		{ .reg64 = hv_vsm_vtl1_intercepts.as_uint64 |
			   hv_vsm_vtl1_table_intercepts.as_uint64 },
	};
	struct hv_vsm_vtl1_pins pins, *cur = this_cpu_ptr(&hv_vsm_vtl1_pins);
	unsigned long flags;
	int ret;

	if (READ_ONCE(cur->locked) && READ_ONCE(cur->restarting))
		return hv_vsm_vtl1_relock(cur);
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
	pins.restarting = false;
	hrtimer_setup(this_cpu_ptr(&hv_vsm_vtl1_relock_timer), hv_vsm_vtl1_relock_expired,
		      CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);

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
 * An intercept from VTL0 outside long mode on a pinned virtual processor:
 * VTL0 was reset. Let its bring-up code load descriptor tables until it
 * asks for LOCK_REGS again. Returns whether VTL0 is restarting.
 */
static bool hv_vsm_vtl1_restarting(const struct hv_x64_intercept_message_header *hdr)
{
	struct hv_vsm_vtl1_pins *pins = this_cpu_ptr(&hv_vsm_vtl1_pins);

	if (!pins->locked)
		return false;
	if (!pins->restarting && !hdr->execution_state.efer_lma) {
		if (hv_vsm_vtl1_set_intercepts(false)) {
			pr_err_ratelimited("VP%u: cannot unpin tables for restart\n",
					   hdr->vp_index);
			return false;
		}
		pins->restarting = true;
		hrtimer_start(this_cpu_ptr(&hv_vsm_vtl1_relock_timer),
			      ms_to_ktime(HV_VSM_RELOCK_TIMEOUT_MS),
			      HRTIMER_MODE_REL_PINNED_HARD);
		pr_info("VP%u: VTL0 restarted, descriptor tables unpinned until LOCK_REGS\n",
			hdr->vp_index);
	}
	return pins->restarting;
}

/*
 * Apply a write VTL0 was allowed to make and step over its instruction.
 * Returns false if the hypervisor refused the value (e.g. one the
 * processor would not take either): the write is then denied, rather
 * than run again for ever.
 */
static bool hv_vsm_vtl1_allow(const struct hv_x64_intercept_message_header *hdr,
			      u32 reg, u64 value)
{
	const u32 names[] = { reg, HV_X64_REGISTER_RIP };
	const union hv_register_value values[] = {
		{ .reg64 = value },
		{ .reg64 = hdr->rip + hdr->instruction_length },
	};

	if (!hv_vsm_set_vp_regs(HV_VSM_INPUT_VTL0, ARRAY_SIZE(names), names,
				values))
		return true;
	pr_warn_ratelimited("VP%u: hypervisor refused an allowed write of %#llx\n",
			    hdr->vp_index, value);
	return false;
}

/*
 * A restarting VTL0 enables paging: only into long mode with the pinned
 * EFER (CR4's SMEP and the like come later, in long mode). Register
 * writes through the hypervisor have no side effects, so EFER.LMA is set
 * here as the CPU would. Returns whether the write was applied.
 */
static bool hv_vsm_vtl1_enable_paging(const struct hv_x64_intercept_message_header *hdr,
				      const struct hv_vsm_vtl1_pins *pins, u64 cr0)
{
	const u32 set[] = {
		HV_X64_REGISTER_CR0, HV_X64_REGISTER_EFER, HV_X64_REGISTER_RIP
	};
	union hv_register_value values[ARRAY_SIZE(set)];
	u64 efer;

	if (hv_vsm_get_vp_reg64(HV_VSM_INPUT_VTL0, HV_X64_REGISTER_EFER, &efer))
		return false;
	if (!hv_vsm_vtl1_msr_pinned(pins, HV_VSM_PIN_EFER, efer | EFER_LMA) ||
	    !(efer & EFER_LME))
		return false;

	values[0].reg64 = cr0;
	values[1].reg64 = efer | EFER_LMA;
	values[2].reg64 = hdr->rip + hdr->instruction_length;
	if (hv_vsm_set_vp_regs(HV_VSM_INPUT_VTL0, ARRAY_SIZE(set), set, values)) {
		pr_err_ratelimited("VP%u: cannot enable paging\n", hdr->vp_index);
		return false;
	}
	return true;
}

/*
 * While VTL0 restarts in long mode, CR4 may gain pinned bits but not lose
 * one it has, and a fixed bit may only take its pinned value; LOCK_REGS
 * then checks that they are all back.
 */
static bool hv_vsm_vtl1_cr4_restart_ok(const struct hv_vsm_vtl1_pins *pins, u64 value)
{
	u64 cur;

	if (hv_vsm_get_vp_reg64(HV_VSM_INPUT_VTL0, HV_X64_REGISTER_CR4, &cur))
		return false;
	return !(cur & ~value & pins->cr4) &&
	       !((value ^ pins->cr4_fixed) & ~(cur ^ pins->cr4_fixed) &
		 HV_VSM_FIXED_CR4);
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

/* Apply a table load VTL0 was allowed to make and step over its instruction. */
static bool hv_vsm_vtl1_allow_table(const struct hv_x64_intercept_message_header *hdr,
				    u32 reg, const union hv_register_value *v)
{
	const u32 names[] = { reg, HV_X64_REGISTER_RIP };
	const union hv_register_value values[] = {
		*v, { .reg64 = hdr->rip + hdr->instruction_length },
	};

	return !hv_vsm_set_vp_regs(HV_VSM_INPUT_VTL0, ARRAY_SIZE(names), names,
				   values);
}

static void hv_vsm_vtl1_register_intercept(const struct hv_x64_register_intercept_message *m)
{
	const struct hv_vsm_vtl1_pins *pins = this_cpu_ptr(&hv_vsm_vtl1_pins);
	bool restarting = hv_vsm_vtl1_restarting(&m->header);
	bool long_mode = m->header.execution_state.efer_lma;
	u64 value = m->access_info.low_part;
	bool allowed = false;
	int table = -1;
	union hv_register_value v;
	u32 type = 0;
	u64 addr = 0;

	switch (m->register_name) {
	case HV_X64_REGISTER_CR0:
		type = HV_VSM_VIOLATION_CR0;
		if (!pins->locked)
			break;
		/*
		 * Bring-up may set up CR0 freely before long mode, but not
		 * enable paging; in long mode CR0 stays pinned.
		 */
		if (restarting && !long_mode && !(value & X86_CR0_PG)) {
			allowed = true;
		} else if ((value & pins->cr0) == pins->cr0) {
			if (long_mode)
				allowed = true;
			else if (restarting &&
				 hv_vsm_vtl1_enable_paging(&m->header, pins, value))
				return;
		}
		break;
	case HV_X64_REGISTER_CR4:
		type = HV_VSM_VIOLATION_CR4;
		addr = 4;
		allowed = pins->locked &&
			  (hv_vsm_vtl1_cr4_pinned(pins, value) ||
			   (restarting &&
			    (!long_mode || hv_vsm_vtl1_cr4_restart_ok(pins, value))));
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
		/* With the tables unpinned, VTL0 runs the instruction again. */
		if (restarting)
			return;
		if (!pins->locked ||
		    !hv_vsm_vtl1_table_load_ok(pins, table, &m->access_info, &v) ||
		    !hv_vsm_vtl1_allow_table(&m->header, m->register_name, &v))
			hv_vsm_vtl1_deny(&m->header, type, addr, value);
		return;
	}
	if (!allowed || !hv_vsm_vtl1_allow(&m->header, m->register_name, value))
		hv_vsm_vtl1_deny(&m->header, type, addr, value);
}

static void hv_vsm_vtl1_msr_intercept(const struct hv_x64_msr_intercept_message *m)
{
	const struct hv_vsm_vtl1_pins *pins = this_cpu_ptr(&hv_vsm_vtl1_pins);
	bool restarting = hv_vsm_vtl1_restarting(&m->header);
	u64 value = (m->rdx << 32) | lower_32_bits(m->rax);
	unsigned int i;

	if (m->header.intercept_access_type != HV_INTERCEPT_ACCESS_WRITE)
		return;
	for (i = 0; i < HV_VSM_NR_MSR_PINS; i++) {
		const struct hv_vsm_msr_pin *p = &hv_vsm_msr_pins[i];

		if (p->msr != m->msr_number)
			continue;
		/* Bring-up sets EFER before paging, which checks it then. */
		if (!((pins->locked && hv_vsm_vtl1_msr_pinned(pins, i, value)) ||
		      (restarting && p->msr == MSR_EFER &&
		       !m->header.execution_state.efer_lma)) ||
		    !hv_vsm_vtl1_allow(&m->header, p->reg, value))
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
		/* Another CPU is making VTL0's RAM executable: run it again. */
		if (hv_vsm_vtl1_arming(m->guest_physical_address))
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
