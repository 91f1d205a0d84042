/* drivers/net/igb/igb_rx.c - the receive side: rings of advanced one-buffer descriptors,
 * each pointing at the 2 KiB linear area of its own sk_buff, and igb_clean_rx_irq, which
 * NAPI runs to hand completed frames to napi_gro_receive and re-arm the slots.
 *
 * Every slot always holds a buffer: a completed slot is re-armed at once, with a fresh
 * skb when its frame goes up the stack, or with the same skb when the frame is dropped
 * (errors, over-long, or no memory for a replacement). So the ring never runs dry from
 * allocation failure and the tail is simply the slot before next_to_clean.
 */
#include "drivers/net/igb/igb.h"
#include "net/core/gro.h"
#include "kernel/lib/unaligned.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/mm/mm.h"

/* Toeplitz key for RSS (any well-mixed 40 bytes do; this one is our own). */
static const uint8_t igb_rss_key[40] = {
    0x3c, 0x8e, 0x51, 0xa7, 0x0d, 0xf2, 0x64, 0x19, 0xbb, 0x27, 0xc4, 0x5e, 0x90, 0x6a, 0x13, 0xd8,
    0x7f, 0x42, 0xe9, 0x05, 0xac, 0x36, 0x8b, 0xf1, 0x58, 0x2d, 0xc0, 0x97, 0x4e, 0x1b, 0xe3, 0x76,
    0xa9, 0x0c, 0x65, 0xd2, 0x3f, 0x88, 0x17, 0xbe,
};

int igb_setup_rx_resources(struct igb_ring *r)
{
    r->size = (size_t)r->count * sizeof(union igb_adv_rx_desc);
    r->desc = dma_alloc_coherent(r->size, 128, &r->dma);   /* RDBAL: 128-byte aligned */
    r->rx_buffer_info = kzalloc(sizeof(struct igb_rx_buffer) * r->count);
    if (!r->desc || !r->rx_buffer_info) {
        igb_free_rx_resources(r);
        return -ENOMEM;
    }
    r->next_to_clean = r->next_to_use = 0;
    return 0;
}

void igb_clean_rx_ring(struct igb_ring *r)
{
    if (!r->rx_buffer_info)
        return;
    for (unsigned i = 0; i < r->count; i++) {
        consume_skb(r->rx_buffer_info[i].skb);   /* idle buffers, not dropped packets */
        r->rx_buffer_info[i].skb = NULL;
    }
    if (r->desc)
        memset(r->desc, 0, r->size);
    r->next_to_clean = r->next_to_use = 0;
    r->rx_discarding = false;
}

void igb_free_rx_resources(struct igb_ring *r)
{
    igb_clean_rx_ring(r);
    if (r->desc)
        dma_free_coherent(r->desc, r->size);
    kfree(r->rx_buffer_info);
    r->desc = NULL;
    r->rx_buffer_info = NULL;
}

/* Read format (igb-82576.md sec. 5.5): buffer address, header address 0, which also clears DD. */
static inline void igb_rx_arm(union igb_adv_rx_desc *d, const struct sk_buff *skb)
{
    d->read.pkt_addr = virt_to_phys(skb->data);
    d->read.hdr_addr = 0;
}

/* A buffer for every slot; the NIC gets them all when RDT is written. */
static int igb_alloc_rx_buffers(struct igb_ring *r)
{
    for (unsigned i = 0; i < r->count; i++) {
        struct igb_rx_buffer *b = &r->rx_buffer_info[i];
        if (!b->skb) {
            b->skb = alloc_skb(IGB_RX_BUFSZ);
            if (!b->skb) {
                r->rx_stats.alloc_failed++;
                return -ENOMEM;
            }
        }
        igb_rx_arm(IGB_RX_DESC(r, i), b->skb);
    }
    return 0;
}

/* One RX queue, in the order of igb-82576.md sec. 5.7 (82576 DS ch. 4.5.9 receive init). */
static int igb_configure_rx_ring(struct igb_adapter *a, struct igb_ring *r)
{
    unsigned q = r->queue_index;
    wr32(a, E1000_RXDCTL(q), 0);      /* queue 0 is enabled out of reset: stop it first */
    for (int i = 0; i < 10 && (rd32(a, E1000_RXDCTL(q)) & E1000_RXDCTL_QUEUE_ENABLE); i++)
        mdelay(1);
    wr32(a, E1000_RDBAL(q), (uint32_t)r->dma);
    wr32(a, E1000_RDBAH(q), (uint32_t)(r->dma >> 32));
    wr32(a, E1000_RDLEN(q), (uint32_t)r->size);
    wr32(a, E1000_RDH(q), 0);
    wr32(a, E1000_RDT(q), 0);
    /* Advanced one-buffer descriptors, 2 KiB buffers. With several queues a full one
     * drops instead of stalling the others (Linux: DROP_EN without flow control). */
    uint32_t srrctl = (IGB_RX_BUFSZ >> E1000_SRRCTL_BSIZEPKT_SHIFT) | E1000_SRRCTL_DESCTYPE_ADV_ONEBUF;
    if (a->num_queues > 1)
        srrctl |= E1000_SRRCTL_DROP_EN;
    wr32(a, E1000_SRRCTL(q), srrctl);

    int err = igb_alloc_rx_buffers(r);
    if (err)
        return err;
    r->next_to_clean = 0;
    r->wd_clean = ~0u;                  /* the watchdog has not looked yet */
    r->rx_discarding = false;
    wmb();
    wr32(a, E1000_RXDCTL(q), IGB_DCTL_THRESH(8, 8, 4) | E1000_RXDCTL_QUEUE_ENABLE);
    for (int i = 0; i < 10 && !(rd32(a, E1000_RXDCTL(q)) & E1000_RXDCTL_QUEUE_ENABLE); i++)
        mdelay(1);
    return 0;
}

/* Receive-side scaling (igb-82576.md sec. 8.1): key, redirection table spreading the 128 hash
 * buckets over the queues, and the hash types. */
static void igb_setup_mrqc(struct igb_adapter *a)
{
    for (unsigned i = 0; i < IGB_RSSRK_WORDS; i++) {
        const uint8_t *k = &igb_rss_key[4 * i];
        wr32(a, E1000_RSSRK(i), get_unaligned_le32(k));
    }
    for (unsigned w = 0; w < IGB_RETA_WORDS; w++) {
        uint32_t v = 0;
        for (unsigned b = 0; b < 4; b++)
            v |= (uint32_t)(((4 * w + b) % a->num_queues) << a->mac->reta_shift) << (8 * b);
        wr32(a, E1000_RETA(w), v);
    }
    wr32(a, E1000_MRQC, E1000_MRQC_ENABLE_RSS_MQ | E1000_MRQC_RSS_FIELD_IPV4 |
                        E1000_MRQC_RSS_FIELD_IPV4_TCP | E1000_MRQC_RSS_FIELD_IPV4_UDP |
                        E1000_MRQC_RSS_FIELD_IPV6 | E1000_MRQC_RSS_FIELD_IPV6_TCP);
}

int igb_configure_rx(struct igb_adapter *a)
{
    /* RCTL (igb-82576.md sec. 5.1): receiver off while the rings are programmed; broadcast accept,
     * CRC stripped (so lengths exclude the FCS), no promiscuous/loopback/long packets,
     * buffer size from SRRCTL, descriptor type 0 as QEMU insists. */
    uint32_t rctl = rd32(a, E1000_RCTL);
    rctl &= ~(E1000_RCTL_EN | E1000_RCTL_SBP | E1000_RCTL_UPE | E1000_RCTL_MPE | E1000_RCTL_LPE |
              E1000_RCTL_LBM_MASK | E1000_RCTL_RDMTS_MASK | E1000_RCTL_MO_MASK | E1000_RCTL_SZ_MASK |
              E1000_RCTL_VFE | (3u << 10));
    rctl |= E1000_RCTL_BAM | E1000_RCTL_SECRC;
    wr32(a, E1000_RCTL, rctl);

    /* RX checksum status for IPv4 headers and TCP/UDP (igb-82576.md sec. 5.6). PCSD puts the RSS
     * hash in the descriptor instead of the fragment checksum; QEMU steers only with it. */
    uint32_t rxcsum = E1000_RXCSUM_IPOFL | E1000_RXCSUM_TUOFL;
    if (a->num_queues > 1)
        rxcsum |= E1000_RXCSUM_PCSD;
    wr32(a, E1000_RXCSUM, rxcsum);
    if (a->num_queues > 1)
        igb_setup_mrqc(a);
    else
        wr32(a, E1000_MRQC, 0);

    for (unsigned i = 0; i < a->num_queues; i++) {
        int err = igb_configure_rx_ring(a, &a->rx_ring[i]);
        if (err)
            return err;
    }
    wr32(a, E1000_RCTL, rctl | E1000_RCTL_EN);
    /* The tail goes last: a tail written to a disabled queue is lost on HW (sec. 5.7). */
    for (unsigned i = 0; i < a->num_queues; i++) {
        struct igb_ring *r = &a->rx_ring[i];
        wr32(a, E1000_RDT(r->queue_index), igb_rx_tail(0, r->count));
    }
    igb_flush(a);
    return 0;
}

/* Station 18, RX half: completed descriptors -> skb_put(len), checksum status,
 * eth_type_trans, napi_gro_receive (which joins a flow's in-order TCP segments before
 * netif_receive_skb, net/core/gro.h); re-arm each slot and move RDT in batches. */
int igb_clean_rx_irq(struct igb_q_vector *q, int budget)
{
    struct igb_ring *r = q->rx_ring;
    struct igb_adapter *a = q->adapter;
    if (!r || a->down)
        return 0;
    struct net_device *dev = a->netdev;
    unsigned i = r->next_to_clean;
    unsigned rearmed = 0;
    int done = 0;
    uint64_t packets = 0, bytes = 0;

    while (done < budget) {
        union igb_adv_rx_desc *d = IGB_RX_DESC(r, i);
        uint32_t staterr = READ_ONCE(d->wb.status_error);
        if (!(staterr & IGB_RXD_STAT_DD))
            break;
        rmb();   /* the rest of the write-back only after DD (igb-82576.md sec. 5.5) */
        struct igb_rx_result res = igb_rx_decode(staterr, d->wb.length, d->wb.info, d->wb.rss,
                                                 IGB_RX_BUFSZ, &r->rx_discarding);
        struct igb_rx_buffer *b = &r->rx_buffer_info[i];
        struct sk_buff *up = NULL;
        switch (res.verdict) {
        case IGB_RX_PASS: {
            struct sk_buff *fresh = alloc_skb(IGB_RX_BUFSZ);
            if (fresh) {
                up = b->skb;
                b->skb = fresh;
            } else {
                r->rx_stats.alloc_failed++;   /* keep the old buffer, lose this frame */
                r->rx_stats.dropped++;
            }
            break;
        }
        case IGB_RX_DROP_NONEOP: r->rx_stats.non_eop++; r->rx_stats.dropped++; break;
        case IGB_RX_DROP_ERR:    r->rx_stats.frame_err++; r->rx_stats.dropped++; break;
        case IGB_RX_DROP_LEN:    r->rx_stats.len_err++; r->rx_stats.dropped++; break;
        case IGB_RX_NOT_DONE:    break;
        }
        igb_rx_arm(d, b->skb);
        i = igb_ring_next(i, r->count);
        done++;
        if (++rearmed == IGB_RX_BUFFER_WRITE) {
            wmb();
            wr32(a, E1000_RDT(r->queue_index), igb_rx_tail(i, r->count));
            rearmed = 0;
        }
        if (!up)
            continue;

        skb_put(up, res.len);
        up->dev = dev;
        if (res.csum == IGB_RX_CSUM_GOOD && (dev->features & NETIF_F_RXCSUM)) {
            up->ip_summed = CHECKSUM_UNNECESSARY;
            r->rx_stats.csum_good++;
        } else {
            up->ip_summed = CHECKSUM_NONE;    /* the stack verifies it itself */
            if (res.csum == IGB_RX_CSUM_BAD)
                r->rx_stats.csum_err++;
        }
        if (res.rss_type) {
            up->hash = res.rss_hash;
            r->rx_stats.rss_hashed++;
        }
        up->queue_mapping = (uint16_t)r->queue_index;
        packets++;
        bytes += res.len;
        up->protocol = eth_type_trans(up, dev);
        napi_gro_receive(&q->napi, up);
    }
    r->next_to_clean = i;
    if (rearmed) {
        wmb();
        wr32(a, E1000_RDT(r->queue_index), igb_rx_tail(i, r->count));
    }
    r->packets += packets;
    r->bytes += bytes;
    return done;
}
