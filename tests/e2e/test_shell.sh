#!/usr/bin/env bash
# The serial shell, driven the way a user types at it: QEMU's COM1 is a unix socket that
# tests/e2e/shell_drive.py connects to (QEMU waits for it before booting). It checks what
# each command reports against the state it must show (the DHCP address, slirp's gateway
# and its MAC after a ping, the udp_echo socket and app, a TCP connection the test holds
# open to httpd in ss -tuna, ss -ti and netstat -s), line editing, the one-line errors,
# the trace of a UDP send station by station (the host sends to udp_echo through the
# forward, the echo is the guest's send) and of a TCP segment from httpd's send to the
# ACK that frees it, `trace` alone catching the next journey,
# Ctrl-C ending an endless ping, kill, and that poweroff makes QEMU exit.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
trap guest_stop EXIT

PORT_ECHO=$(free_port udp)
PORT_HTTP=$(free_port tcp)
sockdir=$(mktemp -d)
sock=$sockdir/serial.sock
GUEST_LOG=$E2E_OUT/shell.serial.log
# A 64-descriptor TX ring without TSO: a burst of TCP segments fills it, so some of them
# queue in the qdisc and their journeys show qdisc_enqueue/qdisc_dequeue (with the
# default ring an empty qdisc is bypassed every time). Nothing else checked depends on it.
env CMDLINE="igb.txd=64 igb.tso=0" PORT_ECHO="$PORT_ECHO" PORT_HTTP="$PORT_HTTP" PORT_ECHO_TCP="$(free_port tcp)" \
    PORT_IPERF="$(free_port tcp)" SERIAL="unix:$sock,server=on" \
    "$E2E_ROOT/tools/qemu.sh" </dev/null >"$E2E_OUT/shell.qemu.log" 2>&1 &
GUEST_PID=$!

out=$(timeout 300 /usr/bin/python3 "$E2E_ROOT/tests/e2e/shell_drive.py" "$sock" "$GUEST_LOG" \
      "$PORT_ECHO" "$PORT_HTTP" 2>&1)
echo "$out" | grep -v '^\(OK\|FAIL\|SKIP\) ' | sed 's/^/e2e: /'
while read -r verdict name why; do
  case $verdict in
    OK) e2e_ok "$name" ;;
    FAIL) e2e_fail "$name" "$why" ;;
    SKIP) e2e_skip "$name" "$why" ;;
  esac
done < <(echo "$out" | grep -E '^(OK|FAIL|SKIP) ')
echo "$out" | grep -qE '^(OK|FAIL) ' || e2e_fail "shell.driver_ran" "the driver printed no result"

# poweroff ended QEMU by itself (the driver saw the serial close); it must be gone now
exited=no
for _ in $(seq 100); do kill -0 "$GUEST_PID" 2>/dev/null || { exited=yes; break; }; sleep 0.1; done
if [ $exited = yes ]; then e2e_ok "shell.qemu_process_exited"; else e2e_fail "shell.qemu_process_exited"; fi
e2e_check "shell.no_panic_or_fault" bash -c "! grep -aqiE 'panic|exception' '$GUEST_LOG'"
rm -rf "$sockdir"
e2e_finish
