#!/usr/bin/env bash
# TCP over an impaired link: the guest's NIC reaches the host's tap through
# tools/netem_relay (QEMU -netdev dgram, NET=relay) losing 3%, reordering 5%,
# duplicating 1% and corrupting 0.1% of the frames in each direction (seeded). Checks:
# 20 MiB each way byte-exact (every byte against the pattern, sha256 equal at both ends)
# with the guest as client and as server, and no receiver waiting longer than
# TCP_MAX_GAP_MS (3000 ms: a few RTOs) between two arrivals of data. Prints the relay's
# counts and tshark's tcp.analysis flags (retransmissions, duplicate ACKs, out-of-order,
# ...) for the host's side of the link. The guest runs without TSO (igb.tso=0), so
# what it sends is cut into segments by its own device layer (GSO, net/core/gso.h) and
# every retransmission of a lost segment goes through that cut as well (the guest's
# netstat line must count segments cut).
# While the guest has no TCP (its tcp_xfer prints "no TCP"), the TCP cases are skipped.
# TCP_GUEST=linux runs the same checks against a Linux stand-in (tests/e2e/tcp_lib.sh).
# Sizes: TCP_IMPAIRED_BYTES (20 MiB); TCP_SOAK=1 for 200 MiB each way.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcp_lib.sh"

BYTES=${TCP_IMPAIRED_BYTES:-20971520}
[ "${TCP_SOAK:-0}" = 1 ] && BYTES=${TCP_SOAK_IMPAIRED_BYTES:-209715200}
MAX_GAP_MS=${TCP_MAX_GAP_MS:-3000}
SEED=${RELAY_SEED:-1}
T=tcp_impaired
CASES=(guest_client_send guest_client_recv guest_server_sink guest_server_source guest_gso_cut_segments)

trap tcp_cleanup EXIT
tcp_setup_or_exit tcpimp $T
relay_log=$E2E_OUT/$T.relay.log
if relay_start "$relay_log" --seed "$SEED" --loss 3 --reorder 5 --dup 1 --corrupt 0.1; then
  e2e_ok "$T.relay_started"
else
  e2e_fail "$T.relay_started" "$(cat "$relay_log")"
fi
ip netns exec "$TCP_NS" "$TCP_XFER" serve 5002 2 >"$TCP_DIR/host-serve.log" 2>&1 &
TCP_BG_PIDS+=($!)
pcap=$TCP_DIR/$T.pcap
ip netns exec "$TCP_NS" dumpcap -q -i wp0 -s 128 -w "$pcap" >/dev/null 2>&1 &
cap_pid=$!
TCP_BG_PIDS+=("$cap_pid")

STANDIN_APPS="serve 5001
sendrecv $HOST_IP 5002 $BYTES 51"
guest_boot $T "ip=$GUEST_IP/24 gw=$HOST_IP igb.tso=0 netstat=1 apps=tcp_xfer:serve:5001,tcp_xfer:sendrecv:$HOST_IP:5002:$BYTES:51" relay

guest_tcp_or_exit $T "${CASES[@]}"

check_guest_client $T "$BYTES" "$TCP_DIR/host-serve.log" "$MAX_GAP_MS"
check_host_client "$T.guest_server_sink" send "$BYTES" 61 "$MAX_GAP_MS"
c=$(in_ns timeout "$XFER_TIMEOUT" "$TCP_XFER" recv $GUEST_IP 5001 "$BYTES" 62)
s=$(guest_line "serve-source bytes=$BYTES sha256=$(field "$c" sha256)" 10)
xfer_check "$T.guest_server_source" "$c" "$s" "$BYTES" "$MAX_GAP_MS"
guest_offload_check "$T.guest_gso_cut_segments" gso 10

kill -INT "$cap_pid" 2>/dev/null
wait "$cap_pid" 2>/dev/null
relay_stop
grep '^relay: ' "$relay_log" | tail -2
# the host's view of the link: retransmissions and friends, counted (never judged: the
# relay corrupts frames on purpose, and the capture is cut at 128 bytes)
tshark -r "$pcap" -o tcp.analyze_sequence_numbers:TRUE -o tcp.check_checksum:FALSE -T fields \
    -e tcp.analysis.retransmission -e tcp.analysis.fast_retransmission \
    -e tcp.analysis.duplicate_ack -e tcp.analysis.out_of_order -e tcp.analysis.lost_segment \
    -e tcp.analysis.zero_window 2>/dev/null |
  awk -F'\t' '{ n++; for (i = 1; i <= 6; i++) if ($i != "") c[i]++ }
    END { printf "tshark: tcp_impaired: frames=%d retransmission=%d fast_retransmission=%d" \
          " duplicate_ack=%d out_of_order=%d lost_segment=%d zero_window=%d\n",
          n, c[1], c[2], c[3], c[4], c[5], c[6] }'
guest_stop
e2e_check "$T.no_panic" bash -c "! grep -qiE 'panic|exception|BUG at' '$GUEST_LOG'"
e2e_finish
