/* drivers/net/loopback_ktest.c - in-kernel tests of lo (suite "loopback"):
 *   - lo is up with 127.0.0.1/8; 127/8 and the NIC's own address route through it
 *     (RTCF_LOCAL, MTU 65536);
 *   - UDP between two sockets over 127.0.0.1 and over the NIC's address, datagrams of
 *     1 to 65507 bytes arriving intact from the right source, none fragmented (lo's MTU
 *     holds the largest IPv4 datagram);
 *   - ping 127.0.0.1 and the NIC's address; a closed port on 127.0.0.1 answers with
 *     ICMP port unreachable (ECONNREFUSED on a connected socket, as on Linux);
 *   - lo's counters move with the traffic and no skb is left behind;
 *   - a figure (printed, never judged): UDP datagrams per second through lo.
 * The NIC's address is the one ip= gave, else 10.0.2.15/24 added for the test. */
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "net/core/netdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/udp.h"
#include "net/ipv4/route.h"
#include "net/ipv4/inetdevice.h"
#include "net/socket.h"

#define LO_ADDR htonl(0x7f000001u)
#define NIC_DEFAULT htonl(0x0a00020fu)      /* 10.0.2.15 */

static bool added_nic_addr;

/* The NIC's address, adding the default one when the boot configured none. */
static uint32_t nic_addr(void)
{
    struct net_device *dev = first_net_device();
    if (!dev)
        return 0;
    uint32_t a = inet_dev_primary_addr(dev);
    if (!a && inet_addr_add(dev, NIC_DEFAULT, 24) == 0) {
        added_nic_addr = true;
        a = NIC_DEFAULT;
    }
    return a;
}

static void nic_addr_done(void)
{
    if (added_nic_addr)
        inet_addr_del(first_net_device(), NIC_DEFAULT);
    added_nic_addr = false;
}

static uint64_t skbs_alive(void)
{
    struct skb_stats s;
    skb_get_stats(&s);
    return s.alive;
}

static struct socket *udp_bound(uint32_t addr, uint16_t port)
{
    struct socket *sock;
    if (sock_create(AF_INET, SOCK_DGRAM, IPPROTO_UDP, &sock) < 0)
        return NULL;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = addr };
    if (sock->ops->bind(sock, &a) < 0) {
        sock_release(sock);
        return NULL;
    }
    sock->sk->sk_rcvtimeo = NSEC_PER_SEC;
    return sock;
}

static long send_to(struct socket *sock, uint32_t daddr, uint16_t port, const void *buf, size_t len)
{
    struct iovec iov = { (void *)buf, len };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, len);
    m.has_name = true;
    m.name.sin_family = AF_INET;
    m.name.sin_addr.s_addr = daddr;
    m.name.sin_port = htons(port);
    return sock_sendmsg(sock, &m);
}

static long recv_from(struct socket *sock, void *buf, size_t len, struct sockaddr_in *from)
{
    struct iovec iov = { buf, len };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, len);
    long r = sock_recvmsg(sock, &m, 0);
    if (from)
        *from = m.name;
    return r;
}

static bool settle(uint64_t before)
{
    for (int i = 0; i < 200 && skbs_alive() > before; i++)
        msleep(10);
    return skbs_alive() <= before;
}

KTEST(loopback, lo_up_and_local_routes)
{
    struct net_device *lo = loopback_dev;
    KT_ASSERT(lo && lo->up && netif_carrier_ok(lo));
    KT_ASSERT(lo->flags & IFF_LOOPBACK);
    KT_ASSERT(inet_addr_is_local(lo, LO_ADDR));
    uint32_t own = nic_addr();
    KT_ASSERT(own);
    const uint32_t dsts[] = { LO_ADDR, htonl(0x7f0a0b0cu), own };
    for (unsigned i = 0; i < ARRAY_SIZE(dsts); i++) {
        struct flowi4 fl;
        int err;
        struct rtable *rt = ip_route_output_ports(&fl, dsts[i], 0, 0, 0, IPPROTO_UDP, 0, 0, &err);
        KT_ASSERT_MSG(rt, "no route to destination %u: %d", i, err);
        KT_EXPECT_EQ(rt->dev == lo, 1);
        KT_EXPECT_EQ(!!(rt->rt_flags & RTCF_LOCAL), 1);
        KT_EXPECT_EQ(rt->mtu, 65536);
        KT_EXPECT_EQ(fl.saddr, i == 2 ? own : LO_ADDR);
        ip_rt_put(rt);
    }
    route_dump();
    nic_addr_done();
}

/* Datagrams of sizes from 1 to 65507 from one socket to another through daddr. */
static void udp_sizes(struct ktest *t, uint32_t daddr, uint16_t port)
{
    static uint8_t out[65507], in[65536];
    for (unsigned i = 0; i < sizeof(out); i++)
        out[i] = (uint8_t)(i * 7 + 3);
    uint64_t before = skbs_alive();
    struct socket *rx = udp_bound(daddr, port), *tx = udp_bound(0, 0);
    KT_ASSERT(rx && tx);
    struct ipstats_mib s0 = ipstats;
    struct rtnl_link_stats64 l0, l1;
    loopback_dev->netdev_ops->ndo_get_stats64(loopback_dev, &l0);
    const unsigned sizes[] = { 1, 2, 100, 1472, 1473, 1500, 8000, 16384, 65000, 65507 };
    for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
        long r = send_to(tx, daddr, port, out, sizes[i]);
        if (r != (long)sizes[i]) {
            ktest_fail(t, __FILE__, __LINE__, "send of %u bytes: %ld", sizes[i], r);
            break;
        }
        struct sockaddr_in from;
        r = recv_from(rx, in, sizeof(in), &from);
        if (r != (long)sizes[i] || memcmp(in, out, sizes[i]) != 0) {
            ktest_fail(t, __FILE__, __LINE__, "datagram of %u bytes came back as %ld", sizes[i], r);
            break;
        }
        KT_EXPECT_EQ(from.sin_addr.s_addr, daddr);
        KT_EXPECT_EQ(from.sin_port, tx->sk->inet_sport);
    }
    /* one IPv4 datagram is at most 65535 bytes: lo never fragments */
    KT_EXPECT_EQ(ipstats.FragCreates - s0.FragCreates, 0);
    KT_EXPECT_EQ(ipstats.ReasmReqds - s0.ReasmReqds, 0);
    loopback_dev->netdev_ops->ndo_get_stats64(loopback_dev, &l1);
    KT_EXPECT_EQ(l1.rx_packets - l0.rx_packets, ARRAY_SIZE(sizes));
    KT_EXPECT_EQ(l1.rx_dropped - l0.rx_dropped, 0);
    /* too big for IPv4 at all */
    KT_EXPECT_EQ(send_to(tx, daddr, port, out, 65508), -EMSGSIZE);
    sock_release(tx);
    sock_release(rx);
    KT_ASSERT_MSG(settle(before), "%llu skbs alive, %llu before",
                  (unsigned long long)skbs_alive(), (unsigned long long)before);
}

KTEST(loopback, udp_over_127_0_0_1)
{
    udp_sizes(t, LO_ADDR, 5301);
}

KTEST(loopback, udp_over_own_address)
{
    uint32_t own = nic_addr();
    KT_ASSERT(own);
    struct rtnl_link_stats64 n0, n1;
    struct net_device *nic = first_net_device();
    nic->netdev_ops->ndo_get_stats64(nic, &n0);
    udp_sizes(t, own, 5302);
    nic->netdev_ops->ndo_get_stats64(nic, &n1);
    /* nothing of it went out on the wire */
    KT_EXPECT_EQ(n1.tx_packets - n0.tx_packets, 0);
    nic_addr_done();
}

KTEST(loopback, ping_127_0_0_1_and_own_address)
{
    uint32_t own = nic_addr();
    KT_ASSERT(own);
    uint64_t before = skbs_alive();
    int64_t rtt = icmp_ping(LO_ADDR, 0x6c6f, 1, 56, NSEC_PER_SEC);
    KT_ASSERT_MSG(rtt > 0, "ping 127.0.0.1: %lld", (long long)rtt);
    printk("loopback: ping 127.0.0.1: rtt %llu us\n", (unsigned long long)(rtt / 1000));
    rtt = icmp_ping(LO_ADDR, 0x6c6f, 2, 60000, NSEC_PER_SEC);
    KT_ASSERT_MSG(rtt > 0, "ping -s 60000 127.0.0.1: %lld", (long long)rtt);
    rtt = icmp_ping(own, 0x6c6f, 3, 56, NSEC_PER_SEC);
    KT_ASSERT_MSG(rtt > 0, "ping own address: %lld", (long long)rtt);
    nic_addr_done();
    KT_ASSERT(settle(before));
}

KTEST(loopback, closed_port_refused)
{
    uint64_t before = skbs_alive();
    struct socket *sock = udp_bound(0, 0);
    KT_ASSERT(sock);
    struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(9), .sin_addr.s_addr = LO_ADDR };
    KT_ASSERT(sock->ops->connect(sock, &peer, 0) == 0);
    struct iovec iov = { "x", 1 };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, 1);
    KT_EXPECT_EQ(sock_sendmsg(sock, &m), 1);
    char b[4];
    KT_EXPECT_EQ(recv_from(sock, b, sizeof(b), NULL), -ECONNREFUSED);
    sock_release(sock);
    KT_ASSERT(settle(before));
}

/* The figure: 1472-byte datagrams through lo, sender and receiver in this task. */
KTEST(loopback, udp_rate_figure)
{
    enum { N = 4000, BATCH = 16, LEN = 1472 };
    static uint8_t buf[LEN];
    uint64_t before = skbs_alive();
    struct socket *rx = udp_bound(LO_ADDR, 5303), *tx = udp_bound(0, 0);
    KT_ASSERT(rx && tx);
    uint64_t t0 = ktime_get_ns();
    long got = 0, sent = 0;
    while (sent < N) {
        for (int i = 0; i < BATCH; i++)
            if (send_to(tx, LO_ADDR, 5303, buf, LEN) == LEN)
                sent++;
        for (int i = 0; i < BATCH && got < sent; i++)
            if (recv_from(rx, buf, LEN, NULL) == LEN)
                got++;
    }
    uint64_t ns = ktime_get_ns() - t0;
    KT_EXPECT_EQ(got, N);
    printk("loopback: %ld UDP datagrams of %d bytes sent and received through lo in %llu us:"
           " %llu datagrams/s, %llu Mbit/s\n", got, LEN, (unsigned long long)(ns / 1000),
           (unsigned long long)(ns ? (uint64_t)got * NSEC_PER_SEC / ns : 0),
           (unsigned long long)(ns ? (uint64_t)got * LEN * 8 * 1000 / ns : 0));
    loopback_dev->netdev_ops->ndo_dump_stats(loopback_dev);
    sock_release(tx);
    sock_release(rx);
    KT_ASSERT(settle(before));
}
