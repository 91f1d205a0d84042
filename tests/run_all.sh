#!/usr/bin/env bash
# Every test tier, in order: hosted unit tests, bounded fuzzing of the receive parsers,
# in-kernel tests under QEMU, end-to-end tests with host tools. Ends with the overall
# "N passed, N failed, N skipped" line (a tier may add ", N skipped" to its own line).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p build
total_p=0 total_f=0 total_s=0
for tier in unit fuzz kernel e2e; do
  script=tests/$tier/run.sh
  [ -x "$script" ] || continue
  echo "=== tier: $tier"
  "$script" 2>&1 | tee "build/tier-$tier.log"
  line=$(grep -E '^[a-z0-9]+: [0-9]+ passed, [0-9]+ failed' "build/tier-$tier.log" | tail -1)
  if [ -z "$line" ]; then
    echo "tier $tier printed no result line"
    total_f=$((total_f + 1))
    continue
  fi
  p=$(echo "$line" | awk '{print $2}'); f=$(echo "$line" | awk '{print $4}')
  s=$(echo "$line" | sed -n 's/.*, \([0-9]\+\) skipped.*/\1/p')
  total_p=$((total_p + p)); total_f=$((total_f + f)); total_s=$((total_s + ${s:-0}))
done
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ]
