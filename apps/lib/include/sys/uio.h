/* sys/uio.h - scatter/gather buffers. */
#ifndef WP_APP_SYS_UIO_H
#define WP_APP_SYS_UIO_H
#include <sys/types.h>
#include "kernel/uapi/uio.h"   /* struct iovec, the kernel's own */
#endif
