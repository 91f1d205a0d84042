/* net/ipv4/tcp_ktest.c - in-kernel tests of TCP over lo (suite "tcp"): one task plays
 * both ends with non-blocking sockets, so every step is the real stack on the real
 * clock, the loopback device's backlog and its softirq:
 *   - connect/accept over 127.0.0.1, 10 MB client to server and 10 MB back, every byte
 *     checked (a running checksum on both ends), with the states each end passes through
 *     recorded: SYN_SENT, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, LAST_ACK,
 *     TIME_WAIT (as a record) and CLOSE;
 *   - a connection to a closed port is refused (ECONNREFUSED);
 *   - afterwards no skb and no TCP sock is left (TIME_WAIT records flushed).
 * A figure is printed (never judged): the rate of the transfer through lo. */
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "net/ipv4/tcp.h"
#include "net/socket.h"
#include "net/core/netdevice.h"

#define LO htonl(0x7f000001u)
#define XFER_BYTES (10u << 20)
#define CHUNK 16384

static uint64_t skbs_alive(void)
{
    struct skb_stats s;
    skb_get_stats(&s);
    return s.alive;
}

static long do_send(struct socket *s, const void *buf, size_t len)
{
    struct iovec iov = { (void *)buf, len };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, len);
    m.flags = MSG_DONTWAIT;
    return sock_sendmsg(s, &m);
}

static long do_recv(struct socket *s, void *buf, size_t len)
{
    struct iovec iov = { buf, len };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, len);
    return sock_recvmsg(s, &m, MSG_DONTWAIT);
}

static uint8_t pattern(uint32_t i, uint32_t seed) { return (uint8_t)((i * 131u + seed + (i >> 11)) & 0xff); }

static unsigned seen;                   /* bit per TCP state observed */
static void note(struct socket *s)
{
    if (s && s->sk)
        seen |= 1u << s->sk->sk_state;
}

static struct socket *accepted;
static bool try_accept(struct socket *l)
{
    struct socket *ns;
    if (sock_create(AF_INET, SOCK_STREAM, 0, &ns))
        return false;
    ns->ops->release(ns);
    ns->sk = NULL;
    if (l->ops->accept(l, ns, 1)) {
        sock_release(ns);
        return false;
    }
    accepted = ns;
    return true;
}

/* Move XFER_BYTES from a to b, checking every byte; returns 0 or a failing step. */
static int transfer(struct socket *a, struct socket *b, uint32_t seed)
{
    static uint8_t out[CHUNK], in[CHUNK];
    uint32_t sent = 0, got = 0;
    uint64_t end = jiffies + 120 * HZ;
    while (got < XFER_BYTES && time_before(jiffies, end)) {
        bool moved = false;
        if (sent < XFER_BYTES) {
            uint32_t n = MIN((uint32_t)CHUNK, XFER_BYTES - sent);
            for (uint32_t i = 0; i < n; i++)
                out[i] = pattern(sent + i, seed);
            long r = do_send(a, out, n);
            if (r > 0) {
                sent += (uint32_t)r;
                moved = true;
            } else if (r != -EAGAIN) {
                return 1;
            }
        }
        long r = do_recv(b, in, sizeof(in));
        if (r > 0) {
            for (long i = 0; i < r; i++)
                if (in[i] != pattern(got + (uint32_t)i, seed))
                    return 2;
            got += (uint32_t)r;
            moved = true;
        } else if (r != -EAGAIN) {
            return 3;
        }
        note(a);
        note(b);
        if (!moved)
            msleep(1);
    }
    if (got != XFER_BYTES) {
        /* say where it stopped: both ends' sequence state */
        struct tcp_sock *x = tcp_sk(a->sk), *y = tcp_sk(b->sk);
        pr_info("tcp ktest: stalled at %u/%u sent, %u received\n", sent, XFER_BYTES, got);
        pr_info("  sender: una %u nxt %u write %u pkts %u sacked %u lost %u retr %u cwnd %u wnd %u "
                "queued %d sndbuf %d pending %u ca %u sh %p qlen %u tpend %d\n", x->snd_una - x->iss, x->snd_nxt - x->iss,
                x->write_seq - x->iss, x->packets_out, x->sacked_out, x->lost_out, x->retrans_out,
                x->snd_cwnd, x->snd_wnd, a->sk->sk_wmem_queued, a->sk->sk_sndbuf, x->pending, x->ca_state, (void *)a->sk->sk_send_head, skb_queue_len(&a->sk->sk_write_queue), timer_pending(&x->retransmit_timer));
        pr_info("  receiver: rcv_nxt %u copied %u rcv_wnd %u rmem %d rcvbuf %d ofo %u\n",
                y->rcv_nxt - y->irs, y->copied_seq - y->irs, y->rcv_wnd, b->sk->sk_rmem_alloc,
                b->sk->sk_rcvbuf, skb_queue_len(&y->out_of_order_queue));
        return 4;
    }
    return 0;
}

KTEST(tcp, loopback_transfer_both_ways_and_every_close_state)
{
    uint64_t skb0 = skbs_alive();
    int socks0 = tcp_socks_count();
    seen = 0;
    struct socket *l, *c;
    KT_ASSERT(sock_create(AF_INET, SOCK_STREAM, 0, &l) == 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(5555) };
    a.sin_addr.s_addr = LO;
    KT_ASSERT(l->ops->bind(l, &a) == 0);
    /* a listen backlog of 0 is a full accept queue: the SYN is dropped and the client
     * stays in SYN_SENT until its retransmission finds room (listen again with 4) */
    KT_ASSERT(l->ops->listen(l, 0) == 0);
    KT_ASSERT(sock_create(AF_INET, SOCK_STREAM, 0, &c) == 0);
    uint64_t overflows0 = tcpstats.ListenOverflows;
    KT_EXPECT_EQ(c->ops->connect(c, &a, 1), -EINPROGRESS);
    KT_ASSERT_MSG(KT_WAIT_FOR(tcpstats.ListenOverflows > overflows0, 1000),
                  "the listener never refused the SYN");
    note(c);
    KT_EXPECT_EQ(c->sk->sk_state, TCP_SYN_SENT);
    KT_ASSERT(l->ops->listen(l, 4) == 0);
    accepted = NULL;
    KT_ASSERT(KT_WAIT_FOR(try_accept(l), 4000));      /* the SYN's retransmission after 1 s */
    struct socket *s = accepted;
    KT_ASSERT(KT_WAIT_FOR(c->sk->sk_state == TCP_ESTABLISHED, 2000));
    note(c);
    note(s);
    uint64_t t0 = ktime_get_ns();
    int e = transfer(c, s, 1);
    KT_ASSERT_MSG(e == 0, "client to server failed at step %d", e);
    e = transfer(s, c, 2);
    KT_ASSERT_MSG(e == 0, "server to client failed at step %d", e);
    uint64_t ns = ktime_get_ns() - t0;
    pr_info("tcp ktest: 2 x %u bytes through lo in %llu ms (%llu Mbit/s)\n", XFER_BYTES,
            (unsigned long long)(ns / NSEC_PER_MSEC),
            (unsigned long long)(2ull * XFER_BYTES * 8 / (ns / 1000 + 1)));
    /* the client closes first: FIN_WAIT1/2 and TIME_WAIT on its side, CLOSE_WAIT and
     * LAST_ACK on the server's */
    KT_EXPECT_EQ(c->ops->shutdown(c, 1), 0);
    note(c);
    static uint8_t buf[64];
    KT_ASSERT(KT_WAIT_FOR(do_recv(s, buf, sizeof(buf)) == 0, 2000));
    note(s);
    note(c);
    KT_ASSERT(KT_WAIT_FOR((note(c), c->sk->sk_state == TCP_FIN_WAIT2), 2000));
    /* likewise the client held owned keeps the server in LAST_ACK for a moment */
    lock_sock(c->sk);
    KT_EXPECT_EQ(s->ops->shutdown(s, 1), 0);
    note(s);
    release_sock(c->sk);
    KT_ASSERT(KT_WAIT_FOR(do_recv(c, buf, sizeof(buf)) == 0, 2000));
    KT_ASSERT(KT_WAIT_FOR((note(s), s->sk->sk_state == TCP_CLOSE), 2000));
    note(c);
    if (tcp_tw_count() > 0)
        seen |= 1u << TCP_TIME_WAIT;
    KT_ASSERT_MSG(tcp_tw_count() > 0 || c->sk->sk_state == TCP_TIME_WAIT, "no TIME_WAIT");
    sock_release(c);
    sock_release(s);
    sock_release(l);
    unsigned want = 1u << TCP_SYN_SENT | 1u << TCP_ESTABLISHED | 1u << TCP_FIN_WAIT1 |
                    1u << TCP_FIN_WAIT2 | 1u << TCP_CLOSE_WAIT | 1u << TCP_LAST_ACK |
                    1u << TCP_TIME_WAIT | 1u << TCP_CLOSE;
    KT_ASSERT_MSG((seen & want) == want, "states seen %#x, want %#x", seen, want);
    tcp_tw_flush();
    KT_ASSERT(KT_WAIT_FOR(tcp_socks_count() == socks0 && skbs_alive() <= skb0, 3000));
}

KTEST(tcp, connect_to_closed_port_refused)
{
    struct socket *c;
    KT_ASSERT(sock_create(AF_INET, SOCK_STREAM, 0, &c) == 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(5556) };
    a.sin_addr.s_addr = LO;
    KT_EXPECT_EQ(c->ops->connect(c, &a, 1), -EINPROGRESS);
    KT_ASSERT(KT_WAIT_FOR(c->sk->sk_state == TCP_CLOSE, 2000));
    KT_EXPECT_EQ(c->ops->connect(c, &a, 1), -ECONNREFUSED);
    sock_release(c);
}
