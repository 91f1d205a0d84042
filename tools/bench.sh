#!/usr/bin/env bash
# make bench: wirepath beside Linux on the same emulated machine. Timed figures live here,
# never in pass/fail tests (the machine is shared and noisy).
#
# Both guests boot on exactly the same QEMU command (tools/qemu.sh: q35, igb, NET=tap) from
# an ISO: build/wirepath.iso, and build/linux-guest/linux.iso (Debian's kernel with its igb
# module, busybox, the project's apps built for Linux; tools/linux-guest/mkimage.sh). The
# tap lives in a network namespace made here (host 198.18.0.1, guest 198.18.0.2). Runs
# alternate L, W, L, W for ROUNDS rounds; each figure is the median of its rounds.
#
# Per guest and round, one boot:
#   boot_to_ready_ms         QEMU start to the guest's ready line and udp_echo listening
#   udp_send_rate_18/_1472   udp_blast in the guest -> receiver in the namespace; the rate
#                            is the host's receipt (first to last datagram), not the app's
#   ping_rtt_avg_us          ping from the namespace
#   udp_echo_rtt_median_us   udp_echo in the guest, sequential round trips
#   udp_echo_pps             the same, WINDOW datagrams in flight
#   per_pkt_*                costs per datagram of the blast: interrupts, softirq runs
#                            (NET_TX + NET_RX), and for wirepath its driver's MMIO reads and
#                            writes (netstat= line; Linux's igb keeps no such counter)
#   tcp_send_mbit            iperf3 -R from the namespace against iperf3d in the guest: the
#                            guest sends, the rate is the host's receipt
#   tcp_recv_mbit            iperf3 (host sends): the guest's receipt, as iperf3d reports it
#   tcp_*_per_mb             during those runs, per MB of payload: the guest's NET_TX and
#                            NET_RX softirq runs, interrupts, packets (tx + rx) and for
#                            wirepath MMIO writes (the guests' netstat= lines before/after)
#   tcp_echo_rtt_median_us   64-byte round trips to tcp_echo, one connection, TCP_NODELAY
#   http_rps, http_latency_median_us   wrk against httpd's index page
# Per round, wirepath once more with the send-path tracer on from boot (trace=sendpath):
#   udp_send_rate_18_traced, udp_send_rate_1472_traced   the same blast, every station
#                            recorded; beside udp_send_rate_* (tracer off: one load and
#                            branch per station) they show what the tracer costs
# Per guest and round, a second boot with igb.tso=0 (wirepath's driver offers no TSO; the
# Linux guest runs ethtool -K eth0 tso off):
#   tcp_send_notso_mbit      as tcp_send_mbit, with its tcp_send_notso_*_per_mb costs
# Once:
#   floor_frames_per_s       wirepath's driver alone (test=igbfloor): raw 60-byte frames,
#                            counted on the host side of the tap
#   min_memory_mib           smallest -m of MEM_SET at which each guest boots and answers
#                            ping and UDP echo (bisection)
#
# Environment: ROUNDS (2), COUNT datagrams per size (20000), ECHO_N (300), WINDOW (16),
# PING_N (20), FLOOR_FRAMES (20000), MEM_SET (MiB list), TCP_SECONDS per iperf3 run (5,
# after TCP_OMIT 1 s not counted; or TCP_BYTES per run instead), TCP_ECHO_N (300),
# HTTP_SECONDS (5), HTTP_CONNS (4),
# BENCH_TINY=1 (one short round and no TSO-off boot, for `make test`: checks that every
# figure is produced, not its value); for A/B runs of
# one change: GUESTS ("linux wirepath"), WP_EXTRA (more wirepath command-line words, e.g.
# igb.itr=50), NO_FLOOR=1, NO_MEM=1.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=build/bench
if [ "${BENCH_TINY:-0}" = 1 ]; then
  ROUNDS=1 COUNT=300 ECHO_N=30 WINDOW=8 PING_N=3 FLOOR_FRAMES=1000 MEM_SET="256"
  TCP_BYTES=2M TCP_ECHO_N=20 HTTP_SECONDS=1
  out=build/bench-tiny     # a tiny run (make test) never mixes into a real one's files
fi
mkdir -p "$out"
ROUNDS=${ROUNDS:-2}
COUNT=${COUNT:-20000}
ECHO_N=${ECHO_N:-300}
WINDOW=${WINDOW:-16}
PING_N=${PING_N:-20}
FLOOR_FRAMES=${FLOOR_FRAMES:-20000}
MEM_SET=${MEM_SET:-"8 12 16 24 32 48 64 96 128 192 256"}
TCP_SECONDS=${TCP_SECONDS:-5}
TCP_OMIT=${TCP_OMIT:-1}
TCP_ECHO_N=${TCP_ECHO_N:-300}
HTTP_SECONDS=${HTTP_SECONDS:-5}
HTTP_CONNS=${HTTP_CONNS:-4}
TCP_APPS=tcp_echo:7,iperf3d:5201,httpd:80
MEM_DEFAULT=256
HOST=198.18.0.1
GUEST=198.18.0.2
BLAST_PORT=9000
READY_TIMEOUT=180          # s: Linux under TCG on a loaded host is slow
client=$root/tools/bench_client.py

WP_ISO=$root/build/wirepath.iso
WP_KTEST_ISO=$root/build/wirepath-ktest.iso     # floor's test=igbfloor is an in-kernel case
LINUX_ISO=""
if [[ " ${GUESTS:-linux wirepath} " == *" linux "* ]]; then
  LINUX_ISO=$(tools/linux-guest/mkimage.sh) || { echo "bench: cannot build the Linux guest" >&2; exit 1; }
fi
for iso in "$WP_ISO" "$WP_KTEST_ISO"; do
  [ -f "$iso" ] || { echo "bench: no $iso (make all ktest-iso)" >&2; exit 1; }
done

NS=wpbench$$
GPID="" GLOG="" T0=0
bg_pids=()
cleanup() {
  guest_stop
  for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null; done
  ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT
ip netns add "$NS" || { echo "bench: cannot create a network namespace (needs root)" >&2; exit 1; }
ip -n "$NS" link set lo up
ip -n "$NS" tuntap add dev wp0 mode tap
ip -n "$NS" addr add "$HOST/24" dev wp0
ip -n "$NS" link set wp0 up
# (started in the background with `ip netns exec` itself, never through in_ns, so that $!
# is the process's own PID: ip and env exec, qemu.sh execs QEMU)
in_ns() { ip netns exec "$NS" "$@"; }

results=$out/results.txt
: >"$results"
record() { echo "$1 $2 $3" >>"$results"; }    # guest name value (one per round)

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# guest_start KIND LABEL MEM CMDLINE: boot in the background, serial log in $GLOG
guest_start() {
  local iso=$WP_ISO
  [ "$1" = linux ] && iso=$LINUX_ISO
  [ "$1" = wirepath-ktest ] && iso=$WP_KTEST_ISO
  GLOG=$out/$2.serial.log
  : >"$GLOG"
  T0=$(now_ms)
  ip netns exec "$NS" env NET=tap TAP=wp0 ISO="$iso" MEM="$3M" SERIAL="file:$GLOG" CMDLINE="$4" \
      "$root/tools/qemu.sh" </dev/null >"$out/$2.qemu.log" 2>&1 &
  GPID=$!
}
# guest_wait REGEX SECONDS: until the serial log has a matching line (0) or not (1)
guest_wait() {
  local end=$(($(now_ms) + $2 * 1000))
  while [ "$(now_ms)" -lt "$end" ]; do
    grep -qaE "$1" "$GLOG" 2>/dev/null && return 0
    kill -0 "$GPID" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}
guest_stop() {
  [ -n "$GPID" ] || return 0
  kill "$GPID" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$GPID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$GPID" 2>/dev/null
  wait "$GPID" 2>/dev/null
  GPID=""
}
ready_re() { [ "$1" = linux ] && echo 'linux: ready ip=' || echo 'wirepath: ready ip='; }
listen_re='udp_echo: listening on udp port 7'
# guest_ready KIND: both the ready line and the echo app listening
guest_ready() { guest_wait "$(ready_re "$1")" "$READY_TIMEOUT" && guest_wait "$listen_re" 30; }

# one_round KIND ROUND: one boot, every per-round figure
one_round() {
  local kind=$1 r=$2 label="$1-r$2"
  local rx_out=$out/$label.udprecv
  ip netns exec "$NS" /usr/bin/python3 "$client" udprecv "$HOST" "$BLAST_PORT" 600 >"$rx_out" 2>&1 &
  local rx=$!
  bg_pids+=("$rx")
  local cmd="ip=$GUEST/24 gw=$HOST apps=udp_echo:7,udp_blast:$HOST:$BLAST_PORT:18/1472:$COUNT,$TCP_APPS netstat=1"
  [ "$kind" = wirepath ] && cmd+=" ${WP_EXTRA:-}"
  guest_start "$kind" "$label" "$MEM_DEFAULT" "$cmd"
  if ! guest_ready "$kind"; then
    echo "bench: $label: no ready line (see $GLOG)" >&2
    guest_stop; kill "$rx" 2>/dev/null; wait "$rx" 2>/dev/null
    return 1
  fi
  record "$kind" boot_to_ready_ms $(($(now_ms) - T0))
  guest_wait 'app udp_blast .*exited' 600 || echo "bench: $label: udp_blast did not finish" >&2
  # what is still in flight reaches the receiver within a moment; netstat's next line too
  sleep 1.2
  kill -TERM "$rx" 2>/dev/null; wait "$rx" 2>/dev/null
  local size n rate
  while read -r _ size n rate; do
    case $size in
      18|1472) record "$kind" "udp_send_rate_$size" "$rate"
               record "$kind" "udp_received_$size" "$n" ;;
    esac
  done < <(grep '^udprecv ' "$rx_out")
  # per datagram of the blast: 2 sizes x (COUNT + one warm-up)
  local pkts=$((2 * (COUNT + 1))) exitl
  exitl=$(grep -a 'app udp_blast .*exited' "$GLOG" | head -1)
  local tx rxs irq
  tx=$(sed -nE 's/.*NET_TX ([0-9]+).*/\1/p' <<<"$exitl")
  rxs=$(sed -nE 's/.*NET_RX ([0-9]+).*/\1/p' <<<"$exitl")
  if [ -n "$tx" ] && [ -n "$rxs" ]; then
    record "$kind" per_pkt_softirqs "$(awk -v a="$tx" -v b="$rxs" -v p="$pkts" 'BEGIN { printf "%.3f", (a + b) / p }')"
  fi
  if [ "$kind" = linux ]; then
    irq=$(sed -nE 's/.*eth0 interrupts ([0-9]+).*/\1/p' <<<"$exitl")
    [ -n "$irq" ] && record linux per_pkt_interrupts "$(awk -v a="$irq" -v p="$pkts" 'BEGIN { printf "%.3f", a / p }')"
  else
    # netstat lines: costs between the first line (printed at boot, before the apps
    # start) and the last (after the blast), per packet the device moved in between
    local l0 l1
    l0=$(grep -a 'netstat: skb' "$GLOG" | head -1)
    l1=$(grep -a 'netstat: skb' "$GLOG" | tail -1)
    awk -v a="$l0" -v b="$l1" -v kind="$kind" -v res="$results" -v min=$((COUNT / 2)) '
      function f(line, key,   m) { m = line; sub(".*" key "=", "", m); sub("[^0-9].*", "", m); return m + 0 }
      BEGIN {
        pk = (f(b, "tx") + f(b, "rx")) - (f(a, "tx") + f(a, "rx"))
        if (pk < min) exit
        printf "%s per_pkt_interrupts %.3f\n", kind, (f(b, "irq") - f(a, "irq")) / pk >> res
        printf "%s per_pkt_mmio_reads %.3f\n", kind, (f(b, "mmio_rd") - f(a, "mmio_rd")) / pk >> res
        printf "%s per_pkt_mmio_writes %.3f\n", kind, (f(b, "mmio_wr") - f(a, "mmio_wr")) / pk >> res
      }'
  fi
  # ping and UDP echo against the same boot
  local p
  in_ns ping -q -c 1 -W 2 "$GUEST" >/dev/null 2>&1    # our ARP entry for the guest
  p=$(in_ns ping -q -c "$PING_N" -i 0.05 -W 2 "$GUEST" 2>/dev/null | sed -nE 's|^rtt [^=]*= [0-9.]+/([0-9.]+)/.*|\1|p')
  [ -n "$p" ] && record "$kind" ping_rtt_avg_us "$(awk -v v="$p" 'BEGIN { printf "%.0f", v * 1000 }')"
  local e
  e=$(in_ns env QEMU_PID="$GPID" /usr/bin/python3 "$client" echo "$GUEST" 7 "$ECHO_N" "$WINDOW" 2>&1)
  echo "$e" >"$out/$label.echo"
  split_record "$kind" udp_echo "$e"
  local med pps
  med=$(sed -nE 's/^echo_rtt median_us ([0-9]+).*/\1/p' <<<"$e")
  pps=$(sed -nE 's/^echo_pps ([0-9]+).*/\1/p' <<<"$e")
  [ -n "$med" ] && record "$kind" udp_echo_rtt_median_us "$med"
  [ -n "$pps" ] && record "$kind" udp_echo_pps "$pps"
  tcp_phases "$kind" "$label" ""
  guest_stop
  return 0
}

# ---- where the time goes: QEMU's CPU time by thread (bench_client.py's cpu_split) ----
# split_record KIND NAME OUTPUT: a client's "cpu_split wall_us W vcpu_us V other_us O" line
# (per sequential round trip) as NAME_wall_us, NAME_vcpu_us, NAME_other_us
split_record() {
  local w v o
  read -r w v o < <(sed -nE 's/^cpu_split wall_us ([0-9.]+) vcpu_us ([0-9.]+) other_us ([0-9.]+).*/\1 \2 \3/p' <<<"$3")
  [ -n "${o:-}" ] || return 0
  record "$1" "$2_wall_us" "$w"; record "$1" "$2_vcpu_us" "$v"; record "$1" "$2_other_us" "$o"
}
# busy_start / busy_record KIND NAME: the share of wall time QEMU's vCPU thread and its
# other threads ran between the two calls, as NAME_vcpu_busy_pct and NAME_other_busy_pct
# (a vCPU near 100% means the guest, with the device work it triggers, is the limit)
busy_start() { BUSY0=$(/usr/bin/python3 "$client" qemucpu "$GPID" 2>/dev/null); BUSY_T0=$(date +%s%N); }
busy_record() {
  local c1 t1
  c1=$(/usr/bin/python3 "$client" qemucpu "$GPID" 2>/dev/null) || return 0
  t1=$(date +%s%N)
  [ -n "${BUSY0:-}" ] || return 0
  awk -v a="$BUSY0" -v b="$c1" -v dt=$((t1 - BUSY_T0)) -v kind="$1" -v n="$2" -v res="$results" '
    BEGIN {
      split(a, x, " "); split(b, y, " ")
      if (dt <= 0) exit
      printf "%s %s_vcpu_busy_pct %.1f\n", kind, n, 100 * (y[1] - x[1]) / dt >> res
      printf "%s %s_other_busy_pct %.1f\n", kind, n, 100 * (y[2] - x[2]) / dt >> res
    }'
}

# ---- TCP and HTTP, against a booted guest running $TCP_APPS with netstat=1 ----
nslast() { grep -a 'netstat: ' "$GLOG" | tail -1; }
# settle: until the guest prints a counters line after this moment (it prints one a second
# while anything changes), so the last line holds everything done so far
settle() {
  local n end
  n=$(grep -ac 'netstat: ' "$GLOG")
  end=$(($(now_ms) + 5000))
  while [ "$(now_ms)" -lt "$end" ]; do
    [ "$(grep -ac 'netstat: ' "$GLOG")" -gt "$n" ] && return 0
    sleep 0.05
  done
  return 1
}
# costs KIND PHASE LINE0 LINE1 BYTES: the guest's work between two counters lines, per MB
# (10^6 bytes) of payload: softirq runs, interrupts, packets, and wirepath's MMIO writes
costs() {
  awk -v kind="$1" -v ph="$2" -v a="$3" -v b="$4" -v bytes="$5" -v res="$results" '
    function f(line, key,   m) {
      if (line !~ "[ |]" key "=[0-9]") return -1
      m = line; sub(".*[ |]" key "=", "", m); sub("[^0-9].*", "", m); return m + 0
    }
    function per(name, key, both,   d) {
      d = f(b, key) - f(a, key)
      if (f(a, key) < 0 || f(b, key) < 0) return
      if (both != "") d += f(b, both) - f(a, both)
      printf "%s %s_%s_per_mb %.1f\n", kind, ph, name, d / mb >> res
    }
    BEGIN {
      mb = bytes / 1e6
      if (mb <= 0 || a == "" || b == "" || a == b) exit
      per("net_tx", "NET_TX"); per("net_rx", "NET_RX"); per("irq", "irq")
      per("pkts", "tx", "rx"); per("mmio_wr", "mmio_wr")
    }'
}
# tcp_phases KIND LABEL SUFFIX: bulk send (iperf3 -R) and, unless SUFFIX (notso), bulk
# receive, TCP echo round trips and HTTP; each figure recorded as NAME (tcp_send_SUFFIX ...)
tcp_phases() {
  local kind=$1 label=$2 sfx=${3:+_$3} d
  if ! guest_wait 'iperf3d: listening on tcp port 5201' 30; then
    echo "bench: $label: iperf3d is not listening (see $GLOG)" >&2
    return 1
  fi
  in_ns ping -q -c 1 -W 2 "$GUEST" >/dev/null 2>&1
  settle
  local dirs="send recv"
  [ -n "$sfx" ] && dirs=send
  for d in $dirs; do
    local name=tcp_$d$sfx j=$out/$label.tcp_$d$sfx.json rev="" l0 l1 r mbit bytes
    local len=(-t "$TCP_SECONDS" -O "$TCP_OMIT")
    [ -n "${TCP_BYTES:-}" ] && len=(-n "$TCP_BYTES")
    [ "$d" = send ] && rev=-R
    l0=$(nslast)
    busy_start
    in_ns timeout $((TCP_SECONDS + TCP_OMIT + 30)) iperf3 -c "$GUEST" -p 5201 $rev "${len[@]}" -J \
      >"$j" 2>&1
    busy_record "$kind" "$name"
    l1=""
    if settle; then
      l1=$(nslast)
    else
      echo "bench: $label: no counters line after $name: its per-MB costs are left out" >&2
    fi
    r=$(/usr/bin/python3 "$client" iperf3 "$j" 2>&1)
    echo "bench: $label: $name: $r"
    mbit=$(sed -nE 's/^iperf3 mbit ([0-9.]+) .*/\1/p' <<<"$r")
    bytes=$(sed -nE 's/.* all_bytes ([0-9]+) .*/\1/p' <<<"$r")
    [ -n "$mbit" ] || continue
    record "$kind" "${name}_mbit" "$mbit"
    costs "$kind" "$name" "$l0" "$l1" "$bytes"
  done
  [ -n "$sfx" ] && return 0
  r=$(in_ns env QEMU_PID="$GPID" /usr/bin/python3 "$client" tcpecho "$GUEST" 7 "$TCP_ECHO_N" 64 2>&1)
  echo "bench: $label: $r"
  split_record "$kind" tcp_echo "$r"
  r=$(sed -nE 's/^tcpecho_rtt median_us ([0-9]+) .*/\1/p' <<<"$r")
  [ -n "$r" ] && record "$kind" tcp_echo_rtt_median_us "$r"
  busy_start
  in_ns timeout $((HTTP_SECONDS + 30)) wrk -t1 -c"$HTTP_CONNS" -d"${HTTP_SECONDS}s" --latency \
    "http://$GUEST/" >"$out/$label.wrk" 2>&1
  busy_record "$kind" http
  r=$(/usr/bin/python3 "$client" wrk "$out/$label.wrk" 2>&1)
  echo "bench: $label: $r"
  if [[ $r =~ ^wrk\ rps\ ([0-9]+)\ median_us\ ([0-9]+) ]]; then
    record "$kind" http_rps "${BASH_REMATCH[1]}"
    record "$kind" http_latency_median_us "${BASH_REMATCH[2]}"
  fi
  return 0
}

# blast_rates LABEL RX_OUT SUFFIX: the receiver's rates per size, recorded for wirepath
blast_rates() {
  local size n rate
  while read -r _ size n rate; do
    case $size in
      18|1472) record wirepath "udp_send_rate_${size}$3" "$rate" ;;
    esac
  done < <(grep '^udprecv ' "$2")
}

# traced_round ROUND: wirepath with trace=sendpath, the UDP blast only
traced_round() {
  local r=$1 label="wirepath-traced-r$1"
  local rx_out=$out/$label.udprecv
  ip netns exec "$NS" /usr/bin/python3 "$client" udprecv "$HOST" "$BLAST_PORT" 600 >"$rx_out" 2>&1 &
  local rx=$!
  bg_pids+=("$rx")
  guest_start wirepath "$label" "$MEM_DEFAULT" \
      "ip=$GUEST/24 gw=$HOST apps=udp_echo:7,udp_blast:$HOST:$BLAST_PORT:18/1472:$COUNT trace=sendpath ${WP_EXTRA:-}"
  if ! guest_ready wirepath || ! guest_wait 'trace: on from boot' 1; then
    echo "bench: $label: no ready line or the tracer is not on (see $GLOG)" >&2
    guest_stop; kill "$rx" 2>/dev/null; wait "$rx" 2>/dev/null
    return 1
  fi
  guest_wait 'app udp_blast .*exited' 600 || echo "bench: $label: udp_blast did not finish" >&2
  sleep 1.2
  kill -TERM "$rx" 2>/dev/null; wait "$rx" 2>/dev/null
  blast_rates "$label" "$rx_out" _traced
  guest_stop
}

# notso_round KIND ROUND: a boot without TSO (igb.tso=0 on both guests), bulk send only
notso_round() {
  local kind=$1 r=$2 label="$1-notso-r$2" cmd
  cmd="ip=$GUEST/24 gw=$HOST apps=udp_echo:7,iperf3d:5201 netstat=1 igb.tso=0"
  [ "$kind" = wirepath ] && cmd+=" ${WP_EXTRA:-}"
  guest_start "$kind" "$label" "$MEM_DEFAULT" "$cmd"
  if ! guest_ready "$kind"; then
    echo "bench: $label: no ready line (see $GLOG)" >&2
    guest_stop
    return 1
  fi
  local off='igb .*TSO off'
  [ "$kind" = linux ] && off='tcp-segmentation-offload: off'
  if guest_wait "$off" 5; then
    tcp_phases "$kind" "$label" notso
  else
    echo "bench: $label: the guest does not say TSO is off (see $GLOG)" >&2
  fi
  guest_stop
}

# serves KIND MEM: boots with -m MEM and answers ping and UDP echo
serves() {
  local kind=$1 mem=$2
  local extra=""
  [ "$kind" = wirepath ] && extra=" ${WP_EXTRA:-}"
  guest_start "$kind" "$kind-mem$mem" "$mem" "ip=$GUEST/24 gw=$HOST$extra"
  local ok=1
  if guest_ready "$kind" && in_ns ping -q -c 1 -W 3 "$GUEST" >/dev/null 2>&1 &&
     in_ns /usr/bin/python3 "$client" udpcheck "$GUEST" 7; then
    ok=0
  fi
  guest_stop
  return $ok
}
# min_memory KIND: bisect MEM_SET (sorted), its largest known to serve (the rounds ran there)
min_memory() {
  local kind=$1 sizes lo hi mid
  read -r -a sizes <<<"$MEM_SET"
  lo=-1 hi=$((${#sizes[@]} - 1))   # sizes[hi] serves; sizes[lo] (if any) does not
  while [ $((hi - lo)) -gt 1 ]; do
    mid=$(((lo + hi) / 2))
    if serves "$kind" "${sizes[$mid]}"; then hi=$mid; else lo=$mid; fi
  done
  record "$kind" min_memory_mib "${sizes[$hi]}"
}

# floor: the driver alone, frames counted on the host side of the tap
floor() {
  local fr=$out/floor.frames
  ip netns exec "$NS" /usr/bin/python3 "$client" frames wp0 0x88b5 600 >"$fr" 2>&1 &
  local rx=$!
  bg_pids+=("$rx")
  sleep 0.3    # the raw socket is bound before the first frame
  guest_start wirepath-ktest floor "$MEM_DEFAULT" "test=igbfloor floor.frames=$FLOOR_FRAMES"
  guest_wait '^\[[ 0-9.]*\] [0-9]+ passed, [0-9]+ failed' 300
  guest_wait 'igbfloor: ' 1
  wait "$GPID" 2>/dev/null; GPID=""
  sleep 0.5
  kill -TERM "$rx" 2>/dev/null; wait "$rx" 2>/dev/null
  local n rate
  read -r _ n _ rate <"$fr"
  echo "bench: floor: $(grep -a 'igbfloor: ' "$GLOG" | sed 's/^\[[ 0-9.]*\] //'); host received ${n:-0}"
  [ "${n:-0}" -eq "$FLOOR_FRAMES" ] 2>/dev/null || echo "bench: floor: host received ${n:-0} of $FLOOR_FRAMES frames" >&2
  [ -n "${rate:-}" ] && [ "${n:-0}" -gt 1 ] && record wirepath floor_frames_per_s "$rate"
}

echo "bench: QEMU ${ACCEL:-tcg}, $(nproc) host cores; $ROUNDS round(s) L,W; $COUNT datagrams per size"
[ -n "$LINUX_ISO" ] && echo "bench: Linux guest $(basename "$LINUX_ISO") ($(ls "$root"/build/linux-guest/debs/linux-image-[0-9]*.deb 2>/dev/null | xargs -n1 basename | sed 's/_amd64.deb//'))"
for r in $(seq "$ROUNDS"); do
  for kind in ${GUESTS:-linux wirepath}; do
    echo "bench: round $r: $kind"
    one_round "$kind" "$r"
  done
  if [[ " ${GUESTS:-linux wirepath} " == *" wirepath "* ]]; then
    echo "bench: round $r: wirepath, trace=sendpath"
    traced_round "$r"
  fi
  [ "${BENCH_TINY:-0}" = 1 ] && continue
  for kind in ${GUESTS:-linux wirepath}; do
    echo "bench: round $r: $kind, TSO off"
    notso_round "$kind" "$r"
  done
done
[ "${NO_FLOOR:-0}" = 1 ] || floor
if [ "${NO_MEM:-0}" != 1 ]; then
  for kind in ${GUESTS:-linux wirepath}; do
    echo "bench: min memory: $kind"
    min_memory "$kind"
  done
fi

# ---- the table: median of the rounds, ratio wirepath/linux ----
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
fig() {   # NAME UNIT
  local w l ratio
  w=$(awk -v n="$1" '$1 == "wirepath" && $2 == n { print $3 }' "$results" | median)
  l=$(awk -v n="$1" '$1 == "linux" && $2 == n { print $3 }' "$results" | median)
  ratio=$(awk -v w="${w:-}" -v l="${l:-}" 'BEGIN { if (w == "" || l == "" || l + 0 == 0) print "n/a"; else printf "%.2f", w / l }')
  printf '%s wirepath=%s linux=%s ratio=%s %s\n' "$1" "${w:-none}" "${l:-none}" "$ratio" "$2"
}
echo "bench: results (median of $ROUNDS round(s); raw values in $results)"
fig udp_send_rate_18 datagrams/s
fig udp_send_rate_1472 datagrams/s
for n in udp_send_rate_18_traced udp_send_rate_1472_traced; do
  w=$(awk -v n="$n" '$1 == "wirepath" && $2 == n { print $3 }' "$results" | median)
  echo "$n wirepath=${w:-none} linux=n/a ratio=n/a datagrams/s (trace=sendpath on)"
done
fig udp_echo_pps datagrams/s
fig udp_echo_rtt_median_us us
fig ping_rtt_avg_us us
fig tcp_send_mbit Mbit/s
if [ "${BENCH_TINY:-0}" = 1 ]; then
  echo "tcp_send_notso_mbit skipped (BENCH_TINY: no TSO-off boot)"
else
  fig tcp_send_notso_mbit Mbit/s
fi
fig tcp_recv_mbit Mbit/s
fig tcp_echo_rtt_median_us us
fig http_latency_median_us us
fig http_rps requests/s
fig boot_to_ready_ms ms
fig min_memory_mib MiB
for n in per_pkt_interrupts per_pkt_softirqs per_pkt_mmio_reads per_pkt_mmio_writes; do
  if [ "${n#per_pkt_mmio}" != "$n" ]; then
    w=$(awk -v n="$n" '$1 == "wirepath" && $2 == n { print $3 }' "$results" | median)
    echo "$n wirepath=${w:-none} linux=n/a ratio=n/a per datagram (Linux's igb counts no register accesses)"
  else
    fig "$n" "per datagram"
  fi
done
for ph in tcp_send tcp_send_notso tcp_recv; do
  grep -q " ${ph}_net_tx_per_mb " "$results" || continue
  for n in net_tx net_rx irq pkts; do fig "${ph}_${n}_per_mb" "per MB"; done
  w=$(awk -v n="${ph}_mmio_wr_per_mb" '$1 == "wirepath" && $2 == n { print $3 }' "$results" | median)
  echo "${ph}_mmio_wr_per_mb wirepath=${w:-none} linux=n/a ratio=n/a per MB"
done
# Where the time goes (QEMU's CPU time by thread; see bench_client.py): per sequential
# echo round trip, the wall time, the vCPU thread's time (the guest and the device work
# its register accesses run) and the other QEMU threads' (tap reads, the igb model's
# receive); the rest is the host's stack, the client, and waiting to be scheduled.
# *_rtt_if_guest_free_ratio: the RTT ratio wirepath would have if its vCPU time were zero
# and everything else stayed (wall - vcpu of wirepath over Linux's wall).
for ph in udp_echo tcp_echo; do
  grep -q " ${ph}_wall_us " "$results" || continue
  for n in wall vcpu other; do fig "${ph}_${n}_us" "us per round trip"; done
  w=$(awk -v n="${ph}_wall_us" '$1 == "wirepath" && $2 == n { print $3 }' "$results" | median)
  v=$(awk -v n="${ph}_vcpu_us" '$1 == "wirepath" && $2 == n { print $3 }' "$results" | median)
  l=$(awk -v n="${ph}_wall_us" '$1 == "linux" && $2 == n { print $3 }' "$results" | median)
  echo "${ph}_rtt_if_guest_free_ratio $(awk -v w="${w:-}" -v v="${v:-}" -v l="${l:-}" 'BEGIN { if (w == "" || v == "" || l == "" || l + 0 == 0) print "n/a"; else printf "%.2f", (w - v) / l }')"
done
for ph in tcp_send tcp_send_notso tcp_recv http; do
  grep -q " ${ph}_vcpu_busy_pct " "$results" || continue
  fig "${ph}_vcpu_busy_pct" "% of wall time (QEMU's vCPU thread)"
  fig "${ph}_other_busy_pct" "% of wall time (QEMU's other threads)"
done
f=$(awk '$2 == "floor_frames_per_s" { print $3 }' "$results" | median)
echo "floor_frames_per_s ${f:-none}"
