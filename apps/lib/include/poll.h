/* poll.h - waiting on several descriptors. */
#ifndef WP_APP_POLL_H
#define WP_APP_POLL_H
typedef unsigned long nfds_t;
#include "kernel/uapi/poll.h"   /* struct pollfd and the POLL* bits, the kernel's own */
int poll(struct pollfd *fds, nfds_t n, int timeout_ms);
#endif
