/* The initial VP context of StartVirtualProcessor and EnableVpVtl: control
 * registers the processor could not hold (EFER.SVME or another reserved
 * bit, LMA != LME && PG, reserved CR4 bits, long mode without PAE, PCIDE
 * outside long mode, CR0.PG without PE, NW without CD, CR0 bits 63:32,
 * CR3 beyond the physical address width) are refused with
 * INVALID_REGISTER_VALUE and start nothing; SVME never reaches VTL0. */
#include "vsm.h"

const char test_name[] = "vp_context";

#define EFER_SVME	(1UL << 12)
#define CR0_NW		(1UL << 29)
#define CR0_CD		(1UL << 30)
#define CR4_VMXE	(1UL << 13)
#define CR4_PCIDE	(1UL << 17)

static u8 ap_stack[8192] ALIGNED(16);
static volatile u32 ap_done;
static volatile u64 ap_efer;
static volatile int ap_stgi_vec = -2;

void ap_main(void)
{
	ap_efer = rdmsr(MSR_EFER);
	ap_stgi_vec = CATCH(NULL, asm volatile("stgi" ::: "memory"));
	__atomic_store_n(&ap_done, 1, __ATOMIC_SEQ_CST);
}

/* VTL0's context on VP 1 entering ap_main */
static void ap_context(struct hv_initial_vp_context *ctx)
{
	struct percpu *p = &percpu_slots[1];

	p->self = p;
	p->index = 1;
	hv_context_here(ctx, (u64)ap_entry, (u64)ap_stack + sizeof(ap_stack),
			(u64)p, SEL_TSS0);
}

/* One invalid context: the running one with EFER, CR0, CR3, CR4 changed */
struct bad_ctx {
	const char *what;
	u64 efer_set, efer_clr, cr0_set, cr0_clr, cr4_set, cr4_clr, cr3_set;
};

static const struct bad_ctx bad[] = {
	{ "EFER.SVME (SVM not offered)", .efer_set = EFER_SVME },
	{ "EFER reserved bit 9", .efer_set = 1UL << 9 },
	{ "EFER.LMA clear with LME and CR0.PG", .efer_clr = EFER_LMA },
	{ "EFER.LMA set without CR0.PG", .cr0_clr = CR0_PG },
	{ "CR4.VMXE (VMX not offered)", .cr4_set = CR4_VMXE },
	{ "CR4 reserved bit 15", .cr4_set = 1UL << 15 },
	{ "long mode without CR4.PAE", .cr4_clr = CR4_PAE },
	{ "CR4.PCIDE outside long mode", .efer_clr = EFER_LMA | EFER_LME,
	  .cr0_clr = CR0_PG, .cr4_set = CR4_PCIDE },
	{ "CR0.PG without PE", .efer_clr = EFER_LMA | EFER_LME, .cr0_clr = CR0_PE },
	{ "CR0.NW without CD", .cr0_set = CR0_NW, .cr0_clr = CR0_CD },
	{ "CR0 bit 32", .cr0_set = 1UL << 32 },
	{ "CR3 beyond the physical address width", .cr3_set = 1UL << 62 },
};

static void make_bad(struct hv_initial_vp_context *ctx, const struct bad_ctx *b)
{
	ctx->efer = (ctx->efer | b->efer_set) & ~b->efer_clr;
	ctx->cr0 = (ctx->cr0 | b->cr0_set) & ~b->cr0_clr;
	ctx->cr4 = (ctx->cr4 | b->cr4_set) & ~b->cr4_clr;
	ctx->cr3 |= b->cr3_set;
}

static u64 vtl1_set_vtl0_efer(u64 efer)
{
	return HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_TARGET(0), HV_X64_REG_EFER, efer, 0));
}

static u64 vtl1_start_ap_vtl0_svme(u64 a)
{
	struct hv_initial_vp_context ctx;

	(void)a;
	ap_context(&ctx);
	ctx.efer = rdmsr(MSR_EFER) | EFER_SVME;
	return HV_STATUS(hv_start_vp(1, 0, &ctx));
}

void test_main(void)
{
	struct hv_initial_vp_context ctx;
	u64 r;
	int vec;

	hv_setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		ap_context(&ctx);
		make_bad(&ctx, &bad[i]);
		r = HV_STATUS(hv_start_vp(1, 0, &ctx));
		report_eq(r, HV_STATUS_INVALID_REGISTER_VALUE,
			  "StartVirtualProcessor(VP 1, VTL0), %s: INVALID_REGISTER_VALUE", bad[i].what);
	}
	report_eq(ap_done, 0, "VP 1 was not started by the refused contexts");

	r = HV_STATUS(hv_enable_partition_vtl(1, vsm_partition_flags));
	report_eq(r, HV_STATUS_SUCCESS, "EnablePartitionVtl(VTL1)");
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		vsm_prepare_context(&ctx);
		make_bad(&ctx, &bad[i]);
		r = HV_STATUS(hv_enable_vp_vtl(0, 1, &ctx));
		report_eq(r, HV_STATUS_INVALID_REGISTER_VALUE,
			  "EnableVpVtl(VP 0, VTL1), %s: INVALID_REGISTER_VALUE", bad[i].what);
	}
	/* the refused calls did not count: VTL0 may still enable VTL1 */
	report(vsm_setup(false), "EnableVpVtl(VP 0, VTL1) with a valid context, VTL1 runs");

	u64 efer = rdmsr(MSR_EFER);
	report_eq(vtl1_run(vtl1_set_vtl0_efer, efer | EFER_SVME), HV_STATUS_INVALID_REGISTER_VALUE,
		  "VTL1 SetVpRegisters(VTL0 EFER with SVME): INVALID_REGISTER_VALUE");
	report_eq(vtl1_run(vtl1_start_ap_vtl0_svme, 0), HV_STATUS_INVALID_REGISTER_VALUE,
		  "VTL1 StartVirtualProcessor(VP 1, VTL0, EFER with SVME): INVALID_REGISTER_VALUE");
	report_eq(rdmsr(MSR_EFER), efer, "VTL0's EFER unchanged after the VTL calls");
	vec = CATCH(NULL, asm volatile("vmrun" :: "a"(0UL) : "memory"));
	report_eq(vec, 6, "VMRUN in VTL0 raises #UD");

	ap_context(&ctx);
	r = HV_STATUS(hv_start_vp(1, 0, &ctx));
	report_eq(r, HV_STATUS_SUCCESS, "StartVirtualProcessor(VP 1, VTL0) with a valid context");
	report(hv_wait_for(&ap_done, 1), "VP 1 runs its initial context");
	report(!(ap_efer & EFER_SVME), "VP 1 runs without EFER.SVME (EFER 0x%lx)", ap_efer);
	report_eq(ap_stgi_vec, 6, "STGI on VP 1 raises #UD");
}
