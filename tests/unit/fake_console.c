/* tests/unit/fake_console.c - the console's output end for hosted tests: the real printk
 * (kernel/printk.c, linked with this file) formats, stamps and filters by level as it
 * does in the kernel, and its lines land on stderr. */
#include <stdio.h>
#include "kernel/console.h"

void console_write(const char *s, size_t n) { fwrite(s, 1, n, stderr); }
