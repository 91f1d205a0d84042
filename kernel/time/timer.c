/* kernel/time/timer.c - the timer wheel behind timer_setup/mod_timer/del_timer.
 *
 * A cascading wheel in the classic shape: level 0 has 256 one-tick slots, levels 1..4
 * have 64 slots each, every slot of level L spanning 2^(8+6(L-1)) ticks. A timer goes to
 * the lowest level whose span covers its distance from the wheel clock; when level 0
 * wraps, the next slot of level 1 is emptied and its timers re-added (cascaded) one level
 * down, and so on up. Cascading (rather than the rounding wheel Linux uses today) keeps
 * every timer exact: one that expires at jiffies J runs in the pass that processes tick J,
 * never earlier and never later than the first TIMER softirq at or after J.
 *
 * The wheel clock (clk) is the next tick still to process. It only moves while timers
 * run, so timer_tick() raises TIMER_SOFTIRQ only when the earliest pending timer is due;
 * the catch-up pass then skips empty stretches with the slot bitmaps and, when the next
 * timer is far away, re-buckets the few pending timers at a later clock instead of
 * walking every tick.
 *
 * Re-arming is the hot case (TCP moves its retransmission timer on every ACK): a timer
 * re-armed for the same expiry is left alone, one that stays in its bucket only gets its
 * new expiry, and when the earliest timer moves later or goes away, next_expiry is kept
 * as a lower bound and marked stale instead of being searched for at once. It is made
 * exact when someone asks (timers_next_expiry) or when the tick reaches it, so the
 * search runs at most once per tick, not once per re-arm.
 *
 * jiffies is 64 bits wide and never wraps, so expiries compare as plain numbers: a far
 * value such as UINT64_MAX stays in the future instead of turning into the past.
 *
 * Everything here is plain logic over jiffies values so that tests/unit/test_timer.c can
 * drive it with a fake clock (WP_HOSTED). Lists are touched with interrupts off: timers
 * are armed from tasks, softirqs and interrupt handlers alike. */
#include "kernel/time.h"
#include "kernel/softirq.h"
#include "kernel/arch/x86.h"

#define L0_BITS    8
#define L0_SIZE    (1u << L0_BITS)
#define LN_BITS    6
#define LN_SIZE    (1u << LN_BITS)
#define LN_LEVELS  4
#define NBUCKETS   (L0_SIZE + LN_LEVELS * LN_SIZE)
/* Farthest distance the top level can hold; later timers are parked at this distance
 * and re-cascaded until they come in range. */
#define MAX_DELTA  ((1ull << (L0_BITS + LN_LEVELS * LN_BITS)) - 1)
/* Skip distance beyond which re-bucketing beats walking the wheel slot by slot. */
#define REBASE_GAP (1ull << (L0_BITS + LN_BITS))

/* t->flags: low bits remember the bucket, so del_timer can keep the bitmaps exact. */
#define TIMER_BUCKET_MASK 0xffffu
#define TIMER_NO_BUCKET   TIMER_BUCKET_MASK   /* on a pass's work list */

static struct {
    bool ready;
    bool running;                      /* inside timers_run_until (never nested) */
    uint64_t clk;                      /* next tick to process */
    uint64_t next_expiry;              /* earliest pending expiry, or a lower bound */
    bool next_stale;                   /* next_expiry may be below the true earliest */
    uint64_t npending;
    struct list_head bucket[NBUCKETS]; /* level 0 first, then levels 1..4 */
    uint64_t bitmap[NBUCKETS / 64];    /* non-empty buckets */
    struct timer_stats stats;
} wheel;

static unsigned level_shift(unsigned level)   /* level >= 1 */
{
    return L0_BITS + (level - 1) * LN_BITS;
}
static unsigned level_base(unsigned level)    /* first bucket of a level >= 1 */
{
    return L0_SIZE + (level - 1) * LN_SIZE;
}

static void run_timer_softirq(void)
{
    timers_run_until(jiffies);
}

static void wheel_init(void)
{
    if (wheel.ready)
        return;
    for (unsigned i = 0; i < NBUCKETS; i++)
        INIT_LIST_HEAD(&wheel.bucket[i]);
    wheel.clk = jiffies;
    wheel.next_expiry = UINT64_MAX;
    wheel.ready = true;
    open_softirq(TIMER_SOFTIRQ, run_timer_softirq);
}

static void bucket_mark(unsigned b) { wheel.bitmap[b / 64] |= BIT64(b % 64); }
static void bucket_clear(unsigned b) { wheel.bitmap[b / 64] &= ~BIT64(b % 64); }
static bool bucket_busy(unsigned b) { return wheel.bitmap[b / 64] & BIT64(b % 64); }

/* Which bucket a timer belongs in, relative to the current wheel clock. */
static unsigned bucket_for(uint64_t expires)
{
    if (expires < wheel.clk)                     /* already due: run at the next pass */
        return wheel.clk & (L0_SIZE - 1);
    uint64_t delta = expires - wheel.clk;
    if (delta < L0_SIZE)
        return expires & (L0_SIZE - 1);
    if (delta > MAX_DELTA) {
        delta = MAX_DELTA;
        expires = wheel.clk + delta;
    }
    for (unsigned level = 1; level < LN_LEVELS; level++)
        if (delta < 1ull << level_shift(level + 1))
            return level_base(level) + ((expires >> level_shift(level)) & (LN_SIZE - 1));
    return level_base(LN_LEVELS) + ((expires >> level_shift(LN_LEVELS)) & (LN_SIZE - 1));
}

static void enqueue(struct timer_list *t)
{
    unsigned b = bucket_for(t->expires);
    list_add_tail(&t->entry, &wheel.bucket[b]);
    bucket_mark(b);
    t->flags = (t->flags & ~TIMER_BUCKET_MASK) | b;
}

/* Unlink a pending timer. It may sit in a bucket or on a pass's work list. */
static void detach(struct timer_list *t)
{
    unsigned b = t->flags & TIMER_BUCKET_MASK;
    list_del_init(&t->entry);
    if (b < NBUCKETS && list_empty(&wheel.bucket[b]))
        bucket_clear(b);
    wheel.npending--;
}

/* First busy bucket of a level when walking its slots in time order from index `from`
 * (inclusive) for `count` slots; returns the slot offset or -1. */
static int first_busy(unsigned base, unsigned size, unsigned from, unsigned count)
{
    for (unsigned d = 0; d < count; d++) {
        unsigned slot = (from + d) & (size - 1);
        unsigned b = base + slot;
        if (!wheel.bitmap[b / 64]) {           /* skip the rest of an empty word */
            unsigned skip = 63 - b % 64;
            if (skip > count - d - 1)
                skip = count - d - 1;
            /* stay inside this level's slot range */
            if (skip > size - 1 - slot)
                skip = size - 1 - slot;
            d += skip;
            continue;
        }
        if (bucket_busy(b))
            return (int)d;
    }
    return -1;
}

/* The exact earliest expiry among bucketed timers (UINT64_MAX when none). Level 0 slots
 * hold one expiry each (clk + offset); a higher level's first busy slot in time order
 * holds that level's earliest timers, found by looking at that one list. */
static uint64_t wheel_earliest(void)
{
    if (!wheel.npending)
        return UINT64_MAX;
    uint64_t best = UINT64_MAX;
    unsigned idx = wheel.clk & (L0_SIZE - 1);
    int d = first_busy(0, L0_SIZE, idx, L0_SIZE);
    struct timer_list *t;
    if (d == 0) {
        /* the current slot also holds timers armed when already overdue */
        list_for_each_entry(t, &wheel.bucket[idx], entry)
            if (t->expires < best)
                best = t->expires;
        return best;
    }
    if (d > 0)
        best = wheel.clk + (unsigned)d;
    for (unsigned level = 1; level <= LN_LEVELS; level++) {
        unsigned shift = level_shift(level);
        unsigned cur = (wheel.clk >> shift) & (LN_SIZE - 1);
        /* The current slot is cascaded when clk reaches the start of its span; until
         * then (clk exactly on the boundary) it holds the nearest timers, afterwards
         * the farthest ones (one full level turn away). */
        bool on_boundary = (wheel.clk & ((1ull << shift) - 1)) == 0;
        unsigned from = on_boundary ? cur : cur + 1;
        d = first_busy(level_base(level), LN_SIZE, from & (LN_SIZE - 1), LN_SIZE);
        if (d < 0)
            continue;
        unsigned b = level_base(level) + ((from + (unsigned)d) & (LN_SIZE - 1));
        list_for_each_entry(t, &wheel.bucket[b], entry)
            if (t->expires < best)
                best = t->expires;
    }
    return best;
}

static void cascade_bucket(unsigned b)
{
    struct list_head list;
    if (!bucket_busy(b))
        return;
    INIT_LIST_HEAD(&list);
    /* move the whole bucket aside, then re-add each timer at the new clock */
    list.next = wheel.bucket[b].next;
    list.prev = wheel.bucket[b].prev;
    list.next->prev = &list;
    list.prev->next = &list;
    INIT_LIST_HEAD(&wheel.bucket[b]);
    bucket_clear(b);
    while (!list_empty(&list)) {
        struct timer_list *t = list_first_entry(&list, struct timer_list, entry);
        list_del_init(&t->entry);
        enqueue(t);
        wheel.stats.cascaded++;
    }
}

/* Called with clk on a level-0 wrap: pull the next span of each level down. */
static void cascade(void)
{
    for (unsigned level = 1; level <= LN_LEVELS; level++) {
        unsigned shift = level_shift(level);
        unsigned slot = (wheel.clk >> shift) & (LN_SIZE - 1);
        cascade_bucket(level_base(level) + slot);
        if (slot != 0)
            break;
    }
}

/* Re-bucket every pending timer relative to a later clock (no timer expires before it). */
static void rebase(uint64_t new_clk)
{
    struct list_head all;
    INIT_LIST_HEAD(&all);
    for (unsigned b = 0; b < NBUCKETS; b++) {
        if (!bucket_busy(b))
            continue;
        while (!list_empty(&wheel.bucket[b])) {
            struct list_head *n = wheel.bucket[b].next;
            list_del_init(n);
            list_add_tail(n, &all);
        }
        bucket_clear(b);
    }
    wheel.clk = new_clk;
    while (!list_empty(&all)) {
        struct timer_list *t = list_first_entry(&all, struct timer_list, entry);
        list_del_init(&t->entry);
        enqueue(t);
    }
    wheel.stats.rebases++;
}

/* Stable sort of a due batch by expiry: a slot normally holds one expiry, but timers that
 * were armed already overdue share the current slot and must still run oldest first. */
static void sort_batch(struct list_head *batch)
{
    struct list_head sorted;
    INIT_LIST_HEAD(&sorted);
    while (!list_empty(batch)) {
        struct timer_list *t = list_first_entry(batch, struct timer_list, entry);
        list_del_init(&t->entry);
        struct list_head *pos = sorted.prev;   /* walk back from the tail: O(n) when sorted */
        while (pos != &sorted &&
               list_entry(pos, struct timer_list, entry)->expires > t->expires)
            pos = pos->prev;
        __list_add(&t->entry, pos, pos->next);
    }
    if (list_empty(&sorted))
        return;
    batch->next = sorted.next;
    batch->prev = sorted.prev;
    batch->next->prev = batch;
    batch->prev->next = batch;
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), uint32_t flags)
{
    INIT_LIST_HEAD(&t->entry);
    t->expires = 0;
    t->function = fn;
    t->flags = flags & ~TIMER_BUCKET_MASK;
}

bool timer_pending(const struct timer_list *t)
{
    return list_linked(&t->entry);
}

/* The timer that set next_expiry moved later or went away: the old value stays a valid
 * lower bound; the search for the new earliest waits until it is needed. (A pass that is
 * running recomputes next_expiry when it ends anyway.) */
static void earliest_left(const struct timer_list *t)
{
    if (t->expires == wheel.next_expiry && !wheel.running)
        wheel.next_stale = true;
}

/* A timer now pending at expires: a new minimum is exact whatever came before, because
 * every other timer is at or above the old bound. */
static void earliest_arrived(uint64_t expires)
{
    if (expires <= wheel.next_expiry) {
        wheel.next_expiry = expires;
        wheel.next_stale = false;
    }
}

/* next_expiry made exact (called with interrupts off). */
static uint64_t next_expiry_exact(void)
{
    if (wheel.next_stale && !wheel.running) {
        wheel.next_expiry = wheel_earliest();
        wheel.next_stale = false;
    }
    return wheel.next_expiry;
}

bool mod_timer(struct timer_list *t, uint64_t expires)
{
    unsigned long flags = local_irq_save();
    wheel_init();
    bool was_pending = timer_pending(t);
    if (!t->function) {                        /* never set up: refuse, count it */
        if (was_pending) {
            earliest_left(t);
            detach(t);
        }
        wheel.stats.bad_timers++;
        local_irq_restore(flags);
        return was_pending;
    }
    wheel.stats.armed++;
    if (was_pending) {
        if (t->expires == expires) {           /* nothing moves */
            local_irq_restore(flags);
            return true;
        }
        earliest_left(t);
        unsigned b = t->flags & TIMER_BUCKET_MASK;
        if (b < NBUCKETS && bucket_for(expires) == b) {
            /* Same bucket: a level-0 slot holds one expiry (or the overdue ones, sorted
             * when they run) and a higher level's timers are re-bucketed from their own
             * expiry when cascaded, so the new value alone is enough. */
            t->expires = expires;
            earliest_arrived(expires);
            local_irq_restore(flags);
            return true;
        }
        detach(t);
    }
    /* An empty wheel may have fallen far behind jiffies: bring it forward so a new timer
     * is bucketed relative to now, not to the last time timers ran. */
    if (!wheel.npending && !wheel.running && wheel.clk < jiffies)
        wheel.clk = jiffies;
    t->expires = expires;
    enqueue(t);
    wheel.npending++;
    earliest_arrived(expires);
    local_irq_restore(flags);
    return was_pending;
}

bool del_timer(struct timer_list *t)
{
    unsigned long flags = local_irq_save();
    bool was_pending = timer_pending(t);
    if (was_pending) {
        earliest_left(t);
        detach(t);
        wheel.stats.deleted++;
    }
    local_irq_restore(flags);
    return was_pending;
}

void timer_tick(void)
{
    /* hard irq context (interrupts off), after jiffies++: only look, the work is the
     * softirq's. A stale bound that is reached is made exact first, so the softirq is
     * not raised for nothing. */
    if (!wheel.npending || jiffies < wheel.next_expiry)
        return;
    if (jiffies >= next_expiry_exact())
        raise_softirq_irqoff(TIMER_SOFTIRQ);
}

uint64_t timers_next_expiry(void)
{
    unsigned long flags = local_irq_save();
    uint64_t e = wheel.npending ? next_expiry_exact() : UINT64_MAX;
    local_irq_restore(flags);
    return e;
}

void timers_run_until(uint64_t now)
{
    unsigned long flags = local_irq_save();
    wheel_init();
    if (wheel.running) {                       /* a callback asked for a nested pass */
        local_irq_restore(flags);
        return;
    }
    wheel.running = true;
    wheel.stats.passes++;
    while (now >= wheel.clk) {
        if (!wheel.npending) {
            wheel.clk = now + 1;
            break;
        }
        unsigned idx = wheel.clk & (L0_SIZE - 1);
        if (idx == 0)
            cascade();
        if (bucket_busy(idx)) {
            struct list_head batch;
            INIT_LIST_HEAD(&batch);
            while (!list_empty(&wheel.bucket[idx])) {
                struct list_head *n = wheel.bucket[idx].next;
                list_del_init(n);
                list_add_tail(n, &batch);
                /* on the work list now, in no bucket: a re-arm must move it */
                list_entry(n, struct timer_list, entry)->flags |= TIMER_NO_BUCKET;
            }
            bucket_clear(idx);
            wheel.clk++;
            sort_batch(&batch);
            /* Take one timer at a time: a callback may delete or re-arm any timer,
             * including others of this batch. */
            while (!list_empty(&batch)) {
                struct timer_list *t = list_first_entry(&batch, struct timer_list, entry);
                detach(t);
                void (*fn)(struct timer_list *) = t->function;
                wheel.stats.expired++;
                local_irq_restore(flags);
                fn(t);
                flags = local_irq_save();
            }
            continue;
        }
        /* Nothing due at clk: jump to the next busy level-0 slot or the next wrap. */
        int d = first_busy(0, L0_SIZE, idx, L0_SIZE - idx);
        uint64_t target = d > 0 ? wheel.clk + (unsigned)d : (wheel.clk | (L0_SIZE - 1)) + 1;
        if (d < 0 && now - wheel.clk >= REBASE_GAP) {
            uint64_t earliest = wheel_earliest();
            if (earliest >= wheel.clk + REBASE_GAP) {
                rebase(now < earliest ? now + 1 : earliest);
                continue;
            }
        }
        wheel.clk = MIN(now + 1, target);
    }
    wheel.next_expiry = wheel_earliest();
    wheel.next_stale = false;
    wheel.running = false;
    local_irq_restore(flags);
}

void timer_get_stats(struct timer_stats *s)
{
    unsigned long flags = local_irq_save();
    *s = wheel.stats;
    s->pending = wheel.npending;
    local_irq_restore(flags);
}
