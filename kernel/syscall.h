/* kernel/syscall.h - the system calls apps make, with Linux x86_64 numbers.
 *
 * ABI (as Linux): number in rax; arguments in rdi, rsi, rdx, r10, r8, r9; result in rax,
 * -errno (-4095..-1) on failure; rcx and r11 are clobbered, every other register kept.
 * Pointer arguments are user addresses, checked by the uaccess helpers. */
#ifndef WP_SYSCALL_H
#define WP_SYSCALL_H

#include "kernel/compiler.h"

#define __NR_read          0
#define __NR_write         1
#define __NR_open          2
#define __NR_close         3
#define __NR_poll          7
#define __NR_sched_yield   24
#define __NR_nanosleep     35
#define __NR_getpid        39
#define __NR_socket        41
#define __NR_connect       42
#define __NR_accept        43
#define __NR_sendto        44
#define __NR_recvfrom      45
#define __NR_sendmsg       46
#define __NR_recvmsg       47
#define __NR_shutdown      48
#define __NR_bind          49
#define __NR_listen        50
#define __NR_getsockname   51
#define __NR_getpeername   52
#define __NR_setsockopt    54
#define __NR_getsockopt    55
#define __NR_exit          60
#define __NR_fcntl         72
#define __NR_gettid        186
#define __NR_clock_gettime 228
#define __NR_exit_group    231
#define __NR_openat        257
#define __NR_accept4       288
#define NR_SYSCALLS        289

struct timespec_k { int64_t tv_sec; int64_t tv_nsec; };   /* struct timespec on x86_64 */
struct pollfd_k { int fd; short events; short revents; };  /* struct pollfd */

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
long sys_poll(struct pollfd_k *fds, unsigned long nfds, int timeout_ms);

struct syscall_stats {
    uint64_t calls, enosys, efault;
    uint64_t per_nr[NR_SYSCALLS];
};
void syscall_get_stats(struct syscall_stats *s);
void syscall_init(void);

#endif
