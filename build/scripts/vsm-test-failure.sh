#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The failure policy of the VSM backend: the partition offers VSM, but
# VTL1 cannot start. Each case boots the VSM guest under the emulator
# with a VTL1 image VTL0 must refuse, made from the real one: none at
# all, a wrong signature, a signed image below the security version floor
# (rollback), a signed image for another VTL call ABI, a signed image
# supporting fewer CPUs than the guest has, and no memory reserved for
# VTL1. With the default policy the guest boots unprotected, says why in
# its log and in securityfs ("failed: hyperv-vsm: <reason>"), gives the
# reserved memory back and never runs VTL1; with hv_vsm_failure=panic it
# panics, naming the reason.
#
# Usage: vsm-test-failure.sh <bzImage> <initrd without VTL1> <VTL1 payload>
#                            <VTL0 objdir> <log dir>
# <VTL1 payload> is the firmware tree of vsm-vtl1-image.sh; the VTL0
# objdir has the signing key the VTL0 kernel trusts.
# Environment: QEMU (the emulator), QEMU_EXTRA as for vsm-boot.sh

set -uo pipefail

kernel=$1 initrd=$2 payload=$3 vtl0=$4 logs=$5
here=$(cd "$(dirname "$0")" && pwd)

. "$here/check-lib.sh"

release=$(cat "$vtl0/include/config/kernel.release")
fw=heki/$release
image=$payload/lib/firmware/$fw/vtl1.elf
[ -s "$image" ] && [ -s "$image.p7s" ] || { echo "vsm-test-failure: $image{,.p7s} missing (make vtl1)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# <name> <elf> <signature>: the initrd plus an archive with that image.
make_initrd() {
	local root=$work/$1-root
	mkdir -p "$root/lib/firmware/$fw"
	cp "$2" "$root/lib/firmware/$fw/vtl1.elf"
	cp "$3" "$root/lib/firmware/$fw/vtl1.elf.p7s"
	(cd "$root" && find lib/firmware/heki | LC_ALL=C sort |
		cpio -o -H newc --owner=0:0 --quiet) | gzip -9n > "$work/$1.cpio.gz"
	cat "$initrd" "$work/$1.cpio.gz" > "$work/$1.img"
}

# <name> <note> <value>: the image with one note changed, signed again
# with the key VTL0 trusts.
make_signed() {
	"$here/vsm-vtl1-notes.py" set "$image" "$work/$1.elf" "$2" "$3" &&
		"$vtl0/scripts/sign-file" -dp sha256 "$vtl0/certs/signing_key.pem" \
			"$vtl0/certs/signing_key.x509" "$work/$1.elf" &&
		make_initrd "$1" "$work/$1.elf" "$work/$1.elf.p7s"
}

has_notes() { "$here/vsm-vtl1-notes.py" show "$image" > /dev/null; }
check "the VTL1 image has its notes" has_notes
version=$("$here/vsm-vtl1-notes.py" show "$image" | sed -n 's/^security_version //p')
abi=$("$here/vsm-vtl1-notes.py" show "$image" | sed -n 's/^abi //p')

# A changed image under the original signature.
"$here/vsm-vtl1-notes.py" set "$image" "$work/forged.elf" security_version $((version + 1)) &&
	make_initrd forged "$work/forged.elf" "$image.p7s"
make_signed rollback security_version $((version - 1))
make_signed abi abi $((abi + 1))
make_signed cpus max_cpus 1
make_initrd good "$image" "$image.p7s"

# <case> <initrd> <reason> <log line> [<cmdline>]: boots unprotected.
unprotected() {
	local log=$logs/vsm-failure-$1.log vtl1=$logs/vsm-failure-$1.vtl1.log

	check "$1: VTL0 boots without oops or warning" \
		env QUIET=1 TIMEOUT=300 "$here/vsm-boot.sh" "$log" "$kernel" "$2" 2 "${5:-}"
	check "$1: the log says why" grep -q "hv_vsm: $4" "$log"
	check "$1: the log says the kernel is unprotected" \
		grep -q "heki: backend hyperv-vsm failed to start ($3): kernel integrity is NOT enforced" "$log"
	check "$1: securityfs state is 'failed: hyperv-vsm: $3'" \
		grep -qx "heki-status: state: failed: hyperv-vsm: $3" "$log"
	check "$1: no backend registered" grep -qx 'heki-status: backend: none' "$log"
	check "$1: VTL1 never ran" test ! -s "$vtl1"
}

unprotected no-image "$initrd" "no image" "cannot load $fw/vtl1.elf: -2"
check "no-image: the reserved memory is given back" \
	grep -q "Freeing hv_vsm memory" "$logs/vsm-failure-no-image.log"
unprotected bad-signature "$work/forged.img" "bad signature" "bad signature on $fw/vtl1.elf"
unprotected rollback "$work/rollback.img" "rollback" \
	"$fw/vtl1.elf has security version $((version - 1)), below the floor"
unprotected abi "$work/abi.img" "ABI mismatch" \
	"$fw/vtl1.elf serves VTL call ABI $((abi + 1)), this kernel needs $abi"
unprotected cpus "$work/cpus.img" "too many CPUs" \
	"$fw/vtl1.elf runs on up to 1 CPUs, this partition has 2"
# 256 GiB is no RAM of the guest: the reservation fails.
unprotected no-memory "$work/good.img" "no memory reserved" \
	"no memory reserved for VTL1" "hv_vsm_mem=64M@0x4000000000"

# The stricter policy from the command line: a panic that names the reason.
log=$logs/vsm-failure-panic.log
check "panic: hv_vsm_failure=panic does not boot an ABI mismatch" \
	bash -c '! env QUIET=1 TIMEOUT=300 "$0" "$1" "$2" "$3" 2 hv_vsm_failure=panic 2> /dev/null' \
	"$here/vsm-boot.sh" "$log" "$kernel" "$work/abi.img"
check "panic: the panic names the reason" \
	grep -q 'Kernel panic - not syncing: Hyper-V VSM: cannot start VTL1: ABI mismatch' "$log"

echo "result: failure policy: $((checks - fails))/$checks checks; VSM offered, VTL1 refused: no image, bad signature, rollback (security version $((version - 1)) < floor), ABI mismatch, too many CPUs, no memory reserved: booted unprotected, securityfs 'failed: hyperv-vsm: <reason>', VTL1 never ran; hv_vsm_failure=panic: panic naming the reason"
echo "summary: $((checks - fails))/$checks vsm failure policy checks passed"
[ "$fails" -eq 0 ]
