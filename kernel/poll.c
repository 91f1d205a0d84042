/* kernel/poll.c - poll(2): wait until one of several files is ready, or a timeout.
 *
 * Each file's ops->poll says what is ready now and which wait queue will announce a
 * change. The caller marks itself blocked, queues itself on every such queue (one entry
 * per fd), looks once more, and only then sleeps: a wake-up from any of them, or the
 * timeout, brings it back to look again. No polling loop. */
#include "kernel/syscall.h"
#include "kernel/file.h"
#include "kernel/uaccess.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/mm/mm.h"
#include "kernel/uapi/poll.h"
#include "kernel/user/process.h"

/* Linux refuses nfds above RLIMIT_NOFILE (1024 by default) with EINVAL. */
#define POLL_MAX_NFDS 1024

struct poll_slot {
    struct file *f;
    struct wait_queue_head *wq;
    struct wait_queue_entry e;
};

static int poll_scan(struct pollfd *fds, struct poll_slot *s, unsigned long n)
{
    int count = 0;
    for (unsigned long i = 0; i < n; i++) {
        unsigned ev = 0;
        if (fds[i].fd < 0) {
            ev = 0;
        } else if (!s[i].f) {
            ev = POLLNVAL;
        } else if (s[i].f->ops->poll) {
            ev = s[i].f->ops->poll(s[i].f, &s[i].wq);
            ev &= (unsigned)(uint16_t)fds[i].events | POLLERR | POLLHUP;
        }
        fds[i].revents = (short)ev;
        count += ev != 0;
    }
    return count;
}

long sys_poll(struct pollfd *ufds, unsigned long nfds, int timeout_ms)
{
    if (nfds > POLL_MAX_NFDS)
        return -EINVAL;
    struct pollfd *fds = kmalloc(nfds * sizeof(*fds));
    struct poll_slot *slots = kzalloc(nfds * sizeof(*slots));
    long r = 0;
    if (!fds || !slots) {
        r = -ENOMEM;
        goto out_free;
    }
    if (copy_from_user(fds, ufds, nfds * sizeof(*fds))) {
        r = -EFAULT;
        goto out_free;
    }
    for (unsigned long i = 0; i < nfds; i++)
        slots[i].f = fds[i].fd >= 0 ? fget(fds[i].fd) : NULL;

    uint64_t deadline = timeout_ms > 0 ? ktime_get_ns() + (uint64_t)timeout_ms * NSEC_PER_MSEC : 0;
    int count;
    for (;;) {
        count = poll_scan(fds, slots, nfds);
        if (count || timeout_ms == 0)
            break;
        uint64_t left = 0;
        if (timeout_ms > 0) {
            uint64_t now = ktime_get_ns();
            if (now >= deadline)
                break;
            left = deadline - now;
        }
        /* blocked first, then queued everywhere: a wake-up from any queue from here on
         * leaves the task running (see add_wait_queue) */
        set_current_state(TASK_BLOCKED);        /* even with no queue: the timeout wakes */
        for (unsigned long i = 0; i < nfds; i++)
            if (slots[i].wq)
                add_wait_queue(slots[i].wq, &slots[i].e);
        count = poll_scan(fds, slots, nfds);
        if (count)
            break;
        if (fatal_signal_pending()) {
            count = -EINTR;
            break;
        }
        schedule_timeout_ns(left);
    }
    for (unsigned long i = 0; i < nfds; i++)
        if (slots[i].wq)
            finish_wait(slots[i].wq, &slots[i].e);
    set_current_state(TASK_RUNNING);
    for (unsigned long i = 0; i < nfds; i++)
        fput(slots[i].f);
    r = copy_to_user(ufds, fds, nfds * sizeof(*fds)) ? -EFAULT : count;
out_free:
    kfree(fds);
    kfree(slots);
    return r;
}
