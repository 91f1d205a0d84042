// SOURCES: net/core/dev_xmit.c net/sched/sch_generic.c net/core/gso.c net/core/gro.c kernel/cmdline.c net/sched/sch_pfifo_fast.c net/core/sock.c net/core/skbuff.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_softirq.c tests/unit/fake_clock.c
/* tests/unit/test_loopback.c - the loopback device and the backlog under it: a frame
 * sent through lo comes back up to the protocol handler, but only from NET_RX (never
 * inside the sender's call); CHECKSUM_PARTIAL arrives as CHECKSUM_UNNECESSARY; the
 * sender's socket charge ends at the device; the backlog's 1000-packet limit drops and
 * counts; counters match; no skb leaked. net/core/dev.c and drivers/net/loopback.c are
 * compiled into this file so that their initcalls can be called. */
#include "tests/unit/unit.h"
#include "tests/unit/fake_softirq.h"
#include "net/core/netdevice.h"
#include "net/core/sock.h"
#include "kernel/time.h"
#include "net/core/dev.c"
#include "net/core/dev_registry.c"
#include "drivers/net/loopback.c"

volatile uint64_t jiffies;
void panic(const char *fmt, ...) { (void)fmt; abort(); }
void init_waitqueue_head(struct wait_queue_head *wq) { INIT_LIST_HEAD(&wq->waiters); }
void wake_up(struct wait_queue_head *wq) { (void)wq; }

static int received;
static unsigned last_len;
static uint8_t last_summed, last_pkt_type;
static int ip_handler(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt)
{
    (void)pt;
    received++;
    last_len = skb->len;
    last_summed = skb->ip_summed;
    last_pkt_type = skb->pkt_type;
    CHECK(dev == loopback_dev);
    CHECK(skb->data[0] == 0x45);              /* data at the network header */
    consume_skb(skb);
    return 0;
}
static struct packet_type ip_pt = { .type = ETH_P_IP, .func = ip_handler };

static int orphaned;
static void count_orphan(struct sk_buff *skb) { (void)skb; orphaned++; }

static struct sk_buff *frame(unsigned payload)
{
    struct sk_buff *skb = alloc_skb(64 + ETH_HLEN + payload);
    skb_reserve(skb, 64);
    uint8_t *p = skb_put(skb, ETH_HLEN + payload);
    memset(p, 0, ETH_HLEN);
    p[12] = 0x08;
    memset(p + ETH_HLEN, 0x45, payload);
    skb->dev = loopback_dev;
    return skb;
}

static void setup_once(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    CHECK_EQ(net_dev_init(), 0);
    CHECK_EQ(loopback_init(), 0);
    dev_add_pack(&ip_pt);
}

TEST(lo_registered_with_offloads)
{
    setup_once();
    struct net_device *lo = loopback_dev;
    CHECK(lo != NULL);
    CHECK_STR(lo->name, "lo");
    CHECK(lo->up && netif_carrier_ok(lo));
    CHECK_EQ(lo->flags, IFF_LOOPBACK | IFF_NOARP);
    CHECK_EQ(lo->mtu, 65536);
    CHECK(lo->features & NETIF_F_IP_CSUM);
    CHECK(lo->features & NETIF_F_TSO);
    CHECK(first_net_device() == NULL);        /* lo is not the machine's NIC */
    CHECK(dev_get_by_name("lo") == lo);
}

TEST(frame_comes_back_from_net_rx_not_recursively)
{
    setup_once();
    received = 0;
    orphaned = 0;
    struct rtnl_link_stats64 s0, s1;
    loopback_get_stats64(loopback_dev, &s0);
    struct sk_buff *skb = frame(1000);
    skb->ip_summed = CHECKSUM_PARTIAL;
    skb->destructor = count_orphan;
    CHECK_EQ(dev_queue_xmit(skb), NET_XMIT_SUCCESS);
    CHECK_EQ(orphaned, 1);                    /* the sender's charge ended at lo */
    CHECK_EQ(received, 0);                    /* not inside the sender's call */
    CHECK(fake_softirq_pending & (1u << NET_RX_SOFTIRQ));
    fake_softirq_run(10);
    CHECK_EQ(received, 1);
    CHECK_EQ(last_len, 1000);
    CHECK_EQ(last_summed, CHECKSUM_UNNECESSARY);
    CHECK_EQ(last_pkt_type, PACKET_HOST);
    loopback_get_stats64(loopback_dev, &s1);
    CHECK_EQ(s1.tx_packets - s0.tx_packets, 1);
    CHECK_EQ(s1.rx_packets - s0.rx_packets, 1);
    CHECK_EQ(s1.tx_bytes - s0.tx_bytes, ETH_HLEN + 1000);
    /* software-summed traffic stays CHECKSUM_NONE (the receiver verifies) */
    skb = frame(20);
    skb->ip_summed = CHECKSUM_NONE;
    dev_queue_xmit(skb);
    fake_softirq_run(10);
    CHECK_EQ(received, 2);
    CHECK_EQ(last_summed, CHECKSUM_NONE);
    struct skb_stats ss;
    skb_get_stats(&ss);
    CHECK_EQ(ss.alive, 0);
}

TEST(backlog_limit_drops_and_counts_then_drains)
{
    setup_once();
    received = 0;
    struct rtnl_link_stats64 s0, s1;
    struct backlog_stats b0, b1;
    loopback_get_stats64(loopback_dev, &s0);
    netif_rx_get_stats(&b0);
    for (int i = 0; i < NETDEV_MAX_BACKLOG + 5; i++)
        dev_queue_xmit(frame(64));
    netif_rx_get_stats(&b1);
    CHECK_EQ(b1.qlen, NETDEV_MAX_BACKLOG);
    CHECK_EQ(b1.dropped - b0.dropped, 5);
    loopback_get_stats64(loopback_dev, &s1);
    CHECK_EQ(s1.rx_dropped - s0.rx_dropped, 5);
    CHECK_EQ(s1.rx_packets - s0.rx_packets, NETDEV_MAX_BACKLOG);
    /* NET_RX drains it in budgeted passes, re-raising itself until empty */
    fake_softirq_run(100);
    CHECK_EQ(received, NETDEV_MAX_BACKLOG);
    netif_rx_get_stats(&b1);
    CHECK_EQ(b1.qlen, 0);
    CHECK(b1.polls - b0.polls >= NETDEV_MAX_BACKLOG / 64);
    CHECK(!(fake_softirq_pending & (1u << NET_RX_SOFTIRQ)));
    struct skb_stats ss;
    skb_get_stats(&ss);
    CHECK_EQ(ss.alive, 0);
}
