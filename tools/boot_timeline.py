#!/usr/bin/env python3
"""tools/boot_timeline.py - where the time from QEMU start to the ready line goes.

Boots an ISO through tools/qemu.sh (the same machine as every test and the bench) and
stamps, on the host, with one clock (wall time, as QEMU's trace log uses):
  - every line of the serial console as it arrives (GRUB's and the kernel's output)
  - every line SeaBIOS writes to its debug port (isa-debugcon at 0x402; OVMF has none)
  - QEMU trace events: the CD-ROM reads (ide_atapi_cmd_read: SeaBIOS, then GRUB loading
    its modules and the kernel) and the igb's link autonegotiation (e1000x_link_*)
then prints the events in order and a per-stage summary. The kernel's own timestamps
(time since kernel entry) date its entry on the host clock: the earliest arrival minus
stamp over its lines.

A measuring tool, never a test: its figures vary with the host's load.

Usage: tools/boot_timeline.py [--iso ISO] [--firmware bios|uefi] [--cmdline WORDS]
                              [--until REGEX] [--timeout S] [--events] [--keep DIR]
"""
import argparse
import atexit
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
KSTAMP = re.compile(r"^\[\s*(\d+)\.(\d{6})\]")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iso", default=os.path.join(ROOT, "build/wirepath.iso"))
    ap.add_argument("--firmware", default="bios", choices=["bios", "uefi"])
    ap.add_argument("--cmdline", default="ip=10.0.2.15/24 gw=10.0.2.2",
                    help="kernel words (default: a static address, as make bench gives one)")
    ap.add_argument("--until", default=r"udp_echo: listening on udp port 7",
                    help="serial line that ends the run (default: udp_echo listening, as make bench)")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--events", action="store_true", help="print every event, not only the summary")
    ap.add_argument("--keep", help="directory to keep the raw logs in")
    a = ap.parse_args()

    tmp = a.keep or tempfile.mkdtemp(prefix="boot_timeline.")
    if not a.keep:
        atexit.register(shutil.rmtree, tmp, True)
    os.makedirs(tmp, exist_ok=True)
    dbg_fifo = os.path.join(tmp, "debugcon.fifo")
    trace_log = os.path.join(tmp, "trace.log")
    if os.path.exists(dbg_fifo):
        os.unlink(dbg_fifo)
    os.mkfifo(dbg_fifo)
    env = dict(os.environ, ISO=a.iso, FIRMWARE=a.firmware, SERIAL="stdio", NET="user", FWD="0",
               CMDLINE=a.cmdline)
    qargs = ["-msg", "timestamp=on", "-D", trace_log,
             "-trace", "ide_atapi_cmd_read", "-trace", "e1000x_link_negotiation_*"]
    if a.firmware == "bios":
        qargs += ["-chardev", "file,id=wpdbg,path=" + dbg_fifo,
                  "-device", "isa-debugcon,iobase=0x402,chardev=wpdbg"]
    t0 = time.time()
    p = subprocess.Popen([os.path.join(ROOT, "tools/qemu.sh")] + qargs, env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    events = []          # (host seconds since t0, source, text)
    streams = {p.stdout.fileno(): ["serial", b""]}
    if a.firmware == "bios":
        # QEMU opens the FIFO for writing at start-up; opening it for reading here
        # (non-blocking) never waits for that
        fd = os.open(dbg_fifo, os.O_RDONLY | os.O_NONBLOCK)
        streams[fd] = ["seabios", b""]
    done = False
    end = t0 + a.timeout
    until = re.compile(a.until)
    while not done and time.time() < end and p.poll() is None:
        r, _, _ = select.select(list(streams), [], [], 0.05)
        for fd in r:
            d = os.read(fd, 65536)
            now = time.time() - t0
            if not d:
                continue
            src = streams[fd]
            src[1] += d
            while b"\n" in src[1]:
                line, src[1] = src[1].split(b"\n", 1)
                text = ANSI.sub(b"", line).decode(errors="replace").strip()
                if text:
                    events.append((now, src[0], text))
                    if src[0] == "serial" and until.search(text):
                        done = True
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    if not done:
        print("boot_timeline: no line matching %r within %.0f s" % (a.until, a.timeout), file=sys.stderr)

    reads = []
    if os.path.exists(trace_log):
        for line in open(trace_log, errors="replace"):
            m = re.match(r"\d+@(\d+\.\d+):(\S+)\s*(.*)", line)
            if not m:
                continue
            t = float(m.group(1)) - t0
            if m.group(2) == "ide_atapi_cmd_read":
                lm = re.search(r"LBA=(\d+) nb_sectors=(\d+)", m.group(3))
                reads.append((t, int(lm.group(1)), int(lm.group(2))))
            else:
                events.append((t, "qemu", m.group(2)))
    # CD reads in bursts (a gap of 20 ms or more starts a new one)
    bursts = []
    for t, lba, n in reads:
        if bursts and t - bursts[-1][1] < 0.02:
            bursts[-1][1] = t
            bursts[-1][2] += 1
            bursts[-1][3] += n
        else:
            bursts.append([t, t, 1, n])
    for b in bursts:
        events.append((b[0], "cdrom", "reads %d, %d KiB, until +%.0f ms" %
                       (b[2], b[3] * 2, (b[1] - b[0]) * 1000)))
    events.sort(key=lambda e: e[0])

    # kernel entry on the host clock
    entry = None
    for t, src, text in events:
        m = KSTAMP.match(text) if src == "serial" else None
        if m:
            k = int(m.group(1)) + int(m.group(2)) / 1e6
            entry = t - k if entry is None else min(entry, t - k)

    if a.events:
        for t, src, text in events:
            print("%9.1f ms  %-7s %s" % (t * 1000, src, text[:150]))
        print()

    def first(src, pat, after=0.0):
        for t, s, text in events:
            if s == src and t >= after and re.search(pat, text):
                return t
        return None

    booting = first("serial", r"Booting .wirepath")
    before_menu = [b[1] for b in bursts if booting is not None and b[1] < booting]
    marks = [("QEMU start (tools/qemu.sh spawned)", 0.0)]
    marks.append(("SeaBIOS first output", first("seabios", ".")))
    marks.append(("SeaBIOS jumps to GRUB's boot sector", first("seabios", r"Booting from [0-9a-f]+:7c00")))
    marks.append(("GRUB: last CD read before its menu", before_menu[-1] if before_menu else None))
    marks.append(("GRUB: 'Booting' (menu done, entry runs)", booting))
    marks.append(("kernel entry (from its own stamps)", entry))
    marks.append(("kernel: TSC calibrated", first("serial", r"\] time: TSC")))
    marks.append(("kernel: tick running (LAPIC calibrated)", first("serial", r"\] tick: LAPIC")))
    marks.append(("igb: autonegotiation restarted (QEMU)", first("qemu", r"negotiation_start")))
    marks.append(("igb: link up (QEMU)", first("qemu", r"negotiation_done")))
    marks.append(("kernel: platform ready line", first("serial", r"wirepath: platform ready")))
    marks.append(("wirepath: ready ip= line", first("serial", r"wirepath: ready ip=")))
    marks.append(("end: " + a.until, first("serial", a.until)))
    print("%-46s %9s %9s" % ("stage reached", "host ms", "+ms"))
    last = None
    for name, t in marks:
        if t is None:
            print("%-46s %9s" % (name, "-"))
            continue
        print("%-46s %9.1f %9s" % (name, t * 1000, "" if last is None else "%.1f" % ((t - last) * 1000)))
        last = t
    if entry is not None:
        print("\nkernel steps (kernel stamps, ms since entry; step = time to the next line):")
        lines = [(int(m.group(1)) * 1000 + int(m.group(2)) / 1000, text)
                 for t, s, text in events if s == "serial" for m in [KSTAMP.match(text)] if m]
        for i, (k, text) in enumerate(lines):
            step = (lines[i + 1][0] - k) if i + 1 < len(lines) else 0
            if step >= 5 or re.search(r"ready|time:|tick:|igb", text):
                print("  %8.1f  +%7.1f  %s" % (k, step, text[15:110]))
    gaps = [(b[0] - bursts[i - 1][1], bursts[i - 1][1], b[0]) for i, b in enumerate(bursts) if i]
    if gaps:
        g = max(gaps)
        print("\nlongest stretch without CD reads: %.0f ms (%.0f -> %.0f ms)" % (g[0] * 1000, g[1] * 1000, g[2] * 1000))
    print("CD: %d reads, %d KiB" % (len(reads), sum(r[2] for r in reads) * 2))
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())
