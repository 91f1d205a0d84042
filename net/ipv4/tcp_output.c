/* net/ipv4/tcp_output.c - TCP output: stations 5 and 6 of docs/sendpath.md.
 *
 *   tcp_push -> __tcp_push_pending_frames -> tcp_write_xmit          (station 5)
 *     per skb at the send head: tcp_cwnd_test, tcp_snd_wnd_test, Nagle,
 *     tcp_mss_split_point / tso_fragment, then
 *   tcp_transmit_skb: clone, header and options, window, checksum -> ip_queue_xmit (6)
 *
 * The write queue holds every byte not yet acknowledged: [head, sk_send_head) is in
 * flight, [sk_send_head, tail] not yet sent. Each skb's data lives in page fragments (no
 * linear payload) so it can be cut at any byte (tcp_fragment) without copying; what goes
 * to IP is a clone that shares those pages, while the original stays queued for
 * retransmission. A clone still in the driver's ring is never written to: before the
 * next transmission of the same skb its header area is made private (skb_unshare_head).
 * For a route with neither scatter-gather nor GSO the payload goes to the skb's linear
 * area instead (as Linux does when the device cannot take fragments), so the clone can
 * be sent as it is, without a linearising copy per transmission; such an skb is cut by
 * copying its tail (summed in the same pass, so both parts keep a payload sum). Without
 * checksum offload the payload's sum is taken as the bytes are copied in (tcp_sendmsg),
 * and the transmission sums only the header.
 *
 * Also here: SYN, SYN-ACK (for request socks), pure ACKs, FIN, RST, window probes,
 * retransmission of single skbs, and the receive window we announce. */
#include "net/ipv4/tcp.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/route.h"
#include "net/core/checksum.h"
#include "net/core/netdevice.h"
#include "net/core/trace_stations.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

/* --- clocks --- */
uint64_t tcp_clock_us(void) { return ktime_get_ns() / 1000; }
uint32_t tcp_time_stamp_ms(void) { return (uint32_t)(ktime_get_ns() / 1000000); }

static uint32_t tcp_tsval(const struct tcp_sock *tp) { return tcp_time_stamp_ms() + tp->ts_offset; }

/* --- window we announce (Linux's __tcp_select_window) --- */
static int tcp_win_from_space(int space) { return space - (space >> 1); }   /* adv_win_scale 1 */

static int tcp_space(const struct sock *sk)
{
    return tcp_win_from_space(sk->sk_rcvbuf - sk->sk_backlog_len - sk->sk_rmem_alloc);
}

static int tcp_full_space(const struct sock *sk) { return tcp_win_from_space(sk->sk_rcvbuf); }

uint32_t tcp_receive_window(const struct tcp_sock *tp)
{
    int32_t win = (int32_t)(tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt);
    return win < 0 ? 0 : (uint32_t)win;
}

static uint32_t __tcp_select_window(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    int mss = tp->ack.rcv_mss ? tp->ack.rcv_mss : tp->advmss;
    int free_space = tcp_space(sk);
    int full_space = MIN((int)tp->window_clamp, tcp_full_space(sk));
    if (free_space < 0)
        free_space = 0;
    if (mss > full_space)
        mss = full_space;
    if (free_space < full_space / 2) {
        tp->ack.quick = 0;
        if (sk_under_memory_pressure(sk))
            tp->rcv_ssthresh = MIN(tp->rcv_ssthresh, 4u * tp->advmss);
        free_space = (int)ALIGN_DOWN((uint32_t)free_space, 1u << tp->rcv_wscale);
        /* receiver silly window avoidance (RFC 9293 3.8.6.2.2) */
        if (free_space < full_space / 16 || free_space < mss)
            return 0;
    }
    if (free_space > (int)tp->rcv_ssthresh)
        free_space = (int)tp->rcv_ssthresh;
    uint32_t window = tp->rcv_wnd;
    if (tp->rcv_wscale) {
        window = (uint32_t)free_space;
        /* with scaling, round up so the announced value is not truncated to less */
        if (((window >> tp->rcv_wscale) << tp->rcv_wscale) != window)
            window = ((window >> tp->rcv_wscale) + 1) << tp->rcv_wscale;
    } else if ((int)window <= free_space - mss || (int)window > free_space) {
        window = (uint32_t)(free_space / mss) * (uint32_t)mss;
    } else if (mss == full_space && free_space > (int)window + full_space / 2) {
        window = (uint32_t)free_space;
    }
    return window;
}

uint32_t __tcp_select_window_pub(struct sock *sk) { return __tcp_select_window(sk); }

uint16_t tcp_select_window(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    uint32_t old_win = tp->rcv_wnd;
    uint32_t cur_win = tcp_receive_window(tp);
    uint32_t new_win = __tcp_select_window(sk);
    if (new_win < cur_win) {
        /* never shrink a window already offered (RFC 9293 3.8.6.2.1) */
        if (new_win == 0)
            TCP_INC_STATS(TCPWantZeroWindowAdv);
        new_win = ALIGN_UP(cur_win, 1u << tp->rcv_wscale);
    }
    tp->rcv_wnd = new_win;
    tp->rcv_wup = tp->rcv_nxt;
    if (!tp->rcv_wscale)
        new_win = MIN(new_win, TCP_MAX_WINDOW);
    else
        new_win = MIN(new_win, TCP_MAX_WINDOW << tp->rcv_wscale);
    new_win >>= tp->rcv_wscale;
    if (new_win == 0) {
        if (old_win)
            TCP_INC_STATS(TCPToZeroWindowAdv);
    } else if (old_win == 0) {
        TCP_INC_STATS(TCPFromZeroWindowAdv);
    }
    return (uint16_t)new_win;
}

void tcp_select_initial_window(struct sock *sk, unsigned space, unsigned mss,
                               uint32_t *rcv_wnd, uint32_t *window_clamp,
                               bool wscale_ok, uint8_t *rcv_wscale)
{
    if (*window_clamp == 0)
        *window_clamp = TCP_MAX_WINDOW << TCP_MAX_WSCALE;
    space = MIN(*window_clamp, space);
    if (space > mss)
        space = ALIGN_DOWN(space, mss);          /* a whole number of segments */
    *rcv_wnd = MIN(space, TCP_MAX_WINDOW);
    *rcv_wscale = 0;
    if (wscale_ok) {
        /* scale for the largest buffer autotuning may reach */
        uint32_t big = MAX(space, (unsigned)sysctl_tcp.rmem_max);
        big = MAX(big, (uint32_t)SK_RMEM_MAX);
        big = MIN(big, *window_clamp);
        int ws = 0;
        while (ws < TCP_MAX_WSCALE && (big >> ws) > TCP_MAX_WINDOW)
            ws++;
        *rcv_wscale = (uint8_t)ws;
    }
    *window_clamp = MIN(*window_clamp, TCP_MAX_WINDOW << *rcv_wscale);
}

/* --- MSS --- */
unsigned tcp_mtu_to_mss(struct sock *sk, unsigned pmtu)
{
    struct tcp_sock *tp = tcp_sk(sk);
    /* a segment is one IPv4 datagram: never more than 65535 bytes (lo's MTU is 65536) */
    if (pmtu > IP_MAX_PACKET)
        pmtu = IP_MAX_PACKET;
    int mss = (int)pmtu - 20 - TCP_HLEN_MIN;
    if (tp->mss_clamp && mss > tp->mss_clamp)
        mss = tp->mss_clamp;
    if (mss < TCP_MIN_SND_MSS)
        mss = TCP_MIN_SND_MSS;
    return (unsigned)mss;
}

/* Bytes of options on a data segment (timestamps; SACK blocks vary per segment and are
 * taken off by tcp_current_mss). */
static unsigned tcp_header_opts_len(const struct tcp_sock *tp)
{
    return tp->tstamp_ok ? TCPOLEN_TSTAMP_ALIGNED : 0;
}

unsigned tcp_sync_mss(struct sock *sk, uint32_t pmtu)
{
    struct tcp_sock *tp = tcp_sk(sk);
    unsigned mss = tcp_mtu_to_mss(sk, pmtu);
    /* never bigger than half the largest window the peer offered (Linux's
     * tcp_bound_to_half_wnd), so a tiny window still gets two segments */
    if (tp->max_window > TCP_MSS_DEFAULT && mss > tp->max_window / 2)
        mss = MAX(tp->max_window / 2, 68u - 40u);
    unsigned opts = tcp_header_opts_len(tp);
    mss = mss > opts + TCP_MIN_SND_MSS ? mss - opts : TCP_MIN_SND_MSS;
    tp->pmtu_cookie = pmtu;
    tp->mss_cache = (uint16_t)mss;
    return mss;
}

static uint32_t tcp_path_mtu(struct sock *sk)
{
    struct rtable *rt = __sk_dst_check(sk);
    if (rt) {
        tcp_sk(sk)->route_caps = rt->dev->features;
        tcp_sk(sk)->gso_max_segs = rt->dev->gso_max_segs ? rt->dev->gso_max_segs : 1;
        return MIN(rt->mtu, rt->dev->mtu);
    }
    return tcp_sk(sk)->pmtu_cookie ? tcp_sk(sk)->pmtu_cookie : 576;
}

unsigned tcp_current_mss(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    uint32_t mtu = tcp_path_mtu(sk);
    unsigned mss = tp->mss_cache;
    if (mtu != tp->pmtu_cookie)
        mss = tcp_sync_mss(sk, mtu);
    /* the SACK blocks this ACK will carry take room too */
    unsigned sack = tp->num_sacks + (tp->dsack ? 1 : 0);
    if (sack) {
        unsigned room = TCP_MAX_OPTION_SPACE - tcp_header_opts_len(tp);
        unsigned n = MIN(sack, (room - 4) / TCPOLEN_SACK_PERBLOCK);
        unsigned extra = 4 + n * TCPOLEN_SACK_PERBLOCK;
        if (mss > extra + TCP_MIN_SND_MSS)
            mss -= extra;
    }
    return mss;
}

/* Packets of several MSS: the NIC cuts them (TSO, with scatter-gather and checksum
 * offload), or the device layer does just before the driver (GSO, net/core/gso.h). */
static bool tcp_can_gso(const struct tcp_sock *tp)
{
    return (tp->route_caps & NETIF_F_GSO) ||
           (tp->route_caps & (NETIF_F_TSO | NETIF_F_SG | NETIF_F_IP_CSUM)) ==
           (NETIF_F_TSO | NETIF_F_SG | NETIF_F_IP_CSUM);
}

/* size_goal: how big tcp_sendmsg lets one skb grow (Linux's tcp_xmit_size_goal): one MSS
 * without TSO and GSO, else as many MSS as fit in 64 KiB and half the peer's largest
 * window. */
static unsigned tcp_xmit_size_goal(struct sock *sk, unsigned mss_now, int flags)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (!tcp_can_gso(tp) || (flags & MSG_OOB))
        return mss_now;
    uint32_t gso_max = 65536 - (MAX_TCP_HEADER + 1);
    uint32_t half_win = tp->max_window > TCP_MSS_DEFAULT ? tp->max_window / 2 : tp->max_window;
    uint32_t new_goal = MIN(gso_max, MAX(half_win, mss_now));
    uint32_t segs = MAX(1u, new_goal / mss_now);
    segs = MIN(segs, (uint32_t)tp->gso_max_segs);
    segs = MIN(segs, (uint32_t)(MAX_SKB_FRAGS - 1) * (uint32_t)PAGE_SIZE / mss_now);
    tp->xmit_size_goal = MAX(1u, segs) * mss_now;
    return tp->xmit_size_goal;
}

unsigned tcp_send_mss(struct sock *sk, unsigned *size_goal, int flags)
{
    unsigned mss_now = tcp_current_mss(sk);
    *size_goal = tcp_xmit_size_goal(sk, mss_now, flags);
    return mss_now;
}

void tcp_set_skb_tso_segs(struct sk_buff *skb, unsigned mss_now)
{
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    if (skb->len <= mss_now) {
        cb->tcp_gso_segs = 1;
        cb->tcp_gso_size = 0;
    } else {
        cb->tcp_gso_segs = (uint16_t)DIV_ROUND_UP(skb->len, mss_now);
        cb->tcp_gso_size = (uint16_t)mss_now;
    }
}

static unsigned tcp_init_tso_segs(struct sk_buff *skb, unsigned mss_now)
{
    unsigned segs = tcp_skb_pcount(skb);
    if (!segs || (segs > 1 && TCP_SKB_CB(skb)->tcp_gso_size != mss_now)) {
        tcp_set_skb_tso_segs(skb, mss_now);
        segs = tcp_skb_pcount(skb);
    }
    return segs;
}

/* --- write-queue buffers --- */
struct sk_buff *tcp_stream_alloc_skb(struct sock *sk, unsigned room, bool force)
{
    struct sk_buff *skb = alloc_skb(MAX_TCP_HEADER + room);
    if (!skb)
        return NULL;
    if (!sk_mem_schedule(sk, (int)skb->truesize, false) && !force) {
        kfree_skb(skb);
        return NULL;
    }
    skb_reserve(skb, MAX_TCP_HEADER);
    memset(skb->cb, 0, sizeof(skb->cb));
    sk->sk_wmem_queued += (int)skb->truesize;
    sk_mem_charge(sk, (int)skb->truesize);
    return skb;
}

void tcp_skb_free_wq(struct sock *sk, struct sk_buff *skb)
{
    if (sk->sk_send_head == skb)
        sk->sk_send_head = tcp_write_queue_next(sk, skb);
    skb_unlink(skb, &sk->sk_write_queue);
    sk->sk_wmem_queued -= (int)skb->truesize;
    sk_mem_uncharge(sk, (int)skb->truesize);
    kfree_skb(skb);
}

void tcp_trim_head(struct sock *sk, struct sk_buff *skb, uint32_t len)
{
    if (skb_is_nonlinear(skb)) {
        skb_pull_frags(skb, len);            /* the pages' share of truesize goes */
        sk->sk_wmem_queued -= (int)len;
        sk_mem_uncharge(sk, (int)len);
    } else {
        skb_pull(skb, len);                  /* the buffer stays charged until freed */
    }
    tcp_skb_csum_invalidate(skb);
}

static void tcp_queue_skb(struct sock *sk, struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    tp->write_seq = TCP_SKB_CB(skb)->end_seq;
    skb_queue_tail(&sk->sk_write_queue, skb);
    if (!sk->sk_send_head)
        sk->sk_send_head = skb;
}

/* Split skb at len bytes; the tail part becomes a new skb right after it. Works on sent
 * skbs (SACK and retransmission) and unsent ones (tso_fragment), keeping the in-flight
 * counters right. 0 or -ENOMEM (nothing changed). */
int tcp_fragment(struct sock *sk, struct sk_buff *skb, uint32_t len, unsigned mss_now)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (len == 0 || len >= skb->len)
        return 0;
    if (skb_cloned(skb) && skb_unshare_head(skb))
        return -ENOMEM;
    bool linear = !skb_is_nonlinear(skb);
    struct sk_buff *buff = tcp_stream_alloc_skb(sk, linear ? skb->len - len : 0, true);
    if (!buff)
        return -ENOMEM;
    unsigned old_factor = tcp_skb_pcount(skb);
    if (linear) {
        /* payload in the linear area: the tail is copied out (never shared) */
        uint32_t tail = skb->len - len;
        void *to = skb_put(buff, tail);
        struct tcp_skb_cb *cb = TCP_SKB_CB(skb), *ncb = TCP_SKB_CB(buff);
        if (cb->csum_len == skb->len) {
            /* both parts keep a payload sum: the tail's is taken while it is copied,
             * and taken off the whole (at its offset) for the head */
            __wsum t = csum_partial_copy(skb->data + len, to, tail, 0);
            ncb->csum = t;
            ncb->csum_len = tail;
            cb->csum = csum_block_sub(cb->csum, t, len);
            cb->csum_len = len;
        } else {
            memcpy(to, skb->data + len, tail);
        }
        skb_trim(skb, len);
    } else {
        skb_split(skb, buff, len);
        tcp_skb_csum_invalidate(skb);
    }

    struct tcp_skb_cb *cb = TCP_SKB_CB(skb), *ncb = TCP_SKB_CB(buff);
    ncb->seq = cb->seq + len;
    ncb->end_seq = cb->end_seq;
    cb->end_seq = ncb->seq;
    ncb->tcp_flags = cb->tcp_flags;
    cb->tcp_flags &= (uint8_t)~(TCPHDR_FIN | TCPHDR_PSH);
    ncb->sacked = cb->sacked;
    ncb->tx_time_us = cb->tx_time_us;
    tcp_set_skb_tso_segs(skb, mss_now);
    tcp_set_skb_tso_segs(buff, mss_now);

    /* a sent skb that now counts as more segments changes what is in flight */
    if (!before(tp->snd_nxt, ncb->end_seq)) {
        int diff = (int)old_factor - (int)tcp_skb_pcount(skb) - (int)tcp_skb_pcount(buff);
        if (diff) {
            tp->packets_out -= (uint32_t)diff;
            if (cb->sacked & TCPCB_SACKED_ACKED)
                tp->sacked_out -= (uint32_t)diff;
            if (cb->sacked & TCPCB_SACKED_RETRANS)
                tp->retrans_out -= (uint32_t)diff;
            if (cb->sacked & TCPCB_LOST)
                tp->lost_out -= (uint32_t)diff;
        }
    }
    skb_queue_after(&sk->sk_write_queue, skb, buff);
    return 0;
}

/* --- the header (station 6) --- */
static void tcp_syn_options(struct sock *sk, struct tcp_out_options *o)
{
    struct tcp_sock *tp = tcp_sk(sk);
    o->mss = true;
    o->mss_val = tp->advmss;
    if (tp->tstamp_ok) {
        o->ts = true;
        o->tsval = tcp_tsval(tp);
        o->tsecr = tp->ts_recent;
    }
    if (tp->wscale_ok) {
        o->wscale = true;
        o->wscale_val = tp->rcv_wscale;
    }
    o->sack_perm = tp->sack_ok;
}

static void tcp_established_options(struct sock *sk, struct tcp_out_options *o,
                                    struct tcp_sack_block *blocks)
{
    struct tcp_sock *tp = tcp_sk(sk);
    unsigned room = TCP_MAX_OPTION_SPACE;
    if (tp->tstamp_ok) {
        o->ts = true;
        o->tsval = tcp_tsval(tp);
        o->tsecr = tp->ts_recent;
        room -= TCPOLEN_TSTAMP_ALIGNED;
    }
    unsigned n = 0, max = (room - 4) / TCPOLEN_SACK_PERBLOCK;
    if (tp->sack_ok && tp->dsack && n < max)
        blocks[n++] = tp->duplicate_sack;
    for (unsigned i = 0; tp->sack_ok && i < tp->num_sacks && n < max; i++)
        blocks[n++] = tp->selective_acks[i];
    o->num_sacks = (uint8_t)n;
    o->sacks = blocks;
}

/* We sent an ACK (alone or on data): the delayed one is no longer owed. */
static void tcp_event_ack_sent(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (tp->ack.quick)
        tp->ack.quick--;
    tp->ack.pending = 0;
    del_timer(&tp->delack_timer);
    tp->sk.sk_deferred &= ~TCP_DEFER_DELACK;
    tp->dsack = false;
}

/* Data sent within ato of the last data received: the exchange is interactive
 * (pingpong), so ACKs may wait for the next reply (Linux's pingpong mode). */
static void tcp_event_data_sent(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    uint64_t now = jiffies;
    tp->lsndtime_ms = now;
    if (now - tp->ack.lrcvtime_ms < tp->ack.ato_ms)
        tp->ack.pingpong = true;
}

static void tcp_set_csum(struct sock *sk, struct sk_buff *skb, struct tcphdr *th)
{
    struct tcp_sock *tp = tcp_sk(sk);
    uint32_t saddr = sk->inet_saddr, daddr = sk->inet_daddr;
    /* a GSO packet's segments get their sums where they are cut (tcp4_gso_segment) */
    if ((tp->route_caps & NETIF_F_IP_CSUM) || skb_is_gso(skb)) {
        skb->ip_summed = CHECKSUM_PARTIAL;
        skb->csum_start = (uint16_t)(skb_transport_header(skb) - skb->head);
        skb->csum_offset = offsetof(struct tcphdr, check);
        th->check = (uint16_t)~csum_tcpudp_magic(saddr, daddr, skb->len, IPPROTO_TCP, 0);
    } else {
        skb->ip_summed = CHECKSUM_NONE;
        th->check = 0;
        const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
        unsigned hlen = tcp_hdrlen_of(th);
        __wsum sum;
        if (cb->csum_len && cb->csum_len == skb->len - hlen)
            /* the payload was summed when it was copied in: add the header (a multiple
             * of four bytes, so the payload's words keep their byte lanes) */
            sum = csum_partial(th, hlen, cb->csum);
        else
            sum = skb_checksum(skb, 0, skb->len, 0);
        th->check = csum_tcpudp_magic(saddr, daddr, skb->len, IPPROTO_TCP, sum);
    }
}

int tcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone_it)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);
    /* the route decides offloads: look it up (and cache it) before building */
    (void)tcp_path_mtu(sk);
    if (clone_it) {
        tcb->tx_time_us = tcp_clock_us();
        struct sk_buff *c;
        if (skb_is_nonlinear(skb) && !(tp->route_caps & NETIF_F_SG) && tcp_skb_pcount(skb) <= 1) {
            c = skb_copy(skb);               /* a device without scatter-gather */
        } else {
            /* a clone of this skb from an earlier transmission may still sit in the
             * driver's ring: give the original a private header area first */
            if (skb_cloned(skb) && skb_unshare_head(skb))
                return -ENOBUFS;
            c = skb_clone(skb);
        }
        if (!c)
            return -ENOBUFS;
        trace_point(TS_TCP_TRANSMIT_SKB, skb, skb->len, (uintptr_t)c);   /* links the clone */
        skb = c;
    }
    bool syn = tcb->tcp_flags & TCPHDR_SYN;
    struct tcp_out_options opts = { 0 };
    struct tcp_sack_block blocks[TCP_NUM_SACKS + 1];
    if (syn)
        tcp_syn_options(sk, &opts);
    else
        tcp_established_options(sk, &opts, blocks);
    unsigned hlen = TCP_HLEN_MIN + tcp_options_size(&opts);
    unsigned payload = skb->len;
    struct tcphdr *th = skb_push(skb, hlen);
    skb_reset_transport_header(skb);
    /* windows in SYNs are never scaled (RFC 7323 2.2) */
    uint16_t win = syn ? (uint16_t)MIN(tp->rcv_wnd, TCP_MAX_WINDOW) : tcp_select_window(sk);
    uint8_t flags = tcb->tcp_flags;
    tcp_hdr_emit(th, ntohs(sk->inet_sport), ntohs(sk->inet_dport), tcb->seq, tp->rcv_nxt,
                 flags, win, hlen);
    if (tp->snd_up && after(tp->snd_up, tcb->seq) && (flags & TCPHDR_URG))
        th->urg_ptr = htons((uint16_t)MIN(tp->snd_up - tcb->seq, 0xffffu));
    tcp_options_write((uint8_t *)(th + 1), &opts);
    if (flags & TCPHDR_ACK)
        tcp_event_ack_sent(sk);
    if (payload) {
        tcp_event_data_sent(sk);
        tp->data_segs_out += tcb->tcp_gso_segs ? tcb->tcp_gso_segs : 1;
        tp->bytes_sent += payload;
    }
    unsigned segs = tcb->tcp_gso_segs ? tcb->tcp_gso_segs : 1;
    struct skb_shared_info *sh = skb_shinfo(skb);
    if (segs > 1) {
        sh->gso_size = tcb->tcp_gso_size;
        sh->gso_segs = (uint16_t)segs;
        sh->gso_type = SKB_GSO_TCPV4;
    } else {
        sh->gso_size = 0;
        sh->gso_segs = 0;
        sh->gso_type = 0;
    }
    tcp_set_csum(sk, skb, th);
    tp->segs_out += segs;
    TCP_ADD_STATS(OutSegs, segs);
    if (flags & TCPHDR_RST)
        TCP_INC_STATS(OutRsts);
    /* charged to the socket until the driver frees it: the sock outlives its packets */
    skb_set_owner_w(skb, sk);
    int err = ip_queue_xmit(sk, skb);
    /* NET_XMIT_CN is success; a drop below us is local congestion, the data stays queued
     * and the retransmit timer covers it */
    return err > 0 ? 0 : err;
}

/* --- station 5 --- */
static bool tcp_minshall_check(const struct tcp_sock *tp)
{
    return after(tp->snd_sml, tp->snd_una) && !after(tp->snd_sml, tp->snd_nxt);
}

/* Nagle with Minshall's refinement: a partial segment waits while corked, or while an
 * earlier small segment is unacknowledged (and TCP_NODELAY is off). */
static bool tcp_nagle_check(bool partial, const struct tcp_sock *tp, int nonagle)
{
    return partial && ((nonagle & TCP_NAGLE_CORK) ||
                       (!nonagle && tp->packets_out && tcp_minshall_check(tp)));
}

bool tcp_nagle_test(const struct tcp_sock *tp, const struct sk_buff *skb,
                    unsigned cur_mss, int nonagle)
{
    if (nonagle & TCP_NAGLE_PUSH)
        return true;
    if (TCP_SKB_CB(skb)->tcp_flags & (TCPHDR_FIN | TCPHDR_URG))
        return true;
    return !tcp_nagle_check(skb->len < cur_mss, tp, nonagle);
}

static unsigned tcp_cwnd_test(const struct tcp_sock *tp)
{
    uint32_t in_flight = tcp_packets_in_flight(tp);
    if (in_flight >= tp->snd_cwnd)
        return 0;
    return tp->snd_cwnd - in_flight;
}

static bool tcp_snd_wnd_test(const struct tcp_sock *tp, const struct sk_buff *skb,
                             unsigned cur_mss)
{
    uint32_t end_seq = TCP_SKB_CB(skb)->end_seq;
    if (skb->len > cur_mss)
        end_seq = TCP_SKB_CB(skb)->seq + cur_mss;
    return !after(end_seq, tcp_wnd_end(tp));
}

static void tcp_minshall_update(struct tcp_sock *tp, unsigned mss_now, const struct sk_buff *skb)
{
    if (skb->len < tcp_skb_pcount(skb) * mss_now)
        tp->snd_sml = TCP_SKB_CB(skb)->end_seq;
}

/* How much of a TSO skb may go now: up to max_segs segments, within the receive
 * window, and no trailing partial segment that Nagle would hold. */
static uint32_t tcp_mss_split_point(const struct sock *sk, const struct sk_buff *skb,
                                    unsigned mss_now, unsigned max_segs, int nonagle)
{
    const struct tcp_sock *tp = tcp_sk(sk);
    uint32_t window = tcp_wnd_end(tp) - TCP_SKB_CB(skb)->seq;
    uint32_t max_len = mss_now * max_segs;
    if (max_len <= window && skb != tcp_write_queue_tail(sk))
        return max_len;
    uint32_t needed = MIN(skb->len, window);
    if (max_len <= needed)
        return max_len;
    uint32_t partial = needed % mss_now;
    if (tcp_nagle_check(partial != 0, tp, nonagle))
        return needed - partial;
    return needed;
}

static void tcp_event_new_data_sent(struct sock *sk, struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    unsigned prior_packets = tp->packets_out;
    sk->sk_send_head = tcp_write_queue_next(sk, skb);
    tp->snd_nxt = TCP_SKB_CB(skb)->end_seq;
    tp->packets_out += tcp_skb_pcount(skb);
    TCP_ADD_STATS(TCPOrigDataSent, tcp_skb_pcount(skb));
    if (!prior_packets || tp->pending == ICSK_TIME_PROBE0)
        tcp_rearm_rto(sk);
}

static void tcp_cwnd_validate(struct tcp_sock *tp, bool is_cwnd_limited)
{
    if (tp->packets_out > tp->max_packets_out)
        tp->max_packets_out = tp->packets_out;
    if (is_cwnd_limited)
        tp->is_cwnd_limited = true;
}

bool tcp_write_xmit(struct sock *sk, unsigned mss_now, int nonagle, int push_one)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *skb;
    unsigned sent_pkts = 0;
    bool is_cwnd_limited = false;
    tp->max_packets_out = tp->packets_out;
    tp->is_cwnd_limited = false;

    while ((skb = tcp_send_head(sk)) != NULL) {
        unsigned tso_segs = tcp_init_tso_segs(skb, mss_now);
        unsigned cwnd_quota = tcp_cwnd_test(tp);
        if (!cwnd_quota) {
            is_cwnd_limited = true;
            break;
        }
        if (!tcp_snd_wnd_test(tp, skb, mss_now))
            break;
        if (tso_segs == 1 && !tcp_nagle_test(tp, skb, mss_now,
                                             tcp_skb_is_last(sk, skb) ? nonagle : TCP_NAGLE_PUSH))
            break;
        uint32_t limit = mss_now;
        if (tso_segs > 1)
            limit = tcp_mss_split_point(sk, skb, mss_now, MIN(cwnd_quota, (unsigned)tp->gso_max_segs),
                                        nonagle);
        if (skb->len > limit) {
            if (tcp_fragment(sk, skb, limit, mss_now))
                break;
        }
        trace_skb(TS_TCP_WRITE_XMIT, skb, tp->snd_cwnd);
        if (tcp_transmit_skb(sk, skb, true))
            break;
        tcp_event_new_data_sent(sk, skb);
        tcp_minshall_update(tp, mss_now, skb);
        sent_pkts += tcp_skb_pcount(skb);
        if (push_one)
            break;
    }
    tcp_cwnd_validate(tp, is_cwnd_limited);
    if (sent_pkts)
        return false;
    return !tp->packets_out && tcp_send_head(sk);
}

/* Nothing in flight but data waits for the window: start the persist timer. */
void tcp_check_probe_timer(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (!tp->packets_out && !tp->pending && tcp_send_head(sk))
        tcp_reset_xmit_timer(sk, ICSK_TIME_PROBE0, tcp_probe0_when(sk, TCP_RTO_MAX_MS));
}

void __tcp_push_pending_frames(struct sock *sk, unsigned cur_mss, int nonagle)
{
    if (sk->sk_state == TCP_CLOSE)
        return;
    if (tcp_write_xmit(sk, cur_mss, nonagle, 0))
        tcp_check_probe_timer(sk);
}

void tcp_push_one(struct sock *sk, unsigned mss_now)
{
    tcp_write_xmit(sk, mss_now, TCP_NAGLE_PUSH, 1);
}

/* The end of a send call (Linux's tcp_push): PSH on the tail unless MSG_MORE,
 * then send what Nagle/cork allow. */
void tcp_push(struct sock *sk, int flags, unsigned mss_now, int nonagle, unsigned size_goal)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *skb = tcp_send_head(sk) ? tcp_write_queue_tail(sk) : NULL;
    if (!skb)
        return;
    if (!(flags & MSG_MORE) || after(tp->write_seq, tp->pushed_seq + tp->max_window / 2)) {
        TCP_SKB_CB(skb)->tcp_flags |= TCPHDR_PSH;
        tp->pushed_seq = tp->write_seq;
    }
    if (flags & MSG_MORE)
        nonagle = TCP_NAGLE_CORK;
    (void)size_goal;
    __tcp_push_pending_frames(sk, mss_now, nonagle);
}

/* --- control segments --- */
static struct sk_buff *tcp_ctl_skb(struct sock *sk, uint32_t seq, uint8_t flags)
{
    struct sk_buff *skb = alloc_skb(MAX_TCP_HEADER);
    if (!skb)
        return NULL;
    skb_reserve(skb, MAX_TCP_HEADER);
    memset(skb->cb, 0, sizeof(skb->cb));
    TCP_SKB_CB(skb)->seq = seq;
    TCP_SKB_CB(skb)->end_seq = seq;
    TCP_SKB_CB(skb)->tcp_flags = flags;
    TCP_SKB_CB(skb)->tcp_gso_segs = 1;
    return skb;
}

void tcp_send_ack(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
        return;
    struct sk_buff *skb = tcp_ctl_skb(sk, tp->snd_nxt, TCPHDR_ACK);
    if (!skb) {
        /* no memory: try again from the delayed-ACK timer */
        tp->ack.pending |= ICSK_ACK_TIMER;
        mod_timer(&tp->delack_timer, jiffies + msecs_to_jiffies(TCP_DELACK_MAX_MS));
        return;
    }
    tcp_transmit_skb(sk, skb, false);
}

void tcp_send_challenge_ack(struct sock *sk)
{
    static uint64_t window_start;
    static int budget;
    struct tcp_sock *tp = tcp_sk(sk);
    uint64_t now = jiffies;
    /* per socket: at most one per invalid_ratelimit (RFC 5961 section 7) */
    if (tp->last_oow_ack_ms && now - tp->last_oow_ack_ms < TCP_INVALID_RATELIMIT_MS) {
        TCP_INC_STATS(TCPACKSkippedChallenge);
        return;
    }
    /* host-wide budget per second */
    if (now - window_start >= HZ) {
        window_start = now;
        budget = sysctl_tcp.challenge_ack_limit;
    }
    if (budget <= 0) {
        TCP_INC_STATS(TCPACKSkippedChallenge);
        return;
    }
    budget--;
    tp->last_oow_ack_ms = now ? now : 1;
    TCP_INC_STATS(TCPChallengeACK);
    tcp_send_ack(sk);
}

/* Schedule the delayed ACK (as Linux's tcp_send_delayed_ack). */
void tcp_send_delayed_ack(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    uint32_t ato = tp->ack.ato_ms;
    uint32_t max_ato = TCP_DELACK_MAX_MS;
    if (ato > TCP_DELACK_MIN_MS) {
        if (!tp->ack.pingpong && !(tp->ack.pending & ICSK_ACK_PUSHED))
            max_ato = 500;
        if (tp->srtt_us) {
            uint32_t rtt = MAX(tp->srtt_us >> 3, TCP_DELACK_MIN_MS * 1000u) / 1000u;
            if (rtt < max_ato)
                max_ato = rtt;
        }
        ato = MIN(ato, max_ato);
    }
    ato = MIN(ato, (uint32_t)TCP_DELACK_MAX_MS);
    uint64_t timeout = jiffies + msecs_to_jiffies(ato);
    if (tp->ack.pending & ICSK_ACK_TIMER) {
        /* already armed: an ACK that is overdue goes now, else keep the earlier time */
        if (time_after_eq(jiffies, tp->ack.timeout - msecs_to_jiffies(ato >> 2))) {
            tcp_send_ack(sk);
            return;
        }
        if (!time_before(timeout, tp->ack.timeout))
            timeout = tp->ack.timeout;
    }
    tp->ack.pending |= ICSK_ACK_SCHED | ICSK_ACK_TIMER;
    tp->ack.timeout = timeout;
    mod_timer(&tp->delack_timer, timeout);
}

void tcp_send_fin(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *tail = tcp_write_queue_tail(sk);
    /* ride on the last unsent skb when there is one */
    if (tail && tcp_send_head(sk)) {
        TCP_SKB_CB(tail)->tcp_flags |= TCPHDR_FIN;
        TCP_SKB_CB(tail)->end_seq++;
        tp->write_seq++;
    } else {
        struct sk_buff *skb = tcp_stream_alloc_skb(sk, 0, true);
        if (!skb) {
            /* cannot even queue a FIN: give up the connection the hard way */
            tcp_send_active_reset(sk);
            tcp_done(sk);
            return;
        }
        TCP_SKB_CB(skb)->seq = tp->write_seq;
        TCP_SKB_CB(skb)->end_seq = tp->write_seq + 1;
        TCP_SKB_CB(skb)->tcp_flags = TCPHDR_ACK | TCPHDR_FIN;
        TCP_SKB_CB(skb)->tcp_gso_segs = 1;
        tcp_queue_skb(sk, skb);
    }
    tp->fin_sent = true;
    __tcp_push_pending_frames(sk, tcp_current_mss(sk), TCP_NAGLE_OFF);
}

void tcp_send_active_reset(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *skb = tcp_ctl_skb(sk, tp->snd_nxt, TCPHDR_ACK | TCPHDR_RST);
    if (skb)
        tcp_transmit_skb(sk, skb, false);
}

/* Active open: queue the SYN and send it (RFC 9293 3.5). */
int tcp_connect(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    uint32_t mtu = tcp_path_mtu(sk);
    if (!tp->advmss) {
        unsigned adv = MIN(mtu, (uint32_t)IP_MAX_PACKET) - 40;
        if (tp->user_mss && tp->user_mss < adv)
            adv = tp->user_mss;
        tp->advmss = (uint16_t)adv;
    }
    tp->mss_clamp = tp->user_mss ? tp->user_mss : 0;
    tcp_sync_mss(sk, mtu);
    if (!tp->window_clamp)
        tp->window_clamp = 0;
    tp->tstamp_ok = sysctl_tcp.timestamps;
    tp->sack_ok = sysctl_tcp.sack;
    tp->wscale_ok = sysctl_tcp.window_scaling;
    uint32_t rcv_wnd, clamp = tp->window_clamp;
    uint8_t ws;
    tcp_select_initial_window(sk, (unsigned)tcp_full_space(sk),
                              tp->advmss - (tp->tstamp_ok ? TCPOLEN_TSTAMP_ALIGNED : 0),
                              &rcv_wnd, &clamp, tp->wscale_ok, &ws);
    tp->rcv_wnd = rcv_wnd;
    tp->window_clamp = clamp;
    tp->rcv_wscale = ws;
    tp->rcv_ssthresh = rcv_wnd;
    tp->rcv_nxt = 0;
    tp->rcv_wup = 0;
    tp->copied_seq = 0;
    tp->snd_una = tp->write_seq;
    tp->snd_sml = tp->write_seq;
    tp->snd_up = tp->write_seq;
    tp->snd_nxt = tp->write_seq;
    tp->pushed_seq = tp->write_seq;
    tp->iss = tp->write_seq;
    tp->snd_wnd = 0;
    tp->max_window = 0;
    tp->retransmits = 0;
    tp->ack.rcv_mss = (uint16_t)MIN(tp->advmss, (uint16_t)TCP_MSS_DEFAULT);

    struct sk_buff *skb = tcp_stream_alloc_skb(sk, 0, true);
    if (!skb)
        return -ENOBUFS;
    TCP_SKB_CB(skb)->seq = tp->write_seq;
    TCP_SKB_CB(skb)->end_seq = tp->write_seq + 1;
    TCP_SKB_CB(skb)->tcp_flags = TCPHDR_SYN;
    TCP_SKB_CB(skb)->tcp_gso_segs = 1;
    tcp_queue_skb(sk, skb);
    tp->retrans_stamp_ms = jiffies;
    int err = tcp_transmit_skb(sk, skb, true);
    if (err == -ENOBUFS)
        return err;
    /* even when IP refused it (no neighbour yet), the timer retries */
    sk->sk_send_head = NULL;
    tp->snd_nxt = tp->write_seq;
    tp->packets_out++;
    TCP_INC_STATS(ActiveOpens);
    tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, tp->rto_ms);
    return 0;
}

/* Retransmit one skb from the head of the write queue (or a lost one in recovery): cut
 * it to the current MSS if the path shrank, then send a clone again. */
int tcp_retransmit_skb(struct sock *sk, struct sk_buff *skb, int segs)
{
    struct tcp_sock *tp = tcp_sk(sk);
    unsigned cur_mss = tcp_current_mss(sk);
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    if (before(cb->seq, tp->snd_una)) {
        /* partly acknowledged (a TSO skb, or data whose FIN was not acknowledged with
         * it): drop the acknowledged head first - all of the data, if only the FIN is
         * left, which then goes alone */
        uint32_t acked = tp->snd_una - cb->seq;
        if (cb->tcp_flags & TCPHDR_SYN || !before(tp->snd_una, cb->end_seq) ||
            acked > skb->len)
            return -EINVAL;
        if (skb_cloned(skb) && skb_unshare_head(skb))
            return -ENOMEM;
        tcp_trim_head(sk, skb, acked);
        cb->seq = tp->snd_una;
    }
    /* never more than the receiver's window allows (beyond the first byte) */
    if (!before(cb->seq, tcp_wnd_end(tp)) && cb->seq != tp->snd_una)
        return -EAGAIN;
    uint32_t len = cur_mss * (uint32_t)(segs > 0 ? segs : 1);
    if (skb->len > len) {
        if (tcp_fragment(sk, skb, len, cur_mss))
            return -ENOMEM;
    } else if (tcp_skb_pcount(skb) > 1 || TCP_SKB_CB(skb)->tcp_gso_size != cur_mss) {
        unsigned old = tcp_skb_pcount(skb);
        tcp_set_skb_tso_segs(skb, cur_mss);
        int diff = (int)old - (int)tcp_skb_pcount(skb);
        tp->packets_out -= (uint32_t)diff;
        if (cb->sacked & TCPCB_LOST)
            tp->lost_out -= (uint32_t)diff;
        if (cb->sacked & TCPCB_SACKED_RETRANS)
            tp->retrans_out -= (uint32_t)diff;
    }
    /* the episode's first: its TSval (what the segment carries, or earlier) for Eifel */
    bool first = !tp->retrans_stamp_ms;
    uint32_t tsval = first ? tcp_tsval(tp) : 0;
    int err = tcp_transmit_skb(sk, skb, true);
    if (err) {
        TCP_INC_STATS(TCPRetransFail);
        return err;
    }
    unsigned pc = tcp_skb_pcount(skb);
    TCP_ADD_STATS(RetransSegs, pc);
    tp->total_retrans += pc;
    tp->bytes_retrans += skb->len;
    if (cb->tcp_flags & TCPHDR_SYN)
        TCP_INC_STATS(TCPSynRetrans);
    if (!(cb->sacked & TCPCB_SACKED_RETRANS)) {
        cb->sacked |= TCPCB_SACKED_RETRANS;
        tp->retrans_out += pc;
    }
    cb->sacked |= TCPCB_EVER_RETRANS;
    if (first) {
        tp->retrans_stamp_ms = jiffies;
        tp->retrans_tsval = tsval;
    }
    /* one more retransmission a D-SACK must report before undo (tcp_may_undo) */
    if (tp->undo_retrans < 0)
        tp->undo_retrans = 0;
    tp->undo_retrans += (int)pc;
    return 0;
}

/* Send the segments marked lost, as the congestion window allows (recovery and loss). */
void tcp_xmit_retransmit_queue(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (!tp->packets_out || !tp->lost_out)
        return;
    for (struct sk_buff *skb = tcp_write_queue_head(sk); skb && skb != tcp_send_head(sk);
         skb = tcp_write_queue_next(sk, skb)) {
        uint8_t s = TCP_SKB_CB(skb)->sacked;
        if (tcp_packets_in_flight(tp) >= tp->snd_cwnd)
            break;
        if (!(s & TCPCB_LOST) || (s & (TCPCB_SACKED_ACKED | TCPCB_SACKED_RETRANS)))
            continue;
        uint32_t quota = tp->snd_cwnd - tcp_packets_in_flight(tp);
        if (tcp_retransmit_skb(sk, skb, (int)MIN(quota, (uint32_t)tp->gso_max_segs)))
            break;
        if (tp->ca_state == TCP_CA_Recovery)
            tp->prr_out += tcp_skb_pcount(skb);
        if (skb == tcp_write_queue_head(sk))
            tcp_rearm_rto(sk);
        if (tp->ca_state == TCP_CA_Loss)
            TCP_INC_STATS(TCPSlowStartRetrans);
        else
            TCP_INC_STATS(TCPFastRetrans);
    }
}

/* Zero-window probe or keepalive (RFC 9293 3.8.6.1): send new data that fits, or an
 * old byte's sequence (snd_una - 1) so the peer must answer with its window. */
int tcp_write_wakeup(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (sk->sk_state == TCP_CLOSE)
        return -1;
    struct sk_buff *skb = tcp_send_head(sk);
    if (skb && before(TCP_SKB_CB(skb)->seq, tcp_wnd_end(tp))) {
        unsigned mss = tcp_current_mss(sk);
        uint32_t seg_size = tcp_wnd_end(tp) - TCP_SKB_CB(skb)->seq;
        seg_size = MIN(seg_size, mss);
        if (seg_size < skb->len && tcp_fragment(sk, skb, seg_size, mss))
            return -1;
        TCP_SKB_CB(skb)->tcp_flags |= TCPHDR_PSH;
        tcp_set_skb_tso_segs(skb, mss);
        int err = tcp_transmit_skb(sk, skb, true);
        if (!err)
            tcp_event_new_data_sent(sk, skb);
        return err;
    }
    tcp_send_window_probe(sk);
    return 0;
}

void tcp_send_window_probe(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *skb = tcp_ctl_skb(sk, tp->snd_una - 1, TCPHDR_ACK);
    if (skb) {
        TCP_INC_STATS(TCPWinProbe);
        tcp_transmit_skb(sk, skb, false);
    }
}

void tcp_send_probe0(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    int err = tcp_write_wakeup(sk);
    if (tp->packets_out || !tcp_send_head(sk)) {
        /* the probe opened the window or nothing waits any more */
        tp->probes_out = 0;
        tp->backoff = 0;
        return;
    }
    if (err <= 0) {
        if (tp->backoff < 15)
            tp->backoff++;
        tp->probes_out++;
        tcp_reset_xmit_timer(sk, ICSK_TIME_PROBE0, tcp_probe0_when(sk, TCP_RTO_MAX_MS));
    } else {
        /* local trouble: retry soon without backing off */
        tcp_reset_xmit_timer(sk, ICSK_TIME_PROBE0, 500);
    }
}

uint32_t tcp_probe0_when(const struct sock *sk, uint32_t max_ms)
{
    const struct tcp_sock *tp = tcp_sk(sk);
    uint64_t when = (uint64_t)MAX(tp->rto_ms, (uint32_t)TCP_RTO_MIN_MS) << tp->backoff;
    return (uint32_t)MIN(when, (uint64_t)max_ms);
}

/* Simultaneous open: our queued SYN goes out again, now with ACK (RFC 9293 figure 8). */
int tcp_send_synack(struct sock *sk)
{
    struct sk_buff *skb = tcp_write_queue_head(sk);
    if (!skb || !(TCP_SKB_CB(skb)->tcp_flags & TCPHDR_SYN))
        return -EFAULT;
    TCP_SKB_CB(skb)->tcp_flags |= TCPHDR_ACK;
    return tcp_transmit_skb(sk, skb, true);
}
