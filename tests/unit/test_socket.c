// SOURCES: net/socket.c net/sockopt.c net/kmsg.c net/ipv4/af_inet.c net/core/sock.c net/core/datagram.c net/core/stream.c net/core/skbuff.c kernel/file.c kernel/console_file.c kernel/sys_basic.c kernel/poll.c kernel/uaccess.c kernel/user/uvm.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_kernel.c kernel/sched/wait.c tests/unit/stub_devinet.c tests/unit/fake_clock.c
/* tests/unit/test_socket.c - the socket system calls as an app sees them, without a
 * machine: a fake app (page tables with a few user pages, a descriptor table) calls
 * sys_socket, sys_sendto, ... with user pointers, and a stand-in datagram protocol
 * ("floop": delivers to the socket bound to the destination port, like UDP on loopback)
 * sits behind inet_dgram_ops in UDP's slot. Checked: every errno for bad descriptors,
 * pointers, lengths and arguments (Linux's values and order), data intact through
 * sendto/recvfrom/sendmsg/recvmsg/read/write, autobind, connect, shutdown, options,
 * O_NONBLOCK and timeouts, poll sleeping on the wait queues, and no leaks. */
#include "tests/unit/unit.h"
#include "tests/unit/leak_check.h"
#include "tests/unit/fake_mm.h"
#include "tests/unit/fake_kernel.h"
#include "net/ipv4/af_inet.h"
#include "net/core/netdevice.h"
#include "kernel/syscall.h"
#include "kernel/file.h"
#include "kernel/uaccess.h"
#include "kernel/user/process.h"
#include "kernel/user/uvm.h"
#include "kernel/errno.h"
#include "kernel/time.h"

void panic(const char *fmt, ...) { (void)fmt; abort(); }
void process_exit(int code) { (void)code; abort(); }

/* ------------------------------------------------------------------ the fake app */
#define UBASE 0x400000ul
#define USIZE (256ul << 10)
#define URO   (UBASE + USIZE)          /* one read-only page after the writable ones */
static struct process proc;

static void app_setup(void)
{
    if (proc.vm)
        return;
    proc.vm = uvm_create();
    CHECK_EQ(uvm_map(proc.vm, UBASE, USIZE, UVM_READ | UVM_WRITE), 0);
    CHECK_EQ(uvm_map(proc.vm, URO, PAGE_SIZE, UVM_READ), 0);
    files_init(&proc.files);
    proc.pid = 42;
    current->user = &proc;
}

static void *U(size_t off) { return (void *)(UBASE + off); }
static void uput(size_t off, const void *src, size_t n) { CHECK_EQ(uvm_write(proc.vm, UBASE + off, src, n), 0); }
static void uget(size_t off, void *dst, size_t n) { CHECK_EQ(copy_from_user(dst, U(off), n), 0); }

/* user-memory layout of the tests */
#define O_ADDR  0x100      /* a struct sockaddr_in */
#define O_LEN   0x200      /* an int */
#define O_MSG   0x300      /* a struct msghdr */
#define O_IOV   0x400      /* struct iovec[] */
#define O_OPT   0x800      /* option values */
#define O_POLL  0x900
#define O_BUF   0x1000     /* data, up to 64 KiB */
#define O_BUF2  0x20000

#define KERNEL_PTR ((void *)0xffff800000100000ul)
#define NONCANON   ((void *)0x0000800000000000ul)
#define UNMAPPED   ((void *)0x10000000ul)

static struct sockaddr_in inaddr(uint32_t a, uint16_t port)
{
    struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(port) };
    s.sin_addr.s_addr = htonl(a);
    return s;
}

static void put_addr(size_t off, struct sockaddr_in a) { uput(off, &a, sizeof(a)); }
static void put_int(size_t off, int v) { uput(off, &v, sizeof(v)); }
static int get_int(size_t off) { int v; uget(off, &v, sizeof(v)); return v; }

/* ------------------------------------------------------------ the fake protocol */
#define FLOOP_MAX 16
static struct sock *bound[FLOOP_MAX];
static uint16_t next_ephemeral = 32768;
struct floop_cb { uint32_t saddr; uint16_t sport; };

static struct sock *floop_find(uint16_t port)
{
    for (int i = 0; i < FLOOP_MAX; i++)
        if (bound[i] && bound[i]->inet_num == port)
            return bound[i];
    return NULL;
}

static int floop_get_port(struct sock *sk, uint16_t port)
{
    if (port == 0) {
        do
            port = next_ephemeral++;
        while (floop_find(port));
    } else {
        struct sock *o = floop_find(port);
        if (o && !(o->sk_reuse && sk->sk_reuse))
            return -EADDRINUSE;
    }
    for (int i = 0; i < FLOOP_MAX; i++) {
        if (!bound[i]) {
            bound[i] = sk;
            sk->inet_num = port;
            sk->inet_sport = htons(port);
            return 0;
        }
    }
    return -EAGAIN;
}

static void floop_close(struct sock *sk)
{
    for (int i = 0; i < FLOOP_MAX; i++)
        if (bound[i] == sk)
            bound[i] = NULL;
}

static int floop_connect(struct sock *sk, const struct sockaddr_in *a)
{
    sk->inet_daddr = a->sin_addr.s_addr;
    sk->inet_dport = a->sin_port;
    sk->sk_state = TCP_ESTABLISHED;
    return 0;
}

static int floop_disconnect(struct sock *sk, int flags)
{
    sk->inet_daddr = 0;
    sk->inet_dport = 0;
    sk->sk_state = TCP_CLOSE;
    return 0;
}

static long floop_sendmsg(struct sock *sk, struct kmsg *m, size_t len)
{
    CHECK(sk->inet_num != 0);                 /* autobound by inet_sendmsg */
    uint16_t dport = m->has_name ? m->name.sin_port : sk->inet_dport;
    int err;
    struct sk_buff *skb = sock_alloc_send_skb(sk, (unsigned)len, m->flags & MSG_DONTWAIT, &err);
    if (!skb)
        return err;
    if (kmsg_copy_from(m, skb_put(skb, (unsigned)len), len)) {
        kfree_skb(skb);
        return -EFAULT;
    }
    struct floop_cb *cb = (struct floop_cb *)skb->cb;
    cb->saddr = htonl(0x7f000001);
    cb->sport = sk->inet_sport;
    struct sock *dst = floop_find(ntohs(dport));
    if (!dst || sock_queue_rcv_skb(dst, skb))
        kfree_skb(skb);                       /* nobody there, or full: dropped */
    return (long)len;
}

static long floop_recvmsg(struct sock *sk, struct kmsg *m, size_t len, int flags)
{
    int err;
    struct sk_buff *skb = skb_recv_datagram(sk, flags, &err);
    if (!skb)
        return err;
    size_t n = MIN(len, (size_t)skb->len);
    if (n < skb->len)
        m->flags |= MSG_TRUNC;
    if (skb_copy_datagram_msg(skb, 0, m, (unsigned)n)) {
        consume_skb(skb);
        return -EFAULT;
    }
    struct floop_cb *cb = (struct floop_cb *)skb->cb;
    m->name = inaddr(ntohl(cb->saddr), ntohs(cb->sport));
    m->has_name = true;
    long r = flags & MSG_TRUNC ? (long)skb->len : (long)n;
    consume_skb(skb);
    return r;
}

/* The socket layer's UDP (inet_init registers udp_prot for SOCK_DGRAM): here a loop-back
 * stand-in, so these tests see the socket calls alone. */
struct proto udp_prot = {
    .name = "floop", .obj_size = sizeof(struct sock),
    .close = floop_close, .connect = floop_connect, .disconnect = floop_disconnect,
    .sendmsg = floop_sendmsg, .recvmsg = floop_recvmsg, .get_port = floop_get_port,
};

static void net_setup(void)
{
    static bool done;
    app_setup();
    if (done)
        return;
    done = true;
    CHECK_EQ(inet_init(), 0);
}

static int udp_socket(void)
{
    long fd = sys_socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(fd >= 0);
    return (int)fd;
}

static int bound_socket(uint16_t port)
{
    int fd = udp_socket();
    put_addr(O_ADDR, inaddr(0, port));
    CHECK_EQ(sys_bind(fd, U(O_ADDR), sizeof(struct sockaddr_in)), 0);
    return fd;
}

/* ------------------------------------------------------------------- the tests */

TEST(socket_create_errors)
{
    net_setup();
    CHECK_EQ(sys_socket(99, SOCK_DGRAM, 0), -EAFNOSUPPORT);
    CHECK_EQ(sys_socket(-1, SOCK_DGRAM, 0), -EAFNOSUPPORT);
    CHECK_EQ(sys_socket(10 /* AF_INET6 */, SOCK_DGRAM, 0), -EAFNOSUPPORT);
    CHECK_EQ(sys_socket(AF_INET, 12, 0), -EINVAL);
    CHECK_EQ(sys_socket(AF_INET, SOCK_DGRAM | 0x100000, 0), -EINVAL);
    CHECK_EQ(sys_socket(AF_INET, SOCK_STREAM, 0), -EPROTONOSUPPORT);
    CHECK_EQ(sys_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), -ESOCKTNOSUPPORT);
    CHECK_EQ(sys_socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), -EPROTONOSUPPORT);
    CHECK_EQ(sys_socket(AF_INET, SOCK_DGRAM, -1), -EINVAL);
    CHECK_EQ(sys_socket(AF_INET, SOCK_DGRAM, 256), -EINVAL);
    struct socket_stats s;
    socket_get_stats(&s);
    CHECK_EQ(s.sockets_alive, 0);
}

TEST(socket_fds_lowest_first_and_emfile)
{
    net_setup();
    int fds[NR_OPEN];
    for (int i = 0; i < NR_OPEN; i++) {
        fds[i] = (int)sys_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        CHECK_EQ(fds[i], i);
    }
    CHECK_EQ(sys_socket(AF_INET, SOCK_DGRAM, 0), -EMFILE);
    CHECK_EQ(sys_close(5), 0);
    CHECK_EQ(sys_close(5), -EBADF);
    CHECK_EQ(sys_socket(AF_INET, SOCK_DGRAM, 0), 5);
    for (int i = 0; i < NR_OPEN; i++)
        CHECK_EQ(sys_close(i), 0);
    struct socket_stats s;
    socket_get_stats(&s);
    CHECK_EQ(s.sockets_alive, 0);
    CHECK_EQ(files_count(&proc.files), 0);
}

TEST(socket_bad_fds)
{
    net_setup();
    struct file *con = file_alloc(&console_file_ops, NULL, O_RDWR);
    int cfd = fd_install(con);
    put_addr(O_ADDR, inaddr(0x7f000001, 9));
    CHECK_EQ(sys_sendto(-1, U(O_BUF), 1, 0, U(O_ADDR), 16), -EBADF);
    CHECK_EQ(sys_sendto(NR_OPEN, U(O_BUF), 1, 0, U(O_ADDR), 16), -EBADF);
    CHECK_EQ(sys_sendto(40, U(O_BUF), 1, 0, U(O_ADDR), 16), -EBADF);
    CHECK_EQ(sys_sendto(cfd, U(O_BUF), 1, 0, U(O_ADDR), 16), -ENOTSOCK);
    CHECK_EQ(sys_bind(cfd, U(O_ADDR), 16), -ENOTSOCK);
    CHECK_EQ(sys_recvfrom(cfd, U(O_BUF), 1, 0, NULL, NULL), -ENOTSOCK);
    CHECK_EQ(sys_getsockname(cfd, U(O_ADDR), U(O_LEN)), -ENOTSOCK);
    CHECK_EQ(sys_setsockopt(cfd, SOL_SOCKET, SO_RCVBUF, U(O_OPT), 4), -ENOTSOCK);
    CHECK_EQ(sys_shutdown(cfd, SHUT_RD), -ENOTSOCK);
    CHECK_EQ(sys_listen(-5, 1), -EBADF);
    CHECK_EQ(sys_connect(99, U(O_ADDR), 16), -EBADF);
    CHECK_EQ(sys_sendmsg(1000, U(O_MSG), 0), -EBADF);
    CHECK_EQ(sys_recvmsg(-1, U(O_MSG), 0), -EBADF);
    CHECK_EQ(sys_fcntl(77, F_GETFL, 0), -EBADF);
    CHECK_EQ(sys_read(33, U(O_BUF), 1), -EBADF);
    CHECK_EQ(sys_write(-2, U(O_BUF), 1), -EBADF);
    CHECK_EQ(sys_close(cfd), 0);
}

TEST(socket_bind_checks_and_getsockname)
{
    net_setup();
    int fd = udp_socket();
    put_addr(O_ADDR, inaddr(0, 5000));
    CHECK_EQ(sys_bind(fd, KERNEL_PTR, 16), -EFAULT);
    CHECK_EQ(sys_bind(fd, NONCANON, 16), -EFAULT);
    CHECK_EQ(sys_bind(fd, UNMAPPED, 16), -EFAULT);
    CHECK_EQ(sys_bind(fd, NULL, 16), -EFAULT);
    CHECK_EQ(sys_bind(fd, U(O_ADDR), 8), -EINVAL);
    CHECK_EQ(sys_bind(fd, U(O_ADDR), -1), -EINVAL);
    CHECK_EQ(sys_bind(fd, U(O_ADDR), 129), -EINVAL);
    struct sockaddr_in six = inaddr(0, 5000);
    six.sin_family = 10;
    put_addr(O_ADDR, six);
    CHECK_EQ(sys_bind(fd, U(O_ADDR), 16), -EAFNOSUPPORT);
    put_addr(O_ADDR, inaddr(0, 5000));
    CHECK_EQ(sys_bind(fd, U(O_ADDR), 128), 0);        /* sockaddr_storage size is fine */
    CHECK_EQ(sys_bind(fd, U(O_ADDR), 16), -EINVAL);   /* already bound */
    int fd2 = udp_socket();
    CHECK_EQ(sys_bind(fd2, U(O_ADDR), 16), -EADDRINUSE);
    put_int(O_LEN, 16);
    CHECK_EQ(sys_getsockname(fd, U(O_ADDR), U(O_LEN)), 0);
    struct sockaddr_in got;
    uget(O_ADDR, &got, sizeof(got));
    CHECK_EQ(got.sin_family, AF_INET);
    CHECK_EQ(ntohs(got.sin_port), 5000);
    CHECK_EQ(get_int(O_LEN), 16);
    /* a short buffer gets what fits and the real length */
    put_int(O_LEN, 4);
    memset(&got, 0xee, sizeof(got));
    put_addr(O_ADDR, got);
    CHECK_EQ(sys_getsockname(fd, U(O_ADDR), U(O_LEN)), 0);
    CHECK_EQ(get_int(O_LEN), 16);
    uget(O_ADDR, &got, sizeof(got));
    CHECK_EQ(got.sin_addr.s_addr, 0xeeeeeeeeu);
    put_int(O_LEN, -1);
    CHECK_EQ(sys_getsockname(fd, U(O_ADDR), U(O_LEN)), -EINVAL);
    CHECK_EQ(sys_getsockname(fd, U(O_ADDR), KERNEL_PTR), -EFAULT);
    put_int(O_LEN, 16);
    CHECK_EQ(sys_getsockname(fd, (void *)URO, U(O_LEN)), -EFAULT);   /* read-only page */
    CHECK_EQ(sys_getpeername(fd, U(O_ADDR), U(O_LEN)), -ENOTCONN);
    sys_close(fd);
    sys_close(fd2);
}

TEST(socket_sendto_recvfrom_roundtrip_and_autobind)
{
    net_setup();
    int srv = bound_socket(7);
    int cli = udp_socket();
    char msg[1000];
    for (int i = 0; i < (int)sizeof(msg); i++)
        msg[i] = (char)(i * 7);
    uput(O_BUF, msg, sizeof(msg));
    put_addr(O_ADDR, inaddr(0x7f000001, 7));
    CHECK_EQ(sys_sendto(cli, U(O_BUF), sizeof(msg), 0, U(O_ADDR), 16), (long)sizeof(msg));
    /* the client got an ephemeral port */
    put_int(O_LEN, 16);
    CHECK_EQ(sys_getsockname(cli, U(O_ADDR), U(O_LEN)), 0);
    struct sockaddr_in me;
    uget(O_ADDR, &me, sizeof(me));
    CHECK(ntohs(me.sin_port) >= 32768);
    /* the server sees the bytes and the sender */
    put_int(O_LEN, 16);
    CHECK_EQ(sys_recvfrom(srv, U(O_BUF2), 65536, 0, U(O_ADDR + 0x40), U(O_LEN)), (long)sizeof(msg));
    char got[1000];
    uget(O_BUF2, got, sizeof(got));
    CHECK(memcmp(got, msg, sizeof(msg)) == 0);
    struct sockaddr_in from;
    uget(O_ADDR + 0x40, &from, sizeof(from));
    CHECK_EQ(from.sin_port, me.sin_port);
    CHECK_EQ(get_int(O_LEN), 16);
    /* echo back to the sender's address */
    CHECK_EQ(sys_sendto(srv, U(O_BUF2), 1000, 0, U(O_ADDR + 0x40), 16), 1000);
    CHECK_EQ(sys_recvfrom(cli, U(O_BUF), 1000, 0, NULL, NULL), 1000);
    /* empty datagram */
    CHECK_EQ(sys_sendto(cli, U(O_BUF), 0, 0, U(O_ADDR + 0x40), 16), 0);
    put_addr(O_ADDR, inaddr(0x7f000001, 7));
    CHECK_EQ(sys_sendto(cli, NULL, 0, 0, U(O_ADDR), 16), 0);
    CHECK_EQ(sys_recvfrom(srv, U(O_BUF), 100, 0, NULL, NULL), 0);
    sys_close(srv);
    sys_close(cli);
}

TEST(socket_sendto_argument_errors)
{
    net_setup();
    int fd = udp_socket();
    put_addr(O_ADDR, inaddr(0x7f000001, 9));
    CHECK_EQ(sys_sendto(fd, KERNEL_PTR, 10, 0, U(O_ADDR), 16), -EFAULT);
    CHECK_EQ(sys_sendto(fd, NONCANON, 10, 0, U(O_ADDR), 16), -EFAULT);
    CHECK_EQ(sys_sendto(fd, (void *)(USER_TOP - 4), 10, 0, U(O_ADDR), 16), -EFAULT);
    CHECK_EQ(sys_sendto(fd, UNMAPPED, 10, 0, U(O_ADDR), 16), -EFAULT);
    CHECK_EQ(sys_sendto(fd, U(USIZE - 4), 10, 0, U(O_ADDR), 16), 10);   /* into the RO page: fine */
    CHECK_EQ(sys_sendto(fd, U(O_BUF), 10, 0, KERNEL_PTR, 16), -EFAULT);
    CHECK_EQ(sys_sendto(fd, U(O_BUF), 10, 0, U(O_ADDR), -1), -EINVAL);
    CHECK_EQ(sys_sendto(fd, U(O_BUF), 10, 0, U(O_ADDR), 129), -EINVAL);
    CHECK_EQ(sys_sendto(fd, U(O_BUF), 10, 0, U(O_ADDR), 8), -EINVAL);
    CHECK_EQ(sys_sendto(fd, U(O_BUF), 70000, 0, U(O_ADDR), 16), -EMSGSIZE);
    CHECK_EQ(sys_sendto(fd, U(O_BUF), 10, MSG_OOB, U(O_ADDR), 16), -EOPNOTSUPP);
    CHECK_EQ(sys_sendto(fd, U(O_BUF), 10, 0, NULL, 0), -EDESTADDRREQ);
    CHECK_EQ(sys_sendto(fd, U(O_BUF), 10, 0, U(O_ADDR), 0), -EDESTADDRREQ);   /* len 0 = none */
    put_addr(O_ADDR, inaddr(0x7f000001, 0));
    CHECK_EQ(sys_sendto(fd, U(O_BUF), 10, 0, U(O_ADDR), 16), -EINVAL);       /* port 0 */
    struct sockaddr_in six = inaddr(0x7f000001, 9);
    six.sin_family = 10;
    put_addr(O_ADDR, six);
    CHECK_EQ(sys_sendto(fd, U(O_BUF), 10, 0, U(O_ADDR), 16), -EAFNOSUPPORT);
    six.sin_family = AF_UNSPEC;
    put_addr(O_ADDR, six);
    CHECK_EQ(sys_sendto(fd, U(O_BUF), 10, 0, U(O_ADDR), 16), 10);            /* as AF_INET */
    /* the payload itself unreadable beyond the range check: the protocol's copy fails */
    struct sockaddr_in ok = inaddr(0x7f000001, 9);
    put_addr(O_ADDR, ok);
    CHECK_EQ(sys_sendto(fd, (void *)(URO + PAGE_SIZE - 8), 100, 0, U(O_ADDR), 16), -EFAULT);
    sys_close(fd);
}

TEST(socket_recvfrom_errors_nonblock_and_timeout)
{
    net_setup();
    int fd = bound_socket(6000);
    CHECK_EQ(sys_recvfrom(fd, U(O_BUF), 10, MSG_DONTWAIT, NULL, NULL), -EAGAIN);
    CHECK_EQ(sys_recvfrom(fd, KERNEL_PTR, 10, MSG_DONTWAIT, NULL, NULL), -EFAULT);
    /* the address length is looked at only once there is a datagram (Linux) */
    put_int(O_LEN, -1);
    CHECK_EQ(sys_recvfrom(fd, U(O_BUF), 10, MSG_DONTWAIT, U(O_ADDR), U(O_LEN)), -EAGAIN);
    CHECK_EQ(sys_recvfrom(fd, U(O_BUF), 10, MSG_DONTWAIT, U(O_ADDR), KERNEL_PTR), -EAGAIN);
    {
        int c = udp_socket();
        put_addr(O_ADDR, inaddr(0x7f000001, 6000));
        CHECK_EQ(sys_sendto(c, U(O_BUF), 5, 0, U(O_ADDR), 16), 5);
        CHECK_EQ(sys_sendto(c, U(O_BUF), 5, 0, U(O_ADDR), 16), 5);
        CHECK_EQ(sys_recvfrom(fd, U(O_BUF), 10, MSG_DONTWAIT, U(O_ADDR), U(O_LEN)), -EINVAL);
        CHECK_EQ(sys_recvfrom(fd, U(O_BUF), 10, MSG_DONTWAIT, U(O_ADDR), KERNEL_PTR), -EFAULT);
        sys_close(c);
    }
    /* O_NONBLOCK on the file */
    CHECK_EQ(sys_fcntl(fd, F_GETFL, 0), O_RDWR);
    CHECK_EQ(sys_fcntl(fd, F_SETFL, O_NONBLOCK), 0);
    CHECK_EQ(sys_fcntl(fd, F_GETFL, 0), O_RDWR | O_NONBLOCK);
    CHECK_EQ(sys_recvfrom(fd, U(O_BUF), 10, 0, NULL, NULL), -EAGAIN);
    CHECK_EQ(sys_read(fd, U(O_BUF), 10), -EAGAIN);
    CHECK_EQ(sys_fcntl(fd, F_SETFL, 0), 0);
    CHECK_EQ(sys_fcntl(fd, 999, 0), -EINVAL);
    /* SO_RCVTIMEO: EAGAIN once it has run out (fake clock) */
    struct timeval_k tv = { 0, 300000 };
    uput(O_OPT, &tv, sizeof(tv));
    CHECK_EQ(sys_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, U(O_OPT), sizeof(tv)), 0);
    uint64_t t0 = fake_now_ns;
    CHECK_EQ(sys_recvfrom(fd, U(O_BUF), 10, 0, NULL, NULL), -EAGAIN);
    CHECK(fake_now_ns - t0 >= 300 * NSEC_PER_MSEC);
    /* data into a buffer that is only partly writable: EFAULT (the datagram is used up) */
    int cli = udp_socket();
    put_addr(O_ADDR, inaddr(0x7f000001, 6000));
    CHECK_EQ(sys_sendto(cli, U(O_BUF), 100, 0, U(O_ADDR), 16), 100);
    CHECK_EQ(sys_recvfrom(fd, (void *)(URO - 50), 100, 0, NULL, NULL), -EFAULT);
    /* truncation: the rest is dropped; MSG_TRUNC returns the real length */
    CHECK_EQ(sys_sendto(cli, U(O_BUF), 100, 0, U(O_ADDR), 16), 100);
    CHECK_EQ(sys_recvfrom(fd, U(O_BUF2), 10, 0, NULL, NULL), 10);
    CHECK_EQ(sys_sendto(cli, U(O_BUF), 100, 0, U(O_ADDR), 16), 100);
    CHECK_EQ(sys_recvfrom(fd, U(O_BUF2), 10, MSG_TRUNC, NULL, NULL), 100);
    CHECK_EQ(sys_recvfrom(fd, U(O_BUF2), 10, MSG_DONTWAIT, NULL, NULL), -EAGAIN);
    sys_close(fd);
    sys_close(cli);
}

static int hook_fd_dst_port;
static void send_on_sleep(uint64_t t)
{
    /* another app's datagram arrives while this one sleeps */
    struct socket *s;
    struct file *f;
    int err;
    int cli = udp_socket();
    s = sockfd_lookup(cli, &f, &err);
    char b[5] = "wake";
    struct iovec iov = { b, 4 };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, 4);
    m.name = inaddr(0x7f000001, (uint16_t)hook_fd_dst_port);
    m.has_name = true;
    CHECK_EQ(sock_sendmsg(s, &m), 4);
    fput(f);
    sys_close(cli);
}

TEST(socket_blocking_recv_wakes_on_data)
{
    net_setup();
    int fd = bound_socket(6100);
    hook_fd_dst_port = 6100;
    fake_sleeps = 0;
    fake_sleep_hook = send_on_sleep;
    CHECK_EQ(sys_recvfrom(fd, U(O_BUF), 100, 0, NULL, NULL), 4);
    fake_sleep_hook = NULL;
    CHECK_EQ(fake_sleeps, 1);
    sys_close(fd);
}

TEST(socket_sendmsg_recvmsg_iovecs)
{
    net_setup();
    int srv = bound_socket(6200), cli = udp_socket();
    uput(O_BUF, "hello ", 6);
    uput(O_BUF + 100, "scattered ", 10);
    uput(O_BUF + 200, "world", 5);
    struct iovec iov[3] = { { U(O_BUF), 6 }, { U(O_BUF + 100), 10 }, { U(O_BUF + 200), 5 } };
    uput(O_IOV, iov, sizeof(iov));
    put_addr(O_ADDR, inaddr(0x7f000001, 6200));
    struct msghdr mh = { U(O_ADDR), 16, U(O_IOV), 3, NULL, 0, 0 };
    uput(O_MSG, &mh, sizeof(mh));
    CHECK_EQ(sys_sendmsg(cli, U(O_MSG), 0), 21);
    /* receive into two iovecs, the first short */
    struct iovec riov[2] = { { U(O_BUF2), 4 }, { U(O_BUF2 + 100), 100 } };
    uput(O_IOV, riov, sizeof(riov));
    struct msghdr rh = { U(O_ADDR + 0x40), 16, U(O_IOV), 2, U(O_OPT), 64, 0x777 };
    uput(O_MSG, &rh, sizeof(rh));
    CHECK_EQ(sys_recvmsg(srv, U(O_MSG), 0), 21);
    char a[4], b[17];
    uget(O_BUF2, a, 4);
    uget(O_BUF2 + 100, b, 17);
    CHECK(memcmp(a, "hell", 4) == 0);
    CHECK(memcmp(b, "o scattered world", 17) == 0);
    struct msghdr out;
    uget(O_MSG, &out, sizeof(out));
    CHECK_EQ(out.msg_namelen, 16);
    CHECK_EQ(out.msg_flags, 0);
    CHECK_EQ(out.msg_controllen, 0);
    /* truncated into a small iovec: MSG_TRUNC in msg_flags */
    uput(O_IOV, iov, sizeof(iov));
    uput(O_MSG, &mh, sizeof(mh));
    CHECK_EQ(sys_sendmsg(cli, U(O_MSG), 0), 21);
    struct iovec small = { U(O_BUF2), 3 };
    uput(O_IOV, &small, sizeof(small));
    rh.msg_iovlen = 1;
    uput(O_MSG, &rh, sizeof(rh));
    CHECK_EQ(sys_recvmsg(srv, U(O_MSG), 0), 3);
    uget(O_MSG, &out, sizeof(out));
    CHECK_EQ(out.msg_flags, MSG_TRUNC);
    sys_close(srv);
    sys_close(cli);
}

TEST(socket_msghdr_errors)
{
    net_setup();
    int fd = udp_socket();
    put_addr(O_ADDR, inaddr(0x7f000001, 9));
    CHECK_EQ(sys_sendmsg(fd, KERNEL_PTR, 0), -EFAULT);
    CHECK_EQ(sys_sendmsg(fd, UNMAPPED, 0), -EFAULT);
    CHECK_EQ(sys_recvmsg(fd, NULL, MSG_DONTWAIT), -EFAULT);
    struct msghdr mh = { U(O_ADDR), 16, U(O_IOV), 1025, NULL, 0, 0 };
    uput(O_MSG, &mh, sizeof(mh));
    CHECK_EQ(sys_sendmsg(fd, U(O_MSG), 0), -EMSGSIZE);
    mh.msg_iovlen = 1;
    mh.msg_iov = KERNEL_PTR;
    uput(O_MSG, &mh, sizeof(mh));
    CHECK_EQ(sys_sendmsg(fd, U(O_MSG), 0), -EFAULT);
    struct iovec bad = { U(O_BUF), (size_t)-5 };
    uput(O_IOV, &bad, sizeof(bad));
    mh.msg_iov = U(O_IOV);
    uput(O_MSG, &mh, sizeof(mh));
    CHECK_EQ(sys_sendmsg(fd, U(O_MSG), 0), -EINVAL);
    struct iovec kb = { KERNEL_PTR, 10 };
    uput(O_IOV, &kb, sizeof(kb));
    CHECK_EQ(sys_sendmsg(fd, U(O_MSG), 0), -EFAULT);
    mh.msg_name = KERNEL_PTR;
    uput(O_MSG, &mh, sizeof(mh));
    CHECK_EQ(sys_sendmsg(fd, U(O_MSG), 0), -EFAULT);
    /* many iovecs (more than kept on the stack), zero-length ones among them */
    struct iovec many[20];
    for (int i = 0; i < 20; i++)
        many[i] = (struct iovec){ U(O_BUF + (size_t)i * 16), (size_t)(i % 3) };
    uput(O_IOV, many, sizeof(many));
    struct msghdr mm = { U(O_ADDR), 16, U(O_IOV), 20, NULL, 0, 0 };
    uput(O_MSG, &mm, sizeof(mm));
    CHECK_EQ(sys_sendmsg(fd, U(O_MSG), 0), 19);
    /* empty message: iovlen 0 */
    mm.msg_iovlen = 0;
    uput(O_MSG, &mm, sizeof(mm));
    CHECK_EQ(sys_sendmsg(fd, U(O_MSG), 0), 0);
    sys_close(fd);
}

TEST(socket_connect_peer_and_write_read)
{
    net_setup();
    int srv = bound_socket(6300), cli = udp_socket();
    put_addr(O_ADDR, inaddr(0x7f000001, 6300));
    CHECK_EQ(sys_connect(cli, U(O_ADDR), 1), -EINVAL);
    CHECK_EQ(sys_connect(cli, U(O_ADDR), 8), -EINVAL);
    CHECK_EQ(sys_connect(cli, KERNEL_PTR, 16), -EFAULT);
    CHECK_EQ(sys_connect(cli, U(O_ADDR), 16), 0);
    put_int(O_LEN, 16);
    CHECK_EQ(sys_getpeername(cli, U(O_ADDR + 0x40), U(O_LEN)), 0);
    struct sockaddr_in peer;
    uget(O_ADDR + 0x40, &peer, sizeof(peer));
    CHECK_EQ(ntohs(peer.sin_port), 6300);
    uput(O_BUF, "via write", 9);
    CHECK_EQ(sys_write(cli, U(O_BUF), 9), 9);
    CHECK_EQ(sys_read(srv, U(O_BUF2), 100), 9);
    char got[9];
    uget(O_BUF2, got, 9);
    CHECK(memcmp(got, "via write", 9) == 0);
    CHECK_EQ(sys_read(srv, U(O_BUF2), 0), 0);
    CHECK_EQ(sys_write(cli, KERNEL_PTR, 9), -EFAULT);
    CHECK_EQ(sys_read(srv, NONCANON, 9), -EFAULT);
    /* AF_UNSPEC dissolves the association */
    struct sockaddr un = { AF_UNSPEC, { 0 } };
    uput(O_ADDR, &un, 2);
    CHECK_EQ(sys_connect(cli, U(O_ADDR), 2), 0);
    CHECK_EQ(sys_getpeername(cli, U(O_ADDR + 0x40), U(O_LEN)), -ENOTCONN);
    CHECK_EQ(sys_write(cli, U(O_BUF), 9), -EDESTADDRREQ);
    sys_close(srv);
    sys_close(cli);
}

TEST(socket_shutdown)
{
    net_setup();
    int fd = bound_socket(6400);
    CHECK_EQ(sys_shutdown(fd, 3), -EINVAL);
    CHECK_EQ(sys_shutdown(fd, -1), -EINVAL);
    CHECK_EQ(sys_shutdown(fd, SHUT_RD), -ENOTCONN);   /* unconnected, yet shut down */
    CHECK_EQ(sys_recvfrom(fd, U(O_BUF), 10, 0, NULL, NULL), 0);   /* end of file, no wait */
    sys_close(fd);
    int c = udp_socket();
    put_addr(O_ADDR, inaddr(0x7f000001, 9));
    CHECK_EQ(sys_connect(c, U(O_ADDR), 16), 0);
    CHECK_EQ(sys_shutdown(c, SHUT_WR), 0);
    CHECK_EQ(sys_write(c, U(O_BUF), 1), -EPIPE);
    sys_close(c);
}

TEST(socket_listen_accept_on_datagram)
{
    net_setup();
    int fd = udp_socket();
    CHECK_EQ(sys_listen(fd, 5), -EOPNOTSUPP);
    CHECK_EQ(sys_accept(fd, NULL, NULL), -EOPNOTSUPP);
    CHECK_EQ(sys_accept4(fd, NULL, NULL, 0x1), -EINVAL);
    sys_close(fd);
}

TEST(socket_options)
{
    net_setup();
    int fd = udp_socket();
    put_int(O_OPT, 10000);
    CHECK_EQ(sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, U(O_OPT), 4), 0);
    put_int(O_LEN, 4);
    CHECK_EQ(sys_getsockopt(fd, SOL_SOCKET, SO_RCVBUF, U(O_OPT), U(O_LEN)), 0);
    CHECK_EQ(get_int(O_OPT), 20000);
    CHECK_EQ(get_int(O_LEN), 4);
    put_int(O_OPT, 1);
    CHECK_EQ(sys_setsockopt(fd, SOL_SOCKET, SO_SNDBUF, U(O_OPT), 4), 0);
    CHECK_EQ(sys_getsockopt(fd, SOL_SOCKET, SO_SNDBUF, U(O_OPT), U(O_LEN)), 0);
    CHECK_EQ(get_int(O_OPT), SOCK_MIN_SNDBUF);
    put_int(O_OPT, 1 << 30);
    CHECK_EQ(sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, U(O_OPT), 4), 0);
    CHECK_EQ(sys_getsockopt(fd, SOL_SOCKET, SO_RCVBUF, U(O_OPT), U(O_LEN)), 0);
    CHECK_EQ(get_int(O_OPT), 2 * SK_RMEM_MAX);
    put_int(O_OPT, -1);                       /* as unsigned: huge, clamped */
    CHECK_EQ(sys_setsockopt(fd, SOL_SOCKET, SO_SNDBUF, U(O_OPT), 4), 0);
    CHECK_EQ(sys_getsockopt(fd, SOL_SOCKET, SO_SNDBUF, U(O_OPT), U(O_LEN)), 0);
    CHECK_EQ(get_int(O_OPT), 2 * SK_WMEM_MAX);
    put_int(O_OPT, 1);
    CHECK_EQ(sys_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, U(O_OPT), 4), 0);
    CHECK_EQ(sys_getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, U(O_OPT), U(O_LEN)), 0);
    CHECK_EQ(get_int(O_OPT), 1);
    CHECK_EQ(sys_getsockopt(fd, SOL_SOCKET, SO_TYPE, U(O_OPT), U(O_LEN)), 0);
    CHECK_EQ(get_int(O_OPT), SOCK_DGRAM);
    CHECK_EQ(sys_setsockopt(fd, SOL_SOCKET, SO_TYPE, U(O_OPT), 4), -ENOPROTOOPT);
    CHECK_EQ(sys_setsockopt(fd, SOL_SOCKET, 9999, U(O_OPT), 4), -ENOPROTOOPT);
    CHECK_EQ(sys_getsockopt(fd, SOL_SOCKET, 9999, U(O_OPT), U(O_LEN)), -ENOPROTOOPT);
    CHECK_EQ(sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, U(O_OPT), 2), -EINVAL);
    CHECK_EQ(sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, U(O_OPT), -1), -EINVAL);
    CHECK_EQ(sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, KERNEL_PTR, 4), -EFAULT);
    CHECK_EQ(sys_getsockopt(fd, SOL_SOCKET, SO_RCVBUF, U(O_OPT), KERNEL_PTR), -EFAULT);
    CHECK_EQ(sys_getsockopt(fd, SOL_SOCKET, SO_RCVBUF, KERNEL_PTR, U(O_LEN)), -EFAULT);
    put_int(O_LEN, -4);
    CHECK_EQ(sys_getsockopt(fd, SOL_SOCKET, SO_RCVBUF, U(O_OPT), U(O_LEN)), -EINVAL);
    /* timeouts */
    struct timeval_k tv = { 2, 500000 }, back;
    uput(O_OPT, &tv, sizeof(tv));
    CHECK_EQ(sys_setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, U(O_OPT), 8), -EINVAL);
    CHECK_EQ(sys_setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, U(O_OPT), sizeof(tv)), 0);
    put_int(O_LEN, sizeof(tv));
    CHECK_EQ(sys_getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, U(O_OPT + 32), U(O_LEN)), 0);
    uget(O_OPT + 32, &back, sizeof(back));
    CHECK_EQ(back.tv_sec, 2);
    CHECK_EQ(back.tv_usec, 500000);
    CHECK_EQ(get_int(O_LEN), (int)sizeof(tv));
    tv.tv_usec = 1000000;
    uput(O_OPT, &tv, sizeof(tv));
    CHECK_EQ(sys_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, U(O_OPT), sizeof(tv)), -EDOM);
    /* SO_ERROR reads and clears */
    struct socket *s;
    struct file *f;
    int err = 0;
    s = sockfd_lookup(fd, &f, &err);
    sk_error_report(s->sk, ECONNREFUSED);
    fput(f);
    put_int(O_LEN, 4);
    CHECK_EQ(sys_getsockopt(fd, SOL_SOCKET, SO_ERROR, U(O_OPT), U(O_LEN)), 0);
    CHECK_EQ(get_int(O_OPT), ECONNREFUSED);
    CHECK_EQ(sys_getsockopt(fd, SOL_SOCKET, SO_ERROR, U(O_OPT), U(O_LEN)), 0);
    CHECK_EQ(get_int(O_OPT), 0);
    /* IP level */
    put_int(O_OPT, 7);
    CHECK_EQ(sys_setsockopt(fd, IPPROTO_IP, IP_TTL, U(O_OPT), 4), 0);
    CHECK_EQ(sys_getsockopt(fd, IPPROTO_IP, IP_TTL, U(O_OPT), U(O_LEN)), 0);
    CHECK_EQ(get_int(O_OPT), 7);
    put_int(O_OPT, 300);
    CHECK_EQ(sys_setsockopt(fd, IPPROTO_IP, IP_TTL, U(O_OPT), 4), -EINVAL);
    CHECK_EQ(sys_setsockopt(fd, IPPROTO_IP, 9999, U(O_OPT), 4), -ENOPROTOOPT);
    CHECK_EQ(sys_setsockopt(fd, IPPROTO_UDP, 1, U(O_OPT), 4), -ENOPROTOOPT);
    sys_close(fd);
}

static void arrive_for_poll(uint64_t t)
{
    hook_fd_dst_port = 6501;
    send_on_sleep(t);
}

TEST(socket_poll)
{
    net_setup();
    int a = bound_socket(6500), b = bound_socket(6501);
    struct pollfd p[3] = { { a, POLLIN, 0 }, { b, POLLIN | POLLOUT, 0 }, { 50, POLLIN, 0 } };
    uput(O_POLL, p, sizeof(p));
    CHECK_EQ(sys_poll(U(O_POLL), 3, 0), 2);            /* b writable, fd 50 invalid */
    struct pollfd out[3];
    uget(O_POLL, out, sizeof(out));
    CHECK_EQ(out[0].revents, 0);
    CHECK_EQ(out[1].revents, POLLOUT);
    CHECK_EQ(out[2].revents, POLLNVAL);
    /* only readability asked: sleeps until the datagram comes (woken, not timed out) */
    struct pollfd q[2] = { { a, POLLIN, 0 }, { b, POLLIN, 0 } };
    uput(O_POLL, q, sizeof(q));
    fake_sleeps = 0;
    fake_sleep_hook = arrive_for_poll;
    CHECK_EQ(sys_poll(U(O_POLL), 2, -1), 1);
    fake_sleep_hook = NULL;
    CHECK_EQ(fake_sleeps, 1);
    uget(O_POLL, out, 2 * sizeof(out[0]));
    CHECK_EQ(out[0].revents, 0);
    CHECK_EQ(out[1].revents, POLLIN);
    CHECK_EQ(sys_recvfrom(b, U(O_BUF), 100, 0, NULL, NULL), 4);
    /* timeout: returns 0 after the time */
    uint64_t t0 = fake_now_ns;
    CHECK_EQ(sys_poll(U(O_POLL), 2, 150), 0);
    CHECK(fake_now_ns - t0 >= 150 * NSEC_PER_MSEC);
    /* negative fds are skipped; errors */
    struct pollfd neg = { -1, POLLIN, 0x55 };
    uput(O_POLL, &neg, sizeof(neg));
    CHECK_EQ(sys_poll(U(O_POLL), 1, 0), 0);
    uget(O_POLL, out, sizeof(out[0]));
    CHECK_EQ(out[0].revents, 0);
    CHECK_EQ(sys_poll(KERNEL_PTR, 1, 0), -EFAULT);
    CHECK_EQ(sys_poll(U(O_POLL), 1025, 0), -EINVAL);
    CHECK_EQ(sys_poll((void *)URO, 1, 0), -EFAULT);   /* revents cannot be written back */
    CHECK_EQ(sys_poll(NULL, 0, 10), 0);                /* a plain sleep */
    /* error and hang-up are reported whether asked or not */
    CHECK_EQ(sys_shutdown(a, SHUT_RDWR), -ENOTCONN);
    struct pollfd h = { a, 0, 0 };
    uput(O_POLL, &h, sizeof(h));
    CHECK_EQ(sys_poll(U(O_POLL), 1, 0), 1);
    uget(O_POLL, out, sizeof(out[0]));
    CHECK_EQ(out[0].revents, POLLHUP);
    sys_close(a);
    sys_close(b);
}

TEST(socket_rcvbuf_overflow_drops)
{
    net_setup();
    int srv = bound_socket(6600), cli = udp_socket();
    put_int(O_OPT, 0);
    CHECK_EQ(sys_setsockopt(srv, SOL_SOCKET, SO_RCVBUF, U(O_OPT), 4), 0);   /* floor 2304 */
    put_addr(O_ADDR, inaddr(0x7f000001, 6600));
    for (int i = 0; i < 10; i++)
        CHECK_EQ(sys_sendto(cli, U(O_BUF), 1000, 0, U(O_ADDR), 16), 1000);
    int got = 0;
    while (sys_recvfrom(srv, U(O_BUF2), 2000, MSG_DONTWAIT, NULL, NULL) == 1000)
        got++;
    CHECK(got >= 1 && got < 10);
    struct socket *s;
    struct file *f;
    int err = 0;
    s = sockfd_lookup(srv, &f, &err);
    CHECK_EQ(s->sk->sk_drops, 10 - got);
    fput(f);
    sys_close(srv);
    sys_close(cli);
}

TEST(socket_misc_syscalls)
{
    net_setup();
    CHECK_EQ(sys_getpid(), 42);
    struct timespec_k ts;
    CHECK_EQ(sys_clock_gettime(CLOCK_MONOTONIC, U(O_OPT)), 0);
    uget(O_OPT, &ts, sizeof(ts));
    CHECK_EQ((uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec, fake_now_ns);
    CHECK_EQ(sys_clock_gettime(99, U(O_OPT)), -EINVAL);
    CHECK_EQ(sys_clock_gettime(CLOCK_REALTIME, KERNEL_PTR), -EFAULT);
    struct timespec_k req = { 0, 20 * 1000 * 1000 };
    uput(O_OPT, &req, sizeof(req));
    uint64_t t0 = fake_now_ns;
    CHECK_EQ(sys_nanosleep(U(O_OPT), NULL), 0);
    CHECK(fake_now_ns - t0 >= 20 * NSEC_PER_MSEC);
    req.tv_nsec = 1000000000;
    uput(O_OPT, &req, sizeof(req));
    CHECK_EQ(sys_nanosleep(U(O_OPT), NULL), -EINVAL);
    req.tv_sec = -1;
    req.tv_nsec = 0;
    uput(O_OPT, &req, sizeof(req));
    CHECK_EQ(sys_nanosleep(U(O_OPT), NULL), -EINVAL);
    CHECK_EQ(sys_nanosleep(UNMAPPED, NULL), -EFAULT);
}

/* Every test closes what it opened and frees what it sent or received; then its fake app
 * goes (the next test starts a fresh one). */
TEARDOWN()
{
    if (!proc.vm)
        return;
    CHECK_EQ(files_count(&proc.files), 0);
    struct socket_stats s;
    socket_get_stats(&s);
    CHECK_EQ(s.sockets_alive, 0);
    check_no_skb_or_sock_alive();
    uvm_destroy(proc.vm);
    proc.vm = NULL;
    current->user = NULL;
}
