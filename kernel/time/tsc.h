/* kernel/time/tsc.h - TSC arithmetic and the PIT reference the clock is calibrated with.
 * Internal to kernel/time/; everything else uses kernel/time.h. */
#ifndef WP_TIME_TSC_H
#define WP_TIME_TSC_H

#include "kernel/compiler.h"

/* --- pure arithmetic (kernel/time/tsc.c, unit-tested hosted) --- */

/* a * b / d rounded to nearest, without overflowing in between; UINT64_MAX when the
 * result does not fit or d is 0. */
uint64_t mul_div(uint64_t a, uint64_t b, uint64_t d);
/* Nanoseconds per TSC cycle as a 32.32 fixed-point factor; 0 for khz 0, which makes
 * every conversion yield 0 instead of dividing by zero. */
uint64_t tsc_calc_mult(uint64_t khz);
/* cycles * mult >> 32, through a 128-bit product: exact for any uptime. */
static inline uint64_t tsc_cycles_to_ns(uint64_t cycles, uint64_t mult)
{
    return (uint64_t)(((unsigned __int128)cycles * mult) >> 32);
}
/* Cycles that make up ns at khz (rounded up, so delays never come out short). */
uint64_t tsc_ns_to_cycles(uint64_t ns, uint64_t khz);
/* Frequency in kHz of a counter that advanced delta over window_ns. */
uint64_t freq_khz(uint64_t delta, uint64_t window_ns);
/* Median of n samples (sorts them in place); 0 when n is 0. */
uint64_t median_u64(uint64_t *v, int n);

/* Jiffies the tick added beyond one per timer interrupt: ticks made up after the host
 * stalled the guest or interrupts were held off (kernel/time/tick.c). */
uint64_t tick_jiffies_made_up(void);

/* --- PIT channel 2 as a stopwatch (kernel/time/pit.c) --- */
#define PIT_HZ 1193182u
/* One gated countdown of about ms milliseconds on channel 2, timed with the TSC.
 * tsc_error bounds how far tsc_delta may be off: the edges are only seen by polling,
 * and an emulator or SMI can stall the CPU between two polls. */
struct pit_window {
    uint64_t tsc_delta, tsc_error;
    uint64_t window_ns;           /* exact length of the countdown */
    unsigned long polls;
};
/* Returns 0, or -1 when the PIT never finished (no PIT, or it is gated off). */
int pit_tsc_window(unsigned ms, struct pit_window *w);

#endif
