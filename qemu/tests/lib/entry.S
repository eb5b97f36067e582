/*
 * Boot code for the emulator's bare-metal tests.
 *
 * QEMU's multiboot loader enters _start32 in flat 32-bit protected mode
 * with paging off.  We zero .bss, build identity page tables for the first
 * 4 GiB (2 MiB pages, except the first 2 MiB which use 4 KiB pages so tests
 * can protect single pages of the image), enter long mode and call
 * lib_main().  The file also holds the exception stubs, the catch/longjmp
 * helper, the CPL3 trampoline and the VTL call/return trampolines.
 */
#include "asm.h"

	.section .multiboot, "a"
	.balign 4
	.long 0x1BADB002		/* multiboot v1 magic */
	.long 0				/* flags: ELF image, nothing needed */
	.long -0x1BADB002		/* checksum */

	.section .text.boot, "ax"
	.code32
	.globl _start32
_start32:
	cli
	/* zero .bss (page tables and stacks live there) */
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb

	/* PML4[0] -> PDPT, PDPT[0..3] -> 4 page directories */
	mov $pdpt, %eax
	or $PTE_DEFAULT, %eax
	mov %eax, pml4
	mov $0, %ecx
1:	mov %ecx, %eax
	shl $12, %eax
	add $pd, %eax
	or $PTE_DEFAULT, %eax
	mov %eax, pdpt(,%ecx,8)
	inc %ecx
	cmp $4, %ecx
	jne 1b
	/* 2048 x 2 MiB pages */
	mov $0, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $(PTE_DEFAULT | PTE_PS), %eax
	mov %eax, pd(,%ecx,8)
	inc %ecx
	cmp $2048, %ecx
	jne 2b
	/* first 2 MiB as 512 x 4 KiB pages */
	mov $pt0, %eax
	or $PTE_DEFAULT, %eax
	mov %eax, pd
	movl $0, pd+4
	mov $0, %ecx
3:	mov %ecx, %eax
	shl $12, %eax
	or $PTE_DEFAULT, %eax
	mov %eax, pt0(,%ecx,8)
	inc %ecx
	cmp $512, %ecx
	jne 3b

	lgdt gdt_desc32
	mov $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $(EFER_LME | EFER_NXE | EFER_SCE), %eax
	wrmsr
	mov $CR0_BOOT, %eax
	mov %eax, %cr0
	ljmp $SEL_KCODE, $start64

	.code64
start64:
	mov $SEL_KDATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	lea bsp_stack_top(%rip), %rsp
	call lib_main
	/* lib_main exits through isa-debug-exit; if that device is
	 * missing, park the CPU */
4:	cli
	hlt
	jmp 4b

/* ---- exception / interrupt stubs: 16 bytes each ---- */
	.text
	.balign 16
	.globl idt_stubs
idt_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr

trap_common:
	push %rax
	push %rcx
	push %rdx
	push %rbx
	push %rbp
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rdi
	cld
	call trap_handler
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rbp
	pop %rbx
	pop %rdx
	pop %rcx
	pop %rax
	add $16, %rsp
	iretq

/* int catch_setjmp(struct catch_buf *buf): returns 0; trap_handler makes
 * it return again with vector + 1 when an exception is caught. */
	.globl catch_setjmp
catch_setjmp:
	mov %rbx, 0(%rdi)
	mov %rbp, 8(%rdi)
	mov %r12, 16(%rdi)
	mov %r13, 24(%rdi)
	mov %r14, 32(%rdi)
	mov %r15, 40(%rdi)
	lea 8(%rsp), %rax
	mov %rax, 48(%rdi)
	mov (%rsp), %rax
	mov %rax, 56(%rdi)
	pushfq
	pop %rax
	mov %rax, 64(%rdi)
	xor %eax, %eax
	ret

/* void enter_user(void (*fn)(void), u64 stack_top): iretq to CPL3; fn's
 * return lands on user_exit, which traps back through vector 0x81. */
	.globl enter_user
enter_user:
	lea -8(%rsi), %rax
	lea user_exit(%rip), %rcx
	mov %rcx, (%rax)
	pushq $SEL_UDATA
	push %rax
	pushq $0x2
	pushq $SEL_UCODE
	push %rdi
	iretq
	.globl user_exit
user_exit:
	int $VEC_USER_EXIT
	ud2

/* ---- VTL0 side: VTL call with every GPR taken from vtl0_regs_in and
 * every GPR after the call stored in vtl0_regs_out ---- */
	.globl vtl_call_regs
vtl_call_regs:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	cmpb $0, vtl0_set_df(%rip)
	je 1f
	std
1:	LOAD_GPRS vtl0_regs_in
	call *vtl_call_ptr(%rip)
	pushfq
	popq vtl0_rflags_out(%rip)
	cld
	STORE_GPRS vtl0_regs_out
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret

/* ---- VTL1 side: context RIP of VTL1 on the boot VP.  Each entry stores
 * the shared GPRs in vtl1_regs_in, runs vtl1_handle() and VTL-returns with
 * the GPRs from vtl1_regs_out (RCX = VTL return control). ---- */
	.globl vtl1_entry
vtl1_entry:
	STORE_GPRS vtl1_regs_in
	mov %rsp, vtl1_regs_in+32(%rip)
	pushfq
	popq vtl1_entry_rflags(%rip)
	cld
	call vtl1_handle
	LOAD_GPRS vtl1_regs_out
	call *vtl_return_ptr(%rip)
	jmp vtl1_entry

/* ---- application processors started by HvCallStartVirtualProcessor:
 * RSP and GS.base come from the initial context ---- */
	.globl ap_entry
ap_entry:
	call ap_main
5:	cli
	hlt
	jmp 5b

	.data
	.balign 16
	.globl gdt
gdt:
	.quad 0				/* 0x00 */
	.quad 0x00af9b000000ffff	/* 0x08 kernel code, 64-bit */
	.quad 0x00cf93000000ffff	/* 0x10 kernel data */
	.quad 0x00cf9b000000ffff	/* 0x18 32-bit code (boot) */
	.quad 0x00cff3000000ffff	/* 0x20 user data (0x23) */
	.quad 0x00affb000000ffff	/* 0x28 user code, 64-bit (0x2b) */
	.fill GDT_TAIL_QWORDS, 8, 0	/* TSS and LDT descriptors, filled by C */
gdt_end:
	.globl gdt_desc
gdt_desc:
	.word gdt_end - gdt - 1
	.quad gdt
gdt_desc32:
	.word gdt_end - gdt - 1
	.long gdt

	.bss
	.balign 4096
	.globl pml4, pdpt, pd, pt0
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4 * 4096
pt0:	.skip 4096
	.balign 16
	.skip 16384
	.globl bsp_stack_top
bsp_stack_top:
