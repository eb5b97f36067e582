# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by every script that needs host packages: the one place that
# checks for them and installs them.
#
#   host_deps <package>...   make sure the Debian packages are there
#
# Each package is checked by what it provides (a command, a pkg-config
# library, a file, a python module), not through dpkg, so the check works on
# any distribution.  When some are missing:
#   NO_INSTALL=1          print them and the command to install them, fail;
#   no apt-get or dpkg    name what is missing (command, library, file,
#                         module) and the Debian package, fail;
#   root                  print "  APT     install <packages>", install them
#                         with apt-get and check again;
#   otherwise             print them and the command to install them, fail.
#
# Python modules are checked with the system python3, /usr/bin/python3, for
# which Debian's python3-* packages are (another python3 may come first in
# PATH).  For the tests, HOST_DEPS_FAKE_MISSING="<package>..." makes those
# packages look missing.

# What shows that a package is installed, one check a word, all must pass;
# "a|b" passes if one of a and b does.
#   cmd:<name>     a command (also looked up in /usr/sbin and /sbin)
#   pc:<name>      a library known to pkg-config
#   file:<path>    a file
#   static:<path>  a statically linked executable
#   py:<module>    a module of /usr/bin/python3
host_dep_probes() {	# <package>
	case $1 in
	bc|bison|ccache|cpio|curl|flex|gawk|gcc|git|gzip|make|openssl|patch|\
	perl|pkg-config)
		echo "cmd:$1" ;;
	ca-certificates)
		echo "file:/etc/ssl/certs/ca-certificates.crt|/etc/ssl/certs/ca-bundle.crt" ;;
	busybox-static)		echo "static:/bin/busybox" ;;
	debhelper)		echo "cmd:dh_testdir" ;;
	dpkg)			echo "cmd:dpkg-deb" ;;
	dpkg-dev)		echo "cmd:dpkg-source" ;;
	dwarves)		echo "cmd:pahole" ;;
	initramfs-tools)	echo "cmd:mkinitramfs file:/usr/share/initramfs-tools/hook-functions" ;;
	kmod)			echo "cmd:depmod" ;;
	libdw-dev)		echo "pc:libdw" ;;
	libelf-dev)		echo "pc:libelf" ;;
	libfdt-dev)		echo "file:/usr/include/libfdt.h" ;;
	libglib2.0-dev)		echo "pc:glib-2.0" ;;
	libpixman-1-dev)	echo "pc:pixman-1" ;;
	libssl-dev)		echo "pc:openssl" ;;
	ninja-build)		echo "cmd:ninja" ;;
	ovmf)			echo "file:/usr/share/OVMF/OVMF_CODE_4M.fd file:/usr/share/OVMF/OVMF_VARS_4M.fd" ;;
	python3)		echo "py:sys" ;;
	python3-git)		echo "py:git" ;;
	python3-ply)		echo "py:ply" ;;
	python3-venv)		echo "py:venv py:ensurepip" ;;
	qemu-system-x86)	echo "cmd:qemu-system-x86_64" ;;
	rsync)			echo "cmd:rsync" ;;
	xz-utils)		echo "cmd:xz" ;;
	*)	echo "host-deps: no check for package $1 (add it to host_dep_probes)" >&2
		return 1 ;;
	esac
}

host_dep_probe() {	# <kind:name>
	local arg=${1#*:}
	case $1 in
	cmd:*)	PATH=$PATH:/usr/sbin:/sbin command -v "$arg" >/dev/null ;;
	pc:*)	pkg-config --exists "$arg" 2>/dev/null ;;
	file:*)	[ -e "$arg" ] ;;
	static:*)
		[ -x "$arg" ] && ! LC_ALL=C readelf -l "$arg" 2>/dev/null |
			grep 'program interpreter' >/dev/null ;;
	py:*)	/usr/bin/python3 -c "import $arg" 2>/dev/null ;;
	esac
}

host_dep_what() {	# <kind:name>: what is missing, in words
	local arg=${1#*:}
	case $1 in
	cmd:*)		echo "command $arg" ;;
	pc:*)		echo "library $arg (pkg-config)" ;;
	file:*)		echo "file ${arg//|/ or }" ;;
	static:*)	echo "statically linked $arg" ;;
	py:*)		echo "python module $arg of /usr/bin/python3" ;;
	esac
}

# Prints the checks of <package> that fail, one a line; fails if any does.
host_dep_missing() {	# <package>
	local probes probe alts alt ok rc=0
	probes=$(host_dep_probes "$1") || exit 2
	for probe in $probes; do
		ok=0
		IFS='|' read -ra alts <<< "${probe#*:}"
		for alt in "${alts[@]}"; do
			host_dep_probe "${probe%%:*}:$alt" && { ok=1; break; }
		done
		case " ${HOST_DEPS_FAKE_MISSING:-} " in *" $1 "*) ok=0 ;; esac
		[ "$ok" -eq 1 ] || { host_dep_what "$probe"; rc=1; }
	done
	return "$rc"
}

host_deps() {	# <package>...
	local p rc what w missing=() details=() cmd
	for p in "$@"; do
		rc=0
		what=$(host_dep_missing "$p") || rc=$?
		[ "$rc" -ne 2 ] || exit 2
		[ "$rc" -ne 0 ] || continue
		missing+=("$p")
		while IFS= read -r w; do
			details+=("$w (Debian package $p)")
		done <<< "$what"
	done
	[ "${#missing[@]}" -eq 0 ] && return 0

	cmd="apt-get install -y --no-install-recommends ${missing[*]}"
	[ "$(id -u)" -eq 0 ] || cmd="sudo $cmd"
	if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
		echo "Missing on this host (no dpkg/apt-get: install these with the" \
			"distribution's packages):" >&2
		printf '  %s\n' "${details[@]}" >&2
		exit 1
	fi
	if [ "${NO_INSTALL:-0}" = 1 ] || [ "$(id -u)" -ne 0 ]; then
		echo "Missing host packages: ${missing[*]}" >&2
		printf '  %s\n' "${details[@]}" >&2
		if [ "${NO_INSTALL:-0}" = 1 ]; then
			echo "Not installing them (NO_INSTALL=1). Install them with:" >&2
		else
			echo "Install them with:" >&2
		fi
		echo "  $cmd" >&2
		exit 1
	fi

	echo "  APT     install ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
	for p in "${missing[@]}"; do
		if what=$(host_dep_missing "$p"); then continue; fi
		echo "host-deps: $p installed, but still missing:" >&2
		printf '  %s\n' "$what" >&2
		exit 1
	done
}
