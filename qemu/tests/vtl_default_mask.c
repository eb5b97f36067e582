/* DefaultVtlProtectionMask applies to every GPA VTL1 did not set, however
 * high: RAM hot-added above the boot RAM (a pc-dimm above 4 GiB + RAM) and
 * a GPA far above anything mapped.  VTL1 enables protection with a default
 * mask of RW (no execute); VTL0 executing there is intercepted.
 * Needs: -m 64M,slots=2,maxmem=2G and a 512 MiB pc-dimm (tests.list). */
#include "vsm.h"

const char test_name[] = "vtl_default_mask";

#define DIMM_GPA	0x110000000UL	/* 4 GiB + 256 MiB: in the pc-dimm */
#define HOLE_GPA	0x2000000000UL	/* 128 GiB: nothing there */
#define DIMM_VA		0x8000000000UL	/* 512 GiB */
#define HOLE_VA		0x8000001000UL

static const u8 ret_1234[] = { 0xb8, 0x34, 0x12, 0x00, 0x00, 0xc3 };	/* mov eax, 0x1234; ret */
static u64 scratch;

static u64 protect(u64 arg) { return vtl1_protect(arg & ~0xfffUL, arg & 0xfff); }

static int call_at(u64 va, u64 *ret)
{
	volatile u64 rax = (u64)&scratch;
	u64 r;
	/* RAX points at scratch memory in case something other than the
	 * expected instructions is fetched there */
	int vec = CATCH(NULL, ({
		r = rax;
		asm volatile("call *%1" : "+a"(r) : "r"(va)
			     : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
		rax = r;
	}));
	*ret = rax;
	return vec;
}

static void check_exec_intercept(const char *what, u64 va, u64 gpa)
{
	const struct hv_memory_intercept *m = (const void *)vsm_mbox.msgs[0].payload;

	if (!report_eq(vsm_mbox.nmsgs, 1, "%s: one intercept message on VTL1 SINT0", what))
		return;
	report_eq(vsm_mbox.msgs[0].type, HV_MSG_GPA_INTERCEPT, "%s: GPA intercept", what);
	report_eq(m->h.access_type, 2, "%s: access type execute", what);
	report_eq(m->gpa & ~0xfffUL, gpa, "%s: GPA", what);
	report_eq(m->h.rip, va, "%s: VTL0 RIP at the page", what);
}

void test_main(void)
{
	u64 ret = 0;
	int vec;

	hv_setup();
	map_page(DIMM_VA, DIMM_GPA, PTE_P | PTE_W);
	map_page(HOLE_VA, HOLE_GPA, PTE_P | PTE_W);
	memcpy((void *)DIMM_VA, ret_1234, sizeof(ret_1234));
	vec = call_at(DIMM_VA, &ret);
	report(vec == -1 && ret == 0x1234,
	       "hot-added RAM above the boot RAM runs before VTL protections (vec %d, 0x%lx)",
	       vec, ret);

	vsm_default_mask = HV_MAP_GPA_READABLE | HV_MAP_GPA_WRITABLE;
	if (!vsm_setup(false))
		panic("VTL1 setup failed");
	report_eq(vsm_mbox.init_status[0], 0, "VsmPartitionConfig: protection on, default mask RW");
	report_eq(vsm_mbox.init_status[2], 0, "VTL1 gives the test image RWX");
	vsm_mbox.policy = POLICY_INJECT_GP;

	vsm_clear_msgs();
	scratch = 0;
	vec = call_at(DIMM_VA, &ret);
	report_eq(vec, 13, "execute in hot-added RAM (default mask RW) -> intercept, VTL1 injects #GP");
	check_exec_intercept("hot-added RAM", DIMM_VA, DIMM_GPA);

	vsm_clear_msgs();
	report_eq(*(volatile u8 *)DIMM_VA, ret_1234[0], "read of hot-added RAM allowed by the default mask");
	report_eq(vsm_mbox.nmsgs, 0, "no intercept for the read");

	vsm_clear_msgs();
	vec = call_at(HOLE_VA, &ret);
	report_eq(vec, 13, "execute at a GPA far above RAM -> intercept, VTL1 injects #GP");
	check_exec_intercept("GPA above RAM", HOLE_VA, HOLE_GPA);

	report_eq(vtl1_run(protect, DIMM_GPA | HV_MAP_GPA_PERMISSIONS_MASK), 0,
		  "ModifyVtlProtectionMask(RWX) of a hot-added RAM page succeeds");
	vsm_clear_msgs();
	vec = call_at(DIMM_VA, &ret);
	report(vec == -1 && ret == 0x1234, "the page now runs (vec %d, 0x%lx)", vec, ret);
	report_eq(vsm_mbox.nmsgs, 0, "no intercept");

	report_eq(vtl1_run(protect, DIMM_GPA | HV_MAP_GPA_READABLE), 0,
		  "ModifyVtlProtectionMask(R) of the hot-added RAM page succeeds");
	vsm_clear_msgs();
	vec = CATCH(NULL, *(volatile u8 *)(DIMM_VA + 0x100) = 1);
	report_eq(vec, 13, "write to it -> intercept, VTL1 injects #GP");
	report(vsm_mbox.nmsgs == 1 &&
	       ((const struct hv_memory_intercept *)vsm_mbox.msgs[0].payload)->h.access_type == 1,
	       "one write intercept");

	report_eq(vtl1_run(protect, HOLE_GPA | HV_MAP_GPA_PERMISSIONS_MASK), HV_STATUS_INVALID_PARAMETER,
		  "ModifyVtlProtectionMask of a GPA that is not RAM -> INVALID_PARAMETER");
}
