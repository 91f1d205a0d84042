/* drivers/net/igb/igb_ktest.c - in-kernel tests of the igb driver against QEMU's 82576
 * (test=igb), booted once per interrupt mode (tests/kernel/boots.txt: igb-msix, igb-msi,
 * igb-intx, and igb-mq with two queue pairs and RSS). Frames go out through
 * dev_hard_start_xmit and come back from QEMU's user-mode network (slirp): its gateway
 * 10.0.2.2 answers ARP and ICMP echo, and tests/e2e/test_igb_pcap.sh checks the same
 * traffic on the wire. Nothing here polls a descriptor: a sender that finds the ring full
 * sleeps until the driver wakes the queue from its completion interrupt. */
#include "kernel/ktest.h"
#include "kernel/lib/unaligned.h"
#include "kernel/printk.h"
#include "kernel/cmdline.h"
#include "kernel/softirq.h"
#include "kernel/irq.h"
#include "kernel/lib/string.h"
#include "drivers/net/igb/igb.h"

#define KT_TIMEOUT_NS   (5 * NSEC_PER_SEC)   /* generous: a loaded host stalls TCG guests */
#define BURST_FRAMES    10000
#define BURST_BATCH     64        /* frames per bottom-half-off section, like a qdisc quota */
#define TSO_EVERY       500       /* one TSO packet in this many frames */
#define TSO_PAYLOAD     4000
#define TSO_MSS         1000

static const uint8_t qemu_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static uint8_t gw_mac[ETH_ALEN] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };  /* slirp's; learned below */
static const uint8_t our_ip[4] = { 10, 0, 2, 15 };
static const uint8_t gw_ip[4] = { 10, 0, 2, 2 };

static struct igb_adapter *kt_adapter(void) { return igb_num_adapters ? igb_adapters[0] : NULL; }

/* ---- a packet tap: sees every frame received (and sent) ---- */

static DECLARE_WAIT_QUEUE_HEAD(tap_wq);
static volatile uint64_t tap_arp_replies, tap_echo_replies, tap_rx_frames;
static uint8_t tap_arp_mac[ETH_ALEN];

static int kt_tap(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt)
{
    const uint8_t *f = skb->data;
    unsigned n = skb_headlen(skb);
    bool rx = n >= ETH_HLEN && memcmp(f + 6, dev->dev_addr, ETH_ALEN) != 0;
    if (rx) {
        tap_rx_frames++;
        if (n >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[20] == 0 && f[21] == 2 &&
            memcmp(f + 28, gw_ip, 4) == 0 && memcmp(f + 38, our_ip, 4) == 0) {
            memcpy(tap_arp_mac, f + 22, ETH_ALEN);
            tap_arp_replies++;
            wake_up(&tap_wq);
        } else if (n >= 42 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 1 &&
                   f[14 + (f[14] & 0xf) * 4] == 0 && memcmp(f + 26, gw_ip, 4) == 0) {
            tap_echo_replies++;
            wake_up(&tap_wq);
        }
    }
    consume_skb(skb);   /* a tap owns the clone it is given */
    return 0;
}

static struct packet_type kt_tap_pt = { .type = ETH_P_ALL, .func = kt_tap };

static void tap_on(void)
{
    tap_arp_replies = tap_echo_replies = tap_rx_frames = 0;
    dev_add_pack(&kt_tap_pt);
}
static void tap_off(void) { dev_remove_pack(&kt_tap_pt); }

/* ---- frame building ---- */

static uint32_t csum_add(uint32_t sum, const uint8_t *p, unsigned n)
{
    for (unsigned i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    return sum;
}
static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

static uint8_t *kt_eth(struct sk_buff *skb, const uint8_t *dst, uint16_t type)
{
    uint8_t *e = skb_put(skb, ETH_HLEN);
    memcpy(e, dst, ETH_ALEN);
    memcpy(e + 6, qemu_mac, ETH_ALEN);
    put_unaligned_be16(type, e + 12);
    skb_reset_mac_header(skb);
    skb->protocol = type;
    return e;
}

/* IPv4 header; the checksum is left 0 (for the NIC, IXSM) unless sw_csum. */
static uint8_t *kt_ip(struct sk_buff *skb, uint8_t proto, unsigned payload, uint16_t id, bool sw_csum)
{
    skb_set_network_header(skb, (int)skb->len);
    uint8_t *ip = skb_put(skb, 20);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put_unaligned_be16((uint16_t)(20 + payload), ip + 2);
    put_unaligned_be16(id, ip + 4);
    ip[6] = 0x40;   /* DF */
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, our_ip, 4);
    memcpy(ip + 16, gw_ip, 4);
    if (sw_csum)
        put_unaligned_be16((uint16_t)~csum_fold(csum_add(0, ip, 20)), ip + 10);
    skb_set_transport_header(skb, (int)skb->len);
    return ip;
}

static uint32_t pseudo_sum(const uint8_t *ip, uint8_t proto, unsigned l4len)
{
    return csum_add(0, ip + 12, 8) + proto + l4len;
}

static struct sk_buff *kt_arp_request(void)
{
    static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    struct sk_buff *skb = alloc_skb(128);
    if (!skb)
        return NULL;
    kt_eth(skb, bcast, ETH_P_ARP);
    uint8_t *a = skb_put(skb, 28);
    memset(a, 0, 28);
    put_unaligned_be16(1, a);            /* Ethernet */
    put_unaligned_be16(0x0800, a + 2);   /* IPv4 */
    a[4] = 6;
    a[5] = 4;
    put_unaligned_be16(1, a + 6);        /* request */
    memcpy(a + 8, qemu_mac, ETH_ALEN);
    memcpy(a + 14, our_ip, 4);
    memcpy(a + 24, gw_ip, 4);
    return skb;            /* 42 bytes: the NIC pads to 60 (TCTL.PSP) */
}

/* ICMP echo request, ICMP checksum in software, IPv4 header checksum by the NIC. */
static struct sk_buff *kt_icmp_echo(uint16_t seq)
{
    struct sk_buff *skb = alloc_skb(128);
    if (!skb)
        return NULL;
    kt_eth(skb, gw_mac, ETH_P_IP);
    kt_ip(skb, 1, 8 + 32, seq, false);
    uint8_t *ic = skb_put(skb, 8 + 32);
    memset(ic, 0, 40);
    ic[0] = 8;
    put_unaligned_be16(0x1dbe, ic + 4);
    put_unaligned_be16(seq, ic + 6);
    for (int i = 0; i < 32; i++)
        ic[8 + i] = (uint8_t)('a' + i % 26);
    put_unaligned_be16((uint16_t)~csum_fold(csum_add(0, ic, 40)), ic + 2);
    return skb;
}

/* UDP to the discard port. offload: CHECKSUM_PARTIAL with the pseudo-header seed (the
 * Linux convention); ip_hw: leave the IPv4 checksum to the NIC too. */
static struct sk_buff *kt_udp(uint16_t seq, bool offload, bool ip_hw)
{
    struct sk_buff *skb = alloc_skb(256);
    if (!skb)
        return NULL;
    const unsigned plen = 64;
    kt_eth(skb, gw_mac, ETH_P_IP);
    uint8_t *ip = kt_ip(skb, 17, 8 + plen, seq, !ip_hw);
    uint8_t *u = skb_put(skb, 8 + plen);
    put_unaligned_be16((uint16_t)(40000 + seq % 16), u);
    put_unaligned_be16(9, u + 2);
    put_unaligned_be16((uint16_t)(8 + plen), u + 4);
    put_unaligned_be16(0, u + 6);
    for (unsigned i = 0; i < plen; i++)
        u[8 + i] = (uint8_t)(seq + i);
    uint32_t ps = pseudo_sum(ip, 17, 8 + plen);
    if (offload) {
        put_unaligned_be16(csum_fold(ps), u + 6);
        skb->ip_summed = CHECKSUM_PARTIAL;
        skb->csum_start = (uint16_t)(u - skb->head);
        skb->csum_offset = 6;
    } else {
        uint16_t c = (uint16_t)~csum_fold(csum_add(ps, u, 8 + plen));
        put_unaligned_be16(c ? c : 0xffff, u + 6);
    }
    return skb;
}

/* A TSO packet: headers linear, payload in two page fragments, MSS 1000 -> 4 segments. */
static struct sk_buff *kt_tso(uint32_t seq)
{
    struct sk_buff *skb = alloc_skb(128);
    if (!skb)
        return NULL;
    phys_addr_t pg[2] = { alloc_page(), alloc_page() };
    if (!pg[0] || !pg[1]) {
        if (pg[0]) free_page(pg[0]);
        if (pg[1]) free_page(pg[1]);
        kfree_skb(skb);
        return NULL;
    }
    kt_eth(skb, gw_mac, ETH_P_IP);
    uint8_t *ip = kt_ip(skb, 6, 20 + TSO_PAYLOAD, (uint16_t)seq, false);
    uint8_t *th = skb_put(skb, 20);
    memset(th, 0, 20);
    put_unaligned_be16(40100, th);
    put_unaligned_be16(9, th + 2);
    th[4] = (uint8_t)(seq >> 24); th[5] = (uint8_t)(seq >> 16); th[6] = (uint8_t)(seq >> 8); th[7] = (uint8_t)seq;
    th[12] = 5 << 4;
    th[13] = 0x18;          /* ACK | PSH */
    put_unaligned_be16(65535, th + 14);
    put_unaligned_be16(csum_fold(pseudo_sum(ip, 6, 20 + TSO_PAYLOAD)), th + 16);
    for (int i = 0; i < 2; i++) {
        uint8_t *p = phys_to_virt(pg[i]);
        for (unsigned k = 0; k < TSO_PAYLOAD / 2; k++)
            p[k] = (uint8_t)(k * 7 + i);
        skb_add_frag(skb, pg[i], 0, TSO_PAYLOAD / 2);
    }
    skb->ip_summed = CHECKSUM_PARTIAL;
    skb->csum_start = (uint16_t)(th - skb->head);
    skb->csum_offset = 16;
    skb_shinfo(skb)->gso_size = TSO_MSS;
    skb_shinfo(skb)->gso_segs = TSO_PAYLOAD / TSO_MSS;
    skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
    return skb;
}

/* Send one skb on queue q, sleeping (never spinning) while the queue is stopped. */
static bool kt_send(struct net_device *dev, struct igb_adapter *a, struct sk_buff *skb, unsigned q)
{
    struct netdev_queue *txq = netdev_get_tx_queue(dev, q);
    skb->queue_mapping = (uint16_t)q;
    for (;;) {
        netdev_tx_t rc = NETDEV_TX_BUSY;
        if (!netif_tx_queue_stopped(txq)) {
            local_bh_disable();
            rc = dev_hard_start_xmit(skb, dev, txq);
            local_bh_enable();
        }
        if (rc == NETDEV_TX_OK)
            return true;
        if (!wait_event_timeout(a->tx_ring[q].wake_wq, !netif_tx_queue_stopped(txq), KT_TIMEOUT_NS)) {
            kfree_skb(skb);
            return false;
        }
    }
}

static uint64_t skbs_alive(void)
{
    struct skb_stats s;
    skb_get_stats(&s);
    return s.alive;
}

static uint64_t tx_completions(struct igb_adapter *a)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < a->num_queues; i++)
        n += a->tx_ring[i].tx_stats.completions;
    return n;
}

static uint64_t queue_irqs(struct igb_adapter *a)
{
    uint64_t n = a->other_irqs;
    for (unsigned v = 0; v < a->num_q_vectors; v++)
        n += a->q_vector[v].irqs;
    return n;
}

/* Software interrupts the watchdog fired for lost ones, TX and RX. */
static uint64_t ring_kicks(struct igb_adapter *a)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < a->num_queues; i++)
        n += a->tx_ring[i].irq_kicks + a->rx_ring[i].irq_kicks;
    return n;
}

static bool rings_idle(struct igb_adapter *a)
{
    for (unsigned i = 0; i < a->num_queues; i++)
        if (igb_desc_used(a->tx_ring[i].next_to_use, a->tx_ring[i].next_to_clean, a->tx_ring[i].count))
            return false;
    return true;
}

/* Sleep until every TX ring has drained (woken by the cleaner). */
static bool wait_rings_idle(struct igb_adapter *a)
{
    for (unsigned i = 0; i < a->num_queues; i++) {
        struct igb_ring *r = &a->tx_ring[i];
        if (!wait_event_timeout(r->wake_wq, igb_desc_used(r->next_to_use, r->next_to_clean, r->count) == 0,
                                KT_TIMEOUT_NS))
            return false;
    }
    return true;
}

/* Ask 10.0.2.2 for its MAC. Besides the answer this teaches slirp ours: it learns
 * addresses only from ARP, and drops what it cannot address (the echo replies below).
 * The tap must be on. */
static bool kt_arp_exchange(struct igb_adapter *a)
{
    uint64_t before = tap_arp_replies;
    struct sk_buff *skb = kt_arp_request();
    if (!skb || !kt_send(a->netdev, a, skb, 0))
        return false;
    if (!wait_event_timeout(tap_wq, tap_arp_replies > before, KT_TIMEOUT_NS))
        return false;
    memcpy(gw_mac, tap_arp_mac, ETH_ALEN);
    return true;
}

/* ---- the cases ---- */

KTEST(igb, link_up_and_mac)
{
    struct igb_adapter *a = kt_adapter();
    KT_ASSERT_MSG(a, "no igb device probed");
    struct net_device *dev = a->netdev;
    KT_ASSERT(dev->up);
    KT_ASSERT_MSG(wait_event_timeout(a->link_wq, netif_carrier_ok(dev), KT_TIMEOUT_NS), "no link");
    KT_EXPECT_EQ(a->link_speed, 1000);
    KT_ASSERT(a->link_full_duplex);
    KT_ASSERT_MSG(memcmp(dev->dev_addr, qemu_mac, ETH_ALEN) == 0, "MAC is not QEMU's 52:54:00:12:34:56");
    /* and the NIC's own filter holds it, valid */
    uint32_t ral = rd32(a, E1000_RAL(0)), rah = rd32(a, E1000_RAH(0));
    KT_EXPECT_EQ(ral, 0x12005452u);
    KT_EXPECT_EQ(rah, 0x5634u | E1000_RAH_AV);
    KT_ASSERT(rd32(a, E1000_CTRL_EXT) & E1000_CTRL_EXT_DRV_LOAD);
    KT_ASSERT(rd32(a, E1000_RCTL) & E1000_RCTL_EN);
    KT_ASSERT(rd32(a, E1000_TCTL) & E1000_TCTL_EN);
    const char *want = cmdline_get("igb.irq");
    if (want)
        KT_ASSERT_MSG(strcmp(want, igb_irq_mode_name(a->irq_mode)) == 0, "asked for %s, got %s",
                      want, igb_irq_mode_name(a->irq_mode));
    KT_EXPECT_EQ(a->num_queues, cmdline_get_u64("igb.queues", 1));
    printk("igb: ktest mode %s, %u queue(s), rings %u/%u, itr %u us\n", igb_irq_mode_name(a->irq_mode),
           a->num_queues, a->tx_ring_count, a->rx_ring_count, a->itr_usecs);
}

KTEST(igb, arp_request_gets_reply_through_rx_ring)
{
    struct igb_adapter *a = kt_adapter();
    KT_ASSERT(a && netif_carrier_ok(a->netdev));
    uint64_t alive = skbs_alive();
    uint64_t rx0 = 0, irq0 = queue_irqs(a), done0 = tx_completions(a);
    for (unsigned i = 0; i < a->num_queues; i++)
        rx0 += a->rx_ring[i].packets;
    tap_on();
    bool got = kt_arp_exchange(a);   /* built by hand, sent with dev_hard_start_xmit */
    tap_off();
    KT_ASSERT_MSG(got, "no ARP reply from 10.0.2.2 within 5 s");
    uint64_t rx1 = 0;
    for (unsigned i = 0; i < a->num_queues; i++)
        rx1 += a->rx_ring[i].packets;
    KT_ASSERT_MSG(rx1 > rx0, "reply did not come through the RX ring");
    KT_ASSERT(wait_rings_idle(a));
    KT_EXPECT_EQ(tx_completions(a) - done0, 1);
    KT_ASSERT_MSG(queue_irqs(a) > irq0, "no interrupt for the send/receive");
    KT_EXPECT_EQ(skbs_alive(), alive);
    printk("igb: ARP reply from 10.0.2.2 is-at %02x:%02x:%02x:%02x:%02x:%02x\n",
           gw_mac[0], gw_mac[1], gw_mac[2], gw_mac[3], gw_mac[4], gw_mac[5]);
}

KTEST(igb, bad_frames_dropped_and_counted)
{
    struct igb_adapter *a = kt_adapter();
    KT_ASSERT(a);
    struct net_device *dev = a->netdev;
    struct igb_ring *r = &a->tx_ring[0];
    uint64_t alive = skbs_alive();
    uint64_t bad0 = r->tx_stats.bad_skb, over0 = r->tx_stats.oversize, drop0 = r->tx_stats.dropped;

    struct sk_buff *empty = alloc_skb(64);          /* no bytes at all */
    KT_ASSERT(empty);
    KT_ASSERT(kt_send(dev, a, empty, 0));
    struct sk_buff *runt = alloc_skb(64);           /* 10 bytes: below the MAC's minimum */
    KT_ASSERT(runt);
    memset(skb_put(runt, 10), 0xab, 10);
    KT_ASSERT(kt_send(dev, a, runt, 0));
    struct sk_buff *big = alloc_skb(2048);          /* 1600-byte frame, no TSO */
    KT_ASSERT(big);
    kt_eth(big, gw_mac, ETH_P_IP);
    kt_ip(big, 17, 1600 - 34, 1, true);
    memset(skb_put(big, 1600 - 34), 0, 1600 - 34);
    KT_ASSERT(kt_send(dev, a, big, 0));
    struct sk_buff *icmp = kt_icmp_echo(1);         /* checksum offload for ICMP: impossible */
    KT_ASSERT(icmp);
    icmp->ip_summed = CHECKSUM_PARTIAL;
    icmp->csum_start = (uint16_t)(skb_transport_header(icmp) - icmp->head);
    icmp->csum_offset = 2;
    KT_ASSERT(kt_send(dev, a, icmp, 0));

    KT_EXPECT_EQ(r->tx_stats.bad_skb - bad0, 3);
    KT_EXPECT_EQ(r->tx_stats.oversize - over0, 1);
    KT_EXPECT_EQ(r->tx_stats.dropped - drop0, 4);
    KT_ASSERT(rings_idle(a));
    KT_EXPECT_EQ(skbs_alive(), alive);
}

KTEST(igb, burst_completes_through_interrupts)
{
    struct igb_adapter *a = kt_adapter();
    KT_ASSERT(a && netif_carrier_ok(a->netdev));
    struct net_device *dev = a->netdev;
    tap_on();
    bool arp = kt_arp_exchange(a);
    if (!arp)
        tap_off();
    KT_ASSERT_MSG(arp, "no ARP reply from 10.0.2.2");
    KT_ASSERT(wait_rings_idle(a));
    uint64_t alive = skbs_alive();
    uint64_t irq0 = queue_irqs(a), done0 = tx_completions(a), kicks0 = ring_kicks(a);
    uint64_t csum0 = 0, ip40 = 0, tso0 = 0, busy0 = 0, restart0 = 0, rx0 = 0, hw_gptc0, hw_tsctc0;
    for (unsigned i = 0; i < a->num_queues; i++) {
        csum0 += a->tx_ring[i].tx_stats.csum_offload;
        ip40 += a->tx_ring[i].tx_stats.ip4_hdr_offload;
        tso0 += a->tx_ring[i].tx_stats.tso;
        busy0 += a->tx_ring[i].tx_stats.tx_busy;
        restart0 += a->tx_ring[i].tx_stats.restart_queue;
        rx0 += a->rx_ring[i].packets;
    }
    igb_update_stats(a);
    hw_gptc0 = igb_hw_stat(a, E1000_GPTC);
    hw_tsctc0 = igb_hw_stat(a, E1000_TSCTC);
    tap_echo_replies = 0;

    unsigned n_icmp = 0, n_udp_off = 0, n_udp_ip = 0, n_udp_sw = 0, n_tso = 0;
    unsigned want_txsm = 0, want_ixsm = 0;
    uint64_t waits = 0;
    struct sk_buff *pending = NULL;
    unsigned pending_q = 0;
    unsigned sent = 0;
    bool alloc_failed = false, stuck = false;
    uint64_t t0 = ktime_get_ns();
    while (sent < BURST_FRAMES && !alloc_failed && !stuck) {
        local_bh_disable();
        for (unsigned k = 0; k < BURST_BATCH && sent < BURST_FRAMES; k++) {
            if (!pending) {
                unsigned kind = sent % 20;
                if (sent % TSO_EVERY == TSO_EVERY - 1) {
                    pending = kt_tso(sent * 4096u);
                    n_tso++;
                } else if (kind < 12) {
                    pending = kt_icmp_echo((uint16_t)sent);
                    n_icmp++;
                } else if (kind < 18) {
                    pending = kt_udp((uint16_t)sent, true, false);
                    n_udp_off++;
                } else if (kind == 18) {
                    pending = kt_udp((uint16_t)sent, true, true);
                    n_udp_ip++;
                } else {
                    pending = kt_udp((uint16_t)sent, false, false);
                    n_udp_sw++;
                }
                if (!pending) {
                    alloc_failed = true;
                    break;
                }
                pending_q = sent % a->num_queues;
                pending->queue_mapping = (uint16_t)pending_q;
                /* what the driver should ask the NIC for: TXSM for CHECKSUM_PARTIAL, IXSM
                 * wherever the IPv4 checksum field is zero (which a software checksum
                 * can also be, now and then) */
                const uint8_t *iph = skb_network_header(pending);
                want_txsm += pending->ip_summed == CHECKSUM_PARTIAL;
                want_ixsm += iph[10] == 0 && iph[11] == 0;
            }
            struct netdev_queue *txq = netdev_get_tx_queue(dev, pending_q);
            if (netif_tx_queue_stopped(txq) || dev_hard_start_xmit(pending, dev, txq) != NETDEV_TX_OK)
                break;
            pending = NULL;
            sent++;
        }
        local_bh_enable();   /* completions (NET_RX) run here */
        if (pending) {
            struct netdev_queue *txq = netdev_get_tx_queue(dev, pending_q);
            if (netif_tx_queue_stopped(txq)) {
                waits++;
                if (!wait_event_timeout(a->tx_ring[pending_q].wake_wq, !netif_tx_queue_stopped(txq),
                                        KT_TIMEOUT_NS))
                    stuck = true;
            }
        }
    }
    bool drained = wait_rings_idle(a);
    uint64_t t1 = ktime_get_ns();
    kfree_skb(pending);
    /* the echo replies still on their way in */
    bool echoed = wait_event_timeout(tap_wq, tap_echo_replies >= n_icmp, KT_TIMEOUT_NS);
    tap_off();

    KT_ASSERT_MSG(!alloc_failed, "out of memory building frame %u", sent);
    KT_ASSERT_MSG(!stuck, "queue stayed stopped for 5 s at frame %u", sent);
    KT_ASSERT_MSG(drained, "TX rings did not drain");
    KT_EXPECT_EQ(sent, BURST_FRAMES);

    uint64_t irqs = queue_irqs(a) - irq0, done = tx_completions(a) - done0;
    uint64_t csum = 0, ip4 = 0, tso = 0, busy = 0, restart = 0, rx = 0, wraps = 0;
    for (unsigned i = 0; i < a->num_queues; i++) {
        csum += a->tx_ring[i].tx_stats.csum_offload;
        ip4 += a->tx_ring[i].tx_stats.ip4_hdr_offload;
        tso += a->tx_ring[i].tx_stats.tso;
        busy += a->tx_ring[i].tx_stats.tx_busy;
        restart += a->tx_ring[i].tx_stats.restart_queue;
        rx += a->rx_ring[i].packets;
    }
    csum -= csum0; ip4 -= ip40; tso -= tso0; busy -= busy0; restart -= restart0; rx -= rx0;
    igb_update_stats(a);
    uint64_t ms = (t1 - t0) / NSEC_PER_MSEC;
    uint64_t fps = (t1 > t0) ? (uint64_t)BURST_FRAMES * NSEC_PER_SEC / (t1 - t0) : 0;
    uint64_t ipf_milli = irqs * 1000 / BURST_FRAMES;
    /* ring wraps from the driver's own completion count: a packet takes at least one
     * descriptor, so this is a lower bound */
    wraps = done / a->tx_ring_count;
    printk("igb: burst %u frames in %llu ms = %llu fps, %llu.%03llu interrupts/frame (irq %s, %u queue(s))\n",
           BURST_FRAMES, (unsigned long long)ms, (unsigned long long)fps,
           (unsigned long long)(ipf_milli / 1000), (unsigned long long)(ipf_milli % 1000),
           igb_irq_mode_name(a->irq_mode), a->num_queues);
    printk("igb: burst detail: %llu interrupts, %llu completions, %llu busy, %llu waits, %llu wakes, "
           "~%llu TX ring wraps, %llu frames received (%llu echo replies, ~%llu RX ring wraps), "
           "GPTC +%llu, TSO contexts +%llu\n",
           (unsigned long long)irqs, (unsigned long long)done, (unsigned long long)busy,
           (unsigned long long)waits, (unsigned long long)restart, (unsigned long long)wraps,
           (unsigned long long)rx, (unsigned long long)tap_echo_replies,
           (unsigned long long)(rx / a->rx_ring_count),
           (unsigned long long)(igb_hw_stat(a, E1000_GPTC) - hw_gptc0),
           (unsigned long long)(igb_hw_stat(a, E1000_TSCTC) - hw_tsctc0));

    /* every echo request the burst carried was answered and received */
    KT_ASSERT_MSG(echoed, "%llu of %u echo replies came back",
                  (unsigned long long)tap_echo_replies, n_icmp);
    /* every send completed and every reply was received through interrupts (not the
     * watchdog's software kick for a lost one) */
    KT_EXPECT_EQ(done, BURST_FRAMES);
    KT_ASSERT_MSG(irqs > 0, "no interrupts during the burst");
    KT_EXPECT_EQ(ring_kicks(a) - kicks0, 0);
    /* the driver requested each offload the burst's skbs asked for, no more */
    KT_ASSERT(want_txsm > 0 && want_ixsm > 0 && n_tso > 0);   /* not a vacuous comparison */
    KT_EXPECT_EQ(csum, want_txsm);
    KT_EXPECT_EQ(ip4, want_ixsm);
    KT_EXPECT_EQ(tso, n_tso);
    /* the NIC sent every packet: GPTC counts a TSO packet once in QEMU (one send of the
     * segmented packet), once per segment on silicon */
    uint64_t gptc = igb_hw_stat(a, E1000_GPTC) - hw_gptc0;
    KT_ASSERT_MSG(gptc == BURST_FRAMES || gptc == BURST_FRAMES - n_tso + n_tso * (TSO_PAYLOAD / TSO_MSS),
                  "GPTC +%llu for %u packets", (unsigned long long)gptc, BURST_FRAMES);
    KT_EXPECT_EQ(igb_hw_stat(a, E1000_TSCTC) - hw_tsctc0, n_tso);
    /* both rings wrapped several times */
    KT_ASSERT(wraps >= 3);
    KT_ASSERT_MSG(rx >= 3 * a->rx_ring_count, "only %llu frames received", (unsigned long long)rx);
    /* every buffer back */
    KT_ASSERT(rings_idle(a));
    for (unsigned i = 0; i < a->num_queues; i++)
        for (unsigned k = 0; k < a->tx_ring[i].count; k++)
            KT_ASSERT(a->tx_ring[i].tx_buffer_info[k].skb == NULL);
    KT_EXPECT_EQ(skbs_alive(), alive);
    if (a->tx_ring_count <= BURST_BATCH) {
        /* small rings: the queue must have filled, stopped, and been woken by completions */
        KT_ASSERT_MSG(busy + waits > 0 && restart > 0, "ring of %u never filled", a->tx_ring_count);
    }
    if (a->num_queues > 1) {
        uint64_t hashed = 0;
        for (unsigned i = 0; i < a->num_queues; i++)
            hashed += a->rx_ring[i].rx_stats.rss_hashed;
        KT_ASSERT_MSG(hashed > 0, "RSS on but no frame carried a hash");
    }
}

KTEST(igb, tx_hang_resets_and_recovers)
{
    struct igb_adapter *a = kt_adapter();
    KT_ASSERT(a && netif_carrier_ok(a->netdev));
    struct net_device *dev = a->netdev;
    KT_ASSERT(wait_rings_idle(a));
    uint64_t alive = skbs_alive();
    uint64_t timeouts0 = a->tx_timeout_count, resets0 = a->reset_count;
    uint64_t freed0 = a->tx_ring[0].tx_stats.reset_freed;
    uint64_t saved_timeout = a->tx_timeout_jiffies;
    a->tx_timeout_jiffies = msecs_to_jiffies(300);

    /* The transmitter stops; the driver keeps queueing and nothing completes. */
    wr32(a, E1000_TCTL, rd32(a, E1000_TCTL) & ~E1000_TCTL_EN);
    for (int i = 0; i < 5; i++) {
        struct sk_buff *skb = kt_udp((uint16_t)i, true, false);
        KT_ASSERT(skb);
        KT_ASSERT(kt_send(dev, a, skb, 0));
    }
    KT_EXPECT_EQ(igb_desc_used(a->tx_ring[0].next_to_use, a->tx_ring[0].next_to_clean, a->tx_ring[0].count), 10);
    /* The watchdog notices, resets, and the link comes back. */
    bool back = wait_event_timeout(a->link_wq, a->reset_count > resets0 && netif_carrier_ok(dev),
                                   15 * NSEC_PER_SEC);
    a->tx_timeout_jiffies = saved_timeout;
    KT_ASSERT_MSG(back, "no reset/link within 15 s (timeouts %llu, resets %llu)",
                  (unsigned long long)(a->tx_timeout_count - timeouts0),
                  (unsigned long long)(a->reset_count - resets0));
    KT_EXPECT_EQ(a->tx_timeout_count - timeouts0, 1);
    KT_EXPECT_EQ(a->tx_ring[0].tx_stats.reset_freed - freed0, 5);
    KT_ASSERT(rd32(a, E1000_TCTL) & E1000_TCTL_EN);
    KT_ASSERT(rings_idle(a));
    KT_EXPECT_EQ(skbs_alive(), alive);
    /* and it works again */
    tap_on();
    bool got = kt_arp_exchange(a);
    tap_off();
    KT_ASSERT_MSG(got, "no ARP reply after the reset");
    KT_ASSERT(wait_rings_idle(a));
    KT_EXPECT_EQ(skbs_alive(), alive);
}

/* A lost interrupt: a frame lands in the RX ring while the vector is masked, its cause
 * is then cleared and the vector unmasked with nothing pending - the state an interrupt
 * swallowed by a running poll leaves behind. Nothing would ever poll the ring again; the
 * watchdog sees the frame waiting a whole period and fires the interrupt in software. */
KTEST(igb, lost_rx_interrupt_recovered_by_watchdog)
{
    struct igb_adapter *a = kt_adapter();
    KT_ASSERT(a && netif_carrier_ok(a->netdev));
    KT_ASSERT(wait_rings_idle(a));
    struct igb_ring *r = &a->rx_ring[0];
    bool msix = a->irq_mode == IGB_IRQ_MSIX;
    uint32_t vec = r->q_vector->eims_value;
    uint64_t kicks0 = r->irq_kicks, alive = skbs_alive();
    /* QEMU sends one more message an EITR interval after each interrupt, whatever is
     * pending (its throttling timer); let any still due go before the stage is set. The
     * driver's longest interval is 250 us. */
    msleep(5);
    tap_on();
    uint64_t replies0 = tap_arp_replies;
    if (msix)
        wr32(a, E1000_EIMC, vec);
    else
        wr32(a, E1000_IMC, IGB_ICR_QUEUE_CAUSES);
    struct sk_buff *skb = kt_arp_request();
    bool sent = skb && kt_send(a->netdev, a, skb, 0);
    /* the reply is in the ring: DD at next_to_clean, and no poll to take it */
    bool landed = sent && KT_WAIT_FOR(READ_ONCE(IGB_RX_DESC(r, r->next_to_clean)->wb.status_error) &
                                      IGB_RXD_STAT_DD, 2000);
    if (msix) {
        wr32(a, E1000_EICR, vec);            /* the cause, gone (write 1 to clear) */
        wr32(a, E1000_EIMS, vec);
    } else {
        (void)rd32(a, E1000_ICR);            /* read to clear */
        wr32(a, E1000_IMS, IGB_ICR_QUEUE_CAUSES);
    }
    bool stranded = landed && tap_arp_replies == replies0;
    /* two looks one second apart, then the kick */
    bool recovered = KT_WAIT_FOR(tap_arp_replies > replies0, 4000);
    tap_off();
    KT_ASSERT_MSG(sent && landed, "the ARP reply never reached the ring (sent %d)", sent);
    KT_ASSERT_MSG(stranded, "the reply was taken before the interrupt was lost");
    KT_ASSERT_MSG(recovered, "the stranded reply was not polled within 4 s");
    KT_EXPECT_EQ(r->irq_kicks - kicks0, 1);
    KT_ASSERT(wait_rings_idle(a));
    KT_EXPECT_EQ(skbs_alive(), alive);
}

KTEST(igb, stats_reported)
{
    struct igb_adapter *a = kt_adapter();
    KT_ASSERT(a && netif_carrier_ok(a->netdev));
    struct net_device *dev = a->netdev;
    KT_ASSERT(wait_rings_idle(a));
    struct rtnl_link_stats64 s0, s1;
    dev->netdev_ops->ndo_get_stats64(dev, &s0);
    uint64_t gptc0 = igb_hw_stat(a, E1000_GPTC), gprc0 = igb_hw_stat(a, E1000_GPRC);
    uint64_t gotc0 = igb_hw_stat(a, E1000_GOTCL);
    tap_on();
    bool arp = kt_arp_exchange(a);
    if (!arp)
        tap_off();
    KT_ASSERT_MSG(arp, "no ARP reply from 10.0.2.2");
    KT_ASSERT(wait_rings_idle(a));
    dev->netdev_ops->ndo_get_stats64(dev, &s0);
    gptc0 = igb_hw_stat(a, E1000_GPTC);
    gprc0 = igb_hw_stat(a, E1000_GPRC);
    gotc0 = igb_hw_stat(a, E1000_GOTCL);
    tap_echo_replies = 0;
    for (unsigned i = 0; i < 10; i++) {
        struct sk_buff *skb = kt_icmp_echo((uint16_t)(60000 + i));
        KT_ASSERT(skb);
        KT_ASSERT(kt_send(dev, a, skb, 0));
    }
    bool replies = wait_event_timeout(tap_wq, tap_echo_replies >= 10, KT_TIMEOUT_NS);
    tap_off();
    KT_ASSERT_MSG(replies, "only %llu echo replies", (unsigned long long)tap_echo_replies);
    KT_ASSERT(wait_rings_idle(a));
    dev->netdev_ops->ndo_get_stats64(dev, &s1);
    KT_EXPECT_EQ(s1.tx_packets - s0.tx_packets, 10);
    KT_EXPECT_EQ(s1.tx_bytes - s0.tx_bytes, 10 * 74);
    KT_ASSERT(s1.rx_packets - s0.rx_packets >= 10);
    KT_ASSERT(s1.rx_bytes - s0.rx_bytes >= 10 * 74);
    /* the hardware counters, folded into 64 bits by the same call */
    KT_EXPECT_EQ(igb_hw_stat(a, E1000_GPTC) - gptc0, 10);
    KT_EXPECT_EQ(igb_hw_stat(a, E1000_GOTCL) - gotc0, 10 * (74 + 4));   /* + FCS */
    KT_ASSERT(igb_hw_stat(a, E1000_GPRC) - gprc0 >= 10);
    KT_EXPECT_EQ(s1.rx_crc_errors, 0);
    dev->netdev_ops->ndo_dump_stats(dev);
}

KTEST(igb, close_and_reopen_release_everything)
{
    struct igb_adapter *a = kt_adapter();
    KT_ASSERT(a && netif_carrier_ok(a->netdev));
    struct net_device *dev = a->netdev;
    KT_ASSERT(wait_rings_idle(a));
    uint64_t alive = skbs_alive();

    KT_EXPECT_EQ(dev->netdev_ops->ndo_stop(dev), 0);
    KT_ASSERT(!netif_carrier_ok(dev));
    /* every receive buffer went back */
    KT_EXPECT_EQ(alive - skbs_alive(), (uint64_t)a->num_queues * a->rx_ring_count);
    KT_ASSERT(!(rd32(a, E1000_RCTL) & E1000_RCTL_EN));
    KT_EXPECT_EQ(rd32(a, E1000_IMS), 0);

    KT_EXPECT_EQ(dev->netdev_ops->ndo_open(dev), 0);
    KT_ASSERT_MSG(wait_event_timeout(a->link_wq, netif_carrier_ok(dev), KT_TIMEOUT_NS), "no link after reopen");
    KT_ASSERT(wait_rings_idle(a));   /* whatever a link listener sent on link-up */
    KT_EXPECT_EQ(skbs_alive(), alive);
    tap_on();
    bool got = kt_arp_exchange(a);
    tap_off();
    KT_ASSERT_MSG(got, "no ARP reply after reopen");
    KT_ASSERT(wait_rings_idle(a));
    KT_EXPECT_EQ(skbs_alive(), alive);
}

KTEST(igb, full_ring_returns_busy_then_completion_wakes)
{
    struct igb_adapter *a = kt_adapter();
    KT_ASSERT(a && netif_carrier_ok(a->netdev));
    struct net_device *dev = a->netdev;
    struct igb_ring *r = &a->tx_ring[0];
    struct netdev_queue *txq = netdev_get_tx_queue(dev, 0);
    KT_ASSERT(wait_rings_idle(a));
    uint64_t alive = skbs_alive();
    uint64_t busy0 = r->tx_stats.tx_busy, stops0 = r->tx_stats.stops;

    /* Hold the transmitter so nothing completes, then keep offering frames (as a
     * careless caller would, ignoring the stopped state) until the driver refuses. */
    wr32(a, E1000_TCTL, rd32(a, E1000_TCTL) & ~E1000_TCTL_EN);
    unsigned accepted = 0;
    netdev_tx_t rc = NETDEV_TX_OK;
    struct sk_buff *skb = NULL;
    while (accepted < r->count) {
        skb = kt_udp((uint16_t)accepted, false, false);     /* one descriptor each */
        KT_ASSERT(skb);
        local_bh_disable();
        rc = dev_hard_start_xmit(skb, dev, txq);
        local_bh_enable();
        if (rc != NETDEV_TX_OK)
            break;
        accepted++;
    }
    KT_EXPECT_EQ(rc, NETDEV_TX_BUSY);
    kfree_skb(skb);                                   /* BUSY: the skb is still ours */
    KT_ASSERT(netif_tx_queue_stopped(txq));
    KT_EXPECT_EQ(r->tx_stats.tx_busy - busy0, 1);
    KT_ASSERT(r->tx_stats.stops > stops0);
    /* room for the context descriptor and the gap is what stops it */
    KT_EXPECT_EQ(accepted, r->count - 1 - 3);
    KT_EXPECT_EQ(igb_desc_unused(r->next_to_use, r->next_to_clean, r->count), 3);

    /* Let the NIC go (QEMU sends only at a tail write); the completion interrupt cleans
     * the ring and wakes the queue, which wakes us. */
    wr32(a, E1000_TCTL, rd32(a, E1000_TCTL) | E1000_TCTL_EN);
    wr32(a, E1000_TDT(r->queue_index), r->next_to_use);
    KT_ASSERT_MSG(wait_event_timeout(r->wake_wq, !netif_tx_queue_stopped(txq), KT_TIMEOUT_NS),
                  "queue not woken by the completion");
    KT_ASSERT(wait_rings_idle(a));
    KT_EXPECT_EQ(skbs_alive(), alive);
}

/* ---- the device floor (test=igbfloor, run by `make bench`) ----
 * The driver alone, no stack: minimum-size frames (60 bytes, broadcast, EtherType 0x88b5,
 * IEEE's local experimental type, so no host stack answers them) pushed through
 * dev_hard_start_xmit in batches of BURST_BATCH and completed by interrupts. The bench
 * counts the frames on the host side of the tap; this prints the guest's own rate and the
 * driver's costs per frame. floor.frames=N sets the count (default 2000). */
CMDLINE_KEY(floor_frames, "floor.frames", "test=igbfloor: frames to push (default 2000)");

#define FLOOR_ETHERTYPE 0x88b5

KTEST(igbfloor, raw_frames_complete_through_interrupts)
{
    static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    struct igb_adapter *a = kt_adapter();
    KT_ASSERT(a && netif_carrier_ok(a->netdev));
    struct net_device *dev = a->netdev;
    struct netdev_queue *txq = netdev_get_tx_queue(dev, 0);
    unsigned frames = (unsigned)cmdline_get_u64("floor.frames", 2000);
    KT_ASSERT(frames > 0);
    KT_ASSERT(wait_rings_idle(a));
    uint64_t alive = skbs_alive();
    struct netdev_cost_stats c0, c1;
    igb_get_cost_stats(dev, &c0);
    uint64_t done0 = tx_completions(a);
    struct sk_buff *pending = NULL;
    unsigned sent = 0;
    bool alloc_failed = false, stuck = false;
    uint64_t t0 = ktime_get_ns();
    while (sent < frames && !alloc_failed && !stuck) {
        local_bh_disable();
        for (unsigned k = 0; k < BURST_BATCH && sent < frames; k++) {
            if (!pending) {
                pending = alloc_skb(128);
                if (!pending) {
                    alloc_failed = true;
                    break;
                }
                kt_eth(pending, bcast, FLOOR_ETHERTYPE);
                uint8_t *p = skb_put(pending, 46);
                memset(p, 0, 46);
                put_unaligned_be16((uint16_t)sent, p);
                pending->queue_mapping = 0;
            }
            /* a batch rings the doorbell once, on its last frame (xmit_more) */
            txq->xmit_more = k + 1 < BURST_BATCH && sent + 1 < frames;
            bool ok = !netif_tx_queue_stopped(txq) &&
                      dev_hard_start_xmit(pending, dev, txq) == NETDEV_TX_OK;
            txq->xmit_more = false;
            if (!ok)    /* the queue stopped: the driver rang for what it took */
                break;
            pending = NULL;
            sent++;
        }
        local_bh_enable();
        if (pending && netif_tx_queue_stopped(txq) &&
            !wait_event_timeout(a->tx_ring[0].wake_wq, !netif_tx_queue_stopped(txq), KT_TIMEOUT_NS))
            stuck = true;
    }
    bool drained = wait_rings_idle(a);
    uint64_t t1 = ktime_get_ns();
    kfree_skb(pending);
    igb_get_cost_stats(dev, &c1);
    KT_ASSERT_MSG(!alloc_failed, "out of memory building frame %u", sent);
    KT_ASSERT_MSG(!stuck, "queue stayed stopped for 5 s at frame %u", sent);
    KT_ASSERT_MSG(drained, "TX ring did not drain");
    KT_EXPECT_EQ(sent, frames);
    KT_EXPECT_EQ(tx_completions(a) - done0, frames);
    KT_EXPECT_EQ(skbs_alive(), alive);
    uint64_t ns = t1 > t0 ? t1 - t0 : 1;
    printk("igbfloor: %u frames in %llu us = %llu fps; per 1000 frames: %llu interrupts, "
           "%llu mmio reads, %llu mmio writes\n",
           frames, (unsigned long long)(ns / 1000),
           (unsigned long long)((uint64_t)frames * NSEC_PER_SEC / ns),
           (unsigned long long)((c1.interrupts - c0.interrupts) * 1000 / frames),
           (unsigned long long)((c1.mmio_reads - c0.mmio_reads) * 1000 / frames),
           (unsigned long long)((c1.mmio_writes - c0.mmio_writes) * 1000 / frames));
}
