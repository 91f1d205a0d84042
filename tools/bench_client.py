#!/usr/bin/env python3
"""Host side of `make bench` (tools/bench.sh runs it inside the bench's network namespace).

  bench_client.py frames IFACE ETHERTYPE SECONDS   count frames of one EtherType received
                                                   on IFACE until SIGTERM or SECONDS
  bench_client.py udprecv ADDR PORT SECONDS        count UDP datagrams per payload size
                                                   until SIGTERM or SECONDS
  bench_client.py echo HOST PORT N WINDOW          UDP echo: N sequential round trips
                                                   (median/min RTT), then N*4 datagrams
                                                   with WINDOW in flight (rate)
  bench_client.py udpcheck HOST PORT               exit 0 when one datagram comes back
  bench_client.py tcpecho HOST PORT N SIZE         TCP echo: N sequential round trips of
                                                   SIZE bytes on one connection (NODELAY)
  bench_client.py iperf3 FILE                      the rate, bytes and sender's
                                                   retransmissions of an `iperf3 -J` report
  bench_client.py wrk FILE                         requests/s and median latency (us) of a
                                                   `wrk --latency` report
  bench_client.py qemucpu PID                      QEMU's CPU time so far, in ns: "VCPU OTHER"

Where the time goes (echo, tcpecho; QEMU_PID in the environment): around the sequential
round trips, the QEMU process's CPU time per thread (/proc/PID/task/*/schedstat, ns) is
read before and after and printed per round trip beside the wall time:
  cpu_split wall_us W vcpu_us V other_us O
V is the vCPU thread (QEMU started with -name debug-threads=on names it "CPU 0/TCG"): the
guest's instructions and the device model's work on the guest's register accesses
(a TDT write runs the igb transmit and the tap write); it sleeps while the guest halts.
O is every other QEMU thread, chiefly the main loop: tap reads, the igb model's receive
DMA and the interrupt it raises. What W has beyond V + O is outside QEMU (the host's
stack, this client) or waiting to be scheduled.

Receivers print one result line when stopped; a rate is taken between the first and
the last arrival (receipt on this host, not what the sender believes it sent). Every
loop is bounded in count and time.
"""
import signal
import socket
import statistics
import struct
import sys
import time

stop = False


def on_term(signum, frame):
    global stop
    stop = True


SO_TIMESTAMPNS = 35    # also the control message's type (SCM_TIMESTAMPNS)


def receive_until_stopped(sock, seconds, handle):
    """handle(data, t) per packet; t is the kernel's arrival time (SO_TIMESTAMPNS), so a
    rate is the wire's, not how fast this script keeps up."""
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.settimeout(0.1)
    end = time.monotonic() + seconds
    while not stop and time.monotonic() < end:
        try:
            data, anc, _, _ = sock.recvmsg(70000, socket.CMSG_SPACE(16))
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        t = time.time()
        for level, kind, raw in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(raw) >= 16:
                sec, nsec = struct.unpack("qq", raw[:16])
                t = sec + nsec / 1e9
        handle(data, t)


def big_rcvbuf(sock, size=32 << 20):
    """SO_RCVBUFFORCE passes rmem_max (we run as root in our own namespace); else the
    ordinary option, capped by the kernel."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, 33, size)     # SO_RCVBUFFORCE
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)


def rate(n, first, last):
    return (n - 1) / (last - first) if n > 1 and last > first else 0.0


def frames(iface, ethertype, seconds):
    et = int(ethertype, 0)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(et))
    big_rcvbuf(s)
    s.bind((iface, et))
    st = {"n": 0, "first": 0.0, "last": 0.0}

    def handle(data, t):
        if len(data) >= 14 and int.from_bytes(data[12:14], "big") == et:
            if st["n"] == 0:
                st["first"] = t
            st["n"] += 1
            st["last"] = t

    receive_until_stopped(s, float(seconds), handle)
    print("frames %d rate %.0f" % (st["n"], rate(st["n"], st["first"], st["last"])))


def udprecv(addr, port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    big_rcvbuf(s)
    s.bind((addr, int(port)))
    sizes = {}

    def handle(data, t):
        e = sizes.setdefault(len(data), [0, 0.0, 0.0])
        e[0] += 1
        # the sender's first datagram of each size is a warm-up sent before a pause
        if e[0] == 2:
            e[1] = t
        e[2] = t

    receive_until_stopped(s, float(seconds), handle)
    for size in sorted(sizes):
        n, first, last = sizes[size]
        print("udprecv %d %d %.0f" % (size, n, rate(n - 1, first, last)))


def qemu_cpu(pid):
    """(vcpu_ns, other_ns) of QEMU process PID, or None when it cannot be read."""
    import os
    vcpu = other = 0
    try:
        tids = os.listdir("/proc/%s/task" % pid)
    except OSError:
        return None
    for tid in tids:
        try:
            with open("/proc/%s/task/%s/comm" % (pid, tid)) as f:
                comm = f.read().strip()
            with open("/proc/%s/task/%s/schedstat" % (pid, tid)) as f:
                ns = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue            # a thread that ended meanwhile
        if comm.startswith("CPU ") and (comm.endswith("/TCG") or comm.endswith("/KVM")):
            vcpu += ns
        else:
            other += ns
    return vcpu, other


def qemucpu(pid):
    c = qemu_cpu(pid)
    if c is None:
        sys.exit("qemucpu: no process %s" % pid)
    print("%d %d" % c)


class CpuSplit:
    """QEMU's CPU time across a stretch of n round trips (QEMU_PID from the environment)."""

    def __init__(self):
        import os
        self.pid = os.environ.get("QEMU_PID", "")
        self.c0 = qemu_cpu(self.pid) if self.pid else None
        self.t0 = time.perf_counter()

    def report(self, n):
        if self.c0 is None or n <= 0:
            return
        wall = time.perf_counter() - self.t0
        c1 = qemu_cpu(self.pid)
        if c1 is None:
            return
        print("cpu_split wall_us %.1f vcpu_us %.1f other_us %.1f" % (
            wall * 1e6 / n, (c1[0] - self.c0[0]) / 1e3 / n, (c1[1] - self.c0[1]) / 1e3 / n))


def echo(host, port, n, window):
    n, window = int(n), int(window)
    dst = (host, int(port))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.connect(dst)
    s.settimeout(1.0)
    rtts, lost = [], 0
    split = CpuSplit()
    for i in range(n):
        msg = b"%08d" % i + b"x" * 56
        t0 = time.perf_counter()
        s.send(msg)
        try:
            while s.recv(2048) != msg:
                pass
            rtts.append((time.perf_counter() - t0) * 1e6)
        except socket.timeout:
            lost += 1
    split.report(len(rtts) if not lost else 0)     # a timeout's second would swamp it
    if rtts:
        print("echo_rtt median_us %.0f min_us %.0f lost %d" % (statistics.median(rtts), min(rtts), lost))
    else:
        print("echo_rtt none lost %d" % lost)
    # pipelined: keep WINDOW datagrams outstanding; a reply tops the window up
    total = n * 4
    s.settimeout(0.5)
    sent = got = 0
    t0 = time.perf_counter()
    deadline = t0 + 60
    while got < total and time.perf_counter() < deadline:
        while sent < total and sent - got < window:
            s.send(b"p" * 64)
            sent += 1
        try:
            s.recv(2048)
            got += 1
        except socket.timeout:
            # a lost datagram: let the window move on instead of waiting for it
            got_before = got
            got = min(sent, got + 1)
            lost += got - got_before
    dt = time.perf_counter() - t0
    print("echo_pps %.0f lost %d" % (got / dt if dt > 0 else 0.0, lost))


def udpcheck(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    for _ in range(5):
        s.sendto(b"alive?", (host, int(port)))
        try:
            data, peer = s.recvfrom(100)
            if data == b"alive?":
                return 0
        except socket.timeout:
            pass
    return 1


def tcpecho(host, port, n, size):
    n, size = int(n), int(size)
    s = socket.create_connection((host, int(port)), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    rtts = []
    split = CpuSplit()
    for i in range(n):
        msg = (b"%08d" % i + b"t" * size)[:size]
        t0 = time.perf_counter()
        s.sendall(msg)
        got = b""
        while len(got) < size:
            chunk = s.recv(size - len(got))
            if not chunk:
                sys.exit("tcpecho: connection closed after %d round trips" % i)
            got += chunk
        rtts.append((time.perf_counter() - t0) * 1e6)
        if got != msg:
            sys.exit("tcpecho: round trip %d came back different" % i)
    split.report(n)
    s.close()
    print("tcpecho_rtt median_us %.0f min_us %.0f n %d" % (statistics.median(rtts), min(rtts), n))


def iperf3(path):
    import json
    with open(path) as f:
        r = json.load(f)
    if "error" in r:
        sys.exit("iperf3: " + r["error"])
    end = r["end"]
    rx, tx = end["sum_received"], end["sum_sent"]
    # every interval, the omitted ones too: what the guest's counters saw
    moved = sum(i["sum"]["bytes"] for i in r.get("intervals", []))
    print("iperf3 mbit %.1f bytes %d all_bytes %d retransmits %d" % (
        rx["bits_per_second"] / 1e6, rx["bytes"], max(moved, rx["bytes"]), tx.get("retransmits", 0)))


def wrk(path):
    import re
    text = open(path).read()
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", text, re.M)
    med = re.search(r"^\s+50%\s+([0-9.]+)(us|ms|s)\s*$", text, re.M)
    errs = re.search(r"Socket errors: (.*)$", text, re.M)
    if not rps or not med:
        sys.exit("wrk: no requests/s or median in the report")
    us = float(med.group(1)) * {"us": 1, "ms": 1e3, "s": 1e6}[med.group(2)]
    print("wrk rps %.0f median_us %.0f errors %s" % (float(rps.group(1)), us,
                                                      errs.group(1).replace(" ", "") if errs else "none"))


COMMANDS = {"frames": frames, "udprecv": udprecv, "echo": echo, "udpcheck": udpcheck,
            "tcpecho": tcpecho, "iperf3": iperf3, "wrk": wrk, "qemucpu": qemucpu}


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd not in COMMANDS:
        sys.exit("bench_client: unknown command " + cmd)
    sys.exit(COMMANDS[cmd](*args))     # udpcheck's verdict is the exit status; the rest None


if __name__ == "__main__":
    main()
