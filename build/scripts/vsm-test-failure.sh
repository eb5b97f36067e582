#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The failure policy of the VSM backend: the partition offers VSM, but
# VTL1 cannot start. Each case boots the VSM guest under the emulator
# with a VTL1 image VTL0 must refuse, made from the real one (none at all,
# no signature, a wrong signature, a signed image below the security
# version floor (rollback), for another VTL call ABI, supporting fewer
# CPUs than the guest has, with a duplicate or an unknown note), or with a
# command line that keeps VTL1 from starting (no memory reserved,
# hv_vsm=off, nopv). With the default policy the guest boots unprotected,
# says why in its log and in securityfs ("failed: hyperv-vsm: <reason>"),
# and never runs VTL1. With hv_vsm_failure=panic it panics, naming the
# reason, whatever else the command line says: a later
# hv_vsm_failure=unprotected, heki=off and nopv do not get an unprotected
# boot, and hv_vsm=off is ignored (VTL1 starts and seals).
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

# <name> [retype] <note> <value>: the image with one note's value (or
# type) changed, signed again with the key VTL0 trusts.
make_signed() {
	local name=$1 op=set
	shift
	[ "$1" = retype ] && { op=retype; shift; }
	"$here/vsm-vtl1-notes.py" "$op" "$image" "$work/$name.elf" "$1" "$2" &&
		"$vtl0/scripts/sign-file" -dp sha256 "$vtl0/certs/signing_key.pem" \
			"$vtl0/certs/signing_key.x509" "$work/$name.elf" &&
		make_initrd "$name" "$work/$name.elf" "$work/$name.elf.p7s"
}

has_notes() { "$here/vsm-vtl1-notes.py" show "$image" > /dev/null; }
check "the VTL1 image has its notes" has_notes
version=$("$here/vsm-vtl1-notes.py" show "$image" | sed -n 's/^security_version //p')
abi=$("$here/vsm-vtl1-notes.py" show "$image" | sed -n 's/^abi //p')
floor=$(sed -n 's/^CONFIG_HYPERV_VSM_VTL1_MIN_SECURITY_VERSION=//p' "$vtl0/.config")
old=$((floor - 1))

# A changed image under the original signature.
"$here/vsm-vtl1-notes.py" set "$image" "$work/forged.elf" security_version $((version + 1)) &&
	make_initrd forged "$work/forged.elf" "$image.p7s"
make_signed rollback security_version "$old"
make_signed abi abi $((abi + 1))
make_signed cpus max_cpus 1
# The ABI note turned into a second CPU limit, and into a type VTL0 does
# not know.
make_signed duplicate retype abi 3
make_signed unknown retype abi 9
make_initrd good "$image" "$image.p7s"
mkdir -p "$work/nosig-root/lib/firmware/$fw"
cp "$image" "$work/nosig-root/lib/firmware/$fw/vtl1.elf"
(cd "$work/nosig-root" && find lib/firmware/heki | LC_ALL=C sort |
	cpio -o -H newc --owner=0:0 --quiet) | gzip -9n > "$work/nosig.cpio.gz"
cat "$initrd" "$work/nosig.cpio.gz" > "$work/nosig.img"

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
unprotected no-signature "$work/nosig.img" "no signature" "no signature $fw/vtl1.elf.p7s: -2"
unprotected bad-signature "$work/forged.img" "bad signature" "bad signature on $fw/vtl1.elf"
unprotected rollback "$work/rollback.img" "rollback" \
	"$fw/vtl1.elf has security version $old, below the floor $floor"
unprotected abi "$work/abi.img" "ABI mismatch" \
	"$fw/vtl1.elf serves VTL call ABI $((abi + 1)), this kernel needs $abi"
unprotected cpus "$work/cpus.img" "too many CPUs" \
	"$fw/vtl1.elf runs on up to 1 CPUs, this partition has 2"
unprotected duplicate "$work/duplicate.img" "malformed image" "$fw/vtl1.elf has malformed notes"
unprotected unknown "$work/unknown.img" "malformed image" "$fw/vtl1.elf has malformed notes"
# 256 GiB is no RAM of the guest: the reservation fails.
unprotected no-memory "$work/good.img" "no memory reserved" \
	"no memory reserved for VTL1" "hv_vsm_mem=64M@0x4000000000"
unprotected hv_vsm-off "$work/good.img" "hv_vsm=off" "hv_vsm=off, not starting VTL1" hv_vsm=off
unprotected nopv "$work/good.img" "Hyper-V not set up" \
	"Hyper-V grants AccessVsm, but the kernel did not set up Hyper-V" nopv

# <case> <initrd> <reason> <cmdline>: hv_vsm_failure=panic, and a panic
# that names the reason.
panics() {
	local log=$logs/vsm-failure-panic-$1.log

	check "panic-$1: hv_vsm_failure=panic $4: no boot" \
		bash -c '! env QUIET=1 TIMEOUT=300 "$0" "$1" "$2" "$3" 2 "hv_vsm_failure=panic $4" 2> /dev/null' \
		"$here/vsm-boot.sh" "$log" "$kernel" "$2" "$4"
	check "panic-$1: the panic names the reason" \
		grep -q "Kernel panic - not syncing: Hyper-V VSM: cannot start VTL1: $3" "$log"
}

panics abi "$work/abi.img" "ABI mismatch" ""
panics unprotected-later "$work/abi.img" "ABI mismatch" hv_vsm_failure=unprotected
panics heki-off "$work/good.img" "heki=off" heki=off
panics nopv "$work/good.img" "Hyper-V not set up" nopv

# hv_vsm=off cannot turn VTL1 off under the panic policy.
log=$logs/vsm-failure-panic-hv_vsm-off.log
check "panic-hv_vsm-off: hv_vsm_failure=panic hv_vsm=off boots with VTL1" \
	env QUIET=1 TIMEOUT=600 "$here/vsm-boot.sh" "$log" "$kernel" "$work/good.img" 2 \
	"hv_vsm_failure=panic hv_vsm=off"
check "panic-hv_vsm-off: hv_vsm=off ignored" grep -q "hv_vsm: hv_vsm=off ignored" "$log"
check "panic-hv_vsm-off: state sealed" grep -qx 'heki-status: state: sealed' "$log"

echo "result: failure policy: $((checks - fails))/$checks checks; VSM offered, VTL1 refused (no image, no signature, bad signature, rollback: security version $old < floor $floor, ABI mismatch, too many CPUs, duplicate or unknown note, no memory reserved, hv_vsm=off, nopv): booted unprotected, securityfs 'failed: hyperv-vsm: <reason>', VTL1 never ran; hv_vsm_failure=panic: a panic naming the reason (ABI mismatch, also after hv_vsm_failure=unprotected; heki=off; nopv), hv_vsm=off ignored (sealed)"
echo "summary: $((checks - fails))/$checks vsm failure policy checks passed"
[ "$fails" -eq 0 ]
