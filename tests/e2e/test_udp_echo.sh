#!/usr/bin/env bash
# The default image runs the udp_echo app (ring 3, POSIX sockets through the syscall gate)
# on port 7. From the host, through QEMU user networking's forward of udp
# 127.0.0.1:$PORT_ECHO -> guest :7, datagrams of 1, 1472 (one full frame), 1473 (the
# first that needs two fragments), 8000 and 65507 (the largest) bytes must come back
# intact, a burst of small ones must come back (nearly) all, and the kernel and the app
# must still be up afterwards. The traffic is captured; tshark must find no malformed packet
# and no bad checksum in it (the case is skipped where tshark is not installed).
# Free host ports are picked so that other guests running at the same time do not clash.
# The guest prints its skb counters every second when they change (netstat=1): after the
# traffic they must come back to the baseline seen before it, i.e. no buffer leaked.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
trap guest_stop EXIT

PORT_ECHO=$(free_port udp)
pcap=$E2E_OUT/udp_echo.pcap
rm -f "$pcap"
guest_start udp_echo PORT_ECHO="$PORT_ECHO" PORT_HTTP="$(free_port tcp)" \
    PORT_ECHO_TCP="$(free_port tcp)" PORT_IPERF="$(free_port tcp)" PCAP="$pcap" \
    PORT_DISCARD="$(free_port tcp)" PORT_CHARGEN="$(free_port tcp)" \
    CMDLINE="netstat=1"

if guest_wait 'wirepath: ready ip=' 90 && guest_wait 'udp_echo: listening on udp port 7' 30; then
  e2e_ok "udp_echo.app_listening"
else
  e2e_fail "udp_echo.app_listening" "no ready/listening line; see $GUEST_LOG"
fi

# skb_counts: "alive data" from the newest netstat line of the serial log
skb_counts() { grep -a 'netstat: skb' "$GUEST_LOG" | tail -1 | sed -E 's/.*alive=([0-9]+) data=([0-9]+).*/\1 \2/'; }
# the baseline once boot-time traffic (DHCP, gratuitous ARP) is over and its buffers are back
if netstat_quiet 2 30; then e2e_ok "udp_echo.idle_before_traffic"
else e2e_fail "udp_echo.idle_before_traffic" "the netstat line kept changing for 30 s; see $GUEST_LOG"; fi
baseline=$(skb_counts)
echo "e2e: skb baseline before traffic (alive data): ${baseline:-none}"

client=$(cat <<'PY'
import os, socket, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.settimeout(2)

def report(name, ok, why=""):
    print("%s %s %s" % ("OK" if ok else "FAIL", name, why))

def echo(data, tries=3):
    for _ in range(tries):
        s.sendto(data, ("127.0.0.1", port))
        try:
            while True:
                got, _ = s.recvfrom(70000)
                if got == data:
                    return True      # else a late answer to an earlier try: read on
        except socket.timeout:
            continue
    return False

for n in (1, 1472, 1473, 8000, 65507):
    report("udp_echo.size_%d" % n, echo(os.urandom(n)), "no intact echo")

# a burst of 100 small numbered datagrams; count the distinct ones that return (the
# app's receive buffer, SO_RCVBUF at the kernel's maximum, holds them all)
s.settimeout(0.5)
for i in range(100):
    s.sendto(b"burst %05d" % i, ("127.0.0.1", port))
seen = set()
try:
    while len(seen) < 100:
        got, _ = s.recvfrom(100)
        if got.startswith(b"burst "):
            seen.add(got)
except socket.timeout:
    pass
print("INFO udp_echo.burst %d of 100 came back" % len(seen))
report("udp_echo.burst_95_of_100", len(seen) >= 95, "%d came back" % len(seen))
PY
)
client_out=$(/usr/bin/python3 -c "$client" "$PORT_ECHO" 2>&1)
while read -r verdict name why; do
  case $verdict in
    OK) e2e_ok "$name" ;;
    FAIL) e2e_fail "$name" "$why" ;;
    INFO) echo "e2e: $name: $why" ;;
    *) [ -n "$verdict" ] && echo "e2e: client: $verdict $name $why" ;;
  esac
done <<<"$client_out"
echo "$client_out" | grep -q '^OK udp_echo.size_1 ' || [ -n "$client_out" ] ||
  e2e_fail "udp_echo.client_ran" "the python client printed nothing"

after=""
for _ in $(seq 20); do
  sleep 1
  after=$(skb_counts)
  [ -n "$baseline" ] && [ "$after" = "$baseline" ] && break
done
echo "e2e: skb counts after traffic (alive data): ${after:-none}"
if [ -n "$baseline" ] && [ "$after" = "$baseline" ]; then e2e_ok "udp_echo.skb_counters_back_to_baseline"
else e2e_fail "udp_echo.skb_counters_back_to_baseline" "before '$baseline', after '$after'"; fi

log=$GUEST_LOG
e2e_check "udp_echo.app_still_running" bash -c "! grep -q 'app udp_echo .*exited' '$log'"
e2e_check "udp_echo.no_panic_or_fault" bash -c "! grep -qiE 'panic|exception|killed' '$log'"
guest_stop
if ! command -v tshark >/dev/null 2>&1; then
  e2e_skip "udp_echo.capture_clean" "tshark is not installed"
elif [ ! -s "$pcap" ]; then
  e2e_fail "udp_echo.capture_clean" "no capture in $pcap"
else
  bad=$(tshark -r "$pcap" -o udp.check_checksum:TRUE -o ip.check_checksum:TRUE "${E2E_TSHARK_DATA[@]}" \
          -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | wc -l)
  udp=$(tshark -r "$pcap" -Y 'udp.port == 7' 2>/dev/null | wc -l)
  echo "e2e: udp_echo capture: $udp packets on port 7, $bad malformed or with bad checksums"
  if [ "$bad" -eq 0 ] && [ "$udp" -gt 0 ]; then e2e_ok "udp_echo.capture_clean"
  else e2e_fail "udp_echo.capture_clean" "$bad bad packets, $udp on port 7; see $pcap"; fi
fi
e2e_finish
