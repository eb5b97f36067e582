/* CPU model of a VSM partition: no nested virtualization (VMX, SVM), no
 * MPX, Intel PT or FRED, whatever the -cpu model; EFER.SVME is then a
 * reserved bit and the SVM instructions are undefined. */
#include "hv.h"

const char test_name[] = "cpu_model";

#define EFER_SVME		(1UL << 12)
#define MSR_VM_HSAVE_PA		0xc0010117
#define MSR_IA32_BNDCFGS	0xd90
#define MSR_IA32_VMX_BASIC	0x480
#define MSR_IA32_RTIT_CTL	0x570
#define MSR_IA32_FRED_CONFIG	0x1d4
#define CR4_OSXSAVE		(1UL << 18)
#define XCR0_BNDREGS		(1UL << 3)
#define XCR0_BNDCSR		(1UL << 4)

static u8 vmcb[4096] PAGE_ALIGNED;

static u64 xgetbv0(void)
{
	u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return lo | ((u64)hi << 32);
}

static void xsetbv0(u64 v)
{
	asm volatile("xsetbv" :: "c"(0), "a"((u32)v), "d"((u32)(v >> 32)));
}

void test_main(void)
{
	struct cpuid r;
	u32 max_ext = cpuid(0x80000000, 0).a;
	u64 efer = rdmsr(MSR_EFER), val;
	int vec;

	r = cpuid(1, 0);
	report(!(r.c & (1u << 5)), "CPUID.1:ECX.VMX[5] clear");
	r = cpuid(0x80000001, 0);
	report(!(r.c & (1u << 2)), "CPUID.80000001h:ECX.SVM[2] clear");
	if (max_ext >= 0x8000000a) {
		r = cpuid(0x8000000a, 0);
		report(!(r.a | r.b | r.c | r.d),
		       "CPUID.8000000Ah (SVM features) reads 0 (%x %x %x %x)",
		       r.a, r.b, r.c, r.d);
	} else {
		report(true, "CPUID.8000000Ah beyond the extended max leaf");
	}
	r = cpuid(7, 0);
	report(!(r.b & (1u << 14)), "CPUID.7.0:EBX.MPX[14] clear");
	report(!(r.b & (1u << 25)), "CPUID.7.0:EBX.PT[25] clear");
	r = cpuid(7, 1);
	report(!(r.a & (1u << 17)), "CPUID.7.1:EAX.FRED[17] clear");
	r = cpuid(0xd, 0);
	report(!(r.a & (XCR0_BNDREGS | XCR0_BNDCSR)),
	       "CPUID.0Dh:EAX offers no MPX XSAVE components (0x%x)", r.a);

	vec = CATCH(NULL, wrmsr(MSR_EFER, efer | EFER_SVME));
	report_eq(vec, 13, "WRMSR EFER with SVME (reserved) raises #GP");
	report_eq(rdmsr(MSR_EFER), efer, "EFER unchanged");
	/* the SVM instructions need EFER.SVME, which cannot be set */
	vec = CATCH(NULL, asm volatile("vmsave" :: "a"(gpa_of(vmcb)) : "memory"));
	report_eq(vec, 6, "VMSAVE raises #UD");
	vec = CATCH(NULL, asm volatile("vmload" :: "a"(gpa_of(vmcb)) : "memory"));
	report_eq(vec, 6, "VMLOAD raises #UD");
	vec = CATCH(NULL, asm volatile("stgi" ::: "memory"));
	report_eq(vec, 6, "STGI raises #UD");
	vec = CATCH(NULL, asm volatile("vmrun" :: "a"(gpa_of(vmcb)) : "memory"));
	report_eq(vec, 6, "VMRUN raises #UD");
	wrmsr(MSR_EFER, efer);
	vec = CATCH(NULL, wrmsr(MSR_EFER, efer | (1UL << 9)));
	report_eq(vec, 13, "WRMSR EFER with reserved bit 9 raises #GP");
	vec = CATCH(NULL, wrmsr(MSR_EFER, efer));
	report_eq(vec, -1, "WRMSR EFER with its own value is fine");

	vec = CATCH(NULL, val = rdmsr(MSR_VM_HSAVE_PA));
	report_eq(vec, 13, "RDMSR VM_HSAVE_PA raises #GP");
	vec = CATCH(NULL, wrmsr(MSR_VM_HSAVE_PA, 0x10000));
	report_eq(vec, 13, "WRMSR VM_HSAVE_PA raises #GP");
	vec = CATCH(NULL, val = rdmsr(MSR_IA32_VMX_BASIC));
	report_eq(vec, 13, "RDMSR IA32_VMX_BASIC raises #GP");
	vec = CATCH(NULL, val = rdmsr(MSR_IA32_BNDCFGS));
	report_eq(vec, 13, "RDMSR IA32_BNDCFGS raises #GP");
	vec = CATCH(NULL, wrmsr(MSR_IA32_RTIT_CTL, 0));
	report_eq(vec, 13, "WRMSR IA32_RTIT_CTL raises #GP");
	vec = CATCH(NULL, wrmsr(MSR_IA32_FRED_CONFIG, 0));
	report_eq(vec, 13, "WRMSR IA32_FRED_CONFIG raises #GP");
	(void)val;

	write_cr4(read_cr4() | CR4_OSXSAVE);
	u64 xcr0 = xgetbv0();
	vec = CATCH(NULL, xsetbv0(xcr0 | XCR0_BNDREGS | XCR0_BNDCSR));
	report_eq(vec, 13, "XSETBV with the MPX components raises #GP");
	report_eq(xgetbv0(), xcr0, "XCR0 unchanged");
}
