/* net/core/dev.c - device allocation and registration, TX queue flow control, NAPI and
 * the receive entry (netif_receive_skb). The device list, its lookups and the carrier
 * notifications are net/core/dev_registry.c; the transmit entry dev_queue_xmit and the
 * qdisc live in net/core/dev_xmit.c and net/sched/. */
#include "net/core/netdevice.h"
#include "net/core/gso.h"
#include "net/core/gro.h"
#include "net/sched/sch_generic.h"
#include "kernel/softirq.h"
#include "kernel/arch/x86.h"
#include "kernel/time.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/init.h"
#include "kernel/errno.h"
#include "net/core/trace_stations.h"

static int next_ifindex = 1;
static int next_eth;              /* ethN names count Ethernet devices, not lo */
static LIST_HEAD(ptype_base);      /* handlers by ethertype */
static LIST_HEAD(ptype_all);       /* taps */

struct net_device *alloc_etherdev(size_t priv_size, unsigned int queues)
{
    if (queues == 0 || queues > NETDEV_MAX_QUEUES)
        return NULL;
    struct net_device *dev = kzalloc(sizeof(*dev));
    if (!dev)
        return NULL;
    if (priv_size && !(dev->priv = kzalloc(priv_size))) {
        kfree(dev);
        return NULL;
    }
    dev->mtu = ETH_DATA_LEN;
    memset(dev->broadcast, 0xff, ETH_ALEN);
    dev->num_tx_queues = dev->real_num_tx_queues = queues;
    for (unsigned i = 0; i < queues; i++) {
        dev->tx_queue[i].dev = dev;
        dev->tx_queue[i].index = i;
    }
    dev->gso_max_size = 65535;
    dev->gso_max_segs = 64;
    dev->watchdog_timeo = 5 * HZ;
    INIT_LIST_HEAD(&dev->dev_list);
    return dev;
}

int register_netdev(struct net_device *dev)
{
    if (!dev->netdev_ops || !dev->netdev_ops->ndo_start_xmit)
        return -EINVAL;
    if (gso_enabled())
        dev->features |= NETIF_F_GSO;   /* software segmentation for every device, as Linux */
    if (gro_enabled())
        dev->features |= NETIF_F_GRO;   /* and receive coalescing for those using NAPI */
    if (!dev->gso_max_segs)
        dev->gso_max_segs = GSO_MAX_SEGS;
    dev->ifindex = next_ifindex++;
    if (!dev->name[0])
        snprintf(dev->name, sizeof(dev->name), "eth%d", next_eth++);
    list_add_tail(&dev->dev_list, &net_devices);
    int r = dev_init_scheduler(dev);
    if (r < 0) {
        list_del_init(&dev->dev_list);
        return r;
    }
    return 0;
}

int dev_open(struct net_device *dev)
{
    if (dev->up)
        return 0;
    int r = dev->netdev_ops->ndo_open ? dev->netdev_ops->ndo_open(dev) : 0;
    if (r == 0)
        dev->up = true;
    return r;
}

void netif_tx_stop_queue(struct netdev_queue *q)
{
    if (!(q->state & __QUEUE_STATE_DRV_XOFF)) {
        q->state |= __QUEUE_STATE_DRV_XOFF;
        q->stops++;
    }
}

void netif_tx_wake_queue(struct netdev_queue *q)
{
    if (q->state & __QUEUE_STATE_DRV_XOFF) {
        q->state &= ~__QUEUE_STATE_DRV_XOFF;
        q->wakes++;
        /* packets may be waiting in the qdisc for this queue: run it from NET_TX */
        if (q->qdisc)
            __netif_schedule(q->qdisc);
    }
}

/* --- NAPI (stations 17-18) --- */

static LIST_HEAD(poll_list);
#define NET_RX_BUDGET 300

void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
                    int (*poll)(struct napi_struct *, int), int weight)
{
    INIT_LIST_HEAD(&napi->poll_list);
    napi->state = 0;
    napi->poll = poll;
    napi->weight = weight;
    napi->dev = dev;
}

void napi_schedule(struct napi_struct *napi)
{
    unsigned long f = local_irq_save();
    if (napi->state & NAPI_STATE_SCHED) {
        napi->state |= NAPI_STATE_MISSED;
    } else {
        napi->state |= NAPI_STATE_SCHED;
        napi->scheduled++;
        list_add_tail(&napi->poll_list, &poll_list);
        /* TX completions are cleaned here too: NET_RX, not NET_TX (docs/sendpath.md, station 17) */
        trace_point(TS_NET_RX_RAISE, NULL, 0, NET_RX_SOFTIRQ);
        raise_softirq_irqoff(NET_RX_SOFTIRQ);
    }
    local_irq_restore(f);
}

bool napi_complete_done(struct napi_struct *napi, int work_done)
{
    if (work_done > 0)
        napi->work += (uint64_t)work_done;
    if (work_done >= napi->weight) {
        napi->complete_refused++;
        return false;
    }
    napi_gro_flush(napi);             /* nothing stays held once the poll is over */
    unsigned long f = local_irq_save();
    if (napi->state & NAPI_STATE_MISSED) {
        /* scheduled meanwhile: stay scheduled (NET_RX polls again), interrupts masked */
        napi->state &= ~NAPI_STATE_MISSED;
        napi->missed++;
        local_irq_restore(f);
        return false;
    }
    napi->state &= ~NAPI_STATE_SCHED;
    local_irq_restore(f);
    return true;
}

/* NET_RX softirq: poll every scheduled NAPI instance within a shared budget and a time
 * limit; instances that used their whole weight stay on the list for the next round. */
void net_rx_action(void)
{
    trace_point(TS_NET_RX_ACTION, NULL, 0, NET_RX_BUDGET);
    int budget = NET_RX_BUDGET;
    uint64_t time_limit = jiffies + 2;
    for (;;) {
        unsigned long f = local_irq_save();
        if (list_empty(&poll_list)) {
            local_irq_restore(f);
            return;
        }
        struct napi_struct *n = list_first_entry(&poll_list, struct napi_struct, poll_list);
        list_del_init(&n->poll_list);
        local_irq_restore(f);

        int work = n->poll(n, n->weight);
        n->polls++;
        if (n->gro_count)
            napi_gro_flush(n);        /* a poll that kept its NAPI: its runs go up now */
        budget -= work;

        f = local_irq_save();
        /* Not completed - its whole weight used, its completion refused, or scheduled
         * again while it ran - so still scheduled and ours: poll it again. (A poll that
         * completed may already be back on the list: its interrupt, re-enabled, can
         * schedule it before we get here.) */
        if ((n->state & NAPI_STATE_SCHED) && list_empty(&n->poll_list))
            list_add_tail(&n->poll_list, &poll_list);
        bool more = !list_empty(&poll_list);
        local_irq_restore(f);
        if (more && (budget <= 0 || time_after_eq(jiffies, time_limit))) {
            raise_softirq(NET_RX_SOFTIRQ);
            return;
        }
    }
}

/* --- receive (the top of the driver's upcall) --- */

void dev_add_pack(struct packet_type *pt)
{
    unsigned long f = local_irq_save();
    list_add_tail(&pt->list, pt->type == ETH_P_ALL ? &ptype_all : &ptype_base);
    local_irq_restore(f);
}

void dev_remove_pack(struct packet_type *pt)
{
    unsigned long f = local_irq_save();
    list_del_init(&pt->list);
    local_irq_restore(f);
}

/* Taps see the frame but never own it: each gets a clone it must free. */
static void deliver_to_taps(struct sk_buff *skb, struct net_device *dev)
{
    struct packet_type *pt;
    list_for_each_entry(pt, &ptype_all, list) {
        struct sk_buff *c = skb_clone(skb);
        if (c) {
            dev->rx_tap_frames++;
            pt->func(c, dev, pt);
        }
    }
}

uint16_t eth_type_trans(struct sk_buff *skb, struct net_device *dev)
{
    skb->dev = dev;
    skb_reset_mac_header(skb);
    const struct ethhdr *eth = (const struct ethhdr *)skb->data;
    if (is_multicast_ether_addr(eth->h_dest))
        skb->pkt_type = is_broadcast_ether_addr(eth->h_dest) ? PACKET_BROADCAST : PACKET_MULTICAST;
    else
        skb->pkt_type = ether_addr_equal(eth->h_dest, dev->dev_addr) ? PACKET_HOST : PACKET_OTHERHOST;
    skb_pull(skb, ETH_HLEN);
    skb_reset_network_header(skb);
    return ntohs(eth->h_proto);
}

int netif_receive_skb(struct sk_buff *skb)
{
    struct net_device *dev = skb->dev;
    if (!list_empty(&ptype_all)) {
        skb_push(skb, ETH_HLEN);
        deliver_to_taps(skb, dev);
        skb_pull(skb, ETH_HLEN);
    }
    struct packet_type *pt;
    list_for_each_entry(pt, &ptype_base, list)
        if (pt->type == skb->protocol)
            return pt->func(skb, dev, pt);
    dev->rx_unknown_proto++;
    kfree_skb(skb);
    return -1;
}

/* --- the backlog (Linux's per-CPU softnet_data input queue; one CPU here) ---
 * netif_rx queues; a NAPI instance of its own drains the queue from NET_RX, so a
 * packet a task sends to itself is received after the sender's call has returned, with
 * the same budget and fairness as a NIC's frames. */

static struct sk_buff_head backlog_queue;
static struct napi_struct backlog_napi;
static struct backlog_stats bstats;

static int process_backlog(struct napi_struct *napi, int budget)
{
    int work = 0;
    while (work < budget) {
        unsigned long f = local_irq_save();
        struct sk_buff *skb = skb_dequeue(&backlog_queue);
        local_irq_restore(f);
        if (!skb)
            break;
        bstats.delivered++;
        netif_receive_skb(skb);
        work++;
    }
    bstats.polls++;
    if (work < budget) {
        napi_complete_done(napi, work);
        /* a packet queued between the last dequeue and the completion must not wait */
        unsigned long f = local_irq_save();
        bool more = !skb_queue_empty(&backlog_queue);
        local_irq_restore(f);
        if (more)
            napi_schedule(napi);
    }
    return work;
}

int netif_rx(struct sk_buff *skb)
{
    unsigned long f = local_irq_save();
    if (skb_queue_len(&backlog_queue) >= NETDEV_MAX_BACKLOG) {
        bstats.dropped++;
        local_irq_restore(f);
        kfree_skb(skb);
        return NET_RX_DROP;
    }
    skb_queue_tail(&backlog_queue, skb);
    bstats.queued++;
    napi_schedule(&backlog_napi);
    local_irq_restore(f);
    return NET_RX_SUCCESS;
}

void netif_rx_get_stats(struct backlog_stats *s)
{
    unsigned long f = local_irq_save();
    *s = bstats;
    s->qlen = skb_queue_len(&backlog_queue);
    local_irq_restore(f);
}

/* --- station 14 --- */

netdev_tx_t dev_hard_start_xmit(struct sk_buff *skb, struct net_device *dev,
                                struct netdev_queue *txq)
{
    trace_skb(TS_DEV_HARD_START_XMIT, skb, skb->queue_mapping);
    if (!list_empty(&ptype_all))
        deliver_to_taps(skb, dev);
    netdev_tx_t rc = dev->netdev_ops->ndo_start_xmit(skb, dev);
    if (rc == NETDEV_TX_OK)
        txq->trans_start = jiffies;
    return rc;
}

static int net_dev_init(void)
{
    open_softirq(NET_RX_SOFTIRQ, net_rx_action);
    skb_queue_head_init(&backlog_queue);
    netif_napi_add(NULL, &backlog_napi, process_backlog, 64);
    return 0;
}
core_initcall(net_dev_init);
