#!/bin/sh
# Run the emulator's bare-metal tests and summarise their KTAP output.
# usage: run-tests.sh [--qemu BIN] [--cpu MODEL] [--dir DIR] [--timeout SEC]
#                     [--list FILE] [--all] [--extra 'QEMU ARGS'] [TEST...]
# A test passes when QEMU exits through isa-debug-exit with code 0 (status
# 1), the plan line is present, as many results as planned were printed and
# none is "not ok".
set -u
here=$(cd "$(dirname "$0")" && pwd)
qemu=qemu-system-x86_64
cpu=max,hv-vsm=on
dir=out/qemu-tests
timeout=60
list=$here/tests.list
all=0
extra=
while [ $# -gt 0 ]; do
	case $1 in
	--qemu) qemu=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	--dir) dir=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--list) list=$2; shift 2 ;;
	--all) all=1; shift ;;
	--extra) extra=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "run-tests.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done

if ! command -v "$qemu" >/dev/null 2>&1 && [ ! -x "$qemu" ]; then
	echo "run-tests.sh: QEMU binary '$qemu' not found (run 'make qemu')" >&2
	exit 2
fi

# select "name args..." lines
selected=$(mktemp)
trap 'rm -f "$selected"' EXIT
if [ $# -gt 0 ]; then
	for t in "$@"; do
		line=$(awk -v t="$t" '$1 == t { $2 = ""; print; exit }' "$list")
		[ -n "$line" ] || line=$t
		echo "$line" >>"$selected"
	done
else
	awk -v all=$all '/^[ \t]*(#|$)/ { next }
		$2 == "enabled" || all == 1 { $2 = ""; print }' "$list" >"$selected"
fi

pass=0 fail=0 asserts_ok=0 asserts_bad=0 failed_names=
while read -r name args; do
	elf=$dir/$name.elf
	log=$dir/$name.log
	if [ ! -f "$elf" ]; then
		echo "not ok - $name: $elf missing"
		fail=$((fail + 1)); failed_names="$failed_names $name"
		continue
	fi
	# shellcheck disable=SC2086
	timeout "$timeout" nice "$qemu" -M pc -accel tcg -cpu "$cpu" -m 64 \
		-nodefaults -display none -monitor none -serial stdio \
		-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		$extra $args -kernel "$elf" </dev/null >"$log" 2>&1
	rc=$?
	tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
	sed -n "s/^/[$name] /p" "$log" | grep -E '^\[[^]]*\] (ok|not ok|#|1\.\.)' || true
	ok=$(grep -c '^ok ' "$log")
	bad=$(grep -c '^not ok ' "$log")
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log" | tail -n 1)
	asserts_ok=$((asserts_ok + ok))
	asserts_bad=$((asserts_bad + bad))
	why=
	if [ "$rc" -eq 124 ]; then why="timeout after ${timeout}s"
	elif [ -z "$plan" ]; then why="no plan line (exit status $rc)"
	elif [ "$plan" -ne $((ok + bad)) ]; then why="planned $plan, saw $((ok + bad))"
	elif [ "$bad" -ne 0 ]; then why="$bad assertion(s) failed"
	elif [ "$rc" -ne 1 ]; then why="exit status $rc"
	fi
	if [ -z "$why" ]; then
		echo "ok - $name ($ok assertions)"
		pass=$((pass + 1))
	else
		echo "not ok - $name: $why (log: $log)"
		if [ -z "$plan" ]; then
			tail -n 3 "$log" | sed 's/^/#   /'
		else
			grep -E '^# (PANIC|expected)' "$log" | sed 's/^/#   /'
		fi
		fail=$((fail + 1)); failed_names="$failed_names $name"
	fi
done <"$selected"

echo "# qemu-tests: $pass passed, $fail failed; assertions: $asserts_ok ok, $asserts_bad not ok"
echo "summary: $pass/$((pass + fail)) programs, $asserts_ok assertions ok, $asserts_bad not ok"
[ -n "$failed_names" ] && echo "# failed:$failed_names"
[ "$fail" -eq 0 ] && [ $((pass + fail)) -gt 0 ]
