/* kernel/sched/wait.c - wait queues.
 *
 * A waiter queues an entry on the wait queue and marks itself blocked before it tests
 * its condition; wake_up() (from a task, a softirq or a hard interrupt) unlinks every
 * waiter and makes it runnable. A wake-up landing between the test and schedule() only
 * sets the task running again, so schedule() returns at once: no wake-up is lost.
 * Self-contained apart from wake_up_process (kernel/sched/sched.c), so the hosted tests
 * link this file as it is. Timed sleeps are kernel/sched/sleep.c. */
#include "kernel/sched.h"
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
