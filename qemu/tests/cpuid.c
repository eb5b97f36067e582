/* CPUID 0x40000000-0x4000000A: vendor, interface, partition privileges,
 * and zeros for the unimplemented 0x40000080-0x400000FF range. */
#include "hv.h"

const char test_name[] = "cpuid";

static bool is_reg(u32 v, const char *s)
{
	return memcmp(&v, s, 4) == 0;
}

void test_main(void)
{
	struct cpuid r = cpuid(1, 0);
	report(r.c >> 31 & 1, "CPUID.1:ECX[31] hypervisor present");

	r = cpuid(HV_CPUID_VENDOR, 0);
	report(r.a >= HV_CPUID_LIMITS && r.a <= 0x400000ff,
	       "0x40000000.EAX max leaf 0x%x in [0x40000005, 0x400000ff]", r.a);
	report(is_reg(r.b, "Micr") && is_reg(r.c, "osof") && is_reg(r.d, "t Hv"),
	       "vendor is \"Microsoft Hv\"");

	r = cpuid(HV_CPUID_INTERFACE, 0);
	report(is_reg(r.a, "Hv#1"), "0x40000001.EAX interface is \"Hv#1\"");

	r = cpuid(HV_CPUID_FEATURES, 0);
	u64 priv = (u64)r.b << 32 | r.a;
	report(priv & HV_PRIV_HYPERCALL_MSRS, "privilege HypercallMsrs (EAX bit 5)");
	report(priv & HV_PRIV_VP_INDEX, "privilege VpIndex (EAX bit 6)");
	report(priv & HV_PRIV_SYNIC_REGS, "privilege AccessSynicRegs (EAX bit 2)");
	report(priv & HV_PRIV_ACCESS_VSM, "privilege AccessVsm (EBX bit 16)");
	report(priv & HV_PRIV_ACCESS_VP_REGS, "privilege AccessVpRegisters (EBX bit 17)");
	report(priv & HV_PRIV_START_VP, "privilege StartVirtualProcessor (EBX bit 21)");
	report(!(priv & HV_PRIV_CREATE_PARTITIONS), "privilege CreatePartitions clear (EBX bit 0)");
	report(!(priv & HV_PRIV_CPU_MANAGEMENT), "privilege CpuManagement clear (EBX bit 12)");

	u32 nonzero = 0, first = 0;
	for (u32 leaf = 0x40000080; leaf <= 0x400000ff; leaf++) {
		r = cpuid(leaf, 0);
		if ((r.a | r.b | r.c | r.d) && !nonzero++)
			first = leaf;
	}
	if (nonzero)
		report_info("first non-zero leaf 0x%x", first);
	report(!nonzero, "leaves 0x40000080-0x400000ff read as zero");
}
