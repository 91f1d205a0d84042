#!/usr/bin/env python3
"""UDP echo (RFC 862, port 7) checks for the e2e tests.

    udp_echo_check.py HOST TRIES TIMEOUT_S PREFIX SIZE...

sends a random datagram of each SIZE to HOST:7 until it comes back intact (at most TRIES
sends, waiting TIMEOUT_S for each) and prints one line per size: "OK PREFIX_SIZE" or
"FAIL PREFIX_SIZE no intact echo in TRIES tries". Other tests import echo()."""
import os
import socket
import sys


def echo(s, host, data, tries):
    """True once data comes back from host:7 unchanged; False after `tries` sends."""
    for _ in range(tries):
        s.sendto(data, (host, 7))
        try:
            while True:
                got, peer = s.recvfrom(70000)
                if got == data and peer == (host, 7):
                    return True
        except socket.timeout:
            continue
    return False


def main():
    host, tries, timeout, prefix = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.settimeout(timeout)
    for n in map(int, sys.argv[5:]):
        if echo(s, host, os.urandom(n), tries):
            print("OK %s_%d" % (prefix, n), flush=True)
        else:
            print("FAIL %s_%d no intact echo in %d tries" % (prefix, n, tries), flush=True)


if __name__ == "__main__":
    main()
