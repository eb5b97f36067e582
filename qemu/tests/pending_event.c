/* HvRegisterPendingEvent0: VTL1 injects exceptions into VTL0, delivered
 * when VTL0 resumes; VTL0 may not use the register itself. */
#include "vsm.h"

const char test_name[] = "pending_event";

static u64 inject(u64 ev)
{
	return HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_TARGET(0), HV_REG_PENDING_EVENT0, ev, 0));
}

static u64 nop(u64 a) { return a; }

/* event: bit0 pending, 3:1 type 0 (exception), 8 deliver error code,
 * 31:16 vector, 63:32 error code */
#define EXC_EVENT(vec, ec, has_ec) (1UL | ((u64)(has_ec) << 8) | ((u64)(vec) << 16) | ((u64)(ec) << 32))

static volatile u64 status;

static u64 run_inject(u64 ev)
{
	status = ~0UL;
	vsm_mbox.arg = ev;
	vsm_mbox.fn = inject;
	vtl_call();
	status = vsm_mbox.ret;
	return status;
}

void test_main(void)
{
	struct exc_info e;
	int vec;

	hv_setup();
	if (!vsm_setup(false))
		panic("VTL1 setup failed");
	u8 *page = hv_cpu()->page;

	vec = CATCH(&e, run_inject(EXC_EVENT(13, 0x28, 1)));
	report(vec == 13 && e.error_code == 0x28,
	       "PendingEvent0 #GP(0x28) set by VTL1 is delivered to VTL0 (vector %d, error 0x%lx)", vec, e.error_code);
	report_eq(vsm_mbox.ret, 0, "SetVpRegisters(PendingEvent0, target VTL0) from VTL1 succeeds");
	report(e.rip > (u64)page && e.rip < (u64)page + 4096 && e.cs == SEL_KCODE,
	       "#GP is raised where VTL0 resumes (after the VTL call VMCALL, rip 0x%lx)", e.rip);

	vec = CATCH(&e, run_inject(EXC_EVENT(6, 0, 0)));
	report_eq(vec, 6, "PendingEvent0 #UD (no error code) is delivered to VTL0");

	vec = CATCH(&e, vtl1_run(nop, 0));
	report_eq(vec, -1, "the event is consumed: the next VTL return raises nothing");

	u64 r = HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_CURRENT, HV_REG_PENDING_EVENT0, EXC_EVENT(13, 0, 1), 0));
	vec = CATCH(&e, vtl1_run(nop, 0));
	report(r != HV_STATUS_SUCCESS && vec == -1,
	       "VTL0 may not set its own PendingEvent0 (status 0x%lx, vector %d)", r, vec);
}
