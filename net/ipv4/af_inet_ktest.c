/* net/ipv4/af_inet_ktest.c - the socket layer's sleeping and waking on the real scheduler
 * and clock: a reader blocked in recvmsg is woken by another task's send, SO_RCVTIMEO
 * expires on time, MSG_DONTWAIT does not wait, shutdown wakes a sleeper, and nothing
 * leaks. A stand-in datagram protocol (IPPROTO 253, "for experimentation", RFC 3692)
 * delivers inside the kernel to the socket bound to the destination port, so these tests
 * depend on nothing below the socket layer. */
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "net/ipv4/af_inet.h"
#include "net/core/netdevice.h"

#define IPPROTO_KTEST 253
#define NBOUND 8

static struct sock *bound[NBOUND];
static uint16_t next_port = 40000;

static struct sock *kt_find(uint16_t port)
{
    for (int i = 0; i < NBOUND; i++)
        if (bound[i] && bound[i]->inet_num == port)
            return bound[i];
    return NULL;
}

static int kt_get_port(struct sock *sk, uint16_t port)
{
    if (!port)
        port = next_port++;
    if (kt_find(port))
        return -EADDRINUSE;
    for (int i = 0; i < NBOUND; i++) {
        if (!bound[i]) {
            bound[i] = sk;
            sk->inet_num = port;
            sk->inet_sport = htons(port);
            return 0;
        }
    }
    return -EAGAIN;
}

static void kt_close(struct sock *sk)
{
    for (int i = 0; i < NBOUND; i++)
        if (bound[i] == sk)
            bound[i] = NULL;
}

static long kt_sendmsg(struct sock *sk, struct kmsg *m, size_t len)
{
    int err;
    struct sk_buff *skb = sock_alloc_send_skb(sk, (unsigned)len, m->flags & MSG_DONTWAIT, &err);
    if (!skb)
        return err;
    if (kmsg_copy_from(m, skb_put(skb, (unsigned)len), len)) {
        kfree_skb(skb);
        return -EFAULT;
    }
    memcpy(skb->cb, &sk->inet_sport, sizeof(sk->inet_sport));
    struct sock *dst = kt_find(ntohs(m->name.sin_port));
    if (!dst || sock_queue_rcv_skb(dst, skb))
        kfree_skb(skb);
    return (long)len;
}

static long kt_recvmsg(struct sock *sk, struct kmsg *m, size_t len, int flags)
{
    int err;
    struct sk_buff *skb = skb_recv_datagram(sk, flags, &err);
    if (!skb)
        return err;
    size_t n = MIN(len, (size_t)skb->len);
    if (n < skb->len)
        m->flags |= MSG_TRUNC;
    err = skb_copy_datagram_msg(skb, 0, m, (unsigned)n);
    m->has_name = true;
    m->name.sin_family = AF_INET;
    memcpy(&m->name.sin_port, skb->cb, sizeof(m->name.sin_port));
    consume_skb(skb);
    return err ? err : (long)n;
}

static struct proto ktest_prot = {
    .name = "ktest-dgram", .obj_size = sizeof(struct sock),
    .close = kt_close, .sendmsg = kt_sendmsg, .recvmsg = kt_recvmsg, .get_port = kt_get_port,
};

static struct socket *kt_socket(uint16_t port)
{
    static bool registered;
    if (!registered) {
        struct inet_protosw sw = { SOCK_DGRAM, IPPROTO_KTEST, &ktest_prot, &inet_dgram_ops };
        if (inet_register_protosw(&sw))
            return NULL;
        registered = true;
    }
    struct socket *s;
    if (sock_create(AF_INET, SOCK_DGRAM, IPPROTO_KTEST, &s))
        return NULL;
    if (port) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
        if (s->ops->bind(s, &a)) {
            sock_release(s);
            return NULL;
        }
    }
    return s;
}

static long kt_send(struct socket *s, uint16_t port, const char *data, size_t n)
{
    struct iovec iov = { (void *)data, n };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, n);
    m.name.sin_family = AF_INET;
    m.name.sin_port = htons(port);
    m.has_name = true;
    m.namelen = sizeof(m.name);
    return sock_sendmsg(s, &m);
}

static long kt_recv(struct socket *s, char *buf, size_t n, int flags)
{
    struct iovec iov = { buf, n };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, n);
    return sock_recvmsg(s, &m, flags);
}

struct sender_arg {
    uint16_t port;
    uint64_t delay_ms;
    int action;                 /* 0: send "ping", 1: shut the receiver down */
    struct socket *target;
    bool reader_queued;         /* action 1: a reader slept on the target's sk_wq */
    uint64_t shut_ns;           /* action 1: when the shutdown happened */
};

static int sender_task(void *p)
{
    struct sender_arg *a = p;
    msleep(a->delay_ms);
    if (a->action == 1) {
        a->reader_queued = !list_empty(&a->target->sk->sk_wq.waiters);
        a->shut_ns = ktime_get_ns();
        a->target->ops->shutdown(a->target, SHUT_RD);
        return 0;
    }
    struct socket *s = kt_socket(0);
    if (!s)
        return 1;
    kt_send(s, a->port, "ping", 4);
    sock_release(s);
    return 0;
}

KTEST(sockets, blocked_reader_is_woken_by_a_send)
{
    struct socket *r = kt_socket(5001);
    KT_ASSERT(r != NULL);
    static struct sender_arg a = { .port = 5001, .delay_ms = 30 };
    KT_ASSERT(task_create("kt-sender", sender_task, &a) != NULL);
    uint64_t t0 = ktime_get_ns();
    char buf[16];
    long n = kt_recv(r, buf, sizeof(buf), 0);
    uint64_t waited = ktime_get_ns() - t0;
    sock_release(r);
    KT_EXPECT_EQ(n, 4);
    KT_ASSERT(memcmp(buf, "ping", 4) == 0);
    KT_ASSERT_MSG(waited >= 25 * NSEC_PER_MSEC, "woke after %llu us",
                  (unsigned long long)(waited / 1000));
}

KTEST(sockets, rcvtimeo_expires_on_time)
{
    struct socket *r = kt_socket(5002);
    KT_ASSERT(r != NULL);
    struct timeval_k tv = { 0, 100000 };
    KT_EXPECT_EQ(sock_setsockopt(r, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
    uint64_t t0 = ktime_get_ns();
    char buf[8];
    long n = kt_recv(r, buf, sizeof(buf), 0);
    uint64_t waited = ktime_get_ns() - t0;
    sock_release(r);
    KT_EXPECT_EQ(n, -EAGAIN);
    KT_ASSERT_MSG(waited >= 100 * NSEC_PER_MSEC && waited < 400 * NSEC_PER_MSEC,
                  "waited %llu ms", (unsigned long long)(waited / NSEC_PER_MSEC));
}

KTEST(sockets, dontwait_returns_at_once)
{
    struct socket *r = kt_socket(5003);
    KT_ASSERT(r != NULL);
    uint64_t t0 = ktime_get_ns();
    char buf[8];
    long n = kt_recv(r, buf, sizeof(buf), MSG_DONTWAIT);
    uint64_t took = ktime_get_ns() - t0;
    sock_release(r);
    KT_EXPECT_EQ(n, -EAGAIN);
    KT_ASSERT(took < 5 * NSEC_PER_MSEC);
}

KTEST(sockets, shutdown_wakes_a_sleeping_reader)
{
    struct socket *r = kt_socket(5004);
    KT_ASSERT(r != NULL);
    static struct sender_arg a;
    a = (struct sender_arg){ .delay_ms = 20, .action = 1, .target = r };
    KT_ASSERT(task_create("kt-shut", sender_task, &a) != NULL);
    char buf[8];
    long n = kt_recv(r, buf, sizeof(buf), 0);
    uint64_t returned = ktime_get_ns();
    sock_release(r);
    KT_EXPECT_EQ(n, 0);                      /* end of file */
    /* the reader was asleep on the socket's queue when the shutdown came, and returned
     * only after it */
    KT_ASSERT_MSG(a.reader_queued, "no reader was waiting on sk_wq at the shutdown");
    KT_ASSERT_MSG(a.shut_ns != 0 && returned >= a.shut_ns, "the read returned before the shutdown");
}

KTEST(sockets, datagrams_queue_in_order_and_nothing_leaks)
{
    struct skb_stats k0, k1;
    skb_get_stats(&k0);
    struct sock_stats s0, s1;
    sock_get_stats(&s0);
    struct socket *r = kt_socket(5005), *w = kt_socket(0);
    KT_ASSERT(r && w);
    char msg[32];
    for (int i = 0; i < 20; i++) {
        snprintf(msg, sizeof(msg), "datagram %d", i);
        KT_EXPECT_EQ(kt_send(w, 5005, msg, strlen(msg)), (long)strlen(msg));
    }
    for (int i = 0; i < 10; i++) {
        char buf[32] = { 0 };
        snprintf(msg, sizeof(msg), "datagram %d", i);
        KT_EXPECT_EQ(kt_recv(r, buf, sizeof(buf), MSG_DONTWAIT), (long)strlen(msg));
        KT_ASSERT(!strcmp(buf, msg));
    }
    sock_release(r);                         /* ten still queued: purged */
    sock_release(w);
    sock_get_stats(&s1);
    KT_EXPECT_EQ(s1.socks_alive, s0.socks_alive);
    skb_get_stats(&k1);
    KT_EXPECT_EQ(k1.alive, k0.alive);
}
