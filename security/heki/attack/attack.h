/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - attack test primitives
 *
 * For testing only: one memory access each, with an exception table entry
 * that resumes after it and reports the trap number instead of an oops, so
 * that an access the hypervisor blocks leaves the kernel running.
 */

#ifndef _SECURITY_HEKI_ATTACK_H
#define _SECURITY_HEKI_ATTACK_H

#include <linux/types.h>
#include <asm/asm.h>

/* Trap number when no exception happened. */
#define NO_TRAP		-1

/* Write @val to @dst; NO_TRAP or the trap number. */
static inline int poke_byte(u8 *dst, u8 val)
{
	int trap = NO_TRAP;

	asm volatile("1: movb %[val], %[dst]\n"
		     "2:\n"
		     _ASM_EXTABLE_FAULT(1b, 2b)
		     : [dst] "=m" (*dst), "+a" (trap)
		     : [val] "q" (val)
		     : "memory");
	return trap;
}

/* Read @src into @val; NO_TRAP or the trap number. */
static inline int peek_byte(const u8 *src, u8 *val)
{
	int trap = NO_TRAP;
	u8 v = 0;

	asm volatile("1: movb %[src], %[v]\n"
		     "2:\n"
		     _ASM_EXTABLE_FAULT(1b, 2b)
		     : [v] "+q" (v), "+a" (trap)
		     : [src] "m" (*src)
		     : "memory");
	*val = v;
	return trap;
}

struct dentry;

/* text_patch.c */
int heki_test_patch_int3(bool *changed);
int heki_test_patch_jump(bool *changed);
int heki_test_poke_int3(bool *changed);
int heki_test_patch_static_call(bool *changed);
int heki_test_kprobe(void);
void heki_test_text_init(struct dentry *dir);

#endif /* _SECURITY_HEKI_ATTACK_H */
