/* Synthetic MSRs: GUEST_OS_ID, HYPERCALL and the hypercall page contents,
 * VP_INDEX, VP_ASSIST_PAGE, TIME_REF_COUNT, SynIC SVERSION/SCONTROL/SIMP/
 * SINTx/EOM. */
#include "hv.h"

const char test_name[] = "msr";

static u8 assist[4096] PAGE_ALIGNED;
static u8 simp[4096] PAGE_ALIGNED;

/* wrmsr that reports the vector it raised, or -1 */
static int try_wrmsr(u32 msr, u64 v)
{
	return CATCH(NULL, wrmsr(msr, v));
}

static bool is_vmcall(const u8 *p)
{
	return p[0] == 0x0f && p[1] == 0x01 && (p[2] == 0xc1 || p[2] == 0xd9);
}

/* a code sequence that loads call code CODE into (e/r)cx and issues a
 * VMCALL/VMMCALL within its first 24 bytes */
static bool vtl_sequence(const u8 *p, u8 code)
{
	bool has_code = false;
	for (int i = 0; i < 24; i++) {
		if (i + 4 < 24 && p[i] == 0xb9 && p[i + 1] == code && !p[i + 2] && !p[i + 3] && !p[i + 4])
			has_code = true;
		if (is_vmcall(p + i))
			return has_code;
	}
	return false;
}

void test_main(void)
{
	hv_cpu_init(0);
	u8 *page = hv_cpu()->page;

	report_eq(rdmsr(HV_MSR_GUEST_OS_ID), 0, "GUEST_OS_ID reads 0 after reset");
	report_eq(CATCH(NULL, hv_vmcall(HVCALL_GET_VP_REGISTERS, 0, 0)), 6,
		  "VMCALL before the hypercall interface is enabled raises #UD");
	memset(page, 0, 4096);
	wrmsr(HV_MSR_HYPERCALL, gpa_of(page) | 1);
	report((rdmsr(HV_MSR_HYPERCALL) & 1) == 0 && page[0] == 0,
	       "HYPERCALL enable ignored while GUEST_OS_ID is 0");

	wrmsr(HV_MSR_GUEST_OS_ID, HV_GUEST_OS_ID_TEST);
	report_eq(rdmsr(HV_MSR_GUEST_OS_ID), HV_GUEST_OS_ID_TEST, "GUEST_OS_ID write/read back");
	wrmsr(HV_MSR_HYPERCALL, gpa_of(page) | 1);
	report_eq(rdmsr(HV_MSR_HYPERCALL), gpa_of(page) | 1, "HYPERCALL MSR enable: GPFN | enable read back");
	report(is_vmcall(page) && page[3] == 0xc3,
	       "hypercall page: VMCALL; RET at offset 0 (%02x %02x %02x %02x)",
	       page[0], page[1], page[2], page[3]);

	u64 offs = hv_reg(HV_VTL_CURRENT, HV_REG_VSM_CODE_PAGE_OFFSETS);
	u32 call_off = offs & 0xfff, ret_off = (offs >> 12) & 0xfff;
	report_info("VsmCodePageOffsets 0x%lx", offs);
	report(call_off && call_off < 4096 - 24 && vtl_sequence(page + call_off, HVCALL_VTL_CALL),
	       "VTL call sequence (code 0x11 + VMCALL) at VtlCallOffset 0x%x", call_off);
	report(ret_off && ret_off < 4096 - 24 && vtl_sequence(page + ret_off, HVCALL_VTL_RETURN),
	       "VTL return sequence (code 0x12 + VMCALL) at VtlReturnOffset 0x%x", ret_off);

	report_eq(rdmsr(HV_MSR_VP_INDEX), 0, "VP_INDEX of the boot VP is 0");
	report_eq(try_wrmsr(HV_MSR_VP_INDEX, 5), 13, "VP_INDEX is read-only: write raises #GP");

	wrmsr(HV_MSR_VP_ASSIST_PAGE, gpa_of(assist) | 1);
	report_eq(rdmsr(HV_MSR_VP_ASSIST_PAGE), gpa_of(assist) | 1, "VP_ASSIST_PAGE write/read back");

	u64 t1 = rdmsr(HV_MSR_TIME_REF_COUNT);
	for (volatile int i = 0; i < 2000000; i++)
		;
	u64 t2 = rdmsr(HV_MSR_TIME_REF_COUNT);
	report(t1 != 0 && t2 > t1, "TIME_REF_COUNT advances (0x%lx -> 0x%lx)", t1, t2);
	report_eq(try_wrmsr(HV_MSR_TIME_REF_COUNT, 0), 13, "TIME_REF_COUNT is read-only: write raises #GP");

	report_eq(rdmsr(HV_MSR_SVERSION), 1, "SynIC SVERSION reads 1");
	report_eq(try_wrmsr(HV_MSR_SVERSION, 2), 13, "SVERSION write raises #GP");

	report(rdmsr(HV_MSR_SINT0 + 3) & HV_SINT_MASKED, "SINT3 is masked after reset");
	wrmsr(HV_MSR_SINT0 + 3, 0x30);
	report_eq(rdmsr(HV_MSR_SINT0 + 3), 0x30, "SINT3 vector 0x30 write/read back");
	report_eq(try_wrmsr(HV_MSR_SINT0 + 3, 0x0f), 13, "SINT3 vector 0x0f (< 16) raises #GP");
	report_eq(rdmsr(HV_MSR_SINT0 + 3), 0x30, "SINT3 unchanged after the rejected write");
	report_eq(try_wrmsr(HV_MSR_SINT0 + 3, HV_SINT_MASKED | 0x05), -1,
		  "masked SINT with vector < 16 is accepted");

	wrmsr(HV_MSR_SCONTROL, 1);
	report_eq(rdmsr(HV_MSR_SCONTROL) & 1, 1, "SCONTROL enable write/read back");
	wrmsr(HV_MSR_SIMP, gpa_of(simp) | 1);
	report_eq(rdmsr(HV_MSR_SIMP), gpa_of(simp) | 1, "SIMP write/read back");
	report_eq(rdmsr(HV_MSR_EOM), 0, "EOM reads 0");

	wrmsr(HV_MSR_HYPERCALL, 0);
	report_eq(rdmsr(HV_MSR_HYPERCALL) & 1, 0, "HYPERCALL MSR disable");
}
