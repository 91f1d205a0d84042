#!/usr/bin/env python3
"""One QMP command to a QEMU started with QMP=SOCKET (tools/qemu.sh).

  qmp.py SOCKET screendump FILE          the display as a PPM file
  qmp.py SOCKET pmemsave ADDR SIZE FILE  guest physical memory to a file
Waits up to 10 s for the socket; exits non-zero when QEMU reports an error."""
import json
import os
import socket
import sys
import time


def connect(path):
    end = time.time() + 10
    while True:
        try:
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(10)
            s.connect(path)
            return s
        except OSError:
            if time.time() > end:
                raise
            time.sleep(0.2)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sock, cmd = sys.argv[1], sys.argv[2]
    if cmd == "screendump" and len(sys.argv) == 4:
        args = {"filename": os.path.abspath(sys.argv[3])}
    elif cmd == "pmemsave" and len(sys.argv) == 6:
        args = {"val": int(sys.argv[3], 0), "size": int(sys.argv[4], 0),
                "filename": os.path.abspath(sys.argv[5])}
    else:
        sys.exit(__doc__)
    f = connect(sock).makefile("rw")
    json.loads(f.readline())                     # greeting
    for c, a in (("qmp_capabilities", None), (cmd, args)):
        msg = {"execute": c}
        if a:
            msg["arguments"] = a
        f.write(json.dumps(msg) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "error" in r:
                sys.exit("qmp: %s: %s" % (c, r["error"].get("desc")))
            if "return" in r:
                break


if __name__ == "__main__":
    main()
