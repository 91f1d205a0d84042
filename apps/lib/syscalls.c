/* apps/lib/syscalls.c - POSIX wrappers: one syscall each, errno on failure. */
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include "wp_syscall.h"

int errno;

long __wp_ret(long r)
{
    if ((unsigned long)r > -4096ul) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

#define SC(n, a, b, c, d, e, f) __wp_ret(__wp_sc(n, a, b, c, d, e, f))

ssize_t read(int fd, void *buf, size_t n) { return SC(SYS_read, fd, buf, n, 0, 0, 0); }
ssize_t write(int fd, const void *buf, size_t n) { return SC(SYS_write, fd, buf, n, 0, 0, 0); }
int close(int fd) { return (int)SC(SYS_close, fd, 0, 0, 0, 0, 0); }
pid_t getpid(void) { return (pid_t)SC(SYS_getpid, 0, 0, 0, 0, 0, 0); }

long syscall(long n, ...)
{
    va_list ap;
    va_start(ap, n);
    long a = va_arg(ap, long), b = va_arg(ap, long), c = va_arg(ap, long);
    long d = va_arg(ap, long), e = va_arg(ap, long), f = va_arg(ap, long);
    va_end(ap);
    return SC(n, a, b, c, d, e, f);
}

int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    return (int)SC(SYS_fcntl, fd, cmd, arg, 0, 0, 0);
}

int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    return (int)SC(SYS_poll, fds, n, timeout_ms, 0, 0, 0);
}

int clock_gettime(clockid_t clk, struct timespec *tp)
{
    return (int)SC(SYS_clock_gettime, clk, tp, 0, 0, 0, 0);
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    return (int)SC(SYS_nanosleep, req, rem, 0, 0, 0, 0);
}

unsigned sleep(unsigned seconds)
{
    struct timespec t = { (time_t)seconds, 0 };
    return nanosleep(&t, 0) ? seconds : 0;
}

int usleep(unsigned long usec)
{
    struct timespec t = { (time_t)(usec / 1000000), (long)(usec % 1000000) * 1000 };
    return nanosleep(&t, 0);
}

int socket(int domain, int type, int protocol)
{
    return (int)SC(SYS_socket, domain, type, protocol, 0, 0, 0);
}
int bind(int fd, const struct sockaddr *a, socklen_t len) { return (int)SC(SYS_bind, fd, a, len, 0, 0, 0); }
int connect(int fd, const struct sockaddr *a, socklen_t len) { return (int)SC(SYS_connect, fd, a, len, 0, 0, 0); }
int listen(int fd, int backlog) { return (int)SC(SYS_listen, fd, backlog, 0, 0, 0, 0); }
int accept(int fd, struct sockaddr *a, socklen_t *len) { return (int)SC(SYS_accept, fd, a, len, 0, 0, 0); }
int accept4(int fd, struct sockaddr *a, socklen_t *len, int flags)
{
    return (int)SC(SYS_accept4, fd, a, len, flags, 0, 0);
}
ssize_t send(int fd, const void *buf, size_t len, int flags)
{
    return SC(SYS_sendto, fd, buf, len, flags, 0, 0);
}
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *a, socklen_t alen)
{
    return SC(SYS_sendto, fd, buf, len, flags, a, alen);
}
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) { return SC(SYS_sendmsg, fd, msg, flags, 0, 0, 0); }
ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    return SC(SYS_recvfrom, fd, buf, len, flags, 0, 0);
}
ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *a, socklen_t *alen)
{
    return SC(SYS_recvfrom, fd, buf, len, flags, a, alen);
}
ssize_t recvmsg(int fd, struct msghdr *msg, int flags) { return SC(SYS_recvmsg, fd, msg, flags, 0, 0, 0); }
int shutdown(int fd, int how) { return (int)SC(SYS_shutdown, fd, how, 0, 0, 0, 0); }
int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    return (int)SC(SYS_setsockopt, fd, level, name, val, len, 0);
}
int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    return (int)SC(SYS_getsockopt, fd, level, name, val, len, 0);
}
int getsockname(int fd, struct sockaddr *a, socklen_t *len) { return (int)SC(SYS_getsockname, fd, a, len, 0, 0, 0); }
int getpeername(int fd, struct sockaddr *a, socklen_t *len) { return (int)SC(SYS_getpeername, fd, a, len, 0, 0, 0); }

int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    long mode = va_arg(ap, long);   /* only meaningful with O_CREAT; harmless otherwise */
    va_end(ap);
    return (int)SC(SYS_open, path, flags, mode, 0, 0, 0);
}

/* The vDSO's job on Linux; here one clock_gettime(CLOCK_REALTIME). tz is obsolete. */
int gettimeofday(struct timeval *tv, struct timezone *tz)
{
    (void)tz;
    struct timespec t;
    if (clock_gettime(CLOCK_REALTIME, &t) < 0)
        return -1;
    if (tv) {
        tv->tv_sec = t.tv_sec;
        tv->tv_usec = t.tv_nsec / 1000;
    }
    return 0;
}
