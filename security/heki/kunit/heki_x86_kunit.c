// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - KUnit tests of the x86
 * page-table walk and of the permissions of the running kernel
 *
 * Built-in tests run before mark_readonly(), while the kernel image is still
 * writable: heki_x86_walk checks the walk on mappings it creates with known
 * protections. heki_x86_sealed checks the real counters once the kernel is
 * running; it is skipped unless this module is loaded after boot.
 */

#include <kunit/test.h>
#include <linux/hex.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>
#include <asm/heki.h>

#include "../heki.h"

#define R	HEKI_ATTR_MEM_READ
#define W	HEKI_ATTR_MEM_WRITE
#define X	HEKI_ATTR_MEM_EXEC
#define NR_PAGES	4

struct leaf {
	unsigned long va;
	unsigned long pfn;
	unsigned long npages;
	unsigned long perms;
};

struct leaves {
	struct leaf leaf[64];
	unsigned int nr;
	unsigned long max_npages;
	unsigned long large_perms_or;
	unsigned long perms_or;
	unsigned long perms_and;
};

static void record_leaf(void *data, unsigned long va, unsigned long pfn,
			unsigned long npages, unsigned long perms)
{
	struct leaves *l = data;

	if (l->nr < ARRAY_SIZE(l->leaf))
		l->leaf[l->nr] = (struct leaf){ va, pfn, npages, perms };
	if (!l->nr)
		l->perms_and = perms;
	l->nr++;
	l->max_npages = max(l->max_npages, npages);
	if (npages >= SZ_2M / PAGE_SIZE)
		l->large_perms_or |= perms;
	l->perms_or |= perms;
	l->perms_and &= perms;
}

static struct leaves *walk(struct kunit *test, unsigned long start,
			   unsigned long end)
{
	struct leaves *l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, l);
	KUNIT_ASSERT_EQ(test, heki_arch_walk(start, end, record_leaf, l), 0);
	return l;
}

static void check_vmap(struct kunit *test, pgprot_t prot,
		       unsigned long expected)
{
	struct page *pages[NR_PAGES];
	struct leaves *l;
	unsigned long addr;
	unsigned int i;

	for (i = 0; i < NR_PAGES; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	addr = (unsigned long)vmap(pages, NR_PAGES, VM_MAP, prot);
	KUNIT_ASSERT_NE(test, addr, 0UL);

	l = walk(test, addr, addr + NR_PAGES * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, l->nr, NR_PAGES);
	for (i = 0; i < min(l->nr, NR_PAGES); i++) {
		KUNIT_EXPECT_EQ(test, l->leaf[i].va, addr + i * PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, l->leaf[i].pfn, page_to_pfn(pages[i]));
		KUNIT_EXPECT_EQ(test, l->leaf[i].npages, 1UL);
		KUNIT_EXPECT_EQ(test, l->leaf[i].perms, expected);
	}

	vunmap((void *)addr);
	for (i = 0; i < NR_PAGES; i++)
		__free_page(pages[i]);
}

static void heki_x86_walk_vmap_rox(struct kunit *test)
{
	/* vmap() never makes its mappings executable. */
	check_vmap(test, PAGE_KERNEL_ROX, R);
}

static void heki_x86_walk_vmap_ro(struct kunit *test)
{
	check_vmap(test, PAGE_KERNEL_RO, R);
}

static void heki_x86_walk_vmap_rw(struct kunit *test)
{
	check_vmap(test, PAGE_KERNEL, R | W);
}

static void heki_x86_walk_unmapped(struct kunit *test)
{
	struct leaves *l;
	unsigned long addr;
	struct page *page;

	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	addr = (unsigned long)vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NE(test, addr, 0UL);
	vunmap((void *)addr);
	__free_page(page);

	l = walk(test, addr, addr + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, l->nr, 0U);
}

static void heki_x86_walk_large(struct kunit *test)
{
	struct leaves *l = walk(test, PAGE_OFFSET, PAGE_OFFSET + SZ_1G);

	KUNIT_EXPECT_GT(test, l->nr, 0U);
	KUNIT_EXPECT_TRUE(test, l->perms_and & R);
	if (l->max_npages < SZ_2M / PAGE_SIZE)
		kunit_skip(test, "no large page in the first GiB of the direct map");
	KUNIT_EXPECT_TRUE(test,
			  l->max_npages == SZ_2M / PAGE_SIZE ||
			  l->max_npages == SZ_1G / PAGE_SIZE);
	/* Only the real-mode trampoline is executable, in 4 KiB pages. */
	KUNIT_EXPECT_EQ(test, l->large_perms_or & X, 0UL);
	KUNIT_EXPECT_TRUE(test, l->large_perms_or & W);
}

static void heki_x86_walk_kernel_image(struct kunit *test)
{
	unsigned long text = PAGE_ALIGN_DOWN((unsigned long)_printk);
	unsigned long data = PAGE_ALIGN_DOWN((unsigned long)&heki_core);
	struct leaves *l;

	/* Whatever the boot stage, text is executable and data writable. */
	l = walk(test, text, text + PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, l->nr, 1U);
	KUNIT_EXPECT_EQ(test, l->leaf[0].perms & (R | X), R | X);
	KUNIT_EXPECT_EQ(test, l->leaf[0].pfn, PFN_DOWN(__pa_symbol(text)));

	l = walk(test, data, data + PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, l->nr, 1U);
	KUNIT_EXPECT_EQ(test, l->leaf[0].perms & (R | W), R | W);
}

static void heki_x86_walk_bad_input(struct kunit *test)
{
	struct leaves *l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, l);
	KUNIT_EXPECT_EQ(test, heki_arch_walk(PAGE_OFFSET + 1,
					     PAGE_OFFSET + PAGE_SIZE,
					     record_leaf, l), -EINVAL);
	KUNIT_EXPECT_EQ(test, heki_arch_walk(PAGE_OFFSET, PAGE_OFFSET,
					     record_leaf, l), -EINVAL);
	KUNIT_EXPECT_EQ(test, heki_arch_walk(PAGE_OFFSET + PAGE_SIZE,
					     PAGE_OFFSET, record_leaf, l),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, l->nr, 0U);
}

static struct kunit_case heki_x86_walk_cases[] = {
	KUNIT_CASE(heki_x86_walk_vmap_rox),
	KUNIT_CASE(heki_x86_walk_vmap_ro),
	KUNIT_CASE(heki_x86_walk_vmap_rw),
	KUNIT_CASE(heki_x86_walk_unmapped),
	KUNIT_CASE(heki_x86_walk_large),
	KUNIT_CASE(heki_x86_walk_kernel_image),
	KUNIT_CASE(heki_x86_walk_bad_input),
	{}
};

static struct kunit_suite heki_x86_walk_suite = {
	.name = "heki_x86_walk",
	.test_cases = heki_x86_walk_cases,
};

static int sealed_init(struct kunit *test)
{
	if (system_state != SYSTEM_RUNNING)
		kunit_skip(test, "the kernel is still booting");
	if (!READ_ONCE(heki_core.tracking) || !READ_ONCE(heki_core.sealed))
		kunit_skip(test, "HEKI is disabled or has no counters");
	return 0;
}

static unsigned long perms_of(unsigned long pfn, unsigned long npages)
{
	unsigned long perms;

	spin_lock_irq(&heki_core.lock);
	perms = heki_counters_perms(&heki_core.counters, pfn, npages);
	spin_unlock_irq(&heki_core.lock);
	return perms;
}

static unsigned int count_of(unsigned long pfn, unsigned long perm)
{
	unsigned int count;

	spin_lock_irq(&heki_core.lock);
	count = heki_counters_count(&heki_core.counters, pfn, perm);
	spin_unlock_irq(&heki_core.lock);
	return count;
}

static unsigned long image_pfn(const void *addr)
{
	return PFN_DOWN(__pa_symbol(addr));
}

static void heki_x86_sealed_text(struct kunit *test)
{
	const struct heki_span *text = &heki_core.spans[0];

	KUNIT_EXPECT_EQ(test, perms_of(image_pfn(_printk), 1), R | X);
	KUNIT_ASSERT_GE(test, heki_core.nr_spans, 1U);
	KUNIT_EXPECT_EQ(test, perms_of(text->start, text->end - text->start),
			R | X);
	KUNIT_EXPECT_EQ(test, text->perms, R | X);
}

static void heki_x86_sealed_rodata(struct kunit *test)
{
	const struct heki_span *rodata = &heki_core.spans[1];

	KUNIT_EXPECT_EQ(test, perms_of(image_pfn(hex_asc), 1), R);
	KUNIT_ASSERT_GE(test, heki_core.nr_spans, 2U);
	KUNIT_EXPECT_EQ(test, perms_of(rodata->start,
				       rodata->end - rodata->start), R);
	KUNIT_EXPECT_EQ(test, rodata->perms, R);
}

static void heki_x86_sealed_ro_after_init(struct kunit *test)
{
	const struct heki_span *ro = &heki_core.spans[2];

	/* Text, rodata and, never empty on x86, ro_after_init data. */
	KUNIT_ASSERT_EQ(test, heki_core.nr_spans, 3U);
	KUNIT_EXPECT_EQ(test, perms_of(ro->start, ro->end - ro->start), R);
	KUNIT_EXPECT_EQ(test, ro->perms, R);
}

static void heki_x86_sealed_data(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, perms_of(image_pfn(&heki_core), 1), R | W);
}

static void heki_x86_sealed_refuse(struct kunit *test)
{
	unsigned long rodata = PAGE_ALIGN_DOWN((unsigned long)hex_asc);
	unsigned long refused = READ_ONCE(heki_core.refused);
	unsigned long text = PAGE_ALIGN_DOWN((unsigned long)_printk);

	/* set_memory_rw() and set_memory_x() on read-only data. */
	KUNIT_EXPECT_EQ(test, heki_cpa_check(&rodata, 1, __pgprot(_PAGE_RW),
					     __pgprot(0), false, NULL), -EPERM);
	KUNIT_EXPECT_EQ(test, heki_cpa_check(&rodata, 1, __pgprot(0),
					     __pgprot(_PAGE_NX), false, NULL),
			-EPERM);
	/* set_memory_rw() on text. */
	KUNIT_EXPECT_EQ(test, heki_cpa_check(&text, 1, __pgprot(_PAGE_RW),
					     __pgprot(0), false, NULL), -EPERM);
	KUNIT_EXPECT_EQ(test, READ_ONCE(heki_core.refused), refused + 3);
	/* Narrowing, and what text already has, are allowed. */
	KUNIT_EXPECT_EQ(test, heki_cpa_check(&rodata, 1, __pgprot(0),
					     __pgprot(_PAGE_RW), false, NULL),
			0);
	KUNIT_EXPECT_EQ(test, heki_cpa_check(&text, 1, __pgprot(0),
					     __pgprot(_PAGE_NX), false, NULL),
			0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(heki_core.refused), refused + 3);
}

static void heki_x86_sealed_vmap_counted(struct kunit *test)
{
	unsigned int r, w, x;
	struct page *page;
	unsigned long pfn;
	void *addr;

	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	pfn = page_to_pfn(page);
	r = count_of(pfn, R);
	w = count_of(pfn, W);
	x = count_of(pfn, X);

	addr = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	KUNIT_EXPECT_EQ(test, count_of(pfn, R), r + 1);
	KUNIT_EXPECT_EQ(test, count_of(pfn, W), w + 1);
	KUNIT_EXPECT_EQ(test, count_of(pfn, X), x);
	vunmap(addr);
	KUNIT_EXPECT_EQ(test, count_of(pfn, R), r);
	KUNIT_EXPECT_EQ(test, count_of(pfn, W), w);
	__free_page(page);
}

static void heki_x86_sealed_memory(struct kunit *test)
{
	size_t bytes;

	spin_lock_irq(&heki_core.lock);
	bytes = heki_counters_bytes(&heki_core.counters);
	spin_unlock_irq(&heki_core.lock);
	kunit_info(test, "counters: %lu runs, %zu bytes\n",
		   heki_core.counters.nr_runs, bytes);
	KUNIT_EXPECT_LT(test, bytes, (size_t)SZ_1M);
	KUNIT_EXPECT_EQ(test, heki_core.counters.lost, 0UL);
}

struct snapshot {
	struct heki_counters c;
	spinlock_t lock;	/* serialises c */
	unsigned long seg[3][512];
	unsigned int nr;
	bool overflow;
};

static void snapshot_leaf(void *data, unsigned long va, unsigned long pfn,
			  unsigned long npages, unsigned long perms)
{
	struct snapshot *snap = data;

	heki_counters_update(&snap->c, &snap->lock, pfn, npages, 0, perms);
}

static int snapshot_segment(void *data, unsigned long start,
			    unsigned long end, unsigned long perms)
{
	struct snapshot *snap = data;

	if (snap->nr == ARRAY_SIZE(snap->seg[0])) {
		snap->overflow = true;
		return -E2BIG;
	}
	snap->seg[0][snap->nr] = start;
	snap->seg[1][snap->nr] = end;
	snap->seg[2][snap->nr] = perms;
	snap->nr++;
	return 0;
}

/* Whether the live counters give the permissions a fresh walk gives. */
static bool counters_match(struct kunit *test, struct snapshot *walked,
			   struct snapshot *live)
{
	unsigned int i;

	memset(walked, 0, sizeof(*walked));
	memset(live, 0, sizeof(*live));
	heki_counters_init(&walked->c);
	spin_lock_init(&walked->lock);
	KUNIT_EXPECT_EQ(test, heki_arch_walk_kernel(snapshot_leaf, walked), 0);
	heki_counters_for_each(&walked->c, snapshot_segment, walked);
	heki_counters_destroy(&walked->c);

	spin_lock_irq(&heki_core.lock);
	heki_counters_for_each(&heki_core.counters, snapshot_segment, live);
	spin_unlock_irq(&heki_core.lock);

	if (walked->overflow || live->overflow || walked->nr != live->nr)
		return false;
	for (i = 0; i < walked->nr; i++)
		if (walked->seg[0][i] != live->seg[0][i] ||
		    walked->seg[1][i] != live->seg[1][i] ||
		    walked->seg[2][i] != live->seg[2][i])
			return false;
	return true;
}

static void heki_x86_sealed_consistent(struct kunit *test)
{
	struct snapshot *walked, *live;
	unsigned int tries;

	walked = kunit_kzalloc(test, sizeof(*walked), GFP_KERNEL);
	live = kunit_kzalloc(test, sizeof(*live), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, walked);
	KUNIT_ASSERT_NOT_NULL(test, live);

	/* Other CPUs may change a mapping between the two reads: retry. */
	for (tries = 0; tries < 3; tries++)
		if (counters_match(test, walked, live))
			break;
	KUNIT_EXPECT_LT_MSG(test, tries, 3U,
			    "live counters: %u runs of equal permission, fresh walk: %u",
			    live->nr, walked->nr);
	KUNIT_EXPECT_FALSE(test, walked->overflow);
}

static struct kunit_case heki_x86_sealed_cases[] = {
	KUNIT_CASE(heki_x86_sealed_text),
	KUNIT_CASE(heki_x86_sealed_rodata),
	KUNIT_CASE(heki_x86_sealed_ro_after_init),
	KUNIT_CASE(heki_x86_sealed_data),
	KUNIT_CASE(heki_x86_sealed_refuse),
	KUNIT_CASE(heki_x86_sealed_vmap_counted),
	KUNIT_CASE(heki_x86_sealed_consistent),
	KUNIT_CASE(heki_x86_sealed_memory),
	{}
};

static struct kunit_suite heki_x86_sealed_suite = {
	.name = "heki_x86_sealed",
	.init = sealed_init,
	.test_cases = heki_x86_sealed_cases,
};

kunit_test_suites(&heki_x86_walk_suite, &heki_x86_sealed_suite);

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
MODULE_DESCRIPTION("KUnit tests of the HEKI x86 page-table walk");
MODULE_LICENSE("GPL");
