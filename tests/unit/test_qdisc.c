// SOURCES: net/core/dev_xmit.c net/sched/sch_generic.c net/core/gso.c net/core/gro.c kernel/cmdline.c net/sched/sch_pfifo_fast.c net/core/dev.c net/core/skbuff.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_softirq.c net/core/dev_registry.c tests/unit/fake_clock.c
/* tests/unit/test_qdisc.c - the transmit path from dev_queue_xmit to the driver, against
 * a fake driver that can refuse packets with NETDEV_TX_BUSY: bypass of an empty qdisc,
 * the 64-packet quota handing over to NET_TX, requeue keeping the refused packet first
 * and the order intact, waking resuming the queue, pfifo_fast bands by priority alone,
 * the 1000-packet limit with drops counted, flow-hash queue selection, and no skb
 * leaked by any of it. */
#include "tests/unit/unit.h"
#include "tests/unit/fake_softirq.h"
#include "net/core/dev_xmit.h"
#include "net/sched/sch_generic.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/lib/hash.h"

volatile uint64_t jiffies;
void panic(const char *fmt, ...) { (void)fmt; abort(); }

/* --- the fake driver --- */
#define LOG_MAX 4096
static struct {
    int budget;            /* packets accepted before BUSY; < 0 = unlimited */
    bool stop_on_busy;     /* like igb: stop the queue before saying BUSY */
    int sent;
    int busy;
    uint32_t log[LOG_MAX]; /* sequence numbers in the order the driver took them */
    uint16_t logq[LOG_MAX];
} drv;

static uint32_t frame_seq(const struct sk_buff *skb)
{
    uint32_t s;
    memcpy(&s, skb->data + skb_headlen(skb) - 4, 4);
    return s;
}

static netdev_tx_t fake_xmit(struct sk_buff *skb, struct net_device *dev)
{
    if (drv.budget == 0) {
        drv.busy++;
        if (drv.stop_on_busy)
            netif_tx_stop_queue(netdev_get_tx_queue(dev, skb->queue_mapping));
        return NETDEV_TX_BUSY;
    }
    if (drv.budget > 0)
        drv.budget--;
    if (drv.sent < LOG_MAX) {
        drv.log[drv.sent] = frame_seq(skb);
        drv.logq[drv.sent] = skb->queue_mapping;
    }
    drv.sent++;
    consume_skb(skb);          /* "the NIC sent it" */
    return NETDEV_TX_OK;
}

static const struct net_device_ops fake_ops = { .ndo_start_xmit = fake_xmit };

static struct skb_stats st(void) { struct skb_stats s; skb_get_stats(&s); return s; }

/* make_dev notes the skbs alive before the test's device exists; free_dev checks the test
 * left no more behind. */
static uint64_t alive0;

static struct net_device *make_dev(unsigned queues)
{
    alive0 = st().alive;
    memset(&drv, 0, sizeof(drv));
    drv.budget = -1;
    drv.stop_on_busy = true;
    fake_softirq_reset();
    open_softirq(NET_TX_SOFTIRQ, net_tx_action);
    struct net_device *dev = alloc_etherdev(0, queues);
    dev->netdev_ops = &fake_ops;
    CHECK_EQ(register_netdev(dev), 0);
    for (unsigned i = 0; i < queues; i++)
        CHECK(dev->tx_queue[i].qdisc != NULL);
    dev->up = true;
    return dev;
}

/* the driver was handed frames 0 .. n-1, in that order */
static void check_sent_in_order(int n)
{
    CHECK(drv.sent >= n);
    for (int i = 0; i < n; i++)
        CHECK_EQ(drv.log[i], i);
}

static void free_dev(struct net_device *dev)
{
    for (unsigned i = 0; i < dev->num_tx_queues; i++)
        qdisc_destroy(dev->tx_queue[i].qdisc);
    list_del_init(&dev->dev_list);
    kfree(dev);
    CHECK_EQ(st().alive, alive0);
}

/* A frame: Ethernet header, an optional IPv4+UDP header, and a 4-byte sequence number. */
static struct sk_buff *frame(struct net_device *dev, uint32_t seq, uint32_t prio, int tos,
                             uint16_t sport)
{
    struct sk_buff *skb = alloc_skb(256);
    skb_reserve(skb, 64);
    uint8_t *e = skb_put(skb, ETH_HLEN);
    memset(e, 0xff, 6);
    memcpy(e + 6, "\x02\0\0\0\0\1", 6);
    if (tos >= 0) {
        e[12] = 0x08; e[13] = 0x00;
        uint8_t *ip = skb_put(skb, 28);
        memset(ip, 0, 28);
        ip[0] = 0x45; ip[1] = (uint8_t)tos; ip[9] = 17;
        memcpy(ip + 12, "\x0a\0\x02\x0f", 4);
        memcpy(ip + 16, "\x0a\0\x02\x02", 4);
        ip[20] = (uint8_t)(sport >> 8); ip[21] = (uint8_t)sport;
        ip[22] = 0; ip[23] = 7;
    } else {
        e[12] = 0x88; e[13] = 0xb5;   /* local experimental ethertype */
    }
    skb_put_data(skb, &seq, 4);
    skb->dev = dev;
    skb->priority = prio;
    return skb;
}


static int xmit(struct net_device *dev, uint32_t seq)
{
    int rc = dev_queue_xmit(frame(dev, seq, 0, -1, 0));
    CHECK_EQ(fake_bh_depth, 0);
    return rc;
}

/* frames 0 .. n-1 sent on dev, each accepted */
static void send_in_order(struct net_device *dev, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        CHECK_EQ(xmit(dev, i), NET_XMIT_SUCCESS);
}

TEST(bypass_when_empty_and_running)
{
    struct net_device *dev = make_dev(1);
    struct Qdisc *q = dev->tx_queue[0].qdisc;
    CHECK_STR(q->ops->id, "pfifo_fast");
    CHECK_EQ(q->limit, 1000);
    send_in_order(dev, 10);
    CHECK_EQ(drv.sent, 10);
    CHECK_EQ(q->bypass, 10);
    CHECK_EQ(q->bstats.packets, 10);
    CHECK_EQ(q->bstats.bytes, 10 * (ETH_HLEN + 4));
    CHECK_EQ(qdisc_qlen(q), 0);
    CHECK_EQ(fake_softirq_raises[NET_TX_SOFTIRQ], 0);
    check_sent_in_order(10);
    free_dev(dev);
}

TEST(quota_of_64_then_net_tx)
{
    struct net_device *dev = make_dev(1);
    struct netdev_queue *txq = &dev->tx_queue[0];
    struct Qdisc *q = txq->qdisc;
    netif_tx_stop_queue(txq);
    send_in_order(dev, 200);
    CHECK_EQ(drv.sent, 0);              /* stopped: everything waits in the qdisc */
    CHECK_EQ(qdisc_qlen(q), 200);
    CHECK_EQ(q->qstats.backlog, 200 * (ETH_HLEN + 4));
    CHECK_EQ(q->qstats.requeues, 0);    /* a stopped queue is not even dequeued */
    /* restart without a wake, then one more send runs the qdisc in the caller's context */
    netif_tx_start_queue(txq);
    CHECK_EQ(xmit(dev, 200), NET_XMIT_SUCCESS);
    CHECK_EQ(drv.sent, QDISC_QUOTA);
    CHECK_EQ(q->quota_exhausted, 1);
    CHECK_EQ(fake_softirq_raises[NET_TX_SOFTIRQ], 1);
    CHECK(fake_softirq_pending & BIT(NET_TX_SOFTIRQ));
    CHECK_EQ(qdisc_qlen(q), 201 - 64);
    /* each NET_TX run sends one more quota and re-raises itself while work is left */
    CHECK(fake_softirq_run_one(NET_TX_SOFTIRQ));
    CHECK_EQ(drv.sent, 128);
    CHECK_EQ(fake_softirq_raises[NET_TX_SOFTIRQ], 2);
    CHECK(fake_softirq_run_one(NET_TX_SOFTIRQ));
    CHECK_EQ(drv.sent, 192);
    CHECK(fake_softirq_run_one(NET_TX_SOFTIRQ));
    CHECK_EQ(drv.sent, 201);
    CHECK_EQ(fake_softirq_raises[NET_TX_SOFTIRQ], 3);   /* the last run emptied it */
    CHECK(!fake_softirq_pending);
    CHECK_EQ(softirq_count(NET_TX_SOFTIRQ), 3);
    CHECK_EQ(qdisc_qlen(q), 0);
    CHECK_EQ(q->qstats.backlog, 0);
    check_sent_in_order(201);
    free_dev(dev);
}

TEST(busy_requeues_and_wake_resumes_in_order)
{
    struct net_device *dev = make_dev(1);
    struct netdev_queue *txq = &dev->tx_queue[0];
    struct Qdisc *q = txq->qdisc;
    drv.budget = 5;
    send_in_order(dev, 12);
    CHECK_EQ(drv.sent, 5);
    CHECK_EQ(drv.busy, 1);               /* refused once, then the stopped queue is left alone */
    CHECK(netif_tx_queue_stopped(txq));
    CHECK_EQ(q->qstats.requeues, 1);
    CHECK(q->gso_skb != NULL);
    CHECK_EQ(frame_seq(q->gso_skb), 5);  /* the refused packet is held as the next one */
    CHECK_EQ(qdisc_qlen(q), 7);
    CHECK_EQ(q->bypass, 6);              /* 0..5 bypassed; 6.. queued behind the requeue */
    CHECK_EQ(fake_softirq_raises[NET_TX_SOFTIRQ], 0);   /* nothing to do until the wake */
    fake_softirq_run(10);
    CHECK_EQ(drv.sent, 5);
    /* the "TX completion" frees room and wakes the queue: NET_TX sends the rest */
    drv.budget = 4;
    netif_tx_wake_queue(txq);
    CHECK_EQ(fake_softirq_raises[NET_TX_SOFTIRQ], 1);
    fake_softirq_run(10);
    CHECK_EQ(drv.sent, 9);
    CHECK_EQ(drv.busy, 2);
    CHECK_EQ(q->qstats.requeues, 2);
    CHECK_EQ(frame_seq(q->gso_skb), 9);
    drv.budget = -1;
    netif_tx_wake_queue(txq);
    fake_softirq_run(10);
    CHECK_EQ(drv.sent, 12);
    CHECK_EQ(qdisc_qlen(q), 0);
    CHECK(q->gso_skb == NULL);
    check_sent_in_order(12);
    CHECK_EQ(txq->stops, 2);
    CHECK_EQ(txq->wakes, 2);
    free_dev(dev);
}

TEST(busy_without_stop_retries_from_net_tx)
{
    struct net_device *dev = make_dev(1);
    struct Qdisc *q = dev->tx_queue[0].qdisc;
    drv.budget = 0;
    drv.stop_on_busy = false;
    CHECK_EQ(xmit(dev, 0), NET_XMIT_SUCCESS);
    CHECK_EQ(xmit(dev, 1), NET_XMIT_SUCCESS);
    CHECK_EQ(q->busy_unstopped, 2);      /* refused twice: bypass, then the run after enqueue */
    CHECK(fake_softirq_pending & BIT(NET_TX_SOFTIRQ));
    drv.budget = -1;
    fake_softirq_run(10);
    CHECK_EQ(drv.sent, 2);
    CHECK_EQ(drv.log[0], 0);
    CHECK_EQ(drv.log[1], 1);
    free_dev(dev);
}

TEST(pfifo_fast_bands_by_priority_never_the_ip_header)
{
    struct net_device *dev = make_dev(1);
    struct netdev_queue *txq = &dev->tx_queue[0];
    struct sk_buff *probe = frame(dev, 0, 6, -1, 0);
    CHECK_EQ(pfifo_fast_band(probe), 0);
    kfree_skb(probe);
    netif_tx_stop_queue(txq);
    /* seq: band expected. The TOS byte is the socket's business (IP_TOS sets
     * sk_priority through rt_tos2priority); the qdisc reads skb->priority only. */
    dev_queue_xmit(frame(dev, 0, 0, -1, 0));     /* prio 0 -> band 1 */
    dev_queue_xmit(frame(dev, 1, 2, -1, 0));     /* bulk -> band 2 */
    dev_queue_xmit(frame(dev, 2, 6, -1, 0));     /* interactive -> band 0 */
    dev_queue_xmit(frame(dev, 3, 0, 0x08, 1));   /* TOS throughput, prio 0 -> band 1 */
    dev_queue_xmit(frame(dev, 4, 0, 0x10, 1));   /* TOS low delay, prio 0 -> band 1 */
    dev_queue_xmit(frame(dev, 5, 7, -1, 0));     /* band 0 */
    dev_queue_xmit(frame(dev, 6, 0, 0x00, 1));   /* plain IPv4 -> band 1 */
    dev_queue_xmit(frame(dev, 7, 4, 0x10, 1));   /* prio 4 -> band 1 */
    CHECK_EQ(qdisc_qlen(txq->qdisc), 8);
    qdisc_dump(dev);
    netif_tx_wake_queue(txq);
    fake_softirq_run(10);
    CHECK_EQ(drv.sent, 8);
    static const uint32_t want[8] = { 2, 5, 0, 3, 4, 6, 7, 1 };
    for (int i = 0; i < 8; i++)
        CHECK_EQ(drv.log[i], want[i]);
    free_dev(dev);
}

TEST(limit_drops_counted)
{
    struct net_device *dev = make_dev(1);
    struct netdev_queue *txq = &dev->tx_queue[0];
    struct Qdisc *q = txq->qdisc;
    netif_tx_stop_queue(txq);
    int drops = 0;
    for (uint32_t i = 0; i < 1010; i++)
        if (xmit(dev, i) == NET_XMIT_DROP)
            drops++;
    CHECK_EQ(drops, 10);
    CHECK_EQ(qdisc_qlen(q), 1000);
    CHECK_EQ(q->qstats.drops, 10);
    CHECK_EQ(q->qstats.overlimits, 10);
    CHECK_EQ(q->qstats.backlog, 1000 * (ETH_HLEN + 4));
    CHECK_EQ(st().alive, alive0 + 1000);
    struct dev_xmit_stats xs;
    dev_xmit_get_stats(&xs);
    CHECK(xs.qdisc_drops >= 10);
    /* the device goes down: everything queued is dropped and counted, nothing leaks */
    dev_reset_queues(dev);
    CHECK_EQ(qdisc_qlen(q), 0);
    CHECK_EQ(q->qstats.backlog, 0);
    CHECK_EQ(q->qstats.drops, 1010);
    CHECK_EQ(st().alive, alive0);
    free_dev(dev);
}

TEST(requeued_packet_dropped_on_reset)
{
    struct net_device *dev = make_dev(1);
    struct Qdisc *q = dev->tx_queue[0].qdisc;
    drv.budget = 0;
    xmit(dev, 0);
    xmit(dev, 1);
    CHECK(q->gso_skb != NULL);
    CHECK_EQ(qdisc_qlen(q), 2);
    free_dev(dev);                     /* destroy frees both the queued and the held one */
}

TEST(device_down_and_bad_frames_dropped)
{
    struct net_device *dev = make_dev(1);
    struct dev_xmit_stats a, b;
    dev_xmit_get_stats(&a);
    dev->up = false;
    CHECK_EQ(xmit(dev, 0), -ENETDOWN);
    dev->up = true;
    struct sk_buff *runt = alloc_skb(64);
    skb_put(runt, 10);
    runt->dev = dev;
    CHECK_EQ(dev_queue_xmit(runt), -EINVAL);
    struct sk_buff *nodev = alloc_skb(64);
    skb_put(nodev, 60);
    CHECK_EQ(dev_queue_xmit(nodev), -EINVAL);
    dev_xmit_get_stats(&b);
    CHECK_EQ(b.dev_down, a.dev_down + 1);
    CHECK_EQ(b.bad_skb, a.bad_skb + 2);
    CHECK_EQ(drv.sent, 0);
    CHECK_EQ(fake_bh_depth, 0);
    free_dev(dev);
}

/* the hash the IP layer would give flow `port` (ip_build_header sets skb->hash) */
static struct sk_buff *flow_frame(struct net_device *dev, uint32_t seq, uint16_t port)
{
    struct sk_buff *skb = frame(dev, seq, 0, 0, port);
    skb->hash = hash_mix32(port);
    if (!skb->hash)
        skb->hash = 1;
    return skb;
}

TEST(pick_tx_flow_hash_stable_and_spread)
{
    struct net_device *dev = make_dev(4);
    int used[4] = { 0 };
    for (uint16_t port = 1000; port < 1064; port++) {
        struct sk_buff *a = flow_frame(dev, 0, port);
        struct sk_buff *b = flow_frame(dev, 1, port);
        uint16_t qa = netdev_pick_tx(dev, a), qb = netdev_pick_tx(dev, b);
        CHECK_EQ(qa, qb);                 /* same flow, same queue */
        CHECK(qa < 4);
        used[qa]++;
        kfree_skb(a);
        kfree_skb(b);
    }
    for (int i = 0; i < 4; i++)
        CHECK(used[i] > 4);               /* 64 flows land on every queue */
    /* a hash already set (e.g. by the socket) is used as is */
    struct sk_buff *h = frame(dev, 0, 0, 0, 5);
    h->hash = 4 * 1000 + 3;
    CHECK_EQ(netdev_pick_tx(dev, h), 3);
    kfree_skb(h);
    /* a frame nobody hashed (ARP, raw frames) hashes its Ethernet header, never its IP
     * header: the same for any ports, stable, and stored */
    struct sk_buff *f1 = frame(dev, 0, 0, 0, 1234), *f2 = frame(dev, 0, 0, 0, 4321);
    CHECK_EQ(skb_flow_hash(f1), skb_flow_hash(f2));
    CHECK(skb_flow_hash(f1) != 0);
    uint16_t q1 = netdev_pick_tx(dev, f1);
    CHECK(f1->hash != 0);
    CHECK_EQ(netdev_pick_tx(dev, f1), q1);
    kfree_skb(f1);
    kfree_skb(f2);
    /* real_num_tx_queues narrows the choice */
    dev->real_num_tx_queues = 1;
    struct sk_buff *o = flow_frame(dev, 0, 99);
    CHECK_EQ(netdev_pick_tx(dev, o), 0);
    kfree_skb(o);
    dev->real_num_tx_queues = 4;
    /* through dev_queue_xmit: every packet of a flow on one queue, in order */
    for (uint32_t i = 0; i < 20; i++)
        dev_queue_xmit(flow_frame(dev, i, (uint16_t)(2000 + i % 4)));
    CHECK_EQ(drv.sent, 20);
    for (int i = 0; i < 20; i++)
        for (int j = 0; j < i; j++)
            if (drv.log[j] % 4 == drv.log[i] % 4) {
                CHECK_EQ(drv.logq[j], drv.logq[i]);
                CHECK(drv.log[j] < drv.log[i]);
            }
    free_dev(dev);
}

TEST(stopped_queue_does_not_block_other_queues)
{
    struct net_device *dev = make_dev(2);
    /* find a port per queue */
    uint16_t port_for[2] = { 0, 0 };
    for (uint16_t p = 1; p < 200 && (!port_for[0] || !port_for[1]); p++) {
        struct sk_buff *s = flow_frame(dev, 0, p);
        uint16_t qi = netdev_pick_tx(dev, s);
        if (!port_for[qi])
            port_for[qi] = p;
        kfree_skb(s);
    }
    CHECK(port_for[0] && port_for[1]);
    netif_tx_stop_queue(&dev->tx_queue[0]);
    dev_queue_xmit(flow_frame(dev, 1, port_for[0]));
    dev_queue_xmit(flow_frame(dev, 2, port_for[1]));
    CHECK_EQ(drv.sent, 1);
    CHECK_EQ(drv.log[0], 2);
    CHECK_EQ(qdisc_qlen(dev->tx_queue[0].qdisc), 1);
    netif_tx_wake_queue(&dev->tx_queue[0]);
    fake_softirq_run(10);
    CHECK_EQ(drv.sent, 2);
    CHECK_EQ(drv.log[1], 1);
    free_dev(dev);
}

/* --- NAPI: napi_complete_done and the NET_RX poll loop (net/core/dev.c) --- */
static struct {
    int pending;           /* packets the "ring" still holds */
    int polls;
    int irq_enabled;       /* times the driver unmasked its interrupt */
} nd;

/* One poll of the fake ring: take what the budget allows. */
static int drain(int budget)
{
    nd.polls++;
    int work = MIN(nd.pending, budget);
    nd.pending -= work;
    return work;
}
/* The end of a poll: complete, and unmask when the core allows it. */
static int complete(struct napi_struct *napi, int work)
{
    if (napi_complete_done(napi, work))
        nd.irq_enabled++;
    return work;
}

/* A driver that, like a careless one, always tries to complete: the core must refuse a
 * completion that used the whole weight, or the work left would wait for an interrupt. */
static int greedy_poll(struct napi_struct *napi, int budget)
{
    return complete(napi, drain(budget));
}

TEST(napi_complete_done_refuses_a_full_budget)
{
    memset(&nd, 0, sizeof(nd));
    fake_softirq_reset();
    open_softirq(NET_RX_SOFTIRQ, net_rx_action);
    static struct napi_struct napi;
    netif_napi_add(NULL, &napi, greedy_poll, 64);
    nd.pending = 2 * 64 + 10;
    napi_schedule(&napi);
    fake_softirq_run(10);
    CHECK_EQ(nd.pending, 0);                /* drained by NET_RX, not left for an interrupt */
    CHECK_EQ(nd.polls, 3);
    CHECK_EQ(nd.irq_enabled, 1);            /* unmasked once, after the short poll */
    CHECK_EQ(napi.complete_refused, 2);
    CHECK_EQ(napi.work, 2 * 64 + 10);
    CHECK(!(napi.state & NAPI_STATE_SCHED));
    /* completed: the next interrupt schedules it again */
    nd.pending = 3;
    napi_schedule(&napi);
    fake_softirq_run(10);
    CHECK_EQ(nd.pending, 0);
    CHECK_EQ(nd.irq_enabled, 2);
}

/* The device's interrupt fires while the poll runs, for a frame that landed after the
 * poll looked at the ring (QEMU's igb clears the cause as it sends the message, so it
 * will not fire again). Linux's NAPI_STATE_MISSED: that schedule is remembered and the
 * completion polls once more instead of unmasking, so the frame is not left waiting for
 * an interrupt that never comes. */
static struct napi_struct *racing_napi;
static int racing_poll(struct napi_struct *napi, int budget)
{
    int work = drain(budget);
    if (nd.polls == 1) {
        nd.pending++;                  /* a frame lands after the ring was read ... */
        napi_schedule(racing_napi);    /* ... and its interrupt arrives mid-poll */
    }
    return complete(napi, work);
}

TEST(napi_schedule_during_poll_is_not_lost)
{
    memset(&nd, 0, sizeof(nd));
    fake_softirq_reset();
    open_softirq(NET_RX_SOFTIRQ, net_rx_action);
    static struct napi_struct napi;
    netif_napi_add(NULL, &napi, racing_poll, 64);
    racing_napi = &napi;
    nd.pending = 5;
    napi_schedule(&napi);
    fake_softirq_run(10);
    CHECK_EQ(nd.pending, 0);               /* the late frame was polled, not stranded */
    CHECK_EQ(nd.polls, 2);
    CHECK_EQ(nd.irq_enabled, 1);           /* unmasked only after the second poll */
    CHECK_EQ(napi.missed, 1);
    CHECK(!(napi.state & (NAPI_STATE_SCHED | NAPI_STATE_MISSED)));
}
