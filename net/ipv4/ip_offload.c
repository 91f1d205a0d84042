/* net/ipv4/ip_offload.c - IPv4's part of the software offloads, the packet_offload for
 * ETH_P_IP. Send (GSO, net/core/gso.h): the transport cuts the payload and fixes its own
 * header (TCP: tcp4_gso_segment); here each segment gets its own IPv4 total length, a
 * consecutive id and a fresh header checksum. Receive (GRO, net/core/gro.h): only
 * option-less, unfragmented IPv4 carrying TCP may be joined (tcp4_gro_receive decides
 * the rest); a joined packet gets its total length and header checksum back here.
 * (Linux keeps this in af_inet.c; it has a file of its own here so that sockets and
 * offloads link apart.) */
#include "net/ipv4/ip.h"
#include "net/ipv4/tcp.h"
#include "net/core/gso.h"
#include "net/core/gro.h"
#include "net/core/checksum.h"
#include "net/core/netdevice.h"
#include "kernel/init.h"

static struct sk_buff *inet_gso_segment(struct sk_buff *skb, uint32_t features)
{
    const struct iphdr *iph = ip_hdr(skb);
    if (iph->version != 4 || iph->ihl < 5 ||
        skb_transport_offset(skb) != skb_network_offset(skb) + iph->ihl * 4)
        return NULL;
    if (iph->protocol != IPPROTO_TCP || skb_shinfo(skb)->gso_type != SKB_GSO_TCPV4)
        return NULL;
    uint16_t id = ntohs(iph->id);
    struct sk_buff *segs = tcp4_gso_segment(skb, features);
    for (struct sk_buff *seg = segs; seg; seg = seg->next) {
        struct iphdr *h = ip_hdr(seg);
        h->tot_len = htons((uint16_t)(seg->len - (unsigned int)skb_network_offset(seg)));
        h->id = htons(id++);
        h->check = 0;
        h->check = ip_fast_csum(h, h->ihl);
    }
    return segs;
}

static int inet_gro_receive(struct sk_buff **held, unsigned n, struct sk_buff *skb, int *slot)
{
    if (skb_headlen(skb) < sizeof(struct iphdr) + sizeof(struct tcphdr) ||
        skb->ip_summed != CHECKSUM_UNNECESSARY)
        return GRO_NORMAL;
    const struct iphdr *iph = (const struct iphdr *)skb->data;
    if (iph->version != 4 || iph->ihl != 5 || iph->protocol != IPPROTO_TCP ||
        (ntohs(iph->frag_off) & (IP_MF | IP_OFFSET)) || ntohs(iph->tot_len) != skb->len)
        return GRO_NORMAL;
    return tcp4_gro_receive(held, n, skb, slot);
}

static void inet_gro_complete(struct sk_buff *skb)
{
    struct iphdr *iph = (struct iphdr *)skb->data;
    iph->tot_len = htons((uint16_t)skb->len);
    iph->check = 0;
    iph->check = ip_fast_csum(iph, iph->ihl);
    tcp4_gro_complete(skb);
}

static struct packet_offload ip_packet_offload = {
    .type = ETH_P_IP,
    .gso_segment = inet_gso_segment,
    .gro_receive = inet_gro_receive,
    .gro_complete = inet_gro_complete,
};

static int ipv4_offload_init(void)
{
    dev_add_offload(&ip_packet_offload);
    return 0;
}
core_initcall(ipv4_offload_init);
