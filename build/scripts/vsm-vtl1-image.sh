#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Turn the VTL1 kernel's vmlinux into the image the VTL0 kernel loads:
# strip it to vtl1.elf, sign it (detached PKCS#7, vtl1.elf.p7s) with the
# module signing key of the VTL0 build (CONFIG_MODULE_SIG generates it, and
# the VTL0 kernel trusts it), and put both into a firmware tree
# <payload>/lib/firmware/heki/ that is packed into the VTL0 initramfs.
#
# Usage: vsm-vtl1-image.sh <vtl1 objdir> <vtl0 objdir> <payload dir>

set -euo pipefail

vtl1=$1 vtl0=$2 payload=$3
elf=$vtl1/vtl1.elf
here=$(cd "$(dirname "$0")" && pwd)

for f in "$vtl1/vmlinux" "$vtl0/certs/signing_key.pem" \
	 "$vtl0/certs/signing_key.x509" "$vtl0/scripts/sign-file" \
	 "$vtl0/include/config/kernel.release"; do
	[ -e "$f" ] || { echo "vsm-vtl1-image: $f missing" >&2; exit 1; }
done

objcopy -R .note -R .comment -S "$vtl1/vmlinux" "$elf.tmp"
mv "$elf.tmp" "$elf"
# The notes VTL0 checks (ABI, security version, CPU limit) must be there.
notes=$("$here/vsm-vtl1-notes.py" show "$elf" | paste -sd ' ')
rm -f "$elf.p7s"
"$vtl0/scripts/sign-file" -dp sha256 "$vtl0/certs/signing_key.pem" \
	"$vtl0/certs/signing_key.x509" "$elf"
[ -s "$elf.p7s" ] || { echo "vsm-vtl1-image: no signature written" >&2; exit 1; }

release=$(cat "$vtl0/include/config/kernel.release")
rm -rf "$payload"
mkdir -p "$payload/lib/firmware/heki/$release"
cp "$elf" "$elf.p7s" "$payload/lib/firmware/heki/$release/"
echo "  VTL1    $elf ($(stat -c %s "$elf") bytes, signed; $notes)"
