/* kernel/softirq.h - deferred work run at interrupt exit and from the idle loop.
 * Handlers run with interrupts enabled, never nested, never inside a hard interrupt. */
#ifndef WP_SOFTIRQ_H
#define WP_SOFTIRQ_H

#include "kernel/compiler.h"

enum softirq_nr {
    HI_SOFTIRQ,
    TIMER_SOFTIRQ,
    NET_TX_SOFTIRQ,
    NET_RX_SOFTIRQ,
    TASKLET_SOFTIRQ,
    NR_SOFTIRQS
};

typedef void (*softirq_action_t)(void);

void open_softirq(enum softirq_nr nr, softirq_action_t fn);
void raise_softirq(enum softirq_nr nr);          /* safe from any context */
void raise_softirq_irqoff(enum softirq_nr nr);   /* caller already has interrupts off */

/* Run pending softirqs if the context allows it (not in a hard irq, not already in a
 * softirq, not under local_bh_disable). Called by irq exit and the idle loop. */
void do_softirq(void);
bool softirq_pending(void);
bool in_softirq(void);
void local_bh_disable(void);
void local_bh_enable(void);

/* Times each handler ran (the /proc/softirqs view). */
uint64_t softirq_count(enum softirq_nr nr);
const char *softirq_name(enum softirq_nr nr);
void softirq_print_stats(void);
/* How often a pass ran too long and the rest was deferred to ksoftirqd. */
uint64_t softirq_deferrals(void);

/* The handler registered for nr (NULL when none), e.g. to chain to it from a test. */
softirq_action_t softirq_get_action(enum softirq_nr nr);
/* True inside local_bh_disable()/local_bh_enable(). */
bool softirq_bh_disabled(void);

void softirq_init(void);

#endif
