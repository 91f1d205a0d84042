/* drivers/net/igb/igb_irq.c - interrupts and NAPI (stations 17 and 18 of docs/sendpath.md).
 *
 * Modes, tried in this order unless igb.irq= forces one:
 *   msix: vector 0 = "other" (link), vector 1+i = queue pair i (82576 DS ch. 7.3.3;
 *         igb-82576.md sec. 7.6). GPIE.MSIX_MODE makes EICR bits vector numbers, IVAR routes each
 *         queue's RX/TX cause to its vector, EIAC auto-clears EICR on each message.
 *   msi:  one vector, causes in ICR (read-to-clear), one queue pair (igb-82576.md sec. 7.7).
 *   intx: the same through the shared, level-triggered INTA line.
 * A hard interrupt only masks its causes (EIMC, or IMC for the queue causes) and
 * schedules NAPI; igb_poll does the work in the NET_RX softirq and unmasks when it
 * finishes under budget. TX completions arrive the same way: no path polls for DD.
 */
#include "drivers/net/igb/igb.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "net/core/trace_stations.h"

const char *igb_irq_mode_name(enum igb_irq_mode m)
{
    return m == IGB_IRQ_MSIX ? "msix" : m == IGB_IRQ_MSI ? "msi" : "intx";
}

static void igb_set_queue_vectors(struct igb_adapter *a)
{
    for (unsigned i = 0; i < a->num_queues; i++) {
        struct igb_q_vector *q = &a->q_vector[a->num_q_vectors == 1 ? 0 : i];
        a->tx_ring[i].q_vector = q;
        a->rx_ring[i].q_vector = q;
    }
    for (unsigned v = 0; v < a->num_q_vectors; v++) {
        struct igb_q_vector *q = &a->q_vector[v];
        q->adapter = a;
        q->tx_ring = &a->tx_ring[v];
        q->rx_ring = &a->rx_ring[v];
    }
}

/* Pick the mode and the queue count; allocate the CPU vectors (probe time). */
int igb_init_interrupt_scheme(struct igb_adapter *a, const char *want, unsigned queues)
{
    struct pci_dev *pdev = a->pdev;
    bool try_msix = !want || strcmp(want, "msix") == 0;
    bool try_msi = try_msix || strcmp(want, "msi") == 0;
    if (want && !try_msi && strcmp(want, "intx") != 0) {
        pr_warn("igb %s: igb.irq=%s unknown, using msix\n", a->pci_name, want);
        try_msix = try_msi = true;
    }

    if (try_msix) {
        unsigned hw = MIN(pci_msix_vec_count(pdev), (unsigned)a->mac->max_msix);
        if (hw >= 2) {
            if (queues > hw - 1)
                pr_info("igb %s: %u MSI-X vectors: %u queue pair(s)\n", a->pci_name, hw, hw - 1);
            queues = MIN(queues, hw - 1);
            int r = pci_enable_msix(pdev, queues + 1);
            if (r >= 0) {
                a->irq_mode = IGB_IRQ_MSIX;
                a->num_queues = queues;
                a->num_q_vectors = queues;
                a->other_vector = pdev->msix_vectors[0];
                for (unsigned v = 0; v < queues; v++) {
                    a->q_vector[v].v_idx = 1 + v;
                    a->q_vector[v].vector = pdev->msix_vectors[1 + v];
                }
                igb_set_queue_vectors(a);
                return 0;
            }
            pr_warn("igb %s: MSI-X unavailable (%d), falling back to MSI\n", a->pci_name, r);
        }
    }
    /* One vector for everything: one queue pair. */
    if (queues > 1)
        pr_info("igb %s: %u queue pairs need MSI-X; using 1\n", a->pci_name, queues);
    a->num_queues = 1;
    a->num_q_vectors = 1;
    a->q_vector[0].v_idx = 0;
    if (try_msi) {
        int v = pci_enable_msi(pdev);
        if (v > 0) {
            a->irq_mode = IGB_IRQ_MSI;
            a->legacy_vector = v;
            a->q_vector[0].vector = v;
            igb_set_queue_vectors(a);
            return 0;
        }
        pr_warn("igb %s: MSI unavailable (%d), falling back to INTx\n", a->pci_name, v);
    }
    if (pdev->gsi == PCI_GSI_NONE || !pdev->irq_pin) {
        pr_err("igb %s: no interrupt available (no MSI-X, MSI or routed INTx)\n", a->pci_name);
        return -ENODEV;
    }
    a->irq_mode = IGB_IRQ_INTX;
    igb_set_queue_vectors(a);
    return 0;
}

void igb_clear_interrupt_scheme(struct igb_adapter *a)
{
    if (a->irq_mode == IGB_IRQ_MSIX)
        pci_disable_msix(a->pdev);
    else if (a->irq_mode == IGB_IRQ_MSI)
        pci_disable_msi(a->pdev);
}

/* adaptive moderation's latency classes and their EITR intervals (see igb_update_itr) */
enum { ITR_LOWEST, ITR_LOW, ITR_BULK };
static const unsigned itr_class_usecs[] = { [ITR_LOWEST] = 0, [ITR_LOW] = 50, [ITR_BULK] = 250 };

/* ---- hard interrupt handlers ---- */

static void igb_handle_other_causes(struct igb_adapter *a, uint32_t icr)
{
    if (icr & E1000_ICR_LSC) {
        a->lsc_irqs++;
        /* Carrier changes run in the watchdog (softirq): listeners may transmit. */
        mod_timer(&a->watchdog_timer, jiffies);
    }
    if (icr & E1000_ICR_DOUTSYNC)
        a->doutsync++;
}

/* MSI-X vector 0: link and other causes. NSICR makes the ICR read clear them. */
static void igb_msix_other(void *data, struct pt_regs *regs)
{
    struct igb_adapter *a = data;
    a->other_irqs++;
    uint32_t icr = rd32(a, E1000_ICR);
    igb_handle_other_causes(a, icr);
    if (!a->down)
        wr32(a, E1000_EIMS, a->eims_other);
}

/* MSI-X queue vector (station 17): mask this vector, schedule its NAPI context. QEMU has
 * no EIAM auto-masking (igb-82576.md sec. 11.12), so the mask is explicit. */
static void igb_msix_ring(void *data, struct pt_regs *regs)
{
    struct igb_q_vector *q = data;
    q->irqs++;
    trace_point(TS_IGB_TX_IRQ, NULL, 0, q->vector);
    wr32(q->adapter, E1000_EIMC, q->eims_value);
    napi_schedule(&q->napi);
}

/* One vector for all causes (MSI, INTx): the ICR read returns and clears them. */
static void igb_intr_common(struct igb_adapter *a, uint32_t icr)
{
    struct igb_q_vector *q = &a->q_vector[0];
    q->irqs++;
    igb_handle_other_causes(a, icr);
    if (icr & IGB_ICR_QUEUE_CAUSES) {
        trace_point(TS_IGB_TX_IRQ, NULL, 0, q->vector);
        wr32(a, E1000_IMC, IGB_ICR_QUEUE_CAUSES);
        napi_schedule(&q->napi);
    }
}

static void igb_intr_msi(void *data, struct pt_regs *regs)
{
    struct igb_adapter *a = data;
    igb_intr_common(a, rd32(a, E1000_ICR));
}

/* INTx may be shared: INT_ASSERTED says whether this NIC raised the line. Reading ICR
 * also deasserts it, which a level-triggered line needs before the EOI. */
static void igb_intr(void *data, struct pt_regs *regs)
{
    struct igb_adapter *a = data;
    uint32_t icr = rd32(a, E1000_ICR);
    if (!(icr & E1000_ICR_INT_ASSERTED)) {
        a->intx_not_ours++;
        return;
    }
    igb_intr_common(a, icr);
}

int igb_request_irq(struct igb_adapter *a)
{
    struct net_device *dev = a->netdev;
    struct pci_dev *pdev = a->pdev;
    int r;
    for (unsigned v = 0; v < a->num_q_vectors; v++) {
        struct igb_q_vector *q = &a->q_vector[v];
        snprintf(q->name, sizeof(q->name), "%s-TxRx-%u", dev->name, v);
    }
    switch (a->irq_mode) {
    case IGB_IRQ_MSIX:
        r = request_vector(a->other_vector, igb_msix_other, a, dev->name);
        if (r < 0)
            return r;
        for (unsigned v = 0; v < a->num_q_vectors; v++) {
            r = request_vector(a->q_vector[v].vector, igb_msix_ring, &a->q_vector[v], a->q_vector[v].name);
            if (r < 0) {
                while (v--)
                    free_vector(a->q_vector[v].vector);
                free_vector(a->other_vector);
                return r;
            }
        }
        for (unsigned e = 0; e <= a->num_q_vectors; e++)
            pci_msix_unmask(pdev, e);
        break;
    case IGB_IRQ_MSI:
        r = request_vector(a->legacy_vector, igb_intr_msi, a, a->q_vector[0].name);
        if (r < 0)
            return r;
        break;
    case IGB_IRQ_INTX:
        r = request_irq(pdev->gsi, IRQF_SHARED | IRQF_LEVEL_LOW, igb_intr, a, a->q_vector[0].name);
        if (r < 0)
            return r;
        a->legacy_vector = r;
        a->q_vector[0].vector = r;
        pci_intx(pdev, true);
        break;
    }
    a->irq_requested = true;
    return 0;
}

void igb_free_irq(struct igb_adapter *a)
{
    if (!a->irq_requested)
        return;
    switch (a->irq_mode) {
    case IGB_IRQ_MSIX:
        for (unsigned e = 0; e <= a->num_q_vectors; e++)
            pci_msix_mask(a->pdev, e, true);
        for (unsigned v = 0; v < a->num_q_vectors; v++)
            free_vector(a->q_vector[v].vector);
        free_vector(a->other_vector);
        break;
    case IGB_IRQ_MSI:
        free_vector(a->legacy_vector);
        break;
    case IGB_IRQ_INTX:
        free_irq(a->legacy_vector, a);
        break;
    }
    a->irq_requested = false;
}

/* ---- routing: after every reset, before enabling ---- */

static void igb_write_ivar(struct igb_adapter *a, unsigned queue, bool tx, unsigned vector)
{
    unsigned reg, shift;
    a->mac->ivar_slot(queue, tx, &reg, &shift);
    uint32_t v = rd32(a, E1000_IVAR(reg));
    v &= ~(0xffu << shift);
    v |= (uint32_t)(vector | E1000_IVAR_VALID) << shift;
    wr32(a, E1000_IVAR(reg), v);
}

void igb_configure_irq_hw(struct igb_adapter *a)
{
    const struct igb_mac_info *m = a->mac;
    unsigned usecs = a->itr_adaptive ? itr_class_usecs[ITR_LOW] : a->itr_usecs;
    uint32_t itr = m->eitr_value(igb_eitr_from_usecs(usecs));
    for (unsigned v = 0; v < a->num_q_vectors; v++) {
        a->q_vector[v].itr_class = ITR_LOW;
        a->q_vector[v].itr_usecs = usecs;
    }
    a->eims_enable_mask = 0;

    if (a->irq_mode != IGB_IRQ_MSIX) {
        if (m->has_gpie)
            wr32(a, E1000_GPIE, 0);
        /* QEMU raises TXDW only with a valid IVAR TX entry even without MSI-X (igb-82576.md
         * sec. 11.3); harmless on silicon, where IVAR matters only in MSI-X mode. */
        if (m->ivar_in_legacy) {
            igb_write_ivar(a, 0, false, 0);
            igb_write_ivar(a, 0, true, 0);
        }
        wr32(a, E1000_EITR(0), itr);
        a->q_vector[0].eims_value = 0;
        return;
    }

    if (m->has_gpie) {
        /* GPIE first, or the IVAR/EIAC writes below do not take (Linux igb_configure_msix). */
        wr32(a, E1000_GPIE, E1000_GPIE_MSIX_MODE | E1000_GPIE_PBA | E1000_GPIE_EIAME | E1000_GPIE_NSICR);
        /* Other causes (ICR & IMS) -> vector 0: IVAR_MISC byte 1 (igb-82576.md sec. 7.4). */
        wr32(a, E1000_IVAR_MISC, (0u | E1000_IVAR_VALID) << 8);
        for (unsigned i = 0; i < a->num_queues; i++) {
            unsigned vec = a->tx_ring[i].q_vector->v_idx;
            igb_write_ivar(a, i, false, vec);
            igb_write_ivar(a, i, true, vec);
        }
    } else {
        /* 82575: MSI-X mode bits live in CTRL_EXT, causes map through MSIXBM. */
        wr32(a, E1000_CTRL_EXT, rd32(a, E1000_CTRL_EXT) | E1000_CTRL_EXT_PBA_CLR |
                                E1000_CTRL_EXT_EIAME | E1000_CTRL_EXT_IRCA);
        wr32(a, E1000_MSIXBM(0), m->other_eims(0));
        for (unsigned v = 0; v < a->num_q_vectors; v++)
            wr32(a, E1000_MSIXBM(a->q_vector[v].v_idx), m->queue_eims(a->q_vector[v].v_idx, v));
    }
    a->eims_other = m->other_eims(0);
    a->eims_enable_mask = a->eims_other;
    for (unsigned v = 0; v < a->num_q_vectors; v++) {
        struct igb_q_vector *q = &a->q_vector[v];
        q->eims_value = m->queue_eims(q->v_idx, v);
        a->eims_enable_mask |= q->eims_value;
        wr32(a, E1000_EITR(q->v_idx), itr);
    }
    wr32(a, E1000_EITR(0), 0);   /* link events are rare: no moderation */
    /* Auto-clear every vector's EICR bit when its message is sent: a cause left set would
     * keep QEMU from ever signalling that vector again. EIAM is left alone (masking is
     * explicit, and QEMU's EIAM write is broken, igb-82576.md sec. 11.12). */
    wr32(a, E1000_EIAC, a->eims_enable_mask);
    igb_flush(a);
}

/* Unmask (igb-82576.md sec. 10 step 15): drop stale causes, then enable. */
void igb_irq_enable(struct igb_adapter *a)
{
    (void)rd32(a, E1000_ICR);
    if (a->irq_mode == IGB_IRQ_MSIX) {
        wr32(a, E1000_EICR, 0xffffffffu);
        wr32(a, E1000_EIMS, a->eims_enable_mask);
        wr32(a, E1000_IMS, IGB_ICR_OTHER_CAUSES);
    } else {
        wr32(a, E1000_IMS, IGB_ICR_QUEUE_CAUSES | IGB_ICR_OTHER_CAUSES);
    }
    igb_flush(a);
}

void igb_irq_disable(struct igb_adapter *a)
{
    wr32(a, E1000_IMC, 0xffffffffu);
    if (a->irq_mode == IGB_IRQ_MSIX)
        wr32(a, E1000_EIMC, 0xffffffffu);
    igb_flush(a);
}

/* Re-enable a queue vector after its poll finished under budget. */
void igb_ring_irq_enable(struct igb_q_vector *q)
{
    struct igb_adapter *a = q->adapter;
    if (a->down)
        return;
    if (a->irq_mode == IGB_IRQ_MSIX)
        wr32(a, E1000_EIMS, q->eims_value);
    else
        wr32(a, E1000_IMS, IGB_ICR_QUEUE_CAUSES);
}

/* Software-raised queue interrupt: the watchdog's answer to a ring the NIC finished but
 * nobody cleaned (a lost interrupt). */
void igb_irq_kick(struct igb_adapter *a)
{
    if (a->irq_mode == IGB_IRQ_MSIX) {
        uint32_t bits = 0;
        for (unsigned v = 0; v < a->num_q_vectors; v++)
            bits |= a->q_vector[v].eims_value;
        wr32(a, E1000_EICS, bits);
    } else {
        wr32(a, E1000_ICS, E1000_ICR_RXT0);
    }
}

/* ---- adaptive interrupt moderation ----
 * Per vector, from the packets and bytes its rings moved since the last poll that
 * completed, a latency class (the classes and thresholds of Linux's igb_update_itr):
 *   lowest  request/response, a few small packets: no moderation at all, so a reply
 *           is handled as soon as it lands (Linux's default keeps 50 us even here)
 *   low     mixed traffic: 50 us (~20k interrupts/s)
 *   bulk    large or many packets: 250 us (~4k interrupts/s), so a stream costs few
 *           interrupts per packet
 * EITR is written only when the class changes. igb.itr=US fixes the interval instead.
 * (ITR_* and itr_class_usecs are defined above.) */

unsigned igb_itr_next_class(unsigned cls, uint64_t packets, uint64_t bytes)
{
    if (packets == 0)
        return cls;
    uint64_t per = bytes / packets;
    switch (cls) {
    case ITR_LOWEST:
        if (per > 8000)
            return ITR_BULK;
        if (packets < 5 && bytes > 512)
            return ITR_LOW;
        return ITR_LOWEST;
    case ITR_LOW:
        if (bytes > 10000) {
            if (per > 8000 || packets < 10 || per > 1200)
                return ITR_BULK;
            if (packets > 35)
                return ITR_LOWEST;
            return ITR_LOW;
        }
        if (per > 2000)
            return ITR_BULK;
        if (packets <= 2 && bytes < 512)
            return ITR_LOWEST;
        return ITR_LOW;
    default:
        if (bytes > 25000)
            return packets > 35 ? ITR_LOW : ITR_BULK;
        return bytes < 1500 ? ITR_LOW : ITR_BULK;
    }
}

static void igb_update_itr(struct igb_q_vector *q)
{
    struct igb_adapter *a = q->adapter;
    uint64_t packets = 0, bytes = 0, rx = 0;
    if (q->tx_ring) {
        packets += q->tx_ring->packets;
        bytes += q->tx_ring->bytes;
    }
    if (q->rx_ring) {
        rx = q->rx_ring->packets;
        packets += rx;
        bytes += q->rx_ring->bytes;
    }
    unsigned cls = igb_itr_next_class(q->itr_class, packets - q->itr_packets0, bytes - q->itr_bytes0);
    /* Only a reception waits on the interrupt: completions of a sender's own stream are
     * never worth one interrupt each, so without received packets the floor is low. */
    if (cls == ITR_LOWEST && rx == q->itr_rx0)
        cls = ITR_LOW;
    q->itr_packets0 = packets;
    q->itr_bytes0 = bytes;
    q->itr_rx0 = rx;
    if (cls == q->itr_class)
        return;
    q->itr_class = cls;
    q->itr_usecs = itr_class_usecs[cls];
    q->itr_changes++;
    uint32_t v = a->mac->eitr_value(igb_eitr_from_usecs(q->itr_usecs));
    wr32(a, E1000_EITR(a->irq_mode == IGB_IRQ_MSIX ? q->v_idx : 0), v);
}

/* NAPI poll (station 18): TX completions first, then RX within budget; unmask the
 * vector only when both finished early. */
int igb_poll(struct napi_struct *napi, int budget)
{
    struct igb_q_vector *q = container_of(napi, struct igb_q_vector, napi);
    q->polls++;
    trace_point(TS_IGB_POLL, NULL, 0, budget);
    bool clean_complete = igb_clean_tx_irq(q);
    int work_done = igb_clean_rx_irq(q, budget);
    if (work_done >= budget)
        clean_complete = false;
    if (!clean_complete)
        return budget;
    if (q->adapter->itr_adaptive)
        igb_update_itr(q);
    if (napi_complete_done(napi, work_done))
        igb_ring_irq_enable(q);
    return MIN(work_done, budget - 1);
}
