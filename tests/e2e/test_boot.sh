#!/usr/bin/env bash
# Boot the ISO as `make run` does and check what a user sees on the serial console:
# banner, memory summary, the PCI list with QEMU's igb, clock calibration, boot time,
# and that the kernel then idles with the CPU halted.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
trap guest_stop EXIT

guest_start boot FWD=0
if guest_wait 'platform ready in' 120; then
  e2e_ok "boot.reaches_ready"
else
  e2e_fail "boot.reaches_ready" "no 'platform ready' line; see $GUEST_LOG"
fi
log=$GUEST_LOG
e2e_check "boot.banner" grep -q 'wirepath .*: the network send path' "$log"
e2e_check "boot.grub_passed_cmdline" grep -q "boot: loader 'GRUB" "$log"
e2e_check "boot.memory_summary" grep -qE 'mm: [0-9]+ MiB usable' "$log"
e2e_check "boot.pci_lists_igb" grep -qE 'pci: [0-9a-f]{2}:[0-9a-f]{2}\.[0-7] 8086:10c9' "$log"
e2e_check "boot.igb_bar0_128k" bash -c "grep -A8 -E 'pci: .* 8086:10c9' '$log' | grep -qE 'BAR0 .*128K'"
e2e_check "boot.igb_msix_cap" bash -c "grep -A10 -E 'pci: .* 8086:10c9' '$log' | grep -q msix"
e2e_check "boot.tsc_calibrated" grep -qE 'time: TSC [0-9]+\.[0-9]+ MHz' "$log"
e2e_check "boot.no_unknown_cmdline_keys" bash -c "! grep -q 'unknown key' '$log'"
e2e_check "boot.no_panic" bash -c "! grep -qiE 'panic|exception' '$log'"
# Idle: after ready the guest should sit in hlt. QEMU's own CPU use is then low; we
# check it through /proc of the QEMU process over 3 s (TCG runs the guest on one thread).
sleep 2
t0=$(awk '{print $14 + $15}' /proc/$GUEST_PID/stat 2>/dev/null || echo 0)
sleep 3
t1=$(awk '{print $14 + $15}' /proc/$GUEST_PID/stat 2>/dev/null || echo 0)
hz=$(getconf CLK_TCK)
busy_pct=$(( (t1 - t0) * 100 / (3 * hz) ))
echo "e2e: idle QEMU CPU use ${busy_pct}% over 3 s"
if [ "$busy_pct" -lt 60 ]; then e2e_ok "boot.idles_halted"; else e2e_fail "boot.idles_halted" "QEMU at ${busy_pct}% CPU while idle"; fi
e2e_finish
