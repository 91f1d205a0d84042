/* time.h - clocks and sleeping. CLOCK_REALTIME counts from boot (no battery clock). */
#ifndef WP_APP_TIME_H
#define WP_APP_TIME_H
#include <sys/types.h>
struct timespec { time_t tv_sec; long tv_nsec; };
#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_BOOTTIME  7
int clock_gettime(clockid_t clk, struct timespec *tp);
int nanosleep(const struct timespec *req, struct timespec *rem);
#endif
