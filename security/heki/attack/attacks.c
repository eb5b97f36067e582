// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - attack test interface
 *
 * For testing only. Each file of <debugfs>/heki_test/ makes one attempt on
 * the integrity of the running kernel when it is written to. Every attempt
 * first gets around the protection the kernel applies to itself (a
 * writable alias of a read-only page, set_memory_rox() on a data page, a
 * raw mov to a control register instead of the pinning accessors), so
 * that only the hypervisor can stop it. A blocked attempt faults, and the
 * fault is recovered from, so the kernel keeps running. Where an attempt
 * gets through, what it changed is restored at once, with interrupts off.
 *
 * A few files make, the same way, a change that must keep working: they
 * flip a bit of CR4 that is not pinned (TSD, PCE, PGE) with a raw mov.
 *
 * Reading a file gives the outcome of its last attempt, one line:
 *
 *   blocked trap=<n> cpu=<c>     the CPU raised exception <n>
 *   ignored cpu=<c>              no exception, and nothing changed where
 *                                the hardware would have changed it
 *   succeeded cpu=<c>            it got through, and was undone
 *   returned <r> cpu=<c>         a backend operation returned <r>
 *   skipped <reason>             it cannot be tried on this system
 *   error <errno>                the test itself failed
 *
 * The file "recovery" checks the recovery itself, with accesses that fault
 * on any CPU.
 *
 * See tools/testing/selftests/heki/ for the tests that use it.
 */

#define pr_fmt(fmt) "heki_test: " fmt

#include <linux/cpufeature.h>
#include <linux/debugfs.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/kdebug.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/panic.h>
#include <linux/set_memory.h>
#include <linux/smp.h>
#include <linux/stop_machine.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/asm.h>
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/mshyperv.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>

#include "../heki.h"
#include "attack.h"

/* What the code run by the exec attack returns, and what a block does. */
#define EXEC_RAN	0x48454b49
#define EXEC_BLOCKED	0x0b10c

enum outcome {
	OUTCOME_NONE,
	OUTCOME_BLOCKED,
	OUTCOME_IGNORED,
	OUTCOME_SUCCEEDED,
	OUTCOME_RETURNED,
	OUTCOME_SKIPPED,
	OUTCOME_ERROR,
};

struct result {
	enum outcome outcome;
	long value;
	int cpu;
	const char *reason;
};

#define ATTACK_PA	BIT(0)	/* the input is a physical address */
#define ATTACK_WRITE	BIT(1)	/* *_phys: write rather than read */
#define ATTACK_KDATA	BIT(2)	/* load kernel data, not protect memory */
#define ATTACK_FLIP	BIT(3)	/* flip a clear bit too: must work */
#define ATTACK_VA	BIT(4)	/* the input is a kernel virtual address */
#define ATTACK_NO_NATIVE BIT(5)	/* no effect without a hypervisor: skipped */
#define ATTACK_BASE	BIT(6)	/* reload_table(): another base, same limit */

/*
 * @run gets the input written to the file for the ATTACK_PA and ATTACK_VA
 * ones, 0 for the others. For the register ones, @reg is 0 or 4 for CR0 or CR4, or an
 * MSR, and @bits the bits of it to change; for the descriptor table ones,
 * @reg is the table.
 */
struct attack {
	const char *name;
	void (*run)(struct result *res, const struct attack *attack, u64 arg);
	u32 reg;
	u64 bits;
	unsigned int flags;
	struct result last;
};

static DEFINE_MUTEX(heki_test_lock);

/* Targets of the memory attacks, in the three kinds of sealed memory. */
static const u32 heki_test_rodata = EXEC_RAN;
static u32 heki_test_ro_after_init __ro_after_init = EXEC_RAN;

static noinline int heki_test_text(void)
{
	return EXEC_RAN;
}

static void report(struct result *res, int trap, bool changed)
{
	res->cpu = raw_smp_processor_id();
	if (trap != NO_TRAP) {
		res->outcome = OUTCOME_BLOCKED;
		res->value = trap;
	} else if (changed) {
		res->outcome = OUTCOME_SUCCEEDED;
	} else {
		/* No fault, yet no effect: the test is broken. */
		res->outcome = OUTCOME_ERROR;
		res->value = -EIO;
	}
}

static void fail(struct result *res, int err)
{
	res->outcome = OUTCOME_ERROR;
	res->value = err;
}

static void skip(struct result *res, const char *reason)
{
	res->outcome = OUTCOME_SKIPPED;
	res->reason = reason;
}

/*
 * Run @insn on @arg (its operand %[op], with @constraint); evaluates to
 * the trap number, or NO_TRAP.
 */
#define RAW_INSN(insn, constraint, arg)					\
({									\
	int __trap = NO_TRAP;						\
									\
	asm volatile("1: " insn "\n"					\
		     "2:\n"						\
		     _ASM_EXTABLE_FAULT(1b, 2b)				\
		     : "+a" (__trap)					\
		     : [op] constraint (arg)				\
		     : "memory");					\
	__trap;								\
})

static int write_cr_raw(bool cr4, unsigned long val)
{
	if (cr4)
		return RAW_INSN("mov %[op], %%cr4", "r", val);
	return RAW_INSN("mov %[op], %%cr0", "r", val);
}

static int wrmsr_raw(u32 msr, u64 val)
{
	int trap;

	asm volatile("1: wrmsr\n"
		     "   mov $-1, %%eax\n"
		     "2:\n"
		     _ASM_EXTABLE_FAULT(1b, 2b)
		     : "=a" (trap)
		     : "c" (msr), "a" ((u32)val), "d" ((u32)(val >> 32))
		     : "memory");
	return trap;
}

/*
 * Write the byte at @target through a new writable mapping of its page,
 * which the kernel's own read-only mapping does not stop, check through
 * the original mapping that the write landed, and write the old value
 * back.
 */
static void alias_write_page(struct result *res, struct page *page,
			     void *target)
{
	unsigned long flags;
	bool changed = false;
	u8 *alias, *byte, old;
	int trap;

	alias = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	if (!alias) {
		fail(res, -ENOMEM);
		return;
	}
	byte = alias + offset_in_page(target);

	local_irq_save(flags);
	old = READ_ONCE(*(u8 *)target);
	trap = poke_byte(byte, old ^ 0xff);
	if (trap == NO_TRAP) {
		changed = READ_ONCE(*(u8 *)target) == (u8)(old ^ 0xff);
		poke_byte(byte, old);
	}
	report(res, trap, changed);
	local_irq_restore(flags);
	vunmap(alias);
}

static void alias_write(struct result *res, void *target)
{
	alias_write_page(res, virt_to_page(target), target);
}

/*
 * Make @fn on the page of a module's memory at the kernel virtual address
 * @va written to the file, holding the module (and its memory) meanwhile.
 */
static void module_page_attack(struct result *res, u64 va,
			       void (*fn)(struct result *res, struct page *page,
					  unsigned long va))
{
	struct module *mod;
	struct page *page;

	scoped_guard(rcu) {
		mod = __module_address(va);
		if (mod && !try_module_get(mod))
			mod = NULL;
	}
	if (!mod) {
		fail(res, -EINVAL);
		return;
	}
	page = vmalloc_to_page((void *)(unsigned long)va);
	if (page)
		fn(res, page, va);
	else
		fail(res, -EFAULT);
	module_put(mod);
}

static void alias_write_module(struct result *res, struct page *page,
			       unsigned long va)
{
	alias_write_page(res, page, (void *)va);
}

/*
 * The same on a module's memory: after the end of boot, its text and
 * read-only data were validated and locked by the hypervisor side.
 */
static void write_module(struct result *res, const struct attack *attack,
			 u64 va)
{
	module_page_attack(res, va, alias_write_module);
}

static void write_text(struct result *res, const struct attack *attack,
		       u64 arg)
{
	int (*text)(void) = heki_test_text;

	OPTIMIZER_HIDE_VAR(text);
	alias_write(res, text);
	if (text() != EXEC_RAN)
		fail(res, -EIO);
}

static void write_rodata(struct result *res, const struct attack *attack,
			 u64 arg)
{
	alias_write(res, (void *)&heki_test_rodata);
	if (READ_ONCE(heki_test_rodata) != EXEC_RAN)
		fail(res, -EIO);
}

static void write_ro_after_init(struct result *res, const struct attack *attack,
				u64 arg)
{
	alias_write(res, &heki_test_ro_after_init);
	if (READ_ONCE(heki_test_ro_after_init) != EXEC_RAN)
		fail(res, -EIO);
}

/*
 * Kernel text changed through the kernel's own patching code with a change
 * the kernel never declared (text_patch.c): after the seal the hypervisor
 * side refuses it, no exception, the text unchanged.
 */
static void patch_text(struct result *res, const struct attack *attack,
		       u64 arg)
{
	bool changed;
	int ret;

	switch (attack->bits) {
	case 1:
		ret = heki_test_patch_jump(&changed);
		break;
	case 2:
		ret = heki_test_poke_int3(&changed);
		break;
	case 3:
		ret = heki_test_patch_static_call(&changed);
		break;
	default:
		ret = heki_test_patch_int3(&changed);
		break;
	}
	if (ret == -ENOENT) {
		skip(res, "no jump label site");
		return;
	}
	res->cpu = raw_smp_processor_id();
	res->outcome = changed ? OUTCOME_SUCCEEDED : OUTCOME_IGNORED;
}

/* A kprobe, which writes a breakpoint into kernel text. */
static void kprobe_text(struct result *res, const struct attack *attack,
			u64 arg)
{
	int ret = heki_test_kprobe();

	if (ret == -EOPNOTSUPP) {
		skip(res, "no kprobes");
		return;
	}
	res->cpu = raw_smp_processor_id();
	res->outcome = OUTCOME_RETURNED;
	res->value = ret;
}

/* Address of the page the exec attack runs, while it runs. */
static unsigned long exec_page;
static int exec_trap;

/*
 * A fetch from the page is not covered by any exception table entry: turn
 * the #GP into a return to the caller, as if the page had been run.
 */
static int exec_die(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *args = data;
	struct pt_regs *regs = args->regs;
	unsigned long page = READ_ONCE(exec_page);

	if (val != DIE_GPF || !page || user_mode(regs) || regs->ip != page)
		return NOTIFY_DONE;
	WRITE_ONCE(exec_trap, args->trapnr);
	regs->ip = *(unsigned long *)regs->sp;
	regs->sp += sizeof(unsigned long);
	regs->ax = EXEC_BLOCKED;
	return NOTIFY_STOP;
}

static struct notifier_block exec_nb = {
	.notifier_call = exec_die,
};

/* endbr64; mov $EXEC_RAN, %eax; ret */
static const u8 exec_code[] = {
	0xf3, 0x0f, 0x1e, 0xfa,
	0xb8, 0x49, 0x4b, 0x45, 0x48,
	0xc3,
};

/* Call @code, which exec_die() returns from if it cannot run, and report. */
static void run_code(struct result *res, int (*code)(void))
{
	int ret;

	WRITE_ONCE(exec_trap, NO_TRAP);
	WRITE_ONCE(exec_page, (unsigned long)code);
	ret = code();
	WRITE_ONCE(exec_page, 0);
	if (ret == EXEC_BLOCKED)
		report(res, READ_ONCE(exec_trap), false);
	else
		report(res, NO_TRAP, ret == EXEC_RAN);
}

/* Copy @bytes to a data page, make it executable with set_memory_rox(), run it. */
static void run_data_page(struct result *res, const u8 *bytes, size_t len)
{
	void *page;
	int ret;

	page = vmalloc(PAGE_SIZE);
	if (!page) {
		fail(res, -ENOMEM);
		return;
	}
	memcpy(page, bytes, len);
	ret = set_memory_rox((unsigned long)page, 1);
	if (ret) {
		fail(res, ret);
		goto out;
	}

	run_code(res, page);

	ret = set_memory_nx((unsigned long)page, 1);
	if (!ret)
		ret = set_memory_rw((unsigned long)page, 1);
	if (ret) {
		/* Leak the page rather than free it executable. */
		fail(res, ret);
		return;
	}
out:
	vfree(page);
}

static void exec_data(struct result *res, const struct attack *attack,
		      u64 arg)
{
	run_data_page(res, exec_code, sizeof(exec_code));
}

/*
 * Run exec_code at @va, in @page, through a new mapping of the page made
 * executable with set_memory_x(), which the kernel's own non-executable
 * mapping does not stop (vmap() maps non-executable). The code is written
 * through a writable mapping, and what it overwrote is written back.
 */
static void alias_exec_page(struct result *res, struct page *page,
			    unsigned long va)
{
	size_t off = min(offset_in_page(va), PAGE_SIZE - sizeof(exec_code));
	u8 old[sizeof(exec_code)];
	int trap = NO_TRAP, ret;
	u8 *rw, *x;
	size_t i;

	rw = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	x = vmap(&page, 1, VM_MAP, PAGE_KERNEL_RO);
	if (!rw || !x) {
		fail(res, -ENOMEM);
		goto out;
	}
	memcpy(old, rw + off, sizeof(old));
	for (i = 0; i < sizeof(exec_code) && trap == NO_TRAP; i++)
		trap = poke_byte(rw + off + i, exec_code[i]);
	if (trap != NO_TRAP) {
		/* Not even writable: nothing to run. */
		fail(res, -EACCES);
		goto restore;
	}
	ret = set_memory_x((unsigned long)x, 1);
	if (ret) {
		fail(res, ret);
		goto restore;
	}

	run_code(res, (void *)(x + off));
	ret = set_memory_nx((unsigned long)x, 1);
	if (ret)
		fail(res, ret);
restore:
	for (i = 0; i < sizeof(old); i++)
		poke_byte(rw + off + i, old[i]);
out:
	if (x)
		vunmap(x);
	if (rw)
		vunmap(rw);
}

/*
 * Run code in page 0, which is not System RAM (the kernel reserves it): no
 * kernel mapping makes it executable, so the hypervisor must not either.
 */
static void exec_outside_ram(struct result *res, const struct attack *attack,
			     u64 arg)
{
	if (page_is_ram(0) || !pfn_valid(0)) {
		skip(res, "page 0 is System RAM or has no page");
		return;
	}
	alias_exec_page(res, pfn_to_page(0), 0);
}

/*
 * Run code in a module's memory: after the end of boot, only text the
 * hypervisor side validated may run.
 */
static void exec_module(struct result *res, const struct attack *attack,
			u64 va)
{
	module_page_attack(res, va, alias_exec_page);
}

/*
 * Clear the bit of CR0 or CR4 with a raw mov, bypassing the pinning
 * checks, or with ATTACK_FLIP set it if it is clear; then write the old
 * value back.
 */
static void flip_cr_bit(struct result *res, const struct attack *attack,
			u64 arg)
{
	bool cr4 = attack->reg == 4;
	unsigned long flags, old, now;
	int trap;

	local_irq_save(flags);
	old = cr4 ? __read_cr4() : native_read_cr0();
	now = old;
	if (!(old & attack->bits) && !(attack->flags & ATTACK_FLIP)) {
		local_irq_restore(flags);
		skip(res, "bit not set");
		return;
	}
	trap = write_cr_raw(cr4, old ^ attack->bits);
	if (trap == NO_TRAP) {
		now = cr4 ? __read_cr4() : native_read_cr0();
		write_cr_raw(cr4, old);
	}
	report(res, trap, (now ^ old) & attack->bits);
	local_irq_restore(flags);
}

/* Flip the bits of the MSR with a raw wrmsr, then write the old value back. */
static void flip_msr(struct result *res, const struct attack *attack,
		     u64 arg)
{
	u32 msr = attack->reg;
	u64 flip = attack->bits;
	unsigned long flags;
	u64 old, now = 0;
	int trap;

	local_irq_save(flags);
	if (rdmsrq_safe(msr, &old)) {
		local_irq_restore(flags);
		skip(res, "MSR not readable");
		return;
	}
	trap = wrmsr_raw(msr, old ^ flip);
	if (trap == NO_TRAP) {
		rdmsrq_safe(msr, &now);
		wrmsr_raw(msr, old);
	}
	if (trap == NO_TRAP && now == old && (attack->flags & ATTACK_NO_NATIVE))
		skip(res, "the processor ignores this write");
	else
		report(res, trap, now == (old ^ flip));
	local_irq_restore(flags);
}

#if IS_ENABLED(CONFIG_HYPERV)
struct hypercall_move {
	u64 old, now, target;
	int trap;
};

/* With every other CPU stopped: none of them makes a hypercall meanwhile. */
static int move_hypercall_page_stopped(void *data)
{
	struct hypercall_move *m = data;

	rdmsrq(HV_X64_MSR_HYPERCALL, m->old);
	m->trap = wrmsr_raw(HV_X64_MSR_HYPERCALL,
			    m->target | (m->old & ~PAGE_MASK));
	rdmsrq(HV_X64_MSR_HYPERCALL, m->now);
	if (m->now != m->old)
		wrmsr_raw(HV_X64_MSR_HYPERCALL, m->old);
	return 0;
}

/*
 * Point the hypercall MSR at a page of our own, so that the hypervisor
 * writes its code there, as it would over kernel text, then put it back.
 * Locked, the MSR keeps its value and the page stays clear.
 */
static void move_hypercall_page(struct result *res, const struct attack *attack,
				u64 arg)
{
	struct hypercall_move m = { };
	struct page *page;
	bool written;

	if (!hv_is_hyperv_initialized()) {
		skip(res, "not a Hyper-V guest");
		return;
	}
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page) {
		fail(res, -ENOMEM);
		return;
	}
	m.target = page_to_phys(page);
	stop_machine(move_hypercall_page_stopped, &m, cpumask_of(raw_smp_processor_id()));
	written = memchr_inv(page_address(page), 0, PAGE_SIZE);
	if (m.trap == NO_TRAP && m.now == m.old && !written) {
		res->outcome = OUTCOME_IGNORED;
		res->cpu = raw_smp_processor_id();
	} else {
		report(res, m.trap, m.now != m.old || written);
	}
	__free_page(page);
}
#endif

/* Which table reload_table() loads, in struct attack's @reg. */
enum { TABLE_GDT, TABLE_IDT, TABLE_LDT };

/*
 * Descriptor table loads of a value other than the current one, which the
 * hypervisor side must refuse (it lets a CPU coming back online load the
 * pinned values again): the GDT and the IDT with a larger limit, which no
 * selector or vector reaches, or with ATTACK_BASE at another base with the
 * same limit (another CPU's GDT, the direct mapping of the IDT), the null
 * LDT with another null selector (RPL 3). Harmless if allowed, and the
 * current value is loaded back at once.
 */
static void reload_table(struct result *res, const struct attack *attack,
			 u64 arg)
{
	struct desc_ptr dtr, other;
	unsigned long flags;
	int trap;
	u16 sel;

	local_irq_save(flags);
	switch (attack->reg) {
	case TABLE_GDT:
		native_store_gdt(&dtr);
		other = dtr;
		other.size += 8;
		if (attack->flags & ATTACK_BASE) {
			int cpu = cpumask_any_but(cpu_online_mask,
						  smp_processor_id());

			if (cpu >= nr_cpu_ids) {
				local_irq_restore(flags);
				skip(res, "no other CPU");
				return;
			}
			other.size = dtr.size;
			other.address = (unsigned long)get_cpu_gdt_ro(cpu);
		}
		trap = RAW_INSN("lgdt %[op]", "m", other);
		if (trap == NO_TRAP)
			RAW_INSN("lgdt %[op]", "m", dtr);
		break;
	case TABLE_IDT:
		store_idt(&dtr);
		other = dtr;
		other.size += 16;
		if (attack->flags & ATTACK_BASE) {
			other.size = dtr.size;
			other.address = (unsigned long)
				phys_to_virt(slow_virt_to_phys((void *)dtr.address));
			if (other.address == dtr.address) {
				local_irq_restore(flags);
				skip(res, "the IDT has no other mapping");
				return;
			}
		}
		trap = RAW_INSN("lidt %[op]", "m", other);
		if (trap == NO_TRAP)
			RAW_INSN("lidt %[op]", "m", dtr);
		break;
	default:
		store_ldt(sel);
		if (sel) {
			local_irq_restore(flags);
			skip(res, "an LDT is loaded");
			return;
		}
		trap = RAW_INSN("lldt %w[op]", "r", (u16)3);
		if (trap == NO_TRAP)
			RAW_INSN("lldt %w[op]", "r", sel);
		break;
	}
	report(res, trap, true);
	local_irq_restore(flags);
}

/*
 * LTR of @sel needs an available TSS descriptor; like force_reload_TR(),
 * mark the current one available first. LTR then marks it busy in the GDT
 * that GDTR points to, the read-only alias in the CPU entry area: make
 * that writable meanwhile. If the load is refused, the descriptor is made
 * busy again, as the CPU would have done. Interrupts are off.
 */
static int load_tr_sel(u16 sel)
{
	struct desc_struct *gdt, *gdt_ro;
	tss_desc old, avail;
	struct desc_ptr dtr;
	bool remap;
	int cpu, trap;

	cpu = smp_processor_id();
	gdt = get_cpu_gdt_rw(cpu);
	gdt_ro = get_cpu_gdt_ro(cpu);
	native_store_gdt(&dtr);
	remap = dtr.address == (unsigned long)gdt_ro;

	memcpy(&old, &gdt[GDT_ENTRY_TSS], sizeof(old));
	avail = old;
	avail.type = DESC_TSS;
	write_gdt_entry(gdt, GDT_ENTRY_TSS, &avail, DESC_TSS);
	if (remap) {
		cea_set_pte(gdt_ro, get_cpu_gdt_paddr(cpu), PAGE_KERNEL);
		flush_tlb_one_kernel((unsigned long)gdt_ro);
	}
	trap = RAW_INSN("ltr %w[op]", "r", sel);
	if (remap) {
		cea_set_pte(gdt_ro, get_cpu_gdt_paddr(cpu), PAGE_KERNEL_RO);
		flush_tlb_one_kernel((unsigned long)gdt_ro);
	}
	if (trap == NO_TRAP)
		this_cpu_write(__tss_limit_invalid, false);
	else
		write_gdt_entry(gdt, GDT_ENTRY_TSS, &old, DESC_TSS);
	return trap;
}

/*
 * Load TR with another selector of the same TSS (RPL 3), which the
 * hypervisor side must refuse, then with the usual one again.
 */
static void reload_tr(struct result *res, const struct attack *attack,
		      u64 arg)
{
	unsigned long flags;
	int trap;

	local_irq_save(flags);
	trap = load_tr_sel(GDT_ENTRY_TSS * 8 + 3);
	if (trap == NO_TRAP)
		load_tr_sel(GDT_ENTRY_TSS * 8);
	report(res, trap, true);
	local_irq_restore(flags);
}

/*
 * Read one byte at the physical address @pa (VTL1 memory, for instance),
 * or with ATTACK_WRITE write a zero there, through a new mapping of its
 * page.
 */
static void access_phys(struct result *res, const struct attack *attack,
			u64 pa)
{
	struct page *page;
	unsigned long flags;
	u8 *alias, val;
	int trap;

	if (!pfn_valid(PHYS_PFN(pa))) {
		fail(res, -EINVAL);
		return;
	}
	page = pfn_to_page(PHYS_PFN(pa));
	alias = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	if (!alias) {
		fail(res, -ENOMEM);
		return;
	}

	local_irq_save(flags);
	if (attack->flags & ATTACK_WRITE)
		trap = poke_byte(alias + offset_in_page(pa), 0);
	else
		trap = peek_byte(alias + offset_in_page(pa), &val);
	report(res, trap, true);
	local_irq_restore(flags);
	vunmap(alias);
}

/*
 * After the end of boot, ask the backend to protect memory or to take
 * kernel data again: it must refuse. The request is harmless if accepted:
 * a page of ours with the permissions it already has, or zeroes
 * (ATTACK_KDATA).
 */
static void boot_only_call(struct result *res, const struct attack *attack,
			   u64 arg)
{
	struct heki_hypervisor *hv = READ_ONCE(heki_core.hv);
	bool kdata = attack->flags & ATTACK_KDATA;
	int (*op)(const struct heki_range *ranges, unsigned long nranges);
	struct heki_request req;
	unsigned long page;
	int ret;

	if (READ_ONCE(heki_core.state) != HEKI_STATE_SEALED) {
		skip(res, "kernel not sealed by a backend");
		return;
	}
	op = kdata ? hv->load_kdata : hv->protect_memory;
	if (!op) {
		skip(res, "operation not implemented");
		return;
	}

	page = get_zeroed_page(GFP_KERNEL);
	if (!page) {
		fail(res, -ENOMEM);
		return;
	}
	heki_request_init(&req, kdata ? HEKI_REQ_KDATA : HEKI_REQ_MEMORY);
	ret = heki_request_add(&req, page, __pa(page), __pa(page) + PAGE_SIZE,
			       kdata ? HEKI_KERNEL_DATA :
			       HEKI_ATTR_MEM_READ | HEKI_ATTR_MEM_WRITE);
	if (ret) {
		fail(res, ret);
	} else {
		res->outcome = OUTCOME_RETURNED;
		res->value = op(req.ranges, req.nranges);
		res->cpu = raw_smp_processor_id();
	}
	heki_request_free(&req);
	free_page(page);
}

/* Any access there raises #GP: the address is not canonical. */
#define NON_CANONICAL	0x8000000000000000UL

/* movabs NON_CANONICAL, %al; ret: raises #GP at the first byte. */
static const u8 gp_code[] = {
	0xa0, 0, 0, 0, 0, 0, 0, 0, 0x80,
	0xc3,
};

/*
 * Check, with accesses that raise #GP on any x86 CPU, each way a blocked
 * attack is recovered from: the exception table entries of the memory,
 * descriptor table and MSR primitives, and the die notifier of the exec
 * attack. Reports "blocked trap=13" when all of them recovered.
 */
static void check_recovery(struct result *res, const struct attack *attack,
			   u64 arg)
{
	const struct desc_ptr *bad_dtr = (void *)NON_CANONICAL;
	u8 *bad = (u8 *)NON_CANONICAL;
	const char *name[4] = { "write", "read", "lidt", "lldt" };
	unsigned long flags;
	int trap[4], i;
	u8 val;

	local_irq_save(flags);
	trap[0] = poke_byte(bad, 0);
	trap[1] = peek_byte(bad, &val);
	trap[2] = RAW_INSN("lidt %[op]", "m", *bad_dtr);
	/* A selector in the LDT (TI set) cannot name an LDT descriptor. */
	trap[3] = RAW_INSN("lldt %w[op]", "r", (u16)4);
	local_irq_restore(flags);

	for (i = 0; i < ARRAY_SIZE(trap); i++) {
		if (trap[i] != X86_TRAP_GP) {
			pr_warn("recovery: %s gave trap %d\n", name[i], trap[i]);
			fail(res, -EIO);
			return;
		}
	}
	run_data_page(res, gp_code, sizeof(gp_code));
	if (res->outcome != OUTCOME_BLOCKED || res->value != X86_TRAP_GP) {
		pr_warn("recovery: exec gave outcome %d\n", res->outcome);
		fail(res, -EIO);
	}
}

/* Change bits @b of CR@n or of MSR @m. */
#define CR_ATTACK(n, b, f)	.run = flip_cr_bit, .reg = (n), .bits = (b), \
				.flags = (f)
#define MSR_ATTACK(m, b)	.run = flip_msr, .reg = (m), .bits = (b)

/* The *_phys attacks take a physical address; the others ignore the input. */
static struct attack attacks[] = {
	{ "write_text", write_text },
	{ "write_rodata", write_rodata },
	{ "write_ro_after_init", write_ro_after_init },
	{ "exec_data", exec_data },
	{ "cr0_wp", CR_ATTACK(0, X86_CR0_WP, 0) },
	{ "cr4_smep", CR_ATTACK(4, X86_CR4_SMEP, 0) },
	{ "cr4_smap", CR_ATTACK(4, X86_CR4_SMAP, 0) },
	{ "msr_lstar", MSR_ATTACK(MSR_LSTAR, BIT(4)) },
	{ "msr_sysenter_eip", MSR_ATTACK(MSR_IA32_SYSENTER_EIP, BIT(4)) },
	{ "msr_efer", MSR_ATTACK(MSR_EFER, EFER_SCE) },
	/* The other pinned MSRs, and EFER.LMA, which the processor keeps. */
	{ "msr_star", MSR_ATTACK(MSR_STAR, BIT(4)) },
	{ "msr_cstar", MSR_ATTACK(MSR_CSTAR, BIT(4)) },
	{ "msr_sfmask", MSR_ATTACK(MSR_SYSCALL_MASK, BIT(4)) },
	{ "msr_sysenter_cs", MSR_ATTACK(MSR_IA32_SYSENTER_CS, BIT(4)) },
	{ "msr_sysenter_esp", MSR_ATTACK(MSR_IA32_SYSENTER_ESP, BIT(4)) },
	{ "msr_apic_base", MSR_ATTACK(MSR_IA32_APICBASE, BIT(20)) },
	{ "msr_efer_lma", MSR_ATTACK(MSR_EFER, EFER_LMA), .flags = ATTACK_NO_NATIVE },
	{ "exec_outside_ram", exec_outside_ram },
#if IS_ENABLED(CONFIG_HYPERV)
	{ "hypercall_page_move", move_hypercall_page },
#endif
	{ "gdtr", reload_table, .reg = TABLE_GDT },
	{ "idtr", reload_table, .reg = TABLE_IDT },
	{ "gdtr_base", reload_table, .reg = TABLE_GDT, .flags = ATTACK_BASE },
	{ "idtr_base", reload_table, .reg = TABLE_IDT, .flags = ATTACK_BASE },
	{ "ldtr", reload_table, .reg = TABLE_LDT },
	{ "tr", reload_tr },
	{ "read_phys", access_phys, .flags = ATTACK_PA },
	{ "write_phys", access_phys, .flags = ATTACK_PA | ATTACK_WRITE },
	{ "write_module", write_module, .flags = ATTACK_VA },
	{ "exec_module", exec_module, .flags = ATTACK_VA },
	{ "protect_memory", boot_only_call },
	{ "load_kdata", boot_only_call, .flags = ATTACK_KDATA },
	{ "recovery", check_recovery },
	{ "patch_int3", patch_text },
	{ "patch_jump", patch_text, .bits = 1 },
	{ "poke_int3", patch_text, .bits = 2 },
	{ "patch_static_call", patch_text, .bits = 3 },
	{ "kprobe", kprobe_text },
	/* Changes that must work: CR4 bits that are not pinned. */
	{ "cr4_tsd", CR_ATTACK(4, X86_CR4_TSD, ATTACK_FLIP) },
	{ "cr4_pce", CR_ATTACK(4, X86_CR4_PCE, ATTACK_FLIP) },
	{ "cr4_pge", CR_ATTACK(4, X86_CR4_PGE, ATTACK_FLIP) },
};

static ssize_t attack_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct attack *attack = file->private_data;
	struct result res = { .outcome = OUTCOME_NONE };
	u64 arg = 0;
	int ret;

	if (attack->flags & (ATTACK_PA | ATTACK_VA)) {
		ret = kstrtou64_from_user(ubuf, count, 0, &arg);
		if (ret)
			return ret;
	}

	mutex_lock(&heki_test_lock);
	attack->run(&res, attack, arg);
	attack->last = res;
	mutex_unlock(&heki_test_lock);
	if (res.outcome == OUTCOME_BLOCKED || res.outcome == OUTCOME_IGNORED ||
	    res.outcome == OUTCOME_SUCCEEDED)
		pr_info("%s: %s on CPU%d\n", attack->name,
			res.outcome == OUTCOME_BLOCKED ? "blocked" :
			res.outcome == OUTCOME_IGNORED ? "ignored" : "succeeded",
			res.cpu);
	return count;
}

static ssize_t attack_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct attack *attack = file->private_data;
	struct result res;
	char buf[64];
	int len;

	mutex_lock(&heki_test_lock);
	res = attack->last;
	mutex_unlock(&heki_test_lock);

	switch (res.outcome) {
	case OUTCOME_BLOCKED:
		len = scnprintf(buf, sizeof(buf), "blocked trap=%ld cpu=%d\n",
				res.value, res.cpu);
		break;
	case OUTCOME_IGNORED:
		len = scnprintf(buf, sizeof(buf), "ignored cpu=%d\n", res.cpu);
		break;
	case OUTCOME_SUCCEEDED:
		len = scnprintf(buf, sizeof(buf), "succeeded cpu=%d\n",
				res.cpu);
		break;
	case OUTCOME_RETURNED:
		len = scnprintf(buf, sizeof(buf), "returned %ld cpu=%d\n",
				res.value, res.cpu);
		break;
	case OUTCOME_SKIPPED:
		len = scnprintf(buf, sizeof(buf), "skipped %s\n", res.reason);
		break;
	case OUTCOME_ERROR:
		len = scnprintf(buf, sizeof(buf), "error %ld\n", res.value);
		break;
	default:
		len = scnprintf(buf, sizeof(buf), "none\n");
		break;
	}
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations attack_fops = {
	.open = simple_open,
	.read = attack_read,
	.write = attack_write,
	.llseek = default_llseek,
};

/*
 * module_release: writing "<mode> <module>" arms an attempt made when that
 * module's init memory (exec_init_text, free_twice) or the module
 * (exec_text, replay_unload, replay_free) is released, right after the
 * hypervisor side released it and before the kernel frees the memory:
 *
 *   exec_text       run code in the module's first text page
 *   exec_init_text  run code in its first init text page
 *   replay_unload   call the backend's unload_module() again with its token
 *   replay_free     call free_module_init() with the token after unload
 *   free_twice      call free_module_init() again with its token
 *
 * The replays give "returned <errno>", or "skipped" without a token.
 */
enum release_mode {
	RELEASE_EXEC_TEXT,
	RELEASE_EXEC_INIT_TEXT,
	RELEASE_REPLAY_UNLOAD,
	RELEASE_REPLAY_FREE,
	RELEASE_FREE_TWICE,
};

static const char *const release_modes[] = {
	[RELEASE_EXEC_TEXT] = "exec_text",
	[RELEASE_EXEC_INIT_TEXT] = "exec_init_text",
	[RELEASE_REPLAY_UNLOAD] = "replay_unload",
	[RELEASE_REPLAY_FREE] = "replay_free",
	[RELEASE_FREE_TWICE] = "free_twice",
};

static struct attack release_attack = { .name = "module_release" };
static int release_armed = -1;
static char release_module[MODULE_NAME_LEN];

static ssize_t release_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char buf[16 + MODULE_NAME_LEN], *name;
	int mode;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	name = strim(buf);
	mode = sysfs_match_string(release_modes, strsep(&name, " "));
	if (mode < 0)
		return mode;
	name = name ? skip_spaces(name) : "";
	if (!*name || strlen(name) >= sizeof(release_module))
		return -EINVAL;

	mutex_lock(&heki_test_lock);
	strscpy(release_module, name);
	WRITE_ONCE(release_armed, mode);
	release_attack.last = (struct result){ .outcome = OUTCOME_NONE };
	mutex_unlock(&heki_test_lock);
	return count;
}

static void release_replay(struct result *res, enum release_mode mode,
			   u64 token)
{
	struct heki_hypervisor *hv = READ_ONCE(heki_core.hv);
	int (*op)(u64 token);

	op = !hv ? NULL : mode == RELEASE_REPLAY_UNLOAD ? hv->unload_module :
	     hv->free_module_init;
	if (!token || !op) {
		skip(res, "no token");
		return;
	}
	res->outcome = OUTCOME_RETURNED;
	res->value = op(token);
	res->cpu = raw_smp_processor_id();
}

/**
 * heki_test_module_released() - Make the armed module_release attempt
 * @mod: the module whose memory the kernel is about to free
 * @init: true for its init memory, false for the whole module
 * @token: the backend's handle of the module, 0 if it has none
 *
 * Called by the module loader once HEKI released the memory, whatever the
 * state of HEKI. Does nothing unless module_release was armed for @mod
 * and this release, and then only once.
 */
void heki_test_module_released(struct module *mod, bool init, u64 token)
{
	struct result res = { .outcome = OUTCOME_NONE };
	enum mod_mem_type type;
	int mode = READ_ONCE(release_armed);
	bool init_mode;

	if (mode < 0)
		return;
	mutex_lock(&heki_test_lock);
	mode = release_armed;
	init_mode = mode == RELEASE_EXEC_INIT_TEXT || mode == RELEASE_FREE_TWICE;
	if (mode < 0 || init != init_mode || strcmp(mod->name, release_module)) {
		mutex_unlock(&heki_test_lock);
		return;
	}
	WRITE_ONCE(release_armed, -1);
	switch (mode) {
	case RELEASE_EXEC_TEXT:
	case RELEASE_EXEC_INIT_TEXT:
		type = init ? MOD_INIT_TEXT : MOD_TEXT;
		if (mod->mem[type].size)
			alias_exec_page(&res, vmalloc_to_page(mod->mem[type].base),
					(unsigned long)mod->mem[type].base);
		else
			skip(&res, "no such memory");
		break;
	default:
		release_replay(&res, mode, token);
		break;
	}
	release_attack.last = res;
	mutex_unlock(&heki_test_lock);
	pr_info("module_release: %s %s: outcome %d (%ld)\n", release_modes[mode],
		mod->name, res.outcome, res.value);
}

static const struct file_operations release_fops = {
	.open = simple_open,
	.read = attack_read,
	.write = release_write,
	.llseek = default_llseek,
};

static int __init heki_test_init(void)
{
	struct dentry *dir;
	unsigned int i;
	int ret;

	ret = register_die_notifier(&exec_nb);
	if (ret)
		return ret;
	add_taint(TAINT_TEST, LOCKDEP_STILL_OK);
	dir = debugfs_create_dir("heki_test", NULL);
	for (i = 0; i < ARRAY_SIZE(attacks); i++)
		debugfs_create_file(attacks[i].name, 0600, dir, &attacks[i],
				    &attack_fops);
	heki_test_text_init(dir);
	debugfs_create_file(release_attack.name, 0600, dir, &release_attack,
			    &release_fops);
	pr_warn("attack test interface in debugfs, for testing only\n");
	return 0;
}
late_initcall(heki_test_init);
