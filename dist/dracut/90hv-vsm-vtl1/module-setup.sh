#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dracut module: put the Hyper-V VSM secure kernel (VTL1) image that
# belongs to the kernel of this initramfs ($kernel), and its signature,
# into the initramfs as heki/<release>/vtl1.elf{,.p7s} in the firmware
# path (Documentation/virt/hyperv/vsm.rst). Installed as
# /usr/lib/dracut/modules.d/90hv-vsm-vtl1/ by the VTL1 image package.

hv_vsm_vtl1_image() {
	local dir
	for dir in /lib/firmware /usr/lib/firmware; do
		if [[ -e $dir/heki/$kernel/vtl1.elf ]]; then
			echo "$dir/heki/$kernel/vtl1.elf"
			return 0
		fi
	done
	return 1
}

# Included whenever this kernel has a VTL1 image.
check() {
	hv_vsm_vtl1_image > /dev/null || return 255
	return 0
}

depends() {
	return 0
}

install() {
	local image
	image=$(hv_vsm_vtl1_image) || return 0
	inst_simple "$image" "/lib/firmware/heki/$kernel/vtl1.elf"
	inst_simple "$image.p7s" "/lib/firmware/heki/$kernel/vtl1.elf.p7s"
}
