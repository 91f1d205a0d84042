#!/usr/bin/env bash
# The TCP services on wirepath: the default image starts tcp_echo:7, discard:9,
# chargen:19, iperf3d:5201 and httpd:80 next to udp_echo:7; from the host, through QEMU
# user networking's forwards on free loopback ports, the same checks as
# test_services_linux.sh (tests/e2e/services_client.py) run against the guest.
#
# Until the kernel has TCP, each of these apps prints "NAME: no TCP in this kernel (...)"
# and exits with status 1: then that service's checks are reported as skipped (never
# passed), and what is checked is that the app said so and left cleanly and that boot and
# the UDP echo service are unharmed. Once TCP is there the apps print "NAME: listening on
# tcp port N" instead and every check runs; nothing here needs to change.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/services_report.sh"
SVC_PREFIX=wirepath.
trap guest_stop EXIT

PORT_HTTP=$(free_port tcp) PORT_ECHO_TCP=$(free_port tcp) PORT_IPERF=$(free_port tcp)
PORT_DISCARD=$(free_port tcp) PORT_CHARGEN=$(free_port tcp)
guest_start services PORT_ECHO="$(free_port udp)" PORT_HTTP="$PORT_HTTP" \
    PORT_ECHO_TCP="$PORT_ECHO_TCP" PORT_IPERF="$PORT_IPERF" PORT_DISCARD="$PORT_DISCARD" \
    PORT_CHARGEN="$PORT_CHARGEN"
log=$GUEST_LOG

if guest_wait 'wirepath: ready ip=' 90 && guest_wait 'udp_echo: listening on udp port 7' 30; then
  e2e_ok "services.boot_ready_udp_echo_listening"
else
  e2e_fail "services.boot_ready_udp_echo_listening" "see $log"
fi

# app SERVICE PORT [client options]: listening -> run its checks; no TCP -> skip them
app() {
  local name=$1 svc=$2 port=$3; shift 3
  if ! guest_wait "^$name: (listening on tcp port|no TCP in this kernel)" 30; then
    e2e_fail "services.$name.started" "neither a listening nor a no-TCP line; see $log"
    return
  fi
  if grep -aq "^$name: listening on tcp port" "$log"; then
    services_report "$svc" "$port" "$@"
    return
  fi
  local why
  why=$(grep -a "^$name: no TCP in this kernel" "$log" | head -1)
  if guest_wait "app $name .*exited with status 1 " 10; then
    e2e_ok "services.$name.exits_cleanly_without_tcp"
  else
    e2e_fail "services.$name.exits_cleanly_without_tcp" "no exit line; see $log"
  fi
  local c
  while read -r c; do e2e_skip "$SVC_PREFIX$c" "$why"; done < <(/usr/bin/python3 "$E2E_ROOT/tests/e2e/services_client.py" --list "$svc")
}

app tcp_echo echo "$PORT_ECHO_TCP"
app discard discard "$PORT_DISCARD"
app chargen chargen "$PORT_CHARGEN"
app iperf3d iperf3 "$PORT_IPERF" --log "$log"
# wrk's 16 connections reach the guest through QEMU's user networking, which accepts one
# forwarded connection per turn of its poll loop: the SYNs to the guest came two to six at
# once, the rest 1.0, 1.2, 1.4, 1.8 and 2.6 s later (measured: each SYN answered by the
# guest within 0.3 ms); on a loaded machine the last came after more than 5 s, so here a
# request may wait 20 s before wrk calls it a timeout. test_tcp_tap.sh runs wrk over a tap
# with the 5 s limit.
app httpd http "$PORT_HTTP" --idle 10 --stats wirepath --wrk-timeout 20

e2e_check "services.udp_echo_still_running" bash -c "! grep -aq 'app udp_echo .*exited' '$log'"
e2e_check "services.no_panic_or_fault" bash -c "! grep -aqiE 'panic|exception|killed' '$log'"
e2e_finish
