/* apps/lib/stdio.c - printf-lite: format into a buffer, one write(2) per call, so lines
 * from different apps never interleave mid-line on the console. Integer formats only. */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <stdint.h>

static FILE in = { 0 }, out = { 1 }, err = { 2 };
FILE *stdin = &in, *stdout = &out, *stderr = &err;

struct sink { char *buf; size_t size, len; };

static void put(struct sink *s, char c)
{
    if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

static void put_str(struct sink *s, const char *p, size_t n, int width, int left)
{
    int pad = width > (int)n ? width - (int)n : 0;
    if (!left)
        while (pad-- > 0)
            put(s, ' ');
    for (size_t i = 0; i < n; i++)
        put(s, p[i]);
    if (left)
        while (pad-- > 0)
            put(s, ' ');
}

static void put_num(struct sink *s, unsigned long long v, int neg, unsigned base, int upper,
                    int width, int prec, int left, int zero, char sign)
{
    char tmp[24];
    int n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    while (n < prec && n < (int)sizeof(tmp))
        tmp[n++] = '0';
    char sg = neg ? '-' : sign;
    int len = n + (sg != 0);
    int pad = width > len ? width - len : 0;
    if (!left && !zero)
        while (pad-- > 0)
            put(s, ' ');
    if (sg)
        put(s, sg);
    if (!left && zero)
        while (pad-- > 0)
            put(s, '0');
    while (n)
        put(s, tmp[--n]);
    if (left)
        while (pad-- > 0)
            put(s, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = { buf, size, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&s, *fmt);
            continue;
        }
        fmt++;
        int left = 0, zero = 0, width = 0, prec = -1, lng = 0;
        char sign = 0;
        for (;; fmt++) {
            if (*fmt == '-') left = 1;
            else if (*fmt == '0') zero = 1;
            else if (*fmt == '+') sign = '+';
            else if (*fmt == ' ') { if (!sign) sign = ' '; }
            else break;
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    prec = prec * 10 + (*fmt++ - '0');
            }
        }
        for (;; fmt++) {
            if (*fmt == 'l') lng++;
            else if (*fmt == 'z') lng = 1;
            else if (*fmt == 'h') ;
            else break;
        }
        switch (*fmt) {
        case 'd': case 'i': {
            long long v = lng ? va_arg(ap, long) : va_arg(ap, int);   /* ll is l here */
            put_num(&s, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, v < 0,
                    10, 0, width, prec, left, zero && prec < 0, sign);
            break;
        }
        case 'u': case 'x': case 'X': case 'o': {
            unsigned long long v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            unsigned base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
            put_num(&s, v, 0, base, *fmt == 'X', width, prec, left, zero && prec < 0, 0);
            break;
        }
        case 'p':
            put(&s, '0');
            put(&s, 'x');
            put_num(&s, (uintptr_t)va_arg(ap, void *), 0, 16, 0, 0, -1, 0, 0, 0);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_str(&s, &c, 1, width, left);
            break;
        }
        case 's': {
            const char *p = va_arg(ap, const char *);
            if (!p)
                p = "(null)";
            put_str(&s, p, prec >= 0 ? strnlen(p, (size_t)prec) : strlen(p), width, left);
            break;
        }
        case '%':
            put(&s, '%');
            break;
        case 0:
            fmt--;
            break;
        default:
            put(&s, '%');
            put(&s, *fmt);
        }
    }
    if (size)
        buf[s.len < size ? s.len : size - 1] = 0;
    return (int)s.len;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

static int write_all(int fd, const char *p, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, p + done, n - done);
        if (w <= 0)
            return -1;
        done += (size_t)w;
    }
    return (int)n;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    if (n >= (int)sizeof(buf))
        n = (int)sizeof(buf) - 1;      /* long output: what fits; apps print short lines */
    return n > 0 ? write_all(f->fd, buf, (size_t)n) : n;
}

int fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(f, fmt, ap);
    va_end(ap);
    return r;
}

int vprintf(const char *fmt, va_list ap) { return vfprintf(stdout, fmt, ap); }

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return r;
}

int dprintf(int fd, const char *fmt, ...)
{
    FILE f = { fd };
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(&f, fmt, ap);
    va_end(ap);
    return r;
}

int fputs(const char *s, FILE *f) { return write_all(f->fd, s, strlen(s)); }

int puts(const char *s)
{
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "%s\n", s);
    return write_all(1, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

int putchar(int c)
{
    char ch = (char)c;
    return write_all(1, &ch, 1) < 0 ? EOF : (unsigned char)c;
}

void perror(const char *s)
{
    int e = errno;
    if (s && *s)
        fprintf(stderr, "%s: %s\n", s, strerror(e));
    else
        fprintf(stderr, "%s\n", strerror(e));
}

int fflush(FILE *f)
{
    (void)f;
    return 0;
}

int setvbuf(FILE *f, char *buf, int mode, size_t size)
{
    (void)f; (void)buf; (void)size;
    return mode == _IOFBF || mode == _IOLBF || mode == _IONBF ? 0 : -1;
}
