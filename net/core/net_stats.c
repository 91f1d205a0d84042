/* net/core/net_stats.c - a periodic one-line summary of the stack's buffers and work,
 * enabled with netstat=SECONDS on the command line. It prints only when something changed,
 * so an idle system stays quiet; end-to-end tests read it to check that every packet
 * buffer came back after their traffic (skb counters back to their baseline), and
 * `make bench` divides the driver's interrupts and register accesses by packets. */
#include "net/core/skbuff.h"
#include "net/core/netdevice.h"
#include "kernel/cmdline.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/lib/string.h"

CMDLINE_KEY(netstat, "netstat", "print skb/softirq/device counters every N seconds when they change");

static struct timer_list netstat_timer;
static uint64_t period;
static char last[200];

static void netstat_tick(struct timer_list *t)
{
    struct skb_stats s;
    skb_get_stats(&s);
    struct rtnl_link_stats64 d = { 0 };
    struct net_device *dev = first_net_device();
    if (dev && dev->netdev_ops->ndo_get_stats64)
        dev->netdev_ops->ndo_get_stats64(dev, &d);
    char line[200];
    snprintf(line, sizeof(line),
             "skb alive=%llu data=%llu bytes=%llu | softirq NET_TX=%llu NET_RX=%llu | tx=%llu rx=%llu",
             (unsigned long long)s.alive, (unsigned long long)s.data_alive,
             (unsigned long long)s.bytes_held,
             (unsigned long long)softirq_count(NET_TX_SOFTIRQ),
             (unsigned long long)softirq_count(NET_RX_SOFTIRQ),
             (unsigned long long)d.tx_packets, (unsigned long long)d.rx_packets);
    if (strcmp(line, last) != 0) {
        strlcpy(last, line, sizeof(last));
        /* the driver's costs ride along but do not count as a change: its watchdog reads
         * registers on an idle system too */
        struct netdev_cost_stats c = { 0 };
        if (dev && dev->netdev_ops->ndo_get_cost_stats)
            dev->netdev_ops->ndo_get_cost_stats(dev, &c);
        printk("netstat: %s | irq=%llu mmio_rd=%llu mmio_wr=%llu\n", line,
               (unsigned long long)c.interrupts, (unsigned long long)c.mmio_reads,
               (unsigned long long)c.mmio_writes);
    }
    mod_timer(t, jiffies + period * HZ);
}

static int netstat_init(void)
{
    period = cmdline_get_u64("netstat", 0);
    if (!period)
        return 0;
    timer_setup(&netstat_timer, netstat_tick, 0);
    netstat_tick(&netstat_timer);   /* the baseline now; the tick re-arms itself */
    return 0;
}
late_initcall(netstat_init);
