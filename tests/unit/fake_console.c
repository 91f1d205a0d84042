/* tests/unit/fake_console.c - the console for hosted tests. Output: the real printk
 * (kernel/printk.c, linked with this file) formats, stamps and filters by level as it does
 * in the kernel, and its lines (and an app's writes to its console file) land on stderr.
 * Input: nothing is ever typed, so a console read finds nothing waiting. */
#include <stdio.h>
#include "kernel/console.h"
#include "kernel/errno.h"

void console_write(const char *s, size_t n) { fwrite(s, 1, n, stderr); }
bool console_rx_ready(void) { return false; }
struct wait_queue_head *console_rx_wait_queue(void) { return NULL; }
long console_read(char *buf, size_t n, bool nonblock) { return -EAGAIN; }
