/* kernel/sys_basic.c - the system calls an app needs to live: read/write/close on its
 * descriptors, fcntl, sleeping, clocks, its pid, and exit. Argument checks come in
 * Linux's order, so an app gets the errno it would get there. */
#include "kernel/syscall.h"
#include "kernel/file.h"
#include "kernel/uaccess.h"
#include "kernel/user/process.h"
#include "kernel/user/uvm.h"
#include "kernel/time.h"
#include "kernel/errno.h"

/* Linux's access_ok(): the range lies in user space. Whether it is mapped is found out
 * when the bytes are copied. */
static bool access_ok(const void *p, size_t n)
{
    return user_range_ok((uint64_t)(uintptr_t)p, n);
}

long sys_read(int fd, void *buf, size_t count)
{
    struct file *f = fget(fd);
    if (!f)
        return -EBADF;
    long r;
    if ((f->f_flags & 3) == O_WRONLY)
        r = -EBADF;
    else if (!f->ops->read)
        r = -EINVAL;
    else if (!access_ok(buf, count))
        r = -EFAULT;
    else
        r = f->ops->read(f, buf, MIN(count, (size_t)MAX_RW_COUNT));
    fput(f);
    return r;
}

long sys_write(int fd, const void *buf, size_t count)
{
    struct file *f = fget(fd);
    if (!f)
        return -EBADF;
    long r;
    if ((f->f_flags & 3) == O_RDONLY)
        r = -EBADF;
    else if (!f->ops->write)
        r = -EINVAL;
    else if (!access_ok(buf, count))
        r = -EFAULT;
    else
        r = f->ops->write(f, buf, MIN(count, (size_t)MAX_RW_COUNT));
    fput(f);
    return r;
}

long sys_close(int fd)
{
    return fd_close(fd);
}

long sys_fcntl(int fd, int cmd, unsigned long arg)
{
    struct process *p = current_process();
    struct file *f = fget(fd);
    if (!f)
        return -EBADF;
    long r = 0;
    switch (cmd) {
    case F_GETFD:
        r = p->files.cloexec[fd] ? FD_CLOEXEC : 0;
        break;
    case F_SETFD:
        p->files.cloexec[fd] = arg & FD_CLOEXEC;
        break;
    case F_GETFL:
        r = f->f_flags;
        break;
    case F_SETFL:
        /* only the status flags may change, and of those only O_NONBLOCK means
         * anything here; the access mode stays */
        f->f_flags = (f->f_flags & ~O_NONBLOCK) | (arg & O_NONBLOCK);
        break;
    default:
        r = -EINVAL;
    }
    fput(f);
    return r;
}

static bool timespec_valid(const struct timespec_k *t)
{
    return t->tv_sec >= 0 && t->tv_nsec >= 0 && t->tv_nsec < (int64_t)NSEC_PER_SEC;
}

long sys_nanosleep(const struct timespec_k *ureq, struct timespec_k *urem)
{
    struct timespec_k req;
    if (copy_from_user(&req, ureq, sizeof(req)))
        return -EFAULT;
    if (!timespec_valid(&req))
        return -EINVAL;
    /* clamp absurd lengths instead of overflowing the deadline (about 292 years) */
    uint64_t ns = (uint64_t)req.tv_sec > UINT64_MAX / NSEC_PER_SEC / 2
                      ? UINT64_MAX / 2
                      : (uint64_t)req.tv_sec * NSEC_PER_SEC + (uint64_t)req.tv_nsec;
    uint64_t deadline = ktime_get_ns() + ns;
    for (;;) {
        uint64_t now = ktime_get_ns();
        if (now >= deadline || fatal_signal_pending())
            break;
        set_current_state(TASK_BLOCKED);
        schedule_timeout_ns(deadline - now);
    }
    /* No signals interrupt a sleep here, so rem (written only on EINTR) is left alone. */
    (void)urem;
    return 0;
}

long sys_clock_gettime(int clk, struct timespec_k *utp)
{
    uint64_t ns;
    switch (clk) {
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    /* There is no battery clock driver: the wall clock starts at the epoch at boot. */
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE:
        ns = ktime_get_ns();
        break;
    default:
        return -EINVAL;
    }
    struct timespec_k t = { (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC) };
    return copy_to_user(utp, &t, sizeof(t));
}

long sys_getpid(void)
{
    return current_process()->pid;
}

long sys_sched_yield(void)
{
    yield();
    return 0;
}

long sys_exit(int code)
{
    process_exit(code & 0xff);
}
