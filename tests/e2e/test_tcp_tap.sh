#!/usr/bin/env bash
# TCP against Linux over a tap in a namespace this test creates (host 198.18.0.1, guest
# 198.18.0.2): the guest runs apps/tcp_xfer as a server (port 5001) and, from boot, as a
# client of the host's tcp_xfer server (port 5002). Checks:
#   - 100 MiB each way byte-exact (pattern checked at every byte, sha256 equal at both
#     ends) with the guest as client and as server; what the guest received went up
#     its stack in runs its GRO joined (the netstat line counts joined segments);
#   - with the host's capture running: 4 MiB each way, 1,000 sequential and 50
#     concurrent short connections (connect, echo a line, close) with the guest's socket
#     count (netstat= line) back to where it was, nc and curl (telnet://) interop, a
#     connection to a closed port refused (RST -> ECONNREFUSED); httpd: 100 sequential
#     HTTP requests each on its own connection, then 50 connections opened at once, every
#     page whole, and curl's keep-alive reusing one connection for 100 URLs; tshark finds no
#     malformed frame and no bad checksum from the guest, and counts its tcp.analysis
#     flags (retransmissions, duplicate ACKs, out-of-order, zero window, ...);
#   - a 10,000-SYN flood from scapy (spoofed sources in 198.19.0.0/16, inside
#     198.18.0.0/15) while a transfer from the guest runs: the transfer completes
#     byte-exact without a long stall, and new connections are accepted during it.
# While the guest has no TCP (its tcp_xfer prints "no TCP"), the TCP cases are skipped.
# TCP_GUEST=linux runs the same checks against a Linux stand-in (tests/e2e/tcp_lib.sh).
# Sizes: TCP_BULK_BYTES (100 MiB); TCP_SOAK=1 for 1 GiB each way.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcp_lib.sh"

BULK=${TCP_BULK_BYTES:-104857600}
[ "${TCP_SOAK:-0}" = 1 ] && BULK=${TCP_SOAK_BYTES:-1073741824}
SMALL=4194304
FLOOD_BYTES=${TCP_FLOOD_BYTES:-$((BULK * 4))}
MAX_GAP_MS=${TCP_MAX_GAP_MS:-3000}
T=tcp_tap
CASES=(guest_client_send guest_client_recv guest_server_sink guest_server_source
       captured_send captured_recv guest_gro_joined_segments conns_1000_sequential_50_concurrent conns_no_leaked_socket
       http_100_sequential http_50_concurrent http_curl_100_keepalive http_wrk_10s_no_errors http_wrk_no_leaked_socket nc_interop curl_interop closed_port_refused pcap_no_malformed
       pcap_guest_checksums_good
       syn_flood_transfer_keeps_flowing syn_flood_new_connections_accepted)

trap tcp_cleanup EXIT
tcp_setup_or_exit tcptap $T

# the host's server, for the guest's client: one sink, one source
ip netns exec "$TCP_NS" "$TCP_XFER" serve 5002 2 >"$TCP_DIR/host-serve.log" 2>&1 &
TCP_BG_PIDS+=($!)
STANDIN_APPS="serve 5001
sendrecv $HOST_IP 5002 $BULK 21"
guest_boot $T "ip=$GUEST_IP/24 gw=$HOST_IP netstat=1 apps=udp_echo:7,httpd:80,tcp_xfer:serve:5001,tcp_xfer:sendrecv:$HOST_IP:5002:$BULK:21" tap

guest_tcp_or_exit $T "${CASES[@]}"

# --- the guest as client (started at boot), then as server ---
check_guest_client $T "$BULK" "$TCP_DIR/host-serve.log"
check_host_client "$T.guest_server_sink" send "$BULK" 31
check_host_client "$T.guest_server_source" recv "$BULK" 32

# --- captured: small transfers, connection churn, interop, a closed port ---
pcap=$TCP_DIR/$T.pcap
ip netns exec "$TCP_NS" dumpcap -q -i wp0 -w "$pcap" >/dev/null 2>&1 &
cap_pid=$!
TCP_BG_PIDS+=("$cap_pid")
for _ in $(seq 50); do [ -s "$pcap" ] && break; sleep 0.1; done
check_host_client "$T.captured_send" send $SMALL 33
check_host_client "$T.captured_recv" recv $SMALL 34

# what the guest received went up the stack in runs its GRO joined (net/core/gro.h)
guest_offload_check "$T.guest_gro_joined_segments" gro 10
# the socket count once the guest's netstat line (every second) has caught up
guest_quiet "$T.idle_before_conns" 2 30
base=$(guest_socks)
check_conns "$T.conns_1000_sequential_50_concurrent" 1000 50
if [ -n "$base" ] && socks_back_to "$base" 60; then
  e2e_ok "$T.conns_no_leaked_socket"
else
  e2e_fail "$T.conns_no_leaked_socket" "sockets ${base:-?} before, $(guest_socks) after"
fi

# HTTP against httpd over the tap, not QEMU's user networking: slirp accepts one forwarded
# connection per turn of its poll loop and holds the data of the rest meanwhile (a Linux
# guest fares the same), so there the later requests of a burst reach httpd after its
# 10 s idle limit.
#   sequential: 100 requests, each on a new connection, one after the other;
#   concurrent: 50 connections opened at once, each request sent before any answer is read.
http='import socket, sys
host, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def get(s):
    data = b""
    while True:
        try:
            b = s.recv(65536)
        except OSError:
            break
        if not b:
            break
        data += b
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return head.startswith(b"HTTP/1.1 200") and len(body) == 1024
req = b"GET /1k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
ok = 0
if mode == "seq":
    for _ in range(n):
        s = socket.create_connection((host, 80), timeout=20)
        s.sendall(req)
        ok += get(s)
else:
    socks = [socket.create_connection((host, 80), timeout=20) for _ in range(n)]
    for s in socks:
        s.sendall(req)
    for s in socks:
        ok += get(s)
print(ok)'
if [ "$TCP_GUEST" = linux ]; then
  for c in http_100_sequential http_50_concurrent http_curl_100_keepalive; do
    e2e_skip "$T.$c" "the Linux stand-in runs no httpd"
  done
else
  n=$(in_ns timeout 120 "$PY" -c "$http" $GUEST_IP seq 100 2>&1 | tail -1)
  if [ "$n" = 100 ]; then e2e_ok "$T.http_100_sequential"; else e2e_fail "$T.http_100_sequential" "${n:-no} of 100 got their page"; fi
  n=$(in_ns timeout 60 "$PY" -c "$http" $GUEST_IP conc 50 2>&1 | tail -1)
  if [ "$n" = 50 ]; then e2e_ok "$T.http_50_concurrent"; else e2e_fail "$T.http_50_concurrent" "${n:-no} of 50 got their page"; fi
  # curl with 100 URLs on its command line keeps one connection alive for all of them
  urls=()
  for _ in $(seq 100); do urls+=("http://$GUEST_IP/1k"); done
  cv=$(in_ns timeout 120 curl -sv --http1.1 --max-time 100 "${urls[@]}" 2>&1 >/dev/null)
  reused=$(grep -cE 'Re-?using existing connection' <<<"$cv")
  oks=$(grep -c '^< HTTP/1.1 200' <<<"$cv")
  if [ "$oks" = 100 ] && [ "$reused" = 99 ]; then
    e2e_ok "$T.http_curl_100_keepalive"
  else
    e2e_fail "$T.http_curl_100_keepalive" "$oks responses 200, $reused reused connections (want 100, 99)"
  fi
fi
out=$(printf 'echo nc-interop\n' | in_ns timeout 20 nc -N $GUEST_IP 5001)
if [ "$out" = "echo nc-interop" ]; then e2e_ok "$T.nc_interop"; else e2e_fail "$T.nc_interop" "got '$out'"; fi
out=$(printf 'echo curl-interop\n' | in_ns timeout 20 curl -s --max-time 15 telnet://$GUEST_IP:5001)
if [ "$out" = "echo curl-interop" ]; then e2e_ok "$T.curl_interop"; else e2e_fail "$T.curl_interop" "got '$out'"; fi

out=$(in_ns timeout 20 "$TCP_XFER" send $GUEST_IP 5999 1 1)
if [[ $out == *"connect failed, errno 111"* ]]; then
  e2e_ok "$T.closed_port_refused"
else
  e2e_fail "$T.closed_port_refused" "${out:-no output} (want ECONNREFUSED)"
fi
# the capture ends once the guest's last frames (the refused port's RST and the closes'
# ACKs) are out
guest_quiet "$T.idle_before_capture_ends" 1 20
kill -INT "$cap_pid" 2>/dev/null
wait "$cap_pid" 2>/dev/null
tshark_report "$pcap" "$T"

# wrk against httpd over the tap, after the capture (its 100,000-odd requests would swamp
# the pcap): 16 connections for 10 s, every request answered within 5 s with a 200
if [ "$TCP_GUEST" = linux ]; then
  e2e_skip "$T.http_wrk_10s_no_errors" "the Linux stand-in runs no httpd"
  e2e_skip "$T.http_wrk_no_leaked_socket" "the Linux stand-in runs no httpd"
else
  w=$(in_ns timeout 60 wrk -t2 -c16 -d10s --timeout 5s --latency "http://$GUEST_IP/1k" 2>&1)
  reqs=$(sed -nE 's/^ *([0-9]+) requests in .*/\1/p' <<<"$w")
  echo "e2e: $T: wrk: ${reqs:-no} requests; $(grep -E '^ +Latency ' <<<"$w" | head -1 | tr -s ' ')"
  if [ -n "$reqs" ] && [ "$reqs" -gt 0 ] && ! grep -qE 'Socket errors|Non-2xx' <<<"$w"; then
    e2e_ok "$T.http_wrk_10s_no_errors"
  else
    e2e_fail "$T.http_wrk_10s_no_errors" "$(grep -E 'requests in|Socket errors|Non-2xx' <<<"$w" | tr '\n' ' ')"
  fi
  # wrk's connections close: the guest's sockets back to the count before the churn
  if [ -n "$base" ] && socks_back_to "$base" 60; then e2e_ok "$T.http_wrk_no_leaked_socket"
  else e2e_fail "$T.http_wrk_no_leaked_socket" "sockets ${base:-?} before, $(guest_socks) after"; fi
fi

# --- a SYN flood during a transfer ---
guest_mac=$(in_ns ip neigh show $GUEST_IP dev wp0 | awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1)}')
socks0=$(guest_socks)
ip netns exec "$TCP_NS" timeout "$XFER_TIMEOUT" "$TCP_XFER" recv $GUEST_IP 5001 "$FLOOD_BYTES" 41 \
    >"$TCP_DIR/flood-xfer.log" 2>&1 &
xfer_pid=$!
TCP_BG_PIDS+=("$xfer_pid")
# the flood starts once the transfer's connection is open in the guest
if socks_above "${socks0:-0}" 20; then e2e_ok "$T.flood_transfer_connected"
else e2e_fail "$T.flood_transfer_connected" "sockets ${socks0:-?} before, $(guest_socks) after 20 s"; fi
flood=$(cat <<'PY'
import random, socket, struct, sys, time
from scapy.all import Ether, IP, TCP, get_if_hwaddr
iface, dst, dmac, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rnd = random.Random(1)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))
# scapy builds one SYN; each flood frame is that template with its own source address,
# port and sequence number, and both checksums recomputed
tpl = bytearray(bytes(Ether(src=get_if_hwaddr(iface), dst=dmac) /
                      IP(src="198.19.0.1", dst=dst) /
                      TCP(sport=1024, dport=5001, flags="S", window=64240, options=[("MSS", 1460)])))
ip0, tcp0 = 14, 34
tcplen = len(tpl) - tcp0

def csum(b):
    if len(b) % 2:
        b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff

t0 = time.time()
for i in range(n):
    # spoofed sources inside 198.18.0.0/15 only (198.19.0.0/16), off the guest's subnet
    tpl[ip0 + 12:ip0 + 16] = bytes((198, 19, rnd.randrange(256), rnd.randrange(1, 255)))
    struct.pack_into("!HHI", tpl, tcp0, rnd.randrange(1024, 65536), 5001, rnd.randrange(1 << 32))
    tpl[ip0 + 10:ip0 + 12] = b"\0\0"
    struct.pack_into("!H", tpl, ip0 + 10, csum(bytes(tpl[ip0:tcp0])))
    tpl[tcp0 + 16:tcp0 + 18] = b"\0\0"
    pseudo = bytes(tpl[ip0 + 12:ip0 + 20]) + struct.pack("!BBH", 0, 6, tcplen)
    struct.pack_into("!H", tpl, tcp0 + 16, csum(pseudo + bytes(tpl[tcp0:])))
    s.send(bytes(tpl))
    if i % 100 == 99:
        time.sleep(0.02)          # ~5,000 SYN/s: a flood, not a burst the tap drops
print("flood: sent %d SYNs in %.1f s" % (n, time.time() - t0))
PY
)
if [ -n "$guest_mac" ]; then
  in_ns "$PY" -c "$flood" wp0 $GUEST_IP "$guest_mac" 10000
else
  echo "e2e: no neighbour entry for the guest; flood not sent"
fi
flood_done_while_running=no
kill -0 "$xfer_pid" 2>/dev/null && flood_done_while_running=yes
check_conns "$T.syn_flood_new_connections_accepted" 20 5
wait "$xfer_pid"
c=$(grep -a 'tcp_xfer: recv' "$TCP_DIR/flood-xfer.log" | tail -1)
s=$(guest_line "serve-source bytes=$FLOOD_BYTES sha256=$(field "$c" sha256)" 10)
if [ -z "$guest_mac" ] || [ "$flood_done_while_running" != yes ]; then
  e2e_fail "$T.syn_flood_transfer_keeps_flowing" \
    "the flood did not overlap the transfer (guest MAC '${guest_mac}'; raise TCP_FLOOD_BYTES)"
else
  xfer_check "$T.syn_flood_transfer_keeps_flowing" "$c" "$s" "$FLOOD_BYTES" "$MAX_GAP_MS"
fi

guest_stop
e2e_check "$T.no_panic" bash -c "! grep -qiE 'panic|exception|BUG at' '$GUEST_LOG'"
e2e_finish
