/* kernel/time.h - clock, tick, delays and timers.
 *
 * ktime_get_ns(): monotonic nanoseconds since boot, from the TSC calibrated against the
 * PIT at boot. jiffies: elapsed time in 1/HZ units by the TSC, updated by the LAPIC
 * timer's tick (a tick the host swallowed is made up at the next one, so timeouts keep
 * their wall-clock meaning). Timers fire from the TIMER softirq, never early: a timer
 * set for jiffies J runs at a tick >= J. */
#ifndef WP_TIME_H
#define WP_TIME_H

#include "kernel/compiler.h"
#include "kernel/list.h"

#define HZ 1000
#define NSEC_PER_SEC  1000000000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_USEC 1000ull

extern volatile uint64_t jiffies;

uint64_t ktime_get_ns(void);
uint64_t tsc_khz(void);                 /* 0 before calibration */
/* The LAPIC timer's input clock in kHz as CPUID states it, or 0 (then it is measured). */
uint64_t cpuid_lapic_timer_khz(void);
uint64_t tsc_to_ns(uint64_t tsc_delta);
/* TSC value at kernel entry, for the boot-time figure. */
extern uint64_t boot_tsc;

static inline uint64_t msecs_to_jiffies(uint64_t ms) { return DIV_ROUND_UP(ms * HZ, 1000); }
static inline uint64_t jiffies_to_msecs(uint64_t j) { return j * 1000 / HZ; }
static inline bool time_after_eq(uint64_t a, uint64_t b) { return (int64_t)(a - b) >= 0; }
static inline bool time_before(uint64_t a, uint64_t b) { return (int64_t)(a - b) < 0; }

/* Busy delays: only for hardware that needs a short wait during bring-up. */
void udelay(uint64_t us);
void mdelay(uint64_t ms);

struct timer_list {
    struct list_head entry;      /* self-linked when not pending */
    uint64_t expires;            /* in jiffies */
    void (*function)(struct timer_list *t);
    uint32_t flags;              /* wheel bookkeeping */
};

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), uint32_t flags);
/* (Re)arm for absolute jiffies; returns true when the timer was pending before. */
bool mod_timer(struct timer_list *t, uint64_t expires);
/* Disarm; returns true when it was pending. */
bool del_timer(struct timer_list *t);
bool timer_pending(const struct timer_list *t);

/* Called from the tick interrupt after jiffies++: raises TIMER_SOFTIRQ when a timer is due. */
void timer_tick(void);
/* Run every timer with expires <= now, in expiry order (the TIMER softirq does this with
 * now = jiffies; hosted tests drive it with a fake clock). */
void timers_run_until(uint64_t now);
/* Earliest pending expiry, UINT64_MAX when no timer is pending. */
uint64_t timers_next_expiry(void);
struct timer_stats {
    uint64_t armed, deleted, expired, passes, cascaded, rebases, bad_timers, pending;
};
void timer_get_stats(struct timer_stats *s);

void time_init(void);      /* calibrate the TSC (PIT) */
void tick_init(void);      /* LAPIC timer at HZ, after interrupts_init */

#endif
