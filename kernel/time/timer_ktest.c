/* kernel/time/timer_ktest.c - in-kernel tests of the timer wheel on the real tick
 * (test=timer): timers run in expiry order, never before their jiffy, in softirq
 * context; re-arming, deleting, periodic re-arm from the callback, a timer that has to
 * cascade down from level 1, and a TIMER softirq that is raised only when one is due. */
#include "kernel/ktest.h"
#include "kernel/time.h"
#include "kernel/softirq.h"
#include "kernel/sched.h"
#include "kernel/irq.h"
#include "kernel/printk.h"

/* Ticks a timer may run after its jiffy before we call it late. Only "never early" is a
 * property of the code; lateness is the host's (TCG on a shared machine can stall the
 * guest for hundreds of milliseconds), so the bound only catches a timer that is lost. */
#define LATE_TICKS 1000

struct probe_timer {
    struct timer_list t;
    uint64_t armed_for;
    uint64_t ran_at;          /* jiffies when the callback ran */
    int order;
    bool in_softirq, in_irq;
};

static DECLARE_WAIT_QUEUE_HEAD(done_wq);
static volatile int fired;

static void probe_fn(struct timer_list *t)
{
    struct probe_timer *p = container_of(t, struct probe_timer, t);
    p->ran_at = jiffies;
    p->order = fired++;
    p->in_softirq = in_softirq();
    p->in_irq = in_irq();
    wake_up(&done_wq);
}

#define NTIMERS 40

KTEST(timer, fire_in_order_never_early)
{
    static struct probe_timer pt[NTIMERS];
    uint32_t seed = (uint32_t)ktime_get_ns() | 1;
    fired = 0;
    uint64_t now = jiffies;
    for (int i = 0; i < NTIMERS; i++) {
        seed = seed * 1103515245u + 12345u;
        timer_setup(&pt[i].t, probe_fn, 0);
        pt[i].armed_for = now + 1 + (seed >> 8) % 80;
        pt[i].ran_at = 0;
        mod_timer(&pt[i].t, pt[i].armed_for);
    }
    bool ok = wait_event_timeout(done_wq, fired == NTIMERS, 2000 * NSEC_PER_MSEC);
    if (!ok)
        for (int i = 0; i < NTIMERS; i++)
            del_timer(&pt[i].t);
    KT_ASSERT_MSG(ok, "%d of %d timers ran", fired, NTIMERS);
    for (int i = 0; i < NTIMERS; i++) {
        KT_ASSERT_MSG(pt[i].ran_at >= pt[i].armed_for, "timer for %llu ran at %llu",
                      (unsigned long long)pt[i].armed_for, (unsigned long long)pt[i].ran_at);
        KT_ASSERT_MSG(pt[i].ran_at < pt[i].armed_for + LATE_TICKS, "timer for %llu ran at %llu",
                      (unsigned long long)pt[i].armed_for, (unsigned long long)pt[i].ran_at);
        KT_ASSERT(pt[i].in_softirq && !pt[i].in_irq);
        for (int k = 0; k < NTIMERS; k++)
            if (pt[k].order < pt[i].order)
                KT_ASSERT_MSG(pt[k].armed_for <= pt[i].armed_for, "ran out of expiry order");
    }
}

KTEST(timer, mod_and_del)
{
    struct probe_timer p = { 0 };
    fired = 0;
    timer_setup(&p.t, probe_fn, 0);
    KT_ASSERT(!timer_pending(&p.t));
    KT_ASSERT(!mod_timer(&p.t, jiffies + 10));
    KT_ASSERT(timer_pending(&p.t));
    KT_ASSERT(mod_timer(&p.t, jiffies + 1000));      /* pushed out */
    msleep(30);
    KT_EXPECT_EQ(fired, 0);
    KT_ASSERT(timer_pending(&p.t));
    KT_ASSERT(del_timer(&p.t));
    KT_ASSERT(!del_timer(&p.t));
    KT_ASSERT(!timer_pending(&p.t));
    p.armed_for = jiffies + 5;
    mod_timer(&p.t, p.armed_for);
    bool ok = wait_event_timeout(done_wq, fired == 1, 500 * NSEC_PER_MSEC);
    del_timer(&p.t);
    KT_ASSERT(ok);
    KT_ASSERT(p.ran_at >= p.armed_for);
}

static struct {
    struct timer_list t;
    uint64_t at[10];
    volatile int n;
} periodic;

static void periodic_fn(struct timer_list *t)
{
    periodic.at[periodic.n++] = jiffies;
    if (periodic.n < 10)
        mod_timer(t, t->expires + 5);
    else
        wake_up(&done_wq);
}

KTEST(timer, periodic_rearm_from_callback)
{
    periodic.n = 0;
    timer_setup(&periodic.t, periodic_fn, 0);
    uint64_t start = jiffies + 5;
    mod_timer(&periodic.t, start);
    bool ok = wait_event_timeout(done_wq, periodic.n == 10, 1000 * NSEC_PER_MSEC);
    del_timer(&periodic.t);
    KT_ASSERT_MSG(ok, "ran %d times", periodic.n);
    for (int i = 0; i < 10; i++)
        KT_ASSERT_MSG(periodic.at[i] >= start + 5 * (uint64_t)i, "run %d at %llu", i,
                      (unsigned long long)periodic.at[i]);
}

KTEST(timer, cascades_from_level_one_on_time)
{
    /* 300 ticks is past the 256 one-tick slots: the timer waits on level 1 first */
    struct probe_timer p = { 0 };
    fired = 0;
    timer_setup(&p.t, probe_fn, 0);
    p.armed_for = jiffies + 300;
    mod_timer(&p.t, p.armed_for);
    KT_EXPECT_EQ(timers_next_expiry() <= p.armed_for, 1);
    bool ok = wait_event_timeout(done_wq, fired == 1, 1000 * NSEC_PER_MSEC);
    del_timer(&p.t);
    KT_ASSERT(ok);
    KT_ASSERT_MSG(p.ran_at >= p.armed_for && p.ran_at < p.armed_for + LATE_TICKS,
                  "timer for %llu ran at %llu", (unsigned long long)p.armed_for,
                  (unsigned long long)p.ran_at);
}

KTEST(timer, softirq_raised_only_when_due)
{
    /* one 200 ms sleep needs one timer: the TIMER softirq must not run every tick */
    uint64_t before = softirq_count(TIMER_SOFTIRQ);
    uint64_t j0 = jiffies;
    msleep(200);
    uint64_t runs = softirq_count(TIMER_SOFTIRQ) - before;
    uint64_t ticks = jiffies - j0;
    struct timer_stats st;
    timer_get_stats(&st);
    pr_info("ktest: %llu TIMER softirqs in %llu ticks; wheel: %llu armed, %llu expired,"
            " %llu cascaded, %llu pending\n", (unsigned long long)runs,
            (unsigned long long)ticks, (unsigned long long)st.armed,
            (unsigned long long)st.expired, (unsigned long long)st.cascaded,
            (unsigned long long)st.pending);
    KT_ASSERT(ticks >= 200);
    KT_ASSERT_MSG(runs >= 1 && runs <= 10, "%llu TIMER softirqs in %llu ticks",
                  (unsigned long long)runs, (unsigned long long)ticks);
}
