#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the HEKI kselftests (attacks, VTL calls, must-work cases, modules)
# and print one line that counts them. With the kernel sealed by a backend,
# an attack passes when it is blocked; with heki=off or without a backend,
# when it gets through. The VTL call tests count as attacks. The module
# tests expect what the state calls for (a module without its signature is
# refused only when sealed).
#
# The state expected comes from heki_expect=sealed|off|no-backend on the
# kernel command line (else off with heki=off, sealed otherwise), as in the
# tests themselves: when HEKI is in another state, the line says so and
# the script fails. With heki_expect=<state>,unchecked the tests expect
# what that state calls for without checking the state first.
#
# With heki_selftests=modules on the kernel command line (a boot with
# module.sig_enforce=1), only the module tests run, less the long ones.
#
# Every test of a binary's plan ("1..<n>") that was not skipped counts, and
# passes only with an "ok" line: a test without a result (the binary
# crashed) fails. A binary without a plan, or whose error exit no result
# shows, counts as one more failed test.
dir=/selftests/heki
status=0
skips=0

run() {	# <test> [<option>...] -> its KTAP output; its counts in ok and all
	t=$1
	shift
	tap=/tmp/$t.tap
	"$dir/$t" "$@" > "$tap" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] || status=1
	cat "$tap"
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$tap" | head -n 1)
	ok=$(grep '^ok [0-9]' "$tap" | grep -vc '# SKIP')
	skip=$(grep -c '^ok [0-9].*# SKIP' "$tap")
	skips=$((skips + skip))
	all=$((${plan:-0} - skip))
	if [ -z "$plan" ] || [ "$ok" -gt "$all" ] ||
	   { [ "$rc" -ne 0 ] && [ "$ok" -eq "$all" ]; }; then
		all=$((ok + 1))
	fi
}

for t in attacks_test vtl_calls_test must_work_test modules_test; do
	if [ ! -x "$dir/$t" ]; then
		echo "heki-selftests: $dir/$t missing"
		exit 1
	fi
done
state=$(cat /sys/kernel/security/heki/state 2>/dev/null)
if grep -q 'heki_selftests=modules' /proc/cmdline; then
	run modules_test -T many_cycles -T parallel_loads
	echo "heki-selftests: modules only (heki ${state:-absent}, sig_enforce $(cat /sys/module/module/parameters/sig_enforce)), $ok/$all module tests ok, $skips skipped"
	exit $status
fi
# must_work_test kills a task with the #GP of rdtsc on purpose (PR_SET_TSC):
# keep the kernel from logging it like an unexpected fault.
echo 0 > /proc/sys/debug/exception-trace
run attacks_test
a_ok=$ok a_all=$all
run vtl_calls_test
a_ok=$((a_ok + ok)) a_all=$((a_all + all))
run must_work_test
m_ok=$ok m_all=$all
run modules_test
mod_ok=$ok mod_all=$all

expect=sealed given=
for arg in $(cat /proc/cmdline); do
	case $arg in
	heki=[nN0]* | heki=[oO][fF]*) expect=off ;;
	heki=*) expect=sealed ;;
	heki_expect=*) given=${arg#heki_expect=} ;;
	esac
done
[ -n "$given" ] && expect=${given%,unchecked}
case $state in
disabled) now=off ;;
"no backend") now=no-backend ;;
*) now=${state:-absent} ;;
esac
if [ "$now" != "$expect" ]; then
	[ "$given" = "$expect" ] || expect="$expect (unchecked)"
	what="heki $now, $expect expected: $a_ok/$a_all attack tests passed"
	status=1
elif [ "$state" = sealed ]; then
	what="blocked $a_ok/$a_all attacks"
else
	what="heki ${state}: $a_ok/$a_all attacks got through"
fi
echo "heki-selftests: $what, $m_ok/$m_all must-work cases ok, $mod_ok/$mod_all module tests ok, $skips skipped"
exit $status
