# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the build scripts: sets $cc to "ccache gcc" when ccache is
# installed, with the cache under ~/.cache/ccache, room for every kernel
# (CCACHE_MAXSIZE is raised to HEKI_CCACHE_SIZE, default 2G, when the
# configured limit is smaller), and, given an object directory, paths made
# relative to <objdir>/../.. (the clone's out/ for out/linux/<flavour>) so
# that hits survive a new clone.
#
# Usage: . ccache-env.sh [<objdir>]

cc=gcc
if command -v ccache >/dev/null; then
	cc="ccache gcc"
	export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
	if [ -n "${1:-}" ]; then
		CCACHE_BASEDIR=$(dirname "$(dirname "$1")")
		export CCACHE_BASEDIR
	fi
	export CCACHE_NOHASHDIR=1
	export CCACHE_SLOPPINESS=time_macros
	# Depend mode: on a miss, ccache takes the headers from the
	# compiler's -MD output instead of running the preprocessor once
	# more; a cold kernel build then costs about 5-10% more CPU than
	# without ccache instead of about 30% (measured on kernel/fork.c,
	# mm/page_alloc.c and four other large files of the VTL0 kernel).
	# Kbuild and meson both ask for -MD.
	export CCACHE_DEPEND=1
	# A cold make check stores about 0.1 GB (compressed), make kunit
	# and make series-check a few times that: ccache's default 5 GB
	# holds it all, but a smaller configured limit would evict a
	# kernel that the next run needs. Raise such a limit to 2 GB (for
	# our builds only; a larger or unlimited one stays).
	_want=$(numfmt --from=auto "${HEKI_CCACHE_SIZE:-2G}" 2>/dev/null || echo 0)
	_have=$(numfmt --from=auto "$(ccache -k max_size 2>/dev/null)" 2>/dev/null || echo 0)
	if [ "$_have" -ne 0 ] && [ "$_have" -lt "$_want" ]; then
		export CCACHE_MAXSIZE=${HEKI_CCACHE_SIZE:-2G}
	fi
	unset _want _have
fi
