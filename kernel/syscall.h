/* kernel/syscall.h - the system calls apps make, with Linux x86_64 numbers.
 *
 * ABI (as Linux): number in rax; arguments in rdi, rsi, rdx, r10, r8, r9; result in rax,
 * -errno (-4095..-1) on failure; rcx and r11 are clobbered, every other register kept.
 * Pointer arguments are user addresses, checked by the uaccess helpers. */
#ifndef WP_SYSCALL_H
#define WP_SYSCALL_H

#include "kernel/compiler.h"

#include "kernel/uapi/unistd.h"
#include "kernel/uapi/poll.h"

#define NR_SYSCALLS        289

struct timespec_k { int64_t tv_sec; int64_t tv_nsec; };   /* struct timespec on x86_64 */

#define CLOCK_REALTIME           0
#define CLOCK_MONOTONIC          1
#define CLOCK_MONOTONIC_RAW      4
#define CLOCK_REALTIME_COARSE    5
#define CLOCK_MONOTONIC_COARSE   6
#define CLOCK_BOOTTIME           7

/* kernel/sys_basic.c */
long sys_read(int fd, void *buf, size_t count);
long sys_write(int fd, const void *buf, size_t count);
long sys_close(int fd);
long sys_fcntl(int fd, int cmd, unsigned long arg);
long sys_nanosleep(const struct timespec_k *req, struct timespec_k *rem);
long sys_clock_gettime(int clk, struct timespec_k *tp);
long sys_getpid(void);
long sys_sched_yield(void);
long sys_exit(int code);
/* kernel/poll.c */
long sys_poll(struct pollfd *fds, unsigned long nfds, int timeout_ms);
/* The socket calls (net/socket.c, station 1): the gate needs only their prototypes, so
 * the structures stay opaque here (net/uapi/socket.h defines them). */
struct sockaddr;
struct msghdr;
long sys_socket(int family, int type, int protocol);
long sys_bind(int fd, const struct sockaddr *addr, int addrlen);
long sys_connect(int fd, const struct sockaddr *addr, int addrlen);
long sys_listen(int fd, int backlog);
long sys_accept(int fd, struct sockaddr *addr, int *addrlen);
long sys_accept4(int fd, struct sockaddr *addr, int *addrlen, int flags);
long sys_sendto(int fd, const void *buf, size_t len, unsigned flags,
                const struct sockaddr *addr, int addrlen);
long sys_recvfrom(int fd, void *buf, size_t len, unsigned flags,
                  struct sockaddr *addr, int *addrlen);
long sys_sendmsg(int fd, const struct msghdr *msg, unsigned flags);
long sys_recvmsg(int fd, struct msghdr *msg, unsigned flags);
long sys_shutdown(int fd, int how);
long sys_setsockopt(int fd, int level, int name, const void *val, int len);
long sys_getsockopt(int fd, int level, int name, void *val, int *len);
long sys_getsockname(int fd, struct sockaddr *addr, int *addrlen);
long sys_getpeername(int fd, struct sockaddr *addr, int *addrlen);

struct syscall_stats {
    uint64_t calls, enosys, efault;
    uint64_t per_nr[NR_SYSCALLS];
};
void syscall_get_stats(struct syscall_stats *s);
void syscall_init(void);

#endif
