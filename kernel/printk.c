/* kernel/printk.c - leveled, timestamped console output. */
#include "kernel/printk.h"
#include "kernel/console.h"
#include "kernel/time.h"
#include "kernel/lib/string.h"

int console_loglevel = LOGLEVEL_DEFAULT;
static bool line_start = true;
/* While a shell command prints, its lines are the command's output, not log messages:
 * no timestamp, and no level filter for lines that carry no level. */
static bool plain;

void printk_set_plain(bool on) { plain = on; }

int vprintk(const char *fmt, va_list ap)
{
    int level = LOGLEVEL_DEFAULT;
    bool has_level = false;
    if (fmt[0] == KERN_SOH[0] && fmt[1] >= '0' && fmt[1] <= '7') {
        level = fmt[1] - '0';
        fmt += 2;
        has_level = true;
    }
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    if (n >= (int)sizeof(buf))
        n = sizeof(buf) - 1;
    if (level > console_loglevel && !(plain && !has_level))
        return n;
    if (line_start && !plain) {
        char ts[32];
        uint64_t ns = ktime_get_ns();
        int tn = snprintf(ts, sizeof(ts), "[%5llu.%06llu] ", (unsigned long long)(ns / NSEC_PER_SEC),
                          (unsigned long long)(ns % NSEC_PER_SEC / 1000));
        console_write(ts, tn);
    }
    console_write(buf, n);
    line_start = n > 0 && buf[n - 1] == '\n';
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
