/* net/socket.h - the generic socket layer (stations 1-2): fd -> struct socket -> sock->ops.
 * User-visible constants and structures use Linux's values and layouts (x86_64 ABI) so
 * apps built against POSIX headers work unchanged. */
#ifndef WP_NET_SOCKET_H
#define WP_NET_SOCKET_H

#include "kernel/compiler.h"
#include "kernel/sched.h"

#include "net/uapi/socket.h"
#include "kernel/uapi/poll.h"
#include "kernel/uapi/uio.h"
#include "kernel/syscall.h"       /* the socket calls' prototypes */

#define SOCK_TYPE_MASK 0xf

struct timeval_k { int64_t tv_sec, tv_usec; };   /* struct timeval on x86_64 */

/* Kernel-side message: the iovec array is already copied in and checked; the bytes it
 * points to are user memory, copied with the uaccess helpers as each layer consumes them. */
struct kmsg {
    struct sockaddr_in name;      /* destination (send) / source (receive) */
    bool has_name;
    const struct iovec *iov;
    size_t iovlen;
    size_t iov_idx, iov_off;      /* cursor */
    size_t len;                   /* total bytes */
    int flags;
    bool user;                    /* iov points to ring-3 memory */
    int namelen;                  /* bytes of address the sender gave (0: none) */
};
/* A message over kernel buffers (in-kernel senders, tests): iov must stay valid. */
void kmsg_init_kernel(struct kmsg *m, struct iovec *iov, size_t iovlen, size_t len);
/* Copy n bytes from the message cursor into to; advances. 0 or -EFAULT. */
int kmsg_copy_from(struct kmsg *m, void *to, size_t n);
/* Copy n bytes from from into the message cursor; advances. 0 or -EFAULT. */
int kmsg_copy_to(struct kmsg *m, const void *from, size_t n);

enum socket_state { SS_FREE, SS_UNCONNECTED, SS_CONNECTING, SS_CONNECTED, SS_DISCONNECTING };

struct socket;
struct sock;
struct proto_ops {
    int family;
    int (*release)(struct socket *sock);
    int (*bind)(struct socket *sock, const struct sockaddr_in *addr);
    /* connect/accept flags: O_NONBLOCK when the caller's file is non-blocking */
    int (*connect)(struct socket *sock, const struct sockaddr_in *addr, int flags);
    int (*accept)(struct socket *sock, struct socket *newsock, int flags);
    /* returns the address length (sizeof(struct sockaddr_in)) or -errno */
    int (*getname)(struct socket *sock, struct sockaddr_in *addr, int peer);
    unsigned (*poll)(struct socket *sock);
    int (*listen)(struct socket *sock, int backlog);
    int (*shutdown)(struct socket *sock, int how);
    int (*setsockopt)(struct socket *sock, int level, int name, const void *val, socklen_t len);
    int (*getsockopt)(struct socket *sock, int level, int name, void *val, socklen_t *len);
    long (*sendmsg)(struct socket *sock, struct kmsg *m, size_t len);
    long (*recvmsg)(struct socket *sock, struct kmsg *m, size_t len, int flags);
};

struct socket {
    enum socket_state state;
    short type;
    unsigned long flags;          /* O_NONBLOCK is kept on the file */
    const struct proto_ops *ops;
    struct sock *sk;
    struct wait_queue_head wq;
};


/* Address families register a create function (af_inet.c registers inet_create). */
struct net_proto_family {
    int family;
    int (*create)(struct socket *sock, int protocol);
};
int sock_register(const struct net_proto_family *fam);
int sock_create(int family, int type, int protocol, struct socket **out);
void sock_release(struct socket *sock);

/* Station 2: generic dispatch to sock->ops. */
long sock_sendmsg(struct socket *sock, struct kmsg *m);
long sock_recvmsg(struct socket *sock, struct kmsg *m, int flags);

/* Largest address a caller may pass (struct sockaddr_storage), as Linux. */
#define SOCKADDR_STORAGE_SIZE 128


/* Sockets as files: the socket behind a descriptor (a new file reference in *filep),
 * or NULL with *err = -EBADF / -ENOTSOCK. */
struct file;
struct file_ops;
struct socket *sockfd_lookup(int fd, struct file **filep, int *err);
/* Wrap a socket in a file and install it as the lowest free fd; on failure the socket
 * is released. Returns the fd or -errno. */
int sock_map_fd(struct socket *sock, unsigned flags);
extern const struct file_ops socket_file_ops;

/* Options at SOL_SOCKET (also for in-kernel callers and tests: val is a kernel pointer). */
int sock_setsockopt(struct socket *sock, int name, const void *val, socklen_t len);
int sock_getsockopt(struct socket *sock, int name, void *val, socklen_t *len);

/* Stubs for operations a socket type does not support (Linux's sock_no_*). */
int sock_no_listen(struct socket *sock, int backlog);
int sock_no_accept(struct socket *sock, struct socket *newsock, int flags);

struct socket_stats {
    uint64_t sockets_alive, sockets_created, create_failures;
    uint64_t sendmsg_calls, recvmsg_calls, bad_fd, not_sock, efault, einval;
};
void socket_get_stats(struct socket_stats *s);

#endif
