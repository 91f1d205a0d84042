/* net/ipv4/ip_offload.c - IPv4's part of software segmentation (net/core/gso.h): the
 * packet_offload for ETH_P_IP. The transport cuts the payload and fixes its own header
 * (TCP: tcp4_gso_segment); here each segment gets its own IPv4 total length, a
 * consecutive id and a fresh header checksum. (Linux keeps this in af_inet.c; it has a
 * file of its own here so that sockets and offloads link apart.) */
#include "net/ipv4/ip.h"
#include "net/ipv4/tcp.h"
#include "net/core/gso.h"
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

static struct packet_offload ip_packet_offload = {
    .type = ETH_P_IP,
    .gso_segment = inet_gso_segment,
};

static int ipv4_offload_init(void)
{
    dev_add_offload(&ip_packet_offload);
    return 0;
}
core_initcall(ipv4_offload_init);
