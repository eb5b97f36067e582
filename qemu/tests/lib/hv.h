/* Hyper-V TLFS constants and layouts used by the emulator tests (written
 * from the TLFS and the project's research notes). */
#ifndef TESTS_HV_H
#define TESTS_HV_H

#include "libtest.h"

/* CPUID */
#define HV_CPUID_VENDOR		0x40000000
#define HV_CPUID_INTERFACE	0x40000001
#define HV_CPUID_VERSION	0x40000002
#define HV_CPUID_FEATURES	0x40000003
#define HV_CPUID_ENLIGHTENMENTS	0x40000004
#define HV_CPUID_LIMITS		0x40000005
/* privilege mask bits: EAX (low) and EBX (high) of 0x40000003 */
#define HV_PRIV_TIME_REF_COUNT	(1u << 1)
#define HV_PRIV_SYNIC		(1u << 2)
#define HV_PRIV_HYPERCALL_MSRS	(1u << 5)
#define HV_PRIV_VP_INDEX	(1u << 6)
#define HV_PRIV_CREATE_PARTITIONS (1u << 0)	/* EBX */
#define HV_PRIV_CPU_MANAGEMENT	(1u << 12)	/* EBX */
#define HV_PRIV_ACCESS_VSM	(1u << 16)	/* EBX */
#define HV_PRIV_ACCESS_VP_REGS	(1u << 17)	/* EBX */
#define HV_PRIV_START_VP	(1u << 21)	/* EBX */

/* synthetic MSRs */
#define HV_MSR_GUEST_OS_ID	0x40000000
#define HV_MSR_HYPERCALL	0x40000001
#define HV_MSR_VP_INDEX		0x40000002
#define HV_MSR_TIME_REF_COUNT	0x40000020
#define HV_MSR_VP_ASSIST_PAGE	0x40000073
#define HV_MSR_SCONTROL		0x40000080
#define HV_MSR_SVERSION		0x40000081
#define HV_MSR_SIEFP		0x40000082
#define HV_MSR_SIMP		0x40000083
#define HV_MSR_EOM		0x40000084
#define HV_MSR_SINT0		0x40000090
#define HV_SINT_MASKED		(1UL << 16)
#define HV_SINT_AUTO_EOI	(1UL << 17)
#define HV_GUEST_OS_ID_TEST	0x8100000000070300UL	/* open source, Linux-like */

/* hypercall control */
#define HV_CALL_FAST		(1UL << 16)
#define HV_REP_COUNT(n)		((u64)(n) << 32)
#define HV_REP_START(n)		((u64)(n) << 48)
#define HV_STATUS(r)		((r) & 0xffff)
#define HV_REPS_DONE(r)		(((r) >> 32) & 0xfff)

#define HVCALL_MODIFY_VTL_PROTECTION_MASK 0x000c
#define HVCALL_ENABLE_PARTITION_VTL	0x000d
#define HVCALL_ENABLE_VP_VTL		0x000f
#define HVCALL_VTL_CALL			0x0011
#define HVCALL_VTL_RETURN		0x0012
#define HVCALL_GET_VP_REGISTERS		0x0050
#define HVCALL_SET_VP_REGISTERS		0x0051
#define HVCALL_TRANSLATE_VA		0x0052
#define HVCALL_START_VP			0x0099
#define HVCALL_GET_VP_INDEX_FROM_APIC_ID 0x009a

#define HV_STATUS_SUCCESS			0x0
#define HV_STATUS_INVALID_HYPERCALL_CODE	0x2
#define HV_STATUS_INVALID_HYPERCALL_INPUT	0x3
#define HV_STATUS_INVALID_ALIGNMENT		0x4
#define HV_STATUS_INVALID_PARAMETER		0x5
#define HV_STATUS_ACCESS_DENIED			0x6
#define HV_STATUS_INVALID_PARTITION_STATE	0x7
#define HV_STATUS_OPERATION_DENIED		0x8
#define HV_STATUS_INVALID_VP_INDEX		0xe
#define HV_STATUS_INVALID_VP_STATE		0x15
#define HV_STATUS_INVALID_REGISTER_VALUE	0x50
#define HV_STATUS_INVALID_VTL_STATE		0x51
#define HV_STATUS_VTL_ALREADY_ENABLED		0x86
#define HV_STATUS_UNKNOWN_REGISTER_NAME		0x87

#define HV_PARTITION_SELF	(~0UL)
#define HV_VP_SELF		0xfffffffeu

/* HV_INPUT_VTL */
#define HV_VTL_CURRENT		0x00
#define HV_VTL_TARGET(n)	(0x10 | (n))

/* registers */
#define HV_REG_PENDING_EVENT0		0x00010004
#define HV_REG_RAX			0x00020000
#define HV_REG_RCX			0x00020001
#define HV_REG_RBX			0x00020003
#define HV_REG_RSP			0x00020004
#define HV_REG_RIP			0x00020010
#define HV_REG_RFLAGS			0x00020011
#define HV_REG_CR0			0x00040000
#define HV_REG_CR3			0x00040002
#define HV_REG_CR4			0x00040003
#define HV_REG_LDTR			0x00060006
#define HV_REG_TR			0x00060007
#define HV_REG_IDTR			0x00070000
#define HV_REG_GDTR			0x00070001
#define HV_REG_EFER			0x00080001
#define HV_REG_VP_INDEX			0x00090003
#define HV_REG_VSM_CODE_PAGE_OFFSETS	0x000d0002
#define HV_REG_VSM_VP_STATUS		0x000d0003
#define HV_REG_VSM_PARTITION_STATUS	0x000d0004
#define HV_REG_VSM_CAPABILITIES		0x000d0006
#define HV_REG_VSM_PARTITION_CONFIG	0x000d0007
#define HV_REG_VSM_VP_SECURE_CONFIG_VTL0 0x000d0010
#define HV_REG_CR_INTERCEPT_CONTROL	0x000e0000
#define HV_REG_CR_INTERCEPT_CR0_MASK	0x000e0001
#define HV_REG_CR_INTERCEPT_CR4_MASK	0x000e0002

/* CrInterceptControl bits */
#define HV_CRI_CR0_WRITE	(1UL << 0)
#define HV_CRI_CR4_WRITE	(1UL << 1)
#define HV_CRI_LSTAR_WRITE	(1UL << 6)
#define HV_CRI_EFER_WRITE	(1UL << 14)
#define HV_CRI_GDTR_WRITE	(1UL << 15)
#define HV_CRI_IDTR_WRITE	(1UL << 16)
#define HV_CRI_LDTR_WRITE	(1UL << 17)
#define HV_CRI_TR_WRITE		(1UL << 18)

/* HV_MAP_GPA_* */
#define HV_MAP_READ	0x1
#define HV_MAP_WRITE	0x2
#define HV_MAP_KX	0x4
#define HV_MAP_UX	0x8
#define HV_MAP_RWX	0xf

/* messages */
#define HVMSG_NONE		0x00000000
#define HVMSG_GPA_INTERCEPT	0x80000001
#define HVMSG_MSR_INTERCEPT	0x80010001
#define HVMSG_REGISTER_INTERCEPT 0x80010006
#define HV_MSG_PENDING		0x1

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
#define HV_VTL_ENTRY_VTL_CALL	1
#define HV_VTL_ENTRY_INTERRUPT	2

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
