#!/usr/bin/env bash
# Boot the wirepath ISO in QEMU: q35, an igb NIC, the serial console on stdio.
# Used by `make run` and by every test runner, so all of them boot the same machine.
#
# Environment (all optional):
#   ISO      image to boot                    (build/wirepath.iso)
#   ACCEL    tcg | kvm                        (tcg)
#   MEM      guest memory                     (256M)
#   CMDLINE  extra kernel command-line words  (passed through fw_cfg)
#   NET      user | tap | none                (user)
#   TAP      tap interface name for NET=tap   (wp0)
#   HOSTFWD  extra ",hostfwd=..." for NET=user
#   FWD      0 = no loopback port forwards     (1)
#   PORT_HTTP PORT_ECHO PORT_ECHO_TCP PORT_IPERF  host ports of the forwards
#   PORT_DISCARD PORT_CHARGEN                     (9009 -> tcp 9, 19019 -> tcp 19)
#   PCAP     write the NIC's traffic to this pcap file (filter-dump)
#   MAC      the NIC's MAC address            (52:54:00:12:34:56)
#   NIC_OPTS extra ",prop=value" for the igb device
#   SERIAL   QEMU -serial backend             (mon:stdio)
# Further arguments are passed to QEMU unchanged.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ISO=${ISO:-$root/build/wirepath.iso}
ACCEL=${ACCEL:-tcg}
MEM=${MEM:-256M}
NET=${NET:-user}
TAP=${TAP:-wp0}
MAC=${MAC:-52:54:00:12:34:56}

args=(-M q35 -m "$MEM" -accel "$ACCEL" -display none -no-reboot
      -cdrom "$ISO" -boot d -serial "${SERIAL:-mon:stdio}"
      -device isa-debug-exit,iobase=0xf4,iosize=0x04)
[ "$ACCEL" = kvm ] && args+=(-cpu host)
# QEMU option values escape a comma by doubling it (test=a,b -> test=a,,b).
[ -n "${CMDLINE:-}" ] && args+=(-fw_cfg "name=opt/wirepath/cmdline,string=${CMDLINE//,/,,}")

case "$NET" in
  user)
    # Host side is loopback only: these ports reach the guest's services.
    # FWD=0 leaves the forwards out (in-kernel tests need none, and two guests cannot
    # hold the same host ports).
    fwd=""
    if [ "${FWD:-1}" != 0 ]; then
      fwd=",hostfwd=tcp:127.0.0.1:${PORT_HTTP:-8080}-:80,hostfwd=udp:127.0.0.1:${PORT_ECHO:-7007}-:7"
      fwd+=",hostfwd=tcp:127.0.0.1:${PORT_ECHO_TCP:-7008}-:7,hostfwd=tcp:127.0.0.1:${PORT_IPERF:-5201}-:5201"
      fwd+=",hostfwd=tcp:127.0.0.1:${PORT_DISCARD:-9009}-:9,hostfwd=tcp:127.0.0.1:${PORT_CHARGEN:-19019}-:19"
      fwd+=",hostfwd=udp:127.0.0.1:${PORT_IPERF:-5201}-:5201"   # iperf3 -u data streams
    fi
    args+=(-netdev "user,id=n0$fwd${HOSTFWD:-}") ;;
  tap)
    args+=(-netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no,vnet_hdr=off") ;;
  none)
    args+=(-netdev "hubport,id=n0,hubid=0") ;;
  *) echo "qemu.sh: NET must be user, tap or none" >&2; exit 2 ;;
esac
args+=(-device "igb,netdev=n0,mac=$MAC${NIC_OPTS:-}")
[ -n "${PCAP:-}" ] && args+=(-object "filter-dump,id=dump0,netdev=n0,file=$PCAP")

exec qemu-system-x86_64 "${args[@]}" "$@"
