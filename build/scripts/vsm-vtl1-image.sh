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

for f in "$vtl1/vmlinux" "$vtl0/certs/signing_key.pem" \
	 "$vtl0/certs/signing_key.x509" "$vtl0/scripts/sign-file"; do
	[ -e "$f" ] || { echo "vsm-vtl1-image: $f missing" >&2; exit 1; }
done

objcopy -R .note -R .comment -S "$vtl1/vmlinux" "$elf.tmp"
mv "$elf.tmp" "$elf"
rm -f "$elf.p7s"
"$vtl0/scripts/sign-file" -dp sha256 "$vtl0/certs/signing_key.pem" \
	"$vtl0/certs/signing_key.x509" "$elf"
[ -s "$elf.p7s" ] || { echo "vsm-vtl1-image: no signature written" >&2; exit 1; }

rm -rf "$payload"
mkdir -p "$payload/lib/firmware/heki"
cp "$elf" "$elf.p7s" "$payload/lib/firmware/heki/"
echo "  VTL1    $elf ($(stat -c %s "$elf") bytes, signed)"
