/* kernel/softirq.c - softirqs: deferred work raised by interrupt handlers (and anyone
 * else), run at interrupt exit, from the idle loop, at local_bh_enable(), or by the
 * ksoftirqd task when a pass ran too long.
 *
 * One CPU, so the state is a handful of globals guarded by masking interrupts. A pass
 * runs with interrupts enabled (a handler may be interrupted, and that interrupt may
 * raise more softirqs) but never nests: an interrupt arriving during a pass finds
 * softirq_active set and leaves the new work to the running pass's restart loop. */
#include "kernel/softirq.h"
#include "kernel/irq.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/printk.h"
#include "kernel/arch/x86.h"

/* A pass restarts while work keeps arriving, but only this often and this long; the
 * rest goes to ksoftirqd so that a flood cannot keep the interrupted code off the CPU. */
#define MAX_SOFTIRQ_RESTART 10
#define MAX_SOFTIRQ_TIME_NS (2 * NSEC_PER_MSEC)

static volatile uint32_t pending;
static softirq_action_t actions[NR_SOFTIRQS];
static uint64_t counts[NR_SOFTIRQS];
static uint64_t unhandled;          /* raised with no handler registered */
static uint64_t bad_raises;         /* raise with an out-of-range number */
static uint64_t deferrals;
static uint64_t ksoftirqd_runs;
static bool softirq_active;
static unsigned bh_disable_depth;
static struct task *ksoftirqd;

static const char *const names[NR_SOFTIRQS] = {
    [HI_SOFTIRQ] = "HI",
    [TIMER_SOFTIRQ] = "TIMER",
    [NET_TX_SOFTIRQ] = "NET_TX",
    [NET_RX_SOFTIRQ] = "NET_RX",
    [TASKLET_SOFTIRQ] = "TASKLET",
};

void open_softirq(enum softirq_nr nr, softirq_action_t fn)
{
    if ((unsigned)nr >= NR_SOFTIRQS) {
        bad_raises++;
        return;
    }
    unsigned long f = local_irq_save();
    actions[nr] = fn;
    local_irq_restore(f);
}

softirq_action_t softirq_get_action(enum softirq_nr nr)
{
    return (unsigned)nr < NR_SOFTIRQS ? actions[nr] : NULL;
}

void raise_softirq_irqoff(enum softirq_nr nr)
{
    if ((unsigned)nr >= NR_SOFTIRQS) {
        bad_raises++;
        return;
    }
    pending |= BIT(nr);
    /* Raised from task context: nothing on the way out of an interrupt will look at it
     * soon, so let ksoftirqd (or the idle loop, or the next irq exit) pick it up. */
    if (!in_irq() && !softirq_active && !bh_disable_depth && ksoftirqd)
        wake_up_process(ksoftirqd);
}

void raise_softirq(enum softirq_nr nr)
{
    unsigned long f = local_irq_save();
    raise_softirq_irqoff(nr);
    local_irq_restore(f);
}

bool softirq_pending(void) { return READ_ONCE(pending) != 0; }
bool in_softirq(void) { return softirq_active; }

/* The pass itself; entered and left with interrupts disabled. */
static void __do_softirq(void)
{
    uint64_t start = ktime_get_ns();
    int restarts = MAX_SOFTIRQ_RESTART;
    softirq_active = true;
    for (;;) {
        uint32_t work = pending;
        pending = 0;
        local_irq_enable();
        while (work) {
            unsigned nr = (unsigned)__builtin_ctz(work);
            work &= work - 1;
            counts[nr]++;
            if (actions[nr])
                actions[nr]();
            else
                unhandled++;
        }
        local_irq_disable();
        if (!pending)
            break;
        if (--restarts > 0 && ktime_get_ns() - start < MAX_SOFTIRQ_TIME_NS)
            continue;
        /* Too much in one go: leave it to ksoftirqd, which runs as an ordinary task
         * (interrupt exits and the idle loop still run passes of their own meanwhile). */
        deferrals++;
        if (ksoftirqd)
            wake_up_process(ksoftirqd);
        break;
    }
    softirq_active = false;
}

void do_softirq(void)
{
    if (in_irq() || softirq_active || bh_disable_depth)
        return;
    unsigned long f = local_irq_save();
    /* check again with interrupts off: an interrupt may have run a pass meanwhile */
    if (pending && !softirq_active && !bh_disable_depth)
        __do_softirq();
    local_irq_restore(f);
}

void local_bh_disable(void)
{
    unsigned long f = local_irq_save();
    bh_disable_depth++;
    local_irq_restore(f);
}

void local_bh_enable(void)
{
    unsigned long f = local_irq_save();
    if (WARN_ON(bh_disable_depth == 0)) {
        local_irq_restore(f);
        return;
    }
    bh_disable_depth--;
    local_irq_restore(f);
    /* work raised inside the section runs now (not from a hard irq: its exit will) */
    if (!bh_disable_depth && softirq_pending() && !in_irq())
        do_softirq();
}

bool softirq_bh_disabled(void) { return bh_disable_depth != 0; }

uint64_t softirq_count(enum softirq_nr nr)
{
    return (unsigned)nr < NR_SOFTIRQS ? counts[nr] : 0;
}

const char *softirq_name(enum softirq_nr nr)
{
    return (unsigned)nr < NR_SOFTIRQS ? names[nr] : "?";
}

uint64_t softirq_deferrals(void) { return deferrals; }

void softirq_print_stats(void)
{
    printk("                    CPU0\n");
    for (unsigned nr = 0; nr < NR_SOFTIRQS; nr++)
        printk("%12s: %10llu\n", names[nr], (unsigned long long)counts[nr]);
    printk("softirq: %llu deferred to ksoftirqd (%llu ksoftirqd passes), %llu unhandled,"
           " %llu bad raises\n", (unsigned long long)deferrals,
           (unsigned long long)ksoftirqd_runs, (unsigned long long)unhandled,
           (unsigned long long)bad_raises);
}

/* ksoftirqd: an ordinary task that sleeps until softirq work is left over, runs it, and
 * yields between passes so that tasks still get the CPU under a flood. */
static int ksoftirqd_fn(void *arg __unused)
{
    for (;;) {
        unsigned long f = local_irq_save();
        if (!pending) {
            /* state first, then sleep: a raise after this point wakes us again */
            current->state = TASK_BLOCKED;
            local_irq_restore(f);
            schedule();
            continue;
        }
        local_irq_restore(f);
        ksoftirqd_runs++;
        do_softirq();
        yield();
    }
    return 0;
}

void softirq_init(void)
{
    /* task_create needs only the allocator; the task first runs once the scheduler
     * picks it, after sched_init */
    ksoftirqd = task_create("ksoftirqd", ksoftirqd_fn, NULL);
    if (!ksoftirqd)
        pr_warn("softirq: cannot create ksoftirqd; leftover work waits for the next irq exit\n");
}
