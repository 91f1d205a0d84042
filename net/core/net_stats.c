/* net/core/net_stats.c - a periodic one-line summary of the stack's buffers, sockets and work,
 * enabled with netstat=SECONDS on the command line. It prints only when something changed,
 * so an idle system stays quiet; end-to-end tests read it to check that every packet
 * buffer came back after their traffic (skb counters back to their baseline), and
 * `make bench` divides the driver's interrupts and register accesses by packets. It also
 * registers the stack's sections of /proc/wirepath/stats. */
#include "net/core/gso.h"
#include "net/core/gro.h"
#include "net/core/skbuff.h"
#include "net/core/netdevice.h"
#include "net/core/sock.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/udp.h"
#include "kernel/proc_stats.h"
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
    struct gso_stats gs;        /* segments GSO made, segments GRO joined */
    gso_get_stats(&gs);
    struct gro_stats gr;
    gro_get_stats(&gr);
    char line[256];
    snprintf(line, sizeof(line),
             "skb alive=%llu data=%llu bytes=%llu | softirq NET_TX=%llu NET_RX=%llu | tx=%llu rx=%llu"
             " | socks=%llu | gso=%llu gro=%llu",
             (unsigned long long)s.alive, (unsigned long long)s.data_alive,
             (unsigned long long)s.bytes_held,
             (unsigned long long)softirq_count(NET_TX_SOFTIRQ),
             (unsigned long long)softirq_count(NET_RX_SOFTIRQ),
             (unsigned long long)d.tx_packets, (unsigned long long)d.rx_packets,
             (unsigned long long)ks.socks_alive, (unsigned long long)gs.segs,
             (unsigned long long)gr.merged);
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

/* ---- the stack's sections of /proc/wirepath/stats (kernel/proc_stats.h) ---- */

#define STAT(o, s, field) stats_u64(o, #field, (s).field)

static void dump_skb(struct stats_out *o)
{
    struct skb_stats s;
    skb_get_stats(&s);
    STAT(o, s, alive); STAT(o, s, data_alive); STAT(o, s, bytes_held); STAT(o, s, allocs);
    STAT(o, s, frees); STAT(o, s, clones); STAT(o, s, copies); STAT(o, s, alloc_failures);
    STAT(o, s, drops);
}

static void dump_sockets(struct stats_out *o)
{
    struct sock_stats s;
    sock_get_stats(&s);
    STAT(o, s, socks_alive); STAT(o, s, rcv_queued); STAT(o, s, rcv_drops);
    STAT(o, s, wmem_charged); STAT(o, s, wmem_uncharged);
}

/* one object per device, keyed by its name (ip -s link) */
static void dump_devices(struct stats_out *o)
{
    struct net_device *dev;
    list_for_each_entry(dev, &net_devices, dev_list) {
        struct rtnl_link_stats64 d = { 0 };
        if (dev->netdev_ops->ndo_get_stats64)
            dev->netdev_ops->ndo_get_stats64(dev, &d);
        stats_obj(o, dev->name);
        STAT(o, d, rx_packets); STAT(o, d, tx_packets); STAT(o, d, rx_bytes);
        STAT(o, d, tx_bytes); STAT(o, d, rx_errors); STAT(o, d, tx_errors);
        STAT(o, d, rx_dropped); STAT(o, d, tx_dropped); STAT(o, d, multicast);
        STAT(o, d, rx_length_errors); STAT(o, d, rx_over_errors); STAT(o, d, rx_crc_errors);
        STAT(o, d, rx_fifo_errors); STAT(o, d, rx_missed_errors); STAT(o, d, tx_fifo_errors);
        STAT(o, d, rx_nohandler);
        stats_obj_end(o);
    }
}

/* the /proc/net/snmp "Ip:" fields, then IpExt and the drop reasons */
static void dump_ip(struct stats_out *o)
{
    const struct ipstats_mib s = ipstats;
    STAT(o, s, InReceives); STAT(o, s, InHdrErrors); STAT(o, s, InAddrErrors);
    STAT(o, s, InUnknownProtos); STAT(o, s, InDiscards); STAT(o, s, InDelivers);
    STAT(o, s, OutRequests); STAT(o, s, OutDiscards); STAT(o, s, OutNoRoutes);
    STAT(o, s, ReasmTimeout); STAT(o, s, ReasmReqds); STAT(o, s, ReasmOKs);
    STAT(o, s, ReasmFails); STAT(o, s, FragOKs); STAT(o, s, FragFails); STAT(o, s, FragCreates);
    STAT(o, s, InTruncatedPkts); STAT(o, s, InCsumErrors); STAT(o, s, InBcastPkts);
    STAT(o, s, InMcastPkts); STAT(o, s, OutBcastPkts); STAT(o, s, InOctets); STAT(o, s, OutOctets);
}

static void dump_icmp(struct stats_out *o)
{
    const struct icmp_mib s = icmpstats;
    STAT(o, s, InMsgs); STAT(o, s, InErrors); STAT(o, s, InCsumErrors);
    STAT(o, s, InDestUnreachs); STAT(o, s, InTimeExcds); STAT(o, s, InParmProbs);
    STAT(o, s, InSrcQuenchs); STAT(o, s, InRedirects); STAT(o, s, InEchos);
    STAT(o, s, InEchoReps); STAT(o, s, OutMsgs); STAT(o, s, OutErrors);
    STAT(o, s, OutRateLimitGlobal); STAT(o, s, OutRateLimitHost); STAT(o, s, OutDestUnreachs); STAT(o, s, OutTimeExcds);
    STAT(o, s, OutParmProbs); STAT(o, s, OutEchos); STAT(o, s, OutEchoReps);
}

static void dump_udp(struct stats_out *o)
{
    const struct udp_mib s = udpstats;
    STAT(o, s, InDatagrams); STAT(o, s, NoPorts); STAT(o, s, InErrors);
    STAT(o, s, OutDatagrams); STAT(o, s, RcvbufErrors); STAT(o, s, SndbufErrors);
    STAT(o, s, InCsumErrors); STAT(o, s, IgnoredMulti);
}

static struct stats_section net_sections[] = {
    { "skb", dump_skb, NULL },
    { "sockets", dump_sockets, NULL },
    { "devices", dump_devices, NULL },
    { "ip", dump_ip, NULL },
    { "icmp", dump_icmp, NULL },
    { "udp", dump_udp, NULL },
};

static int net_stats_register(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(net_sections); i++)
        stats_register(&net_sections[i]);
    return 0;
}
subsys_initcall(net_stats_register);
