/* errno.h - Linux errno values; errno is one global (apps are single-threaded). */
#ifndef WP_APP_ERRNO_H
#define WP_APP_ERRNO_H
extern int errno;
/* the values are the kernel's, which are Linux's */
#include "kernel/errno.h"
#endif
