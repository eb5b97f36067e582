// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM backend of HEKI, VTL0 side: starting VTL1.
 *
 * Reserves memory for the VTL1 secure kernel early in boot, loads and
 * checks its image (vtl0_image.c), enables VTL1 for the partition and
 * every online virtual processor, boots it, and then registers the HEKI
 * backend (vtl0_heki.c). When VTL1 cannot start, applies the failure
 * policy. See Documentation/virt/hyperv/vsm.rst.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/heki.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/cpuid/api.h>
#include <asm/hv_vsm.h>
#include <asm/mshyperv.h>
#include <asm/tlbflush.h>
#include <hyperv/hv_vsm.h>

#include "hv_vsm_hvcall.h"
#include "vsm.h"

/* How long VTL1 may take to boot a CPU; generous for emulators. */
#define HV_VSM_BOOT_TIMEOUT_MS	(120 * MSEC_PER_SEC)

static bool hv_vsm_vtl0_disabled __initdata;
static bool hv_vsm_vtl0_fail_panic __initdata =
	IS_ENABLED(CONFIG_HYPERV_VSM_FAILURE_PANIC);
static phys_addr_t hv_vsm_vtl0_req_size __initdata;
static phys_addr_t hv_vsm_vtl0_req_base __initdata;

static phys_addr_t hv_vsm_vtl0_base;
static phys_addr_t hv_vsm_vtl0_size;

static int __init hv_vsm_vtl0_parse_param(char *arg)
{
	if (!arg)
		return -EINVAL;
	if (!strcmp(arg, "off")) {
		hv_vsm_vtl0_disabled = true;
		return 0;
	}
	return strcmp(arg, "on") ? -EINVAL : 0;
}
early_param("hv_vsm", hv_vsm_vtl0_parse_param);

/*
 * hv_vsm_failure=panic|unprotected: what to do when the partition offers
 * VSM but VTL1 cannot start. The parameter can only make the built-in
 * policy stricter: whoever can change the command line must not be able
 * to turn a panic into an unprotected boot.
 */
static int __init hv_vsm_vtl0_parse_failure(char *arg)
{
	if (!arg)
		return -EINVAL;
	if (!strcmp(arg, "panic")) {
		hv_vsm_vtl0_fail_panic = true;
		return 0;
	}
	if (strcmp(arg, "unprotected"))
		return -EINVAL;
	if (hv_vsm_vtl0_fail_panic)
		pr_warn("hv_vsm_failure=unprotected ignored: this kernel panics when VTL1 cannot start\n");
	return 0;
}
early_param("hv_vsm_failure", hv_vsm_vtl0_parse_failure);

static int __init hv_vsm_vtl0_parse_mem(char *arg)
{
	char *cur = arg;
	phys_addr_t size, base = 0;

	if (!arg)
		return -EINVAL;
	size = memparse(arg, &cur);
	if (*cur == '@')
		base = memparse(cur + 1, &cur);
	if (*cur || !size || size > HV_VSM_MEM_MAX ||
	    !IS_ALIGNED(size | base, HV_VSM_ALIGN)) {
		pr_err("invalid hv_vsm_mem=%s, using the default\n", arg);
		return -EINVAL;
	}
	hv_vsm_vtl0_req_size = size;
	hv_vsm_vtl0_req_base = base;
	return 0;
}
early_param("hv_vsm_mem", hv_vsm_vtl0_parse_mem);

/* The partition privileges VSM needs (TLFS: AccessVsm, AccessVpRegisters, AccessSynicRegs). */
static bool hv_vsm_vtl0_has_access(void)
{
	return (ms_hyperv.priv_high & HV_ACCESS_VSM) &&
	       (ms_hyperv.priv_high & HV_ACCESS_VP_REGS) &&
	       (ms_hyperv.features & HV_MSR_SYNIC_AVAILABLE);
}

/*
 * Whether Hyper-V's own CPUID leaves grant AccessVsm, whatever the kernel
 * made of them: with nopv, for one, the kernel does not set up Hyper-V at
 * all, and ms_hyperv stays empty.
 */
static bool __init hv_vsm_vtl0_offered_by_cpuid(void)
{
	u32 max, sig[3];

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return false;
	cpuid(HYPERV_CPUID_VENDOR_AND_MAX_FUNCTIONS, &max, &sig[0], &sig[1],
	      &sig[2]);
	return max >= HYPERV_CPUID_FEATURES && !memcmp(sig, "Microsoft Hv", 12) &&
	       (cpuid_ebx(HYPERV_CPUID_FEATURES) & HV_ACCESS_VSM);
}

/* hv_vsm=off is honoured unless the kernel must not run without VTL1. */
static bool __init hv_vsm_vtl0_turned_off(void)
{
	return hv_vsm_vtl0_disabled && !hv_vsm_vtl0_fail_panic;
}

/**
 * hv_vsm_vtl0_reserve_memory() - Reserve memory for the VTL1 secure kernel
 *
 * Called from setup_arch() once memblock is usable, on Hyper-V partitions
 * that grant the VSM privileges. The size and optionally the address come
 * from hv_vsm_mem=size[@addr]; by default the size scales with the number
 * of possible CPUs, up to HV_VSM_MEM_MAX.
 */
void __init hv_vsm_vtl0_reserve_memory(void)
{
	phys_addr_t size = hv_vsm_vtl0_req_size, base;

	if (hv_vsm_vtl0_turned_off() || heki_is_disabled() ||
	    !hv_vsm_vtl0_has_access())
		return;

	if (!size)
		size = min_t(phys_addr_t, HV_VSM_MEM_BASE +
			     num_possible_cpus() * HV_VSM_MEM_PER_CPU,
			     HV_VSM_MEM_MAX);

	if (hv_vsm_vtl0_req_base) {
		base = hv_vsm_vtl0_req_base;
		if (!memblock_is_region_memory(base, size) ||
		    memblock_is_region_reserved(base, size) ||
		    memblock_reserve(base, size)) {
			pr_err("cannot reserve %pa bytes at %pa for VTL1\n",
			       &size, &base);
			return;
		}
	} else {
		base = memblock_phys_alloc_range(size, HV_VSM_ALIGN, 0,
						 MEMBLOCK_ALLOC_ACCESSIBLE);
		if (!base) {
			pr_err("cannot reserve %pa bytes for VTL1\n", &size);
			return;
		}
	}

	hv_vsm_vtl0_base = base;
	hv_vsm_vtl0_size = size;
	pr_info("reserved %pa bytes at %pa for VTL1\n", &size, &base);
}

/* Give the reservation back when VTL1 does not run: not offered, or failed. */
static void __init hv_vsm_vtl0_release_memory(void)
{
	free_reserved_area(phys_to_virt(hv_vsm_vtl0_base),
			   phys_to_virt(hv_vsm_vtl0_base + hv_vsm_vtl0_size), -1, "hv_vsm");
	hv_vsm_vtl0_base = 0;
	hv_vsm_vtl0_size = 0;
}

static int __init hv_vsm_vtl0_get_partition_status(union hv_register_vsm_partition_status *st)
{
	return hv_vsm_get_vp_reg64(HV_VSM_INPUT_SELF,
				   HV_REGISTER_VSM_PARTITION_STATUS,
				   &st->as_uint64);
}

static char hv_vsm_vtl0_cmdline[PAGE_SIZE] __initdata;

static int __init hv_vsm_vtl0_enable_partition(void)
{
	union hv_register_vsm_partition_status st;
	struct hv_input_enable_partition_vtl *input;
	unsigned long flags;
	u64 status;
	int ret;

	ret = hv_vsm_vtl0_get_partition_status(&st);
	if (ret)
		return ret;
	/* Nobody but us may have set up VTL1: its content would be unknown. */
	if (st.enabled_vtl_set & BIT(HV_VTL_SECURE)) {
		pr_err("VTL1 was enabled before VTL0 loaded it\n");
		return -EBUSY;
	}

	local_irq_save(flags);
	input = *this_cpu_ptr(hyperv_pcpu_input_arg);
	memset(input, 0, sizeof(*input));
	input->partition_id = HV_PARTITION_ID_SELF;
	input->target_vtl = HV_VTL_SECURE;
	input->flags.enable_mbec = 1;
	status = hv_do_hypercall(HVCALL_ENABLE_PARTITION_VTL, input, NULL);
	local_irq_restore(flags);
	if (!hv_result_success(status)) {
		pr_err("HvCallEnablePartitionVtl failed: %#llx\n", status);
		return hv_result_to_errno(status);
	}

	ret = hv_vsm_vtl0_get_partition_status(&st);
	if (ret)
		return ret;
	if (!(st.enabled_vtl_set & BIT(HV_VTL_SECURE)) ||
	    !(st.mbec_enabled_vtl_set & BIT(HV_VTL_SECURE))) {
		pr_err("VTL1 or MBEC not enabled: status %#llx\n", st.as_uint64);
		return -ENODEV;
	}
	return 0;
}

static int __init hv_vsm_vtl0_enable_vp(struct hv_init_vp_context *ctx)
{
	struct hv_enable_vp_vtl *input;
	unsigned long flags;
	u64 status;

	local_irq_save(flags);
	input = *this_cpu_ptr(hyperv_pcpu_input_arg);
	memset(input, 0, sizeof(*input));
	input->partition_id = HV_PARTITION_ID_SELF;
	input->vp_index = HV_VP_INDEX_SELF;
	input->target_vtl.target_vtl = HV_VTL_SECURE;
	input->vp_context = *ctx;
	status = hv_do_hypercall(HVCALL_ENABLE_VP_VTL, input, NULL);
	local_irq_restore(flags);
	if (!hv_result_success(status)) {
		pr_err("HvCallEnableVpVtl failed: %#llx\n", status);
		return hv_result_to_errno(status);
	}
	return 0;
}

/*
 * Enter VTL1 with BOOT until it reports it is ready. VTL1 returns whenever
 * it goes idle, and -EINPROGRESS as long as it has not finished booting.
 */
static long __init hv_vsm_vtl0_boot_cpu(u64 a1)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(HV_VSM_BOOT_TIMEOUT_MS);
	long ret;

	do {
		ret = hv_vsm_vtl0_call(HV_VSM_NR_BOOT, a1, 0, 0);
		if (ret != -EINPROGRESS)
			break;
		cond_resched();
	} while (time_before(jiffies, timeout));

	if (!ret)
		hv_vsm_vtl0_set_cpu_up();
	return ret;
}

struct hv_vsm_vtl0_ap_boot {
	u8 *signal;
	struct completion started;
	atomic_t left;
	long result[];
};

/*
 * Runs bound to one secondary CPU: waits until VTL1 enabled itself on this
 * virtual processor, then enters it. It must not wait for other CPUs: the
 * boot CPU stays in VTL1 until all secondary CPUs are done. It returns only
 * once stopped, so that kthread_stop() never meets a task that is gone.
 */
static int __init hv_vsm_vtl0_ap_thread(void *data)
{
	struct hv_vsm_vtl0_ap_boot *ab = data;
	unsigned int cpu = smp_processor_id();
	unsigned long timeout = jiffies + msecs_to_jiffies(HV_VSM_BOOT_TIMEOUT_MS);

	ab->result[cpu] = -ETIMEDOUT;
	while (time_before(jiffies, timeout) && !kthread_should_stop()) {
		if (READ_ONCE(ab->signal[cpu]) == HV_VSM_BOOT_TOKEN) {
			ab->result[cpu] = hv_vsm_vtl0_boot_cpu(0);
			break;
		}
		usleep_range(100, 200);
	}
	if (atomic_dec_and_test(&ab->left))
		complete(&ab->started);

	set_current_state(TASK_IDLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_IDLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static int __init hv_vsm_vtl0_boot_aps(void)
{
	struct page *mask_page, *signal_page;
	struct task_struct **threads;
	struct hv_vsm_vtl0_ap_boot *ab;
	unsigned int cpu, n = 0;
	long ret;

	ab = kzalloc(struct_size(ab, result, nr_cpu_ids), GFP_KERNEL);
	threads = kcalloc(nr_cpu_ids, sizeof(*threads), GFP_KERNEL);
	mask_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	signal_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!ab || !threads || !mask_page || !signal_page) {
		ret = -ENOMEM;
		goto out;
	}
	/* One signal byte and one mask bit per CPU, in one page each. */
	if (nr_cpu_ids > HV_VSM_MAX_CPUS) {
		ret = -E2BIG;
		goto out;
	}
	ab->signal = page_address(signal_page);
	init_completion(&ab->started);

	for_each_online_cpu(cpu) {
		if (cpu == smp_processor_id())
			continue;
		threads[cpu] = kthread_create_on_cpu(hv_vsm_vtl0_ap_thread, ab, cpu,
						     "hv_vsm_ap/%u");
		if (IS_ERR(threads[cpu])) {
			ret = PTR_ERR(threads[cpu]);
			threads[cpu] = NULL;
			goto stop;
		}
		__cpumask_set_cpu(cpu, page_address(mask_page));
		n++;
	}
	if (!n) {
		ret = 0;
		goto out;
	}
	atomic_set(&ab->left, n);
	for_each_online_cpu(cpu)
		if (threads[cpu])
			wake_up_process(threads[cpu]);

	ret = hv_vsm_vtl0_call(HV_VSM_NR_ENABLE_APS_VTL,
			       page_to_pfn(mask_page), 0, 0);
	/*
	 * One CPU per BOOT_APS call: this CPU stays in VTL1, with interrupts
	 * off, while VTL1 starts the CPUs of the call.
	 */
	for_each_online_cpu(cpu) {
		if (ret || !threads[cpu])
			continue;
		cpumask_clear(page_address(mask_page));
		__cpumask_set_cpu(cpu, page_address(mask_page));
		ret = hv_vsm_vtl0_call(HV_VSM_NR_BOOT_APS,
				       page_to_pfn(mask_page),
				       page_to_pfn(signal_page), 0);
	}
	if (ret)
		pr_err("VTL1 failed to start the secondary CPUs: %ld\n", ret);
	else
		wait_for_completion(&ab->started);
	for_each_online_cpu(cpu) {
		if (!ret && threads[cpu] && ab->result[cpu]) {
			pr_err("CPU%u failed to enter VTL1: %ld\n", cpu,
			       ab->result[cpu]);
			ret = ab->result[cpu];
		}
	}
stop:
	for_each_online_cpu(cpu)
		if (threads[cpu])
			kthread_stop(threads[cpu]);
out:
	if (signal_page)
		__free_page(signal_page);
	if (mask_page)
		__free_page(mask_page);
	kfree(threads);
	kfree(ab);
	return ret;
}

struct hv_vsm_vtl0_boot_work {
	struct hv_vsm_boot_info info;
	struct hv_init_vp_context ctx;
};

/* Runs on the boot CPU, which becomes the VTL1 boot CPU as well. */
static long __init hv_vsm_vtl0_boot_vtl1(void *arg)
{
	struct hv_vsm_vtl0_boot_work *bw = arg;
	union hv_register_vsm_page_offsets offsets;
	phys_addr_t bp = bw->info.base + HV_VSM_PAGE_BOOT_PARAMS * PAGE_SIZE;
	long ret;

	ret = hv_vsm_vtl0_enable_partition();
	if (ret)
		return ret;
	ret = hv_vsm_vtl0_enable_vp(&bw->ctx);
	if (ret)
		return ret;
	ret = hv_vsm_get_vp_reg64(HV_VSM_INPUT_SELF,
				  HV_REGISTER_VSM_CODE_PAGE_OFFSETS,
				  &offsets.as_uint64);
	if (ret)
		return ret;
	hv_vsm_vtl0_call_init(offsets.vtl_call_offset);

	ret = hv_vsm_vtl0_boot_cpu(bp);
	if (ret) {
		pr_err("VTL1 failed to boot: %ld\n", ret);
		return ret;
	}
	return hv_vsm_vtl0_boot_aps();
}

/*
 * Everything before VTL1 is enabled: load and check the image, build the
 * boot state. A failure here leaves the partition as it was; @why says
 * what failed, for the failure policy.
 */
static int __init hv_vsm_vtl0_prepare(struct hv_vsm_vtl0_boot_work *bw,
				      const char **why)
{
	int ret;

	if (!hv_vsm_vtl0_size) {
		pr_err("no memory reserved for VTL1\n");
		*why = "no memory reserved";
		return -ENOMEM;
	}
	ret = hv_vsm_vtl0_load_image(hv_vsm_vtl0_base, hv_vsm_vtl0_size,
				     &bw->info.entry, why);
	if (ret)
		return ret;

	scnprintf(hv_vsm_vtl0_cmdline, sizeof(hv_vsm_vtl0_cmdline), "%s possible_cpus=%u",
		  CONFIG_HYPERV_VSM_VTL1_CMDLINE, num_possible_cpus());
	bw->info.base = hv_vsm_vtl0_base;
	bw->info.size = hv_vsm_vtl0_size;
	bw->info.cmdline = hv_vsm_vtl0_cmdline;
	ret = hv_vsm_vtl0_build_boot_state(&bw->info, &bw->ctx);
	if (ret) {
		pr_err("cannot build the VTL1 boot state: %d\n", ret);
		*why = "boot state";
	}
	return ret;
}

/*
 * VSM is offered but VTL1 cannot start, and nothing of the partition
 * changed yet: apply the failure policy.
 */
static void __init hv_vsm_vtl0_failed(const char *why, int err)
{
	if (hv_vsm_vtl0_fail_panic)
		panic("Hyper-V VSM: cannot start VTL1: %s (%d)\n", why, err);
	if (hv_vsm_vtl0_size)
		hv_vsm_vtl0_release_memory();
	/* With heki=off, HEKI's state says "disabled" already. */
	if (!heki_is_disabled())
		heki_backend_failed(HV_VSM_BACKEND_NAME, why);
}

static int __init hv_vsm_vtl0_start(void)
{
	struct hv_vsm_vtl0_boot_work *bw;
	const char *why = "out of memory";
	int ret = -ENOMEM;

	bw = kzalloc_obj(*bw);
	if (bw)
		ret = hv_vsm_vtl0_prepare(bw, &why);
	if (ret) {
		kfree(bw);
		hv_vsm_vtl0_failed(why, ret);
		return ret;
	}

	cpus_read_lock();
	ret = work_on_cpu(cpumask_first(cpu_online_mask), hv_vsm_vtl0_boot_vtl1, bw);
	cpus_read_unlock();
	kfree(bw);
	/*
	 * From HvCallEnablePartitionVtl on (and if VTL1 was enabled before
	 * by somebody else), VTL1 may run in a state nobody knows: a VTL0
	 * that went on could not tell what runs there. No policy but a
	 * panic is safe.
	 */
	if (ret)
		panic("Hyper-V VSM: VTL1 bring-up failed (%d)\n", ret);
	return 0;
}

/*
 * VTL1 is enabled only on the virtual processors that were online when it
 * booted; a CPU without it could not have its registers pinned, so it may
 * not come online. Runs on @cpu, so VsmVpStatus is the one of its VP.
 */
static int hv_vsm_vtl0_cpu_online(unsigned int cpu)
{
	union hv_register_vsm_vp_status st;

	if (hv_vsm_vtl0_cpu_up(cpu) &&
	    !hv_vsm_get_vp_reg64(HV_VSM_INPUT_SELF, HV_REGISTER_VSM_VP_STATUS,
				 &st.as_uint64) &&
	    (st.enabled_vtl_set & BIT(HV_VTL_SECURE)))
		return 0;
	pr_warn("CPU%u has no VTL1, refusing to bring it online\n", cpu);
	return -EPERM;
}

/**
 * hv_vsm_vtl0_memory() - Where the memory reserved for VTL1 is
 * @base: set to its first byte
 * @size: set to its size
 *
 * VTL0 cannot access that memory once VTL1 runs.
 *
 * Return: 0, or -ENODEV if no memory is reserved for VTL1.
 */
int hv_vsm_vtl0_memory(phys_addr_t *base, phys_addr_t *size)
{
	if (!hv_vsm_vtl0_size)
		return -ENODEV;
	*base = hv_vsm_vtl0_base;
	*size = hv_vsm_vtl0_size;
	return 0;
}

static int __init hv_vsm_vtl0_init(void)
{
	union hv_register_vsm_partition_status st;
	int ret;

	if (!hv_vsm_vtl0_has_access()) {
		if (!hv_is_hyperv_initialized() && hv_vsm_vtl0_offered_by_cpuid()) {
			pr_err("Hyper-V grants AccessVsm, but the kernel did not set up Hyper-V\n");
			hv_vsm_vtl0_failed("Hyper-V not set up", -ENODEV);
		}
		return 0;
	}

	ret = hv_vsm_vtl0_get_partition_status(&st);
	if (ret) {
		pr_err("cannot read VsmPartitionStatus: %d\n", ret);
		hv_vsm_vtl0_failed("no partition status", ret);
		return 0;
	}
	if (st.maximum_vtl < HV_VTL_SECURE) {
		pr_info("VTL1 not offered by the partition, VSM unused\n");
		if (hv_vsm_vtl0_size)
			hv_vsm_vtl0_release_memory();
		return 0;
	}

	/*
	 * VSM is offered, so VTL1 must come up, or the failure policy decides
	 * (hv_vsm_vtl0_failed()): without our VTL1 the kernel is unprotected.
	 * That includes the command line turning it off: VTL1 only serves
	 * HEKI, so heki=off leaves it off, like hv_vsm=off.
	 */
	if (heki_is_disabled()) {
		pr_info("HEKI disabled (heki=off), not starting VTL1\n");
		hv_vsm_vtl0_failed("heki=off", -EPERM);
		return 0;
	}
	if (hv_vsm_vtl0_turned_off()) {
		pr_info("hv_vsm=off, not starting VTL1\n");
		hv_vsm_vtl0_failed("hv_vsm=off", -EPERM);
		return 0;
	}
	if (hv_vsm_vtl0_disabled)
		pr_warn("hv_vsm=off ignored: this kernel does not run without VTL1 where VSM is offered\n");
	if (hv_vsm_vtl0_start())
		return 0;

	hv_vsm_vtl0_setup_cpu_restart();

	/* VTL1 denies VTL0 any access to its memory from its first call on. */
	set_memory_np((unsigned long)phys_to_virt(hv_vsm_vtl0_base),
		      hv_vsm_vtl0_size >> PAGE_SHIFT);

	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "hyperv/vsm:online",
					hv_vsm_vtl0_cpu_online, NULL);
	if (ret < 0)
		panic("Hyper-V VSM: cannot register CPU hotplug state (%d)\n",
		      ret);

	/* Without HEKI, VTL1 would run with its boot-only calls open. */
	ret = hv_vsm_vtl0_heki_register();
	if (ret)
		panic("Hyper-V VSM: cannot register the HEKI backend (%d)\n", ret);
	pr_info("VTL1 running on %u CPUs\n", num_online_cpus());
	return 0;
}
late_initcall(hv_vsm_vtl0_init);
