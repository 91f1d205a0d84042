/* net/core/net_stats.c - a periodic one-line summary of the stack's buffers, sockets and work,
 * enabled with netstat=SECONDS on the command line. It prints only when something changed,
 * so an idle system stays quiet; end-to-end tests read it to check that every packet
 * buffer came back after their traffic (skb counters back to their baseline). */
#include "net/core/skbuff.h"
#include "net/core/netdevice.h"
#include "net/core/sock.h"
#include "kernel/cmdline.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/lib/string.h"

CMDLINE_KEY(netstat, "netstat", "print skb/softirq/device counters every N seconds when they change");

static struct timer_list netstat_timer;
static uint64_t period;
static char last[256];

static void netstat_tick(struct timer_list *t)
{
    struct skb_stats s;
    skb_get_stats(&s);
    struct rtnl_link_stats64 d = { 0 };
    struct net_device *dev = first_net_device();
    if (dev && dev->netdev_ops->ndo_get_stats64)
        dev->netdev_ops->ndo_get_stats64(dev, &d);
    struct sock_stats ks;
    sock_get_stats(&ks);
    char line[256];
    snprintf(line, sizeof(line),
             "skb alive=%llu data=%llu bytes=%llu | softirq NET_TX=%llu NET_RX=%llu | tx=%llu rx=%llu"
             " | socks=%llu",
             (unsigned long long)s.alive, (unsigned long long)s.data_alive,
             (unsigned long long)s.bytes_held,
             (unsigned long long)softirq_count(NET_TX_SOFTIRQ),
             (unsigned long long)softirq_count(NET_RX_SOFTIRQ),
             (unsigned long long)d.tx_packets, (unsigned long long)d.rx_packets,
             (unsigned long long)ks.socks_alive);
    if (strcmp(line, last) != 0) {
        strlcpy(last, line, sizeof(last));
        printk("netstat: %s\n", line);
    }
    mod_timer(t, jiffies + period * HZ);
}

static int netstat_init(void)
{
    period = cmdline_get_u64("netstat", 0);
    if (!period)
        return 0;
    timer_setup(&netstat_timer, netstat_tick, 0);
    mod_timer(&netstat_timer, jiffies + period * HZ);
    return 0;
}
late_initcall(netstat_init);
