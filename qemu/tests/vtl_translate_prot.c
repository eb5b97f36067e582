/* HvCallTranslateVirtualAddress from VTL1 for VTL0: the walk reads VTL0's
 * page tables on VTL0's behalf (a page-table page VTL0 may not read ->
 * GpaNoReadAccess), and SetPageTableBits sets the accessed (and, validating
 * a write, dirty) bits unless a page-table page is not writable for VTL0
 * (-> GpaNoWriteAccess, no bit set). */
#include "vsm.h"

const char test_name[] = "vtl_translate_prot";

#define TV_READ		0x1
#define TV_WRITE	0x2
#define TV_SET_BITS	0x10
#define TV_VTL0		((u64)HV_VTL_TARGET(0) << 56)
#define PTE_A		0x20
#define PTE_D		0x40
#define GVA		0x8000005000UL	/* 512 GiB + 20 KiB */

static u8 target[4096] PAGE_ALIGNED;

struct tr { u64 status; u32 result; u64 gpa_page; };

static u64 vtl1_translate(u64 flags)
{
	static struct tr r;
	u8 *in = hv_cpu()->in, *out = hv_cpu()->out;

	memset(in, 0, 32);
	memset(out, 0xa5, 16);
	*(u64 *)in = HV_PARTITION_ID_SELF;
	*(u32 *)(in + 8) = HV_VP_INDEX_SELF;
	*(u64 *)(in + 16) = flags | TV_VTL0;
	*(u64 *)(in + 24) = GVA >> 12;
	r.status = HV_STATUS(hv_call(HVCALL_TRANSLATE_VIRTUAL_ADDRESS, gpa_of(in), gpa_of(out)));
	r.result = *(u32 *)out;
	r.gpa_page = *(u64 *)(out + 8);
	return (u64)&r;
}

static struct tr translate(u64 flags)
{
	return *(struct tr *)vtl1_run(vtl1_translate, flags);
}

static u64 protect(u64 arg) { return vtl1_protect(arg & ~0xfffUL, arg & 0xfff); }

/* the 4 KiB page table holding GVA's PTE */
static u64 *pt_of(u64 va)
{
	u64 *t = pml4;
	for (int shift = 39; shift > 12; shift -= 9)
		t = (u64 *)(t[va >> shift & 511] & 0x000ffffffffff000UL);
	return t;
}

void test_main(void)
{
	struct tr r;
	u64 *pt, *pte;

	hv_setup();
	map_page(GVA, (u64)target, PTE_P | PTE_W);
	pt = pt_of(GVA);
	pte = &pt[GVA >> 12 & 511];
	if (!vsm_setup(false))
		panic("VTL1 setup failed");

	*pte &= ~(PTE_A | PTE_D);
	r = translate(TV_READ | TV_SET_BITS);
	report(r.status == 0 && r.result == 0 && r.gpa_page == (u64)target >> 12,
	       "VTL1 translates VTL0's GVA (status 0x%lx result %u gpa page 0x%lx)",
	       r.status, r.result, r.gpa_page);
	report((*pte & (PTE_A | PTE_D)) == PTE_A, "SetPageTableBits sets the accessed bit (pte 0x%lx)", *pte);
	r = translate(TV_WRITE | TV_SET_BITS);
	report(r.status == 0 && r.result == 0, "translation validating a write succeeds");
	report((*pte & (PTE_A | PTE_D)) == (PTE_A | PTE_D), "and sets the dirty bit (pte 0x%lx)", *pte);

	*pte &= ~(PTE_A | PTE_D);
	report_eq(vtl1_run(protect, (u64)pt | HV_MAP_GPA_READABLE), 0,
		  "VTL1 makes the page table read-only for VTL0");
	r = translate(TV_READ);
	report(r.status == 0 && r.result == 0, "translation without SetPageTableBits succeeds");
	r = translate(TV_WRITE | TV_SET_BITS);
	report(r.status == 0 && r.result == 6,
	       "SetPageTableBits with a read-only page table -> GpaNoWriteAccess (result %u)", r.result);
	report_eq(*pte & (PTE_A | PTE_D), 0, "no bit was set in the read-only page table");

	report_eq(vtl1_run(protect, (u64)pt), 0, "VTL1 makes the page table inaccessible for VTL0");
	r = translate(TV_READ);
	report(r.status == 0 && r.result == 5,
	       "walk through a page table VTL0 may not read -> GpaNoReadAccess (result %u)", r.result);

	report_eq(vtl1_run(protect, (u64)pt | HV_MAP_GPA_PERMISSIONS_MASK), 0,
		  "VTL1 gives the page table back");
	r = translate(TV_READ);
	report(r.status == 0 && r.result == 0, "translation succeeds again");
}
