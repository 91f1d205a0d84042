/* sys/syscall.h - Linux x86_64 system call numbers (those wirepath has, and a few more). */
#ifndef WP_APP_SYS_SYSCALL_H
#define WP_APP_SYS_SYSCALL_H
#define SYS_read 0
#define SYS_write 1
#define SYS_open 2
#define SYS_close 3
#define SYS_poll 7
#define SYS_sched_yield 24
#define SYS_nanosleep 35
#define SYS_getpid 39
#define SYS_socket 41
#define SYS_connect 42
#define SYS_accept 43
#define SYS_sendto 44
#define SYS_recvfrom 45
#define SYS_sendmsg 46
#define SYS_recvmsg 47
#define SYS_shutdown 48
#define SYS_bind 49
#define SYS_listen 50
#define SYS_getsockname 51
#define SYS_getpeername 52
#define SYS_setsockopt 54
#define SYS_getsockopt 55
#define SYS_exit 60
#define SYS_fcntl 72
#define SYS_gettimeofday 96
#define SYS_gettid 186
#define SYS_clock_gettime 228
#define SYS_exit_group 231
#define SYS_openat 257
#define SYS_accept4 288
#endif
