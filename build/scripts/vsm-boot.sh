#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the VSM guest (VTL0 kernel with the VSM backend, the VTL1 image in
# its initramfs) under the Hyper-V/VSM emulator with boot.sh. VTL0's
# console (ttyS0) goes to <log>, VTL1's (ttyS1) to <log minus .log>.vtl1.log.
#
# Usage: vsm-boot.sh <log> <bzImage> <initrd> <vCPUs> <cmdline>
# Environment: QEMU (the emulator binary, required), QEMU_EXTRA (more
# options, e.g. -L <firmware dir>), MEM, TIMEOUT, QUIET as for boot.sh.

set -uo pipefail

log=$1 kernel=$2 initrd=$3 cpus=$4 cmdline=$5
here=$(cd "$(dirname "$0")" && pwd)
vtl1_log=${log%.log}.vtl1.log

[ -x "${QEMU:-}" ] || { echo "vsm-boot: emulator ${QEMU:-(QEMU unset)} missing (make qemu)" >&2; exit 1; }
mkdir -p "$(dirname "$log")"
rm -f "$vtl1_log"
# shellcheck disable=SC2086
CPU=max,hv-vsm=on SMP=$cpus MEM=${MEM:-2G} TIMEOUT=${TIMEOUT:-600} \
	"$here/boot.sh" "$log" "$kernel" "$initrd" "$cmdline" \
	-serial "file:$vtl1_log" -nic none ${QEMU_EXTRA:-}
rc=$?
[ -f "$vtl1_log" ] && { tr -d '\r' < "$vtl1_log" > "$vtl1_log.tmp" && mv "$vtl1_log.tmp" "$vtl1_log"; }
if [ -f "$vtl1_log" ] &&
   grep -nE 'Kernel panic|BUG:|Oops|WARNING:|general protection fault|Call Trace' "$vtl1_log" >&2; then
	echo "vsm-boot: the VTL1 kernel reported a problem ($vtl1_log)" >&2
	rc=1
fi
exit "$rc"
