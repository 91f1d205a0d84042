# tests/e2e/lib.sh - shared helpers for end-to-end tests (source it).
# A test boots the ISO in QEMU in the background, waits for lines on its serial log,
# talks to it with host tools, and reports each check as "e2e: NAME ... ok|FAIL|skipped"
# (skipped: the thing under test is not there yet, e.g. a service the guest cannot run;
# never counted as passed).
# Only processes the test started are stopped, by PID, from an EXIT trap.

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E2E_OUT=$E2E_ROOT/build/e2e
mkdir -p "$E2E_OUT"
E2E_PASSED=0
E2E_FAILED=0
E2E_SKIPPED=0
GUEST_PID=""
GUEST_LOG=""

# Options for every tshark that judges frames: the ephemeral ports (Linux's and wirepath's
# 32768-60999) carry the tests' payload, which tshark would otherwise hand to whatever
# protocol registered that port number (UDP 54328 is Elasticsearch discovery's, for one)
# and then report the random bytes as malformed. Decoded as data, only the layers wirepath
# builds are judged.
E2E_TSHARK_DATA=(-d "udp.port==32768-60999,data" -d "tcp.port==32768-60999,data")

# A bad TCP checksum, as tshark judges one, less QEMU's igb quirk (docs/igb-82576.md, QEMU
# 19): the model finishes an inserted TCP checksum as UDP's, so a segment whose checksum
# is 0x0000 leaves with 0xFFFF (one in 65,536, whatever the guest). Both are zero in
# one's-complement arithmetic and receivers accept either; tshark marks that case with
# the expert item tcp.checksum.ffff, which is counted apart and not called bad.
E2E_TCP_BAD_CSUM='tcp.checksum.status == "Bad" && !tcp.checksum.ffff'

e2e_ok()   { echo "e2e: $1 ... ok"; E2E_PASSED=$((E2E_PASSED + 1)); }
e2e_fail() { echo "e2e: $1 ... FAIL${2:+ ($2)}"; E2E_FAILED=$((E2E_FAILED + 1)); }
# e2e_skip NAME WHY: a case that cannot run here (never counted as passed)
e2e_skip() { echo "e2e: $1 ... skipped${2:+ ($2)}"; E2E_SKIPPED=$((E2E_SKIPPED + 1)); }
# e2e_check NAME COMMAND...: ok when the command succeeds
e2e_check() { local n=$1; shift; if "$@"; then e2e_ok "$n"; else e2e_fail "$n"; fi; }

# free_port udp|tcp: a port on 127.0.0.1 that nothing is bound to now (for QEMU's forwards)
free_port() {
  /usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' "$1"
}

# guest_start LABEL [env assignments...]: boot in the background; serial log in $GUEST_LOG
guest_start() {
  local label=$1; shift
  GUEST_LOG=$E2E_OUT/$label.serial.log
  : >"$GUEST_LOG"
  env "$@" SERIAL="file:$GUEST_LOG" "$E2E_ROOT/tools/qemu.sh" </dev/null \
      >"$E2E_OUT/$label.qemu.log" 2>&1 &
  GUEST_PID=$!
}

# guest_wait REGEX TIMEOUT_S: wait until the serial log has a line matching REGEX
guest_wait() {
  local re=$1 t=${2:-60} i
  for ((i = 0; i < t * 10; i++)); do
    grep -qE "$re" "$GUEST_LOG" 2>/dev/null && return 0
    kill -0 "$GUEST_PID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# output_settles QUIET_S TIMEOUT_S COMMAND...: true once COMMAND prints something and then
# the same thing for QUIET_S seconds (a counter that stopped moving); false after TIMEOUT_S
# or when the guest is gone
output_settles() {
  local quiet=$1 t=$2 i n last="" still=0; shift 2
  for ((i = 0; i < t * 10; i++)); do
    kill -0 "$GUEST_PID" 2>/dev/null || return 1
    n=$("$@")
    if [ -n "$n" ] && [ "$n" = "$last" ]; then
      still=$((still + 1))
      [ "$still" -ge $((quiet * 10)) ] && return 0
    else
      still=0
      last=$n
    fi
    sleep 0.1
  done
  return 1
}

# netstat_quiet QUIET_S TIMEOUT_S: true once the guest (booted with netstat=1) is idle: its
# serial log has a netstat line and no new one for QUIET_S seconds (the line is printed each
# second only when a buffer, socket, softirq or packet counter changed)
netstat_lines() { grep -ac 'netstat: skb' "$GUEST_LOG" 2>/dev/null | grep -v '^0$'; }
netstat_quiet() { output_settles "$1" "$2" netstat_lines; }

# netns_tap_or_exit T NS ADDR: a network namespace NS of the test's own, lo up, with a tap
# wp0 holding ADDR/24 (left down: the caller brings it up once its listeners are in place);
# when the namespace cannot be made, a failed T.netns case and the end of the test
netns_tap_or_exit() {
  if ! ip netns add "$2" 2>/dev/null; then
    e2e_fail "$1.netns" "cannot create a network namespace (needs root)"
    e2e_finish
    exit 1
  fi
  ip -n "$2" link set lo up
  ip -n "$2" tuntap add dev wp0 mode tap
  ip -n "$2" addr add "$3/24" dev wp0
}

# e2e_wait NAME REGEX TIMEOUT_S WHAT: ok when the serial log gets a line matching REGEX in
# time; otherwise fails with "no WHAT; see <log>"
e2e_wait() {
  if guest_wait "$2" "$3"; then e2e_ok "$1"; else e2e_fail "$1" "no $4; see $GUEST_LOG"; fi
}

guest_stop() {
  if [ -n "$GUEST_PID" ] && kill -0 "$GUEST_PID" 2>/dev/null; then
    kill "$GUEST_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$GUEST_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$GUEST_PID" 2>/dev/null
  fi
  wait "$GUEST_PID" 2>/dev/null
  GUEST_PID=""
}

e2e_finish() {
  guest_stop
  echo "$E2E_PASSED passed, $E2E_FAILED failed, $E2E_SKIPPED skipped"
  [ "$E2E_FAILED" -eq 0 ]
}
