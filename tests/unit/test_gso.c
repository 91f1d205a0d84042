// SOURCES: net/core/gso.c net/core/gro.c net/ipv4/tcp_offload.c net/core/dev_xmit.c net/sched/sch_generic.c net/sched/sch_pfifo_fast.c net/core/dev.c net/core/skbuff.c net/core/checksum.c kernel/cmdline.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_softirq.c net/core/dev_registry.c tests/unit/fake_clock.c
/* tests/unit/test_gso.c - software segmentation under the real qdisc and device layer
 * (net/core/gso.h): a TCP/IPv4 packet of several MSS, its payload in page fragments as
 * tcp_sendmsg builds it, handed to dev_queue_xmit for a device without TSO, must reach
 * the driver as wire-sized segments whose headers are each right (sequence numbers, the
 * flags of the first/last segment only, IPv4 length, consecutive ids, both checksums in
 * software or left to the NIC), whose payloads put back together are the original
 * bytes, with xmit_more on all but the last; the packet itself must live until its last
 * segment is freed; a driver that fills up mid-packet gets the rest, in order, when it
 * wakes; a device with TSO gets the packet whole; and nothing leaks. */
#include "tests/unit/unit.h"
#include "tests/unit/fake_softirq.h"
#include "net/core/gso.h"
#include "net/core/dev_xmit.h"
#include "net/core/checksum.h"
#include "net/sched/sch_generic.h"
#include "net/ipv4/ip_hdr.h"
#include "net/ipv4/tcp_hdr.h"
#include "kernel/time.h"
#include "kernel/init.h"
/* compiled in so that its initcall can be called: the hosted build runs none */
#include "net/ipv4/ip_offload.c"

volatile uint64_t jiffies;
void panic(const char *fmt, ...) { (void)fmt; abort(); }

#define HDRS   (ETH_HLEN + 20 + 32)     /* Ethernet, IPv4, TCP with 12 bytes of options */
#define MSS    1448
#define PAYLOAD (5 * MSS + 100)         /* five full segments and a short one */

/* --- the fake driver: keeps every segment it accepts, records xmit_more --- */
#define MAXSEG 64
static struct {
    int budget;                  /* segments accepted before BUSY (stopping the queue); <0 = all */
    int n;
    struct sk_buff *seg[MAXSEG];
    bool more[MAXSEG];
} drv;

static netdev_tx_t fake_xmit(struct sk_buff *skb, struct net_device *dev)
{
    if (drv.budget == 0) {
        netif_tx_stop_queue(netdev_get_tx_queue(dev, skb->queue_mapping));
        return NETDEV_TX_BUSY;
    }
    if (drv.budget > 0)
        drv.budget--;
    CHECK(drv.n < MAXSEG);
    drv.more[drv.n] = netdev_get_tx_queue(dev, skb->queue_mapping)->xmit_more;
    drv.seg[drv.n++] = skb;      /* "in the ring" until the test frees it */
    return NETDEV_TX_OK;
}
static const struct net_device_ops fake_ops = { .ndo_start_xmit = fake_xmit };

static struct skb_stats st(void) { struct skb_stats s; skb_get_stats(&s); return s; }
static uint64_t alive0;
static uint8_t bytes[PAYLOAD];
static bool parent_freed;

static struct net_device *make_dev(uint32_t features)
{
    static bool offloads;
    if (!offloads) {
        ipv4_offload_init();
        offloads = true;
    }
    alive0 = st().alive;
    memset(&drv, 0, sizeof(drv));
    drv.budget = -1;
    parent_freed = false;
    fake_softirq_reset();
    open_softirq(NET_TX_SOFTIRQ, net_tx_action);
    struct net_device *dev = alloc_etherdev(0, 1);
    dev->netdev_ops = &fake_ops;
    CHECK_EQ(register_netdev(dev), 0);
    CHECK(dev->features & NETIF_F_GSO);  /* every device gets it */
    dev->features |= features;
    dev->up = true;
    return dev;
}

static void free_dev(struct net_device *dev)
{
    qdisc_destroy(dev->tx_queue[0].qdisc);
    list_del_init(&dev->dev_list);
    kfree(dev);
    CHECK_EQ(st().alive, alive0);
}

static void parent_destructor(struct sk_buff *skb) { (void)skb; parent_freed = true; }

/* A TCP GSO packet as TCP hands it down: headers linear, payload in page fragments
 * (three pages, one fragment starting mid-page), PSH|FIN|CWR set, gso_size MSS. */
static struct sk_buff *gso_packet(struct net_device *dev)
{
    for (unsigned i = 0; i < PAYLOAD; i++)
        bytes[i] = (uint8_t)(i * 7 + (i >> 8));
    struct sk_buff *skb = alloc_skb(NET_SKB_PAD + HDRS);
    skb_reserve(skb, NET_SKB_PAD);
    uint8_t *h = skb_put(skb, HDRS);
    memset(h, 0, HDRS);
    memset(h, 0x02, 12);
    h[12] = 0x08;
    struct iphdr *iph = (struct iphdr *)(h + ETH_HLEN);
    iph->version = 4; iph->ihl = 5; iph->ttl = 64; iph->protocol = 6;
    iph->tot_len = htons((uint16_t)(20 + 32 + PAYLOAD));
    iph->id = htons(0xfffe);             /* wraps within the packet */
    iph->saddr = htonl(0x0a00020f); iph->daddr = htonl(0x0a000202);
    struct tcphdr *th = (struct tcphdr *)(iph + 1);
    th->source = htons(5001); th->dest = htons(40000);
    th->seq = htonl(0xfffff000u);        /* wraps too */
    th->ack_seq = htonl(77);
    th->doff_res = 8 << 4;
    th->flags = TCPHDR_ACK | TCPHDR_PSH | TCPHDR_FIN | TCPHDR_CWR;
    th->window = htons(1000);
    memset(th + 1, 1, 12);               /* options: NOPs */
    /* three pages: [0, 3000) of one, 3900 bytes from offset 100 of the next, the rest */
    const unsigned piece_off[3] = { 0, 100, 0 }, piece_len[3] = { 3000, 3900, PAYLOAD - 6900 };
    for (unsigned k = 0, at = 0; k < 3; at += piece_len[k], k++) {
        phys_addr_t pg = alloc_page();
        memcpy((uint8_t *)phys_to_virt(pg) + piece_off[k], bytes + at, piece_len[k]);
        CHECK(skb_frag_append(skb, pg, piece_off[k], piece_len[k]));
        put_page(pg);                    /* the skb holds its own reference */
    }
    skb->dev = dev;
    skb->protocol = ETH_P_IP;
    skb_reset_mac_header(skb);
    skb_set_network_header(skb, ETH_HLEN);
    skb_set_transport_header(skb, ETH_HLEN + 20);
    skb->ip_summed = CHECKSUM_PARTIAL;
    skb_shinfo(skb)->gso_size = MSS;
    skb_shinfo(skb)->gso_segs = (PAYLOAD + MSS - 1) / MSS;
    skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
    skb->destructor = parent_destructor;
    return skb;
}

/* Segment i as it must be on the wire. */
static void check_segment(const struct sk_buff *seg, unsigned i, unsigned nseg, bool hw_csum)
{
    unsigned len = i + 1 < nseg ? MSS : PAYLOAD - i * MSS;
    CHECK_EQ(seg->len, HDRS + len);
    uint8_t frame[HDRS + MSS];
    CHECK_EQ(skb_copy_bits(seg, 0, frame, seg->len), 0);
    const struct iphdr *iph = (const struct iphdr *)(frame + ETH_HLEN);
    const struct tcphdr *th = (const struct tcphdr *)(iph + 1);
    CHECK_EQ(ntohs(iph->tot_len), 20 + 32 + len);
    CHECK_EQ(ntohs(iph->id), (uint16_t)(0xfffe + i));
    CHECK_EQ(ip_fast_csum(iph, 5), 0);
    CHECK_EQ(ntohl(th->seq), 0xfffff000u + i * MSS);
    CHECK_EQ(ntohl(th->ack_seq), 77);
    uint8_t want = TCPHDR_ACK | (i == 0 ? TCPHDR_CWR : 0) |
                   (i + 1 == nseg ? TCPHDR_PSH | TCPHDR_FIN : 0);
    CHECK_EQ(th->flags, want);
    CHECK_EQ(memcmp(frame + HDRS, bytes + i * MSS, len), 0);
    unsigned tcplen = 32 + len;
    if (hw_csum) {
        CHECK_EQ(seg->ip_summed, CHECKSUM_PARTIAL);
        CHECK_EQ(seg->csum_start, (uint16_t)(skb_transport_header(seg) - seg->head));
        CHECK_EQ(seg->csum_offset, 16);
        /* the NIC sums from csum_start over a field seeded with the pseudo-header sum */
        __sum16 pseudo = (uint16_t)~csum_tcpudp_magic(iph->saddr, iph->daddr, tcplen, 6, 0);
        CHECK_EQ(th->check, pseudo);
    } else {
        CHECK_EQ(seg->ip_summed, CHECKSUM_NONE);
        CHECK_EQ(csum_tcpudp_magic(iph->saddr, iph->daddr, tcplen, 6, csum_partial(th, tcplen, 0)), 0);
    }
}

static void free_segments(int from)
{
    for (int i = from; i < drv.n; i++)
        consume_skb(drv.seg[i]);
}

static void run(uint32_t features, bool hw_csum)
{
    struct net_device *dev = make_dev(features);
    struct gso_stats g0, g1;
    gso_get_stats(&g0);
    CHECK_EQ(dev_queue_xmit(gso_packet(dev)), NET_XMIT_SUCCESS);
    unsigned nseg = (PAYLOAD + MSS - 1) / MSS;
    CHECK_EQ(drv.n, (int)nseg);
    for (unsigned i = 0; i < nseg; i++) {
        check_segment(drv.seg[i], i, nseg, hw_csum);
        CHECK_EQ(drv.more[i], i + 1 < nseg);        /* one doorbell, at the last */
        CHECK_EQ(skb_is_nonlinear(drv.seg[i]), (features & NETIF_F_SG) != 0);
    }
    gso_get_stats(&g1);
    CHECK_EQ(g1.packets - g0.packets, 1);
    CHECK_EQ(g1.segs - g0.segs, nseg);
    CHECK_EQ(dev->tx_queue[0].qdisc->bstats.packets, nseg);
    /* the packet (its owner's write memory) lives while any segment is in the ring */
    for (int i = 0; i < drv.n - 1; i++)
        consume_skb(drv.seg[i]);
    CHECK(!parent_freed);
    consume_skb(drv.seg[drv.n - 1]);
    CHECK(parent_freed);
    free_dev(dev);
}

TEST(segments_shared_pages_hw_checksum) { run(NETIF_F_SG | NETIF_F_IP_CSUM, true); }
TEST(segments_shared_pages_sw_checksum) { run(NETIF_F_SG, false); }
TEST(segments_copied_without_sg) { run(0, false); }

/* The driver takes two segments, then stops its queue: the other four wait in the
 * qdisc, first in line, and go out in order when the queue wakes. */
TEST(driver_full_midway_keeps_the_rest_in_order)
{
    struct net_device *dev = make_dev(NETIF_F_SG | NETIF_F_IP_CSUM);
    drv.budget = 2;
    CHECK_EQ(dev_queue_xmit(gso_packet(dev)), NET_XMIT_SUCCESS);
    CHECK_EQ(drv.n, 2);
    struct Qdisc *q = dev->tx_queue[0].qdisc;
    CHECK_EQ(qdisc_qlen(q), 4);
    drv.budget = -1;
    netif_tx_wake_queue(netdev_get_tx_queue(dev, 0));
    fake_softirq_run(10);
    CHECK_EQ(drv.n, 6);
    CHECK_EQ(qdisc_qlen(q), 0);
    for (unsigned i = 0; i < 6; i++)
        check_segment(drv.seg[i], i, 6, true);
    free_segments(0);
    CHECK(parent_freed);
    free_dev(dev);
}

/* Dropped while waiting (device reset): the segments the qdisc held go, the last of
 * them with the packet they came from, while the one in the ring stays valid. */
TEST(reset_with_segments_waiting_frees_everything)
{
    struct net_device *dev = make_dev(NETIF_F_SG | NETIF_F_IP_CSUM);
    drv.budget = 1;
    CHECK_EQ(dev_queue_xmit(gso_packet(dev)), NET_XMIT_SUCCESS);
    CHECK_EQ(drv.n, 1);
    qdisc_reset(dev->tx_queue[0].qdisc);
    CHECK(parent_freed);
    check_segment(drv.seg[0], 0, 6, true);   /* its pages are its own references */
    free_segments(0);
    free_dev(dev);
}

/* A device with TSO gets the packet whole. */
TEST(tso_device_gets_the_packet_whole)
{
    struct net_device *dev = make_dev(NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_TSO);
    CHECK_EQ(dev_queue_xmit(gso_packet(dev)), NET_XMIT_SUCCESS);
    CHECK_EQ(drv.n, 1);
    CHECK_EQ(drv.seg[0]->len, HDRS + PAYLOAD);
    free_segments(0);
    CHECK(parent_freed);
    free_dev(dev);
}

/* A malformed packet (TCP header beyond the linear area) is dropped and counted. */
TEST(unsegmentable_packet_dropped_and_counted)
{
    struct net_device *dev = make_dev(NETIF_F_SG);
    struct gso_stats g0, g1;
    gso_get_stats(&g0);
    struct sk_buff *skb = gso_packet(dev);
    skb_set_transport_header(skb, HDRS + 8);   /* past the headers */
    dev_queue_xmit(skb);
    CHECK_EQ(drv.n, 0);
    gso_get_stats(&g1);
    CHECK_EQ(g1.failed - g0.failed, 1);
    CHECK(parent_freed);
    free_dev(dev);
}
