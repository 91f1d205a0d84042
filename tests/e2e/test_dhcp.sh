#!/usr/bin/env bash
# DHCP against real servers, with no ip= on the command line:
#  1. QEMU user networking's built-in server: the guest gets 10.0.2.15/24, router
#     10.0.2.2, DNS 10.0.2.3, and prints the ready line exactly once; the exchange is
#     captured and checked with tshark (well-formed, checksums right).
#  2. dnsmasq on a tap inside a network namespace this test creates (198.18.0.0/15
#     addresses only): the guest gets an address from its pool, router and DNS from its
#     options, renews at the short T1 dnsmasq is told to give (unicast REQUEST, ACK, and
#     no ICMP error for that ACK), and answers ARP for its new address (arping from the
#     namespace); the capture has nothing malformed.
# Everything started here is stopped by PID, and the namespace deleted, from the trap.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

NS=wpdhcp$$
DNSMASQ_PID=""
cleanup() {
  guest_stop
  if [ -n "$DNSMASQ_PID" ]; then
    kill "$DNSMASQ_PID" 2>/dev/null
    wait "$DNSMASQ_PID" 2>/dev/null
  fi
  ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT

# --- 1. QEMU user networking ---
pcap=$E2E_OUT/dhcp_user.pcap
rm -f "$pcap"
guest_start dhcp_user FWD=0 PCAP="$pcap"
if guest_wait 'wirepath: ready ip=' 60; then
  e2e_ok "dhcp.user_ready_line"
else
  e2e_fail "dhcp.user_ready_line" "no ready line; see $GUEST_LOG"
fi
log=$GUEST_LOG
e2e_check "dhcp.user_address_10.0.2.15" grep -qE 'wirepath: ready ip=10\.0\.2\.15/24[[:space:]]*$' "$log"
e2e_check "dhcp.user_ready_once" bash -c "[ \$(grep -c 'wirepath: ready' '$log') -eq 1 ]"
e2e_check "dhcp.user_router_and_dns" \
  grep -qE 'dhcp: eth0 bound 10\.0\.2\.15/24 router 10\.0\.2\.2 server 10\.0\.2\.2 dns 10\.0\.2\.3 lease [0-9]+s' "$log"
sleep 1
guest_stop
if command -v tshark >/dev/null; then
  tsh() { tshark -r "$pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE "$@" 2>/dev/null; }
  e2e_check "dhcp.user_pcap_discover_offer_request_ack" bash -c "
    for t in 1 2 3 5; do
      [ \$(tshark -r '$pcap' -Y \"dhcp.option.dhcp == \$t\" 2>/dev/null | wc -l) -ge 1 ] || exit 1
    done"
  e2e_check "dhcp.user_pcap_no_malformed" bash -c "[ \$(tshark -r '$pcap' -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | wc -l) -eq 0 ]"
  e2e_check "dhcp.user_pcap_checksums_good" bash -c "[ \$(tshark -r '$pcap' -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -Y 'ip.checksum.status == 0 || udp.checksum.status == 0' 2>/dev/null | wc -l) -eq 0 ]"
  e2e_check "dhcp.user_pcap_gratuitous_arp" bash -c "[ \$(tshark -r '$pcap' -Y 'arp.isgratuitous == 1 && arp.src.proto_ipv4 == 10.0.2.15' 2>/dev/null | wc -l) -ge 1 ]"
else
  e2e_fail "dhcp.user_pcap" "tshark missing (tools/deps.sh test)"
fi

# --- 2. dnsmasq on a tap in a namespace of our own ---
if ! ip netns add "$NS" 2>/dev/null; then
  e2e_fail "dhcp.netns" "cannot create a network namespace (needs root)"
  e2e_finish
  exit 1
fi
ip -n "$NS" link set lo up
ip -n "$NS" tuntap add dev wp0 mode tap
ip -n "$NS" addr add 198.18.0.1/24 dev wp0
ip -n "$NS" link set wp0 up
leases=$E2E_OUT/dnsmasq.leases
dlog=$E2E_OUT/dnsmasq.log
rm -f "$leases" "$dlog"
# 2-minute leases (dnsmasq's minimum) with T1 = 12 s so a renewal happens in the test
ip netns exec "$NS" dnsmasq --no-daemon --conf-file=/dev/null --port=0 \
    --interface=wp0 --bind-interfaces --except-interface=lo \
    --dhcp-range=198.18.0.50,198.18.0.59,255.255.255.0,2m \
    --dhcp-option=option:router,198.18.0.1 --dhcp-option=option:dns-server,198.18.0.1 \
    --dhcp-option=option:T1,12 --dhcp-option=option:T2,100 \
    --dhcp-leasefile="$leases" --pid-file= --log-dhcp --log-facility="$dlog" \
    >"$E2E_OUT/dnsmasq.out" 2>&1 &
DNSMASQ_PID=$!
sleep 0.5
if kill -0 "$DNSMASQ_PID" 2>/dev/null; then
  e2e_ok "dhcp.dnsmasq_started"
else
  e2e_fail "dhcp.dnsmasq_started" "$(head -3 "$E2E_OUT/dnsmasq.out")"
fi

GUEST_LOG=$E2E_OUT/dhcp_dnsmasq.serial.log
: >"$GUEST_LOG"
pcap2=$E2E_OUT/dhcp_dnsmasq.pcap
rm -f "$pcap2"
# ip netns exec and env exec in place: the PID is QEMU's own
ip netns exec "$NS" env NET=tap TAP=wp0 FWD=0 PCAP="$pcap2" SERIAL="file:$GUEST_LOG" \
    "$E2E_ROOT/tools/qemu.sh" </dev/null >"$E2E_OUT/dhcp_dnsmasq.qemu.log" 2>&1 &
GUEST_PID=$!
if guest_wait 'wirepath: ready ip=198\.18\.0\.5[0-9]/24' 60; then
  e2e_ok "dhcp.dnsmasq_ready_line"
else
  e2e_fail "dhcp.dnsmasq_ready_line" "no ready line; see $GUEST_LOG"
fi
addr=$(sed -n 's/.*wirepath: ready ip=\(198\.18\.0\.5[0-9]\)\/24.*/\1/p' "$GUEST_LOG" | head -1)
e2e_check "dhcp.dnsmasq_router_dns" \
  grep -qE "dhcp: eth0 bound $addr/24 router 198\.18\.0\.1 server 198\.18\.0\.1 dns 198\.18\.0\.1 lease 120s renew 12s" "$GUEST_LOG"
e2e_check "dhcp.dnsmasq_server_acked" grep -q "DHCPACK(wp0) $addr 52:54:00:12:34:56" "$dlog"
# ARP for the new address is answered (request answering through arp_rcv)
if [ -n "$addr" ] && ip netns exec "$NS" arping -c 3 -w 10 -I wp0 "$addr" >"$E2E_OUT/arping.log" 2>&1; then
  e2e_ok "dhcp.arping_answered"
else
  e2e_fail "dhcp.arping_answered" "$(tail -2 "$E2E_OUT/arping.log")"
fi
e2e_check "dhcp.arping_reply_from_guest_mac" grep -qi '52:54:00:12:34:56' "$E2E_OUT/arping.log"
# renewal at T1: unicast REQUEST, server ACKs again, the guest says "renewed"
if guest_wait "dhcp: eth0 renewed $addr/24" 45; then
  e2e_ok "dhcp.dnsmasq_renewed_at_t1"
else
  e2e_fail "dhcp.dnsmasq_renewed_at_t1" "no renewal; see $GUEST_LOG"
fi
e2e_check "dhcp.dnsmasq_renewal_unicast" bash -c "grep -q 'REQUEST xid 0x[0-9a-f]* to 198.18.0.1 (RENEWING) via socket' '$GUEST_LOG'"
# before the lease, raw broadcasts; after it, the bound UDP socket and the normal IP
# output path (the dump line counts both)
e2e_check "dhcp.discover_raw" grep -qE 'DISCOVER xid 0x[0-9a-f]+ to 255.255.255.255 \((INIT|SELECTING)\) via raw' "$GUEST_LOG"
e2e_check "dhcp.dnsmasq_two_acks" bash -c "[ \$(grep -c 'DHCPACK(wp0) $addr' '$dlog') -ge 2 ]"
e2e_check "dhcp.ready_once_after_renewal" bash -c "[ \$(grep -c 'wirepath: ready' '$GUEST_LOG') -eq 1 ]"
guest_stop
if command -v tshark >/dev/null; then
  e2e_check "dhcp.dnsmasq_pcap_no_malformed" bash -c "[ \$(tshark -r '$pcap2' -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | wc -l) -eq 0 ]"
  e2e_check "dhcp.dnsmasq_pcap_unicast_renewal" bash -c "[ \$(tshark -r '$pcap2' -Y 'dhcp.option.dhcp == 3 && ip.dst == 198.18.0.1 && dhcp.ip.client == $addr' 2>/dev/null | wc -l) -ge 1 ]"
  # the renewal ACK is unicast to us: UDP must not answer it with port unreachable
  e2e_check "dhcp.dnsmasq_pcap_no_icmp_unreachable" bash -c "[ \$(tshark -r '$pcap2' -Y 'icmp.type == 3 && ip.src == $addr' 2>/dev/null | wc -l) -eq 0 ]"
fi
e2e_check "dhcp.no_panic" bash -c "! grep -qiE 'panic|exception' '$GUEST_LOG' '$log'"
e2e_finish
