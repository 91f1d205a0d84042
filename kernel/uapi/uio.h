/* kernel/uapi/uio.h - scatter/gather buffers (struct iovec, Linux's x86_64 layout) and the
 * most of them one call takes (UIO_MAXIOV), shared by the kernel and the apps' POSIX
 * header (apps/lib/include/sys/uio.h). Compiler headers only. */
#ifndef WP_UAPI_UIO_H
#define WP_UAPI_UIO_H

#include <stddef.h>

struct iovec { void *iov_base; size_t iov_len; };

/* Most iovecs in one message (Linux's UIO_MAXIOV): more is EMSGSIZE. */
#define UIO_MAXIOV 1024

#endif
