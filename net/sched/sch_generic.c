/* net/sched/sch_generic.c - STUB until the qdisc layer lands: no qdisc is attached, so
 * nothing needs scheduling. */
#include "net/sched/sch_generic.h"

int dev_init_scheduler(struct net_device *dev) { (void)dev; return 0; }
void __netif_schedule(struct Qdisc *q) { (void)q; }
