/* net/ipv4/tcp.h - TCP for IPv4: the connection state (struct tcp_sock), the per-skb
 * control block, and the functions each station file provides.
 *
 *   tcp.c          socket calls: tcp_sendmsg (station 4), tcp_recvmsg, tcp_poll, options,
 *                  close/shutdown, TCP_INFO, the MIB
 *   tcp_output.c   tcp_write_xmit (5), tcp_transmit_skb (6), tcp_push, size goal, Nagle,
 *                  SYN/SYN-ACK/ACK/FIN/RST, retransmission, tcp_fragment/tso_fragment
 *   tcp_input.c    tcp_rcv_established, tcp_rcv_state_process, tcp_ack and
 *                  tcp_clean_rtx_queue (19), SACK scoreboard, loss recovery, receive
 *                  queue and out-of-order queue, delayed ACK decisions
 *   tcp_ipv4.c     tcp_v4_rcv, lookup tables (established, listening, bound ports,
 *                  TIME_WAIT), tcp_v4_connect, ISNs and ephemeral ports, ICMP errors
 *   tcp_minisocks.c request socks (SYN_RECV), TIME_WAIT socks, the child of a handshake
 *   tcp_timer.c    retransmit/persist, delayed ACK, keepalive, SYN-ACK and TIME_WAIT timers
 *   tcp_cong.c     congestion control ops (Reno/NewReno), tcp_cubic.c CUBIC
 *   syncookies.c   SYN cookies
 *
 * Concurrency: see lock_sock in net/core/sock.h. Softirq entry points (tcp_v4_rcv, the
 * timers) check sock_owned_by_user() and defer to the backlog or sk_deferred.
 * Sequence numbers are compared with before()/after() (modulo 2^32, RFC 9293 3.4). */
#ifndef WP_TCP_H
#define WP_TCP_H

#include "net/core/sock.h"
#include "net/core/skbuff.h"
#include "net/ipv4/tcp_hdr.h"
#include "kernel/time.h"
#include "kernel/arch/x86.h"

struct tcp_sock;
struct request_sock;
struct iphdr;

static inline bool before(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool after(uint32_t a, uint32_t b) { return before(b, a); }
static inline bool between(uint32_t x, uint32_t lo, uint32_t hi) { return hi - lo >= x - lo; }

/* --- constants (Linux 6.1 values; as Linux's include/net/tcp.h) --- */
#define TCP_RTO_MIN_MS        200
#define TCP_RTO_MAX_MS        120000
#define TCP_TIMEOUT_INIT_MS   1000
#define TCP_TIMEOUT_FALLBACK_MS 3000
#define TCP_DELACK_MIN_MS     40
#define TCP_DELACK_MAX_MS     200
#define TCP_ATO_MIN_MS        40
#define TCP_MAX_QUICKACKS     16
#define TCP_TIMEWAIT_LEN_MS   60000
#define TCP_FIN_TIMEOUT_MS    60000
#define TCP_RETRIES1          3
#define TCP_RETRIES2          15
#define TCP_SYN_RETRIES       6
#define TCP_SYNACK_RETRIES    5
#define TCP_ORPHAN_RETRIES    8
#define TCP_KEEPALIVE_TIME_S  7200
#define TCP_KEEPALIVE_INTVL_S 75
#define TCP_KEEPALIVE_PROBES  9
#define TCP_INIT_CWND         10
#define TCP_INFINITE_SSTHRESH 0x7fffffff
#define TCP_MSS_DEFAULT       536
#define TCP_MIN_MSS           88
#define TCP_MIN_SND_MSS       48
#define TCP_MAX_WINDOW        65535u
#define TCP_REORDERING        3
#define TCP_RMEM_DEFAULT      131072
#define TCP_WMEM_DEFAULT      16384
#define TCP_RMEM_MAX          (6 << 20)
#define TCP_WMEM_MAX          (4 << 20)
#define TCP_INVALID_RATELIMIT_MS 500
#define TCP_SOMAXCONN         4096
#define TCP_MAX_SYN_BACKLOG   128
#define TCP_PAWS_24DAYS_S     (60 * 60 * 24 * 24)
#define TCP_PAWS_WINDOW       1
#define TCP_PAWS_MSL_S        60
/* Header room every TCP skb reserves: link + IPv4 + the largest TCP header. */
#define MAX_TCP_HEADER        (16 + 20 + TCP_HLEN_MAX)
/* Ephemeral ports for connect (Linux's ip_local_port_range). */
#define TCP_EPHEMERAL_LOW     32768
#define TCP_EPHEMERAL_HIGH    60999

#include "net/uapi/tcp.h"      /* the TCP_* socket options */

#define TCP_NAGLE_OFF  1      /* TCP_NODELAY */
#define TCP_NAGLE_CORK 2      /* TCP_CORK or MSG_MORE */
#define TCP_NAGLE_PUSH 4      /* one-shot: push what is queued now */

/* congestion states (tcpi_ca_state) */
enum tcp_ca_state { TCP_CA_Open = 0, TCP_CA_Disorder, TCP_CA_CWR, TCP_CA_Recovery, TCP_CA_Loss };

/* --- the per-skb control block (skb->cb) --- */
struct tcp_skb_cb {
    uint32_t seq;              /* first sequence number */
    uint32_t end_seq;          /* seq + SYN + FIN + payload length */
    uint32_t ack_seq;          /* input: the segment's acknowledgment */
    uint8_t tcp_flags;         /* TCPHDR_* */
    uint8_t sacked;            /* TCPCB_* scoreboard bits (write queue) */
    uint16_t tcp_gso_segs;     /* segments this skb becomes on the wire */
    uint16_t tcp_gso_size;     /* MSS it was counted with */
    uint16_t pad;
    uint64_t tx_time_us;       /* when (re)sent last: the RTT sample's start */
    uint32_t tx_tsval;         /* input: copy of the segment's TSval */
    /* write queue, for a route without checksum offload: the partial sum of the first
     * csum_len payload bytes, taken as they were copied in; it stands for the payload
     * only while csum_len == skb->len (anything that cuts the payload invalidates it) */
    uint32_t csum;
    uint32_t csum_len;
};
STATIC_ASSERT(sizeof(struct tcp_skb_cb) <= 48, "tcp_skb_cb fits in skb->cb");
#define TCP_SKB_CB(skb) ((struct tcp_skb_cb *)(void *)&(skb)->cb[0])

#define TCPCB_SACKED_ACKED   0x01
#define TCPCB_SACKED_RETRANS 0x02
#define TCPCB_LOST           0x04
#define TCPCB_TAGBITS        0x07
#define TCPCB_EVER_RETRANS   0x80

static inline unsigned tcp_skb_pcount(const struct sk_buff *skb) { return TCP_SKB_CB(skb)->tcp_gso_segs; }

/* --- congestion control ops (tcp_cong.c) --- */
#define TCP_CA_NAME_MAX 16
#define TCP_CA_PRIV_WORDS 12
enum tcp_ca_event { CA_EVENT_TX_START, CA_EVENT_CWND_RESTART, CA_EVENT_LOSS };
struct tcp_congestion_ops {
    const char *name;
    void (*init)(struct tcp_sock *tp);
    uint32_t (*ssthresh)(struct tcp_sock *tp);                /* after a loss */
    void (*cong_avoid)(struct tcp_sock *tp, uint32_t ack, uint32_t acked);
    void (*set_state)(struct tcp_sock *tp, uint8_t new_state);
    void (*cwnd_event)(struct tcp_sock *tp, enum tcp_ca_event ev);
    void (*pkts_acked)(struct tcp_sock *tp, uint32_t acked, int32_t rtt_us);
    uint32_t (*undo_cwnd)(struct tcp_sock *tp);
};
extern const struct tcp_congestion_ops tcp_reno;
extern const struct tcp_congestion_ops cubictcp;
const struct tcp_congestion_ops *tcp_ca_find(const char *name);
const struct tcp_congestion_ops *tcp_ca_default(void);
int tcp_set_default_congestion_control(const char *name);
void tcp_slow_start(struct tcp_sock *tp, uint32_t *acked);
void tcp_cong_avoid_ai(struct tcp_sock *tp, uint32_t w, uint32_t acked);
/* What every algorithm does first: nothing unless cwnd-limited, then slow start; returns
 * the ACKed segments left for congestion avoidance. */
uint32_t tcp_cong_avoid_prepare(struct tcp_sock *tp, uint32_t acked);
bool tcp_is_cwnd_limited(const struct tcp_sock *tp);
void tcp_init_congestion_control(struct tcp_sock *tp);
void tcp_set_ca_state(struct tcp_sock *tp, uint8_t state);

/* --- the connection --- */
struct tcp_sock {
    struct sock sk;                  /* first: a tcp_sock is a sock */

    struct list_head bind_node;      /* in the bound-ports table */
    bool bound_explicitly;           /* bind() chose the port (not connect's autobind) */

    /* send sequence space (RFC 9293 3.3.1) */
    uint32_t snd_una, snd_nxt, snd_wl1, snd_wnd, max_window;
    uint32_t write_seq;              /* end of the data queued by the app */
    uint32_t pushed_seq;             /* last data pushed with PSH */
    uint32_t snd_sml;                /* end of the last small segment sent (Minshall) */
    uint32_t snd_up;
    uint32_t iss;
    /* receive sequence space */
    uint32_t rcv_nxt, rcv_wup, rcv_wnd, copied_seq, irs;
    uint32_t rcv_ssthresh, window_clamp;
    uint32_t rcv_up;                 /* urgent pointer seen (RFC 6093: data stays inline) */

    /* MSS */
    uint16_t mss_cache;              /* current send MSS, less the options in use */
    uint16_t advmss;                 /* what we announce */
    uint16_t mss_clamp;              /* min(peer's MSS option, TCP_MAXSEG) */
    uint16_t user_mss;               /* TCP_MAXSEG */
    uint32_t pmtu_cookie;            /* the path MTU mss_cache was computed for */
    uint32_t xmit_size_goal;
    uint32_t route_caps;             /* the output device's NETIF_F_* */
    uint16_t gso_max_segs;

    /* options negotiated */
    bool sack_ok, tstamp_ok, wscale_ok;
    uint8_t snd_wscale, rcv_wscale;
    uint32_t ts_recent;              /* peer's last TSval in window */
    uint32_t ts_recent_stamp;        /* seconds when it was recorded (PAWS, RFC 7323 5.5) */
    uint32_t ts_offset;              /* added to our ms clock (RFC 7323 7.1) */
    uint32_t rcv_tsecr;              /* the TSecr of the last segment */

    /* SACK (receiver side): blocks we report, newest first */
    struct tcp_sack_block selective_acks[TCP_NUM_SACKS];
    uint8_t num_sacks;
    struct tcp_sack_block duplicate_sack;   /* RFC 2883 */
    bool dsack;
    struct sk_buff_head out_of_order_queue;  /* sorted by seq */
    uint32_t ofo_bytes;

    /* RTT (RFC 6298, Linux's units: srtt_us = 8*SRTT, mdev_us = 4*MDEV) */
    uint32_t srtt_us, mdev_us, mdev_max_us, rttvar_us, rtt_seq;
    uint32_t min_rtt_us;
    uint32_t rto_ms;

    /* congestion */
    uint32_t snd_cwnd, snd_ssthresh, snd_cwnd_cnt, snd_cwnd_clamp;
    uint32_t prior_cwnd, prior_ssthresh;
    uint32_t high_seq;               /* snd_nxt when recovery began */
    uint32_t packets_out, retrans_out, sacked_out, lost_out;
    uint32_t prr_delivered, prr_out;
    uint32_t reordering;
    uint32_t max_packets_out;        /* for tcp_is_cwnd_limited */
    bool is_cwnd_limited;
    uint8_t ca_state;
    /* undo (Linux's): snd_una when the episode began (0: nothing to undo); undo_retrans:
     * retransmissions of it not yet reported back as duplicates (D-SACK), -1 before the
     * first; all reported, or an ACK echoing a TSval older than retrans_tsval, proves the
     * retransmissions spurious and the window is given back */
    uint32_t undo_marker;
    int undo_retrans;
    uint64_t lsndtime_ms, lrcvtime_ms, last_ack_rcv_ms;
    const struct tcp_congestion_ops *ca_ops;
    uint64_t ca_priv[TCP_CA_PRIV_WORDS];

    /* retransmission and timers (tcp_timer.c) */
    struct timer_list retransmit_timer;   /* RTO, persist (probe0), TLP-less */
    struct timer_list delack_timer;
    struct timer_list keepalive_timer;    /* keepalive, SYN_RECV child, FIN_WAIT2 */
    uint8_t pending;                 /* ICSK_TIME_* the retransmit timer is armed for */
    uint8_t retransmits;             /* RTO expiries of this episode */
    uint8_t backoff;
    uint8_t probes_out;              /* zero-window or keepalive probes unanswered */
    uint64_t retrans_stamp_ms;       /* first retransmission of this episode */
    uint32_t retrans_tsval;          /* the TSval it carried (Eifel, RFC 3522) */
    uint32_t total_retrans;
    uint8_t syn_retries;             /* TCP_SYNCNT, 0 = default */
    uint32_t user_timeout_ms;        /* TCP_USER_TIMEOUT */
    uint32_t keepalive_time_s, keepalive_intvl_s;
    uint8_t keepalive_probes;
    int linger2_ms;                  /* TCP_LINGER2 */

    /* delayed ACK (Linux's icsk_ack) */
    struct {
        uint8_t pending;             /* ICSK_ACK_* */
        uint8_t quick;               /* quick ACKs left */
        bool pingpong;               /* interactive: delay ACKs */
        uint32_t ato_ms;
        uint64_t timeout;            /* jiffies the delack timer is set for */
        uint64_t lrcvtime_ms;
        uint16_t last_seg_size;
        uint16_t rcv_mss;
    } ack;
    uint64_t last_oow_ack_ms;        /* RFC 5961 per-socket rate limit */
    uint32_t rcvq_space_seq;         /* receive buffer autotuning */
    uint32_t rcvq_space_space;
    uint64_t rcvq_space_time_us;

    /* app-facing */
    uint8_t nonagle;                 /* TCP_NAGLE_* */
    bool fin_sent;
    int defer_accept;
    uint32_t notsent_lowat;

    /* page the sender copies into (sk_page_frag) */
    phys_addr_t frag_page;
    uint32_t frag_off;

    /* listeners: the request socks (SYN queue) and the accept queue */
    struct list_head syn_queue;      /* struct request_sock */
    uint32_t syn_qlen;
    struct list_head accept_queue;   /* children (tcp_sock.accept_node) */
    struct list_head accept_node;
    struct tcp_sock *parent;         /* the listener a not-yet-accepted child belongs to */
    uint64_t last_synq_overflow_s;   /* when the SYN queue last overflowed (cookies) */

    /* statistics for TCP_INFO and ss */
    uint64_t bytes_acked, bytes_received, bytes_sent, bytes_retrans;
    uint32_t segs_in, segs_out, data_segs_in, data_segs_out;
    uint32_t rcv_ooopack, dsack_dups;
    uint32_t delivered;
    uint32_t rcv_rtt_us;

    bool dead;                       /* orphaned: the app closed it, TCP finishes alone */
    bool hashed;                     /* in the established table */
};

static inline struct tcp_sock *tcp_sk(const struct sock *sk) { return (struct tcp_sock *)sk; }

/* pending: what the retransmit timer is armed for */
#define ICSK_TIME_RETRANS 1
#define ICSK_TIME_PROBE0  3
/* ack.pending */
#define ICSK_ACK_SCHED  1
#define ICSK_ACK_TIMER  2
#define ICSK_ACK_PUSHED 4
#define ICSK_ACK_NOW    8
/* sk_deferred bits: timer work that found the sock owned */
#define TCP_DEFER_WRITE_TIMER 0x1
#define TCP_DEFER_DELACK      0x2
#define TCP_DEFER_KEEPALIVE   0x4

/* --- the MIB: /proc/net/snmp "Tcp:" and the /proc/net/netstat "TcpExt:" that matter --- */
struct tcp_mib {
    uint64_t ActiveOpens, PassiveOpens, AttemptFails, EstabResets, CurrEstab;
    uint64_t InSegs, OutSegs, RetransSegs, InErrs, OutRsts, InCsumErrors;
    /* TcpExt */
    uint64_t SyncookiesSent, SyncookiesRecv, SyncookiesFailed, EmbryonicRsts, TW, TWRecycled;
    uint64_t PAWSEstab, DelayedACKs, DelayedACKLost, ListenOverflows, ListenDrops;
    uint64_t TCPPureAcks, TCPHPAcks, TCPHPHits, TCPSackRecovery, TCPRenoRecovery;
    uint64_t TCPLossUndo, TCPFastRetrans, TCPSlowStartRetrans, TCPTimeouts;
    uint64_t TCPDSACKOldSent, TCPDSACKOfoSent, TCPDSACKRecv, TCPSACKReneging;
    uint64_t TCPAbortOnData, TCPAbortOnClose, TCPAbortOnMemory, TCPAbortOnTimeout;
    uint64_t TCPAbortOnLinger, TCPBacklogDrop, TCPRcvQDrop, TCPOFOQueue, TCPOFODrop, TCPOFOMerge;
    uint64_t TCPChallengeACK, TCPSYNChallenge, TCPToZeroWindowAdv, TCPFromZeroWindowAdv;
    uint64_t TCPSynRetrans, TCPOrigDataSent, TCPKeepAlive, TCPWantZeroWindowAdv;
    uint64_t TCPFullUndo, TCPDSACKUndo, TCPMemoryPressures, TCPRcvPruned;
    uint64_t TCPACKSkippedPAWS, TCPACKSkippedSeq, TCPACKSkippedChallenge, PAWSActive;
    uint64_t OutOfWindowIcmps, TCPZeroWindowDrop, TCPRetransFail, TCPSackShifted;
    uint64_t TCPAutoCorking, TCPWinProbe, TCPMTUPDiscovery, TCPRenoReorder;
    uint64_t TCPInflightResync;        /* in-flight counters found inconsistent and reset */
    uint64_t InBadHeader, InNoSocket;   /* wirepath detail: reasons folded into InErrs/OutRsts */
};
extern struct tcp_mib tcpstats;
#define TCP_INC_STATS(f) do { unsigned long __f = local_irq_save(); tcpstats.f++; \
                              local_irq_restore(__f); } while (0)
#define TCP_ADD_STATS(f, n) do { unsigned long __f = local_irq_save(); tcpstats.f += (n); \
                              local_irq_restore(__f); } while (0)
/* Print the MIB as `netstat -s` does (Tcp: and TcpExt: sections). */
void tcp_mib_dump(void);
/* One line per TCP socket whose state is in `states` (bit 1 << sk_state) like `ss -tan`
 * (extended: `ss -ti` detail lines). */
void tcp_ss_dump(bool extended, unsigned states);

/* --- global settings (command line tcp.*=) --- */
struct tcp_sysctl {
    bool sack, timestamps, window_scaling, syncookies;
    int challenge_ack_limit;         /* per second, host-wide */
    long mem[3];                     /* pages: min, pressure, max */
    int rmem_max, wmem_max;          /* autotuning ceilings */
};
extern struct tcp_sysctl sysctl_tcp;
extern struct proto tcp_prot;

/* --- tcp.c --- */
int tcp_init(void);                             /* registers TCP (boot; tests) */
void tcp_set_state(struct sock *sk, int state);
void tcp_done(struct sock *sk);                 /* to CLOSE; frees an orphan */
long tcp_sendmsg(struct sock *sk, struct kmsg *m, size_t len);
long tcp_recvmsg(struct sock *sk, struct kmsg *m, size_t len, int flags);
unsigned tcp_poll(struct sock *sk);
void tcp_close(struct sock *sk);
void tcp_cleanup_rbuf(struct sock *sk, int copied);
int tcp_disconnect(struct sock *sk, int flags);
void tcp_init_sock_defaults(struct sock *sk);
/* struct tcp_info (Linux 6.1 layout, 232 bytes) */
void tcp_get_info(struct sock *sk, uint8_t *info);
#define TCP_INFO_LEN 232
void tcp_sk_free(struct sock *sk);             /* last step of a sock's life in TCP */
void sk_stream_write_space(struct sock *sk);
int tcp_stream_wspace(const struct sock *sk);
int tcp_stream_min_wspace(const struct sock *sk);
bool tcp_stream_memory_free(const struct sock *sk);

/* --- tcp_output.c --- */
int tcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone_it);
bool tcp_write_xmit(struct sock *sk, unsigned mss_now, int nonagle, int push_one);
void __tcp_push_pending_frames(struct sock *sk, unsigned cur_mss, int nonagle);
void tcp_push_one(struct sock *sk, unsigned mss_now);
void tcp_push(struct sock *sk, int flags, unsigned mss_now, int nonagle, unsigned size_goal);
unsigned tcp_current_mss(struct sock *sk);
unsigned tcp_send_mss(struct sock *sk, unsigned *size_goal, int flags);
unsigned tcp_sync_mss(struct sock *sk, uint32_t pmtu);
unsigned tcp_mtu_to_mss(struct sock *sk, unsigned pmtu);
void tcp_select_initial_window(struct sock *sk, unsigned space, unsigned mss,
                               uint32_t *rcv_wnd, uint32_t *window_clamp,
                               bool wscale_ok, uint8_t *rcv_wscale);
uint16_t tcp_select_window(struct sock *sk);
uint32_t tcp_receive_window(const struct tcp_sock *tp);
int tcp_connect(struct sock *sk);
void tcp_send_ack(struct sock *sk);
void tcp_send_delayed_ack(struct sock *sk);
void tcp_send_fin(struct sock *sk);
void tcp_send_active_reset(struct sock *sk);
int tcp_send_synack(struct sock *sk);
int tcp_retransmit_skb(struct sock *sk, struct sk_buff *skb, int segs);
void tcp_xmit_retransmit_queue(struct sock *sk);
int tcp_fragment(struct sock *sk, struct sk_buff *skb, uint32_t len, unsigned mss_now);
void tcp_send_probe0(struct sock *sk);
int tcp_write_wakeup(struct sock *sk);
void tcp_set_skb_tso_segs(struct sk_buff *skb, unsigned mss_now);
/* A write-queue skb with headroom for every header and room for `room` payload bytes
 * in its linear area (0: the payload goes to page fragments). */
struct sk_buff *tcp_stream_alloc_skb(struct sock *sk, unsigned room, bool force);
/* Drop len acknowledged bytes from the head of a write-queue skb, uncharging what they
 * held. */
void tcp_trim_head(struct sock *sk, struct sk_buff *skb, uint32_t len);
/* No payload sum in the control block any more (the payload was cut). */
static inline void tcp_skb_csum_invalidate(struct sk_buff *skb)
{
    TCP_SKB_CB(skb)->csum_len = UINT32_MAX;
}
void tcp_skb_free_wq(struct sock *sk, struct sk_buff *skb);   /* off the write queue, uncharged */
uint32_t tcp_time_stamp_ms(void);
uint64_t tcp_clock_us(void);
void tcp_mstamp_refresh(struct tcp_sock *tp);
bool tcp_nagle_test(const struct tcp_sock *tp, const struct sk_buff *skb,
                    unsigned cur_mss, int nonagle);
void tcp_send_window_probe(struct sock *sk);
void tcp_send_challenge_ack(struct sock *sk);
void tcp_check_space(struct sock *sk);

static inline struct sk_buff *tcp_send_head(const struct sock *sk) { return sk->sk_send_head; }
static inline struct sk_buff *tcp_write_queue_head(const struct sock *sk) { return skb_peek(&sk->sk_write_queue); }
static inline struct sk_buff *tcp_write_queue_tail(const struct sock *sk)
{
    return skb_queue_empty(&sk->sk_write_queue) ? NULL : sk->sk_write_queue.prev;
}
static inline struct sk_buff *tcp_write_queue_next(const struct sock *sk, const struct sk_buff *skb)
{
    return skb->next == (const struct sk_buff *)&sk->sk_write_queue ? NULL : skb->next;
}
static inline bool tcp_skb_is_last(const struct sock *sk, const struct sk_buff *skb)
{
    return skb->next == (const struct sk_buff *)&sk->sk_write_queue;
}
static inline uint32_t tcp_packets_in_flight(const struct tcp_sock *tp)
{
    return tp->packets_out - (tp->sacked_out + tp->lost_out) + tp->retrans_out;
}
static inline uint32_t tcp_wnd_end(const struct tcp_sock *tp) { return tp->snd_una + tp->snd_wnd; }
static inline bool tcp_in_slow_start(const struct tcp_sock *tp) { return tp->snd_cwnd < tp->snd_ssthresh; }
static inline uint32_t tcp_rto_jiffies(const struct tcp_sock *tp) { return (uint32_t)msecs_to_jiffies(tp->rto_ms); }

/* --- tcp_input.c --- */
int tcp_rcv_established(struct sock *sk, struct sk_buff *skb);
int tcp_rcv_state_process(struct sock *sk, struct sk_buff *skb);
void tcp_fin(struct sock *sk);
void tcp_reset(struct sock *sk);
void tcp_init_transfer(struct sock *sk);
void tcp_rtt_estimator(struct tcp_sock *tp, long mrtt_us);
void tcp_set_rto(struct tcp_sock *tp);
void tcp_enter_loss(struct sock *sk);
void tcp_enter_quickack_mode(struct tcp_sock *tp, unsigned max_quickacks);
void tcp_init_buffer_space(struct sock *sk);
void tcp_rcv_space_adjust(struct sock *sk);
bool tcp_paws_check(const struct tcp_sock *tp, uint32_t tsval, int paws_win);
int tcp_prune_queue(struct sock *sk);
void tcp_rearm_rto(struct sock *sk);

/* --- tcp_ipv4.c --- */
int tcp_v4_rcv(struct sk_buff *skb);
int tcp_v4_do_rcv(struct sock *sk, struct sk_buff *skb);
int tcp_v4_connect(struct sock *sk, const struct sockaddr_in *addr);
void tcp_v4_send_reset(const struct sock *sk, const struct sk_buff *skb);
/* Answer a segment on behalf of a sock-less state (TIME_WAIT, request socks, cookies). */
void tcp_v4_send_ack_raw(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
                         uint32_t seq, uint32_t ack, uint16_t win, uint32_t tsval,
                         uint32_t tsecr, bool ts, uint8_t tos);
void tcp_v4_err(struct sk_buff *skb, const struct iphdr *quoted, uint8_t type, uint8_t code,
                uint32_t info);
int tcp_v4_get_port(struct sock *sk, uint16_t port);
void tcp_hash(struct sock *sk);
void tcp_unhash(struct sock *sk);
void tcp_listen_hash(struct sock *sk);
void tcp_put_port(struct sock *sk);
/* A child of a handshake holds the listener's port too. */
void tcp_bind_inherit(struct sock *child, struct sock *parent);
uint32_t secure_tcp_seq(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport);
uint32_t secure_tcp_ts_off(uint32_t saddr, uint32_t daddr);
uint64_t tcp_secret_hash(uint32_t a, uint32_t b, uint32_t c, uint32_t d, int key);
struct sock *tcp_lookup_established(uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport);
/* Iterate every TCP sock (established table, listeners) for dumps. */
void tcp_for_each_sock(void (*fn)(struct sock *sk, void *arg), void *arg);

/* --- tcp_minisocks.c --- */
struct request_sock {
    struct list_head node;           /* in the listener's syn_queue */
    uint32_t loc_addr, rmt_addr;     /* network order */
    uint16_t loc_port, rmt_port;     /* network order */
    uint32_t rcv_isn, snt_isn;
    uint16_t mss;                    /* the MSS we announce */
    uint16_t peer_mss;               /* the peer's MSS option (or 536): the child's clamp */
    uint8_t snd_wscale, rcv_wscale;
    bool sack_ok, tstamp_ok, wscale_ok;
    uint32_t ts_recent, ts_off;
    uint32_t rcv_wnd, window_clamp;
    uint8_t num_retrans;
    uint64_t expires;                /* jiffies of the next SYN-ACK retransmission */
    uint64_t snt_synack_us;          /* for the handshake's RTT sample */
    uint8_t tos, ttl;
};
struct tcp_timewait_sock {
    struct list_head hash_node;      /* TIME_WAIT table */
    struct list_head death_node;     /* FIFO of expiries (every entry lives 60 s) */
    uint32_t saddr, daddr;           /* local, remote (network order) */
    uint16_t sport, dport;
    uint32_t snd_nxt, rcv_nxt, rcv_wnd;
    uint8_t rcv_wscale;
    bool tstamp_ok;
    uint32_t ts_recent, ts_recent_stamp, ts_offset;
    int substate;                    /* TCP_TIME_WAIT or TCP_FIN_WAIT2 */
    uint64_t expires;                /* jiffies */
};
enum tcp_tw_status { TCP_TW_SUCCESS, TCP_TW_RST, TCP_TW_ACK, TCP_TW_SYN };
void tcp_time_wait(struct sock *sk, int state, uint32_t timeo_ms);
enum tcp_tw_status tcp_timewait_state_process(struct tcp_timewait_sock *tw, struct sk_buff *skb,
                                              const struct tcphdr *th);
struct tcp_timewait_sock *tcp_tw_lookup(uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport);
void tcp_tw_kill(struct tcp_timewait_sock *tw);
int tcp_tw_count(void);
void tcp_tw_flush(void);
/* A SYN for a listener: make a request sock (or a cookie) and send the SYN-ACK. */
int tcp_conn_request(struct sock *sk, struct sk_buff *skb);
/* An ACK for a listener: finish a handshake; returns the child (hashed, queued for
 * accept), NULL when the segment was handled (dropped or answered). */
struct sock *tcp_check_req(struct sock *sk, struct sk_buff *skb, bool *consumed);
struct sock *tcp_create_openreq_child(struct sock *sk, const struct request_sock *req,
                                      const struct sk_buff *skb);
void reqsk_free_all(struct sock *listener);
void inet_csk_listen_stop(struct sock *sk);
int tcp_synack_send(struct sock *listener, struct request_sock *req);
void tcp_synq_timer_arm(struct sock *listener);
void tcp_synq_timer_run(struct sock *listener);

/* --- syncookies.c --- */
uint32_t cookie_v4_init_sequence(uint32_t saddr, uint32_t daddr, uint16_t sport,
                                 uint16_t dport, uint32_t isn, uint16_t *mssp);
/* 0 when the ACK does not carry a valid cookie, else the MSS it encodes. */
uint16_t cookie_v4_check(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
                         uint32_t seq, uint32_t ack);
uint32_t cookie_timestamp_encode(uint32_t ts_now, const struct tcp_options *o, bool sack);
bool cookie_timestamp_decode(uint32_t tsecr, bool *sack, bool *wscale, uint8_t *snd_wscale);

/* --- inet_connection_sock.c --- */
int inet_csk_listen_start(struct sock *sk, int backlog);
struct sock *inet_csk_accept(struct sock *sk, int flags, int *err);
uint32_t __tcp_select_window_pub(struct sock *sk);
int tcp_socks_count(void);

/* --- tcp_timer.c --- */
void tcp_init_xmit_timers(struct sock *sk);
void tcp_clear_xmit_timers(struct sock *sk);
void tcp_reset_xmit_timer(struct sock *sk, int what, uint32_t when_ms);
void tcp_clear_xmit_timer(struct sock *sk, int what);
void tcp_reset_keepalive_timer(struct sock *sk, uint32_t when_ms);
void tcp_write_timer_handler(struct sock *sk);
void tcp_delack_timer_handler(struct sock *sk);
void tcp_keepalive_timer_handler(struct sock *sk);
void tcp_retransmit_timer(struct sock *sk);
bool retransmits_timed_out(struct sock *sk, unsigned boundary, uint32_t timeout_ms);
void tcp_release_cb(struct sock *sk);
uint32_t tcp_probe0_when(const struct sock *sk, uint32_t max_ms);
void tcp_check_probe_timer(struct sock *sk);

/* Software segmentation of a TCP/IPv4 GSO packet (tcp_offload.c; net/core/gso.h): the
 * segments with their TCP headers fixed, or NULL. */
struct sk_buff *tcp4_gso_segment(struct sk_buff *skb, uint32_t features);
/* Receive coalescing of TCP/IPv4 (tcp_offload.c; net/core/gro.h): a gro_verdict for skb
 * (data at its option-less IPv4 header, checksums verified); and the GSO fields of a
 * joined packet. */
int tcp4_gro_receive(struct sk_buff **held, unsigned n, struct sk_buff *skb, int *slot);
void tcp4_gro_complete(struct sk_buff *skb);

#endif
