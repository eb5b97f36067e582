#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the VTL0 kernel and run the HEKI kselftests in it
# (build/initramfs/payload/tests/heki-selftests.sh), then check their
# summary line.
#
# Mode "off" (stock QEMU, no hypervisor backend): boot once with heki=off
# and once with HEKI on; both times every attack that applies must get
# through, at least MIN_ATTACKS of them, and every must-work case pass.
#
# Usage: test-heki-selftests.sh <bzImage> <initrd> <log dir> off

set -uo pipefail

kernel=$1 initrd=$2 logs=$3 mode=$4
here=$(cd "$(dirname "$0")" && pwd)
# Attacks on the kernel itself; those on VTL1 and the backend need VSM.
MIN_ATTACKS=14
MIN_MUST_WORK=5

. "$here/check-lib.sh"

# <log> <state>: the summary line says that all attacks got through.
all_through() {
	local line a n m k
	line=$(grep -a '^heki-selftests: ' "$1" | tail -1)
	echo "  $1: ${line:-no summary line}"
	[[ $line =~ ^heki-selftests:\ heki\ $2:\ ([0-9]+)/([0-9]+)\ attacks\ got\ through,\ ([0-9]+)/([0-9]+)\ must-work ]] ||
		return 1
	a=${BASH_REMATCH[1]} n=${BASH_REMATCH[2]}
	m=${BASH_REMATCH[3]} k=${BASH_REMATCH[4]}
	[ "$a" -eq "$n" ] && [ "$n" -ge "$MIN_ATTACKS" ] &&
		[ "$m" -eq "$k" ] && [ "$k" -ge "$MIN_MUST_WORK" ]
}

case $mode in
off)
	for run in "off:heki=off:disabled" "on::no backend"; do
		IFS=: read -r name args state <<< "$run"
		log=$logs/heki-selftests-$name.log
		check "heki ${name}: the guest runs the selftests without oops or warning" \
			env QUIET=1 SMP=2 MEM=1G TIMEOUT=600 "$here/boot.sh" "$log" \
			"$kernel" "$initrd" "$args heki_test=heki-selftests"
		check "heki ${name}: every attack gets through, every must-work case works" \
			all_through "$log" "$state"
		check "heki ${name}: the selftests exit with status 0" \
			grep -q '^heki-init: heki-selftests exit status 0' "$log"
	done
	;;
*)
	echo "test-heki-selftests: unknown mode $mode" >&2
	exit 2
	;;
esac

echo "summary: $((checks - fails))/$checks heki selftest checks passed"
[ "$fails" -eq 0 ]
