/* net/ipv4/tcp_input.c - TCP input: what a segment does to a connection.
 *
 *   tcp_v4_rcv (tcp_ipv4.c) -> tcp_rcv_established   (header prediction, then slow path)
 *                           -> tcp_rcv_state_process (every other state)
 *   tcp_validate_incoming: PAWS (RFC 7323 5), sequence check, RST and SYN rules of
 *       RFC 5961 (challenge ACKs)
 *   tcp_ack -> tcp_sacktag_write_queue (RFC 2018/2883 scoreboard)
 *           -> tcp_clean_rtx_queue (station 19: free what is acknowledged, RTT sample)
 *           -> congestion control (tcp_cong.c) and loss recovery (RFC 6675 with PRR,
 *              RFC 6582 NewReno when the peer has no SACK, RFC 3042 limited transmit)
 *   tcp_data_queue: in-order data to the receive queue, the rest to the out-of-order
 *       queue (SACK blocks), FIN; then the ACK decision (delayed ACK, quick ACKs).
 *
 * All of it runs with the sock not owned by a task (softirq, or release_sock). */
#include "net/ipv4/tcp.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/route.h"
#include "net/core/trace_stations.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

#define FLAG_DATA             0x01   /* the segment carried data */
#define FLAG_WIN_UPDATE       0x02
#define FLAG_DATA_ACKED       0x04   /* new data acknowledged */
#define FLAG_RETRANS_DATA_ACKED 0x08
#define FLAG_SYN_ACKED        0x10
#define FLAG_DATA_SACKED      0x20
#define FLAG_ECE              0x40
#define FLAG_LOST_RETRANS     0x80
#define FLAG_SLOWPATH         0x100
#define FLAG_TS_ECHOES_ORIG   0x200  /* TSecr older than the first retransmission (Eifel) */
#define FLAG_SND_UNA_ADVANCED 0x400
#define FLAG_DSACKING_ACK     0x800
#define FLAG_UPDATE_TS_RECENT 0x4000
#define FLAG_NO_CHALLENGE_ACK 0x8000
#define FLAG_ACKED            (FLAG_DATA_ACKED | FLAG_SYN_ACKED)
#define FLAG_NOT_DUP          (FLAG_DATA | FLAG_WIN_UPDATE | FLAG_ACKED)
#define FLAG_FORWARD_PROGRESS (FLAG_ACKED | FLAG_DATA_SACKED)

static inline const struct tcphdr *tcp_hdr(const struct sk_buff *skb)
{
    return (const struct tcphdr *)skb_transport_header(skb);
}

static void tcp_parse_skb_options(const struct sk_buff *skb, struct tcp_options *o)
{
    const struct tcphdr *th = tcp_hdr(skb);
    unsigned hl = tcp_hdrlen_of(th);
    if (hl == TCP_HLEN_MIN) {
        memset(o, 0, sizeof(*o));
        return;
    }
    /* (the aligned-timestamp common case is tcp_options_parse's fast path) */
    const uint8_t *p = (const uint8_t *)(th + 1);
    if (tcp_options_parse(p, hl - TCP_HLEN_MIN, th->flags & TCPHDR_SYN, o))
        memset(o, 0, sizeof(*o));          /* tcp_v4_rcv rejected malformed ones already */
}

/* --- RTT and RTO (RFC 6298 with Linux's mdev_max) --- */
void tcp_rtt_estimator(struct tcp_sock *tp, long mrtt_us)
{
    long m = mrtt_us;
    uint32_t srtt = tp->srtt_us;
    const uint32_t rto_min_us = TCP_RTO_MIN_MS * 1000u;
    if (m <= 0)
        m = 1;
    if (srtt) {
        m -= (long)(srtt >> 3);
        srtt += (uint32_t)m;
        if (m < 0) {
            m = -m;
            m -= (long)(tp->mdev_us >> 2);
            if (m > 0)
                m >>= 3;
        } else {
            m -= (long)(tp->mdev_us >> 2);
        }
        tp->mdev_us += (uint32_t)m;
        if (tp->mdev_us > tp->mdev_max_us) {
            tp->mdev_max_us = tp->mdev_us;
            if (tp->mdev_max_us > tp->rttvar_us)
                tp->rttvar_us = tp->mdev_max_us;
        }
        if (after(tp->snd_una, tp->rtt_seq)) {
            if (tp->mdev_max_us < tp->rttvar_us)
                tp->rttvar_us -= (tp->rttvar_us - tp->mdev_max_us) >> 2;
            tp->rtt_seq = tp->snd_nxt;
            tp->mdev_max_us = rto_min_us;
        }
    } else {
        srtt = (uint32_t)m << 3;
        tp->mdev_us = (uint32_t)m << 1;
        tp->rttvar_us = MAX(tp->mdev_us, rto_min_us);
        tp->mdev_max_us = tp->rttvar_us;
        tp->rtt_seq = tp->snd_nxt;
    }
    tp->srtt_us = MAX(1u, srtt);
    if (!tp->min_rtt_us || (uint32_t)mrtt_us < tp->min_rtt_us)
        tp->min_rtt_us = (uint32_t)MAX(1L, mrtt_us);
}

void tcp_set_rto(struct tcp_sock *tp)
{
    uint64_t rto_us = (tp->srtt_us >> 3) + tp->rttvar_us;
    uint64_t ms = DIV_ROUND_UP(rto_us, 1000u);
    tp->rto_ms = (uint32_t)MIN(ms, (uint64_t)TCP_RTO_MAX_MS);
}

static void tcp_ack_update_rtt(struct tcp_sock *tp, int flag, long seq_rtt_us,
                               const struct tcp_options *opt)
{
    /* Karn: no sample from retransmitted data; timestamps give one anyway (RFC 7323 4) */
    if (seq_rtt_us < 0 && tp->tstamp_ok && opt->ts_present && opt->tsecr && (flag & FLAG_ACKED)) {
        uint32_t delta = tcp_time_stamp_ms() + tp->ts_offset - opt->tsecr;
        if (delta < 600000u)
            seq_rtt_us = (long)MAX(delta, 1u) * 1000;
    }
    if (seq_rtt_us < 0)
        return;
    tcp_rtt_estimator(tp, seq_rtt_us);
    tcp_set_rto(tp);
    tp->backoff = 0;
}

void tcp_rearm_rto(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (!tp->packets_out)
        tcp_clear_xmit_timer(sk, ICSK_TIME_RETRANS);
    else
        tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, tp->rto_ms);
}

/* --- buffers --- */
static int tcp_win_from_space(int space) { return space - (space >> 1); }

void tcp_init_buffer_space(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    int maxwin = tcp_win_from_space(sk->sk_rcvbuf);
    if (tp->window_clamp >= (uint32_t)maxwin || !tp->window_clamp)
        tp->window_clamp = (uint32_t)maxwin;
    tp->rcv_ssthresh = MIN(tp->rcv_ssthresh ? tp->rcv_ssthresh : tp->rcv_wnd, tp->window_clamp);
    tp->rcvq_space_space = MIN(tp->rcv_wnd, 10u * tp->advmss);
    tp->rcvq_space_seq = tp->copied_seq;
    tp->rcvq_space_time_us = tcp_clock_us();
}

/* Receive-buffer autotuning (Linux's tcp_rcv_space_adjust, simplified): once per RTT,
 * if the application read more than the window we offered, grow sk_rcvbuf to twice what
 * it read, so the window can outgrow the bandwidth-delay product. */
void tcp_rcv_space_adjust(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    uint64_t now = tcp_clock_us();
    uint32_t rtt = tp->rcv_rtt_us ? tp->rcv_rtt_us : (tp->srtt_us >> 3);
    if (!rtt)
        rtt = 1000;
    if (now - tp->rcvq_space_time_us < rtt)
        return;
    uint32_t copied = tp->copied_seq - tp->rcvq_space_seq;
    if (copied > tp->rcvq_space_space && !(sk->sk_userlocks & SOCK_RCVBUF_LOCK)) {
        uint32_t rcvwin = 2 * copied + 16u * tp->advmss;
        int rcvbuf = (int)MIN((uint64_t)rcvwin * 2, (uint64_t)sysctl_tcp.rmem_max);
        if (rcvbuf > sk->sk_rcvbuf) {
            sk->sk_rcvbuf = rcvbuf;
            tp->window_clamp = (uint32_t)tcp_win_from_space(rcvbuf);
        }
        tp->rcvq_space_space = copied;
    }
    tp->rcvq_space_seq = tp->copied_seq;
    tp->rcvq_space_time_us = now;
}

/* Send buffer follows the congestion window (Linux's tcp_sndbuf_expand). */
static void tcp_sndbuf_expand(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (sk->sk_userlocks & SOCK_SNDBUF_LOCK || sk_under_memory_pressure(sk))
        return;
    uint32_t per_mss = tp->mss_cache + MAX_TCP_HEADER + 512;   /* truesize of one segment */
    uint32_t nr = MAX(tp->snd_cwnd, tp->reordering + 1) * 2;
    uint64_t sndmem = (uint64_t)per_mss * nr * 2;
    if (sndmem > (uint64_t)sysctl_tcp.wmem_max)
        sndmem = (uint64_t)sysctl_tcp.wmem_max;
    if ((int)sndmem > sk->sk_sndbuf)
        sk->sk_sndbuf = (int)sndmem;
}

/* Wake writers once a third of the send buffer is free (sk_stream_write_space). */
void tcp_check_space(struct sock *sk)
{
    if (sk->sk_socket && tcp_stream_memory_free(sk) &&
        tcp_stream_wspace(sk) >= tcp_stream_min_wspace(sk))
        sk_stream_write_space(sk);
}

/* --- delayed ACK decisions (Linux's tcp_incr_quickack, tcp_event_data_recv) --- */
static void tcp_incr_quickack(struct tcp_sock *tp, unsigned max_quickacks)
{
    unsigned rcv_mss = tp->ack.rcv_mss ? tp->ack.rcv_mss : TCP_MSS_DEFAULT;
    unsigned quickacks = tp->rcv_wnd / (2 * rcv_mss);
    if (quickacks == 0)
        quickacks = 2;
    quickacks = MIN(quickacks, max_quickacks);
    if (quickacks > tp->ack.quick)
        tp->ack.quick = (uint8_t)quickacks;
}

void tcp_enter_quickack_mode(struct tcp_sock *tp, unsigned max_quickacks)
{
    tcp_incr_quickack(tp, max_quickacks);
    tp->ack.pingpong = false;
    tp->ack.ato_ms = TCP_ATO_MIN_MS;
}

static bool tcp_in_quickack_mode(const struct tcp_sock *tp)
{
    return tp->ack.quick && !tp->ack.pingpong;
}

static void tcp_measure_rcv_mss(struct tcp_sock *tp, const struct sk_buff *skb)
{
    /* a packet GRO joined: its segments' size, not its own */
    unsigned len = skb_shinfo(skb)->gso_size ? skb_shinfo(skb)->gso_size : skb->len;
    unsigned lss = tp->ack.last_seg_size;
    tp->ack.last_seg_size = 0;
    if (len >= tp->ack.rcv_mss) {
        tp->ack.rcv_mss = (uint16_t)MIN(len, (unsigned)tp->advmss);
    } else if (len >= TCP_MIN_MSS && len == lss) {
        /* two equal small segments: that is probably the sender's MSS */
        tp->ack.rcv_mss = (uint16_t)len;
    } else if (len) {
        tp->ack.last_seg_size = (uint16_t)len;
    }
}

static void tcp_grow_window(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    int space = tcp_win_from_space(sk->sk_rcvbuf - sk->sk_rmem_alloc);
    if (tp->rcv_ssthresh < tp->window_clamp && (int)tp->rcv_ssthresh < space &&
        !sk_under_memory_pressure(sk))
        tp->rcv_ssthresh = MIN(tp->rcv_ssthresh + 2u * tp->advmss, tp->window_clamp);
}

static void tcp_event_data_recv(struct sock *sk, struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    tcp_measure_rcv_mss(tp, skb);
    uint64_t now = jiffies;
    if (!tp->ack.ato_ms) {
        tcp_incr_quickack(tp, TCP_MAX_QUICKACKS);
        tp->ack.ato_ms = TCP_ATO_MIN_MS;
    } else {
        uint64_t m = now - tp->ack.lrcvtime_ms;
        if (m <= TCP_ATO_MIN_MS / 2) {
            tp->ack.ato_ms = (tp->ack.ato_ms >> 1) + TCP_ATO_MIN_MS / 2;
        } else if (m < tp->ack.ato_ms) {
            tp->ack.ato_ms = (uint32_t)((tp->ack.ato_ms >> 1) + m);
            if (tp->ack.ato_ms > tp->rto_ms)
                tp->ack.ato_ms = tp->rto_ms;
        } else if (m > tp->rto_ms) {
            tcp_incr_quickack(tp, TCP_MAX_QUICKACKS);
        }
    }
    tp->ack.lrcvtime_ms = now;
    tp->lrcvtime_ms = now;
    tcp_grow_window(sk);
}

static void __tcp_ack_snd_check(struct sock *sk, bool ofo_possible)
{
    struct tcp_sock *tp = tcp_sk(sk);
    unsigned rcv_mss = tp->ack.rcv_mss ? tp->ack.rcv_mss : TCP_MSS_DEFAULT;
    /* More than one full segment unacknowledged, and either the application has read
     * everything or the window we would announce now reaches at least as far right as
     * the one announced (when data waits unread, the read's tcp_cleanup_rbuf sends the
     * ACK instead: one ACK for the whole batch the read drains); or quick-ACK mode; or
     * an ACK owed at once. */
    if ((tp->rcv_nxt - tp->rcv_wup > rcv_mss &&
         (tp->rcv_nxt == tp->copied_seq || __tcp_select_window_pub(sk) >= tp->rcv_wnd)) ||
        tcp_in_quickack_mode(tp) || (tp->ack.pending & ICSK_ACK_NOW)) {
        tcp_send_ack(sk);
        return;
    }
    if (ofo_possible && !skb_queue_empty(&tp->out_of_order_queue)) {
        tcp_send_ack(sk);               /* SACK the hole at once */
        return;
    }
    tcp_send_delayed_ack(sk);
}

static void tcp_ack_snd_check(struct sock *sk)
{
    if (!(tcp_sk(sk)->ack.pending & ICSK_ACK_SCHED))
        return;
    __tcp_ack_snd_check(sk, true);
}

static void tcp_data_snd_check(struct sock *sk)
{
    if (tcp_send_head(sk))
        __tcp_push_pending_frames(sk, tcp_current_mss(sk), tcp_sk(sk)->nonagle);
    tcp_check_space(sk);
}

/* --- SACK blocks we report (RFC 2018 section 4, D-SACK RFC 2883) --- */
static void tcp_dsack_set(struct tcp_sock *tp, uint32_t seq, uint32_t end_seq)
{
    if (!tp->sack_ok)
        return;
    if (before(seq, tp->rcv_nxt))
        TCP_INC_STATS(TCPDSACKOldSent);
    else
        TCP_INC_STATS(TCPDSACKOfoSent);
    tp->dsack = true;
    tp->duplicate_sack.start_seq = seq;
    tp->duplicate_sack.end_seq = end_seq;
}

static void tcp_dsack_extend(struct tcp_sock *tp, uint32_t seq, uint32_t end_seq)
{
    if (!tp->dsack) {
        tcp_dsack_set(tp, seq, end_seq);
        return;
    }
    if (before(seq, tp->duplicate_sack.start_seq))
        tp->duplicate_sack.start_seq = seq;
    if (after(end_seq, tp->duplicate_sack.end_seq))
        tp->duplicate_sack.end_seq = end_seq;
}

static bool tcp_sack_extend(struct tcp_sack_block *sp, uint32_t seq, uint32_t end_seq)
{
    if (!after(seq, sp->end_seq) && !after(sp->start_seq, end_seq)) {
        if (before(seq, sp->start_seq))
            sp->start_seq = seq;
        if (after(end_seq, sp->end_seq))
            sp->end_seq = end_seq;
        return true;
    }
    return false;
}

static void tcp_sack_new_ofo_skb(struct tcp_sock *tp, uint32_t seq, uint32_t end_seq)
{
    struct tcp_sack_block *sp = tp->selective_acks;
    unsigned n = tp->num_sacks;
    for (unsigned i = 0; i < n; i++) {
        if (tcp_sack_extend(&sp[i], seq, end_seq)) {
            /* to the front (the newest first), then merge what now touches it */
            struct tcp_sack_block b = sp[i];
            memmove(&sp[1], &sp[0], i * sizeof(*sp));
            sp[0] = b;
            for (unsigned j = 1; j < tp->num_sacks;) {
                if (tcp_sack_extend(&sp[0], sp[j].start_seq, sp[j].end_seq)) {
                    memmove(&sp[j], &sp[j + 1], (tp->num_sacks - j - 1) * sizeof(*sp));
                    tp->num_sacks--;
                } else {
                    j++;
                }
            }
            return;
        }
    }
    if (n >= TCP_NUM_SACKS)
        n = TCP_NUM_SACKS - 1;              /* the oldest block goes */
    memmove(&sp[1], &sp[0], n * sizeof(*sp));
    sp[0].start_seq = seq;
    sp[0].end_seq = end_seq;
    tp->num_sacks = (uint8_t)(n + 1);
}

static void tcp_sack_remove(struct tcp_sock *tp)
{
    if (skb_queue_empty(&tp->out_of_order_queue)) {
        tp->num_sacks = 0;
        return;
    }
    for (unsigned i = 0; i < tp->num_sacks;) {
        if (!before(tp->rcv_nxt, tp->selective_acks[i].start_seq)) {
            memmove(&tp->selective_acks[i], &tp->selective_acks[i + 1],
                    (tp->num_sacks - i - 1) * sizeof(tp->selective_acks[0]));
            tp->num_sacks--;
        } else {
            i++;
        }
    }
}

/* --- the scoreboard (sender side SACK, RFC 6675) --- */
static bool tcp_is_sackblock_valid(const struct tcp_sock *tp, bool is_dsack,
                                   uint32_t start, uint32_t end)
{
    if (after(end, tp->snd_nxt) || !before(start, end))
        return false;
    if (!before(start, tp->snd_una))
        return true;
    /* below snd_una: only as a D-SACK that reports a duplicate of old data */
    return is_dsack && !after(end, tp->snd_una) && !before(start, tp->snd_una - tp->max_window);
}

static void tcp_mark_skb_sacked(struct tcp_sock *tp, struct sk_buff *skb)
{
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    unsigned pc = tcp_skb_pcount(skb);
    if (cb->sacked & TCPCB_SACKED_ACKED)
        return;
    if (cb->sacked & TCPCB_SACKED_RETRANS) {
        cb->sacked &= (uint8_t)~TCPCB_SACKED_RETRANS;
        tp->retrans_out -= pc;
    }
    if (cb->sacked & TCPCB_LOST) {
        cb->sacked &= (uint8_t)~TCPCB_LOST;
        tp->lost_out -= pc;
    }
    cb->sacked |= TCPCB_SACKED_ACKED;
    tp->sacked_out += pc;
    tp->delivered += pc;
}

/* A D-SACK for [start, end): the peer had those bytes already. Each retransmission of
 * this episode it covers was unnecessary; when none is left (undo_retrans 0) all were.
 * Segments still queued count if they were retransmitted; bytes below the queue (freed
 * already) count by MSS, as Linux's "dumb counting". */
static void tcp_dsack_undo_count(struct sock *sk, uint32_t start, uint32_t end)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (!tp->undo_marker || tp->undo_retrans <= 0 || !after(end, tp->undo_marker))
        return;
    /* more duplicates reported than we ever retransmitted: the network duplicates
     * segments, and D-SACKs prove nothing about our retransmissions (Linux's dubious
     * D-SACK) */
    if (tp->dsack_dups > tp->total_retrans)
        return;
    int segs = 0;
    struct sk_buff *head = tcp_write_queue_head(sk);
    uint32_t queued = head ? TCP_SKB_CB(head)->seq : tp->snd_una;
    if (before(start, queued)) {
        uint32_t gone = (before(end, queued) ? end : queued) - start;
        segs += (int)DIV_ROUND_UP(gone, tp->mss_cache ? tp->mss_cache : 1);
    }
    for (struct sk_buff *skb = head; skb && skb != tcp_send_head(sk);
         skb = tcp_write_queue_next(sk, skb)) {
        const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
        if (!before(cb->seq, end))
            break;
        if (after(cb->end_seq, start) && (cb->sacked & TCPCB_EVER_RETRANS))
            segs += (int)tcp_skb_pcount(skb);
    }
    tp->undo_retrans = MAX(0, tp->undo_retrans - segs);
}

/* Tag the write queue with the peer's SACK blocks; returns newly SACKed segments. */
static unsigned tcp_sacktag_write_queue(struct sock *sk, const struct tcp_options *opt,
                                        uint32_t ack, int *flag)
{
    struct tcp_sock *tp = tcp_sk(sk);
    unsigned newly = 0;
    if (!tp->sack_ok || !opt->num_sacks)
        return 0;
    /* RFC 2883 4: the first block is a D-SACK when below the ACK or inside the second */
    bool dsack = false;
    const struct tcp_sack_block *b = opt->sacks;
    if (before(b[0].start_seq, ack) ||
        (opt->num_sacks > 1 && !after(b[0].end_seq, b[1].end_seq) &&
         !before(b[0].start_seq, b[1].start_seq))) {
        dsack = true;
        *flag |= FLAG_DSACKING_ACK;
        tp->dsack_dups++;
        TCP_INC_STATS(TCPDSACKRecv);
        tcp_dsack_undo_count(sk, b[0].start_seq, b[0].end_seq);
    }
    if (!tp->packets_out)
        return 0;
    unsigned cur_mss = tp->mss_cache;
    for (unsigned i = dsack ? 1 : 0; i < opt->num_sacks; i++) {
        uint32_t start = b[i].start_seq, end = b[i].end_seq;
        if (!tcp_is_sackblock_valid(tp, false, start, end))
            continue;
        for (struct sk_buff *skb = tcp_write_queue_head(sk); skb && skb != tcp_send_head(sk);) {
            struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
            struct sk_buff *next = tcp_write_queue_next(sk, skb);
            if (!after(cb->end_seq, start)) {
                skb = next;
                continue;
            }
            if (!before(cb->seq, end))
                break;
            if (cb->sacked & TCPCB_SACKED_ACKED) {
                skb = next;
                continue;
            }
            /* a block covering part of a TSO skb: cut it on MSS boundaries inside it */
            if (before(cb->seq, start)) {
                uint32_t cut = ALIGN_UP(start - cb->seq, cur_mss);
                if (cut < skb->len && !tcp_fragment(sk, skb, cut, cur_mss))
                    skb = tcp_write_queue_next(sk, skb);
                else {
                    skb = next;
                    continue;
                }
                cb = TCP_SKB_CB(skb);
                next = tcp_write_queue_next(sk, skb);
                if (before(cb->seq, start))
                    { skb = next; continue; }
            }
            if (after(cb->end_seq, end)) {
                uint32_t cut = ALIGN_DOWN(end - cb->seq, cur_mss);
                if (cut == 0 || tcp_fragment(sk, skb, cut, cur_mss))
                    break;
                next = tcp_write_queue_next(sk, skb);
            }
            newly += tcp_skb_pcount(skb);
            tcp_mark_skb_sacked(tp, skb);
            *flag |= FLAG_DATA_SACKED;
            skb = next;
        }
    }
    return newly;
}

/* RFC 6675 IsLost: a segment not SACKed with at least `reordering` SACKed segments
 * sent after it is lost. One pass from the newest sent skb back to the head. */
static void tcp_mark_lost_sack(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *last = tcp_send_head(sk) ? tcp_send_head(sk)->prev
                                             : tcp_write_queue_tail(sk);
    unsigned cnt = 0;
    for (struct sk_buff *skb = last; skb && skb != (struct sk_buff *)&sk->sk_write_queue;
         skb = skb->prev) {
        struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
        if (cb->sacked & TCPCB_SACKED_ACKED) {
            cnt += tcp_skb_pcount(skb);
            continue;
        }
        if (cnt >= tp->reordering && !(cb->sacked & (TCPCB_LOST | TCPCB_SACKED_RETRANS))) {
            cb->sacked |= TCPCB_LOST;
            tp->lost_out += tcp_skb_pcount(skb);
        }
    }
}

/* Mark the first not-yet-lost segment at the head lost (NewReno, partial ACKs). */
static void tcp_mark_head_lost(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *skb = tcp_write_queue_head(sk);
    if (!skb || skb == tcp_send_head(sk))
        return;
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    if (!(cb->sacked & (TCPCB_LOST | TCPCB_SACKED_ACKED))) {
        cb->sacked |= TCPCB_LOST;
        tp->lost_out += tcp_skb_pcount(skb);
    }
}

/* --- congestion state machine --- */
static void tcp_end_cwnd_reduction(struct tcp_sock *tp)
{
    if (tp->snd_ssthresh < TCP_INFINITE_SSTHRESH) {
        tp->snd_cwnd = MAX(tp->snd_ssthresh, 2u);
        tp->snd_cwnd_cnt = 0;
    }
}

/* A loss episode begins: what undo would go back to. Retransmissions already in flight
 * may be reported as duplicates later, so they count. */
static void tcp_init_undo(struct tcp_sock *tp)
{
    tp->undo_marker = tp->snd_una;
    tp->undo_retrans = tp->retrans_out ? (int)tp->retrans_out : -1;
}

/* Were this episode's retransmissions unnecessary? Every one reported back as a
 * duplicate (D-SACK, RFC 3708), or an ACK whose TSecr is older than the first
 * retransmission: it answers an original, so the original was not lost (Eifel, RFC 3522). */
static bool tcp_may_undo(const struct tcp_sock *tp, int flag)
{
    return tp->undo_marker && (!tp->undo_retrans || (flag & FLAG_TS_ECHOES_ORIG));
}

/* Give back the window the episode took (Linux's tcp_undo_cwnd_reduction); after a
 * timeout also forget what it marked lost, so nothing more is retransmitted. */
static void tcp_undo_cwnd_reduction(struct sock *sk, bool unmark_loss)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (unmark_loss) {
        for (struct sk_buff *skb = tcp_write_queue_head(sk); skb && skb != tcp_send_head(sk);
             skb = tcp_write_queue_next(sk, skb))
            TCP_SKB_CB(skb)->sacked &= (uint8_t)~TCPCB_LOST;
        tp->lost_out = 0;
    }
    if (tp->prior_ssthresh) {
        tp->snd_cwnd = tp->ca_ops->undo_cwnd(tp);
        if (tp->prior_ssthresh > tp->snd_ssthresh)
            tp->snd_ssthresh = tp->prior_ssthresh;
    }
    tp->undo_marker = 0;
}

static void tcp_enter_recovery(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (tp->sack_ok)
        TCP_INC_STATS(TCPSackRecovery);
    else
        TCP_INC_STATS(TCPRenoRecovery);
    tp->prior_ssthresh = tp->snd_ssthresh;
    tcp_init_undo(tp);
    tp->prior_cwnd = tp->snd_cwnd;
    tp->snd_ssthresh = tp->ca_ops->ssthresh(tp);
    tp->prr_delivered = 0;
    tp->prr_out = 0;
    tp->high_seq = tp->snd_nxt;
    tcp_enter_quickack_mode(tp, 1);
    tcp_set_ca_state(tp, TCP_CA_Recovery);
}

/* PRR (RFC 6937): pace the cwnd down to ssthresh over the recovery round. */
static void tcp_cwnd_reduction(struct tcp_sock *tp, unsigned newly_acked_sacked, int flag)
{
    if (!newly_acked_sacked || !tp->prior_cwnd)
        return;
    tp->prr_delivered += newly_acked_sacked;
    int in_flight = (int)tcp_packets_in_flight(tp);
    int delta = (int)tp->snd_ssthresh - in_flight;
    int sndcnt;
    if (delta < 0) {
        uint64_t dividend = (uint64_t)tp->snd_ssthresh * tp->prr_delivered + tp->prior_cwnd - 1;
        sndcnt = (int)(dividend / tp->prior_cwnd) - (int)tp->prr_out;
    } else {
        sndcnt = MAX((int)tp->prr_delivered - (int)tp->prr_out, (int)newly_acked_sacked);
        if (flag & FLAG_SND_UNA_ADVANCED)
            sndcnt++;
        sndcnt = MIN(delta, sndcnt);
    }
    sndcnt = MAX(sndcnt, tp->prr_out ? 0 : 1);
    tp->snd_cwnd = (uint32_t)MAX(in_flight + sndcnt, 1);
}

void tcp_enter_loss(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    bool new_recovery = tp->ca_state < TCP_CA_Recovery;
    if (tp->ca_state <= TCP_CA_Disorder || !before(tp->snd_una, tp->high_seq) ||
        (tp->ca_state == TCP_CA_Loss && !tp->retransmits)) {
        tp->prior_ssthresh = tp->snd_ssthresh;
        tp->prior_cwnd = tp->snd_cwnd;
        tp->snd_ssthresh = tp->ca_ops->ssthresh(tp);
        if (tp->ca_ops->cwnd_event)
            tp->ca_ops->cwnd_event(tp, CA_EVENT_LOSS);
        tcp_init_undo(tp);               /* a repeated timeout keeps the episode's */
    }
    (void)new_recovery;
    tp->retrans_out = 0;
    tp->lost_out = 0;
    if (!tp->sack_ok)
        tp->sacked_out = 0;
    for (struct sk_buff *skb = tcp_write_queue_head(sk); skb && skb != tcp_send_head(sk);
         skb = tcp_write_queue_next(sk, skb)) {
        struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
        cb->sacked &= (uint8_t)~(TCPCB_SACKED_RETRANS | TCPCB_LOST);
        if (!tp->sack_ok)
            cb->sacked &= (uint8_t)~TCPCB_SACKED_ACKED;
        if (!(cb->sacked & TCPCB_SACKED_ACKED)) {
            cb->sacked |= TCPCB_LOST;
            tp->lost_out += tcp_skb_pcount(skb);
        }
    }
    tp->snd_cwnd = tcp_packets_in_flight(tp) + 1;
    tp->snd_cwnd_cnt = 0;
    tp->high_seq = tp->snd_nxt;
    tcp_set_ca_state(tp, TCP_CA_Loss);
    tcp_enter_quickack_mode(tp, TCP_MAX_QUICKACKS);
}

static bool tcp_time_to_recover(const struct tcp_sock *tp)
{
    if (tp->lost_out)
        return true;
    /* NewReno: three duplicate ACKs (counted in sacked_out) */
    return !tp->sack_ok && tp->sacked_out >= tp->reordering;
}

static void tcp_try_to_open(struct tcp_sock *tp)
{
    if (tp->ca_state != TCP_CA_CWR) {
        uint8_t st = (tp->sacked_out || tp->retrans_out || tp->lost_out) ? TCP_CA_Disorder
                                                                           : TCP_CA_Open;
        if (tp->ca_state != st)
            tcp_set_ca_state(tp, st);
    }
}

/* Called for every ACK while anything is outstanding (RFC 6675 section 5, RFC 6582). */
static void tcp_fastretrans_alert(struct sock *sk, uint32_t prior_snd_una, int flag,
                                  unsigned newly_acked_sacked)
{
    struct tcp_sock *tp = tcp_sk(sk);
    bool is_dupack = !(flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP));
    if (!tp->packets_out && tp->sacked_out)
        tp->sacked_out = 0;

    /* NewReno counts duplicate ACKs as if each SACKed one segment (Linux's "reno sack") */
    if (!tp->sack_ok) {
        if (flag & FLAG_SND_UNA_ADVANCED)
            tp->sacked_out = 0;
        else if (is_dupack && tp->sacked_out + 1 < tp->packets_out)
            tp->sacked_out++;
    }

    /* after a timeout, the first ACK that moves snd_una may show that nothing was lost:
     * the retransmissions stop and the window comes back (Linux's tcp_try_undo_loss) */
    if (tp->ca_state == TCP_CA_Loss && (flag & FLAG_SND_UNA_ADVANCED) &&
        tcp_may_undo(tp, flag)) {
        tcp_undo_cwnd_reduction(sk, true);
        TCP_INC_STATS(TCPLossUndo);
        tp->retransmits = 0;
        if (tp->sack_ok)
            tcp_set_ca_state(tp, TCP_CA_Open);
        return;
    }

    /* a recovery episode ends when everything outstanding at its start is acknowledged;
     * if its retransmissions proved unnecessary the reduction is undone instead (a loss
     * episode was judged above, at the first ACK that moved snd_una) */
    if (tp->ca_state != TCP_CA_Open && tp->ca_state != TCP_CA_Disorder &&
        !before(tp->snd_una, tp->high_seq)) {
        if (tp->ca_state == TCP_CA_Recovery && tcp_may_undo(tp, flag)) {
            tcp_undo_cwnd_reduction(sk, false);
            TCP_INC_STATS(TCPFullUndo);
        } else if (tp->ca_state == TCP_CA_Recovery || tp->ca_state == TCP_CA_CWR) {
            tcp_end_cwnd_reduction(tp);
        }
        tcp_set_ca_state(tp, TCP_CA_Open);
    }

    /* the duplicates of every retransmission reported after the episode ended */
    if (tp->ca_state <= TCP_CA_Disorder && tp->undo_marker && !tp->undo_retrans) {
        tcp_undo_cwnd_reduction(sk, false);
        TCP_INC_STATS(TCPDSACKUndo);
    }

    switch (tp->ca_state) {
    case TCP_CA_Recovery:
        if (flag & FLAG_SND_UNA_ADVANCED && !tp->sack_ok) {
            /* NewReno partial ACK: the next hole is lost too (RFC 6582 3.2 step 3) */
            tp->sacked_out = 0;
            tcp_mark_head_lost(sk);
        }
        if (tp->sack_ok)
            tcp_mark_lost_sack(sk);
        tcp_cwnd_reduction(tp, newly_acked_sacked, flag);
        break;
    case TCP_CA_Loss:
        if (tp->sack_ok)
            tcp_mark_lost_sack(sk);
        break;
    default:
        if (tp->sack_ok)
            tcp_mark_lost_sack(sk);
        else if (tp->sacked_out >= tp->reordering)
            tcp_mark_head_lost(sk);
        if (!tcp_time_to_recover(tp)) {
            tcp_try_to_open(tp);
            return;
        }
        tcp_enter_recovery(sk);
        tcp_cwnd_reduction(tp, newly_acked_sacked ? newly_acked_sacked : 1, flag);
        break;
    }
    (void)prior_snd_una;
    /* the retransmissions go after the congestion window is updated (tcp_ack) */
}

static bool tcp_may_raise_cwnd(const struct tcp_sock *tp, int flag)
{
    if (tp->ca_state == TCP_CA_Recovery || tp->ca_state == TCP_CA_CWR)
        return false;
    return flag & FLAG_FORWARD_PROGRESS;
}

/* --- station 19: free what the peer has --- */
static int tcp_clean_rtx_queue(struct sock *sk, uint32_t prior_snd_una, long *seq_rtt_us,
                               unsigned *pkts_acked_out)
{
    struct tcp_sock *tp = tcp_sk(sk);
    int flag = 0;
    uint64_t first_ackt = 0;
    unsigned pkts_acked = 0;
    struct sk_buff *skb;
    while ((skb = tcp_write_queue_head(sk)) != NULL && skb != tcp_send_head(sk)) {
        struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
        uint8_t sacked = cb->sacked;
        unsigned acked_pcount;
        bool fully = true;
        if (after(cb->end_seq, tp->snd_una)) {
            /* part of a TSO skb: trim the acknowledged whole segments off its head */
            if (tcp_skb_pcount(skb) == 1 || !after(tp->snd_una, cb->seq))
                break;
            unsigned mss = TCP_SKB_CB(skb)->tcp_gso_size ? TCP_SKB_CB(skb)->tcp_gso_size : tp->mss_cache;
            uint32_t trim = ALIGN_DOWN(tp->snd_una - cb->seq, mss);
            if (!trim || trim >= skb->len || (skb_cloned(skb) && skb_unshare_head(skb)))
                break;
            unsigned old = tcp_skb_pcount(skb);
            tcp_trim_head(sk, skb, trim);
            cb->seq += trim;
            tcp_set_skb_tso_segs(skb, mss);
            acked_pcount = old - tcp_skb_pcount(skb);
            fully = false;
        } else {
            acked_pcount = tcp_skb_pcount(skb);
        }
        if (sacked & (TCPCB_SACKED_RETRANS | TCPCB_EVER_RETRANS)) {
            if (sacked & TCPCB_SACKED_RETRANS)
                tp->retrans_out -= MIN(acked_pcount, tp->retrans_out);
            flag |= FLAG_RETRANS_DATA_ACKED;
        } else if (!(sacked & TCPCB_SACKED_ACKED) && cb->tx_time_us && !first_ackt) {
            first_ackt = cb->tx_time_us;
        }
        if (sacked & TCPCB_SACKED_ACKED)
            tp->sacked_out -= MIN(acked_pcount, tp->sacked_out);
        else
            tp->delivered += acked_pcount;
        if (sacked & TCPCB_LOST)
            tp->lost_out -= MIN(acked_pcount, tp->lost_out);
        tp->packets_out -= MIN(acked_pcount, tp->packets_out);
        pkts_acked += acked_pcount;
        if (cb->tcp_flags & TCPHDR_SYN) {
            flag |= FLAG_SYN_ACKED;
        } else {
            flag |= FLAG_DATA_ACKED;
        }
        trace_skb(TS_TCP_ACK, skb, tp->snd_una);
        if (!fully)
            break;
        trace_skb(TS_TCP_CLEAN_RTX_QUEUE, skb, 0);
        tcp_skb_free_wq(sk, skb);
    }
    if (after(tp->snd_una, prior_snd_una))
        tp->bytes_acked += tp->snd_una - prior_snd_una;
    *seq_rtt_us = first_ackt && !(flag & FLAG_RETRANS_DATA_ACKED)
                      ? (long)(tcp_clock_us() - first_ackt) : -1;
    if (first_ackt && (flag & FLAG_RETRANS_DATA_ACKED) == 0 && *seq_rtt_us == 0)
        *seq_rtt_us = 1;
    *pkts_acked_out = pkts_acked;
    if (flag & FLAG_ACKED) {
        if (!tp->retrans_out) {
            tp->retrans_stamp_ms = 0;
            tp->retransmits = 0;
        }
        if (tp->ca_ops->pkts_acked)
            tp->ca_ops->pkts_acked(tp, pkts_acked, (int32_t)*seq_rtt_us);
    }
    if (sk_under_memory_pressure(sk) || sk->sk_forward_alloc > 2 * SK_MEM_QUANTUM)
        sk_mem_reclaim(sk);
    return flag;
}

static bool tcp_may_update_window(const struct tcp_sock *tp, uint32_t ack, uint32_t ack_seq,
                                  uint32_t nwin)
{
    return after(ack, tp->snd_una) || after(ack_seq, tp->snd_wl1) ||
           (ack_seq == tp->snd_wl1 && nwin > tp->snd_wnd);
}

static int tcp_ack_update_window(struct sock *sk, const struct sk_buff *skb, uint32_t ack,
                                 uint32_t ack_seq)
{
    struct tcp_sock *tp = tcp_sk(sk);
    const struct tcphdr *th = tcp_hdr(skb);
    int flag = 0;
    uint32_t nwin = ntohs(th->window);
    if (!(th->flags & TCPHDR_SYN))
        nwin <<= tp->snd_wscale;
    if (tcp_may_update_window(tp, ack, ack_seq, nwin)) {
        flag |= FLAG_WIN_UPDATE;
        tp->snd_wl1 = ack_seq;
        if (tp->snd_wnd != nwin) {
            tp->snd_wnd = nwin;
            if (nwin > tp->max_window) {
                tp->max_window = nwin;
                tcp_sync_mss(sk, tp->pmtu_cookie ? tp->pmtu_cookie : 1500);
            }
        }
    }
    tp->snd_una = ack;
    return flag;
}

static void tcp_cong_avoid(struct sock *sk, uint32_t ack, uint32_t acked)
{
    struct tcp_sock *tp = tcp_sk(sk);
    tp->ca_ops->cong_avoid(tp, ack, acked);
    tcp_sndbuf_expand(sk);
}

/* Returns the FLAG_* bits, 0 for an old ACK that was ignored, -1 to drop the segment. */
static int tcp_ack(struct sock *sk, struct sk_buff *skb, int flag, const struct tcp_options *opt)
{
    struct tcp_sock *tp = tcp_sk(sk);
    uint32_t prior_snd_una = tp->snd_una;
    uint32_t ack_seq = TCP_SKB_CB(skb)->seq;
    uint32_t ack = TCP_SKB_CB(skb)->ack_seq;
    unsigned prior_packets = tp->packets_out;

    if (before(ack, prior_snd_una)) {
        /* RFC 5961 5.2: an ACK too far below snd_una is answered with a challenge */
        if (before(ack, prior_snd_una - tp->max_window)) {
            if (!(flag & FLAG_NO_CHALLENGE_ACK))
                tcp_send_challenge_ack(sk);
            return -1;
        }
        /* old ACK: only its SACK/D-SACK information is news */
        if (tp->sack_ok && opt->num_sacks) {
            tcp_sacktag_write_queue(sk, opt, ack, &flag);
            if (flag & FLAG_DSACKING_ACK)
                tcp_fastretrans_alert(sk, prior_snd_una, flag, 0);
        }
        return 0;
    }
    if (after(ack, tp->snd_nxt))
        return -1;                       /* acknowledges data never sent */

    if (after(ack, prior_snd_una)) {
        flag |= FLAG_SND_UNA_ADVANCED;
        tp->retransmits = 0;
    }
    tp->last_ack_rcv_ms = jiffies;
    if (flag & FLAG_UPDATE_TS_RECENT && opt->ts_present)
        tp->rcv_tsecr = opt->tsecr;
    flag |= tcp_ack_update_window(sk, skb, ack, ack_seq);
    if (TCP_SKB_CB(skb)->seq != TCP_SKB_CB(skb)->end_seq)
        flag |= FLAG_DATA;
    else
        TCP_INC_STATS(TCPPureAcks);

    unsigned prior_sacked = tp->sacked_out;
    unsigned newly_sacked = tcp_sacktag_write_queue(sk, opt, ack, &flag);
    tp->probes_out = 0;
    if (!prior_packets) {
        /* a late D-SACK may still prove the last episode's retransmissions unnecessary */
        if (flag & FLAG_DSACKING_ACK)
            tcp_fastretrans_alert(sk, prior_snd_una, flag, 0);
        /* nothing was in flight: a window update may let queued data go */
        if (tcp_send_head(sk) && tp->pending == ICSK_TIME_PROBE0 &&
            !after(TCP_SKB_CB(tcp_send_head(sk))->end_seq, tcp_wnd_end(tp))) {
            tcp_clear_xmit_timer(sk, ICSK_TIME_PROBE0);
            tp->backoff = 0;
        }
        return flag ? flag : 1;
    }
    /* judged before the queue is cleaned: that may end the episode and its stamp */
    if (tp->retrans_stamp_ms && tp->tstamp_ok && opt->ts_present && opt->tsecr &&
        before(opt->tsecr, tp->retrans_tsval))
        flag |= FLAG_TS_ECHOES_ORIG;
    long seq_rtt_us;
    unsigned pkts_acked;
    flag |= tcp_clean_rtx_queue(sk, prior_snd_una, &seq_rtt_us, &pkts_acked);
    tcp_ack_update_rtt(tp, flag, seq_rtt_us, opt);
    (void)prior_sacked;
    unsigned acked_sacked = pkts_acked + newly_sacked;
    bool in_recovery = tp->ca_state != TCP_CA_Open;
    if (in_recovery || (flag & (FLAG_DATA_SACKED | FLAG_DSACKING_ACK)) ||
        !(flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP)))
        tcp_fastretrans_alert(sk, prior_snd_una, flag, acked_sacked);
    if (tcp_may_raise_cwnd(tp, flag))
        tcp_cong_avoid(sk, ack, acked_sacked);
    if (tp->lost_out)
        tcp_xmit_retransmit_queue(sk);          /* Linux's tcp_xmit_recovery */
    if (flag & FLAG_ACKED) {
        tcp_rearm_rto(sk);
        if (tp->pending == ICSK_TIME_PROBE0)
            tcp_clear_xmit_timer(sk, ICSK_TIME_PROBE0);
    }
    return flag ? flag : 1;
}

/* --- timestamps and PAWS --- */
bool tcp_paws_check(const struct tcp_sock *tp, uint32_t tsval, int paws_win)
{
    if ((int32_t)(tp->ts_recent - tsval) <= paws_win)
        return true;
    uint32_t now_s = (uint32_t)(ktime_get_ns() / NSEC_PER_SEC);
    if (now_s >= tp->ts_recent_stamp + TCP_PAWS_24DAYS_S)
        return true;                      /* ts_recent too old to trust */
    return !tp->ts_recent_stamp;
}

static void tcp_store_ts_recent(struct tcp_sock *tp, uint32_t tsval)
{
    tp->ts_recent = tsval;
    tp->ts_recent_stamp = (uint32_t)(ktime_get_ns() / NSEC_PER_SEC);
}

static void tcp_replace_ts_recent(struct tcp_sock *tp, uint32_t seq, const struct tcp_options *o)
{
    /* RFC 7323 4.3: TS.Recent from a segment that covers Last.ACK.sent */
    if (o->ts_present && !after(seq, tp->rcv_wup) && tcp_paws_check(tp, o->tsval, 0))
        tcp_store_ts_recent(tp, o->tsval);
}

/* An old pure ACK overtaken by later data keeps an older timestamp: not a PAWS reject. */
static bool tcp_disordered_ack(const struct tcp_sock *tp, const struct sk_buff *skb)
{
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    return (cb->tcp_flags & TCPHDR_ACK) && cb->seq == cb->end_seq && cb->seq == tp->rcv_nxt &&
           cb->ack_seq == tp->snd_una;
}

static bool tcp_sequence(const struct tcp_sock *tp, uint32_t seq, uint32_t end_seq)
{
    return !before(end_seq, tp->rcv_wup) &&
           !after(seq, tp->rcv_nxt + tcp_receive_window(tp));
}

static bool tcp_oow_rate_limited(struct tcp_sock *tp, const struct sk_buff *skb)
{
    /* data segments always get their (duplicate) ACK; bare out-of-window ones are
     * limited to one per invalid_ratelimit so two stacks cannot ping-pong ACKs */
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    if (cb->seq != cb->end_seq && !(cb->tcp_flags & TCPHDR_SYN))
        return false;
    uint64_t now = jiffies;
    if (tp->last_oow_ack_ms && now - tp->last_oow_ack_ms < TCP_INVALID_RATELIMIT_MS)
        return true;
    tp->last_oow_ack_ms = now ? now : 1;
    return false;
}

static void tcp_send_dupack(struct sock *sk, const struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    if (cb->end_seq != cb->seq && before(cb->seq, tp->rcv_nxt)) {
        TCP_INC_STATS(DelayedACKLost);
        tcp_enter_quickack_mode(tp, TCP_MAX_QUICKACKS);
        uint32_t end = after(cb->end_seq, tp->rcv_nxt) ? tp->rcv_nxt : cb->end_seq;
        tcp_dsack_set(tp, cb->seq, end);
    }
    tcp_send_ack(sk);
}

void tcp_reset(struct sock *sk)
{
    int err;
    switch (sk->sk_state) {
    case TCP_SYN_SENT: err = ECONNREFUSED; break;
    case TCP_CLOSE_WAIT: err = EPIPE; break;
    case TCP_CLOSE: return;
    default: err = ECONNRESET; break;
    }
    sk->sk_err = err;
    tcp_done(sk);
}

/* false: drop (answered as needed). RFC 9293 3.10.7.4 steps 1, 2 and 4, with RFC 5961. */
static bool tcp_validate_incoming(struct sock *sk, struct sk_buff *skb,
                                  const struct tcp_options *opt)
{
    struct tcp_sock *tp = tcp_sk(sk);
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    uint8_t f = cb->tcp_flags;
    if (opt->ts_present && tp->tstamp_ok && !tcp_paws_check(tp, opt->tsval, TCP_PAWS_WINDOW) &&
        !tcp_disordered_ack(tp, skb)) {
        if (!(f & TCPHDR_RST)) {
            TCP_INC_STATS(PAWSEstab);
            if (!tcp_oow_rate_limited(tp, skb))
                tcp_send_dupack(sk, skb);
            else
                TCP_INC_STATS(TCPACKSkippedPAWS);
            return false;
        }
    }
    if (!tcp_sequence(tp, cb->seq, cb->end_seq)) {
        if (f & TCPHDR_RST) {
            /* RFC 5961 3.2 allows only the exact rcv_nxt; Linux also takes rcv_nxt-1 in
             * the states where the peer may have missed our FIN's ACK */
            if (cb->seq == tp->rcv_nxt - 1 && (sk->sk_state == TCP_CLOSE_WAIT ||
                                               sk->sk_state == TCP_LAST_ACK ||
                                               sk->sk_state == TCP_CLOSING))
                tcp_reset(sk);
            return false;
        }
        if (f & TCPHDR_SYN)
            goto syn_challenge;
        if (!tcp_oow_rate_limited(tp, skb))
            tcp_send_dupack(sk, skb);
        else
            TCP_INC_STATS(TCPACKSkippedSeq);
        return false;
    }
    if (f & TCPHDR_RST) {
        if (cb->seq == tp->rcv_nxt) {
            tcp_reset(sk);
        } else {
            /* in the window but not exact: RFC 5961 3.2 challenge */
            tcp_send_challenge_ack(sk);
        }
        return false;
    }
    if (f & TCPHDR_SYN) {
        /* simultaneous open: the peer's SYN-ACK repeats the SYN we already have */
        if (sk->sk_state == TCP_SYN_RECV && (f & TCPHDR_ACK) && cb->seq + 1 == cb->end_seq &&
            cb->seq + 1 == tp->rcv_nxt && cb->ack_seq == tp->snd_nxt)
            return true;
syn_challenge:
        /* RFC 5961 4.2: a SYN in a synchronized state gets a challenge ACK */
        TCP_INC_STATS(TCPSYNChallenge);
        tcp_send_challenge_ack(sk);
        return false;
    }
    return true;
}

/* --- the receive queue --- */
static void tcp_rfree(struct sk_buff *skb)
{
    struct sock *sk = skb->sk;
    unsigned long f = local_irq_save();
    sk->sk_rmem_alloc -= (int)skb->truesize;
    local_irq_restore(f);
    sk_mem_uncharge(sk, (int)skb->truesize);
    skb->sk = NULL;
}

static void tcp_skb_set_owner_r(struct sk_buff *skb, struct sock *sk)
{
    skb_orphan(skb);
    skb->sk = sk;
    skb->destructor = tcp_rfree;
    unsigned long f = local_irq_save();
    sk->sk_rmem_alloc += (int)skb->truesize;
    local_irq_restore(f);
    sk_mem_charge(sk, (int)skb->truesize);
}

/* Room for skb in the receive memory: else prune the out-of-order queue (RFC 2018
 * allows reneging on SACKed data) before refusing. */
static bool tcp_try_rmem_schedule(struct sock *sk, const struct sk_buff *skb)
{
    if (sk->sk_rmem_alloc + (int)skb->truesize <= sk->sk_rcvbuf &&
        sk_mem_schedule(sk, (int)skb->truesize, true))
        return true;
    if (tcp_prune_queue(sk) < 0)
        return false;
    return sk->sk_rmem_alloc + (int)skb->truesize <= sk->sk_rcvbuf &&
           sk_mem_schedule(sk, (int)skb->truesize, true);
}

int tcp_prune_queue(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    TCP_INC_STATS(TCPRcvPruned);
    if (skb_queue_empty(&tp->out_of_order_queue))
        return -1;
    TCP_ADD_STATS(TCPOFODrop, skb_queue_len(&tp->out_of_order_queue));
    skb_queue_purge(&tp->out_of_order_queue);
    tp->ofo_bytes = 0;
    tp->num_sacks = 0;
    sk_mem_reclaim(sk);
    return 0;
}

static void tcp_queue_rcv(struct sock *sk, struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    tcp_skb_set_owner_r(skb, sk);
    skb_queue_tail(&sk->sk_receive_queue, skb);
    tp->rcv_nxt = TCP_SKB_CB(skb)->end_seq;
    tp->bytes_received += skb->len;
}

void tcp_fin(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    tp->ack.pending |= ICSK_ACK_SCHED;
    sk->sk_shutdown |= RCV_SHUTDOWN;
    switch (sk->sk_state) {
    case TCP_SYN_RECV:
    case TCP_ESTABLISHED:
        tcp_set_state(sk, TCP_CLOSE_WAIT);
        tp->ack.pingpong = true;
        break;
    case TCP_CLOSE_WAIT:
    case TCP_CLOSING:
    case TCP_LAST_ACK:
        break;
    case TCP_FIN_WAIT1:
        /* simultaneous close (RFC 9293 figure 13) */
        tcp_send_ack(sk);
        tcp_set_state(sk, TCP_CLOSING);
        break;
    case TCP_FIN_WAIT2:
        tcp_send_ack(sk);
        tcp_time_wait(sk, TCP_TIME_WAIT, 0);
        return;
    default:
        break;
    }
    /* nothing after the FIN can be delivered: forget the out-of-order data */
    skb_queue_purge(&tp->out_of_order_queue);
    tp->ofo_bytes = 0;
    tp->num_sacks = 0;
    if (!tp->dead)
        sk_wake(sk);
}

static void tcp_ofo_queue(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *skb;
    while ((skb = skb_peek(&tp->out_of_order_queue)) != NULL) {
        struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
        if (after(cb->seq, tp->rcv_nxt))
            break;
        skb_unlink(skb, &tp->out_of_order_queue);
        tp->ofo_bytes -= skb->truesize;
        if (!after(cb->end_seq, tp->rcv_nxt)) {
            tcp_dsack_extend(tp, cb->seq, cb->end_seq);
            kfree_skb(skb);
            continue;
        }
        if (before(cb->seq, tp->rcv_nxt))
            tcp_dsack_extend(tp, cb->seq, tp->rcv_nxt);
        bool fin = cb->tcp_flags & TCPHDR_FIN;
        /* the ofo skb is charged to rmem already: move it over without recharging */
        skb_queue_tail(&sk->sk_receive_queue, skb);
        tp->rcv_nxt = cb->end_seq;
        tp->bytes_received += skb->len;
        if (fin) {
            tcp_fin(sk);
            break;
        }
    }
}

static void tcp_data_queue_ofo(struct sock *sk, struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    if (!tcp_try_rmem_schedule(sk, skb)) {
        TCP_INC_STATS(TCPOFODrop);
        kfree_skb(skb);
        return;
    }
    TCP_INC_STATS(TCPOFOQueue);
    tp->rcv_ooopack++;
    tp->ack.pending |= ICSK_ACK_SCHED;
    uint32_t seq = cb->seq, end_seq = cb->end_seq;
    struct sk_buff_head *q = &tp->out_of_order_queue;
    /* find the last skb starting at or before seq (most arrivals append) */
    struct sk_buff *prev = skb_queue_empty(q) ? NULL : q->prev;
    while (prev && after(TCP_SKB_CB(prev)->seq, seq))
        prev = prev->prev == (struct sk_buff *)q ? NULL : prev->prev;
    if (prev && !after(end_seq, TCP_SKB_CB(prev)->end_seq) &&
        !before(seq, TCP_SKB_CB(prev)->seq)) {
        /* wholly inside data we hold: a duplicate */
        TCP_INC_STATS(TCPOFOMerge);
        tcp_dsack_set(tp, seq, end_seq);
        kfree_skb(skb);
        return;
    }
    tcp_skb_set_owner_r(skb, sk);
    tp->ofo_bytes += skb->truesize;
    if (prev)
        skb_queue_after(q, prev, skb);
    else
        skb_queue_head(q, skb);
    /* later skbs this one covers entirely are duplicates now */
    struct sk_buff *next = skb->next;
    while (next != (struct sk_buff *)q && !after(TCP_SKB_CB(next)->end_seq, end_seq)) {
        struct sk_buff *n2 = next->next;
        tcp_dsack_extend(tp, TCP_SKB_CB(next)->seq, TCP_SKB_CB(next)->end_seq);
        skb_unlink(next, q);
        tp->ofo_bytes -= next->truesize;
        kfree_skb(next);
        next = n2;
    }
    if (tp->sack_ok)
        tcp_sack_new_ofo_skb(tp, seq, end_seq);
}

static void tcp_data_queue(struct sock *sk, struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    if (cb->seq == cb->end_seq) {
        kfree_skb(skb);
        return;
    }
    skb_pull(skb, tcp_hdrlen_of(tcp_hdr(skb)));
    tp->dsack = false;

    if (cb->seq == tp->rcv_nxt) {
        if (tcp_receive_window(tp) == 0 && skb->len) {
            TCP_INC_STATS(TCPZeroWindowDrop);
            goto out_of_window;
        }
queue_and_out:
        if (skb->len && !tcp_try_rmem_schedule(sk, skb)) {
            TCP_INC_STATS(TCPRcvQDrop);
            tcp_enter_quickack_mode(tp, TCP_MAX_QUICKACKS);
            tp->ack.pending |= ICSK_ACK_SCHED;
            kfree_skb(skb);
            return;
        }
        bool fin = cb->tcp_flags & TCPHDR_FIN;
        if (skb->len)
            tcp_event_data_recv(sk, skb);
        tcp_queue_rcv(sk, skb);
        tp->ack.pending |= ICSK_ACK_SCHED;
        if (fin)
            tcp_fin(sk);
        if (!skb_queue_empty(&tp->out_of_order_queue)) {
            tcp_ofo_queue(sk);
            /* RFC 5681 4.2: ACK at once when a gap is filled */
            if (skb_queue_empty(&tp->out_of_order_queue))
                tp->ack.pending |= ICSK_ACK_NOW;
        }
        if (tp->num_sacks)
            tcp_sack_remove(tp);
        if (!tp->dead)
            sk_wake(sk);
        return;
    }
    if (!after(cb->end_seq, tp->rcv_nxt)) {
        /* a retransmission of what we have: D-SACK it and ACK at once */
        if (!(cb->tcp_flags & TCPHDR_SYN))
            tcp_dsack_set(tp, cb->seq, cb->end_seq);
out_of_window:
        tcp_enter_quickack_mode(tp, TCP_MAX_QUICKACKS);
        tp->ack.pending |= ICSK_ACK_SCHED | ICSK_ACK_NOW;
        kfree_skb(skb);
        return;
    }
    if (!before(cb->seq, tp->rcv_nxt + tcp_receive_window(tp)))
        goto out_of_window;
    if (before(cb->seq, tp->rcv_nxt)) {
        /* partly old: report the old part, keep the new */
        tcp_dsack_set(tp, cb->seq, tp->rcv_nxt);
        if (!tcp_receive_window(tp))
            goto out_of_window;
        goto queue_and_out;
    }
    tcp_data_queue_ofo(sk, skb);
}

/* --- urgent data (RFC 6093): the pointer is noted, the byte stays in the stream --- */
static void tcp_urg(struct sock *sk, const struct sk_buff *skb)
{
    const struct tcphdr *th = tcp_hdr(skb);
    if (th->flags & TCPHDR_URG) {
        uint32_t ptr = TCP_SKB_CB(skb)->seq + ntohs(th->urg_ptr);
        if (after(ptr, tcp_sk(sk)->rcv_up))
            tcp_sk(sk)->rcv_up = ptr;
    }
}

/* --- ESTABLISHED --- */
int tcp_rcv_established(struct sock *sk, struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    const struct tcphdr *th = tcp_hdr(skb);
    struct tcp_options opt;
    tcp_parse_skb_options(skb, &opt);

    /* Header prediction (RFC 9293 calls it the "fast path"): the next in-order segment,
     * only ACK (and PSH), the window unchanged, timestamps in order. */
    uint32_t nwin = (uint32_t)ntohs(th->window) << tp->snd_wscale;
    if ((cb->tcp_flags & ~TCPHDR_PSH) == TCPHDR_ACK && cb->seq == tp->rcv_nxt &&
        !after(cb->ack_seq, tp->snd_nxt) && !before(cb->ack_seq, tp->snd_una) &&
        nwin == tp->snd_wnd && tp->ca_state == TCP_CA_Open && !tp->sacked_out &&
        skb_queue_empty(&tp->out_of_order_queue) && !opt.num_sacks &&
        (!tp->tstamp_ok || (opt.ts_present && (int32_t)(opt.tsval - tp->ts_recent) >= 0)) &&
        tp->rcv_wnd) {
        unsigned len = skb->len - tcp_hdrlen_of(th);
        if (tp->tstamp_ok)
            tcp_replace_ts_recent(tp, cb->seq, &opt);
        if (len == 0) {
            TCP_INC_STATS(TCPHPAcks);
            tcp_ack(sk, skb, 0, &opt);
            kfree_skb(skb);
            tcp_data_snd_check(sk);
            return 0;
        }
        if (len <= tcp_receive_window(tp) &&
            sk->sk_rmem_alloc + (int)skb->truesize <= sk->sk_rcvbuf &&
            sk_mem_schedule(sk, (int)skb->truesize, true)) {
            TCP_INC_STATS(TCPHPHits);
            skb_pull(skb, tcp_hdrlen_of(th));
            tcp_event_data_recv(sk, skb);
            bool acks_new = cb->ack_seq != tp->snd_una;
            tcp_queue_rcv(sk, skb);
            tp->ack.pending |= ICSK_ACK_SCHED;
            if (acks_new) {
                tcp_ack(sk, skb, FLAG_DATA, &opt);
                tcp_data_snd_check(sk);
            }
            __tcp_ack_snd_check(sk, false);
            sk_wake(sk);
            return 0;
        }
    }

    /* slow path */
    if (!(cb->tcp_flags & (TCPHDR_ACK | TCPHDR_RST | TCPHDR_SYN))) {
        kfree_skb(skb);
        return 0;
    }
    if (!tcp_validate_incoming(sk, skb, &opt)) {
        kfree_skb(skb);
        return 0;
    }
    if (!(cb->tcp_flags & TCPHDR_ACK)) {
        kfree_skb(skb);
        return 0;
    }
    if (tcp_ack(sk, skb, FLAG_SLOWPATH | FLAG_UPDATE_TS_RECENT, &opt) < 0) {
        kfree_skb(skb);
        return 0;
    }
    if (tp->tstamp_ok)
        tcp_replace_ts_recent(tp, cb->seq, &opt);
    tcp_urg(sk, skb);
    tcp_data_queue(sk, skb);
    if (sk->sk_state == TCP_CLOSE)
        return 0;
    tcp_data_snd_check(sk);
    tcp_ack_snd_check(sk);
    return 0;
}

/* The handshake completed: set up congestion control, buffers and timers. */
void tcp_init_transfer(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (!tp->srtt_us && tp->retransmits)
        tp->rto_ms = TCP_TIMEOUT_FALLBACK_MS;    /* RFC 6298 5.7 */
    else if (!tp->srtt_us)
        tp->rto_ms = TCP_TIMEOUT_INIT_MS;
    tp->snd_cwnd = tp->total_retrans > 1 ? 1 : TCP_INIT_CWND;
    tp->snd_ssthresh = TCP_INFINITE_SSTHRESH;
    tp->snd_cwnd_cnt = 0;
    tp->retransmits = 0;
    tp->backoff = 0;
    tp->retrans_stamp_ms = 0;
    tp->lsndtime_ms = jiffies;
    tcp_init_congestion_control(tp);
    tcp_init_buffer_space(sk);
    tcp_sndbuf_expand(sk);
    if (sk->sk_keepalive)
        tcp_reset_keepalive_timer(sk, tp->keepalive_time_s * 1000u);
}

static void tcp_apply_syn_options(struct tcp_sock *tp, const struct tcp_options *o)
{
    if (o->wscale_present && tp->wscale_ok) {
        tp->snd_wscale = o->wscale;
    } else {
        tp->wscale_ok = false;
        tp->snd_wscale = tp->rcv_wscale = 0;
        tp->window_clamp = MIN(tp->window_clamp, TCP_MAX_WINDOW);
    }
    if (o->ts_present && tp->tstamp_ok) {
        tcp_store_ts_recent(tp, o->tsval);
    } else {
        tp->tstamp_ok = false;
    }
    tp->sack_ok = tp->sack_ok && o->sack_perm;
    uint16_t peer = o->mss_present ? o->mss : TCP_MSS_DEFAULT;
    if (peer < TCP_MIN_SND_MSS)
        peer = TCP_MIN_SND_MSS;
    tp->mss_clamp = tp->user_mss && tp->user_mss < peer ? tp->user_mss : peer;
}

static int tcp_rcv_synsent_state_process(struct sock *sk, struct sk_buff *skb,
                                         const struct tcp_options *opt)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    const struct tcphdr *th = tcp_hdr(skb);
    uint8_t f = cb->tcp_flags;
    if (f & TCPHDR_ACK) {
        /* RFC 9293 3.10.7.3: the ACK must cover our SYN and nothing more */
        if (!after(cb->ack_seq, tp->iss) || after(cb->ack_seq, tp->snd_nxt))
            return (f & TCPHDR_RST) ? 0 : 1;      /* 1: answer with RST */
        if (f & TCPHDR_RST) {
            tcp_reset(sk);
            return 0;
        }
        if (!(f & TCPHDR_SYN))
            return 0;
        tp->snd_wl1 = cb->seq;
        tp->rcv_nxt = cb->seq + 1;
        tp->rcv_wup = tp->rcv_nxt;
        tp->copied_seq = tp->rcv_nxt;
        tp->irs = cb->seq;
        tp->snd_wnd = ntohs(th->window);       /* never scaled in a SYN */
        tp->max_window = tp->snd_wnd;
        tcp_apply_syn_options(tp, opt);
        tcp_sync_mss(sk, tp->pmtu_cookie);
        tp->ack.rcv_mss = (uint16_t)MIN((unsigned)tp->advmss, (unsigned)tp->mss_cache);
        /* the SYN leaves the write queue; its RTT (if not retransmitted) seeds the RTO */
        tcp_ack(sk, skb, FLAG_SLOWPATH, opt);
        tp->snd_wnd = ntohs(th->window);
        tcp_set_state(sk, TCP_ESTABLISHED);
        tcp_init_transfer(sk);
        tcp_sync_mss(sk, tp->pmtu_cookie);
        sk_wake(sk);
        tcp_send_ack(sk);
        /* data queued before the handshake finished may go now */
        tcp_data_snd_check(sk);
        return 0;
    }
    if (f & TCPHDR_RST)
        return 0;
    if (f & TCPHDR_SYN) {
        /* simultaneous open (RFC 9293 figure 8): SYN_RECV, answer SYN,ACK */
        tcp_set_state(sk, TCP_SYN_RECV);
        tp->rcv_nxt = cb->seq + 1;
        tp->rcv_wup = tp->rcv_nxt;
        tp->copied_seq = tp->rcv_nxt;
        tp->irs = cb->seq;
        tp->snd_wl1 = cb->seq;
        tp->snd_wnd = ntohs(th->window);
        tp->max_window = tp->snd_wnd;
        tcp_apply_syn_options(tp, opt);
        tcp_sync_mss(sk, tp->pmtu_cookie);
        tcp_send_synack(sk);
        return 0;
    }
    return 0;
}

/* Every state but ESTABLISHED (and LISTEN's SYNs, handled in tcp_ipv4.c). Returns 1 when
 * the caller must answer with a RST; the skb is consumed either way. */
int tcp_rcv_state_process(struct sock *sk, struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    uint8_t f = cb->tcp_flags;
    struct tcp_options opt;
    tcp_parse_skb_options(skb, &opt);

    switch (sk->sk_state) {
    case TCP_CLOSE:
        kfree_skb(skb);
        return 1;
    case TCP_LISTEN:
        if (f & TCPHDR_ACK) {
            kfree_skb(skb);
            return 1;
        }
        if (f & TCPHDR_RST || !(f & TCPHDR_SYN)) {
            kfree_skb(skb);
            return 0;
        }
        tcp_conn_request(sk, skb);
        kfree_skb(skb);
        return 0;
    case TCP_SYN_SENT: {
        int r = tcp_rcv_synsent_state_process(sk, skb, &opt);
        kfree_skb(skb);
        return r;
    }
    default:
        break;
    }

    if (!tcp_validate_incoming(sk, skb, &opt)) {
        kfree_skb(skb);
        return 0;
    }
    if (!(f & TCPHDR_ACK)) {
        kfree_skb(skb);
        return 0;
    }
    int acceptable = tcp_ack(sk, skb, FLAG_SLOWPATH | FLAG_UPDATE_TS_RECENT |
                                      FLAG_NO_CHALLENGE_ACK, &opt) > 0;
    if (!acceptable) {
        if (sk->sk_state == TCP_SYN_RECV) {
            kfree_skb(skb);
            return 1;
        }
        tcp_send_challenge_ack(sk);
        kfree_skb(skb);
        return 0;
    }
    if (tp->tstamp_ok)
        tcp_replace_ts_recent(tp, cb->seq, &opt);

    switch (sk->sk_state) {
    case TCP_SYN_RECV:
        /* the simultaneous open completes */
        tp->snd_una = cb->ack_seq;
        tp->snd_wnd = (uint32_t)ntohs(tcp_hdr(skb)->window) << tp->snd_wscale;
        tp->snd_wl1 = cb->seq;
        tcp_set_state(sk, TCP_ESTABLISHED);
        tcp_init_transfer(sk);
        sk_wake(sk);
        break;
    case TCP_FIN_WAIT1:
        if (tp->snd_una != tp->write_seq)
            break;                           /* our FIN is not acknowledged yet */
        tcp_set_state(sk, TCP_FIN_WAIT2);
        sk->sk_shutdown |= SEND_SHUTDOWN;
        if (!tp->dead) {
            sk_wake(sk);
            break;
        }
        if (tp->linger2_ms < 0) {
            tcp_done(sk);
            TCP_INC_STATS(TCPAbortOnData);
            kfree_skb(skb);
            return 0;
        }
        if (cb->end_seq != cb->seq && after(cb->end_seq - ((f & TCPHDR_FIN) ? 1 : 0), tp->rcv_nxt)) {
            /* an orphan gets data it can never deliver: reset (Linux's TCPAbortOnData) */
            TCP_INC_STATS(TCPAbortOnData);
            tcp_done(sk);
            kfree_skb(skb);
            return 1;
        }
        if (!(f & TCPHDR_FIN)) {
            /* an orphan waits in FIN_WAIT2 as a light timewait sock */
            tcp_time_wait(sk, TCP_FIN_WAIT2,
                          tp->linger2_ms > 0 ? (uint32_t)tp->linger2_ms : TCP_FIN_TIMEOUT_MS);
            kfree_skb(skb);
            return 0;
        }
        break;
    case TCP_CLOSING:
        if (tp->snd_una == tp->write_seq) {
            tcp_time_wait(sk, TCP_TIME_WAIT, 0);
            kfree_skb(skb);
            return 0;
        }
        break;
    case TCP_LAST_ACK:
        if (tp->snd_una == tp->write_seq) {
            tcp_done(sk);
            kfree_skb(skb);
            return 0;
        }
        break;
    default:
        break;
    }

    tcp_urg(sk, skb);
    switch (sk->sk_state) {
    case TCP_CLOSE_WAIT:
    case TCP_CLOSING:
    case TCP_LAST_ACK:
        /* the peer's FIN came already: nothing after it is data */
        kfree_skb(skb);
        break;
    case TCP_FIN_WAIT1:
    case TCP_FIN_WAIT2:
        if ((sk->sk_shutdown & RCV_SHUTDOWN) && tp->dead && cb->end_seq != cb->seq &&
            after(cb->end_seq - ((f & TCPHDR_FIN) ? 1 : 0), tp->rcv_nxt)) {
            TCP_INC_STATS(TCPAbortOnData);
            tcp_reset(sk);
            kfree_skb(skb);
            return 1;
        }
        /* fall through */
    case TCP_ESTABLISHED:
        tcp_data_queue(sk, skb);
        break;
    default:
        kfree_skb(skb);
        break;
    }
    if (sk->sk_state != TCP_CLOSE) {
        tcp_data_snd_check(sk);
        tcp_ack_snd_check(sk);
    }
    return 0;
}
