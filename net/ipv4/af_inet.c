/* net/ipv4/af_inet.c - AF_INET sockets, station 3 of the send path:
 * inet_sendmsg -> (autobind an ephemeral port) -> sk->sk_prot->sendmsg.
 *
 * inet_create picks the struct proto and the proto_ops for (type, protocol) from a small
 * switch table (Linux's inetsw): UDP -> udp_prot + inet_dgram_ops now, TCP -> tcp_prot +
 * inet_stream_ops when it registers (its slot answers EPROTONOSUPPORT until then). The
 * operations here are the protocol-independent half: address checks, binding, the
 * connected/unconnected rules of datagram sockets, shutdown, names, IP-level options, and
 * poll. Everything protocol-specific is behind sk->sk_prot. */
#include "net/ipv4/af_inet.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/route.h"
#include "net/ipv4/udp.h"
#include "net/core/netdevice.h"
#include "kernel/init.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "net/core/trace_stations.h"


#define IPPROTO_MAX 256
#define SHUTDOWN_MASK (RCV_SHUTDOWN | SEND_SHUTDOWN)
#define UDP_MAX_LEN 0xffff

static struct inet_protosw inetsw[INET_MAX_PROTOSW];
static int ninetsw;

int inet_register_protosw(const struct inet_protosw *p)
{
    if (!p || !p->ops || p->protocol <= 0 || p->protocol >= IPPROTO_MAX)
        return -EINVAL;
    for (int i = 0; i < ninetsw; i++) {
        if (inetsw[i].type == p->type && inetsw[i].protocol == p->protocol) {
            if (inetsw[i].prot)
                return -EEXIST;
            inetsw[i] = *p;            /* the placeholder's slot */
            return 0;
        }
    }
    if (ninetsw == INET_MAX_PROTOSW)
        return -ENOSPC;
    inetsw[ninetsw++] = *p;
    return 0;
}

/* Linux's lookup rules: protocol 0 takes the type's first entry; a type nobody serves is
 * ESOCKTNOSUPPORT, a protocol the type does not have EPROTONOSUPPORT. */
static int inetsw_find(int type, int protocol, const struct inet_protosw **out)
{
    int err = -ESOCKTNOSUPPORT;
    for (int i = 0; i < ninetsw; i++) {
        if (inetsw[i].type != type)
            continue;
        err = -EPROTONOSUPPORT;
        if (protocol == IPPROTO_IP || protocol == inetsw[i].protocol) {
            if (!inetsw[i].prot)
                return -EPROTONOSUPPORT;       /* reserved for a protocol not built yet */
            *out = &inetsw[i];
            return 0;
        }
    }
    return err;
}

int inet_create(struct socket *sock, int protocol)
{
    if (protocol < 0 || protocol >= IPPROTO_MAX)
        return -EINVAL;
    const struct inet_protosw *sw;
    int err = inetsw_find(sock->type, protocol, &sw);
    if (err)
        return err;
    struct sock *sk = sk_alloc(AF_INET, sw->prot);
    if (!sk)
        return -ENOMEM;
    sock->state = SS_UNCONNECTED;
    sock->ops = sw->ops;
    sock->sk = sk;
    sk->sk_socket = sock;
    sk->sk_type = (uint8_t)sock->type;
    sk->sk_protocol = (uint8_t)sw->protocol;
    sk->pmtudisc_do = sock->type == SOCK_STREAM;
    if (sw->prot->init && (err = sw->prot->init(sk)) != 0) {
        inet_release(sock);
        return err;
    }
    return 0;
}

int inet_release(struct socket *sock)
{
    struct sock *sk = sock->sk;
    if (!sk)
        return 0;
    sock->sk = NULL;
    if (sk->sk_prot && sk->sk_prot->close_releases) {
        sk->sk_prot->close(sk);          /* drops the socket layer's reference itself */
        return 0;
    }
    if (sk->sk_prot && sk->sk_prot->close)
        sk->sk_prot->close(sk);
    sk->sk_socket = NULL;
    sk_free(sk);
    return 0;
}

static bool addr_is_local(uint32_t a)
{
    return inet_addr_is_local(NULL, a);
}

static bool addr_is_broadcast(uint32_t a)
{
    return a == htonl(INADDR_BROADCAST) || inet_addr_is_broadcast(NULL, a);
}

static bool addr_is_multicast(uint32_t a)
{
    return (ntohl(a) & 0xf0000000u) == 0xe0000000u;
}

int inet_bind(struct socket *sock, const struct sockaddr_in *addr)
{
    struct sock *sk = sock->sk;
    uint32_t a = addr->sin_addr.s_addr;
    if (addr->sin_family != AF_INET) {
        /* an old compatibility rule: AF_UNSPEC with INADDR_ANY counts as AF_INET */
        if (addr->sin_family != AF_UNSPEC || a != htonl(INADDR_ANY))
            return -EAFNOSUPPORT;
    }
    bool bcast = addr_is_broadcast(a), mcast = addr_is_multicast(a);
    if (a != htonl(INADDR_ANY) && !bcast && !mcast && !addr_is_local(a))
        return -EADDRNOTAVAIL;
    if (sk->sk_prot->bind)
        return sk->sk_prot->bind(sk, addr);
    if (sk->sk_state != TCP_CLOSE || sk->inet_num)
        return -EINVAL;
    /* broadcast and multicast binds receive on that address but send from the
     * interface's own */
    sk->inet_saddr = bcast || mcast ? 0 : a;
    if (!sk->sk_prot->get_port || sk->sk_prot->get_port(sk, ntohs(addr->sin_port))) {
        sk->inet_saddr = 0;
        return -EADDRINUSE;
    }
    sk->inet_sport = htons(sk->inet_num);
    sk->inet_daddr = 0;
    sk->inet_dport = 0;
    return 0;
}

int inet_autobind(struct sock *sk)
{
    if (sk->inet_num)
        return 0;
    /* get_port sets inet_num and inet_sport (the contract in sock.h) */
    if (!sk->sk_prot->get_port || sk->sk_prot->get_port(sk, 0))
        return -EAGAIN;
    return 0;
}

int inet_dgram_connect(struct socket *sock, const struct sockaddr_in *addr, int flags)
{
    struct sock *sk = sock->sk;
    if (addr->sin_family == AF_UNSPEC) {
        int err = sk->sk_prot->disconnect ? sk->sk_prot->disconnect(sk, flags) : 0;
        sock->state = SS_UNCONNECTED;
        return err;
    }
    if (inet_autobind(sk))
        return -EAGAIN;
    if (addr->sin_family != AF_INET)
        return -EAFNOSUPPORT;
    if (!sk->sk_prot->connect)
        return -EOPNOTSUPP;
    return sk->sk_prot->connect(sk, addr);
}

int inet_getname(struct socket *sock, struct sockaddr_in *addr, int peer)
{
    struct sock *sk = sock->sk;
    memset(addr, 0, sizeof(*addr));
    addr->sin_family = AF_INET;
    if (peer) {
        if (!sk->inet_dport ||
            ((sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_SYN_SENT) && peer == 1))
            return -ENOTCONN;
        addr->sin_port = sk->inet_dport;
        addr->sin_addr.s_addr = sk->inet_daddr;
    } else {
        addr->sin_port = sk->inet_sport;
        addr->sin_addr.s_addr = sk->inet_saddr;
    }
    return (int)sizeof(*addr);
}

int inet_shutdown(struct socket *sock, int how)
{
    struct sock *sk = sock->sk;
    /* SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2 -> RCV_SHUTDOWN 1, SEND_SHUTDOWN 2, both 3 */
    how++;
    if ((how & ~SHUTDOWN_MASK) || !how)
        return -EINVAL;
    int err = 0;
    /* An unconnected socket answers ENOTCONN but is shut down all the same: that is how
     * a thread wakes another blocked in recv on a UDP socket. */
    if (sk->sk_state == TCP_CLOSE)
        err = -ENOTCONN;
    sk->sk_shutdown |= (uint8_t)how;
    if (sk->sk_prot->shutdown) {
        int e = sk->sk_prot->shutdown(sk, how);
        if (!err)
            err = e;
    }
    sk_wake(sk);
    return err;
}

/* The socket-side checks of a datagram send, in the order Linux's udp_sendmsg makes them,
 * so every datagram protocol behind inet_dgram_ops hands its sendmsg a checked message. */
static long dgram_send_check(struct sock *sk, struct kmsg *m, size_t len)
{
    if (len > UDP_MAX_LEN)
        return -EMSGSIZE;
    if (m->flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (m->has_name) {
        if (m->namelen && m->namelen < (int)sizeof(struct sockaddr_in))
            return -EINVAL;
        if (m->name.sin_family != AF_INET) {
            if (m->name.sin_family != AF_UNSPEC)
                return -EAFNOSUPPORT;
            m->name.sin_family = AF_INET;   /* Linux takes AF_UNSPEC as AF_INET here */
        }
        if (m->name.sin_port == 0)
            return -EINVAL;
    } else if (sk->sk_state != TCP_ESTABLISHED) {
        return -EDESTADDRREQ;
    }
    return 0;
}

long inet_sendmsg(struct socket *sock, struct kmsg *m, size_t len)
{
    trace_point(TS_INET_SENDMSG, NULL, len, 0);
    struct sock *sk = sock->sk;
    if (!sk->sk_prot->no_autobind && inet_autobind(sk))
        return -EAGAIN;
    if (sk->sk_type == SOCK_DGRAM) {
        long r = dgram_send_check(sk, m, len);
        if (r)
            return r;
    }
    return sk->sk_prot->sendmsg(sk, m, len);
}

long inet_recvmsg(struct socket *sock, struct kmsg *m, size_t len, int flags)
{
    struct sock *sk = sock->sk;
    m->has_name = false;
    return sk->sk_prot->recvmsg(sk, m, len, flags);
}

int inet_setsockopt(struct socket *sock, int level, int name, const void *val, socklen_t len)
{
    struct sock *sk = sock->sk;
    if (level != IPPROTO_IP)
        return sk->sk_prot->setsockopt ? sk->sk_prot->setsockopt(sk, level, name, val, len)
                                       : -ENOPROTOOPT;
    int v = 0;
    if (len >= sizeof(int))
        memcpy(&v, val, sizeof(int));
    else if (len >= 1)
        v = *(const unsigned char *)val;      /* Linux takes a single byte too */
    else
        return -EINVAL;
    switch (name) {
    case IP_TOS:
        sk->ip_tos = (uint8_t)v;
        sk->sk_priority = rt_tos2priority(sk->ip_tos);
        return 0;
    case IP_TTL:
        if (v == -1)
            v = IP_DEFAULT_TTL;
        if (v < 1 || v > 255)
            return -EINVAL;
        sk->ip_ttl = (uint8_t)v;
        return 0;
    case IP_MTU_DISCOVER:
        if (v < IP_PMTUDISC_DONT || v > 5)
            return -EINVAL;
        sk->pmtudisc_do = v >= IP_PMTUDISC_DO;
        return 0;
    default:
        return sk->sk_prot->setsockopt ? sk->sk_prot->setsockopt(sk, level, name, val, len)
                                       : -ENOPROTOOPT;
    }
}

int inet_getsockopt(struct socket *sock, int level, int name, void *val, socklen_t *len)
{
    struct sock *sk = sock->sk;
    int v;
    if (level == IPPROTO_IP && name == IP_TOS)
        v = sk->ip_tos;
    else if (level == IPPROTO_IP && name == IP_TTL)
        v = sk->ip_ttl;
    else if (level == IPPROTO_IP && name == IP_MTU_DISCOVER)
        v = sk->pmtudisc_do ? IP_PMTUDISC_DO : IP_PMTUDISC_WANT;
    else
        return sk->sk_prot->getsockopt ? sk->sk_prot->getsockopt(sk, level, name, val, len)
                                       : -ENOPROTOOPT;
    *len = MIN(*len, (socklen_t)sizeof(int));
    memcpy(val, &v, *len);
    return 0;
}

/* Linux's datagram_poll: readable with data queued or after SHUT_RD, writable while less
 * than half the send buffer is in flight, error when sk_err is pending. */
unsigned inet_dgram_poll(struct socket *sock)
{
    struct sock *sk = sock->sk;
    if (sk->sk_prot->poll)
        return sk->sk_prot->poll(sk);
    unsigned mask = 0;
    if (READ_ONCE(sk->sk_err))
        mask |= POLLERR;
    if (sk->sk_shutdown & RCV_SHUTDOWN)
        mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (sk->sk_shutdown == SHUTDOWN_MASK)
        mask |= POLLHUP;
    if (!skb_queue_empty(&sk->sk_receive_queue))
        mask |= POLLIN | POLLRDNORM;
    if (sock_writeable(sk))
        mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
}

/* The calls both halves share (bind, names, options, send and receive go through the
 * protocol's struct proto); each table below adds what differs: connect, accept, poll and
 * listen. */
#define INET_COMMON_OPS                                                                 \
    .family = AF_INET, .release = inet_release, .bind = inet_bind,                      \
    .getname = inet_getname, .shutdown = inet_shutdown, .setsockopt = inet_setsockopt,  \
    .getsockopt = inet_getsockopt, .sendmsg = inet_sendmsg, .recvmsg = inet_recvmsg

const struct proto_ops inet_dgram_ops = {
    INET_COMMON_OPS,
    .connect = inet_dgram_connect, .accept = sock_no_accept,
    .poll = inet_dgram_poll, .listen = sock_no_listen,
};

/* --- the stream half (connection-oriented: TCP) --- */
static bool inet_connect_done(struct sock *sk)
{
    return sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV;
}

/* connect(2) on a stream socket (Linux's __inet_stream_connect): the first call starts
 * the handshake; a non-blocking one returns EINPROGRESS and a repeated one EALREADY
 * while it runs, 0 once after it completed, EISCONN later; failure comes back as the
 * socket's error (ECONNREFUSED, ETIMEDOUT, ...). */
int inet_stream_connect(struct socket *sock, const struct sockaddr_in *addr, int flags)
{
    struct sock *sk = sock->sk;
    bool nonblock = flags != 0;
    int err;
    lock_sock(sk);
    if (addr->sin_family == AF_UNSPEC) {
        err = sk->sk_prot->disconnect ? sk->sk_prot->disconnect(sk, flags) : 0;
        sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
        goto out;
    }
    switch (sock->state) {
    case SS_CONNECTED:
        err = -EISCONN;
        goto out;
    case SS_CONNECTING:
        if (sk->sk_state == TCP_ESTABLISHED || sk->sk_state == TCP_CLOSE_WAIT)
            break;
        if (sk->sk_state == TCP_CLOSE)
            goto sock_error;
        err = -EALREADY;
        if (nonblock)
            goto out;
        break;
    case SS_UNCONNECTED:
        err = -EISCONN;
        if (sk->sk_state != TCP_CLOSE)
            goto out;
        if (addr->sin_family != AF_INET) {
            err = -EAFNOSUPPORT;
            goto out;
        }
        err = sk->sk_prot->connect(sk, addr);
        if (err < 0)
            goto out;
        sock->state = SS_CONNECTING;
        err = -EINPROGRESS;
        if (nonblock)
            goto out;
        break;
    default:
        err = -EINVAL;
        goto out;
    }
    if (!inet_connect_done(sk)) {
        uint64_t timeo = sk->sk_sndtimeo;
        int e = sk_wait_locked(sk, &timeo, inet_connect_done, true);
        if (e == -EAGAIN) {
            err = -EINPROGRESS;            /* SO_SNDTIMEO ran out; the attempt goes on */
            goto out;
        }
    }
    if (sk->sk_state == TCP_CLOSE)
        goto sock_error;
    sock->state = SS_CONNECTED;
    err = 0;
out:
    release_sock(sk);
    return err;
sock_error:
    err = sock_error(sk);
    if (!err)
        err = -ECONNABORTED;
    sock->state = SS_UNCONNECTED;
    release_sock(sk);
    return err;
}

#define SOMAXCONN 4096

int inet_listen(struct socket *sock, int backlog)
{
    struct sock *sk = sock->sk;
    int err = -EINVAL;
    lock_sock(sk);
    if (sock->state != SS_UNCONNECTED || sock->type != SOCK_STREAM)
        goto out;
    if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN)
        goto out;
    if ((unsigned)backlog > SOMAXCONN)
        backlog = SOMAXCONN;             /* negative counts as huge, as Linux */
    sk->sk_max_ack_backlog = (uint32_t)backlog;
    if (sk->sk_state != TCP_LISTEN) {
        if (!sk->inet_num && sk->sk_prot->get_port(sk, 0)) {
            err = -EADDRINUSE;
            goto out;
        }
        sk->inet_sport = htons(sk->inet_num);
        err = sk->sk_prot->listen ? sk->sk_prot->listen(sk, backlog) : -EOPNOTSUPP;
        if (err)
            goto out;
    }
    err = 0;
out:
    release_sock(sk);
    return err;
}

int inet_accept(struct socket *sock, struct socket *newsock, int flags)
{
    struct sock *sk = sock->sk;
    int err = 0;
    struct sock *child = sk->sk_prot->accept ? sk->sk_prot->accept(sk, flags, &err) : NULL;
    if (!child)
        return err ? err : -EOPNOTSUPP;
    newsock->sk = child;
    child->sk_socket = newsock;
    child->sk_type = (uint8_t)sock->type;
    newsock->state = SS_CONNECTED;
    return 0;
}

unsigned inet_stream_poll(struct socket *sock)
{
    return sock->sk->sk_prot->poll(sock->sk);
}

/* The stream half: connect, accept and listen of the connection-oriented protocols, the
 * rest shared with datagram sockets. Reachable once tcp_prot registers for SOCK_STREAM. */
const struct proto_ops inet_stream_ops = {
    INET_COMMON_OPS,
    .connect = inet_stream_connect, .accept = inet_accept,
    .poll = inet_stream_poll, .listen = inet_listen,
};

static const struct net_proto_family inet_family_ops = {
    .family = AF_INET,
    .create = inet_create,
};

int inet_init(void)
{
    int err = sock_register(&inet_family_ops);
    if (err)
        return err;
    struct inet_protosw udp = { SOCK_DGRAM, IPPROTO_UDP, &udp_prot, &inet_dgram_ops };
    inet_register_protosw(&udp);
    /* TCP's slot: socket(AF_INET, SOCK_STREAM, 0) is EPROTONOSUPPORT until tcp_init fills it */
    struct inet_protosw tcp = { SOCK_STREAM, IPPROTO_TCP, NULL, &inet_stream_ops };
    inet_register_protosw(&tcp);
    pr_info("inet: AF_INET sockets: udp ready\n");
    return 0;
}
subsys_initcall(inet_init);
