# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the kernel build scripts: sets $cc to "ccache gcc" when ccache
# is installed, with the cache under ~/.cache and paths made relative to the
# output directory <objdir>/../.. so that hits survive a new clone.
#
# Usage: . ccache-env.sh <objdir>

cc=gcc
if command -v ccache >/dev/null; then
	cc="ccache gcc"
	export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
	CCACHE_BASEDIR=$(dirname "$(dirname "$1")")
	export CCACHE_BASEDIR
	export CCACHE_NOHASHDIR=1
	export CCACHE_SLOPPINESS=time_macros
fi
