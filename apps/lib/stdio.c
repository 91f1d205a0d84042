/* apps/lib/stdio.c - printf-lite: format into a buffer, one write(2) per call, so lines
 * from different apps never interleave mid-line on the console. The formatter
 * (vsnprintf, snprintf) is the kernel's own, kernel/lib/vsprintf.c, built again for
 * ring 3 (the Makefile's APP_LIB_OBJS). Integer formats only. */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <stdint.h>

static FILE in = { 0 }, out = { 1 }, err = { 2 };
FILE *stdin = &in, *stdout = &out, *stderr = &err;

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
