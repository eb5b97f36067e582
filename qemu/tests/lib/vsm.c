/* VTL0/VTL1 harness for the emulator tests (see vsm.h). */
#include "vsm.h"

struct gpregs vtl0_regs_in, vtl0_regs_out, vtl1_regs_in, vtl1_regs_out;
u64 vtl_call_ptr, vtl_return_ptr;
struct vsm_mbox vsm_mbox;
struct hv_vp_assist_page vtl1_assist PAGE_ALIGNED;
static u8 vtl1_simp[4096] PAGE_ALIGNED;
static u8 vtl1_siefp[4096] PAGE_ALIGNED;
static u64 vtl1_pml4[512] PAGE_ALIGNED;
static u8 vtl1_stack[16384] ALIGNED(16);
static bool vtl1_up;
u8 vsm_partition_flags = 1;	/* EnableMbec */
u8 vsm_default_mask = HV_MAP_GPA_PERMISSIONS_MASK;
extern char __image_start[], __image_end[];

/* HV_INPUT_VTL naming VTL1, the VTL whose protections apply to VTL0 */
#define PROT_VTL HV_VTL_TARGET(1)

u64 vtl1_protect(u64 gpa, u32 flags)
{
	u64 gpfn = gpa >> 12;
	return HV_STATUS(hv_modify_vtl_protection(PROT_VTL, flags, &gpfn, 1));
}

void vsm_clear_msgs(void)
{
	vsm_mbox.nmsgs = 0;
	memset(vsm_mbox.msgs, 0, sizeof(vsm_mbox.msgs));
	vsm_mbox.handle_status = 0;
}

static u32 msr_to_reg(u32 msr)
{
	switch (msr) {
	case MSR_EFER:
		return HV_X64_REG_EFER;
	case 0xC0000081:
		return 0x00080008;	/* Star */
	case 0xC0000082:
		return 0x00080009;	/* Lstar */
	default:
		return 0;
	}
}

static u64 set_vtl0(u32 name, u64 lo, u64 hi)
{
	return HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_TARGET(0), name, lo, hi));
}

static void resolve(const struct hv_message *msg)
{
	const struct hv_intercept_header *h = (const void *)msg->payload;
	u64 next_rip = h->rip + (h->insn_len_cr8 & 0xf);
	u64 st = 0;

	switch (vsm_mbox.policy) {
	case POLICY_UNPROTECT:
		if (msg->type == HV_MSG_GPA_INTERCEPT) {
			const struct hv_memory_intercept *mi = (const void *)msg->payload;
			st = vtl1_protect(mi->gpa, HV_MAP_GPA_PERMISSIONS_MASK);
		} else {
			st = set_vtl0(HV_X64_REG_RIP, next_rip, 0);
		}
		break;
	case POLICY_ALLOW:
		if (msg->type == HV_MSG_X64_REGISTER_INTERCEPT) {
			const struct hv_register_intercept *ri = (const void *)msg->payload;
			st = set_vtl0(ri->reg_name, ri->value_lo, ri->value_hi);
		} else if (msg->type == HV_MSG_X64_MSR_INTERCEPT) {
			const struct hv_msr_intercept *mi = (const void *)msg->payload;
			st = set_vtl0(msr_to_reg(mi->msr), (mi->rdx << 32) | (u32)mi->rax, 0);
		}
		st |= set_vtl0(HV_X64_REG_RIP, next_rip, 0);
		break;
	case POLICY_SKIP:
		st = set_vtl0(HV_X64_REG_RIP, next_rip, 0);
		break;
	case POLICY_INJECT_GP:
		/* pending, exception, deliver error code, vector 13, code 0 */
		st = set_vtl0(HV_REG_PENDING_EVENT0, 0x000D0101, 0);
		break;
	}
	vsm_mbox.handle_status |= st;
}

static void sint0_isr(struct trap_frame *f)
{
	struct hv_message *slot = (struct hv_message *)vtl1_simp;	/* SINT0 */
	(void)f;
	vsm_mbox.reason_at_irq = vtl1_assist.vtl_entry_reason;
	if (slot->type != HV_MSG_NONE) {
		struct hv_message copy = *slot;
		u32 n = vsm_mbox.nmsgs;
		if (n < VSM_MAX_MSGS)
			vsm_mbox.msgs[n] = copy;
		vsm_mbox.nmsgs = n + 1;
		resolve(&copy);
		slot->type = HV_MSG_NONE;
		barrier();
		if (copy.flags & HV_MSG_FLAG_PENDING)
			wrmsr(HV_MSR_EOM, 0);
	}
	apic_eoi();
}

static void record_vtl0_state(void)
{
	struct hv_u128 v;
	vsm_mbox.reason_at_irq = vtl1_assist.vtl_entry_reason;
	if (HV_STATUS(hv_get_reg(HV_VP_INDEX_SELF, HV_VTL_TARGET(0), HV_X64_REG_RFLAGS, &v)) == 0)
		vsm_mbox.vtl0_rflags_at_irq = v.lo;
	if (HV_STATUS(hv_get_reg(HV_VP_INDEX_SELF, HV_VTL_TARGET(0), HV_X64_REG_RIP, &v)) == 0)
		vsm_mbox.vtl0_rip_at_irq = v.lo;
}

static void timer_isr(struct trap_frame *f)
{
	(void)f;
	record_vtl0_state();
	vsm_mbox.timer_irqs++;
	apic_eoi();
}

static void ipi_isr(struct trap_frame *f)
{
	(void)f;
	record_vtl0_state();
	vsm_mbox.ipi_irqs++;
	apic_eoi();
}

/* the test image keeps RWX whatever the default mask: VTL0 runs there */
static u64 grant_image(void)
{
	static u64 gfns[256];
	u64 first = (u64)__image_start >> 12, end = ((u64)__image_end + 4095) >> 12;

	while (first < end) {
		int n = end - first < ARRAY_SIZE(gfns) ? end - first : ARRAY_SIZE(gfns);
		for (int i = 0; i < n; i++)
			gfns[i] = first + i;
		u64 st = HV_STATUS(hv_modify_vtl_protection(PROT_VTL, HV_MAP_GPA_PERMISSIONS_MASK,
							   gfns, n));
		if (st)
			return st;
		first += n;
	}
	return 0;
}

static void vtl1_init(void)
{
	hv_enable_hypercall_page();
	u64 offs = hv_reg(HV_VTL_CURRENT, HV_REG_VSM_CODE_PAGE_OFFSETS);
	vtl_return_ptr = (u64)hv_cpu()->page + ((offs >> 12) & 0xfff);
	wrmsr(HV_MSR_VP_ASSIST_PAGE, gpa_of(&vtl1_assist) | 1);
	apic_sw_enable();
	set_irq_handler(VEC_SINT0, sint0_isr);
	set_irq_handler(VEC_VTL1_TIMER, timer_isr);
	set_irq_handler(VEC_VTL1_IPI, ipi_isr);
	wrmsr(HV_MSR_SIMP, gpa_of(vtl1_simp) | 1);
	wrmsr(HV_MSR_SIEFP, gpa_of(vtl1_siefp) | 1);
	wrmsr(HV_MSR_SINT0, VEC_SINT0);
	wrmsr(HV_MSR_SCONTROL, 1);
	/* EnableVtlProtection with the default mask (RWX unless the test
	 * chose another) */
	vsm_mbox.init_status[0] = HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_CURRENT,
			HV_REG_VSM_PARTITION_CONFIG, 1 | ((u64)vsm_default_mask << 1), 0));
	if (vsm_default_mask != HV_MAP_GPA_PERMISSIONS_MASK)
		vsm_mbox.init_status[2] = grant_image();
	/* MBEC for VTL0 on this VP */
	vsm_mbox.init_status[1] = HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_CURRENT,
			HV_REG_VSM_VP_SECURE_CONFIG_VTL0, 1, 0));
	vtl1_up = true;
}

/* called from vtl1_entry on every entry into VTL1 */
void vtl1_handle(void);
void vtl1_handle(void)
{
	struct vsm_mbox *m = &vsm_mbox;
	u64 (*fn)(u64);

	if (!vtl1_up)
		vtl1_init();
	m->entries++;
	m->last_reason = vtl1_assist.vtl_entry_reason;
	irq_window();
	fn = m->fn;
	if (fn) {
		m->fn = NULL;
		m->ret = fn(m->arg);
	}
	u64 rax = vtl1_regs_in.rax, rcx = vtl1_regs_in.rcx;
	vtl1_regs_out = vtl1_regs_in;
	if (m->ret_override) {
		vtl1_regs_out = m->out_regs;
		rax = m->ret_rax;
		rcx = m->ret_rcx;
		m->ret_override = false;
	}
	vtl1_assist.vtl_ret_rax = rax;
	vtl1_assist.vtl_ret_rcx = rcx;
	vtl1_regs_out.rcx = m->ret_fast ? 1 : 0;
	m->ret_fast = false;
}

void vtl_call(void)
{
	memset(&vtl0_regs_in, 0, sizeof(vtl0_regs_in));
	vtl_call_regs();
}

u64 vtl1_run(u64 (*fn)(u64), u64 arg)
{
	vsm_mbox.arg = arg;
	vsm_mbox.fn = fn;
	vtl_call();
	if (vsm_mbox.fn)
		panic("VTL call did not reach VTL1");
	return vsm_mbox.ret;
}

void vsm_prepare_context(struct hv_initial_vp_context *ctx)
{
	struct percpu *p = &percpu_slots[PERCPU_VTL1];
	p->self = p;
	p->index = PERCPU_VTL1;
	hv_cpu_init(PERCPU_VTL1);
	memcpy(vtl1_pml4, pml4, sizeof(vtl1_pml4));
	hv_context_here(ctx, (u64)vtl1_entry, (u64)vtl1_stack + sizeof(vtl1_stack),
			(u64)p, SEL_TSS1);
	ctx->cr3 = (u64)vtl1_pml4;
}

bool vsm_setup(bool check)
{
	struct hv_initial_vp_context ctx;
	u64 offs = hv_reg(HV_VTL_CURRENT, HV_REG_VSM_CODE_PAGE_OFFSETS);
	u64 r;
	bool ok = true;

	vtl_call_ptr = (u64)hv_cpu()->page + (offs & 0xfff);
	r = HV_STATUS(hv_enable_partition_vtl(1, vsm_partition_flags));
	if (check)
		ok &= report_eq(r, HV_STATUS_SUCCESS, "HvCallEnablePartitionVtl(VTL1, flags 0x%x) succeeds",
				vsm_partition_flags);
	vsm_prepare_context(&ctx);
	r = HV_STATUS(hv_enable_vp_vtl((u32)rdmsr(HV_MSR_VP_INDEX), 1, &ctx));
	if (check)
		ok &= report_eq(r, HV_STATUS_SUCCESS, "HvCallEnableVpVtl(VP 0, VTL1, context) succeeds");
	if (!ok)
		return false;
	vtl_call();
	if (check) {
		ok &= report(vsm_mbox.entries == 1 && vtl1_up,
			     "first VTL call enters VTL1 at the initial context");
		ok &= report_eq(vsm_mbox.init_status[0], 0,
				"VTL1 sets VsmPartitionConfig.EnableVtlProtection");
	}
	return ok && vtl1_up;
}

/* ---- VP 1 with VTL1 ---- */

asm(".text\n"
    ".globl vtl_switch\n"
    "vtl_switch:\n"
    "	push %rbx\n	push %rbp\n	push %r12\n	push %r13\n	push %r14\n	push %r15\n"
    "	xor %ecx, %ecx\n"
    "	call *%rdi\n"
    "	pop %r15\n	pop %r14\n	pop %r13\n	pop %r12\n	pop %rbp\n	pop %rbx\n"
    "	ret\n"
    ".globl ap_vtl1_entry\n"
    "ap_vtl1_entry:\n"
    "	call ap_vtl1_main\n"
    "	ud2\n");

void __attribute__((weak)) ap_vtl1_main(void)
{
	panic("VTL1 on VP 1 started without ap_vtl1_main");
}

u64 vsm_call_ptr(void)
{
	u64 offs = hv_reg(HV_VTL_CURRENT, HV_REG_VSM_CODE_PAGE_OFFSETS);
	return (u64)hv_cpu()->page + (offs & 0xfff);
}

u64 vsm_return_ptr(void)
{
	u64 offs = hv_reg(HV_VTL_CURRENT, HV_REG_VSM_CODE_PAGE_OFFSETS);
	return (u64)hv_cpu()->page + (offs >> 12 & 0xfff);
}

void vsm_ap_vtl1_context(struct hv_initial_vp_context *ctx, u64 stack_top)
{
	struct percpu *p = &percpu_slots[PERCPU_VTL1_AP];
	p->self = p;
	p->index = PERCPU_VTL1_AP;
	hv_context_here(ctx, (u64)ap_vtl1_entry, stack_top, (u64)p, SEL_TSS1);
}

static const struct hv_initial_vp_context *ap_vtl1_ctx;

static u64 enable_ap_vtl1(u64 arg)
{
	(void)arg;
	return HV_STATUS(hv_enable_vp_vtl(1, 1, ap_vtl1_ctx));
}

u64 vsm_enable_ap_vtl1(const struct hv_initial_vp_context *ctx)
{
	ap_vtl1_ctx = ctx;
	return vtl1_run(enable_ap_vtl1, 0);
}

u64 vsm_start_ap(u64 stack_top)
{
	struct hv_initial_vp_context ctx;
	struct percpu *p = &percpu_slots[1];

	p->self = p;
	p->index = 1;
	hv_context_here(&ctx, (u64)ap_entry, stack_top, (u64)p, SEL_TSS0);
	return HV_STATUS(hv_start_vp_wait(1, 0, &ctx));
}

/* flags around VTL calls (entry.S) */
u8 vtl0_set_df;
u64 vtl0_rflags_out, vtl1_entry_rflags;
