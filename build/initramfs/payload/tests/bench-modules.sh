#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# For bench/modules.sh: load and unload each test module BENCH_CYCLES times
# (from the kernel command line, default 20), the modules it needs loaded
# around it, and print the time it took, one line per module:
#
#   bench-modules: <module> <cycles> cycles <centiseconds> cs
#
# then the module counts of securityfs heki/modules, to give the VTL calls
# a load made ("bench-modules: heki <key> <n>").
dir=/lib/modules/$(uname -r)/kernel
cycles=$(sed -n 's/.*bench_cycles=\([0-9]*\).*/\1/p' /proc/cmdline)
cycles=${cycles:-20}
uptime_cs() { cut -d' ' -f1 /proc/uptime | tr -d .; }

# <module> <file> <needed file>...: time <cycles> load/unload cycles.
bench() {
	name=$1 file=$2
	shift 2
	for f in "$@"; do insmod "$dir/$f" || return 1; done
	start=$(uptime_cs)
	i=0
	while [ "$i" -lt "$cycles" ]; do
		insmod "$dir/$file" || return 1
		rmmod "$name" || return 1
		i=$((i + 1))
	done
	end=$(uptime_cs)
	for f in "$@"; do rmmod "$(basename "$f" .ko)"; done
	echo "bench-modules: $name $cycles cycles $((end - start)) cs"
}

status=0
bench crypto_acompress crypto/crypto_acompress.ko || status=1
bench zlib_deflate lib/zlib_deflate/zlib_deflate.ko || status=1
bench deflate crypto/deflate.ko crypto/crypto_acompress.ko \
	lib/zlib_deflate/zlib_deflate.ko || status=1
bench zstd_compress lib/zstd/zstd_compress.ko || status=1
bench zstd crypto/zstd.ko crypto/crypto_acompress.ko \
	lib/zstd/zstd_compress.ko || status=1
[ -r /sys/kernel/security/heki/modules ] &&
	sed 's/^/bench-modules: heki /' /sys/kernel/security/heki/modules
exit $status
