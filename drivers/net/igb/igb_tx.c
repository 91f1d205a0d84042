/* drivers/net/igb/igb_tx.c - the transmit side (stations 15, 16 and 18 of docs/sendpath.md):
 * igb_xmit_frame -> igb_xmit_frame_ring -> igb_tx_map puts a packet on a TX ring, and
 * igb_clean_tx_irq, run from NAPI after the completion interrupt, frees what the NIC
 * reports done and wakes a stopped queue.
 *
 * Concurrency: one producer (xmit, called by the stack with bottom halves off) and one
 * consumer (NAPI poll). xmit writes next_to_use and publishes a packet by setting the
 * first slot's next_to_watch last; the cleaner only follows next_to_watch and writes
 * next_to_clean. A queue stopped for lack of room is re-checked after stopping, so a
 * completion that raced with the stop cannot leave it stopped forever.
 */
#include "drivers/net/igb/igb.h"
#include "kernel/lib/unaligned.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/mm/mm.h"
#include "net/core/trace_stations.h"

STATIC_ASSERT(IGB_MAX_SKB_FRAGS == MAX_SKB_FRAGS, "igb_desc.h's DESC_NEEDED must track MAX_SKB_FRAGS");

int igb_setup_tx_resources(struct igb_ring *r)
{
    r->size = (size_t)r->count * sizeof(union igb_adv_tx_desc);
    r->desc = dma_alloc_coherent(r->size, 128, &r->dma);   /* TDBAL: 128-byte aligned */
    r->tx_buffer_info = kzalloc(sizeof(struct igb_tx_buffer) * r->count);
    if (!r->desc || !r->tx_buffer_info) {
        igb_free_tx_resources(r);
        return -ENOMEM;
    }
    for (unsigned i = 0; i < r->count; i++)
        r->tx_buffer_info[i].next_to_watch = -1;
    r->next_to_use = r->next_to_clean = 0;
    init_waitqueue_head(&r->wake_wq);
    return 0;
}

void igb_free_tx_resources(struct igb_ring *r)
{
    igb_clean_tx_ring(r);
    if (r->desc)
        dma_free_coherent(r->desc, r->size);
    kfree(r->tx_buffer_info);
    r->desc = NULL;
    r->tx_buffer_info = NULL;
}

/* Drop every packet still on the ring (reset or close): the NIC will never complete them. */
void igb_clean_tx_ring(struct igb_ring *r)
{
    if (!r->tx_buffer_info)
        return;
    for (unsigned i = 0; i < r->count; i++) {
        struct igb_tx_buffer *b = &r->tx_buffer_info[i];
        if (b->skb) {
            kfree_skb(b->skb);
            r->tx_stats.reset_freed++;
            r->tx_stats.dropped++;
        }
        *b = (struct igb_tx_buffer){ .next_to_watch = -1 };
    }
    if (r->desc)
        memset(r->desc, 0, r->size);
    r->next_to_use = r->next_to_clean = 0;
}

/* One TX queue (igb-82576.md sec. 6.2 and sec. 10 step 11; 82576 DS ch. 4.5.10 transmit init). */
static void igb_configure_tx_ring(struct igb_adapter *a, struct igb_ring *r)
{
    unsigned q = r->queue_index;
    wr32(a, E1000_TXDCTL(q), 0);      /* queue 0 is enabled out of reset: stop it first */
    igb_flush(a);
    mdelay(1);
    wr32(a, E1000_TDBAL(q), (uint32_t)r->dma);
    wr32(a, E1000_TDBAH(q), (uint32_t)(r->dma >> 32));
    wr32(a, E1000_TDLEN(q), (uint32_t)r->size);
    wr32(a, E1000_TDH(q), 0);
    wr32(a, E1000_TDT(q), 0);
    r->tail_pending = false;
    /* Write-back threshold 1: every RS descriptor is reported at once, so completion
     * never waits for a batch to fill (Linux uses 1 on 82576 with MSI-X). */
    wr32(a, E1000_TXDCTL(q), IGB_DCTL_THRESH(8, 1, 1) | E1000_TXDCTL_QUEUE_ENABLE);
    for (int i = 0; i < 10 && !(rd32(a, E1000_TXDCTL(q)) & E1000_TXDCTL_QUEUE_ENABLE); i++)
        mdelay(1);
    r->wd_head = 0;
    r->wd_clean = 0;
    r->wd_since = jiffies;
}

void igb_configure_tx(struct igb_adapter *a)
{
    for (unsigned i = 0; i < a->num_queues; i++)
        igb_configure_tx_ring(a, &a->tx_ring[i]);
    /* TCTL (igb-82576.md sec. 6.1): pad short frames (so no software padding below 60 bytes),
     * collision threshold, retransmit on late collision. Enabled before any TDT write
     * because QEMU only transmits at a TDT write made while TCTL.EN is set
     * (igb-82576.md sec. 11.4). */
    uint32_t tctl = rd32(a, E1000_TCTL);
    tctl &= ~E1000_TCTL_CT_MASK;
    tctl |= E1000_TCTL_EN | E1000_TCTL_PSP | E1000_TCTL_RTLC |
            (E1000_COLLISION_THRESHOLD << E1000_TCTL_CT_SHIFT);
    wr32(a, E1000_TCTL, tctl);
    igb_flush(a);
}

static struct netdev_queue *txq_of(struct igb_ring *r)
{
    return netdev_get_tx_queue(r->adapter->netdev, r->queue_index);
}

/* Stop the queue when fewer than size descriptors are free. Returns true when it stays
 * stopped. The second look after stopping catches a clean that ran in between. */
static bool igb_maybe_stop_tx(struct igb_ring *r, unsigned size)
{
    if (!igb_tx_should_stop(igb_desc_unused(r->next_to_use, READ_ONCE(r->next_to_clean), r->count), size))
        return false;
    netif_tx_stop_queue(txq_of(r));
    r->tx_stats.stops++;
    mb();
    if (igb_tx_should_stop(igb_desc_unused(r->next_to_use, READ_ONCE(r->next_to_clean), r->count), size))
        return true;
    netif_tx_start_queue(txq_of(r));
    r->tx_stats.restart_queue++;
    return false;
}

static void igb_tx_drop(struct igb_ring *r, struct sk_buff *skb, uint64_t *reason)
{
    (*reason)++;
    r->tx_stats.dropped++;
    kfree_skb(skb);
}

/* Descriptors the buffers of skb need (no context descriptor). */
static unsigned igb_tx_desc_count(const struct sk_buff *skb)
{
    unsigned n = igb_txd_use_count(skb_headlen(skb));
    const struct skb_shared_info *sh = skb_shinfo(skb);
    for (unsigned f = 0; f < sh->nr_frags; f++)
        n += igb_txd_use_count(sh->frags[f].size);
    return n;
}

/* Fill the data descriptors for one buffer, splitting at IGB_MAX_DATA_PER_TXD. */
static unsigned igb_tx_map_buf(struct igb_ring *r, unsigned i, uint64_t addr, uint32_t len,
                               const struct igb_tx_offload *o, unsigned ctx_idx, unsigned *last)
{
    uint32_t dcmd = o->tso ? IGB_ADVTXD_DCMD_TSE : 0;
    while (len) {
        uint32_t chunk = MIN(len, IGB_MAX_DATA_PER_TXD);
        *IGB_TX_DESC(r, i) = igb_tx_data_desc(addr, chunk, dcmd, o->paylen, o->popts, ctx_idx);
        *last = i;
        i = igb_ring_next(i, r->count);
        addr += chunk;
        len -= chunk;
    }
    return i;
}

/* Station 15, the descriptor writer: context descriptor (when offloading), one data
 * descriptor per buffer (linear part, then every fragment), EOP|RS on the last, the skb
 * recorded on the last slot, a write barrier; the tail register is igb_tx_doorbell's. */
static void igb_tx_map(struct igb_ring *r, struct sk_buff *skb, const struct igb_tx_offload *o)
{
    struct igb_adapter *a = r->adapter;
    unsigned ctx_idx = a->mac->tx_ctx_idx_per_queue ? r->queue_index : 0;
    unsigned first = r->next_to_use, i = first, last = first;

    if (o->ctx) {
        *IGB_TX_DESC(r, i) = igb_tx_ctx_desc(0, o->maclen, o->iplen, o->tucmd, o->mss,
                                             o->l4len, ctx_idx);
        i = igb_ring_next(i, r->count);
    }
    if (skb_headlen(skb))
        i = igb_tx_map_buf(r, i, virt_to_phys(skb->data), skb_headlen(skb), o, ctx_idx, &last);
    const struct skb_shared_info *sh = skb_shinfo(skb);
    for (unsigned f = 0; f < sh->nr_frags; f++) {
        const skb_frag_t *fr = &sh->frags[f];
        if (fr->size)
            i = igb_tx_map_buf(r, i, fr->page + fr->offset, fr->size, o, ctx_idx, &last);
    }
    IGB_TX_DESC(r, last)->read.cmd_type_len |= IGB_ADVTXD_DCMD_EOP | IGB_ADVTXD_DCMD_RS;

    struct igb_tx_buffer *eop = &r->tx_buffer_info[last];
    eop->skb = skb;
    eop->gso_segs = o->gso_segs;
    eop->bytecount = skb->len + (uint32_t)(o->gso_segs - 1) * o->hdr_len;
    /* Descriptors and bookkeeping are complete before the cleaner may look at them and
     * before the NIC may fetch them. */
    wmb();
    WRITE_ONCE(r->tx_buffer_info[first].next_to_watch, (int32_t)last);
    r->next_to_use = i;
    r->tail_pending = true;        /* igb_tx_doorbell writes TDT */
    trace_skb(TS_IGB_TX_MAP, skb, i);   /* arg: the tail value the doorbell writes */
}

/* The tail register write that hands placed descriptors to the NIC: one per burst. It
 * waits while the caller says more packets follow at once (txq->xmit_more) and the queue
 * still runs; a stopped queue gets it at once, since no further packet may come to ring
 * it. */
static void igb_tx_doorbell(struct igb_ring *r)
{
    struct netdev_queue *txq = txq_of(r);
    if (!r->tail_pending || (txq->xmit_more && !netif_tx_queue_stopped(txq)))
        return;
    r->tail_pending = false;
    r->tail_writes++;
    wmb();
    /* QEMU transmits synchronously inside this write and may interrupt right after it. */
    wr32(r->adapter, E1000_TDT(r->queue_index), r->next_to_use);
}

/* The TSO header fix-ups the hardware expects (Linux igb_tso): a zero IPv4 checksum
 * (recomputed per segment) and a TCP checksum seeded with the length-less pseudo-header. */
static void igb_tso_prepare(struct sk_buff *skb, const struct igb_tx_offload *o)
{
    uint8_t *ip = skb->data + o->maclen;
    uint8_t *th = ip + o->iplen;
    ip[10] = ip[11] = 0;
    put_unaligned_be16(igb_tso_pseudo_seed(ip + 12, 8, 6), th + 16);
}

static netdev_tx_t igb_xmit_frame_queue(struct sk_buff *skb, struct igb_ring *r)
{
    struct igb_adapter *a = r->adapter;
    struct net_device *dev = a->netdev;

    if (unlikely(a->down)) {   /* mid-reset or closed: the ring is not live */
        igb_tx_drop(r, skb, &r->tx_stats.bad_skb);
        return NETDEV_TX_OK;
    }
    const struct skb_shared_info *sh = skb_shinfo(skb);
    /* The MAC cannot send fewer than 17 bytes even with TCTL.PSP padding (Linux pads to
     * 17); anything that short is no Ethernet frame anyway. */
    if (unlikely(skb->len < IGB_MIN_TX_LEN || sh->nr_frags > MAX_SKB_FRAGS || skb->len < skb->data_len)) {
        igb_tx_drop(r, skb, &r->tx_stats.bad_skb);
        return NETDEV_TX_OK;
    }
    unsigned max_len = dev->mtu + ETH_HLEN;
    if (skb_headlen(skb) >= ETH_HLEN && skb->data[12] == 0x81 && skb->data[13] == 0x00)
        max_len += 4;   /* an in-band 802.1Q tag */
    if (unlikely(!skb_is_gso(skb) && skb->len > max_len)) {
        igb_tx_drop(r, skb, &r->tx_stats.oversize);
        return NETDEV_TX_OK;
    }

    /* Room for the buffers, a context descriptor and the two-slot gap; if not, hand the
     * skb back (the qdisc requeues it) and stay stopped until igb_clean_tx_irq wakes us. */
    unsigned count = igb_tx_desc_count(skb);
    if (igb_maybe_stop_tx(r, count + 3)) {
        r->tx_stats.tx_busy++;
        return NETDEV_TX_BUSY;
    }

    struct igb_tx_frame f = {
        .data = skb->data, .headlen = skb_headlen(skb), .len = skb->len,
        .protocol = skb->protocol,
        .network_offset = skb->network_header != 0xffff ? skb_network_offset(skb) : -1,
        .transport_offset = skb->transport_header != 0xffff ? skb_transport_offset(skb) : -1,
        .ip_summed = skb->ip_summed, .gso_size = sh->gso_size,
        .hw_ip4_hdr_csum = dev->features & NETIF_F_HW_CSUM_IPV4HDR,
    };
    if (skb->ip_summed == CHECKSUM_PARTIAL && f.transport_offset < 0)
        f.transport_offset = (int)skb->csum_start - (int)skb_headroom(skb);
    struct igb_tx_offload o;
    if (igb_tx_offload_plan(&f, &o) != IGB_TXP_OK) {
        igb_tx_drop(r, skb, &r->tx_stats.bad_skb);
        return NETDEV_TX_OK;
    }
    if (o.tso) {
        igb_tso_prepare(skb, &o);
        r->tx_stats.tso++;
        r->tx_stats.tso_segs += o.gso_segs;
    }
    if (o.popts & IGB_ADVTXD_POPTS_TXSM)
        r->tx_stats.csum_offload++;
    if (o.popts & IGB_ADVTXD_POPTS_IXSM)
        r->tx_stats.ip4_hdr_offload++;

    igb_tx_map(r, skb, &o);
    txq_of(r)->trans_start = jiffies;
    /* Keep room for one worst-case packet; otherwise stop now rather than at the next. */
    igb_maybe_stop_tx(r, IGB_DESC_NEEDED);
    return NETDEV_TX_OK;
}

netdev_tx_t igb_xmit_frame_ring(struct sk_buff *skb, struct igb_ring *r)
{
    netdev_tx_t rc = igb_xmit_frame_queue(skb, r);
    igb_tx_doorbell(r);     /* also for a dropped or refused packet: earlier ones may wait */
    return rc;
}

/* ndo_start_xmit: the queue the stack picked (skb->queue_mapping). */
netdev_tx_t igb_xmit_frame(struct sk_buff *skb, struct net_device *dev)
{
    struct igb_adapter *a = netdev_priv(dev);
    unsigned q = skb->queue_mapping;
    if (unlikely(q >= a->num_queues))
        q %= a->num_queues;
    return igb_xmit_frame_ring(skb, &a->tx_ring[q]);
}

/* Station 18, TX half: walk from next_to_clean while the packet's EOP descriptor has DD,
 * free each completed skb (the reference the stack handed us), count, and wake the queue
 * once there is room for two worst-case packets. Returns true when it ran out of work
 * before the limit. */
bool igb_clean_tx_irq(struct igb_q_vector *q)
{
    struct igb_ring *r = q->tx_ring;
    struct igb_adapter *a = q->adapter;
    if (!r || a->down)
        return true;
    unsigned i = r->next_to_clean;
    unsigned budget = IGB_TX_WORK_LIMIT;
    uint64_t packets = 0, bytes = 0;

    for (; budget; budget--) {
        struct igb_tx_buffer *first = &r->tx_buffer_info[i];
        int32_t eop = READ_ONCE(first->next_to_watch);
        if (eop < 0)
            break;                                  /* nothing (more) in flight */
        rmb();
        union igb_adv_tx_desc *d = IGB_TX_DESC(r, (unsigned)eop);
        if (!(READ_ONCE(d->wb.status) & IGB_TXD_STAT_DD))
            break;                                  /* the NIC is not done with it yet */
        rmb();
        first->next_to_watch = -1;
        struct igb_tx_buffer *last = &r->tx_buffer_info[eop];
        packets += last->gso_segs;
        bytes += last->bytecount;
        trace_point(TS_IGB_CLEAN_TX_IRQ, last->skb, last->bytecount, eop);
        consume_skb(last->skb);
        last->skb = NULL;
        r->tx_stats.completions++;
        i = igb_ring_next((unsigned)eop, r->count);
    }
    WRITE_ONCE(r->next_to_clean, i);
    r->packets += packets;
    r->bytes += bytes;

    struct netdev_queue *txq = txq_of(r);
    mb();   /* next_to_clean before looking at the stopped state (pairs with maybe_stop) */
    if (netif_tx_queue_stopped(txq) && !a->down &&
        igb_tx_should_wake(igb_desc_unused(r->next_to_use, i, r->count))) {
        netif_tx_wake_queue(txq);
        r->tx_stats.restart_queue++;
        wake_up(&r->wake_wq);
    } else if (packets && i == r->next_to_use) {
        wake_up(&r->wake_wq);   /* drained: whoever waits for "all sent" may look */
    }
    return budget != 0;
}
