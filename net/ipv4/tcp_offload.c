/* net/ipv4/tcp_offload.c - TCP's part of software segmentation (net/core/gso.h): cut a
 * GSO packet's payload into gso_size pieces and give every piece its own TCP header -
 * its sequence number, the flags that belong to one end of the run only, and its
 * checksum (left to the NIC when it offloads checksums, else summed here). The IPv4
 * header is the caller's (inet_gso_segment), which has fixed it before we run. */
#include "net/ipv4/tcp.h"
#include "net/ipv4/ip.h"
#include "net/core/gso.h"
#include "net/core/checksum.h"
#include "net/core/netdevice.h"

struct sk_buff *tcp4_gso_segment(struct sk_buff *skb, uint32_t features)
{
    const struct tcphdr *th0 = (const struct tcphdr *)skb_transport_header(skb);
    unsigned int thlen = tcp_hdrlen_of(th0);
    unsigned int hdr_len = (unsigned int)skb_transport_offset(skb) + thlen;
    if (thlen < sizeof(struct tcphdr) || hdr_len > skb_headlen(skb))
        return NULL;
    struct sk_buff *segs = skb_segment(skb, hdr_len, features);
    if (!segs)
        return NULL;
    uint32_t seq = ntohl(th0->seq);
    uint8_t flags = th0->flags;
    unsigned int mss = skb_shinfo(skb)->gso_size;
    for (struct sk_buff *seg = segs; seg; seg = seg->next) {
        struct tcphdr *th = (struct tcphdr *)skb_transport_header(seg);
        const struct iphdr *iph = ip_hdr(seg);
        th->seq = htonl(seq);
        seq += mss;
        /* CWR belongs to the first segment only; FIN and PSH to the last only */
        if (seg != segs)
            th->flags &= (uint8_t)~TCPHDR_CWR;
        if (seg->next)
            th->flags &= (uint8_t)~(TCPHDR_FIN | TCPHDR_PSH);
        else
            th->flags = (uint8_t)(th->flags | (flags & (TCPHDR_FIN | TCPHDR_PSH)));
        unsigned int tcplen = seg->len - (unsigned int)skb_transport_offset(seg);
        if (features & NETIF_F_IP_CSUM) {
            seg->ip_summed = CHECKSUM_PARTIAL;
            seg->csum_start = (uint16_t)(skb_transport_header(seg) - seg->head);
            seg->csum_offset = offsetof(struct tcphdr, check);
            th->check = (uint16_t)~csum_tcpudp_magic(iph->saddr, iph->daddr, tcplen, IPPROTO_TCP, 0);
        } else {
            seg->ip_summed = CHECKSUM_NONE;
            th->check = 0;
            th->check = csum_tcpudp_magic(iph->saddr, iph->daddr, tcplen, IPPROTO_TCP,
                                          skb_checksum(seg, (unsigned int)skb_transport_offset(seg),
                                                       tcplen, 0));
        }
    }
    return segs;
}
