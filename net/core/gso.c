/* net/core/gso.c - software segmentation at the bottom of the device layer (contract in
 * net/core/gso.h): the per-ethertype offload table, the protocol-blind payload cutter
 * (skb_segment), and validate_xmit_skb, which the qdisc runs on every packet before
 * dev_hard_start_xmit. */
#include "net/core/gso.h"
#include "net/core/netdevice.h"
#include "kernel/cmdline.h"
#include "kernel/arch/x86.h"
#include "kernel/lib/string.h"
#include "net/core/trace_stations.h"

CMDLINE_KEY(gso, "gso", "0 = no software segmentation: TCP sends one MSS per packet to a device without TSO (default 1)");

static LIST_HEAD(offload_base);
static struct gso_stats gstats;
/* read when a device registers (register_netdev), not per packet */
bool gso_enabled(void) { return cmdline_get_u64("gso", 1) != 0; }

void gso_get_stats(struct gso_stats *s) { *s = gstats; }

void dev_add_offload(struct packet_offload *po)
{
    list_add_tail(&po->list, &offload_base);
}

/* The segment's part of the packet's payload [off, off + len) as page references: false
 * when a byte of it lies in the linear area or the pieces would not fit in frags[]. */
static bool segment_can_share(const struct sk_buff *skb, unsigned int off, unsigned int len)
{
    if (off < skb_headlen(skb))
        return false;
    const struct skb_shared_info *sh = skb_shinfo(skb);
    unsigned int pos = skb_headlen(skb), pieces = 0;
    for (unsigned i = 0; i < sh->nr_frags && pos < off + len; i++) {
        unsigned int end = pos + sh->frags[i].size;
        if (end > off)
            pieces++;
        pos = end;
    }
    return pieces <= MAX_SKB_FRAGS;
}

/* Attach [off, off + len) of skb's paged data to seg (a page reference per piece). */
static void segment_share(struct sk_buff *seg, const struct sk_buff *skb, unsigned int off,
                          unsigned int len)
{
    const struct skb_shared_info *sh = skb_shinfo(skb);
    unsigned int pos = skb_headlen(skb);
    for (unsigned i = 0; i < sh->nr_frags && len; i++) {
        const skb_frag_t *f = &sh->frags[i];
        unsigned int end = pos + f->size;
        if (end > off) {
            unsigned int from = off - pos;            /* off >= pos here */
            unsigned int n = MIN(len, f->size - from);
            skb_frag_append(seg, f->page, f->offset + from, n);   /* fits: checked */
            off += n;
            len -= n;
        }
        pos = end;
    }
}

static void segment_free_list(struct sk_buff *segs)
{
    for (struct sk_buff *n; segs; segs = n) {
        n = segs->next;
        segs->next = NULL;
        kfree_skb(segs);
    }
}

struct sk_buff *skb_segment(struct sk_buff *skb, unsigned int hdr_len, uint32_t features)
{
    unsigned int mss = skb_shinfo(skb)->gso_size;
    if (!mss || hdr_len > skb_headlen(skb) || skb->len <= hdr_len)
        return NULL;
    int nh_off = skb_network_offset(skb), th_off = skb_transport_offset(skb);
    struct sk_buff *segs = NULL, **tailp = &segs;
    for (unsigned int off = hdr_len; off < skb->len; off += mss) {
        unsigned int len = MIN(mss, skb->len - off);
        bool share = (features & NETIF_F_SG) && segment_can_share(skb, off, len);
        struct sk_buff *seg = netdev_alloc_skb(skb->dev, hdr_len + (share ? 0 : len));
        if (!seg) {
            segment_free_list(segs);
            return NULL;
        }
        memcpy(skb_put(seg, hdr_len), skb->data, hdr_len);
        if (share)
            segment_share(seg, skb, off, len);
        else
            skb_copy_bits(skb, off, skb_put(seg, len), len);   /* in range: cannot fail */
        skb_reset_mac_header(seg);
        skb_set_network_header(seg, nh_off);
        skb_set_transport_header(seg, th_off);
        seg->protocol = skb->protocol;
        seg->priority = skb->priority;
        seg->queue_mapping = skb->queue_mapping;
        seg->hash = skb->hash;
        seg->pkt_type = skb->pkt_type;
        seg->tstamp = skb->tstamp;
        *tailp = seg;
        tailp = &seg->next;
    }
    return segs;
}

bool netif_needs_gso(const struct sk_buff *skb, const struct net_device *dev)
{
    if (!skb_is_gso(skb))
        return false;
    const struct skb_shared_info *sh = skb_shinfo(skb);
    return !(dev->features & NETIF_F_TSO) || sh->gso_type != SKB_GSO_TCPV4 ||
           (dev->gso_max_segs && sh->gso_segs > dev->gso_max_segs);
}

static struct sk_buff *skb_gso_segment(struct sk_buff *skb, uint32_t features)
{
    struct packet_offload *po;
    list_for_each_entry(po, &offload_base, list)
        if (po->type == skb->protocol && po->gso_segment)
            return po->gso_segment(skb, features);
    return NULL;
}

struct packet_offload *gro_find_offload(uint16_t type)
{
    struct packet_offload *po;
    list_for_each_entry(po, &offload_base, list)
        if (po->type == type && po->gro_receive)
            return po;
    return NULL;
}

/* The last segment's destructor: the packet it was cut from goes now (its owner's write
 * memory with it). The segment's cb holds the packet (the device layer's scratch). */
struct gso_cb { struct sk_buff *parent; };
#define GSO_CB(skb) ((struct gso_cb *)(skb)->cb)

static void gso_release_parent(struct sk_buff *seg)
{
    consume_skb(GSO_CB(seg)->parent);
}

struct sk_buff *validate_xmit_skb(struct sk_buff *skb, struct net_device *dev)
{
    if (!netif_needs_gso(skb, dev))
        return skb;
    /* the device cannot segment: neither TSO nor SG/checksum offloads are assumed */
    uint32_t features = dev->features & ~NETIF_F_TSO;
    struct sk_buff *segs = skb_gso_segment(skb, features);
    if (!segs) {
        unsigned long f = local_irq_save();
        gstats.failed++;
        local_irq_restore(f);
        kfree_skb(skb);
        return NULL;
    }
    trace_point(TS_SKB_GSO_SEGMENT, skb, skb->len, (uintptr_t)segs);
    struct sk_buff *last = segs;
    unsigned n = 1;
    for (; last->next; last = last->next)
        n++;
    GSO_CB(last)->parent = skb;
    last->destructor = gso_release_parent;
    unsigned long f = local_irq_save();
    gstats.packets++;
    gstats.segs += n;
    local_irq_restore(f);
    return segs;
}
