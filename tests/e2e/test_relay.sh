#!/usr/bin/env bash
# The impairment relay (tools/netem_relay) with the guest behind it (QEMU -netdev dgram,
# NET=relay) and the host on a tap in a namespace this test creates: with 10% loss in
# each direction (seeded), 300 pings lose about 1 - 0.9^2 = 19% (checked within +-8
# points, over 4 standard deviations); the relay's frame counts agree with the tap's own
# counters and add up (in + duplicated - dropped = out, no send errors once the guest
# is up); UDP echo still works through the lossy link (retrying).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcp_lib.sh"

T=relay
trap tcp_cleanup EXIT
tcp_setup_or_exit relay $T
relay_log=$E2E_OUT/$T.relay.log
if relay_start "$relay_log" --seed 3 --loss 10; then
  e2e_ok "$T.started"
else
  e2e_fail "$T.started" "$(cat "$relay_log")"
fi
guest_boot $T "ip=$GUEST_IP/24 gw=$HOST_IP" relay
if guest_wait "wirepath: ready ip=198\.18\.0\.2/24" 90 && guest_wait 'udp_echo: listening on udp port 7' 30; then
  e2e_ok "$T.guest_ready"
else
  e2e_fail "$T.guest_ready" "no ready/listening line; see $GUEST_LOG"
fi
# the first exchanges resolve ARP both ways (and may themselves be dropped)
for _ in $(seq 10); do in_ns ping -c 1 -W 1 $GUEST_IP >/dev/null && break; done
# the tap's frame counters and the relay's (its SIGUSR1 report): "tx rx in out"
counts() {
  local tx rx
  tx=$(in_ns cat /sys/class/net/wp0/statistics/tx_packets)
  rx=$(in_ns cat /sys/class/net/wp0/statistics/rx_packets)
  local reports i
  reports=$(grep -c '^relay: from_guest ' "$relay_log")
  kill -USR1 "$RELAY_PID"
  # the relay prints its report (to_guest, then from_guest) at its next loop turn
  for ((i = 0; i < 50; i++)); do
    [ "$(grep -c '^relay: from_guest ' "$relay_log")" -gt "$reports" ] && break
    sleep 0.1
  done
  echo "$tx $rx $(relay_field "$relay_log" to_guest in) $(relay_field "$relay_log" from_guest out)"
}
read -r tx0 rx0 in0 out0 <<<"$(counts)"

out=$(in_ns ping -c 300 -i 0.02 -W 1 -q $GUEST_IP)
loss=$(sed -nE 's/.* ([0-9.]+)% packet loss.*/\1/p' <<<"$out")
echo "e2e: $T: ping through 10% loss each way: ${loss:-?}% lost (expected about 19%)"
if [ -n "$loss" ] && awk -v l="$loss" 'BEGIN { exit !(l >= 11 && l <= 27) }'; then
  e2e_ok "$T.ping_loss_as_configured"
else
  e2e_fail "$T.ping_loss_as_configured" "${loss:-no}% lost; $out"
fi

while read -r verdict name why; do
  case $verdict in
    OK) e2e_ok "$name" ;;
    FAIL) e2e_fail "$name" "$why" ;;
  esac
done < <(in_ns "$PY" "$E2E_ROOT/tests/e2e/udp_echo_check.py" $GUEST_IP 25 1 $T.udp_echo 1 1472 8000 2>&1)

read -r tx1 rx1 in1 out1 <<<"$(counts)"
# every frame the host sent into the tap was read by the relay, and every frame the
# relay wrote came out of the tap (the kernel's counters against the relay's)
if [ $((in1 - in0)) -eq $((tx1 - tx0)) ] && [ $((out1 - out0)) -eq $((rx1 - rx0)) ]; then
  e2e_ok "$T.counts_match_tap"
else
  e2e_fail "$T.counts_match_tap" "relay in $((in1 - in0)) out $((out1 - out0)), tap tx $((tx1 - tx0)) rx $((rx1 - rx0))"
fi
guest_stop
relay_stop
grep '^relay: ' "$relay_log" | tail -2
sums_ok=yes
for d in to_guest from_guest; do
  i=$(relay_field "$relay_log" $d in); o=$(relay_field "$relay_log" $d out)
  dr=$(relay_field "$relay_log" $d dropped); du=$(relay_field "$relay_log" $d duplicated)
  e=$(relay_field "$relay_log" $d errors)
  [ -n "$i" ] && [ $((i + du - dr)) -eq $((o + e)) ] || sums_ok=no
  [ "${dr:-0}" -gt 0 ] || sums_ok=no
done
e2e_check "$T.counts_add_up" [ "$sums_ok" = yes ]

e2e_check "$T.no_panic" bash -c "! grep -qiE 'panic|exception|BUG at' '$GUEST_LOG'"
e2e_finish
