#!/usr/bin/env bash
# End-to-end tests: every tests/e2e/test_*.sh in turn (each boots its own guest and ends
# with "N passed, N failed[, N skipped]"); ends with "e2e: N passed, N failed, N skipped".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
passed=0 failed=0 skipped=0
# run_one SCRIPT NAME [env assignments...]
run_one() {
  local t=$1 name=$2; shift 2
  local log=build/e2e/$name.log
  mkdir -p build/e2e
  env "$@" timeout --kill-after=10 600 bash "$t" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line p f s
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}')
  s=$(echo "$line" | sed -n 's/.*, \([0-9]\+\) skipped.*/\1/p')
  p=${p:-0}; f=${f:-0}; skipped=$((skipped + ${s:-0}))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "e2e: $name ... FAIL (exit $rc)"; f=1
  fi
  passed=$((passed + p)); failed=$((failed + f))
}
for t in tests/e2e/test_*.sh; do
  [ -e "$t" ] || continue
  run_one "$t" "$(basename "$t" .sh)"
done
# The network tests against real Linux peers once more under UEFI (OVMF), from the same
# ISO (test_uefi.sh covers DHCP from QEMU's server, UDP echo and the screen there).
for t in tests/e2e/test_icmp_udp.sh; do
  [ -e "$t" ] || continue
  run_one "$t" "$(basename "$t" .sh)_uefi" FIRMWARE=uefi
done
echo "e2e: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
