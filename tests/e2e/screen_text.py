#!/usr/bin/env python3
"""Read the text a person sees on the guest's screen, from what QEMU shows.

  screen_text.py ppm SCREENDUMP.ppm SERIAL_LOG   framebuffer console: every character cell
      of the screendump is matched pixel for pixel against the kernel's own font
      (kernel/console_font.c), at the geometry the kernel printed on its serial console
      ("console: framebuffer ... NxM cells of WxH (font 6x10 scale S)"); a cell that
      matches no glyph prints as '?'.
  screen_text.py vga MEMDUMP.bin COLS ROWS       VGA text mode: the character bytes of the
      text buffer (QEMU's pmemsave of 0xb8000), which is what the VGA displays.
Prints the screen's rows, trailing blanks removed."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_font():
    src = open(os.path.join(ROOT, "kernel/console_font.c")).read()
    rows = re.findall(r"/\* '(.)' \*/ \{([^}]*)\}", src)
    font = {}
    for ch, body in rows:
        font[ch] = [int(x, 16) for x in body.split(",")]
    if len(font) != 0x7F - 0x20:
        sys.exit("screen_text: font table has %d glyphs, expected 95" % len(font))
    return font


def read_ppm(path):
    data = open(path, "rb").read()
    # P6 header: magic, width, height, maxval, each separated by whitespace
    parts = data.split(maxsplit=4)
    if parts[0] != b"P6":
        sys.exit("screen_text: %s is not a binary PPM" % path)
    w, h, maxval = int(parts[1]), int(parts[2]), int(parts[3])
    if maxval != 255:
        sys.exit("screen_text: unsupported PPM maxval %d" % maxval)
    pixels = data[len(data) - w * h * 3:]
    return w, h, pixels


def geometry(serial_log):
    text = open(serial_log, "rb").read().decode("latin-1")
    m = re.search(r"console: framebuffer (\d+)x(\d+) \d+bpp .*?, (\d+)x(\d+) cells of (\d+)x(\d+) "
                  r"\(font (\d+)x(\d+) scale (\d+)\)", text)
    if not m:
        sys.exit("screen_text: no 'console: framebuffer' line in %s" % serial_log)
    g = [int(x) for x in m.groups()]
    return dict(width=g[0], height=g[1], cols=g[2], rows=g[3], cell_w=g[4], cell_h=g[5],
                font_w=g[6], font_h=g[7], scale=g[8])


def cell_pattern(glyph, g):
    """The on/off pattern of a cell as the kernel draws it (kernel/console_screen.c)."""
    s = g["scale"]
    out = []
    for y in range(g["cell_h"]):
        gy = y // s - 1
        bits = glyph[gy] if 0 <= gy < len(glyph) else 0
        for x in range(g["cell_w"]):
            gx = x // s
            out.append(1 if gx < 5 and bits & (0x10 >> gx) else 0)
    return tuple(out)


def ppm_text(ppm, serial_log):
    g = geometry(serial_log)
    w, h, px = read_ppm(ppm)
    if (w, h) != (g["width"], g["height"]):
        sys.exit("screen_text: screendump is %dx%d, the kernel drew on %dx%d"
                 % (w, h, g["width"], g["height"]))
    patterns = {cell_pattern(glyph, g): ch for ch, glyph in load_font().items()}
    lines = []
    for row in range(g["rows"]):
        chars = []
        for col in range(g["cols"]):
            bits = []
            for y in range(g["cell_h"]):
                base = ((row * g["cell_h"] + y) * w + col * g["cell_w"]) * 3
                for x in range(g["cell_w"]):
                    r, gg, b = px[base + 3 * x], px[base + 3 * x + 1], px[base + 3 * x + 2]
                    bits.append(1 if r + gg + b > 3 * 96 else 0)
            chars.append(patterns.get(tuple(bits), "?"))
        lines.append("".join(chars).rstrip())
    return lines


def vga_text(dump, cols, rows):
    data = open(dump, "rb").read()
    lines = []
    for r in range(rows):
        cells = data[r * cols * 2:(r + 1) * cols * 2:2]
        lines.append(bytes(c if 0x20 <= c < 0x7F else 0x3F for c in cells).decode().rstrip())
    return lines


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "ppm":
        lines = ppm_text(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "vga":
        lines = vga_text(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(__doc__)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
