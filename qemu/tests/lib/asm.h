/* Constants shared by the assembly and C parts of the test framework. */
#ifndef TESTS_ASM_H
#define TESTS_ASM_H

#define PTE_P		0x1
#define PTE_W		0x2
#define PTE_U		0x4
#define PTE_PS		0x80
#define PTE_DEFAULT	(PTE_P | PTE_W | PTE_U)

#define CR0_PE		0x1
#define CR0_MP		0x2
#define CR0_TS		0x8
#define CR0_ET		0x10
#define CR0_NE		0x20
#define CR0_WP		0x10000
#define CR0_PG		0x80000000
#define CR0_BOOT	(CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE)
#define CR4_PAE		0x20
#define CR4_PGE		0x80
#define CR4_OSFXSR	0x200
#define CR4_OSXMMEXCPT	0x400

#define MSR_EFER	0xC0000080
#define EFER_SCE	0x1
#define EFER_LME	0x100
#define EFER_LMA	0x400
#define EFER_NXE	0x800

#define SEL_KCODE	0x08
#define SEL_KDATA	0x10
#define SEL_UDATA	0x23
#define SEL_UCODE	0x2b
#define SEL_TSS0	0x30	/* VTL0 */
#define SEL_TSS1	0x40	/* VTL1 */
#define SEL_TSS2	0x50	/* spare, available: target of LTR tests */
#define SEL_LDT		0x60
#define GDT_TAIL_QWORDS	8

#define VEC_USER_EXIT	0x81

/* struct gpregs: HV register order rax rcx rdx rbx rsp rbp rsi rdi r8-r15 */
#define GPR_RAX 0
#define GPR_RCX 8
#define GPR_RDX 16
#define GPR_RBX 24
#define GPR_RBP 40
#define GPR_RSI 48
#define GPR_RDI 56
#define GPR_R8  64

#ifdef __ASSEMBLER__
.macro LOAD_GPRS base
	mov \base+GPR_RAX(%rip), %rax
	mov \base+GPR_RCX(%rip), %rcx
	mov \base+GPR_RDX(%rip), %rdx
	mov \base+GPR_RBX(%rip), %rbx
	mov \base+GPR_RBP(%rip), %rbp
	mov \base+GPR_RSI(%rip), %rsi
	mov \base+GPR_RDI(%rip), %rdi
	mov \base+GPR_R8+0(%rip), %r8
	mov \base+GPR_R8+8(%rip), %r9
	mov \base+GPR_R8+16(%rip), %r10
	mov \base+GPR_R8+24(%rip), %r11
	mov \base+GPR_R8+32(%rip), %r12
	mov \base+GPR_R8+40(%rip), %r13
	mov \base+GPR_R8+48(%rip), %r14
	mov \base+GPR_R8+56(%rip), %r15
.endm
.macro STORE_GPRS base
	mov %rax, \base+GPR_RAX(%rip)
	mov %rcx, \base+GPR_RCX(%rip)
	mov %rdx, \base+GPR_RDX(%rip)
	mov %rbx, \base+GPR_RBX(%rip)
	mov %rbp, \base+GPR_RBP(%rip)
	mov %rsi, \base+GPR_RSI(%rip)
	mov %rdi, \base+GPR_RDI(%rip)
	mov %r8, \base+GPR_R8+0(%rip)
	mov %r9, \base+GPR_R8+8(%rip)
	mov %r10, \base+GPR_R8+16(%rip)
	mov %r11, \base+GPR_R8+24(%rip)
	mov %r12, \base+GPR_R8+32(%rip)
	mov %r13, \base+GPR_R8+40(%rip)
	mov %r14, \base+GPR_R8+48(%rip)
	mov %r15, \base+GPR_R8+56(%rip)
.endm
#endif

#endif
