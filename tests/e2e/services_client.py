#!/usr/bin/env python3
"""tests/e2e/services_client.py - the checks of the TCP services (apps/tcp_echo, discard,
chargen, iperf3d, httpd) from the host, against any address:port: the Linux builds on
loopback (test_services_linux.sh) or the booted ISO through QEMU's forwards
(test_services.sh). Host tools do the talking where they exist (iperf3, curl, wrk, ab);
raw sockets do what those tools cannot (half-close, resets, pipelining, slow and
oversized requests, protocol garbage).

  services_client.py SERVICE PORT [--host H] [--log FILE] [--idle S] [--stats linux|wirepath]
                     [--wrk-timeout S]
  services_client.py --list SERVICE      the check names, one a line (for reporting skips)

Prints "OK name", "FAIL name why" and "INFO name text" lines; every socket operation and
every tool run is bounded in time. --log is the server's log (its stdout, or the guest's
serial log): iperf3d checks wait on its "timed out" line instead of sleeping."""
import json
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time

CHECKS = {
    "echo": ["echo.bytes_come_back", "echo.half_close_echoes_all_then_eof",
             "echo.20_concurrent_clients", "echo.reset_client_leaves_server_serving"],
    "discard": ["discard.nothing_comes_back_eof_after_half_close",
                "discard.10_concurrent_clients"],
    "chargen": ["chargen.rfc864_pattern", "chargen.5_concurrent_clients",
                "chargen.serves_after_client_reset"],
    "iperf3": ["iperf3.plain", "iperf3.reverse", "iperf3.parallel_4", "iperf3.time_2",
               "iperf3.len_1000", "iperf3.json_server_side", "iperf3.udp_10M",
               "iperf3.udp_10M_reverse", "iperf3.garbage_params_then_serves",
               "iperf3.mid_test_disconnect_then_serves", "iperf3.stalled_handshake_busy_then_serves"],
    "http": ["http.keepalive_reuse_two_urls", "http.head_no_body", "http.404", "http.405",
             "http.body_1m", "http.stats_json", "http.pipelined_in_order", "http.400_garbage",
             "http.400_no_host", "http.413_body", "http.431_headers", "http.408_slow_client",
             "http.wrk_10s_no_errors", "http.ab"],
}

HOST = "127.0.0.1"


def out(verdict, name, why=""):
    print("%s %s %s" % (verdict, name, why), flush=True)


def check(name, fn):
    try:
        r = fn()
    except Exception as e:  # any exception is a failed check, with its reason
        out("FAIL", name, "%s: %s" % (type(e).__name__, e))
        return
    if r == "skip":
        return
    if r is True or r is None:
        out("OK", name)
    else:
        out("FAIL", name, str(r))


def concurrently(n, client, what):
    """client(i) for i in 0..n-1 on n threads at once, each joined within 60 s: True when
    every one returned True, else "K of n clients WHAT" (an exception counts as a miss)."""
    res = [False] * n

    def run(i):
        try:
            res[i] = client(i) is True
        except Exception:
            res[i] = False
    ts = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    [t.start() for t in ts]
    [t.join(60) for t in ts]
    ok = sum(1 for r in res if r)
    return True if ok == n else "%d of %d clients %s" % (ok, n, what)


def conn(port, timeout=10):
    s = socket.create_connection((HOST, port), timeout=timeout)
    s.settimeout(timeout)
    return s


def recv_all(s, limit=1 << 24):
    data = b""
    while len(data) < limit:
        b = s.recv(65536)
        if not b:
            break
        data += b
    return data


def reset_close(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


# ---------------- echo / discard / chargen ----------------

def echo_roundtrip(port, data):
    s = conn(port)
    got = bytearray()

    def reader():
        while True:
            b = s.recv(65536)
            if not b:
                return
            got.extend(b)

    t = threading.Thread(target=reader)
    t.start()
    for i in range(0, len(data), 7000):
        s.sendall(data[i:i + 7000])
    s.shutdown(socket.SHUT_WR)
    t.join(30)
    s.close()
    return bytes(got)


def echo_checks(port):
    def bytes_back():
        s = conn(port)
        for n in (1, 100, 1460, 5000):
            d = os.urandom(n)
            s.sendall(d)
            got = b""
            while len(got) < n:
                b = s.recv(65536)
                if not b:
                    return "EOF after %d of %d bytes" % (len(got), n)
                got += b
            if got != d:
                return "%d bytes came back altered" % n
        s.close()

    def half_close():
        d = os.urandom(300000)      # far more than the server's per-client buffer
        got = echo_roundtrip(port, d)
        return True if got == d else "sent %d, got %d back (equal: %s)" % (len(d), len(got), got == d[:len(got)])

    def echo_client(i):
        d = os.urandom(10000 + i)
        return echo_roundtrip(port, d) == d

    def concurrent():
        return concurrently(20, echo_client, "got their bytes back")

    def reset_then_serves():
        s = conn(port)
        s.sendall(os.urandom(50000))
        reset_close(s)          # the RST reaches the guest before the next SYN
        d = os.urandom(1000)
        return True if echo_roundtrip(port, d) == d else "no echo after a client reset"

    check("echo.bytes_come_back", bytes_back)
    check("echo.half_close_echoes_all_then_eof", half_close)
    check("echo.20_concurrent_clients", concurrent)
    check("echo.reset_client_leaves_server_serving", reset_then_serves)


def discard_checks(port):
    def one():
        s = conn(port)
        d = os.urandom(1 << 20)
        s.sendall(d)
        s.shutdown(socket.SHUT_WR)
        got = recv_all(s)
        s.close()
        return True if got == b"" else "%d bytes came back" % len(got)

    check("discard.nothing_comes_back_eof_after_half_close", one)

    def concurrent():
        return concurrently(10, lambda i: one(), "ok")

    check("discard.10_concurrent_clients", concurrent)


def chargen_expected(nlines):
    return b"".join(bytes(32 + (i + j) % 95 for j in range(72)) + b"\r\n" for i in range(nlines))


def chargen_read(port, nbytes):
    s = conn(port)
    got = recv_all(s, nbytes)
    reset_close(s)
    return got[:nbytes]


def chargen_checks(port):
    want = chargen_expected(200)     # 200 lines: the pattern wraps at 95

    def pattern():
        got = chargen_read(port, len(want))
        return True if got == want else "pattern differs (got %d bytes)" % len(got)

    def concurrent():
        return concurrently(5, lambda i: chargen_read(port, len(want)) == want, "got the pattern")

    check("chargen.rfc864_pattern", pattern)
    check("chargen.5_concurrent_clients", concurrent)
    check("chargen.serves_after_client_reset", pattern)


# ---------------- iperf3 ----------------

def iperf3(port, *args, timeout=60):
    cmd = ["iperf3", "-c", HOST, "-p", str(port), "--json"] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    try:
        j = json.loads(p.stdout)
    except ValueError:
        j = {}
    return p.returncode, j, p.stdout + p.stderr


def mbps(bits):
    return "%.1f Mbit/s" % (bits / 1e6)


def log_count(log, text):
    """How many lines of the server's log contain text (0 without a log)."""
    if not log:
        return 0
    with open(log, errors="replace") as f:
        return sum(text in line for line in f)


def log_grows(log, text, n0, timeout):
    """True once the log has more than n0 lines containing text, within timeout seconds."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        if log_count(log, text) > n0:
            return True
        time.sleep(0.1)
    return False


def iperf3_checks(port, log):
    def tcp(name, *args, streams=1, reverse=False, min_seconds=0.5):
        def f():
            rc, j, text = iperf3(port, "-t", "1", *args) if "-t" not in args else iperf3(port, *args)
            if rc != 0 or "end" not in j:
                return "exit %d: %s" % (rc, (j.get("error") or text.strip())[-200:])
            end = j["end"]
            recv, sent = end["sum_received"], end["sum_sent"]
            if len(end["streams"]) != streams:
                return "%d streams in the results, want %d" % (len(end["streams"]), streams)
            if recv["bytes"] <= 0 or sent["bytes"] <= 0:
                return "bytes sent %d received %d" % (sent["bytes"], recv["bytes"])
            if recv["seconds"] < min_seconds:
                return "receiver reports %.3f s" % recv["seconds"]
            out("INFO", name, "%s received (%s sent) in %.2f s" % (
                mbps(recv["bits_per_second"]), mbps(sent["bits_per_second"]), recv["seconds"]))
        return f

    check("iperf3.plain", tcp("iperf3.plain"))
    check("iperf3.reverse", tcp("iperf3.reverse", "-R"))
    check("iperf3.parallel_4", tcp("iperf3.parallel_4", "-P", "4", streams=4))
    check("iperf3.time_2", tcp("iperf3.time_2", "-t", "2", min_seconds=1.5))
    check("iperf3.len_1000", tcp("iperf3.len_1000", "-l", "1000"))

    def server_side():
        # the client's "receiver" side comes from the server's results (client sends),
        # and with --get-server-output the server's own text comes back
        rc, j, text = iperf3(port, "-t", "1", "--get-server-output")
        if rc != 0 or "end" not in j:
            return "exit %d: %s" % (rc, text.strip()[-200:])
        st = j["end"]["streams"][0]
        r = st["receiver"]
        if r["bytes"] <= 0 or not (0.5 <= r["seconds"] <= 30) or r["socket"] != st["sender"]["socket"]:
            return "server side of the stream: %s" % r
        if r["bytes"] > st["sender"]["bytes"]:
            return "server received %d > client sent %d" % (r["bytes"], st["sender"]["bytes"])
        if "iperf3d:" not in j.get("server_output_text", ""):
            return "no server_output_text from the server"
        rc, j, text = iperf3(port, "-t", "1", "-R")
        s = j.get("end", {}).get("streams", [{}])[0].get("sender", {})
        if rc != 0 or s.get("bytes", 0) <= 0 or s.get("seconds", 0) < 0.5:
            return "-R: server's sender side %s" % s

    check("iperf3.json_server_side", server_side)

    def udp(name, *extra):
        def f():
            rc, j, text = iperf3(port, "-u", "-b", "10M", "-t", "1", *extra)
            if rc != 0 or "end" not in j:
                return "exit %d: %s" % (rc, (j.get("error") or text.strip())[-200:])
            s = j["end"]["sum"]
            if s["packets"] <= 0 or s["bytes"] <= 0 or "jitter_ms" not in s or s["lost_percent"] > 50:
                return "udp summary %s" % s
            out("INFO", name, "%s, %d packets, %d lost, jitter %.3f ms" % (
                mbps(s["bits_per_second"]), s["packets"], s["lost_packets"], s["jitter_ms"]))
        return f

    check("iperf3.udp_10M", udp("iperf3.udp_10M"))
    check("iperf3.udp_10M_reverse", udp("iperf3.udp_10M_reverse", "-R"))

    def serves_next():
        rc, j, text = iperf3(port, "-t", "1")
        return True if rc == 0 and j.get("end", {}).get("sum_received", {}).get("bytes", 0) > 0 \
            else "the next client failed: exit %d %s" % (rc, text.strip()[-200:])

    cookie = b"abcdefghijklmnopqrstuvwxyz234567abcd\0"

    def garbage():
        s = conn(port)
        s.sendall(cookie)
        if s.recv(1) != b"\x09":
            return "no PARAM_EXCHANGE"
        s.sendall(struct.pack(">I", 20) + b"{this is not json!!}")
        reply = recv_all(s, 64)
        s.close()
        if not reply or reply[0] != 0xfe:
            return "garbage parameters drew %r, not SERVER_ERROR" % reply
        return serves_next()

    check("iperf3.garbage_params_then_serves", garbage)

    def mid_test():
        s = conn(port)
        s.sendall(cookie)
        if s.recv(1) != b"\x09":
            return "no PARAM_EXCHANGE"
        p = json.dumps({"tcp": True, "omit": 0, "time": 5, "parallel": 1, "len": 8192}).encode()
        s.sendall(struct.pack(">I", len(p)) + p)
        if s.recv(1) != b"\x0a":
            return "no CREATE_STREAMS"
        d = conn(port)
        d.sendall(cookie)
        st = b""
        while len(st) < 2:
            b = s.recv(2 - len(st))
            if not b:
                return "control closed before TEST_RUNNING"
            st += b
        if st != b"\x01\x02":
            return "got %r, not TEST_START TEST_RUNNING" % st
        d.sendall(os.urandom(100000))
        aborted = log_count(log, "aborted")
        reset_close(d)
        reset_close(s)
        # the next client comes once the server has given the dropped test up
        if log and not log_grows(log, "aborted", aborted, 20):
            return "no new 'aborted' line in %s within 20 s" % log
        return serves_next()

    check("iperf3.mid_test_disconnect_then_serves", mid_test)

    def stalled():
        s = conn(port)
        s.sendall(cookie[:10])          # and then nothing
        # the server accepts in queue order, so this connection is the test and the next busy
        rc, j, text = iperf3(port, "-t", "1")
        # iperf3 --json reports the refusal in "error" (its exit status is not reliable here)
        if "busy" not in j.get("error", ""):
            return "a second client during the stalled handshake: exit %d %s" % (rc, text.strip()[-120:])
        # the server gives up on the stalled client at its step deadline
        t0 = time.time()
        while time.time() - t0 < 30:
            if log and "timed out" in open(log, errors="replace").read():
                break
            time.sleep(0.2)
        else:
            return "no 'timed out' line in %s within 30 s" % log
        s.close()
        return serves_next()

    check("iperf3.stalled_handshake_busy_then_serves", stalled)


# ---------------- http ----------------

def read_response(s, buf, head_only=False):
    """one HTTP response from socket s; buf holds bytes already read. Returns
    (status, headers, body, rest)."""
    while b"\r\n\r\n" not in buf:
        b = s.recv(65536)
        if not b:
            raise EOFError("connection closed inside a response head (%r)" % buf[:80])
        buf += b
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for l in lines[1:]:
        k, v = l.split(":", 1)
        hdrs[k.strip().lower()] = v.strip()
    n = 0 if head_only else int(hdrs.get("content-length", "0"))
    while len(rest) < n:
        b = s.recv(65536)
        if not b:
            raise EOFError("body cut at %d of %d" % (len(rest), n))
        rest += b
    return status, hdrs, rest[:n], rest[n:]


def curl(*args, timeout=30):
    p = subprocess.run(["curl", "-sS", "--max-time", str(timeout)] + list(args),
                       capture_output=True, timeout=timeout + 5)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def http_checks(port, idle, stats, wrk_timeout):
    base = "http://%s:%d" % (HOST, port)

    def keepalive():
        rc, o, e = curl("-v", "--http1.1", "-o", "/dev/null", "-o", "/dev/null", base + "/", base + "/1k")
        if rc != 0:
            return "curl exit %d %s" % (rc, e[-200:])
        if "Re-using existing connection" not in e and "Reusing existing connection" not in e:
            return "curl opened a second connection"
        if e.count("< HTTP/1.1 200") != 2:
            return "not two 200 responses"

    def head():
        s = conn(port)
        s.sendall(b"HEAD /1m HTTP/1.1\r\nHost: x\r\n\r\nGET /1k HTTP/1.1\r\nHost: x\r\n\r\n")
        st, h, body, rest = read_response(s, b"", head_only=True)
        if st != 200 or h.get("content-length") != "1048576":
            return "HEAD: %d %s" % (st, h)
        st2, h2, body2, rest2 = read_response(s, rest)   # the GET right after the head
        s.close()
        return True if st2 == 200 and len(body2) == 1024 else "after HEAD: %d, %d bytes" % (st2, len(body2))

    def code(path, want, *args):
        def f():
            rc, o, e = curl("-o", "/dev/null", "-w", "%{http_code}", *args, base + path)
            return True if o.decode() == str(want) else "got %s (%s)" % (o.decode(), e.strip()[-100:])
        return f

    def body_1m():
        rc, o, e = curl(base + "/1m")
        return True if rc == 0 and len(o) == 1048576 else "exit %d, %d bytes" % (rc, len(o))

    def stats_json():
        rc, o, e = curl("-i", base + "/stats")
        head, _, body = o.partition(b"\r\n\r\n")
        status = int(head.split()[1]) if head else 0
        if stats == "wirepath":
            if status != 200:
                return "status %d" % status
            j = json.loads(body)
            missing = [k for k in ("softirqs", "interrupts", "skb", "sockets", "devices", "ip", "udp") if k not in j]
            return True if not missing else "sections missing: %s" % missing
        # Linux: its SNMP MIB as JSON, or an honest 501
        if status == 200:
            j = json.loads(body)
            return True if "Ip" in j and "Udp" in j else "no Ip/Udp in %s" % list(j)[:8]
        return True if status == 501 else "status %d" % status

    def pipelined():
        s = conn(port)
        s.sendall(b"GET /1k HTTP/1.1\r\nHost: x\r\n\r\nHEAD / HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /100k HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        want = [(200, 1024, False), (200, 0, True), (404, None, False), (200, 102400, False),
                (405, None, False), (200, None, False)]
        rest = b""
        for i, (ws, wl, ho) in enumerate(want):
            st, h, body, rest = read_response(s, rest, head_only=ho)
            if st != ws or (wl is not None and len(body) != wl):
                return "response %d: %d with %d bytes, want %d" % (i + 1, st, len(body), ws)
        s.close()

    def raw_status(data, expect_close=True, wait=None):
        s = conn(port, timeout=(wait or 10) + 10)
        s.sendall(data)
        st, h, body, rest = read_response(s, b"")
        closed = h.get("connection") == "close"
        if expect_close:
            tail = recv_all(s, 1 << 16)
            closed = closed and tail == b""
        s.close()
        return st, closed

    def status_is(data, want):
        def f():
            st, closed = raw_status(data)
            return True if st == want and closed else "got %d (closed: %s)" % (st, closed)
        return f

    def slow():
        s = conn(port, timeout=idle + 15)
        t0 = time.time()
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")     # never finished
        st, h, body, rest = read_response(s, b"")
        took = time.time() - t0
        tail = recv_all(s)
        s.close()
        if st != 408 or tail != b"":
            return "got %d, then %d more bytes" % (st, len(tail))
        out("INFO", "http.408_slow_client", "408 after %.1f s (idle limit %d s)" % (took, idle))

    def wrk():
        p = subprocess.run(["wrk", "-t", "2", "-c", "16", "-d", "10s", "--timeout", "%ds" % wrk_timeout,
                            base + "/1k"],
                           capture_output=True, text=True, timeout=60)
        m = re.search(r"(\d+) requests in", p.stdout)
        rps = re.search(r"Requests/sec:\s+([\d.]+)", p.stdout)
        if p.returncode != 0 or not m or int(m.group(1)) == 0:
            return "wrk exit %d: %s" % (p.returncode, p.stdout[-300:])
        if "Non-2xx" in p.stdout or "Socket errors" in p.stdout:
            return "errors: %s" % p.stdout[-300:]
        out("INFO", "http.wrk_10s_no_errors", "%s requests, %s req/s (10 s, 16 connections, /1k)" % (m.group(1), rps.group(1)))

    def ab():
        p = subprocess.run(["ab", "-q", "-n", "1000", "-c", "8", "-k", "-s", "10", base + "/1k"],
                           capture_output=True, text=True, timeout=60)
        done = re.search(r"Complete requests:\s+(\d+)", p.stdout)
        failed = re.search(r"Failed requests:\s+(\d+)", p.stdout)
        rps = re.search(r"Requests per second:\s+([\d.]+)", p.stdout)
        if p.returncode != 0 or not done or done.group(1) != "1000" or failed.group(1) != "0" \
                or "Non-2xx" in p.stdout:
            return "ab exit %d: %s" % (p.returncode, (p.stdout + p.stderr)[-300:])
        out("INFO", "http.ab", "1000 requests, %s req/s (8 concurrent, keep-alive, /1k)" % rps.group(1))

    check("http.keepalive_reuse_two_urls", keepalive)
    check("http.head_no_body", head)
    check("http.404", code("/nope", 404))
    check("http.405", code("/", 405, "-X", "DELETE"))
    check("http.body_1m", body_1m)
    check("http.stats_json", stats_json)
    check("http.pipelined_in_order", pipelined)
    check("http.400_garbage", status_is(b"\x01\x02garbage\r\n\r\n", 400))
    check("http.400_no_host", status_is(b"GET / HTTP/1.1\r\n\r\n", 400))
    check("http.413_body", status_is(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n", 413))
    check("http.431_headers", status_is(b"GET / HTTP/1.1\r\nHost: x\r\n" +
                                        b"X-Filler: " + b"a" * 9000 + b"\r\n\r\n", 431))
    check("http.408_slow_client", slow)
    check("http.wrk_10s_no_errors", wrk)
    check("http.ab", ab)


def main():
    global HOST
    a = sys.argv[1:]
    if a[:1] == ["--list"]:
        print("\n".join(CHECKS[a[1]]))
        return
    svc, port = a[0], int(a[1])
    opts = dict(zip(a[2::2], a[3::2]))
    HOST = opts.get("--host", HOST)
    if svc == "echo":
        echo_checks(port)
    elif svc == "discard":
        discard_checks(port)
    elif svc == "chargen":
        chargen_checks(port)
    elif svc == "iperf3":
        iperf3_checks(port, opts.get("--log"))
    elif svc == "http":
        http_checks(port, int(opts.get("--idle", "10")), opts.get("--stats", "linux"),
                    int(opts.get("--wrk-timeout", "5")))
    else:
        sys.exit("unknown service " + svc)


if __name__ == "__main__":
    main()
