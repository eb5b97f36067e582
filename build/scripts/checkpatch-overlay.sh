#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch --strict on every new kernel source file of the overlay.
#
# Usage: checkpatch-overlay.sh <repo> <build tree>

set -uo pipefail

repo=$(readlink -f "$1")
tree=$(readlink -f "$2")
files=$(cd "$repo" && python3 -c '
import sys; sys.path.insert(0, "build/scripts")
import linux_patches
for f in linux_patches.overlay_files(".", sys.argv[1]):
    print(f)' "$tree" | grep -E '(\.[chS]|\.rst|/Kconfig[^/]*|/Makefile)$')

n=0 bad=0
for f in $files; do
	n=$((n + 1))
	if ! out=$(cd "$tree" && scripts/checkpatch.pl --strict --terse \
		     --no-summary --show-types -f "$f" 2>&1); then
		echo "$out"
		bad=$((bad + 1))
	elif [ -n "$out" ]; then
		echo "$out"
		bad=$((bad + 1))
	fi
done
echo "summary: $n files checked, $bad with findings"
[ "$bad" -eq 0 ]
