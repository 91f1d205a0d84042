/* kernel/console.c - 16550 UART console on COM1. */
#include "kernel/console.h"
#include "kernel/arch/x86.h"
#include "kernel/irq.h"
#include "kernel/sched.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/user/process.h"

#define COM1 0x3f8
enum { UART_DATA = 0, UART_IER = 1, UART_FCR = 2, UART_IIR = 2, UART_LCR = 3, UART_MCR = 4,
       UART_LSR = 5 };
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20
#define IER_RX_AVAIL   0x01
#define MCR_OUT2       0x08   /* gates the UART's interrupt line on PC hardware */

#define RXBUF_SIZE 1024
static char rxbuf[RXBUF_SIZE];
static unsigned rx_head, rx_tail;     /* head: next write (irq), tail: next read */
static uint64_t rx_bytes, rx_dropped;
static DECLARE_WAIT_QUEUE_HEAD(rx_wq);

void serial_init(void)
{
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, 0x80);          /* DLAB: divisor follows */
    outb(COM1 + 0, 1);                    /* 115200 = 115200 / 1 */
    outb(COM1 + 1, 0);
    outb(COM1 + UART_LCR, 0x03);          /* 8N1 */
    outb(COM1 + UART_FCR, 0xc7);          /* FIFO on, cleared, 14-byte trigger */
    outb(COM1 + UART_MCR, 0x03);          /* DTR, RTS */
}

static void serial_putc(char c)
{
    for (int i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & LSR_THR_EMPTY); i++)
        cpu_relax();
    outb(COM1 + UART_DATA, (uint8_t)c);
}

void console_write(const char *s, size_t n)
{
    unsigned long f = local_irq_save();
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
    local_irq_restore(f);
}

static void serial_irq(void *data __unused, struct pt_regs *regs __unused)
{
    while (inb(COM1 + UART_LSR) & LSR_DATA_READY) {
        char c = (char)inb(COM1 + UART_DATA);
        unsigned next = (rx_head + 1) % RXBUF_SIZE;
        if (next == rx_tail) {
            rx_dropped++;
            continue;
        }
        rxbuf[rx_head] = c;
        rx_head = next;
        rx_bytes++;
    }
    wake_up(&rx_wq);
}

void serial_enable_rx_irq(void)
{
    int r = request_irq(4, 0, serial_irq, NULL, "serial");
    if (r < 0) {
        pr_warn("console: no interrupt for COM1 (%d); input disabled\n", r);
        return;
    }
    outb(COM1 + UART_MCR, 0x03 | MCR_OUT2);
    outb(COM1 + UART_IER, IER_RX_AVAIL);
}

long console_read(char *buf, size_t n, bool nonblock)
{
    if (n == 0)
        return 0;
    if (nonblock && READ_ONCE(rx_head) == rx_tail)
        return -EAGAIN;
    wait_event(rx_wq, READ_ONCE(rx_head) != rx_tail || fatal_signal_pending());
    if (READ_ONCE(rx_head) == rx_tail)
        return -EINTR;
    size_t got = 0;
    unsigned long f = local_irq_save();
    while (got < n && rx_tail != rx_head) {
        buf[got++] = rxbuf[rx_tail];
        rx_tail = (rx_tail + 1) % RXBUF_SIZE;
    }
    local_irq_restore(f);
    return (long)got;
}

bool console_rx_ready(void) { return READ_ONCE(rx_head) != rx_tail; }
struct wait_queue_head *console_rx_wait_queue(void) { return &rx_wq; }

uint64_t console_rx_bytes(void) { return rx_bytes; }
uint64_t console_rx_dropped(void) { return rx_dropped; }
