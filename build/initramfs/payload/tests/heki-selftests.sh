#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the HEKI kselftests (attacks, then must-work cases) and print one
# line that counts them. With the kernel sealed by a backend, an attack
# passes when it is blocked; with heki=off or without a backend, when it
# gets through.
dir=/selftests/heki
status=0

run() {	# <test> -> its KTAP output in /tmp/<test>.tap
	"$dir/$1" > "/tmp/$1.tap" 2>&1 || status=1
	cat "/tmp/$1.tap"
}

count() {	# <tap file> <ok|not ok> -> results that were not skipped
	grep "^$2 [0-9]" "$1" | grep -vc '# SKIP'
}

if [ ! -x "$dir/attacks_test" ] || [ ! -x "$dir/must_work_test" ]; then
	echo "heki-selftests: tests missing in $dir"
	exit 1
fi
state=$(cat /sys/kernel/security/heki/state 2>/dev/null)
# must_work_test kills a task with the #GP of rdtsc on purpose (PR_SET_TSC):
# keep the kernel from logging it like an unexpected fault.
echo 0 > /proc/sys/debug/exception-trace
run attacks_test
run must_work_test

a_ok=$(count /tmp/attacks_test.tap ok)
a_all=$((a_ok + $(count /tmp/attacks_test.tap "not ok")))
m_ok=$(count /tmp/must_work_test.tap ok)
m_all=$((m_ok + $(count /tmp/must_work_test.tap "not ok")))
skips=$(grep -c '^ok [0-9].*# SKIP' /tmp/attacks_test.tap /tmp/must_work_test.tap |
	awk -F: '{ n += $2 } END { print n }')

if [ "$state" = sealed ]; then
	what="blocked $a_ok/$a_all attacks"
else
	what="heki ${state:-absent}: $a_ok/$a_all attacks got through"
fi
echo "heki-selftests: $what, $m_ok/$m_all must-work cases ok, $skips skipped"
exit $status
