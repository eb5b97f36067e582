/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hyper-V Virtual Secure Mode: the table of VTL calls.
 *
 * One line per VTL call VTL1 serves:
 *
 *   HV_VSM_VTL_CALL(NAME, name, function ID, arguments used, rules)
 *
 * The function ID goes in RDI and follows the LVBS numbering. The arguments
 * go in RSI, RDX and R8, in this order; those a call does not use must be 0.
 * The rules are HV_VSM_RULE_* flags (see <hyperv/hv_vsm.h>).
 *
 * There is no include guard: whoever includes this file defines
 * HV_VSM_VTL_CALL() to pick what it needs from each line, and gets it
 * undefined again. Documentation/virt/hyperv/vsm.rst documents every line;
 * build/scripts/check-vtl-call-doc.py checks that the two agree.
 */

HV_VSM_VTL_CALL(BOOT, boot, 0x00000, 1, HV_VSM_RULE_THIS_CPU)
HV_VSM_VTL_CALL(ENABLE_APS_VTL, enable_aps_vtl, 0x1ffe0, 1,
		HV_VSM_RULE_BOOT_ONLY)
HV_VSM_VTL_CALL(BOOT_APS, boot_aps, 0x1ffe1, 2, HV_VSM_RULE_BOOT_ONLY)
HV_VSM_VTL_CALL(LOCK_REGS, lock_regs, 0x1ffe2, 1,
		HV_VSM_RULE_BOOT_ONLY | HV_VSM_RULE_THIS_CPU)
HV_VSM_VTL_CALL(SIGNAL_END_OF_BOOT, signal_end_of_boot, 0x1ffe3, 0,
		HV_VSM_RULE_BOOT_ONLY)
HV_VSM_VTL_CALL(PROTECT_MEMORY, protect_memory, 0x1ffe4, 2,
		HV_VSM_RULE_BOOT_ONLY)
HV_VSM_VTL_CALL(LOAD_KDATA, load_kdata, 0x1ffe5, 2,
		HV_VSM_RULE_BOOT_ONLY | HV_VSM_RULE_ONCE)
HV_VSM_VTL_CALL(VALIDATE_MODULE, validate_module, 0x1ffe6, 2, 0)
HV_VSM_VTL_CALL(FREE_MODULE_INIT, free_module_init, 0x1ffe7, 1, 0)
HV_VSM_VTL_CALL(UNLOAD_MODULE, unload_module, 0x1ffe8, 1, 0)
HV_VSM_VTL_CALL(READ_VIOLATIONS, read_violations, 0x1fff8, 2, 0)
HV_VSM_VTL_CALL(PATCH_TEXT, patch_text, 0x1fff9, 2, 0)

#undef HV_VSM_VTL_CALL
