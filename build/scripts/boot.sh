#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel and initramfs under QEMU (TCG), serial console to stdout and
# to a log file.  Fails if the guest does not reach "heki-init: done" within
# the timeout, or if the kernel logged an oops, a warning or a panic.
# The machine has no SMM: a Hyper-V partition has none, and under the VSM
# emulator an SMI would take VTL0 out of long mode behind VTL1's back.
# i8042.noaux: the PS/2 mouse probe finishes asynchronously, after init
# has started, and its console line could land inside a line the checks
# look for.
#
# Usage: boot.sh <log> <kernel> <initrd> <cmdline> [qemu options...]
# Environment: QEMU (binary), SMP, MEM, TIMEOUT (seconds), QUIET=1 (log only),
# TCG_THREAD (single or multi)

set -uo pipefail

log=$1 kernel=$2 initrd=$3 cmdline=$4
shift 4
qemu=${QEMU:-qemu-system-x86_64}

mkdir -p "$(dirname "$log")"
# The host's QEMU (Debian 12: 7.2) runs the vCPUs on one thread: with a
# thread per vCPU it once let a vCPU run an INT3 the kernel's text
# patching had already replaced (the memory showed the new bytes), a stale
# translation as far as we can tell, at a jump label site before the
# seal. The emulator (QEMU 10, $QEMU set) keeps a thread per vCPU.
if [ -n "${QEMU:-}" ]; then tcg_thread=${TCG_THREAD:-multi}; else tcg_thread=${TCG_THREAD:-single}; fi
args=(-machine q35,smm=off -accel "tcg,thread=$tcg_thread" -cpu "${CPU:-max}" -smp "${SMP:-2}" -m "${MEM:-4G}"
      -nographic -no-reboot -monitor none -serial stdio
      -kernel "$kernel" -initrd "$initrd"
      -append "console=ttyS0 panic=-1 oops=panic i8042.noaux $cmdline" "$@")
if [ "${QUIET:-0}" = 1 ]; then
	timeout "${TIMEOUT:-300}" "$qemu" "${args[@]}" > "$log" 2>&1 < /dev/null
	rc=$?
else
	timeout "${TIMEOUT:-300}" "$qemu" "${args[@]}" < /dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
fi
tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"

if [ "$rc" -eq 124 ]; then
	echo "boot: timeout after ${TIMEOUT:-300}s ($log)" >&2
	exit 1
fi
if grep -nE 'Kernel panic|BUG:|Oops|WARNING:|general protection fault|Call Trace' "$log" >&2; then
	echo "boot: the kernel reported a problem ($log)" >&2
	exit 1
fi
if ! grep -q 'heki-init: done' "$log"; then
	echo "boot: the guest did not finish its init ($log)" >&2
	exit 1
fi
