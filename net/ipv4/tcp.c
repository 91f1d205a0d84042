/* net/ipv4/tcp.c - the TCP socket calls (station 4 of docs/sendpath.md is tcp_sendmsg), the
 * life of a connection from the application's side (close, shutdown, linger), poll,
 * options, TCP_INFO, and the MIB.
 *
 * tcp_sendmsg: with the sock owned, copy the user's bytes once into page fragments at the
 * tail skb of the write queue (a new skb when the tail is full or already sent), each skb
 * growing to size_goal (many MSS with TSO or GSO); into the skb's linear area instead when
 * the route can take neither fragments (NETIF_F_SG) nor GSO, and then summed as they are
 * copied when it cannot checksum (no NETIF_F_IP_CSUM), so the transmission sums only the
 * header (Linux's skb_add_data_nocache); push when forced (more than half the peer's
 * largest window unpushed) or when the tail is the send head; at the end tcp_push
 * honours Nagle, TCP_NODELAY, TCP_CORK and MSG_MORE. A full send buffer (or memory the
 * protocol may not take) makes the writer sleep until ACKs free space, or EAGAIN.
 *
 * Lifetime: the socket layer's reference is dropped at the end of tcp_close; an orphan
 * (FIN_WAIT, LAST_ACK, ...) lives on its hash-table reference until tcp_done. */
#include "net/ipv4/tcp.h"
#include "net/ipv4/af_inet.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/route.h"
#include "net/core/secure_seq.h"
#include "net/core/checksum.h"
#include "kernel/cmdline.h"
#include "kernel/proc_stats.h"
#include "net/core/trace_stations.h"
#include "kernel/errno.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

struct tcp_mib tcpstats;
struct tcp_sysctl sysctl_tcp = {
    .sack = true, .timestamps = true, .window_scaling = true, .syncookies = true,
    .challenge_ack_limit = 1000,
    .mem = { 4096, 6144, 8192 },
    .rmem_max = TCP_RMEM_MAX, .wmem_max = TCP_WMEM_MAX,
};
static long tcp_memory_allocated;
static bool tcp_memory_pressure;
static int tcp_socks_alive;

#define SHUTDOWN_MASK (RCV_SHUTDOWN | SEND_SHUTDOWN)
#define TCPF(s) (1u << (s))

/* --- state --- */
static bool in_estab(int s) { return s == TCP_ESTABLISHED || s == TCP_CLOSE_WAIT; }

void tcp_set_state(struct sock *sk, int state)
{
    int old = sk->sk_state;
    if (in_estab(state) && !in_estab(old))
        TCP_INC_STATS(CurrEstab);
    else if (!in_estab(state) && in_estab(old)) {
        unsigned long f = local_irq_save();
        tcpstats.CurrEstab--;
        local_irq_restore(f);
    }
    if (state == TCP_CLOSE) {
        if (old == TCP_CLOSE_WAIT || old == TCP_ESTABLISHED)
            TCP_INC_STATS(EstabResets);
        if (old == TCP_SYN_SENT || old == TCP_SYN_RECV)
            TCP_INC_STATS(AttemptFails);
        sk->sk_state = state;
        tcp_unhash(sk);
        tcp_put_port(sk);
        return;
    }
    sk->sk_state = state;
}

/* Everything an ended connection still holds, except the memory of the sock itself. */
static void tcp_release_resources(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    tcp_clear_xmit_timers(sk);
    struct sk_buff *skb;
    while ((skb = tcp_write_queue_head(sk)) != NULL)
        tcp_skb_free_wq(sk, skb);
    sk->sk_send_head = NULL;
    skb_queue_purge(&sk->sk_receive_queue);
    skb_queue_purge(&tp->out_of_order_queue);
    tp->ofo_bytes = 0;
    skb_queue_purge(&sk->sk_backlog);
    sk->sk_backlog_len = 0;
    if (tp->frag_page) {
        put_page(tp->frag_page);
        tp->frag_page = 0;
    }
    tp->packets_out = tp->retrans_out = tp->sacked_out = tp->lost_out = 0;
    sk_dst_reset(sk);
    sk_mem_reclaim(sk);
}

void tcp_done(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    tcp_set_state(sk, TCP_CLOSE);
    tcp_clear_xmit_timers(sk);
    sk->sk_shutdown = SHUTDOWN_MASK;
    if (tp->dead)
        tcp_release_resources(sk);
    else
        sk_wake(sk);
}

/* --- send side helpers (Linux's net/core/stream.c) --- */
int tcp_stream_wspace(const struct sock *sk) { return sk->sk_sndbuf - sk->sk_wmem_queued; }
int tcp_stream_min_wspace(const struct sock *sk) { return sk->sk_wmem_queued >> 1; }
bool tcp_stream_memory_free(const struct sock *sk)
{
    const struct tcp_sock *tp = tcp_sk(sk);
    if (sk->sk_wmem_queued >= sk->sk_sndbuf)
        return false;
    return tp->write_seq - tp->snd_nxt < tp->notsent_lowat;
}

void sk_stream_write_space(struct sock *sk)
{
    sk_wake(sk);
}

static bool stream_space_cond(struct sock *sk)
{
    return (sk->sk_shutdown & SEND_SHUTDOWN) || sk->sk_state == TCP_CLOSE ||
           (tcp_stream_memory_free(sk) && tcp_stream_wspace(sk) > 0);
}

/* sk_stream_wait_memory: sleep until the send buffer has room. */
static int sk_stream_wait_memory(struct sock *sk, uint64_t *timeo, bool nonblock)
{
    if (nonblock)
        return -EAGAIN;
    uint64_t t = *timeo;
    /* nothing of ours in flight to free memory: the pool itself is short, retry soon */
    bool pool_short = sk->sk_wmem_queued == 0;
    if (pool_short && (!t || t > 200 * NSEC_PER_MSEC))
        t = 200 * NSEC_PER_MSEC;
    int err = sk_wait_locked(sk, &t, stream_space_cond, false);
    if (pool_short && err == -EAGAIN && (!*timeo || *timeo > 200 * NSEC_PER_MSEC)) {
        if (*timeo)
            *timeo -= 200 * NSEC_PER_MSEC;
        return 0;
    }
    if (*timeo)
        *timeo = t;
    if (err)
        return err;
    if (sk->sk_shutdown & SEND_SHUTDOWN || sk->sk_state == TCP_CLOSE)
        return -EPIPE;
    return 0;
}

static bool connected_cond(struct sock *sk)
{
    return !(TCPF(sk->sk_state) & (TCPF(TCP_SYN_SENT) | TCPF(TCP_SYN_RECV)));
}

static bool forced_push(const struct tcp_sock *tp)
{
    return after(tp->write_seq, tp->pushed_seq + (tp->max_window >> 1));
}

static void tcp_mark_push(struct tcp_sock *tp, struct sk_buff *skb)
{
    TCP_SKB_CB(skb)->tcp_flags |= TCPHDR_PSH;
    tp->pushed_seq = tp->write_seq;
}

/* Which tail skb the next bytes may join: one of the kind this route wants (payload in
 * the linear area, or in fragments), with room left. */
static long tcp_tail_room(const struct sk_buff *skb, bool linear, unsigned size_goal)
{
    long room = (long)size_goal - (long)skb->len;
    if (linear) {
        if (skb_shinfo(skb)->nr_frags)
            return 0;
        room = MIN(room, (long)skb_tailroom(skb));
    } else if (skb_headlen(skb)) {
        return 0;
    }
    return room;
}

/* The sum of bytes just copied to the end of the payload, while it still covers all of
 * it (off: the payload length before the copy). */
static void tcp_skb_csum_add(struct sk_buff *skb, uint32_t off, const void *p, uint32_t n)
{
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    if (cb->csum_len != off)
        return;                                /* already partial: the transmit sums all */
    cb->csum = csum_block_add(cb->csum, csum_partial(p, n, 0), off);
    cb->csum_len = off + n;
}

/* Station 4. */
long tcp_sendmsg(struct sock *sk, struct kmsg *m, size_t size)
{
    struct tcp_sock *tp = tcp_sk(sk);
    int flags = m->flags;
    bool nonblock = flags & MSG_DONTWAIT;
    uint64_t timeo = sk->sk_sndtimeo;
    long copied = 0;
    int err = 0;
    unsigned size_goal, mss_now;
    (void)size;

    lock_sock(sk);
    if (flags & MSG_OOB) {
        err = -EOPNOTSUPP;
        goto do_error;
    }
    if (!(TCPF(sk->sk_state) & (TCPF(TCP_ESTABLISHED) | TCPF(TCP_CLOSE_WAIT)))) {
        if (TCPF(sk->sk_state) & (TCPF(TCP_SYN_SENT) | TCPF(TCP_SYN_RECV))) {
            if (nonblock) {
                err = -EAGAIN;
                goto do_error;
            }
            err = sk_wait_locked(sk, &timeo, connected_cond, true);
            if (err)
                goto do_error;
        }
        if (!(TCPF(sk->sk_state) & (TCPF(TCP_ESTABLISHED) | TCPF(TCP_CLOSE_WAIT)))) {
            err = -EPIPE;
            goto do_error;
        }
    }
    mss_now = tcp_send_mss(sk, &size_goal, flags);
    /* What the route can offload (tcp_send_mss looked it up). With GSO the device layer
     * cuts, linearises and sums (Linux then treats the route as SG and HW_CSUM); only a
     * route without it gets linear payload, summed here. */
    bool gso = tp->route_caps & NETIF_F_GSO;
    bool linear = !(tp->route_caps & NETIF_F_SG) && !gso;
    bool sum_here = !(tp->route_caps & NETIF_F_IP_CSUM) && !gso;
    while (m->iov_idx < m->iovlen && copied < (long)m->len) {
        if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN)) {
            err = -EPIPE;
            goto do_error;
        }
        size_t left = m->len - (size_t)copied;
        struct sk_buff *skb = tcp_write_queue_tail(sk);
        long copy = 0;
        if (skb && tcp_send_head(sk) && !(TCP_SKB_CB(skb)->tcp_flags & (TCPHDR_FIN | TCPHDR_SYN)))
            copy = tcp_tail_room(skb, linear, size_goal);
        if (copy <= 0) {
            if (!tcp_stream_memory_free(sk))
                goto wait_for_space;
            skb = tcp_stream_alloc_skb(sk, linear ? size_goal : 0, false);
            if (!skb)
                goto wait_for_space;
            TCP_SKB_CB(skb)->seq = TCP_SKB_CB(skb)->end_seq = tp->write_seq;
            TCP_SKB_CB(skb)->tcp_flags = TCPHDR_ACK;
            skb_queue_tail(&sk->sk_write_queue, skb);
            if (!sk->sk_send_head)
                sk->sk_send_head = skb;
            copy = (long)size_goal;
        }
        if ((size_t)copy > left)
            copy = (long)left;
        uint32_t off = skb->len;
        if (linear) {
            /* the buffer was charged whole when it was allocated */
            void *to = skb_put(skb, (unsigned)copy);
            if (kmsg_copy_from(m, to, (size_t)copy)) {
                skb_trim(skb, off);
                err = -EFAULT;
                goto do_error;
            }
            if (sum_here)
                tcp_skb_csum_add(skb, off, to, (uint32_t)copy);
            goto copied_in;
        }
        /* the page the bytes go to (sk_page_frag) */
        if (!tp->frag_page || tp->frag_off >= PAGE_SIZE) {
            if (tp->frag_page)
                put_page(tp->frag_page);
            tp->frag_off = 0;
            tp->frag_page = alloc_page();
            if (!tp->frag_page)
                goto wait_for_space;
        }
        if (copy > (long)(PAGE_SIZE - tp->frag_off))
            copy = (long)(PAGE_SIZE - tp->frag_off);
        struct skb_shared_info *sh = skb_shinfo(skb);
        bool merge = sh->nr_frags &&
                     sh->frags[sh->nr_frags - 1].page == tp->frag_page &&
                     sh->frags[sh->nr_frags - 1].offset + sh->frags[sh->nr_frags - 1].size == tp->frag_off;
        if (!merge && sh->nr_frags >= MAX_SKB_FRAGS) {
            tcp_mark_push(tp, skb);
            /* this skb is as full as it gets: start another */
            size_goal = skb->len;
            continue;
        }
        if (!sk_mem_schedule(sk, (int)copy, false))
            goto wait_for_space;
        char *to = (char *)phys_to_virt(tp->frag_page) + tp->frag_off;
        if (kmsg_copy_from(m, to, (size_t)copy)) {
            err = -EFAULT;
            goto do_error;
        }
        skb_frag_append(skb, tp->frag_page, tp->frag_off, (uint32_t)copy);
        tp->frag_off += (uint32_t)copy;
        sk->sk_wmem_queued += (int)copy;
        sk_mem_charge(sk, (int)copy);
        if (sum_here)
            tcp_skb_csum_add(skb, off, to, (uint32_t)copy);
copied_in:
        if (!copied)
            TCP_SKB_CB(skb)->tcp_flags &= (uint8_t)~TCPHDR_PSH;
        TCP_SKB_CB(skb)->end_seq += (uint32_t)copy;
        tp->write_seq += (uint32_t)copy;
        TCP_SKB_CB(skb)->tcp_gso_segs = 0;
        copied += copy;
        trace_skb(TS_TCP_SENDMSG, skb, copy);
        if ((size_t)copied >= m->len)
            break;
        if (skb->len < size_goal)
            continue;
        if (forced_push(tp)) {
            tcp_mark_push(tp, skb);
            __tcp_push_pending_frames(sk, mss_now, TCP_NAGLE_PUSH);
        } else if (skb == tcp_send_head(sk)) {
            tcp_push_one(sk, mss_now);
        }
        continue;
wait_for_space:
        if (copied)
            tcp_push(sk, flags & ~MSG_MORE, mss_now, TCP_NAGLE_PUSH, size_goal);
        err = sk_stream_wait_memory(sk, &timeo, nonblock);
        if (err)
            goto do_error;
        mss_now = tcp_send_mss(sk, &size_goal, flags);
    }
out:
    if (copied)
        tcp_push(sk, flags, mss_now, tp->nonagle, size_goal);
    release_sock(sk);
    return copied;
do_error:
    if (copied)
        goto out;
    if (err == -EPIPE && sk->sk_err) {
        /* the connection was reset: report that once (ECONNRESET), EPIPE after */
        err = sock_error(sk);
    }
    release_sock(sk);
    return err;
}

/* --- receive side --- */
/* After the application read: ACK now when that opens the window a lot (Linux's
 * tcp_cleanup_rbuf). */
void tcp_cleanup_rbuf(struct sock *sk, int copied)
{
    struct tcp_sock *tp = tcp_sk(sk);
    bool time_to_ack = false;
    unsigned rcv_mss = tp->ack.rcv_mss ? tp->ack.rcv_mss : TCP_MSS_DEFAULT;
    if (tp->ack.pending & ICSK_ACK_SCHED) {
        if (tp->rcv_nxt - tp->rcv_wup > rcv_mss ||
            (copied > 0 && (tp->ack.pending & ICSK_ACK_PUSHED) && !tp->ack.pingpong &&
             skb_queue_empty(&sk->sk_receive_queue)))
            time_to_ack = true;
    }
    if (copied > 0 && !time_to_ack && !(sk->sk_shutdown & RCV_SHUTDOWN)) {
        uint32_t rcv_window_now = tcp_receive_window(tp);
        if (2 * rcv_window_now <= tp->window_clamp) {
            uint32_t new_window = __tcp_select_window_pub(sk);
            if (new_window && new_window >= 2 * rcv_window_now)
                time_to_ack = true;
        }
    }
    if (time_to_ack)
        tcp_send_ack(sk);
}

static bool rcv_cond(struct sock *sk)
{
    return !skb_queue_empty(&sk->sk_receive_queue) || (sk->sk_shutdown & RCV_SHUTDOWN) ||
           sk->sk_state == TCP_CLOSE;
}

static void tcp_eat_skb(struct sock *sk, struct sk_buff *skb)
{
    skb_unlink(skb, &sk->sk_receive_queue);
    consume_skb(skb);
}

long tcp_recvmsg(struct sock *sk, struct kmsg *m, size_t len, int flags)
{
    struct tcp_sock *tp = tcp_sk(sk);
    bool nonblock = flags & MSG_DONTWAIT, peek = flags & MSG_PEEK;
    uint64_t timeo = sk->sk_rcvtimeo;
    long copied = 0;
    lock_sock(sk);
    if (sk->sk_state == TCP_LISTEN) {
        copied = -ENOTCONN;
        goto out;
    }
    if (flags & MSG_OOB) {
        /* urgent data stays inline (RFC 6093): there is no out-of-band byte */
        copied = -EINVAL;
        goto out;
    }
    size_t target = (flags & MSG_WAITALL) ? len : 1;
    if (target > len)
        target = len;
    uint32_t seq = tp->copied_seq;
    while ((size_t)copied < len) {
        struct sk_buff *skb, *found = NULL;
        uint32_t offset = 0;
        bool fin = false;
        for (skb = skb_peek(&sk->sk_receive_queue); skb;
             skb = skb->next == (struct sk_buff *)&sk->sk_receive_queue ? NULL : skb->next) {
            struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
            offset = seq - cb->seq;
            if (offset < skb->len) {
                found = skb;
                break;
            }
            if (cb->tcp_flags & TCPHDR_FIN) {
                found = skb;
                fin = true;
                break;
            }
        }
        if (found && !fin) {
            size_t used = MIN((size_t)(found->len - offset), len - (size_t)copied);
            if (skb_copy_datagram_msg(found, offset, m, (unsigned)used)) {
                if (!copied)
                    copied = -EFAULT;
                break;
            }
            seq += (uint32_t)used;
            copied += (long)used;
            if (!peek) {
                tp->copied_seq = seq;
                /* drop every skb now wholly read (overlapping retransmissions too) */
                struct sk_buff *s;
                while ((s = skb_peek(&sk->sk_receive_queue)) != NULL &&
                       !before(seq, TCP_SKB_CB(s)->seq + s->len) &&
                       !(TCP_SKB_CB(s)->tcp_flags & TCPHDR_FIN))
                    tcp_eat_skb(sk, s);
            }
            continue;
        }
        if (fin) {
            if (!peek) {
                tp->copied_seq = seq + 1;
                tcp_eat_skb(sk, found);
            }
            break;
        }
        /* nothing to read now */
        if ((size_t)copied >= target)
            break;
        if (copied) {
            if (sk->sk_err || sk->sk_state == TCP_CLOSE || (sk->sk_shutdown & RCV_SHUTDOWN) ||
                nonblock)
                break;
        } else {
            if (sk->sk_err) {
                copied = sock_error(sk);
                break;
            }
            if (sk->sk_shutdown & RCV_SHUTDOWN)
                break;
            if (sk->sk_state == TCP_CLOSE) {
                /* never connected: ENOTCONN; a finished connection reads 0 */
                if (!tp->hashed && !tp->rcv_nxt && !tp->bytes_received)
                    copied = -ENOTCONN;
                break;
            }
            if (nonblock) {
                copied = -EAGAIN;
                break;
            }
        }
        tcp_cleanup_rbuf(sk, (int)copied);
        int err = sk_wait_locked(sk, &timeo, rcv_cond, true);
        if (err == -EAGAIN) {
            if (!copied)
                copied = -EAGAIN;
            break;
        }
        if (err) {
            /* a reset or error with nothing read reports it; killed: -EINTR */
            if (!copied)
                copied = sk->sk_err ? sock_error(sk) : err;
            break;
        }
    }
    if (copied > 0 && !peek)
        tcp_rcv_space_adjust(sk);
    tcp_cleanup_rbuf(sk, (int)(copied > 0 ? copied : 0));
out:
    release_sock(sk);
    return copied;
}

unsigned tcp_poll(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    int state = sk->sk_state;
    unsigned mask = 0;
    if (state == TCP_LISTEN)
        return list_empty(&tp->accept_queue) ? 0 : (POLLIN | POLLRDNORM);
    if (sk->sk_shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
        mask |= POLLHUP;
    if (sk->sk_shutdown & RCV_SHUTDOWN)
        mask |= POLLIN | POLLRDNORM | POLLRDHUP;
    if (!(TCPF(state) & (TCPF(TCP_SYN_SENT) | TCPF(TCP_SYN_RECV))) && state != TCP_CLOSE) {
        if (tp->rcv_nxt != tp->copied_seq && !skb_queue_empty(&sk->sk_receive_queue))
            mask |= POLLIN | POLLRDNORM;
        if (!(sk->sk_shutdown & SEND_SHUTDOWN)) {
            if (tcp_stream_memory_free(sk) && tcp_stream_wspace(sk) >= tcp_stream_min_wspace(sk))
                mask |= POLLOUT | POLLWRNORM;
        } else {
            mask |= POLLOUT | POLLWRNORM;
        }
    }
    if (READ_ONCE(sk->sk_err))
        mask |= POLLERR;
    return mask;
}

/* --- close and shutdown (RFC 9293 3.10.4) --- */
static const uint8_t new_state[16] = {
    [0] = TCP_CLOSE,
    [TCP_ESTABLISHED] = TCP_FIN_WAIT1 | 0x10,
    [TCP_SYN_SENT] = TCP_CLOSE,
    [TCP_SYN_RECV] = TCP_FIN_WAIT1 | 0x10,
    [TCP_FIN_WAIT1] = TCP_FIN_WAIT1,
    [TCP_FIN_WAIT2] = TCP_FIN_WAIT2,
    [TCP_TIME_WAIT] = TCP_CLOSE,
    [TCP_CLOSE] = TCP_CLOSE,
    [TCP_CLOSE_WAIT] = TCP_LAST_ACK | 0x10,
    [TCP_LAST_ACK] = TCP_LAST_ACK,
    [TCP_LISTEN] = TCP_CLOSE,
    [TCP_CLOSING] = TCP_CLOSING,
};

/* Move to the state a close implies; true when a FIN must be sent. */
static bool tcp_close_state(struct sock *sk)
{
    int next = new_state[sk->sk_state];
    int ns = next & 0xf;
    if (ns == TCP_CLOSE) {
        if (sk->sk_state == TCP_SYN_SENT)
            tcp_done(sk);
        else
            tcp_set_state(sk, TCP_CLOSE);
    } else {
        tcp_set_state(sk, ns);
    }
    return next & 0x10;
}

static int tcp_shutdown(struct sock *sk, int how)
{
    if (!(how & SEND_SHUTDOWN))
        return 0;
    lock_sock(sk);
    if (TCPF(sk->sk_state) & (TCPF(TCP_ESTABLISHED) | TCPF(TCP_SYN_SENT) |
                              TCPF(TCP_SYN_RECV) | TCPF(TCP_CLOSE_WAIT))) {
        if (tcp_close_state(sk))
            tcp_send_fin(sk);
    }
    release_sock(sk);
    return 0;
}

static bool close_done_cond(struct sock *sk)
{
    return !(TCPF(sk->sk_state) & (TCPF(TCP_FIN_WAIT1) | TCPF(TCP_CLOSING) | TCPF(TCP_LAST_ACK)));
}

void tcp_close(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    lock_sock(sk);
    sk->sk_shutdown = SHUTDOWN_MASK;
    if (sk->sk_state == TCP_LISTEN) {
        tcp_set_state(sk, TCP_CLOSE);
        inet_csk_listen_stop(sk);
        goto adjudge;
    }
    uint32_t unread = 0;
    struct sk_buff *skb;
    while ((skb = skb_dequeue(&sk->sk_receive_queue)) != NULL) {
        uint32_t len = TCP_SKB_CB(skb)->end_seq - TCP_SKB_CB(skb)->seq;
        if (TCP_SKB_CB(skb)->tcp_flags & TCPHDR_FIN)
            len--;
        unread += len;
        kfree_skb(skb);
    }
    unread = tp->rcv_nxt != tp->copied_seq && unread ? unread : 0;
    if (sk->sk_state == TCP_CLOSE)
        goto adjudge;
    if (unread) {
        /* RFC 2525 2.17: closing with unread data resets */
        TCP_INC_STATS(TCPAbortOnClose);
        tcp_set_state(sk, TCP_CLOSE);
        tcp_send_active_reset(sk);
    } else if (sk->sk_linger && !sk->sk_lingertime) {
        /* SO_LINGER with zero time: abort */
        TCP_INC_STATS(TCPAbortOnLinger);
        tcp_send_active_reset(sk);
        tcp_set_state(sk, TCP_CLOSE);
    } else if (tcp_close_state(sk)) {
        tcp_send_fin(sk);
    }
    if (sk->sk_linger && sk->sk_lingertime && sk->sk_state != TCP_CLOSE) {
        uint64_t t = (uint64_t)sk->sk_lingertime * NSEC_PER_SEC;
        sk_wait_locked(sk, &t, close_done_cond, true);
    }
adjudge:
    tp->dead = true;
    sk->sk_socket = NULL;
    if (sk->sk_state == TCP_FIN_WAIT2 && tp->linger2_ms < 0) {
        tcp_send_active_reset(sk);
        tcp_set_state(sk, TCP_CLOSE);
    }
    if (sk->sk_state == TCP_FIN_WAIT2) {
        /* half-closed by shutdown earlier: finish in a FIN_WAIT2 record */
        tcp_time_wait(sk, TCP_FIN_WAIT2, tp->linger2_ms > 0 ? (uint32_t)tp->linger2_ms
                                                            : TCP_FIN_TIMEOUT_MS);
    }
    if (sk->sk_state == TCP_CLOSE)
        tcp_done(sk);
    release_sock(sk);
    sock_put(sk);                        /* the socket layer's reference */
}

int tcp_disconnect(struct sock *sk, int flags)
{
    struct tcp_sock *tp = tcp_sk(sk);
    (void)flags;
    int old = sk->sk_state;
    if (old != TCP_CLOSE)
        tcp_set_state(sk, TCP_CLOSE);
    if (old == TCP_LISTEN)
        inet_csk_listen_stop(sk);
    else if (TCPF(old) & (TCPF(TCP_ESTABLISHED) | TCPF(TCP_CLOSE_WAIT) | TCPF(TCP_FIN_WAIT1) |
                          TCPF(TCP_FIN_WAIT2) | TCPF(TCP_CLOSING) | TCPF(TCP_LAST_ACK)))
        tcp_send_active_reset(sk);
    bool dead = tp->dead;
    tp->dead = true;
    tcp_release_resources(sk);
    tp->dead = dead;
    sk->sk_shutdown = 0;
    sk->inet_dport = 0;
    sk->inet_daddr = 0;
    sk->sk_err = ECONNRESET;
    tp->srtt_us = tp->mdev_us = 0;
    tp->rto_ms = TCP_TIMEOUT_INIT_MS;
    tp->snd_cwnd = TCP_INIT_CWND;
    tp->write_seq = tp->snd_nxt + 65535 + 2;
    return 0;
}

/* --- options --- */
static int get_int(const void *val, socklen_t len, int *v)
{
    if (len < sizeof(int))
        return -EINVAL;
    memcpy(v, val, sizeof(int));
    return 0;
}

static int tcp_setsockopt(struct sock *sk, int level, int name, const void *val, socklen_t len)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (level != IPPROTO_TCP)
        return -ENOPROTOOPT;
    if (name == TCP_CONGESTION) {
        char buf[TCP_CA_NAME_MAX];
        size_t n = MIN((size_t)len, sizeof(buf) - 1);
        memcpy(buf, val, n);
        buf[n] = 0;
        const struct tcp_congestion_ops *ca = tcp_ca_find(buf);
        if (!ca)
            return -ENOENT;
        lock_sock(sk);
        tp->ca_ops = ca;
        if (sk->sk_state == TCP_ESTABLISHED)
            tcp_init_congestion_control(tp);
        release_sock(sk);
        return 0;
    }
    int v, err = get_int(val, len, &v);
    if (err)
        return err;
    lock_sock(sk);
    switch (name) {
    case TCP_NODELAY:
        if (v) {
            tp->nonagle |= TCP_NAGLE_OFF | TCP_NAGLE_PUSH;
            if (tcp_send_head(sk))
                __tcp_push_pending_frames(sk, tcp_current_mss(sk), tp->nonagle);
        } else {
            tp->nonagle &= (uint8_t)~TCP_NAGLE_OFF;
        }
        break;
    case TCP_CORK:
        if (v) {
            tp->nonagle |= TCP_NAGLE_CORK;
        } else {
            tp->nonagle &= (uint8_t)~TCP_NAGLE_CORK;
            if (tp->nonagle & TCP_NAGLE_OFF)
                tp->nonagle |= TCP_NAGLE_PUSH;
            if (tcp_send_head(sk))
                __tcp_push_pending_frames(sk, tcp_current_mss(sk), tp->nonagle);
        }
        break;
    case TCP_MAXSEG:
        if (v && (v < TCP_MIN_MSS || v > 65535))
            err = -EINVAL;
        else
            tp->user_mss = (uint16_t)v;
        break;
    case TCP_KEEPIDLE:
        if (v < 1 || v > 32767) { err = -EINVAL; break; }
        tp->keepalive_time_s = (uint32_t)v;
        if (sk->sk_keepalive && sk->sk_state == TCP_ESTABLISHED)
            tcp_reset_keepalive_timer(sk, (uint32_t)v * 1000u);
        break;
    case TCP_KEEPINTVL:
        if (v < 1 || v > 32767) { err = -EINVAL; break; }
        tp->keepalive_intvl_s = (uint32_t)v;
        break;
    case TCP_KEEPCNT:
        if (v < 1 || v > 127) { err = -EINVAL; break; }
        tp->keepalive_probes = (uint8_t)v;
        break;
    case TCP_SYNCNT:
        if (v < 1 || v > 127) { err = -EINVAL; break; }
        tp->syn_retries = (uint8_t)v;
        break;
    case TCP_LINGER2:
        tp->linger2_ms = v < 0 ? -1 : (v == 0 ? 0 : MIN(v, 120) * 1000);
        break;
    case TCP_QUICKACK:
        if (v) {
            tcp_enter_quickack_mode(tp, TCP_MAX_QUICKACKS);
            if (tp->ack.pending & ICSK_ACK_SCHED)
                tcp_send_ack(sk);
        } else {
            tp->ack.pingpong = true;
        }
        break;
    case TCP_USER_TIMEOUT:
        if (v < 0) { err = -EINVAL; break; }
        tp->user_timeout_ms = (uint32_t)v;
        break;
    case TCP_WINDOW_CLAMP:
        if (v < 0) { err = -EINVAL; break; }
        tp->window_clamp = v ? (uint32_t)MAX(v, SOCK_MIN_RCVBUF / 2) : 0;
        break;
    case TCP_NOTSENT_LOWAT:
        tp->notsent_lowat = v <= 0 ? 0xffffffffu : (uint32_t)v;
        break;
    case TCP_DEFER_ACCEPT:
        tp->defer_accept = v;
        break;
    default:
        err = -ENOPROTOOPT;
    }
    release_sock(sk);
    return err;
}

static void put_u8(uint8_t *b, unsigned off, uint8_t v) { b[off] = v; }
static void put_u32(uint8_t *b, unsigned off, uint32_t v) { memcpy(b + off, &v, 4); }
static void put_u64(uint8_t *b, unsigned off, uint64_t v) { memcpy(b + off, &v, 8); }

/* struct tcp_info, Linux 6.1 layout (include/uapi/linux/tcp.h). */
void tcp_get_info(struct sock *sk, uint8_t *b)
{
    struct tcp_sock *tp = tcp_sk(sk);
    uint64_t now = jiffies;
    memset(b, 0, TCP_INFO_LEN);
    put_u8(b, 0, (uint8_t)sk->sk_state);
    if (sk->sk_state == TCP_LISTEN) {
        put_u32(b, 24, sk->sk_ack_backlog);
        put_u32(b, 28, sk->sk_max_ack_backlog);
        put_u32(b, 80, tp->snd_cwnd);
        put_u32(b, 88, tp->reordering);
        return;
    }
    put_u8(b, 1, tp->ca_state);
    put_u8(b, 2, tp->retransmits);
    put_u8(b, 3, tp->probes_out);
    put_u8(b, 4, tp->backoff);
    uint8_t opts = (tp->tstamp_ok ? 1 : 0) | (tp->sack_ok ? 2 : 0) | (tp->wscale_ok ? 4 : 0);
    put_u8(b, 5, opts);
    put_u8(b, 6, (uint8_t)((tp->snd_wscale & 0xf) | (tp->rcv_wscale << 4)));
    put_u32(b, 8, tp->rto_ms * 1000u);
    put_u32(b, 12, tp->ack.ato_ms * 1000u);
    put_u32(b, 16, tp->mss_cache);
    put_u32(b, 20, tp->ack.rcv_mss);
    put_u32(b, 24, tp->packets_out);
    put_u32(b, 28, tp->sacked_out);
    put_u32(b, 32, tp->lost_out);
    put_u32(b, 36, tp->retrans_out);
    put_u32(b, 44, (uint32_t)(now - tp->lsndtime_ms));
    put_u32(b, 52, (uint32_t)(now - tp->lrcvtime_ms));
    put_u32(b, 56, (uint32_t)(now - tp->last_ack_rcv_ms));
    put_u32(b, 60, tp->pmtu_cookie);
    put_u32(b, 64, tp->rcv_ssthresh);
    put_u32(b, 68, tp->srtt_us >> 3);
    put_u32(b, 72, tp->mdev_us >> 2);
    put_u32(b, 76, tp->snd_ssthresh);
    put_u32(b, 80, tp->snd_cwnd);
    put_u32(b, 84, tp->advmss);
    put_u32(b, 88, tp->reordering);
    put_u32(b, 92, tp->rcv_rtt_us);
    put_u32(b, 96, tp->rcvq_space_space);
    put_u32(b, 100, tp->total_retrans);
    put_u64(b, 104, ~0ull);
    put_u64(b, 112, ~0ull);
    put_u64(b, 120, tp->bytes_acked);
    put_u64(b, 128, tp->bytes_received);
    put_u32(b, 136, tp->segs_out);
    put_u32(b, 140, tp->segs_in);
    put_u32(b, 144, tp->write_seq - tp->snd_nxt);
    put_u32(b, 148, tp->min_rtt_us);
    put_u32(b, 152, tp->data_segs_in);
    put_u32(b, 156, tp->data_segs_out);
    put_u32(b, 192, tp->delivered);
    put_u64(b, 200, tp->bytes_sent);
    put_u64(b, 208, tp->bytes_retrans);
    put_u32(b, 216, tp->dsack_dups);
    put_u32(b, 224, tp->rcv_ooopack);
    put_u32(b, 228, tp->snd_wnd);
}

static int tcp_getsockopt(struct sock *sk, int level, int name, void *val, socklen_t *len)
{
    struct tcp_sock *tp = tcp_sk(sk);
    if (level != IPPROTO_TCP)
        return -ENOPROTOOPT;
    if (name == TCP_INFO) {
        uint8_t info[TCP_INFO_LEN];
        tcp_get_info(sk, info);
        *len = MIN(*len, (socklen_t)TCP_INFO_LEN);
        memcpy(val, info, *len);
        return 0;
    }
    if (name == TCP_CONGESTION) {
        char buf[TCP_CA_NAME_MAX] = { 0 };
        const struct tcp_congestion_ops *ca = tp->ca_ops ? tp->ca_ops : tcp_ca_default();
        memcpy(buf, ca->name, MIN(strlen(ca->name), sizeof(buf) - 1));
        *len = MIN(*len, (socklen_t)TCP_CA_NAME_MAX);
        memcpy(val, buf, *len);
        return 0;
    }
    int v;
    switch (name) {
    case TCP_NODELAY: v = !!(tp->nonagle & TCP_NAGLE_OFF); break;
    case TCP_CORK: v = !!(tp->nonagle & TCP_NAGLE_CORK); break;
    case TCP_MAXSEG:
        v = (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN) && tp->user_mss
                ? tp->user_mss : (tp->mss_cache ? tp->mss_cache : TCP_MSS_DEFAULT);
        break;
    case TCP_KEEPIDLE: v = (int)tp->keepalive_time_s; break;
    case TCP_KEEPINTVL: v = (int)tp->keepalive_intvl_s; break;
    case TCP_KEEPCNT: v = tp->keepalive_probes; break;
    case TCP_SYNCNT: v = tp->syn_retries ? tp->syn_retries : TCP_SYN_RETRIES; break;
    case TCP_LINGER2: v = tp->linger2_ms < 0 ? -1 : (tp->linger2_ms ? tp->linger2_ms / 1000 : TCP_FIN_TIMEOUT_MS / 1000); break;
    case TCP_QUICKACK: v = !tp->ack.pingpong; break;
    case TCP_USER_TIMEOUT: v = (int)tp->user_timeout_ms; break;
    case TCP_WINDOW_CLAMP: v = (int)tp->window_clamp; break;
    case TCP_NOTSENT_LOWAT: v = tp->notsent_lowat == 0xffffffffu ? 0 : (int)tp->notsent_lowat; break;
    case TCP_DEFER_ACCEPT: v = tp->defer_accept; break;
    default: return -ENOPROTOOPT;
    }
    *len = MIN(*len, (socklen_t)sizeof(int));
    memcpy(val, &v, *len);
    return 0;
}

/* --- the protocol --- */
static int tcp_init_sock(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    INIT_LIST_HEAD(&tp->bind_node);
    INIT_LIST_HEAD(&tp->syn_queue);
    INIT_LIST_HEAD(&tp->accept_queue);
    INIT_LIST_HEAD(&tp->accept_node);
    skb_queue_head_init(&tp->out_of_order_queue);
    tcp_init_xmit_timers(sk);
    tp->rto_ms = TCP_TIMEOUT_INIT_MS;
    tp->mdev_us = TCP_TIMEOUT_INIT_MS * 1000u;
    tp->snd_cwnd = TCP_INIT_CWND;
    tp->snd_ssthresh = TCP_INFINITE_SSTHRESH;
    tp->snd_cwnd_clamp = ~0u;
    tp->mss_cache = TCP_MSS_DEFAULT;
    tp->reordering = TCP_REORDERING;
    tp->ca_ops = tcp_ca_default();
    tp->keepalive_time_s = TCP_KEEPALIVE_TIME_S;
    tp->keepalive_intvl_s = TCP_KEEPALIVE_INTVL_S;
    tp->keepalive_probes = TCP_KEEPALIVE_PROBES;
    tp->notsent_lowat = 0xffffffffu;
    tp->gso_max_segs = 1;
    sk->sk_sndbuf = TCP_WMEM_DEFAULT;
    sk->sk_rcvbuf = TCP_RMEM_DEFAULT;
    sk->pmtudisc_do = true;
    unsigned long f = local_irq_save();
    tcp_socks_alive++;
    local_irq_restore(f);
    return 0;
}

/* The last reference is going: nothing may be left running. */
static void tcp_destroy_sock(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    bool dead = tp->dead;
    tp->dead = true;
    tcp_release_resources(sk);
    tp->dead = dead;
    tcp_put_port(sk);
    unsigned long f = local_irq_save();
    tcp_socks_alive--;
    local_irq_restore(f);
}

static int tcp_v4_connect_proto(struct sock *sk, const struct sockaddr_in *addr)
{
    return tcp_v4_connect(sk, addr);
}

static int tcp_backlog_rcv(struct sock *sk, struct sk_buff *skb)
{
    extern int tcp_backlog_rcv_entry(struct sock *sk, struct sk_buff *skb);
    return tcp_backlog_rcv_entry(sk, skb);
}

/* A transmitted clone was freed: nothing a TCP writer waits for (tcp_check_space). */
static void tcp_write_space(struct sock *sk) { (void)sk; }

struct proto tcp_prot = {
    .name = "TCP",
    .obj_size = sizeof(struct tcp_sock),
    .init = tcp_init_sock,
    .close = tcp_close,
    .connect = tcp_v4_connect_proto,
    .listen = inet_csk_listen_start,
    .accept = inet_csk_accept,
    .disconnect = tcp_disconnect,
    .shutdown = tcp_shutdown,
    .setsockopt = tcp_setsockopt,
    .getsockopt = tcp_getsockopt,
    .sendmsg = tcp_sendmsg,
    .recvmsg = tcp_recvmsg,
    .poll = tcp_poll,
    .get_port = tcp_v4_get_port,
    .unhash = tcp_unhash,
    .no_autobind = true,
    .backlog_rcv = tcp_backlog_rcv,
    .release_cb = tcp_release_cb,
    .memory_allocated = &tcp_memory_allocated,
    .sysctl_mem = sysctl_tcp.mem,
    .memory_pressure = &tcp_memory_pressure,
    .close_releases = true,
    .destroy = tcp_destroy_sock,
    .write_space = tcp_write_space,
};

int tcp_socks_count(void) { return tcp_socks_alive; }

/* --- dumps --- */
#define MIBLINE(f) pr_info("    %llu " #f "\n", (unsigned long long)tcpstats.f)
void tcp_mib_dump(void)
{
    pr_info("Tcp:\n");
    pr_info("    %llu active connection openings\n", (unsigned long long)tcpstats.ActiveOpens);
    pr_info("    %llu passive connection openings\n", (unsigned long long)tcpstats.PassiveOpens);
    pr_info("    %llu failed connection attempts\n", (unsigned long long)tcpstats.AttemptFails);
    pr_info("    %llu connection resets received\n", (unsigned long long)tcpstats.EstabResets);
    pr_info("    %llu connections established\n", (unsigned long long)tcpstats.CurrEstab);
    pr_info("    %llu segments received\n", (unsigned long long)tcpstats.InSegs);
    pr_info("    %llu segments sent out\n", (unsigned long long)tcpstats.OutSegs);
    pr_info("    %llu segments retransmitted\n", (unsigned long long)tcpstats.RetransSegs);
    pr_info("    %llu bad segments received\n", (unsigned long long)tcpstats.InErrs);
    pr_info("    %llu resets sent\n", (unsigned long long)tcpstats.OutRsts);
    pr_info("    %llu checksum errors\n", (unsigned long long)tcpstats.InCsumErrors);
    pr_info("TcpExt:\n");
    MIBLINE(SyncookiesSent); MIBLINE(SyncookiesRecv); MIBLINE(SyncookiesFailed);
    MIBLINE(EmbryonicRsts); MIBLINE(TW); MIBLINE(TWRecycled); MIBLINE(PAWSEstab);
    MIBLINE(DelayedACKs); MIBLINE(DelayedACKLost); MIBLINE(ListenOverflows);
    MIBLINE(ListenDrops); MIBLINE(TCPPureAcks); MIBLINE(TCPHPAcks); MIBLINE(TCPHPHits);
    MIBLINE(TCPSackRecovery); MIBLINE(TCPRenoRecovery); MIBLINE(TCPFastRetrans);
    MIBLINE(TCPSlowStartRetrans); MIBLINE(TCPTimeouts); MIBLINE(TCPLossUndo);
    MIBLINE(TCPFullUndo); MIBLINE(TCPDSACKUndo); MIBLINE(TCPDSACKOldSent);
    MIBLINE(TCPDSACKOfoSent); MIBLINE(TCPDSACKRecv); MIBLINE(TCPAbortOnData);
    MIBLINE(TCPAbortOnClose); MIBLINE(TCPAbortOnLinger); MIBLINE(TCPAbortOnTimeout);
    MIBLINE(TCPBacklogDrop); MIBLINE(TCPRcvQDrop); MIBLINE(TCPOFOQueue); MIBLINE(TCPOFODrop);
    MIBLINE(TCPOFOMerge); MIBLINE(TCPChallengeACK); MIBLINE(TCPSYNChallenge);
    MIBLINE(TCPToZeroWindowAdv); MIBLINE(TCPFromZeroWindowAdv); MIBLINE(TCPSynRetrans);
    MIBLINE(TCPOrigDataSent); MIBLINE(TCPKeepAlive); MIBLINE(TCPWinProbe);
    MIBLINE(TCPMTUPDiscovery); MIBLINE(OutOfWindowIcmps); MIBLINE(TCPZeroWindowDrop);
    MIBLINE(TCPRcvPruned); MIBLINE(TCPACKSkippedChallenge); MIBLINE(TCPRetransFail);
    MIBLINE(TCPInflightResync);
}

static const char *const state_names[] = {
    "?", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT",
    "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING",
};

struct ss_filter { bool ext; unsigned states; };

static void ss_one(struct sock *sk, void *arg)
{
    const struct ss_filter *f = arg;
    bool ext = f->ext;
    if (!(f->states & (1u << sk->sk_state)))
        return;
    struct tcp_sock *tp = tcp_sk(sk);
    uint32_t l = ntohl(sk->inet_saddr), r = ntohl(sk->inet_daddr);
    uint32_t recvq = sk->sk_state == TCP_LISTEN ? sk->sk_ack_backlog : tp->rcv_nxt - tp->copied_seq;
    uint32_t sendq = sk->sk_state == TCP_LISTEN ? sk->sk_max_ack_backlog : tp->write_seq - tp->snd_una;
    char la[24], ra[24];
    if (l)
        snprintf(la, sizeof(la), "%u.%u.%u.%u:%u", l >> 24, (l >> 16) & 255, (l >> 8) & 255,
                 l & 255, sk->inet_num);
    else
        snprintf(la, sizeof(la), "0.0.0.0:%u", sk->inet_num);
    if (sk->inet_dport)
        snprintf(ra, sizeof(ra), "%u.%u.%u.%u:%u", r >> 24, (r >> 16) & 255, (r >> 8) & 255,
                 r & 255, ntohs(sk->inet_dport));
    else
        snprintf(ra, sizeof(ra), "0.0.0.0:*");
    printk("%-5s %-10s %-6u %-6u %21s %21s\n", "tcp",
           state_names[sk->sk_state < (int)ARRAY_SIZE(state_names) ? sk->sk_state : 0],
           recvq, sendq, la, ra);
    /* ss -o's timer field: which one is armed, when it fires, the backoff */
    char timer[48] = "";
    if (ext && tp->pending && timer_pending(&tp->retransmit_timer)) {
        long left = (long)(tp->retransmit_timer.expires - jiffies);
        snprintf(timer, sizeof(timer), " timer:(%s,%ldms,%u)",
                 tp->pending == ICSK_TIME_RETRANS ? "on" : "persist",
                 left > 0 ? left * (long)(1000 / HZ) : 0, tp->backoff);
    } else if (ext && tp->packets_out) {
        snprintf(timer, sizeof(timer), " timer:(none,packets_out %u)", tp->packets_out);
    }
    /* like ss, no ssthresh while it is still "infinite" (slow start never left) */
    char ssthresh[24] = "";
    if (tp->snd_ssthresh < TCP_INFINITE_SSTHRESH)
        snprintf(ssthresh, sizeof(ssthresh), " ssthresh:%u", tp->snd_ssthresh);
    if (ext && sk->sk_state != TCP_LISTEN)
        printk("\t %s%s%s%s rto:%u rtt:%u.%03u/%u.%03u ato:%u mss:%u rcvmss:%u advmss:%u "
               "cwnd:%u%s bytes_sent:%llu bytes_retrans:%llu bytes_acked:%llu "
               "bytes_received:%llu segs_out:%u segs_in:%u retrans:%u/%u lost:%u sacked:%u "
               "rcv_space:%u snd_wnd:%u%s skmem:(r%d,rb%d,t%d,tb%d,f%d,w%d,bl%d)\n",
               tp->tstamp_ok ? "ts " : "", tp->sack_ok ? "sack " : "",
               tp->wscale_ok ? "wscale " : "", tp->ca_ops ? tp->ca_ops->name : "",
               tp->rto_ms, (tp->srtt_us >> 3) / 1000, (tp->srtt_us >> 3) % 1000,
               (tp->mdev_us >> 2) / 1000, (tp->mdev_us >> 2) % 1000, tp->ack.ato_ms,
               tp->mss_cache, tp->ack.rcv_mss, tp->advmss, tp->snd_cwnd, ssthresh,
               (unsigned long long)tp->bytes_sent, (unsigned long long)tp->bytes_retrans,
               (unsigned long long)tp->bytes_acked, (unsigned long long)tp->bytes_received,
               tp->segs_out, tp->segs_in, tp->retrans_out, tp->total_retrans, tp->lost_out,
               tp->sacked_out, tp->rcvq_space_space, tp->snd_wnd, timer, sk->sk_rmem_alloc,
               sk->sk_rcvbuf, sk->sk_wmem_alloc, sk->sk_sndbuf, sk->sk_forward_alloc,
               sk->sk_wmem_queued, sk->sk_backlog_len);
}

/* Rows for the shell's `ss` (its header is printed by the caller). */
void tcp_ss_dump(bool extended, unsigned states)
{
    struct ss_filter f = { extended, states };
    tcp_for_each_sock(ss_one, &f);
}

/* /proc/wirepath/stats: the Tcp and TcpExt counters. */
static void tcp_stats_dump(struct stats_out *o)
{
#define J(f) stats_u64(o, #f, tcpstats.f)
    J(ActiveOpens); J(PassiveOpens); J(AttemptFails); J(EstabResets); J(CurrEstab);
    J(InSegs); J(OutSegs); J(RetransSegs); J(InErrs); J(OutRsts); J(InCsumErrors);
    J(SyncookiesSent); J(SyncookiesRecv); J(SyncookiesFailed); J(EmbryonicRsts); J(TW);
    J(PAWSEstab); J(DelayedACKs); J(DelayedACKLost); J(ListenOverflows); J(ListenDrops);
    J(TCPPureAcks); J(TCPHPAcks); J(TCPHPHits); J(TCPSackRecovery); J(TCPRenoRecovery);
    J(TCPFastRetrans); J(TCPSlowStartRetrans); J(TCPTimeouts); J(TCPLossUndo); J(TCPFullUndo);
    J(TCPDSACKUndo); J(TCPDSACKOldSent);
    J(TCPDSACKRecv); J(TCPAbortOnData); J(TCPAbortOnClose); J(TCPAbortOnTimeout);
    J(TCPBacklogDrop); J(TCPRcvQDrop); J(TCPOFOQueue); J(TCPOFODrop); J(TCPChallengeACK);
    J(TCPSYNChallenge); J(TCPOrigDataSent); J(TCPKeepAlive); J(TCPInflightResync);
#undef J
    stats_u64(o, "socks", (uint64_t)tcp_socks_alive);
    stats_u64(o, "time_wait", (uint64_t)tcp_tw_count());
    stats_u64(o, "memory_pages", (uint64_t)tcp_memory_allocated);
}
static struct stats_section tcp_stats_section = { "tcp", tcp_stats_dump, NULL };

/* --- boot --- */
CMDLINE_KEY(tcp_cc, "tcp.cc", "TCP congestion control: cubic (default) or reno");
static void tcp_cmdline(void)
{
    const char *cc = cmdline_get("tcp.cc");
    if (cc && tcp_set_default_congestion_control(cc))
        pr_warn("tcp: unknown congestion control '%s', keeping %s\n", cc, tcp_ca_default()->name);
}

int tcp_v4_register(void);
int tcp_init(void)
{
    static bool done;
    if (done)
        return 0;
    done = true;
    /* memory limits from the machine's size (Linux: tcp_mem from free pages) */
    uint64_t pages = pages_total();
    if (pages) {
        sysctl_tcp.mem[0] = (long)(pages / 16);
        sysctl_tcp.mem[1] = (long)(pages / 12);
        sysctl_tcp.mem[2] = (long)(pages / 8);
        uint64_t r = pages * PAGE_SIZE / 128;
        sysctl_tcp.rmem_max = (int)MAX(131072ull, MIN((uint64_t)TCP_RMEM_MAX, r));
        sysctl_tcp.wmem_max = (int)MAX(65536ull, MIN((uint64_t)TCP_WMEM_MAX, r));
    }
    tcp_cmdline();
    tcp_v4_register();
    stats_register(&tcp_stats_section);
    struct inet_protosw tcp = { SOCK_STREAM, IPPROTO_TCP, &tcp_prot, &inet_stream_ops };
    inet_register_protosw(&tcp);
    pr_info("tcp: ready: %s, sack ts wscale syncookies, isn keys from %s, mem %ld/%ld/%ld pages\n",
            tcp_ca_default()->name, secure_seq_source(), sysctl_tcp.mem[0], sysctl_tcp.mem[1],
            sysctl_tcp.mem[2]);
    return 0;
}
device_initcall(tcp_init);
