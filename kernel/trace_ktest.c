/* kernel/trace_ktest.c - in-kernel tests of the tracer (test=trace): a trace point records
 * nothing while tracing is off and exactly one event per pass while on; the cost of both
 * is measured with the TSC and printed (a figure for make bench, not a pass/fail check). */
#include "kernel/ktest.h"
#include "kernel/trace.h"
#include "kernel/printk.h"
#include "kernel/arch/x86.h"

#define PASSES 1000000ull
#define PROBE_STATION (TRACE_MAX_STATIONS - 1)     /* no subsystem registers the last id */

/* cycles for PASSES passes of a loop with (on) or without (off) the point's branch taken */
static uint64_t timed_loop(bool with_point)
{
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < PASSES; i++) {
        if (with_point)
            trace_point(PROBE_STATION, NULL, 0, i);
        barrier();
    }
    return rdtsc() - t0;
}

KTEST(trace, off_records_nothing_on_records_each)
{
    bool was_on = trace_on;
    trace_enable(false);
    trace_clear();
    uint64_t empty = timed_loop(false);
    uint64_t off = timed_loop(true);
    KT_EXPECT_EQ(trace_recorded(), 0);
    trace_enable(true);
    uint64_t on = timed_loop(true);
    trace_enable(false);
    KT_EXPECT_EQ(trace_recorded(), PASSES);
    KT_EXPECT_EQ(trace_overwritten(), PASSES - TRACE_RING_SIZE);
    uint64_t off_x100 = off > empty ? (off - empty) * 100 / PASSES : 0;
    printk("trace: cost per trace point: off %llu.%02llu cycles, on %llu cycles"
           " (%llu passes, TSC)\n", (unsigned long long)(off_x100 / 100),
           (unsigned long long)(off_x100 % 100),
           (unsigned long long)((on > empty ? on - empty : 0) / PASSES),
           (unsigned long long)PASSES);
    trace_clear();
    trace_enable(was_on);
}
