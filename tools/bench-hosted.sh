#!/usr/bin/env bash
# make bench-hosted: instructions per operation of the stack itself, deterministic.
# Two wirepath stacks in one hosted process (tests/unit/bench/: the same hosted build the
# unit tests use, a fake NIC wiring them frame to frame, software checksums), under
# valgrind --tool=callgrind; each phase is its own profile, divided by its operations.
# Prints udp64_instr_per_datagram, udp1472_instr_per_datagram, ping_instr_per_roundtrip
# (send and receive, both stacks together); for TCP (one connection, A streams to B)
# tcp_instr_per_byte (both stacks, everything), tcp_send_instr_per_segment (A's send of
# one MSS: sock_sendmsg down to the fake NIC), tcp_ack_instr_per_ack (A's receipt of an
# ACK: device layer up) with tcp_v4_rcv's inclusive share; and the top 15 functions of
# each phase (per datagram, round trip, segment or ACK).
#   N=2000 operations per phase; BENCH_TINY=1: 50 (for make test: figures produced)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=build/bench-hosted
N=${N:-2000}
if [ "${BENCH_TINY:-0}" = 1 ]; then
  N=50
  out=build/bench-hosted-tiny   # never mixes into a real run's files
fi
mkdir -p "$out/obj"

# one stack: everything from the socket calls down to the device layer, and the hosted
# stand-ins of the kernel below it (tests/unit/fake_*.c)
SOURCES="net/socket.c net/sockopt.c net/kmsg.c net/core/sock.c net/core/datagram.c net/core/stream.c
  net/core/skbuff.c net/core/checksum.c net/core/neighbour.c net/core/dev.c net/core/dev_registry.c net/core/dev_xmit.c
  net/sched/sch_generic.c net/sched/sch_pfifo_fast.c net/core/gso.c net/core/gro.c net/ipv4/ip_offload.c net/ethernet/eth_hdr.c
  net/ipv4/af_inet.c net/ipv4/arp.c net/ipv4/arp_hdr.c net/ipv4/devinet.c net/ipv4/icmp.c
  net/ipv4/icmp_hdr.c net/ipv4/ip_fragment.c net/ipv4/ip_hdr.c net/ipv4/ip_input.c
  net/ipv4/ip_output.c net/ipv4/route.c net/ipv4/udp.c net/ipv4/udp_hdr.c
  $(ls net/ipv4/tcp*.c | grep -v _ktest) net/ipv4/syncookies.c net/ipv4/inet_connection_sock.c
  net/core/secure_seq.c
  net/netfilter/core.c net/netfilter/nf_rules.c
  kernel/cmdline.c kernel/file.c kernel/console_file.c kernel/sys_basic.c kernel/poll.c
  kernel/uaccess.c kernel/user/uvm.c kernel/time/timer.c kernel/lib/string.c kernel/lib/vsprintf.c
  kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_kernel.c tests/unit/fake_clock.c kernel/sched/wait.c tests/unit/fake_softirq.c tests/unit/stub_stats.c
  tests/unit/bench/bench_stack.c"
CFLAGS=(-std=gnu11 -O2 -g -DWP_HOSTED -I. -Wall -Wextra -Werror -Wno-unused-parameter
        -fno-omit-frame-pointer -fno-strict-aliasing -Wno-maybe-uninitialized)
objs=()
for s in $SOURCES; do
  o=$out/obj/${s//\//_}.o
  gcc "${CFLAGS[@]}" -c "$s" -o "$o"
  objs+=("$o")
done
ld -r -T tests/unit/bench/bench_stack.ld -o "$out/stack.o" "${objs[@]}"
# two copies, each with its own globals: only the bstack_* interface stays global, renamed
for p in a b; do
  objcopy -w --keep-global-symbol='bstack_*' "$out/stack.o" "$out/stack_$p.o"
  nm "$out/stack_$p.o" | awk '$2 ~ /^[TDBR]$/ && $3 ~ /^bstack_/ { print $3, "'$p'_" $3 }' >"$out/syms_$p"
  objcopy --redefine-syms="$out/syms_$p" "$out/stack_$p.o"
done
gcc "${CFLAGS[@]}" -o "$out/bench_hosted" tests/unit/bench/bench_hosted.c "$out/stack_a.o" "$out/stack_b.o"

if [ "${1:-}" = --build-only ]; then exit 0; fi
rm -f "$out"/callgrind.out*
valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out/callgrind.out" \
  "$out/bench_hosted" "$N" >"$out/run.log" 2>&1 || { cat "$out/run.log"; echo "bench-hosted: run failed" >&2; exit 1; }
grep '^bench_hosted:' "$out/run.log"

# each dump's "totals:" line (its phase name is in the "desc: Trigger:" line)
declare -A total file
for f in "$out"/callgrind.out.*; do
  ph=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
  [ -n "$ph" ] || continue
  # less the harness's own functions that run while counting (the toggles around the
  # fake NIC's hand-offs), so the totals are the stacks' alone
  harness=$(callgrind_annotate --auto=no --inclusive=no --threshold=100 "$f" 2>/dev/null |
    awk '$0 ~ /^ *[0-9,]+ \( *[0-9.]+%\)  tests\/unit\/bench\/bench_hosted\.c:/ && $0 !~ /:main / { v = $1; gsub(",", "", v); s += v } END { print s + 0 }')
  total[$ph]=$(sed -n 's/^totals: //p' "$f" | awk -v h="$harness" '{ print $1 - h }')
  file[$ph]=$f
done
# operations per phase: N, or the frames the harness counted (TCP segments, ACKs)
declare -A ops=([udp64]=$N [udp1472]=$N [ping]=$N)
ops[tcp]=$(sed -nE 's/^bench_hosted: tcp: .* ([0-9]+) segments, .*/\1/p' "$out/run.log")
ops[tcp_seg]=$(sed -nE 's/^bench_hosted: tcp_seg: .* ([0-9]+) segments$/\1/p' "$out/run.log")
ops[tcp_ack]=$(sed -nE 's/^bench_hosted: tcp_ack: ([0-9]+) ACK frames .*/\1/p' "$out/run.log")
tcp_bytes=$(sed -nE 's/^bench_hosted: tcp: ([0-9]+) writes of ([0-9]+) bytes.*/\1 \2/p' "$out/run.log" | awk '{ print $1 * $2 }')
per() { awk -v t="${total[$1]:-0}" -v n="${2:-${ops[$1]:-0}}" 'BEGIN { if (n > 0) printf "%.0f", t / n; else print "none" }'; }
# inclusive instructions of one function in a phase, per operation of that phase
incl() {
  callgrind_annotate --auto=no --inclusive=yes --threshold=100 "${file[$1]}" 2>/dev/null |
    awk -v fn=":$2" -v n="${ops[$1]:-0}" 'index($0, fn " ") || substr($0, length($0) - length(fn) + 1) == fn {
      v = $1; gsub(",", "", v); if (v + 0 > best) best = v + 0 }
      END { if (n > 0 && best > 0) printf "%.0f", best / n; else print "none" }'
}
phases="udp64 udp1472 ping tcp tcp_seg tcp_ack"
for ph in $phases; do
  [ -n "${file[$ph]:-}" ] || { echo "bench-hosted: no profile for $ph" >&2; exit 1; }
done
for ph in $phases; do
  echo "bench-hosted: top 15 functions, $ph (instructions per operation, share)"
  callgrind_annotate --auto=no --inclusive=no --threshold=100 "${file[$ph]}" 2>/dev/null |
    /usr/bin/python3 -c '
import re, sys
n, total, shown = int(sys.argv[1]), int(sys.argv[2]), 0
for line in sys.stdin:
    m = re.match(r"^\s*([0-9,]+) \(\s*([0-9.]+)%\)\s+(\S+)", line)
    if shown == 15 or not m or m.group(3) == "PROGRAM" or float(m.group(2)) >= 99.99 \
            or "bench/bench_hosted.c:" in m.group(3):
        continue    # totals, main() and its callers (the whole phase), the harness
    v = int(m.group(1).replace(",", ""))
    where = m.group(3)
    fn = where.rsplit(":", 1)[-1]
    src = where.rsplit(":", 1)[0].lstrip("./")
    src = "libc" if "/" not in src or src.startswith(("malloc", "string", "sysdeps")) else src
    print("  %8.0f %5.1f%%  %s (%s)" % (v / n, 100.0 * v / total, fn, src))
    shown += 1
' "${ops[$ph]}" "${total[$ph]}"
done
echo "udp64_instr_per_datagram $(per udp64)"
echo "udp1472_instr_per_datagram $(per udp1472)"
echo "ping_instr_per_roundtrip $(per ping)"
awk -v t="${total[tcp]}" -v b="$tcp_bytes" 'BEGIN { printf "tcp_instr_per_byte %.2f\n", t / b }'
echo "tcp_instr_per_segment $(per tcp)"
echo "tcp_send_instr_per_segment $(per tcp_seg) (tcp_sendmsg inclusive $(incl tcp_seg tcp_sendmsg))"
echo "tcp_ack_instr_per_ack $(per tcp_ack) (tcp_v4_rcv inclusive $(incl tcp_ack tcp_v4_rcv))"
