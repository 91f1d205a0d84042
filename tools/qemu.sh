#!/usr/bin/env bash
# Boot the wirepath ISO in QEMU: q35, an igb NIC, the serial console on stdio.
# Used by `make run` and by every test runner, so all of them boot the same machine.
#
# Environment (all optional):
#   ISO      image to boot                    (build/wirepath.iso)
#   ACCEL    tcg | kvm                        (tcg)
#   MEM      guest memory                     (256M)
#   CMDLINE  extra kernel command-line words  (passed through fw_cfg)
#   NET      user | tap | relay | none        (user)
#   TAP      tap interface name for NET=tap   (wp0)
#   RELAY_DIR for NET=relay: the directory of the sockets shared with a running
#            tools/netem_relay (QEMU's end qemu.sock, the relay's relay.sock)
#   HOSTFWD  extra ",hostfwd=..." for NET=user
#   FWD      0 = no loopback port forwards     (1)
#   PORT_HTTP PORT_ECHO PORT_ECHO_TCP PORT_IPERF  host ports of the forwards
#   PORT_DISCARD PORT_CHARGEN                     (9009 -> tcp 9, 19019 -> tcp 19)
#   PCAP     write the NIC's traffic to this pcap file (filter-dump)
#   MAC      the NIC's MAC address            (52:54:00:12:34:56)
#   NIC_OPTS extra ",prop=value" for the igb device
#   NIC_PORT 1 = put the igb behind a PCIe root port (a bridge: bus 1 instead of bus 0)
#   SERIAL   QEMU -serial backend             (mon:stdio)
#   FIRMWARE bios | uefi                      (bios: SeaBIOS; uefi: OVMF from Debian's ovmf,
#                                              with a writable copy of its variable store)
#   CPU      QEMU -cpu model, e.g. max or qemu64,+x2apic  (QEMU's default; host with kvm)
#   DISPLAY_OPTS QEMU -display value          (none)
#   QMP      unix socket path for QEMU's QMP monitor (screendump, pmemsave ...)
#   NAME     the guest's name for QEMU (wirepath); its threads are named too, so
#            tools/bench.sh can tell the vCPU's CPU time from the main loop's
# Further arguments are passed to QEMU unchanged.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ISO=${ISO:-$root/build/wirepath.iso}
ACCEL=${ACCEL:-tcg}
MEM=${MEM:-256M}
NET=${NET:-user}
TAP=${TAP:-wp0}
MAC=${MAC:-52:54:00:12:34:56}

args=(-M q35 -m "$MEM" -accel "$ACCEL" -display "${DISPLAY_OPTS:-none}" -no-reboot
      -cdrom "$ISO" -boot d -serial "${SERIAL:-mon:stdio}"
      -device isa-debug-exit,iobase=0xf4,iosize=0x04
      -name "${NAME:-wirepath},debug-threads=on")   # threads named: "CPU 0/TCG" is the vCPU
[ -n "${QMP:-}" ] && args+=(-qmp "unix:$QMP,server=on,wait=off")
if [ -n "${CPU:-}" ]; then args+=(-cpu "$CPU"); elif [ "$ACCEL" = kvm ]; then args+=(-cpu host); fi
case "${FIRMWARE:-bios}" in
  bios) ;;
  uefi)
    # OVMF writes its variables (boot entries) back: each guest gets its own copy of the
    # pristine store, so parallel guests and reruns never see each other's changes.
    code=/usr/share/OVMF/OVMF_CODE_4M.fd vars=/usr/share/OVMF/OVMF_VARS_4M.fd
    [ -r "$code" ] && [ -r "$vars" ] || { echo "qemu.sh: no OVMF (tools/deps.sh run installs ovmf)" >&2; exit 2; }
    mkdir -p "$root/build/ovmf"
    myvars=$(mktemp "$root/build/ovmf/vars.XXXXXX.fd")
    cp "$vars" "$myvars"
    trap 'rm -f "$myvars"' EXIT
    args+=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$code"
           -drive "if=pflash,format=raw,unit=1,file=$myvars") ;;
  *) echo "qemu.sh: FIRMWARE must be bios or uefi" >&2; exit 2 ;;
esac
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
  relay)
    # frames as unix datagrams to and from tools/netem_relay (an impaired link to a tap)
    : "${RELAY_DIR:?NET=relay needs RELAY_DIR (see tools/netem_relay.c)}"
    rm -f "$RELAY_DIR/qemu.sock"
    args+=(-netdev "dgram,id=n0,local.type=unix,local.path=$RELAY_DIR/qemu.sock,remote.type=unix,remote.path=$RELAY_DIR/relay.sock") ;;
  none)
    args+=(-netdev "hubport,id=n0,hubid=0") ;;
  *) echo "qemu.sh: NET must be user, tap, relay or none" >&2; exit 2 ;;
esac
nic_bus=""
if [ "${NIC_PORT:-0}" = 1 ]; then
  args+=(-device pcie-root-port,id=wp_rp0,bus=pcie.0,chassis=1,slot=1)
  nic_bus=",bus=wp_rp0"
fi
args+=(-device "igb,netdev=n0,mac=$MAC$nic_bus${NIC_OPTS:-}")
[ -n "${PCAP:-}" ] && args+=(-object "filter-dump,id=dump0,netdev=n0,file=$PCAP")

if [ "${FIRMWARE:-bios}" = uefi ]; then
  # Not exec: the trap removes this guest's variable store when QEMU ends. Signals are
  # passed on so that stopping this script by its PID stops QEMU.
  qemu-system-x86_64 "${args[@]}" "$@" <&0 &
  qpid=$!
  trap 'kill "$qpid" 2>/dev/null' TERM INT HUP
  wait "$qpid"; rc=$?
  # A trapped signal interrupts wait; wait again for QEMU's real status.
  while kill -0 "$qpid" 2>/dev/null; do wait "$qpid"; rc=$?; done
  exit $rc
fi
exec qemu-system-x86_64 "${args[@]}" "$@"
