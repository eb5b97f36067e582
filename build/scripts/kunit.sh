#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run KUnit suites with the kernel's tools/testing/kunit/kunit.py.
# With --build-only, configure and build the kernel without running it.
#
# Usage: kunit.sh [--build-only] <tree> <build dir> <x86_64|um>
#                 <dir with .kunitconfig>...

set -euo pipefail

cmd=run
if [ "${1:-}" = --build-only ]; then
	cmd=build
	shift
fi

tree=$(readlink -f "$1")
build=$(mkdir -p "$2" && readlink -f "$2")
arch=$3
shift 3

. "$(dirname "$0")/ccache-env.sh" "$build"
# Run QEMU under TCG only, see tcg-only/qemu-system-x86_64.
PATH=$(cd "$(dirname "$0")/tcg-only" && pwd):$PATH
kc=()
for d in "$@"; do kc+=(--kunitconfig="$d"); done

cd "$tree"
if [ "$cmd" = build ]; then
	exec ./tools/testing/kunit/kunit.py build --arch="$arch" \
		--build_dir="$build" --jobs="${JOBS:-$(nproc)}" \
		--make_options CC="$cc" "${kc[@]}"
fi
set +e
./tools/testing/kunit/kunit.py run --arch="$arch" --build_dir="$build" \
	--jobs="${JOBS:-$(nproc)}" --timeout=600 \
	--make_options CC="$cc" "${kc[@]}" 2>&1 | tee "$build/kunit.log"
rc=${PIPESTATUS[0]}
set -e
line=$(grep -E 'Testing complete\. Ran [0-9]+ tests' "$build/kunit.log" | tail -1 |
	sed 's/.*Testing complete\. //')
echo "summary: $arch: ${line:-no result}"
exit "$rc"
