/* net/socket.c - the generic socket layer, stations 1 and 2 of the send path:
 * fd -> file -> struct socket -> sock->ops (inet_dgram_ops, inet_stream_ops).
 *
 * The system calls here check everything that comes from the app - descriptors, user
 * pointers and lengths, address sizes, iovec arrays - in the order Linux checks them, so
 * an app sees the same errno, and hand the protocol family a kernel-side message (struct
 * kmsg) whose iovec array is already copied in and validated. The bytes themselves stay
 * in the app until a protocol copies them (the one unavoidable copy).
 *
 * Address families register with sock_register (af_inet.c registers AF_INET). The ops
 * take a struct sockaddr_in, so bind and connect insist here on a whole one (Linux's
 * inet_bind and ip4_datagram_connect make the same length checks). */
#include "net/socket.h"
#include "net/core/sock.h"
#include "kernel/file.h"
#include "kernel/uaccess.h"
#include "kernel/user/uvm.h"
#include "kernel/user/process.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/mm/mm.h"
#include "kernel/arch/x86.h"
#include "net/core/trace_stations.h"

#define NPROTO   16           /* address families (Linux's AF_MAX is larger) */
#define SOCK_MAX 11           /* SOCK_PACKET + 1: types above are EINVAL */
#define FAST_IOVS 8           /* iovecs kept on the stack; more are kmalloc'ed */

static const struct net_proto_family *families[NPROTO];
static struct socket_stats stats;

void socket_get_stats(struct socket_stats *s)
{
    unsigned long f = local_irq_save();
    *s = stats;
    local_irq_restore(f);
}

int sock_register(const struct net_proto_family *fam)
{
    if (!fam || fam->family <= 0 || fam->family >= NPROTO || !fam->create)
        return -EINVAL;
    if (families[fam->family])
        return -EEXIST;
    families[fam->family] = fam;
    return 0;
}

int sock_no_listen(struct socket *sock, int backlog) { return -EOPNOTSUPP; }
int sock_no_accept(struct socket *sock, struct socket *newsock, int flags) { return -EOPNOTSUPP; }

static struct socket *sock_alloc(int type)
{
    struct socket *sock = kzalloc(sizeof(*sock));
    if (!sock)
        return NULL;
    sock->state = SS_UNCONNECTED;
    sock->type = (short)type;
    init_waitqueue_head(&sock->wq);
    stats.sockets_alive++;
    return sock;
}

int sock_create(int family, int type, int protocol, struct socket **out)
{
    *out = NULL;
    if (family < 0 || family >= NPROTO)
        return -EAFNOSUPPORT;
    if (type < 0 || type >= SOCK_MAX)
        return -EINVAL;
    const struct net_proto_family *fam = families[family];
    if (!fam)
        return -EAFNOSUPPORT;
    struct socket *sock = sock_alloc(type);
    if (!sock) {
        stats.create_failures++;
        return -ENFILE;
    }
    int err = fam->create(sock, protocol);
    if (err) {
        stats.create_failures++;
        sock_release(sock);
        return err;
    }
    stats.sockets_created++;
    *out = sock;
    return 0;
}

void sock_release(struct socket *sock)
{
    if (!sock)
        return;
    if (sock->ops && sock->ops->release)
        sock->ops->release(sock);
    sock->ops = NULL;
    wake_up(&sock->wq);
    stats.sockets_alive--;
    kfree(sock);
}

long sock_sendmsg(struct socket *sock, struct kmsg *m)
{
    trace_point(TS_SOCK_SENDMSG, NULL, m->len, 0);
    stats.sendmsg_calls++;
    return sock->ops->sendmsg(sock, m, m->len);
}

long sock_recvmsg(struct socket *sock, struct kmsg *m, int flags)
{
    stats.recvmsg_calls++;
    return sock->ops->recvmsg(sock, m, m->len, flags);
}

/* --- sockets as files --- */

static int file_msg_flags(const struct file *f)
{
    return f->f_flags & O_NONBLOCK ? MSG_DONTWAIT : 0;
}

static void user_msg(struct kmsg *m, struct iovec *iov, size_t iovlen, size_t len, int flags)
{
    memset(m, 0, sizeof(*m));
    m->iov = iov;
    m->iovlen = iovlen;
    m->len = len;
    m->flags = flags;
    m->user = true;
}

static long sock_file_read(struct file *f, void *buf, size_t n)
{
    if (n == 0)
        return 0;
    struct iovec iov = { buf, n };
    struct kmsg m;
    int flags = file_msg_flags(f);
    user_msg(&m, &iov, 1, n, flags);
    return sock_recvmsg(f->private_data, &m, flags);
}

static long sock_file_write(struct file *f, const void *buf, size_t n)
{
    trace_point(TS_SYS_SENDTO, NULL, n, 1);     /* write(2) */
    struct iovec iov = { (void *)buf, n };
    struct kmsg m;
    user_msg(&m, &iov, 1, n, file_msg_flags(f) | MSG_NOSIGNAL);
    return sock_sendmsg(f->private_data, &m);
}

static unsigned sock_file_poll(struct file *f, struct wait_queue_head **wq)
{
    struct socket *sock = f->private_data;
    *wq = &sock->wq;
    return sock->ops && sock->ops->poll ? sock->ops->poll(sock) : 0;
}

static void sock_file_release(struct file *f)
{
    sock_release(f->private_data);
}

const struct file_ops socket_file_ops = {
    .name = "socket",
    .read = sock_file_read,
    .write = sock_file_write,
    .poll = sock_file_poll,
    .release = sock_file_release,
};

int sock_map_fd(struct socket *sock, unsigned flags)
{
    struct file *f = file_alloc(&socket_file_ops, sock, O_RDWR | (flags & O_NONBLOCK));
    if (!f) {
        sock_release(sock);
        return -ENFILE;
    }
    int fd = fd_install(f);
    if (fd < 0) {
        fput(f);                   /* releases the socket */
        return fd;
    }
    if (flags & SOCK_CLOEXEC)
        current_process()->files.cloexec[fd] = true;
    return fd;
}

struct socket *sockfd_lookup(int fd, struct file **filep, int *err)
{
    struct file *f = fget(fd);
    if (!f) {
        stats.bad_fd++;
        *err = -EBADF;
        return NULL;
    }
    if (f->ops != &socket_file_ops) {
        fput(f);
        stats.not_sock++;
        *err = -ENOTSOCK;
        return NULL;
    }
    *filep = f;
    return f->private_data;
}

/* The socket behind a descriptor for the length of one system call (Linux's CLASS(fd)
 * with sock_from_file): the file reference is dropped when the variable leaves scope, on
 * every return path, so no call can leak it or drop it twice. */
struct fd_sock {
    struct file *file;
    struct socket *sock;           /* NULL: err says why (-EBADF, -ENOTSOCK) */
    int err;
};

static struct fd_sock fd_sock_get(int fd)
{
    struct fd_sock s = { NULL, NULL, 0 };
    s.sock = sockfd_lookup(fd, &s.file, &s.err);
    if (!s.sock)
        s.file = NULL;
    return s;
}

static void fd_sock_put(struct fd_sock *s)
{
    if (s->file)
        fput(s->file);
}

/* FD_SOCK(fs, sock, fd) opens a system call on a socket descriptor: it declares fs and
 * sock, the socket behind fd, and returns fs.err (-EBADF, -ENOTSOCK) from the calling
 * system call when fd is no socket. */
#define FD_SOCK(fs, sock, fd)                                                           \
    struct fd_sock fs __attribute__((cleanup(fd_sock_put))) = fd_sock_get(fd);          \
    struct socket *sock = fs.sock;                                                      \
    if (!sock)                                                                          \
        return fs.err

/* --- moving addresses and lengths (Linux's move_addr_to_kernel/_user) --- */

static bool access_ok(const void *p, size_t n)
{
    return user_range_ok((uint64_t)(uintptr_t)p, n);
}

static int efault(void)
{
    stats.efault++;
    return -EFAULT;
}

static int einval(void)
{
    stats.einval++;
    return -EINVAL;
}

/* Copy a user address of ulen bytes into a zeroed kernel one. */
static int move_addr_to_kernel(const void *uaddr, int ulen, struct sockaddr_in *k)
{
    memset(k, 0, sizeof(*k));
    if (ulen < 0 || ulen > SOCKADDR_STORAGE_SIZE)
        return einval();
    if (ulen == 0)
        return 0;
    /* Only the sockaddr_in part means anything to AF_INET; the rest must be readable. */
    char tail[SOCKADDR_STORAGE_SIZE];
    if (copy_from_user(tail, uaddr, (size_t)ulen))
        return efault();
    memcpy(k, tail, MIN((size_t)ulen, sizeof(*k)));
    return 0;
}

/* Give the app klen bytes of address: as much as its buffer holds, and the full length
 * in *ulen. */
static int move_addr_to_user(const struct sockaddr_in *k, int klen, void *uaddr, int *ulen)
{
    int len;
    if (copy_from_user(&len, ulen, sizeof(len)))
        return efault();
    if (len < 0)
        return einval();
    if (len > klen)
        len = klen;
    if (len && copy_to_user(uaddr, k, (size_t)len))
        return efault();
    if (copy_to_user(ulen, &klen, sizeof(klen)))
        return efault();
    return 0;
}

/* --- the system calls --- */

long sys_socket(int family, int type, int protocol)
{
    int flags = type & ~SOCK_TYPE_MASK;
    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
        return einval();
    struct socket *sock;
    int err = sock_create(family, type & SOCK_TYPE_MASK, protocol, &sock);
    if (err)
        return err;
    return sock_map_fd(sock, (unsigned)flags);
}

long sys_bind(int fd, const struct sockaddr *uaddr, int addrlen)
{
    FD_SOCK(fs, sock, fd);
    struct sockaddr_in a;
    int err = move_addr_to_kernel(uaddr, addrlen, &a);
    if (!err && addrlen < (int)sizeof(struct sockaddr_in))
        err = einval();
    if (!err)
        err = sock->ops->bind(sock, &a);
    return err;
}

long sys_connect(int fd, const struct sockaddr *uaddr, int addrlen)
{
    FD_SOCK(fs, sock, fd);
    struct sockaddr_in a;
    int err = move_addr_to_kernel(uaddr, addrlen, &a);
    /* AF_UNSPEC (dissolve the association) needs only the family */
    if (!err && (addrlen < (int)sizeof(sa_family_t) ||
                 (a.sin_family != AF_UNSPEC && addrlen < (int)sizeof(struct sockaddr_in))))
        err = einval();
    if (!err)
        err = sock->ops->connect(sock, &a, (int)(fs.file->f_flags & O_NONBLOCK));
    return err;
}

long sys_listen(int fd, int backlog)
{
    FD_SOCK(fs, sock, fd);
    if ((unsigned)backlog > SOMAXCONN)
        backlog = SOMAXCONN;
    return sock->ops->listen ? sock->ops->listen(sock, backlog) : -EOPNOTSUPP;
}

long sys_accept4(int fd, struct sockaddr *uaddr, int *uaddrlen, int flags)
{
    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
        return einval();
    FD_SOCK(fs, sock, fd);
    if (!sock->ops->accept || sock->ops->accept == sock_no_accept)
        return -EOPNOTSUPP;
    struct socket *newsock = sock_alloc(sock->type);
    if (!newsock)
        return -ENFILE;
    newsock->ops = sock->ops;
    /* whether accept waits is the listener's business; accept4's SOCK_NONBLOCK is for
     * the new descriptor (sock_map_fd below) */
    int err = sock->ops->accept(sock, newsock, (int)(fs.file->f_flags & O_NONBLOCK));
    if (err) {
        newsock->ops = NULL;           /* nothing was attached: nothing to release */
        sock_release(newsock);
        return err;
    }
    struct sockaddr_in peer;
    bool want_peer = uaddr != NULL;
    if (want_peer && newsock->ops->getname(newsock, &peer, 2) < 0) {
        sock_release(newsock);
        return -ECONNABORTED;
    }
    int nfd = sock_map_fd(newsock, (unsigned)flags);
    if (nfd < 0)
        return nfd;
    if (want_peer) {
        err = move_addr_to_user(&peer, sizeof(peer), uaddr, uaddrlen);
        if (err) {
            fd_close(nfd);
            return err;
        }
    }
    return nfd;
}

long sys_accept(int fd, struct sockaddr *uaddr, int *uaddrlen)
{
    return sys_accept4(fd, uaddr, uaddrlen, 0);
}

long sys_sendto(int fd, const void *buf, size_t len, unsigned flags,
                const struct sockaddr *uaddr, int addrlen)
{
    trace_point(TS_SYS_SENDTO, NULL, len, fd);
    if (len > (size_t)MAX_RW_COUNT)
        len = MAX_RW_COUNT;
    if (!access_ok(buf, len))
        return efault();
    FD_SOCK(fs, sock, fd);
    struct iovec iov = { (void *)buf, len };
    struct kmsg m;
    user_msg(&m, &iov, 1, len, (int)flags);
    long r = 0;
    if (uaddr) {
        r = move_addr_to_kernel(uaddr, addrlen, &m.name);
        m.has_name = !r && addrlen > 0;
        m.namelen = m.has_name ? addrlen : 0;
    }
    if (!r) {
        m.flags |= file_msg_flags(fs.file);
        r = sock_sendmsg(sock, &m);
    }
    return r;
}

long sys_recvfrom(int fd, void *buf, size_t len, unsigned flags,
                  struct sockaddr *uaddr, int *uaddrlen)
{
    if (len > (size_t)MAX_RW_COUNT)
        len = MAX_RW_COUNT;
    if (!access_ok(buf, len))
        return efault();
    FD_SOCK(fs, sock, fd);
    struct iovec iov = { buf, len };
    struct kmsg m;
    user_msg(&m, &iov, 1, len, 0);
    long r = sock_recvmsg(sock, &m, (int)flags | file_msg_flags(fs.file));
    /* As in Linux, the address length is read only once a datagram is taken: a bad
     * pointer there costs the app that datagram, and an empty socket answers EAGAIN
     * whatever the pointer. */
    if (r >= 0 && uaddr) {
        int e = move_addr_to_user(&m.name, m.has_name ? (int)sizeof(m.name) : 0, uaddr, uaddrlen);
        if (e)
            r = e;
    }
    return r;
}

/* Copy a user msghdr in and check it as Linux's copy_msghdr_from_user and import_iovec
 * do: the address (send only) first, then the iovec array, each length and base.
 * *iovp is fast or a kmalloc'ed array the caller frees when it is not fast. */
static long msghdr_import(const struct msghdr *umsg, struct msghdr *k, struct kmsg *m,
                          bool send, struct iovec *fast, struct iovec **iovp)
{
    *iovp = fast;
    if (copy_from_user(k, umsg, sizeof(*k)))
        return efault();
    int namelen = k->msg_name ? (int)k->msg_namelen : 0;
    if (namelen < 0)
        return einval();
    namelen = MIN(namelen, SOCKADDR_STORAGE_SIZE);
    if (k->msg_iovlen > UIO_MAXIOV)
        return -EMSGSIZE;
    user_msg(m, fast, 0, 0, 0);
    if (send && namelen) {
        long r = move_addr_to_kernel(k->msg_name, namelen, &m->name);
        if (r)
            return r;
        m->has_name = true;
        m->namelen = namelen;
    }
    struct iovec *iov = fast;
    if (k->msg_iovlen > FAST_IOVS) {
        iov = kmalloc(k->msg_iovlen * sizeof(*iov));
        if (!iov)
            return -ENOMEM;
        *iovp = iov;
    }
    if (copy_from_user(iov, k->msg_iov, k->msg_iovlen * sizeof(*iov)))
        return efault();
    size_t sum = 0;
    for (size_t i = 0; i < k->msg_iovlen; i++) {
        if ((int64_t)iov[i].iov_len < 0)
            return einval();
        if (!access_ok(iov[i].iov_base, iov[i].iov_len))
            return efault();
        if (iov[i].iov_len > (size_t)MAX_RW_COUNT - sum)
            iov[i].iov_len = (size_t)MAX_RW_COUNT - sum;
        sum += iov[i].iov_len;
    }
    m->iov = iov;
    m->iovlen = k->msg_iovlen;
    m->len = sum;
    /* Ancillary data (cmsg) is not supported: it is ignored, not parsed. */
    return 0;
}

long sys_sendmsg(int fd, const struct msghdr *umsg, unsigned flags)
{
    trace_point(TS_SYS_SENDTO, NULL, 0, fd);
    FD_SOCK(fs, sock, fd);
    struct msghdr k;
    struct iovec fast[FAST_IOVS], *iov;
    struct kmsg m;
    long r = msghdr_import(umsg, &k, &m, true, fast, &iov);
    if (!r) {
        m.flags = (int)flags | file_msg_flags(fs.file);
        r = sock_sendmsg(sock, &m);
    }
    if (iov != fast)
        kfree(iov);
    return r;
}

long sys_recvmsg(int fd, struct msghdr *umsg, unsigned flags)
{
    FD_SOCK(fs, sock, fd);
    struct msghdr k;
    struct iovec fast[FAST_IOVS], *iov;
    struct kmsg m;
    long r = msghdr_import(umsg, &k, &m, false, fast, &iov);
    if (!r)
        r = sock_recvmsg(sock, &m, (int)flags | file_msg_flags(fs.file));
    if (r >= 0 && k.msg_name) {
        int e = move_addr_to_user(&m.name, m.has_name ? (int)sizeof(m.name) : 0, k.msg_name,
                                  (int *)&umsg->msg_namelen);
        if (e)
            r = e;
    }
    if (r >= 0) {
        int outflags = m.flags & MSG_TRUNC;
        size_t noctl = 0;
        if (copy_to_user(&umsg->msg_flags, &outflags, sizeof(outflags)) ||
            copy_to_user(&umsg->msg_controllen, &noctl, sizeof(noctl)))
            r = efault();
    }
    if (iov != fast)
        kfree(iov);
    return r;
}

long sys_shutdown(int fd, int how)
{
    FD_SOCK(fs, sock, fd);
    return sock->ops->shutdown ? sock->ops->shutdown(sock, how) : -EOPNOTSUPP;
}

long sys_setsockopt(int fd, int level, int name, const void *uval, int len)
{
    if (len < 0)
        return einval();
    FD_SOCK(fs, sock, fd);
    /* Copy what the option can use: an int, a struct timeval, or (other levels) up to
     * 64 bytes; the protocol sees the caller's length. */
    char kval[64];
    size_t need;
    if (level == SOL_SOCKET) {
        if (len < (int)sizeof(int))
            return einval();
        need = (name == SO_RCVTIMEO || name == SO_SNDTIMEO)
                   ? MIN((size_t)len, sizeof(struct timeval_k)) : sizeof(int);
    } else {
        need = MIN((size_t)len, sizeof(kval));
    }
    if (copy_from_user(kval, uval, need))
        return efault();
    if (level == SOL_SOCKET)
        return sock_setsockopt(sock, name, kval, (socklen_t)len);
    return sock->ops->setsockopt ? sock->ops->setsockopt(sock, level, name, kval, (socklen_t)len)
                                 : -ENOPROTOOPT;
}

long sys_getsockopt(int fd, int level, int name, void *uval, int *ulen)
{
    FD_SOCK(fs, sock, fd);
    int len;
    char kval[64];
    if (copy_from_user(&len, ulen, sizeof(len)))
        return efault();
    if (len < 0)
        return einval();
    socklen_t klen = (socklen_t)MIN((size_t)len, sizeof(kval));
    int err;
    if (level == SOL_SOCKET)
        err = sock_getsockopt(sock, name, kval, &klen);
    else
        err = sock->ops->getsockopt ? sock->ops->getsockopt(sock, level, name, kval, &klen)
                                    : -ENOPROTOOPT;
    if (err)
        return err;
    if (klen && copy_to_user(uval, kval, klen))
        return efault();
    len = (int)klen;
    if (copy_to_user(ulen, &len, sizeof(len)))
        return efault();
    return 0;
}

static long getname(int fd, struct sockaddr *uaddr, int *ulen, int peer)
{
    FD_SOCK(fs, sock, fd);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    int err = sock->ops->getname(sock, &a, peer);
    if (err >= 0)
        err = move_addr_to_user(&a, err, uaddr, ulen);
    return err;
}

long sys_getsockname(int fd, struct sockaddr *uaddr, int *ulen)
{
    return getname(fd, uaddr, ulen, 0);
}

long sys_getpeername(int fd, struct sockaddr *uaddr, int *ulen)
{
    return getname(fd, uaddr, ulen, 1);
}
