// SOURCES: kernel/time/timer.c kernel/lib/vsprintf.c kernel/lib/string.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_clock.c
/* tests/unit/test_timer.c - the timer wheel against a fake clock: expiry order, never
 * early and never late, re-arming, deleting, re-arming from a callback, timers beyond
 * the wheel's range, slot wrap at every level boundary, and the tick's "is a timer due"
 * check. A reference model (a plain array) is compared with the wheel under random
 * operations. */
#include "tests/unit/unit.h"
#include "tests/unit/xorshift.h"
#include "kernel/time.h"
#include "kernel/softirq.h"

/* --- what the wheel needs from the rest of the kernel --- */
volatile uint64_t jiffies;
static int timer_raises;
static softirq_action_t timer_action;
void raise_softirq_irqoff(enum softirq_nr nr) { if (nr == TIMER_SOFTIRQ) timer_raises++; }
void open_softirq(enum softirq_nr nr, softirq_action_t fn) { if (nr == TIMER_SOFTIRQ) timer_action = fn; }

/* --- a test timer remembers when it ran --- */
struct ttimer {
    struct timer_list t;
    int id;
    int runs;
    uint64_t ran_at;        /* the pass's now */
    uint64_t expected;      /* expires at the time it was armed */
};

#define LOG_MAX 20000
static struct { int id; uint64_t expires; uint64_t now; } run_log[LOG_MAX];
static int nlog;
static uint64_t pass_now;

static void record(struct timer_list *tl)
{
    struct ttimer *x = container_of(tl, struct ttimer, t);
    x->runs++;
    x->ran_at = pass_now;
    if (nlog < LOG_MAX) {
        run_log[nlog].id = x->id;
        run_log[nlog].expires = tl->expires;
        run_log[nlog].now = pass_now;
        nlog++;
    }
}

static void advance(uint64_t now)
{
    pass_now = now;
    jiffies = now;
    timers_run_until(now);
}

/* Start a test on a fresh stretch of the (only ever forward-moving) clock: the next
 * multiple of 2^36 plus off, so tests can pick where in a slot span they begin. */
static uint64_t reset_to(uint64_t off)
{
    uint64_t start = ALIGN_UP(jiffies + 1, 1ull << 36) + off;
    advance(start);
    nlog = 0;
    timer_raises = 0;
    return start;
}

/* x fires at tick e exactly: not in the pass for e - 1, once in the pass for e. */
static void expect_fires_at(struct ttimer *x, uint64_t e)
{
    int before = x->runs;
    advance(e - 1);
    CHECK_EQ(x->runs, before);
    advance(e);
    CHECK_EQ(x->runs, before + 1);
    CHECK_EQ(x->ran_at, e);
}

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void) { return xorshift64(&rng_state); }

TEST(single_timer_exact_tick)
{
    uint64_t B = reset_to(1000);
    struct ttimer a = { .id = 1 };
    timer_setup(&a.t, record, 0);
    CHECK(!timer_pending(&a.t));
    CHECK(!mod_timer(&a.t, B + 5));
    CHECK(timer_pending(&a.t));
    CHECK_EQ(timers_next_expiry(), B + 5);
    expect_fires_at(&a, B + 5);
    CHECK(!timer_pending(&a.t));
    CHECK_EQ(timers_next_expiry(), UINT64_MAX);
    CHECK(timer_action != NULL);     /* the wheel registered its softirq */
}

TEST(random_timers_fire_in_order_never_early_never_late)
{
    uint64_t base = reset_to(5000);
    enum { N = 3000 };
    static struct ttimer tt[N];
    for (int i = 0; i < N; i++) {
        tt[i] = (struct ttimer){ .id = i };
        timer_setup(&tt[i].t, record, 0);
        uint64_t r = rnd();
        uint64_t d;
        switch (r % 4) {               /* spread over every level */
        case 0: d = 1 + (r >> 8 & 254); break;
        case 1: d = 1 + (r >> 8 & 16383); break;
        case 2: d = 1 + (r >> 8 & ((1 << 20) - 1)); break;
        default: d = 1 + (r >> 8 & ((1u << 27) - 1)); break;
        }
        tt[i].expected = base + d;
        mod_timer(&tt[i].t, base + d);
    }
    uint64_t now = base, prev = base - 1;
    int steps = 0;
    while (timers_next_expiry() != UINT64_MAX) {
        uint64_t r = rnd();
        /* mostly small steps, sometimes a big jump (a long softirq delay) */
        uint64_t step = r % 16 == 0 ? r >> 8 & 0xfffff : 1 + (r >> 8) % 300;
        prev = now;
        now += step;
        int before = nlog;
        advance(now);
        for (int k = before; k < nlog; k++) {
            CHECK(run_log[k].expires <= now);          /* never early */
            CHECK(run_log[k].expires > prev);          /* not left over from a pass before */
        }
        steps++;
    }
    CHECK_EQ(nlog, N);
    for (int k = 1; k < nlog; k++)
        CHECK(run_log[k - 1].expires <= run_log[k].expires);
    for (int i = 0; i < N; i++)
        CHECK_EQ(tt[i].runs, 1);
    CHECK(steps > 10);
}

TEST(every_tick_fires_exactly_at_expiry)
{
    uint64_t B = reset_to(77777);    /* mid-slot start */
    enum { N = 600 };
    static struct ttimer tt[N];
    for (int i = 0; i < N; i++) {
        tt[i] = (struct ttimer){ .id = i };
        timer_setup(&tt[i].t, record, 0);
        mod_timer(&tt[i].t, B + 1 + rnd() % 40000);
    }
    for (uint64_t now = B + 1; now <= B + 40000; now++)
        advance(now);
    for (int i = 0; i < N; i++) {
        CHECK_EQ(tt[i].runs, 1);
        CHECK_EQ(tt[i].ran_at, tt[i].t.expires);
    }
}

TEST(level_boundaries_wrap_exactly)
{
    /* distances right at and around every level's span, from starts on and off a slot
     * boundary; each timer must run at its tick and not one tick before */
    static const uint64_t deltas[] = {
        1, 255, 256, 257, 16383, 16384, 16385, (1u << 20) - 1, 1u << 20, (1u << 20) + 1,
        (1u << 26) - 1, 1u << 26, (1u << 26) + 1, (1ull << 32) - 1, 1ull << 32,
        (1ull << 32) + 1, (1ull << 36) + 12345,
    };
    static const uint64_t starts[] = { 1ull << 20, (1ull << 20) + 200, (1ull << 32) - 3, 123456789 };
    for (unsigned s = 0; s < ARRAY_SIZE(starts); s++) {
        for (unsigned i = 0; i < ARRAY_SIZE(deltas); i++) {
            uint64_t B = reset_to(starts[s]);
            struct ttimer a = { .id = 1 }, other = { .id = 2 };
            timer_setup(&a.t, record, 0);
            timer_setup(&other.t, record, 0);
            uint64_t e = B + deltas[i];
            mod_timer(&a.t, e);
            mod_timer(&other.t, B + 3);     /* keeps the wheel busy early on */
            CHECK_EQ(timers_next_expiry(), deltas[i] < 3 ? e : B + 3);
            advance(B + 3);
            CHECK_EQ(other.runs, 1);
            CHECK_EQ(timers_next_expiry(), deltas[i] <= 3 ? UINT64_MAX : e);
            if (deltas[i] > 4) {
                /* walk up to it through a few intermediate passes */
                advance(B + deltas[i] / 3);
                advance(e - 2);
                advance(e - 1);
                CHECK_EQ(a.runs, 0);
                CHECK(timer_pending(&a.t));
                CHECK_EQ(timers_next_expiry(), e);
            }
            advance(MAX(e, B + 3));
            CHECK_EQ(a.runs, 1);
            CHECK_EQ(a.ran_at, MAX(e, B + 3));
            CHECK(!timer_pending(&a.t));
        }
    }
}

TEST(mod_timer_rearms_and_reports_pending)
{
    uint64_t B = reset_to(2000);
    struct ttimer a = { .id = 1 };
    timer_setup(&a.t, record, 0);
    CHECK(!mod_timer(&a.t, B + 100));
    CHECK(mod_timer(&a.t, B + 50));          /* earlier */
    CHECK_EQ(timers_next_expiry(), B + 50);
    CHECK(mod_timer(&a.t, B + 500));          /* later: the earliest moved */
    CHECK_EQ(timers_next_expiry(), B + 500);
    advance(B + 400);
    CHECK_EQ(a.runs, 0);
    CHECK(mod_timer(&a.t, B + 300));          /* now already overdue: runs at the next pass */
    advance(B + 400);
    CHECK_EQ(a.runs, 0);                   /* a pass for the same tick adds nothing new */
    advance(B + 401);
    CHECK_EQ(a.runs, 1);
    CHECK_EQ(a.ran_at, B + 401);
}

TEST(del_timer_stops_it)
{
    uint64_t B = reset_to(3000);
    struct ttimer a = { .id = 1 }, b = { .id = 2 };
    timer_setup(&a.t, record, 0);
    timer_setup(&b.t, record, 0);
    mod_timer(&a.t, B + 10);
    mod_timer(&b.t, B + 20);
    CHECK(del_timer(&a.t));
    CHECK(!del_timer(&a.t));
    CHECK(!timer_pending(&a.t));
    CHECK_EQ(timers_next_expiry(), B + 20);  /* stays exact after deleting the earliest */
    advance(B + 30);
    CHECK_EQ(a.runs, 0);
    CHECK_EQ(b.runs, 1);
    CHECK(!del_timer(&b.t));               /* already ran */
}

/* A periodic timer: re-arms itself from its callback. */
static struct ttimer periodic;
static void periodic_fn(struct timer_list *t)
{
    record(t);
    if (periodic.runs < 10)
        mod_timer(t, t->expires + 7);
}

TEST(rearm_from_callback)
{
    uint64_t B = reset_to(4000);
    periodic = (struct ttimer){ .id = 1 };
    timer_setup(&periodic.t, periodic_fn, 0);
    mod_timer(&periodic.t, B + 7);
    advance(B + 7 * 20);                /* one long catch-up pass runs all ten */
    CHECK_EQ(periodic.runs, 10);
    CHECK_EQ(nlog, 10);
    for (int k = 0; k < nlog; k++)
        CHECK_EQ(run_log[k].expires, B + 7 + 7 * (uint64_t)k);
    CHECK(!timer_pending(&periodic.t));
}

/* A callback that re-arms for "now" must not loop forever inside one pass. */
static struct ttimer selfish;
static void selfish_fn(struct timer_list *t)
{
    record(t);
    mod_timer(t, jiffies);
}

TEST(rearm_for_now_runs_next_pass)
{
    uint64_t B = reset_to(6000);
    selfish = (struct ttimer){ .id = 1 };
    timer_setup(&selfish.t, selfish_fn, 0);
    mod_timer(&selfish.t, B + 1);
    advance(B + 1);
    CHECK_EQ(selfish.runs, 1);
    CHECK(timer_pending(&selfish.t));
    advance(B + 2);
    CHECK_EQ(selfish.runs, 2);
    del_timer(&selfish.t);
}

/* A callback deleting / moving others of the same batch. */
static struct ttimer victim, mover, killer;
static void killer_fn(struct timer_list *t)
{
    record(t);
    CHECK(del_timer(&victim.t));
    CHECK(mod_timer(&mover.t, jiffies + 5));
}

TEST(callback_deletes_and_moves_batch_mates)
{
    uint64_t B = reset_to(7000);
    killer = (struct ttimer){ .id = 1 };
    victim = (struct ttimer){ .id = 2 };
    mover = (struct ttimer){ .id = 3 };
    timer_setup(&killer.t, killer_fn, 0);
    timer_setup(&victim.t, record, 0);
    timer_setup(&mover.t, record, 0);
    mod_timer(&killer.t, B + 10);
    mod_timer(&victim.t, B + 10);
    mod_timer(&mover.t, B + 10);
    advance(B + 10);
    CHECK_EQ(killer.runs, 1);
    CHECK_EQ(victim.runs, 0);
    CHECK_EQ(mover.runs, 0);
    CHECK_EQ(timers_next_expiry(), B + 15);
    advance(B + 15);
    CHECK_EQ(mover.runs, 1);
}

TEST(far_future_beyond_wheel_range)
{
    uint64_t B = reset_to(10);
    struct ttimer a = { .id = 1 }, never = { .id = 2 };
    timer_setup(&a.t, record, 0);
    timer_setup(&never.t, record, 0);
    uint64_t e = B + (1ull << 40) + 3;
    mod_timer(&a.t, e);
    mod_timer(&never.t, UINT64_MAX);       /* "never": stays in the future */
    CHECK_EQ(timers_next_expiry(), e);
    advance(B + (1ull << 33));
    advance(e - 1);
    CHECK_EQ(a.runs, 0);
    CHECK_EQ(timers_next_expiry(), e);
    advance(e);
    CHECK_EQ(a.runs, 1);
    CHECK_EQ(never.runs, 0);
    CHECK(timer_pending(&never.t));
    CHECK(del_timer(&never.t));
    struct timer_stats st;
    timer_get_stats(&st);
    CHECK(st.rebases > 0);                 /* the long gap was skipped, not walked */
    CHECK_EQ(st.pending, 0);
}

TEST(overdue_batch_runs_oldest_first)
{
    uint64_t B = reset_to(20000);
    struct ttimer t1 = { .id = 1 }, t2 = { .id = 2 }, t3 = { .id = 3 };
    timer_setup(&t1.t, record, 0);
    timer_setup(&t2.t, record, 0);
    timer_setup(&t3.t, record, 0);
    mod_timer(&t1.t, B - 10);               /* all in the past, armed newest first */
    mod_timer(&t2.t, B - 1000);
    mod_timer(&t3.t, B);                   /* due now, but the pass for B already ran */
    advance(B + 1);
    CHECK_EQ(nlog, 3);
    CHECK_EQ(run_log[0].id, 2);
    CHECK_EQ(run_log[1].id, 1);
    CHECK_EQ(run_log[2].id, 3);
}

TEST(tick_raises_only_when_due)
{
    reset_to(30000);
    struct ttimer a = { .id = 1 }, b = { .id = 2 };
    timer_setup(&a.t, record, 0);
    timer_setup(&b.t, record, 0);
    for (int i = 0; i < 100; i++) {        /* empty wheel: never raised */
        jiffies++;
        timer_tick();
    }
    CHECK_EQ(timer_raises, 0);
    uint64_t now = jiffies;
    mod_timer(&a.t, now + 50);
    mod_timer(&b.t, now + 20000);          /* far: cascades on the way must not raise */
    for (int i = 0; i < 20000; i++) {
        jiffies++;
        timer_tick();
        if (timer_raises) {                /* the softirq runs right away */
            pass_now = jiffies;
            timer_action();
            CHECK(jiffies == now + 50 || jiffies == now + 20000);
            timer_raises = 0;
        }
    }
    CHECK_EQ(a.runs, 1);
    CHECK_EQ(a.ran_at, now + 50);
    CHECK_EQ(b.runs, 1);
    CHECK_EQ(b.ran_at, now + 20000);
}

/* The TCP pattern: a retransmission timer pushed later on every ACK, many times per
 * tick, beside a delayed-ACK timer armed and deleted. The earliest moves later each
 * time; next_expiry must still read exact, and the tick must raise the softirq only when
 * a timer is really due. */
TEST(rearm_later_each_ack_stays_exact_and_never_spurious)
{
    reset_to(40000);
    struct ttimer rto = { .id = 1 }, dack = { .id = 2 };
    timer_setup(&rto.t, record, 0);
    timer_setup(&dack.t, record, 0);
    uint64_t start = jiffies, last = 0;
    for (int tick = 0; tick < 600; tick++) {
        for (int ack = 0; ack < 20; ack++) {
            last = jiffies + 200 + (uint64_t)(ack % 3);
            mod_timer(&rto.t, last);
            if (ack % 2)
                mod_timer(&dack.t, jiffies + 40);
            else
                del_timer(&dack.t);
        }
        /* the last ACK of each round (odd) armed the delayed ACK, the earliest */
        CHECK_EQ(timers_next_expiry(), jiffies + 40);
        CHECK(timer_pending(&dack.t));
        CHECK(del_timer(&dack.t));
        CHECK_EQ(timers_next_expiry(), last);
        mod_timer(&dack.t, jiffies + 40);
        jiffies++;
        timer_tick();
        CHECK_EQ(timer_raises, 0);          /* nothing is ever due: never raised */
    }
    CHECK_EQ(rto.runs, 0);
    CHECK_EQ(dack.runs, 0);
    CHECK(del_timer(&dack.t));
    /* the ACKs stop: the last expiry is the one that fires, at its tick */
    for (int i = 0; i < 400 && !rto.runs; i++) {
        jiffies++;
        timer_tick();
        if (timer_raises) {
            pass_now = jiffies;
            timer_action();
            timer_raises = 0;
        }
    }
    CHECK_EQ(rto.runs, 1);
    CHECK_EQ(rto.ran_at, last);
    CHECK(rto.ran_at > start);
    CHECK_EQ(timers_next_expiry(), UINT64_MAX);
}

/* Re-arming within one bucket of a higher level only changes the expiry: the timer
 * still fires at exactly the new tick, earlier or later than before; the same expiry
 * leaves it alone and reports it pending. */
TEST(rearm_within_bucket_fires_at_new_expiry)
{
    uint64_t B = reset_to(0);                /* on a level-1 span boundary */
    struct ttimer a = { .id = 1 }, b = { .id = 2 };
    timer_setup(&a.t, record, 0);
    timer_setup(&b.t, record, 0);
    CHECK(!mod_timer(&a.t, B + 1000));       /* level 1: slots of 256 ticks */
    CHECK(mod_timer(&a.t, B + 1000));        /* same expiry: pending, unchanged */
    CHECK(mod_timer(&a.t, B + 1020));        /* same slot, later */
    CHECK_EQ(timers_next_expiry(), B + 1020);
    CHECK(mod_timer(&a.t, B + 980));         /* same slot, earlier */
    CHECK_EQ(timers_next_expiry(), B + 980);
    mod_timer(&b.t, B + 5000);               /* level 2 */
    CHECK(mod_timer(&b.t, B + 5001));
    expect_fires_at(&a, B + 980);
    expect_fires_at(&b, B + 5001);
}

/* A callback moves a batch-mate a full level-0 turn later: same slot index, but it is
 * on the pass's work list, not in the slot, so it must really move and not run now. */
static struct ttimer mate;
static void push_mate(struct timer_list *t)
{
    record(t);
    CHECK(mod_timer(&mate.t, t->expires + 256));
}
TEST(callback_moves_batch_mate_a_turn_later)
{
    uint64_t B = reset_to(5000);
    struct ttimer a = { .id = 1 };
    mate = (struct ttimer){ .id = 2 };
    timer_setup(&a.t, push_mate, 0);
    timer_setup(&mate.t, record, 0);
    mod_timer(&a.t, B + 10);
    mod_timer(&mate.t, B + 10);
    advance(B + 10);
    CHECK_EQ(a.runs, 1);
    CHECK_EQ(mate.runs, 0);
    CHECK(timer_pending(&mate.t));
    CHECK_EQ(timers_next_expiry(), B + 266);
    expect_fires_at(&mate, B + 266);
}

/* Random operations against a plain-array model of the pending set. */
TEST(model_random_operations)
{
    uint64_t now = reset_to(1ull << 24);
    enum { N = 400 };
    static struct ttimer tt[N];
    static bool armed[N];
    static uint64_t exp[N];
    for (int i = 0; i < N; i++) {
        tt[i] = (struct ttimer){ .id = i };
        timer_setup(&tt[i].t, record, 0);
        armed[i] = false;
    }
    for (int op = 0; op < 60000; op++) {
        uint64_t r = rnd();
        int i = (int)(r % N);
        switch ((r >> 16) % 8) {
        case 0: case 1: case 2: {          /* arm or re-arm, sometimes overdue */
            uint64_t d = (r >> 24) % ((r >> 40) % 3 == 0 ? 300 : 70000);
            uint64_t e = (r >> 59) == 0 ? now - d % (now - 1) : now + d;
            CHECK_EQ(mod_timer(&tt[i].t, e), armed[i]);
            armed[i] = true;
            exp[i] = e;
            break;
        }
        case 3:
            CHECK_EQ(del_timer(&tt[i].t), armed[i]);
            armed[i] = false;
            break;
        default: {                         /* advance and compare what ran */
            uint64_t step = (r >> 24) % ((r >> 50) % 8 == 0 ? 20000 : 40);
            now += step;
            nlog = 0;
            advance(now);
            for (int k = 0; k < nlog; k++) {
                int id = run_log[k].id;
                CHECK(armed[id]);
                CHECK(exp[id] <= now);
                /* overdue ones first (oldest first), then tick by tick */
                CHECK(k == 0 || run_log[k].expires >= run_log[k - 1].expires);
                armed[id] = false;
            }
            /* nothing due stays behind once the clock has moved on: every timer at or
             * before now has run (one armed overdue after a pass at this same tick runs
             * at the next one, as in Linux) */
            for (int k = 0; step && k < N; k++)
                CHECK(!(armed[k] && exp[k] <= now));
            break;
        }
        }
        /* the model and the wheel agree on what is pending and on the earliest expiry */
        uint64_t min = UINT64_MAX;
        for (int k = 0; k < N; k++) {
            CHECK(timer_pending(&tt[k].t) == armed[k]);
            if (armed[k] && exp[k] < min)
                min = exp[k];
        }
        CHECK_EQ(timers_next_expiry(), min);
        if (unit_failed_checks > 20)
            break;
    }
    for (int k = 0; k < N; k++)
        del_timer(&tt[k].t);
}

TEST(unset_timer_is_refused)
{
    struct timer_list t;
    timer_setup(&t, NULL, 0);
    CHECK(!mod_timer(&t, jiffies + 5));
    CHECK(!timer_pending(&t));
    struct timer_stats st;
    timer_get_stats(&st);
    CHECK(st.bad_timers >= 1);
}
