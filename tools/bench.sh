#!/usr/bin/env bash
# make bench: timed figures, kept out of the pass/fail tests because this machine is
# shared and noisy. Each figure is measured inside one guest run, and ratios (interrupts
# per frame) are the numbers to compare across machines.
#
#   igb TX burst: 10,000 frames through dev_hard_start_xmit, completed by interrupts,
#   once per interrupt mode (MSI-X, MSI, INTx) and with two queues.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=build/bench
mkdir -p "$out"

run_boot() {   # label cmdline
  local log=$out/$1.log
  FWD=0 SERIAL="file:$log" CMDLINE="$2" timeout --kill-after=5 300 tools/qemu.sh </dev/null >/dev/null 2>&1
  sed -n 's/^\[[ 0-9.]*\] //p' "$log"
}

echo "bench: igb TX burst (QEMU ${ACCEL:-tcg}, $(nproc) host cores)"
printf '%-10s %-60s\n' mode result
for mode in msix msi intx; do
  line=$(run_boot "igb-$mode" "test=igb igb.irq=$mode" | grep -m1 '^igb: burst [0-9]')
  printf '%-10s %s\n' "$mode" "${line#igb: }"
done
line=$(run_boot igb-mq "test=igb igb.irq=msix igb.queues=2" | grep -m1 '^igb: burst [0-9]')
printf '%-10s %s\n' "msix x2" "${line#igb: }"

# The tracer's cost per trace point, off and on (kernel/trace_ktest.c)
line=$(run_boot trace "test=trace" | grep -m1 '^trace: cost per trace point')
echo "bench: ${line:-trace: no figure (see $out/trace.log)}"

# UDP send rate of a ring-3 app: udp_blast sends COUNT datagrams per payload size back to
# back on a blocking socket to a receiver on the host (QEMU user networking takes
# 10.0.2.2 to the host's loopback). The app's exit line carries the NET_TX / NET_RX
# softirq counts of its run.
COUNT=${COUNT:-5000}
port=$(/usr/bin/python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(120)
n = 0
try:
    while True:
        s.recvfrom(70000); n += 1; s.settimeout(30)
except socket.timeout:
    pass
print("bench: host received %d datagrams (both runs)" % n)' "$port" &
recv=$!
trap 'kill $recv 2>/dev/null' EXIT
# udp_rate LABEL EXTRA_CMDLINE: one guest run of udp_blast; prints its figures.
guest=""
udp_rate() {
  local log=$out/$1.log
  : >"$log"
  FWD=0 SERIAL="file:$log" CMDLINE="ip=10.0.2.15/24 gw=10.0.2.2 apps=udp_blast:10.0.2.2:$port:18/1472:$COUNT $2" \
    tools/qemu.sh </dev/null >/dev/null 2>&1 &
  guest=$!
  trap 'kill $recv $guest 2>/dev/null' EXIT
  for _ in $(seq 3000); do    # at most 300 s
    grep -qa 'app udp_blast .*exited' "$log" && break
    kill -0 $guest 2>/dev/null || break
    sleep 0.1
  done
  kill $guest 2>/dev/null; wait $guest 2>/dev/null
  trap 'kill $recv 2>/dev/null' EXIT
  sed 's/^\[[ 0-9.]*\] //' "$log" | grep -aE '^udp_blast: [0-9]+ datagrams|app udp_blast .*exited' |
    sed "s/^/bench: $1: /"
}
echo "bench: UDP send rate, app udp_blast -> host, $COUNT datagrams per size"
udp_rate udp ""
# The send-path tracer's cost: the same run with every trace point recording (trace=
# sendpath); with it off each station costs one predictable branch (docs/shell.md).
udp_rate udp-traced "trace=sendpath"
wait $recv
