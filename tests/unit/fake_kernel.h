/* tests/unit/fake_kernel.h - knobs of the scheduler/clock stand-ins (fake_kernel.c) used by
 * hosted tests of code that sleeps: a "sleep" runs the test's hook instead (which can
 * queue data, set an error or advance the clock) and returns. */
#ifndef WP_FAKE_KERNEL_H
#define WP_FAKE_KERNEL_H
#include <stdint.h>
#include <stdbool.h>
struct wait_queue_head;
extern uint64_t fake_now_ns;
/* Called for every schedule_timeout_ns(); NULL: advance the clock by the timeout (or by
 * one second when there is none) so that timed waits end. */
extern void (*fake_sleep_hook)(uint64_t timeout_ns);
extern int fake_sleeps, fake_wakeups;
/* Abort the test when a sleep happens more than this many times in a row (a lost wakeup
 * would otherwise spin forever). */
extern int fake_sleep_limit;
#endif
