/* sys/types.h - POSIX types with their x86_64 Linux sizes. */
#ifndef WP_APP_SYS_TYPES_H
#define WP_APP_SYS_TYPES_H
#include <stddef.h>
#include <stdint.h>
typedef long ssize_t;
typedef int pid_t;
typedef long off_t;
typedef long time_t;
typedef long suseconds_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef int clockid_t;
#endif
