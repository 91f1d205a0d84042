/* net/ipv4/udp.c - UDP sockets (udp_prot) and the UDP receive path.
 *
 * Sockets are hashed by local port. A received datagram goes to the best match: a
 * socket connected to its source beats one bound to its destination address, which
 * beats a wildcard; broadcasts and multicasts go to every match. No match: ICMP port
 * unreachable (rate limited in icmp.c). Every queue is bounded by the socket's
 * sk_rcvbuf (sock_queue_rcv_skb); what does not fit is counted and dropped.
 *
 * Checksums: verified on receive unless the NIC did it (CHECKSUM_UNNECESSARY); on send
 * left to the NIC (CHECKSUM_PARTIAL) when the device offers NETIF_F_IP_CSUM and the
 * datagram fits the MTU, else computed here (a fragmented datagram's checksum covers
 * all the fragments, which the NIC never sees together). */
#include "net/ipv4/udp.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/route.h"
#include "net/ipv4/inetdevice.h"
#include "net/core/checksum.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "net/core/trace_stations.h"

struct udp_mib udpstats;
#define UDP_INC(f) do { unsigned long __f = local_irq_save(); udpstats.f++; \
                        local_irq_restore(__f); } while (0)

#define UDP_HTABLE_SIZE 128
static struct list_head udp_table[UDP_HTABLE_SIZE];
static bool udp_table_ready;
static uint16_t ephemeral_next;

static struct list_head *udp_bucket(uint16_t port)
{
    if (!udp_table_ready) {
        for (int i = 0; i < UDP_HTABLE_SIZE; i++)
            INIT_LIST_HEAD(&udp_table[i]);
        udp_table_ready = true;
    }
    return &udp_table[port % UDP_HTABLE_SIZE];
}

static inline struct udp_sock *udp_sk(struct sock *sk) { return (struct udp_sock *)sk; }

/* Would sk taking port clash with a socket already there? Two sockets may share a port
 * only when both asked for SO_REUSEADDR, or when they are bound to different specific
 * local addresses. */
static bool udp_port_conflict(const struct sock *sk, uint16_t port)
{
    struct sock *o;
    list_for_each_entry(o, udp_bucket(port), sk_node) {
        if (o == sk || o->inet_num != port)
            continue;
        if (sk->sk_reuse && o->sk_reuse)
            continue;
        if (!o->inet_saddr || !sk->inet_saddr || o->inet_saddr == sk->inet_saddr)
            return true;
    }
    return false;
}

static bool udp_port_used(uint16_t port)
{
    struct sock *o;
    list_for_each_entry(o, udp_bucket(port), sk_node)
        if (o->inet_num == port)
            return true;
    return false;
}

static int udp_get_port(struct sock *sk, uint16_t port)
{
    unsigned long f = local_irq_save();
    if (sk->inet_num) {
        local_irq_restore(f);
        return -EINVAL;
    }
    if (port == 0) {
        /* walk the range from where the last search stopped, taking a port nobody holds */
        unsigned n = UDP_EPHEMERAL_HIGH - UDP_EPHEMERAL_LOW + 1;
        if (!ephemeral_next)
            ephemeral_next = (uint16_t)(ip_select_ident() % n);
        for (unsigned i = 0; i < n; i++) {
            uint16_t cand = (uint16_t)(UDP_EPHEMERAL_LOW + (ephemeral_next + i) % n);
            if (!udp_port_used(cand)) {
                port = cand;
                ephemeral_next = (uint16_t)((ephemeral_next + i + 1) % n);
                break;
            }
        }
        if (!port) {
            local_irq_restore(f);
            return -EAGAIN;
        }
    } else if (udp_port_conflict(sk, port)) {
        local_irq_restore(f);
        return -EADDRINUSE;
    }
    sk->inet_num = port;
    sk->inet_sport = htons(port);
    list_add_tail(&sk->sk_node, udp_bucket(port));
    local_irq_restore(f);
    return 0;
}

static void udp_unhash(struct sock *sk)
{
    unsigned long f = local_irq_save();
    if (sk->inet_num && list_linked(&sk->sk_node))
        list_del_init(&sk->sk_node);
    local_irq_restore(f);
}

static int udp_init_sock(struct sock *sk)
{
    INIT_LIST_HEAD(&sk->sk_node);
    sk->pmtudisc_do = false;          /* UDP fragments by default (Linux: "want") */
    udp_sk(sk)->saddr_from_connect = false;
    return 0;
}

static void udp_close(struct sock *sk)
{
    udp_unhash(sk);
    sk_dst_reset(sk);
    skb_queue_purge(&sk->sk_receive_queue);
    sk->sk_state = TCP_CLOSE;
}

static int udp_disconnect(struct sock *sk, int flags)
{
    (void)flags;
    sk->sk_state = TCP_CLOSE;
    sk->inet_daddr = 0;
    sk->inet_dport = 0;
    if (udp_sk(sk)->saddr_from_connect) {
        sk->inet_saddr = 0;
        udp_sk(sk)->saddr_from_connect = false;
    }
    sk_dst_reset(sk);
    return 0;
}

static int udp_connect(struct sock *sk, const struct sockaddr_in *addr)
{
    if (addr->sin_port == 0)
        return -EINVAL;
    uint32_t daddr = addr->sin_addr.s_addr;
    struct flowi4 fl4;
    int err;
    struct rtable *rt = ip_route_output_ports(&fl4, daddr, sk->inet_saddr, addr->sin_port,
                                              sk->inet_sport, IPPROTO_UDP, sk->ip_tos, 0, &err);
    if (!rt)
        return err;
    if ((rt->rt_flags & RTCF_BROADCAST) && !sk->sk_broadcast) {
        ip_rt_put(rt);
        return -EACCES;
    }
    if (!sk->inet_saddr) {
        sk->inet_saddr = fl4.saddr;
        udp_sk(sk)->saddr_from_connect = true;
    }
    sk->inet_daddr = daddr;
    sk->inet_dport = addr->sin_port;
    sk->sk_state = TCP_ESTABLISHED;
    sk_dst_set(sk, rt);
    return 0;
}

/* Fill in the UDP header and the checksum (or leave it to the NIC), then IP. */
static int udp_send_skb(struct sk_buff *skb, struct flowi4 *fl4, struct sock *sk)
{
    struct rtable *rt = skb_rtable(skb);
    struct udphdr *uh = udp_hdr(skb);
    unsigned int len = skb->len;       /* UDP header + payload */
    uh->source = sk->inet_sport;
    uh->dest = fl4->fl4_dport;
    uh->len = htons((uint16_t)len);
    uh->check = 0;
    bool fits = len + IPV4_MIN_HLEN <= rt->mtu;
    if (fits && (rt->dev->features & NETIF_F_IP_CSUM)) {
        /* the NIC sums from csum_start to the end, seeded with the pseudo-header */
        skb->ip_summed = CHECKSUM_PARTIAL;
        skb->csum_start = (uint16_t)(skb_transport_header(skb) - skb->head);
        skb->csum_offset = offsetof(struct udphdr, check);
        uh->check = (uint16_t)~csum_tcpudp_magic(fl4->saddr, fl4->daddr, len, IPPROTO_UDP, 0);
    } else {
        __wsum s = skb_checksum(skb, 0, len, 0);     /* the pieces too, when built so */
        uh->check = csum_tcpudp_magic(fl4->saddr, fl4->daddr, len, IPPROTO_UDP, s);
        if (uh->check == 0)
            uh->check = 0xffff;        /* RFC 768: 0 would mean "no checksum" */
        skb->ip_summed = CHECKSUM_NONE;
    }
    int err = ip_send_skb(sk, fl4, skb);
    if (err == -ENOBUFS) {
        /* dropped for lack of buffers below us: counted, not an error to the app (Linux) */
        UDP_INC(SndbufErrors);
        err = 0;
    } else if (!err) {
        UDP_INC(OutDatagrams);
    }
    return err;
}

/* The message was checked and the sock bound by inet_sendmsg (the contract in sock.h):
 * what is left is UDP's own - routing, size against the path, building the datagram. */
static long udp_sendmsg(struct sock *sk, struct kmsg *m, size_t len)
{
    trace_point(TS_UDP_SENDMSG, NULL, len, sk->inet_num);
    bool connected = !m->has_name;
    uint32_t daddr = connected ? sk->inet_daddr : m->name.sin_addr.s_addr;
    uint16_t dport = connected ? sk->inet_dport : m->name.sin_port;

    struct flowi4 fl4;
    struct rtable *rt = NULL;
    int err;
    if (connected) {
        rt = __sk_dst_check(sk);
        if (rt) {
            rt_hold(rt);             /* ours for this call, whatever the cache does */
            fl4 = (struct flowi4){ .daddr = daddr, .saddr = sk->inet_saddr ? sk->inet_saddr : rt->rt_src,
                                   .fl4_dport = dport, .fl4_sport = sk->inet_sport,
                                   .flowi4_proto = IPPROTO_UDP };
        }
    }
    if (!rt) {
        rt = ip_route_output_ports(&fl4, daddr, sk->inet_saddr, dport, sk->inet_sport,
                                   IPPROTO_UDP, sk->ip_tos, 0, &err);
        if (!rt) {
            IP_INC_STATS(OutNoRoutes);
            return err;
        }
        if (connected) {
            rt_hold(rt);
            sk_dst_set(sk, rt);
        }
    }
    if ((rt->rt_flags & RTCF_BROADCAST) && !sk->sk_broadcast) {
        ip_rt_put(rt);
        return -EACCES;
    }
    struct sk_buff *skb = ip_make_skb(sk, &fl4, rt, m, (unsigned int)len, UDP_HLEN,
                                      (m->flags & MSG_DONTWAIT) || sk->nonblock, &err);
    if (!skb) {
        ip_rt_put(rt);
        return err;
    }
    err = udp_send_skb(skb, &fl4, sk);
    ip_rt_put(rt);
    return err ? err : (long)len;
}

static long udp_recvmsg(struct sock *sk, struct kmsg *m, size_t len, int flags)
{
    int err;
    struct sk_buff *skb = skb_recv_datagram(sk, flags, &err);
    if (!skb)
        return err;
    /* data starts at the payload; the headers are still there for the addresses */
    size_t dlen = skb->len;
    size_t copy = MIN(len, dlen);
    err = skb_copy_datagram_msg(skb, 0, m, (unsigned int)copy);
    if (err) {
        consume_skb(skb);
        return err;
    }
    if (copy < dlen)
        m->flags |= MSG_TRUNC;
    memset(&m->name, 0, sizeof(m->name));
    m->name.sin_family = AF_INET;
    m->name.sin_port = udp_hdr(skb)->source;
    m->name.sin_addr.s_addr = ip_hdr(skb)->saddr;
    m->has_name = true;
    consume_skb(skb);
    return (flags & MSG_TRUNC) ? (long)dlen : (long)copy;
}

static int udp_shutdown(struct sock *sk, int how)
{
    (void)sk;
    (void)how;             /* inet_shutdown records it and wakes the readers */
    return 0;
}

struct proto udp_prot = {
    .name = "UDP",
    .obj_size = sizeof(struct udp_sock),
    .init = udp_init_sock,
    .close = udp_close,
    .connect = udp_connect,
    .disconnect = udp_disconnect,
    .shutdown = udp_shutdown,
    .sendmsg = udp_sendmsg,
    .recvmsg = udp_recvmsg,
    .get_port = udp_get_port,
    .unhash = udp_unhash,
};

/* --- receive --- */

/* How well sk fits a datagram from saddr:sport to daddr:dport (-1: not at all). */
static int udp_score(const struct sock *sk, uint32_t saddr, uint16_t sport, uint32_t daddr,
                     uint16_t dport)
{
    if (sk->inet_num != ntohs(dport))
        return -1;
    int score = 0;
    if (sk->inet_saddr) {
        if (sk->inet_saddr != daddr)
            return -1;
        score += 4;
    }
    if (sk->inet_daddr) {
        if (sk->inet_daddr != saddr)
            return -1;
        score += 4;
    }
    if (sk->inet_dport) {
        if (sk->inet_dport != sport)
            return -1;
        score += 4;
    }
    return score;
}

static struct sock *udp_lookup(uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport)
{
    struct sock *sk, *best = NULL;
    int best_score = -1;
    list_for_each_entry(sk, udp_bucket(ntohs(dport)), sk_node) {
        int s = udp_score(sk, saddr, sport, daddr, dport);
        if (s > best_score) {
            best = sk;
            best_score = s;
        }
    }
    return best;
}

static void udp_queue_rcv_skb(struct sock *sk, struct sk_buff *skb)
{
    if (sock_queue_rcv_skb(sk, skb) < 0) {
        UDP_INC(RcvbufErrors);
        UDP_INC(InErrors);
        kfree_skb(skb);
        return;
    }
    UDP_INC(InDatagrams);
}

/* Broadcast or multicast: a copy for every socket that matches (a socket bound to a
 * specific unicast address does not get them: the destination is not its address). */
static void udp_mcast_deliver(struct sk_buff *skb, uint32_t saddr, uint16_t sport,
                              uint32_t daddr, uint16_t dport)
{
    struct sock *sk, *first = NULL;
    list_for_each_entry(sk, udp_bucket(ntohs(dport)), sk_node) {
        if (sk->inet_saddr && sk->inet_saddr != daddr)
            continue;
        if (sk->inet_num != ntohs(dport) || (sk->inet_daddr && sk->inet_daddr != saddr) ||
            (sk->inet_dport && sk->inet_dport != sport))
            continue;
        if (!first) {
            first = sk;
            continue;
        }
        struct sk_buff *c = skb_clone(skb);
        if (c)
            udp_queue_rcv_skb(sk, c);
    }
    if (first) {
        udp_queue_rcv_skb(first, skb);
    } else {
        UDP_INC(IgnoredMulti);
        consume_skb(skb);
    }
}

int udp_rcv(struct sk_buff *skb)
{
    const struct iphdr *iph = ip_hdr(skb);
    struct udp_repr r;
    unsigned flags = skb->ip_summed == CHECKSUM_UNNECESSARY ? UDP_PARSE_NO_CSUM : 0;
    int e = udp_hdr_parse(skb->data, skb->len, iph->saddr, iph->daddr, flags, &r);
    if (e) {
        if (e == UDP_ERR_CSUM)
            UDP_INC(InCsumErrors);
        else if (e == UDP_ERR_TRUNCATED)
            UDP_INC(in_truncated);
        else
            UDP_INC(in_bad_length);
        UDP_INC(InErrors);
        kfree_skb(skb);
        return -1;
    }
    skb_trim(skb, (unsigned int)(UDP_HLEN + r.payload_len));
    const struct udphdr *uh = (const struct udphdr *)skb->data;
    uint16_t sport = uh->source, dport = uh->dest;
    skb_pull(skb, UDP_HLEN);

    if (ipv4_is_multicast(iph->daddr) || (IPCB(skb)->flags & IPSKB_BROADCAST)) {
        udp_mcast_deliver(skb, iph->saddr, sport, iph->daddr, dport);
        return 0;
    }
    struct sock *sk = udp_lookup(iph->saddr, sport, iph->daddr, dport);
    if (!sk) {
        UDP_INC(NoPorts);
        icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
        kfree_skb(skb);
        return -1;
    }
    udp_queue_rcv_skb(sk, skb);
    return 0;
}

/* Linux's icmp_err_convert: what an ICMP error means to the application. */
static int icmp_to_errno(uint8_t type, uint8_t code, bool *fatal)
{
    *fatal = true;
    if (type == ICMP_DEST_UNREACH) {
        switch (code) {
        case ICMP_NET_UNREACH: case ICMP_NET_UNKNOWN: case ICMP_NET_UNR_TOS:
            return ENETUNREACH;
        case ICMP_PROT_UNREACH: return ENOPROTOOPT;
        case ICMP_PORT_UNREACH: return ECONNREFUSED;
        case ICMP_FRAG_NEEDED: return EMSGSIZE;
        case ICMP_SR_FAILED: return EOPNOTSUPP;
        case ICMP_NET_ANO: case ICMP_HOST_ANO: return ECONNREFUSED;
        default: return EHOSTUNREACH;
        }
    }
    *fatal = false;                 /* time exceeded, parameter problem: soft errors */
    return type == ICMP_PARAMETERPROB ? EPROTO : EHOSTUNREACH;
}

void udp_err(struct sk_buff *skb, const struct iphdr *quoted, uint8_t type, uint8_t code,
             uint32_t info)
{
    (void)skb;
    (void)info;
    const struct udphdr *uh = (const struct udphdr *)((const uint8_t *)quoted + quoted->ihl * 4u);
    /* we sent it: our address and port are its source, the peer its destination */
    struct sock *sk = udp_lookup(quoted->daddr, uh->dest, quoted->saddr, uh->source);
    if (!sk)
        return;
    bool fatal;
    int err = icmp_to_errno(type, code, &fatal);
    /* "fragmentation needed" only matters to a socket that forbade fragmentation
     * (Linux: a hard error under IP_PMTUDISC_DO); there is no path-MTU cache to update */
    if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED && !sk->pmtudisc_do)
        fatal = false;
    /* Linux reports errors only to connected sockets (without IP_RECVERR): an
     * unconnected one cannot tell which of its destinations it is about */
    if (sk->sk_state != TCP_ESTABLISHED || sk->inet_daddr != quoted->daddr)
        return;
    if (fatal)
        sk_error_report(sk, err);
    else
        sk->sk_err_soft = err;
}

static const struct net_protocol udp_protocol = {
    .handler = udp_rcv,
    .err_handler = udp_err,
};

void udp_init(void)
{
    udp_bucket(0);
    inet_add_protocol(&udp_protocol, IPPROTO_UDP);
}

void udp_stats_dump(void)
{
    const struct udp_mib *s = &udpstats;
#define U(x) (unsigned long long)(x)
    printk("Udp: InDatagrams %llu NoPorts %llu InErrors %llu OutDatagrams %llu"
           " RcvbufErrors %llu SndbufErrors %llu InCsumErrors %llu IgnoredMulti %llu\n",
           U(s->InDatagrams), U(s->NoPorts), U(s->InErrors), U(s->OutDatagrams),
           U(s->RcvbufErrors), U(s->SndbufErrors), U(s->InCsumErrors), U(s->IgnoredMulti));
    printk("Udp drops: truncated %llu bad_length %llu\n", U(s->in_truncated),
           U(s->in_bad_length));
#undef U
}

void udp_for_each_sock(void (*fn)(struct sock *sk, void *arg), void *arg)
{
    for (int i = 0; i < UDP_HTABLE_SIZE && udp_table_ready; i++) {
        struct sock *sk;
        list_for_each_entry(sk, &udp_table[i], sk_node)
            fn(sk, arg);
    }
}
