/* drivers/net/igb/igb_stats.c - counters: the NIC's clear-on-read statistics registers
 * accumulated into 64 bits (read at least once a second by the watchdog, so 32-bit
 * registers cannot wrap between reads), the per-queue software counters, the
 * ndo_get_stats64 summary and an `ethtool -S` style dump. */
#include "drivers/net/igb/igb.h"
#include "kernel/printk.h"
#include "kernel/irq.h"

/* 82576 DS ch. 8 statistics registers; igb-82576.md sec. 9 (which ones QEMU updates). A pair
 * with a high register is a 64-bit octet counter read low then high. */
struct igb_hw_counter {
    uint32_t reg, reg_hi;
    const char *name;
};

static const struct igb_hw_counter hw_counters[IGB_NUM_HW_STATS] = {
    { E1000_CRCERRS, 0, "rx_crc_errors" },
    { E1000_MPC,     0, "rx_missed_errors" },
    { E1000_SCC,     0, "tx_single_coll" },
    { E1000_ECOL,    0, "tx_excess_coll" },
    { E1000_MCC,     0, "tx_multi_coll" },
    { E1000_LATECOL, 0, "tx_late_coll" },
    { E1000_COLC,    0, "collisions" },
    { E1000_DC,      0, "tx_deferred" },
    { E1000_RLEC,    0, "rx_length_errors" },
    { E1000_XONRXC,  0, "rx_xon" },
    { E1000_XONTXC,  0, "tx_xon" },
    { E1000_XOFFRXC, 0, "rx_xoff" },
    { E1000_XOFFTXC, 0, "tx_xoff" },
    { E1000_GPRC,    0, "rx_good_packets" },
    { E1000_BPRC,    0, "rx_broadcast" },
    { E1000_MPRC,    0, "rx_multicast" },
    { E1000_GPTC,    0, "tx_good_packets" },
    { E1000_GORCL,   E1000_GORCH, "rx_good_bytes" },
    { E1000_GOTCL,   E1000_GOTCH, "tx_good_bytes" },
    { E1000_RNBC,    0, "rx_no_buffer" },
    { E1000_RUC,     0, "rx_undersize" },
    { E1000_RFC,     0, "rx_fragments" },
    { E1000_ROC,     0, "rx_oversize" },
    { E1000_RJC,     0, "rx_jabbers" },
    { E1000_TORL,    E1000_TORH, "rx_total_bytes" },
    { E1000_TOTL,    E1000_TOTH, "tx_total_bytes" },
    { E1000_TPR,     0, "rx_total_packets" },
    { E1000_TPT,     0, "tx_total_packets" },
    { E1000_MPTC,    0, "tx_multicast" },
    { E1000_BPTC,    0, "tx_broadcast" },
    { E1000_TSCTC,   0, "tx_tso_contexts" },
    { E1000_IAC,     0, "interrupt_assertions" },
    { 0x04058,       0, "rx_flow_control_unsupported" },   /* FCRUC */
    { 0x040B4,       0, "rx_management_packets" },         /* MGTPRC */
    { 0x040B8,       0, "rx_management_dropped" },         /* MGTPDC */
    { 0x040BC,       0, "tx_management_packets" },         /* MGTPTC */
};

/* Fold the registers into the 64-bit totals. Interrupts off: the watchdog (softirq) and a
 * reader in task context must not both add the same read. */
void igb_update_stats(struct igb_adapter *a)
{
    if (!a->hw_addr)
        return;
    unsigned long f = local_irq_save();
    uint64_t reads0 = a->mmio_reads;
    for (unsigned i = 0; i < IGB_NUM_HW_STATS; i++) {
        const struct igb_hw_counter *c = &hw_counters[i];
        uint64_t v = rd32(a, c->reg);
        if (c->reg_hi)
            v += (uint64_t)rd32(a, c->reg_hi) << 32;   /* the high read clears both */
        a->hw_stats[i] += v;
    }
    a->mmio_stats_reads += a->mmio_reads - reads0;
    local_irq_restore(f);
}

uint64_t igb_hw_stat(const struct igb_adapter *a, uint32_t reg)
{
    for (unsigned i = 0; i < IGB_NUM_HW_STATS; i++)
        if (hw_counters[i].reg == reg)
            return a->hw_stats[i];
    return 0;
}

void igb_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
    struct igb_adapter *a = netdev_priv(dev);
    igb_update_stats(a);
    *s = (struct rtnl_link_stats64){ 0 };
    for (unsigned i = 0; i < a->num_queues; i++) {
        const struct igb_ring *t = &a->tx_ring[i], *r = &a->rx_ring[i];
        s->tx_packets += t->packets;
        s->tx_bytes += t->bytes;
        s->tx_dropped += t->tx_stats.dropped;
        s->rx_packets += r->packets;
        s->rx_bytes += r->bytes;
        s->rx_dropped += r->rx_stats.dropped;
        s->rx_length_errors += r->rx_stats.non_eop + r->rx_stats.len_err;
        s->rx_frame_errors += r->rx_stats.frame_err;
    }
    s->multicast = igb_hw_stat(a, E1000_MPRC);
    s->collisions = igb_hw_stat(a, E1000_COLC);
    s->rx_crc_errors = igb_hw_stat(a, E1000_CRCERRS);
    s->rx_missed_errors = igb_hw_stat(a, E1000_MPC);
    s->rx_over_errors = igb_hw_stat(a, E1000_RNBC);
    s->rx_length_errors += igb_hw_stat(a, E1000_RUC) + igb_hw_stat(a, E1000_ROC) +
                           igb_hw_stat(a, E1000_RLEC);
    s->rx_errors = s->rx_crc_errors + s->rx_length_errors + s->rx_frame_errors +
                   s->rx_missed_errors;
    s->tx_aborted_errors = igb_hw_stat(a, E1000_ECOL);
    s->tx_errors = s->tx_aborted_errors + igb_hw_stat(a, E1000_LATECOL);
}

void igb_get_cost_stats(struct net_device *dev, struct netdev_cost_stats *c)
{
    struct igb_adapter *a = netdev_priv(dev);
    c->interrupts = a->other_irqs;
    for (unsigned v = 0; v < a->num_q_vectors; v++)
        c->interrupts += a->q_vector[v].irqs;
    c->mmio_reads = a->mmio_reads - a->mmio_stats_reads;
    c->mmio_writes = a->mmio_writes;
}

#define P(name, v) printk("     %s: %llu\n", name, (unsigned long long)(v))
#define PQ(fmt, q, v) printk("     " fmt ": %llu\n", q, (unsigned long long)(v))

/* `ethtool -S eth0`: every counter the driver keeps, one per line. */
void igb_dump_stats(struct net_device *dev)
{
    struct igb_adapter *a = netdev_priv(dev);
    igb_update_stats(a);
    printk("NIC statistics for %s (igb %s, %s, irq %s):\n", dev->name, a->pci_name,
           a->mac->name, igb_irq_mode_name(a->irq_mode));
    for (unsigned i = 0; i < IGB_NUM_HW_STATS; i++)
        P(hw_counters[i].name, a->hw_stats[i]);
    P("tx_timeout_count", a->tx_timeout_count);
    P("reset_count", a->reset_count);
    P("link_changes", a->link_changes);
    P("lsc_interrupts", a->lsc_irqs);
    P("other_interrupts", a->other_irqs);
    P("intx_not_ours", a->intx_not_ours);
    P("dma_out_of_sync", a->doutsync);
    P("mmio_reads", a->mmio_reads);
    P("mmio_reads_statistics", a->mmio_stats_reads);
    P("mmio_writes", a->mmio_writes);
    for (unsigned i = 0; i < a->num_queues; i++) {
        const struct igb_ring *t = &a->tx_ring[i];
        PQ("tx_queue_%u_packets", i, t->packets);
        PQ("tx_queue_%u_bytes", i, t->bytes);
        PQ("tx_queue_%u_completions", i, t->tx_stats.completions);
        PQ("tx_queue_%u_drops", i, t->tx_stats.dropped);
        PQ("tx_queue_%u_oversize", i, t->tx_stats.oversize);
        PQ("tx_queue_%u_bad_skb", i, t->tx_stats.bad_skb);
        PQ("tx_queue_%u_busy", i, t->tx_stats.tx_busy);
        PQ("tx_queue_%u_stops", i, t->tx_stats.stops);
        PQ("tx_queue_%u_restart", i, t->tx_stats.restart_queue);
        PQ("tx_queue_%u_csum_offload", i, t->tx_stats.csum_offload);
        PQ("tx_queue_%u_ip4_hdr_offload", i, t->tx_stats.ip4_hdr_offload);
        PQ("tx_queue_%u_tso", i, t->tx_stats.tso);
        PQ("tx_queue_%u_tso_segs", i, t->tx_stats.tso_segs);
        PQ("tx_queue_%u_reset_freed", i, t->tx_stats.reset_freed);
        PQ("tx_queue_%u_irq_kicks", i, t->irq_kicks);
    }
    for (unsigned i = 0; i < a->num_queues; i++) {
        const struct igb_ring *r = &a->rx_ring[i];
        PQ("rx_queue_%u_packets", i, r->packets);
        PQ("rx_queue_%u_bytes", i, r->bytes);
        PQ("rx_queue_%u_drops", i, r->rx_stats.dropped);
        PQ("rx_queue_%u_alloc_failed", i, r->rx_stats.alloc_failed);
        PQ("rx_queue_%u_csum_good", i, r->rx_stats.csum_good);
        PQ("rx_queue_%u_csum_err", i, r->rx_stats.csum_err);
        PQ("rx_queue_%u_non_eop", i, r->rx_stats.non_eop);
        PQ("rx_queue_%u_frame_err", i, r->rx_stats.frame_err);
        PQ("rx_queue_%u_len_err", i, r->rx_stats.len_err);
        PQ("rx_queue_%u_rss_hashed", i, r->rx_stats.rss_hashed);
        PQ("rx_queue_%u_irq_kicks", i, r->irq_kicks);
    }
    for (unsigned v = 0; v < a->num_q_vectors; v++) {
        const struct igb_q_vector *q = &a->q_vector[v];
        printk("     %s_interrupts: %llu (vector %d, cpu count %llu)\n", q->name,
               (unsigned long long)q->irqs, q->vector, (unsigned long long)irq_count(q->vector));
        printk("     %s_polls: %llu (%llu more for an interrupt during a poll)\n", q->name,
               (unsigned long long)q->polls, (unsigned long long)q->napi.missed);
    }
}
