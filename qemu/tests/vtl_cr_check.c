/* CR0 and CR4 values the processor refuses: MOV to CR0/CR4 in VTL0 raises
 * #GP without an intercept when no intercepted bit changes, and is
 * intercepted first when one does; SetVpRegisters of VTL0's CR0/CR4 from
 * VTL1 refuses them with INVALID_REGISTER_VALUE. */
#include "vsm.h"

const char test_name[] = "vtl_cr_check";

#define CR0_NW		(1UL << 29)
#define CR0_CD		(1UL << 30)
#define CR4_LA57	(1UL << 12)
#define CR4_VMXE	(1UL << 13)
#define CR4_RSVD15	(1UL << 15)
#define CR4_PCIDE	(1UL << 17)

static u64 set_vtl0(u32 name, u64 v)
{
	return HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_TARGET(0), name, v, 0));
}

static u64 vtl1_set_cr0(u64 v) { return set_vtl0(HV_X64_REG_CR0, v); }
static u64 vtl1_set_cr4(u64 v) { return set_vtl0(HV_X64_REG_CR4, v); }

/* VTL0's CR3 with PWT, then CR4.PCIDE set from clear: the status */
static u64 vtl1_pcide_cr3_low(u64 cr4)
{
	struct hv_u128 cr3;
	u64 st;

	hv_get_reg(HV_VP_INDEX_SELF, HV_VTL_TARGET(0), HV_X64_REG_CR3, &cr3);
	set_vtl0(HV_X64_REG_CR3, cr3.lo | 0x8);
	st = set_vtl0(HV_X64_REG_CR4, cr4 | CR4_PCIDE);
	set_vtl0(HV_X64_REG_CR3, cr3.lo);
	return st;
}

static u64 intercept_cr4_pge(u64 on)
{
	u64 st = HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_CURRENT, HV_REG_CR_INTERCEPT_CR4_MASK, CR4_PGE, 0));
	return st | HV_STATUS(hv_set_reg(HV_VP_INDEX_SELF, HV_VTL_CURRENT, HV_REG_CR_INTERCEPT_CONTROL,
					 on ? HV_CRI_CR4_WRITE : 0, 0));
}

#define MOV_CR(n, v) CATCH(NULL, asm volatile("mov %0, %%cr" #n :: "r"((u64)(v)) : "memory"))

void test_main(void)
{
	hv_setup();
	if (!vsm_setup(true))
		panic("VTL1 setup failed");
	u64 cr0 = read_cr0(), cr4 = read_cr4();

	/* SetVpRegisters from VTL1 */
	report_eq(vtl1_run(vtl1_set_cr0, cr0), HV_STATUS_SUCCESS, "SetVpRegisters VTL0 CR0, same value");
	report_eq(vtl1_run(vtl1_set_cr0, cr0 | (1UL << 32)), HV_STATUS_INVALID_REGISTER_VALUE,
		  "SetVpRegisters VTL0 CR0 bit 32: INVALID_REGISTER_VALUE");
	report_eq(vtl1_run(vtl1_set_cr0, (cr0 | CR0_NW) & ~CR0_CD), HV_STATUS_INVALID_REGISTER_VALUE,
		  "SetVpRegisters VTL0 CR0.NW without CD: INVALID_REGISTER_VALUE");
	report_eq(vtl1_run(vtl1_set_cr0, cr0 & ~CR0_PE), HV_STATUS_INVALID_REGISTER_VALUE,
		  "SetVpRegisters VTL0 CR0.PG without PE: INVALID_REGISTER_VALUE");
	report_eq(vtl1_run(vtl1_set_cr0, cr0 | (1UL << 6)), HV_STATUS_INVALID_REGISTER_VALUE,
		  "SetVpRegisters VTL0 CR0 reserved bit 6: INVALID_REGISTER_VALUE");
	report_eq(vtl1_run(vtl1_set_cr4, cr4), HV_STATUS_SUCCESS, "SetVpRegisters VTL0 CR4, same value");
	report_eq(vtl1_run(vtl1_set_cr4, cr4 | CR4_VMXE), HV_STATUS_INVALID_REGISTER_VALUE,
		  "SetVpRegisters VTL0 CR4.VMXE (not offered): INVALID_REGISTER_VALUE");
	report_eq(vtl1_run(vtl1_set_cr4, cr4 | CR4_RSVD15), HV_STATUS_INVALID_REGISTER_VALUE,
		  "SetVpRegisters VTL0 CR4 reserved bit 15: INVALID_REGISTER_VALUE");
	report_eq(vtl1_run(vtl1_set_cr4, cr4 & ~CR4_PAE), HV_STATUS_INVALID_REGISTER_VALUE,
		  "SetVpRegisters VTL0 CR4.PAE clear in long mode: INVALID_REGISTER_VALUE");
	report_eq(vtl1_run(vtl1_set_cr4, cr4 ^ CR4_LA57), HV_STATUS_INVALID_REGISTER_VALUE,
		  "SetVpRegisters VTL0 CR4.LA57 changed in long mode: INVALID_REGISTER_VALUE");
	report_eq(vtl1_run(vtl1_pcide_cr3_low, cr4), HV_STATUS_INVALID_REGISTER_VALUE,
		  "SetVpRegisters VTL0 CR4.PCIDE set with CR3[11:0] != 0: INVALID_REGISTER_VALUE");
	report(read_cr0() == cr0 && read_cr4() == cr4, "VTL0's CR0 and CR4 unchanged");

	/* MOV to CR in VTL0 without an intercept: #GP */
	report_eq(MOV_CR(0, cr0 | (1UL << 32)), 13, "MOV CR0 with bit 32 raises #GP");
	report_eq(MOV_CR(0, (cr0 | CR0_NW) & ~CR0_CD), 13, "MOV CR0 with NW without CD raises #GP");
	report_eq(MOV_CR(4, cr4 | CR4_RSVD15), 13, "MOV CR4 with reserved bit 15 raises #GP");
	report_eq(MOV_CR(4, cr4 | CR4_VMXE), 13, "MOV CR4 with VMXE (not offered) raises #GP");
	report_eq(MOV_CR(4, cr4 & ~CR4_PAE), 13, "MOV CR4 clearing PAE in long mode raises #GP");
	report(read_cr0() == cr0 && read_cr4() == cr4, "CR0 and CR4 unchanged");
	report_eq(vsm_mbox.nmsgs, 0, "no intercept message");

	/* an intercepted bit changes too: the intercept comes first */
	report_eq(vtl1_run(intercept_cr4_pge, 1), 0, "VTL1 intercepts CR4.PGE writes");
	vsm_mbox.policy = POLICY_ALLOW;
	vsm_clear_msgs();
	report_eq(MOV_CR(4, (cr4 ^ CR4_PGE) | CR4_RSVD15), -1,
		  "MOV CR4 changing PGE with reserved bit 15: intercepted (VTL1 skips it)");
	report(vsm_mbox.nmsgs == 1 && vsm_mbox.msgs[0].type == HV_MSG_X64_REGISTER_INTERCEPT,
	       "one register intercept message");
	report_eq(vsm_mbox.handle_status, HV_STATUS_INVALID_REGISTER_VALUE,
		  "VTL1's SetVpRegisters of the value: INVALID_REGISTER_VALUE");
	report_eq(read_cr4(), cr4, "CR4 unchanged");
	vtl1_run(intercept_cr4_pge, 0);
}
