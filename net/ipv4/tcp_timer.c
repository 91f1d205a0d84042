/* net/ipv4/tcp_timer.c - the timers of a connection (each fires in the TIMER softirq):
 *   retransmit_timer: RTO (RFC 6298 5.4-5.7: retransmit the head, back off, give up after
 *       the retry limits of Linux's retransmits_timed_out) or the persist timer
 *       (zero-window probes);
 *   delack_timer: the delayed ACK;
 *   keepalive_timer: keepalive probes, and on listeners the SYN-ACK retransmissions.
 * A timer that finds the sock owned by a task sets an sk_deferred bit instead;
 * tcp_release_cb runs the work at release_sock (net/core/sock.h). Every handler holds a
 * reference for its duration: its work may end the connection. */
#include "net/ipv4/tcp.h"
#include "kernel/errno.h"

static struct tcp_sock *tp_of(struct timer_list *t, size_t off)
{
    return (struct tcp_sock *)((char *)t - off);
}

void tcp_reset_xmit_timer(struct sock *sk, int what, uint32_t when_ms)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (when_ms > TCP_RTO_MAX_MS)
        when_ms = TCP_RTO_MAX_MS;
    tp->pending = (uint8_t)what;
    mod_timer(&tp->retransmit_timer, jiffies + msecs_to_jiffies(when_ms));
}

void tcp_clear_xmit_timer(struct sock *sk, int what)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (tp->pending == what || what == 0) {
        tp->pending = 0;
        del_timer(&tp->retransmit_timer);
        sk->sk_deferred &= ~TCP_DEFER_WRITE_TIMER;
    }
}

void tcp_reset_keepalive_timer(struct sock *sk, uint32_t when_ms)
{
    mod_timer(&tcp_sk(sk)->keepalive_timer, jiffies + msecs_to_jiffies(when_ms));
}

void tcp_clear_xmit_timers(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    tp->pending = 0;
    tp->ack.pending = 0;
    del_timer(&tp->retransmit_timer);
    del_timer(&tp->delack_timer);
    del_timer(&tp->keepalive_timer);
    sk->sk_deferred = 0;
}

/* Linux's retransmits_timed_out: the time a connection may go on retransmitting before giving up,
 * (2^(k+1) - 1) * 200 ms + (N - k) * 120 s with k = 9 for N retries. */
bool retransmits_timed_out(struct sock *sk, unsigned boundary, uint32_t timeout_ms)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (!tp->retrans_stamp_ms)
        return false;
    uint64_t limit = timeout_ms;
    if (!limit) {
        unsigned k = 9;
        if (boundary <= k)
            limit = ((2ull << boundary) - 1) * TCP_RTO_MIN_MS;
        else
            limit = ((2ull << k) - 1) * TCP_RTO_MIN_MS + (uint64_t)(boundary - k) * TCP_RTO_MAX_MS;
    }
    return jiffies - tp->retrans_stamp_ms >= msecs_to_jiffies(limit);
}

static void tcp_write_err(struct sock *sk)
{
    sk->sk_err = sk->sk_err_soft ? sk->sk_err_soft : ETIMEDOUT;
    TCP_INC_STATS(TCPAbortOnTimeout);
    tcp_done(sk);
}

static bool tcp_write_timeout(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    bool expired;
    if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV) {
        unsigned limit = tp->syn_retries ? tp->syn_retries : TCP_SYN_RETRIES;
        expired = tp->retransmits >= limit;
    } else {
        unsigned limit = tp->dead ? TCP_ORPHAN_RETRIES : TCP_RETRIES2;
        expired = retransmits_timed_out(sk, limit, tp->user_timeout_ms);
    }
    if (expired) {
        tcp_write_err(sk);
        return true;
    }
    return false;
}

void tcp_retransmit_timer(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (!tp->packets_out || sk->sk_state == TCP_CLOSE)
        return;
    struct sk_buff *head = tcp_write_queue_head(sk);
    if (!head || head == tcp_send_head(sk)) {
        /* nothing sent is outstanding although the counters say so. Never seen since
         * the lost poll wake-up was fixed (tests/unit/test_tcp_chaos.c checks the
         * counters against the queue at every step); kept so that such a bug would show
         * as a counter, not as a connection that hangs with cwnd shut */
        TCP_INC_STATS(TCPInflightResync);
        tp->packets_out = tp->sacked_out = tp->lost_out = tp->retrans_out = 0;
        if (tcp_send_head(sk))
            __tcp_push_pending_frames(sk, tcp_current_mss(sk), tp->nonagle);
        return;
    }
    if (!tp->snd_wnd && !tp->dead && sk->sk_state != TCP_SYN_SENT &&
        sk->sk_state != TCP_SYN_RECV) {
        /* the peer shrank its window to zero with data outstanding (RFC 9293 3.8.6.1):
         * keep probing with the head segment, give up after TCP_RTO_MAX of silence */
        if (jiffies - tp->last_ack_rcv_ms > msecs_to_jiffies(TCP_RTO_MAX_MS)) {
            tcp_write_err(sk);
            return;
        }
        tcp_enter_loss(sk);
        tcp_retransmit_skb(sk, head, 1);
        goto out_reset_timer;
    }
    if (tcp_write_timeout(sk))
        return;
    TCP_INC_STATS(TCPTimeouts);
    tcp_enter_loss(sk);
    if (tcp_retransmit_skb(sk, head, 1)) {
        /* local trouble (no memory, queue full): try again soon, no backoff */
        tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, MIN(tp->rto_ms, 500u));
        return;
    }
    tp->backoff++;
    tp->retransmits++;
out_reset_timer:
    tp->rto_ms = MIN(tp->rto_ms * 2, (uint32_t)TCP_RTO_MAX_MS);
    tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, tp->rto_ms);
}

static void tcp_probe_timer(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (tp->packets_out || !tcp_send_head(sk)) {
        tp->probes_out = 0;
        return;
    }
    unsigned max_probes = tp->dead ? TCP_ORPHAN_RETRIES : TCP_RETRIES2;
    if (tp->probes_out >= max_probes) {
        tcp_write_err(sk);
        return;
    }
    tcp_send_probe0(sk);
}

void tcp_write_timer_handler(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN || !tp->pending)
        return;
    if (time_before(jiffies, tp->retransmit_timer.expires)) {
        mod_timer(&tp->retransmit_timer, tp->retransmit_timer.expires);
        return;
    }
    int what = tp->pending;
    tp->pending = 0;
    if (what == ICSK_TIME_RETRANS)
        tcp_retransmit_timer(sk);
    else if (what == ICSK_TIME_PROBE0)
        tcp_probe_timer(sk);
}

void tcp_delack_timer_handler(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (sk->sk_state == TCP_CLOSE || !(tp->ack.pending & ICSK_ACK_TIMER))
        return;
    if (time_before(jiffies, tp->ack.timeout)) {
        mod_timer(&tp->delack_timer, tp->ack.timeout);
        return;
    }
    tp->ack.pending &= (uint8_t)~ICSK_ACK_TIMER;
    if (tp->ack.pending & ICSK_ACK_SCHED) {
        if (!tp->ack.pingpong) {
            /* delayed ACKs are costing the sender time: shorten the next wait */
            tp->ack.ato_ms = MIN(tp->ack.ato_ms << 1, tp->rto_ms);
        } else {
            /* an interactive exchange went quiet: leave pingpong mode */
            tp->ack.pingpong = false;
            tp->ack.ato_ms = TCP_ATO_MIN_MS;
        }
        TCP_INC_STATS(DelayedACKs);
        tcp_send_ack(sk);
    }
}

void tcp_keepalive_timer_handler(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (sk->sk_state == TCP_LISTEN) {
        tcp_synq_timer_run(sk);
        return;
    }
    if (!sk->sk_keepalive || sk->sk_state == TCP_CLOSE ||
        (sk->sk_state != TCP_ESTABLISHED && sk->sk_state != TCP_CLOSE_WAIT &&
         sk->sk_state != TCP_FIN_WAIT2))
        return;
    uint32_t idle_ms = tp->keepalive_time_s * 1000u;
    uint32_t intvl_ms = tp->keepalive_intvl_s * 1000u;
    if (tp->packets_out || tcp_send_head(sk)) {
        /* data in flight: the retransmit timer watches the peer */
        tcp_reset_keepalive_timer(sk, idle_ms);
        return;
    }
    uint64_t last = tp->lrcvtime_ms > tp->last_ack_rcv_ms ? tp->lrcvtime_ms : tp->last_ack_rcv_ms;
    uint64_t elapsed = jiffies - last;
    if (elapsed >= idle_ms) {
        if (tp->probes_out >= tp->keepalive_probes) {
            tcp_send_active_reset(sk);
            tcp_write_err(sk);
            return;
        }
        TCP_INC_STATS(TCPKeepAlive);
        tcp_send_window_probe(sk);
        tp->probes_out++;
        tcp_reset_keepalive_timer(sk, intvl_ms);
        return;
    }
    tcp_reset_keepalive_timer(sk, (uint32_t)(idle_ms - elapsed));
}

/* Timer callbacks: defer when owned, else run with a reference held. */
static void tcp_write_timer(struct timer_list *t)
{
    struct sock *sk = &tp_of(t, offsetof(struct tcp_sock, retransmit_timer))->sk;
    sock_hold(sk);
    if (sock_owned_by_user(sk))
        sk->sk_deferred |= TCP_DEFER_WRITE_TIMER;
    else
        tcp_write_timer_handler(sk);
    sock_put(sk);
}

static void tcp_delack_timer(struct timer_list *t)
{
    struct sock *sk = &tp_of(t, offsetof(struct tcp_sock, delack_timer))->sk;
    sock_hold(sk);
    if (sock_owned_by_user(sk)) {
        /* the owner will ACK soon anyway; make it quick when it does */
        tcp_sk(sk)->ack.pingpong = false;
        sk->sk_deferred |= TCP_DEFER_DELACK;
    } else {
        tcp_delack_timer_handler(sk);
    }
    sock_put(sk);
}

static void tcp_keepalive_timer(struct timer_list *t)
{
    struct sock *sk = &tp_of(t, offsetof(struct tcp_sock, keepalive_timer))->sk;
    sock_hold(sk);
    /* a listener's SYN queue belongs to the softirq side (see tcp_v4_rcv): never defer */
    if (sock_owned_by_user(sk) && sk->sk_state != TCP_LISTEN)
        sk->sk_deferred |= TCP_DEFER_KEEPALIVE;
    else
        tcp_keepalive_timer_handler(sk);
    sock_put(sk);
}

void tcp_release_cb(struct sock *sk)
{
    unsigned long d = sk->sk_deferred;
    sk->sk_deferred = 0;
    if (d & TCP_DEFER_WRITE_TIMER)
        tcp_write_timer_handler(sk);
    if (d & TCP_DEFER_DELACK)
        tcp_delack_timer_handler(sk);
    if (d & TCP_DEFER_KEEPALIVE)
        tcp_keepalive_timer_handler(sk);
}

void tcp_init_xmit_timers(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    timer_setup(&tp->retransmit_timer, tcp_write_timer, 0);
    timer_setup(&tp->delack_timer, tcp_delack_timer, 0);
    timer_setup(&tp->keepalive_timer, tcp_keepalive_timer, 0);
}
