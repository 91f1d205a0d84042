/* net/sched/sch_generic.c - the generic qdisc machinery (stations 12-13): running a
 * qdisc in the caller's context up to a quota, the NET_TX softirq that finishes the job,
 * requeueing when the driver is busy, and attaching the default qdisc to new devices.
 * The queueing policy itself lives in the qdisc (sch_pfifo_fast.c). */
#include "net/sched/sch_generic.h"
#include "kernel/softirq.h"
#include "kernel/arch/x86.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "kernel/init.h"
#include "kernel/errno.h"
#include "net/core/trace_stations.h"
#include "net/core/gso.h"

/* Qdiscs waiting for NET_TX, in the order they asked. Touched from interrupt handlers
 * too (a driver may wake its queue there), so only with interrupts masked. */
static struct Qdisc *output_queue;
static struct Qdisc **output_queue_tailp = &output_queue;

int qdisc_drop(struct sk_buff *skb, struct Qdisc *q, bool overlimit)
{
    q->qstats.drops++;
    if (overlimit)
        q->qstats.overlimits++;
    kfree_skb(skb);
    return NET_XMIT_DROP;
}

struct Qdisc *qdisc_create_dflt(struct netdev_queue *txq, const struct Qdisc_ops *ops)
{
    struct Qdisc *q = kzalloc(sizeof(*q) + ops->priv_size);
    if (!q)
        return NULL;
    q->ops = ops;
    q->dev_queue = txq;
    q->priv = q + 1;
    if (ops->init && ops->init(q) < 0) {
        kfree(q);
        return NULL;
    }
    return q;
}

void qdisc_reset(struct Qdisc *q)
{
    if (q->ops->reset)
        q->ops->reset(q);
    for (struct sk_buff *n, *skb = q->gso_skb; skb; skb = n) {
        n = skb->next;
        skb->next = NULL;
        qdisc_qstats_sub(q, skb);
        q->qstats.drops++;
        kfree_skb(skb);
    }
    q->gso_skb = NULL;
}

static void unschedule(struct Qdisc *q)
{
    unsigned long f = local_irq_save();
    if (q->state & __QDISC_STATE_SCHED) {
        struct Qdisc **pp = &output_queue;
        while (*pp && *pp != q)
            pp = &(*pp)->next_sched;
        if (*pp) {
            *pp = q->next_sched;
            if (output_queue_tailp == &q->next_sched)
                output_queue_tailp = pp;
        }
        q->next_sched = NULL;
        q->state &= ~__QDISC_STATE_SCHED;
    }
    local_irq_restore(f);
}

void qdisc_destroy(struct Qdisc *q)
{
    if (!q)
        return;
    unschedule(q);
    qdisc_reset(q);
    if (q->ops->destroy)
        q->ops->destroy(q);
    kfree(q);
}

int dev_init_scheduler(struct net_device *dev)
{
    for (unsigned i = 0; i < dev->num_tx_queues; i++) {
        struct netdev_queue *txq = netdev_get_tx_queue(dev, i);
        if (txq->qdisc)
            continue;
        txq->qdisc = qdisc_create_dflt(txq, &pfifo_fast_ops);
        if (!txq->qdisc) {
            for (unsigned j = 0; j < i; j++) {
                qdisc_destroy(dev->tx_queue[j].qdisc);
                dev->tx_queue[j].qdisc = NULL;
            }
            return -ENOMEM;
        }
    }
    return 0;
}

void dev_reset_queues(struct net_device *dev)
{
    for (unsigned i = 0; i < dev->num_tx_queues; i++)
        if (dev->tx_queue[i].qdisc)
            qdisc_reset(dev->tx_queue[i].qdisc);
}

void dev_requeue_skb(struct sk_buff *skb, struct Qdisc *q)
{
    /* Held outside the qdisc's own queues so that its policy cannot reorder it: it was
     * already chosen as the next packet and goes first when the driver has room. It
     * stays counted in qlen/backlog, which also keeps dev_queue_xmit from bypassing it.
     * skb may head a chain (->next): the unsent segments of a GSO packet, in order; they
     * go in front of anything requeued before. */
    struct sk_buff *last = skb;
    q->qstats.requeues++;
    qdisc_qstats_add(q, last);
    for (; last->next; last = last->next)
        qdisc_qstats_add(q, last->next);
    last->next = q->gso_skb;
    q->gso_skb = skb;
    /* A driver that refuses without stopping its queue will not wake it either: retry
     * from NET_TX (Linux does the same). A stopped queue waits for netif_tx_wake_queue. */
    if (!netif_tx_queue_stopped(q->dev_queue)) {
        q->busy_unstopped++;
        __netif_schedule(q);
    }
}

/* Next packet to send, or NULL when empty or the queue is stopped. A stopped queue is
 * checked before dequeueing so that the packet stays where the qdisc's policy put it. */
static struct sk_buff *dequeue_skb(struct Qdisc *q)
{
    if (netif_tx_queue_stopped(q->dev_queue))
        return NULL;
    struct sk_buff *skb = q->gso_skb;
    if (skb) {
        q->gso_skb = skb->next;
        skb->next = NULL;
        qdisc_qstats_sub(q, skb);
        return skb;
    }
    return q->ops->dequeue(q);
}

bool sch_direct_xmit(struct sk_buff *skb, struct Qdisc *q, struct net_device *dev,
                     struct netdev_queue *txq)
{
    /* a GSO packet the device cannot take becomes its segments here (net/core/gso.h) */
    skb = validate_xmit_skb(skb, dev);
    if (!skb)
        return !netif_tx_queue_stopped(txq);     /* dropped and counted there */
    /* more queued behind this one: one doorbell for the batch (the quota's end
     * reschedules NET_TX, which sends the rest and rings it) */
    bool behind = qdisc_qlen(q) > 0;
    while (skb) {
        struct sk_buff *next = skb->next;
        unsigned int len = skb->len;
        netdev_tx_t rc = NETDEV_TX_BUSY;
        if (!netif_tx_queue_stopped(txq)) {
            skb->next = NULL;
            txq->xmit_more = next || behind;
            rc = dev_hard_start_xmit(skb, dev, txq);
            txq->xmit_more = false;
        }
        if (rc != NETDEV_TX_OK) {
            skb->next = next;
            dev_requeue_skb(skb, q);             /* with the segments still unsent */
            return false;
        }
        q->bstats.packets++;
        q->bstats.bytes += len;
        skb = next;
    }
    return !netif_tx_queue_stopped(txq);
}

bool qdisc_restart(struct Qdisc *q)
{
    struct sk_buff *skb = dequeue_skb(q);
    if (!skb)
        return false;
    trace_skb(TS_QDISC_DEQUEUE, skb, qdisc_qlen(q));
    struct netdev_queue *txq = q->dev_queue;
    return sch_direct_xmit(skb, q, txq->dev, txq);
}

void __qdisc_run(struct Qdisc *q)
{
    int quota = QDISC_QUOTA;
    q->runs++;
    while (qdisc_restart(q)) {
        /* Others deserve the CPU too: the rest goes out from NET_TX. */
        if (--quota <= 0) {
            if (qdisc_qlen(q)) {
                q->quota_exhausted++;
                __netif_schedule(q);
            }
            break;
        }
    }
}

void __netif_schedule(struct Qdisc *q)
{
    unsigned long f = local_irq_save();
    if (!(q->state & __QDISC_STATE_SCHED)) {
        q->state |= __QDISC_STATE_SCHED;
        q->scheduled++;
        q->next_sched = NULL;
        *output_queue_tailp = q;
        output_queue_tailp = &q->next_sched;
        raise_softirq_irqoff(NET_TX_SOFTIRQ);
    }
    local_irq_restore(f);
}

void net_tx_action(void)
{
    /* Take the whole list: a qdisc that runs out of quota again re-adds itself and is
     * handled in the next NET_TX pass, after the other softirqs had their turn. */
    unsigned long f = local_irq_save();
    struct Qdisc *head = output_queue;
    output_queue = NULL;
    output_queue_tailp = &output_queue;
    local_irq_restore(f);

    while (head) {
        struct Qdisc *q = head;
        head = q->next_sched;
        f = local_irq_save();
        q->next_sched = NULL;
        q->state &= ~__QDISC_STATE_SCHED;
        local_irq_restore(f);
        /* A sender inside qdisc_run would own it; senders run with bottom halves
         * disabled, so this pass cannot have interrupted one - but never dequeue
         * under another runner. */
        qdisc_run(q);
    }
}

void qdisc_dump(struct net_device *dev)
{
    for (unsigned i = 0; i < dev->num_tx_queues; i++) {
        struct netdev_queue *txq = netdev_get_tx_queue(dev, i);
        struct Qdisc *q = txq->qdisc;
        if (!q)
            continue;
        printk("qdisc %s %u: dev %s parent :%u limit %up%s\n", q->ops->id, i + 1, dev->name,
               i + 1, q->limit, netif_tx_queue_stopped(txq) ? " [queue stopped]" : "");
        printk(" Sent %llu bytes %llu pkt (dropped %llu, overlimits %llu requeues %llu)\n",
               (unsigned long long)q->bstats.bytes, (unsigned long long)q->bstats.packets,
               (unsigned long long)q->qstats.drops, (unsigned long long)q->qstats.overlimits,
               (unsigned long long)q->qstats.requeues);
        printk(" backlog %llub %up requeues %llu\n", (unsigned long long)q->qstats.backlog,
               q->qstats.qlen, (unsigned long long)q->qstats.requeues);
        printk(" bypass %llu runs %llu quota_exhausted %llu scheduled %llu"
               " queue stops %llu wakes %llu\n",
               (unsigned long long)q->bypass, (unsigned long long)q->runs,
               (unsigned long long)q->quota_exhausted, (unsigned long long)q->scheduled,
               (unsigned long long)txq->stops, (unsigned long long)txq->wakes);
        if (q->ops->dump)
            q->ops->dump(q);
    }
}

static int net_tx_init(void)
{
    open_softirq(NET_TX_SOFTIRQ, net_tx_action);
    return 0;
}
core_initcall(net_tx_init);
