/* sys/syscall.h - Linux x86_64 system call numbers under their SYS_ names: the numbers
 * are the kernel's own list (kernel/uapi/unistd.h). */
#ifndef WP_APP_SYS_SYSCALL_H
#define WP_APP_SYS_SYSCALL_H
#include "kernel/uapi/unistd.h"
#define SYS_read __NR_read
#define SYS_write __NR_write
#define SYS_open __NR_open
#define SYS_close __NR_close
#define SYS_poll __NR_poll
#define SYS_sched_yield __NR_sched_yield
#define SYS_nanosleep __NR_nanosleep
#define SYS_getpid __NR_getpid
#define SYS_socket __NR_socket
#define SYS_connect __NR_connect
#define SYS_accept __NR_accept
#define SYS_sendto __NR_sendto
#define SYS_recvfrom __NR_recvfrom
#define SYS_sendmsg __NR_sendmsg
#define SYS_recvmsg __NR_recvmsg
#define SYS_shutdown __NR_shutdown
#define SYS_bind __NR_bind
#define SYS_listen __NR_listen
#define SYS_getsockname __NR_getsockname
#define SYS_getpeername __NR_getpeername
#define SYS_setsockopt __NR_setsockopt
#define SYS_getsockopt __NR_getsockopt
#define SYS_exit __NR_exit
#define SYS_fcntl __NR_fcntl
#define SYS_gettimeofday __NR_gettimeofday
#define SYS_gettid __NR_gettid
#define SYS_clock_gettime __NR_clock_gettime
#define SYS_exit_group __NR_exit_group
#define SYS_openat __NR_openat
#define SYS_accept4 __NR_accept4
#endif
