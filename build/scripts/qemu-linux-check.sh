#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Guest check of the Hyper-V/VSM emulator: a Linux guest with CONFIG_HYPERV
# boots with 4 vCPUs under hv-vsm=on; the serial log and the emulator's
# trace must show Hyper-V detection with the VSM privileges, the hypercall
# page and a VP assist page on every CPU, init reached, and no warning or
# oops.
#
# The guest is the VTL0 kernel that every other suite boots, not a
# pristine Linux: building one only for this check cost a whole kernel
# build. With hv_vsm=off its VSM backend stays off and it is a plain
# Hyper-V guest (HEKI runs without a backend): what is checked here is
# upstream's Hyper-V guest code, to which the series only adds the
# read-only direct map alias of the hypercall page.
#
# i8042.noaux keeps the PS/2 mouse probe, which finishes after init has
# started, from printing into the middle of init's lines.
#
# Usage: qemu-linux-check.sh <bzImage> <initrd>
# Environment: OUT, QEMU_LINUX_TIMEOUT (seconds, default 300).

set -euo pipefail

kernel=$(readlink -f "$1")
initrd=$(readlink -f "$2")
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
OUT=${OUT:-out}
qemu=$OUT/qemu/build/qemu-system-x86_64
timeout=${QEMU_LINUX_TIMEOUT:-300}
cpus=4

logs=$OUT/logs
mkdir -p "$logs"
log=$logs/qemu-linux.serial.log
trace=$logs/qemu-linux.trace.log
rm -f "$log" "$trace"

echo "  BOOT    VTL0 kernel, hv_vsm=off, -smp $cpus, hv-vsm=on (log: $log)"
set +e
timeout "$timeout" "$qemu" -accel tcg -cpu max,hv-vsm=on -smp "$cpus" \
	-m 512M -nographic -nodefaults -serial stdio -no-reboot \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 loglevel=7 i8042.noaux hv_vsm=off" \
	-trace "hv_vsm_msr" -D "$trace" > "$log" 2>&1 < /dev/null
rc=$?
set -e

pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
notok() { echo "not ok - $1"; fail=$((fail + 1)); }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }

check "qemu exited by guest power-off (rc=$rc)" '[ $rc -eq 0 ]'
check "Hyper-V detected" 'grep -q "Hypervisor detected: Microsoft Hyper-V" "$log"'
priv=$(sed -n 's/.*privilege flags low \(0x[0-9a-f]*\), high \(0x[0-9a-f]*\).*/\1 \2/p' "$log" | head -n1)
lo=${priv% *} hi=${priv#* }
check "privileges: SynicRegs, HypercallMsrs, VpIndex ($lo)" \
	'[ -n "$priv" ] && [ $((lo & 0x64)) -eq $((0x64)) ]'
check "privileges: AccessVsm, AccessVpRegisters, StartVirtualProcessor ($hi)" \
	'[ -n "$priv" ] && [ $((hi & 0x230000)) -eq $((0x230000)) ]'
check "privileges: no CreatePartitions/CpuManagement" \
	'[ -n "$priv" ] && [ $((hi & 0x1001)) -eq 0 ]'
check "all $cpus CPUs up" "grep -q 'smp: Brought up 1 node, $cpus CPUs' \"\$log\""
check "hypercall page enabled" \
	'grep -Eq "hv_vsm_msr vp 0 vtl 0 write 1 msr 0x40000001 val 0x[0-9a-f]*[13579bdf]$" "$trace"'
for vp in $(seq 0 $((cpus - 1))); do
	check "VP assist page enabled on vp $vp" \
		"grep -Eq 'hv_vsm_msr vp $vp vtl 0 write 1 msr 0x40000073 val 0x[0-9a-f]*[13579bdf]\$' \"\$trace\""
done
check "init reached" 'grep -q "Run /init as init process" "$log" && grep -q "heki-init: reached userspace" "$log"'
check "no WARNING/BUG/Oops/panic" \
	'! grep -Eq "WARNING:|BUG:|Oops|Kernel panic|Call Trace|RIP: " "$log"'

echo "summary: qemu-linux $pass passed, $fail failed"
[ "$fail" -eq 0 ]
