#!/usr/bin/env bash
# Install what building, running and testing wirepath needs, from Debian packages only.
# Usage: tools/deps.sh build|run|test   (each level includes the ones before it)
# Idempotent: does nothing when everything is already present.
set -euo pipefail

level=${1:-test}

# grub-pc-bin and grub-efi-amd64-bin: the ISO carries both GRUB images (BIOS and UEFI).
build_pkgs=(gcc make binutils grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools)
# ovmf: UEFI firmware for FIRMWARE=uefi.
run_pkgs=(ovmf)
test_pkgs=(python3 python3-scapy tshark iproute2 dnsmasq-base iperf3 curl netcat-openbsd
           iputils-ping iputils-arping clang libclang-rt-14-dev wrk apache2-utils valgrind)

pkgs=("${build_pkgs[@]}")
case "$level" in
  build) ;;
  run) pkgs+=("${run_pkgs[@]}") ;;
  test) pkgs+=("${run_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: $0 build|run|test" >&2; exit 2 ;;
esac

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

has_igb_qemu() {
  command -v qemu-system-x86_64 >/dev/null 2>&1 &&
    qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"'
}

updated=0
apt_update() { [ "$updated" = 1 ] || { $SUDO apt-get update -qq; updated=1; }; }

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  apt_update
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$level" != build ] && ! has_igb_qemu; then
  # Debian 12's own QEMU (7.2) has no igb model; the backports suite has a newer one.
  # The mirror is whatever this machine's apt already uses for Debian: take its URI.
  . /etc/os-release
  suite="${VERSION_CODENAME:-bookworm}-backports"
  list=/etc/apt/sources.list.d/wirepath-backports.sources
  if ! grep -rqs "$suite" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    uri=""
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      # first deb822 stanza whose Suites include the plain release name
      uri=$(awk -v rel="$VERSION_CODENAME" '
        /^URIs:/ { u=$2 }
        /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == rel) { print u; exit } }
        /^$/ { u="" }' /etc/apt/sources.list.d/debian.sources)
    fi
    if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
      uri=$(awk -v rel="$VERSION_CODENAME" '$1 == "deb" && $3 == rel { print $2; exit }' /etc/apt/sources.list)
    fi
    if [ -z "$uri" ]; then
      echo "deps: cannot find this machine's Debian mirror in its apt sources" >&2
      exit 1
    fi
    echo "deps: adding $suite from the configured mirror"
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$uri" "$suite" | $SUDO tee "$list" >/dev/null
    updated=0
  fi
  apt_update
  echo "deps: installing qemu-system-x86 from $suite"
  $SUDO apt-get install -y -qq --no-install-recommends -t "$suite" qemu-system-x86 >/dev/null
  has_igb_qemu || { echo "deps: installed QEMU still lacks the igb device" >&2; exit 1; }
fi
