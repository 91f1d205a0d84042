/* kernel/sched.h - cooperative kernel tasks and wait queues (one CPU).
 *
 * A task runs until it blocks or yields; interrupts and softirqs still preempt it
 * briefly but never switch tasks. The idle task halts the CPU when nothing is runnable. */
#ifndef WP_SCHED_H
#define WP_SCHED_H

#include "kernel/compiler.h"
#include "kernel/list.h"

enum task_state { TASK_RUNNING, TASK_BLOCKED, TASK_DEAD };

struct task {
    uint64_t rsp;                 /* saved stack pointer while switched out */
    void *stack;                  /* base of the kernel stack */
    size_t stack_size;
    enum task_state state;
    int pid;
    char name[16];
    struct list_head run_node;    /* on the run queue when runnable */
    struct list_head all_node;
    int (*fn)(void *);
    void *arg;
    int exit_code;
    bool timed_out;               /* set when a timed sleep ended by its timeout */
    uint64_t switches;
    const void *wchan;            /* where it last slept: schedule_timeout_ns's caller */
    void *user;                   /* ring-3 state for apps (net/socket issue) */
};

extern struct task *current;

/* Kernel stack of a created task (the idle task keeps the boot stack). */
#define TASK_STACK_SIZE 16384

/* Declare the intent to sleep before testing the wake condition; a wake_up_process()
 * in between sets the task running again and the following schedule() returns. */
static inline void set_current_state(enum task_state s)
{
    WRITE_ONCE(current->state, s);
    barrier();
}

/* Create a runnable task; returns NULL when out of memory. */
struct task *task_create(const char *name, int (*fn)(void *), void *arg);
void schedule(void);              /* give up the CPU; returns when picked again */
void yield(void);                 /* stay runnable, let others run first */
__noreturn void task_exit(int code);
void wake_up_process(struct task *t);
/* Block the current task for at most ms milliseconds (or until woken). */
void msleep(uint64_t ms);

/* Wait queues. */
struct wait_queue_head {
    struct list_head waiters;
};
struct wait_queue_entry {
    struct list_head node;
    struct task *task;
};
#define DECLARE_WAIT_QUEUE_HEAD(n) struct wait_queue_head n = { LIST_HEAD_INIT(n.waiters) }
void init_waitqueue_head(struct wait_queue_head *wq);
void wake_up(struct wait_queue_head *wq);     /* wake every waiter; safe from irq */

/* The entry needs no initialisation (it is found by address); wake_up() unlinks every
 * waiter it wakes, and a repeated prepare_to_wait() queues the entry again. */
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *e);
/* Queue the entry without touching the task's state: for a waiter on several queues
 * (poll), which sets TASK_BLOCKED once before queueing on all of them. Calling
 * prepare_to_wait() per queue instead would mark the task blocked again after a wake-up
 * from an earlier queue had already set it running, and that wake-up, its entry now
 * unlinked, would be lost. */
void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e);
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *e);
/* Sleep until woken or until timeout_ns passes (0 = no timeout). Returns false on timeout.
 * The caller has set its state to TASK_BLOCKED (prepare_to_wait, set_current_state);
 * a task already woken again returns at once. */
bool schedule_timeout_ns(uint64_t timeout_ns);

/* Sleep until cond is true. */
#define wait_event(wq, cond) do {                               \
        struct wait_queue_entry __e;                            \
        for (;;) {                                              \
            prepare_to_wait(&(wq), &__e);                       \
            if (cond)                                           \
                break;                                          \
            schedule_timeout_ns(0);                             \
        }                                                       \
        finish_wait(&(wq), &__e);                               \
    } while (0)

/* Sleep until cond is true or timeout_ns has passed. Evaluates to true when cond held. */
#define wait_event_timeout(wq, cond, timeout_ns) ({             \
        struct wait_queue_entry __e;                            \
        uint64_t __deadline = ktime_get_ns() + (timeout_ns);    \
        bool __ok;                                              \
        for (;;) {                                              \
            prepare_to_wait(&(wq), &__e);                       \
            if ((__ok = (cond)))                                \
                break;                                          \
            uint64_t __now = ktime_get_ns();                    \
            if (__now >= __deadline)                            \
                break;                                          \
            schedule_timeout_ns(__deadline - __now);            \
        }                                                       \
        finish_wait(&(wq), &__e);                               \
        __ok;                                                   \
    })

void sched_init(void);            /* turn the boot flow into the first task */
/* Enter the idle loop on the boot stack: runs tasks, and halts when none is runnable. */
__noreturn void cpu_idle(void);
void sched_print_tasks(void);

struct sched_stats {
    uint64_t switches;        /* context switches */
    uint64_t wakeups;         /* blocked tasks made runnable */
    uint64_t idle_loops;      /* turns of the idle loop */
    uint64_t idle_halts;      /* hlt instructions executed by the idle loop */
    uint64_t idle_halt_ns;    /* time from hlt to the instruction after it */
    uint64_t tasks_created, tasks_reaped, create_failures;
    int nr_tasks;             /* alive (not yet reaped), idle included */
    int nr_runnable;          /* on the run queue */
};
void sched_get_stats(struct sched_stats *s);
struct task *sched_idle_task(void);

#endif
