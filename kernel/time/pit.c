/* kernel/time/pit.c - the 8254 PIT's channel 2 as a reference stopwatch for calibrating
 * the TSC. Channel 2 is the one whose gate software controls (port 0x61 bit 0) and whose
 * output it can read back (port 0x61 bit 5), so no interrupt is needed.
 * Intel 8254 datasheet: control word format, mode 0 "interrupt on terminal count". */
#include "kernel/time/tsc.h"
#include "kernel/arch/x86.h"

#define PIT_CH2      0x42
#define PIT_CMD      0x43
#define PIT_CMD_CH2_LOHI_MODE0 0xb0   /* SC=10 (ch 2), RW=11 (lo then hi), M=000, binary */
#define PORT_B       0x61             /* PC "port B": speaker/gate control, status */
#define PORTB_GATE2  0x01
#define PORTB_SPKR   0x02
#define PORTB_OUT2   0x20

/* Give up on a PIT that never reaches terminal count: whichever comes first. */
#define MAX_POLLS    20000000ul
#define MAX_CYCLES   20000000000ull   /* 2 s even at 10 GHz */

int pit_tsc_window(unsigned ms, struct pit_window *w)
{
    uint32_t latch = (uint32_t)((uint64_t)PIT_HZ * ms / 1000);
    if (latch < 2 || latch > 0xffff)
        return -1;

    unsigned long f = local_irq_save();
    uint8_t saved = inb(PORT_B);
    /* Gate high, speaker off; then load the count: in mode 0 OUT drops when the control
     * word is written and counting starts once the count is loaded with the gate high.
     * The TSC is read on both sides of the write that starts the count and of the poll
     * that sees OUT rise, so each edge is known within an interval. */
    outb(PORT_B, (saved & ~PORTB_SPKR) | PORTB_GATE2);
    outb(PIT_CMD, PIT_CMD_CH2_LOHI_MODE0);
    outb(PIT_CH2, latch & 0xff);
    uint64_t ta = rdtsc();
    outb(PIT_CH2, latch >> 8);
    uint64_t tb = rdtsc(), last_low = tb, t;
    unsigned long polls = 0;
    bool done;
    for (;;) {
        done = inb(PORT_B) & PORTB_OUT2;
        t = rdtsc();
        if (done || ++polls >= MAX_POLLS || t - ta >= MAX_CYCLES)
            break;
        last_low = t;
    }
    outb(PORT_B, saved & 0x0f & ~PORTB_SPKR);   /* only bits 3:0 are writable */
    local_irq_restore(f);

    /* OUT already high on the first poll means the countdown never started. */
    if (!done || polls == 0)
        return -1;
    /* start in [ta, tb], end in [last_low, t]: take the midpoints. */
    w->tsc_delta = (last_low + t) / 2 - (ta + tb) / 2;
    w->tsc_error = ((tb - ta) + (t - last_low)) / 2 + 1;
    w->window_ns = (uint64_t)latch * 1000000000ull / PIT_HZ;
    w->polls = polls;
    return 0;
}
