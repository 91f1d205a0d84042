/* kernel/trace.h - a ring of timestamped events at named stations, and the journeys of
 * the objects that pass them.
 *
 * A station is a place in the code worth timing (a function of the send path, say). The
 * kernel knows no station: a subsystem registers a table of them (name, indentation
 * depth, flags) under ids it owns, and marks each place with
 *
 *     trace_point(ID, obj, len, arg);
 *
 * which, while tracing is off, costs one load and one predictable branch on a global
 * flag. While on, it records {TSC, ID, obj, len, arg} into a fixed ring (the oldest
 * events are overwritten). obj is the thing travelling (a packet buffer); NULL for a
 * station that runs before the object exists or on behalf of many (a system call, an
 * interrupt, a softirq pass).
 *
 * Journeys: reading the ring in time order, the events of one object form its journey,
 * from the first event that names it to an END station (its free). Events without an
 * object are held and given to the next journey that records an event: the system call
 * and socket layers that lead to a packet's creation, the interrupt and the softirq pass
 * that lead to its completion. A START station (a system call) drops what was held
 * before it. A LINK station (arg = a second object, e.g. a clone sent in the object's
 * place) makes the second object's events part of the same journey; the journey ends
 * when every object in it has reached an END station. */
#ifndef WP_TRACE_H
#define WP_TRACE_H

#include "kernel/compiler.h"

#define TRACE_RING_SIZE    4096       /* events; a power of two */
#define TRACE_MAX_STATIONS 64

#define TRACE_F_START 0x1    /* no object: begins a new operation (drops held events) */
#define TRACE_F_END   0x2    /* the object's journey ends here (it is freed) */
#define TRACE_F_LINK  0x4    /* arg is a second object joining this object's journey */

struct trace_station {
    const char *name;
    uint8_t depth;           /* indentation in a printed journey (call depth) */
    uint8_t flags;           /* TRACE_F_* */
};

struct trace_event {
    uint64_t tsc;
    const void *obj;
    uint64_t arg;
    uint32_t len;
    uint16_t station;
    uint16_t flags;          /* copied from the station at analysis time (not recorded) */
};

extern bool trace_on;
void trace_record(unsigned station, const void *obj, uint32_t len, uint64_t arg);

#if defined(WP_HOSTED) && !defined(WP_TRACE_HOSTED)
/* Hosted tests of the stack link no tracer (its own test defines WP_TRACE_HOSTED). */
#define trace_point(station, obj, len, arg) \
    ((void)(station), (void)(obj), (void)(len), (void)(arg))
#else
#define trace_point(station, obj, len, arg) do {                                  \
        if (unlikely(READ_ONCE(trace_on)))                                         \
            trace_record((station), (obj), (uint32_t)(len), (uint64_t)(arg));      \
    } while (0)
#endif

/* Register n stations with ids first .. first+n-1 (each id once). 0 or -EINVAL. */
int trace_register_stations(unsigned first, const struct trace_station *tab, unsigned n);
const struct trace_station *trace_station_get(unsigned id);    /* NULL when unknown */
/* Ask `trace stats` to report the interval from station a to station b in a journey
 * (e.g. the doorbell write to the completion interrupt), under label. */
void trace_set_interval(unsigned a, unsigned b, const char *label);

void trace_enable(bool on);
void trace_clear(void);
uint64_t trace_recorded(void);          /* events recorded since the last clear */
uint64_t trace_overwritten(void);       /* of which lost to the ring wrapping */
/* Copy the ring, oldest first, into out (at most max events); returns the count. */
size_t trace_snapshot(struct trace_event *out, size_t max);

/* Journey analysis over a snapshot (pure: hosted tests call it directly). */
struct trace_journey {
    const void *obj;         /* the object that opened it */
    uint32_t len;            /* its length then */
    uint32_t nevents;
    bool complete;           /* every object in it reached an END station */
};
/* Fill jid[i] with the journey of event i (-1: none) and j[0..] with the journeys in
 * order of their first event; returns the number of journeys (at most jmax). */
size_t trace_journeys(struct trace_event *ev, size_t n, int *jid,
                      struct trace_journey *j, size_t jmax);

/* The shell's views. show: the last `count` journeys, station by station, with the
 * cycles since the journey's start and since the previous station. stats: per station
 * the count and the p50/p99 cycles from the previous station, and the registered
 * intervals. Both print with printk. */
void trace_show(unsigned count);
void trace_stats(void);
/* The journeys completed since the last clear (for `trace` waiting for one send). */
size_t trace_complete_journeys(void);

#endif
