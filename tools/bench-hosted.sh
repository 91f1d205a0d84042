#!/usr/bin/env bash
# make bench-hosted: instructions per operation of the stack itself, deterministic.
# Two wirepath stacks in one hosted process (tests/unit/bench/: the same hosted build the
# unit tests use, a fake NIC wiring them frame to frame, software checksums), under
# valgrind --tool=callgrind; each phase is its own profile, divided by its operations.
# Prints udp64_instr_per_datagram, udp1472_instr_per_datagram, ping_instr_per_roundtrip
# (send and receive, both stacks together), tcp_instr_per_byte (skipped until TCP), and
# the top 15 functions of each phase.
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
  net/core/skbuff.c net/core/checksum.c net/core/neighbour.c net/core/dev.c net/core/dev_xmit.c
  net/sched/sch_generic.c net/sched/sch_pfifo_fast.c net/ethernet/eth_hdr.c
  net/ipv4/af_inet.c net/ipv4/arp.c net/ipv4/arp_hdr.c net/ipv4/devinet.c net/ipv4/icmp.c
  net/ipv4/icmp_hdr.c net/ipv4/ip_fragment.c net/ipv4/ip_hdr.c net/ipv4/ip_input.c
  net/ipv4/ip_output.c net/ipv4/route.c net/ipv4/udp.c net/ipv4/udp_hdr.c
  net/netfilter/core.c net/netfilter/nf_rules.c
  kernel/cmdline.c kernel/file.c kernel/console_file.c kernel/sys_basic.c kernel/poll.c
  kernel/uaccess.c kernel/user/uvm.c kernel/time/timer.c kernel/lib/string.c kernel/lib/vsprintf.c
  tests/unit/fake_printk.c tests/unit/fake_mm.c tests/unit/fake_kernel.c tests/unit/fake_softirq.c
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
per() { awk -v t="${total[$1]:-0}" -v n="$N" 'BEGIN { printf "%.0f", t / n }'; }
for ph in udp64 udp1472 ping; do
  [ -n "${file[$ph]:-}" ] || { echo "bench-hosted: no profile for $ph" >&2; exit 1; }
done
for ph in udp64 udp1472 ping; do
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
' "$N" "${total[$ph]}"
done
echo "udp64_instr_per_datagram $(per udp64)"
echo "udp1472_instr_per_datagram $(per udp1472)"
echo "ping_instr_per_roundtrip $(per ping)"
# TCP: one line here when the stack has it (a phase "tcp" in bench_hosted.c sending
# bytes one way; divide its total by the payload bytes)
echo "tcp_instr_per_byte skipped (the hosted harness has no TCP phase yet)"
