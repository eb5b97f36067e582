#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run build steps, each a make target, one after the other and print one
# line per step with its duration and the CPU time it used (user + system,
# all processes), so that the time of a cold build shows where it goes:
#
#   BUILD   vtl0: VTL0 kernel and modules ... 11m02s (cpu 20m31s)
#
# The output of a step goes to $OUT/steps/<target>.log; if the step fails,
# the tail of that log is printed and the remaining steps are not run. A
# step written @<target> shows its output instead (the demo boots). The
# host packages a step installs are always shown ("  APT     install ...").
#
# Each step runs as "make HEKI_STEPS=1 <target>": the make files then drop
# the prerequisites that earlier steps built, which saves a no-op kbuild
# per step. The steps must therefore be given in dependency order.
#
# At the end, a total and the ccache hits and misses of the steps.
#
# Usage: build-steps.sh <target>=<description>...

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
logs=${OUT:-out}/steps
mkdir -p "$logs"

. "$here/check-lib.sh"

# CPU time (user + system) of the finished children so far, in seconds,
# in $cpu_now. "times" must run in this shell, not in a $(...) subshell.
timesf=$(mktemp)
trap 'rm -f "$timesf"' EXIT
cpu_children() {
	times > "$timesf"
	cpu_now=$(tail -n 1 "$timesf" | awk '{
		for (i = 1; i <= 2; i++) {
			split($i, t, "m"); sub("s", "", t[2]); n += t[1] * 60 + t[2]
		}
		printf "%d\n", n }')
}

# Sum of ccache's hit or miss counters: ccache_stats hit|miss
ccache_stats() {
	command -v ccache >/dev/null || { echo 0; return; }
	(. "$here/ccache-env.sh"
	 ccache --print-stats 2>/dev/null) | awk -v want="$1" '
		want == "hit" && ($1 == "direct_cache_hit" || $1 == "preprocessed_cache_hit") { n += $2 }
		want == "miss" && $1 == "cache_miss" { n += $2 }
		END { print n + 0 }'
}

# The lines of a step's output that must not stay in its log: the host
# packages it installs (host-deps.sh), shown as they come; then the step's
# label again, for its time.
notices() {
	local line shown=0
	while IFS= read -r line; do
		case $line in
		"  APT     "*)
			[ "$shown" -eq 1 ] || echo
			echo "$line"
			shown=1 ;;
		esac
	done
	[ "$shown" -eq 0 ] || printf '%s' "$label"
}

hits0=$(ccache_stats hit) misses0=$(ccache_stats miss)
cpu_children
start=$(date +%s) cpu_start=$cpu_now
for step in "$@"; do
	target=${step%%=*} desc=${step#*=}
	show=0
	if [ "${target#@}" != "$target" ]; then
		show=1 target=${target#@}
	fi
	label=$(printf '  BUILD   %s: %s ...' "$target" "$desc")
	cpu_children
	t0=$(date +%s) c0=$cpu_now
	if [ "$show" -eq 1 ]; then
		echo "$label"
		make --no-print-directory HEKI_STEPS=1 "$target" 2>&1 |
			tee "$logs/$target.log"
		rc=${PIPESTATUS[0]}
		label="  BUILD   $target:"
	else
		printf '%s' "$label"
		make --no-print-directory HEKI_STEPS=1 "$target" 2>&1 < /dev/null |
			tee "$logs/$target.log" | notices
		rc=${PIPESTATUS[0]}
		label=
	fi
	cpu_children
	secs=$(( $(date +%s) - t0 )) cpu=$((cpu_now - c0))
	if [ "$rc" -ne 0 ]; then
		echo "${label:+$label} FAILED after $(duration "$secs") (log: $logs/$target.log)"
		[ "$show" -eq 1 ] || tail -n 40 "$logs/$target.log" | sed 's/^/    | /'
		exit 1
	fi
	echo "${label:+$label} $(duration "$secs") (cpu $(duration "$cpu"))"
done
cpu_children
hits=$(( $(ccache_stats hit) - hits0 )) misses=$(( $(ccache_stats miss) - misses0 ))
echo "  BUILD   total $(duration $(( $(date +%s) - start ))) (cpu $(duration $((cpu_now - cpu_start))))$(
	[ $((hits + misses)) -gt 0 ] &&
	echo ", ccache $hits hits, $misses misses ($((100 * hits / (hits + misses)))% hit)")"
