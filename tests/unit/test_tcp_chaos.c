// SOURCES: net/ipv4/tcp.c net/ipv4/tcp_output.c net/ipv4/tcp_input.c net/ipv4/tcp_ipv4.c net/ipv4/tcp_minisocks.c net/ipv4/tcp_timer.c net/ipv4/tcp_cong.c net/ipv4/tcp_cubic.c net/ipv4/syncookies.c net/ipv4/tcp_hdr.c net/ipv4/inet_connection_sock.c net/core/secure_seq.c net/core/stream.c net/socket.c net/sockopt.c net/ipv4/af_inet.c kernel/file.c kernel/console_file.c kernel/sys_basic.c kernel/poll.c net/ipv4/ip_fragment.c net/ipv4/ip_output.c net/ipv4/ip_input.c net/ipv4/icmp.c net/ipv4/udp.c net/ipv4/route.c net/ipv4/devinet.c net/ipv4/ip_hdr.c net/ipv4/icmp_hdr.c net/ipv4/udp_hdr.c net/netfilter/core.c net/netfilter/nf_rules.c net/core/checksum.c net/core/skbuff.c net/core/sock.c net/core/datagram.c net/kmsg.c kernel/uaccess.c kernel/user/uvm.c kernel/time/timer.c kernel/cmdline.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_kernel.c kernel/sched/wait.c tests/unit/fake_softirq.c tests/unit/fake_netdev.c tests/unit/fake_ipstack.c net/core/dev_registry.c tests/unit/fake_clock.c tests/unit/stub_stats.c
/* tests/unit/test_tcp_chaos.c - two real TCP endpoints of the hosted stack talk to each
 * other through a seeded impaired wire (loss, reordering, duplication, corruption, a
 * fixed delay) under the fake clock, both directions at once, and every step checks:
 *   - the sender's scoreboard: packets_out, sacked_out, lost_out and retrans_out equal
 *     what a walk of the write queue counts (a drift there shuts cwnd for good);
 *   - progress: no 8 s of simulated time without a new byte delivered (a stall);
 *   - every byte arrives once, in order, unchanged;
 *   - after close: no sock and no skb left.
 * The wire: the stack's frames to 10.0.2.2 come back addressed from 10.0.2.2, so a client
 * socket connected to 10.0.2.2:P reaches the stack's own listener on port P. TSO frames
 * are cut into MSS segments on the wire, as the NIC would. */
#include "tests/unit/unit.h"
#include "tests/unit/xorshift.h"
#include "tests/unit/fake_ipstack.h"
#include "tests/unit/fake_kernel.h"
#include "net/ipv4/tcp.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/af_inet.h"
#include "net/core/checksum.h"
#include "net/socket.h"
#include "kernel/errno.h"

void panic(const char *fmt, ...) { (void)fmt; abort(); }
void process_exit(int code) { (void)code; abort(); }

/* --- the wire --- */
struct pkt {
    uint64_t due_ms;
    unsigned len;
    uint8_t data[1500];          /* from the IP header */
};
#define WIRE_MAX 4096
static struct pkt *wire[WIRE_MAX];
static int nwire;
static uint64_t now_ms;
static uint64_t rng;
static struct {
    unsigned loss, reorder, dup, corrupt;   /* per mille */
} imp;
static struct { long sent, dropped, reordered, duplicated, corrupted; } wstat;

static unsigned rnd(unsigned n) { return (unsigned)(xorshift64(&rng) % n); }

static void wire_put(const uint8_t *ip, unsigned len)
{
    wstat.sent++;
    if (rnd(1000) < imp.loss) {
        wstat.dropped++;
        return;
    }
    int copies = rnd(1000) < imp.dup ? 2 : 1;
    if (copies == 2)
        wstat.duplicated++;
    for (int c = 0; c < copies && nwire < WIRE_MAX; c++) {
        struct pkt *p = malloc(sizeof(*p));
        memcpy(p->data, ip, len);
        p->len = len;
        p->due_ms = now_ms + 5;
        if (rnd(1000) < imp.reorder) {
            p->due_ms += 1 + rnd(8);
            wstat.reordered++;
        }
        if (rnd(1000) < imp.corrupt && len > 40) {
            p->data[20 + rnd(len - 20)] ^= (uint8_t)(1 + rnd(255));
            wstat.corrupted++;
        }
        wire[nwire++] = p;
    }
}

/* One frame the stack handed the device: cut a TSO frame into MSS segments, fill in
 * the checksum the NIC would, and put each on the wire. */
static void wire_from_stack(struct sk_buff *skb)
{
    static uint8_t buf[70000];
    unsigned len = skb->len;
    if (len > sizeof(buf) || skb_copy_bits(skb, 0, buf, len) < 0)
        return;
    struct iphdr *iph = (struct iphdr *)buf;
    unsigned ihl = (unsigned)(iph->ihl * 4);
    if (iph->protocol != IPPROTO_TCP) {
        return;
    }
    struct tcphdr *th = (struct tcphdr *)(buf + ihl);
    unsigned thl = (unsigned)((th->doff_res >> 4) * 4);
    unsigned payload = len - ihl - thl;
    unsigned mss = skb_is_gso(skb) ? skb_shinfo(skb)->gso_size : payload;
    if (!mss)
        mss = 1;
    uint32_t seq = ntohl(th->seq);
    unsigned off = 0;
    do {
        unsigned n = payload - off < mss ? payload - off : mss;
        bool last = off + n >= payload;
        static uint8_t seg[1600];
        memcpy(seg, buf, ihl + thl);
        memcpy(seg + ihl + thl, buf + ihl + thl + off, n);
        struct iphdr *si = (struct iphdr *)seg;
        struct tcphdr *st = (struct tcphdr *)(seg + ihl);
        /* the wire reverses the addresses: 10.0.2.15 -> 10.0.2.2 becomes 10.0.2.2 -> 10.0.2.15 */
        uint32_t a = si->saddr;
        si->saddr = si->daddr;
        si->daddr = a;
        si->tot_len = htons((uint16_t)(ihl + thl + n));
        si->check = 0;
        si->check = ip_fast_csum(seg, ihl / 4);
        st->seq = htonl(seq + off);
        if (!last)
            st->flags &= (uint8_t)~(TCPHDR_FIN | TCPHDR_PSH);
        st->check = 0;
        st->check = csum_tcpudp_magic(si->saddr, si->daddr, thl + n, IPPROTO_TCP,
                                      csum_partial(st, thl + n, 0));
        wire_put(seg, ihl + thl + n);
        off += n;
    } while (off < payload);
}

/* The driver's ring: a sent skb (a clone sharing the write queue's data) is freed by the
 * TX completion a few milliseconds later, so retransmissions and splits meet clones
 * still in flight, as on the NIC. */
#define RING_MAX 8192
static struct { struct sk_buff *skb; uint64_t done_ms; } ring[RING_MAX];
static int nring;

static void tx_complete(bool all)
{
    for (int i = 0; i < nring;) {
        if (all || ring[i].done_ms <= now_ms) {
            kfree_skb(ring[i].skb);
            ring[i] = ring[--nring];
        } else {
            i++;
        }
    }
}

static void drain_device(struct net_device *dev)
{
    struct fake_netdev *f = fake_priv(dev);
    while (f->ntx) {
        struct sk_buff *batch[FAKE_TX_MAX];
        int n = f->ntx;
        memcpy(batch, f->tx, sizeof(batch[0]) * (size_t)n);
        f->ntx = 0;
        for (int i = 0; i < n; i++) {
            wire_from_stack(batch[i]);
            if (nring < RING_MAX) {
                ring[nring].skb = batch[i];
                ring[nring++].done_ms = now_ms + rnd(4);
            } else {
                kfree_skb(batch[i]);
            }
        }
    }
}

static void deliver_due(struct net_device *dev)
{
    for (int i = 0; i < nwire;) {
        struct pkt *p = wire[i];
        if (p->due_ms > now_ms) {
            i++;
            continue;
        }
        wire[i] = wire[--nwire];          /* order among the due ones is free: reordering */
        struct iphdr *iph = (struct iphdr *)p->data;
        unsigned ihl = (unsigned)(iph->ihl * 4);
        struct sk_buff *skb = alloc_skb(NET_SKB_PAD + p->len);
        skb_reserve(skb, NET_SKB_PAD);
        skb_put_data(skb, p->data, p->len);
        (void)ihl;
        skb->dev = dev;
        skb->protocol = ETH_P_IP;
        skb->pkt_type = PACKET_HOST;
        free(p);
        rx_deliver(dev, skb);
        drain_device(dev);
    }
}

/* --- the scoreboard invariant (and the send buffer's charge) --- */
static bool scoreboard_ok(struct sock *sk, const char *who, uint64_t t)
{
    struct tcp_sock *tp = tcp_sk(sk);
    uint32_t packets = 0, sacked = 0, lost = 0, retrans = 0;
    long queued = 0;
    for (struct sk_buff *skb = tcp_write_queue_head(sk); skb; skb = tcp_write_queue_next(sk, skb))
        queued += skb->truesize;
    if (queued != sk->sk_wmem_queued) {
        fprintf(stderr, "  %s at %llu ms: sk_wmem_queued %d, the write queue holds %ld\n", who,
                (unsigned long long)t, sk->sk_wmem_queued, queued);
        return false;
    }
    for (struct sk_buff *skb = tcp_write_queue_head(sk); skb && skb != tcp_send_head(sk);
         skb = tcp_write_queue_next(sk, skb)) {
        unsigned pc = tcp_skb_pcount(skb);
        uint8_t s = TCP_SKB_CB(skb)->sacked;
        packets += pc;
        if (s & TCPCB_SACKED_ACKED)
            sacked += pc;
        if (s & TCPCB_LOST)
            lost += pc;
        if (s & TCPCB_SACKED_RETRANS)
            retrans += pc;
    }
    /* without SACK, sacked_out counts duplicate ACKs, not marked skbs */
    bool sack_counted = tp->sack_ok;
    if (packets == tp->packets_out && lost == tp->lost_out && retrans == tp->retrans_out &&
        (!sack_counted || sacked == tp->sacked_out))
        return true;
    fprintf(stderr, "  %s at %llu ms: counters packets/sacked/lost/retrans %u/%u/%u/%u, queue walk %u/%u/%u/%u (ca_state %u)\n",
            who, (unsigned long long)t, tp->packets_out, tp->sacked_out, tp->lost_out,
            tp->retrans_out, packets, sacked, lost, retrans, tp->ca_state);
    return false;
}

/* --- the applications --- */
/* Each application is poll-driven like tests/e2e's tcp_xfer: on EAGAIN it queues itself
 * on the socket's wait queue, polls once more, and then does nothing until a wake-up
 * takes it off the queue. A lost wake-up is a stall. */
struct waiter {
    struct wait_queue_entry e;
    bool asleep;
};
struct end {
    struct socket *s;
    const char *name;
    size_t sent, rcvd, total;
    struct waiter wout, win;
};

/* true: the app may run now; false: it sleeps until woken */
static bool waiter_awake(struct waiter *w, struct socket *s)
{
    if (!w->asleep)
        return true;
    if (!list_empty(&w->e.node))
        return false;                     /* still queued: nobody woke us */
    w->asleep = false;
    (void)s;
    return true;
}

/* The app saw EAGAIN: queue, look once more (poll's second scan), sleep if not ready. */
static void waiter_sleep(struct waiter *w, struct socket *s, unsigned want)
{
    prepare_to_wait(&s->wq, &w->e);
    unsigned mask = s->ops->poll(s);
    if (mask & (want | POLLERR | POLLHUP)) {
        finish_wait(&s->wq, &w->e);
        return;
    }
    current->state = TASK_RUNNING;        /* the fake task runs on; the flag says asleep */
    w->asleep = true;
}

static uint8_t pattern(size_t i, int dir) { return (uint8_t)((i * 7 + (i >> 9) + (unsigned)dir * 91) & 0xff); }

static void app_send(struct end *e, int dir)
{
    static uint8_t buf[65536];
    if (!waiter_awake(&e->wout, e->s))
        return;
    while (e->sent < e->total) {
        size_t n = e->total - e->sent;
        if (n > sizeof(buf))
            n = sizeof(buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = pattern(e->sent + i, dir);
        struct iovec iov = { buf, n };
        struct kmsg m;
        kmsg_init_kernel(&m, &iov, 1, n);
        m.flags = MSG_DONTWAIT;
        long r = sock_sendmsg(e->s, &m);
        if (r == -EAGAIN) {
            waiter_sleep(&e->wout, e->s, POLLOUT);
            break;
        }
        if (r <= 0)
            break;
        e->sent += (size_t)r;
    }
}

/* A slow reader: reads at most this many bytes per millisecond, and none at all for
 * 300 ms of every second, so the window closes and must reopen (0: drain everything). */
static size_t slow_reader;

static bool app_recv(struct end *e, int dir)
{
    static uint8_t buf[65536];
    if (!waiter_awake(&e->win, e->s))
        return true;
    size_t budget = slow_reader ? ((now_ms % 1000) < 300 ? 0 : slow_reader) : SIZE_MAX;
    while (budget) {
        size_t want = budget < sizeof(buf) ? budget : sizeof(buf);
        struct iovec iov = { buf, want };
        struct kmsg m;
        kmsg_init_kernel(&m, &iov, 1, want);
        long r = sock_recvmsg(e->s, &m, MSG_DONTWAIT);
        if (r == -EAGAIN) {
            waiter_sleep(&e->win, e->s, POLLIN);
            return true;
        }
        if (r <= 0)
            return true;
        for (long i = 0; i < r; i++)
            if (buf[i] != pattern(e->rcvd + (size_t)i, dir)) {
                fprintf(stderr, "  %s: byte %zu is %#x, want %#x\n", e->name, e->rcvd + (size_t)i,
                        buf[i], pattern(e->rcvd + (size_t)i, dir));
                return false;
            }
        e->rcvd += (size_t)r;
        if (slow_reader)
            budget -= (size_t)r;
    }
    return true;
}

/* Per mille of steps in which each socket is owned by its task (lock_sock) while the
 * wire delivers and the timers run: segments go to the backlog, timers defer, and both
 * are processed at release_sock, as when an interrupt lands inside a send call. */
static unsigned own_rate = 300;
static struct sock *owned_candidates[2];

static void step(struct net_device *dev)
{
    bool owned[2] = { false, false };
    for (int i = 0; i < 2; i++)
        if (owned_candidates[i] && rnd(1000) < own_rate) {
            lock_sock(owned_candidates[i]);
            owned[i] = true;
        }
    now_ms++;
    fake_advance_ms(1);
    tx_complete(false);
    drain_device(dev);
    deliver_due(dev);
    for (int i = 0; i < 2; i++)
        if (owned[i]) {
            release_sock(owned_candidates[i]);
            drain_device(dev);
        }
}

/* One run: a connection over the impaired wire, `bytes` each way. */
static void chaos_run(uint64_t seed, size_t bytes, bool tso, const char *cc)
{
    struct net_device *dev = ipstack_setup();
    static bool inited;
    if (!inited) {
        inet_init();
        tcp_init();
        inited = true;
    }
    if (tso)
        dev->features |= NETIF_F_TSO | NETIF_F_SG | NETIF_F_IP_CSUM;
    rng = seed * 0x9e3779b97f4a7c15ull + 1;
    now_ms = 0;
    memset(&wstat, 0, sizeof(wstat));
    uint64_t skbs0 = skbs_alive();
    int socks0 = tcp_socks_count();
    uint64_t retrans0 = tcpstats.RetransSegs, probes0 = tcpstats.TCPWinProbe, timeouts0 = tcpstats.TCPTimeouts;

    struct socket *ls, *cs, *as;
    CHECK_EQ(sock_create(AF_INET, SOCK_STREAM, 0, &ls), 0);
    CHECK_EQ(sock_create(AF_INET, SOCK_STREAM, 0, &cs), 0);
    if (cc) {
        tcp_prot.setsockopt(cs->sk, IPPROTO_TCP, TCP_CONGESTION, cc, (socklen_t)strlen(cc));
        tcp_prot.setsockopt(ls->sk, IPPROTO_TCP, TCP_CONGESTION, cc, (socklen_t)strlen(cc));
    }
    if (slow_reader) {
        /* a small receive buffer, so the pauses close the window */
        int rb = 32768;
        sock_setsockopt(cs, SO_RCVBUF, &rb, sizeof(rb));
        sock_setsockopt(ls, SO_RCVBUF, &rb, sizeof(rb));
    }
    struct sockaddr_in la = { .sin_family = AF_INET, .sin_port = htons(5001) };
    CHECK_EQ(ls->ops->bind(ls, &la), 0);
    CHECK_EQ(ls->ops->listen(ls, 4), 0);
    struct sockaddr_in ca = { .sin_family = AF_INET, .sin_port = htons(5001) };
    ca.sin_addr.s_addr = ipa("10.0.2.2");
    CHECK_EQ(cs->ops->connect(cs, &ca, 1), -EINPROGRESS);

    CHECK_EQ(sock_create(AF_INET, SOCK_STREAM, 0, &as), 0);
    as->ops->release(as);
    as->sk = NULL;
    int err = -EAGAIN;
    for (int i = 0; i < 20000 && err == -EAGAIN; i++) {
        step(dev);
        err = ls->ops->accept(ls, as, 1);
    }
    CHECK_EQ(err, 0);
    if (err) {
        sock_release(as);
        sock_release(cs);
        sock_release(ls);
        return;
    }
    struct end a = { .s = cs, .name = "client", .total = bytes }, b = { .s = as, .name = "server", .total = bytes };
    INIT_LIST_HEAD(&a.wout.e.node);
    INIT_LIST_HEAD(&a.win.e.node);
    INIT_LIST_HEAD(&b.wout.e.node);
    INIT_LIST_HEAD(&b.win.e.node);
    owned_candidates[0] = cs->sk;
    owned_candidates[1] = as->sk;
    uint64_t last_progress = now_ms, longest_gap = 0;
    bool ok = true;
    while (ok && (a.rcvd < bytes || b.rcvd < bytes) && now_ms < 600000) {
        app_send(&a, 0);
        app_send(&b, 1);
        step(dev);
        size_t before = a.rcvd + b.rcvd;
        ok = app_recv(&a, 1) && app_recv(&b, 0);
        if (a.rcvd + b.rcvd != before) {
            if (now_ms - last_progress > longest_gap)
                longest_gap = now_ms - last_progress;
            last_progress = now_ms;
        }
        if (!scoreboard_ok(cs->sk, "client", now_ms) || !scoreboard_ok(as->sk, "server", now_ms))
            ok = false;
        if (now_ms - last_progress > 8000) {
            fprintf(stderr, "  stalled at %llu ms: client sent %zu rcvd %zu (asleep out %d in %d), server sent %zu rcvd %zu (asleep out %d in %d)\n",
                    (unsigned long long)now_ms, a.sent, a.rcvd, a.wout.asleep, a.win.asleep,
                    b.sent, b.rcvd, b.wout.asleep, b.win.asleep);
            for (int k = 0; k < 2; k++) {
                struct sock *sk = k ? as->sk : cs->sk;
                struct tcp_sock *tp = tcp_sk(sk);
                fprintf(stderr, "    %s: state %d snd_una %u snd_nxt %u write_seq %u snd_wnd %u cwnd %u packets_out %u pending %d wmem_queued %d sndbuf %d rmem %d rcvbuf %d rcv_wnd %u poll %#x\n",
                        k ? "server" : "client", sk->sk_state, tp->snd_una, tp->snd_nxt, tp->write_seq,
                        tp->snd_wnd, tp->snd_cwnd, tp->packets_out, tp->pending, sk->sk_wmem_queued,
                        sk->sk_sndbuf, sk->sk_rmem_alloc, sk->sk_rcvbuf, tp->rcv_wnd,
                        (k ? as : cs)->ops->poll(k ? as : cs));
            }
            ok = false;
        }
    }
    fprintf(stderr, "  seed %llu %s %s: %zu B each way in %llu ms, longest gap %llu ms; wire %ld sent %ld dropped %ld reordered %ld duplicated %ld corrupted; %llu retransmitted, %llu window probes, %llu timeouts\n",
            (unsigned long long)seed, tso ? "tso" : "no-tso", cc ? cc : "cubic", bytes,
            (unsigned long long)now_ms, (unsigned long long)longest_gap, wstat.sent,
            wstat.dropped, wstat.reordered, wstat.duplicated, wstat.corrupted,
            (unsigned long long)(tcpstats.RetransSegs - retrans0),
            (unsigned long long)(tcpstats.TCPWinProbe - probes0),
            (unsigned long long)(tcpstats.TCPTimeouts - timeouts0));
    CHECK(ok);
    CHECK_EQ(a.rcvd, bytes);
    CHECK_EQ(b.rcvd, bytes);

    owned_candidates[0] = owned_candidates[1] = NULL;
    struct end *ends[2] = { &a, &b };
    for (int i = 0; i < 2; i++) {
        if (ends[i]->wout.asleep && !list_empty(&ends[i]->wout.e.node))
            finish_wait(&ends[i]->s->wq, &ends[i]->wout.e);
        if (ends[i]->win.asleep && !list_empty(&ends[i]->win.e.node))
            finish_wait(&ends[i]->s->wq, &ends[i]->win.e);
    }
    /* close both; the FIN exchange crosses the same wire */
    sock_release(cs);
    sock_release(as);
    sock_release(ls);
    for (int i = 0; i < 120000 && tcp_socks_count() != socks0; i++)
        step(dev);
    CHECK_EQ(tcp_socks_count(), socks0);
    tcp_tw_flush();
    tx_complete(true);
    while (nwire)
        free(wire[--nwire]);
    fake_netdev_clear(dev);
    ipstack_teardown(dev);
    CHECK_EQ(skbs_alive(), skbs0);
}

static void set_imp(unsigned loss, unsigned reorder, unsigned dup, unsigned corrupt)
{
    imp.loss = loss;
    imp.reorder = reorder;
    imp.dup = dup;
    imp.corrupt = corrupt;
}

TEST(chaos_clean_wire)
{
    set_imp(0, 0, 0, 0);
    chaos_run(1, 4 << 20, true, NULL);
}

/* The end-to-end test's profile: 3% loss, 5% reorder, 1% duplicate, 0.1% corrupt. */
TEST(chaos_impaired_tso)
{
    set_imp(30, 50, 10, 1);
    for (uint64_t seed = 1; seed <= 8; seed++)
        chaos_run(seed, 1 << 20, true, NULL);
}

TEST(chaos_impaired_no_tso)
{
    set_imp(30, 50, 10, 1);
    for (uint64_t seed = 11; seed <= 18; seed++)
        chaos_run(seed, 1 << 20, false, NULL);
}

/* A receiver that pauses: zero windows, window updates lost on the wire, persist probes. */
TEST(chaos_slow_reader)
{
    set_imp(30, 50, 10, 1);
    slow_reader = 2000;
    for (uint64_t seed = 31; seed <= 36; seed++)
        chaos_run(seed, 1 << 20, seed & 1, NULL);
    slow_reader = 0;
}

TEST(chaos_heavy_loss_reno)
{
    set_imp(100, 100, 20, 5);
    for (uint64_t seed = 21; seed <= 26; seed++)
        chaos_run(seed, 256 << 10, true, "reno");
}

/* An opt-in sweep for hunting: CHAOS_SWEEP=N runs N more seeds of each profile. */
TEST(chaos_sweep)
{
    const char *e = getenv("CHAOS_SWEEP");
    int n = e ? atoi(e) : 0;
    for (int i = 0; i < n && !unit_failed_checks; i++) {
        uint64_t seed = 1000 + (uint64_t)i;
        set_imp(30, 50, 10, 1);
        slow_reader = (i % 3 == 0) ? 1000 + (size_t)(i % 7) * 500 : 0;
        chaos_run(seed, (size_t)(256 + (i % 5) * 512) << 10, i & 1, (i % 4 == 3) ? "reno" : NULL);
        slow_reader = 0;
    }
}
