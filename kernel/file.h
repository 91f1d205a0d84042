/* kernel/file.h - open files and the per-app descriptor table.
 *
 * An fd indexes the app's table; the entry is a struct file whose ops say what it is
 * (the console, a socket). System calls take a reference with fget() for as long as
 * they use the file, so a close() racing with a sleeping call cannot free it under it. */
#ifndef WP_FILE_H
#define WP_FILE_H

#include "kernel/compiler.h"
#include "kernel/sched.h"

#include "kernel/uapi/fcntl.h"   /* O_*, F_* */

/* Largest number of open files per app (Linux's RLIMIT_NOFILE is larger; apps here are
 * small). fd >= NR_OPEN is EBADF, a full table EMFILE. */
#define NR_OPEN 64
/* Linux's MAX_RW_COUNT: reads and writes are clamped to this many bytes. */
#define MAX_RW_COUNT 0x7ffff000l

struct file;
struct file_ops {
    const char *name;
    /* buf is a user pointer; return bytes or -errno */
    long (*read)(struct file *f, void *buf, size_t n);
    long (*write)(struct file *f, const void *buf, size_t n);
    /* POLL* bits ready now; *wq (may be left NULL) is where a change will be announced */
    unsigned (*poll)(struct file *f, struct wait_queue_head **wq);
    void (*release)(struct file *f);
};

struct file {
    const struct file_ops *ops;
    void *private_data;          /* struct socket for sockets */
    unsigned f_flags;            /* O_NONBLOCK and the access mode */
    int f_count;
};

struct files {
    struct file *fd[NR_OPEN];
    bool cloexec[NR_OPEN];
};

/* A new file with one reference; NULL when out of memory. */
struct file *file_alloc(const struct file_ops *ops, void *private_data, unsigned flags);
void fget_ref(struct file *f);
void fput(struct file *f);     /* the last reference calls ops->release and frees */

/* Descriptor table of the running app. All return -errno on failure. */
int fd_install(struct file *f);           /* lowest free fd; takes over the reference */
struct file *fget(int fd);                /* a new reference, NULL for a bad fd */
int fd_close(int fd);
void files_init(struct files *t);
void files_close_all(struct files *t);
int files_count(const struct files *t);

/* The console as a file (fds 0, 1 and 2 of every app). */
extern const struct file_ops console_file_ops;

#endif
