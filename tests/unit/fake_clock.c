/* tests/unit/fake_clock.c - the clock for hosted tests: ktime_get_ns reads fake_now_ns,
 * which only the test moves (tests/unit/fake_kernel.h declares it). */
#include "kernel/time.h"
#include "tests/unit/fake_kernel.h"

uint64_t fake_now_ns = 1000000000ull;
uint64_t ktime_get_ns(void) { return fake_now_ns; }
