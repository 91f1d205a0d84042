#!/usr/bin/env bash
# Build the Linux comparison guest for `make bench`: Debian's kernel (linux-image-amd64),
# busybox-static, iperf3 and ethtool, the project's apps built for Linux (build/apps/linux/), and
# tools/linux-guest/init, in an initramfs; booted from an ISO made by grub-mkrescue like
# wirepath's, so both guests run on exactly the same QEMU command (tools/qemu.sh ISO=...).
#
#   tools/linux-guest/mkimage.sh        -> build/linux-guest/linux.iso (cached)
#
# The packages come through apt-get download (the machine's own Debian sources) into
# build/linux-guest/debs/ once; the ISO is rebuilt only when an input is newer.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/linux-guest
iso=$out/linux.iso
here=$root/tools/linux-guest
apps=(udp_blast udp_echo tcp_echo iperf3d httpd)
# the kernel's igb driver and what it needs that Debian builds as modules, plus fw_cfg's
# sysfs driver (the guest reads its command line from QEMU's fw_cfg, as wirepath does)
want_modules=(igb qemu_fw_cfg)

# one build at a time (make bench and make test's tiny bench may start together)
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9
inputs=("$0" "$here/init")
for a in "${apps[@]}"; do inputs+=("$root/build/apps/linux/$a"); done
for f in "${inputs[@]}"; do
  [ -e "$f" ] || { echo "linux-guest: missing $f (run make apps-linux first)" >&2; exit 1; }
done
if [ -f "$iso" ]; then
  fresh=1
  for f in "${inputs[@]}"; do [ "$f" -nt "$iso" ] && fresh=0; done
  [ "$fresh" = 1 ] && { echo "$iso"; exit 0; }
fi

mkdir -p "$out/debs"
cd "$out/debs"
# linux-image-amd64 is a metapackage: the real kernel package is its dependency
if ! ls linux-image-[0-9]*.deb >/dev/null 2>&1; then
  kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
  [ -n "$kpkg" ] || { echo "linux-guest: cannot resolve linux-image-amd64" >&2; exit 1; }
  apt-get download "$kpkg" >/dev/null 2>&1 || { echo "linux-guest: apt-get download $kpkg failed" >&2; exit 1; }
fi
if ! ls busybox-static_*.deb >/dev/null 2>&1; then
  apt-get download busybox-static >/dev/null 2>&1 || { echo "linux-guest: apt-get download busybox-static failed" >&2; exit 1; }
fi
# ethtool: igb.tso=0 turns the guest's TSO off as that word does for wirepath
if ! ls ethtool_*.deb >/dev/null 2>&1; then
  apt-get download ethtool >/dev/null 2>&1 || { echo "linux-guest: apt-get download ethtool failed" >&2; exit 1; }
fi
kdeb=$(ls linux-image-[0-9]*.deb | head -1)
bdeb=$(ls busybox-static_*.deb | head -1)
edeb=$(ls ethtool_*.deb | head -1)

work=$out/work
rm -rf "$work"
mkdir -p "$work/kpkg" "$work/bb" "$work/et" "$work/rootfs"/{bin,sbin,lib/modules,lib64,proc,sys,dev,tmp,etc}
dpkg-deb -x "$kdeb" "$work/kpkg"
dpkg-deb -x "$bdeb" "$work/bb"
dpkg-deb -x "$edeb" "$work/et"
rootfs=$work/rootfs

cp "$work/bb/bin/busybox" "$rootfs/bin/busybox"
for c in $("$rootfs/bin/busybox" --list); do
  [ "$c" = busybox ] || ln -sf busybox "$rootfs/bin/$c"
done

# igb.ko and its dependencies (from each module's own depends= field), dependencies first
moddir=$(ls -d "$work/kpkg/lib/modules/"*)
declare -A seen=()
order=()
add_module() {
  local name=$1 f dep
  [ -n "${seen[$name]:-}" ] && return
  seen[$name]=1
  f=$(find "$moddir" -name "$name.ko" -o -name "${name//_/-}.ko" | head -1)
  [ -n "$f" ] || { echo "linux-guest: module $name not in $(basename "$kdeb")" >&2; exit 1; }
  for dep in $(strings -a "$f" | sed -n 's/^depends=//p' | tr ',' ' '); do
    add_module "$dep"
  done
  order+=("$f")
}
for m in "${want_modules[@]}"; do add_module "$m"; done
i=0
for f in "${order[@]}"; do
  cp "$f" "$rootfs/lib/modules/$(printf %02d $i)-$(basename "$f")"
  i=$((i + 1))
done

# dynamically linked programs (iperf3 from Debian, the apps built with the host's libc)
# with their shared libraries from this Debian system
copy_prog() {
  local src=$1 lib
  # (busybox has applets of the same name, e.g. httpd: replace the link, not busybox)
  rm -f "$rootfs/bin/$(basename "$src")"
  cp "$src" "$rootfs/bin/$(basename "$src")"
  if ldd "$src" | grep -q 'not found'; then echo "linux-guest: $src: a library is missing" >&2; exit 1; fi
  for lib in $(ldd "$src" | awk '/=> \// { print $3 } /^\t\/lib64/ { print $1 }'); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
}
copy_prog "$(command -v iperf3)"
copy_prog "$work/et/sbin/ethtool"
for a in "${apps[@]}"; do copy_prog "$root/build/apps/linux/$a"; done

cp "$here/init" "$rootfs/init"
chmod +x "$rootfs/init"
mkdir -p "$work/iso/boot/grub"
(cd "$rootfs" && find . | "$work/bb/bin/busybox" cpio -o -H newc 2>/dev/null | gzip -1) >"$work/iso/boot/initrd.gz"
cp "$work/kpkg/boot/vmlinuz-"* "$work/iso/boot/vmlinuz"
cat >"$work/iso/boot/grub/grub.cfg" <<'CFG'
set timeout=0
set default=0
serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1
terminal_input serial console
terminal_output serial console
menuentry "linux" {
    linux /boot/vmlinuz console=ttyS0,115200 quiet panic=-1
    initrd /boot/initrd.gz
}
CFG
grub-mkrescue -o "$iso.tmp" "$work/iso" >"$out/grub-mkrescue.log" 2>&1 ||
  { cat "$out/grub-mkrescue.log" >&2; exit 1; }
mv "$iso.tmp" "$iso"
rm -rf "$work"
echo "$iso"
