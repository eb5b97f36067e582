# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by the scripts that fetch pinned downloads, whose sha256 are in a
# file of "<sha256>  <name>" lines (build/linux-base.sha256,
# build/qemu-source.sha256):
#   pin_sum <sums> <name>             the pinned sha256 of <name>, or nothing
#   pin_check <sums> <file> [<name>]  fails, saying why on stdout, unless the
#                                     sha256 of <file> is the one pinned for
#                                     <name> (default: the file's name)

pin_sum() {	# <sums> <name>
	awk -v f="$2" '$2 == f { print $1 }' "$1"
}

pin_check() {	# <sums> <file> [<name>]
	local name=${3:-${2##*/}} want got
	want=$(pin_sum "$1" "$name")
	if [ -z "$want" ]; then
		echo "no pinned sha256 for $name in $1"
		return 1
	fi
	got=$(sha256sum "$2" | cut -d' ' -f1)
	if [ "$got" != "$want" ]; then
		echo "sha256 mismatch for $2: got $got, want $want ($1)"
		return 1
	fi
}
