#!/usr/bin/env bash
# Fuzz tier: every tests/fuzz/fuzz_*.c is a libFuzzer target built with clang and the
# kernel sources named on its "// SOURCES:" line (-DWP_HOSTED, ASan + UBSan). For each:
#   1. every saved input in tests/fuzz/corpus/<target>/ is run once (seeds and the
#      regression inputs of crashes found before: they must stay fixed);
#   2. the target is fuzzed for FUZZ_SECONDS (default 10) from that corpus.
# A crash, leak or sanitizer report fails the target; the input that caused it is kept
# in build/fuzz/artifacts/ - once fixed, copy it into tests/fuzz/corpus/<target>/.
# Optional per-target libFuzzer flags on a "// FUZZ_OPTS:" line. Targets may be named as
# arguments. Ends with "fuzz: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=build/fuzz
mkdir -p "$out/artifacts" "$out/scratch"
SECS=${FUZZ_SECONDS:-10}
CC=${FUZZ_CC:-clang}
CFLAGS=(-std=gnu11 -g -O1 -DWP_HOSTED -I. -Wall -Wextra -Werror -Wno-unused-parameter
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
        -fno-omit-frame-pointer)
passed=0 failed=0

if ! command -v "$CC" >/dev/null; then
  echo "fuzz: $CC not found (install clang: make deps-test)"
  echo "fuzz: 0 passed, 1 failed"
  exit 1
fi

targets=()
if [ $# -gt 0 ]; then
  for a in "$@"; do targets+=("tests/fuzz/${a%.c}.c"); done
else
  targets=(tests/fuzz/fuzz_*.c)
fi

for t in "${targets[@]}"; do
  [ -e "$t" ] || continue
  name=$(basename "$t" .c)
  srcs=$(sed -n 's#^// SOURCES:##p' "$t" | head -1)
  opts=$(sed -n 's#^// FUZZ_OPTS:##p' "$t" | head -1)
  bin=$out/$name
  # shellcheck disable=SC2086
  if ! "$CC" "${CFLAGS[@]}" -o "$bin" "$t" $srcs 2>"$out/$name.build.log"; then
    cat "$out/$name.build.log"
    echo "fuzz: $name ... FAIL (does not build)"
    failed=$((failed + 1))
    continue
  fi
  corpus=tests/fuzz/corpus/$name
  mkdir -p "$corpus"
  log=$out/$name.log
  # 1. regression: each saved input once
  mapfile -t saved < <(find "$corpus" -type f | sort)
  if [ ${#saved[@]} -gt 0 ]; then
    # shellcheck disable=SC2086
    if ! "$bin" $opts "${saved[@]}" >"$log" 2>&1; then
      echo "fuzz: $name ... FAIL (a saved input in $corpus fails again)"
      grep -E 'ERROR|Running:|runtime error|SUMMARY' "$log" | head -20
      failed=$((failed + 1))
      continue
    fi
  fi
  # 2. bounded fuzzing; new interesting inputs go to a scratch corpus under build/
  work=$out/scratch/$name
  mkdir -p "$work"
  # shellcheck disable=SC2086
  timeout --kill-after=10 $((SECS + 60)) "$bin" $opts -max_total_time="$SECS" \
      -artifact_prefix="$out/artifacts/$name-" -print_final_stats=1 \
      "$work" "$corpus" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ $rc -eq 0 ]; then
    echo "fuzz: $name ... ok (${execs:-?} runs in ${SECS}s, ${#saved[@]} saved inputs)"
    passed=$((passed + 1))
  else
    echo "fuzz: $name ... FAIL (exit $rc)"
    grep -E 'ERROR|runtime error|SUMMARY|Test unit written|artifact' "$log" | head -20
    echo "fuzz: once fixed, copy the artifact into $corpus/ as a regression input"
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
