// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): set-up and the VTL return.
 *
 * VTL1 runs only when VTL0 calls it, when one of its own interrupts fires
 * (timers, IPIs, secure intercepts) or while it boots. Its idle path is the
 * VTL return: a cpuidle state whose "sleep" is running VTL0. When VTL0
 * calls in, the arguments are handed to a per-CPU thread, which serves the
 * call through the dispatcher (dispatch.c), and the result is given back on
 * the next VTL return, once that thread is done. VTL0's registers are saved
 * on entry and restored on return, so an interrupt taken by VTL1 is
 * invisible to VTL0.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/cpuhotplug.h>
#include <linux/cpuidle.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smpboot.h>
#include <asm/fpu/types.h>
#include <asm/irq_vectors.h>
#include <asm/mshyperv.h>
#include <hyperv/hv_vsm.h>

#include "../hv_vsm_hvcall.h"
#include "vtl1.h"

enum hv_vsm_vtl1_cpu_state {
	HV_VSM_CPU_STARTING,	/* stays in VTL1 when idle */
	HV_VSM_CPU_RUNNING,	/* idle returns to VTL0 */
};

struct hv_vsm_vtl1_cpu {
	struct mshv_vtl_cpu_context vtl0;	/* VTL0 registers while in VTL1 */
	enum hv_vsm_vtl1_cpu_state state;
	bool busy;				/* a VTL call is being handled */
	u64 args[4];
	struct hv_message_page *simp;
};

static DEFINE_PER_CPU(struct hv_vsm_vtl1_cpu, hv_vsm_vtl1_cpu);
static DEFINE_PER_CPU(struct task_struct *, hv_vsm_vtl1_task);

/* Set when VTL1 could not set itself up: every call then fails with it. */
static int hv_vsm_vtl1_init_err;

static int hv_vsm_vtl1_idle_enter(struct cpuidle_device *dev,
				  struct cpuidle_driver *drv, int index)
{
	struct hv_vsm_vtl1_cpu *c = this_cpu_ptr(&hv_vsm_vtl1_cpu);
	struct hv_vp_assist_page *hvp = hv_vp_assist_page[smp_processor_id()];

	if (READ_ONCE(c->state) != HV_VSM_CPU_RUNNING || READ_ONCE(c->busy)) {
		/* VTL0 must not run before this CPU is done: wait in VTL1. */
		ct_cpuidle_enter();
		raw_safe_halt();
		raw_local_irq_disable();
		ct_cpuidle_exit();
		return index;
	}

	ct_cpuidle_enter();
	mshv_vtl_return_call(&c->vtl0);
	ct_cpuidle_exit();

	if (READ_ONCE(hvp->vtl_entry_reason) != HV_VTL_ENTRY_REASON_LOWER_VTL_CALL)
		return index;

	if (hv_vsm_vtl1_init_err) {
		c->vtl0.r8 = hv_vsm_vtl1_init_err;
		return index;
	}
	c->args[0] = c->vtl0.rdi;
	c->args[1] = c->vtl0.rsi;
	c->args[2] = c->vtl0.rdx;
	c->args[3] = c->vtl0.r8;
	WRITE_ONCE(c->busy, true);
	wake_up_process(__this_cpu_read(hv_vsm_vtl1_task));
	return index;
}

static struct cpuidle_driver hv_vsm_vtl1_idle_driver = {
	.name = "hv_vsm_vtl1",
	.owner = THIS_MODULE,
	.states = {
		{
			.name = "VTL0",
			.desc = "Return to VTL0",
			.exit_latency = 1,
			.target_residency = 1,
			.flags = CPUIDLE_FLAG_RCU_IDLE,
			.enter = hv_vsm_vtl1_idle_enter,
		},
	},
	.state_count = 1,
};

static int hv_vsm_vtl1_thread_should_run(unsigned int cpu)
{
	return READ_ONCE(per_cpu(hv_vsm_vtl1_cpu, cpu).busy);
}

static void hv_vsm_vtl1_thread_fn(unsigned int cpu)
{
	struct hv_vsm_vtl1_cpu *c = this_cpu_ptr(&hv_vsm_vtl1_cpu);
	long ret;

	ret = hv_vsm_vtl1_dispatch(c->args);
	c->vtl0.r8 = ret;
	/* Read by the idle path of this same CPU only. */
	WRITE_ONCE(c->busy, false);
}

static struct smp_hotplug_thread hv_vsm_vtl1_threads = {
	.store = &hv_vsm_vtl1_task,
	.thread_should_run = hv_vsm_vtl1_thread_should_run,
	.thread_fn = hv_vsm_vtl1_thread_fn,
	.thread_comm = "hv_vsm/%u",
};

static void hv_vsm_vtl1_sint_handler(void)
{
	struct hv_vsm_vtl1_cpu *c = this_cpu_ptr(&hv_vsm_vtl1_cpu);
	struct hv_message *msg;

	if (!c->simp)
		return;
	msg = &c->simp->sint_message[HV_SYNIC_INTERCEPTION_SINT_INDEX];
	if (READ_ONCE(msg->header.message_type) == HVMSG_NONE)
		return;

	hv_vsm_vtl1_handle_intercept(msg);

	WRITE_ONCE(msg->header.message_type, HVMSG_NONE);
	/* Clear the slot before asking for the next message. */
	mb();
	if (msg->header.message_flags.msg_pending)
		hv_set_msr(HV_MSR_EOM, 0);
}

/* Receive secure intercepts of this VP's VTL0 on SINT0. */
static int hv_vsm_vtl1_synic_init(struct hv_vsm_vtl1_cpu *c)
{
	union hv_synic_simp simp;
	union hv_synic_sint sint;
	union hv_synic_scontrol sctrl;
	struct page *page;

	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	c->simp = page_address(page);

	simp.as_uint64 = hv_get_msr(HV_MSR_SIMP);
	simp.simp_enabled = 1;
	simp.base_simp_gpa = page_to_phys(page) >> HV_HYP_PAGE_SHIFT;
	hv_set_msr(HV_MSR_SIMP, simp.as_uint64);

	sint.as_uint64 = 0;
	sint.vector = HYPERVISOR_CALLBACK_VECTOR;
	sint.auto_eoi = !(ms_hyperv.hints & HV_DEPRECATING_AEOI_RECOMMENDED);
	hv_set_msr(HV_MSR_SINT0 + HV_SYNIC_INTERCEPTION_SINT_INDEX,
		   sint.as_uint64);

	sctrl.as_uint64 = hv_get_msr(HV_MSR_SCONTROL);
	sctrl.enable = 1;
	hv_set_msr(HV_MSR_SCONTROL, sctrl.as_uint64);
	return 0;
}

/* Runs on each CPU as it comes online in VTL1, the boot CPU included. */
static int hv_vsm_vtl1_cpu_online(unsigned int cpu)
{
	struct hv_vsm_vtl1_cpu *c = this_cpu_ptr(&hv_vsm_vtl1_cpu);
	union hv_register_vsm_vp_secure_vtl_config cfg = { .mbec_enabled = 1 };
	int ret;

	c->vtl0.fx_state.cwd = 0x37f;
	c->vtl0.fx_state.mxcsr = MXCSR_DEFAULT;

	ret = hv_vsm_vtl1_synic_init(c);
	if (!ret)
		ret = hv_vsm_set_vp_reg64(HV_VSM_INPUT_SELF,
					  HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0,
					  cfg.as_uint64);
	if (ret) {
		pr_err("CPU%u: setup failed: %d\n", cpu, ret);
		/* Let VTL0 see the failure rather than hang in VTL1. */
		c->vtl0.r8 = ret;
	}
	WRITE_ONCE(c->state, HV_VSM_CPU_RUNNING);
	return 0;
}

static int __init hv_vsm_vtl1_setup(void)
{
	union hv_register_vsm_partition_status st;
	union hv_register_vsm_page_offsets offsets;
	int ret;

	/* VTL entry reasons and return registers live in the VP assist page. */
	if (!hv_vp_assist_page)
		return -ENODEV;
	ret = hv_vsm_vtl1_mem_init();
	if (ret) {
		pr_err("no VTL0/VTL1 memory map from VTL0\n");
		return ret;
	}
	ret = hv_vsm_get_vp_reg64(HV_VSM_INPUT_SELF,
				  HV_REGISTER_VSM_PARTITION_STATUS,
				  &st.as_uint64);
	if (ret)
		return ret;
	if (!(st.mbec_enabled_vtl_set & BIT(HV_VTL_SECURE))) {
		pr_err("MBEC is not enabled for VTL1\n");
		return -ENODEV;
	}
	ret = hv_vsm_get_vp_reg64(HV_VSM_INPUT_SELF,
				  HV_REGISTER_VSM_CODE_PAGE_OFFSETS,
				  &offsets.as_uint64);
	if (ret)
		return ret;
	mshv_vtl_return_call_init(offsets.vtl_return_offset);

	/*
	 * The secondary CPUs, started later by BOOT_APS, are virtual
	 * processors of the same partition: reuse the boot CPU's delay loop
	 * calibration (from the hypervisor's timer frequency) rather than
	 * measuring it while VTL0 runs on them between VTL1 interrupts,
	 * which fails and then takes seconds per CPU.
	 */
	if (!preset_lpj)
		preset_lpj = loops_per_jiffy;
	hv_setup_vmbus_handler(hv_vsm_vtl1_sint_handler);
	return smpboot_register_percpu_thread(&hv_vsm_vtl1_threads);
}

static int __init hv_vsm_vtl1_init(void)
{
	int ret;

	if (ms_hyperv.vtl != HV_VTL_SECURE)
		return -ENODEV;

	ret = hv_vsm_vtl1_setup();
	if (ret) {
		/* The boot CPU still returns to VTL0, which then fails closed. */
		hv_vsm_vtl1_init_err = ret;
		this_cpu_ptr(&hv_vsm_vtl1_cpu)->vtl0.r8 = ret;
		WRITE_ONCE(this_cpu_ptr(&hv_vsm_vtl1_cpu)->state, HV_VSM_CPU_RUNNING);
	} else {
		ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "hyperv/vsm_vtl1:online",
					hv_vsm_vtl1_cpu_online, NULL);
		if (ret < 0)
			panic("Hyper-V VSM: no CPU hotplug state (%d)\n", ret);
	}

	/* From now on, idle returns to VTL0. */
	ret = cpuidle_register(&hv_vsm_vtl1_idle_driver, NULL);
	if (ret)
		panic("Hyper-V VSM: cannot install the VTL return idle state (%d)\n",
		      ret);
	pr_info("secure kernel ready%s\n", hv_vsm_vtl1_init_err ? " (failed)" : "");
	return 0;
}
late_initcall(hv_vsm_vtl1_init);
