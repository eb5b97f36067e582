#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot tests of the VSM guest under the Hyper-V/VSM emulator, with 2, 4 and 8
# vCPUs: VTL1 boots and runs on every CPU, HEKI registers the hyperv-vsm
# backend and seals the kernel, and neither kernel warns or oopses. Then
# once with heki=off, which must not start VTL1.
#
# Usage: vsm-test-boot.sh <bzImage> <initrd> <log dir> [<vCPUs>...]
# Environment: QEMU (the emulator), QEMU_EXTRA as for vsm-boot.sh

set -uo pipefail

kernel=$1 initrd=$2 logs=$3
shift 3
[ $# -gt 0 ] || set -- 2 4
here=$(cd "$(dirname "$0")" && pwd)

. "$here/check-lib.sh"

for n in "$@"; do
	log=$logs/vsm-boot-$n.log
	vtl1=$logs/vsm-boot-$n.vtl1.log
	check "$n vCPUs: VTL0 + VTL1 reach init without oops or warning" \
		env QUIET=1 "$here/vsm-boot.sh" "$log" "$kernel" "$initrd" "$n" ""
	check "$n vCPUs: all $n CPUs online in VTL0" \
		grep -q "^heki-init: reached userspace on .*, $n CPUs" "$log"
	check "$n vCPUs: VTL1 runs on $n CPUs" \
		grep -q "hv_vsm: VTL1 running on $n CPUs" "$log"
	check "$n vCPUs: backend hyperv-vsm registered" \
		grep -q 'heki: registered backend hyperv-vsm' "$log"
	check "$n vCPUs: securityfs backend is hyperv-vsm" \
		grep -q '^heki-status: backend: hyperv-vsm' "$log"
	check "$n vCPUs: state sealed" \
		grep -q '^heki-status: state: sealed' "$log"
	check "$n vCPUs: VTL1 sealed the protections" \
		grep -q 'hv_vsm: end of boot: VTL0 protections sealed' "$vtl1"
	check "$n vCPUs: registers pinned on CPUs 0-$((n - 1))" \
		grep -qx "heki-status: pinned: cpus 0-$((n - 1))" "$log"
	check "$n vCPUs: $((n + 3)) backend calls to seal" \
		grep -qx "heki-status: seal: calls $((n + 3))" "$log"
	check "$n vCPUs: no frame writable and executable" heki_no_wx "$log"
done

# heki=off: VTL1 only serves HEKI, so it is not started at all.
log=$logs/vsm-boot-heki-off.log
vtl1=$logs/vsm-boot-heki-off.vtl1.log
check "heki=off: VTL0 reaches init without oops or warning" \
	env QUIET=1 "$here/vsm-boot.sh" "$log" "$kernel" "$initrd" 2 "heki=off"
check "heki=off: state disabled" \
	grep -qx 'heki-status: state: disabled' "$log"
check "heki=off: VTL0 does not start VTL1" \
	grep -q 'hv_vsm: HEKI disabled (heki=off), not starting VTL1' "$log"
check "heki=off: VTL1 never ran" test ! -s "$vtl1"

echo "summary: $((checks - fails))/$checks vsm boot checks passed"
[ "$fails" -eq 0 ]
