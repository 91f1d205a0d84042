/* net/ipv4/ip_output.c - IPv4 output, stations 7 to 9 of docs/sendpath.md:
 *
 *   ip_queue_xmit (TCP)   ip_make_skb + ip_send_skb (UDP)
 *        \                  /
 *         ip_local_out -> nf_hook(LOCAL_OUT) -> dst_output -> ip_output
 *         -> nf_hook(POST_ROUTING) -> ip_finish_output -> [ip_fragment] -> ip_finish_output2
 *         -> neighbour (__ipv4_neigh_lookup_noref / __neigh_create / neigh_output)
 *
 * Every function here consumes the skb it is given, whatever it returns. The route of a
 * packet in flight is borrowed in IPCB(skb)->rt from the caller, who holds a reference
 * until the call returns; nothing below ip_finish_output2 needs it.
 *
 * The IPv4 header checksum is always computed in software (20 bytes: cheaper than
 * a context descriptor); the L4 checksum may be left to the NIC (CHECKSUM_PARTIAL) by
 * the transport, except for packets that get fragmented, which are finished here. */
#include "net/ipv4/ip.h"
#include "net/ipv4/route.h"
#include "net/ipv4/icmp.h"
#include "net/core/checksum.h"
#include "net/core/neighbour.h"
#include "net/core/sock.h"
#include "net/netfilter/netfilter.h"
#include "kernel/softirq.h"
#include "kernel/errno.h"
#include "kernel/time.h"
#include "kernel/lib/string.h"
#include "net/core/trace_stations.h"
#include "kernel/lib/hash.h"
#include "kernel/lib/unaligned.h"

struct ipstats_mib ipstats;

uint16_t ip_select_ident(void)
{
    static uint16_t next;
    static bool seeded;
    unsigned long f = local_irq_save();
    if (!seeded) {
        /* IDs need only be unique per (src, dst, proto) for the reassembly timeout;
         * starting from the boot clock avoids reusing the last boot's values. */
        uint64_t t = ktime_get_ns();
        next = (uint16_t)(t ^ (t >> 16) ^ (t >> 32));
        seeded = true;
    }
    uint16_t id = next++;
    local_irq_restore(f);
    return id;
}

/* The flow hash the TX queue is picked by (netdev_pick_tx): addresses, protocol and, for
 * TCP and UDP, the ports at the transport header. Set here, where the header is known,
 * and copied to every fragment, so a datagram's pieces share a queue. */
static uint32_t ip_flow_hash(const struct sk_buff *skb, uint32_t saddr, uint32_t daddr,
                             uint8_t protocol)
{
    uint32_t ports = 0;
    if ((protocol == IPPROTO_UDP || protocol == IPPROTO_TCP) &&
        skb->transport_header != 0xffff && skb_headlen(skb) >= 4 &&
        skb_transport_header(skb) == skb->data)
        ports = get_unaligned_be32(skb->data);
    uint32_t h = hash_mix32(saddr ^ hash_mix32(daddr ^ hash_mix32(ports ^ (protocol * 0x9e3779b9u))));
    return h ? h : 1;
}

void ip_build_header(struct sk_buff *skb, const struct rtable *rt, uint32_t saddr,
                     uint32_t daddr, uint8_t protocol, uint8_t ttl, uint8_t tos, bool df)
{
    if (!skb->hash)
        skb->hash = ip_flow_hash(skb, saddr, daddr, protocol);
    unsigned int payload = skb->len;
    uint8_t *h = skb_push(skb, IPV4_MIN_HLEN);
    skb_reset_network_header(skb);
    struct ipv4_repr r = {
        .saddr = saddr, .daddr = daddr, .protocol = protocol, .tos = tos, .df = df,
        .id = ip_select_ident(), .payload_len = (uint16_t)payload,
        /* multicast stays on the link unless the app asks otherwise (Linux's mc_ttl) */
        .ttl = rt && (rt->rt_flags & RTCF_MULTICAST) ? 1 : (ttl ? ttl : IPDEFTTL),
    };
    ipv4_hdr_emit(&r, h, IPV4_MIN_HLEN);
    skb->protocol = ETH_P_IP;
}

/* Station 7 */
int ip_queue_xmit(struct sock *sk, struct sk_buff *skb)
{
    trace_skb(TS_IP_QUEUE_XMIT, skb, 0);
    struct rtable *rt = __sk_dst_check(sk);
    if (!rt) {
        struct flowi4 fl4;
        int err;
        rt = ip_route_output_ports(&fl4, sk->inet_daddr, sk->inet_saddr, sk->inet_dport,
                                   sk->inet_sport, sk->sk_protocol, sk->ip_tos, 0, &err);
        if (!rt) {
            IP_INC_STATS(OutNoRoutes);
            kfree_skb(skb);
            return err;
        }
        sk_dst_set(sk, rt);            /* the socket keeps the reference */
    }
    if (skb->len + IPV4_MIN_HLEN > IP_MAX_PACKET) {
        kfree_skb(skb);
        return -EMSGSIZE;
    }
    skb_reset_transport_header(skb);
    uint32_t saddr = sk->inet_saddr ? sk->inet_saddr : rt->rt_src;
    ip_build_header(skb, rt, saddr, sk->inet_daddr, sk->sk_protocol, sk->ip_ttl, sk->ip_tos,
                    sk->pmtudisc_do);
    skb->priority = sk->sk_priority;
    IPCB(skb)->rt = rt;
    return ip_local_out(sk, skb);
}

/* Station 8 */
int ip_local_out(struct sock *sk, struct sk_buff *skb)
{
    IP_INC_STATS(OutRequests);
    struct rtable *rt = skb_rtable(skb);
    return nf_hook(NF_INET_LOCAL_OUT, sk, skb, NULL, rt->dev, dst_output);
}

int dst_output(struct sock *sk, struct sk_buff *skb)
{
    return skb_rtable(skb)->output(sk, skb);
}

int ip_output(struct sock *sk, struct sk_buff *skb)
{
    struct net_device *dev = skb_rtable(skb)->dev;
    skb->dev = dev;
    skb->protocol = ETH_P_IP;
    return nf_hook(NF_INET_POST_ROUTING, sk, skb, NULL, dev, ip_finish_output);
}

/* Station 9 */
int ip_finish_output(struct sock *sk, struct sk_buff *skb)
{
    struct rtable *rt = skb_rtable(skb);
    unsigned int mtu = MIN(rt->mtu, rt->dev->mtu);
    /* a TSO packet is cut to size by the NIC (gso_size keeps each segment within mtu) */
    if (skb->len > mtu && !skb_is_gso(skb))
        return ip_fragment(sk, skb, mtu, ip_finish_output2);
    return ip_finish_output2(sk, skb);
}

/* Slow-path fragmentation (RFC 791 section 3.2, "Fragmentation"): every fragment is a
 * fresh skb with a copy of the header and its slice of the payload; offsets are in 8-byte
 * units, MF on all but the last. Fragments stay charged to the sending socket so that a
 * big datagram keeps holding send-buffer space until the NIC has sent it. */
/* Built in pieces that fit (ip_make_skb): each is a fragment once it has a header. */
static bool frag_list_fits(struct sk_buff *skb, unsigned int hlen, unsigned int mtu)
{
    if (skb_cloned(skb) || skb->shinfo->nr_frags || skb_headlen(skb) > mtu ||
        ((skb_headlen(skb) - hlen) & 7))
        return false;
    for (struct sk_buff *l = skb->shinfo->frag_list; l; l = l->next)
        if (l->len + hlen > mtu || (l->next && (l->len & 7)) || skb_headroom(l) < hlen ||
            skb_cloned(l) || skb_is_nonlinear(l))
            return false;
    return true;
}

/* The fast path: the head keeps its own bytes, every piece of the chain gets a copy of
 * the header with its offset. No payload byte moves. */
static int ip_fragment_list(struct sock *sk, struct sk_buff *skb, unsigned int hlen,
                            int (*output)(struct sock *, struct sk_buff *))
{
    struct sk_buff *frag = skb->shinfo->frag_list;
    skb->shinfo->frag_list = NULL;
    skb->len -= skb->data_len;
    skb->data_len = 0;
    struct iphdr *iph = ip_hdr(skb);
    uint16_t fo = ntohs(iph->frag_off);
    unsigned int base = (fo & IP_OFFSET) * 8u;
    bool more = fo & IP_MF;
    iph->frag_off = htons((uint16_t)(fo | IP_MF));
    iph->tot_len = htons((uint16_t)skb->len);
    iph->check = 0;
    iph->check = ip_fast_csum(iph, iph->ihl);
    /* the head may be gone once sent: keep what the pieces need */
    uint8_t hdr[IPV4_MAX_HLEN];
    char cb[sizeof(skb->cb)];
    memcpy(hdr, iph, hlen);
    memcpy(cb, skb->cb, sizeof(cb));
    struct net_device *dev = skb->dev;
    uint16_t protocol = skb->protocol;
    uint32_t priority = skb->priority, hash = skb->hash;
    unsigned int off = skb->len - hlen;
    IP_INC_STATS(FragCreates);
    int err = output(sk, skb);
    while (frag) {
        struct sk_buff *next = frag->next;
        frag->next = NULL;
        if (err) {
            kfree_skb(frag);
            frag = next;
            continue;
        }
        unsigned int len = frag->len;
        uint8_t *h = skb_push(frag, hlen);
        skb_reset_network_header(frag);
        memcpy(h, hdr, hlen);
        struct iphdr *fh = (struct iphdr *)h;
        uint16_t nfo = (uint16_t)(((base + off) / 8) & IP_OFFSET);
        if (next || more)
            nfo |= IP_MF;
        fh->frag_off = htons(nfo);
        fh->tot_len = htons((uint16_t)(hlen + len));
        fh->check = 0;
        fh->check = ip_fast_csum(fh, fh->ihl);
        frag->dev = dev;
        frag->protocol = protocol;
        frag->priority = priority;
        frag->hash = hash;
        memcpy(frag->cb, cb, sizeof(cb));
        off += len;
        IP_INC_STATS(FragCreates);
        err = output(sk, frag);
        frag = next;
    }
    if (err)
        IP_INC_STATS(FragFails);
    else
        IP_INC_STATS(FragOKs);
    return err;
}

int ip_fragment(struct sock *sk, struct sk_buff *skb, unsigned int mtu,
                int (*output)(struct sock *, struct sk_buff *))
{
    struct iphdr *iph = ip_hdr(skb);
    unsigned int hlen = iph->ihl * 4u;
    uint16_t fo = ntohs(iph->frag_off);
    if (!(fo & IP_DF) && skb_has_frag_list(skb) && skb->ip_summed != CHECKSUM_PARTIAL &&
        frag_list_fits(skb, hlen, mtu))
        return ip_fragment_list(sk, skb, hlen, output);
    /* otherwise (no pieces, or pieces that no longer fit the path) copy, below */

    if (fo & IP_DF) {
        /* the sender asked for no fragmentation: tell it, as ICMP frag-needed would */
        IP_INC_STATS(FragFails);
        IP_INC_STATS(out_emsgsize);
        kfree_skb(skb);
        return -EMSGSIZE;
    }
    if (mtu < hlen + 8 || skb_checksum_help(skb) < 0) {
        IP_INC_STATS(FragFails);
        kfree_skb(skb);
        return -EINVAL;
    }
    unsigned int left = skb->len - hlen;
    unsigned int maxp = (mtu - hlen) & ~7u;
    unsigned int base = (fo & IP_OFFSET) * 8u;     /* refragmenting a fragment */
    bool more = fo & IP_MF;
    unsigned int off = 0;
    int err = 0;

    while (left) {
        unsigned int len = MIN(left, maxp);
        struct sk_buff *f = alloc_skb(LL_RESERVED_SPACE + hlen + len);
        if (!f) {
            err = -ENOBUFS;
            break;
        }
        skb_reserve(f, LL_RESERVED_SPACE);
        uint8_t *h = skb_put(f, hlen + len);
        memcpy(h, iph, hlen);
        skb_copy_bits(skb, hlen + off, h + hlen, len);
        struct iphdr *fh = (struct iphdr *)h;
        uint16_t nfo = (uint16_t)(((base + off) / 8) & IP_OFFSET);
        if (left > len || more)
            nfo |= IP_MF;
        fh->frag_off = htons(nfo);
        fh->tot_len = htons((uint16_t)(hlen + len));
        fh->check = 0;
        fh->check = ip_fast_csum(fh, fh->ihl);
        skb_reset_network_header(f);
        f->dev = skb->dev;
        f->protocol = skb->protocol;
        f->priority = skb->priority;
        f->hash = skb->hash;
        memcpy(f->cb, skb->cb, sizeof(f->cb));
        if (skb->sk)
            skb_set_owner_w(f, skb->sk);
        off += len;
        left -= len;
        IP_INC_STATS(FragCreates);
        err = output(sk, f);
        if (err)
            break;
    }
    if (err)
        IP_INC_STATS(FragFails);
    else
        IP_INC_STATS(FragOKs);
    consume_skb(skb);
    return err;
}

int ip_finish_output2(struct sock *sk, struct sk_buff *skb)
{
    trace_skb(TS_IP_FINISH_OUTPUT2, skb, 0);
    struct rtable *rt = skb_rtable(skb);
    struct net_device *dev = rt->dev;
    uint32_t nexthop = rt_nexthop(rt, ip_hdr(skb)->daddr);
    if (rt->rt_flags & RTCF_BROADCAST)
        IP_INC_STATS(OutBcastPkts);
    IP_ADD_STATS(OutOctets, skb->len);
    /* the borrowed route must not outlive this call: queues below keep the skb longer */
    IPCB(skb)->rt = NULL;
    /* bottom halves off between lookup and output: the neighbour's timers and ARP may
     * otherwise change or collect the entry under us (net/core/neighbour.h) */
    local_bh_disable();
    struct neighbour *n = __ipv4_neigh_lookup_noref(dev, nexthop);
    if (!n)
        n = __neigh_create(nexthop, dev);
    int rc;
    if (n) {
        rc = neigh_output(n, skb);
    } else {
        kfree_skb(skb);
        rc = -ENOBUFS;
    }
    local_bh_enable();
    /* neigh_output speaks errnos already (net_xmit_errno in the neighbour layer) */
    if (rc < 0)
        IP_INC_STATS(out_neigh_errors);
    return rc;
}

/* --- the UDP branch --- */

struct sk_buff *ip_make_skb(struct sock *sk, struct flowi4 *fl4, struct rtable *rt,
                            struct kmsg *m, unsigned int length, unsigned int transhdrlen,
                            bool nonblock, int *err)
{
    if (length + transhdrlen + IPV4_MIN_HLEN > IP_MAX_PACKET) {
        *err = -EMSGSIZE;
        return NULL;
    }
    /* DF requested: the datagram must fit the path as it is */
    if (sk->pmtudisc_do && length + transhdrlen + IPV4_MIN_HLEN > rt->mtu) {
        IP_INC_STATS(out_emsgsize);
        *err = -EMSGSIZE;
        return NULL;
    }
    /* A datagram that will be fragmented is built in fragment-sized pieces, so that the
     * payload is copied once, from the user into the pieces, and ip_fragment only puts
     * a header in front of each (Linux's __ip_append_data). The first piece carries the
     * transport header; every piece but the last holds a multiple of 8 bytes. */
    unsigned int mtu = MIN(rt->mtu, rt->dev->mtu);
    unsigned int total = transhdrlen + length;
    unsigned int piece = total + IPV4_MIN_HLEN <= mtu ? total : (mtu - IPV4_MIN_HLEN) & ~7u;
    struct sk_buff *skb = NULL, **tailp = NULL;
    for (unsigned int done = 0; done < total || !skb;) {
        unsigned int n = MIN(total - done, piece);
        struct sk_buff *p = sock_alloc_send_skb(sk, IP_OUT_HEADROOM + n, nonblock, err);
        if (!p) {
            kfree_skb(skb);             /* and the pieces chained to it */
            return NULL;
        }
        skb_reserve(p, IP_OUT_HEADROOM);
        uint8_t *d = skb_put(p, n);
        unsigned int hdr = skb ? 0 : transhdrlen;
        if (n > hdr && kmsg_copy_from(m, d + hdr, n - hdr) < 0) {
            kfree_skb(p);
            kfree_skb(skb);
            *err = -EFAULT;
            return NULL;
        }
        if (!skb) {
            skb = p;
            skb_reset_transport_header(skb);
            tailp = &skb->shinfo->frag_list;
        } else {
            *tailp = p;
            tailp = &p->next;
            skb->len += n;
            skb->data_len += n;
        }
        done += n;
    }
    skb->priority = sk->sk_priority;
    IPCB(skb)->rt = rt;
    IPCB(skb)->flags = 0;
    (void)fl4;
    *err = 0;
    return skb;
}

int ip_send_skb(struct sock *sk, struct flowi4 *fl4, struct sk_buff *skb)
{
    trace_skb(TS_IP_SEND_SKB, skb, 0);
    struct rtable *rt = skb_rtable(skb);
    ip_build_header(skb, rt, fl4->saddr, fl4->daddr, sk->sk_protocol, sk->ip_ttl,
                    sk->ip_tos, sk->pmtudisc_do);
    int err = ip_local_out(sk, skb);
    if (err)
        IP_INC_STATS(OutDiscards);
    return err;
}

/* A packet dropped because its next hop never answered ARP: tell the sending socket
 * as an ICMP host-unreachable about it would (Linux's arp_error_report). The queued skb
 * still starts at its IP header. */
void ip_neigh_error_report(struct neighbour *n, struct sk_buff *skb)
{
    (void)n;
    if (!skb->sk || skb_headlen(skb) < IPV4_MIN_HLEN)
        return;
    const struct iphdr *iph = (const struct iphdr *)skb->data;
    unsigned int hlen = iph->ihl * 4u;
    if (iph->version != 4 || hlen < IPV4_MIN_HLEN || skb_headlen(skb) < hlen + 8)
        return;
    const struct net_protocol *p = inet_get_protocol(iph->protocol);
    if (p && p->err_handler)
        p->err_handler(skb, iph, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
}
