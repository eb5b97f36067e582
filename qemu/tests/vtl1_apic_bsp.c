/* The VTL1 local APIC of VP 0 is the BSP's: IA32_APIC_BASE reports the BSP
 * flag (bit 8) in VTL1 as in VTL0, with the same base and enable bits
 * (a VTL1 kernel that sees no BSP flag takes itself for a kdump kernel). */
#include "vsm.h"

const char test_name[] = "vtl1_apic_bsp";

#define MSR_IA32_APIC_BASE 0x1b
#define APIC_BASE_BSP (1UL << 8)

static u64 vtl1_apic_base(u64 a) { (void)a; return rdmsr(MSR_IA32_APIC_BASE); }

void test_main(void)
{
	hv_setup();
	if (!vsm_setup(false))
		panic("VTL1 setup failed");

	u64 b0 = rdmsr(MSR_IA32_APIC_BASE);
	u64 b1 = vtl1_run(vtl1_apic_base, 0);
	report(b0 & APIC_BASE_BSP, "VTL0 on VP 0: IA32_APIC_BASE has the BSP flag (0x%lx)", b0);
	report(b1 & APIC_BASE_BSP, "VTL1 on VP 0: IA32_APIC_BASE has the BSP flag (0x%lx)", b1);
	report_eq(b1 & ~0x400UL, b0 & ~0x400UL, "VTL1 APIC base, enable and BSP bits match VTL0's (x2APIC mode aside)");
}
