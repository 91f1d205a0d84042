/* net/core/sock.c - the protocol-independent half of struct sock: allocation with Linux's
 * defaults, reference counting, send/receive memory accounting and wake-ups.
 *
 * Memory accounting follows Linux: an skb handed down the stack by a socket is charged
 * (truesize) to sk_wmem_alloc until the driver frees it, and its destructor uncharges it
 * and wakes writers waiting for buffer space; a received skb queued on the socket is
 * charged to sk_rmem_alloc until the reader frees it. Each charged send skb also holds a
 * reference, so a socket closed while its last datagrams sit in the NIC ring lives until
 * the TX completion frees them.
 *
 * Single CPU: interrupt masking protects the counters, since destructors run from the
 * NET_RX softirq (TX completion) while tasks charge and queue. */
#include "net/core/sock.h"
#include "kernel/arch/x86.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"

static struct sock_stats stats;

struct sock *sk_alloc(int family, struct proto *prot)
{
    size_t size = prot && prot->obj_size > sizeof(struct sock) ? prot->obj_size
                                                                : sizeof(struct sock);
    struct sock *sk = kzalloc(size);
    if (!sk)
        return NULL;
    sk->sk_family = (uint8_t)family;
    sk->sk_prot = prot;
    sk->sk_state = TCP_CLOSE;
    sk->sk_sndbuf = SK_WMEM_DEFAULT;
    sk->sk_rcvbuf = SK_RMEM_DEFAULT;
    sk->ip_ttl = IP_DEFAULT_TTL;
    skb_queue_head_init(&sk->sk_receive_queue);
    skb_queue_head_init(&sk->sk_write_queue);
    skb_queue_head_init(&sk->sk_backlog);
    init_waitqueue_head(&sk->sk_wq);
    INIT_LIST_HEAD(&sk->sk_node);
    sk->sk_refcnt = 1;
    unsigned long f = local_irq_save();
    stats.socks_alive++;
    local_irq_restore(f);
    return sk;
}

void sock_hold(struct sock *sk)
{
    unsigned long f = local_irq_save();
    sk->sk_refcnt++;
    local_irq_restore(f);
}

void sock_put(struct sock *sk)
{
    unsigned long f = local_irq_save();
    bool last = --sk->sk_refcnt == 0;
    if (last)
        stats.socks_alive--;
    local_irq_restore(f);
    if (!last)
        return;
    if (sk->sk_prot && sk->sk_prot->destroy)
        sk->sk_prot->destroy(sk);
    /* Nobody may still be queued on a socket whose last reference is gone. */
    if (WARN_ON(sk->sk_rmem_alloc || sk->sk_wmem_alloc))
        pr_warn("sock: freed with rmem %d wmem %d still charged\n",
                sk->sk_rmem_alloc, sk->sk_wmem_alloc);
    kfree(sk);
}

void sk_free(struct sock *sk)
{
    if (!sk)
        return;
    /* The queued skbs are charged to us; their destructors run here, while we live. */
    skb_queue_purge(&sk->sk_receive_queue);
    skb_queue_purge(&sk->sk_write_queue);
    skb_queue_purge(&sk->sk_backlog);
    sk->sk_send_head = NULL;
    sk->sk_socket = NULL;
    wake_up(&sk->sk_wq);
    sock_put(sk);
}

void skb_orphan(struct sk_buff *skb)
{
    if (skb->destructor) {
        void (*d)(struct sk_buff *) = skb->destructor;
        skb->destructor = NULL;
        d(skb);
    }
    skb->sk = NULL;
}

int sock_wspace(const struct sock *sk)
{
    int free = sk->sk_sndbuf - sk->sk_wmem_alloc - sk->sk_wmem_queued;
    return free > 0 ? free : 0;
}

void sk_wake(struct sock *sk)
{
    wake_up(&sk->sk_wq);
    if (sk->sk_socket)
        wake_up(&sk->sk_socket->wq);
}

/* Destructor of a sent skb: the driver (or whoever drops it) gives the memory back. */
static void sock_wfree(struct sk_buff *skb)
{
    struct sock *sk = skb->sk;
    unsigned long f = local_irq_save();
    sk->sk_wmem_alloc -= (int)skb->truesize;
    stats.wmem_uncharged += skb->truesize;
    local_irq_restore(f);
    skb->sk = NULL;
    /* writers blocked on a full send buffer: once half of it is free (sk_write_space) */
    if (sk->sk_prot && sk->sk_prot->write_space) {
        sk->sk_prot->write_space(sk);
    } else if (sock_writeable(sk)) {
        stats.write_space_wakeups++;
        sk_wake(sk);
    }
    sock_put(sk);
}

void skb_set_owner_w(struct sk_buff *skb, struct sock *sk)
{
    skb_orphan(skb);
    sock_hold(sk);
    skb->sk = sk;
    skb->destructor = sock_wfree;
    unsigned long f = local_irq_save();
    sk->sk_wmem_alloc += (int)skb->truesize;
    stats.wmem_charged += skb->truesize;
    local_irq_restore(f);
}

/* Destructor of a received skb: the reader consumed (or the socket purged) it. */
static void sock_rfree(struct sk_buff *skb)
{
    struct sock *sk = skb->sk;
    unsigned long f = local_irq_save();
    sk->sk_rmem_alloc -= (int)skb->truesize;
    local_irq_restore(f);
    skb->sk = NULL;
}

int sock_queue_rcv_skb(struct sock *sk, struct sk_buff *skb)
{
    unsigned long f = local_irq_save();
    /* Over the limit once this one is charged: dropped, except that an empty queue
     * always takes one datagram, so a buffer set smaller than a single datagram does not
     * make the socket deaf (Linux's UDP makes the same exception). */
    if (sk->sk_shutdown & RCV_SHUTDOWN ||
        (sk->sk_rmem_alloc > 0 &&
         (int64_t)sk->sk_rmem_alloc + skb->truesize > (int64_t)sk->sk_rcvbuf)) {
        sk->sk_drops++;
        stats.rcv_drops++;
        local_irq_restore(f);
        return -ENOBUFS;
    }
    local_irq_restore(f);
    skb_orphan(skb);
    skb->sk = sk;
    skb->destructor = sock_rfree;
    f = local_irq_save();
    sk->sk_rmem_alloc += (int)skb->truesize;
    skb_queue_tail(&sk->sk_receive_queue, skb);
    stats.rcv_queued++;
    local_irq_restore(f);
    sk_wake(sk);
    return 0;
}

void sk_error_report(struct sock *sk, int err)
{
    sk->sk_err = err < 0 ? -err : err;
    sk_wake(sk);
}

int sock_error(struct sock *sk)
{
    unsigned long f = local_irq_save();
    int err = sk->sk_err;
    sk->sk_err = 0;
    local_irq_restore(f);
    return -err;
}

void sock_get_stats(struct sock_stats *s)
{
    unsigned long f = local_irq_save();
    *s = stats;
    local_irq_restore(f);
}

/* --- ownership --- */

void lock_sock(struct sock *sk)
{
    /* One CPU and a cooperative scheduler: no other task runs while we hold it unless we
     * sleep, and sleepers release first. Owned twice is a bug in the caller. */
    WARN_ON(sk->sk_owned);
    WRITE_ONCE(sk->sk_owned, true);
}

void release_sock(struct sock *sk)
{
    for (;;) {
        unsigned long f = local_irq_save();
        struct sk_buff *skb = skb_dequeue(&sk->sk_backlog);
        if (skb)
            sk->sk_backlog_len -= (int)skb->truesize;
        local_irq_restore(f);
        if (!skb)
            break;
        /* still owned: what arrives while we process joins the backlog */
        sk->sk_prot->backlog_rcv(sk, skb);
    }
    if (sk->sk_prot->release_cb)
        sk->sk_prot->release_cb(sk);
    unsigned long f = local_irq_save();
    if (!skb_queue_empty(&sk->sk_backlog)) {
        /* arrived between the last dequeue and here: go round again */
        local_irq_restore(f);
        release_sock(sk);
        return;
    }
    WRITE_ONCE(sk->sk_owned, false);
    local_irq_restore(f);
}

int sk_add_backlog(struct sock *sk, struct sk_buff *skb)
{
    /* Linux's limit (tcp_add_backlog): both buffers and 64 KiB more for a burst */
    if (sk->sk_backlog_len + (int)skb->truesize > sk->sk_rcvbuf + sk->sk_sndbuf + 65536)
        return -ENOBUFS;
    sk->sk_backlog_len += (int)skb->truesize;
    skb_queue_tail(&sk->sk_backlog, skb);
    return 0;
}

/* --- memory accounting --- */

bool sk_under_memory_pressure(const struct sock *sk)
{
    return sk->sk_prot->memory_pressure && READ_ONCE(*sk->sk_prot->memory_pressure);
}

bool sk_mem_schedule(struct sock *sk, int size, bool rx)
{
    struct proto *p = sk->sk_prot;
    if (!p->memory_allocated || size <= sk->sk_forward_alloc)
        return true;
    int amt = (int)DIV_ROUND_UP(size - sk->sk_forward_alloc, SK_MEM_QUANTUM);
    unsigned long f = local_irq_save();
    long allocated = *p->memory_allocated + amt;
    bool ok;
    if (allocated <= p->sysctl_mem[0]) {
        *p->memory_pressure = false;
        ok = true;
    } else if (allocated > p->sysctl_mem[2]) {
        *p->memory_pressure = true;
        ok = false;
    } else {
        if (allocated > p->sysctl_mem[1])
            *p->memory_pressure = true;
        /* under pressure a sock may still use what its buffer size promises (Linux's
         * sk_wmem_queued/sk_rmem_alloc against the minimum of tcp_wmem/tcp_rmem) */
        int used = rx ? sk->sk_rmem_alloc : sk->sk_wmem_queued;
        int floor = rx ? SOCK_MIN_RCVBUF * 2 : SOCK_MIN_SNDBUF * 4;
        ok = !*p->memory_pressure || used < floor ||
             used + size <= (rx ? sk->sk_rcvbuf : sk->sk_sndbuf) / 2;
    }
    if (ok) {
        *p->memory_allocated = allocated;
        sk->sk_forward_alloc += amt * SK_MEM_QUANTUM;
    }
    local_irq_restore(f);
    return ok;
}

void sk_mem_reclaim(struct sock *sk)
{
    struct proto *p = sk->sk_prot;
    if (!p->memory_allocated || sk->sk_forward_alloc < SK_MEM_QUANTUM)
        return;
    int pages = sk->sk_forward_alloc / SK_MEM_QUANTUM;
    unsigned long f = local_irq_save();
    *p->memory_allocated -= pages;
    sk->sk_forward_alloc -= pages * SK_MEM_QUANTUM;
    if (*p->memory_allocated < p->sysctl_mem[0])
        *p->memory_pressure = false;
    local_irq_restore(f);
}
