/* Hypercall helpers for the emulator tests. */
#include "hv.h"

static u8 hv_pages[7][3][4096] PAGE_ALIGNED;	/* hypercall page, in, out */
static struct hv_cpu hv_cpus[16];

static int hv_page_set(u32 slot)
{
	if (slot == 0)
		return 0;
	if (slot == PERCPU_VTL1)
		return 1;
	if (slot >= 1 && slot <= 4)
		return (int)slot + 1;
	if (slot == PERCPU_VTL1_AP)
		return 6;
	panic("no hypercall pages for cpu slot %u", slot);
}

void hv_cpu_init(u32 slot)
{
	int s = hv_page_set(slot);
	hv_cpus[slot].page = hv_pages[s][0];
	hv_cpus[slot].in = hv_pages[s][1];
	hv_cpus[slot].out = hv_pages[s][2];
}

struct hv_cpu *hv_cpu(void)
{
	return &hv_cpus[this_cpu()->index];
}

void hv_enable_hypercall_page(void)
{
	if (!rdmsr(HV_MSR_GUEST_OS_ID))
		wrmsr(HV_MSR_GUEST_OS_ID, HV_GUEST_OS_ID_TEST);
	wrmsr(HV_MSR_HYPERCALL, gpa_of(hv_cpu()->page) | 1);
}

u64 hv_call(u64 control, u64 in, u64 out)
{
	register u64 r8 asm("r8") = out;
	u64 rax;
	asm volatile("call *%[page]"
		     : "=a"(rax), "+c"(control), "+d"(in), "+r"(r8)
		     : [page] "r"(hv_cpu()->page)
		     : "r9", "r10", "r11", "memory", "cc");
	return rax;
}

bool hv_wait_for(volatile u32 *v, u32 want)
{
	u64 t0 = rdmsr(HV_MSR_TIME_REF_COUNT);
	while (*v != want && rdmsr(HV_MSR_TIME_REF_COUNT) - t0 < 50000000)
		cpu_relax();
	return *v == want;
}

void hv_delay_ms(u64 ms)
{
	u64 t0 = rdmsr(HV_MSR_TIME_REF_COUNT);
	while (rdmsr(HV_MSR_TIME_REF_COUNT) - t0 < ms * 10000)
		cpu_relax();
}

bool hv_wait_mark(volatile u16 *m, u16 want)
{
	u64 t0 = rdmsr(HV_MSR_TIME_REF_COUNT);
	while (*m != want && rdmsr(HV_MSR_TIME_REF_COUNT) - t0 < 50000000)
		cpu_relax();
	return *m == want;
}

/* mov word [cs:0x100], MARK; then inc dword [cs:0x104] in a loop */
volatile u16 *put_sipi_code(u8 vec, u16 mark)
{
	u8 *p = (u8 *)((u64)vec << 12);
	const u8 code[] = { 0x2e, 0xc7, 0x06, 0x00, 0x01, (u8)mark, (u8)(mark >> 8),
			   0x66, 0x2e, 0xff, 0x06, 0x04, 0x01, 0xeb, 0xf8 };

	memset(p, 0, 4096);
	memcpy(p, code, sizeof(code));
	return (volatile u16 *)(p + 0x100);
}

bool hv_wait_stopped(volatile u32 *v)
{
	u64 t0 = rdmsr(HV_MSR_TIME_REF_COUNT);
	u32 c = *v;

	while (rdmsr(HV_MSR_TIME_REF_COUNT) - t0 < 50000000) {
		u64 t1 = rdmsr(HV_MSR_TIME_REF_COUNT);
		while (*v == c && rdmsr(HV_MSR_TIME_REF_COUNT) - t1 < 500000)
			cpu_relax();
		if (*v == c)
			return true;
		c = *v;
	}
	return false;
}

u64 hv_vmcall(u64 control, u64 in, u64 out)
{
	register u64 r8 asm("r8") = out;
	u64 rax;
	asm volatile("vmcall"
		     : "=a"(rax), "+c"(control), "+d"(in), "+r"(r8)
		     :: "r9", "r10", "r11", "memory", "cc");
	return rax;
}

/* common 16-byte header: partition id, u32 vp index, u8 vtl, rsvd */
static u8 *hdr(u32 vp, u8 vtl)
{
	u8 *in = hv_cpu()->in;
	memset(in, 0, 4096);
	*(u64 *)in = HV_PARTITION_ID_SELF;
	*(u32 *)(in + 8) = vp;
	in[12] = vtl;
	return in;
}

u64 hv_get_reg(u32 vp, u8 vtl, u32 name, struct hv_u128 *v)
{
	u8 *in = hdr(vp, vtl);
	u8 *out = hv_cpu()->out;
	*(u32 *)(in + 16) = name;
	memset(out, 0xa5, 16);
	u64 r = hv_call(HVCALL_GET_VP_REGISTERS | HV_REP_COUNT(1), gpa_of(in), gpa_of(out));
	if (v)
		memcpy(v, out, 16);
	return r;
}

u64 hv_set_reg(u32 vp, u8 vtl, u32 name, u64 lo, u64 hi)
{
	u8 *in = hdr(vp, vtl);
	*(u32 *)(in + 16) = name;
	*(u64 *)(in + 32) = lo;
	*(u64 *)(in + 40) = hi;
	return hv_call(HVCALL_SET_VP_REGISTERS | HV_REP_COUNT(1), gpa_of(in), 0);
}

u64 hv_reg(u8 vtl, u32 name)
{
	struct hv_u128 v;
	u64 r = hv_get_reg(HV_VP_INDEX_SELF, vtl, name, &v);
	if (HV_STATUS(r) != HV_STATUS_SUCCESS)
		panic("HvCallGetVpRegisters(0x%x, vtl 0x%x) failed: 0x%lx", name, vtl, r);
	return v.lo;
}

u64 hv_enable_partition_vtl(u8 vtl, u8 flags)
{
	u8 *in = hdr(0, 0);
	in[8] = vtl;
	in[9] = flags;
	return hv_call(HVCALL_ENABLE_PARTITION_VTL, gpa_of(in), 0);
}

static u64 vp_ctx_call(u16 code, u32 vp, u8 vtl, const struct hv_initial_vp_context *ctx)
{
	u8 *in = hdr(vp, vtl);
	memcpy(in + 16, ctx, sizeof(*ctx));
	return hv_call(code, gpa_of(in), 0);
}

u64 hv_enable_vp_vtl(u32 vp, u8 vtl, const struct hv_initial_vp_context *ctx)
{
	return vp_ctx_call(HVCALL_ENABLE_VP_VTL, vp, vtl, ctx);
}

u64 hv_start_vp(u32 vp, u8 vtl, const struct hv_initial_vp_context *ctx)
{
	return vp_ctx_call(HVCALL_START_VP, vp, vtl, ctx);
}

u64 hv_start_vp_wait(u32 vp, u8 vtl, const struct hv_initial_vp_context *ctx)
{
	u64 t0 = rdmsr(HV_MSR_TIME_REF_COUNT);
	u64 r;

	while (HV_STATUS(r = hv_start_vp(vp, vtl, ctx)) == HV_STATUS_INVALID_VP_STATE &&
	       rdmsr(HV_MSR_TIME_REF_COUNT) - t0 < 50000000)
		cpu_relax();
	return r;
}

u64 hv_modify_vtl_protection(u8 vtl, u32 flags, const u64 *gpfns, int n)
{
	u8 *in = hdr(flags, vtl);
	memcpy(in + 16, gpfns, 8 * (size_t)n);
	return hv_call(HVCALL_MODIFY_VTL_PROTECTION_MASK | HV_REP_COUNT(n), gpa_of(in), 0);
}

static void seg(struct hv_seg *s, u16 sel, u64 base, u32 limit, u16 attr)
{
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->attributes = attr;
}

void hv_context_here(struct hv_initial_vp_context *ctx, u64 rip, u64 rsp,
		     u64 gs_base, u16 tr_sel)
{
	struct desc_ptr g, i;

	memset(ctx, 0, sizeof(*ctx));
	ctx->rip = rip;
	ctx->rsp = rsp;
	ctx->rflags = 0x2;
	seg(&ctx->cs, SEL_KCODE, 0, 0xffffffff, 0xa09b);
	seg(&ctx->ds, SEL_KDATA, 0, 0xffffffff, 0xc093);
	ctx->es = ctx->ss = ctx->fs = ctx->gs = ctx->ds;
	ctx->gs.base = gs_base;
	seg(&ctx->tr, tr_sel, (u64)&tss[(tr_sel - SEL_TSS0) / 16],
	    sizeof(struct tss64) - 1, 0x8b);
	sgdt(&g);
	sidt(&i);
	ctx->gdtr.limit = g.limit;
	ctx->gdtr.base = g.base;
	ctx->idtr.limit = i.limit;
	ctx->idtr.base = i.base;
	ctx->efer = rdmsr(MSR_EFER);
	ctx->cr0 = read_cr0();
	ctx->cr3 = read_cr3();
	ctx->cr4 = read_cr4();
	ctx->pat = rdmsr(0x277);
}

void hv_setup(void)
{
	hv_cpu_init(this_cpu()->index);
	hv_enable_hypercall_page();
}
