/* Hyper-V TLFS constants and layouts used by the emulator tests (written
 * from the TLFS and the project's research notes).  The TLFS numbers come
 * from the emulator's own tlfs.h; what is here is the tests' own. */
#ifndef TESTS_HV_H
#define TESTS_HV_H

#include "libtest.h"
/* the emulator's TLFS definitions */
#include "../../overlay/target/i386/tcg/hv-vsm/tlfs.h"

/* CPUID */
#define HV_CPUID_VENDOR		0x40000000
#define HV_CPUID_INTERFACE	0x40000001
#define HV_CPUID_VERSION	0x40000002
#define HV_CPUID_FEATURES	0x40000003
#define HV_CPUID_ENLIGHTENMENTS	0x40000004
#define HV_CPUID_LIMITS		0x40000005

/* GUEST_OS_ID */
#define HV_GUEST_OS_ID_TEST	0x8100000000070300UL	/* open source, Linux-like */

/* hypercall control */
#define HV_CALL_FAST		(1UL << 16)
#define HV_REP_COUNT(n)		((u64)(n) << 32)
#define HV_REP_START(n)		((u64)(n) << 48)
#define HV_STATUS(r)		((r) & 0xffff)
#define HV_REPS_DONE(r)		(((r) >> 32) & 0xfff)

/* HV_INPUT_VTL */
#define HV_VTL_CURRENT		0x00
#define HV_VTL_TARGET(n)	(0x10 | (n))

/* messages */

struct hv_message {
	u32 type;
	u8 payload_size;
	u8 flags;
	u16 rsvd;
	u64 sender;
	u8 payload[240];
};

struct hv_seg { u64 base; u32 limit; u16 selector; u16 attributes; };
struct hv_table { u16 pad[3]; u16 limit; u64 base; };

struct hv_intercept_header {
	u32 vp_index;
	u8 insn_len_cr8;	/* 3:0 instruction length */
	u8 access_type;		/* 0 read, 1 write, 2 execute */
	u16 exec_state;		/* 1:0 CPL, 10:7 VTL */
	struct hv_seg cs;
	u64 rip;
	u64 rflags;
};
struct hv_memory_intercept {
	struct hv_intercept_header h;
	u32 cache_type;
	u8 insn_byte_count;
	u8 access_info;
	u8 tpr;
	u8 rsvd;
	u64 gva;
	u64 gpa;
	u8 insn_bytes[16];
};
struct hv_register_intercept {
	struct hv_intercept_header h;
	u8 flags;
	u8 rsvd1;
	u16 rsvd2;
	u32 reg_name;
	u64 value_lo, value_hi;
};
struct hv_msr_intercept {
	struct hv_intercept_header h;
	u32 msr;
	u32 rsvd;
	u64 rdx;
	u64 rax;
};

struct hv_initial_vp_context {
	u64 rip, rsp, rflags;
	struct hv_seg cs, ds, es, fs, gs, ss, tr, ldtr;
	struct hv_table idtr, gdtr;
	u64 efer, cr0, cr3, cr4, pat;
};

struct hv_vp_assist_page {
	u32 apic_assist;
	u32 rsvd0;
	u32 vtl_entry_reason;
	u32 vina;
	u64 vtl_ret_rax;
	u64 vtl_ret_rcx;
	u8 rest[4096 - 32];
};

struct hv_u128 { u64 lo, hi; };

/* ---- helpers (hv.c) ---- */
/* per-CPU hypercall state lives in the percpu slot's hv_* fields */
struct hv_cpu {
	u8 *page;	/* hypercall page of the VTL running on this slot */
	u8 *in, *out;	/* 4 KiB input / output pages */
};
struct hv_cpu *hv_cpu(void);
void hv_cpu_init(u32 slot);
/* set GUEST_OS_ID (when zero) and enable the hypercall page */
void hv_enable_hypercall_page(void);
/* hv_cpu_init + hv_enable_hypercall_page for the running CPU slot */
void hv_setup(void);
u64 hv_call(u64 control, u64 in, u64 out);	/* through the hypercall page */
u64 hv_vmcall(u64 control, u64 in, u64 out);	/* raw VMCALL */
/* wait up to 5 s (TIME_REF_COUNT) for *V == WANT; true when it got there */
bool hv_wait_for(volatile u32 *v, u32 want);
/* wait up to 5 s for a counter kept by another VP to stop: true once *V
 * stood still for 50 ms.  A host that does not schedule that VP for 50 ms
 * looks the same, so follow it with a check that does not depend on time
 * (e.g. hv_start_vp_wait) */
bool hv_wait_stopped(volatile u32 *v);
/* busy-wait MS milliseconds (TIME_REF_COUNT) */
void hv_delay_ms(u64 ms);
/* wait up to 5 s for *M == WANT; true when it got there */
bool hv_wait_mark(volatile u16 *m, u16 want);
/* real-mode code for startup IPIs at VEC << 12 (VEC < 0x100, below the
 * image): stores MARK in the word at [cs:0x100], then counts in the dword
 * at [cs:0x104] (spinning: TCG wakes no HLT with IF=0 for an INIT).
 * Returns the address of the mark, zeroed */
volatile u16 *put_sipi_code(u8 vec, u16 mark);
/* the counter of the code that stores mark M */
static inline volatile u32 *sipi_count(volatile u16 *m) { return (volatile u32 *)(m + 2); }
static inline u64 gpa_of(const void *p) { return (u64)p; }	/* identity map */

u64 hv_get_reg(u32 vp, u8 vtl, u32 name, struct hv_u128 *v);	/* returns status */
u64 hv_set_reg(u32 vp, u8 vtl, u32 name, u64 lo, u64 hi);
/* get one 64-bit register of the current VP; panics on failure */
u64 hv_reg(u8 vtl, u32 name);

u64 hv_enable_partition_vtl(u8 vtl, u8 flags);
u64 hv_enable_vp_vtl(u32 vp, u8 vtl, const struct hv_initial_vp_context *ctx);
u64 hv_start_vp(u32 vp, u8 vtl, const struct hv_initial_vp_context *ctx);
/* hv_start_vp, retried for up to 5 s while the VP is still running
 * (INVALID_VP_STATE), e.g. has not taken an INIT sent to it yet */
u64 hv_start_vp_wait(u32 vp, u8 vtl, const struct hv_initial_vp_context *ctx);
u64 hv_modify_vtl_protection(u8 vtl, u32 flags, const u64 *gpfns, int n);
/* fill CTX with this CPU's 64-bit state, entry RIP, RSP, GS base */
void hv_context_here(struct hv_initial_vp_context *ctx, u64 rip, u64 rsp,
		     u64 gs_base, u16 tr_sel);

#endif
