/* kernel/softirq_ktest.c - in-kernel tests of softirqs (test=softirq): raised from a
 * real hard interrupt (LAPIC self-IPI) they run after its exit, outside hard-irq
 * context, with interrupts on, counted; local_bh_disable holds them back; they never
 * nest; a flood is cut short and finished by ksoftirqd.
 *
 * The tests borrow TASKLET_SOFTIRQ and chain to whatever handler owned it before. */
#include "kernel/ktest.h"
#include "kernel/softirq.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/x86.h"

static softirq_action_t saved_action;
static void (*probe)(void);
static DECLARE_WAIT_QUEUE_HEAD(probe_wq);

static void borrowed_tasklet(void)
{
    if (probe)
        probe();
    if (saved_action)
        saved_action();
}

static void borrow(void (*fn)(void))
{
    saved_action = softirq_get_action(TASKLET_SOFTIRQ);
    probe = fn;
    open_softirq(TASKLET_SOFTIRQ, borrowed_tasklet);
}

static void give_back(void)
{
    open_softirq(TASKLET_SOFTIRQ, saved_action);
    probe = NULL;
}

/* --- raised by a hard interrupt --- */
static struct {
    volatile int hard_calls, soft_runs;
    bool hard_in_irq;
    bool soft_in_irq, soft_in_softirq, soft_irqs_off;
    uint64_t soft_order_ok;
} ipi;

static void ipi_handler(void *data __unused, struct pt_regs *regs __unused)
{
    ipi.hard_calls++;
    ipi.hard_in_irq = in_irq();
    raise_softirq(TASKLET_SOFTIRQ);
}

static void ipi_probe(void)
{
    ipi.soft_runs++;
    ipi.soft_in_irq = in_irq();
    ipi.soft_in_softirq = in_softirq();
    ipi.soft_irqs_off = irqs_disabled();
    ipi.soft_order_ok = ipi.hard_calls > 0;
    wake_up(&probe_wq);                       /* wake-ups work from softirq context */
}

KTEST(softirq, raised_from_hard_irq_runs_outside_it)
{
    int v = irq_alloc_vector();
    KT_ASSERT(v > 0);
    KT_EXPECT_EQ(request_vector(v, ipi_handler, NULL, "ktest-softirq"), 0);
    borrow(ipi_probe);
    uint64_t before = softirq_count(TASKLET_SOFTIRQ);
    lapic_send_self_ipi(v);
    bool ok = wait_event_timeout(probe_wq, ipi.soft_runs > 0, 200 * NSEC_PER_MSEC);
    give_back();
    free_vector(v);
    irq_free_vector(v);
    KT_ASSERT_MSG(ok, "softirq never ran (hard handler ran %d times)", ipi.hard_calls);
    KT_EXPECT_EQ(ipi.hard_calls, 1);
    KT_ASSERT(ipi.hard_in_irq);
    KT_ASSERT(ipi.soft_order_ok);
    KT_ASSERT(!ipi.soft_in_irq);
    KT_ASSERT(ipi.soft_in_softirq);
    KT_ASSERT(!ipi.soft_irqs_off);
    KT_ASSERT(softirq_count(TASKLET_SOFTIRQ) >= before + 1);
    KT_ASSERT(!in_softirq());
}

/* --- local_bh_disable --- */
static volatile int bh_runs;
static void bh_probe(void) { bh_runs++; }

KTEST(softirq, bh_disable_holds_back_until_enable)
{
    borrow(bh_probe);
    bh_runs = 0;
    local_bh_disable();
    raise_softirq(TASKLET_SOFTIRQ);
    do_softirq();                             /* refused */
    mdelay(3);                                /* ticks come and go; their exits refuse too */
    int held = bh_runs;
    local_bh_enable();                        /* runs what was raised inside */
    int after = bh_runs;
    give_back();
    KT_EXPECT_EQ(held, 0);
    KT_EXPECT_EQ(after, 1);
    KT_ASSERT(!softirq_bh_disabled());
}

/* --- no nesting: an interrupt during a softirq raises it again --- */
static struct {
    volatile int runs, depth, max_depth, hard_calls;
    int vector;
} nest;

static void nest_hard(void *data __unused, struct pt_regs *regs __unused)
{
    nest.hard_calls++;
    raise_softirq_irqoff(TASKLET_SOFTIRQ);
}

static void nest_probe(void)
{
    nest.depth++;
    if (nest.depth > nest.max_depth)
        nest.max_depth = nest.depth;
    if (nest.runs++ == 0) {
        /* interrupts are on in here: the IPI arrives at once, its exit must not
         * start a second pass on top of this one */
        lapic_send_self_ipi(nest.vector);
        uint64_t end = ktime_get_ns() + 50 * NSEC_PER_MSEC;
        while (!nest.hard_calls && ktime_get_ns() < end)
            cpu_relax();
    }
    nest.depth--;
    wake_up(&probe_wq);
}

KTEST(softirq, never_nested_rerun_by_restart)
{
    nest.vector = irq_alloc_vector();
    KT_ASSERT(nest.vector > 0);
    KT_EXPECT_EQ(request_vector(nest.vector, nest_hard, NULL, "ktest-nest"), 0);
    borrow(nest_probe);
    raise_softirq(TASKLET_SOFTIRQ);
    do_softirq();
    bool ok = wait_event_timeout(probe_wq, nest.runs >= 2, 200 * NSEC_PER_MSEC);
    give_back();
    free_vector(nest.vector);
    irq_free_vector(nest.vector);
    KT_ASSERT_MSG(ok, "runs %d, hard %d", nest.runs, nest.hard_calls);
    KT_EXPECT_EQ(nest.hard_calls, 1);
    KT_EXPECT_EQ(nest.max_depth, 1);
    KT_EXPECT_EQ(nest.runs, 2);
}

/* --- a flood is bounded and finished by ksoftirqd --- */
#define FLOOD_RUNS 200
static volatile int flood_runs, flood_in_ksoftirqd;

static void flood_probe(void)
{
    if (strcmp(current->name, "ksoftirqd") == 0)
        flood_in_ksoftirqd++;
    if (++flood_runs < FLOOD_RUNS)
        raise_softirq(TASKLET_SOFTIRQ);       /* keeps the pass busy */
    else
        wake_up(&probe_wq);
}

KTEST(softirq, flood_deferred_to_ksoftirqd)
{
    borrow(flood_probe);
    flood_runs = flood_in_ksoftirqd = 0;
    uint64_t deferred = softirq_deferrals();
    uint64_t before = softirq_count(TASKLET_SOFTIRQ);
    /* interrupts off around it, so that exactly one pass (ours) runs first */
    local_irq_disable();
    raise_softirq_irqoff(TASKLET_SOFTIRQ);
    do_softirq();
    int first_pass = flood_runs;
    local_irq_enable();
    bool ok = wait_event_timeout(probe_wq, flood_runs >= FLOOD_RUNS, 2000 * NSEC_PER_MSEC);
    give_back();
    KT_ASSERT_MSG(ok, "flood stopped at %d runs", flood_runs);
    KT_ASSERT_MSG(first_pass <= 10, "one pass ran %d rounds", first_pass);
    KT_ASSERT(softirq_deferrals() > deferred);
    KT_EXPECT_EQ(softirq_count(TASKLET_SOFTIRQ) - before, FLOOD_RUNS);
    KT_ASSERT_MSG(flood_in_ksoftirqd > 0, "ksoftirqd never ran the leftover work");
}

KTEST(softirq, names_counts_and_stats)
{
    static const char *const want[] = { "HI", "TIMER", "NET_TX", "NET_RX", "TASKLET" };
    for (int i = 0; i < NR_SOFTIRQS; i++)
        KT_ASSERT_MSG(strcmp(softirq_name(i), want[i]) == 0, "name %d is %s", i,
                      softirq_name(i));
    KT_EXPECT_EQ(softirq_count(NR_SOFTIRQS), 0);         /* out of range: no crash */
    raise_softirq(NR_SOFTIRQS + 3);                       /* counted and ignored */
    uint64_t timer_before = softirq_count(TIMER_SOFTIRQ);
    msleep(5);                                            /* one timer: TIMER runs */
    KT_ASSERT(softirq_count(TIMER_SOFTIRQ) > timer_before);
    softirq_print_stats();
}
