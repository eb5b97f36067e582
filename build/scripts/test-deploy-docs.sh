#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the build machine's commands of the README's "In a Hyper-V VM"
# section, the block between <!-- deploy-commands --> and
# <!-- /deploy-commands -->, as they are written there (from the top of
# the repository, stopping at the first that fails), and check that they
# produced what the section says: the packages, the kselftest install
# with run_kselftest.sh, and the archive to copy to the VM.
#
# Usage: test-deploy-docs.sh <README> <out dir>

set -uo pipefail

readme=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

. "$here/check-lib.sh"

script=$(sed -n '/^<!-- deploy-commands -->$/,/^<!-- \/deploy-commands -->$/p' "$readme" |
	sed -e '/^<!--/d' -e '/^```/d')
check "the README has the build machine's commands" test -n "$script"
echo "$script" | sed 's/^/  | /'
# What they make, and nothing of an earlier run.
rm -rf "$out/debs" "$out/kselftest" "$out/heki-vm.tar.gz"
check "they run without error" bash -ec 'cd "$1"; eval "$2"' run "$top" "$script"

release=$(cat "$out/debs/release" 2>/dev/null)
check "they produce the kernel package" \
	test -s "$out/debs/linux-image-${release}_${release}-1_amd64.deb"
check "they produce the VTL1 package" \
	test -s "$out/debs/hv-vsm-vtl1-${release}_${release}-1_amd64.deb"
check "they install the kselftests with run_kselftest.sh" \
	test -x "$out/kselftest/run_kselftest.sh" -a -x "$out/kselftest/heki/attacks_test"
check "run_kselftest.sh lists the heki tests" \
	grep -q '^heki:attacks_test$' "$out/kselftest/kselftest-list.txt"
check "the archive for the VM has both" \
	bash -c 'tar -tzf "$0" | grep -q "^debs/hv-vsm-vtl1-" &&
		tar -tzf "$0" | grep -q "^kselftest/heki/modules_test$"' "$out/heki-vm.tar.gz"

echo "result: deploy docs: $((checks - fails))/$checks checks; the README's build machine commands make the packages, the kselftest install and the archive for the VM"
echo "summary: $((checks - fails))/$checks deploy docs checks passed"
[ "$fails" -eq 0 ]
