#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the VTL0 kernel and run the HEKI kselftests in it
# (build/initramfs/payload/tests/heki-selftests.sh), then check their
# summary line.
#
# Mode "off" (stock QEMU, no hypervisor backend): boot once with heki=off
# and once with HEKI on; both times every attack that applies must get
# through, at least MIN_ATTACKS of them, and every must-work case pass.
# A third boot expects the kernel to be sealed (heki_expect=sealed), as a
# kernel whose backend failed would be: every attack and module test must
# fail.
#
# Mode "vsm" (the Hyper-V/VSM emulator, VTL0 with the VSM backend and
# VTL1, one boot each): sealed, every attack and malformed VTL call must be
# blocked, at least MIN_VSM_ATTACKS of them, and every must-work case pass;
# with heki=off, the same attacks on the kernel must get through, which
# shows that the hypervisor, not the guest, blocked them. A third boot,
# sealed with module.sig_enforce=1, runs the module tests again. Prints a
# "result:" line with the counts for make check's total.
#
# Usage: test-heki-selftests.sh <bzImage> <initrd> <log dir> off|vsm
# Environment (vsm): QEMU, the emulator binary.

set -uo pipefail

kernel=$1 initrd=$2 logs=$3 mode=$4
here=$(cd "$(dirname "$0")" && pwd)
# Attacks on the kernel itself; those on VTL1 and the backend need VSM.
# (EFER.LMA, which the processor ignores, and the hypercall page, which
# needs Hyper-V, are skipped without the emulator.)
MIN_ATTACKS=23
MIN_MUST_WORK=6
# Those plus VTL1 memory, boot-only calls after the seal, malformed calls.
MIN_VSM_ATTACKS=31
# Around the hypervisor boundary: the six other pinned MSRs, EFER.LMA,
# code outside System RAM and the hypercall page.
MIN_BOUNDARY=9
# PATCH_TEXT cases of the VSM call tests: 2 declared jump label changes
# and 6 static call changes written (and 2 batches of both), 27 forged or
# malformed ones refused,
# the text unchanged, and the call with its unused argument set.
MIN_PATCH_CASES=38
# Real modules load, run, unload and reload (also 600 times, and from two
# processes at once), one with static call sites is refused; unsigned and
# modified ones, another module's
# signature; revoked, blacklisted and unknown keys and the build's, also
# handed to the hypervisor side by a hostile loader; modules changed by the loader after
# layout (text, rodata, reloc, size, kernel text, another module, outside
# RAM); writes to a loaded module's text and rodata through an alias,
# code run in its data; text run after unload, init text after its
# release, tokens replayed after release; text changed from another CPU
# during validation.
MIN_MODULE_TESTS=33
# The same less the two long ones, in the boot with module.sig_enforce=1.
MIN_ENFORCED_MODULE_TESTS=31
# VTL1 logs its free pages whenever it holds no module any more (the 1st,
# 100th, 200th, ... time): after the 600 cycles, at most this many pages
# fewer than the first time (a leak of a page per module would lose 600).
MAX_VTL1_PAGES_LOST=64

. "$here/check-lib.sh"

# <log> <state>: the summary line says that all attacks got through.
all_through() {
	local line a n m k
	line=$(grep -a '^heki-selftests: ' "$1" | tail -1)
	echo "  $1: ${line:-no summary line}"
	[[ $line =~ ^heki-selftests:\ heki\ $2:\ ([0-9]+)/([0-9]+)\ attacks\ got\ through,\ ([0-9]+)/([0-9]+)\ must-work ]] ||
		return 1
	a=${BASH_REMATCH[1]} n=${BASH_REMATCH[2]}
	m=${BASH_REMATCH[3]} k=${BASH_REMATCH[4]}
	[ "$a" -eq "$n" ] && [ "$n" -ge "$MIN_ATTACKS" ] &&
		[ "$m" -eq "$k" ] && [ "$k" -ge "$MIN_MUST_WORK" ]
}

# <log>: the summary line says that HEKI was not sealed as expected, and
# that every attack and module test failed.
all_failed() {
	local line
	line=$(grep -a '^heki-selftests: ' "$1" | tail -1)
	echo "  $1: ${line:-no summary line}"
	[[ $line =~ ^heki-selftests:\ heki\ no-backend,\ sealed\ expected:\ 0/([0-9]+)\ attack\ tests\ passed,.*\ 0/([0-9]+)\ module\ tests\ ok ]] &&
		[ "${BASH_REMATCH[1]}" -ge "$MIN_ATTACKS" ] &&
		[ "${BASH_REMATCH[2]}" -ge "$MIN_MODULE_TESTS" ]
}

# <log>: with the state unchecked, every attack test failed (the attacks
# got through), and so did every module test that expects a refusal and
# every policy test (the features worked).
each_failed() {
	local line n
	line=$(grep -a '^heki-selftests: ' "$1" | tail -1)
	echo "  $1: ${line:-no summary line}"
	[[ $line =~ ^heki-selftests:\ heki\ no-backend,\ sealed\ \(unchecked\)\ expected:\ 0/([0-9]+)\ attack\ tests\ passed ]] &&
		[ "${BASH_REMATCH[1]}" -ge "$MIN_ATTACKS" ] || return 1
	for n in unsigned_module; do
		grep -a -q "^not ok [0-9]* modules\.$n\$" "$1" || return 1
	done
	for n in kprobes static_call_target modify_ldt kexec bpf_jit; do
		grep -a -q "^not ok [0-9]* global\.policy_$n\$" "$1" || return 1
	done
	[ "$(grep -a -c -E '^not ok [0-9]+ tamper\.[a-z_]+\.after_layout$' "$1")" -ge 7 ]
}

# <log>: the summary line says that all attacks were blocked.
all_blocked() {
	local line a n m k
	line=$(grep -a '^heki-selftests: ' "$1" | tail -1)
	echo "  $1: ${line:-no summary line}"
	[[ $line =~ ^heki-selftests:\ blocked\ ([0-9]+)/([0-9]+)\ attacks,\ ([0-9]+)/([0-9]+)\ must-work ]] ||
		return 1
	a=${BASH_REMATCH[1]} n=${BASH_REMATCH[2]}
	m=${BASH_REMATCH[3]} k=${BASH_REMATCH[4]}
	[ "$a" -eq "$n" ] && [ "$n" -ge "$MIN_VSM_ATTACKS" ] &&
		[ "$m" -eq "$k" ] && [ "$k" -ge "$MIN_MUST_WORK" ]
}

# <log> [<minimum>]: every module test passed (what passes depends on the
# state).
modules_ok() {
	local line
	line=$(grep -a '^heki-selftests: ' "$1" | tail -1)
	[[ $line =~ ,\ ([0-9]+)/([0-9]+)\ module\ tests\ ok ]] || return 1
	[ "${BASH_REMATCH[1]}" -eq "${BASH_REMATCH[2]}" ] &&
		[ "${BASH_REMATCH[2]}" -ge "${2:-$MIN_MODULE_TESTS}" ]
}

# <VTL1 log>: its free pages came back after the modules went; sets
# vtl1_mem to what it saw.
vtl1_memory_back() {
	local first last
	first=$(grep -a -o 'modules: none held (1 times), [0-9]* pages free' "$1" |
		sed 's/.*, \([0-9]*\) pages.*/\1/' | head -n 1)
	last=$(grep -a -o 'modules: none held ([0-9]* times), [0-9]* pages free' "$1" |
		tail -n 1 | sed 's/.*(\([0-9]*\) times), \([0-9]*\) pages.*/\1 \2/')
	vtl1_mem="no module records in $1"
	[ -n "$first" ] && [ -n "$last" ] || return 1
	vtl1_mem="${last% *} times no module left, ${last#* } pages free against $first the first time"
	echo "  VTL1: $vtl1_mem"
	[ "${last% *}" -ge 600 ] && [ $((first - ${last#* })) -le "$MAX_VTL1_PAGES_LOST" ]
}

# <log> <pattern>: how many KTAP results match ^ok <n> <pattern>$.
count_ok() {
	grep -a -c -E "^ok [0-9]+ $2\$" "$1"
}

# <log> <test>: the KTAP result of a module test.
module_case() {
	grep -a -q "^ok [0-9]* modules\.$2\$" "$1"
}

case $mode in
vsm)
	log=$logs/vsm-selftests-sealed.log
	check "sealed: VTL0 and VTL1 run the selftests without oops or warning" \
		env QUIET=1 TIMEOUT=900 "$here/vsm-boot.sh" "$log" "$kernel" \
		"$initrd" 2 "heki_test=heki-selftests"
	check "sealed: the kernel is sealed by hyperv-vsm" \
		grep -q '^heki-status: backend: hyperv-vsm' "$log"
	check "sealed: every attack is blocked, every must-work case works" \
		all_blocked "$log"
	check "sealed: the selftests exit with status 0" \
		grep -q '^heki-init: heki-selftests exit status 0' "$log"
	check "sealed: signed modules load, run and unload; VTL1 refuses the unsigned one" \
		modules_ok "$log"
	check "sealed: VTL1 took VTL0's certificates, revoked key and blacklisted hash" \
		grep -aq 'hv_vsm: module keys: 2 certificates of VTL0, 1 revoked, 1 blacklisted hashes' \
		"${log%.log}.vtl1.log"
	check "sealed: VTL1's free memory comes back after hundreds of module loads" \
		vtl1_memory_back "${log%.log}.vtl1.log"
	vtl1_memory_back "${log%.log}.vtl1.log" >/dev/null
	sealed=$(grep -a '^heki-selftests: ' "$log" | tail -1)
	mods_sealed=$log

	log=$logs/vsm-selftests-off.log
	check "heki=off: the guest runs the selftests without oops or warning" \
		env QUIET=1 TIMEOUT=900 "$here/vsm-boot.sh" "$log" "$kernel" \
		"$initrd" 2 "heki=off heki_test=heki-selftests"
	check "heki=off: every attack gets through, every must-work case works" \
		all_through "$log" disabled
	check "heki=off: the selftests exit with status 0" \
		grep -q '^heki-init: heki-selftests exit status 0' "$log"
	check "heki=off: the same modules load, the unsigned one too" \
		modules_ok "$log"
	off=$(grep -a '^heki-selftests: ' "$log" | tail -1)
	mods_off=$log

	log=$logs/vsm-selftests-sig-enforce.log
	check "sealed, module.sig_enforce=1: the module tests run without oops or warning" \
		env QUIET=1 TIMEOUT=600 "$here/vsm-boot.sh" "$log" "$kernel" \
		"$initrd" 2 "module.sig_enforce=1 heki_test=heki-selftests heki_selftests=modules"
	check "sealed, module.sig_enforce=1: every module test passes" \
		modules_ok "$log" "$MIN_ENFORCED_MODULE_TESTS"
	enforced=$(grep -a '^heki-selftests: ' "$log" | tail -1 |
		sed -n 's/.*, \([0-9]*\/[0-9]*\) module tests ok.*/\1/p')

	echo "result: VSM guest sealed: ${sealed#heki-selftests: }; heki=off: ${off#heki-selftests: heki disabled: }"
	loaded=$(module_case "$mods_sealed" load_run_unload_reload &&
		module_case "$mods_sealed" uses_exports_of_another && echo 5 || echo 0)
	cycles=$(module_case "$mods_sealed" many_cycles && echo 600 || echo "NOT 600")
	parallel=$(module_case "$mods_sealed" parallel_loads && echo "in parallel" || echo "NOT in parallel")
	static_calls=$(module_case "$mods_sealed" static_call_sites_refused && echo "refused (-EOPNOTSUPP)" || echo "NOT refused")
	refused=0
	for t in unsigned_module modified_after_signing signature_of_another; do
		module_case "$mods_sealed" $t && refused=$((refused + 1))
	done
	keys=$(count_ok "$mods_sealed" 'keys\.[a-z]+\.signed_by')
	handed=$(( $(count_ok "$mods_sealed" 'keys\.[a-z]+\.handed_to_hypervisor') +
		   $(count_ok "$mods_sealed" 'modules\.other_signature_handed_to_hypervisor') ))
	tamper=$(count_ok "$mods_sealed" 'tamper\.[a-z_]+\.after_layout')
	alias=$(count_ok "$mods_sealed" 'loaded\.[a-z]+\.write_through_alias')
	data=$(module_case "$mods_sealed" exec_module_data && echo blocked || echo "NOT blocked")
	released=$(count_ok "$mods_sealed" 'released\.[a-z_]+\.attempt')
	race=$(grep -a -o 'module_tamper: race: .*' "$mods_sealed" | tail -1 | tr -d '\r')
	module_case "$mods_sealed" changed_during_validation || race="FAILED: $race"
	through=$(count_ok "$mods_off" 'tamper\.[a-z_]+\.after_layout')
	off_keys=$(count_ok "$mods_off" '(keys\.[a-z]+\.handed_to_hypervisor|modules\.other_signature_handed_to_hypervisor)')
	module_case "$mods_off" unsigned_module && through="$through tampered and the unsigned one" ||
		through="$through tampered, the unsigned one NOT"
	b_sealed=$(count_ok "$mods_sealed" 'attack\.boundary_[a-z_]+\.attempt')
	b_all=$(grep -a -c -E '^(not )?ok [0-9]+ attack\.boundary_' "$mods_sealed")
	b_off=$(count_ok "$mods_off" 'attack\.boundary_[a-z_]+\.attempt')
	b_skip=$(grep -a -c -E '^ok [0-9]+ attack\.boundary_[a-z_]+\.attempt # SKIP' "$mods_off")
	check "sealed: every boundary attack is blocked, at least $MIN_BOUNDARY" \
		test "$b_sealed" -eq "$b_all" -a "$b_all" -ge "$MIN_BOUNDARY"
	echo "result: boundary: sealed: $b_sealed/$b_all boundary attacks blocked (STAR, CSTAR, SFMASK, SYSENTER_CS, SYSENTER_ESP, APIC base, EFER.LMA, code in page 0: #GP and a violation record; the hypercall page moved: ignored, its MSR locked); heki=off: $b_off got through, $b_skip without effect on the processor skipped; still open in the emulator (docs/emulator.md): device DMA and the A/D bits TCG's page walker sets ignore VTL protections"
	p_cases=$(grep -a -o -E 'patch_text_[a-z0-9_]+: expected -?[0-9]+, got -?[0-9]+, intact' "$mods_sealed" |
		awk '$3 == $5 { n++ } END { print n + 0 }')
	p_declared=$(grep -a -c -E 'patch_text_site_[a-z]+: expected 0, got 0, intact' "$mods_sealed")
	p_sc_declared=$(grep -a -c -E 'patch_text_sc_[a-z_]+: expected 0, got 0, intact' "$mods_sealed")
	p_flips=$(count_ok "$mods_sealed" 'global\.(static_key_flips|static_key_concurrent|schedstats_sysctl|static_call_retarget)')
	p_forged=$(count_ok "$mods_sealed" 'attack\.(patch|poke)_[a-z0-9_]+\.attempt')
	p_off=$(count_ok "$mods_off" 'attack\.(patch|poke)_[a-z0-9_]+\.attempt')
	p_off_flips=$(count_ok "$mods_off" 'global\.(static_key_flips|static_key_concurrent|schedstats_sysctl|static_call_retarget)')
	p_pol=$(count_ok "$mods_sealed" 'global\.policy_[a-z_]+')
	p_off_pol=$(count_ok "$mods_off" 'global\.policy_[a-z_]+')
	check "sealed: static keys flip and static calls retarget through VTL1, forged text changes are refused" \
		test "$p_flips" -eq 4 -a "$p_forged" -eq 4 -a "$p_cases" -ge "$MIN_PATCH_CASES" -a "$p_declared" -eq 2 -a "$p_sc_declared" -eq 6
	check "sealed: static calls to a non-function, kprobes, kexec, BPF programs and process LDTs are refused; heki=off: they work" \
		test "$p_pol" -eq 5 -a "$p_off_pol" -eq 5
	echo "result: patching: sealed: $p_flips/4 text change tests written by VTL1 (a test key flipped 200 times and from every CPU at once, kernel.sched_schedstats 6 times, a test static call retargeted 50 times; the code path checked after each change); $p_forged/4 forged changes refused, text unchanged (through the kernel's patching code: a lone INT3, a site jumping elsewhere, a static call trampoline into the middle of a function; with text_poke(): an INT3, stopped by HEKI before it faults); $p_cases/$MIN_PATCH_CASES PATCH_TEXT calls as expected ($p_declared jump label and $p_sc_declared static call changes written, the others refused: not a site, INT3, rodata, other target, size or bytes, the site of a read-only key, a static call into a function's middle or rodata, a trampoline that calls, a call site that jumps, the site of a read-only static call, a declared jump label change batched with a forged static call, overlap, partly forged, malformed, bad list page, an unused argument); $p_pol/5 features refused with one heki: line (a static call to a non-function, the call keeping its target; kprobes, kexec_load, a BPF program with the JIT always on and a process LDT (modify_ldt): -EPERM); heki=off: $p_off/4 forged changes got through, $p_off_flips/4 text change tests passed, $p_off_pol/5 features worked (static call to a non-function accepted, kprobe registered, kexec image unloaded, BPF program loaded, LDT entry written and loaded); not yet served: module jump tables and static calls, tracepoints; ftrace and livepatch refused, not in the tested kernel"
	echo "result: modules: sealed: $loaded/5 signed modules loaded, run, unloaded and reloaded (deflate and zstd on other modules' exports, zstd_compress of 300 KiB), libchacha with static call sites $static_calls, $cycles load/unload cycles (VTL1: $vtl1_mem), 2 modules $parallel; $refused/3 bad modules refused (unsigned: by VTL1); $keys/4 modules signed by a revoked, blacklisted, unknown or the build's key refused or (the build's) loaded; $handed/5 files handed to VTL1 by a hostile loader refused (4 bad signatures) or (the genuine one) accepted; $tamper/7 changed after layout refused by VTL1; $alias/2 writes to module text and rodata blocked, code in module data $data; $released/5 attempts after release blocked (text after unload, init text after FREE_MODULE_INIT, UNLOAD twice, FREE after UNLOAD, FREE twice); text changed from another CPU during validation: ${race:-no race}; with module.sig_enforce=1: $enforced module tests ok; heki=off: $through load, and the $off_keys handed-over files change nothing"
	;;
off)
	# Then the same kernel, which has no backend, run as one that should
	# be sealed: the tests must fail rather than count what got through;
	# and again without the check of the state, where each attack test
	# must fail on its own, because the attack got through.
	for run in "off:heki=off:disabled" \
		   "on:heki_expect=no-backend:no backend" \
		   "unprotected:heki_expect=sealed:" \
		   "unchecked:heki_expect=sealed,unchecked:"; do
		IFS=: read -r name args state <<< "$run"
		log=$logs/heki-selftests-$name.log
		check "heki ${name}: the guest runs the selftests without oops or warning" \
			env QUIET=1 SMP=2 MEM=1G TIMEOUT=600 "$here/boot.sh" "$log" \
			"$kernel" "$initrd" "$args heki_test=heki-selftests"
		case $name in
		unprotected)
			check "heki ${name} ($args): every attack and module test fails" \
				all_failed "$log"
			status='[1-9]'
			;;
		unchecked)
			check "heki ${name} ($args): each attack test fails on its own" \
				each_failed "$log"
			status='[1-9]'
			;;
		*)
			check "heki ${name}: every attack gets through, every must-work case works" \
				all_through "$log" "$state"
			check "heki ${name}: modules load, run and unload, the unsigned one too" \
				modules_ok "$log"
			status=0
			;;
		esac
		check "heki ${name}: the selftests exit with status $status" \
			grep -q "^heki-init: heki-selftests exit status $status" "$log"
	done
	;;
*)
	echo "test-heki-selftests: unknown mode $mode" >&2
	exit 2
	;;
esac

echo "summary: $((checks - fails))/$checks heki selftest checks passed"
[ "$fails" -eq 0 ]
