/* kernel/sched/sched_ktest.c - in-kernel tests of tasks and wait queues (test=sched):
 * ping-pong through two wait queues, round-robin yield, timed waits that end neither
 * early nor much late, msleep, wake-ups from softirq and hard-irq context, exit and
 * reaping, and an idle loop that halts instead of polling. */
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/x86.h"

/* Slack for "not much late": TCG on a shared host can stall the guest for hundreds of
 * milliseconds, so this only catches a lost wake-up; the lower bound (never early) is
 * exact. */
#define LATE_SLACK_MS 1000

static uint64_t ms_since(uint64_t t0)
{
    return (ktime_get_ns() - t0) / NSEC_PER_MSEC;
}

/* --- ping-pong --- */
#define PINGS 1000
static struct {
    struct wait_queue_head to_a, to_b, done;
    volatile int turn;              /* 0: a's move, 1: b's move */
    volatile int moves;
    volatile int finished;
} pp;

static int ping(void *arg)
{
    int me = (int)(uintptr_t)arg;
    struct wait_queue_head *mine = me == 0 ? &pp.to_a : &pp.to_b;
    struct wait_queue_head *other = me == 0 ? &pp.to_b : &pp.to_a;
    for (int i = 0; i < PINGS; i++) {
        wait_event(*mine, pp.turn == me);
        pp.moves++;
        pp.turn = !me;
        wake_up(other);
    }
    pp.finished++;
    wake_up(&pp.done);
    return 0;
}

KTEST(sched, ping_pong_two_wait_queues)
{
    init_waitqueue_head(&pp.to_a);
    init_waitqueue_head(&pp.to_b);
    init_waitqueue_head(&pp.done);
    pp.turn = 0;
    pp.moves = 0;
    pp.finished = 0;
    struct sched_stats s0, s1;
    sched_get_stats(&s0);
    KT_ASSERT(task_create("ping", ping, (void *)0));
    KT_ASSERT(task_create("pong", ping, (void *)1));
    bool ok = wait_event_timeout(pp.done, pp.finished == 2, 5000 * NSEC_PER_MSEC);
    sched_get_stats(&s1);
    KT_ASSERT_MSG(ok, "stuck after %d moves", pp.moves);
    KT_EXPECT_EQ(pp.moves, 2 * PINGS);
    KT_ASSERT(s1.switches - s0.switches >= 2 * PINGS);
}

/* --- yield --- */
static struct {
    char seq[64];
    volatile int len;
    volatile int finished;
    struct wait_queue_head done;
} rr;

static int rr_task(void *arg)
{
    char id = (char)(uintptr_t)arg;
    for (int i = 0; i < 4; i++) {
        rr.seq[rr.len++] = id;
        yield();
    }
    rr.finished++;
    wake_up(&rr.done);
    return 0;
}

KTEST(sched, yield_round_robin)
{
    memset(&rr, 0, sizeof(rr));
    init_waitqueue_head(&rr.done);
    KT_ASSERT(task_create("rr-a", rr_task, (void *)'a'));
    KT_ASSERT(task_create("rr-b", rr_task, (void *)'b'));
    KT_ASSERT(task_create("rr-c", rr_task, (void *)'c'));
    bool ok = wait_event_timeout(rr.done, rr.finished == 3, 1000 * NSEC_PER_MSEC);
    rr.seq[rr.len] = 0;
    KT_ASSERT(ok);
    KT_ASSERT_MSG(strcmp(rr.seq, "abcabcabcabc") == 0, "order %s", rr.seq);
}

/* --- timed waits --- */
static DECLARE_WAIT_QUEUE_HEAD(never_wq);

KTEST(sched, wait_event_timeout_expires_not_early)
{
    static const uint64_t waits_ms[] = { 1, 7, 30 };
    for (unsigned i = 0; i < ARRAY_SIZE(waits_ms); i++) {
        uint64_t t0 = ktime_get_ns();
        bool ok = wait_event_timeout(never_wq, false, waits_ms[i] * NSEC_PER_MSEC);
        uint64_t ns = ktime_get_ns() - t0;
        KT_ASSERT(!ok);
        KT_ASSERT_MSG(ns >= waits_ms[i] * NSEC_PER_MSEC, "%llu ms wait ended after %llu ns",
                      (unsigned long long)waits_ms[i], (unsigned long long)ns);
        KT_ASSERT_MSG(ns < (waits_ms[i] + LATE_SLACK_MS) * NSEC_PER_MSEC,
                      "%llu ms wait took %llu ms", (unsigned long long)waits_ms[i],
                      (unsigned long long)(ns / NSEC_PER_MSEC));
    }
    KT_ASSERT(list_empty(&never_wq.waiters));
    KT_EXPECT_EQ(current->state, TASK_RUNNING);
}

static struct {
    struct wait_queue_head wq;
    struct timer_list timer;
    volatile bool flag;
    bool in_softirq;
} tw;

static void tw_fire(struct timer_list *t __unused)
{
    tw.in_softirq = in_softirq();
    tw.flag = true;
    wake_up(&tw.wq);
}

KTEST(sched, wait_event_woken_from_timer_softirq)
{
    init_waitqueue_head(&tw.wq);
    tw.flag = false;
    timer_setup(&tw.timer, tw_fire, 0);
    /* Arm right after a tick: jiffies is only as fresh as the last tick, and a timer
     * armed on a tick the host delayed fires early by the wall clock (by the delay), as
     * on Linux. Waiting for the next jiffy makes the "never early" bound exact. */
    uint64_t j0 = jiffies, spin0 = ktime_get_ns();
    while (READ_ONCE(jiffies) == j0 && ktime_get_ns() - spin0 < 100 * NSEC_PER_MSEC)
        cpu_relax();
    KT_ASSERT(READ_ONCE(jiffies) != j0);
    uint64_t t0 = ktime_get_ns();
    mod_timer(&tw.timer, jiffies + msecs_to_jiffies(10));
    bool ok = wait_event_timeout(tw.wq, tw.flag, 2000 * NSEC_PER_MSEC);
    uint64_t ms = ms_since(t0);
    del_timer(&tw.timer);
    KT_ASSERT(ok);
    KT_ASSERT(tw.in_softirq);
    KT_ASSERT_MSG(ms >= 9 && ms < 10 + LATE_SLACK_MS, "woken after %llu ms",
                  (unsigned long long)ms);
}

static struct {
    struct wait_queue_head wq;
    volatile bool flag;
    bool in_irq;
} hw;

static void hw_handler(void *data __unused, struct pt_regs *regs __unused)
{
    hw.in_irq = in_irq();
    hw.flag = true;
    wake_up(&hw.wq);
}

KTEST(sched, wait_event_woken_from_hard_irq)
{
    init_waitqueue_head(&hw.wq);
    hw.flag = false;
    int v = irq_alloc_vector();
    KT_ASSERT(v > 0);
    KT_EXPECT_EQ(request_vector(v, hw_handler, NULL, "ktest-wake"), 0);
    /* the wake-up lands while we are still on the way to sleep, or while asleep:
     * either way wait_event must return */
    lapic_send_self_ipi(v);
    bool ok = wait_event_timeout(hw.wq, hw.flag, 1000 * NSEC_PER_MSEC);
    hw.flag = false;
    uint64_t t0 = ktime_get_ns();
    struct wait_queue_entry e;
    prepare_to_wait(&hw.wq, &e);
    lapic_send_self_ipi(v);                   /* between the check and schedule() */
    bool ok2 = schedule_timeout_ns(1000 * NSEC_PER_MSEC);
    finish_wait(&hw.wq, &e);
    uint64_t ms = ms_since(t0);
    free_vector(v);
    irq_free_vector(v);
    KT_ASSERT(ok);
    KT_ASSERT(hw.in_irq);
    KT_ASSERT(hw.flag);
    KT_ASSERT_MSG(ok2 && ms < 100, "lost wake-up: slept %llu ms", (unsigned long long)ms);
}

KTEST(sched, msleep_never_short)
{
    static const uint64_t sleeps[] = { 1, 2, 50 };
    for (unsigned i = 0; i < ARRAY_SIZE(sleeps); i++) {
        uint64_t t0 = ktime_get_ns();
        uint64_t j0 = jiffies;
        msleep(sleeps[i]);
        uint64_t ns = ktime_get_ns() - t0;
        KT_ASSERT_MSG(ns >= sleeps[i] * NSEC_PER_MSEC, "msleep(%llu) took %llu ns",
                      (unsigned long long)sleeps[i], (unsigned long long)ns);
        KT_ASSERT_MSG(ns < (sleeps[i] + LATE_SLACK_MS) * NSEC_PER_MSEC, "msleep(%llu) took %llu ms",
                      (unsigned long long)sleeps[i], (unsigned long long)(ns / NSEC_PER_MSEC));
        KT_ASSERT(jiffies - j0 >= sleeps[i]);
    }
}

/* --- exit and reaping --- */
static volatile int exits_ran;
static int exit_task(void *arg)
{
    exits_ran++;
    if ((uintptr_t)arg & 1)
        task_exit(7);                     /* explicit exit */
    return 3;                             /* or by returning */
}

KTEST(sched, exited_tasks_are_reaped)
{
    struct sched_stats s0, s1;
    msleep(2);                            /* earlier tests' tasks: gone by now */
    sched_get_stats(&s0);
    exits_ran = 0;
    for (int i = 0; i < 20; i++)
        KT_ASSERT(task_create("exiter", exit_task, (void *)(uintptr_t)i));
    KT_ASSERT(task_create("nofn", NULL, NULL) == NULL);
    /* they run, exit, and idle frees them */
    bool done = KT_WAIT_FOR(exits_ran == 20 && (sched_get_stats(&s1),
                                                 s1.tasks_reaped - s0.tasks_reaped >= 20), 1000);
    sched_get_stats(&s1);
    KT_ASSERT_MSG(done, "%d of 20 ran, %llu reaped", exits_ran,
                  (unsigned long long)(s1.tasks_reaped - s0.tasks_reaped));
    KT_EXPECT_EQ(exits_ran, 20);
    KT_EXPECT_EQ(s1.tasks_created - s0.tasks_created, 20);
    KT_EXPECT_EQ(s1.tasks_reaped - s0.tasks_reaped, 20);
    KT_EXPECT_EQ(s1.nr_tasks, s0.nr_tasks);
    KT_ASSERT(s1.create_failures > s0.create_failures);
}

/* --- the idle loop halts --- */
KTEST(sched, idle_halts_instead_of_polling)
{
    struct sched_stats s0, s1;
    sched_get_stats(&s0);
    uint64_t j0 = jiffies, t0 = ktime_get_ns();
    msleep(100);
    uint64_t ticks = jiffies - j0, ns = ktime_get_ns() - t0;
    sched_get_stats(&s1);
    uint64_t halts = s1.idle_halts - s0.idle_halts;
    uint64_t loops = s1.idle_loops - s0.idle_loops;
    uint64_t halted_ns = s1.idle_halt_ns - s0.idle_halt_ns;
    pr_info("ktest: idle over %llu ticks: %llu halts, %llu loops, %llu%% of the time halted\n",
            (unsigned long long)ticks, (unsigned long long)halts, (unsigned long long)loops,
            (unsigned long long)(halted_ns * 100 / ns));
    /* roughly one halt per interrupt, and no loop turns without a halt */
    KT_ASSERT_MSG(halts >= ticks / 2, "%llu halts in %llu ticks",
                  (unsigned long long)halts, (unsigned long long)ticks);
    KT_ASSERT_MSG(halts <= 2 * ticks + 20, "%llu halts in %llu ticks",
                  (unsigned long long)halts, (unsigned long long)ticks);
    KT_ASSERT_MSG(loops <= 2 * halts + 10, "%llu loops for %llu halts",
                  (unsigned long long)loops, (unsigned long long)halts);
    KT_ASSERT(halted_ns * 2 >= ns);
}

KTEST(sched, current_valid_and_tasks_listed)
{
    KT_ASSERT(current != NULL);
    KT_ASSERT(current != sched_idle_task());
    KT_ASSERT(strcmp(current->name, "ktest") == 0);
    KT_EXPECT_EQ(current->state, TASK_RUNNING);
    KT_EXPECT_EQ(sched_idle_task()->pid, 0);
    sched_print_tasks();
}
