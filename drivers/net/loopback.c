/* drivers/net/loopback.c - the loopback device "lo" (127.0.0.1/8).
 *
 * A frame handed to lo's ndo_start_xmit comes back in as a received frame: the
 * Ethernet header the neighbour layer put in front (all-zero addresses: lo is
 * IFF_NOARP, so its neighbours need no resolution) is stripped by eth_type_trans and
 * the packet goes to the backlog (netif_rx), which NET_RX drains into
 * netif_receive_skb. Never straight into the receive path: the sender may hold state
 * (a socket, the qdisc) that the receive side would take again.
 *
 * Offloads: lo advertises checksum offload, scatter-gather and TSO so that the stack
 * never computes a checksum or cuts a segment for it. A CHECKSUM_PARTIAL packet is
 * delivered as CHECKSUM_UNNECESSARY: the bytes never left memory, so there is nothing
 * to verify (Linux does the same). The MTU is 65536, so no IPv4 datagram (at most
 * 65535 bytes) is fragmented on lo.
 *
 * The sending socket's memory charge ends here (skb_orphan): the receiving socket
 * charges the packet to itself, and a sender must not stay charged for data that now
 * sits in another socket's receive queue. */
#include "net/core/netdevice.h"
#include "net/core/sock.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

#define LOOPBACK_MTU (64 * 1024)

struct loopback_priv {
    uint64_t packets, bytes, drops;
};

static netdev_tx_t loopback_xmit(struct sk_buff *skb, struct net_device *dev)
{
    struct loopback_priv *lp = netdev_priv(dev);
    unsigned int len = skb->len;
    skb_orphan(skb);
    if (skb->ip_summed == CHECKSUM_PARTIAL)
        skb->ip_summed = CHECKSUM_UNNECESSARY;
    else if (skb->ip_summed != CHECKSUM_UNNECESSARY)
        skb->ip_summed = CHECKSUM_NONE;
    skb->protocol = eth_type_trans(skb, dev);
    /* one counter for both directions: every frame sent is a frame received */
    if (netif_rx(skb) == NET_RX_SUCCESS) {
        lp->packets++;
        lp->bytes += len;
    } else {
        lp->drops++;
    }
    /* the frame is taken either way (a backlog drop is counted, as a full ring's is) */
    return NETDEV_TX_OK;
}

static void loopback_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
    const struct loopback_priv *lp = netdev_priv(dev);
    memset(s, 0, sizeof(*s));
    s->tx_packets = s->rx_packets = lp->packets;
    s->tx_bytes = s->rx_bytes = lp->bytes;
    s->rx_dropped = lp->drops;
}

static void loopback_dump_stats(struct net_device *dev)
{
    const struct loopback_priv *lp = netdev_priv(dev);
    struct backlog_stats b;
    netif_rx_get_stats(&b);
    printk("%s: packets %llu bytes %llu dropped %llu; backlog queued %llu delivered %llu"
           " dropped %llu polls %llu qlen %u\n", dev->name, (unsigned long long)lp->packets,
           (unsigned long long)lp->bytes, (unsigned long long)lp->drops,
           (unsigned long long)b.queued, (unsigned long long)b.delivered,
           (unsigned long long)b.dropped, (unsigned long long)b.polls, b.qlen);
}

static int loopback_open(struct net_device *dev)
{
    netif_carrier_on(dev);
    return 0;
}

static const struct net_device_ops loopback_ops = {
    .ndo_open = loopback_open,
    .ndo_start_xmit = loopback_xmit,
    .ndo_get_stats64 = loopback_get_stats64,
    .ndo_dump_stats = loopback_dump_stats,
};

/* Registered with the drivers; its address (devinet's inet_init_loopback) comes with
 * the IPv4 configuration. */
static int loopback_init(void)
{
    struct net_device *dev = alloc_etherdev(sizeof(struct loopback_priv), 1);
    if (!dev)
        return -ENOMEM;
    strlcpy(dev->name, "lo", sizeof(dev->name));
    dev->netdev_ops = &loopback_ops;
    dev->flags = IFF_LOOPBACK | IFF_NOARP;
    dev->mtu = LOOPBACK_MTU;
    dev->features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_TSO | NETIF_F_RXCSUM;
    memset(dev->broadcast, 0, ETH_ALEN);   /* dev_addr is all zeroes too (alloc) */
    int r = register_netdev(dev);
    if (r < 0) {
        pr_err("loopback: cannot register: %d\n", r);
        return r;
    }
    r = dev_open(dev);
    if (r < 0)
        return r;
    loopback_dev = dev;
    return 0;
}
device_initcall(loopback_init);
