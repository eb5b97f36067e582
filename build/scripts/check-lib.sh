# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the host-side test scripts: TAP-style checks.
#   check <description> <command...>   runs the command, prints ok/not ok
#   $checks, $fails                     counts so far

fails=0 checks=0

check() {	# <description> <command...>
	checks=$((checks + 1))
	if "${@:2}"; then
		echo "ok $checks - $1"
	else
		echo "not ok $checks - $1"
		fails=$((fails + 1))
	fi
}
