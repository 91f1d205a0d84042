/* drivers/net/igb/igb.h - the igb driver's private state, shared by its source files and
 * its in-kernel tests. Nothing outside drivers/net/igb/ includes this: the stack sees the
 * device only through net_device_ops.
 *
 * Shape (Linux igb, reduced): one igb_adapter per port; per queue pair a TX ring, an RX
 * ring and an igb_q_vector (one interrupt vector + one NAPI context) that serves both.
 * In MSI-X mode vector 0 is "other" (link) and vector 1 + i serves queue pair i; in MSI
 * and INTx mode a single vector serves everything and the driver runs one queue pair.
 */
#ifndef WP_IGB_H
#define WP_IGB_H

#include "kernel/compiler.h"
#include "kernel/arch/x86.h"
#include "kernel/time.h"
#include "kernel/sched.h"
#include "net/core/netdevice.h"
#include "drivers/pci/pci.h"
#include "drivers/net/igb/igb_regs.h"
#include "drivers/net/igb/igb_desc.h"
#include "drivers/net/igb/igb_mac.h"

#define IGB_MAX_QUEUES      NETDEV_MAX_QUEUES
#define IGB_RX_BUFSZ        2048      /* one kmalloc object per buffer; SRRCTL.BSIZEPKT = 2 KiB */
#define IGB_RX_BUFFER_WRITE 16        /* refilled descriptors per RDT write */
#define IGB_TX_WORK_LIMIT   128       /* packets cleaned per poll */
#define IGB_MIN_TX_LEN      17        /* shortest frame the MAC transmits (PSP pads to 64) */
#define IGB_NAPI_WEIGHT     64
#define IGB_DEFAULT_ITR_US  50        /* igb.itr= default: at most ~20k interrupts/s per vector */
#define IGB_TX_TIMEOUT_MS   5000      /* no TX progress for this long with work pending: reset */
#define IGB_LINK_WAIT_MS    5000      /* ndo_open waits this long for the link */

/* TX bookkeeping per descriptor slot. A packet occupies slots first..eop (a context
 * descriptor, then one data descriptor per buffer). The first slot says where the packet
 * ends; the last slot owns the skb and the byte/segment counts for completion. */
struct igb_tx_buffer {
    int32_t next_to_watch;     /* on the first slot: index of the EOP slot, -1 = none */
    struct sk_buff *skb;       /* on the EOP slot */
    uint32_t bytecount;        /* wire bytes, counting every TSO segment's headers */
    uint16_t gso_segs;         /* wire frames */
};

struct igb_rx_buffer {
    struct sk_buff *skb;       /* its 2 KiB linear area is what the descriptor points at */
};

struct igb_tx_queue_stats {
    uint64_t restart_queue;    /* queue woken after a stop */
    uint64_t stops;            /* queue stopped: ring nearly full */
    uint64_t tx_busy;          /* NETDEV_TX_BUSY returned (skb handed back) */
    uint64_t completions;      /* skbs completed by the NIC and freed */
    uint64_t dropped;          /* skbs dropped by the driver (all reasons below) */
    uint64_t oversize;         /* non-TSO frame longer than MTU + header */
    uint64_t bad_skb;          /* empty, too many fragments, unparsable offload */
    uint64_t csum_offload;     /* frames sent with TXSM */
    uint64_t ip4_hdr_offload;  /* frames sent with IXSM */
    uint64_t tso;              /* TSO packets */
    uint64_t tso_segs;         /* wire frames they became */
    uint64_t reset_freed;      /* in-flight skbs freed by a reset */
};

struct igb_rx_queue_stats {
    uint64_t dropped;          /* frames not handed up (all reasons below) */
    uint64_t alloc_failed;     /* no replacement buffer: old buffer kept, frame dropped */
    uint64_t csum_good;        /* L4 checksum verified by the NIC */
    uint64_t csum_err;         /* NIC saw a bad IPv4 or L4 checksum */
    uint64_t non_eop;          /* pieces of frames longer than one buffer */
    uint64_t frame_err;        /* CRC/symbol/sequence/data errors */
    uint64_t len_err;          /* zero or impossible length */
    uint64_t rss_hashed;       /* frames that carried an RSS hash */
};

struct igb_q_vector;
struct igb_adapter;

struct igb_ring {
    struct igb_adapter *adapter;
    struct igb_q_vector *q_vector;
    unsigned queue_index;      /* also the hardware register index */
    unsigned count;            /* descriptors */
    void *desc;                /* the descriptor array (DMA memory) */
    dma_addr_t dma;
    size_t size;               /* bytes */
    union {
        struct igb_tx_buffer *tx_buffer_info;
        struct igb_rx_buffer *rx_buffer_info;
    };
    unsigned next_to_use;      /* TX: next slot to fill */
    unsigned next_to_clean;    /* next slot the driver reclaims */
    uint64_t packets, bytes;
    union {
        struct igb_tx_queue_stats tx_stats;
        struct igb_rx_queue_stats rx_stats;
    };
    bool rx_discarding;        /* RX: inside an over-long frame, dropping until its EOP */
    /* watchdog (once a second) */
    unsigned wd_head;          /* TX: TDH seen at the last check */
    unsigned wd_clean;         /* next_to_clean seen at the last check */
    uint64_t wd_since;         /* TX: jiffies since when no progress was seen */
    uint64_t irq_kicks;        /* software interrupts fired for a completed-but-uncleaned ring */
    bool tail_pending;         /* TX: descriptors placed, TDT not yet written (xmit_more) */
    uint64_t tail_writes;      /* TX: TDT writes (doorbells) */
    /* Woken when the driver wakes this stopped TX queue (senders wait here on BUSY) and
     * when the ring drains. */
    struct wait_queue_head wake_wq;
};

struct igb_q_vector {
    struct igb_adapter *adapter;
    struct napi_struct napi;
    struct igb_ring *tx_ring, *rx_ring;
    unsigned v_idx;            /* MSI-X table entry / EITR and IVAR vector number */
    int vector;                /* CPU interrupt vector */
    uint32_t eims_value;       /* EIMS/EIMC bits of this vector */
    uint64_t irqs;             /* hard interrupts taken */
    uint64_t polls;            /* igb_poll calls */
    /* adaptive moderation (igb_irq.c): the latency class now, its EITR interval, and the
     * ring totals at the last update (packets and bytes since then decide the class) */
    unsigned itr_class, itr_usecs;
    uint64_t itr_packets0, itr_bytes0, itr_rx0;
    uint64_t itr_changes;
    char name[IFNAMSIZ + 12];
};

enum igb_irq_mode { IGB_IRQ_MSIX, IGB_IRQ_MSI, IGB_IRQ_INTX };

#define IGB_NUM_HW_STATS 36

struct igb_adapter {
    struct net_device *netdev;
    struct pci_dev *pdev;
    const struct igb_mac_info *mac;
    enum igb_nvm_kind nvm;
    volatile uint8_t *hw_addr;         /* BAR0 */
    char pci_name[16];                 /* "0000:00:02.0" */
    uint8_t perm_addr[ETH_ALEN];

    /* configuration (command line, fixed at probe) */
    unsigned num_queues;
    unsigned tx_ring_count, rx_ring_count;
    unsigned itr_usecs;                /* fixed moderation (igb.itr=US) */
    bool itr_adaptive;                 /* no igb.itr=: per-vector latency classes */
    bool tso;                          /* offer NETIF_F_TSO (igb.tso=0: no) */
    uint64_t tx_timeout_jiffies;
    uint64_t link_wait_ms;

    struct igb_ring tx_ring[IGB_MAX_QUEUES];
    struct igb_ring rx_ring[IGB_MAX_QUEUES];
    struct igb_q_vector q_vector[IGB_MAX_QUEUES];
    unsigned num_q_vectors;

    /* interrupts */
    enum igb_irq_mode irq_mode;
    int other_vector;                  /* MSI-X vector 0 (link/other) */
    int legacy_vector;                 /* MSI or INTx */
    uint32_t eims_other, eims_enable_mask;
    bool irq_requested;
    uint64_t other_irqs;               /* MSI-X "other" vector */
    uint64_t lsc_irqs;                 /* link status change causes seen */
    uint64_t intx_not_ours;            /* shared INTx raised by someone else */
    uint64_t doutsync;                 /* DMA out of sync causes */

    /* state */
    bool opened;                       /* ndo_open done (resources held) */
    volatile bool down;                /* rings/interrupts not live (reset or closed) */
    bool reset_pending;
    unsigned link_speed;               /* Mbps, 0 when down */
    bool link_full_duplex;
    bool fc_rx, fc_tx;                 /* flow control resolved at the last link up */
    struct wait_queue_head link_wq;    /* woken on every carrier change */
    struct timer_list watchdog_timer;
    uint64_t wd_last_check;            /* jiffies of the last TX progress check */

    /* counters */
    uint64_t tx_timeout_count;         /* hangs detected */
    uint64_t reset_count;              /* device resets after open */
    uint64_t link_changes;
    uint64_t swfw_timeouts;            /* SW/FW semaphore not obtained (firmware holding it) */
    uint64_t phy_cfg_timeouts;         /* PHY reset: configuration-done never reported */
    uint64_t hw_stats[IGB_NUM_HW_STATS];   /* clear-on-read counters, accumulated */
    /* Register accesses through rd32/wr32: the per-packet cost `make bench` reports. On
     * silicon every read is a PCIe round trip; under emulation every access traps. */
    uint64_t mmio_reads, mmio_writes;
    uint64_t mmio_stats_reads;         /* of mmio_reads: igb_update_stats's counter reads */
};

/* Register access: aligned 32-bit MMIO (igb-82576.md, opening). */
static inline uint32_t rd32(struct igb_adapter *a, uint32_t reg)
{
    a->mmio_reads++;
    return readl(a->hw_addr + reg);
}
static inline void wr32(struct igb_adapter *a, uint32_t reg, uint32_t v)
{
    a->mmio_writes++;
    writel(v, a->hw_addr + reg);
}
static inline void igb_flush(struct igb_adapter *a) { (void)rd32(a, E1000_STATUS); }

static inline union igb_adv_tx_desc *IGB_TX_DESC(const struct igb_ring *r, unsigned i)
{
    return &((union igb_adv_tx_desc *)r->desc)[i];
}
static inline union igb_adv_rx_desc *IGB_RX_DESC(const struct igb_ring *r, unsigned i)
{
    return &((union igb_adv_rx_desc *)r->desc)[i];
}

/* igb_hw.c: reset, NVM, PHY, filters, link */
int igb_reset_hw(struct igb_adapter *a, bool global);
int igb_read_mac_addr(struct igb_adapter *a, uint8_t mac[ETH_ALEN]);
void igb_init_filters(struct igb_adapter *a, const uint8_t mac[ETH_ALEN]);
int igb_setup_link(struct igb_adapter *a);
/* NVM words 0x00..0x3F of this port's section sum to 0xBABA (not for iNVM parts). */
int igb_validate_nvm_checksum(struct igb_adapter *a);
/* After link up: flow control from both sides' PAUSE abilities into CTRL.RFCE/TFCE. */
void igb_config_fc_after_link_up(struct igb_adapter *a);
bool igb_check_link(struct igb_adapter *a, unsigned *speed, bool *full_duplex);
int igb_read_phy_reg(struct igb_adapter *a, unsigned reg, uint16_t *val);
int igb_write_phy_reg(struct igb_adapter *a, unsigned reg, uint16_t val);
void igb_get_hw_control(struct igb_adapter *a);
void igb_release_hw_control(struct igb_adapter *a);

/* igb_tx.c */
int igb_setup_tx_resources(struct igb_ring *r);
void igb_free_tx_resources(struct igb_ring *r);
void igb_configure_tx(struct igb_adapter *a);
void igb_clean_tx_ring(struct igb_ring *r);
netdev_tx_t igb_xmit_frame(struct sk_buff *skb, struct net_device *dev);
netdev_tx_t igb_xmit_frame_ring(struct sk_buff *skb, struct igb_ring *r);
bool igb_clean_tx_irq(struct igb_q_vector *q);

/* igb_rx.c */
int igb_setup_rx_resources(struct igb_ring *r);
void igb_free_rx_resources(struct igb_ring *r);
int igb_configure_rx(struct igb_adapter *a);
void igb_clean_rx_ring(struct igb_ring *r);
int igb_clean_rx_irq(struct igb_q_vector *q, int budget);

/* igb_irq.c */
int igb_init_interrupt_scheme(struct igb_adapter *a, const char *want, unsigned queues);
void igb_clear_interrupt_scheme(struct igb_adapter *a);
int igb_request_irq(struct igb_adapter *a);
void igb_free_irq(struct igb_adapter *a);
void igb_configure_irq_hw(struct igb_adapter *a);
void igb_irq_enable(struct igb_adapter *a);
void igb_irq_disable(struct igb_adapter *a);
void igb_ring_irq_enable(struct igb_q_vector *q);
int igb_poll(struct napi_struct *napi, int budget);
const char *igb_irq_mode_name(enum igb_irq_mode m);
/* Make every queue vector run its poll once (watchdog's lost-interrupt kick). */
void igb_irq_kick(struct igb_adapter *a);

/* igb_stats.c */
void igb_update_stats(struct igb_adapter *a);
void igb_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s);
void igb_dump_stats(struct net_device *dev);
/* Adaptive moderation: the latency class after a poll that saw packets/bytes. */
unsigned igb_itr_next_class(unsigned cls, uint64_t packets, uint64_t bytes);
void igb_get_cost_stats(struct net_device *dev, struct netdev_cost_stats *c);
uint64_t igb_hw_stat(const struct igb_adapter *a, uint32_t reg);

/* igb_main.c */
extern struct igb_adapter *igb_adapters[];   /* probed ports, for tests and the shell */
extern unsigned igb_num_adapters;
int igb_up(struct igb_adapter *a);
void igb_down(struct igb_adapter *a);
void igb_schedule_reset(struct igb_adapter *a);
void igb_reinit(struct igb_adapter *a);
void igb_update_link(struct igb_adapter *a);

#endif
