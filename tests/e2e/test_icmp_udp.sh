#!/usr/bin/env bash
# IPv4, ICMP and UDP against a real Linux peer: the guest sits on a tap inside a network
# namespace this test creates (host side 198.18.0.1, guest 198.18.0.2 from
# ip=198.18.0.2/24 gw=198.18.0.1), so the host can ping it, which slirp cannot. Checks:
#   ping; ping -s 8000 (reassembly in the guest, fragmented replies); arping;
#   UDP echo (the default image's udp_echo app on port 7) of 1, 1472, 1473, 8000 and
#   65507 bytes returned intact; ICMP port unreachable for a closed port seen by the
#   host (ECONNREFUSED on a connected socket); an nf= rule from the command line
#   silencing one port; and tshark on the capture (filter-dump) finding no malformed
#   packet and no bad IP/ICMP/UDP checksum.
# Everything started here is stopped by PID and the namespace deleted from the trap.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

NS=wpicmp$$
cleanup() {
  guest_stop
  ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT

netns_tap_or_exit icmp_udp "$NS" 198.18.0.1
ip -n "$NS" link set wp0 up
in_ns() { ip netns exec "$NS" "$@"; }

pcap=$E2E_OUT/icmp_udp.pcap
rm -f "$pcap"
GUEST_LOG=$E2E_OUT/icmp_udp.serial.log
: >"$GUEST_LOG"
# QEMU runs inside the namespace, where the tap is; `ip netns exec` execs it, so the PID
# is QEMU's own and guest_stop can stop it.
ip netns exec "$NS" env NET=tap TAP=wp0 PCAP="$pcap" SERIAL="file:$GUEST_LOG" \
    CMDLINE="ip=198.18.0.2/24 gw=198.18.0.1 nf=LOCAL_IN:udp:dport=9999:DROP" \
    "$E2E_ROOT/tools/qemu.sh" </dev/null >"$E2E_OUT/icmp_udp.qemu.log" 2>&1 &
GUEST_PID=$!

if guest_wait 'wirepath: ready ip=198\.18\.0\.2/24' 90 && guest_wait 'udp_echo: listening on udp port 7' 30; then
  e2e_ok "icmp_udp.guest_ready"
else
  e2e_fail "icmp_udp.guest_ready" "no ready/listening line; see $GUEST_LOG"
fi
e2e_check "icmp_udp.ready_line_once" bash -c "[ \$(grep -c 'wirepath: ready' '$GUEST_LOG') -eq 1 ]"
e2e_check "icmp_udp.nf_rule_loaded" grep -q 'nf: 1 rule from the command line' "$GUEST_LOG"

# ping: the first one also resolves the guest's MAC (and the guest ours)
e2e_check "icmp_udp.ping" in_ns ping -c 3 -i 0.3 -W 3 198.18.0.2
e2e_check "icmp_udp.ping_s8000" in_ns ping -c 2 -i 0.5 -W 5 -s 8000 198.18.0.2
e2e_check "icmp_udp.arping" in_ns arping -c 2 -w 5 -I wp0 198.18.0.2

client=$(cat <<'PY'
import errno, os, socket, sys
sys.path.insert(0, sys.argv[1])
from udp_echo_check import echo
G = "198.18.0.2"

def report(name, ok, why=""):
    print("%s %s %s" % ("OK" if ok else "FAIL", name, why))

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.settimeout(3)

for n in (1, 1472, 1473, 8000, 65507):
    report("icmp_udp.udp_echo_%d" % n, echo(s, G, os.urandom(n), 3), "no intact echo")

# a closed port: the guest answers with ICMP port unreachable, which Linux turns into
# ECONNREFUSED on a connected socket
def refused(port):
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.settimeout(2)
    c.connect((G, port))
    for _ in range(3):
        try:
            c.send(b"anyone there?")
            c.recv(100)
        except ConnectionRefusedError:
            return "refused"
        except socket.timeout:
            continue
    return "silent"

r = refused(9)
report("icmp_udp.port_unreachable_refused", r == "refused", r)
# the nf= rule drops datagrams for port 9999 before UDP sees them: no ICMP comes back
r = refused(9999)
report("icmp_udp.nf_drop_is_silent", r == "silent", r)
PY
)
client_out=$(in_ns /usr/bin/python3 -c "$client" "$E2E_ROOT/tests/e2e" 2>&1)
while read -r verdict name why; do
  case $verdict in
    OK) e2e_ok "$name" ;;
    FAIL) e2e_fail "$name" "$why" ;;
    *) [ -n "$verdict" ] && echo "e2e: client: $verdict $name $why" ;;
  esac
done <<<"$client_out"

# still alive after all that
e2e_check "icmp_udp.ping_after" in_ns ping -c 1 -W 3 198.18.0.2
guest_stop
e2e_check "icmp_udp.no_panic" bash -c "! grep -qiE 'panic|exception|BUG at' '$GUEST_LOG'"

if command -v tshark >/dev/null; then
  # (ICMP checksums are always verified by Wireshark; IP and UDP ones on request)
  tsh() { tshark -r "$pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE "${E2E_TSHARK_DATA[@]}" "$@"; }
  # a filter's match count; a tshark error (bad filter or option) counts as -1, so that
  # it fails the checks instead of passing them with nothing read
  count() { local out; out=$(tsh -Y "$1" 2>/dev/null) || { echo -1; return; }; echo -n "$out" | grep -c .; }
  e2e_check "icmp_udp.pcap_echo_replies" bash -c "[ $(count 'icmp.type == 0 && ip.src == 198.18.0.2') -ge 5 ]"
  e2e_check "icmp_udp.pcap_fragmented_replies" \
    bash -c "[ $(count 'ip.src == 198.18.0.2 && ip.flags.mf == 1') -ge 5 ]"
  e2e_check "icmp_udp.pcap_port_unreachable" \
    bash -c "[ $(count 'ip.src == 198.18.0.2 && icmp.type == 3 && icmp.code == 3') -ge 1 ]"
  e2e_check "icmp_udp.pcap_no_unreachable_for_nf_port" \
    bash -c "[ $(count 'ip.src == 198.18.0.2 && icmp.type == 3 && udp.dstport == 9999') -eq 0 ]"
  e2e_check "icmp_udp.pcap_no_malformed" \
    bash -c "[ $(count '_ws.malformed || _ws.expert.severity >= error') -eq 0 ]"
  e2e_check "icmp_udp.pcap_checksums_good" \
    bash -c "[ $(count 'ip.checksum.status == 0 || udp.checksum.status == 0 || icmp.checksum.status == 0') -eq 0 ]"
else
  e2e_fail "icmp_udp.pcap" "tshark missing (tools/deps.sh test)"
fi
e2e_finish
