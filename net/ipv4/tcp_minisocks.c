/* net/ipv4/tcp_minisocks.c - the small states: request socks (a SYN answered, the
 * handshake not finished: SYN_RECV on a listener), the child a finished handshake
 * becomes, and TIME_WAIT (and an orphan's FIN_WAIT2) kept as a small record instead of a
 * whole sock (RFC 9293 3.6, TIME-WAIT 2*MSL = 60 s as Linux).
 *
 * Bounds: the SYN queue holds at most the listen backlog (then SYN cookies answer, see
 * syncookies.c); the accept queue at most the backlog (then SYNs are dropped); TIME_WAIT
 * at most TCP_MAX_TW records (then connections close without it, counted). */
#include "net/ipv4/tcp.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/route.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

#define TCP_TW_HASH 256
#define TCP_MAX_TW  8192

static struct list_head tw_hash[TCP_TW_HASH];
static struct list_head tw_death = LIST_HEAD_INIT(tw_death);
static bool tw_ready;
static int tw_count;
static struct timer_list tw_timer;

static void tw_init(void)
{
    if (tw_ready)
        return;
    for (int i = 0; i < TCP_TW_HASH; i++)
        INIT_LIST_HEAD(&tw_hash[i]);
    tw_ready = true;
}

static unsigned tw_hashfn(uint16_t lport) { return ntohs(lport) % TCP_TW_HASH; }

int tcp_tw_count(void) { return tw_count; }

/* saddr/sport remote, daddr/dport local; a zero remote matches any (port checks) */
struct tcp_timewait_sock *tcp_tw_lookup(uint32_t saddr, uint16_t sport, uint32_t daddr,
                                        uint16_t dport)
{
    tw_init();
    struct tcp_timewait_sock *tw;
    list_for_each_entry(tw, &tw_hash[tw_hashfn(dport)], hash_node) {
        if (tw->sport != dport)
            continue;
        if (daddr && tw->saddr != daddr)
            continue;
        if (sport && (tw->dport != sport || tw->daddr != saddr))
            continue;
        return tw;
    }
    return NULL;
}

void tcp_tw_kill(struct tcp_timewait_sock *tw)
{
    unsigned long f = local_irq_save();
    list_del_init(&tw->hash_node);
    list_del_init(&tw->death_node);
    tw_count--;
    local_irq_restore(f);
    kfree(tw);
}

static void tw_timer_fn(struct timer_list *t)
{
    (void)t;
    uint64_t now = jiffies;
    while (!list_empty(&tw_death)) {
        struct tcp_timewait_sock *tw = list_first_entry(&tw_death, struct tcp_timewait_sock, death_node);
        if (time_before(now, tw->expires)) {
            mod_timer(&tw_timer, tw->expires);
            return;
        }
        tcp_tw_kill(tw);
    }
}

static void tw_schedule(struct tcp_timewait_sock *tw, uint32_t timeo_ms)
{
    /* the death row is sorted by expiry: insert from the back (almost always the end) */
    tw->expires = jiffies + msecs_to_jiffies(timeo_ms);
    struct list_head *pos = tw_death.prev;
    while (pos != &tw_death &&
           time_before(tw->expires, list_entry(pos, struct tcp_timewait_sock, death_node)->expires))
        pos = pos->prev;
    list_add(&tw->death_node, pos);
    struct tcp_timewait_sock *first = list_first_entry(&tw_death, struct tcp_timewait_sock, death_node);
    if (!timer_pending(&tw_timer) || time_before(first->expires, tw_timer.expires))
        mod_timer(&tw_timer, first->expires);
}

void tcp_tw_flush(void)
{
    tw_init();
    while (!list_empty(&tw_death))
        tcp_tw_kill(list_first_entry(&tw_death, struct tcp_timewait_sock, death_node));
    if (tw_timer.function)
        del_timer(&tw_timer);
}

/* The full sock is done; what RFC 9293 needs of it moves into a small record. */
void tcp_time_wait(struct sock *sk, int state, uint32_t timeo_ms)
{
    struct tcp_sock *tp = tcp_sk(sk);
    tw_init();
    if (!tw_timer.function)
        timer_setup(&tw_timer, tw_timer_fn, 0);
    struct tcp_timewait_sock *tw = NULL;
    if (tw_count < TCP_MAX_TW)
        tw = kzalloc(sizeof(*tw));
    if (tw) {
        tw->saddr = sk->inet_saddr;
        tw->daddr = sk->inet_daddr;
        tw->sport = sk->inet_sport;
        tw->dport = sk->inet_dport;
        tw->snd_nxt = tp->snd_nxt;
        tw->rcv_nxt = tp->rcv_nxt;
        tw->rcv_wnd = tcp_receive_window(tp);
        tw->rcv_wscale = tp->rcv_wscale;
        tw->tstamp_ok = tp->tstamp_ok;
        tw->ts_recent = tp->ts_recent;
        tw->ts_recent_stamp = tp->ts_recent_stamp;
        tw->ts_offset = tp->ts_offset;
        tw->substate = state;
        unsigned long f = local_irq_save();
        list_add(&tw->hash_node, &tw_hash[tw_hashfn(tw->sport)]);
        tw_count++;
        local_irq_restore(f);
        tw_schedule(tw, state == TCP_TIME_WAIT ? TCP_TIMEWAIT_LEN_MS : timeo_ms);
        TCP_INC_STATS(TW);
    } else {
        pr_debug("tcp: time wait table full, closing without it\n");
    }
    tcp_done(sk);
}

/* RFC 9293 3.10.7.4 for TIME_WAIT (and Linux's FIN_WAIT2 record). */
enum tcp_tw_status tcp_timewait_state_process(struct tcp_timewait_sock *tw, struct sk_buff *skb,
                                              const struct tcphdr *th)
{
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    struct tcp_options opt;
    unsigned hl = tcp_hdrlen_of(th);
    tcp_options_parse((const uint8_t *)(th + 1), hl - TCP_HLEN_MIN, th->flags & TCPHDR_SYN, &opt);
    bool paws_reject = false;
    if (tw->tstamp_ok && opt.ts_present && tw->ts_recent_stamp &&
        (int32_t)(tw->ts_recent - opt.tsval) > TCP_PAWS_WINDOW)
        paws_reject = true;
    uint8_t f = th->flags;
    uint32_t tsval_now = tcp_time_stamp_ms() + tw->ts_offset;
    uint16_t win = (uint16_t)MIN(tw->rcv_wnd >> tw->rcv_wscale, TCP_MAX_WINDOW);

    if (tw->substate == TCP_FIN_WAIT2) {
        if (paws_reject)
            goto ack;
        if (f & TCPHDR_RST) {
            tcp_tw_kill(tw);
            return TCP_TW_SUCCESS;
        }
        if ((f & TCPHDR_SYN) || !(f & TCPHDR_ACK) || cb->seq != tw->rcv_nxt ||
            cb->end_seq == cb->seq + ((f & TCPHDR_FIN) ? 0 : 1)) {
            /* data for an orphan, or not the FIN we wait for */
            if (cb->end_seq != cb->seq + ((f & TCPHDR_FIN) ? 1 : 0) && after(cb->end_seq, tw->rcv_nxt)) {
                tcp_tw_kill(tw);
                return TCP_TW_RST;
            }
            if (!(f & TCPHDR_FIN))
                return TCP_TW_SUCCESS;
        }
        if (f & TCPHDR_FIN) {
            /* the peer's FIN: into TIME_WAIT proper */
            tw->substate = TCP_TIME_WAIT;
            tw->rcv_nxt = cb->end_seq;
            if (opt.ts_present) {
                tw->ts_recent = opt.tsval;
                tw->ts_recent_stamp = (uint32_t)(ktime_get_ns() / NSEC_PER_SEC);
            }
            list_del_init(&tw->death_node);
            tw_schedule(tw, TCP_TIMEWAIT_LEN_MS);
            goto ack;
        }
        return TCP_TW_SUCCESS;
    }

    /* TIME_WAIT */
    if (!paws_reject && cb->seq == tw->rcv_nxt &&
        (cb->seq == cb->end_seq || (f & TCPHDR_RST))) {
        if (f & TCPHDR_RST) {
            /* RFC 1337 hazard accepted as Linux does by default: the record goes */
            tcp_tw_kill(tw);
            return TCP_TW_SUCCESS;
        }
        return TCP_TW_SUCCESS;            /* a late duplicate ACK */
    }
    /* A new SYN may reopen the pair when it is clearly of a newer incarnation: its
     * sequence number beyond what we received, or its timestamp newer (RFC 6191). */
    if ((f & TCPHDR_SYN) && !(f & (TCPHDR_RST | TCPHDR_ACK)) && !paws_reject &&
        (after(cb->seq, tw->rcv_nxt) ||
         (opt.ts_present && tw->ts_recent_stamp && (int32_t)(opt.tsval - tw->ts_recent) > 0))) {
        tcp_tw_kill(tw);
        TCP_INC_STATS(TWRecycled);
        return TCP_TW_SYN;
    }
    if (paws_reject)
        TCP_INC_STATS(PAWSEstab);
    if (!(f & TCPHDR_RST)) {
        /* a retransmitted FIN (our ACK was lost): ACK again and restart the wait */
        if ((f & TCPHDR_FIN) && !paws_reject) {
            list_del_init(&tw->death_node);
            tw_schedule(tw, TCP_TIMEWAIT_LEN_MS);
        }
        goto ack;
    }
    return TCP_TW_SUCCESS;
ack:
    tcp_v4_send_ack_raw(tw->saddr, tw->daddr, tw->sport, tw->dport, tw->snd_nxt, tw->rcv_nxt,
                        win, tsval_now, tw->ts_recent, tw->tstamp_ok, 0);
    return TCP_TW_ACK;
}

/* --- request socks --- */
static struct request_sock *reqsk_find(struct sock *listener, uint32_t raddr, uint16_t rport)
{
    struct request_sock *req;
    list_for_each_entry(req, &tcp_sk(listener)->syn_queue, node)
        if (req->rmt_addr == raddr && req->rmt_port == rport)
            return req;
    return NULL;
}

static void reqsk_drop(struct sock *listener, struct request_sock *req)
{
    list_del_init(&req->node);
    tcp_sk(listener)->syn_qlen--;
    kfree(req);
}

void reqsk_free_all(struct sock *listener)
{
    struct tcp_sock *tp = tcp_sk(listener);
    while (!list_empty(&tp->syn_queue))
        reqsk_drop(listener, list_first_entry(&tp->syn_queue, struct request_sock, node));
}

static uint16_t tcp_listener_mss(struct sock *sk, uint32_t daddr, uint32_t saddr)
{
    struct flowi4 fl4;
    int err;
    struct rtable *rt = ip_route_output_ports(&fl4, daddr, saddr, 0, 0, IPPROTO_TCP, 0, 0, &err);
    unsigned mtu = rt ? MIN(rt->mtu, rt->dev->mtu) : 576;
    ip_rt_put(rt);
    unsigned mss = MIN(mtu, (unsigned)IP_MAX_PACKET) - 40;   /* one IPv4 datagram at most */
    struct tcp_sock *tp = tcp_sk(sk);
    if (tp->user_mss && tp->user_mss < mss)
        mss = tp->user_mss;
    return (uint16_t)mss;
}

static void req_init_from_syn(struct sock *sk, struct request_sock *req, const struct sk_buff *skb,
                              const struct tcp_options *opt)
{
    const struct iphdr *iph = ip_hdr(skb);
    const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
    memset(req, 0, sizeof(*req));
    req->loc_addr = iph->daddr;
    req->rmt_addr = iph->saddr;
    req->loc_port = th->dest;
    req->rmt_port = th->source;
    req->rcv_isn = TCP_SKB_CB(skb)->seq;
    req->tos = 0;
    uint16_t adv = tcp_listener_mss(sk, iph->saddr, iph->daddr);
    req->mss = adv;
    req->tstamp_ok = opt->ts_present && sysctl_tcp.timestamps;
    req->sack_ok = opt->sack_perm && sysctl_tcp.sack;
    req->wscale_ok = opt->wscale_present && sysctl_tcp.window_scaling;
    req->snd_wscale = opt->wscale_present ? opt->wscale : 0;
    req->ts_recent = opt->ts_present ? opt->tsval : 0;
    req->ts_off = req->tstamp_ok ? secure_tcp_ts_off(iph->daddr, iph->saddr) : 0;
    uint32_t rcv_wnd, clamp = tcp_sk(sk)->window_clamp;
    uint8_t ws;
    tcp_select_initial_window(sk, (unsigned)(sk->sk_rcvbuf - (sk->sk_rcvbuf >> 1)),
                              adv - (req->tstamp_ok ? TCPOLEN_TSTAMP_ALIGNED : 0),
                              &rcv_wnd, &clamp, req->wscale_ok, &ws);
    req->rcv_wnd = rcv_wnd;
    req->window_clamp = clamp;
    req->rcv_wscale = ws;
}

int tcp_conn_request(struct sock *sk, struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    const struct iphdr *iph = ip_hdr(skb);
    const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
    if (sk->sk_ack_backlog >= sk->sk_max_ack_backlog) {
        /* no room to accept it even if the handshake finished */
        TCP_INC_STATS(ListenOverflows);
        TCP_INC_STATS(ListenDrops);
        return 0;
    }
    struct tcp_options opt;
    unsigned hl = tcp_hdrlen_of(th);
    tcp_options_parse((const uint8_t *)(th + 1), hl - TCP_HLEN_MIN, true, &opt);
    /* a retransmitted SYN for a request we hold: answer it again */
    struct request_sock *old = reqsk_find(sk, iph->saddr, th->source);
    if (old) {
        if (old->rcv_isn == TCP_SKB_CB(skb)->seq)
            tcp_synack_send(sk, old);
        return 0;
    }
    bool want_cookie = tp->syn_qlen >= sk->sk_max_ack_backlog ||
                       tp->syn_qlen >= TCP_MAX_SYN_BACKLOG * 8;
    if (want_cookie) {
        tp->last_synq_overflow_s = ktime_get_ns() / NSEC_PER_SEC;
        if (!sysctl_tcp.syncookies) {
            TCP_INC_STATS(ListenDrops);
            return 0;
        }
        struct request_sock req;
        req_init_from_syn(sk, &req, skb, &opt);
        uint16_t mss = opt.mss_present ? opt.mss : TCP_MSS_DEFAULT;
        req.snt_isn = cookie_v4_init_sequence(iph->saddr, iph->daddr, th->source, th->dest,
                                              req.rcv_isn, &mss);
        if (req.tstamp_ok) {
            /* the options we would forget ride in the low bits of TSval */
            req.ts_off = cookie_timestamp_encode(tcp_time_stamp_ms(), &opt, req.sack_ok) -
                         tcp_time_stamp_ms();
        } else {
            /* without timestamps a cookie cannot remember window scale or SACK */
            req.wscale_ok = false;
            req.sack_ok = false;
            req.rcv_wscale = 0;
        }
        TCP_INC_STATS(SyncookiesSent);
        tcp_synack_send(sk, &req);
        return 0;
    }
    struct request_sock *req = kmalloc(sizeof(*req));
    if (!req) {
        TCP_INC_STATS(ListenDrops);
        return 0;
    }
    req_init_from_syn(sk, req, skb, &opt);
    uint16_t peer_mss = opt.mss_present ? opt.mss : TCP_MSS_DEFAULT;
    req->snt_isn = secure_tcp_seq(iph->daddr, iph->saddr, th->dest, th->source);
    req->mss = tcp_listener_mss(sk, iph->saddr, iph->daddr);
    req->expires = jiffies + msecs_to_jiffies(TCP_TIMEOUT_INIT_MS);
    list_add_tail(&req->node, &tp->syn_queue);
    tp->syn_qlen++;
    req->peer_mss = peer_mss;
    tcp_synack_send(sk, req);
    tcp_synq_timer_arm(sk);
    return 0;
}

struct sock *tcp_create_openreq_child(struct sock *sk, const struct request_sock *req,
                                      const struct sk_buff *skb)
{
    struct sock *nsk = sk_alloc(AF_INET, &tcp_prot);
    if (!nsk)
        return NULL;
    struct tcp_sock *lp = tcp_sk(sk), *tp = tcp_sk(nsk);
    if (tcp_prot.init && tcp_prot.init(nsk)) {
        sk_free(nsk);
        return NULL;
    }
    nsk->sk_type = SOCK_STREAM;
    nsk->sk_protocol = IPPROTO_TCP;
    nsk->pmtudisc_do = true;
    nsk->inet_saddr = req->loc_addr;
    nsk->inet_daddr = req->rmt_addr;
    nsk->inet_sport = req->loc_port;
    nsk->inet_dport = req->rmt_port;
    nsk->inet_num = ntohs(req->loc_port);
    nsk->sk_sndbuf = sk->sk_sndbuf;
    nsk->sk_rcvbuf = sk->sk_rcvbuf;
    nsk->sk_userlocks = sk->sk_userlocks;
    nsk->sk_keepalive = sk->sk_keepalive;
    nsk->sk_linger = sk->sk_linger;
    nsk->sk_lingertime = sk->sk_lingertime;
    nsk->ip_ttl = sk->ip_ttl;
    nsk->ip_tos = sk->ip_tos;
    nsk->sk_rcvtimeo = sk->sk_rcvtimeo;
    nsk->sk_sndtimeo = sk->sk_sndtimeo;
    tp->nonagle = lp->nonagle;
    tp->user_mss = lp->user_mss;
    tp->keepalive_time_s = lp->keepalive_time_s;
    tp->keepalive_intvl_s = lp->keepalive_intvl_s;
    tp->keepalive_probes = lp->keepalive_probes;
    tp->linger2_ms = lp->linger2_ms;
    tp->ca_ops = lp->ca_ops;
    tp->iss = req->snt_isn;
    tp->snd_una = tp->snd_nxt = tp->snd_sml = tp->snd_up = req->snt_isn + 1;
    tp->write_seq = tp->pushed_seq = req->snt_isn + 1;
    tp->irs = req->rcv_isn;
    tp->rcv_nxt = tp->rcv_wup = tp->copied_seq = req->rcv_isn + 1;
    tp->rcv_wnd = req->rcv_wnd;
    tp->rcv_ssthresh = req->rcv_wnd;
    tp->window_clamp = req->window_clamp;
    tp->rcv_wscale = req->rcv_wscale;
    tp->wscale_ok = req->wscale_ok;
    tp->snd_wscale = req->wscale_ok ? req->snd_wscale : 0;
    if (!req->wscale_ok)
        tp->rcv_wscale = 0;
    tp->sack_ok = req->sack_ok;
    tp->tstamp_ok = req->tstamp_ok;
    tp->ts_offset = req->ts_off;
    tp->ts_recent = req->ts_recent;
    tp->ts_recent_stamp = (uint32_t)(ktime_get_ns() / NSEC_PER_SEC);
    const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
    tp->snd_wnd = (uint32_t)ntohs(th->window) << tp->snd_wscale;
    tp->max_window = tp->snd_wnd;
    tp->snd_wl1 = TCP_SKB_CB(skb)->seq;
    uint16_t peer = req->peer_mss ? req->peer_mss : TCP_MSS_DEFAULT;
    tp->mss_clamp = tp->user_mss && tp->user_mss < peer ? tp->user_mss : peer;
    tp->advmss = req->mss;
    /* route and offloads */
    struct flowi4 fl4;
    int err;
    struct rtable *rt = ip_route_output_ports(&fl4, nsk->inet_daddr, nsk->inet_saddr,
                                              nsk->inet_dport, nsk->inet_sport, IPPROTO_TCP,
                                              nsk->ip_tos, 0, &err);
    uint32_t mtu = 576;
    if (rt) {
        tp->route_caps = rt->dev->features;
        tp->gso_max_segs = rt->dev->gso_max_segs ? rt->dev->gso_max_segs : 1;
        mtu = MIN(rt->mtu, rt->dev->mtu);
        sk_dst_set(nsk, rt);
    }
    tcp_sync_mss(nsk, mtu);
    tp->ack.rcv_mss = (uint16_t)MIN((unsigned)tp->advmss, (unsigned)tp->mss_cache);
    if (!req->num_retrans && req->snt_synack_us > 1)
        tcp_rtt_estimator(tp, (long)(tcp_clock_us() - req->snt_synack_us));
    if (tp->srtt_us)
        tcp_set_rto(tp);
    tp->total_retrans = req->num_retrans;
    tcp_set_state(nsk, TCP_ESTABLISHED);
    tcp_init_transfer(nsk);
    /* the child shares the listener's port */
    tcp_bind_inherit(nsk, sk);
    tcp_hash(nsk);
    TCP_INC_STATS(PassiveOpens);
    return nsk;
}

static void tcp_accept_enqueue(struct sock *sk, struct sock *child)
{
    struct tcp_sock *lp = tcp_sk(sk), *cp = tcp_sk(child);
    cp->parent = lp;
    sock_hold(child);                       /* the accept queue's reference */
    list_add_tail(&cp->accept_node, &lp->accept_queue);
    sk->sk_ack_backlog++;
    sk_wake(sk);
}

struct sock *tcp_check_req(struct sock *sk, struct sk_buff *skb, bool *consumed)
{
    const struct iphdr *iph = ip_hdr(skb);
    const struct tcphdr *th = (const struct tcphdr *)skb_transport_header(skb);
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    uint8_t f = cb->tcp_flags;
    struct request_sock *req = reqsk_find(sk, iph->saddr, th->source);
    struct request_sock cookie_req;
    *consumed = false;
    if (!req) {
        if (!sysctl_tcp.syncookies || (f & (TCPHDR_RST | TCPHDR_SYN)))
            return NULL;
        uint64_t now_s = ktime_get_ns() / NSEC_PER_SEC;
        if (!tcp_sk(sk)->last_synq_overflow_s || now_s - tcp_sk(sk)->last_synq_overflow_s > 120)
            return NULL;                      /* no recent overflow: no cookie was sent */
        uint16_t mss = cookie_v4_check(iph->saddr, iph->daddr, th->source, th->dest,
                                       cb->seq - 1, cb->ack_seq - 1);
        if (!mss) {
            TCP_INC_STATS(SyncookiesFailed);
            return NULL;
        }
        struct tcp_options opt;
        tcp_options_parse((const uint8_t *)(th + 1), tcp_hdrlen_of(th) - TCP_HLEN_MIN, false, &opt);
        memset(&cookie_req, 0, sizeof(cookie_req));
        cookie_req.loc_addr = iph->daddr;
        cookie_req.rmt_addr = iph->saddr;
        cookie_req.loc_port = th->dest;
        cookie_req.rmt_port = th->source;
        cookie_req.rcv_isn = cb->seq - 1;
        cookie_req.snt_isn = cb->ack_seq - 1;
        cookie_req.mss = tcp_listener_mss(sk, iph->saddr, iph->daddr);
        cookie_req.peer_mss = mss;
        if (opt.ts_present && sysctl_tcp.timestamps) {
            bool sack, ws;
            uint8_t snd_ws;
            if (cookie_timestamp_decode(opt.tsecr, &sack, &ws, &snd_ws)) {
                cookie_req.tstamp_ok = true;
                cookie_req.sack_ok = sack && sysctl_tcp.sack;
                cookie_req.wscale_ok = ws && sysctl_tcp.window_scaling;
                cookie_req.snd_wscale = snd_ws;
                cookie_req.ts_recent = opt.tsval;
                /* our clock with the cookie's offset must continue where TSecr is */
                cookie_req.ts_off = opt.tsecr - tcp_time_stamp_ms();
            }
        }
        uint32_t rcv_wnd, clamp = tcp_sk(sk)->window_clamp;
        uint8_t ws;
        tcp_select_initial_window(sk, (unsigned)(sk->sk_rcvbuf - (sk->sk_rcvbuf >> 1)),
                                  cookie_req.mss, &rcv_wnd, &clamp, cookie_req.wscale_ok, &ws);
        cookie_req.rcv_wnd = rcv_wnd;
        cookie_req.window_clamp = clamp;
        cookie_req.rcv_wscale = ws;
        cookie_req.snt_synack_us = 1;           /* no RTT sample from a cookie */
        if (sk->sk_ack_backlog >= sk->sk_max_ack_backlog) {
            TCP_INC_STATS(ListenOverflows);
            *consumed = true;
            return NULL;
        }
        struct sock *child = tcp_create_openreq_child(sk, &cookie_req, skb);
        if (!child) {
            *consumed = true;
            return NULL;
        }
        TCP_INC_STATS(SyncookiesRecv);
        tcp_accept_enqueue(sk, child);
        sock_hold(child);
        return child;
    }
    *consumed = true;
    if (f & TCPHDR_RST) {
        if (cb->seq == req->rcv_isn + 1) {
            TCP_INC_STATS(EmbryonicRsts);
            reqsk_drop(sk, req);
        }
        return NULL;
    }
    if (f & TCPHDR_SYN) {
        /* a retransmitted SYN: our SYN-ACK was lost */
        if (cb->seq == req->rcv_isn)
            tcp_synack_send(sk, req);
        return NULL;
    }
    if (!(f & TCPHDR_ACK))
        return NULL;
    if (cb->ack_seq != req->snt_isn + 1) {
        *consumed = false;                     /* RST, RFC 9293 3.10.7.4 */
        return NULL;
    }
    if (before(cb->seq, req->rcv_isn + 1) ||
        after(cb->seq, req->rcv_isn + 1 + req->rcv_wnd)) {
        /* outside the window we offered: ACK what we expect */
        tcp_v4_send_ack_raw(req->loc_addr, req->rmt_addr, req->loc_port, req->rmt_port,
                            req->snt_isn + 1, req->rcv_isn + 1,
                            (uint16_t)MIN(req->rcv_wnd, TCP_MAX_WINDOW),
                            tcp_time_stamp_ms() + req->ts_off, req->ts_recent,
                            req->tstamp_ok, 0);
        return NULL;
    }
    if (sk->sk_ack_backlog >= sk->sk_max_ack_backlog) {
        /* the ACK is dropped; the request stays and its SYN-ACK is sent again later */
        TCP_INC_STATS(ListenOverflows);
        TCP_INC_STATS(ListenDrops);
        return NULL;
    }
    struct sock *child = tcp_create_openreq_child(sk, req, skb);
    if (!child) {
        TCP_INC_STATS(ListenDrops);
        return NULL;
    }
    reqsk_drop(sk, req);
    tcp_accept_enqueue(sk, child);
    *consumed = false;
    sock_hold(child);
    return child;
}

/* One timer per listener walks its SYN queue: SYN-ACK retransmission with backoff,
 * requests dropped after TCP_SYNACK_RETRIES. */
void tcp_synq_timer_arm(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    uint64_t next = UINT64_MAX;
    struct request_sock *req;
    list_for_each_entry(req, &tp->syn_queue, node)
        if (req->expires < next)
            next = req->expires;
    if (next != UINT64_MAX &&
        (!timer_pending(&tp->keepalive_timer) || time_before(next, tp->keepalive_timer.expires)))
        mod_timer(&tp->keepalive_timer, next);
}

void tcp_synq_timer_run(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    uint64_t now = jiffies;
    struct request_sock *req, *n;
    list_for_each_entry_safe(req, n, &tp->syn_queue, node) {
        if (time_before(now, req->expires))
            continue;
        if (req->num_retrans >= TCP_SYNACK_RETRIES) {
            reqsk_drop(sk, req);
            continue;
        }
        req->num_retrans++;
        TCP_INC_STATS(TCPSynRetrans);
        TCP_INC_STATS(RetransSegs);
        tcp_synack_send(sk, req);
        req->expires = now + msecs_to_jiffies((uint64_t)TCP_TIMEOUT_INIT_MS << req->num_retrans);
    }
    tcp_synq_timer_arm(sk);
}

/* The listener closes: requests are forgotten, children never accepted are reset. */
void inet_csk_listen_stop(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    /* the listener is unhashed (CLOSE) already, so nothing adds to its queues now; the
     * receive path runs without waiting for the owner, hence the masking */
    unsigned long f = local_irq_save();
    reqsk_free_all(sk);
    local_irq_restore(f);
    for (;;) {
        f = local_irq_save();
        if (list_empty(&tp->accept_queue)) {
            local_irq_restore(f);
            break;
        }
        struct tcp_sock *cp = list_first_entry(&tp->accept_queue, struct tcp_sock, accept_node);
        list_del_init(&cp->accept_node);
        sk->sk_ack_backlog--;
        cp->parent = NULL;
        local_irq_restore(f);
        struct sock *child = &cp->sk;
        lock_sock(child);
        cp->dead = true;
        if (child->sk_state != TCP_CLOSE) {
            tcp_send_active_reset(child);
            TCP_INC_STATS(TCPAbortOnClose);
            tcp_done(child);
        }
        release_sock(child);
        sock_put(child);                    /* the accept queue's reference */
        sock_put(child);                    /* the socket layer's, never handed out */
    }
}
