/* tests/unit/fake_kernel.c - the scheduler, clock and paging pieces that the socket layer,
 * the uaccess helpers and the user address spaces call, for hosted tests. One fake task is
 * "current"; sleeping never blocks, it runs fake_sleep_hook. */
#include <stdio.h>
#include <stdlib.h>
#include "kernel/sched.h"
#include "kernel/time.h"
#include "tests/unit/fake_kernel.h"

static struct task fake_task = { .pid = 42, .name = "fake" };
struct task *current = &fake_task;
uint64_t fake_now_ns = 1000000000ull;
void (*fake_sleep_hook)(uint64_t timeout_ns);
int fake_sleeps, fake_wakeups;
int fake_sleep_limit = 10000;

uint64_t ktime_get_ns(void) { return fake_now_ns; }
bool nx_enabled(void) { return true; }

void init_waitqueue_head(struct wait_queue_head *wq) { INIT_LIST_HEAD(&wq->waiters); }

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
    if (!queued_on(wq, e)) {
        e->task = current;
        list_add_tail(&e->node, &wq->waiters);
    }
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
    add_wait_queue(wq, e);
    current->state = TASK_BLOCKED;
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
    current->state = TASK_RUNNING;
    if (queued_on(wq, e))
        list_del_init(&e->node);
}

void wake_up(struct wait_queue_head *wq)
{
    while (!list_empty(&wq->waiters)) {
        struct wait_queue_entry *e = list_first_entry(&wq->waiters, struct wait_queue_entry, node);
        list_del_init(&e->node);
        e->task->state = TASK_RUNNING;
        fake_wakeups++;
    }
}

void wake_up_process(struct task *t) { if (t) t->state = TASK_RUNNING; }

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
