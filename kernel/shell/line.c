/* kernel/shell/line.c - the line editor (see line.h). */
#include "kernel/shell/line.h"

#define CTRL(c) ((c) & 0x1f)

void line_init(struct line_editor *le, void (*echo)(const char *s, size_t n))
{
    le->len = 0;
    le->buf[0] = '\0';
    le->esc = 0;
    le->last_cr = false;
    le->echo = echo;
}

static void echo(struct line_editor *le, const char *s, size_t n)
{
    if (le->echo)
        le->echo(s, n);
}

enum line_result line_feed(struct line_editor *le, char c)
{
    bool was_cr = le->last_cr;
    le->last_cr = false;
    if (le->esc) {
        /* ESC [ params final: the final byte is 0x40-0x7e; ESC O x is three bytes */
        if (le->esc == 1)
            le->esc = (c == '[' || c == 'O') ? 2 : 0;
        else if ((unsigned char)c >= 0x40 && (unsigned char)c <= 0x7e)
            le->esc = 0;
        return LINE_MORE;
    }
    switch (c) {
    case '\r':
    case '\n':
        if (c == '\n' && was_cr)
            return LINE_MORE;            /* the LF of CR LF */
        le->last_cr = c == '\r';
        le->buf[le->len] = '\0';
        le->len = 0;
        echo(le, "\n", 1);
        return LINE_DONE;
    case '\b':
    case 0x7f:
        if (le->len) {
            le->len--;
            echo(le, "\b \b", 3);
        }
        return LINE_MORE;
    case CTRL('U'):
        while (le->len) {
            le->len--;
            echo(le, "\b \b", 3);
        }
        return LINE_MORE;
    case CTRL('C'):
        le->len = 0;
        le->buf[0] = '\0';
        echo(le, "^C\n", 3);
        return LINE_INTR;
    case 0x1b:
        le->esc = 1;
        return LINE_MORE;
    case '\t':
        c = ' ';
        break;
    default:
        if ((unsigned char)c < 0x20)
            return LINE_MORE;            /* other control bytes: no effect */
        break;
    }
    if (le->len + 1 >= LINE_MAX) {
        echo(le, "\a", 1);
        return LINE_MORE;
    }
    le->buf[le->len++] = c;
    echo(le, &c, 1);
    return LINE_MORE;
}
