/* Freestanding test framework for the emulator's bare-metal tests. */
#ifndef TESTS_LIBTEST_H
#define TESTS_LIBTEST_H

#include "asm.h"

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long s64;
typedef unsigned long size_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

#define PAGE_SIZE 4096UL
#define ALIGNED(n) __attribute__((aligned(n)))
#define PAGE_ALIGNED ALIGNED(4096)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define barrier() asm volatile("" ::: "memory")

/* ---- port and CPU primitives ---- */
static inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void outl(u16 port, u32 v) { asm volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return lo | ((u64)hi << 32);
}
static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" :: "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}
struct cpuid { u32 a, b, c, d; };
static inline struct cpuid cpuid(u32 leaf, u32 sub)
{
	struct cpuid r;
	asm volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(sub));
	return r;
}
static inline u64 read_cr0(void) { u64 v; asm volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline u64 read_cr3(void) { u64 v; asm volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline u64 read_cr4(void) { u64 v; asm volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(u64 v) { asm volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
static inline void write_cr3(u64 v) { asm volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline void write_cr4(u64 v) { asm volatile("mov %0, %%cr4" :: "r"(v) : "memory"); }
static inline u64 read_rflags(void) { u64 v; asm volatile("pushfq; pop %0" : "=r"(v)); return v; }
static inline u64 rdtsc(void) { u32 lo, hi; asm volatile("rdtsc" : "=a"(lo), "=d"(hi)); return lo | ((u64)hi << 32); }
static inline void cpu_relax(void) { asm volatile("pause" ::: "memory"); }
static inline void irq_disable(void) { asm volatile("cli" ::: "memory"); }
static inline void irq_enable(void) { asm volatile("sti" ::: "memory"); }
/* open a short interrupt window so pending interrupts are taken */
static inline void irq_window(void) { asm volatile("sti; nop; nop; nop; cli" ::: "memory"); }
static inline void invlpg(u64 va) { asm volatile("invlpg (%0)" :: "r"(va) : "memory"); }

struct desc_ptr { u16 limit; u64 base; } __attribute__((packed));
static inline void sgdt(struct desc_ptr *d) { asm volatile("sgdt %0" : "=m"(*d)); }
static inline void sidt(struct desc_ptr *d) { asm volatile("sidt %0" : "=m"(*d)); }
static inline u16 str(void) { u16 v; asm volatile("str %0" : "=r"(v)); return v; }
static inline u16 sldt(void) { u16 v; asm volatile("sldt %0" : "=r"(v)); return v; }

/* ---- string and output ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void exit_qemu(int code) __attribute__((noreturn));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* ---- KTAP reporting: every report() is one numbered assertion ---- */
bool report(bool pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* report with "expected/got" diagnostics on failure */
#define report_eq(got, want, ...) report_eq_((u64)(got), (u64)(want), __VA_ARGS__)
bool report_eq_(u64 got, u64 want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* tests provide this; lib_main calls it and then prints the plan */
void test_main(void);
/* extra failure not tied to an assertion (e.g. unexpected exception) */
extern int test_errors;

/* ---- exceptions ---- */
struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rdi, rsi, rbp, rbx, rdx, rcx, rax;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;
};
struct catch_buf { u64 rbx, rbp, r12, r13, r14, r15, rsp, rip, rflags; };
struct exc_info { int vector; u64 error_code, rip, cs; };

struct percpu {
	struct percpu *self;		/* gs:0 */
	struct catch_buf *catch;
	struct exc_info last;
	u32 index;			/* framework's CPU/VTL slot */
	u32 irq_count[256];
};
static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	asm volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}
extern struct percpu percpu_slots[];
#define PERCPU_VTL1 8	/* slot of VTL1 on the boot VP */
#define PERCPU_VTL1_AP 9	/* slot of VTL1 on VP 1 */

int catch_setjmp(struct catch_buf *b) __attribute__((returns_twice));
/* Run STMT; evaluates to the vector of the exception it raised (filling
 * *INFO when INFO != NULL), or -1 when it completed. */
#define CATCH(info, stmt) ({						\
	struct catch_buf __cb;						\
	struct exc_info *__info = (info);				\
	int __v = catch_setjmp(&__cb);					\
	if (__v == 0) {							\
		this_cpu()->catch = &__cb;				\
		stmt;							\
		__v = -1;						\
	} else {							\
		__v -= 1;						\
	}								\
	this_cpu()->catch = NULL;					\
	if (__info)							\
		*__info = this_cpu()->last;				\
	__v;								\
})

typedef void (*irq_handler_t)(struct trap_frame *f);
void set_irq_handler(int vector, irq_handler_t h);
void ap_main(void);
void ap_entry(void);	/* entry.S: calls ap_main, then halts */

/* run FN at CPL3 on the user stack; returns VEC_USER_EXIT when FN returned,
 * else the vector of the exception that ended it (info in *INFO) */
int run_user(void (*fn)(void), struct exc_info *info);
void enter_user(void (*fn)(void), u64 stack_top) __attribute__((noreturn));

/* ---- CPU setup helpers ---- */
void setup_percpu(struct percpu *p, u32 index);
void load_tss(void);
void set_tss_desc(u16 sel, u64 base, u32 limit, u8 type);
extern u64 gdt[];
extern struct desc_ptr gdt_desc;
extern struct desc_ptr idt_desc;
extern u64 bsp_stack_top[];
struct tss64 {
	u32 rsvd0;
	u64 rsp[3];
	u64 rsvd1;
	u64 ist[7];
	u64 rsvd2;
	u16 rsvd3, iomap;
} __attribute__((packed));
extern struct tss64 tss[3];

/* ---- page tables ---- */
extern u64 pml4[], pdpt[], pd[], pt0[];
/* 4 KiB PTE for an address below 2 MiB */
u64 *pte_of(u64 va);
/* map one 4 KiB page at VA (above 512 GiB is fine) to PA with FLAGS */
void map_page(u64 va, u64 pa, u64 flags);

/* ---- local APIC (xAPIC MMIO) ---- */
#define APIC_BASE 0xFEE00000UL
#define APIC_ID 0x20
#define APIC_TPR 0x80
#define APIC_EOI 0xB0
#define APIC_SVR 0xF0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_TMR_INIT 0x380
#define APIC_TMR_CUR 0x390
#define APIC_TMR_DIV 0x3E0
static inline u32 apic_read(u32 reg) { return *(volatile u32 *)(APIC_BASE + reg); }
static inline void apic_write(u32 reg, u32 v) { *(volatile u32 *)(APIC_BASE + reg) = v; }
static inline void apic_eoi(void) { apic_write(APIC_EOI, 0); }
void apic_sw_enable(void);

/* ---- spin lock ---- */
typedef struct { volatile int v; } spinlock_t;
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);

#endif
