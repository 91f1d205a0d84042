/* kernel/sched/wait.c - wait queues and timed sleeps.
 *
 * A waiter queues an entry on the wait queue and marks itself blocked before it tests
 * its condition; wake_up() (from a task, a softirq or a hard interrupt) unlinks every
 * waiter and makes it runnable. A wake-up landing between the test and schedule() only
 * sets the task running again, so schedule() returns at once: no wake-up is lost.
 *
 * Timed sleeps arm a timer_list on the sleeper's stack whose callback (TIMER softirq)
 * wakes it. The tick is coarse (1/HZ) and its phase unknown, so a sleep is armed one tick
 * longer than asked, and msleep() re-checks ktime_get_ns() so it never ends early. */
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/arch/x86.h"

void init_waitqueue_head(struct wait_queue_head *wq)
{
    INIT_LIST_HEAD(&wq->waiters);
}

/* Entries are compared by address only, so an entry that was never initialised (the
 * wait_event macros declare theirs bare) is safe to look up. */
static bool queued_on(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
    struct list_head *n;
    list_for_each(n, &wq->waiters)
        if (n == &e->node)
            return true;
    return false;
}

void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
    unsigned long f = local_irq_save();
    if (!queued_on(wq, e)) {
        e->task = current;
        list_add_tail(&e->node, &wq->waiters);
    }
    local_irq_restore(f);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
    unsigned long f = local_irq_save();
    add_wait_queue(wq, e);
    current->state = TASK_BLOCKED;
    local_irq_restore(f);
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
    unsigned long f = local_irq_save();
    current->state = TASK_RUNNING;
    if (queued_on(wq, e))
        list_del_init(&e->node);
    local_irq_restore(f);
}

void wake_up(struct wait_queue_head *wq)
{
    unsigned long f = local_irq_save();
    while (!list_empty(&wq->waiters)) {
        struct wait_queue_entry *e = list_first_entry(&wq->waiters, struct wait_queue_entry, node);
        list_del_init(&e->node);
        wake_up_process(e->task);
    }
    local_irq_restore(f);
}

struct sleep_timer {
    struct timer_list timer;
    struct task *task;
};

static void sleep_timer_fn(struct timer_list *t)
{
    struct sleep_timer *st = container_of(t, struct sleep_timer, timer);
    unsigned long f = local_irq_save();
    if (st->task->state == TASK_BLOCKED) {     /* not already woken by someone else */
        st->task->timed_out = true;
        wake_up_process(st->task);
    }
    local_irq_restore(f);
}

bool schedule_timeout_ns(uint64_t timeout_ns)
{
    current->wchan = __builtin_return_address(0);
    if (timeout_ns == 0) {
        schedule();
        return true;
    }
    struct sleep_timer st = { .task = current };
    timer_setup(&st.timer, sleep_timer_fn, 0);
    current->timed_out = false;
    /* +1: the current tick is already partly over */
    uint64_t ticks = DIV_ROUND_UP(timeout_ns, NSEC_PER_SEC / HZ) + 1;
    mod_timer(&st.timer, jiffies + ticks);
    schedule();
    del_timer(&st.timer);
    return !current->timed_out;
}

void msleep(uint64_t ms)
{
    if (!tsc_khz()) {          /* no clock yet: this early, only a busy wait works */
        mdelay(ms);
        return;
    }
    uint64_t deadline = ktime_get_ns() + ms * NSEC_PER_MSEC;
    for (;;) {
        uint64_t now = ktime_get_ns();
        if (now >= deadline)
            break;
        set_current_state(TASK_BLOCKED);
        schedule_timeout_ns(deadline - now);
    }
}
