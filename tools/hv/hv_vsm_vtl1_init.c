// SPDX-License-Identifier: GPL-2.0
/*
 * init of the Hyper-V VSM secure kernel (VTL1), built with nolibc: from
 * the top of the tree, with this file as <src>,
 *
 *   gcc -Os -static -nostdlib -fno-stack-protector \
 *	-fno-asynchronous-unwind-tables -include tools/include/nolibc/nolibc.h \
 *	-o hv_vsm_vtl1_init <src> -lgcc
 *
 * VTL1 serves VTL calls and secure intercepts in the kernel; user space
 * has nothing to do there. The kernel only insists on an init, which must
 * never exit. See Documentation/virt/hyperv/vsm.rst.
 */

int main(void)
{
	for (;;)
		sleep(3600);
}
