/* net/core/neighbour_ktest.c - in-kernel tests of the neighbour cache, ARP and the
 * transmit path on the real NIC under QEMU user networking (suites "neigh" and
 * "qdisc"): the gateway 10.0.2.2 resolved by a real ARP exchange with the waiting
 * packet sent after it, an address nobody answers for failing after three requests,
 * and a burst larger than the TX ring going through pfifo_fast with the driver
 * stopping and waking the queue and NET_TX finishing the job. */
#include "net/core/neighbour.h"
#include "net/core/dev_xmit.h"
#include "net/sched/sch_generic.h"
#include "net/ipv4/arp.h"
#include "net/ipv4/inetdevice.h"
#include "net/core/checksum.h"
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/softirq.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

#define IP(a, b, c, d) htonl((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define GW       IP(10, 0, 2, 2)
#define OUR_IP   IP(10, 0, 2, 15)
#define NOBODY   IP(10, 0, 2, 77)    /* slirp answers ARP only for its own addresses */
static const uint8_t slirp_mac[ETH_ALEN] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

static bool added_addr;     /* we configured OUR_IP: take it away again afterwards */

static uint64_t skbs_alive(void)
{
    struct skb_stats s;
    skb_get_stats(&s);
    return s.alive;
}

/* The NIC, up with link, and our address on it. */
/* Every buffer back (TX completion frees what was sent), or the case fails saying how
 * many are still out. */
#define KT_ASSERT_BUFFERS_BACK(alive)                                                    \
    KT_ASSERT_MSG(KT_WAIT_FOR(skbs_alive() == (alive), 2000), "%llu buffers still alive", \
                  (unsigned long long)(skbs_alive() - (alive)))

static struct net_device *kt_dev(void)
{
    struct net_device *dev = first_net_device();
    if (!dev)
        return NULL;
    for (int i = 0; i < 500 && !netif_carrier_ok(dev); i++)
        msleep(10);
    if (!netif_carrier_ok(dev) || !dev->up)
        return NULL;
    if (!inet_addr_is_local(dev, OUR_IP))
        added_addr = inet_addr_add(dev, OUR_IP, 24) == 0;
    return dev;
}

/* Leave the interface as we found it for the suites that run after us. */
static void kt_done(struct net_device *dev)
{
    if (added_addr)
        inet_addr_del(dev, OUR_IP);
    added_addr = false;
}

/* An ICMP echo request to dst, as the IP layer would hand it to the neighbour. */
static struct sk_buff *echo_request(struct net_device *dev, uint32_t dst, uint16_t seq)
{
    struct sk_buff *skb = netdev_alloc_skb(dev, 20 + 8 + 32);
    if (!skb)
        return NULL;
    uint8_t *ip = skb_put(skb, 20 + 8 + 32);
    memset(ip, 0, 60);
    ip[0] = 0x45;
    ip[3] = 60;
    ip[8] = 64;
    ip[9] = 1;
    uint32_t src = OUR_IP;
    memcpy(ip + 12, &src, 4);
    memcpy(ip + 16, &dst, 4);
    __sum16 c = ip_fast_csum(ip, 5);
    memcpy(ip + 10, &c, 2);
    uint8_t *icmp = ip + 20;
    icmp[0] = 8;
    icmp[4] = 0x77;
    icmp[7] = (uint8_t)seq;
    for (int i = 0; i < 32; i++)
        icmp[8 + i] = (uint8_t)('a' + i % 26);
    c = ip_compute_csum(icmp, 40);
    memcpy(icmp + 2, &c, 2);
    skb_reset_network_header(skb);
    skb->protocol = ETH_P_IP;
    return skb;
}

static int send_via_neigh(struct net_device *dev, uint32_t nexthop, struct sk_buff *skb,
                          uint8_t *state_after)
{
    local_bh_disable();
    struct neighbour *n = __ipv4_neigh_lookup_noref(dev, nexthop);
    if (!n)
        n = __neigh_create(nexthop, dev);
    int rc = n ? neigh_output(n, skb) : (kfree_skb(skb), -ENOBUFS);
    if (n && state_after)
        *state_after = n->nud_state;
    local_bh_enable();
    return rc;
}

KTEST(neigh, resolve_gateway_by_arp)
{
    struct net_device *dev = kt_dev();
    KT_ASSERT_MSG(dev, "no NIC with link");
    neigh_ifdown(dev);                         /* start from an empty cache */
    uint64_t alive = skbs_alive();
    struct arp_stats a0;
    arp_get_stats(&a0);
    uint8_t st = 0;
    KT_EXPECT_EQ(send_via_neigh(dev, GW, echo_request(dev, GW, 1), &st), 0);
    KT_EXPECT_EQ(st, NUD_INCOMPLETE);          /* the packet waits, a request went out */
    struct neighbour *n = neigh_lookup(dev, GW);
    KT_ASSERT(n);
    for (int i = 0; i < 500 && !(READ_ONCE(n->nud_state) & NUD_VALID); i++)
        msleep(10);
    uint8_t state = n->nud_state;
    bool same_mac = memcmp(n->ha, slirp_mac, ETH_ALEN) == 0;
    uint64_t sent = n->tx_packets;
    neigh_release(n);
    KT_ASSERT_MSG(state & NUD_VALID, "10.0.2.2 not resolved within 5 s (state %s)",
                  neigh_state_name(state));
    KT_ASSERT_MSG(same_mac, "gateway MAC is not slirp's 52:55:0a:00:02:02");
    /* a reply to our address confirms reachability */
    KT_EXPECT_EQ(state, NUD_REACHABLE);
    KT_EXPECT_EQ(sent, 1);                     /* the waiting echo request left */
    struct arp_stats a1;
    arp_get_stats(&a1);
    KT_ASSERT(a1.tx_requests > a0.tx_requests);
    KT_ASSERT(a1.rx_replies > a0.rx_replies);
    /* resolved: the next packet goes straight out through the cached header */
    struct neigh_stats s0, s1;
    neigh_get_stats(&s0);
    KT_EXPECT_EQ(send_via_neigh(dev, GW, echo_request(dev, GW, 2), &st), 0);
    neigh_get_stats(&s1);
    KT_EXPECT_EQ(s1.hh_output, s0.hh_output + 1);
    /* TX completion frees the buffers */
    KT_ASSERT_BUFFERS_BACK(alive);
    neigh_dump();
    kt_done(dev);
}

KTEST(neigh, unanswered_address_fails_after_three_requests)
{
    struct net_device *dev = kt_dev();
    KT_ASSERT_MSG(dev, "no NIC with link");
    uint64_t alive = skbs_alive();
    struct arp_stats a0;
    arp_get_stats(&a0);
    KT_EXPECT_EQ(send_via_neigh(dev, NOBODY, echo_request(dev, NOBODY, 1), NULL), 0);
    KT_EXPECT_EQ(send_via_neigh(dev, NOBODY, echo_request(dev, NOBODY, 2), NULL), 0);
    struct neighbour *n = neigh_lookup(dev, NOBODY);
    KT_ASSERT(n);
    for (int i = 0; i < 600 && READ_ONCE(n->nud_state) != NUD_FAILED; i++)
        msleep(10);
    uint8_t state = n->nud_state;
    uint64_t drops = n->queue_drops;
    bool empty = skb_queue_empty(&n->arp_queue);
    neigh_release(n);
    KT_ASSERT_MSG(state == NUD_FAILED, "state %s after 6 s", neigh_state_name(state));
    KT_EXPECT_EQ(drops, 2);
    KT_ASSERT(empty);
    struct arp_stats a1;
    arp_get_stats(&a1);
    KT_EXPECT_EQ(a1.tx_requests - a0.tx_requests, NEIGH_MCAST_PROBES);
    /* and the sender of the next packet is told at once */
    KT_EXPECT_EQ(send_via_neigh(dev, NOBODY, echo_request(dev, NOBODY, 3), NULL), -EHOSTUNREACH);
    KT_ASSERT_BUFFERS_BACK(alive);
    kt_done(dev);
}

/* --- qdisc on the real driver --- */

#define BURST 700

static struct sk_buff *raw_frame(struct net_device *dev, uint32_t seq)
{
    struct sk_buff *skb = netdev_alloc_skb(dev, ETH_ZLEN);
    if (!skb)
        return NULL;
    uint8_t *p = skb_put(skb, ETH_ZLEN);
    memset(p, 0, ETH_ZLEN);
    memset(p, 0xff, ETH_ALEN);
    memcpy(p + 6, dev->dev_addr, ETH_ALEN);
    p[12] = 0x88;                               /* local experimental ethertype: */
    p[13] = 0xb5;                               /* slirp ignores it */
    memcpy(p + 14, &seq, 4);
    skb->dev = dev;
    return skb;
}

KTEST(qdisc, burst_beyond_ring_stops_wakes_and_drains)
{
    struct net_device *dev = kt_dev();
    KT_ASSERT_MSG(dev, "no NIC with link");
    struct netdev_queue *txq = netdev_get_tx_queue(dev, 0);
    struct Qdisc *q = txq->qdisc;
    KT_ASSERT(q && strcmp(q->ops->id, "pfifo_fast") == 0);
    KT_ASSERT(dev->real_num_tx_queues == 1 || dev->num_tx_queues >= 1);
    uint64_t alive = skbs_alive();
    uint64_t pk0 = 0, drops0 = 0, stops0 = 0, wakes0 = 0;
    for (unsigned i = 0; i < dev->num_tx_queues; i++) {
        struct Qdisc *qi = dev->tx_queue[i].qdisc;
        pk0 += qi->bstats.packets;
        drops0 += qi->qstats.drops;
        stops0 += dev->tx_queue[i].stops;
        wakes0 += dev->tx_queue[i].wakes;
    }
    uint64_t tx0 = softirq_count(NET_TX_SOFTIRQ);
    /* one bottom-half-off section: completions cannot be cleaned meanwhile, so the ring
     * fills, the driver stops the queue and the qdisc holds the rest */
    int rcs = 0;
    local_bh_disable();
    for (uint32_t i = 0; i < BURST; i++)
        rcs |= dev_queue_xmit(raw_frame(dev, i));
    uint32_t held = 0;
    for (unsigned i = 0; i < dev->num_tx_queues; i++)
        held += qdisc_qlen(dev->tx_queue[i].qdisc);
    local_bh_enable();
    KT_EXPECT_EQ(rcs, NET_XMIT_SUCCESS);
    KT_ASSERT_MSG(held > 0, "the ring took all %d frames; nothing was queued", BURST);
    /* completions wake the queue; NET_TX sends the rest */
    uint64_t pk = 0;
    for (int t = 0; t < 500; t++) {
        pk = 0;
        for (unsigned i = 0; i < dev->num_tx_queues; i++)
            pk += dev->tx_queue[i].qdisc->bstats.packets;
        if (pk - pk0 >= BURST)
            break;
        msleep(10);
    }
    uint64_t drops = 0, stops = 0, wakes = 0;
    uint32_t left = 0;
    for (unsigned i = 0; i < dev->num_tx_queues; i++) {
        drops += dev->tx_queue[i].qdisc->qstats.drops;
        left += qdisc_qlen(dev->tx_queue[i].qdisc);
        stops += dev->tx_queue[i].stops;
        wakes += dev->tx_queue[i].wakes;
    }
    printk("qdisc: burst of %d: %u held by the qdisc at the end of the burst, queue stopped"
           " %llu woken %llu times, NET_TX ran %llu times\n", BURST, held,
           (unsigned long long)(stops - stops0), (unsigned long long)(wakes - wakes0),
           (unsigned long long)(softirq_count(NET_TX_SOFTIRQ) - tx0));
    qdisc_dump(dev);
    KT_EXPECT_EQ(pk - pk0, BURST);
    KT_EXPECT_EQ(left, 0);
    KT_EXPECT_EQ(drops, drops0);
    KT_ASSERT(stops > stops0 && wakes > wakes0);
    KT_ASSERT(softirq_count(NET_TX_SOFTIRQ) > tx0);
    KT_ASSERT_BUFFERS_BACK(alive);
    kt_done(dev);
}
