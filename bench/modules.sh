#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cost of module validation by VTL1, measured under the emulator: the VSM
# guest loads and unloads each test module <cycles> times
# (build/initramfs/payload/tests/bench-modules.sh), once sealed with HEKI
# and VTL1, once with heki=off, in the same run of this script. Prints per
# module the time of a load/unload cycle in both modes and their ratio
# (HEKI+VTL1 / heki=off), the geometric mean of the ratios against the
# goal (at most 2x), and, from the sealed boot, the VTL calls a module load
# made (VALIDATE_MODULE, FREE_MODULE_INIT, UNLOAD_MODULE, from securityfs
# heki/modules). The ratios are measurements, not a test: missing the goal
# does not change the exit status.
#
# Fails (exit 1) if a boot fails (oops, warning, timeout), a module does not
# load, or the sealed boot is not sealed.
#
# Usage: bench/modules.sh <bzImage> <initrd> [<cycles>]   (default 20)
# Environment: OUT (default out), QEMU (the emulator, default
# $OUT/qemu/build/qemu-system-x86_64), QEMU_EXTRA. Consoles:
# $OUT/logs/bench-modules-{sealed,off}.log.

set -uo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: $0 <bzImage> <initrd> [<cycles>]" >&2
	exit 2
fi
kernel=$1 initrd=$2 cycles=${3:-20}
here=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-out}
export QEMU=${QEMU:-$OUT/qemu/build/qemu-system-x86_64}
case $cycles in
'' | *[!0-9]*) echo "bench-modules: cycles must be a number" >&2; exit 2 ;;
esac

for mode in sealed off; do
	args="heki_test=bench-modules bench_cycles=$cycles"
	[ "$mode" = off ] && args="heki=off $args"
	log=$OUT/logs/bench-modules-$mode.log
	echo "  BOOT    $mode, $cycles cycles per module ($log)"
	if ! QUIET=1 TIMEOUT=1200 "$here/../build/scripts/vsm-boot.sh" "$log" \
		"$kernel" "$initrd" 2 "$args"; then
		echo "bench-modules: the $mode boot failed ($log)" >&2
		exit 1
	fi
	if ! grep -q '^heki-init: bench-modules exit status 0' "$log"; then
		echo "bench-modules: a module did not load or unload ($log)" >&2
		exit 1
	fi
done
if ! grep -q '^heki-status: state: sealed' "$OUT/logs/bench-modules-sealed.log"; then
	echo "bench-modules: the HEKI boot is not sealed" >&2
	exit 1
fi

exec python3 - "$OUT/logs/bench-modules-sealed.log" \
	"$OUT/logs/bench-modules-off.log" <<'PY'
import math, re, sys

LINE = re.compile(r"^bench-modules: (\S+) (\d+) cycles (\d+) cs$")
HEKI = re.compile(r"^bench-modules: heki (\S+) (\d+)$")
GOAL = 2.0

def read(path):
    times, heki = {}, {}
    for line in open(path, errors="replace"):
        m = LINE.match(line.strip())
        if m:
            times[m.group(1)] = int(m.group(3)) * 10.0 / int(m.group(2))
        m = HEKI.match(line.strip())
        if m:
            heki[m.group(1)] = int(m.group(2))
    return times, heki

sealed, heki = read(sys.argv[1])
off, _ = read(sys.argv[2])
ratios = []
print("%-18s %12s %12s %7s" % ("module", "HEKI+VTL1", "heki=off", "ratio"))
for name in sealed:
    if name not in off or not off[name]:
        continue
    r = sealed[name] / off[name]
    ratios.append(r)
    print("%-18s %9.1f ms %9.1f ms %6.2fx" % (name, sealed[name], off[name], r))
if not ratios:
    sys.exit("bench-modules: no timings")
geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
print("geometric mean: %.2fx (goal at most %.1fx: %s)"
      % (geo, GOAL, "met" if geo <= GOAL else "missed"))
loads = heki.get("validated", 0)
calls = loads + heki.get("init_freed", 0) + heki.get("unloaded", 0)
if loads:
    print("VTL calls per module load and unload: %.1f (%d calls, %d loads)"
          % (calls / loads, calls, loads))
PY
