/*
 * Core of the bare-metal test framework: serial console, printf, KTAP
 * reporting, IDT with exception capture (CATCH), CPL3 trampoline, TSS/GDT
 * and page-table helpers, and the isa-debug-exit exit path.
 */
#include "libtest.h"
#include <stdarg.h>

#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4

extern const char test_name[];
extern char idt_stubs[];

struct percpu percpu_slots[16];
struct tss64 tss[3];
static u64 idt[512] PAGE_ALIGNED;
struct desc_ptr idt_desc;
static irq_handler_t irq_handlers[256];
static u8 user_stack[16384] ALIGNED(16);
static u8 trap_stacks[2][8192] ALIGNED(16);
static spinlock_t console_lock;
static int n_tests, n_failed;
int test_errors;

/* ---------------- small libc ---------------- */
void *memset(void *d, int c, size_t n)
{
	u8 *p = d;
	while (n--)
		*p++ = (u8)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	u8 *p = d;
	const u8 *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *p = a, *q = b;
	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
}

void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->v, 0, __ATOMIC_RELEASE);
}

/* ---------------- formatted output ---------------- */
struct outbuf { char *buf; size_t size, len; };

static void out_ch(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_num(struct outbuf *o, u64 v, int base, bool neg, int width,
		    char pad, bool left, bool upper)
{
	char tmp[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	int len = n;
	if (!left)
		for (int i = len; i < width; i++)
			out_ch(o, pad);
	while (n)
		out_ch(o, tmp[--n]);
	if (left)
		for (int i = len; i < width; i++)
			out_ch(o, ' ');
}

static int vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out_ch(&o, *fmt);
			continue;
		}
		fmt++;
		bool left = false;
		char pad = ' ';
		int width = 0, lng = 0;
		if (*fmt == '-') {
			left = true;
			fmt++;
		}
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 v = lng ? va_arg(ap, s64) : va_arg(ap, int);
			out_num(&o, v < 0 ? -(u64)v : (u64)v, 10, v < 0, width, pad, left, false);
			break;
		}
		case 'u':
			out_num(&o, lng ? va_arg(ap, u64) : va_arg(ap, unsigned), 10, false, width, pad, left, false);
			break;
		case 'x':
		case 'X':
			out_num(&o, lng ? va_arg(ap, u64) : va_arg(ap, unsigned), 16, false, width, pad, left, *fmt == 'X');
			break;
		case 'p':
			out_ch(&o, '0');
			out_ch(&o, 'x');
			out_num(&o, (u64)va_arg(ap, void *), 16, false, width, pad, left, false);
			break;
		case 'c':
			out_ch(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			size_t l = strlen(s);
			if (!left)
				for (size_t i = l; i < (size_t)width; i++)
					out_ch(&o, ' ');
			while (*s)
				out_ch(&o, *s++);
			if (left)
				for (size_t i = l; i < (size_t)width; i++)
					out_ch(&o, ' ');
			break;
		}
		case '%':
			out_ch(&o, '%');
			break;
		default:
			out_ch(&o, '%');
			out_ch(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vformat(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

static void serial_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			outb(COM1, '\r');
		outb(COM1, *s);
	}
}

static int vprintf_locked(const char *prefix, const char *fmt, va_list ap)
{
	char buf[512];
	int r = vformat(buf, sizeof(buf), fmt, ap);
	spin_lock(&console_lock);
	if (prefix)
		serial_puts(prefix);
	serial_puts(buf);
	spin_unlock(&console_lock);
	return r;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vprintf_locked(NULL, fmt, ap);
	va_end(ap);
	return r;
}

void exit_qemu(int code)
{
	/* isa-debug-exit: QEMU exits with status (code << 1) | 1 */
	outl(DEBUG_EXIT_PORT, (u32)code);
	for (;;)
		asm volatile("cli; hlt");
}

static void finish(void) __attribute__((noreturn));
static void finish(void)
{
	int failed = n_failed + test_errors;
	printf("1..%d\n", n_tests);
	printf("# %s: pass:%d fail:%d errors:%d\n", test_name,
	       n_tests - n_failed, n_failed, test_errors);
	exit_qemu(failed ? 1 : 0);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf_locked("# PANIC: ", fmt, ap);
	va_end(ap);
	printf("\n");
	test_errors++;
	finish();
}

/* ---------------- KTAP ---------------- */
static spinlock_t report_lock;

static bool vreport(bool pass, const char *fmt, va_list ap)
{
	char name[256];
	vformat(name, sizeof(name), fmt, ap);
	spin_lock(&report_lock);
	int n = ++n_tests;
	if (!pass)
		n_failed++;
	spin_unlock(&report_lock);
	printf("%sok %d - %s\n", pass ? "" : "not ", n, name);
	return pass;
}

bool report(bool pass, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(pass, fmt, ap);
	va_end(ap);
	return pass;
}

bool report_eq_(u64 got, u64 want, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (got != want)
		printf("# expected 0x%lx, got 0x%lx\n", want, got);
	vreport(got == want, fmt, ap);
	va_end(ap);
	return got == want;
}

void report_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf_locked("# ", fmt, ap);
	va_end(ap);
	printf("\n");
}

/* ---------------- traps ---------------- */
void set_irq_handler(int vector, irq_handler_t h)
{
	irq_handlers[vector] = h;
}

void trap_handler(struct trap_frame *f);
void trap_handler(struct trap_frame *f)
{
	struct percpu *pc = this_cpu();
	struct catch_buf *cb = pc->catch;

	if (f->vector >= 32 && f->vector != VEC_USER_EXIT) {
		pc->irq_count[f->vector]++;
		if (irq_handlers[f->vector])
			irq_handlers[f->vector](f);
		else
			apic_eoi();
		return;
	}
	pc->last.vector = (int)f->vector;
	pc->last.error_code = f->error_code;
	pc->last.rip = f->rip;
	pc->last.cs = f->cs;
	if (cb) {
		pc->catch = NULL;
		f->rbx = cb->rbx;
		f->rbp = cb->rbp;
		f->r12 = cb->r12;
		f->r13 = cb->r13;
		f->r14 = cb->r14;
		f->r15 = cb->r15;
		f->rsp = cb->rsp;
		f->rip = cb->rip;
		f->rflags = cb->rflags;
		f->cs = SEL_KCODE;
		f->ss = SEL_KDATA;
		f->rax = f->vector + 1;
		return;
	}
	panic("unexpected exception %lu error 0x%lx at rip 0x%lx cs 0x%lx (cpu slot %u)",
	      f->vector, f->error_code, f->rip, f->cs, pc->index);
}

static void setup_idt(void)
{
	for (int v = 0; v < 256; v++) {
		u64 h = (u64)idt_stubs + 16 * v;
		u64 dpl = v == VEC_USER_EXIT ? 3 : 0;
		idt[2 * v] = (h & 0xffff) | ((u64)SEL_KCODE << 16) |
			     ((0x8eUL | dpl << 5) << 40) | ((h >> 16 & 0xffff) << 48);
		idt[2 * v + 1] = h >> 32;
	}
	idt_desc.limit = sizeof(idt) - 1;
	idt_desc.base = (u64)idt;
	asm volatile("lidt %0" :: "m"(idt_desc));
}

void set_tss_desc(u16 sel, u64 base, u32 limit, u8 type)
{
	u64 *d = &gdt[sel / 8];
	d[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | ((u64)type << 40) |
	       ((u64)(limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
	d[1] = base >> 32;
}

void setup_percpu(struct percpu *p, u32 index)
{
	p->self = p;
	p->index = index;
	wrmsr(0xC0000101, (u64)p);	/* GS.base */
}

static void setup_gdt_tss(void)
{
	for (int i = 0; i < 2; i++)
		tss[i].rsp[0] = (u64)trap_stacks[i] + sizeof(trap_stacks[i]);
	tss[0].iomap = tss[1].iomap = tss[2].iomap = sizeof(struct tss64);
	set_tss_desc(SEL_TSS0, (u64)&tss[0], sizeof(struct tss64) - 1, 0x89);
	set_tss_desc(SEL_TSS1, (u64)&tss[1], sizeof(struct tss64) - 1, 0x89);
	set_tss_desc(SEL_TSS2, (u64)&tss[2], sizeof(struct tss64) - 1, 0x89);
	set_tss_desc(SEL_LDT, (u64)&gdt[0], 15, 0x82);
	asm volatile("lgdt %0" :: "m"(gdt_desc));
	asm volatile("ltr %w0" :: "r"((u16)SEL_TSS0));
}

int run_user(void (*fn)(void), struct exc_info *info)
{
	return CATCH(info, enter_user(fn, (u64)user_stack + sizeof(user_stack)));
}

void apic_sw_enable(void)
{
	apic_write(APIC_SVR, 0x1ff);
}

/* ---------------- page tables ---------------- */
u64 *pte_of(u64 va)
{
	if (va >= 0x200000)
		panic("pte_of(0x%lx): only the first 2 MiB use 4 KiB pages", va);
	return &pt0[va >> 12];
}

static u8 pt_pool[8][4096] PAGE_ALIGNED;
static int pt_pool_used;

static u64 *next_table(u64 *entry)
{
	if (!(*entry & PTE_P)) {
		if (pt_pool_used == ARRAY_SIZE(pt_pool))
			panic("page-table pool exhausted");
		*entry = (u64)pt_pool[pt_pool_used++] | PTE_DEFAULT;
	}
	if (*entry & PTE_PS)
		panic("map_page: large page in the way");
	return (u64 *)(*entry & 0x000ffffffffff000UL);
}

void map_page(u64 va, u64 pa, u64 flags)
{
	u64 *t = pml4;
	for (int shift = 39; shift > 12; shift -= 9)
		t = next_table(&t[va >> shift & 511]);
	t[va >> 12 & 511] = pa | flags;
	invlpg(va);
}

/* ---------------- entry ---------------- */
void lib_main(void);
void lib_main(void)
{
	setup_gdt_tss();
	setup_idt();
	setup_percpu(&percpu_slots[0], 0);
	outb(0x21, 0xff);	/* mask both 8259s */
	outb(0xa1, 0xff);
	printf("TAP version 13\n# emulator test: %s\n", test_name);
	test_main();
	finish();
}

/* started APs run ap_main(); tests that start APs define their own */
void __attribute__((weak)) ap_main(void)
{
}
