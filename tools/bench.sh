#!/usr/bin/env bash
# make bench: timed figures, kept out of the pass/fail tests because this machine is
# shared and noisy. Each figure is measured inside one guest run, and ratios (interrupts
# per frame) are the numbers to compare across machines.
#
#   igb TX burst: 10,000 frames through dev_hard_start_xmit, completed by interrupts,
#   once per interrupt mode (MSI-X, MSI, INTx) and with two queues.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=build/bench
mkdir -p "$out"

run_boot() {   # label cmdline
  local log=$out/$1.log
  FWD=0 SERIAL="file:$log" CMDLINE="$2" timeout --kill-after=5 300 tools/qemu.sh </dev/null >/dev/null 2>&1
  sed -n 's/^\[[ 0-9.]*\] //p' "$log"
}

echo "bench: igb TX burst (QEMU ${ACCEL:-tcg}, $(nproc) host cores)"
printf '%-10s %-60s\n' mode result
for mode in msix msi intx; do
  line=$(run_boot "igb-$mode" "test=igb igb.irq=$mode" | grep -m1 '^igb: burst [0-9]')
  printf '%-10s %s\n' "$mode" "${line#igb: }"
done
line=$(run_boot igb-mq "test=igb igb.irq=msix igb.queues=2" | grep -m1 '^igb: burst [0-9]')
printf '%-10s %s\n' "msix x2" "${line#igb: }"
