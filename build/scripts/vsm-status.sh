#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the HEKI status of a VSM guest boot from its console logs: backend,
# state, protected ranges per permission, pinned registers as the kernel
# reports them, VTL1 messages.
#
# Usage: vsm-status.sh <log>   (VTL1's console in <log minus .log>.vtl1.log)

set -uo pipefail

log=$1
vtl1_log=${log%.log}.vtl1.log

grep -a '^heki-init: reached' "$log"
sed -n 's/^heki-status: backend: /  backend:   /p' "$log"
sed -n 's/^heki-status: state: /  state:     /p' "$log"
echo "  protected ranges per permission (ranges pages):"
sed -n 's/^heki-status: permissions: /    /p' "$log"
grep -aoE 'heki: (protect_memory: .*|kernel sealed by .*|lock_regs failed.*)' "$log" | sed 's/^/  /'
grep -aoE 'hv_vsm: (reserved .*|VTL1 running on .*|HEKI disabled.*)' "$log" | sed 's/^/  /'
if grep -aq '^heki-status: pinned: ' "$log"; then
	echo "  pinned registers (CPUs, then one register group a line):"
	sed -n 's/^heki-status: pinned: /    /p' "$log"
fi
[ -f "$vtl1_log" ] && grep -aoE 'hv_vsm: .*' "$vtl1_log" | sed 's/^/  VTL1: /' | head -20
exit 0
