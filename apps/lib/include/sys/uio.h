/* sys/uio.h - scatter/gather buffers. */
#ifndef WP_APP_SYS_UIO_H
#define WP_APP_SYS_UIO_H
#include <sys/types.h>
#include "net/uapi/socket.h"   /* struct iovec */
#endif
