#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot tests of the VSM guest under the Hyper-V/VSM emulator, booted by
# SeaBIOS and by UEFI (OVMF, like a generation 2 VM; with efi=noruntime,
# see Documentation/virt/hyperv/vsm.rst), each with 2, 4 and 8 vCPUs:
# VTL1 boots and runs on every CPU, HEKI registers the hyperv-vsm backend
# and seals the kernel, and neither kernel warns or oopses. Then once
# with heki=off, which must not start VTL1.
#
# Usage: vsm-test-boot.sh <bzImage> <initrd> <log dir> [<vCPUs>...]
# Environment: QEMU (the emulator), QEMU_EXTRA as for vsm-boot.sh,
# VSM_BOOT_FIRMWARE (default "seabios uefi")

set -uo pipefail

kernel=$1 initrd=$2 logs=$3
shift 3
[ $# -gt 0 ] || set -- 2 4 8
here=$(cd "$(dirname "$0")" && pwd)

. "$here/check-lib.sh"
. "$here/host-deps.sh"

ovmf=/usr/share/OVMF
vars=$(mktemp)
trap 'rm -f "$vars"' EXIT

for fw in ${VSM_BOOT_FIRMWARE:-seabios uefi}; do
	case $fw in
	seabios|uefi) ;;
	*) echo "vsm-test-boot: unknown firmware $fw (seabios or uefi)" >&2; exit 2 ;;
	esac
done
for fw in ${VSM_BOOT_FIRMWARE:-seabios uefi}; do
	extra=${QEMU_EXTRA:-} cmdline="" name=""
	if [ "$fw" = uefi ]; then
		host_deps ovmf
		cp "$ovmf/OVMF_VARS_4M.fd" "$vars"
		extra="$extra -drive if=pflash,format=raw,unit=0,readonly=on,file=$ovmf/OVMF_CODE_4M.fd"
		extra="$extra -drive if=pflash,format=raw,unit=1,file=$vars"
		cmdline=efi=noruntime name=uefi-
	fi
	for n in "$@"; do
		log=$logs/vsm-boot-$name$n.log
		vtl1=$logs/vsm-boot-$name$n.vtl1.log
		what="$fw, $n vCPUs"
		check "$what: VTL0 + VTL1 reach init without oops or warning" \
			env QUIET=1 QEMU_EXTRA="$extra" "$here/vsm-boot.sh" "$log" "$kernel" \
			"$initrd" "$n" "$cmdline"
		check "$what: all $n CPUs online in VTL0" \
			grep -q "^heki-init: reached userspace on .*, $n CPUs" "$log"
		check "$what: VTL1 runs on $n CPUs" \
			grep -q "hv_vsm: VTL1 running on $n CPUs" "$log"
		check "$what: backend hyperv-vsm registered" \
			grep -q 'heki: registered backend hyperv-vsm' "$log"
		check "$what: securityfs backend is hyperv-vsm" \
			grep -q '^heki-status: backend: hyperv-vsm' "$log"
		check "$what: state sealed" \
			grep -q '^heki-status: state: sealed' "$log"
		check "$what: VTL1 sealed the protections" \
			grep -q 'hv_vsm: end of boot: VTL0 protections sealed' "$vtl1"
		check "$what: registers pinned on CPUs 0-$((n - 1))" \
			grep -qx "heki-status: pinned: cpus 0-$((n - 1))" "$log"
		check "$what: $((n + 3)) backend calls to seal" \
			grep -qx "heki-status: seal: calls $((n + 3))" "$log"
		check "$what: no frame writable and executable" heki_no_wx "$log"
		if [ "$fw" = uefi ]; then
			check "$what: booted by UEFI" grep -q '^efi: EFI v[0-9.]* by EDK II' "$log"
		else
			check "$what: booted without UEFI" bash -c '! grep -q "^efi: EFI v" "$0"' "$log"
		fi
	done
done

# heki=off: VTL1 only serves HEKI, so it is not started at all.
log=$logs/vsm-boot-heki-off.log
vtl1=$logs/vsm-boot-heki-off.vtl1.log
check "heki=off: VTL0 reaches init without oops or warning" \
	env QUIET=1 "$here/vsm-boot.sh" "$log" "$kernel" "$initrd" 2 "heki=off"
check "heki=off: state disabled" \
	grep -qx 'heki-status: state: disabled' "$log"
check "heki=off: VTL0 does not start VTL1" \
	grep -q 'hv_vsm: HEKI disabled (heki=off), not starting VTL1' "$log"
check "heki=off: VTL1 never ran" test ! -s "$vtl1"

echo "summary: $((checks - fails))/$checks vsm boot checks passed"
[ "$fails" -eq 0 ]
