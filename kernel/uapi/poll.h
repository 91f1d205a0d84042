/* kernel/uapi/poll.h - poll(2)'s structure and event bits (Linux's values and x86_64
 * layout), shared by the kernel (kernel/poll.c, every file's ops->poll) and the apps'
 * POSIX header (apps/lib/include/poll.h). Compiler headers only. */
#ifndef WP_UAPI_POLL_H
#define WP_UAPI_POLL_H

struct pollfd { int fd; short events; short revents; };

#define POLLIN     0x001
#define POLLPRI    0x002
#define POLLOUT    0x004
#define POLLERR    0x008
#define POLLHUP    0x010
#define POLLNVAL   0x020
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200
#define POLLRDHUP  0x2000

#endif
