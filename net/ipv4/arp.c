/* net/ipv4/arp.c - ARP (RFC 826) behind the neighbour cache: solicitations for
 * unresolved next hops, answers to requests for our addresses, learning from replies
 * and from requests addressed to us, gratuitous announcements when the link comes up
 * or an address is added (RFC 5227 section 3). Every packet that is dropped is counted
 * under its reason. */
#include "net/ipv4/arp.h"
#include "net/ipv4/inetdevice.h"
#include "kernel/printk.h"
#include "kernel/init.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

static struct arp_stats stats;
static const uint8_t zero_hw[ETH_ALEN];

void arp_get_stats(struct arp_stats *s) { *s = stats; }

static bool bad_ip(uint32_t a)       /* network order */
{
    uint32_t h = ntohl(a);
    return (h >> 28) == 0xe || (h >> 24) == 127 || h == 0xffffffffu;
}

void arp_send(int type, int ptype, uint32_t dest_ip, struct net_device *dev, uint32_t src_ip,
              const uint8_t *dest_hw, const uint8_t *src_hw, const uint8_t *target_hw)
{
    /* padded to the Ethernet minimum here, so the frame is the same on every NIC */
    struct sk_buff *skb = netdev_alloc_skb(dev, ETH_ZLEN);
    if (!skb) {
        stats.tx_errors++;
        return;
    }
    uint8_t *p = skb_put(skb, ETH_ZLEN);
    memset(p, 0, ETH_ZLEN);
    struct ethhdr *eth = (struct ethhdr *)p;
    memcpy(eth->h_dest, dest_hw ? dest_hw : dev->broadcast, ETH_ALEN);
    memcpy(eth->h_source, src_hw ? src_hw : dev->dev_addr, ETH_ALEN);
    eth->h_proto = htons((uint16_t)ptype);
    struct arp_repr r = { .op = (uint16_t)type, .sip = src_ip, .tip = dest_ip };
    memcpy(r.sha, src_hw ? src_hw : dev->dev_addr, ETH_ALEN);
    memcpy(r.tha, target_hw ? target_hw : zero_hw, ETH_ALEN);
    arp_hdr_emit(&r, p + ETH_HLEN, ETH_ZLEN - ETH_HLEN);
    skb_reset_mac_header(skb);
    skb_set_network_header(skb, ETH_HLEN);
    skb->dev = dev;
    skb->protocol = (uint16_t)ptype;
    if (type == ARPOP_REQUEST)
        stats.tx_requests++;
    else
        stats.tx_replies++;
    if (dev_queue_xmit(skb) < 0)
        stats.tx_errors++;
}

void arp_solicit(struct neighbour *n, struct sk_buff *skb)
{
    struct net_device *dev = n->dev;
    uint32_t target = n->primary_key, saddr = 0;
    /* the source of the packet that waits, when it is one of ours: the peer then
     * learns exactly the address it will answer to */
    if (skb && skb->network_header != 0xffff &&
        skb_network_header(skb) + 20 <= skb->tail) {
        uint32_t s;
        memcpy(&s, skb_network_header(skb) + 12, 4);
        if (inet_addr_is_local(dev, s))
            saddr = s;
    }
    if (!saddr)
        saddr = inet_select_addr(dev, target);
    /* PROBE re-checks the address we have with a unicast; INCOMPLETE asks everyone */
    const uint8_t *dst_hw = n->nud_state == NUD_PROBE ? n->ha : NULL;
    arp_send(ARPOP_REQUEST, ETH_P_ARP, target, dev, saddr, dst_hw, NULL, NULL);
}

void arp_send_gratuitous(struct net_device *dev, uint32_t addr)
{
    if (dev->flags & IFF_NOARP)          /* lo: nobody to announce to */
        return;
    stats.tx_gratuitous++;
    arp_send(ARPOP_REQUEST, ETH_P_ARP, addr, dev, addr, NULL, NULL, NULL);
}

static int drop(struct sk_buff *skb, uint64_t *reason)
{
    (*reason)++;
    kfree_skb(skb);
    return -1;
}

int arp_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt)
{
    (void)pt;
    stats.rx++;
    struct arp_repr r;
    int err = pskb_may_pull(skb, ARP_HLEN) ? arp_hdr_parse(skb->data, skb_headlen(skb), &r)
                                           : ARP_ERR_TRUNCATED;
    if (err != ARP_PARSE_OK)
        return drop(skb, &stats.parse_errors[-err]);
    if (r.op == ARPOP_REQUEST)
        stats.rx_requests++;
    else
        stats.rx_replies++;
    if (skb->pkt_type == PACKET_OTHERHOST)
        return drop(skb, &stats.not_for_host);
    if (is_multicast_ether_addr(r.sha))
        return drop(skb, &stats.bad_sender_hw);
    if (ether_addr_equal(r.sha, dev->dev_addr))
        return drop(skb, &stats.own_frames);
    if (bad_ip(r.tip) || (r.sip && bad_ip(r.sip)))
        return drop(skb, &stats.bad_address);

    bool tip_ours = inet_addr_is_local(dev, r.tip);
    /* RFC 5227 probe (sender 0.0.0.0): someone checks whether an address is free.
     * Answer for ours so that it backs off; there is nothing to learn. */
    if (r.sip == 0) {
        if (r.op == ARPOP_REQUEST && tip_ours) {
            stats.probes_answered++;
            arp_send(ARPOP_REPLY, ETH_P_ARP, 0, dev, r.tip, r.sha, NULL, r.sha);
        } else {
            stats.not_for_us++;
        }
        consume_skb(skb);
        return 0;
    }
    if (inet_addr_is_local(dev, r.sip)) {
        /* another station uses one of our addresses: never learn it as a neighbour */
        pr_warn("arp: %u.%u.%u.%u is also claimed by %02x:%02x:%02x:%02x:%02x:%02x\n",
                ntohl(r.sip) >> 24, (ntohl(r.sip) >> 16) & 0xff, (ntohl(r.sip) >> 8) & 0xff,
                ntohl(r.sip) & 0xff, r.sha[0], r.sha[1], r.sha[2], r.sha[3], r.sha[4], r.sha[5]);
        return drop(skb, &stats.conflicts);
    }

    if (r.op == ARPOP_REQUEST && tip_ours) {
        /* the asker will talk to us next: remember it (STALE, as RFC 4861 7.2.3 does
         * for a solicitation) so our answer to it needs no resolution of its own */
        struct neighbour *n = __neigh_create(r.sip, dev);
        if (n) {
            neigh_update(n, r.sha, NUD_STALE);
            stats.learned++;
        }
        arp_send(ARPOP_REPLY, ETH_P_ARP, r.sip, dev, r.tip, r.sha, NULL, r.sha);
        consume_skb(skb);
        return 0;
    }

    /* A reply, a gratuitous announcement, or a request between others: only refresh
     * entries we already have (no cache pollution by unsolicited packets). A reply
     * unicast to us confirms reachability; anything else only tells the address. */
    struct neighbour *n = __ipv4_neigh_lookup_noref(dev, r.sip);
    if (n) {
        bool confirmed = r.op == ARPOP_REPLY && tip_ours && skb->pkt_type == PACKET_HOST;
        neigh_update(n, r.sha, confirmed ? NUD_REACHABLE : NUD_STALE);
        stats.learned++;
    } else if (r.op == ARPOP_REPLY) {
        stats.unsolicited_ignored++;
    } else {
        stats.not_for_us++;
    }
    consume_skb(skb);
    return 0;
}

static void arp_constructor(struct neighbour *n)
{
    /* lo and other links without resolution: the device's own (all-zero) address */
    if (n->dev->flags & (IFF_NOARP | IFF_LOOPBACK)) {
        memcpy(n->ha, n->dev->dev_addr, ETH_ALEN);
        n->nud_state = NUD_NOARP;
        return;
    }
    /* a directed broadcast of one of our subnets needs no resolution either */
    if (inet_addr_is_broadcast(n->dev, n->primary_key)) {
        memset(n->ha, 0xff, ETH_ALEN);
        n->nud_state = NUD_NOARP;
    }
}

static const struct neigh_ops arp_neigh_ops = {
    .solicit = arp_solicit,
    .constructor = arp_constructor,
};

static void announce_all(struct net_device *dev)
{
    struct in_device *in = dev->ip_ptr;
    if (!in)
        return;
    for (int i = 0; i < in->nifa && i < IN_DEV_MAX_ADDRS; i++)
        arp_send_gratuitous(dev, in->ifa[i].ifa_address);
}

static void arp_link_change(struct net_device *dev, bool up)
{
    if (up)
        announce_all(dev);
    else
        neigh_ifdown(dev);   /* the peers may be different ones when it comes back */
}

static void arp_inetaddr_event(struct net_device *dev, uint32_t addr, bool added)
{
    if (added && netif_carrier_ok(dev))
        arp_send_gratuitous(dev, addr);
}

static struct packet_type arp_packet_type = {
    .type = ETH_P_ARP,
    .func = arp_rcv,
};

int arp_init(void)
{
    neigh_set_ops(&arp_neigh_ops);
    dev_add_pack(&arp_packet_type);
    netdev_register_link_notifier(arp_link_change);
    inetaddr_register_notifier(arp_inetaddr_event);
    return 0;
}
subsys_initcall(arp_init);

void arp_dump(void)
{
    printk("arp: rx %llu (%llu requests, %llu replies), tx %llu requests %llu replies"
           " %llu gratuitous, %llu tx errors\n",
           (unsigned long long)stats.rx, (unsigned long long)stats.rx_requests,
           (unsigned long long)stats.rx_replies, (unsigned long long)stats.tx_requests,
           (unsigned long long)stats.tx_replies, (unsigned long long)stats.tx_gratuitous,
           (unsigned long long)stats.tx_errors);
    printk("arp: learned %llu, answered probes %llu; dropped: not for host %llu,"
           " bad sender hw %llu, bad address %llu, own frames %llu, conflicts %llu,"
           " not for us %llu, unsolicited %llu\n",
           (unsigned long long)stats.learned, (unsigned long long)stats.probes_answered,
           (unsigned long long)stats.not_for_host, (unsigned long long)stats.bad_sender_hw,
           (unsigned long long)stats.bad_address, (unsigned long long)stats.own_frames,
           (unsigned long long)stats.conflicts, (unsigned long long)stats.not_for_us,
           (unsigned long long)stats.unsolicited_ignored);
    printk("arp: malformed:");
    for (int i = 1; i < ARP_ERR_COUNT; i++)
        printk(" %s %llu", arp_parse_strerror(-i), (unsigned long long)stats.parse_errors[i]);
    printk("\n");
}
