/* poll.h - waiting on several descriptors. */
#ifndef WP_APP_POLL_H
#define WP_APP_POLL_H
typedef unsigned long nfds_t;
struct pollfd { int fd; short events; short revents; };
#include "net/uapi/socket.h"   /* the POLL* bits */
int poll(struct pollfd *fds, nfds_t n, int timeout_ms);
#endif
