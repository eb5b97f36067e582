// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM, VTL0 x86 support: the VTL call primitive and the state VTL0
 * prepares to start the VTL1 secure kernel.
 *
 * VTL1 enters the kernel at its 64-bit entry point, so VTL0 builds what a
 * 64-bit boot loader would: identity-mapped page tables covering the
 * reservation, a GDT with a TSS, a zero page (boot_params) with a memory
 * map and a command line, and the initial register state handed to
 * HvCallEnableVpVtl. Everything lives in the first pages of the
 * reservation, which VTL1 makes inaccessible to VTL0 once it runs.
 *
 * Once VTL1 runs, CPUs go offline and come back without INIT.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/acpi.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/smp.h>
#include <linux/static_call.h>
#include <linux/string.h>
#include <asm/apic.h>
#include <asm/bootparam.h>
#include <asm/desc.h>
#include <asm/e820/api.h>
#include <asm/fpu/api.h>
#include <asm/ibt.h>
#include <asm/mshyperv.h>
#include <asm/realmode.h>
#include <asm/segment.h>
#include <asm/hv_vsm.h>

#define HV_VSM_SEG_CODE64	0xa09b	/* present, DPL0, code, long mode */
#define HV_VSM_SEG_DATA		0xc093	/* present, DPL0, data, 4 KiB gran. */
#define HV_VSM_SEG_TSS_BUSY	0x008b	/* present, busy 64-bit TSS */

#define HV_VSM_GDT_ENTRIES	16

#define HV_VSM_LEAF_FLAGS	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | \
				 _PAGE_DIRTY | _PAGE_PSE)

static void *__init hv_vsm_vtl0_boot_page(const struct hv_vsm_boot_info *info,
					  unsigned int page)
{
	return phys_to_virt(info->base + page * PAGE_SIZE);
}

static phys_addr_t __init hv_vsm_vtl0_boot_pa(const struct hv_vsm_boot_info *info,
					      unsigned int page)
{
	return info->base + page * PAGE_SIZE;
}

/* Identity-map the whole reservation with 2 MiB pages. */
static int __init hv_vsm_vtl0_build_page_tables(const struct hv_vsm_boot_info *info)
{
	phys_addr_t end = info->base + info->size;
	phys_addr_t pd0_base = ALIGN_DOWN(info->base, PUD_SIZE);
	u64 *pml4 = hv_vsm_vtl0_boot_page(info, HV_VSM_PAGE_PML4);
	u64 *pdpt = hv_vsm_vtl0_boot_page(info, HV_VSM_PAGE_PDPT);
	u64 *pd = hv_vsm_vtl0_boot_page(info, HV_VSM_PAGE_PD);
	phys_addr_t pa;

	/* One PML4 entry, at most two page directories. */
	if (ALIGN_DOWN(info->base, P4D_SIZE) != ALIGN_DOWN(end - 1, P4D_SIZE) ||
	    end - pd0_base > 2 * PUD_SIZE)
		return -ERANGE;

	memset(pml4, 0, PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	memset(pd, 0, 2 * PAGE_SIZE);

	pml4[(info->base >> P4D_SHIFT) & (PTRS_PER_P4D - 1)] =
		hv_vsm_vtl0_boot_pa(info, HV_VSM_PAGE_PDPT) | _KERNPG_TABLE_NOENC;
	pdpt[(pd0_base >> PUD_SHIFT) & (PTRS_PER_PUD - 1)] =
		hv_vsm_vtl0_boot_pa(info, HV_VSM_PAGE_PD) | _KERNPG_TABLE_NOENC;
	if (end - pd0_base > PUD_SIZE)
		pdpt[((pd0_base >> PUD_SHIFT) + 1) & (PTRS_PER_PUD - 1)] =
			hv_vsm_vtl0_boot_pa(info, HV_VSM_PAGE_PD + 1) |
			_KERNPG_TABLE_NOENC;

	for (pa = info->base; pa < end; pa += PMD_SIZE)
		pd[(pa - pd0_base) >> PMD_SHIFT] = pa | HV_VSM_LEAF_FLAGS;

	return 0;
}

static void __init hv_vsm_vtl0_build_gdt(const struct hv_vsm_boot_info *info)
{
	struct desc_struct *gdt = hv_vsm_vtl0_boot_page(info, HV_VSM_PAGE_GDT);

	memset(gdt, 0, PAGE_SIZE);
	memset(hv_vsm_vtl0_boot_page(info, HV_VSM_PAGE_TSS), 0, PAGE_SIZE);

	gdt[GDT_ENTRY_KERNEL_CS] =
		(struct desc_struct)GDT_ENTRY_INIT(DESC_CODE64, 0, 0xfffff);
	gdt[GDT_ENTRY_KERNEL_DS] =
		(struct desc_struct)GDT_ENTRY_INIT(DESC_DATA64, 0, 0xfffff);
	set_tssldt_descriptor(&gdt[GDT_ENTRY_TSS],
			      hv_vsm_vtl0_boot_pa(info, HV_VSM_PAGE_TSS), DESC_TSS,
			      sizeof(struct x86_hw_tss) - 1);
}

static void __init hv_vsm_vtl0_add_e820(struct boot_params *bp, u64 addr, u64 size,
					u32 type, int *err)
{
	struct boot_e820_entry *e;

	if (!size)
		return;
	if (bp->e820_entries >= ARRAY_SIZE(bp->e820_table)) {
		*err = -E2BIG;
		return;
	}
	e = &bp->e820_table[bp->e820_entries++];
	e->addr = addr;
	e->size = size;
	e->type = type;
}

/*
 * VTL1's memory map: the reservation is its RAM. VTL0's RAM is marked
 * unusable (VTL1 must not allocate it, but checks VTL0 requests against
 * it), ACPI tables keep their type so VTL1 can read them, and everything
 * else is reserved.
 */
static int __init hv_vsm_vtl0_build_e820(const struct hv_vsm_boot_info *info,
					 struct boot_params *bp)
{
	u64 rbase = info->base, rend = info->base + info->size;
	int i, err = 0;

	for (i = 0; i < e820_table->nr_entries; i++) {
		const struct e820_entry *e = &e820_table->entries[i];
		u64 start = e->addr, end = e->addr + e->size;
		u32 type;

		switch (e->type) {
		case E820_TYPE_RAM:
			type = E820_TYPE_UNUSABLE;
			break;
		case E820_TYPE_ACPI:
		case E820_TYPE_NVS:
			type = e->type;
			break;
		default:
			type = E820_TYPE_RESERVED;
			break;
		}

		if (end <= rbase || start >= rend) {
			hv_vsm_vtl0_add_e820(bp, start, end - start, type, &err);
			continue;
		}
		/* The reservation was carved out of RAM: keep what surrounds it. */
		if (start < rbase)
			hv_vsm_vtl0_add_e820(bp, start, rbase - start, type, &err);
		if (end > rend)
			hv_vsm_vtl0_add_e820(bp, rend, end - rend, type, &err);
	}
	hv_vsm_vtl0_add_e820(bp, rbase, info->size, E820_TYPE_RAM, &err);

	return err;
}

static int __init hv_vsm_vtl0_build_boot_params(const struct hv_vsm_boot_info *info)
{
	struct boot_params *bp = hv_vsm_vtl0_boot_page(info, HV_VSM_PAGE_BOOT_PARAMS);
	char *cmdline = hv_vsm_vtl0_boot_page(info, HV_VSM_PAGE_CMDLINE);
	phys_addr_t cmdline_pa = hv_vsm_vtl0_boot_pa(info, HV_VSM_PAGE_CMDLINE);

	BUILD_BUG_ON(sizeof(*bp) > PAGE_SIZE);
	memset(bp, 0, PAGE_SIZE);
	memset(cmdline, 0, PAGE_SIZE);
	if (strscpy(cmdline, info->cmdline, PAGE_SIZE) < 0)
		return -E2BIG;

	bp->hdr.boot_flag = 0xaa55;
	bp->hdr.header = 0x53726448;	/* "HdrS" */
	bp->hdr.version = 0x020f;
	bp->hdr.type_of_loader = 0xff;
	bp->hdr.loadflags = LOADED_HIGH;
	bp->hdr.cmd_line_ptr = lower_32_bits(cmdline_pa);
	bp->ext_cmd_line_ptr = upper_32_bits(cmdline_pa);
	bp->hdr.cmdline_size = PAGE_SIZE - 1;
	/*
	 * Not a PC: VTL1 has no BIOS data area, legacy devices or firmware of
	 * its own, and must not reserve or probe any of it.
	 */
	bp->hdr.hardware_subarch = X86_SUBARCH_LGUEST;
#ifdef CONFIG_ACPI
	bp->acpi_rsdp_addr = acpi_os_get_root_pointer();
#endif

	return hv_vsm_vtl0_build_e820(info, bp);
}

static void __init hv_vsm_vtl0_set_segment(struct hv_x64_segment_register *seg,
					   u16 selector, u16 attributes, u64 base,
					   u32 limit)
{
	seg->base = base;
	seg->limit = limit;
	seg->selector = selector;
	seg->attributes = attributes;
}

static void __init hv_vsm_vtl0_build_context(const struct hv_vsm_boot_info *info,
					     struct hv_init_vp_context *ctx)
{
	memset(ctx, 0, sizeof(*ctx));

	ctx->rip = info->entry;
	ctx->rsp = hv_vsm_vtl0_boot_pa(info, HV_VSM_PAGE_STACK) + PAGE_SIZE;
	ctx->rflags = X86_EFLAGS_FIXED;

	hv_vsm_vtl0_set_segment(&ctx->cs, __KERNEL_CS, HV_VSM_SEG_CODE64, 0,
				HV_AP_SEGMENT_LIMIT);
	hv_vsm_vtl0_set_segment(&ctx->ds, __KERNEL_DS, HV_VSM_SEG_DATA, 0,
				HV_AP_SEGMENT_LIMIT);
	ctx->es = ctx->ds;
	ctx->fs = ctx->ds;
	ctx->gs = ctx->ds;
	ctx->ss = ctx->ds;
	hv_vsm_vtl0_set_segment(&ctx->tr, GDT_ENTRY_TSS * 8, HV_VSM_SEG_TSS_BUSY,
				hv_vsm_vtl0_boot_pa(info, HV_VSM_PAGE_TSS),
				sizeof(struct x86_hw_tss) - 1);

	ctx->gdtr.base = hv_vsm_vtl0_boot_pa(info, HV_VSM_PAGE_GDT);
	ctx->gdtr.limit = HV_VSM_GDT_ENTRIES * sizeof(struct desc_struct) - 1;

	ctx->efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NX;
	ctx->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
		   X86_CR0_WP | X86_CR0_PG;
	ctx->cr3 = hv_vsm_vtl0_boot_pa(info, HV_VSM_PAGE_PML4);
	ctx->cr4 = X86_CR4_PAE | X86_CR4_PGE;
	/* The power-on PAT: entry 0, used by the boot page tables, is WB. */
	ctx->msr_cr_pat = HV_AP_INIT_GPAT_DEFAULT;
}

/**
 * hv_vsm_vtl0_build_boot_state() - Prepare the reservation for the first VTL1 entry
 * @info: reservation, entry point and command line of VTL1
 * @ctx: filled with the initial VTL1 register state for HvCallEnableVpVtl
 *
 * Writes page tables, GDT, TSS, zero page and command line into the boot
 * area at the start of the reservation (see HV_VSM_PAGE_*).
 *
 * Return: 0, -ERANGE if the reservation cannot be identity-mapped by the
 * boot page tables, or -E2BIG if the command line or memory map is too big.
 */
int __init hv_vsm_vtl0_build_boot_state(const struct hv_vsm_boot_info *info,
					struct hv_init_vp_context *ctx)
{
	int ret;

	BUILD_BUG_ON(HV_VSM_BOOT_PAGES * PAGE_SIZE > HV_VSM_BOOT_AREA_SIZE);
	BUILD_BUG_ON(GDT_ENTRY_TSS + 2 > HV_VSM_GDT_ENTRIES);

	if (!IS_ALIGNED(info->base | info->size, HV_VSM_ALIGN))
		return -EINVAL;

	ret = hv_vsm_vtl0_build_page_tables(info);
	if (ret)
		return ret;
	hv_vsm_vtl0_build_gdt(info);
	ret = hv_vsm_vtl0_build_boot_params(info);
	if (ret)
		return ret;
	hv_vsm_vtl0_build_context(info, ctx);

	return 0;
}

DEFINE_STATIC_CALL_NULL(__hv_vsm_vtl0_call_hypercall, void (*)(void));

/**
 * hv_vsm_vtl0_call_init() - Point VTL calls at the hypercall page code
 * @vtl_call_offset: VtlCallOffset from HvRegisterVsmCodePageOffsets
 */
void __init hv_vsm_vtl0_call_init(u16 vtl_call_offset)
{
	static_call_update(__hv_vsm_vtl0_call_hypercall,
			   (void *)((u8 *)hv_hypercall_pg + vtl_call_offset));
}

/**
 * hv_vsm_vtl0_call_raw() - Call the VTL1 secure kernel from this CPU
 * @func: function ID, HV_VSM_VTL_CALL_* or any other value
 * @a1: first argument (RSI)
 * @a2: second argument (RDX)
 * @a3: third argument (R8)
 *
 * The general purpose registers, CR2 and the FPU/SIMD registers are shared
 * with VTL1: the call runs with interrupts off (nothing of VTL0 may run on
 * this CPU while they belong to VTL1), inside a kernel FPU section (the
 * current task's FPU state is saved first and restored on return to user
 * space) and with CR2 saved and restored. Must be called in task context;
 * VTL1 must be running on this CPU.
 *
 * The arguments are passed as they are: the VTL0 backend checks them
 * against the VTL call table first (hv_vsm_vtl0_call()); the VTL call
 * tests use this to send what the table forbids.
 *
 * Return: what VTL1 returned in R8: 0 or a negative errno for most
 * functions; -ENODEV before hv_vsm_vtl0_call_init().
 */
long hv_vsm_vtl0_call_raw(u64 func, u64 a1, u64 a2, u64 a3)
{
	struct hv_vsm_vtl_call_regs regs = {
		.a0 = func, .a1 = a1, .a2 = a2, .a3 = a3,
	};
	unsigned long flags, cr2;

	/* Until then the static call is a bare return: nothing would run. */
	if (!static_call_query(__hv_vsm_vtl0_call_hypercall))
		return -ENODEV;

	kernel_fpu_begin_mask(0);
	local_irq_save(flags);
	cr2 = native_read_cr2();
	__hv_vsm_vtl0_call(&regs);
	native_write_cr2(cr2);
	local_irq_restore(flags);
	kernel_fpu_end();

	return (long)regs.a3;
}
EXPORT_SYMBOL_GPL(hv_vsm_vtl0_call_raw);

/*
 * CPU offline and online once VTL1 runs. The hypervisor drops INIT and
 * startup IPIs aimed at VTL0 of a virtual processor with VTL1 enabled, and
 * VTL1 denies HvCallStartVirtualProcessor to VTL0 from the end of boot: a
 * CPU going offline never leaves long mode or its pinned registers. It
 * waits with interrupts off, woken by an NMI, and starts over as a new CPU
 * would from start_secondary(), on the stack its bring-up prepared.
 */
enum {
	HV_VSM_CPU_RUNNING,
	HV_VSM_CPU_PARKED,
	HV_VSM_CPU_WOKEN,
};

static DEFINE_PER_CPU(int, hv_vsm_vtl0_cpu_state);

static void hv_vsm_vtl0_play_dead(void)
{
	WRITE_ONCE(*this_cpu_ptr(&hv_vsm_vtl0_cpu_state), HV_VSM_CPU_PARKED);
	play_dead_common();
	/* The NMI on an offline CPU only ends the halt (exc_nmi()). */
	while (READ_ONCE(*this_cpu_ptr(&hv_vsm_vtl0_cpu_state)) !=
	       HV_VSM_CPU_WOKEN)
		native_halt();
	WRITE_ONCE(*this_cpu_ptr(&hv_vsm_vtl0_cpu_state), HV_VSM_CPU_RUNNING);
	/* start_secondary() has no ENDBR: IBT comes back with the CPU's set-up. */
	ibt_save(true);
	hv_vsm_vtl0_restart_cpu(current->thread.sp, initial_code);
}

static int hv_vsm_vtl0_wakeup_cpu(u32 apicid, unsigned long start_ip,
				  unsigned int cpu)
{
	int *state = per_cpu_ptr(&hv_vsm_vtl0_cpu_state, cpu);

	if (cmpxchg(state, HV_VSM_CPU_PARKED, HV_VSM_CPU_WOKEN) !=
	    HV_VSM_CPU_PARKED) {
		pr_warn("CPU%u was not taken offline with VTL1 running: it cannot be started\n",
			cpu);
		return -EIO;
	}
	__apic_send_IPI(cpu, NMI_VECTOR);
	return 0;
}

/**
 * hv_vsm_vtl0_setup_cpu_restart() - Restart CPUs without INIT from now on
 *
 * Called once VTL1 runs on every CPU: CPUs that go offline wait in long
 * mode, and bringing one online wakes it instead of sending INIT and
 * startup IPIs, which the hypervisor drops.
 */
void __init hv_vsm_vtl0_setup_cpu_restart(void)
{
	smp_ops.play_dead = hv_vsm_vtl0_play_dead;
	apic_update_callback(wakeup_secondary_cpu_64, hv_vsm_vtl0_wakeup_cpu);
}
