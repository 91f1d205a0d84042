/* tests/unit/fake_kernel.c - the scheduler, clock and paging pieces that the socket layer,
 * the uaccess helpers and the user address spaces call, for hosted tests (link
 * kernel/sched/wait.c with it: the wait queues are the real ones; the clock is
 * fake_clock.c). One fake task is
 * "current"; sleeping never blocks, it runs fake_sleep_hook. */
#include <stdio.h>
#include <stdlib.h>
#include "kernel/sched.h"
#include "kernel/time.h"
#include "tests/unit/fake_kernel.h"

static struct task fake_task = { .pid = 42, .name = "fake" };
struct task *current = &fake_task;
void (*fake_sleep_hook)(uint64_t timeout_ns);
int fake_sleeps, fake_wakeups;
int fake_sleep_limit = 10000;

bool nx_enabled(void) { return true; }

/* The wait queues are the kernel's own (kernel/sched/wait.c, linked with this file); a
 * wake-up here only makes the one fake task runnable again. */
void wake_up_process(struct task *t)
{
    if (t) {
        t->state = TASK_RUNNING;
        fake_wakeups++;
    }
}

bool schedule_timeout_ns(uint64_t timeout_ns)
{
    if (++fake_sleeps > fake_sleep_limit) {
        fprintf(stderr, "fake_kernel: %d sleeps without progress: lost wakeup?\n", fake_sleeps);
        abort();
    }
    bool was_woken = current->state == TASK_RUNNING;
    if (!was_woken) {
        if (fake_sleep_hook)
            fake_sleep_hook(timeout_ns);
        else
            fake_now_ns += timeout_ns ? timeout_ns : NSEC_PER_SEC;
    }
    bool woken = current->state == TASK_RUNNING;
    current->state = TASK_RUNNING;
    return woken;
}

void schedule(void) { schedule_timeout_ns(0); }
void yield(void) {}
