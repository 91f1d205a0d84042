/* tests/unit/fake_printk.c - printk for hosted tests: format with the kernel's own
 * formatter and write to stderr, so kernel sources that log can be linked into tests. */
#include <stdio.h>
#include "kernel/printk.h"

int console_loglevel = LOGLEVEL_DEFAULT;

int vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    if (fmt[0] == KERN_SOH[0] && fmt[1])
        fmt += 2;
    int n = wp_vsnprintf(buf, sizeof(buf), fmt, ap);
    fputs(buf, stderr);
    return n;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}
