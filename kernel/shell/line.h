/* kernel/shell/line.h - the serial shell's line editor: bytes in, a finished line out.
 *
 * Printable bytes are appended and echoed; backspace (BS or DEL, what terminals send)
 * removes the last one and rubs it out on the screen ("\b \b"); Ctrl-U clears the line;
 * CR, LF or CR LF ends it; Ctrl-C abandons it. Escape sequences (arrow keys and the like)
 * and other control bytes are swallowed without effect. A full line rings the bell.
 * Pure: the echo goes through a callback, so hosted tests drive it byte by byte. */
#ifndef WP_SHELL_LINE_H
#define WP_SHELL_LINE_H

#include "kernel/compiler.h"

#define LINE_MAX 256

enum line_result { LINE_MORE, LINE_DONE, LINE_INTR };

struct line_editor {
    char buf[LINE_MAX];      /* NUL-terminated when LINE_DONE */
    size_t len;
    uint8_t esc;             /* 0, or the position inside an escape sequence */
    bool last_cr;            /* swallow the LF of a CR LF pair */
    void (*echo)(const char *s, size_t n);
};

void line_init(struct line_editor *le, void (*echo)(const char *s, size_t n));
/* Feed one byte. On LINE_DONE le->buf holds the line; the next feed starts a new one. */
enum line_result line_feed(struct line_editor *le, char c);

#endif
