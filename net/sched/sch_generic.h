/* net/sched/sch_generic.h - queueing disciplines between dev_queue_xmit and the driver
 * (stations 11-13).
 *
 * Every TX queue of a device owns one Qdisc. dev_queue_xmit (net/core/dev_xmit.c) either
 * hands a packet straight to the driver (bypass: the qdisc is empty and the queue runs)
 * or enqueues it and runs the qdisc in the caller's context for up to a quota of
 * packets; what is left is finished by the NET_TX softirq (net_tx_action). A packet the
 * driver refused with NETDEV_TX_BUSY is held aside (dev_requeue_skb) as the next one to
 * send and the qdisc waits until the driver wakes its queue (netif_tx_wake_queue ->
 * __netif_schedule).
 *
 * Concurrency: one CPU. The qdisc is only touched with bottom halves disabled (the
 * transmit path) or from NET_TX itself, so a TX completion in NET_RX cannot run the
 * qdisc under a sender; the scheduled list is also reachable from interrupt handlers
 * and is handled with interrupts masked. */
#ifndef WP_SCH_GENERIC_H
#define WP_SCH_GENERIC_H

#include "net/core/netdevice.h"

struct Qdisc;

/* Packets sent in the caller's context (or one NET_TX run) before yielding to NET_TX. */
#define QDISC_QUOTA 64

struct Qdisc_ops {
    const char *id;                                   /* "pfifo_fast" */
    size_t priv_size;                                 /* bytes of private state */
    int (*init)(struct Qdisc *q);
    /* Takes skb: queues it (NET_XMIT_SUCCESS) or frees it and counts the drop. */
    int (*enqueue)(struct sk_buff *skb, struct Qdisc *q);
    struct sk_buff *(*dequeue)(struct Qdisc *q);
    struct sk_buff *(*peek)(struct Qdisc *q);
    void (*reset)(struct Qdisc *q);                   /* drop everything queued */
    void (*destroy)(struct Qdisc *q);
    void (*dump)(struct Qdisc *q);                    /* extra per-band lines, optional */
};

/* tc -s qdisc: "Sent B bytes P pkt (dropped D, overlimits O requeues R)
 *               backlog Bb Pp" */
struct gnet_stats_basic {
    uint64_t bytes, packets;      /* handed to the driver */
};
struct gnet_stats_queue {
    uint32_t qlen;                /* packets held, the requeued one included */
    uint64_t backlog;             /* bytes held */
    uint64_t drops;
    uint64_t requeues;            /* NETDEV_TX_BUSY from the driver */
    uint64_t overlimits;          /* enqueue refused because the limit was reached */
};

/* state bits */
#define __QDISC_STATE_SCHED   0x1  /* on the NET_TX list */
#define __QDISC_STATE_RUNNING 0x2  /* someone is inside qdisc_run: nobody else dequeues */

struct Qdisc {
    const struct Qdisc_ops *ops;
    struct netdev_queue *dev_queue;
    unsigned long state;
    uint32_t limit;               /* packets */
    struct sk_buff *gso_skb;      /* requeued by dev_requeue_skb: sent before anything else */
    struct Qdisc *next_sched;     /* NET_TX list link */
    struct gnet_stats_basic bstats;
    struct gnet_stats_queue qstats;
    uint64_t bypass;              /* packets that went straight to the driver */
    uint64_t runs;                /* __qdisc_run calls */
    uint64_t quota_exhausted;     /* runs that stopped on the quota and handed over to NET_TX */
    uint64_t scheduled;           /* __netif_schedule that put it on the NET_TX list */
    uint64_t busy_unstopped;      /* BUSY while the driver left the queue running */
    void *priv;                   /* ops->priv_size bytes, right after the struct */
};

static inline struct net_device *qdisc_dev(const struct Qdisc *q) { return q->dev_queue->dev; }
static inline uint32_t qdisc_qlen(const struct Qdisc *q) { return q->qstats.qlen; }
static inline void *qdisc_priv(const struct Qdisc *q) { return q->priv; }

/* Accounting helpers for qdisc implementations: bytes are skb->len. */
static inline void qdisc_qstats_add(struct Qdisc *q, const struct sk_buff *skb)
{
    q->qstats.qlen++;
    q->qstats.backlog += skb->len;
}
static inline void qdisc_qstats_sub(struct Qdisc *q, const struct sk_buff *skb)
{
    q->qstats.qlen--;
    q->qstats.backlog -= skb->len;
}
/* Free a refused packet and count it (overlimit when the limit was the reason). */
int qdisc_drop(struct sk_buff *skb, struct Qdisc *q, bool overlimit);

extern const struct Qdisc_ops pfifo_fast_ops;
/* The pfifo_fast band (0 first .. 2 last) skb goes to. */
unsigned int pfifo_fast_band(const struct sk_buff *skb);

/* Allocate and initialise a qdisc for txq; NULL when out of memory. */
struct Qdisc *qdisc_create_dflt(struct netdev_queue *txq, const struct Qdisc_ops *ops);
void qdisc_reset(struct Qdisc *q);
void qdisc_destroy(struct Qdisc *q);

/* Give every TX queue of dev its default qdisc (called by register_netdev). */
int dev_init_scheduler(struct net_device *dev);
/* Drop everything queued on dev's qdiscs (device going down). */
void dev_reset_queues(struct net_device *dev);

/* Station 12. Dequeue and send until empty, stopped, BUSY, or QDISC_QUOTA packets;
 * on the quota, hand over to NET_TX. Caller has claimed the qdisc (qdisc_run_begin). */
void __qdisc_run(struct Qdisc *q);
/* Claim the qdisc for running; false when someone else is running it. */
static inline bool qdisc_run_begin(struct Qdisc *q)
{
    if (q->state & __QDISC_STATE_RUNNING)
        return false;
    q->state |= __QDISC_STATE_RUNNING;
    return true;
}
static inline void qdisc_run_end(struct Qdisc *q) { q->state &= ~__QDISC_STATE_RUNNING; }
static inline void qdisc_run(struct Qdisc *q)
{
    if (qdisc_run_begin(q)) {
        __qdisc_run(q);
        qdisc_run_end(q);
    }
}
/* One packet: dequeue + sch_direct_xmit. True when the caller may go on. */
bool qdisc_restart(struct Qdisc *q);
/* Hand skb to the driver; on BUSY requeue it. True when more may be sent now. */
bool sch_direct_xmit(struct sk_buff *skb, struct Qdisc *q, struct net_device *dev,
                     struct netdev_queue *txq);
/* Keep skb aside as the next packet to send (the driver said BUSY). */
void dev_requeue_skb(struct sk_buff *skb, struct Qdisc *q);

/* Station 13: ask NET_TX to run this qdisc (the driver woke its queue, or the quota ran
 * out). Safe from any context. */
void __netif_schedule(struct Qdisc *q);
/* The NET_TX softirq handler: run every scheduled qdisc. */
void net_tx_action(void);

/* tc -s qdisc style report of every TX queue of dev (for the shell). */
void qdisc_dump(struct net_device *dev);

#endif
