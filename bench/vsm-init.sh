#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cost of HEKI with the Hyper-V VSM backend at boot, measured under the
# emulator: time to init of the VSM guest (VTL0 kernel with the backend,
# the VTL1 image in its initramfs) with HEKI on, which starts VTL1 and
# seals the kernel, against the same kernel, initramfs and emulator with
# heki=off.  The two modes alternate for <rounds> rounds.
#
# Time to init is the wall clock from launching QEMU to the VTL0 console
# line "heki-init: reached userspace" printed by the guest's /init.  QEMU is
# killed once the guest has printed its HEKI status ("heki-init: done").
#
# Prints one line per boot, then the best of the rounds for each mode (the
# median too, for information), the ratio HEKI+VTL1 / heki=off against the
# target (at most 2x), and, from the HEKI-on boots, the VTL calls made to
# seal the kernel and the ranges sent (the guest's securityfs heki/seal,
# printed as "heki-status: seal: <name> <n>").  The ratio is a measurement,
# not a test: missing the target does not change the exit status.
#
# Fails (exit 1) if a boot does not print "heki-init: done" within
# BENCH_TIMEOUT seconds, if either kernel oopses, warns or panics, if the
# guest does not come up with the requested vCPUs, if the heki=off boot does
# not report state "disabled" or the HEKI-on boot state "sealed", or if the
# kernel does not report its seal statistics.
#
# Usage: bench/vsm-init.sh <bzImage> <initrd> [<rounds> [<vCPUs>]]
#        rounds default 3, vCPUs default 2
# Environment: OUT (default out), QEMU (the emulator, default
# $OUT/qemu/build/qemu-system-x86_64), QEMU_EXTRA (more options, default
# -L $OUT/qemu/firmware when that exists), MEM (default 2G, as vsm-boot.sh),
# BENCH_TIMEOUT (seconds per boot, default 300).  Consoles of each boot:
# $OUT/logs/bench-vsm-<round>-<mode>.log and .vtl1.log.

set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 4 ]; then
	echo "usage: $0 <bzImage> <initrd> [<rounds> [<vCPUs>]]" >&2
	exit 2
fi
kernel=$1 initrd=$2 rounds=${3:-3} cpus=${4:-2}
OUT=${OUT:-out}
QEMU=${QEMU:-$OUT/qemu/build/qemu-system-x86_64}
if [ -z "${QEMU_EXTRA+set}" ]; then
	QEMU_EXTRA=
	[ -d "$OUT/qemu/firmware" ] && QEMU_EXTRA="-L $OUT/qemu/firmware"
fi
export BENCH_TIMEOUT=${BENCH_TIMEOUT:-300} MEM=${MEM:-2G} QEMU_EXTRA

for f in "$kernel" "$initrd"; do
	[ -f "$f" ] || { echo "bench-vsm: $f missing (make initramfs-vsm)" >&2; exit 1; }
done
[ -x "$QEMU" ] || { echo "bench-vsm: emulator $QEMU missing (make qemu)" >&2; exit 1; }
case $rounds$cpus in
*[!0-9]*) echo "bench-vsm: rounds and vCPUs must be numbers" >&2; exit 2 ;;
esac
if [ "$rounds" -lt 1 ] || [ "$cpus" -lt 1 ]; then
	echo "bench-vsm: rounds and vCPUs must be at least 1" >&2
	exit 2
fi
mkdir -p "$OUT/logs"

exec /usr/bin/python3 - "$QEMU" "$kernel" "$initrd" "$rounds" "$cpus" "$OUT/logs" <<'PY'
import os, re, select, shlex, signal, statistics, subprocess, sys, time

qemu, kernel, initrd, logdir = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[6]
rounds, cpus = int(sys.argv[4]), int(sys.argv[5])
limit = float(os.environ["BENCH_TIMEOUT"])
extra = shlex.split(os.environ["QEMU_EXTRA"])
TARGET = 2.0
REACHED = re.compile(r"^heki-init: reached userspace on .*, (\d+) CPUs")
DONE = "heki-init: done"
PROBLEM = re.compile(r"Kernel panic|BUG:|Oops|WARNING:|general protection fault|Call Trace")
# name, cmdline, state securityfs heki/state must report
MODES = {"off": ("heki=off", "disabled"), "on": ("", "sealed")}
LABEL = {"off": "heki=off", "on": "HEKI+VTL1"}

def fail(msg):
    print("bench-vsm: " + msg, file=sys.stderr)
    sys.exit(1)

def boot(rnd, mode):
    """Boot once; return (seconds to init, console lines, VTL1 console)."""
    cmdline, _ = MODES[mode]
    log = os.path.join(logdir, "bench-vsm-%d-%s.log" % (rnd, mode))
    vtl1_log = log[:-len(".log")] + ".vtl1.log"
    if os.path.exists(vtl1_log):
        os.unlink(vtl1_log)
    # The command line of build/scripts/boot.sh run by vsm-boot.sh.
    cmd = [qemu, "-machine", "q35,smm=off", "-accel", "tcg", "-cpu", "max,hv-vsm=on",
           "-smp", str(cpus), "-m", os.environ["MEM"],
           "-nographic", "-no-reboot", "-monitor", "none", "-serial", "stdio",
           "-kernel", kernel, "-initrd", initrd,
           "-append", ("console=ttyS0 panic=-1 oops=panic " + cmdline).strip(),
           "-serial", "file:" + vtl1_log, "-nic", "none"] + extra
    lines, buf, t_init, done, why = [], b"", None, False, None
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL)
    try:
        fd = p.stdout.fileno()
        while not done:
            left = t0 + limit - time.monotonic()
            if left <= 0:
                why = "timeout after %.0f s (BENCH_TIMEOUT)" % limit
                break
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            chunk = os.read(fd, 65536)
            now = time.monotonic()
            if not chunk:
                why = "QEMU exited (status %s)" % p.wait()
                break
            buf += chunk
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                line = raw.decode("utf-8", "replace").rstrip("\r")
                lines.append(line)
                if t_init is None and line.startswith("heki-init: reached userspace"):
                    t_init = now - t0
                if line == DONE:
                    done = True
                    break
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
        p.wait()
        if buf:
            lines.append(buf.decode("utf-8", "replace").rstrip("\r"))
        with open(log, "w") as f:
            f.write("\n".join(lines) + "\n")
    try:
        with open(vtl1_log, "rb") as f:
            vtl1 = f.read().decode("utf-8", "replace").replace("\r", "").splitlines()
    except FileNotFoundError:
        vtl1 = []
    with open(vtl1_log, "w") as f:
        f.write("".join(l + "\n" for l in vtl1))

    what = "round %d %s" % (rnd, LABEL[mode])
    for name, con, path in (("VTL0", lines, log), ("VTL1", vtl1, vtl1_log)):
        bad = [l for l in con if PROBLEM.search(l)]
        if bad:
            fail("%s: the %s kernel reported a problem: %s (%s)" % (what, name, bad[0].strip(), path))
    if t_init is None:
        fail("%s: the guest did not reach userspace: %s (%s)" % (what, why, log))
    if not done:
        fail("%s: reached userspace after %.2f s but no '%s': %s (%s)"
             % (what, t_init, DONE, why, log))
    m = next(filter(None, map(REACHED.match, lines)), None)
    if not m or int(m.group(1)) != cpus:
        fail("%s: the guest did not come up with %d CPUs (%s)" % (what, cpus, log))
    return t_init, lines, vtl1, log

def status(lines, name):
    pre = "heki-status: %s: " % name
    return [l[len(pre):] for l in lines if l.startswith(pre)]

def seal_stats(lines):
    st = {}
    for l in status(lines, "seal"):
        m = re.fullmatch(r"(\w+) (\d+)", l.strip())
        if m:
            st[m.group(1)] = int(m.group(2))
    return st

times = {"off": [], "on": []}
vtl1_up = {"off": 0, "on": 0}    # boots whose VTL1 console is not empty
seals = []
for rnd in range(1, rounds + 1):
    for mode in ("off", "on"):
        t, lines, vtl1, log = boot(rnd, mode)
        times[mode].append(t)
        state = status(lines, "state")
        extra_info = ""
        if mode == "on":
            st = seal_stats(lines)
            seals.append(st)
            if "calls" in st and "ranges" in st:
                extra_info = ", seal: %d VTL calls, %d ranges" % (st["calls"], st["ranges"])
        if vtl1:
            vtl1_up[mode] += 1
        print("round %d  %-9s  time to init %7.2f s  (state %s, VTL1 %s%s)"
              % (rnd, LABEL[mode], t, state[0] if state else "?",
                 "booted" if vtl1 else "not started", extra_info), flush=True)
        want = MODES[mode][1]
        if state != [want]:
            fail("round %d %s: expected 'heki-status: state: %s', got %s (%s)"
                 % (rnd, LABEL[mode], want,
                    ", ".join("'%s'" % s for s in state) or "no state line", log))
        if mode == "on" and not ("calls" in st and "ranges" in st):
            fail("round %d %s: the kernel does not report seal statistics: no "
                 "'heki-status: seal: calls <n>' and 'heki-status: seal: ranges <n>' "
                 "lines (securityfs heki/seal missing?), cannot count the VTL calls "
                 "and ranges of the seal (%s)" % (rnd, LABEL[mode], log))

off, on = min(times["off"]), min(times["on"])
ratio = on / off
print()
print("summary (%d round%s, %d vCPUs, best of %d; median in brackets):"
      % (rounds, "" if rounds == 1 else "s", cpus, rounds))
print("  time to init, heki=off:   %7.2f s  (%.2f s)" % (off, statistics.median(times["off"])))
print("  time to init, HEKI+VTL1:  %7.2f s  (%.2f s)" % (on, statistics.median(times["on"])))
print("  ratio HEKI+VTL1 / heki=off: %.2fx  (%.2fx), target at most %.1fx: %s"
      % (ratio, statistics.median(times["on"]) / statistics.median(times["off"]),
         TARGET, "met" if ratio <= TARGET else "NOT met"))
print("  state: heki=off boots 'disabled', HEKI+VTL1 boots 'sealed'")
if vtl1_up["off"]:
    print("  note: VTL1 booted in %d of the %d heki=off boots (its console is not "
          "empty): heki=off does not keep VTL1 from starting in this kernel"
          % (vtl1_up["off"], rounds))
def seal_value(key):
    vals = []
    for st in seals:
        if st.get(key) not in vals:
            vals.append(st.get(key))
    shown = "/".join("-" if v is None else str(v) for v in vals)
    return shown + ("  (differs between rounds)" if len(vals) > 1 else "")

print("  VTL calls made to seal the kernel: %s" % seal_value("calls"))
print("  ranges sent:                       %s" % seal_value("ranges"))
print("  heki/seal: " + ", ".join("%s %s" % (k, seal_value(k).split()[0]) for k in seals[0]))
PY
