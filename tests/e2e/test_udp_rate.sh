#!/usr/bin/env bash
# The send-path measurement: the udp_blast app (ring 3) sends datagrams of 18 and 1472
# bytes of payload, back to back on a blocking socket, to a receiver on the host (QEMU
# user networking takes 10.0.2.2 to the host's loopback). Reports the app's send rate
# per size, how many the host received, and the NET_TX / NET_RX softirq counts during
# the run (from the app's exit line). Checks: every send succeeded, the host got (nearly)
# all of them, and the kernel is still up. COUNT=... sets the datagrams per size.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
COUNT=${COUNT:-5000}
RECV_PID=""
cleanup() {
  guest_stop
  if [ -n "$RECV_PID" ]; then kill "$RECV_PID" 2>/dev/null; wait "$RECV_PID" 2>/dev/null; fi
}
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
counts=$E2E_OUT/udp_rate.recv
: >"$counts"
# the receiver counts datagrams per size until 5 s pass without one (or 300 s in all)
/usr/bin/python3 -c '
import collections, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind(("127.0.0.1", int(sys.argv[1])))
c = collections.Counter()
t_end = time.time() + 300
s.settimeout(60)                      # the guest boots first
while time.time() < t_end:
    try:
        d, _ = s.recvfrom(70000)
    except socket.timeout:
        break
    c[len(d)] += 1
    s.settimeout(5)
with open(sys.argv[2], "w") as f:
    for size, n in sorted(c.items()):
        f.write("%d %d\n" % (size, n))
' "$port" "$counts" &
RECV_PID=$!

guest_start udp_rate FWD=0 CMDLINE="ip=10.0.2.15/24 gw=10.0.2.2 apps=udp_blast:10.0.2.2:$port:18/1472:$COUNT"
e2e_wait "udp_rate.app_finished" 'app udp_blast .*exited' 240 "exit line"
log=$GUEST_LOG
wait "$RECV_PID" 2>/dev/null
RECV_PID=""
grep -E '^udp_blast: [0-9]+ datagrams' "$log" | sed 's/^/e2e: /'
exitline=$(grep -E 'app udp_blast .*exited' "$log" | sed 's/^\[[ 0-9.]*\] //')
echo "e2e: $exitline"
for size in 18 1472; do
  got=$(awk -v s="$size" '$1 == s { print $2 }' "$counts")
  got=${got:-0}
  echo "e2e: host received $got datagrams of $size bytes (the app sent $COUNT, plus one warm-up)"
  if [ "$got" -ge $((COUNT * 99 / 100)) ]; then e2e_ok "udp_rate.host_received_${size}"
  else e2e_fail "udp_rate.host_received_${size}" "$got of $COUNT"; fi
done
e2e_check "udp_rate.no_send_errors" grep -qE 'app udp_blast .*exited with status 0 ' "$log"
e2e_check "udp_rate.no_panic_or_fault" bash -c "! grep -qiE 'panic|exception|killed' '$log'"
e2e_finish
