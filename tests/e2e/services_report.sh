# tests/e2e/services_report.sh - run tests/e2e/services_client.py for one service and turn
# its OK/FAIL/SKIP/INFO lines into e2e_ok/e2e_fail/e2e_skip (source after lib.sh).
# services_report SERVICE PORT [client options...]; check names get the prefix $SVC_PREFIX
services_report() {
  local svc=$1 out verdict name why seen=0
  out=$(timeout --kill-after=5 240 /usr/bin/python3 "$E2E_ROOT/tests/e2e/services_client.py" "$@" 2>&1)
  while read -r verdict name why; do
    case $verdict in
      OK) e2e_ok "${SVC_PREFIX:-}$name"; seen=1 ;;
      FAIL) e2e_fail "${SVC_PREFIX:-}$name" "$why"; seen=1 ;;
      SKIP) e2e_skip "${SVC_PREFIX:-}$name" "$why"; seen=1 ;;
      INFO) echo "e2e: ${SVC_PREFIX:-}$name: $why" ;;
      *) [ -n "$verdict" ] && echo "e2e: $svc client: $verdict $name $why" ;;
    esac
  done <<<"$out"
  [ "$seen" = 1 ] || e2e_fail "$svc.client_ran" "the client printed no verdict"
}
