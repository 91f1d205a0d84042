/* kernel/time/time_ktest.c - in-kernel tests of the clock and the tick (test=time):
 * TSC frequency against a fresh PIT measurement, ktime monotonicity, busy delays,
 * jiffies advancing at HZ by the TSC's reckoning, and ticks lost with interrupts off
 * made up. */
#include "kernel/ktest.h"
#include "kernel/time.h"
#include "kernel/time/tsc.h"
#include "kernel/irq.h"
#include "kernel/arch/x86.h"

KTEST(time, tsc_frequency_plausible_and_matches_pit)
{
    uint64_t khz = tsc_khz();
    KT_ASSERT_MSG(khz > 100000 && khz < 10000000, "TSC %llu kHz", (unsigned long long)khz);
    /* A new 20 ms PIT window must agree with the boot calibration within 0.5%, plus
     * however blurred its edges were (a busy host can stall the emulated CPU). */
    struct pit_window w;
    KT_ASSERT(pit_tsc_window(20, &w) == 0);
    uint64_t expect = tsc_ns_to_cycles(w.window_ns, khz);
    uint64_t diff = w.tsc_delta > expect ? w.tsc_delta - expect : expect - w.tsc_delta;
    KT_ASSERT_MSG(diff <= expect / 200 + w.tsc_error,
                  "boot %llu kHz, now %llu kHz (+- %llu cycles)", (unsigned long long)khz,
                  (unsigned long long)freq_khz(w.tsc_delta, w.window_ns),
                  (unsigned long long)w.tsc_error);
}

KTEST(time, ktime_monotonic_and_advancing)
{
    uint64_t first = ktime_get_ns(), prev = first;
    for (int i = 0; i < 100000; i++) {
        uint64_t now = ktime_get_ns();
        KT_ASSERT_MSG(now >= prev, "ktime went back from %llu to %llu",
                      (unsigned long long)prev, (unsigned long long)now);
        prev = now;
    }
    KT_ASSERT(prev > first);
    KT_EXPECT_EQ(tsc_to_ns(0), 0);
    /* One second's worth of cycles is one second. */
    uint64_t s = tsc_to_ns(tsc_khz() * 1000);
    KT_ASSERT_MSG(s > NSEC_PER_SEC - 1000 && s < NSEC_PER_SEC + 1000, "%llu ns",
                  (unsigned long long)s);
}

KTEST(time, mdelay_10ms)
{
    uint64_t t0 = ktime_get_ns();
    mdelay(10);
    uint64_t dt = ktime_get_ns() - t0;
    /* Never short; long only by interrupts and the host scheduling the emulator. */
    KT_ASSERT_MSG(dt >= 10 * NSEC_PER_MSEC && dt < 500 * NSEC_PER_MSEC, "mdelay(10) took %llu us",
                  (unsigned long long)(dt / 1000));
}

KTEST(time, udelay_never_short)
{
    for (int us = 1; us <= 1000; us *= 10) {
        uint64_t t0 = ktime_get_ns();
        udelay(us);
        uint64_t dt = ktime_get_ns() - t0;
        KT_ASSERT_MSG(dt >= (uint64_t)us * NSEC_PER_USEC, "udelay(%d) took %llu ns", us,
                      (unsigned long long)dt);
    }
}

KTEST(time, jiffies_advance_at_hz)
{
    local_irq_enable();
    /* Start on a tick edge so the count is not off by one partial tick. */
    uint64_t j = jiffies;
    while (jiffies == j)
        safe_halt();
    uint64_t j0 = jiffies, t0 = ktime_get_ns();
    uint64_t ticks0 = irq_count(IRQ_VECTOR_TIMER);
    while (ktime_get_ns() - t0 < 200 * NSEC_PER_MSEC)
        safe_halt();
    uint64_t dj = jiffies - j0, dt_ms = (ktime_get_ns() - t0) / NSEC_PER_MSEC;
    uint64_t expect = dt_ms * HZ / 1000;
    /* jiffies is elapsed time: ticks a busy host coalesced are made up, so the count
     * matches the TSC's reckoning within the two partial ticks at the edges. */
    KT_ASSERT_MSG(dj <= expect + 2 && dj + 2 >= expect,
                  "%llu jiffies in %llu ms at HZ=%d", (unsigned long long)dj,
                  (unsigned long long)dt_ms, HZ);
    KT_ASSERT(irq_count(IRQ_VECTOR_TIMER) - ticks0 <= dj + 1);
}

/* A stretch without ticks (interrupts held off here; a host that stalls the emulator
 * does the same to every guest) must not stretch time: the next tick makes it up. */
KTEST(time, jiffies_make_up_ticks_lost_with_interrupts_off)
{
    local_irq_enable();
    uint64_t j = jiffies;
    while (jiffies == j)
        safe_halt();
    uint64_t made0 = tick_jiffies_made_up();
    uint64_t j0 = jiffies, t0 = ktime_get_ns();
    local_irq_disable();
    while (ktime_get_ns() - t0 < 100 * NSEC_PER_MSEC)
        cpu_relax();
    local_irq_enable();
    j = jiffies;
    while (jiffies == j)              /* the first tick after: made up at once */
        safe_halt();
    uint64_t dj = jiffies - j0, dt_ms = (ktime_get_ns() - t0) / NSEC_PER_MSEC;
    KT_ASSERT_MSG(dj + 2 >= dt_ms && dj <= dt_ms + 2, "%llu jiffies in %llu ms",
                  (unsigned long long)dj, (unsigned long long)dt_ms);
    KT_ASSERT_MSG(tick_jiffies_made_up() - made0 >= 90, "%llu made up",
                  (unsigned long long)(tick_jiffies_made_up() - made0));
}
