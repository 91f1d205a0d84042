/* sys/uio.h - scatter/gather buffers. */
#ifndef WP_APP_SYS_UIO_H
#define WP_APP_SYS_UIO_H
#include <sys/types.h>
struct iovec { void *iov_base; size_t iov_len; };
#endif
