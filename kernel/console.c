/* kernel/console.c - the console: a 16550 UART on COM1 and the screen
 * (kernel/console_screen.c), every byte written to both. */
#include "kernel/console.h"
#include "kernel/console_screen.h"
#include "kernel/multiboot.h"
#include "kernel/arch/x86.h"
#include "kernel/irq.h"
#include "kernel/sched.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/user/process.h"

#define COM1 0x3f8
enum { UART_DATA = 0, UART_IER = 1, UART_FCR = 2, UART_IIR = 2, UART_LCR = 3, UART_MCR = 4,
       UART_LSR = 5, UART_SCR = 7 };
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20
#define IER_RX_AVAIL   0x01
#define MCR_OUT2       0x08   /* gates the UART's interrupt line on PC hardware */

#define RXBUF_SIZE 1024
static char rxbuf[RXBUF_SIZE];
static unsigned rx_head, rx_tail;     /* head: next write (irq), tail: next read */
static uint64_t rx_bytes, rx_dropped;
static DECLARE_WAIT_QUEUE_HEAD(rx_wq);
static bool serial_present;

/* A UART answers at COM1 when its scratch register keeps what was written (16450 and
 * later; an absent port reads back 0xff). Many UEFI machines have none wired. */
static bool serial_probe(void)
{
    outb(COM1 + UART_SCR, 0x5a);
    if (inb(COM1 + UART_SCR) != 0x5a)
        return false;
    outb(COM1 + UART_SCR, 0xa5);
    return inb(COM1 + UART_SCR) == 0xa5;
}

void serial_init(void)
{
    serial_present = serial_probe();
    if (!serial_present)
        return;
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
    for (size_t i = 0; serial_present && i < n; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
    screen_write(s, n);
    local_irq_restore(f);
}

/* The loader's framebuffer tag decides; a BIOS boot without one still has the VGA text
 * buffer every PC display adapter provides at 0xb8000 (80x25). */
void console_screen_init(void)
{
    struct mb_framebuffer vga = { .present = true, .type = MB_FB_EGA_TEXT, .bpp = 16,
                                  .addr = 0xb8000, .pitch = 160, .width = 80, .height = 25 };
    const struct mb_framebuffer *fb = &boot_info.fb;
    if (!fb->present && !boot_info.efi)
        fb = &vga;
    screen_init(fb);
}

void console_screen_map(void)
{
    const struct screen_geom *g = screen_geometry();
    if (!g) {
        pr_info("console: no screen (the boot loader reported no usable framebuffer)%s\n",
                serial_present ? "; COM1 only" : "");
        return;
    }
    screen_map();
    const struct mb_framebuffer *fb = &boot_info.fb;
    if (!screen_active())
        pr_warn("console: cannot map the screen at %#llx\n", (unsigned long long)fb->addr);
    else if (g->type == MB_FB_EGA_TEXT)
        pr_info("console: VGA text %dx%d%s\n", g->cols, g->rows,
                fb->present ? "" : " (assumed: no framebuffer tag)");
    else
        pr_info("console: framebuffer %ux%u %ubpp pitch %u at %#llx, %dx%d cells of %dx%d "
                "(font %dx%d scale %d)\n", fb->width, fb->height, fb->bpp, fb->pitch,
                (unsigned long long)fb->addr, g->cols, g->rows, g->cell_w, g->cell_h,
                SCREEN_CELL_W, SCREEN_CELL_H, g->scale);
    if (!serial_present)
        pr_info("console: no UART at COM1; screen only\n");
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
    if (!serial_present)
        return;
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
