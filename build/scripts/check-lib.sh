# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the host-side test scripts: TAP-style checks.
#   check <description> <command...>   runs the command, prints ok/not ok
#   $checks, $fails                     counts so far
#   heki_no_wx <log>                    the guest's heki/permissions shows
#                                       no frame writable and executable
#   duration <seconds>                  "1m05s" or "42s"

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

heki_no_wx() {	# <log>
	grep -qx 'heki-status: permissions: -wx 0 0' "$1" &&
		grep -qx 'heki-status: permissions: rwx 0 0' "$1"
}

duration() {	# <seconds>
	if [ "$1" -ge 60 ]; then
		printf '%dm%02ds' $(($1 / 60)) $(($1 % 60))
	else
		printf '%ds' "$1"
	fi
}
