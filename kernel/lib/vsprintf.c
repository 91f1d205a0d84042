/* kernel/lib/vsprintf.c - the one printf formatter (pure: no I/O, hosted-testable). */
#include "kernel/printk.h"
#include "kernel/lib/string.h"

struct out {
    char *buf;
    size_t size;
    size_t len;  /* would-be length, like C99 snprintf */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

static void emit_number(struct out *o, uint64_t v, bool neg, unsigned base, bool upper,
                        int flags, int width, int prec)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (prec == 0 && n == 1 && tmp[0] == '0')
        n = 0;  /* "%.0d" of 0 prints nothing */
    char sign = neg ? '-' : (flags & F_PLUS) ? '+' : (flags & F_SPACE) ? ' ' : 0;
    const char *prefix = (flags & F_ALT) && base == 16 ? (upper ? "0X" : "0x") : "";
    int plen = (int)strlen(prefix);
    int zeros = prec > n ? prec - n : 0;
    int total = n + zeros + (sign ? 1 : 0) + plen;
    if ((flags & F_ZERO) && !(flags & F_LEFT) && prec < 0 && width > total) {
        zeros += width - total;
        total = width;
    }
    if (!(flags & F_LEFT))
        pad(o, ' ', width - total);
    if (sign)
        put(o, sign);
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    pad(o, '0', zeros);
    while (n)
        put(o, tmp[--n]);
    if (flags & F_LEFT)
        pad(o, ' ', width - total);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    va_list args;
    va_copy(args, ap);

    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        int flags = 0, width = 0, prec = -1, lmod = 0;
        for (;; p++) {
            char c = p[1];
            if (c == '-') flags |= F_LEFT;
            else if (c == '0') flags |= F_ZERO;
            else if (c == '+') flags |= F_PLUS;
            else if (c == ' ') flags |= F_SPACE;
            else if (c == '#') flags |= F_ALT;
            else break;
        }
        p++;
        if (*p == '*') {
            width = va_arg(args, int);
            if (width < 0) {
                flags |= F_LEFT;
                width = -width;
            }
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                width = width * 10 + (*p++ - '0');
        }
        if (*p == '.') {
            p++;
            prec = 0;
            if (*p == '*') {
                prec = va_arg(args, int);
                if (prec < 0)
                    prec = -1;
                p++;
            } else {
                while (*p >= '0' && *p <= '9')
                    prec = prec * 10 + (*p++ - '0');
            }
        }
        /* lmod: -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t */
        if (*p == 'h') { lmod = -1; p++; if (*p == 'h') { lmod = -2; p++; } }
        else if (*p == 'l') { lmod = 1; p++; if (*p == 'l') { lmod = 2; p++; } }
        else if (*p == 'z') { lmod = 3; p++; }

        char conv = *p;
        if (!conv)
            break;
        switch (conv) {
        case 'd':
        case 'i': {
            int64_t v;
            if (lmod == 1) v = va_arg(args, long);
            else if (lmod == 2) v = va_arg(args, long long);
            else if (lmod == 3) v = (int64_t)va_arg(args, size_t);
            else v = va_arg(args, int);
            if (lmod == -1) v = (short)v;
            if (lmod == -2) v = (signed char)v;
            uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
            emit_number(&o, u, v < 0, 10, false, flags, width, prec);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v;
            if (lmod == 1) v = va_arg(args, unsigned long);
            else if (lmod == 2) v = va_arg(args, unsigned long long);
            else if (lmod == 3) v = va_arg(args, size_t);
            else v = va_arg(args, unsigned int);
            if (lmod == -1) v = (unsigned short)v;
            if (lmod == -2) v = (unsigned char)v;
            unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
            emit_number(&o, v, false, base, conv == 'X', flags & ~(F_PLUS | F_SPACE), width, prec);
            break;
        }
        case 'p':
            emit_number(&o, (uintptr_t)va_arg(args, void *), false, 16, false,
                        F_ALT | F_ZERO, 18, -1);
            break;
        case 'c':
            if (!(flags & F_LEFT)) pad(&o, ' ', width - 1);
            put(&o, (char)va_arg(args, int));
            if (flags & F_LEFT) pad(&o, ' ', width - 1);
            break;
        case 's': {
            const char *s = va_arg(args, const char *);
            if (!s)
                s = "(null)";
            int n = (int)(prec >= 0 ? strnlen(s, prec) : strlen(s));
            if (!(flags & F_LEFT)) pad(&o, ' ', width - n);
            for (int i = 0; i < n; i++)
                put(&o, s[i]);
            if (flags & F_LEFT) pad(&o, ' ', width - n);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:  /* unknown conversion: print it verbatim so the mistake is visible */
            put(&o, '%');
            put(&o, conv);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    va_end(args);
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
