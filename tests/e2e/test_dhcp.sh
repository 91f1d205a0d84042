#!/usr/bin/env bash
# DHCP against real servers, with no ip= on the command line:
#  1. QEMU user networking's built-in server: the guest gets 10.0.2.15/24, router
#     10.0.2.2, DNS 10.0.2.3, and prints the ready line exactly once; the exchange is
#     captured and checked with tshark (well-formed, checksums right); three ARP probes of
#     the address precede its first use; `reboot` typed on the serial console sends
#     DHCPRELEASE to slirp's server before the reset ends QEMU.
#  2. dnsmasq on a tap inside a network namespace this test creates (198.18.0.0/15
#     addresses only): the guest gets an address from its pool, router and DNS from its
#     options, renews at the short T1 dnsmasq is told to give (unicast REQUEST, ACK, and
#     no ICMP error for that ACK), and answers ARP for its new address (arping from the
#     namespace); the capture has nothing malformed.
#     Before that, a conflict: dnsmasq gives the guest's MAC a fixed address, 198.18.0.50,
#     for which a small responder in the namespace answers ARP (as a host using it would,
#     from MAC 02:00:00:00:00:50): the guest's ARP probe (RFC 5227) is answered, it
#     sends DHCPDECLINE, dnsmasq sets the address aside, and 10 s later the guest gets
#     one from the pool (198.18.0.51-59), probed three times with sender 0.0.0.0.
#     At the end `poweroff` is typed on the serial console: the guest sends DHCPRELEASE
#     (seen by dnsmasq, the capture, and the lease gone from dnsmasq's lease file) and
#     QEMU exits.
# Everything started here is stopped by PID, and the namespace deleted, from the trap.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

NS=wpdhcp$$
DNSMASQ_PID=""
RESP_PID=""
cleanup() {
  guest_stop
  if [ -n "$RESP_PID" ]; then
    kill "$RESP_PID" 2>/dev/null
    wait "$RESP_PID" 2>/dev/null
  fi
  if [ -n "$DNSMASQ_PID" ]; then
    kill "$DNSMASQ_PID" 2>/dev/null
    wait "$DNSMASQ_PID" 2>/dev/null
  fi
  ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT

# serial_type SOCKET COMMAND: type a command line on the guest's serial console
serial_type() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b"\r" + sys.argv[2].encode() + b"\r")
s.close()
PY
}
# qemu_exits TIMEOUT_S: true once QEMU ended by itself
qemu_exits() {
  local i
  for ((i = 0; i < $1 * 10; i++)); do kill -0 "$GUEST_PID" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}

# --- 1. QEMU user networking ---
pcap=$E2E_OUT/dhcp_user.pcap
rm -f "$pcap"
sock1=$E2E_OUT/dhcp_user.serial.sock
rm -f "$sock1"
GUEST_LOG=$E2E_OUT/dhcp_user.serial.log
: >"$GUEST_LOG"
FWD=0 PCAP="$pcap" SERIAL=chardev:ser0 "$E2E_ROOT/tools/qemu.sh" \
    -chardev "socket,id=ser0,path=$sock1,server=on,wait=off,logfile=$GUEST_LOG" \
    </dev/null >"$E2E_OUT/dhcp_user.qemu.log" 2>&1 &
GUEST_PID=$!
e2e_wait "dhcp.user_ready_line" 'wirepath: ready ip=' 60 "ready line"
log=$GUEST_LOG
e2e_check "dhcp.user_address_10.0.2.15" grep -qE 'wirepath: ready ip=10\.0\.2\.15/24[[:space:]]*$' "$log"
e2e_check "dhcp.user_ready_once" bash -c "[ \$(grep -c 'wirepath: ready' '$log') -eq 1 ]"
e2e_check "dhcp.user_router_and_dns" \
  grep -qE 'dhcp: eth0 bound 10\.0\.2\.15/24 router 10\.0\.2\.2 server 10\.0\.2\.2 dns 10\.0\.2\.3 lease [0-9]+s' "$log"
# reboot on the console: the lease goes back to slirp's server first (QEMU runs with
# -no-reboot, so the reset ends it)
serial_type "$sock1" reboot
if qemu_exits 30; then e2e_ok "dhcp.user_reboot_exits_qemu"; else e2e_fail "dhcp.user_reboot_exits_qemu" "QEMU still running 30 s after reboot"; fi
e2e_check "dhcp.user_release_on_reboot" bash -c "grep -q 'dhcp: eth0 releasing 10.0.2.15 to 10.0.2.2' '$log' && ! grep -q 'RELEASE did not leave' '$log'"
guest_stop
if command -v tshark >/dev/null; then
  e2e_check "dhcp.user_pcap_release_unicast" bash -c "[ \$(tshark -r '$pcap' -Y 'dhcp.option.dhcp == 7 && ip.src == 10.0.2.15 && ip.dst == 10.0.2.2 && dhcp.ip.client == 10.0.2.15' 2>/dev/null | wc -l) -eq 1 ]"
  tsh() { tshark -r "$pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE "$@" 2>/dev/null; }
  e2e_check "dhcp.user_pcap_discover_offer_request_ack" bash -c "
    for t in 1 2 3 5; do
      [ \$(tshark -r '$pcap' -Y \"dhcp.option.dhcp == \$t\" 2>/dev/null | wc -l) -ge 1 ] || exit 1
    done"
  e2e_check "dhcp.user_pcap_no_malformed" bash -c "[ \$(tshark -r '$pcap' ${E2E_TSHARK_DATA[*]} -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | wc -l) -eq 0 ]"
  e2e_check "dhcp.user_pcap_checksums_good" bash -c "[ \$(tshark -r '$pcap' -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -Y 'ip.checksum.status == 0 || udp.checksum.status == 0' 2>/dev/null | wc -l) -eq 0 ]"
  e2e_check "dhcp.user_pcap_gratuitous_arp" bash -c "[ \$(tshark -r '$pcap' -Y 'arp.isgratuitous == 1 && arp.src.proto_ipv4 == 10.0.2.15' 2>/dev/null | wc -l) -ge 1 ]"
  # RFC 5227: three probes of the offered address (sender 0.0.0.0), all before the
  # first announcement
  probes=$(tshark -r "$pcap" -Y 'arp.opcode == 1 && arp.src.proto_ipv4 == 0.0.0.0 && arp.dst.proto_ipv4 == 10.0.2.15' -T fields -e frame.number 2>/dev/null)
  first_ann=$(tshark -r "$pcap" -Y 'arp.isgratuitous == 1 && arp.src.proto_ipv4 == 10.0.2.15' -T fields -e frame.number 2>/dev/null | head -1)
  if [ "$(wc -l <<<"$probes")" -eq 3 ] && [ -n "$first_ann" ] && [ "$(tail -1 <<<"$probes")" -lt "$first_ann" ]; then
    e2e_ok "dhcp.user_pcap_three_arp_probes_before_use"
  else
    e2e_fail "dhcp.user_pcap_three_arp_probes_before_use" "probe frames '$(echo $probes)', first announcement '${first_ann}'"
  fi
else
  e2e_fail "dhcp.user_pcap" "tshark missing (tools/deps.sh test)"
fi

# --- 2. dnsmasq on a tap in a namespace of our own ---
netns_tap_or_exit dhcp "$NS" 198.18.0.1
# another host holding 198.18.0.50: it answers ARP requests for it (probes included)
responder='import socket, struct, sys, time
iface, ip, mac = sys.argv[1], socket.inet_aton(sys.argv[2]), bytes.fromhex("020000000050")
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind((iface, 0))
s.settimeout(1)
end = time.time() + 600
while time.time() < end:
    try:
        f = s.recv(2048)
    except socket.timeout:
        continue
    if len(f) < 42 or f[12:14] != b"\x08\x06" or f[20:22] != b"\x00\x01" or f[38:42] != ip:
        continue
    sha, spa = f[22:28], f[28:32]
    arp = b"\x00\x01\x08\x00\x06\x04\x00\x02" + mac + ip + sha + spa
    s.send(sha + mac + b"\x08\x06" + arp + bytes(18))
    print("answered for", sys.argv[2], "to", sha.hex(":"), flush=True)'
ip netns exec "$NS" /usr/bin/python3 -c "$responder" wp0 198.18.0.50 >"$E2E_OUT/arp_responder.log" 2>&1 &
RESP_PID=$!
ip -n "$NS" link set wp0 up
leases=$E2E_OUT/dnsmasq.leases
dlog=$E2E_OUT/dnsmasq.log
rm -f "$leases" "$dlog"
# 2-minute leases (dnsmasq's minimum) with T1 = 12 s so a renewal happens in the test
ip netns exec "$NS" dnsmasq --no-daemon --conf-file=/dev/null --port=0 \
    --interface=wp0 --bind-interfaces --except-interface=lo \
    --dhcp-range=198.18.0.51,198.18.0.59,255.255.255.0,2m --no-ping \
    --dhcp-host=52:54:00:12:34:56,198.18.0.50 \
    --dhcp-option=option:router,198.18.0.1 --dhcp-option=option:dns-server,198.18.0.1 \
    --dhcp-option=option:T1,12 --dhcp-option=option:T2,100 \
    --dhcp-leasefile="$leases" --pid-file= --log-dhcp --log-facility="$dlog" \
    >"$E2E_OUT/dnsmasq.out" 2>&1 &
DNSMASQ_PID=$!
# started once it listens on the DHCP server port in the namespace
for _ in $(seq 50); do
  kill -0 "$DNSMASQ_PID" 2>/dev/null || break
  ip netns exec "$NS" ss -Hlun 'sport = :67' 2>/dev/null | grep -q . && break
  sleep 0.1
done
if kill -0 "$DNSMASQ_PID" 2>/dev/null && ip netns exec "$NS" ss -Hlun 'sport = :67' | grep -q .; then
  e2e_ok "dhcp.dnsmasq_started"
else
  e2e_fail "dhcp.dnsmasq_started" "$(head -3 "$E2E_OUT/dnsmasq.out")"
fi

GUEST_LOG=$E2E_OUT/dhcp_dnsmasq.serial.log
: >"$GUEST_LOG"
pcap2=$E2E_OUT/dhcp_dnsmasq.pcap
rm -f "$pcap2"
# the serial console on a unix socket (to type poweroff later), logged to $GUEST_LOG;
# ip netns exec and env exec in place: the PID is QEMU's own
sock=$E2E_OUT/dhcp_dnsmasq.serial.sock
rm -f "$sock"
ip netns exec "$NS" env NET=tap TAP=wp0 FWD=0 PCAP="$pcap2" SERIAL=chardev:ser0 \
    "$E2E_ROOT/tools/qemu.sh" -chardev "socket,id=ser0,path=$sock,server=on,wait=off,logfile=$GUEST_LOG" \
    </dev/null >"$E2E_OUT/dhcp_dnsmasq.qemu.log" 2>&1 &
GUEST_PID=$!
# the conflict: the fixed address is probed, answered by the namespace, and declined
e2e_wait "dhcp.conflict_declined" 'dhcp: eth0 198\.18\.0\.50 is in use by another host: declined' 60 "decline line"
e2e_wait "dhcp.dnsmasq_ready_line_after_decline" 'wirepath: ready ip=198\.18\.0\.5[1-9]/24' 90 "ready line"
e2e_check "dhcp.dnsmasq_got_decline" grep -q "DHCPDECLINE(wp0) 198.18.0.50 52:54:00:12:34:56" "$dlog"
e2e_check "dhcp.declined_address_never_used" bash -c "! grep -q 'bound 198.18.0.50/' '$GUEST_LOG'"
# RFC 2131 3.1.5: at least 10 s from the DECLINE to the next DISCOVER (printk times; the
# client's clock counts whole milliseconds and the DECLINE line is printed just after
# the instant its pause is counted from, hence 10 ms of slack)
t_decl=$(grep -a 'DECLINE xid' "$GUEST_LOG" | head -1 | sed -nE 's/^\[ *([0-9.]+)\].*/\1/p')
t_disc=$(grep -a 'DISCOVER xid' "$GUEST_LOG" | awk -v t="$t_decl" '{ v = $0; sub(/^\[ */, "", v); sub(/\].*/, "", v); if (v + 0 > t + 0) { print v; exit } }')
if [ -n "$t_decl" ] && [ -n "$t_disc" ] && awk -v a="$t_decl" -v b="$t_disc" 'BEGIN { exit !(b - a >= 9.99) }'; then
  e2e_ok "dhcp.decline_then_10s_pause"
else
  e2e_fail "dhcp.decline_then_10s_pause" "DECLINE at '${t_decl}' s, next DISCOVER at '${t_disc}' s"
fi
addr=$(sed -n 's/.*wirepath: ready ip=\(198\.18\.0\.5[1-9]\)\/24.*/\1/p' "$GUEST_LOG" | head -1)
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
e2e_wait "dhcp.dnsmasq_renewed_at_t1" "dhcp: eth0 renewed $addr/24" 45 "renewal"
e2e_check "dhcp.dnsmasq_renewal_unicast" bash -c "grep -q 'REQUEST xid 0x[0-9a-f]* to 198.18.0.1 (RENEWING) via socket' '$GUEST_LOG'"
# before the lease, raw broadcasts; after it, the bound UDP socket and the normal IP
# output path (the dump line counts both)
e2e_check "dhcp.discover_raw" grep -qE 'DISCOVER xid 0x[0-9a-f]+ to 255.255.255.255 \((INIT|SELECTING)\) via raw' "$GUEST_LOG"
e2e_check "dhcp.dnsmasq_two_acks" bash -c "[ \$(grep -c 'DHCPACK(wp0) $addr' '$dlog') -ge 2 ]"
e2e_check "dhcp.ready_once_after_renewal" bash -c "[ \$(grep -c 'wirepath: ready' '$GUEST_LOG') -eq 1 ]"
e2e_check "dhcp.lease_in_dnsmasq_file" grep -q " $addr " "$leases"
# poweroff on the console: RELEASE, then QEMU exits by itself
serial_type "$sock" poweroff
if qemu_exits 30; then e2e_ok "dhcp.poweroff_exits_qemu"; else e2e_fail "dhcp.poweroff_exits_qemu" "QEMU still running 30 s after poweroff"; fi
e2e_check "dhcp.release_sent_in_time" bash -c "grep -q 'dhcp: eth0 releasing $addr to 198.18.0.1' '$GUEST_LOG' && ! grep -q 'RELEASE did not leave' '$GUEST_LOG'"
released=no
for _ in $(seq 50); do grep -q "DHCPRELEASE(wp0) $addr 52:54:00:12:34:56" "$dlog" && { released=yes; break; }; sleep 0.1; done
if [ $released = yes ]; then e2e_ok "dhcp.dnsmasq_got_release"; else e2e_fail "dhcp.dnsmasq_got_release" "no DHCPRELEASE in $dlog"; fi
gone=no
for _ in $(seq 50); do grep -q " $addr " "$leases" || { gone=yes; break; }; sleep 0.1; done
if [ $gone = yes ]; then e2e_ok "dhcp.lease_gone_from_dnsmasq_file"; else e2e_fail "dhcp.lease_gone_from_dnsmasq_file" "$(cat "$leases")"; fi
guest_stop
if command -v tshark >/dev/null; then
  e2e_check "dhcp.dnsmasq_pcap_no_malformed" bash -c "[ \$(tshark -r '$pcap2' ${E2E_TSHARK_DATA[*]} -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | wc -l) -eq 0 ]"
  e2e_check "dhcp.dnsmasq_pcap_unicast_renewal" bash -c "[ \$(tshark -r '$pcap2' -Y 'dhcp.option.dhcp == 3 && ip.dst == 198.18.0.1 && dhcp.ip.client == $addr' 2>/dev/null | wc -l) -ge 1 ]"
  # the renewal ACK is unicast to us: UDP must not answer it with port unreachable
  e2e_check "dhcp.dnsmasq_pcap_no_icmp_unreachable" bash -c "[ \$(tshark -r '$pcap2' -Y 'icmp.type == 3 && ip.src == $addr' 2>/dev/null | wc -l) -eq 0 ]"
  e2e_check "dhcp.dnsmasq_pcap_probe_answered_then_decline" bash -c "
    [ \$(tshark -r '$pcap2' -Y 'arp.opcode == 1 && arp.src.proto_ipv4 == 0.0.0.0 && arp.dst.proto_ipv4 == 198.18.0.50' 2>/dev/null | wc -l) -ge 1 ] &&
    [ \$(tshark -r '$pcap2' -Y 'arp.opcode == 2 && arp.src.proto_ipv4 == 198.18.0.50' 2>/dev/null | wc -l) -ge 1 ] &&
    [ \$(tshark -r '$pcap2' -Y 'dhcp.option.dhcp == 4 && dhcp.option.requested_ip_address == 198.18.0.50 && dhcp.option.dhcp_server_id == 198.18.0.1' 2>/dev/null | wc -l) -eq 1 ]"
  e2e_check "dhcp.dnsmasq_pcap_three_probes_of_new_address" bash -c "
    [ \$(tshark -r '$pcap2' -Y 'arp.opcode == 1 && arp.src.proto_ipv4 == 0.0.0.0 && arp.dst.proto_ipv4 == $addr' 2>/dev/null | wc -l) -eq 3 ]"
  e2e_check "dhcp.dnsmasq_pcap_release_unicast" bash -c "
    [ \$(tshark -r '$pcap2' -Y 'dhcp.option.dhcp == 7 && ip.src == $addr && ip.dst == 198.18.0.1 && dhcp.ip.client == $addr && dhcp.option.dhcp_server_id == 198.18.0.1' 2>/dev/null | wc -l) -eq 1 ]"
fi
e2e_check "dhcp.no_panic" bash -c "! grep -qiE 'panic|exception' '$GUEST_LOG' '$log'"
e2e_finish
