/* kernel/proc_stats.h - the kernel's counters as one JSON document, which apps read as
 * the read-only file /proc/wirepath/stats (open/read/close; httpd serves it as /stats).
 *
 * The document is {"uptime_ms":N,"SECTION":{...},...}: a snapshot taken at open(), so
 * one read sequence sees consistent text. kernel/ writes its own sections (softirqs,
 * interrupts); every other layer registers a section with a dump callback, so kernel/
 * knows nothing of them (net/core/net_stats.c adds skb, sockets, devices and the IP,
 * ICMP and UDP MIBs; TCP adds its MIB the same way). Callbacks run in task context and
 * only read counters. */
#ifndef WP_PROC_STATS_H
#define WP_PROC_STATS_H

#include "kernel/compiler.h"

#define STATS_PATH "/proc/wirepath/stats"
#define STATS_MAX_DEPTH 6

/* A bounded JSON writer: it places the commas, and an overflow fails the open (EOVERFLOW
 * is not hidden as truncated text). */
struct stats_out {
    char *buf;
    size_t cap, len;
    bool overflow;
    int depth;
    bool first[STATS_MAX_DEPTH + 1];
};
void stats_u64(struct stats_out *o, const char *key, uint64_t v);      /* "key":v */
void stats_str(struct stats_out *o, const char *key, const char *v);   /* "key":"v" */
void stats_obj(struct stats_out *o, const char *key);   /* "key":{ ; key NULL in an array */
void stats_obj_end(struct stats_out *o);
void stats_arr(struct stats_out *o, const char *key);   /* "key":[ */
void stats_arr_end(struct stats_out *o);

struct stats_section {
    const char *name;                       /* its key in the document */
    void (*dump)(struct stats_out *o);      /* writes the members of its object */
    struct stats_section *next;
};
/* Add a section (static storage, registered once, e.g. from an initcall). */
void stats_register(struct stats_section *s);

/* The whole document into buf; its length, or -errno. */
long stats_generate(char *buf, size_t cap);

/* open(2) / openat(2): the pseudo files apps can open (today only STATS_PATH). */
long sys_open(const char *path, int flags, int mode);
long sys_openat(int dirfd, const char *path, int flags, int mode);

#endif
