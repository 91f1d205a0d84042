/* tests/unit/test_trace.c - the trace ring (order, wrap, clear, the off switch) and the
 * grouping of events into per-packet journeys, hosted. */
// SOURCES: kernel/trace.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_clock.c
#define WP_TRACE_HOSTED 1
#include "tests/unit/unit.h"
#include "kernel/trace.h"
#include "kernel/errno.h"

enum { S_SYS, S_SOCK, S_IP, S_XMIT, S_IRQ, S_CLEAN, S_FREE, S_XMIT_CLONE, S_N };
static const struct trace_station tab[S_N] = {
    [S_SYS] = { "sys", 0, TRACE_F_START }, [S_SOCK] = { "sock", 1, 0 },
    [S_IP] = { "ip", 2, 0 }, [S_XMIT] = { "xmit", 3, 0 }, [S_IRQ] = { "irq", 0, 0 },
    [S_CLEAN] = { "clean", 1, 0 }, [S_FREE] = { "free", 2, TRACE_F_END },
    [S_XMIT_CLONE] = { "clone", 2, TRACE_F_LINK },
};

static void setup(void)
{
    static bool registered;
    if (!registered) {
        CHECK_EQ(trace_register_stations(0, tab, S_N), 0);
        registered = true;
    }
    trace_clear();
    trace_enable(true);
}

static struct trace_event ev[TRACE_RING_SIZE];
static int jid[TRACE_RING_SIZE];
static struct trace_journey j[64];

TEST(register_rejects_duplicates_and_overflow)
{
    setup();
    CHECK_EQ(trace_register_stations(0, tab, 1), -EINVAL);
    CHECK_EQ(trace_register_stations(TRACE_MAX_STATIONS - 1, tab, 2), -EINVAL);
    CHECK(trace_station_get(S_IP) && !strcmp(trace_station_get(S_IP)->name, "ip"));
    CHECK(trace_station_get(TRACE_MAX_STATIONS - 1) == NULL);
}

TEST(off_records_nothing)
{
    setup();
    trace_enable(false);
    int x;
    trace_point(S_IP, &x, 10, 0);
    CHECK_EQ(trace_recorded(), 0);
    trace_enable(true);
    trace_point(S_IP, &x, 10, 7);
    CHECK_EQ(trace_recorded(), 1);
    CHECK_EQ(trace_snapshot(ev, 10), 1);
    CHECK(ev[0].obj == &x && ev[0].len == 10 && ev[0].arg == 7 && ev[0].station == S_IP);
}

TEST(ring_keeps_newest_in_order_when_wrapping)
{
    setup();
    for (uint64_t i = 0; i < TRACE_RING_SIZE + 100; i++)
        trace_point(S_IP, NULL, 0, i);
    CHECK_EQ(trace_recorded(), TRACE_RING_SIZE + 100);
    CHECK_EQ(trace_overwritten(), 100);
    size_t n = trace_snapshot(ev, TRACE_RING_SIZE);
    CHECK_EQ(n, TRACE_RING_SIZE);
    CHECK_EQ(ev[0].arg, 100);
    CHECK_EQ(ev[n - 1].arg, TRACE_RING_SIZE + 99);
    bool ordered = true;
    for (size_t i = 1; i < n; i++)
        ordered &= ev[i].tsc >= ev[i - 1].tsc && ev[i].arg == ev[i - 1].arg + 1;
    CHECK(ordered);
    CHECK_EQ(trace_snapshot(ev, 5), 5);         /* a short copy takes the newest */
    CHECK_EQ(ev[4].arg, TRACE_RING_SIZE + 99);
    trace_clear();
    CHECK_EQ(trace_snapshot(ev, 10), 0);
}

TEST(journeys_group_by_packet_with_held_context)
{
    setup();
    int a, b, rx;
    /* send of a: syscall and socket events before the packet exists */
    trace_point(S_SYS, NULL, 100, 3);
    trace_point(S_SOCK, NULL, 100, 0);
    trace_point(S_IP, &a, 128, 0);
    trace_point(S_XMIT, &a, 142, 5);
    /* a failed send leaves held events that the next send's START drops */
    trace_point(S_SYS, NULL, 1, 3);
    trace_point(S_SYS, NULL, 50, 3);
    trace_point(S_IP, &b, 78, 0);
    trace_point(S_XMIT, &b, 92, 6);
    /* a received frame freed: no journey; the completion interrupt goes to a */
    trace_point(S_IRQ, NULL, 0, 49);
    trace_point(S_FREE, &rx, 60, 0);
    trace_point(S_CLEAN, &a, 142, 4);
    trace_point(S_FREE, &a, 142, 0);
    size_t n = trace_snapshot(ev, TRACE_RING_SIZE);
    size_t nj = trace_journeys(ev, n, jid, j, 64);
    CHECK_EQ(nj, 2);
    CHECK(j[0].obj == &a && j[0].len == 128 && j[0].complete && j[0].nevents == 7);
    CHECK(j[1].obj == &b && !j[1].complete && j[1].nevents == 3);
    int want[] = { 0, 0, 0, 0, -1, 1, 1, 1, 0, -1, 0, 0 };
    CHECK_EQ(n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < n && i < sizeof(want) / sizeof(want[0]); i++)
        CHECK_EQ(jid[i], want[i]);
    CHECK_EQ(trace_complete_journeys(), 1);
}

TEST(journeys_follow_a_linked_clone_until_both_are_freed)
{
    setup();
    int orig, clone;
    trace_point(S_SYS, NULL, 1000, 3);
    trace_point(S_XMIT_CLONE, &orig, 1000, (uintptr_t)&clone);
    trace_point(S_IP, &clone, 1040, 0);
    trace_point(S_FREE, &clone, 1054, 0);       /* the clone is done: the original waits */
    size_t n = trace_snapshot(ev, TRACE_RING_SIZE);
    CHECK_EQ(trace_journeys(ev, n, jid, j, 64), 1);
    CHECK(!j[0].complete);
    trace_point(S_CLEAN, &orig, 1000, 0);       /* the ACK frees the original */
    trace_point(S_FREE, &orig, 1000, 0);
    n = trace_snapshot(ev, TRACE_RING_SIZE);
    CHECK_EQ(trace_journeys(ev, n, jid, j, 64), 1);
    CHECK(j[0].complete && j[0].nevents == 6);
}

TEST(journeys_bounded_by_jmax)
{
    setup();
    static int objs[100];
    for (int i = 0; i < 100; i++)
        trace_point(S_IP, &objs[i], 10, 0);
    size_t n = trace_snapshot(ev, TRACE_RING_SIZE);
    CHECK_EQ(trace_journeys(ev, n, jid, j, 64), 64);
    CHECK_EQ(jid[99], -1);
}

TEST(show_and_stats_run)
{
    setup();
    int a;
    trace_point(S_SYS, NULL, 10, 3);
    trace_point(S_IP, &a, 10, 0);
    trace_point(S_FREE, &a, 10, 0);
    trace_set_interval(S_SYS, S_FREE, "sys -> free");
    trace_show(3);                              /* prints through the fake printk */
    trace_stats();
    CHECK_EQ(trace_complete_journeys(), 1);
}
