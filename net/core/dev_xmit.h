/* net/core/dev_xmit.h - counters and helpers of the transmit entry (net/core/dev_xmit.c).
 * dev_queue_xmit and netdev_pick_tx themselves are declared in net/core/netdevice.h. */
#ifndef WP_DEV_XMIT_H
#define WP_DEV_XMIT_H

#include "net/core/netdevice.h"

struct dev_xmit_stats {
    uint64_t calls;          /* dev_queue_xmit calls */
    uint64_t bypass;         /* sent straight to the driver (qdisc empty, queue running) */
    uint64_t enqueued;       /* accepted by the qdisc */
    uint64_t qdisc_drops;    /* refused by the qdisc (limit) */
    uint64_t dev_down;       /* dropped: device not up */
    uint64_t bad_skb;        /* dropped: no device or shorter than an Ethernet header */
    uint64_t no_qdisc;       /* sent without a qdisc */
    uint64_t busy_drops;     /* dropped: no qdisc to hold a packet the driver refused */
};
void dev_xmit_get_stats(struct dev_xmit_stats *s);

/* Flow hash of an outgoing frame the protocol left unhashed (skb->hash 0: ARP, raw
 * frames), from its Ethernet header (data there); never 0. */
uint32_t skb_flow_hash(const struct sk_buff *skb);

#endif
