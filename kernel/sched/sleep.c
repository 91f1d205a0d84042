/* kernel/sched/sleep.c - timed sleeps.
 *
 * A timed sleep arms a timer_list on the sleeper's stack whose callback (TIMER softirq)
 * wakes it. The tick is coarse (1/HZ) and its phase unknown, so a sleep is armed one tick
 * longer than asked, and msleep() re-checks ktime_get_ns() so it never ends early. */
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/arch/x86.h"

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
