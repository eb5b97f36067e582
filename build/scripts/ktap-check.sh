#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the KTAP output of KUnit suites run inside a guest (loaded as modules
# by the guest's test scripts): at least one suite ran, no test failed and at
# least one passed.
#
# Usage: ktap-check.sh <console log>

set -uo pipefail

log=$1
ktap=$(sed -n 's/^\[[ 0-9.]*\] //; /^ *\(#\|ok\|not ok\|KTAP\|1\.\.\)/p' "$log")
suites=$(grep -cE '^    # Subtest: |^# Subtest: ' <<< "$ktap")
failed=$(grep -E '^ *not ok ' <<< "$ktap")
passed=$(grep -cE '^ +ok [0-9]+ ' <<< "$ktap")
skipped=$(grep -cE '^ +ok [0-9]+ .*# SKIP' <<< "$ktap")
echo "summary: KTAP in $(basename "$log"): $suites suites, $passed cases ok ($skipped skipped)"
if [ -n "$failed" ]; then
	echo "$failed"
	exit 1
fi
[ "$suites" -gt 0 ] && [ "$passed" -gt "$skipped" ]
