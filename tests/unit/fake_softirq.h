/* tests/unit/fake_softirq.h - a softirq stand-in for hosted network tests: raises are
 * recorded and counted, handlers run only when the test says so (fake_softirq_run), and
 * bottom-half disabling is tracked so tests can check it is balanced. */
#ifndef WP_FAKE_SOFTIRQ_H
#define WP_FAKE_SOFTIRQ_H
#include "kernel/softirq.h"

extern uint32_t fake_softirq_pending;          /* raised and not yet run */
extern uint64_t fake_softirq_raises[NR_SOFTIRQS];
extern int fake_bh_depth;
/* Run the pending handlers (number order) until nothing is pending or max passes ran;
 * returns the number of handler runs. */
int fake_softirq_run(int max_passes);
/* Run one pending softirq's handler once if it is pending; true when it ran. */
bool fake_softirq_run_one(enum softirq_nr nr);
void fake_softirq_reset(void);
#endif
