/* kernel/trace.c - the event ring behind trace_point(), journeys, and the two views the
 * shell prints (see kernel/trace.h). */
#include "kernel/trace.h"
#include "kernel/arch/x86.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/lib/string.h"

#ifdef WP_HOSTED
static inline uint64_t rdtsc(void) { return __builtin_ia32_rdtsc(); }
#endif

CMDLINE_KEY(trace, "trace", "start the send-path tracer at boot (trace=sendpath or trace=on)");

bool trace_on;
static struct trace_event ring[TRACE_RING_SIZE];
static uint64_t head;                 /* events recorded since the last clear */
static struct trace_station stations[TRACE_MAX_STATIONS];

#define MAX_INTERVALS 4
struct trace_interval { unsigned a, b; const char *label; };
static struct trace_interval intervals[MAX_INTERVALS];
static unsigned nintervals;

void trace_record(unsigned station, const void *obj, uint32_t len, uint64_t arg)
{
    unsigned long f = local_irq_save();
    struct trace_event *e = &ring[head & (TRACE_RING_SIZE - 1)];
    e->tsc = rdtsc();
    e->obj = obj;
    e->arg = arg;
    e->len = len;
    e->station = (uint16_t)station;
    e->flags = 0;
    head++;
    local_irq_restore(f);
}

int trace_register_stations(unsigned first, const struct trace_station *tab, unsigned n)
{
    if (first + n > TRACE_MAX_STATIONS)
        return -EINVAL;
    for (unsigned i = 0; i < n; i++)
        if (stations[first + i].name || !tab[i].name)
            return -EINVAL;
    for (unsigned i = 0; i < n; i++)
        stations[first + i] = tab[i];
    return 0;
}

const struct trace_station *trace_station_get(unsigned id)
{
    return id < TRACE_MAX_STATIONS && stations[id].name ? &stations[id] : NULL;
}

void trace_set_interval(unsigned a, unsigned b, const char *label)
{
    if (nintervals < MAX_INTERVALS)
        intervals[nintervals++] = (struct trace_interval){ a, b, label };
}

void trace_enable(bool on) { WRITE_ONCE(trace_on, on); }

void trace_clear(void)
{
    unsigned long f = local_irq_save();
    head = 0;
    local_irq_restore(f);
}

uint64_t trace_recorded(void) { return READ_ONCE(head); }
uint64_t trace_overwritten(void)
{
    uint64_t h = READ_ONCE(head);
    return h > TRACE_RING_SIZE ? h - TRACE_RING_SIZE : 0;
}

size_t trace_snapshot(struct trace_event *out, size_t max)
{
    unsigned long f = local_irq_save();
    uint64_t h = head;
    uint64_t first = h > TRACE_RING_SIZE ? h - TRACE_RING_SIZE : 0;
    if (h - first > max)
        first = h - max;
    size_t n = 0;
    for (uint64_t i = first; i < h; i++)
        out[n++] = ring[i & (TRACE_RING_SIZE - 1)];
    local_irq_restore(f);
    return n;
}

/* --- journeys --- */

#define MAX_OPEN 64          /* journeys open at once (objects in flight) */
#define MAX_HELD 16          /* events without an object waiting for a journey */

/* A journey follows up to OPEN_KEYS objects: the first one and those LINK events join
 * to it (TCP: the write-queue original, its clone, the clone's first GSO segment). */
#define OPEN_KEYS 3
struct open_j { const void *key[OPEN_KEYS]; int j; };

static int find_open(struct open_j *o, int nopen, const void *obj)
{
    for (int i = 0; i < nopen; i++)
        for (int k = 0; k < OPEN_KEYS; k++)
            if (o[i].key[k] == obj)
                return i;
    return -1;
}

static bool open_empty(const struct open_j *o)
{
    for (int k = 0; k < OPEN_KEYS; k++)
        if (o->key[k])
            return false;
    return true;
}

size_t trace_journeys(struct trace_event *ev, size_t n, int *jid,
                      struct trace_journey *j, size_t jmax)
{
    struct open_j open[MAX_OPEN];
    int nopen = 0;
    size_t held[MAX_HELD], nheld = 0, nj = 0;
    for (size_t i = 0; i < n; i++)
        jid[i] = -1;
    for (size_t i = 0; i < n; i++) {
        const struct trace_station *st = trace_station_get(ev[i].station);
        uint16_t fl = st ? st->flags : 0;
        ev[i].flags = fl;
        if (!ev[i].obj) {
            if (fl & TRACE_F_START)
                nheld = 0;
            if (nheld == MAX_HELD) {
                memmove(held, held + 1, (MAX_HELD - 1) * sizeof(held[0]));
                nheld--;
            }
            held[nheld++] = i;
            continue;
        }
        int o = find_open(open, nopen, ev[i].obj);
        if (o < 0) {
            if (fl & TRACE_F_END)
                continue;                /* freed without a journey (e.g. a received frame) */
            if (nj == jmax)
                break;
            if (nopen == MAX_OPEN) {     /* drop the oldest open one: it stays incomplete */
                memmove(open, open + 1, (MAX_OPEN - 1) * sizeof(open[0]));
                nopen--;
            }
            j[nj] = (struct trace_journey){ .obj = ev[i].obj, .len = ev[i].len };
            open[nopen] = (struct open_j){ { ev[i].obj }, (int)nj };
            o = nopen++;
            nj++;
        }
        int jn = open[o].j;
        for (size_t h = 0; h < nheld; h++) {
            jid[held[h]] = jn;
            j[jn].nevents++;
        }
        nheld = 0;
        jid[i] = jn;
        j[jn].nevents++;
        if ((fl & TRACE_F_LINK) && ev[i].arg) {
            const void *linked = (const void *)(uintptr_t)ev[i].arg;
            for (int k = 1; k < OPEN_KEYS; k++) {
                if (open[o].key[k] == linked)
                    break;
                if (!open[o].key[k]) {
                    open[o].key[k] = linked;
                    break;
                }
            }
        }
        if (fl & TRACE_F_END) {
            for (int k = 0; k < OPEN_KEYS; k++)
                if (open[o].key[k] == ev[i].obj) {
                    open[o].key[k] = NULL;
                    break;
                }
            if (open_empty(&open[o])) {
                j[jn].complete = true;
                memmove(open + o, open + o + 1, (size_t)(nopen - o - 1) * sizeof(open[0]));
                nopen--;
            }
        }
    }
    return nj;
}

/* Analysis space: only the shell task uses it, one view at a time. */
#define MAX_JOURNEYS 1024
static struct trace_event snap[TRACE_RING_SIZE];
static int snap_jid[TRACE_RING_SIZE];
static struct trace_journey snap_j[MAX_JOURNEYS];
static uint64_t samples[TRACE_RING_SIZE];

static size_t analyse(size_t *nev)
{
    *nev = trace_snapshot(snap, TRACE_RING_SIZE);
    return trace_journeys(snap, *nev, snap_jid, snap_j, MAX_JOURNEYS);
}

size_t trace_complete_journeys(void)
{
    size_t n, c = 0, nj = analyse(&n);
    for (size_t i = 0; i < nj; i++)
        c += snap_j[i].complete;
    return c;
}

static uint64_t cyc_to_ns(uint64_t c)
{
#ifdef WP_HOSTED
    return c;
#else
    return tsc_khz() ? tsc_to_ns(c) : 0;
#endif
}

static const char *station_name(unsigned id)
{
    const struct trace_station *st = trace_station_get(id);
    return st ? st->name : "?";
}

static void show_journey(size_t jn, size_t nev)
{
    const struct trace_journey *j = &snap_j[jn];
    uint64_t t0 = 0, prev = 0, last = 0;
    bool first = true;
    for (size_t i = 0; i < nev; i++) {
        if (snap_jid[i] != (int)jn)
            continue;
        if (first) {
            t0 = prev = snap[i].tsc;
            printk("journey of %p (%u bytes), %u events%s:\n", j->obj, j->len, j->nevents,
                   j->complete ? "" : ", in flight");
            printk("    cycles     +delta  station\n");
            first = false;
        }
        const struct trace_station *st = trace_station_get(snap[i].station);
        unsigned depth = st ? st->depth : 0;
        printk("%10llu %10llu  %*s%-*s", (unsigned long long)(snap[i].tsc - t0),
               (unsigned long long)(snap[i].tsc - prev), (int)(2 * depth), "",
               (int)(44 - MIN(2 * depth, 40u)), station_name(snap[i].station));
        if (snap[i].obj)
            printk(" skb %p len %u", snap[i].obj, snap[i].len);
        else if (snap[i].len)
            printk(" len %u", snap[i].len);
        printk(" arg %#llx\n", (unsigned long long)snap[i].arg);
        prev = last = snap[i].tsc;
    }
    if (!first)
        printk("    total %llu cycles = %llu ns\n", (unsigned long long)(last - t0),
               (unsigned long long)cyc_to_ns(last - t0));
}

void trace_show(unsigned count)
{
    size_t nev, nj = analyse(&nev);
    printk("trace: %s, %llu events recorded, %llu overwritten, %zu journeys in the ring\n",
           READ_ONCE(trace_on) ? "on" : "off", (unsigned long long)trace_recorded(),
           (unsigned long long)trace_overwritten(), nj);
    size_t from = nj > count ? nj - count : 0;
    for (size_t jn = from; jn < nj; jn++)
        show_journey(jn, nev);
}

/* Shell sort: small, in place, no recursion. */
static void sort_u64(uint64_t *a, size_t n)
{
    for (size_t gap = n / 2; gap > 0; gap /= 2)
        for (size_t i = gap; i < n; i++) {
            uint64_t v = a[i];
            size_t k = i;
            for (; k >= gap && a[k - gap] > v; k -= gap)
                a[k] = a[k - gap];
            a[k] = v;
        }
}

static void print_percentiles(const char *name, uint64_t *v, size_t n)
{
    sort_u64(v, n);
    uint64_t p50 = v[(n - 1) / 2], p99 = v[(n - 1) * 99 / 100];
    printk("  %-28s %8zu %10llu %10llu %10llu\n", name, n, (unsigned long long)p50,
           (unsigned long long)p99, (unsigned long long)cyc_to_ns(p50));
}

void trace_stats(void)
{
    size_t nev, nj = analyse(&nev);
    printk("trace: %zu journeys from %zu events (cycles from the previous station of the"
           " same journey)\n", nj, nev);
    printk("  %-28s %8s %10s %10s %10s\n", "station", "count", "p50", "p99", "p50 (ns)");
    static uint64_t last_tsc[MAX_JOURNEYS];
    for (unsigned s = 0; s < TRACE_MAX_STATIONS; s++) {
        if (!trace_station_get(s))
            continue;
        size_t n = 0;
        memset(last_tsc, 0, nj * sizeof(last_tsc[0]));
        for (size_t i = 0; i < nev; i++) {
            int jn = snap_jid[i];
            if (jn < 0)
                continue;
            if (snap[i].station == s && last_tsc[jn])
                samples[n++] = snap[i].tsc - last_tsc[jn];
            last_tsc[jn] = snap[i].tsc;
        }
        if (n)
            print_percentiles(station_name(s), samples, n);
    }
    for (unsigned k = 0; k < nintervals; k++) {
        /* per journey: the first a, then the first b after it */
        static uint64_t at_a[MAX_JOURNEYS];
        memset(at_a, 0, nj * sizeof(at_a[0]));
        size_t n = 0;
        for (size_t i = 0; i < nev; i++) {
            int jn = snap_jid[i];
            if (jn < 0)
                continue;
            if (snap[i].station == intervals[k].a && !at_a[jn])
                at_a[jn] = snap[i].tsc;
            else if (snap[i].station == intervals[k].b && at_a[jn] && at_a[jn] != 1) {
                samples[n++] = snap[i].tsc - at_a[jn];
                at_a[jn] = 1;        /* counted once */
            }
        }
        if (n)
            print_percentiles(intervals[k].label, samples, n);
        else
            printk("  %-28s        0 (no journey had both stations)\n", intervals[k].label);
    }
}

#ifndef WP_HOSTED
static int trace_boot(void)
{
    const char *v = cmdline_get("trace");
    if (v && (!strcmp(v, "sendpath") || !strcmp(v, "on") || !*v)) {
        trace_enable(true);
        printk("trace: on from boot (%u-event ring)\n", TRACE_RING_SIZE);
    } else if (v) {
        pr_warn("trace: unknown value '%s' (use trace=sendpath)\n", v);
    }
    return 0;
}
late_initcall(trace_boot);
#endif
