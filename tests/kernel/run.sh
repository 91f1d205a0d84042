#!/usr/bin/env bash
# In-kernel tests: boot the test image (build/wirepath-ktest.iso, make KTEST=1: the ISO
# users boot carries no test code) once per line of tests/kernel/boots.txt (or only the
# labels given as arguments), collect the "ktest:" lines from the serial log, check QEMU's
# exit status (isa-debug-exit: 33 pass, 35 fail), and end with "ktest: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=build/ktest
mkdir -p "$out"
TIMEOUT=${KTEST_TIMEOUT:-300}
passed=0 failed=0 skipped=0
export ISO=${KTEST_ISO:-$root/build/wirepath-ktest.iso}
if [ ! -f "$ISO" ]; then
  echo "ktest: no test image $ISO (make ktest-iso)"
  echo "ktest: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

while IFS='|' read -r label cmdline envs; do
  case "$label" in ''|'#'*) continue ;; esac
  if [ $# -gt 0 ]; then
    want=0; for a in "$@"; do [ "$a" = "$label" ] && want=1; done
    [ $want = 1 ] || continue
  fi
  log="$out/$label.log"
  echo "ktest: boot '$label' ($cmdline)"
  start=$(date +%s)
  # shellcheck disable=SC2086
  env FWD=0 $envs SERIAL="file:$log" CMDLINE="$cmdline" NET=${NET:-user} \
      timeout --kill-after=5 "$TIMEOUT" tools/qemu.sh </dev/null >"$out/$label.qemu.log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  sed -n 's/^\[[ 0-9.]*\] //; /^ktest: .* \.\.\. /p' "$log" 2>/dev/null
  p=$(sed -n 's/^\[[ 0-9.]*\] //; s/^\([0-9]\+\) passed, \([0-9]\+\) failed.*/\1/p' "$log" 2>/dev/null | tail -1)
  f=$(sed -n 's/^\[[ 0-9.]*\] //; s/^\([0-9]\+\) passed, \([0-9]\+\) failed.*/\2/p' "$log" 2>/dev/null | tail -1)
  s=$(sed -n 's/^\[[ 0-9.]*\] //; s/^[0-9]\+ passed, [0-9]\+ failed, \([0-9]\+\) skipped.*/\1/p' "$log" 2>/dev/null | tail -1)
  p=${p:-0}; f=${f:-0}; skipped=$((skipped + ${s:-0}))
  passed=$((passed + p)); failed=$((failed + f))
  case $rc in
    33) [ "$f" -eq 0 ] || { echo "ktest: boot '$label': pass status but $f failures"; failed=$((failed + 1)); } ;;
    35) [ "$f" -gt 0 ] || failed=$((failed + 1))
        echo "ktest: boot '$label' failed (exit 35) after ${secs}s; serial log tail:"; tail -25 "$log" ;;
    124|137) echo "ktest: boot '$label' timed out after ${TIMEOUT}s; serial log tail:"; tail -25 "$log"
        failed=$((failed + 1)) ;;
    *)  echo "ktest: boot '$label' ended with QEMU status $rc after ${secs}s; serial log tail:"
        tail -25 "$log"; cat "$out/$label.qemu.log"; failed=$((failed + 1)) ;;
  esac
  echo "ktest: boot '$label' took ${secs}s"
done < tests/kernel/boots.txt

echo "ktest: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
