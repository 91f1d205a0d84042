#!/usr/bin/env bash
# The TCP services' Linux builds (build/apps/linux/: tcp_echo, discard, chargen, iperf3d,
# httpd - the same sources as the wirepath apps) on the host's loopback, driven by the
# tools people use: iperf3 (plain, -R, -P 4, -t 2, -l 1000, --json, -u -b 10M, and a
# client that sends garbage, vanishes mid-test or stalls the handshake), curl (keep-alive
# reuse, HEAD, 404, 405), wrk and ab, and python for echo/discard/chargen, pipelining,
# 400/408/413/431. This proves the apps speak the protocols; test_services.sh runs the
# same checks against the booted ISO.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/services_report.sh"
SVC_PREFIX=linux.

pids=() names=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
trap cleanup EXIT

free_port() {
  /usr/bin/python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

bin=$E2E_ROOT/build/apps/linux
logdir=$E2E_OUT/services_linux
mkdir -p "$logdir"
declare -A port
# start APP ARGS...: the Linux build in the background, log in $logdir/APP.log
start() {
  local app=$1; shift
  if [ ! -x "$bin/$app" ]; then e2e_fail "services_linux.$app.built" "no $bin/$app (make apps-linux)"; return 1; fi
  "$bin/$app" "$@" >"$logdir/$app.log" 2>&1 </dev/null &
  pids+=($!); names+=("$app")
  local i
  for ((i = 0; i < 100; i++)); do
    grep -q "^$app: listening on tcp port" "$logdir/$app.log" && return 0
    sleep 0.05
  done
  e2e_fail "services_linux.$app.listening" "see $logdir/$app.log"
  return 1
}

for app in tcp_echo discard chargen iperf3d httpd; do port[$app]=$(free_port); done
start tcp_echo "${port[tcp_echo]}" && services_report echo "${port[tcp_echo]}"
start discard "${port[discard]}" && services_report discard "${port[discard]}"
start chargen "${port[chargen]}" && services_report chargen "${port[chargen]}"
start iperf3d "${port[iperf3d]}" &&
  services_report iperf3 "${port[iperf3d]}" --log "$logdir/iperf3d.log"
# a 2 s idle limit keeps the 408 check short
start httpd "${port[httpd]}" 2 && services_report http "${port[httpd]}" --idle 2 --stats linux

# every server is still up after all of that
for i in "${!pids[@]}"; do
  e2e_check "services_linux.${names[$i]}_still_running" kill -0 "${pids[$i]}"
done
e2e_finish
