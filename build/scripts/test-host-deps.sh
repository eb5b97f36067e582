#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of host-deps.sh, the one place that installs host packages.  Never
# installs anything: apt-get and dpkg are stubs that only record their
# arguments, and the missing packages are made to look missing
# (HOST_DEPS_FAKE_MISSING).  Checks that
#  - every package given has a check that does not need dpkg, and that
#    the host has them all;
#  - NO_INSTALL=1 (also as root) names what is missing and the command to
#    install it, and runs no apt-get;
#  - a user other than root gets the sudo command, and no apt-get runs;
#  - root installs by default, and says so first;
#  - on a host without dpkg, what is missing is named (command, library,
#    module) and no apt-get runs.
#
# Usage: test-host-deps.sh <package>...   (the packages `make deps` needs)

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/check-lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/stubs" "$tmp/user" "$tmp/nodpkg"
for c in apt-get dpkg; do
	printf '#!/bin/sh\necho "%s $*" >> "%s/calls"\n' "$c" "$tmp" > "$tmp/stubs/$c"
	chmod +x "$tmp/stubs/$c"
done
printf '#!/bin/sh\necho 1000\n' > "$tmp/user/id"
chmod +x "$tmp/user/id"
# A host without dpkg: only what the scripts run, and an apt-get (of some
# other kind) that must not run.
for c in bash cat dirname grep id pkg-config readelf; do
	ln -s "$(command -v "$c")" "$tmp/nodpkg/$c"
done
cp "$tmp/stubs/apt-get" "$tmp/nodpkg/"

run() {	# <env>...: install-deps.sh with the stubs, output in $tmp/out
	rm -f "$tmp/calls"
	env PATH="$tmp/stubs:$PATH" "$@" "$here/install-deps.sh" "${pkgs[@]}" \
		> "$tmp/out" 2>&1
	echo "rc $?" >> "$tmp/out"
	cat "$tmp/out" >> "$tmp/all"
}
has() { grep -qF -- "$1" "$tmp/out"; }
no_apt() { [ ! -e "$tmp/calls" ]; }
apt_ran() { grep -qxF -- "$1" "$tmp/calls" 2>/dev/null; }

pkgs=("$@")
check "every package has a check without dpkg" \
	bash -c '. "$0/host-deps.sh"; for p; do host_dep_probes "$p" >/dev/null || exit 1; done' \
	"$here" "${pkgs[@]}"
run NO_INSTALL=1
check "the host has them all" has "rc 0"

pkgs=(bc dwarves libelf-dev python3-ply)
fake="dwarves libelf-dev python3-ply"
run NO_INSTALL=1 HOST_DEPS_FAKE_MISSING="$fake"
check "NO_INSTALL=1: fails" has "rc 1"
check "NO_INSTALL=1: names the missing packages" \
	has "Missing host packages: dwarves libelf-dev python3-ply"
check "NO_INSTALL=1: says what each lacks" has "command pahole (Debian package dwarves)"
check "NO_INSTALL=1: prints the command" \
	has "apt-get install -y --no-install-recommends dwarves libelf-dev python3-ply"
check "NO_INSTALL=1: runs no apt-get" no_apt

run PATH="$tmp/user:$tmp/stubs:$PATH" HOST_DEPS_FAKE_MISSING="$fake"
check "not root: fails" has "rc 1"
check "not root: prints the sudo command" \
	has "sudo apt-get install -y --no-install-recommends dwarves libelf-dev python3-ply"
check "not root: runs no apt-get" no_apt

run HOST_DEPS_FAKE_MISSING="dwarves"
check "root: says what it installs" has "  APT     install dwarves"
check "root: installs it with apt-get" \
	apt_ran "apt-get install -y -qq --no-install-recommends dwarves"
# The stub installs nothing, so the check after it fails.
check "root: checks again after installing" has "still missing"

pkgs=(gcc libelf-dev python3-ply)
run PATH="$tmp/nodpkg" HOST_DEPS_FAKE_MISSING="libelf-dev python3-ply"
check "no dpkg: fails" has "rc 1"
check "no dpkg: says so" has "no dpkg/apt-get"
check "no dpkg: names the command" has "command gcc (Debian package gcc)"
check "no dpkg: names the library" has "library libelf (pkg-config) (Debian package libelf-dev)"
check "no dpkg: names the module" has "python module ply"
check "no dpkg: runs no apt-get" no_apt

pkgs=(no-such-package)
run NO_INSTALL=1
check "a package without a check is an error" has "rc 2"

sed 's/^/# /' "$tmp/all"
echo "summary: $((checks - fails))/$checks host-deps checks passed"
[ "$fails" -eq 0 ]
