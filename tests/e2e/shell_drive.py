#!/usr/bin/env python3
"""Drive the wirepath serial shell over QEMU's unix-socket serial port.

usage: shell_drive.py SOCKET LOG UDP_PORT HTTP_PORT
Connects to the socket (QEMU waits for it before booting), copies everything the guest
prints to LOG, waits for the ready line, then runs the checks below, printing one line
per check: "OK name", "FAIL name why" or "INFO name text". Every wait is bounded."""
import os, re, socket, sys, time

sock_path, log_path, udp_port, http_port = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
PROMPT = b"wirepath# "
log = open(log_path, "wb")
buf = b""
s = None
for _ in range(300):
    try:
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock_path)
        break
    except OSError:
        s = None
        time.sleep(0.1)
if s is None:
    print("FAIL shell.connect no serial socket")
    sys.exit(1)
s.settimeout(0.2)
closed = False


def pump():
    global buf, closed
    try:
        d = s.recv(65536)
        if not d:
            closed = True
            return
        log.write(d)
        log.flush()
        buf += d
    except socket.timeout:
        pass


def wait_for(pattern, timeout):
    """Wait until pattern (bytes regex) is in buf; return the text up to its end and
    drop it from buf, or None on timeout or when the guest went away."""
    global buf
    end = time.time() + timeout
    while True:
        m = re.search(pattern, buf)
        if m:
            out = buf[:m.end()]
            buf = buf[m.end():]
            return out
        if closed or time.time() > end:
            return None
        pump()


def run(cmd, timeout=30, echo=None):
    """Type cmd, return its output (between the echoed line and the next prompt)."""
    global buf
    buf = b""
    for ch in cmd.encode():
        s.send(bytes([ch]))
    s.send(b"\r")
    if wait_for(re.escape((echo or cmd).encode()) + rb"\r\n", 10) is None:
        return None
    out = wait_for(re.escape(PROMPT), timeout)
    return None if out is None else out[:-len(PROMPT)].decode(errors="replace")


def num(pattern, text):
    """The first group of pattern in text as an int, or None."""
    m = re.search(pattern, text or "", re.M)
    return int(m.group(1)) if m else None


def report(name, ok, why=""):
    print(("OK %s" % name) if ok else ("FAIL %s %s" % (name, why)), flush=True)


# the prompt may come before or after the ready line (DHCP finishes when it does): an
# empty line after the ready line gets a fresh one
ready = wait_for(rb"wirepath: ready ip=\S+", 120)
if ready is not None:
    s.send(b"\r")
if ready is None or wait_for(re.escape(PROMPT), 30) is None:
    print("FAIL shell.prompt no ready line and prompt; see the serial log")
    sys.exit(1)
report("shell.prompt", True)

# line editing: a typo rubbed out with backspace (DEL, what terminals send) still runs
out = run("uptimx\x7fe", echo="uptimx\b \be")
report("shell.backspace_edits_the_line", out is not None and " up " in out, repr(out))

out = run("ip addr")
report("shell.ip_addr_shows_address", out is not None and
       re.search(r"inet 10\.0\.2\.15/24 brd 10\.0\.2\.255", out) is not None and
       "link/ether 52:54:00:12:34:56" in out and
       re.search(r"lo: <LOOPBACK,UP,LOWER_UP>.*\n\s+link/loopback .*\n\s+inet 127\.0\.0\.1/8 scope host lo",
                 out) is not None, repr(out))

out = run("ip route")
report("shell.ip_route_shows_default", out is not None and "default via 10.0.2.2 dev eth0" in out,
       repr(out))

out = run("ping -c 3 10.0.2.2", 30)
report("shell.ping_3_received", out is not None and
       "3 packets transmitted, 3 received, 0% packet loss" in out and
       re.search(r"rtt min/avg/max/mdev = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms", out) is not None,
       repr(out))

# -s: a 3000-byte payload goes out in three fragments and comes back whole
out = run("ping -c 1 -s 3000 10.0.2.2", 30)
report("shell.ping_s_3000_fragmented", out is not None and
       "PING 10.0.2.2 (10.0.2.2) 3000(3028) bytes of data." in out and
       "3008 bytes from 10.0.2.2: icmp_seq=1 " in out and
       "1 packets transmitted, 1 received, 0% packet loss" in out, repr(out))

# after the ping the gateway is a resolved neighbour: ip neigh shows slirp's MAC
out = run("ip neigh")
report("shell.ip_neigh_shows_gateway", out is not None and
       re.search(r"10\.0\.2\.2 dev eth0 lladdr 52:55:0a:00:02:02 (REACHABLE|STALE|DELAY)", out)
       is not None, repr(out))

out = run("frobnicate now")
report("shell.unknown_command_one_line_error", out is not None and
       out.strip() == "wirepath: frobnicate: command not found (try help)", repr(out))

out = run("ping -c")
report("shell.bad_args_one_line_usage", out is not None and
       out.strip() == "usage: ping [-c N] [-s SIZE] ADDR", repr(out))

out = run("ss -una")
report("shell.ss_shows_udp_echo", out is not None and
       re.search(r"udp\s+UNCONN\s+\d+\s+\d+\s+0\.0\.0\.0:7\s", out) is not None, repr(out))

# A TCP connection the test holds open: one keep-alive request to httpd through the
# forward (slirp connects from the gateway, 10.0.2.2). ss must show it ESTAB on :80 with
# its peer, ss -ti its rtt and cwnd, netstat -s count it as established.
def journey_with(listing, stations, must=()):
    """The last journey in a `trace show` listing whose stations include `stations` in
    order (others may sit between) and whose text has every string in `must`; None if none."""
    found = None
    for j in re.split(r"^journey of ", listing, flags=re.M):
        if not all(m in j for m in must):
            continue
        it = iter(re.findall(r"^\s*\d+\s+\d+\s+(\S+)", j, re.M))
        if all(st in it for st in stations):
            found = j
    return found


def report_journey(case, info, listing, stations, must, tail):
    """A case for a journey with these stations (journey_with), printed as INFO when found;
    the failure shows the listing's last `tail` characters."""
    j = journey_with(listing, stations, must)
    report(case, j is not None, repr(listing[-tail:]))
    if j:
        print("INFO %s\njourney of %s" % (info, j.rstrip()))


def traced_to(station, tries=25):
    """True once `trace show` (asked at most tries times) has a journey that reached station."""
    for _ in range(tries):
        if station in (run("trace show 20", 30) or ""):
            return True
        time.sleep(0.2)
    return False


def http_get(conn, path):
    conn.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        b = conn.recv(65536)
        if not b:
            return None
        data += b
    head, _, body = data.partition(b"\r\n\r\n")
    n = int(re.search(rb"Content-Length: (\d+)", head, re.I).group(1))
    while len(body) < n:
        b = conn.recv(65536)
        if not b:
            return None
        body += b
    return head, body


held = None
try:
    held = socket.create_connection(("127.0.0.1", http_port), timeout=20)
    held.settimeout(20)
    got = http_get(held, b"/1k")
except OSError as e:
    got = None
report("shell.held_http_connection", got is not None and got[0].startswith(b"HTTP/1.1 200"),
       "no page over the held connection")
out = run("ss -tuna")
report("shell.ss_tuna_shows_listen_estab_udp", out is not None and
       re.search(r"^tcp\s+LISTEN\s+\d+\s+\d+\s+0\.0\.0\.0:80\s", out, re.M) is not None and
       re.search(r"^tcp\s+ESTAB\s+\d+\s+\d+\s+10\.0\.2\.15:80\s+10\.0\.2\.2:\d+", out, re.M) is not None and
       re.search(r"^udp\s+UNCONN\s+\d+\s+\d+\s+0\.0\.0\.0:7\s", out, re.M) is not None, repr(out))
out = run("ss -ti")
m_ti = re.search(r"^tcp\s+ESTAB\s+\d+\s+\d+\s+10\.0\.2\.15:80\s+10\.0\.2\.2:\d+\s*\n\t.*", out or "", re.M)
report("shell.ss_ti_shows_held_connection", m_ti is not None and
       re.search(r"rtt:\d+\.\d+/\d+\.\d+", m_ti.group(0)) is not None and
       re.search(r"cwnd:\d+", m_ti.group(0)) is not None and
       re.search(r"segs_out:[1-9]\d* segs_in:[1-9]", m_ti.group(0)) is not None and
       "LISTEN" not in out, repr(out))
out = run("netstat -s")
m_est = re.search(r"^\s*(\d+) connections established", out or "", re.M)
m_pas = re.search(r"^\s*(\d+) passive connection openings", out or "", re.M)
report("shell.netstat_s_counts_held_connection", out is not None and "Icmp: InMsgs" in out and
       (num(r"OutEchos (\d+)", out) or 0) >= 3 and (num(r"InEchoReps (\d+)", out) or 0) >= 3 and
       m_est is not None and int(m_est.group(1)) >= 1 and m_pas is not None and
       int(m_pas.group(1)) >= 1, repr(out))

out = run("apps")
m = re.search(r"^\s*(\d+)\s+udp_echo\s", out or "", re.M)
report("shell.apps_lists_udp_echo", m is not None, repr(out))

# Each command's figures against what the test did (the ping's echoes went out and came
# back, the page was sent) and against each other (the driver's packets are the qdisc's).
out = run("softirqs")
report("shell.softirqs", out is not None and (num(r"^\s*NET_RX:\s+(\d+)", out) or 0) > 0 and
       (num(r"^\s*TIMER:\s+(\d+)", out) or 0) > 0, repr(out))
out = run("interrupts")
report("shell.interrupts", out is not None and "CPU0" in out and
       (num(r"^\s*\d+:\s+(\d+)\s+eth0-TxRx-0\s*$", out) or 0) > 0, repr(out))
out = run("meminfo")
tot, free, used = num(r"^MemTotal:\s+(\d+) kB", out), num(r"^MemFree:\s+(\d+) kB", out), \
    num(r"^MemUsed:\s+(\d+) kB", out)
report("shell.meminfo", None not in (tot, free, used) and 200 * 1024 < tot <= 256 * 1024 and
       free + used == tot, repr(out))            # QEMU's -m 256M, less what firmware keeps
out = run("uptime")
report("shell.uptime", out is not None and
       re.search(r" up \d+:\d\d:\d\d, \d+ tasks, \d+ runnable, idle [\d.]+%", out) is not None,
       repr(out))
eth = run("ethtool -S eth0")
tc = run("tc -s qdisc")
txq = num(r"^\s*tx_queue_0_packets: (\d+)", eth)
sent = num(r"dev eth0 .*\n Sent \d+ bytes (\d+) pkt", tc)
report("shell.ethtool_S_eth0", eth is not None and "NIC statistics for eth0" in eth and
       (num(r"^\s*tx_good_packets: (\d+)", eth) or 0) > 0 and
       (num(r"^\s*rx_good_packets: (\d+)", eth) or 0) > 0, repr(eth))
report("shell.tc_s_qdisc", tc is not None and sent is not None and sent > 0 and sent == txq,
       "qdisc sent %s, driver queue 0 sent %s: %r" % (sent, txq, tc))
out = run("nf")
lo, po = num(r"^nf: LOCAL_OUT\s+packets (\d+) accepted", out), num(r"^nf: POST_ROUTING packets (\d+) accepted", out)
report("shell.nf", out is not None and "no rules" in out and lo is not None and lo > 0 and lo == po,
       repr(out))
out = run("help")
report("shell.help", out is not None and all(c in out for c in (
    "ip ", "ss ", "netstat", "softirqs", "interrupts", "ethtool", "tc ", "nf ", "ping", "apps",
    "kill", "meminfo", "uptime", "trace", "reboot", "poweroff")), repr(out))

# The tracer: turn it on, make the guest send one UDP datagram (the echo of ours), show it.
run("trace clear")
run("trace on")
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.settimeout(2)
echoed = False
for _ in range(3):
    u.sendto(b"trace me", ("127.0.0.1", udp_port))
    try:
        echoed = u.recvfrom(100)[0] == b"trace me"
        break
    except socket.timeout:
        pass
run("trace off")
report("shell.udp_echo_for_trace", echoed, "no echo from udp_echo")
stations = ["sys_sendto", "sock_sendmsg", "inet_sendmsg", "udp_sendmsg", "ip_send_skb",
            "nf_hook", "nf_hook", "ip_finish_output2", "neigh_output", "dev_queue_xmit",
            "dev_hard_start_xmit", "igb_tx_map", "igb_msix_ring", "napi_schedule",
            "net_rx_action", "igb_poll", "igb_clean_tx_irq", "kfree_skb"]
report_journey("shell.trace_udp_send_stations_in_order", "shell.trace_udp_journey",
               run("trace show 20", 30) or "", stations,
               ("udp_sendmsg", "len %d" % (8 + 20 + 14 + 8)), 3000)

# A TCP send: httpd answers a request on the held connection. Its segment's journey runs
# from the system call through TCP (the original skb, linked to the clone that goes down)
# to the doorbell, back from the completion interrupt to the clone's free, and on to the
# ACK that frees the original.
run("trace clear")
run("trace on")
tcp_ok = False
if held is not None:
    try:
        got = http_get(held, b"/1k")
        tcp_ok = got is not None and len(got[1]) == 1024
    except OSError:
        pass
    # the journeys end when the host's (delayed) ACK of the page frees the originals
    tcp_ok = tcp_ok and traced_to("tcp_clean_rtx_queue")
run("trace off")
report("shell.http_page_for_trace", tcp_ok, "no page over the held connection, or no ACK of it traced")
tcp_stations = ["sys_sendto", "sock_sendmsg", "inet_sendmsg", "tcp_sendmsg", "tcp_write_xmit",
                "tcp_transmit_skb", "ip_queue_xmit", "nf_hook", "nf_hook", "ip_finish_output2",
                "neigh_output", "dev_queue_xmit", "dev_hard_start_xmit", "igb_tx_map",
                "igb_msix_ring", "napi_schedule", "net_rx_action", "igb_poll",
                "igb_clean_tx_irq", "kfree_skb", "tcp_ack", "tcp_clean_rtx_queue", "kfree_skb"]
report_journey("shell.trace_tcp_send_stations_in_order", "shell.trace_tcp_journey",
               run("trace show 20", 30) or "", tcp_stations, ("tcp_sendmsg",), 4000)

# The qdisc's own stations: an empty qdisc is bypassed (as Linux's pfifo_fast), so
# enqueue/dequeue appear only when packets queue behind the driver. A burst (the 1 MB
# page) is traced and searched for a segment that queued; none is a skip, not a pass.
run("trace clear")
run("trace on")
if held is not None:
    try:
        http_get(held, b"/1m")
        traced_to("tcp_clean_rtx_queue")
    except OSError:
        pass
run("trace off")
out = run("trace show 400", 60) or ""
queued = journey_with(out, ["tcp_transmit_skb", "dev_queue_xmit", "qdisc_enqueue",
                            "qdisc_dequeue", "dev_hard_start_xmit", "igb_tx_map",
                            "igb_clean_tx_irq", "kfree_skb"])
if queued:
    report("shell.trace_tcp_qdisc_enqueue_dequeue_in_order", True)
else:
    print("SKIP shell.trace_tcp_qdisc_enqueue_dequeue_in_order no traced segment of the 1 MB"
          " page queued in the qdisc (all bypassed it)")
if held is not None:
    held.close()

out = run("trace stats", 30)
report("shell.trace_stats", out is not None and "TDT write -> TX irq" in out and
       re.search(r"igb_tx_map \(TDT\)\s+\d+\s+\d+\s+\d+", out) is not None, repr(out))

# `trace` alone waits for the next complete journey: make one with an echo
buf = b""
s.send(b"trace\r")
armed = wait_for(rb"waiting for one packet's journey", 10)
if armed is not None:
    u.sendto(b"one more", ("127.0.0.1", udp_port))
out = wait_for(re.escape(PROMPT), 30)
out = out.decode(errors="replace") if out else ""
report("shell.trace_alone_shows_next_journey", armed is not None and "journey of" in out and
       "kfree_skb" in out, repr(out[-1500:]))

# Ctrl-C ends an endless ping with its statistics
buf = b""
s.send(b"ping 10.0.2.2\r")
second = wait_for(rb"icmp_seq=2 ", 20)
s.send(b"\x03")
out = wait_for(re.escape(PROMPT), 20)
report("shell.ctrl_c_ends_ping", second is not None and out is not None and
       re.search(rb"\d+ packets transmitted, \d+ received", out) is not None,
       repr(out))

# kill the echo app: it sleeps in recvfrom, the kill ends it with status 137
if m:
    pid = m.group(1)
    out = run("kill %s" % pid)
    ended = wait_for(rb"app udp_echo \(pid %s\): exited with status 137" % pid.encode(), 20)
    report("shell.kill_ends_app", out is not None and ended is not None, repr(out))
    out = run("kill 4242")
    report("shell.kill_unknown_pid", out is not None and "No such process" in out, repr(out))

# poweroff: QEMU must exit by itself
s.send(b"poweroff\r")
end = time.time() + 30
while not closed and time.time() < end:
    pump()
report("shell.poweroff_exits_qemu", closed, "serial still open 30 s after poweroff")
