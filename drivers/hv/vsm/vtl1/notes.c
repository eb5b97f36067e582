// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): what the image tells VTL0 about itself.
 *
 * ELF notes VTL0 reads from the signed image before it starts VTL1: the
 * VTL call ABI this kernel serves, its security version (for VTL0's
 * anti-rollback floor) and the number of processors it can run on. See
 * "The VTL1 image" in Documentation/virt/hyperv/vsm.rst.
 */

#include <linux/elfnote.h>
#include <linux/minmax.h>
#include <hyperv/hv_vsm.h>

ELFNOTE32(HV_VSM_NOTE_NAME, HV_VSM_NOTE_ABI, (u32)HV_VSM_ABI_VERSION);
ELFNOTE32(HV_VSM_NOTE_NAME, HV_VSM_NOTE_SECURITY_VERSION,
	  (u32)CONFIG_HYPERV_VSM_VTL1_SECURITY_VERSION);
ELFNOTE32(HV_VSM_NOTE_NAME, HV_VSM_NOTE_MAX_CPUS,
	  (u32)MIN(CONFIG_NR_CPUS, HV_VSM_MAX_CPUS));
