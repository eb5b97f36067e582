#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Private apt configuration for Debian suites newer than the host's
# (trixie, trixie-backports).  The mirror is taken from the host's own apt
# sources so that nothing site-specific is written into the repository.  The
# host's apt configuration is never modified.
#
# Usage: apt-private.sh <dir>      prints the apt options to use, one per line
#        (creates <dir>/sources.list and updates the package lists once a day)

set -euo pipefail

dir=${1:?usage: apt-private.sh <dir>}
mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"

mirror=""
for f in /etc/apt/sources.list.d/*.sources; do
	[ -e "$f" ] || continue
	# deb822: take the first URIs line of a stanza that serves the Debian
	# archive (not the security archive).
	m=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
	if [ -n "$m" ]; then mirror=$m; break; fi
done
if [ -z "$mirror" ] && [ -e /etc/apt/sources.list ]; then
	mirror=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
fi
if [ -z "$mirror" ]; then
	echo "apt-private: no Debian mirror found in the host's apt sources" >&2
	exit 1
fi

cat > "$dir/sources.list.new" <<EOT
deb $mirror trixie main
deb-src $mirror trixie main
deb $mirror trixie-backports main
EOT
if ! cmp -s "$dir/sources.list.new" "$dir/sources.list" 2>/dev/null; then
	mv "$dir/sources.list.new" "$dir/sources.list"
	rm -f "$dir/updated"
else
	rm -f "$dir/sources.list.new"
fi

opts=(
	-o "Dir::Etc::SourceList=$dir/sources.list"
	-o "Dir::Etc::SourceParts=/nonexistent"
	-o "Dir::State::Lists=$dir/lists"
	-o "Dir::Cache=$dir/cache"
	-o "Debug::NoLocking=1"
)
# Downloads land in a directory the _apt user cannot write to.
[ "$(id -u)" -eq 0 ] && opts+=(-o "APT::Sandbox::User=root")

if [ -z "$(find "$dir/updated" -mmin -1440 2>/dev/null)" ]; then
	apt-get -qq "${opts[@]}" update >&2
	touch "$dir/updated"
fi

printf '%s\n' "${opts[@]}"
