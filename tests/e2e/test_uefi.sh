#!/usr/bin/env bash
# The same ISO on the machines people own, as far as QEMU can show it:
#  1. UEFI (OVMF) on a CPU with x2APIC: GRUB's EFI image boots the kernel, which reports
#     UEFI firmware, runs the LAPIC in x2APIC mode, finds the igb with its MSI-X table BAR
#     where OVMF put it (above 4 GiB), gets an address by DHCP (QEMU's server), echoes UDP
#     through the host forward, and the screen - a QEMU screendump read back cell by cell
#     against the kernel's font - shows the ready line and the same log lines as serial.
#  2. UEFI with the igb behind a PCIe root port: found on bus 1 and working (UDP echo).
#  3. BIOS (SeaBIOS): the VGA text screen (the text buffer the adapter displays) shows
#     the ready line.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
trap guest_stop EXIT


# udp_echo PORT: one datagram through the forward to the guest's udp_echo app and back
udp_echo() {
  /usr/bin/python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
data = b"wirepath-uefi-" + bytes(range(200))
for _ in range(5):
    s.sendto(data, ("127.0.0.1", int(sys.argv[1])))
    try:
        while True:
            got, _ = s.recvfrom(4096)
            if got == data:
                sys.exit(0)
    except socket.timeout:
        pass
sys.exit(1)
PY
}

# start_guest LABEL ENV...: boot with free forward ports and a QMP socket
start_guest() {
  local label=$1; shift
  PORT_ECHO=$(free_port udp)
  QMP_SOCK=$E2E_OUT/$label.qmp
  rm -f "$QMP_SOCK"
  guest_start "$label" PORT_ECHO="$PORT_ECHO" PORT_HTTP="$(free_port tcp)" \
      PORT_ECHO_TCP="$(free_port tcp)" PORT_IPERF="$(free_port tcp)" QMP="$QMP_SOCK" "$@"
}

# --- 1. UEFI, x2APIC, high BAR, DHCP, UDP, screen -------------------------------------
t0=$(date +%s.%N)
start_guest uefi FIRMWARE=uefi CPU=qemu64,+x2apic
if guest_wait 'wirepath: ready ip=' 180; then
  t1=$(date +%s.%N)
  echo "e2e: UEFI boot, QEMU start to DHCP ready line: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s (TCG, shared host; not a pass/fail figure)"
  e2e_ok "uefi.dhcp_ready"
else
  e2e_fail "uefi.dhcp_ready" "no ready line; see $GUEST_LOG"
fi
log=$GUEST_LOG
e2e_check "uefi.grub_efi_booted_kernel" grep -aq 'boot: UEFI firmware' "$log"
e2e_check "uefi.memory_map" grep -aqE 'mm: [0-9]+ MiB usable' "$log"
e2e_check "uefi.acpi_mcfg_ecam" grep -aq 'config access by ECAM' "$log"
e2e_check "uefi.x2apic_mode" grep -aq 'apic: x2APIC mode' "$log"
bar3=$(grep -a -A8 -E 'pci: .* 8086:10c9' "$log" | sed -n 's/.*BAR3 mem \(0x[0-9a-f]*\) .*/\1/p' | head -1)
echo "e2e: OVMF placed the igb's BAR3 (MSI-X table) at ${bar3:-?}"
if [ -n "$bar3" ] && [ $((bar3 > 0xffffffff)) = 1 ]; then
  e2e_ok "uefi.msix_bar_above_4g"
else
  e2e_fail "uefi.msix_bar_above_4g" "BAR3 at ${bar3:-none}"
fi
e2e_check "uefi.igb_msix" grep -aq 'irq msix' "$log"
e2e_check "uefi.no_panic" bash -c "! grep -aqiE 'panic|exception' '$log'"
if udp_echo "$PORT_ECHO"; then e2e_ok "uefi.udp_echo"; else e2e_fail "uefi.udp_echo"; fi

ppm=$E2E_OUT/uefi.screen.ppm
txt=$E2E_OUT/uefi.screen.txt
rm -f "$ppm" "$txt"
if tests/e2e/qmp.py "$QMP_SOCK" screendump "$ppm" && \
   tests/e2e/screen_text.py ppm "$ppm" "$log" >"$txt"; then
  e2e_check "uefi.screen_shows_ready_line" grep -q 'wirepath: ready ip=10\.0\.2\.15/24' "$txt"
  # Every screen line that is a whole log line (timestamped, not a wrapped tail) is also
  # on the serial console: the two are mirrors.
  missing=0 lines=0
  while IFS= read -r l; do
    case "$l" in '['*']'*) ;; *) continue ;; esac
    lines=$((lines + 1))
    grep -aqF -- "$l" "$log" || { missing=$((missing + 1)); echo "e2e: on screen, not on serial: $l"; }
  done <"$txt"
  if [ "$lines" -ge 10 ] && [ "$missing" = 0 ]; then
    e2e_ok "uefi.screen_mirrors_serial"
  else
    e2e_fail "uefi.screen_mirrors_serial" "$lines log lines on screen, $missing not on serial"
  fi
else
  e2e_fail "uefi.screen_shows_ready_line" "no screendump or unreadable; see $txt"
  e2e_fail "uefi.screen_mirrors_serial" "no screen text"
fi
guest_stop

# --- 2. UEFI, igb behind a PCIe root port ----------------------------------------------
start_guest uefi_bridge FIRMWARE=uefi NIC_PORT=1
e2e_wait "uefi_bridge.dhcp_ready" 'wirepath: ready ip=' 180 "ready line"
e2e_check "uefi_bridge.root_port_bridge_scanned" grep -aq 'bridge to bus 01' "$GUEST_LOG"
e2e_check "uefi_bridge.igb_on_bus_1_bound" grep -aq 'pci: 01:00.0 8086:10c9 bound to igb' "$GUEST_LOG"
if udp_echo "$PORT_ECHO"; then e2e_ok "uefi_bridge.udp_echo"; else e2e_fail "uefi_bridge.udp_echo"; fi
guest_stop

# --- 3. BIOS, VGA text screen -----------------------------------------------------------
start_guest bios_vga FIRMWARE=bios FWD=0
e2e_wait "bios.dhcp_ready" 'wirepath: ready ip=' 120 "ready line"
e2e_check "bios.kernel_saw_bios" grep -aq 'boot: BIOS firmware' "$GUEST_LOG"
e2e_check "bios.console_vga_text" grep -aq 'console: VGA text 80x25' "$GUEST_LOG"
vga=$E2E_OUT/bios.vga.bin
rm -f "$vga"
if tests/e2e/qmp.py "$QMP_SOCK" pmemsave 0xb8000 4000 "$vga" && \
   tests/e2e/screen_text.py vga "$vga" 80 25 >"$E2E_OUT/bios.screen.txt"; then
  e2e_check "bios.vga_screen_shows_ready_line" grep -q 'wirepath: ready ip=10\.0\.2\.15/24' "$E2E_OUT/bios.screen.txt"
else
  e2e_fail "bios.vga_screen_shows_ready_line" "no memory dump"
fi
e2e_finish
