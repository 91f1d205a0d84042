/* kernel/time/tick.c - the periodic tick: the boot CPU's LAPIC timer at HZ, its rate
 * measured against the (already calibrated) TSC. Each tick sets jiffies from the TSC
 * (time since the tick started, in 1/HZ units) and lets the timer wheel look for due
 * timers. jiffies is elapsed time, not a count of interrupts: ticks the host swallowed
 * while it stalled the guest (QEMU coalesces missed periods into one interrupt) or that
 * were held off with interrupts disabled are made up at the next tick, so a 30 s timer
 * means 30 s of wall time however busy the host is (Linux's tick_do_update_jiffies64).
 * Intel SDM vol. 3A, 11.5.4 "APIC Timer". */
#include "kernel/time.h"
#include "kernel/time/tsc.h"
#include "kernel/irq.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/x86.h"
#include "kernel/printk.h"

#define CAL_WINDOWS   3       /* sharp windows wanted */
#define CAL_MAX_TRIES 10
#define CAL_WINDOW_NS (2 * NSEC_PER_MSEC)

volatile uint64_t jiffies;
static uint64_t lapic_timer_rate;   /* counts per second after the divide-by-16 */
static uint32_t counts_per_tick;
/* ktime at which jiffies was 0 by the tick's reckoning: half a tick before the LAPIC
 * timer started, so each interrupt lands mid-jiffy and small latencies never make one
 * look early or late. */
static uint64_t tick_epoch_ns;
static uint64_t made_up;            /* jiffies added beyond one per interrupt */

#define NSEC_PER_TICK (NSEC_PER_SEC / HZ)

static void tick_handler(void *data __unused, struct pt_regs *regs __unused)
{
    uint64_t now = (ktime_get_ns() - tick_epoch_ns) / NSEC_PER_TICK;
    if (now > jiffies) {
        made_up += now - jiffies - 1;
        jiffies = now;
    }
    timer_tick();
}

uint64_t tick_jiffies_made_up(void) { return READ_ONCE(made_up); }

/* Let the timer count down from its maximum in one-shot mode, masked, for a TSC-timed
 * window; the counts it lost give its rate. Register accesses can stall (SMI, or an
 * emulator waiting for its device lock), so the TSC is read on both sides of the write
 * that starts the count and of the read that samples it, and a window whose edges are
 * blurred by more than 0.1% is refused when strict (returns 0). */
static uint64_t measure_lapic_rate(bool strict)
{
    uint64_t cycles = tsc_ns_to_cycles(CAL_WINDOW_NS, tsc_khz());
    lapic_write(APIC_TIMER_DCR, APIC_TIMER_DIV16);
    lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | IRQ_VECTOR_TIMER);
    uint64_t ta = rdtsc();
    lapic_write(APIC_TIMER_ICR, UINT32_MAX);
    uint64_t tb = rdtsc(), tc;
    do
        tc = rdtsc();
    while (tc - tb < cycles);
    uint32_t left = lapic_read(APIC_TIMER_CCR);
    uint64_t td = rdtsc();
    lapic_write(APIC_TIMER_ICR, 0);                 /* stop it */
    uint64_t span = (tc + td) / 2 - (ta + tb) / 2;
    uint64_t blur = ((tb - ta) + (td - tc)) / 2;
    if (strict && blur * 1000 > span)
        return 0;
    return mul_div(UINT32_MAX - left, NSEC_PER_SEC, tsc_to_ns(span));
}

void tick_init(void)
{
    if (!tsc_khz())
        panic("tick: the TSC is not calibrated (time_init first)");
    uint64_t rate[CAL_WINDOWS];
    int n = 0;
    /* a rate the CPU or hypervisor states needs no measuring */
    uint64_t stated_khz = cpuid_lapic_timer_khz();
    if (stated_khz)
        rate[n++] = stated_khz * 1000 / 16;
    unsigned long f = local_irq_save();
    for (int i = 0; i < CAL_MAX_TRIES && n < CAL_WINDOWS && !stated_khz; i++) {
        uint64_t r = measure_lapic_rate(true);
        if (r)
            rate[n++] = r;
    }
    if (n == 0)                           /* every window disturbed: take one anyway */
        rate[n++] = measure_lapic_rate(false);
    local_irq_restore(f);
    lapic_timer_rate = median_u64(rate, n);
    pr_debug("tick: %d LAPIC timer windows, %llu..%llu Hz\n", n, (unsigned long long)rate[0],
             (unsigned long long)rate[n - 1]);
    uint64_t per_tick = DIV_ROUND_UP(lapic_timer_rate, HZ);
    if (per_tick < 16 || per_tick > UINT32_MAX)
        panic("tick: implausible LAPIC timer rate %llu Hz",
              (unsigned long long)lapic_timer_rate);
    counts_per_tick = (uint32_t)per_tick;

    if (request_vector(IRQ_VECTOR_TIMER, tick_handler, NULL, "LAPIC-timer") < 0)
        panic("tick: timer vector %d is taken", IRQ_VECTOR_TIMER);
    lapic_write(APIC_TIMER_DCR, APIC_TIMER_DIV16);
    lapic_write(APIC_LVT_TIMER, APIC_TIMER_PERIODIC | IRQ_VECTOR_TIMER);
    f = local_irq_save();
    tick_epoch_ns = ktime_get_ns() - NSEC_PER_TICK / 2 - jiffies * NSEC_PER_TICK;
    lapic_write(APIC_TIMER_ICR, counts_per_tick);   /* writing the count starts it */
    local_irq_restore(f);

    printk("tick: LAPIC timer %llu.%03llu MHz (bus clock / 16, %s),"
           " %u counts per tick, HZ=%d\n",
           (unsigned long long)(lapic_timer_rate / 1000000),
           (unsigned long long)(lapic_timer_rate % 1000000 / 1000),
           stated_khz ? "stated by CPUID" : "measured against the TSC", counts_per_tick, HZ);
}
