#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the HEKI kselftests (attacks, VTL calls, must-work cases) and print
# one line that counts them. With the kernel sealed by a backend, an
# attack passes when it is blocked; with heki=off or without a backend,
# when it gets through. The VTL call tests count as attacks.
dir=/selftests/heki
status=0

run() {	# <test> -> its KTAP output in /tmp/<test>.tap
	"$dir/$1" > "/tmp/$1.tap" 2>&1 || status=1
	cat "/tmp/$1.tap"
}

count() {	# <ok|not ok> <tap file>... -> results that were not skipped
	r=$1
	shift
	cat "$@" | grep "^$r [0-9]" | grep -vc '# SKIP'
}

for t in attacks_test vtl_calls_test must_work_test; do
	if [ ! -x "$dir/$t" ]; then
		echo "heki-selftests: $dir/$t missing"
		exit 1
	fi
done
state=$(cat /sys/kernel/security/heki/state 2>/dev/null)
# must_work_test kills a task with the #GP of rdtsc on purpose (PR_SET_TSC):
# keep the kernel from logging it like an unexpected fault.
echo 0 > /proc/sys/debug/exception-trace
run attacks_test
run vtl_calls_test
run must_work_test

attacks="/tmp/attacks_test.tap /tmp/vtl_calls_test.tap"
a_ok=$(count ok $attacks)
a_all=$((a_ok + $(count "not ok" $attacks)))
m_ok=$(count ok /tmp/must_work_test.tap)
m_all=$((m_ok + $(count "not ok" /tmp/must_work_test.tap)))
skips=$(cat $attacks /tmp/must_work_test.tap | grep -c '^ok [0-9].*# SKIP')

if [ "$state" = sealed ]; then
	what="blocked $a_ok/$a_all attacks"
else
	what="heki ${state:-absent}: $a_ok/$a_all attacks got through"
fi
echo "heki-selftests: $what, $m_ok/$m_all must-work cases ok, $skips skipped"
exit $status
