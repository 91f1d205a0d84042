/* kernel/console.h - the console: a 16550 UART on COM1 (115200 8N1) and the screen
 * (kernel/console_screen.h), output mirrored to both. A machine without a UART at COM1
 * is not an error: output goes to the screen only (and input never arrives).
 * Output is polled (works from any context, even in panic); input arrives by interrupt
 * into a ring buffer that readers sleep on. */
#ifndef WP_CONSOLE_H
#define WP_CONSOLE_H

#include "kernel/compiler.h"

void serial_init(void);              /* early: output only */
void serial_enable_rx_irq(void);     /* after interrupts_init: RX interrupt on */
void console_screen_init(void);      /* early: screen geometry (text kept until mapped) */
void console_screen_map(void);       /* after mm_init: map the screen, draw, report */
void console_write(const char *s, size_t n);
/* Read up to n bytes of console input; blocks until at least one byte (nonblock: -EAGAIN). */
long console_read(char *buf, size_t n, bool nonblock);
/* Input waiting (poll), and the queue woken when some arrives. */
bool console_rx_ready(void);
struct wait_queue_head *console_rx_wait_queue(void);
/* Bytes received, and bytes dropped because the buffer was full. */
uint64_t console_rx_bytes(void);
uint64_t console_rx_dropped(void);

#endif
