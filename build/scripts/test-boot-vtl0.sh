#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot tests of the VTL0 kernel under stock QEMU (no hypervisor backend):
#  - HEKI on: the guest reaches init, HEKI reports "no hypervisor backend",
#    securityfs heki/ shows the state, no frame both writable and
#    executable and a counter memory under 1 MiB for a 4 GiB guest, and the
#    sealed-kernel KUnit suite passes;
#  - heki=off: HEKI reports itself disabled.
#
# Usage: test-boot-vtl0.sh <bzImage> <initrd> <log dir>

set -uo pipefail

kernel=$1 initrd=$2 logs=$3
config=$(dirname "$(dirname "$(dirname "$(dirname "$kernel")")")")/.config
here=$(cd "$(dirname "$0")" && pwd)

. "$here/check-lib.sh"

boot() {	# <name> <cmdline>
	QUIET=1 SMP=2 MEM=4G TIMEOUT=300 "$here/boot.sh" "$logs/$1.log" \
		"$kernel" "$initrd" "$2"
}

check "boot with HEKI on reaches init" boot vtl0-heki-on "heki_test=kunit-sealed"

if grep -q '^CONFIG_HEKI=y' "$config"; then
	on=$logs/vtl0-heki-on.log
	check "HEKI says it has no hypervisor backend" \
		grep -q 'heki: no hypervisor backend' "$on"
	check "securityfs reports the state" \
		grep -q '^heki-status: state: no backend' "$on"
	check "no frame writable and executable" heki_no_wx "$on"
	mem=$(sed -n 's/^heki-status: counters: memory_bytes //p' "$on" | head -1)
	check "counter memory ${mem:-?} bytes is under 1 MiB for 4 GiB" \
		test -n "$mem" -a "${mem:-0}" -gt 0 -a "${mem:-0}" -lt 1048576
	if grep -q '^CONFIG_HEKI_KUNIT_TEST=m' "$config"; then
		check "sealed-kernel KUnit suite passes" \
			"$here/ktap-check.sh" "$on"
	fi
	check "boot with heki=off reaches init" boot vtl0-heki-off "heki=off"
	check "heki=off reports HEKI disabled" \
		grep -q '^heki-status: state: disabled' "$logs/vtl0-heki-off.log"
fi

echo "summary: $((checks - fails))/$checks boot checks passed"
[ "$fails" -eq 0 ]
