# tests/e2e/tcp_lib.sh - shared by the TCP and relay tests (source after lib.sh).
#
# The host side lives in a network namespace the test creates, with a tap wp0 holding
# 198.18.0.1/24; the guest is 198.18.0.2/24. The guest's NIC reaches the tap either
# directly (NET=tap) or through tools/netem_relay (NET=relay, an impaired link).
#
# TCP_GUEST=linux replaces the wirepath guest with a Linux stand-in: a second namespace
# whose tap wp1 holds 198.18.0.2/24, attached to the same relay sockets by a second,
# unimpaired netem_relay (in QEMU's place), running the Linux build of the same apps.
# It proves the host-side machinery (relay, tcp_xfer, checks) against a known-good TCP.
#
# The guest's app output is read from $GUEST_LOG either way (the serial log, or the
# stand-in's log file).

TCP_XFER=$E2E_ROOT/build/apps/linux/tcp_xfer
RELAY=$E2E_ROOT/build/tools/netem_relay
PY=/usr/bin/python3            # Debian's, with scapy
HOST_IP=198.18.0.1
GUEST_IP=198.18.0.2
TCP_GUEST=${TCP_GUEST:-wirepath}
TCP_NS=""
TCP_STANDIN_NS=""
TCP_DIR=""
TCP_BG_PIDS=()

in_ns() { ip netns exec "$TCP_NS" "$@"; }
# Background processes are started with `ip netns exec` itself, never through a shell
# function: `ip netns exec` execs the program, so $! is the program's PID and the
# signals the tests send (SIGTERM, SIGINT) reach it.

# tcp_setup_or_exit NAME T: the host namespace and a scratch directory, or a failed case
# and the end of the test
tcp_setup_or_exit() {
  TCP_NS=wp$1$$
  TCP_DIR=$(mktemp -d "$E2E_OUT/$1.XXXXXX")
  netns_tap_or_exit "$2" "$TCP_NS" "$HOST_IP"
  ip -n "$TCP_NS" link set wp0 up
  # a unix datagram queue of 10 would make the relay wait on QEMU for every burst
  in_ns sysctl -qw net.unix.max_dgram_qlen=512
}

tcp_cleanup() {
  local p
  guest_stop
  for p in "${TCP_BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${TCP_BG_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  TCP_BG_PIDS=()
  [ -n "$TCP_STANDIN_NS" ] && ip netns del "$TCP_STANDIN_NS" 2>/dev/null
  [ -n "$TCP_NS" ] && ip netns del "$TCP_NS" 2>/dev/null
  [ -n "$TCP_DIR" ] && [ -z "${TCP_KEEP:-}" ] && rm -rf "$TCP_DIR"
}

# relay_start LOG [netem_relay options...]: the impairing relay on the host's tap; its
# PID in $RELAY_PID. Waits for its start line.
relay_start() {
  local log=$1 i; shift
  ip netns exec "$TCP_NS" "$RELAY" --tap wp0 --sock "$TCP_DIR/relay.sock" \
      --peer "$TCP_DIR/qemu.sock" "$@" 2>"$log" &
  RELAY_PID=$!
  TCP_BG_PIDS+=("$RELAY_PID")
  for ((i = 0; i < 50; i++)); do
    grep -q '^relay: tap' "$log" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# relay_stop: SIGTERM; the counts are the last two lines of its log
relay_stop() {
  kill -TERM "$RELAY_PID" 2>/dev/null
  wait "$RELAY_PID" 2>/dev/null
}

# relay_field LOG DIRECTION FIELD: a count from the relay's last report
relay_field() {
  grep "^relay: $2 " "$1" | tail -1 | sed -nE "s/.* $3=([0-9]+).*/\1/p"
}

# guest_boot LABEL CMDLINE NET: the wirepath guest, or the stand-in when TCP_GUEST=linux.
# NET=tap puts QEMU on the tap; NET=relay on the relay's sockets. For the stand-in,
# STANDIN_APPS (a list of "tcp_xfer ARGS" lines) says what it runs.
guest_boot() {
  local label=$1 cmdline=$2 net=$3
  GUEST_LOG=$E2E_OUT/$label.serial.log
  : >"$GUEST_LOG"
  if [ "$TCP_GUEST" = linux ]; then
    standin_boot "$net"
    return
  fi
  local pcap_env=()
  [ -n "${GUEST_PCAP:-}" ] && pcap_env=(PCAP="$GUEST_PCAP")
  ip netns exec "$TCP_NS" env NET="$net" TAP=wp0 RELAY_DIR="$TCP_DIR" "${pcap_env[@]}" \
      SERIAL="file:$GUEST_LOG" CMDLINE="$cmdline" \
      "$E2E_ROOT/tools/qemu.sh" </dev/null >"$E2E_OUT/$label.qemu.log" 2>&1 &
  GUEST_PID=$!
}

standin_boot() {
  local net=$1 line
  TCP_STANDIN_NS=${TCP_NS}g
  ip netns add "$TCP_STANDIN_NS"
  ip -n "$TCP_STANDIN_NS" link set lo up
  ip -n "$TCP_STANDIN_NS" tuntap add dev wp1 mode tap
  ip -n "$TCP_STANDIN_NS" addr add $GUEST_IP/24 dev wp1
  ip -n "$TCP_STANDIN_NS" link set wp1 up
  ip -n "$TCP_STANDIN_NS" route add default via $HOST_IP
  ip netns exec "$TCP_STANDIN_NS" sysctl -qw net.unix.max_dgram_qlen=512
  if [ "$net" = tap ]; then
    # no QEMU to hang the tap on: an unimpaired relay pair joins the two taps
    relay_start "$TCP_DIR/join.log"
  fi
  ip netns exec "$TCP_STANDIN_NS" "$RELAY" --tap wp1 --sock "$TCP_DIR/qemu.sock" \
      --peer "$TCP_DIR/relay.sock" 2>"$TCP_DIR/standin-relay.log" &
  TCP_BG_PIDS+=($!)
  echo "wirepath: ready ip=$GUEST_IP/24 (Linux stand-in)" >>"$GUEST_LOG"
  while read -r line; do
    [ -n "$line" ] || continue
    # shellcheck disable=SC2086
    ip netns exec "$TCP_STANDIN_NS" "$TCP_XFER" $line >>"$GUEST_LOG" 2>&1 </dev/null &
    TCP_BG_PIDS+=($!)
  done <<<"${STANDIN_APPS:-}"
  GUEST_PID=$(sleep 86400 >/dev/null 2>&1 & echo $!)   # stands for QEMU in guest_wait
  TCP_BG_PIDS+=("$GUEST_PID")
}

# guest_tcp_state: "yes" when the guest's tcp_xfer is listening, "no" when the guest has
# no TCP (socket(SOCK_STREAM) failed), "" when neither showed up within the timeout.
guest_tcp_state() {
  if guest_wait 'tcp_xfer: (listening on tcp port|no TCP)' "${1:-60}"; then
    if grep -q 'tcp_xfer: no TCP' "$GUEST_LOG"; then echo no; else echo yes; fi
  fi
}

# guest_line REGEX TIMEOUT: wait for and print the guest's last line matching REGEX
guest_line() {
  guest_wait "$1" "$2" && grep -aE "$1" "$GUEST_LOG" | tail -1 | tr -d '\r'
}

# field LINE NAME: value of NAME=... in a tcp_xfer line
field() { sed -nE "s/.* $2=([^ ]+).*/\1/p" <<<"$1"; }

# xfer_check NAME CLIENT_LINE SERVER_LINE BYTES [MAX_GAP_MS]: both ends report ok, the
# full byte count and the same sha256 (and the receiver no longer stall than allowed)
xfer_check() {
  local name=$1 c=$2 s=$3 bytes=$4 maxgap=${5:-}
  local why=""
  [ "$(field "$c" result)" = ok ] || why="client: ${c:-no line}"
  [ -z "$why" ] && { [ "$(field "$s" result)" = ok ] || why="server: ${s:-no line}"; }
  [ -z "$why" ] && { [ "$(field "$c" bytes)" = "$bytes" ] && [ "$(field "$s" bytes)" = "$bytes" ] || why="byte counts $c / $s"; }
  [ -z "$why" ] && { [ "$(field "$c" sha256)" = "$(field "$s" sha256)" ] || why="sha256 differ"; }
  if [ -z "$why" ] && [ -n "$maxgap" ]; then
    local g1 g2
    g1=$(field "$c" maxgap_ms); g2=$(field "$s" maxgap_ms)
    [ "${g1:-999999}" -le "$maxgap" ] && [ "${g2:-999999}" -le "$maxgap" ] ||
      why="longest gap ${g1}/${g2} ms > $maxgap ms"
  fi
  if [ -z "$why" ]; then
    e2e_ok "$name"
    echo "e2e: $name: $(field "$c" bytes) bytes, sha256 $(field "$c" sha256 | cut -c1-16)..," \
         "$(field "$c" ms) ms, $(field "$c" kbit_s) kbit/s, longest gap $(field "$c" maxgap_ms)/$(field "$s" maxgap_ms) ms"
  else
    e2e_fail "$name" "$why"
  fi
}

# guest_socks: the guest's live socket count from its newest netstat line (wirepath),
# or the stand-in's TCP sockets other than listeners and TIME-WAIT
guest_socks() {
  if [ "$TCP_GUEST" = linux ]; then
    ip netns exec "$TCP_STANDIN_NS" ss -Htan | grep -cvE '^(LISTEN|TIME-WAIT)'
  else
    grep -a 'netstat: skb' "$GUEST_LOG" | tail -1 | sed -nE 's/.*socks=([0-9]+).*/\1/p'
  fi
}

# guest_offload_check CASE gso|gro TIMEOUT: a case that passes once the guest's newest
# netstat line counts segments its GSO made (gso=) or its GRO joined (gro=); skipped for
# the Linux stand-in, which prints no such line
guest_offload_check() {
  local name=$1 key=$2 t=$3 i n=""
  if [ "$TCP_GUEST" = linux ]; then
    e2e_skip "$name" "the Linux stand-in prints no netstat line"
    return
  fi
  for ((i = 0; i < t * 5; i++)); do
    n=$(grep -a 'netstat: skb' "$GUEST_LOG" | tail -1 | sed -nE "s/.* $key=([0-9]+).*/\1/p")
    [ -n "$n" ] && [ "$n" -gt 0 ] && break
    sleep 0.2
  done
  if [ -n "$n" ] && [ "$n" -gt 0 ]; then
    e2e_ok "$name"
    echo "e2e: $name: $key=$n"
  else
    e2e_fail "$name" "the guest's netstat line shows $key=${n:-nothing} after ${t}s"
  fi
}

# guest_quiet NAME QUIET_S TIMEOUT_S: a case that passes once the guest has sent and
# received nothing new for QUIET_S seconds: no new netstat line (wirepath), the stand-in's
# wp1 packet counters unchanged (Linux)
standin_packets() { ip netns exec "$TCP_STANDIN_NS" cat /sys/class/net/wp1/statistics/tx_packets \
                      /sys/class/net/wp1/statistics/rx_packets 2>/dev/null | tr '\n' ' '; }
guest_quiet() {
  local name=$1 quiet=$2 t=$3
  if [ "$TCP_GUEST" != linux ]; then
    if netstat_quiet "$quiet" "$t"; then e2e_ok "$name"
    else e2e_fail "$name" "the guest's netstat line kept changing for ${t}s"; fi
  elif output_settles "$quiet" "$t" standin_packets; then
    e2e_ok "$name"
  else
    e2e_fail "$name" "the stand-in's packet counters kept changing for ${t}s"
  fi
}

# socks_reach -gt|-le BASELINE TIMEOUT: true once guest_socks compares so with BASELINE
socks_reach() {
  local op=$1 base=$2 t=${3:-30} i n
  for ((i = 0; i < t * 5; i++)); do
    n=$(guest_socks)
    [ -n "$n" ] && [ "$n" "$op" "$base" ] && return 0
    sleep 0.2
  done
  return 1
}
# socks_above BASELINE TIMEOUT: a connection opened; socks_back_to: they closed again
socks_above() { socks_reach -gt "$@"; }
socks_back_to() { socks_reach -le "$@"; }

# tshark_report PCAP NAME: no malformed frame and no bad checksum from the guest (QEMU's
# 0xFFFF for a zero TCP checksum counted apart: E2E_TCP_BAD_CSUM in lib.sh); the
# tcp.analysis flags counted into one line
tshark_report() {
  local pcap=$1 name=$2 out
  out=$(tshark -r "$pcap" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE "${E2E_TSHARK_DATA[@]}" \
        -o tcp.analyze_sequence_numbers:TRUE -T fields -E separator=/t -E occurrence=f \
        -e ip.src -e _ws.malformed -e frame.number -e tcp.checksum.status \
        -e ip.checksum.status -e tcp.analysis.flags -e tcp.analysis.retransmission \
        -e tcp.analysis.fast_retransmission -e tcp.analysis.spurious_retransmission \
        -e tcp.analysis.duplicate_ack -e tcp.analysis.out_of_order \
        -e tcp.analysis.lost_segment -e tcp.analysis.ack_lost_segment \
        -e tcp.analysis.zero_window -e tcp.analysis.window_full \
        -e tcp.analysis.keep_alive -e tcp.analysis.reused_ports -e tcp.checksum.ffff 2>/dev/null) || {
    e2e_fail "$name.tshark" "tshark could not read $pcap"; return; }
  # tshark prints FT_NONE fields as their name when present: count non-empty columns
  awk -F'\t' -v g="$GUEST_IP" -v name="$name" '
    BEGIN { split("retransmission fast_retransmission spurious_retransmission duplicate_ack out_of_order lost_segment ack_lost_segment zero_window window_full keep_alive reused_ports", f, " ") }
    { frames++
      if ($2 != "") malformed++
      if ($1 == g && ($5 == "0" || ($4 == "0" && $18 == ""))) badsum++
      else if ($1 == g && $4 == "0") ffff++
      if ($6 != "") flagged++
      for (i = 7; i <= 17; i++) if ($i != "") c[i - 6]++ }
    END { printf "tshark: %s: frames=%d malformed=%d bad_checksum_from_guest=%d qemu_ffff_for_zero=%d flagged=%d", name, frames, malformed, badsum, ffff, flagged
          for (i = 1; i <= 11; i++) printf " %s=%d", f[i], c[i] + 0
          printf "\n" }' <<<"$out" >"$TCP_DIR/tshark.txt"
  cat "$TCP_DIR/tshark.txt"
  local frames malformed badsum
  frames=$(sed -nE 's/.* frames=([0-9]+).*/\1/p' "$TCP_DIR/tshark.txt")
  malformed=$(sed -nE 's/.* malformed=([0-9]+).*/\1/p' "$TCP_DIR/tshark.txt")
  badsum=$(sed -nE 's/.* bad_checksum_from_guest=([0-9]+).*/\1/p' "$TCP_DIR/tshark.txt")
  if [ "${frames:-0}" -gt 0 ] && [ "$malformed" = 0 ]; then e2e_ok "$name.pcap_no_malformed"
  else e2e_fail "$name.pcap_no_malformed" "frames ${frames:-0}, malformed ${malformed:-?}"; fi
  if [ "${frames:-0}" -gt 0 ] && [ "$badsum" = 0 ]; then e2e_ok "$name.pcap_guest_checksums_good"
  else e2e_fail "$name.pcap_guest_checksums_good" "frames ${frames:-0}, bad ${badsum:-?}"; fi
}

# guest_tcp_or_exit T CASES...: the ready line, then tcp_xfer's first word; when the
# guest has no TCP the CASES are skipped and the test ends here
guest_tcp_or_exit() {
  local t=$1 c state; shift
  e2e_wait "$t.guest_ready" "wirepath: ready ip=198\.18\.0\.2/24" 90 "ready line"
  state=$(guest_tcp_state 60)
  [ "$state" = yes ] && return 0
  for c in "$@"; do
    if [ "$state" = no ]; then e2e_skip "$t.$c" "the guest has no TCP yet"
    else e2e_fail "$t.$c" "tcp_xfer never said whether it listens; see $GUEST_LOG"; fi
  done
  e2e_finish
  exit $?
}

XFER_TIMEOUT=${TCP_XFER_TIMEOUT:-240}

# check_guest_client T BYTES HOST_SERVER_LOG [MAX_GAP_MS]: the guest's boot-time
# "sendrecv" against the host's server: T.guest_client_send and T.guest_client_recv
check_guest_client() {
  local t=$1 bytes=$2 log=$3 gap=${4:-} c s
  c=$(guest_line "tcp_xfer: send bytes=" "$XFER_TIMEOUT")
  s=$(grep -a 'serve-sink' "$log" | tail -1)
  xfer_check "$t.guest_client_send" "$c" "$s" "$bytes" "$gap"
  c=$(guest_line "tcp_xfer: recv bytes=" "$XFER_TIMEOUT")
  s=$(grep -a 'serve-source' "$log" | tail -1)
  xfer_check "$t.guest_client_recv" "$c" "$s" "$bytes" "$gap"
}

# check_host_client NAME send|recv BYTES SEED [MAX_GAP_MS]: the host's tcp_xfer against
# the guest's server on port 5001, both ends' lines checked
check_host_client() {
  local name=$1 mode=$2 bytes=$3 seed=$4 gap=${5:-} c s srv=serve-source
  [ "$mode" = send ] && srv=serve-sink
  c=$(in_ns timeout "$XFER_TIMEOUT" "$TCP_XFER" "$mode" $GUEST_IP 5001 "$bytes" "$seed")
  s=$(guest_line "$srv bytes=$bytes sha256=$(field "$c" sha256)" 10)
  xfer_check "$name" "$c" "$s" "$bytes" "$gap"
}

# check_conns NAME NSEQ NCONC: the host's short connections to the guest's server
check_conns() {
  local out
  out=$(in_ns timeout 300 "$TCP_XFER" conns $GUEST_IP 5001 "$2" "$3")
  echo "e2e: $1: $out"
  if [[ $out == *"sequential=$2/$2 concurrent=$3/$3 failures=0"* ]]; then
    e2e_ok "$1"
  else
    e2e_fail "$1" "${out:-no output}"
  fi
}
