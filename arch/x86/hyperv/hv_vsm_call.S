/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VTL call from the normal kernel (VTL0) into the secure kernel (VTL1).
 *
 * The general purpose registers are shared between VTLs. The first call
 * boots VTL1, which then owns them until it returns, so every register the
 * C calling convention wants preserved is saved on the stack here: RSP
 * itself is private to each VTL.
 */

#include <linux/linkage.h>
#include <linux/static_call_types.h>
#include <asm/asm.h>
#include <asm/frame.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>
#include "hv_vsm-asm-offsets.h"

	.text
/*
 * void __hv_vsm_vtl0_call(struct hv_vsm_vtl_call_regs *regs)
 *
 * Loads a0..a3 into RDI, RSI, RDX and R8, clears RCX (the VTL call control
 * input) and calls the VTL call code of the hypercall page. On return, R8
 * holds the result, stored back into a3.
 */
SYM_FUNC_START(__hv_vsm_vtl0_call)
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdi

	movq	HV_VSM_VTL_CALL_REGS_a1(%rdi), %rsi
	movq	HV_VSM_VTL_CALL_REGS_a2(%rdi), %rdx
	movq	HV_VSM_VTL_CALL_REGS_a3(%rdi), %r8
	movq	HV_VSM_VTL_CALL_REGS_a0(%rdi), %rdi
	xorl	%ecx, %ecx

	call	STATIC_CALL_TRAMP_STR(__hv_vsm_vtl0_call_hypercall)

	popq	%rdi
	movq	%r8, HV_VSM_VTL_CALL_REGS_a3(%rdi)

	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	RET
SYM_FUNC_END(__hv_vsm_vtl0_call)

/*
 * void hv_vsm_vtl0_restart_cpu(unsigned long sp, unsigned long fn)
 *
 * Starts a CPU over, with interrupts off and no frame, on the stack @sp,
 * in @fn (start_secondary()), which does not return: what the 64-bit
 * start-up code does last, without what it does to get there.
 */
SYM_CODE_START(hv_vsm_vtl0_restart_cpu)
	UNWIND_HINT_END_OF_STACK
	ANNOTATE_NOENDBR
	movq	%rdi, %rsp
	xorl	%ebp, %ebp
	pushq	$0
	popfq
	ANNOTATE_RETPOLINE_SAFE
	call	*%rsi
	ud2
SYM_CODE_END(hv_vsm_vtl0_restart_cpu)

/* Keep the static call key referenced from this object, as the C side does. */
	.section	.discard.addressable, "aw"
	.align	8
	.type	hv_vsm_vtl0_call_sym, @object
	.size	hv_vsm_vtl0_call_sym, 8
hv_vsm_vtl0_call_sym:
	.quad	__SCK____hv_vsm_vtl0_call_hypercall
