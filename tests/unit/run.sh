#!/usr/bin/env bash
# Hosted unit tests: each tests/unit/test_*.c is built with the kernel sources named on its
# "// SOURCES:" line, for Linux, with AddressSanitizer and UBSan, and run.
# Prints one line per case and ends with "unit: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=build/unit
mkdir -p "$out"
CFLAGS=(-std=gnu11 -g -O1 -DWP_HOSTED -I. -Wall -Wextra -Werror -Wno-unused-parameter
        -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
passed=0 failed=0
for t in tests/unit/test_*.c; do
  [ -e "$t" ] || continue
  name=$(basename "$t" .c)
  srcs=$(sed -n 's#^// SOURCES:##p' "$t" | head -1)
  if ! gcc "${CFLAGS[@]}" -o "$out/$name" "$t" tests/unit/unit_main.c $srcs 2>"$out/$name.build.log"; then
    cat "$out/$name.build.log"
    echo "unit: $name ... FAIL (does not build)"
    failed=$((failed + 1))
    continue
  fi
  log="$out/$name.log"
  timeout 120 env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$out/$name" >"$log" 2>&1
  rc=$?
  grep -E '^unit: ' "$log"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}')
  if [ -z "$line" ] || { [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; }; then
    echo "unit: $name ... FAIL (exit $rc, sanitizer or crash)"; tail -30 "$log"
    failed=$((failed + 1)); passed=$((passed + ${p:-0}))
    continue
  fi
  [ "$f" -gt 0 ] && grep -vE '^(unit: |[0-9]+ passed)' "$log" | head -40
  passed=$((passed + p)); failed=$((failed + f))
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
