/* Hypercall ABI: CPL checks, status codes for unknown codes, alignment and
 * reserved bits, memory versus fast forms, rep hypercalls. */
#include "hv.h"

const char test_name[] = "hypercall";

static void user_vmcall(void)
{
	asm volatile("vmcall" ::: "memory");
}

static void user_page_call(void)
{
	hv_call(HVCALL_GET_VP_REGISTERS, 0, 0);
}

/* GetVpRegisters for the listed names with rep START..COUNT */
static u64 get_regs(const u32 *names, int count, int start, u64 in_off, u64 out_off)
{
	u8 *in = hv_cpu()->in, *out = hv_cpu()->out;
	memset(in, 0, 4096);
	memset(out, 0x5a, 4096);
	*(u64 *)in = HV_PARTITION_ID_SELF;
	*(u32 *)(in + 8) = HV_VP_INDEX_SELF;
	memcpy(in + 16, names, 4 * (size_t)count);
	return hv_call(HVCALL_GET_VP_REGISTERS | HV_REP_COUNT(count) | HV_REP_START(start),
		       gpa_of(in) + in_off, gpa_of(out) + out_off);
}

void test_main(void)
{
	struct exc_info e;
	static const u32 names[3] = { HV_REG_VP_INDEX, HV_REG_VSM_VP_STATUS,
				      HV_REG_VSM_PARTITION_STATUS };

	hv_setup();
	u64 *out = (u64 *)hv_cpu()->out;

	report_eq(run_user(user_vmcall, &e), 6, "VMCALL at CPL3 raises #UD");
	int v = run_user(user_page_call, &e);
	report(v == 6 && (hv_cpu()->page[0] == 0x0f) && e.rip >= (u64)hv_cpu()->page &&
	       e.rip < (u64)hv_cpu()->page + 4096,
	       "hypercall page call at CPL3 raises #UD inside the page (vector %d)", v);

	report_eq(HV_STATUS(hv_vmcall(0x7fff, 0, 0)), HV_STATUS_INVALID_HYPERCALL_CODE,
		  "raw VMCALL, unknown call code: HV_STATUS_INVALID_HYPERCALL_CODE");
	report_eq(HV_STATUS(hv_call(0x00fe, 0, 0)), HV_STATUS_INVALID_HYPERCALL_CODE,
		  "hypercall page, unknown call code: HV_STATUS_INVALID_HYPERCALL_CODE");

	u64 r = get_regs(names, 1, 0, 0, 0);
	report(HV_STATUS(r) == 0 && HV_REPS_DONE(r) == 1 && out[0] == 0 && out[1] == 0,
	       "memory-form GetVpRegisters(VpIndex): success, 1 rep, value 0 (rax 0x%lx)", r);

	u8 *hin = hv_cpu()->in;
	r = get_regs(names, 1, 0, 0, 0);
	*(u64 *)hin = 0x1234;
	r = hv_call(HVCALL_GET_VP_REGISTERS | HV_REP_COUNT(1), gpa_of(hin), gpa_of(out));
	report_eq(HV_STATUS(r), 0xd, "partition id other than SELF: HV_STATUS_INVALID_PARTITION_ID");
	r = get_regs(names, 1, 0, 0, 0);
	*(u32 *)(hin + 8) = 99;
	r = hv_call(HVCALL_GET_VP_REGISTERS | HV_REP_COUNT(1), gpa_of(hin), gpa_of(out));
	report_eq(HV_STATUS(r), HV_STATUS_INVALID_VP_INDEX, "VP index 99: HV_STATUS_INVALID_VP_INDEX");
	r = get_regs(names, 1, 0, 0, 0);
	hin[12] = 0x20;
	r = hv_call(HVCALL_GET_VP_REGISTERS | HV_REP_COUNT(1), gpa_of(hin), gpa_of(out));
	report_eq(HV_STATUS(r), HV_STATUS_INVALID_PARAMETER,
		  "reserved HV_INPUT_VTL bits: HV_STATUS_INVALID_PARAMETER");

	r = get_regs(names, 1, 0, 4, 0);
	report_eq(HV_STATUS(r), HV_STATUS_INVALID_ALIGNMENT, "misaligned input GPA: HV_STATUS_INVALID_ALIGNMENT");
	r = get_regs(names, 1, 0, 0, 4);
	report_eq(HV_STATUS(r), HV_STATUS_INVALID_ALIGNMENT, "misaligned output GPA: HV_STATUS_INVALID_ALIGNMENT");
	/* input header at the last 8 bytes of the page: crosses into the next */
	r = hv_call(HVCALL_GET_VP_REGISTERS | HV_REP_COUNT(1), gpa_of(hv_cpu()->in) + 4088, gpa_of(out));
	report_eq(HV_STATUS(r), HV_STATUS_INVALID_ALIGNMENT, "input crossing a page boundary: HV_STATUS_INVALID_ALIGNMENT");

	static const struct { u64 bit; const char *what; } rsvd[] = {
		{ 1UL << 27, "bit 27 (RsvdZ 30:27)" },
		{ 1UL << 44, "bit 44 (RsvdZ 47:44)" },
		{ 1UL << 61, "bit 61 (RsvdZ 63:60)" },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(rsvd); i++) {
		r = hv_call(HVCALL_GET_VP_REGISTERS | HV_REP_COUNT(1) | rsvd[i].bit,
			    gpa_of(hv_cpu()->in), gpa_of(out));
		report_eq(HV_STATUS(r), HV_STATUS_INVALID_HYPERCALL_INPUT,
			  "reserved control %s set: HV_STATUS_INVALID_HYPERCALL_INPUT", rsvd[i].what);
	}
	r = hv_call(HVCALL_TRANSLATE_VIRTUAL_ADDRESS | HV_REP_COUNT(1), gpa_of(hv_cpu()->in), gpa_of(out));
	report_eq(HV_STATUS(r), HV_STATUS_INVALID_HYPERCALL_INPUT,
		  "rep count on a simple hypercall: HV_STATUS_INVALID_HYPERCALL_INPUT");
	r = get_regs(names, 1, 1, 0, 0);
	report_eq(HV_STATUS(r), HV_STATUS_INVALID_HYPERCALL_INPUT,
		  "rep start index >= rep count: HV_STATUS_INVALID_HYPERCALL_INPUT");

	r = get_regs(names, 3, 0, 0, 0);
	report(HV_STATUS(r) == 0 && HV_REPS_DONE(r) == 3, "rep GetVpRegisters x3: success, 3 reps completed (rax 0x%lx)", r);
	report((out[2] & 0xf) == 0 && (out[2] >> 16 & 1) && (out[4] & 1) && (out[4] >> 16 & 0xf) >= 1,
	       "rep outputs: VpStatus.ActiveVtl 0 (0x%lx), PartitionStatus VTL0 enabled, MaximumVtl >= 1 (0x%lx)",
	       out[2], out[4]);
	r = get_regs(names, 3, 1, 0, 0);
	report(HV_STATUS(r) == 0 && HV_REPS_DONE(r) == 3 && out[0] == 0x5a5a5a5a5a5a5a5aUL &&
	       (out[4] & 1),
	       "rep start index 1: element 0 untouched, reps completed is absolute (3) (rax 0x%lx)", r);

	/* fast form: 16 bytes of input in RDX/R8.  RDX = partition id (~0)
	 * would be a misaligned GPA in the memory form. */
	r = hv_call(HVCALL_ENABLE_PARTITION_VTL, HV_PARTITION_ID_SELF, 7);
	report_eq(HV_STATUS(r), HV_STATUS_INVALID_ALIGNMENT,
		  "memory form treats RDX as a GPA (~0: HV_STATUS_INVALID_ALIGNMENT)");
	u8 *in = hv_cpu()->in;
	memset(in, 0, 16);
	*(u64 *)in = HV_PARTITION_ID_SELF;
	in[8] = 7;	/* VTL 7 > MaximumVtl */
	u64 mem = HV_STATUS(hv_call(HVCALL_ENABLE_PARTITION_VTL, gpa_of(in), 0));
	u64 fast = HV_STATUS(hv_call(HVCALL_ENABLE_PARTITION_VTL | HV_CALL_FAST, HV_PARTITION_ID_SELF, 7));
	report(mem != 0 && mem == fast, "EnablePartitionVtl(VTL7): memory and fast forms fail alike (0x%lx, 0x%lx)", mem, fast);
	fast = HV_STATUS(hv_call(HVCALL_ENABLE_PARTITION_VTL | HV_CALL_FAST, HV_PARTITION_ID_SELF, 1));
	report_eq(fast, HV_STATUS_SUCCESS, "fast EnablePartitionVtl(VTL1) succeeds");
	r = get_regs(names + 2, 1, 0, 0, 0);
	report(HV_STATUS(r) == 0 && (out[0] & 3) == 3, "VsmPartitionStatus shows VTL1 enabled after the fast call (0x%lx)", out[0]);
}
