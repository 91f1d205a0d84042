/* net/core/netdevice.h - the device abstraction between the stack and the drivers.
 *
 * The stack reaches a driver only through net_device_ops; a driver reaches the stack only
 * through the calls declared here (netif_receive_skb, napi_*, netif_*_queue, carrier).
 * Nothing above this layer includes a driver header. */
#ifndef WP_NETDEVICE_H
#define WP_NETDEVICE_H

#include "kernel/compiler.h"
#include "kernel/list.h"
#include "kernel/errno.h"
#include "net/core/skbuff.h"

#define ETH_ALEN      6
#define ETH_HLEN      14
#define ETH_ZLEN      60          /* minimum frame without FCS */
#define ETH_DATA_LEN  1500
#define ETH_FRAME_LEN 1514
#define ETH_P_IP      0x0800
#define ETH_P_ARP     0x0806
#define ETH_P_IPV6    0x86dd
#define ETH_P_ALL     0x0003      /* packet taps: every frame */

#define IFNAMSIZ 16
#define NETDEV_MAX_QUEUES 4

/* features */
#define NETIF_F_SG       BIT(0)   /* scatter-gather: fragments in frags[] */
#define NETIF_F_IP_CSUM  BIT(1)   /* TCP/UDP over IPv4 checksum offload */
#define NETIF_F_HW_CSUM_IPV4HDR BIT(2)  /* IPv4 header checksum offload */
#define NETIF_F_TSO      BIT(3)   /* TCP segmentation offload (IPv4) */
#define NETIF_F_RXCSUM   BIT(4)   /* receive checksum verification */
#define NETIF_F_RXHASH   BIT(5)
/* Software segmentation (Linux's NETIF_F_GSO, on for every device): the stack hands
 * down packets of up to 64 KiB with gso_size set even when the device has no TSO, and
 * the device layer cuts them into segments right before the driver (net/core/gso.h). */
#define NETIF_F_GSO      BIT(6)
/* Receive coalescing in software (Linux's NETIF_F_GRO, on for every device): in-order TCP
 * segments of one flow that arrive in one NAPI poll go up the stack as one packet
 * (net/core/gro.h). */
#define NETIF_F_GRO      BIT(7)

/* flags (Linux's IFF_*): what kind of link this is */
#define IFF_LOOPBACK     BIT(3)   /* frames sent come back in: the loopback device */
#define IFF_NOARP        BIT(7)   /* no link-layer address resolution */

typedef enum netdev_tx {
    NETDEV_TX_OK = 0,             /* driver took the skb */
    NETDEV_TX_BUSY = 0x10,        /* ring full: skb NOT taken, caller requeues */
} netdev_tx_t;

struct net_device;

struct rtnl_link_stats64 {
    uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
    uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;
    uint64_t multicast, collisions;
    uint64_t rx_length_errors, rx_over_errors, rx_crc_errors, rx_frame_errors;
    uint64_t rx_fifo_errors, rx_missed_errors;
    uint64_t tx_aborted_errors, tx_carrier_errors, tx_fifo_errors;
    uint64_t rx_nohandler;
};

/* What moving packets cost the driver: register accesses (every one a trap under
 * emulation, a bus round trip on silicon) and interrupts; `make bench` divides these by
 * packets. Register reads done only to collect statistics are left out. */
struct netdev_cost_stats {
    uint64_t interrupts, mmio_reads, mmio_writes;
};

struct net_device_ops {
    int (*ndo_open)(struct net_device *dev);
    int (*ndo_stop)(struct net_device *dev);
    netdev_tx_t (*ndo_start_xmit)(struct sk_buff *skb, struct net_device *dev);
    void (*ndo_get_stats64)(struct net_device *dev, struct rtnl_link_stats64 *s);
    void (*ndo_set_rx_mode)(struct net_device *dev);
    /* ethtool -S style dump of every driver counter, for the shell */
    void (*ndo_dump_stats)(struct net_device *dev);
    /* optional: register accesses and interrupts so far */
    void (*ndo_get_cost_stats)(struct net_device *dev, struct netdev_cost_stats *c);
};

/* TX queue state, shared by the qdisc above and the driver below. */
#define __QUEUE_STATE_DRV_XOFF 0x1
struct Qdisc;
struct netdev_queue {
    struct net_device *dev;
    unsigned int index;
    unsigned long state;
    struct Qdisc *qdisc;
    uint64_t trans_start;           /* jiffies of the last transmit (watchdog) */
    /* Set by the caller of dev_hard_start_xmit while it holds more packets for this queue
     * right behind the current one (Linux's xmit_more): the driver may leave the doorbell
     * (its tail register write) to the last of them. Whoever sets it sends that last one
     * with it clear. */
    bool xmit_more;
    uint64_t stops, wakes;
};

/* NAPI: one poll context per interrupt vector / queue pair. */
struct napi_struct {
    struct list_head poll_list;     /* on the NET_RX poll list while scheduled */
    unsigned long state;
    int weight;                     /* budget per poll call */
    int (*poll)(struct napi_struct *napi, int budget);
    struct net_device *dev;
    uint64_t polls, scheduled;
    uint64_t work;                  /* packets handled, as reported to napi_complete_done */
    uint64_t complete_refused;      /* completions refused: the poll had used its whole weight */
    uint64_t missed;                /* schedules during a poll, each worth one more poll */
    /* GRO (net/core/gro.h): packets held during one poll, each the start of one flow's
     * run that later segments join; delivered when the poll ends or the run does */
#define GRO_MAX_HELD 8
    struct sk_buff *gro_held[GRO_MAX_HELD];
    unsigned gro_count;
};
#define NAPI_STATE_SCHED 0x1
/* napi_schedule while the poll runs (Linux's NAPIF_STATE_MISSED): the interrupt that
 * called it may stand for work the poll has already looked past, and the device will
 * not signal it again (QEMU's igb clears the cause as it sends the message). The
 * completion then polls once more instead of re-enabling the interrupt. */
#define NAPI_STATE_MISSED 0x2

struct net_device {
    char name[IFNAMSIZ];
    int ifindex;
    const struct net_device_ops *netdev_ops;
    uint32_t features;
    unsigned int flags;             /* IFF_* */
    unsigned int mtu;
    uint8_t dev_addr[ETH_ALEN];
    uint8_t broadcast[ETH_ALEN];
    bool up;
    bool carrier;
    unsigned int num_tx_queues, real_num_tx_queues;
    struct netdev_queue tx_queue[NETDEV_MAX_QUEUES];
    uint16_t gso_max_size;
    uint16_t gso_max_segs;
    unsigned int watchdog_timeo;    /* jiffies without TX progress before ndo_tx_timeout */
    struct list_head dev_list;
    void *ip_ptr;                   /* IPv4 configuration (net/ipv4) */
    void *priv;                     /* the driver's private state */
    /* counters kept by the core */
    uint64_t rx_unknown_proto, rx_tap_frames;
};

static inline void *netdev_priv(const struct net_device *dev) { return dev->priv; }

/* Registration. alloc_netdev allocates the device with priv_size bytes of driver state. */
struct net_device *alloc_etherdev(size_t priv_size, unsigned int queues);
int register_netdev(struct net_device *dev);
struct net_device *dev_get_by_name(const char *name);
struct net_device *dev_get_by_index(int ifindex);
/* The first registered device that is not the loopback: the one ip=, DHCP and the
 * tests configure. */
struct net_device *first_net_device(void);
extern struct list_head net_devices;
/* The loopback device (drivers/net/loopback.c), NULL until it registered. */
extern struct net_device *loopback_dev;
int dev_open(struct net_device *dev);

/* Carrier (link state) reported by the driver. */
void netif_carrier_on(struct net_device *dev);
void netif_carrier_off(struct net_device *dev);
static inline bool netif_carrier_ok(const struct net_device *dev) { return dev->carrier; }
/* Listeners for link changes (gratuitous ARP, DHCP restart). */
void netdev_register_link_notifier(void (*fn)(struct net_device *dev, bool up));

/* TX queue flow control. */
static inline struct netdev_queue *netdev_get_tx_queue(struct net_device *dev, unsigned i)
{
    return &dev->tx_queue[i];
}
void netif_tx_stop_queue(struct netdev_queue *q);
void netif_tx_wake_queue(struct netdev_queue *q);   /* reschedules the qdisc */
static inline bool netif_tx_queue_stopped(const struct netdev_queue *q)
{
    return q->state & __QUEUE_STATE_DRV_XOFF;
}
static inline void netif_tx_start_queue(struct netdev_queue *q) { q->state &= ~__QUEUE_STATE_DRV_XOFF; }

/* NAPI */
void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
                    int (*poll)(struct napi_struct *, int), int weight);
void napi_schedule(struct napi_struct *napi);       /* from the hard interrupt */
/* Called by poll when it finished under budget, with the packets it handled; returns
 * true when the driver should re-enable its interrupt. A poll that used its whole weight
 * has more to do: the completion is refused (false, counted) and the instance stays
 * scheduled, so NET_RX polls it again instead of the driver unmasking with work left.
 * So is one that was scheduled again while it ran (NAPI_STATE_MISSED): false, and one
 * more poll. */
bool napi_complete_done(struct napi_struct *napi, int work_done);
/* The NET_RX softirq handler (registered by the device layer's initcall). */
void net_rx_action(void);

/* Receive: the driver hands every good frame here (from its NAPI poll). Consumes skb. */
int netif_receive_skb(struct sk_buff *skb);
/* Receive later (Linux's netif_rx): queue skb (skb->dev and skb->protocol set, data at
 * the network header as eth_type_trans leaves it) on the backlog, which NET_RX hands to
 * netif_receive_skb. For a sender that must not re-enter the receive path from its own
 * stack (the loopback device). NET_RX_SUCCESS, or NET_RX_DROP when the backlog holds
 * netdev_max_backlog packets (skb freed, counted). Callable from tasks and softirqs. */
#define NET_RX_SUCCESS 0
#define NET_RX_DROP    1
#define NETDEV_MAX_BACKLOG 1000
int netif_rx(struct sk_buff *skb);
struct backlog_stats { uint64_t queued, dropped, delivered, polls; uint32_t qlen; };
void netif_rx_get_stats(struct backlog_stats *s);

/* Protocol handlers by ethertype (ETH_P_ALL = tap that sees every frame, RX and TX). */
struct packet_type {
    uint16_t type;
    int (*func)(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt);
    struct list_head list;
};
void dev_add_pack(struct packet_type *pt);
void dev_remove_pack(struct packet_type *pt);

/* Station 11 (net/core/dev_xmit.c): queue a frame for transmission on skb->dev. data
 * points at the Ethernet header. Consumes skb. Returns NET_XMIT_SUCCESS, NET_XMIT_DROP
 * (the qdisc dropped it) or a negative errno (-ENETDOWN, -EINVAL); the packet is gone
 * either way. Callable from tasks and softirqs, not from hard interrupts. */
#define NET_XMIT_SUCCESS 0x00
#define NET_XMIT_DROP    0x01
#define NET_XMIT_CN      0x02     /* queued, but something else was dropped */
/* A NET_XMIT_* code (or -errno) as the errno the sender sees, the one place the device
 * layer's codes are translated (Linux's net_xmit_errno): CN still queued the packet. */
static inline int net_xmit_errno(int rc)
{
    if (rc == NET_XMIT_SUCCESS || rc == NET_XMIT_CN)
        return 0;
    return rc < 0 ? rc : -ENOBUFS;
}
int dev_queue_xmit(struct sk_buff *skb);
/* The TX queue for skb: its flow hash (skb->hash, set by the protocol; else the Ethernet
 * header's, stored into skb->hash) modulo real_num_tx_queues; stable per flow. */
uint16_t netdev_pick_tx(struct net_device *dev, struct sk_buff *skb);

/* Station 14: hand one packet to the driver. */
netdev_tx_t dev_hard_start_xmit(struct sk_buff *skb, struct net_device *dev,
                                struct netdev_queue *txq);

/* Ethernet helpers */
struct ethhdr {
    uint8_t h_dest[ETH_ALEN];
    uint8_t h_source[ETH_ALEN];
    uint16_t h_proto;          /* network order */
} __packed;
static inline struct ethhdr *eth_hdr(const struct sk_buff *skb) { return (struct ethhdr *)skb_mac_header(skb); }
static inline bool is_broadcast_ether_addr(const uint8_t *a)
{
    return (a[0] & a[1] & a[2] & a[3] & a[4] & a[5]) == 0xff;
}
static inline bool is_multicast_ether_addr(const uint8_t *a) { return a[0] & 1; }
static inline bool ether_addr_equal(const uint8_t *a, const uint8_t *b)
{
    return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3] && a[4] == b[4] && a[5] == b[5];
}
/* Strip the Ethernet header, set mac_header/pkt_type; returns the ethertype (host order). */
uint16_t eth_type_trans(struct sk_buff *skb, struct net_device *dev);

static inline uint16_t htons(uint16_t x) { return __builtin_bswap16(x); }
static inline uint16_t ntohs(uint16_t x) { return __builtin_bswap16(x); }
static inline uint32_t htonl(uint32_t x) { return __builtin_bswap32(x); }
static inline uint32_t ntohl(uint32_t x) { return __builtin_bswap32(x); }

#endif
