#!/usr/bin/env bash
# The benches' machinery, once, on a tiny workload (BENCH_TINY=1: one short round per
# guest, the floor with 1000 frames, no memory bisection, 2 MB per TCP direction, no
# TSO-off boot), so `make bench` cannot rot between the times someone runs it. Checks that
# every figure is produced - a number for both guests - never what the numbers are; then
# make bench-hosted's harness with 50 operations per phase, the same way.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

log=$E2E_OUT/bench_tiny.log
BENCH_TINY=1 timeout --kill-after=10 400 "$E2E_ROOT/tools/bench.sh" >"$log" 2>&1
rc=$?
e2e_check "bench.runs" test "$rc" -eq 0
num='[0-9]+(\.[0-9]+)?'
for n in udp_send_rate_18 udp_send_rate_1472 udp_echo_pps udp_echo_rtt_median_us ping_rtt_avg_us \
         boot_to_ready_ms min_memory_mib per_pkt_softirqs per_pkt_interrupts; do
  e2e_check "bench.figure_$n" grep -qE "^$n wirepath=$num linux=$num ratio=$num " "$log"
done
for n in per_pkt_mmio_writes udp_send_rate_18_traced udp_send_rate_1472_traced; do
  e2e_check "bench.figure_$n" grep -qE "^$n wirepath=$num linux=n/a " "$log"
done
for n in tcp_send_mbit tcp_recv_mbit tcp_echo_rtt_median_us http_latency_median_us http_rps \
         tcp_send_net_tx_per_mb tcp_send_net_rx_per_mb tcp_send_irq_per_mb tcp_send_pkts_per_mb \
         tcp_recv_net_rx_per_mb; do
  e2e_check "bench.figure_$n" grep -qE "^$n wirepath=$num linux=$num ratio=($num|n/a) " "$log"
done
# where the time goes: QEMU's CPU time by thread, for both guests
for n in udp_echo_wall_us udp_echo_vcpu_us udp_echo_other_us tcp_echo_wall_us tcp_echo_vcpu_us \
         tcp_send_vcpu_busy_pct tcp_recv_vcpu_busy_pct http_vcpu_busy_pct http_other_busy_pct; do
  e2e_check "bench.figure_$n" grep -qE "^$n wirepath=$num linux=$num ratio=($num|n/a) " "$log"
done
e2e_check "bench.figure_udp_echo_rtt_if_guest_free_ratio" grep -qE "^udp_echo_rtt_if_guest_free_ratio $num$" "$log"
e2e_check "bench.figure_tcp_send_mmio_wr_per_mb" grep -qE "^tcp_send_mmio_wr_per_mb wirepath=$num linux=n/a " "$log"
# the TSO-off boot is left out of the tiny run, and says so
e2e_check "bench.figure_tcp_send_notso_mbit" grep -qE "^tcp_send_notso_mbit skipped \(.+\)" "$log"
e2e_check "bench.floor" grep -qE "^floor_frames_per_s $num$" "$log"
e2e_check "bench.floor_host_receipt" grep -qE "^bench: floor: .*host received 1000$" "$log"
[ "$E2E_FAILED" -eq 0 ] || sed 's/^/  | /' "$log"

# make bench-hosted: the two-stack callgrind harness on 50 operations per phase
hlog=$E2E_OUT/bench_hosted_tiny.log
BENCH_TINY=1 timeout --kill-after=10 300 "$E2E_ROOT/tools/bench-hosted.sh" >"$hlog" 2>&1
e2e_check "bench_hosted.runs" test $? -eq 0
for n in udp64_instr_per_datagram udp1472_instr_per_datagram ping_instr_per_roundtrip; do
  e2e_check "bench_hosted.figure_$n" grep -qE "^$n [0-9]+$" "$hlog"
done
e2e_check "bench_hosted.figure_tcp_instr_per_byte" grep -qE "^tcp_instr_per_byte [0-9]+\.[0-9]+$" "$hlog"
e2e_check "bench_hosted.figure_tcp_send_instr_per_segment" \
  grep -qE "^tcp_send_instr_per_segment [0-9]+ \(tcp_sendmsg inclusive [0-9]+\)$" "$hlog"
e2e_check "bench_hosted.figure_tcp_ack_instr_per_ack" \
  grep -qE "^tcp_ack_instr_per_ack [0-9]+ \(tcp_v4_rcv inclusive [0-9]+\)$" "$hlog"
e2e_check "bench_hosted.breakdown" test "$(grep -cE '^ +[0-9]+ +[0-9.]+%  ' "$hlog")" -ge 30
e2e_finish
