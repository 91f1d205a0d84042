/* net/core/dev_xmit.c - the transmit entry of the device layer (station 11):
 * dev_queue_xmit picks a TX queue by flow hash (netdev_pick_tx) and passes the frame to
 * that queue's qdisc (__dev_xmit_skb), which either sends it at once or queues it. */
#include "net/core/dev_xmit.h"
#include "kernel/lib/unaligned.h"
#include "kernel/lib/hash.h"
#include "net/sched/sch_generic.h"
#include "net/core/gso.h"
#include "kernel/softirq.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "net/core/trace_stations.h"

static struct dev_xmit_stats xstats;

void dev_xmit_get_stats(struct dev_xmit_stats *s) { *s = xstats; }


/* The flow hash of a frame nobody hashed: the layer that knows its headers sets
 * skb->hash (IPv4: ip_build_header, from addresses, protocol and ports, the same for every
 * fragment of a datagram); what is left (ARP, raw frames) hashes its Ethernet header. */
uint32_t skb_flow_hash(const struct sk_buff *skb)
{
    if (skb_headlen(skb) < ETH_HLEN)
        return 1;
    const struct ethhdr *eth = (const struct ethhdr *)skb->data;
    uint32_t h = hash_mix32(get_unaligned_be32(eth->h_dest) ^
                            hash_mix32(get_unaligned_be32(eth->h_dest + 2) ^
                                       hash_mix32(get_unaligned_be32(eth->h_source + 2) ^
                                                  hash_mix32(eth->h_proto))));
    return h ? h : 1;   /* 0 means "no hash yet" */
}

uint16_t netdev_pick_tx(struct net_device *dev, struct sk_buff *skb)
{
    unsigned n = dev->real_num_tx_queues;
    if (n <= 1 || n > dev->num_tx_queues)
        return 0;
    if (!skb->hash)
        skb->hash = skb_flow_hash(skb);
    return (uint16_t)(skb->hash % n);
}

/* Bypass when nothing is queued (no packet could be overtaken) and the driver has
 * room; otherwise enqueue and let the qdisc send what it can now. */
static int __dev_xmit_skb(struct sk_buff *skb, struct Qdisc *q, struct net_device *dev,
                          struct netdev_queue *txq)
{
    if (qdisc_qlen(q) == 0 && !netif_tx_queue_stopped(txq) && qdisc_run_begin(q)) {
        q->bypass++;
        xstats.bypass++;
        /* BUSY leaves the packet requeued in q; it is not lost, so still a success */
        sch_direct_xmit(skb, q, dev, txq);
        qdisc_run_end(q);
        return NET_XMIT_SUCCESS;
    }
    trace_skb(TS_QDISC_ENQUEUE, skb, qdisc_qlen(q));
    int rc = q->ops->enqueue(skb, q);
    if (rc == NET_XMIT_SUCCESS)
        xstats.enqueued++;
    else
        xstats.qdisc_drops++;
    qdisc_run(q);
    return rc;
}

int dev_queue_xmit(struct sk_buff *skb)
{
    struct net_device *dev = skb->dev;
    xstats.calls++;
    if (unlikely(!dev || skb->len < ETH_HLEN || skb_headlen(skb) < ETH_HLEN)) {
        xstats.bad_skb++;
        kfree_skb(skb);
        return -EINVAL;
    }
    if (unlikely(!dev->up)) {
        xstats.dev_down++;
        kfree_skb(skb);
        return -ENETDOWN;
    }
    /* The qdisc is shared with NET_TX and the driver's completion path (NET_RX):
     * keep both out while we are inside it. */
    local_bh_disable();
    uint16_t qi = netdev_pick_tx(dev, skb);
    skb->queue_mapping = qi;
    trace_skb(TS_DEV_QUEUE_XMIT, skb, qi);
    struct netdev_queue *txq = netdev_get_tx_queue(dev, qi);
    struct Qdisc *q = txq->qdisc;
    int rc;
    if (likely(q)) {
        rc = __dev_xmit_skb(skb, q, dev, txq);
    } else {
        /* no qdisc (registration failed to attach one): straight to the driver, whatever
         * it refuses is dropped */
        xstats.no_qdisc++;
        struct sk_buff *s = validate_xmit_skb(skb, dev);
        rc = s ? NET_XMIT_SUCCESS : NET_XMIT_DROP;
        for (struct sk_buff *n; s; s = n) {
            n = s->next;
            s->next = NULL;
            if (netif_tx_queue_stopped(txq) || dev_hard_start_xmit(s, dev, txq) != NETDEV_TX_OK) {
                xstats.busy_drops++;
                kfree_skb(s);
                rc = NET_XMIT_DROP;
            }
        }
    }
    local_bh_enable();
    return rc;
}
