#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot-to-init time of a 4-vCPU Linux guest under the emulator with
# hv-vsm=on versus the same guest and binary with hv-vsm=off, measured
# side by side (alternating runs) in one invocation.  Prints the ratio.
#
# Usage: bench/emulator-boot.sh <bzImage> <initrd> [rounds]
# Environment: OUT, BENCH_TIMEOUT (seconds per boot, default 300),
#              BENCH_CMDLINE (added to the guest's kernel command line).

set -euo pipefail

kernel=$1 initrd=$2 rounds=${3:-2}
OUT=${OUT:-out}
qemu=$OUT/qemu/build/qemu-system-x86_64
export BENCH_TIMEOUT=${BENCH_TIMEOUT:-300} BENCH_CMDLINE=${BENCH_CMDLINE:-}

/usr/bin/python3 - "$qemu" "$kernel" "$initrd" "$rounds" <<'PY'
import os, subprocess, sys, time

qemu, kernel, initrd, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
limit = float(os.environ["BENCH_TIMEOUT"])
marker = b"Run /init as init process"

def boot(vsm):
    cmd = [qemu, "-accel", "tcg", "-cpu", "max,hv-vsm=%s" % ("on" if vsm else "off"),
           "-smp", "4", "-m", "512M", "-nographic", "-nodefaults",
           "-serial", "stdio", "-no-reboot", "-kernel", kernel, "-initrd", initrd,
           "-append", ("console=ttyS0 panic=-1 " + os.environ["BENCH_CMDLINE"]).strip()]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL)
    t = None
    try:
        for line in p.stdout:
            if marker in line:
                t = time.monotonic() - t0
                break
            if time.monotonic() - t0 > limit:
                break
    finally:
        p.kill()
        p.wait()
    if t is None:
        sys.exit("bench: guest did not reach init (hv-vsm=%s)" % vsm)
    return t

res = {False: [], True: []}
for i in range(rounds):
    for vsm in (False, True):
        t = boot(vsm)
        res[vsm].append(t)
        print("round %d hv-vsm=%-3s boot-to-init %.2f s" % (i + 1, "on" if vsm else "off", t))
off = min(res[False]); on = min(res[True])
print("boot-to-init (best of %d): hv-vsm=off %.2f s, hv-vsm=on %.2f s, ratio %.2fx (target < 3x)"
      % (rounds, off, on, on / off))
PY
