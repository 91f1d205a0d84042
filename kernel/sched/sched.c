/* kernel/sched/sched.c - cooperative tasks on one CPU: creation, the run queue,
 * schedule/yield/exit, wake-ups, and the idle loop.
 *
 * A task runs until it blocks, yields or exits; interrupts and softirqs run on top of
 * it but never switch tasks. The run queue holds runnable tasks other than the running
 * one, in FIFO order. The boot flow becomes the idle task (pid 0, on the boot stack):
 * it is never on the run queue and runs whenever the queue is empty, halting the CPU
 * until an interrupt makes something runnable.
 *
 * All run-queue and state changes happen with interrupts off, because interrupt
 * handlers and softirqs wake tasks (wake_up_process, wake_up) at any moment. */
#include "kernel/sched.h"
#include "kernel/softirq.h"
#include "kernel/irq.h"
#include "kernel/time.h"
#include "kernel/printk.h"
#include "kernel/mm/mm.h"
#include "kernel/arch/gdt.h"
#include "kernel/arch/x86.h"
#include "kernel/lib/string.h"

#define TASK_STACK_ORDER 2                   /* 4 pages = TASK_STACK_SIZE */
STATIC_ASSERT(PAGE_SIZE << TASK_STACK_ORDER == TASK_STACK_SIZE, "stack order");
STATIC_ASSERT(offsetof(struct task, rsp) == 0, "switch.S stores rsp at offset 0");
/* Written at the lowest word of every kernel stack; found overwritten at a switch
 * means the task ran off its stack. */
#define STACK_CANARY 0x5750535441434b21ull

struct task *__switch_to(struct task *prev, struct task *next);
void task_trampoline(void);
void task_entry(struct task *prev);
extern char boot_stack[], boot_stack_top[];

struct task *current;
static struct task idle_task;
static LIST_HEAD(run_queue);
static LIST_HEAD(all_tasks);
static LIST_HEAD(dead_tasks);        /* exited, waiting for someone else to free them */
static int next_pid = 1;
static struct sched_stats stats;

static uint64_t stack_top(const struct task *t)
{
    return (uint64_t)t->stack + t->stack_size;
}

/* Runs on the new task's stack right after the switch. */
static void finish_switch(struct task *prev)
{
    if (prev->state == TASK_DEAD)
        list_add_tail(&prev->run_node, &dead_tasks);
}

static void context_switch(struct task *prev, struct task *next)
{
    if (unlikely(*(uint64_t *)prev->stack != STACK_CANARY))
        panic("sched: task %d (%s) overran its %zu-byte stack", prev->pid, prev->name,
              prev->stack_size);
    next->switches++;
    stats.switches++;
    current = next;
    /* an interrupt from ring 3 must land on the new task's kernel stack */
    tss_set_kernel_stack(stack_top(next));
    prev = __switch_to(prev, next);
    finish_switch(prev);
}

/* Free the tasks that have exited. Never called by a dying task on itself. */
static void reap_dead(void)
{
    for (;;) {
        unsigned long f = local_irq_save();
        if (list_empty(&dead_tasks)) {
            local_irq_restore(f);
            return;
        }
        struct task *t = list_first_entry(&dead_tasks, struct task, run_node);
        list_del_init(&t->run_node);
        list_del_init(&t->all_node);
        stats.tasks_reaped++;
        local_irq_restore(f);
        free_pages(virt_to_phys(t->stack), TASK_STACK_ORDER);
        kfree(t);
    }
}

/* The idle task itself went to sleep (a boot-time msleep before cpu_idle) and nothing
 * else can run: wait for an interrupt here, with interrupts off on entry and exit. */
static void idle_wait_irqoff(void)
{
    if (softirq_pending()) {
        do_softirq();
        return;
    }
    stats.idle_halts++;
    safe_halt();
    local_irq_disable();
}

void schedule(void)
{
    if (unlikely(!current))
        panic("sched: schedule() before sched_init()");
    if (unlikely(in_irq() || in_softirq()))
        panic("sched: schedule() from %s context (task %s)",
              in_irq() ? "hard irq" : "softirq", current->name);
    if (unlikely(softirq_bh_disabled()))
        panic("sched: schedule() under local_bh_disable (task %s)", current->name);

    unsigned long f = local_irq_save();
    struct task *prev = current;
    for (;;) {
        struct task *next;
        if (!list_empty(&run_queue)) {
            next = list_first_entry(&run_queue, struct task, run_node);
            list_del_init(&next->run_node);
        } else if (prev->state == TASK_RUNNING) {
            break;                         /* nobody else wants the CPU */
        } else if (prev != &idle_task) {
            next = &idle_task;
        } else {
            idle_wait_irqoff();
            continue;
        }
        if (prev->state == TASK_RUNNING && prev != &idle_task)
            list_add_tail(&prev->run_node, &run_queue);   /* yield: back of the line */
        context_switch(prev, next);
        /* Resumed. Only the idle task can get here still blocked: it is the fallback
         * when the queue runs dry, even while its own boot-time sleep lasts. */
        if (prev->state == TASK_RUNNING)
            break;
    }
    local_irq_restore(f);
}

void yield(void)
{
    schedule();
}

void wake_up_process(struct task *t)
{
    if (!t)
        return;
    unsigned long f = local_irq_save();
    if (t->state == TASK_BLOCKED) {
        t->state = TASK_RUNNING;
        stats.wakeups++;
        /* The running task (woken before it got to schedule()) stays off the queue;
         * the idle task joins it only while it sleeps, otherwise it is the fallback. */
        if (t != current && !list_linked(&t->run_node))
            list_add_tail(&t->run_node, &run_queue);
    }
    local_irq_restore(f);
}

/* First code of every created task, entered from task_trampoline. */
void task_entry(struct task *prev)
{
    finish_switch(prev);
    local_irq_enable();
    task_exit(current->fn(current->arg));
}

struct task *task_create(const char *name, int (*fn)(void *), void *arg)
{
    reap_dead();
    if (!fn) {
        stats.create_failures++;
        return NULL;
    }
    struct task *t = kzalloc(sizeof(*t));
    phys_addr_t stack = t ? alloc_pages(TASK_STACK_ORDER) : 0;
    if (!stack) {
        kfree(t);
        stats.create_failures++;
        pr_warn("sched: out of memory creating task '%s'\n", name ? name : "?");
        return NULL;
    }
    t->stack = phys_to_virt(stack);
    t->stack_size = TASK_STACK_SIZE;
    /* zeroed so sched_print_tasks can estimate the deepest use */
    memset(t->stack, 0, t->stack_size);
    *(uint64_t *)t->stack = STACK_CANARY;
    strlcpy(t->name, name ? name : "task", sizeof(t->name));
    t->fn = fn;
    t->arg = arg;
    t->state = TASK_RUNNING;
    INIT_LIST_HEAD(&t->run_node);
    INIT_LIST_HEAD(&t->all_node);

    /* The frame __switch_to pops: six callee-saved registers, then the return address.
     * After that ret, rsp is 16-byte aligned, as task_trampoline's call expects. */
    uint64_t *sp = (uint64_t *)(stack_top(t) - 16);
    *--sp = (uint64_t)task_trampoline;
    for (int i = 0; i < 6; i++)
        *--sp = 0;
    t->rsp = (uint64_t)sp;

    unsigned long f = local_irq_save();
    t->pid = next_pid++;
    list_add_tail(&t->all_node, &all_tasks);
    list_add_tail(&t->run_node, &run_queue);
    stats.tasks_created++;
    local_irq_restore(f);
    return t;
}

void task_exit(int code)
{
    if (current == &idle_task)
        panic("sched: the idle task cannot exit");
    local_irq_disable();
    current->exit_code = code;
    current->state = TASK_DEAD;
    schedule();
    panic("sched: dead task %s ran again", current->name);
}

void sched_init(void)
{
    idle_task.pid = 0;
    strlcpy(idle_task.name, "idle", sizeof(idle_task.name));
    idle_task.stack = boot_stack;
    idle_task.stack_size = (size_t)(boot_stack_top - boot_stack);
    idle_task.state = TASK_RUNNING;
    INIT_LIST_HEAD(&idle_task.run_node);
    list_add(&idle_task.all_node, &all_tasks);
    /* the boot stack's bottom has never been reached this early */
    *(uint64_t *)idle_task.stack = STACK_CANARY;
    current = &idle_task;
    tss_set_kernel_stack(stack_top(&idle_task));
}

struct task *sched_idle_task(void) { return &idle_task; }

void cpu_idle(void)
{
    if (current != &idle_task)
        panic("sched: cpu_idle() outside the idle task");
    for (;;) {
        reap_dead();
        if (softirq_pending())
            do_softirq();
        /* Decide with interrupts off: a wake-up or a raise that lands after this check
         * is still caught, because sti;hlt takes the interrupt only once halted. */
        local_irq_disable();
        stats.idle_loops++;
        if (!list_empty(&run_queue)) {
            schedule();
            local_irq_enable();
            continue;
        }
        if (softirq_pending()) {
            local_irq_enable();
            continue;
        }
        stats.idle_halts++;
        uint64_t t0 = ktime_get_ns();
        safe_halt();
        stats.idle_halt_ns += ktime_get_ns() - t0;
    }
}

void sched_get_stats(struct sched_stats *s)
{
    unsigned long f = local_irq_save();
    *s = stats;
    s->nr_tasks = 0;
    s->nr_runnable = 0;
    struct list_head *n;
    list_for_each(n, &all_tasks)
        s->nr_tasks++;
    list_for_each(n, &run_queue)
        s->nr_runnable++;
    local_irq_restore(f);
}

/* Deepest stack use seen: stacks start zeroed (the boot stack is in .bss). */
static size_t stack_used(const struct task *t)
{
    const uint64_t *w = (const uint64_t *)t->stack + 1;    /* above the canary */
    const uint64_t *end = (const uint64_t *)stack_top(t);
    while (w < end && *w == 0)
        w++;
    return (size_t)((const char *)end - (const char *)w);
}

static const char *state_name(const struct task *t)
{
    if (t == current)
        return "running";
    switch (t->state) {
    case TASK_RUNNING: return list_linked(&t->run_node) || t == &idle_task ? "ready" : "?";
    case TASK_BLOCKED: return "blocked";
    case TASK_DEAD:    return "dead";
    }
    return "?";
}

void sched_print_tasks(void)
{
    unsigned long f = local_irq_save();
    printk("  PID STATE     SWITCHES  STACK USED  NAME\n");
    struct task *t;
    list_for_each_entry(t, &all_tasks, all_node)
        printk("%5d %-8s %9llu %5zu/%-5zu %s\n", t->pid, state_name(t),
               (unsigned long long)t->switches, stack_used(t), t->stack_size, t->name);
    printk("sched: %llu switches, %llu wake-ups, idle: %llu halts, %llu ms halted\n",
           (unsigned long long)stats.switches, (unsigned long long)stats.wakeups,
           (unsigned long long)stats.idle_halts,
           (unsigned long long)(stats.idle_halt_ns / NSEC_PER_MSEC));
    local_irq_restore(f);
}
