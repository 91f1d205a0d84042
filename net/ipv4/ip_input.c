/* net/ipv4/ip_input.c - IPv4 receive for a host:
 *
 *   netif_receive_skb -> ip_rcv (validate) -> nf_hook(PRE_ROUTING) -> ip_rcv_finish
 *   (ours? a host does not forward) -> ip_local_deliver (reassembly) ->
 *   nf_hook(LOCAL_IN) -> ip_local_deliver_finish -> ICMP / UDP (/ TCP later)
 *
 * Every packet that is not delivered is counted under the reason it was dropped (the
 * "Ip:" MIB of /proc/net/snmp plus finer counters) and freed; nothing a peer sends can
 * make this code read outside the packet. Received data is never written to: it may be
 * shared with a clone held by a packet tap. */
#include "net/ipv4/ip.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/udp.h"
#include "net/ipv4/route.h"
#include "net/ipv4/inetdevice.h"
#include "net/core/neighbour.h"
#include "net/netfilter/netfilter.h"
#include "kernel/init.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

static const struct net_protocol *inet_protos[256];

int inet_add_protocol(const struct net_protocol *prot, uint8_t protocol)
{
    unsigned long f = local_irq_save();
    if (inet_protos[protocol]) {
        local_irq_restore(f);
        return -EEXIST;
    }
    inet_protos[protocol] = prot;
    local_irq_restore(f);
    return 0;
}

const struct net_protocol *inet_get_protocol(uint8_t protocol)
{
    return inet_protos[protocol];
}

static int drop(struct sk_buff *skb)
{
    kfree_skb(skb);
    return -1;
}

/* RFC 1122 section 3.2.1.3 / RFC 1812 section 5.3.7: source addresses no host may
 * have. Our own addresses and 127/8 count too, except on lo: a packet "from us" that
 * arrives on a wire came from someone else. */
static bool martian_source(struct net_device *dev, uint32_t saddr)
{
    if (ipv4_is_zeronet(saddr) || ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) ||
        ipv4_is_reserved(saddr))
        return true;
    if (dev && (dev->flags & IFF_LOOPBACK))
        return false;
    return ipv4_is_loopback(saddr) || inet_addr_class(dev, saddr);
}

static int ip_local_deliver_finish(struct sock *sk, struct sk_buff *skb)
{
    (void)sk;
    const struct iphdr *iph = ip_hdr(skb);
    skb_pull(skb, iph->ihl * 4u);
    skb_reset_transport_header(skb);
    const struct net_protocol *p = inet_protos[iph->protocol];
    if (p) {
        IP_INC_STATS(InDelivers);
        return p->handler(skb);
    }
    IP_INC_STATS(InUnknownProtos);
    /* RFC 1122 section 3.2.2.1: protocol unreachable (icmp_send skips broadcasts) */
    icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
    return drop(skb);
}

int ip_local_deliver(struct sk_buff *skb)
{
    const struct iphdr *iph = ip_hdr(skb);
    if (iph->frag_off & htons(IP_MF | IP_OFFSET)) {
        skb = ip_defrag(skb);
        if (!skb)
            return 0;
    }
    return nf_hook(NF_INET_LOCAL_IN, NULL, skb, skb->dev, NULL, ip_local_deliver_finish);
}

/* Is the packet for this host? Our addresses on any interface (weak host model, RFC
 * 1122 section 3.3.4.2), broadcasts of our subnets and the limited broadcast, the
 * all-hosts group; and while an interface has no address yet, unicast frames sent to
 * its MAC (a DHCP server may offer by unicast). A broadcast is marked in IPCB for the
 * protocols above (IPSKB_BROADCAST), so none of them scans the addresses again. */
static bool ip_for_us(struct sk_buff *skb, uint32_t daddr)
{
    struct net_device *dev = skb->dev;
    /* 127/8 is lo's: from a wire it is a martian destination (RFC 1122 3.2.1.3) */
    if (ipv4_is_loopback(daddr))
        return dev && (dev->flags & IFF_LOOPBACK);
    unsigned c = inet_addr_class(dev, daddr);
    if (c & INET_ADDR_BROADCAST)
        IPCB(skb)->flags |= IPSKB_BROADCAST;
    if (c & INET_ADDR_LOCAL)
        return true;
    if (c & INET_ADDR_BROADCAST) {
        IP_INC_STATS(InBcastPkts);
        return true;
    }
    if (ipv4_is_multicast(daddr)) {
        if (daddr == htonl(0xe0000001u)) {       /* 224.0.0.1 */
            IP_INC_STATS(InMcastPkts);
            return true;
        }
        return false;
    }
    return dev && !inet_dev_primary_addr(dev) && skb->pkt_type == PACKET_HOST;
}

static int ip_rcv_finish(struct sock *sk, struct sk_buff *skb)
{
    (void)sk;
    const struct iphdr *iph = ip_hdr(skb);
    if (!ip_for_us(skb, iph->daddr)) {
        /* a host, not a router: nothing is forwarded */
        IP_INC_STATS(InAddrErrors);
        IP_INC_STATS(drop_not_for_us);
        return drop(skb);
    }
    return ip_local_deliver(skb);
}

int ip_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt)
{
    (void)pt;
    IP_INC_STATS(InReceives);
    IP_ADD_STATS(InOctets, skb->len);
    if (skb->pkt_type == PACKET_OTHERHOST) {
        /* another station's unicast that reached us (promiscuous NIC, hub) */
        IP_INC_STATS(drop_otherhost);
        return drop(skb);
    }
    skb->dev = dev;
    /* Paged data would need care in every parser below: make it linear once. */
    if (skb_is_nonlinear(skb)) {
        struct sk_buff *lin = skb_copy(skb);
        kfree_skb(skb);
        if (!lin) {
            IP_INC_STATS(InDiscards);
            IP_INC_STATS(drop_nonlinear);
            return -1;
        }
        skb = lin;
    }
    skb_reset_network_header(skb);

    struct ipv4_repr r;
    int e = ipv4_hdr_parse(skb->data, skb->len, 0, &r);
    if (e) {
        switch (e) {
        case IPV4_ERR_TRUNCATED: {
            /* a header that is whole but a datagram that is not: truncated (Linux) */
            unsigned hl = skb->len ? (skb->data[0] & 0xfu) * 4u : 0;
            if (skb->len >= IPV4_MIN_HLEN && hl >= IPV4_MIN_HLEN && skb->len >= hl)
                IP_INC_STATS(InTruncatedPkts);
            else
                IP_INC_STATS(InHdrErrors);
            break;
        }
        case IPV4_ERR_CSUM:
            IP_INC_STATS(InCsumErrors);
            IP_INC_STATS(InHdrErrors);
            break;
        case IPV4_ERR_VERSION: IP_INC_STATS(drop_version); IP_INC_STATS(InHdrErrors); break;
        case IPV4_ERR_IHL: IP_INC_STATS(drop_ihl); IP_INC_STATS(InHdrErrors); break;
        case IPV4_ERR_TOTLEN: IP_INC_STATS(drop_totlen); IP_INC_STATS(InHdrErrors); break;
        case IPV4_ERR_OPTIONS: IP_INC_STATS(drop_options); IP_INC_STATS(InHdrErrors); break;
        default: IP_INC_STATS(drop_frag_shape); IP_INC_STATS(InHdrErrors); break;
        }
        return drop(skb);
    }
    /* link-layer padding past the datagram goes */
    skb_trim(skb, r.tot_len);
    /* No TTL check: RFC 1122 section 3.2.1.7 says a host MUST NOT discard a datagram it
     * receives because its TTL is 0 or 1 (only a router, forwarding, would; as Linux). */
    if (r.source_route) {
        /* RFC 1122 allows hosts to refuse source routes; Linux does by default */
        IP_INC_STATS(drop_source_route);
        IP_INC_STATS(InDiscards);
        return drop(skb);
    }
    if (martian_source(dev, r.saddr)) {
        IP_INC_STATS(drop_martian_src);
        IP_INC_STATS(InAddrErrors);
        return drop(skb);
    }
    skb_set_transport_header(skb, r.hlen);
    memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
    return nf_hook(NF_INET_PRE_ROUTING, NULL, skb, dev, NULL, ip_rcv_finish);
}

void ip_stats_dump(void)
{
    const struct ipstats_mib *s = &ipstats;
#define U(x) (unsigned long long)(x)
    printk("Ip: InReceives %llu InHdrErrors %llu InAddrErrors %llu InUnknownProtos %llu"
           " InDiscards %llu InDelivers %llu\n", U(s->InReceives), U(s->InHdrErrors),
           U(s->InAddrErrors), U(s->InUnknownProtos), U(s->InDiscards), U(s->InDelivers));
    printk("Ip: OutRequests %llu OutDiscards %llu OutNoRoutes %llu ReasmTimeout %llu"
           " ReasmReqds %llu ReasmOKs %llu ReasmFails %llu FragOKs %llu FragFails %llu"
           " FragCreates %llu\n", U(s->OutRequests), U(s->OutDiscards), U(s->OutNoRoutes),
           U(s->ReasmTimeout), U(s->ReasmReqds), U(s->ReasmOKs), U(s->ReasmFails),
           U(s->FragOKs), U(s->FragFails), U(s->FragCreates));
    printk("IpExt: InTruncatedPkts %llu InCsumErrors %llu InBcastPkts %llu InMcastPkts %llu"
           " OutBcastPkts %llu InOctets %llu OutOctets %llu\n", U(s->InTruncatedPkts),
           U(s->InCsumErrors), U(s->InBcastPkts), U(s->InMcastPkts), U(s->OutBcastPkts),
           U(s->InOctets), U(s->OutOctets));
    printk("Ip drops: version %llu ihl %llu tot_len %llu options %llu frag_shape %llu"
           " martian_src %llu otherhost %llu not_for_us %llu source_route %llu"
           " nonlinear %llu\n", U(s->drop_version), U(s->drop_ihl),
           U(s->drop_totlen), U(s->drop_options), U(s->drop_frag_shape),
           U(s->drop_martian_src), U(s->drop_otherhost), U(s->drop_not_for_us),
           U(s->drop_source_route), U(s->drop_nonlinear));
    printk("Ip out drops: neigh %llu emsgsize %llu nomem %llu;"
           " reasm: overlaps %llu duplicates %llu too_big %llu bad_length %llu"
           " mem_evictions %llu queues_full %llu\n", U(s->out_neigh_errors), U(s->out_emsgsize),
           U(s->out_no_mem), U(s->reasm_overlaps), U(s->reasm_duplicates),
           U(s->reasm_too_big), U(s->reasm_bad_length), U(s->reasm_mem_evictions),
           U(s->reasm_queues_full));
#undef U
    nf_dump();          /* the netfilter drops, per hook and per rule */
}

static struct packet_type ip_packet_type = {
    .type = ETH_P_IP,
    .func = ip_rcv,
};

static int ip_init(void)
{
    icmp_init();
    udp_init();
    neigh_set_error_report(ip_neigh_error_report);
    dev_add_pack(&ip_packet_type);
    return 0;
}
subsys_initcall(ip_init);
