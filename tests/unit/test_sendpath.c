// SOURCES: net/socket.c net/sockopt.c net/ipv4/af_inet.c net/ipv4/udp.c net/ipv4/ip_output.c net/ipv4/ip_fragment.c net/ipv4/ip_input.c net/ipv4/icmp.c net/ipv4/route.c net/ipv4/devinet.c net/ipv4/ip_hdr.c net/ipv4/icmp_hdr.c net/ipv4/udp_hdr.c net/netfilter/core.c net/netfilter/nf_rules.c net/core/neighbour.c net/core/dev.c net/core/dev_xmit.c net/sched/sch_generic.c net/core/gso.c net/core/gro.c net/sched/sch_pfifo_fast.c net/core/checksum.c net/core/skbuff.c net/core/sock.c net/core/datagram.c net/core/stream.c net/kmsg.c kernel/file.c kernel/uaccess.c kernel/user/uvm.c kernel/time/timer.c kernel/cmdline.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_kernel.c kernel/sched/wait.c tests/unit/fake_softirq.c net/core/dev_registry.c tests/unit/fake_clock.c
/* tests/unit/test_sendpath.c - the send path across its layer boundaries with no fake in
 * between: socket(AF_INET, SOCK_DGRAM) and its options, udp_sendmsg, IP output, the
 * real neighbour cache, dev_queue_xmit and the real pfifo_fast qdisc, down to a recording
 * driver. The per-layer tests stub their neighbours; these check what the layers agree
 * on: the priority a socket option sets is the band the qdisc uses (IP_TOS through
 * rt_tos2priority, SO_PRIORITY directly), and a qdisc drop comes back to UDP as the
 * errno it expects (counted, not reported, as Linux). */
#include "tests/unit/unit.h"
#include "tests/unit/fake_softirq.h"
#include "tests/unit/fake_kernel.h"
#include "net/socket.h"
#include "net/ipv4/af_inet.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/udp.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/route.h"
#include "net/ipv4/inetdevice.h"
#include "net/core/neighbour.h"
#include "net/core/sock.h"
#include "net/sched/sch_generic.h"
#include "kernel/time.h"
#include "kernel/errno.h"

volatile uint64_t jiffies = 5000;
void panic(const char *fmt, ...) { (void)fmt; abort(); }

/* --- the driver: records what the qdisc hands it, in order --- */
#define LOG_MAX 64
static struct {
    int sent;
    uint32_t prio[LOG_MAX];
    unsigned band[LOG_MAX];
    uint8_t tag[LOG_MAX];       /* first payload byte */
    uint8_t tos[LOG_MAX];
} drv;

static netdev_tx_t rec_xmit(struct sk_buff *skb, struct net_device *dev)
{
    (void)dev;
    if (drv.sent < LOG_MAX) {
        drv.prio[drv.sent] = skb->priority;
        drv.band[drv.sent] = pfifo_fast_band(skb);
        drv.tos[drv.sent] = skb->data[ETH_HLEN + 1];
        drv.tag[drv.sent] = skb->data[ETH_HLEN + 20 + 8];
    }
    drv.sent++;
    consume_skb(skb);
    return NETDEV_TX_OK;
}
static const struct net_device_ops rec_ops = { .ndo_start_xmit = rec_xmit };

static uint32_t ipa(const char *s) { uint32_t a = 0; in_aton(s, &a); return a; }

static struct net_device *setup(void)
{
    static bool once;
    if (!once) {
        CHECK_EQ(inet_init(), 0);
        icmp_init();
        udp_init();
        once = true;
    }
    memset(&drv, 0, sizeof(drv));
    fake_softirq_reset();
    open_softirq(NET_TX_SOFTIRQ, net_tx_action);
    struct net_device *dev = alloc_etherdev(0, 1);
    dev->netdev_ops = &rec_ops;
    memcpy(dev->dev_addr, "\x02\0\0\0\0\x01", ETH_ALEN);
    CHECK_EQ(register_netdev(dev), 0);
    dev->up = dev->carrier = true;
    ip_route_flush_all();
    inet_addr_add(dev, ipa("198.18.0.1"), 24);
    CHECK_EQ(ip_route_add(0, 0, ipa("198.18.0.2"), NULL, 0, RTPROT_STATIC), 0);
    /* the gateway is resolved: the real neighbour entry, REACHABLE with its address */
    struct neighbour *n = __neigh_create(ipa("198.18.0.2"), dev);
    CHECK(n != NULL);
    if (n)
        neigh_update(n, (const uint8_t *)"\x02\0\0\0\0\x02", NUD_REACHABLE);
    return dev;
}

static void teardown(struct net_device *dev)
{
    fake_softirq_run(10);
    inet_addr_del(dev, ipa("198.18.0.1"));
    ip_route_flush_all();
    if (dev->ip_ptr)
        kfree(dev->ip_ptr);
    for (unsigned i = 0; i < dev->num_tx_queues; i++)
        qdisc_destroy(dev->tx_queue[i].qdisc);
    list_del_init(&dev->dev_list);
    kfree(dev);
}

static struct socket *udp_socket(void)
{
    struct socket *s = NULL;
    CHECK_EQ(sock_create(AF_INET, SOCK_DGRAM, IPPROTO_UDP, &s), 0);
    return s;
}

static long send_tagged(struct socket *s, uint8_t tag)
{
    uint8_t data[16];
    memset(data, tag, sizeof(data));
    struct iovec iov = { data, sizeof(data) };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, sizeof(data));
    m.has_name = true;
    m.name.sin_family = AF_INET;
    m.name.sin_addr.s_addr = ipa("198.18.1.9");
    m.name.sin_port = htons(9);
    m.flags = MSG_DONTWAIT;
    return s->ops->sendmsg(s, &m, sizeof(data));
}

/* as sys_setsockopt dispatches: SOL_SOCKET to the socket layer, the rest to the family */
static int setopt(struct socket *s, int level, int name, int v)
{
    if (level == SOL_SOCKET)
        return sock_setsockopt(s, name, &v, sizeof(v));
    return s->ops->setsockopt(s, level, name, &v, sizeof(v));
}

TEST(ip_tos_and_so_priority_pick_the_band_the_qdisc_uses)
{
    struct net_device *dev = setup();
    struct netdev_queue *txq = &dev->tx_queue[0];
    /* tag: IP_TOS (or SO_PRIORITY when tos < 0) -> expected priority, band */
    static const struct { uint8_t tag; int tos; int prio; uint32_t want_prio; unsigned band; } c[] = {
        { 1, 0x00, -1, TC_PRIO_BESTEFFORT, 1 },
        { 2, IPTOS_THROUGHPUT, -1, TC_PRIO_BULK, 2 },
        { 3, IPTOS_LOWDELAY, -1, TC_PRIO_INTERACTIVE, 0 },
        { 4, IPTOS_LOWDELAY | IPTOS_THROUGHPUT, -1, TC_PRIO_INTERACTIVE_BULK, 1 },
        { 5, IPTOS_RELIABILITY, -1, TC_PRIO_BESTEFFORT, 1 },
        { 6, IPTOS_LOWDELAY | 0x01 /* ECN bits ignored */, -1, TC_PRIO_INTERACTIVE, 0 },
        { 7, -1, 6, 6, 0 },
        { 8, -1, 2, 2, 2 },
        { 9, -1, 7, 7, 0 },
    };
    enum { N = sizeof(c) / sizeof(c[0]) };
    struct socket *s[N];
    netif_tx_stop_queue(txq);            /* everything waits in the qdisc's bands */
    for (int i = 0; i < N; i++) {
        s[i] = udp_socket();
        if (c[i].tos >= 0)
            CHECK_EQ(setopt(s[i], IPPROTO_IP, IP_TOS, c[i].tos), 0);
        else
            CHECK_EQ(setopt(s[i], SOL_SOCKET, SO_PRIORITY, c[i].prio), 0);
        int got = -1;
        socklen_t l = sizeof(got);
        CHECK_EQ(sock_getsockopt(s[i], SO_PRIORITY, &got, &l), 0);
        CHECK_EQ(got, c[i].want_prio);
        CHECK_EQ(send_tagged(s[i], c[i].tag), 16);
    }
    CHECK_EQ(drv.sent, 0);
    CHECK_EQ(qdisc_qlen(txq->qdisc), N);
    netif_tx_wake_queue(txq);
    fake_softirq_run(10);
    CHECK_EQ(drv.sent, N);
    /* band 0 first, then 1, then 2, each in the order sent */
    int k = 0;
    for (unsigned band = 0; band < 3; band++)
        for (int i = 0; i < N; i++) {
            if (c[i].band != band)
                continue;
            CHECK_EQ(drv.tag[k], c[i].tag);
            CHECK_EQ(drv.prio[k], c[i].want_prio);
            CHECK_EQ(drv.band[k], band);
            if (c[i].tos >= 0)
                CHECK_EQ(drv.tos[k], c[i].tos);     /* the header carries the TOS as set */
            k++;
        }
    for (int i = 0; i < N; i++)
        sock_release(s[i]);
    teardown(dev);
}

/* The datagram checks and the autobind happen once, in the socket layer (inet_sendmsg),
 * before UDP sees the message. */
TEST(datagram_send_checks_and_autobind_in_the_socket_layer)
{
    struct net_device *dev = setup();
    struct socket *s = udp_socket();
    uint8_t b[4] = { 0 };
    struct iovec iov = { b, sizeof(b) };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, sizeof(b));
    m.flags = MSG_DONTWAIT;
    CHECK_EQ(s->ops->sendmsg(s, &m, sizeof(b)), -EDESTADDRREQ);    /* no name, unconnected */
    CHECK(s->sk->inet_num != 0);                  /* autobound first, as Linux */
    uint16_t port = s->sk->inet_num;
    m.has_name = true;
    m.name.sin_family = AF_INET;
    m.name.sin_addr.s_addr = ipa("198.18.1.9");
    m.name.sin_port = 0;
    CHECK_EQ(s->ops->sendmsg(s, &m, sizeof(b)), -EINVAL);          /* port 0 */
    m.name.sin_port = htons(9);
    m.name.sin_family = 10;                                          /* AF_INET6 */
    CHECK_EQ(s->ops->sendmsg(s, &m, sizeof(b)), -EAFNOSUPPORT);
    m.name.sin_family = AF_UNSPEC;                                   /* taken as AF_INET */
    CHECK_EQ(s->ops->sendmsg(s, &m, sizeof(b)), 4);
    m.flags |= MSG_OOB;
    CHECK_EQ(s->ops->sendmsg(s, &m, sizeof(b)), -EOPNOTSUPP);
    m.flags = MSG_DONTWAIT;
    CHECK_EQ(s->ops->sendmsg(s, &m, 65536), -EMSGSIZE);
    CHECK_EQ(s->sk->inet_num, port);             /* bound once, kept */
    CHECK_EQ(drv.sent, 1);
    sock_release(s);
    teardown(dev);
}

TEST(qdisc_drop_reaches_udp_as_enobufs_counted_not_reported)
{
    struct net_device *dev = setup();
    struct netdev_queue *txq = &dev->tx_queue[0];
    txq->qdisc->limit = 2;
    netif_tx_stop_queue(txq);
    struct socket *s = udp_socket();
    uint64_t sndbuf_errors = udpstats.SndbufErrors, discards = ipstats.OutDiscards;
    uint64_t drops = txq->qdisc->qstats.drops;
    for (uint8_t i = 0; i < 5; i++)
        CHECK_EQ(send_tagged(s, i), 16);          /* Linux: no error without IP_RECVERR */
    CHECK_EQ(txq->qdisc->qstats.drops - drops, 3);
    CHECK_EQ(udpstats.SndbufErrors - sndbuf_errors, 3);
    CHECK_EQ(ipstats.OutDiscards - discards, 3);
    netif_tx_wake_queue(txq);
    fake_softirq_run(10);
    CHECK_EQ(drv.sent, 2);
    sock_release(s);
    teardown(dev);
}
