#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Test modules for the module signature tests: crypto_acompress.ko of the
# VTL0 build, its signature replaced by one of each test key of
# test-keys.sh, as <payload>/selftests/heki/modules/<key>.ko.
#
# Usage: test-modules.sh <vtl0 objdir> <installed modules dir> <keys dir>
#        <payload dir>

set -euo pipefail

obj=$1 mods=$2 keys=$3 payload=$4
ko=$(find "$mods" -name crypto_acompress.ko | head -n 1)
[ -n "$ko" ] || { echo "test-modules: crypto_acompress.ko missing" >&2; exit 1; }
out=$payload/selftests/heki/modules
rm -rf "$out"
mkdir -p "$out"

# The ELF file without the signature the build appended.
python3 - "$ko" "$out/unsigned.ko" <<'EOP'
import sys
data = open(sys.argv[1], "rb").read()
marker = b"~Module signature appended~\n"
assert data.endswith(marker), "module not signed"
sig_len = int.from_bytes(data[-len(marker) - 4:-len(marker)], "big")
open(sys.argv[2], "wb").write(data[:-len(marker) - 12 - sig_len])
EOP
for k in revoked blacklisted unknown; do
	cp "$out/unsigned.ko" "$out/$k.ko"
	"$obj/scripts/sign-file" sha256 "$keys/$k.pem" "$keys/$k.pem" "$out/$k.ko"
done
rm "$out/unsigned.ko"
echo "  MODULES $out: crypto_acompress signed by revoked, blacklisted and unknown keys"
