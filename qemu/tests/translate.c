/* HvCallTranslateVirtualAddress: success, not-present and privilege
 * results against the caller's page tables. */
#include "hv.h"

const char test_name[] = "translate";

#define TV_READ 0x1
#define TV_WRITE 0x2
#define TV_SUPERVISOR 0x40
#define TV_USER 0x80
#define GVA_BASE 0x8000000000UL		/* 512 GiB: PML4 slot 1 */

static u8 target[4096] PAGE_ALIGNED;
static u8 probe[4096] PAGE_ALIGNED;

static u64 translate(u64 gva, u64 flags, u32 *result, u64 *gpa_page)
{
	u8 *in = hv_cpu()->in, *out = hv_cpu()->out;
	memset(in, 0, 32);
	memset(out, 0xa5, 16);
	*(u64 *)in = HV_PARTITION_ID_SELF;
	*(u32 *)(in + 8) = HV_VP_INDEX_SELF;
	*(u64 *)(in + 16) = flags;
	*(u64 *)(in + 24) = gva >> 12;
	u64 r = hv_call(HVCALL_TRANSLATE_VIRTUAL_ADDRESS, gpa_of(in), gpa_of(out));
	*result = *(u32 *)out;
	*gpa_page = *(u64 *)(out + 8);
	return HV_STATUS(r);
}

void test_main(void)
{
	u32 res;
	u64 gpa, st;

	hv_setup();
	map_page(GVA_BASE + 0x5000, (u64)target, PTE_P | PTE_W);
	map_page(GVA_BASE + 0x6000, (u64)target, PTE_P | PTE_U);
	*(volatile u64 *)(GVA_BASE + 0x5000) = 0x1122;
	barrier();
	report_eq(*(u64 *)target, 0x1122, "test mapping works");

	st = translate((u64)probe, TV_READ | TV_SUPERVISOR, &res, &gpa);
	report(st == 0 && res == 0 && gpa == (u64)probe >> 12,
	       "identity-mapped GVA: success, GPA page 0x%lx (status 0x%lx, result %u)", gpa, st, res);
	st = translate(GVA_BASE + 0x5123, TV_READ | TV_WRITE | TV_SUPERVISOR, &res, &gpa);
	report(st == 0 && res == 0 && gpa == (u64)target >> 12,
	       "remapped GVA: success, GPA page of the target (0x%lx, result %u)", gpa, res);
	st = translate(GVA_BASE + 0x9000, TV_READ, &res, &gpa);
	report(st == 0 && res == 1, "unmapped GVA: result 1 (page not present) (status 0x%lx, result %u)", st, res);
	st = translate(GVA_BASE + 0x6000, TV_WRITE | TV_SUPERVISOR, &res, &gpa);
	report(st == 0 && res == 2, "write check on a read-only PTE: result 2 (privilege violation) (result %u)", res);
	st = translate(GVA_BASE + 0x5000, TV_READ | TV_USER, &res, &gpa);
	report(st == 0 && res == 2, "user check on a supervisor PTE: result 2 (privilege violation) (result %u)", res);
	st = translate(GVA_BASE + 0x6000, TV_READ | TV_USER, &res, &gpa);
	report(st == 0 && res == 0 && gpa == (u64)target >> 12, "user check on a user PTE: success (result %u)", res);
}
