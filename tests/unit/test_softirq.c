// SOURCES: kernel/softirq.c kernel/lib/vsprintf.c kernel/lib/string.c kernel/printk.c tests/unit/fake_console.c
/* tests/unit/test_softirq.c - softirq bookkeeping without a machine: handlers run in
 * number order and are counted, a pass refuses to start inside a hard irq, inside
 * another pass or under local_bh_disable, a pass restarts at most 10 times or 2 ms (fake
 * clock) and then defers to ksoftirqd, and bad numbers are counted, not followed. */
#include "tests/unit/unit.h"
#include "kernel/softirq.h"
#include "kernel/sched.h"
#include "kernel/irq.h"
#include "kernel/time.h"

/* --- what softirq.c needs from the rest of the kernel --- */
unsigned int hardirq_depth;
struct task *current;
static struct task fake_ksoftirqd;
static int ksoftirqd_wakes;
static uint64_t fake_ns;
uint64_t ktime_get_ns(void) { return fake_ns; }
struct task *task_create(const char *name, int (*fn)(void *), void *arg) { return &fake_ksoftirqd; }
void wake_up_process(struct task *t) { if (t == &fake_ksoftirqd) ksoftirqd_wakes++; }
void schedule(void) {}
void yield(void) {}

static char order[64];
static int norder;
static int reraise_left;
static uint64_t ns_per_run;
static bool saw_in_softirq, nested_ran;

static void note(char c)
{
    if (norder < (int)sizeof(order) - 1)
        order[norder++] = c;
    order[norder] = 0;
    fake_ns += ns_per_run;
    saw_in_softirq = in_softirq();
}
static void hi(void) { note('h'); }
static void timer(void) { note('t'); }
static void net_rx(void) { note('r'); }
static void tasklet(void)
{
    note('k');
    if (reraise_left > 0) {
        reraise_left--;
        raise_softirq(TASKLET_SOFTIRQ);
    }
}
static void nest_try(void)
{
    note('n');
    raise_softirq(HI_SOFTIRQ);
    do_softirq();                  /* must not start a pass inside this one */
    nested_ran = norder > 1;
}

static void setup(void)
{
    static bool once;
    if (!once) {
        softirq_init();
        once = true;
    }
    while (softirq_pending())
        do_softirq();
    open_softirq(HI_SOFTIRQ, hi);
    open_softirq(TIMER_SOFTIRQ, timer);
    open_softirq(NET_RX_SOFTIRQ, net_rx);
    open_softirq(TASKLET_SOFTIRQ, tasklet);
    open_softirq(NET_TX_SOFTIRQ, NULL);
    norder = 0;
    order[0] = 0;
    reraise_left = 0;
    ns_per_run = 0;
    ksoftirqd_wakes = 0;
    hardirq_depth = 0;
}

TEST(runs_in_number_order_and_counts)
{
    setup();
    uint64_t c_hi = softirq_count(HI_SOFTIRQ), c_rx = softirq_count(NET_RX_SOFTIRQ);
    raise_softirq(NET_RX_SOFTIRQ);
    raise_softirq(HI_SOFTIRQ);
    raise_softirq(TIMER_SOFTIRQ);
    raise_softirq(HI_SOFTIRQ);      /* twice before a pass: runs once */
    CHECK(softirq_pending());
    do_softirq();
    CHECK_STR(order, "htr");
    CHECK(!softirq_pending());
    CHECK_EQ(softirq_count(HI_SOFTIRQ), c_hi + 1);
    CHECK_EQ(softirq_count(NET_RX_SOFTIRQ), c_rx + 1);
    CHECK(saw_in_softirq);
    CHECK(!in_softirq());
}

TEST(refused_in_hard_irq_and_under_bh_disable)
{
    setup();
    hardirq_depth = 1;
    raise_softirq(TIMER_SOFTIRQ);
    do_softirq();
    CHECK_STR(order, "");
    hardirq_depth = 0;
    local_bh_disable();
    local_bh_disable();
    do_softirq();
    CHECK_STR(order, "");
    CHECK(softirq_bh_disabled());
    local_bh_enable();
    CHECK_STR(order, "");           /* still disabled once */
    local_bh_enable();              /* the last enable runs the pending work */
    CHECK_STR(order, "t");
    CHECK(!softirq_bh_disabled());
    local_bh_enable();              /* unbalanced: warned and ignored */
    CHECK(!softirq_bh_disabled());
}

TEST(never_nested)
{
    setup();
    open_softirq(TASKLET_SOFTIRQ, nest_try);
    raise_softirq(TASKLET_SOFTIRQ);
    do_softirq();
    CHECK(!nested_ran);
    CHECK_STR(order, "nh");         /* the inner raise ran on the restart */
}

TEST(restart_limit_defers_to_ksoftirqd)
{
    setup();
    uint64_t deferred = softirq_deferrals();
    reraise_left = 100;
    raise_softirq(TASKLET_SOFTIRQ);
    int wakes_before = ksoftirqd_wakes;
    do_softirq();
    CHECK_EQ(norder, 10);           /* first round plus nine restarts */
    CHECK(softirq_pending());
    CHECK_EQ(softirq_deferrals(), deferred + 1);
    CHECK(ksoftirqd_wakes > wakes_before);
    while (softirq_pending())       /* what ksoftirqd would do */
        do_softirq();
    CHECK_EQ(reraise_left, 0);
}

TEST(time_limit_defers_to_ksoftirqd)
{
    setup();
    uint64_t deferred = softirq_deferrals();
    reraise_left = 100;
    ns_per_run = 700 * 1000;        /* 0.7 ms per run: the 2 ms budget allows 3 rounds */
    raise_softirq(TASKLET_SOFTIRQ);
    do_softirq();
    CHECK_EQ(norder, 3);
    CHECK_EQ(softirq_deferrals(), deferred + 1);
    ns_per_run = 0;
    while (softirq_pending())
        do_softirq();
}

TEST(bad_numbers_and_missing_handlers)
{
    setup();
    raise_softirq(NR_SOFTIRQS);
    raise_softirq((enum softirq_nr)-1);
    open_softirq(NR_SOFTIRQS + 2, hi);
    CHECK(!softirq_pending());
    CHECK_EQ(softirq_count(NR_SOFTIRQS), 0);
    CHECK_STR(softirq_name(NR_SOFTIRQS), "?");
    CHECK(softirq_get_action(NR_SOFTIRQS) == NULL);
    uint64_t tx = softirq_count(NET_TX_SOFTIRQ);
    raise_softirq(NET_TX_SOFTIRQ);  /* no handler: counted as run and as unhandled */
    do_softirq();
    CHECK_EQ(softirq_count(NET_TX_SOFTIRQ), tx + 1);
    CHECK_STR(softirq_name(NET_TX_SOFTIRQ), "NET_TX");
    softirq_print_stats();
}

TEST(raise_from_task_context_wakes_ksoftirqd)
{
    setup();
    raise_softirq(TIMER_SOFTIRQ);
    CHECK_EQ(ksoftirqd_wakes, 1);
    hardirq_depth = 1;               /* from a hard irq: its exit will run it */
    raise_softirq(TIMER_SOFTIRQ);
    CHECK_EQ(ksoftirqd_wakes, 1);
    hardirq_depth = 0;
    do_softirq();
}
