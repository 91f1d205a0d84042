/* net/ipv4/tcp_ipv4.c - TCP over IPv4: the receive entry point, the lookup tables, active
 * open, and the replies sent on behalf of no connection (RST, TIME_WAIT ACKs).
 *
 *   ip_local_deliver -> tcp_v4_rcv: checksum, header and option sanity, then
 *     established table (4-tuple) -> TIME_WAIT table -> listeners (local port);
 *     a sock owned by a task gets the segment on its backlog (net/core/sock.h).
 *
 * Tables: established (every synchronized or SYN_SENT sock with a peer), listening (by
 * port), bound ports (every sock holding a local port, for bind conflicts and ephemeral
 * selection). Single CPU: masking interrupts is the only lock. A sock in a table holds a
 * reference (sock_hold) so an orphaned connection lives until it is unhashed. */
#include "net/ipv4/tcp.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/route.h"
#include "net/ipv4/af_inet.h"
#include "net/core/checksum.h"
#include "net/core/secure_seq.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

#define TCP_EHASH_SIZE 1024
#define TCP_LHASH_SIZE 32
#define TCP_BHASH_SIZE 256

static struct list_head ehash[TCP_EHASH_SIZE];
static struct list_head lhash[TCP_LHASH_SIZE];
static struct list_head bhash[TCP_BHASH_SIZE];
static bool tables_ready;

static void tables_init(void)
{
    if (tables_ready)
        return;
    for (int i = 0; i < TCP_EHASH_SIZE; i++)
        INIT_LIST_HEAD(&ehash[i]);
    for (int i = 0; i < TCP_LHASH_SIZE; i++)
        INIT_LIST_HEAD(&lhash[i]);
    for (int i = 0; i < TCP_BHASH_SIZE; i++)
        INIT_LIST_HEAD(&bhash[i]);
    tables_ready = true;
}

static unsigned ehashfn(uint32_t laddr, uint16_t lport, uint32_t faddr, uint16_t fport)
{
    /* every received segment hashes here: the cheap keyed table hash, not SipHash */
    return secure_table_hash3(laddr, faddr, (uint32_t)lport << 16 | fport) % TCP_EHASH_SIZE;
}

/* --- lookup --- */
struct sock *tcp_lookup_established(uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport)
{
    /* saddr/sport: the remote end; daddr/dport: ours (network order) */
    tables_init();
    /* the bucket once: list_for_each_entry evaluates its head on every step */
    struct list_head *bucket = &ehash[ehashfn(daddr, dport, saddr, sport)];
    struct tcp_sock *tp;
    list_for_each_entry(tp, bucket, sk.sk_node) {
        struct sock *sk = &tp->sk;
        if (sk->inet_daddr == saddr && sk->inet_dport == sport &&
            sk->inet_sport == dport && (sk->inet_saddr == daddr || !sk->inet_saddr))
            return sk;
    }
    return NULL;
}

static struct sock *tcp_lookup_listener(uint32_t daddr, uint16_t dport)
{
    tables_init();
    struct sock *best = NULL;
    struct tcp_sock *tp;
    list_for_each_entry(tp, &lhash[ntohs(dport) % TCP_LHASH_SIZE], sk.sk_node) {
        struct sock *sk = &tp->sk;
        if (sk->inet_sport != dport)
            continue;
        if (sk->inet_saddr == daddr)
            return sk;                      /* a specific address wins */
        if (!sk->inet_saddr && !best)
            best = sk;
    }
    return best;
}

void tcp_hash(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (tp->hashed)
        return;
    tables_init();
    unsigned long f = local_irq_save();
    list_add(&sk->sk_node, &ehash[ehashfn(sk->inet_saddr, sk->inet_sport, sk->inet_daddr,
                                          sk->inet_dport)]);
    tp->hashed = true;
    local_irq_restore(f);
    sock_hold(sk);
}

void tcp_listen_hash(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (tp->hashed)
        return;
    tables_init();
    unsigned long f = local_irq_save();
    list_add_tail(&sk->sk_node, &lhash[sk->inet_num % TCP_LHASH_SIZE]);
    tp->hashed = true;
    local_irq_restore(f);
    sock_hold(sk);
}

void tcp_unhash(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (!tp->hashed)
        return;
    unsigned long f = local_irq_save();
    list_del_init(&sk->sk_node);
    tp->hashed = false;
    local_irq_restore(f);
    sock_put(sk);
}

/* --- ports --- */
static bool tcp_bind_conflict(const struct sock *sk, uint16_t port)
{
    struct tcp_sock *tp;
    list_for_each_entry(tp, &bhash[port % TCP_BHASH_SIZE], bind_node) {
        const struct sock *o = &tp->sk;
        if (o == sk || o->inet_num != port)
            continue;
        /* SO_REUSEADDR on both: fine unless the other one listens (Linux) */
        if (sk->sk_reuse && o->sk_reuse && o->sk_state != TCP_LISTEN)
            continue;
        if (!o->inet_saddr || !sk->inet_saddr || o->inet_saddr == sk->inet_saddr)
            return true;
    }
    /* a connection still in TIME_WAIT on this port blocks a bind without SO_REUSEADDR */
    if (!sk->sk_reuse && tcp_tw_lookup(0, 0, sk->inet_saddr, htons(port)))
        return true;
    return false;
}

static bool tcp_port_bound(uint16_t port)
{
    struct tcp_sock *tp;
    list_for_each_entry(tp, &bhash[port % TCP_BHASH_SIZE], bind_node)
        if (tp->sk.inet_num == port)
            return true;
    return false;
}

static void tcp_bind_add(struct sock *sk, uint16_t port)
{
    sk->inet_num = port;
    sk->inet_sport = htons(port);
    list_add_tail(&tcp_sk(sk)->bind_node, &bhash[port % TCP_BHASH_SIZE]);
}

void tcp_put_port(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    unsigned long f = local_irq_save();
    if (list_linked(&tp->bind_node))
        list_del_init(&tp->bind_node);
    local_irq_restore(f);
}

void tcp_bind_inherit(struct sock *child, struct sock *parent)
{
    unsigned long f = local_irq_save();
    child->inet_num = parent->inet_num;
    list_add_tail(&tcp_sk(child)->bind_node, &bhash[parent->inet_num % TCP_BHASH_SIZE]);
    local_irq_restore(f);
}

int tcp_v4_get_port(struct sock *sk, uint16_t port)
{
    tables_init();
    unsigned long f = local_irq_save();
    if (sk->inet_num) {
        local_irq_restore(f);
        return -EINVAL;
    }
    if (port == 0) {
        /* bind(0): any port nobody holds; start at a random place, prefer odd ones
         * (connect takes the even ones first, RFC 6056 style split as in Linux) */
        unsigned range = TCP_EPHEMERAL_HIGH - TCP_EPHEMERAL_LOW + 1;
        unsigned off = (unsigned)(secure_random_u64() % range);
        for (unsigned i = 0; i < range; i++) {
            uint16_t cand = (uint16_t)(TCP_EPHEMERAL_LOW + (off + i) % range);
            if (!tcp_port_bound(cand) && !tcp_tw_lookup(0, 0, 0, htons(cand))) {
                port = cand;
                break;
            }
        }
        if (!port) {
            local_irq_restore(f);
            return -EADDRINUSE;
        }
    } else if (tcp_bind_conflict(sk, port)) {
        local_irq_restore(f);
        return -EADDRINUSE;
    }
    tcp_bind_add(sk, port);
    tcp_sk(sk)->bound_explicitly = true;
    local_irq_restore(f);
    return 0;
}

/* RFC 6056 Algorithm 4 (double-hash port selection) for connect(): each destination
 * walks the range from its own keyed offset plus a perturbation that moves on as ports
 * are used, so the next port cannot be guessed across destinations. */
#define PORT_TABLE_SIZE 256
static uint16_t port_perturb[PORT_TABLE_SIZE];

static bool tcp_4tuple_free(uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport)
{
    return !tcp_lookup_established(daddr, dport, saddr, sport) &&
           !tcp_tw_lookup(daddr, dport, saddr, sport);
}

static int inet_hash_connect(struct sock *sk)
{
    if (sk->inet_num) {
        /* bound already (bind before connect): the 4-tuple must be unique */
        if (!tcp_4tuple_free(sk->inet_saddr, sk->inet_sport, sk->inet_daddr, sk->inet_dport))
            return -EADDRNOTAVAIL;
        tcp_hash(sk);
        return 0;
    }
    unsigned range = TCP_EPHEMERAL_HIGH - TCP_EPHEMERAL_LOW + 1;
    range &= ~1u;
    uint64_t fh = secure_hash4(SECURE_KEY_PORT, sk->inet_saddr, sk->inet_daddr,
                               sk->inet_dport, (uint32_t)(jiffies / (10 * HZ)));
    unsigned idx = (unsigned)(fh & (PORT_TABLE_SIZE - 1));
    unsigned offset = (unsigned)((port_perturb[idx] + (fh >> 32)) % range) & ~1u;
    unsigned long f = local_irq_save();
    for (unsigned parity = 0; parity < 2; parity++) {
        for (unsigned i = 0; i < range; i += 2) {
            uint16_t port = (uint16_t)(TCP_EPHEMERAL_LOW + ((offset + i) % range) + parity);
            if (port > TCP_EPHEMERAL_HIGH)
                continue;
            /* ports a bind() holds are never shared with connect */
            bool bound_by_bind = false;
            struct tcp_sock *tp;
            list_for_each_entry(tp, &bhash[port % TCP_BHASH_SIZE], bind_node)
                if (tp->sk.inet_num == port && tp->bound_explicitly)
                    bound_by_bind = true;
            if (bound_by_bind)
                continue;
            if (!tcp_4tuple_free(sk->inet_saddr, htons(port), sk->inet_daddr, sk->inet_dport))
                continue;
            tcp_bind_add(sk, port);
            tcp_sk(sk)->bound_explicitly = false;
            port_perturb[idx] = (uint16_t)(port_perturb[idx] + 2 + 2 * (i / 2 % 8));
            local_irq_restore(f);
            tcp_hash(sk);
            return 0;
        }
    }
    local_irq_restore(f);
    return -EADDRNOTAVAIL;
}

/* --- secrets --- */
uint32_t secure_tcp_seq(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport)
{
    /* RFC 6528: ISN = M + F(4-tuple, secret), M a clock ticking every 64 ns */
    uint32_t h = (uint32_t)secure_hash4(SECURE_KEY_ISN, saddr, daddr,
                                        (uint32_t)sport << 16 | dport, 0);
    return h + (uint32_t)(ktime_get_ns() >> 6);
}

uint32_t secure_tcp_ts_off(uint32_t saddr, uint32_t daddr)
{
    return (uint32_t)secure_hash4(SECURE_KEY_TSOFF, saddr, daddr, 0, 0);
}

uint64_t tcp_secret_hash(uint32_t a, uint32_t b, uint32_t c, uint32_t d, int key)
{
    return secure_hash4(key ? SECURE_KEY_COOKIE1 : SECURE_KEY_COOKIE0, a, b, c, d);
}

/* --- active open --- */
int tcp_v4_connect(struct sock *sk, const struct sockaddr_in *addr)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct flowi4 fl4;
    int err;
    struct rtable *rt = ip_route_output_ports(&fl4, addr->sin_addr.s_addr, sk->inet_saddr,
                                              addr->sin_port, sk->inet_sport, IPPROTO_TCP,
                                              sk->ip_tos, 0, &err);
    if (!rt)
        return err;
    if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST)) {
        ip_rt_put(rt);
        return -ENETUNREACH;
    }
    if (!sk->inet_saddr)
        sk->inet_saddr = fl4.saddr;
    sk->inet_daddr = addr->sin_addr.s_addr;
    sk->inet_dport = addr->sin_port;
    tcp_set_state(sk, TCP_SYN_SENT);
    err = inet_hash_connect(sk);
    if (err) {
        tcp_set_state(sk, TCP_CLOSE);
        ip_rt_put(rt);
        sk->inet_dport = 0;
        sk->inet_daddr = 0;
        return err;
    }
    sk_dst_set(sk, rt);
    tp->route_caps = rt->dev->features;
    tp->gso_max_segs = rt->dev->gso_max_segs ? rt->dev->gso_max_segs : 1;
    tp->write_seq = secure_tcp_seq(sk->inet_saddr, sk->inet_daddr, sk->inet_sport,
                                   sk->inet_dport);
    tp->ts_offset = secure_tcp_ts_off(sk->inet_saddr, sk->inet_daddr);
    err = tcp_connect(sk);
    if (err) {
        tcp_set_state(sk, TCP_CLOSE);
        tcp_unhash(sk);
        tcp_put_port(sk);
        sk->inet_num = 0;
        sk->inet_sport = 0;
        sk->inet_dport = 0;
        return err;
    }
    return 0;
}

/* --- replies without a connection --- */
static struct sock ctl_sk = {
    .sk_protocol = IPPROTO_TCP, .ip_ttl = IP_DEFAULT_TTL, .pmtudisc_do = true,
    .sk_refcnt = 1,
};

/* Build a bare segment (header and options only) and send it from saddr to daddr. */
static void tcp_v4_send_raw(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
                            uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
                            const struct tcp_out_options *o, uint8_t tos)
{
    struct flowi4 fl4;
    int err;
    struct rtable *rt = ip_route_output_ports(&fl4, daddr, saddr, dport, sport, IPPROTO_TCP,
                                              tos, 0, &err);
    if (!rt)
        return;
    struct sk_buff *skb = alloc_skb(MAX_TCP_HEADER + TCP_HLEN_MAX);
    if (!skb) {
        ip_rt_put(rt);
        return;
    }
    skb_reserve(skb, MAX_TCP_HEADER + TCP_HLEN_MAX);
    unsigned hlen = TCP_HLEN_MIN + (o ? tcp_options_size(o) : 0);
    struct tcphdr *th = skb_push(skb, hlen);
    skb_reset_transport_header(skb);
    tcp_hdr_emit(th, ntohs(sport), ntohs(dport), seq, ack, flags, win, hlen);
    if (o)
        tcp_options_write((uint8_t *)(th + 1), o);
    th->check = csum_tcpudp_magic(fl4.saddr, fl4.daddr, hlen, IPPROTO_TCP,
                                  csum_partial(th, hlen, 0));
    TCP_INC_STATS(OutSegs);
    if (flags & TCPHDR_RST)
        TCP_INC_STATS(OutRsts);
    IPCB(skb)->rt = rt;
    ctl_sk.ip_tos = tos;
    ip_send_skb(&ctl_sk, &fl4, skb);
    ip_rt_put(rt);
}

/* RFC 9293 3.10.7.1: the reset for a segment nobody wants. */
void tcp_v4_send_reset(const struct sock *sk, const struct sk_buff *skb)
{
    const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
    const struct iphdr *iph = ip_hdr(skb);
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    (void)sk;
    if (th->flags & TCPHDR_RST)
        return;
    if (skb->pkt_type != PACKET_HOST)
        return;
    if (th->flags & TCPHDR_ACK)
        tcp_v4_send_raw(iph->daddr, iph->saddr, th->dest, th->source, cb->ack_seq, 0,
                        TCPHDR_RST, 0, NULL, 0);
    else
        tcp_v4_send_raw(iph->daddr, iph->saddr, th->dest, th->source, 0, cb->end_seq,
                        TCPHDR_RST | TCPHDR_ACK, 0, NULL, 0);
}

void tcp_v4_send_ack_raw(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
                         uint32_t seq, uint32_t ack, uint16_t win, uint32_t tsval,
                         uint32_t tsecr, bool ts, uint8_t tos)
{
    struct tcp_out_options o = { .ts = ts, .tsval = tsval, .tsecr = tsecr };
    tcp_v4_send_raw(saddr, daddr, sport, dport, seq, ack, TCPHDR_ACK, win, &o, tos);
}

/* The SYN-ACK for a request sock (or a cookie): built from the request alone. */
int tcp_synack_send(struct sock *listener, struct request_sock *req)
{
    (void)listener;
    struct tcp_out_options o = {
        .mss = true, .mss_val = (uint16_t)req->mss,
        .ts = req->tstamp_ok, .tsval = tcp_time_stamp_ms() + req->ts_off,
        .tsecr = req->ts_recent,
        .wscale = req->wscale_ok, .wscale_val = req->rcv_wscale,
        .sack_perm = req->sack_ok,
    };
    req->snt_synack_us = tcp_clock_us();
    tcp_v4_send_raw(req->loc_addr, req->rmt_addr, req->loc_port, req->rmt_port,
                    req->snt_isn, req->rcv_isn + 1, TCPHDR_SYN | TCPHDR_ACK,
                    (uint16_t)MIN(req->rcv_wnd, TCP_MAX_WINDOW), &o, req->tos);
    return 0;
}

/* --- receive --- */

/* TCP_INFO's segs_in / data_segs_in (Linux's tcp_segs_in): every segment a full socket
 * takes, and those that carry payload (not counting SYN and FIN). */
static void tcp_segs_in(struct tcp_sock *tp, const struct sk_buff *skb)
{
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    uint32_t len = cb->end_seq - cb->seq;
    len -= !!(cb->tcp_flags & TCPHDR_SYN) + !!(cb->tcp_flags & TCPHDR_FIN);
    unsigned segs = skb_shinfo(skb)->gso_segs ? skb_shinfo(skb)->gso_segs : 1;   /* GRO */
    tp->segs_in += segs;
    if (len)
        tp->data_segs_in += segs;
}

int tcp_v4_do_rcv(struct sock *sk, struct sk_buff *skb)
{
    if (sk->sk_state != TCP_LISTEN)
        tcp_segs_in(tcp_sk(sk), skb);
    if (sk->sk_state == TCP_ESTABLISHED)
        return tcp_rcv_established(sk, skb);
    if (sk->sk_state == TCP_LISTEN) {
        /* Queued on the listener's backlog before the handshake that precedes it in the
         * backlog made a child: it belongs to that child now, not to the listener. */
        const struct iphdr *iph = ip_hdr(skb);
        const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
        struct sock *nsk = tcp_lookup_established(iph->saddr, th->source, iph->daddr, th->dest);
        if (nsk) {
            sock_hold(nsk);
            int r = 0;
            if (!sock_owned_by_user(nsk))
                r = tcp_v4_do_rcv(nsk, skb);
            else if (sk_add_backlog(nsk, skb)) {
                TCP_INC_STATS(TCPBacklogDrop);
                kfree_skb(skb);
            }
            sock_put(nsk);
            return r;
        }
        uint8_t f = TCP_SKB_CB(skb)->tcp_flags;
        if ((f & TCPHDR_ACK) && !(f & TCPHDR_SYN)) {
            bool consumed = false;
            struct sock *child = tcp_check_req(sk, skb, &consumed);
            if (child) {
                /* the handshake's last ACK may carry data: the child takes it */
                tcp_segs_in(tcp_sk(child), skb);
                int r = tcp_rcv_established(child, skb);
                sock_put(child);              /* tcp_check_req's reference */
                return r;
            }
            if (consumed) {
                kfree_skb(skb);
                return 0;
            }
        }
    }
    if (tcp_rcv_state_process(sk, skb)) {
        /* the skb is gone; its header lives on only in the copy we answered from */
        return 1;
    }
    return 0;
}

static int tcp_v4_do_rcv_reset(struct sock *sk, struct sk_buff *skb)
{
    /* hold the skb's header long enough to answer with a RST */
    struct sk_buff *copy = skb_get(skb);
    int r = tcp_v4_do_rcv(sk, skb);
    if (r)
        tcp_v4_send_reset(sk, copy);
    kfree_skb(copy);
    return 0;
}

static int tcp_backlog_rcv(struct sock *sk, struct sk_buff *skb)
{
    return tcp_v4_do_rcv_reset(sk, skb);
}

int tcp_v4_rcv(struct sk_buff *skb)
{
    /* a packet GRO joined counts as the segments it carries, as on Linux */
    TCP_ADD_STATS(InSegs, skb_shinfo(skb)->gso_segs ? skb_shinfo(skb)->gso_segs : 1);
    if (skb->pkt_type != PACKET_HOST)
        goto discard;
    if (!pskb_may_pull(skb, TCP_HLEN_MIN))
        goto bad_header;
    const struct tcphdr *th = (const struct tcphdr *)skb->data;
    unsigned hl = tcp_hdrlen_of(th);
    if (hl < TCP_HLEN_MIN || hl > skb->len || !pskb_may_pull(skb, hl))
        goto bad_header;
    th = (const struct tcphdr *)skb->data;
    skb_reset_transport_header(skb);
    const struct iphdr *iph = ip_hdr(skb);
    if (skb->ip_summed != CHECKSUM_UNNECESSARY &&
        csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len, IPPROTO_TCP,
                          skb_checksum(skb, 0, skb->len, 0)) != 0) {
        TCP_INC_STATS(InCsumErrors);
        TCP_INC_STATS(InErrs);
        goto discard;
    }
    struct tcp_options opt;
    if (tcp_options_parse((const uint8_t *)(th + 1), hl - TCP_HLEN_MIN,
                          th->flags & TCPHDR_SYN, &opt))
        goto bad_header;
    /* RFC 9293 3.10.7: SYN together with FIN or RST is nonsense; drop it */
    if ((th->flags & TCPHDR_SYN) && (th->flags & (TCPHDR_FIN | TCPHDR_RST)))
        goto bad_header;
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    memset(cb, 0, sizeof(*cb));
    cb->seq = ntohl(th->seq);
    cb->end_seq = cb->seq + ((th->flags & TCPHDR_SYN) ? 1 : 0) + ((th->flags & TCPHDR_FIN) ? 1 : 0) +
                  skb->len - hl;
    cb->ack_seq = ntohl(th->ack_seq);
    cb->tcp_flags = th->flags;
    cb->tx_tsval = opt.tsval;

    struct sock *sk = tcp_lookup_established(iph->saddr, th->source, iph->daddr, th->dest);
    if (!sk) {
        struct tcp_timewait_sock *tw = tcp_tw_lookup(iph->saddr, th->source, iph->daddr, th->dest);
        if (tw) {
            switch (tcp_timewait_state_process(tw, skb, th)) {
            case TCP_TW_SYN: {
                /* a new incarnation may take the pair over (RFC 9293 3.10.7.4 note) */
                struct sock *l = tcp_lookup_listener(iph->daddr, th->dest);
                if (l) {
                    sk = l;
                    break;
                }
                goto no_tcp_socket;
            }
            case TCP_TW_ACK:
            case TCP_TW_SUCCESS:
                goto discard;
            case TCP_TW_RST:
                goto no_tcp_socket;
            }
        }
    }
    if (!sk)
        sk = tcp_lookup_listener(iph->daddr, th->dest);
    if (!sk)
        goto no_tcp_socket;

    sock_hold(sk);
    /* A listener's state is touched by the task only with interrupts masked (accept,
     * close), so its segments never wait for the owner: a burst of connects would
     * otherwise overflow its backlog while accept() runs (Linux's lockless listener). */
    if (!sock_owned_by_user(sk) || sk->sk_state == TCP_LISTEN) {
        tcp_v4_do_rcv_reset(sk, skb);
    } else if (sk_add_backlog(sk, skb)) {
        TCP_INC_STATS(TCPBacklogDrop);
        kfree_skb(skb);
    }
    sock_put(sk);
    return 0;

no_tcp_socket:
    TCP_INC_STATS(InNoSocket);
    tcp_v4_send_reset(NULL, skb);
    kfree_skb(skb);
    return 0;
bad_header:
    TCP_INC_STATS(InBadHeader);
    TCP_INC_STATS(InErrs);
discard:
    kfree_skb(skb);
    return 0;
}

/* ICMP about a segment we sent (RFC 1122 4.2.3.9, RFC 5927, RFC 1191). */
void tcp_v4_err(struct sk_buff *skb, const struct iphdr *quoted, uint8_t type, uint8_t code,
                uint32_t info)
{
    (void)skb;
    const uint8_t *q = (const uint8_t *)quoted + quoted->ihl * 4u;
    uint16_t sport, dport;
    uint32_t seq;
    memcpy(&sport, q, 2);
    memcpy(&dport, q + 2, 2);
    memcpy(&seq, q + 4, 4);
    seq = ntohl(seq);
    struct sock *sk = tcp_lookup_established(quoted->daddr, dport, quoted->saddr, sport);
    if (!sk)
        return;
    struct tcp_sock *tp = tcp_sk(sk);
    /* the quoted sequence number must be one we have outstanding (RFC 5927 4.1) */
    if (sk->sk_state != TCP_SYN_SENT && !between(seq, tp->snd_una, tp->snd_nxt)) {
        TCP_INC_STATS(OutOfWindowIcmps);
        return;
    }
    if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) {
        /* path MTU discovery (RFC 1191): shrink the route's MTU and our MSS, resend */
        uint32_t mtu = info;
        if (mtu < IP_RT_MIN_PMTU)
            mtu = IP_RT_MIN_PMTU;
        struct rtable *rt = __sk_dst_check(sk);
        if (rt && mtu < rt->mtu) {
            rt->mtu = mtu;               /* this socket at once; the others via the cache */
            TCP_INC_STATS(TCPMTUPDiscovery);
        }
        ip_rt_update_pmtu(sk->inet_daddr, mtu);
        if (!sock_owned_by_user(sk) && mtu < tp->pmtu_cookie) {
            unsigned mss = tcp_sync_mss(sk, mtu);
            /* everything in flight larger than the new MSS is lost on the way */
            for (struct sk_buff *s = tcp_write_queue_head(sk); s && s != tcp_send_head(sk);
                 s = tcp_write_queue_next(sk, s)) {
                if (s->len > mss && !(TCP_SKB_CB(s)->sacked & (TCPCB_LOST | TCPCB_SACKED_ACKED))) {
                    TCP_SKB_CB(s)->sacked |= TCPCB_LOST;
                    tp->lost_out += tcp_skb_pcount(s);
                }
            }
            tcp_xmit_retransmit_queue(sk);
        }
        return;
    }
    int err = 0;
    if (type == ICMP_DEST_UNREACH) {
        static const int codes[] = { ENETUNREACH, EHOSTUNREACH, ENOPROTOOPT, ECONNREFUSED,
                                     EMSGSIZE, EOPNOTSUPP, ENETUNREACH, EHOSTUNREACH,
                                     ENETUNREACH, ENETUNREACH, EHOSTUNREACH, ENETUNREACH,
                                     EHOSTUNREACH, EHOSTUNREACH, EHOSTUNREACH, EHOSTUNREACH };
        err = code < ARRAY_SIZE(codes) ? codes[code] : EHOSTUNREACH;
    } else if (type == ICMP_TIME_EXCEEDED) {
        err = EHOSTUNREACH;
    } else {
        return;
    }
    if (sk->sk_state == TCP_SYN_SENT && !sock_owned_by_user(sk) &&
        (err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH) &&
        tp->retransmits > 0) {
        /* a hard error on a connection attempt ends it (after a retry, as a router's
         * transient complaint should not) */
        sk->sk_err = err;
        tcp_done(sk);
        return;
    }
    /* RFC 1122 4.2.3.9: soft errors, reported if the connection times out */
    sk->sk_err_soft = err;
}

/* --- iteration for dumps --- */
void tcp_for_each_sock(void (*fn)(struct sock *sk, void *arg), void *arg)
{
    tables_init();
    for (int i = 0; i < TCP_LHASH_SIZE; i++) {
        struct tcp_sock *tp;
        list_for_each_entry(tp, &lhash[i], sk.sk_node)
            fn(&tp->sk, arg);
    }
    for (int i = 0; i < TCP_EHASH_SIZE; i++) {
        struct tcp_sock *tp;
        list_for_each_entry(tp, &ehash[i], sk.sk_node)
            fn(&tp->sk, arg);
    }
}

static const struct net_protocol tcp_protocol = {
    .handler = tcp_v4_rcv,
    .err_handler = tcp_v4_err,
};

int tcp_backlog_rcv_entry(struct sock *sk, struct sk_buff *skb);
int tcp_backlog_rcv_entry(struct sock *sk, struct sk_buff *skb) { return tcp_backlog_rcv(sk, skb); }

int tcp_v4_register(void);
int tcp_v4_register(void)
{
    tables_init();
    return inet_add_protocol(&tcp_protocol, IPPROTO_TCP);
}
