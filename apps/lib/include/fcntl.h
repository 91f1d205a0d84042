/* fcntl.h - descriptor flags. */
#ifndef WP_APP_FCNTL_H
#define WP_APP_FCNTL_H
#include "kernel/uapi/fcntl.h"   /* the kernel's values, which are Linux's */
int fcntl(int fd, int cmd, ...);
int open(const char *path, int flags, ...);
#endif
