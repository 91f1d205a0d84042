#!/usr/bin/env bash
# End-to-end tests: every tests/e2e/test_*.sh in turn (each boots its own guest and ends
# with "N passed, N failed[, N skipped]"); ends with "e2e: N passed, N failed, N skipped".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
passed=0 failed=0 skipped=0
for t in tests/e2e/test_*.sh; do
  [ -e "$t" ] || continue
  name=$(basename "$t" .sh)
  log=build/e2e/$name.log
  mkdir -p build/e2e
  timeout --kill-after=10 600 bash "$t" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}')
  k=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
  p=${p:-0}; f=${f:-0}; k=${k:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "e2e: $name ... FAIL (exit $rc)"; f=1
  fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + k))
done
echo "e2e: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
