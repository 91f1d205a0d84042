#!/usr/bin/env bash
# The igb driver as the wire sees it: boot with test=igb (ARP exchange, a 10,000-frame
# burst with checksum offload and TSO, a TX hang and reset) while QEMU's filter-dump
# writes every frame to a pcap, then check the capture with tshark: nothing malformed,
# our MAC on everything we sent, the checksums the NIC inserted (IPv4 header, UDP, TCP
# of TSO segments) correct, and the ARP who-has 10.0.2.2 with its reply.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
trap guest_stop EXIT

OUR_MAC=52:54:00:12:34:56
OUR_IP=10.0.2.15
GW_IP=10.0.2.2
pcap=$E2E_OUT/igb.pcap
rm -f "$pcap"

if ! command -v tshark >/dev/null; then
  e2e_fail "igb_pcap.tshark_installed" "tshark missing (tools/deps.sh test)"
  e2e_finish
  exit 1
fi

ktest_iso=$E2E_ROOT/build/wirepath-ktest.iso     # test=igb needs the test image
if [ ! -f "$ktest_iso" ]; then
  e2e_fail "igb_pcap.test_image" "no $ktest_iso (make ktest-iso)"
  e2e_finish
  exit 1
fi
guest_start igb_pcap ISO="$ktest_iso" FWD=0 PCAP="$pcap" CMDLINE="test=igb igb.irq=msix"
e2e_wait "igb_pcap.guest_ran_tests" '^\[[ 0-9.]*\] [0-9]+ passed, [0-9]+ failed' 180 "test summary"
wait "$GUEST_PID" 2>/dev/null
rc=$?
GUEST_PID=""
e2e_check "igb_pcap.ktest_passed" bash -c "[ $rc -eq 33 ] && grep -qE '\] [0-9]+ passed, 0 failed' '$GUEST_LOG'"

# count FILTER [tshark options...]: frames matching a display filter
count() {
  local filter=$1; shift
  tshark -r "$pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
         -o tcp.check_checksum:TRUE "${E2E_TSHARK_DATA[@]}" "$@" -Y "$filter" 2>/dev/null | wc -l
}
expect() {   # expect NAME OP VALUE FILTER
  local name=$1 op=$2 want=$3 filter=$4 n
  n=$(count "$filter")
  if [ "$n" "$op" "$want" ]; then e2e_ok "$name"; else e2e_fail "$name" "$n frames match '$filter' (want $op $want)"; fi
}

if [ ! -s "$pcap" ]; then
  e2e_fail "igb_pcap.capture_written" "no pcap at $pcap"
  e2e_finish
  exit 1
fi
total=$(count "frame")
sent=$(count "eth.src == $OUR_MAC")
echo "e2e: igb capture: $total frames, $sent from $OUR_MAC"

expect "igb_pcap.burst_on_the_wire"        -ge 10000 "eth.src == $OUR_MAC"
expect "igb_pcap.no_malformed_frames"      -eq 0 "_ws.malformed"
# everything whose outer header claims our address carries our MAC (slirp quotes our
# headers inside its ICMP errors, hence layer 1 only)
expect "igb_pcap.our_frames_have_our_mac"  -eq 0 \
  "(ip.src#1 == $OUR_IP || arp.src.proto_ipv4 == $OUR_IP) && eth.src != $OUR_MAC"
expect "igb_pcap.only_us_and_the_gateway"  -eq 0 "eth.src != $OUR_MAC && eth.src != 52:55:0a:00:02:02"
# checksums the NIC inserted, checked by tshark
expect "igb_pcap.ip_checksums_good"        -eq 0 "ip.checksum.status == \"Bad\""
expect "igb_pcap.udp_checksums_good"       -eq 0 "udp.checksum.status == \"Bad\""
expect "igb_pcap.tcp_checksums_good"       -eq 0 "$E2E_TCP_BAD_CSUM"
expect "igb_pcap.icmp_checksums_good"      -eq 0 "icmp.checksum.status == \"Bad\""
expect "igb_pcap.ip_checksums_verified"    -ge 10000 "eth.src == $OUR_MAC && ip.checksum.status == \"Good\""
expect "igb_pcap.udp_offloaded_verified"   -ge 3500 \
  "eth.src == $OUR_MAC && udp.dstport == 9 && udp.checksum.status == \"Good\""
# TSO: 20 packets of 4000 bytes, MSS 1000 -> 80 segments, each a valid TCP/IP frame
expect "igb_pcap.tso_segments"             -ge 80 \
  "eth.src == $OUR_MAC && tcp.srcport == 40100 && tcp.len == 1000 && tcp.checksum.status == \"Good\""
# ARP who-has 10.0.2.2 from us, and the gateway's answer
expect "igb_pcap.arp_request"              -ge 1 \
  "arp.opcode == 1 && arp.src.proto_ipv4 == $OUR_IP && arp.dst.proto_ipv4 == $GW_IP && eth.src == $OUR_MAC"
expect "igb_pcap.arp_reply"                -ge 1 \
  "arp.opcode == 2 && arp.src.proto_ipv4 == $GW_IP && arp.dst.proto_ipv4 == $OUR_IP"
expect "igb_pcap.echo_replies"             -ge 6000 "icmp.type == 0 && ip.src == $GW_IP"
e2e_finish
