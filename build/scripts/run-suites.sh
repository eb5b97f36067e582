#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run test suites (make targets check-<suite>), one summary line each and a
# final total; exit non-zero if any failed.  A suite may print lines starting
# with "summary:" which are repeated in its summary line, and lines starting
# with "result:" which are repeated after the total.
#
# With --steps, first build everything the suites need with build-steps.sh
# (one line per step), then run the suites with HEKI_STEPS=1, so that they
# do not go through their build prerequisites again. If a build step fails,
# no suite runs.
#
# Usage: run-suites.sh [--steps <target>=<description>... --] <suite>...

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
logs=${OUT:-out}/check
mkdir -p "$logs"

. "$here/check-lib.sh"

t_start=$(date +%s)
t_build=0
if [ "${1:-}" = --steps ]; then
	shift
	steps=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		steps+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	echo "=== build (logs: ${OUT:-out}/steps/)"
	if ! "$here/build-steps.sh" "${steps[@]}"; then
		echo "=== total: build failed, no suite run"
		exit 1
	fi
	t_build=$(( $(date +%s) - t_start ))
	export HEKI_STEPS=1
fi

pass=0 fail=0 failed=() results=()
for s in "$@"; do
	start=$(date +%s)
	echo "=== $s"
	make --no-print-directory "check-$s" > "$logs/$s.log" 2>&1 < /dev/null
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
t_all=$(( $(date +%s) - t_start ))
if [ "$t_build" -gt 0 ]; then
	echo "=== time: $(duration "$t_all") (build $(duration "$t_build"), suites $(duration $((t_all - t_build))))"
fi
[ "$fail" -eq 0 ]
