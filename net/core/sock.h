/* net/core/sock.h - the protocol-side socket (struct sock) and the protocol ops table
 * (struct proto: tcp_prot, udp_prot). struct socket (net/socket.h) is the file-facing
 * half; sock->sk points here and sk->sk_socket points back. */
#ifndef WP_SOCK_H
#define WP_SOCK_H

#include "kernel/compiler.h"
#include "kernel/list.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "net/core/skbuff.h"
#include "net/socket.h"

struct rtable;

/* Conventions between the socket layer (net/ipv4/af_inet.c) and a protocol:
 * - init: right after sk_alloc, before the sock is visible; nonzero fails socket().
 * - close: from inet_release when the fd is closed: unhash, drop routes and timers.
 *   It does not free the sock: inet_release calls sk_free afterwards (a protocol that
 *   must outlive the fd, TCP in FIN_WAIT, takes its own sock_hold).
 * - get_port(sk, 0): pick a free ephemeral port; get_port(sk, p): take port p. On
 *   success it sets inet_num (host order) and inet_sport (network order) and returns 0;
 *   else -EADDRINUSE (or -EAGAIN when the ephemeral range is exhausted).
 * - bind: optional; inet_bind validates the address and calls get_port itself.
 * - connect (datagram): sets inet_daddr/inet_dport, picks inet_saddr when unbound,
 *   sk_state = TCP_ESTABLISHED; disconnect undoes it (sk_state = TCP_CLOSE).
 *   inet_dgram_connect has autobound the sock and checked the family already.
 * - sendmsg on a datagram sock gets a checked message (af_inet.c): len <= 65535,
 *   no MSG_OOB, has_name => sin_family AF_INET and sin_port != 0, !has_name => the
 *   sock is connected; the sock is bound (inet_num != 0).
 * - sendmsg/recvmsg: return bytes or -errno; recvmsg fills m->name (has_name) and sets
 *   MSG_TRUNC in m->flags when the datagram was longer than len. flags carry
 *   MSG_DONTWAIT when the file is O_NONBLOCK. Waiting uses sk_wq with the helpers below
 *   (skb_recv_datagram, sock_alloc_send_skb, sk_wait_event) so timeouts are honoured.
 * - poll: POLL* bits for the sock; NULL means the generic datagram rule (readable when
 *   the receive queue is not empty, writable by sock_writeable). */
struct proto {
    const char *name;
    size_t obj_size;                      /* sizeof the protocol's sock (udp_sock, tcp_sock) */
    int (*init)(struct sock *sk);
    void (*close)(struct sock *sk);
    int (*connect)(struct sock *sk, const struct sockaddr_in *addr);
    int (*disconnect)(struct sock *sk, int flags);
    struct sock *(*accept)(struct sock *sk, int flags, int *err);
    int (*bind)(struct sock *sk, const struct sockaddr_in *addr);
    int (*listen)(struct sock *sk, int backlog);
    int (*shutdown)(struct sock *sk, int how);
    int (*setsockopt)(struct sock *sk, int level, int name, const void *val, socklen_t len);
    int (*getsockopt)(struct sock *sk, int level, int name, void *val, socklen_t *len);
    long (*sendmsg)(struct sock *sk, struct kmsg *m, size_t len);                   /* station 3->4 */
    long (*recvmsg)(struct sock *sk, struct kmsg *m, size_t len, int flags);
    unsigned (*poll)(struct sock *sk);
    int (*get_port)(struct sock *sk, uint16_t port);   /* 0 = pick an ephemeral port */
    void (*unhash)(struct sock *sk);
    bool no_autobind;             /* TCP: sendmsg on an unbound sock does not pick a port */
    /* Ownership (see lock_sock below): a segment that arrived while a task owned the sock
     * is handed to backlog_rcv at release_sock; release_cb then runs the work that timers
     * deferred (sk_deferred bits). */
    int (*backlog_rcv)(struct sock *sk, struct sk_buff *skb);
    void (*release_cb)(struct sock *sk);
    /* Memory accounting (sk_mem_schedule): the protocol's pages in use, its limits
     * {min, pressure, max} in pages, and its pressure flag. NULL: not accounted. */
    long *memory_allocated;
    const long *sysctl_mem;
    bool *memory_pressure;
    /* close() takes over the socket layer's reference (TCP: the connection outlives the
     * descriptor); inet_release then does not free the sock itself. */
    bool close_releases;
    /* Called once when the last reference goes, before the memory is freed. */
    void (*destroy)(struct sock *sk);
    /* A sent skb was freed by the driver (sock_wfree): wake writers if that made room by
     * the protocol's own rule. NULL: the datagram rule (sock_writeable). TCP's room comes
     * from ACKs, not TX completions, so its writers are not woken here (Linux's TCP
     * does not use sock_wfree either). */
    void (*write_space)(struct sock *sk);
};

struct sock {
    /* identity (inet_sock fields, network order like Linux) */
    uint32_t inet_saddr;          /* bound/source address */
    uint32_t inet_daddr;          /* connected peer */
    uint16_t inet_sport;          /* local port */
    uint16_t inet_dport;          /* peer port */
    uint16_t inet_num;            /* local port, host order (0 = unbound) */
    uint8_t sk_family, sk_type, sk_protocol;
    int sk_state;                 /* TCP states, or TCP_ESTABLISHED/TCP_CLOSE for connected UDP */
    uint8_t sk_shutdown;          /* RCV_SHUTDOWN | SEND_SHUTDOWN */
    bool sk_reuse;
    bool sk_broadcast;            /* SO_BROADCAST: may send to broadcast addresses */
    uint8_t ip_ttl, ip_tos;
    uint32_t sk_priority;         /* SO_PRIORITY, or rt_tos2priority(IP_TOS): skb->priority */
    bool pmtudisc_do;             /* set DF (default on for TCP, off for UDP like Linux's 'want') */

    int sk_err;                   /* pending error reported once (SO_ERROR, next call) */
    int sk_err_soft;
    int sk_sndbuf, sk_rcvbuf;     /* limits in bytes (truesize) */
    int sk_wmem_queued;           /* bytes on the write queue */
    int sk_wmem_alloc;            /* bytes of skbs sent and not yet freed by the driver */
    int sk_rmem_alloc;            /* bytes on the receive queue */
    uint64_t sk_rcvtimeo, sk_sndtimeo;   /* ns; 0 = forever */
    bool nonblock;

    struct sk_buff_head sk_receive_queue;
    struct sk_buff_head sk_write_queue;
    struct sk_buff *sk_send_head; /* first skb on the write queue not yet sent (TCP) */
    struct wait_queue_head sk_wq; /* readers and writers sleep here */

    struct rtable *sk_dst_cache;  /* cached route (station 7), dropped when the table changes */
    uint32_t sk_dst_gen;          /* routing table generation it was cached under */

    struct proto *sk_prot;
    struct socket *sk_socket;
    struct list_head sk_node;     /* in the protocol's lookup table */

    uint64_t sk_drops;            /* receive-queue overflows */

    /* Ownership: true while a task is inside the protocol (lock_sock..release_sock). */
    bool sk_owned;
    struct sk_buff_head sk_backlog;   /* segments that arrived meanwhile, in order */
    int sk_backlog_len;               /* their truesize */
    unsigned long sk_deferred;        /* protocol work postponed while owned */
    /* Forward allocation: bytes charged to proto->memory_allocated but not yet used by
     * a queued skb (Linux's sk_forward_alloc); returned in whole pages. */
    int sk_forward_alloc;
    uint8_t sk_userlocks;             /* SOCK_SNDBUF_LOCK | SOCK_RCVBUF_LOCK: set by the app */
    bool sk_keepalive;                /* SO_KEEPALIVE */
    bool sk_linger;                   /* SO_LINGER on */
    int sk_lingertime;                /* seconds */
    uint32_t sk_ack_backlog, sk_max_ack_backlog;   /* listeners: accept queue */

    /* Lifetime: the socket layer holds one reference, every skb charged to sk_wmem_alloc
     * holds another (the driver may free a sent skb after close). Freed at zero. */
    int sk_refcnt;
};

#define SOCK_SNDBUF_LOCK 1
#define SOCK_RCVBUF_LOCK 2

#define RCV_SHUTDOWN  1
#define SEND_SHUTDOWN 2

/* Defaults and limits, Linux's values (net.core.wmem_default/rmem_default/_max). */
#define SK_WMEM_DEFAULT 212992
#define SK_RMEM_DEFAULT 212992
#define SK_WMEM_MAX     212992
#define SK_RMEM_MAX     212992
#define SOCK_MIN_SNDBUF 4608
#define SOCK_MIN_RCVBUF 2304
#define IP_DEFAULT_TTL  64

/* Allocate a sock of prot->obj_size bytes (at least sizeof(struct sock); the protocol's
 * sock embeds struct sock first), zeroed and initialised with defaults: buffers as above,
 * TTL 64, state TCP_CLOSE, empty queues, one reference. NULL when out of memory. */
struct sock *sk_alloc(int family, struct proto *prot);
/* Drop the owner's reference: purges both queues now; the memory goes when the last
 * skb charged to the socket is freed. */
void sk_free(struct sock *sk);
void sock_hold(struct sock *sk);
void sock_put(struct sock *sk);
/* Run and clear an skb's destructor (uncharging its owner) before it changes hands. */
void skb_orphan(struct sk_buff *skb);
/* Bytes of send buffer still free (sk_sndbuf - sk_wmem_alloc - sk_wmem_queued, >= 0). */
int sock_wspace(const struct sock *sk);
/* "Writable", the one definition (Linux's sock_writeable): less than half the send
 * buffer is in flight. poll reports POLLOUT by it, and a freed skb wakes the writers
 * only once it holds again, so a writer blocked on a full buffer wakes once per half
 * buffer drained, not once per packet. (sock_alloc_send_skb still allocates while
 * anything is left below sk_sndbuf.) */
static inline bool sock_writeable(const struct sock *sk)
{
    return READ_ONCE(sk->sk_wmem_alloc) < (READ_ONCE(sk->sk_sndbuf) >> 1);
}
/* Charge an outgoing skb to the socket's write memory; freed (uncharged) by its destructor
 * when the driver releases it. */
void skb_set_owner_w(struct sk_buff *skb, struct sock *sk);
/* Queue a received skb (charged to rmem) and wake readers; -ENOBUFS when over sk_rcvbuf. */
int sock_queue_rcv_skb(struct sock *sk, struct sk_buff *skb);
/* Wake everyone sleeping on the socket (data, space, error, state change). */
void sk_wake(struct sock *sk);
/* Report an asynchronous error (ICMP unreachable): sets sk_err and wakes. sk_err holds a
 * positive errno as in Linux; err may be given as ECONNREFUSED or -ECONNREFUSED. */
void sk_error_report(struct sock *sk, int err);
/* Take and clear the pending error: -errno, or 0 when none. */
int sock_error(struct sock *sk);

/* --- ownership (Linux's socket lock, for one CPU) ---
 * Softirqs run at every interrupt exit, so a segment or a timer can arrive while a task is
 * in the middle of tcp_sendmsg. The rule: task-context code that touches protocol state
 * brackets it with lock_sock/release_sock. While the sock is owned, the receive path
 * (softirq) does not process a segment but appends it to sk_backlog (sk_add_backlog,
 * bounded by sk_rcvbuf + sk_sndbuf + 64 KiB: beyond that it is dropped and counted), and a timer
 * that fires sets a bit in sk_deferred and re-arms nothing. release_sock hands the backlog
 * to proto->backlog_rcv in arrival order (segments arriving meanwhile join the backlog
 * and are processed in the same call), then calls proto->release_cb for the deferred
 * bits, and only then clears sk_owned. Softirq code checks sock_owned_by_user() before
 * touching state. A task that sleeps releases the sock first (sk_wait_locked). */
void lock_sock(struct sock *sk);
void release_sock(struct sock *sk);
static inline bool sock_owned_by_user(const struct sock *sk) { return READ_ONCE(sk->sk_owned); }
/* Softirq side: queue skb for the owner. 0, or -ENOBUFS when the backlog is full (the
 * caller frees the skb and counts the drop). */
int sk_add_backlog(struct sock *sk, struct sk_buff *skb);
/* Sleep on sk_wq until cond(sk) holds, sk_err is set, the app is killed, or *timeo_ns
 * (0 = forever) runs out; the remaining time is written back. 0 when cond held, -EAGAIN
 * on timeout, -EINTR when killed, else the pending error (cleared unless
 * SK_WAIT_KEEP_ERR). With SK_WAIT_OWNED the caller owns the sock: it is released while
 * asleep and owned again on return. One implementation (net/core/stream.c). */
#define SK_WAIT_OWNED    1u
#define SK_WAIT_KEEP_ERR 2u
int sk_wait(struct sock *sk, uint64_t *timeo_ns, bool (*cond)(struct sock *sk), unsigned flags);
static inline int sk_wait_locked(struct sock *sk, uint64_t *timeo_ns,
                                 bool (*cond)(struct sock *sk), bool keep_err)
{
    return sk_wait(sk, timeo_ns, cond, SK_WAIT_OWNED | (keep_err ? SK_WAIT_KEEP_ERR : 0));
}

/* --- memory accounting (Linux's sk_forward_alloc scheme) ---
 * A protocol with proto->memory_allocated charges every queued skb's truesize to its
 * sock: sk_mem_schedule takes whole pages from the protocol-wide pool into
 * sk_forward_alloc (refused above sysctl_mem[2]; between [1] and [2] the protocol is
 * under pressure and a sock above its fair share is refused), sk_mem_charge and
 * sk_mem_uncharge move bytes between forward_alloc and the queues, sk_mem_reclaim returns
 * whole unused pages. Refusal is never a drop of data already accepted: the sender
 * waits (back-pressure), the receiver shrinks its window. */
#define SK_MEM_QUANTUM 4096
bool sk_mem_schedule(struct sock *sk, int size, bool rx);
static inline void sk_mem_charge(struct sock *sk, int size) { sk->sk_forward_alloc -= size; }
static inline void sk_mem_uncharge(struct sock *sk, int size) { sk->sk_forward_alloc += size; }
void sk_mem_reclaim(struct sock *sk);
bool sk_under_memory_pressure(const struct sock *sk);

/* --- datagram helpers (net/core/datagram.c) for protocols' sendmsg/recvmsg --- */
/* Take the next skb off sk_receive_queue, sleeping on sk_wq while it is empty: honours
 * MSG_DONTWAIT (-EAGAIN), sk_rcvtimeo (-EAGAIN when it runs out, as Linux), a pending
 * sk_err (returned and cleared first, so a connected UDP socket sees ECONNREFUSED), and
 * RCV_SHUTDOWN (NULL with *err = 0: end of file; but -EAGAIN with MSG_DONTWAIT).
 * MSG_PEEK leaves the skb queued and returns it with an extra reference. Free the result
 * with consume_skb. */
struct sk_buff *skb_recv_datagram(struct sock *sk, int flags, int *err);
/* Copy len bytes of the skb's data (linear and paged) starting at offset to the message
 * (user memory through the uaccess helpers). 0 or -EFAULT. */
int skb_copy_datagram_msg(const struct sk_buff *skb, unsigned offset, struct kmsg *m,
                          unsigned len);
/* Allocate an skb of size bytes of linear room charged to the socket's send buffer,
 * sleeping on sk_wq while sk_wmem_alloc >= sk_sndbuf: honours noblock (-EAGAIN),
 * sk_sndtimeo (-EAGAIN), sk_err and SEND_SHUTDOWN (-EPIPE). -ENOBUFS when memory is out. */
struct sk_buff *sock_alloc_send_skb(struct sock *sk, unsigned size, bool noblock, int *err);
/* sk_wait for a sock the caller does not own (datagram protocols). */
static inline int sk_wait_event(struct sock *sk, uint64_t *timeo_ns, bool (*cond)(struct sock *sk))
{
    return sk_wait(sk, timeo_ns, cond, 0);
}

struct sock_stats {
    uint64_t socks_alive;        /* allocated and not yet freed */
    uint64_t rcv_queued, rcv_drops, wmem_charged, wmem_uncharged;
    uint64_t write_space_wakeups;   /* freed skbs that woke writers (half the buffer free) */
};
void sock_get_stats(struct sock_stats *s);

/* TCP state numbers are Linux's (ss shows the same values). */
enum {
    TCP_ESTABLISHED = 1, TCP_SYN_SENT, TCP_SYN_RECV, TCP_FIN_WAIT1, TCP_FIN_WAIT2,
    TCP_TIME_WAIT, TCP_CLOSE, TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_LISTEN, TCP_CLOSING,
};

#endif
