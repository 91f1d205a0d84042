/* kernel/uapi/fcntl.h - open flags and fcntl commands (Linux values), shared by the
 * kernel (kernel/file.h) and the apps' POSIX header (apps/lib/include/fcntl.h). */
#ifndef WP_UAPI_FCNTL_H
#define WP_UAPI_FCNTL_H

#define O_RDONLY   00
#define O_WRONLY   01
#define O_RDWR     02
#define O_NONBLOCK 04000
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define FD_CLOEXEC 1

#endif
