#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Load the HEKI KUnit modules after the end of boot: their KTAP output goes
# to the console, where the host checks it (build/scripts/ktap-check.sh).
status=0
for m in heki_kunit heki_x86_kunit; do
	modprobe "$m" || { echo "kunit-sealed: cannot load $m"; status=1; }
done
exit $status
