/* net/ipv4/tcp_offload.c - TCP's part of the software offloads. Send (GSO,
 * net/core/gso.h): cut a GSO packet's payload into gso_size pieces and give every piece
 * its own TCP header - its sequence number, the flags that belong to one end of the run
 * only, and its checksum (left to the NIC when it offloads checksums, else summed here).
 * Receive (GRO, net/core/gro.h): join a segment to the held packet of its flow when it
 * continues it exactly. The IPv4 header is the caller's (ip_offload.c). */
#include "net/ipv4/tcp.h"
#include "net/ipv4/ip.h"
#include "net/core/gso.h"
#include "net/core/gro.h"
#include "kernel/lib/string.h"
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

/* --- receive: joining in-order segments (GRO, net/core/gro.h) --- */

/* Segments one joined packet may carry (64 KiB of 1448-byte segments is 45). */
#define TCP_GRO_MAX_SEGS 64

static int gro_find_flow(struct sk_buff **held, unsigned n, const struct iphdr *iph,
                         const struct tcphdr *th)
{
    for (unsigned i = 0; i < n; i++) {
        const struct sk_buff *p = held[i];
        if (p->protocol != ETH_P_IP)
            continue;
        const struct iphdr *ph = (const struct iphdr *)p->data;   /* option-less: checked */
        const struct tcphdr *pth = (const struct tcphdr *)(ph + 1);
        if (ph->saddr == iph->saddr && ph->daddr == iph->daddr &&
            pth->source == th->source && pth->dest == th->dest)
            return (int)i;
    }
    return -1;
}

int tcp4_gro_receive(struct sk_buff **held, unsigned n, struct sk_buff *skb, int *slot)
{
    const struct iphdr *iph = (const struct iphdr *)skb->data;
    const struct tcphdr *th = (const struct tcphdr *)(iph + 1);
    unsigned thl = tcp_hdrlen_of(th);
    unsigned hlen = (unsigned)sizeof(*iph) + thl;
    if (thl < sizeof(*th) || hlen > skb_headlen(skb))
        return GRO_NORMAL;
    *slot = gro_find_flow(held, n, iph, th);
    unsigned len = skb->len - hlen;
    uint8_t flags = th->flags;
    /* pure ACKs, and segments with any flag but ACK and PSH, go up as they are */
    if (!len || (flags & (uint8_t)~(TCPHDR_ACK | TCPHDR_PSH)) || !(flags & TCPHDR_ACK))
        return GRO_NORMAL;
    if (*slot < 0)
        return (flags & TCPHDR_PSH) ? GRO_NORMAL : GRO_HOLD;
    struct sk_buff *p = held[*slot];
    struct gro_cb *cb = GRO_CB(p);
    const struct iphdr *ph = (const struct iphdr *)p->data;
    struct tcphdr *pth = (struct tcphdr *)(p->data + sizeof(*ph));
    unsigned phl = (unsigned)sizeof(*ph) + tcp_hdrlen_of(pth);
    if (cb->count == 1)
        cb->seg_len = (uint16_t)(p->len - phl);
    /* joins only the byte right after the run, with every other header field equal
     * (options included: a new timestamp starts a new run), no longer than the run's
     * first segment, within 64 KiB */
    if (ntohl(th->seq) != ntohl(pth->seq) + (p->len - phl) || thl != tcp_hdrlen_of(pth) ||
        th->ack_seq != pth->ack_seq || th->window != pth->window ||
        iph->tos != ph->tos || iph->ttl != ph->ttl ||
        memcmp(th + 1, pth + 1, thl - sizeof(*th)) != 0 ||
        len > cb->seg_len || p->len + len > 65535 || cb->count >= TCP_GRO_MAX_SEGS)
        return (flags & TCPHDR_PSH) ? GRO_NORMAL : GRO_FLUSH_HOLD;   /* after the run */
    skb_pull(skb, hlen);
    skb_gro_append(p, skb);
    /* a push or a short segment ends the run */
    if ((flags & TCPHDR_PSH) || len < cb->seg_len) {
        pth->flags |= (uint8_t)(flags & TCPHDR_PSH);
        return GRO_MERGED_FLUSH;
    }
    return GRO_MERGED;
}

void tcp4_gro_complete(struct sk_buff *skb)
{
    struct skb_shared_info *sh = skb_shinfo(skb);
    sh->gso_size = GRO_CB(skb)->seg_len;
    sh->gso_segs = GRO_CB(skb)->count;
    sh->gso_type = SKB_GSO_TCPV4;
}
