#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages a distribution would ship: the VTL0 kernel, built
# into packages by the kernel's own bindeb-pkg (linux-image-<release>,
# linux-libc-dev; no headers or debug packages), and the VTL1 image that
# belongs to it, hv-vsm-vtl1-<release>: the signed image under
# /lib/firmware/heki/<release>/, the initramfs-tools hook and the dracut
# module that put it into the initramfs (dist/), and maintainer scripts
# that rebuild that kernel's initramfs when the image changes.
#
# Usage: deb-pkg.sh <Linux tree> <VTL0 objdir> <VTL1 payload> <out dir>
#                   -- <VTL0 config fragments>...
# <VTL1 payload> is the firmware tree of vsm-vtl1-image.sh. The packages
# end up in <out dir>, with the kernel release in <out dir>/release.

set -euo pipefail

tree=$1 obj=$2 payload=$3 out=$4
shift 4
[ "${1:-}" = "--" ] && shift
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

. "$here/host-deps.sh"
# The kernel's package build checks its Build-Depends.
host_deps dpkg-dev debhelper rsync libdw-dev

release=$(cat "$obj/include/config/kernel.release")
version=$release-1
fw=$payload/lib/firmware/heki/$release
[ -s "$fw/vtl1.elf" ] && [ -s "$fw/vtl1.elf.p7s" ] ||
	{ echo "deb-pkg: $fw/vtl1.elf{,.p7s} missing (make vtl1)" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"

# The kernel's packages, from the same object directory, configuration and
# compiler as make vtl0: bindeb-pkg rebuilds nothing but what it packs.
# They land next to the object directory.
parent=$(dirname "$(readlink -f "$obj")")
rm -f "$parent"/*.deb "$parent"/*.buildinfo "$parent"/*.changes
DEB_BUILD_PROFILES="pkg.linux-upstream.nokernelheaders pkg.linux-upstream.nokerneldbg" \
	"$here/build-kernel.sh" "$tree" "$obj" \
	"bindeb-pkg KDEB_PKGVERSION=$version" -- "$@" \
	> "$out/bindeb-pkg.log" 2>&1 ||
	{ tail -30 "$out/bindeb-pkg.log" >&2; exit 1; }
mv "$parent"/linux-image-"$release"_"$version"_*.deb \
	"$parent"/linux-libc-dev_"$version"_*.deb "$out/"
rm -f "$parent"/*.buildinfo "$parent"/*.changes

# The VTL1 image's package.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"
pkg=hv-vsm-vtl1-$release
install -D -m 0644 "$fw/vtl1.elf" "$stage/lib/firmware/heki/$release/vtl1.elf"
install -D -m 0644 "$fw/vtl1.elf.p7s" "$stage/lib/firmware/heki/$release/vtl1.elf.p7s"
install -D -m 0755 "$top/dist/initramfs-tools/hooks/hv-vsm-vtl1" \
	"$stage/usr/share/initramfs-tools/hooks/hv-vsm-vtl1"
install -D -m 0755 "$top/dist/dracut/90hv-vsm-vtl1/module-setup.sh" \
	"$stage/usr/lib/dracut/modules.d/90hv-vsm-vtl1/module-setup.sh"
mkdir -p "$stage/usr/share/doc/$pkg" "$stage/DEBIAN"
cat > "$stage/usr/share/doc/$pkg/copyright" <<EOF
The VTL1 secure kernel is Linux $release, built from the same tree as the
kernel in linux-image-$release. The hooks are part of the HEKI series.
All of it is licensed under the GNU General Public License, version 2;
on Debian systems its text is in /usr/share/common-licenses/GPL-2.
EOF
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' |
	LC_ALL=C sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
cat > "$stage/DEBIAN/control" <<EOF
Package: $pkg
Version: $version
Architecture: amd64
Maintainer: $(dpkg-deb -f "$out/linux-image-${release}_${version}_amd64.deb" Maintainer)
Section: kernel
Priority: optional
Depends: linux-image-$release (= $version)
Installed-Size: $(du -sk --apparent-size --exclude=DEBIAN "$stage" | cut -f1)
Description: Hyper-V VSM secure kernel (VTL1) for Linux $release
 The VTL1 secure kernel that the Linux $release kernel starts on Hyper-V
 partitions offering Virtual Secure Mode, to enforce its integrity (HEKI),
 signed with that kernel's key, with the initramfs-tools hook and the
 dracut module that put it into the kernel's initramfs.
EOF
# Both scripts rebuild the initramfs of this kernel, if it has one: the
# image must be in it for the kernel to find it at boot.
for script in postinst postrm; do
	cat > "$stage/DEBIAN/$script" <<EOF
#!/bin/sh
set -e
case "\$1" in
configure|remove) ;;
*) exit 0 ;;
esac
[ -e "/boot/initrd.img-$release" ] || exit 0
if command -v update-initramfs > /dev/null; then
	update-initramfs -u -k "$release" ||
		echo "W: $pkg: could not rebuild the initramfs of $release" >&2
elif command -v dracut > /dev/null; then
	dracut --force "/boot/initrd.img-$release" "$release" ||
		echo "W: $pkg: could not rebuild the initramfs of $release" >&2
fi
EOF
	chmod 0755 "$stage/DEBIAN/$script"
done
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out/${pkg}_${version}_amd64.deb" >/dev/null
echo "$release" > "$out/release"
for deb in "$out"/*.deb; do
	echo "  DEB     $deb ($(stat -c %s "$deb") bytes)"
done
