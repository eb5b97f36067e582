/* VSM status registers and VTL enablement: HvCallGetVpRegisters of the VSM
 * registers, HvCallEnablePartitionVtl / HvCallEnableVpVtl success and error
 * cases, #UD for VTL call/return where the TLFS requires it. */
#include "vsm.h"

const char test_name[] = "vsm_enable";

static void user_vtl_call(void)
{
	asm volatile("xor %%ecx, %%ecx; call *%0" :: "m"(vtl_call_ptr) : "rax", "rcx", "memory");
}

static bool in_set(u64 v, u64 a, u64 b)
{
	return v == a || v == b;
}

static u64 vtl1_read_vp_status(u64 arg)
{
	(void)arg;
	return hv_reg(HV_VTL_CURRENT, HV_REG_VSM_VP_STATUS);
}

void test_main(void)
{
	struct hv_initial_vp_context ctx;
	struct hv_u128 v;
	struct exc_info e;
	u64 r;

	hv_setup();
	u8 *page = hv_cpu()->page;

	u64 ps = hv_reg(HV_VTL_CURRENT, HV_REG_VSM_PARTITION_STATUS);
	u32 max_vtl = ps >> 16 & 0xf;
	report((ps & 0xffff) == 1 && max_vtl >= 1,
	       "VsmPartitionStatus before enabling: EnabledVtlSet {0}, MaximumVtl %u >= 1 (0x%lx)", max_vtl, ps);
	u64 vs = hv_reg(HV_VTL_CURRENT, HV_REG_VSM_VP_STATUS);
	report((vs & 0xf) == 0 && (vs >> 16 & 0xffff) == 1,
	       "VsmVpStatus before enabling: ActiveVtl 0, EnabledVtlSet {0} (0x%lx)", vs);
	u64 offs = hv_reg(HV_VTL_CURRENT, HV_REG_VSM_CODE_PAGE_OFFSETS);
	u32 call_off = offs & 0xfff, ret_off = offs >> 12 & 0xfff;
	report(call_off && ret_off && call_off != ret_off && !(offs >> 24),
	       "VsmCodePageOffsets: distinct non-zero call/return offsets (0x%lx)", offs);
	r = hv_get_reg(HV_VP_INDEX_SELF, HV_VTL_CURRENT, HV_REG_VSM_CAPABILITIES, &v);
	report_eq(HV_STATUS(r), HV_STATUS_SUCCESS, "VsmCapabilities readable by VTL0");
	r = HV_STATUS(hv_get_reg(HV_VP_INDEX_SELF, HV_VTL_CURRENT, 0x000dfff0, &v));
	report(in_set(r, HV_STATUS_INVALID_PARAMETER, HV_STATUS_UNKNOWN_REGISTER_NAME),
	       "unknown register name rejected (0x%lx)", r);
	r = HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_CURRENT, HV_REG_VSM_PARTITION_STATUS, 0xffff, 0));
	report(r != HV_STATUS_SUCCESS && (hv_reg(HV_VTL_CURRENT, HV_REG_VSM_PARTITION_STATUS) & 0xffff) == 1,
	       "VsmPartitionStatus is read-only (0x%lx)", r);

	vtl_call_ptr = (u64)page + call_off;
	report_eq(CATCH(&e, vtl_call()), 6, "VTL call before VTL1 is enabled raises #UD");
	vtl_return_ptr = (u64)page + ret_off;
	report_eq(CATCH(&e, asm volatile("xor %%ecx, %%ecx; call *%0" :: "m"(vtl_return_ptr)
					 : "rax", "rcx", "memory")),
		  6, "VTL return from VTL0 raises #UD");

	vsm_prepare_context(&ctx);
	r = HV_STATUS(hv_enable_vp_vtl(0, 1, &ctx));
	report(r != HV_STATUS_SUCCESS, "EnableVpVtl before EnablePartitionVtl fails (0x%lx)", r);
	r = HV_STATUS(hv_enable_partition_vtl(0, 0));
	report(r != HV_STATUS_SUCCESS, "EnablePartitionVtl(VTL0) fails (0x%lx)", r);
	r = HV_STATUS(hv_enable_partition_vtl((u8)(max_vtl + 1), 0));
	report(r != HV_STATUS_SUCCESS, "EnablePartitionVtl(MaximumVtl + 1) fails (0x%lx)", r);
	r = HV_STATUS(hv_enable_partition_vtl(1, 1));
	report_eq(r, HV_STATUS_SUCCESS, "EnablePartitionVtl(VTL1, EnableMbec) succeeds");
	r = HV_STATUS(hv_enable_partition_vtl(1, 1));
	report(in_set(r, HV_STATUS_INVALID_VTL_STATE, HV_STATUS_VTL_ALREADY_ENABLED),
	       "EnablePartitionVtl(VTL1) twice fails with INVALID_VTL_STATE/VTL_ALREADY_ENABLED (0x%lx)", r);
	ps = hv_reg(HV_VTL_CURRENT, HV_REG_VSM_PARTITION_STATUS);
	report((ps & 0xffff) == 3 && (ps >> 20 & 0xffff) & 2,
	       "VsmPartitionStatus: EnabledVtlSet {0,1}, MbecEnabledVtlSet has VTL1 (0x%lx)", ps);

	report_eq(CATCH(&e, vtl_call()), 6, "VTL call before EnableVpVtl raises #UD");
	r = HV_STATUS(hv_enable_vp_vtl(77, 1, &ctx));
	report(in_set(r, HV_STATUS_INVALID_VP_INDEX, HV_STATUS_INVALID_PARAMETER),
	       "EnableVpVtl(VP 77) fails with INVALID_VP_INDEX/INVALID_PARAMETER (0x%lx)", r);
	r = HV_STATUS(hv_enable_vp_vtl(0, 1, &ctx));
	report_eq(r, HV_STATUS_SUCCESS, "EnableVpVtl(VP 0, VTL1) succeeds");
	vs = hv_reg(HV_VTL_CURRENT, HV_REG_VSM_VP_STATUS);
	report((vs & 0xf) == 0 && (vs >> 16 & 0xffff) == 3,
	       "VsmVpStatus: ActiveVtl 0, EnabledVtlSet {0,1} (0x%lx)", vs);
	r = HV_STATUS(hv_enable_vp_vtl(0, 1, &ctx));
	report(in_set(r, HV_STATUS_VTL_ALREADY_ENABLED, HV_STATUS_INVALID_VTL_STATE),
	       "EnableVpVtl twice fails with VTL_ALREADY_ENABLED (0x%lx)", r);

	/* control input (RCX, moved to RAX by the page) must be 0 */
	memset(&vtl0_regs_in, 0, sizeof(vtl0_regs_in));
	vtl0_regs_in.rcx = 1;
	report_eq(CATCH(&e, vtl_call_regs()), 6, "VTL call with a non-zero control input raises #UD");
	report_eq(run_user(user_vtl_call, &e), 6, "VTL call at CPL3 raises #UD");
	report_eq(vsm_mbox.entries, 0, "VTL1 was not entered by the failed VTL calls");

	vtl_call();
	report(vsm_mbox.entries == 1 && vtl_return_ptr, "first VTL call enters VTL1 at the initial context");
	vs = vtl1_run(vtl1_read_vp_status, 0);
	report((vs & 0xf) == 1 && (vs >> 16 & 0xffff) == 3, "VsmVpStatus read in VTL1: ActiveVtl 1 (0x%lx)", vs);
	r = HV_STATUS(hv_get_reg(HV_VP_INDEX_SELF, HV_VTL_TARGET(1), HV_X64_REG_RIP, &v));
	report_eq(r, HV_STATUS_ACCESS_DENIED, "VTL0 may not read VTL1's RIP: HV_STATUS_ACCESS_DENIED");
	r = HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_TARGET(1), HV_X64_REG_RIP, 0, 0));
	report_eq(r, HV_STATUS_ACCESS_DENIED, "VTL0 may not write VTL1's RIP: HV_STATUS_ACCESS_DENIED");
}
