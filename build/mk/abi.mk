# SPDX-License-Identifier: GPL-2.0
#
# Static checks of the VTL0/VTL1 ABI, no build needed.
#   make check-vtl-call-doc  the VTL call table of
#                            include/hyperv/hv_vsm_calls.h against the one
#                            documented in Documentation/virt/hyperv/vsm.rst

CHECK_SUITES += vtl-call-doc

.PHONY: check-vtl-call-doc
check-vtl-call-doc:
	@python3 build/scripts/check-vtl-call-doc.py .
