/* kernel/uapi/unistd.h - the system call numbers (Linux x86_64), one list: the kernel's
 * dispatch table (kernel/syscall.c) is indexed by them and the apps' <sys/syscall.h>
 * names them SYS_*. A number the kernel has no entry for answers -ENOSYS. */
#ifndef WP_UAPI_UNISTD_H
#define WP_UAPI_UNISTD_H

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
#define __NR_gettimeofday  96      /* not implemented: -ENOSYS (apps use clock_gettime) */
#define __NR_gettid        186
#define __NR_clock_gettime 228
#define __NR_exit_group    231
#define __NR_openat        257
#define __NR_accept4       288

#endif
