/* VTL protections without MBEC: VTL1 is enabled without EnableMbec, so the
 * kernel-execute bit governs user fetches too, masks with KX != UX are
 * refused and VsmVpSecureConfigVtl0.MbecEnabled cannot be set. */
#include "vsm.h"

const char test_name[] = "vtl_nombec";

static u64 __attribute__((noipa, aligned(4096), section(".text.page.nx"))) nx_fn(void) { return 0x4e58; }
static u64 __attribute__((noipa, aligned(4096), section(".text.page.x"))) x_fn(void) { return 0x58; }

static u64 protect(u64 arg) { return vtl1_protect(arg & ~0xfffUL, arg & 0xfff); }

static volatile u64 user_val;
static void user_nx(void) { user_val = nx_fn(); }
static void user_x(void) { user_val = x_fn(); }

void test_main(void)
{
	hv_setup();
	vsm_partition_flags = 0;
	if (!vsm_setup(true))
		panic("VTL1 setup failed");
	vsm_mbox.policy = POLICY_UNPROTECT;

	u64 ps = hv_reg(HV_VTL_CURRENT, HV_REG_VSM_PARTITION_STATUS);
	report((ps & 0xffff) == 3 && !(ps >> 20 & 0xffff),
	       "VsmPartitionStatus: VTL1 enabled, MbecEnabledVtlSet empty (0x%lx)", ps);
	report(vsm_mbox.init_status[1] != 0,
	       "VsmVpSecureConfigVtl0.MbecEnabled refused without partition MBEC (0x%lx)",
	       vsm_mbox.init_status[1]);

	report_eq(vtl1_run(protect, (u64)nx_fn | HV_MAP_GPA_READABLE | HV_MAP_GPA_USER_EXECUTABLE), HV_STATUS_INVALID_PARAMETER,
		  "R+UX (KX != UX) without MBEC: HV_STATUS_INVALID_PARAMETER");
	report_eq(vtl1_run(protect, (u64)nx_fn | HV_MAP_GPA_READABLE), 0, "R (no execute) accepted");
	vsm_clear_msgs();
	user_val = 0;
	int vec = run_user(user_nx, NULL);
	report(vsm_mbox.nmsgs == 1 && vsm_mbox.msgs[0].type == HV_MSG_GPA_INTERCEPT &&
	       ((struct hv_memory_intercept *)vsm_mbox.msgs[0].payload)->h.access_type == 2,
	       "without MBEC a CPL3 fetch from a non-executable page intercepts (%u messages)", vsm_mbox.nmsgs);
	report(vec == VEC_USER_EXIT && user_val == 0x4e58, "CPL3 code runs after the retry");

	report_eq(vtl1_run(protect, (u64)x_fn | HV_MAP_GPA_READABLE | HV_MAP_GPA_KERNEL_EXECUTABLE | HV_MAP_GPA_USER_EXECUTABLE), 0,
		  "R+X accepted");
	vsm_clear_msgs();
	user_val = 0;
	vec = run_user(user_x, NULL);
	report(vec == VEC_USER_EXIT && user_val == 0x58 && vsm_mbox.nmsgs == 0,
	       "CPL3 fetch from an R+X page runs without intercept");
}
