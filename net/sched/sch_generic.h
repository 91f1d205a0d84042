/* net/sched/sch_generic.h - queueing disciplines between dev_queue_xmit and the driver. */
#ifndef WP_SCH_GENERIC_H
#define WP_SCH_GENERIC_H

#include "net/core/netdevice.h"

struct Qdisc;

/* Give every TX queue of dev its default qdisc (called by register_netdev). */
int dev_init_scheduler(struct net_device *dev);
/* Ask NET_TX to run this qdisc (the driver woke its queue, or the quota ran out). */
void __netif_schedule(struct Qdisc *q);

#endif
