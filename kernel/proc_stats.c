/* kernel/proc_stats.c - see proc_stats.h. The writer, the section list, kernel/'s own
 * sections, and the read-only pseudo file behind open(). */
#include "kernel/proc_stats.h"
#include "kernel/file.h"
#include "kernel/uaccess.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/irq.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/printk.h"
#include "kernel/mm/mm.h"
#include "kernel/lib/string.h"
#include "kernel/uapi/poll.h"

#define STATS_FILE_MAX (64 * 1024)   /* the document today is a few KiB */
#define PATH_BUF 256                 /* longer than every pseudo file's name */
#define PATH_MAX 4096                /* Linux's, NUL included */
#define AT_FDCWD (-100)

/* ---- writer ---- */

static void emit(struct stats_out *o, const char *fmt, ...) __printf(2, 3);
static void emit(struct stats_out *o, const char *fmt, ...)
{
    if (o->overflow)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= o->cap - o->len) {
        o->overflow = true;
        return;
    }
    o->len += (size_t)n;
}

/* the comma before a member, and its key (keys here are identifiers: no escaping) */
static void member(struct stats_out *o, const char *key)
{
    if (!o->first[o->depth])
        emit(o, ",");
    o->first[o->depth] = false;
    if (key)
        emit(o, "\"%s\":", key);
}

static void open_(struct stats_out *o, const char *key, char c)
{
    member(o, key);
    emit(o, "%c", c);
    if (o->depth == STATS_MAX_DEPTH) {
        o->overflow = true;
        return;
    }
    o->first[++o->depth] = true;
}

static void close_(struct stats_out *o, char c)
{
    if (o->depth > 0)
        o->depth--;
    emit(o, "%c", c);
}

void stats_u64(struct stats_out *o, const char *key, uint64_t v)
{
    member(o, key);
    emit(o, "%llu", (unsigned long long)v);
}

void stats_str(struct stats_out *o, const char *key, const char *v)
{
    member(o, key);
    emit(o, "\"");
    for (; *v; v++) {
        if (*v == '"' || *v == '\\')
            emit(o, "\\%c", *v);
        else if ((unsigned char)*v < 0x20)
            emit(o, "\\u%04x", (unsigned)(unsigned char)*v);
        else
            emit(o, "%c", *v);
    }
    emit(o, "\"");
}

void stats_obj(struct stats_out *o, const char *key) { open_(o, key, '{'); }
void stats_obj_end(struct stats_out *o) { close_(o, '}'); }
void stats_arr(struct stats_out *o, const char *key) { open_(o, key, '['); }
void stats_arr_end(struct stats_out *o) { close_(o, ']'); }

/* ---- sections ---- */

static struct stats_section *sections, **sections_tail = &sections;

void stats_register(struct stats_section *s)
{
    s->next = NULL;
    *sections_tail = s;
    sections_tail = &s->next;
}

static void dump_softirqs(struct stats_out *o)
{
    for (unsigned nr = 0; nr < NR_SOFTIRQS; nr++)
        stats_u64(o, softirq_name((enum softirq_nr)nr), softirq_count((enum softirq_nr)nr));
    stats_u64(o, "deferred_to_ksoftirqd", softirq_deferrals());
}

/* every vector that fired, as /proc/interrupts lists them */
static void dump_interrupts(struct stats_out *o)
{
    stats_arr(o, "vectors");
    for (int v = 0; v < 256; v++) {
        uint64_t n = irq_count(v);
        if (!n)
            continue;
        stats_obj(o, NULL);
        stats_u64(o, "vector", (uint64_t)v);
        const char *name = irq_name(v);
        stats_str(o, "name", name ? name : "");
        stats_u64(o, "count", n);
        stats_obj_end(o);
    }
    stats_arr_end(o);
}

/* the serial console's receive side: bytes taken, bytes lost to a full buffer */
static void dump_console(struct stats_out *o)
{
    stats_u64(o, "rx_bytes", console_rx_bytes());
    stats_u64(o, "rx_dropped", console_rx_dropped());
}

/* copies between the kernel and the apps (kernel/uaccess.c) */
static void dump_uaccess(struct stats_out *o)
{
    struct uaccess_stats u;
    uaccess_get_stats(&u);
    stats_u64(o, "faults", u.faults);
    stats_u64(o, "bytes_in", u.bytes_in);
    stats_u64(o, "bytes_out", u.bytes_out);
}

static struct stats_section softirq_section = { "softirqs", dump_softirqs, NULL };
static struct stats_section irq_section = { "interrupts", dump_interrupts, NULL };
static struct stats_section console_section = { "console", dump_console, NULL };
static struct stats_section uaccess_section = { "uaccess", dump_uaccess, NULL };

long stats_generate(char *buf, size_t cap)
{
    /* kernel/'s own sections lead; registered here on first use, before any other */
    if (!softirq_section.next && sections != &softirq_section) {
        struct stats_section *rest = sections;
        softirq_section.next = &irq_section;
        irq_section.next = &console_section;
        console_section.next = &uaccess_section;
        uaccess_section.next = rest;
        sections = &softirq_section;
        if (!rest)
            sections_tail = &uaccess_section.next;
    }
    struct stats_out o = { .buf = buf, .cap = cap };
    o.first[0] = true;
    stats_obj(&o, NULL);
    stats_u64(&o, "uptime_ms", ktime_get_ns() / 1000000);
    for (struct stats_section *s = sections; s; s = s->next) {
        stats_obj(&o, s->name);
        s->dump(&o);
        stats_obj_end(&o);
    }
    stats_obj_end(&o);
    emit(&o, "\n");
    return o.overflow ? -ENOMEM : (long)o.len;
}

/* ---- the pseudo file ---- */

struct snapshot {
    size_t len, pos;
    char text[];
};

static long snapshot_read(struct file *f, void *ubuf, size_t n)
{
    struct snapshot *s = f->private_data;
    size_t left = s->len - s->pos;
    if (n > left)
        n = left;
    if (n && copy_to_user(ubuf, s->text + s->pos, n))
        return -EFAULT;
    s->pos += n;
    return (long)n;
}

static unsigned snapshot_poll(struct file *f __unused, struct wait_queue_head **wq __unused)
{
    return POLLIN | POLLRDNORM;     /* the snapshot is there to read */
}

static void snapshot_release(struct file *f)
{
    kfree(f->private_data);
}

static const struct file_ops snapshot_ops = {
    .name = "stats",
    .read = snapshot_read,
    .poll = snapshot_poll,
    .release = snapshot_release,
};

static long open_stats(int flags)
{
    if ((flags & 3) != O_RDONLY)
        return -EACCES;                     /* read-only, as a procfs counter file */
    struct snapshot *s = kmalloc(sizeof(*s) + STATS_FILE_MAX);
    if (!s)
        return -ENOMEM;
    long n = stats_generate(s->text, STATS_FILE_MAX);
    if (n < 0) {
        kfree(s);
        return n;
    }
    s->len = (size_t)n;
    s->pos = 0;
    struct file *f = file_alloc(&snapshot_ops, s, (unsigned)flags & (3 | O_NONBLOCK));
    if (!f) {
        kfree(s);
        return -ENOMEM;
    }
    int fd = fd_install(f);
    if (fd < 0)
        fput(f);                            /* releases the snapshot */
    return fd;
}

long sys_openat(int dirfd, const char *upath, int flags, int mode __unused)
{
    char path[PATH_BUF + 1];
    path[0] = '/';
    long n = strncpy_from_user(path + 1, upath, PATH_BUF);
    if (n < 0)
        return n;
    if (n == 0)
        return -ENOENT;
    if (n >= PATH_BUF) {
        /* longer than any name here: ENOENT, or as Linux ENAMETOOLONG from PATH_MAX on
         * (and EFAULT if the rest of the name is not readable) */
        char chunk[64];
        long total = n;
        while (total < PATH_MAX) {
            long m = strncpy_from_user(chunk, upath + total, sizeof(chunk));
            if (m < 0)
                return m;
            total += m;
            if (m < (long)sizeof(chunk))
                return total >= PATH_MAX ? -ENAMETOOLONG : -ENOENT;
        }
        return -ENAMETOOLONG;
    }
    const char *p = path + 1;
    if (*p != '/') {
        /* relative: the working directory of every app is / */
        if (dirfd != AT_FDCWD) {
            struct file *f = fget(dirfd);
            if (!f)
                return -EBADF;
            fput(f);
            return -ENOTDIR;
        }
        p = path;
    }
    if (!strcmp(p, STATS_PATH))
        return open_stats(flags);
    return -ENOENT;
}

long sys_open(const char *upath, int flags, int mode)
{
    return sys_openat(AT_FDCWD, upath, flags, mode);
}
