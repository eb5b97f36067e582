#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run test suites (make targets check-<suite>), one summary line each and a
# final total; exit non-zero if any failed.  A suite may print lines starting
# with "summary:" which are repeated in its summary line, and lines starting
# with "result:" which are repeated after the total.
#
# Usage: run-suites.sh <suite>...

set -uo pipefail

logs=${OUT:-out}/check
mkdir -p "$logs"
pass=0 fail=0 failed=() results=()
for s in "$@"; do
	start=$(date +%s)
	echo "=== $s"
	make --no-print-directory "check-$s" > "$logs/$s.log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	detail=$(sed -n 's/^summary: //p' "$logs/$s.log" | paste -sd ';' -)
	while IFS= read -r r; do
		results+=("$r")
	done < <(sed -n 's/^result: //p' "$logs/$s.log")
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS  $s (${secs}s)${detail:+: $detail}"
	else
		fail=$((fail + 1))
		failed+=("$s")
		tail -n 40 "$logs/$s.log" | sed 's/^/    | /'
		echo "FAIL  $s (${secs}s)${detail:+: $detail} -- log: $logs/$s.log"
	fi
done
echo "=== total: $((pass + fail)) suites, $pass passed, $fail failed${failed:+ (${failed[*]})}"
for r in "${results[@]}"; do
	echo "=== $r"
done
[ "$fail" -eq 0 ]
