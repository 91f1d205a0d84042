/* drivers/net/igb/igb_main.c - the igb PCI driver: probe (map, reset, MAC, link, interrupt
 * scheme, register and open the net_device), ndo_open/ndo_stop, bringing the rings and
 * interrupts up and down, and the watchdog that follows the link, folds the statistics
 * and resets the device when a TX queue stops making progress.
 *
 * Command line: igb.queues= (1-4), igb.rxd= / igb.txd= (ring sizes, 64-4096),
 * igb.itr= (interrupt moderation in microseconds, 0 = off), igb.irq=msix|msi|intx.
 */
#include "drivers/net/igb/igb.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/cmdline.h"
#include "kernel/init.h"
#include "kernel/irq.h"
#include "kernel/softirq.h"
#include "kernel/lib/string.h"

CMDLINE_KEY(igb_queues, "igb.queues", "igb: RX/TX queue pairs (1-4, default 1; MSI-X only)");
CMDLINE_KEY(igb_rxd, "igb.rxd", "igb: RX descriptors per ring (64-4096, default 256)");
CMDLINE_KEY(igb_txd, "igb.txd", "igb: TX descriptors per ring (64-4096, default 256)");
CMDLINE_KEY(igb_itr, "igb.itr", "igb: fixed interrupt moderation interval in us (0 = off; default adaptive)");
CMDLINE_KEY(igb_irq, "igb.irq", "igb: interrupt mode msix|msi|intx (default msix, falling back)");
CMDLINE_KEY(igb_tso, "igb.tso", "igb: 0 = do not offer TCP segmentation offload (default 1)");

#define IGB_MAX_ADAPTERS 4
struct igb_adapter *igb_adapters[IGB_MAX_ADAPTERS];
unsigned igb_num_adapters;

/* ---- bringing the data path up and down ---- */

/* Program rings, routing and masks, and start the queues: after open and after a reset. */
int igb_up(struct igb_adapter *a)
{
    igb_configure_tx(a);
    int err = igb_configure_rx(a);
    if (err)
        return err;
    igb_configure_irq_hw(a);
    a->down = false;
    igb_irq_enable(a);
    for (unsigned i = 0; i < a->num_queues; i++) {
        struct netdev_queue *txq = netdev_get_tx_queue(a->netdev, i);
        if (netif_tx_queue_stopped(txq))
            netif_tx_wake_queue(txq);     /* also reschedules the qdisc */
        wake_up(&a->tx_ring[i].wake_wq);
    }
    mod_timer(&a->watchdog_timer, jiffies + 1);
    return 0;
}

/* Quiesce: stop the queues, the receiver and transmitter and the interrupts, then drop
 * every in-flight packet and receive buffer. Called with bottom halves off. */
void igb_down(struct igb_adapter *a)
{
    a->down = true;
    for (unsigned i = 0; i < a->num_queues; i++)
        netif_tx_stop_queue(netdev_get_tx_queue(a->netdev, i));
    wr32(a, E1000_RCTL, rd32(a, E1000_RCTL) & ~E1000_RCTL_EN);
    wr32(a, E1000_TCTL, rd32(a, E1000_TCTL) & ~E1000_TCTL_EN);
    for (unsigned i = 0; i < a->num_queues; i++) {
        wr32(a, E1000_RXDCTL(i), 0);
        wr32(a, E1000_TXDCTL(i), 0);
    }
    igb_irq_disable(a);
    del_timer(&a->watchdog_timer);
    if (netif_carrier_ok(a->netdev)) {
        netif_carrier_off(a->netdev);
        a->link_speed = 0;
        wake_up(&a->link_wq);
    }
    for (unsigned i = 0; i < a->num_queues; i++) {
        igb_clean_tx_ring(&a->tx_ring[i]);
        igb_clean_rx_ring(&a->rx_ring[i]);
    }
}

/* Full recovery: quiesce, reset the MAC (globally where the MAC has one), restore the
 * filters and link, bring everything back. Busy-waits only the reset's own few ms. */
void igb_reinit(struct igb_adapter *a)
{
    local_bh_disable();
    igb_down(a);
    igb_reset_hw(a, true);
    igb_get_hw_control(a);
    igb_init_filters(a, a->netdev->dev_addr);
    igb_setup_link(a);
    a->reset_count++;
    if (igb_up(a) < 0)
        pr_err("igb: %s: reset left the device down (no memory for RX buffers)\n", a->netdev->name);
    local_bh_enable();
}

static int igb_reset_task(void *arg)
{
    struct igb_adapter *a = arg;
    igb_reinit(a);
    a->reset_pending = false;
    return 0;
}

void igb_schedule_reset(struct igb_adapter *a)
{
    if (a->reset_pending)
        return;
    a->reset_pending = true;
    /* Linux runs the reset from a work item; here a short-lived task. Without one (no
     * memory), reset in place. */
    if (!task_create("igb-reset", igb_reset_task, a)) {
        igb_reinit(a);
        a->reset_pending = false;
    }
}

/* ---- watchdog: link, statistics, TX progress (Linux igb_watchdog_task) ---- */

void igb_update_link(struct igb_adapter *a)
{
    struct net_device *dev = a->netdev;
    unsigned speed;
    bool fd;
    bool up = igb_check_link(a, &speed, &fd);
    if (up && !netif_carrier_ok(dev)) {
        a->link_speed = speed;
        a->link_full_duplex = fd;
        a->link_changes++;
        igb_config_fc_after_link_up(a);
        printk("igb: %s link up %u Mbps %s duplex, flow control %s\n", dev->name, speed,
               fd ? "full" : "half",
               a->fc_rx && a->fc_tx ? "rx/tx" : a->fc_rx ? "rx" : a->fc_tx ? "tx" : "off");
        netif_carrier_on(dev);
        wake_up(&a->link_wq);
    } else if (!up && netif_carrier_ok(dev)) {
        a->link_speed = 0;
        a->link_changes++;
        printk("igb: %s link down\n", dev->name);
        netif_carrier_off(dev);
        wake_up(&a->link_wq);
    }
}

/* Called once a second per TX queue. Work pending while neither the hardware head nor
 * the cleaner moved since the last look: if the NIC did finish descriptors the cleaner
 * never saw, an interrupt was lost (fire one in software); if nothing moves for
 * tx_timeout, the queue is hung. */
static bool igb_check_tx_hang(struct igb_adapter *a, struct igb_ring *r)
{
    unsigned ntc = READ_ONCE(r->next_to_clean);
    unsigned head = rd32(a, E1000_TDH(r->queue_index));
    bool pending = igb_desc_used(r->next_to_use, ntc, r->count) != 0;
    bool moved = head != r->wd_head || ntc != r->wd_clean;
    r->wd_head = head;
    r->wd_clean = ntc;
    if (!pending || moved) {
        r->wd_since = jiffies;
        return false;
    }
    if (head != ntc) {
        r->irq_kicks++;
        igb_irq_kick(a);
    }
    return time_after_eq(jiffies, r->wd_since + a->tx_timeout_jiffies);
}

/* The RX half: a received frame still waiting at next_to_clean where it waited a second
 * ago was never announced (a lost interrupt: nothing else would ever poll this ring, and
 * once it fills the NIC stops receiving). Linux's igb fires EICS at every watchdog run;
 * here only when a frame is seen waiting, so each kick is counted and means something. */
static void igb_check_rx_stall(struct igb_adapter *a, struct igb_ring *r)
{
    unsigned ntc = READ_ONCE(r->next_to_clean);
    bool waiting = READ_ONCE(IGB_RX_DESC(r, ntc)->wb.status_error) & IGB_RXD_STAT_DD;
    if (waiting && ntc == r->wd_clean) {
        r->irq_kicks++;
        igb_irq_kick(a);
    }
    r->wd_clean = waiting ? ntc : ~0u;
}

static void igb_watchdog(struct timer_list *t)
{
    struct igb_adapter *a = container_of(t, struct igb_adapter, watchdog_timer);
    if (a->down)
        return;
    igb_update_link(a);
    igb_update_stats(a);
    /* A link interrupt runs the watchdog early; the progress checks need a full period
     * between looks or a busy ring would seem stalled. */
    if (time_before(jiffies, a->wd_last_check + HZ / 2)) {
        mod_timer(&a->watchdog_timer, a->wd_last_check + HZ);
        return;
    }
    a->wd_last_check = jiffies;
    for (unsigned i = 0; i < a->num_queues; i++)
        igb_check_rx_stall(a, &a->rx_ring[i]);
    for (unsigned i = 0; i < a->num_queues; i++) {
        struct igb_ring *r = &a->tx_ring[i];
        if (!netif_carrier_ok(a->netdev)) {
            /* Without a link the NIC holds its TX work; a reset would not help and would
             * repeat every few seconds. The clock starts again when the link is back. */
            r->wd_since = jiffies;
            continue;
        }
        if (!a->reset_pending && igb_check_tx_hang(a, r)) {
            a->tx_timeout_count++;
            pr_err("igb: %s TX queue %u hung: %u descriptors pending, head %u, next_to_clean %u "
                   "for %llu ms; resetting\n", a->netdev->name, i,
                   igb_desc_used(r->next_to_use, r->next_to_clean, r->count),
                   r->wd_head, r->next_to_clean,
                   (unsigned long long)jiffies_to_msecs(jiffies - r->wd_since));
            igb_schedule_reset(a);
            return;   /* igb_up re-arms the timer */
        }
    }
    mod_timer(&a->watchdog_timer, jiffies + HZ);
}

/* ---- net_device_ops ---- */

static void igb_free_all_resources(struct igb_adapter *a)
{
    for (unsigned i = 0; i < a->num_queues; i++) {
        igb_free_tx_resources(&a->tx_ring[i]);
        igb_free_rx_resources(&a->rx_ring[i]);
    }
}

static int igb_open(struct net_device *dev)
{
    struct igb_adapter *a = netdev_priv(dev);
    if (a->opened)
        return 0;
    int err = 0;
    for (unsigned i = 0; i < a->num_queues && !err; i++) {
        a->tx_ring[i].count = a->tx_ring_count;
        a->rx_ring[i].count = a->rx_ring_count;
        err = igb_setup_tx_resources(&a->tx_ring[i]);
        if (!err)
            err = igb_setup_rx_resources(&a->rx_ring[i]);
    }
    if (!err)
        err = igb_request_irq(a);
    if (!err) {
        local_bh_disable();
        err = igb_up(a);
        local_bh_enable();
    }
    if (err) {
        pr_err("igb: %s: open failed: %d\n", dev->name, err);
        a->down = true;
        igb_irq_disable(a);
        igb_free_irq(a);
        igb_free_all_resources(a);
        return err;
    }
    a->opened = true;
    /* Wait for autonegotiation (QEMU: ~0.5 s, copper HW: seconds); later changes arrive
     * through the LSC interrupt. Only a task may sleep. */
    if (!in_irq() && !in_softirq() && !netif_carrier_ok(dev)) {
        bool up = wait_event_timeout(a->link_wq, netif_carrier_ok(dev),
                                     a->link_wait_ms * NSEC_PER_MSEC);
        if (!up)
            pr_warn("igb: %s no link after %llu ms; carrier follows the link interrupt\n",
                    dev->name, (unsigned long long)a->link_wait_ms);
    }
    return 0;
}

static int igb_close(struct net_device *dev)
{
    struct igb_adapter *a = netdev_priv(dev);
    if (!a->opened)
        return 0;
    local_bh_disable();
    igb_down(a);
    local_bh_enable();
    igb_free_irq(a);
    igb_free_all_resources(a);
    a->opened = false;
    return 0;
}

static const struct net_device_ops igb_netdev_ops = {
    .ndo_open = igb_open,
    .ndo_stop = igb_close,
    .ndo_start_xmit = igb_xmit_frame,
    .ndo_get_stats64 = igb_get_stats64,
    .ndo_dump_stats = igb_dump_stats,
    .ndo_get_cost_stats = igb_get_cost_stats,
};

/* ---- probe ---- */

static void igb_read_params(struct igb_adapter *a)
{
    uint64_t q = cmdline_get_u64("igb.queues", 1);
    if (q < 1 || q > IGB_MAX_QUEUES) {
        pr_warn("igb: igb.queues=%llu out of range 1-%u\n", (unsigned long long)q, IGB_MAX_QUEUES);
        q = q < 1 ? 1 : IGB_MAX_QUEUES;
    }
    a->num_queues = (unsigned)MIN(q, (uint64_t)a->mac->max_queues);
    a->rx_ring_count = igb_ring_size(cmdline_get_u64("igb.rxd", IGB_DEFAULT_RING));
    a->tx_ring_count = igb_ring_size(cmdline_get_u64("igb.txd", IGB_DEFAULT_RING));
    uint64_t itr = cmdline_get_u64("igb.itr", IGB_DEFAULT_ITR_US);
    a->itr_usecs = (unsigned)MIN(itr, (uint64_t)E1000_EITR_MAX_USECS);
    a->itr_adaptive = !cmdline_get("igb.itr");
    a->tso = cmdline_get_u64("igb.tso", 1) != 0;
    a->tx_timeout_jiffies = msecs_to_jiffies(IGB_TX_TIMEOUT_MS);
    a->link_wait_ms = IGB_LINK_WAIT_MS;
}

static int igb_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
    char name[16];
    snprintf(name, sizeof(name), "0000:%02x:%02x.%x", pdev->bus, pdev->dev, pdev->fn);
    enum igb_nvm_kind nvm;
    const struct igb_mac_info *mac = igb_mac_for_device(pdev->device, &nvm);
    if (!mac || igb_num_adapters == IGB_MAX_ADAPTERS)
        return -ENODEV;
    const struct pci_bar *bar0 = &pdev->bar[0];
    if (bar0->is_io || bar0->size < 0x20000 || !bar0->addr) {
        pr_err("igb %s: BAR0 is not a 128 KiB memory BAR\n", name);
        return -ENODEV;
    }
    pci_enable_device_mem(pdev);
    pci_set_master(pdev);   /* DMA; QEMU also receives nothing until this is set */
    volatile uint8_t *hw = pci_iomap(pdev, 0);
    if (!hw)
        return -ENOMEM;

    struct net_device *dev = alloc_etherdev(sizeof(struct igb_adapter), IGB_MAX_QUEUES);
    if (!dev)
        return -ENOMEM;
    struct igb_adapter *a = netdev_priv(dev);
    memset(a, 0, sizeof(*a));
    a->netdev = dev;
    a->pdev = pdev;
    a->mac = mac;
    a->nvm = nvm;
    a->hw_addr = hw;
    a->down = true;
    memcpy(a->pci_name, name, sizeof(name));
    init_waitqueue_head(&a->link_wq);
    timer_setup(&a->watchdog_timer, igb_watchdog, 0);
    for (unsigned i = 0; i < IGB_MAX_QUEUES; i++) {
        a->tx_ring[i] = (struct igb_ring){ .adapter = a, .queue_index = i };
        a->rx_ring[i] = (struct igb_ring){ .adapter = a, .queue_index = i };
        init_waitqueue_head(&a->tx_ring[i].wake_wq);
    }
    pdev->driver_data = a;
    igb_read_params(a);

    /* Hardware to a known state: reset, claim it from firmware, learn the address. */
    igb_reset_hw(a, false);
    igb_get_hw_control(a);
    if (igb_validate_nvm_checksum(a) < 0 || igb_read_mac_addr(a, a->perm_addr) < 0) {
        igb_release_hw_control(a);
        return -EIO;
    }
    igb_init_filters(a, a->perm_addr);
    igb_setup_link(a);

    int err = igb_init_interrupt_scheme(a, cmdline_get("igb.irq"), a->num_queues);
    if (err) {
        igb_release_hw_control(a);
        return err;
    }

    memcpy(dev->dev_addr, a->perm_addr, ETH_ALEN);
    dev->netdev_ops = &igb_netdev_ops;
    dev->mtu = ETH_DATA_LEN;
    /* TCP reads these at connect (route_caps): without NETIF_F_TSO the device layer cuts its
     * packets into segments (GSO, net/core/gso.h) */
    dev->features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_HW_CSUM_IPV4HDR |
                    (a->tso ? NETIF_F_TSO : 0) | NETIF_F_RXCSUM |
                    (a->num_queues > 1 ? NETIF_F_RXHASH : 0);
    dev->gso_max_size = 65535;
    dev->gso_max_segs = 64;
    dev->watchdog_timeo = (unsigned)msecs_to_jiffies(IGB_TX_TIMEOUT_MS);
    dev->num_tx_queues = dev->real_num_tx_queues = a->num_queues;
    for (unsigned v = 0; v < a->num_q_vectors; v++)
        netif_napi_add(dev, &a->q_vector[v].napi, igb_poll, IGB_NAPI_WEIGHT);

    char irqs[64];
    if (a->irq_mode == IGB_IRQ_MSIX) {
        int n = snprintf(irqs, sizeof(irqs), "vectors %d", a->other_vector);
        for (unsigned v = 0; v < a->num_q_vectors && n < (int)sizeof(irqs); v++)
            n += snprintf(irqs + n, sizeof(irqs) - (size_t)n, ",%d", a->q_vector[v].vector);
    } else if (a->irq_mode == IGB_IRQ_MSI) {
        snprintf(irqs, sizeof(irqs), "vector %d", a->legacy_vector);
    } else {
        snprintf(irqs, sizeof(irqs), "gsi %u", pdev->gsi);
    }
    const uint8_t *m = a->perm_addr;
    printk("igb %s: %s MAC %02x:%02x:%02x:%02x:%02x:%02x, %u queue(s), irq %s (%s)%s\n",
           name, mac->name, m[0], m[1], m[2], m[3], m[4], m[5], a->num_queues,
           igb_irq_mode_name(a->irq_mode), irqs, a->tso ? "" : ", TSO off");
    if (!mac->verified_in_qemu)
        pr_warn("igb %s: %s (%s NVM) support is written from the documentation and unverified\n",
                name, mac->name, igb_nvm_name(nvm));

    err = register_netdev(dev);
    if (err) {
        pr_err("igb %s: register_netdev failed: %d\n", name, err);
        igb_clear_interrupt_scheme(a);
        igb_release_hw_control(a);
        return err;
    }
    igb_adapters[igb_num_adapters++] = a;
    err = dev_open(dev);
    if (err)
        pr_err("igb: %s: could not be opened at boot: %d\n", dev->name, err);
    return 0;
}

static struct pci_driver igb_driver = {
    .name = "igb",
    .id_table = igb_pci_tbl,
    .probe = igb_probe,
};

static int igb_init_module(void)
{
    return pci_register_driver(&igb_driver);
}
device_initcall(igb_init_module);
