/* net/ipv4/ip_fragment.c - reassembly of IPv4 fragments (RFC 791 section 3.2,
 * RFC 815) with the defences a host needs:
 *   - a queue per (source, destination, ID, protocol), at most IPFRAG_MAX_QUEUES of them;
 *   - a 30 s timer per queue: on expiry the datagram is dropped and, if its first
 *     fragment arrived, the sender gets ICMP time exceeded (fragment reassembly);
 *   - a memory limit over all queues (high/low thresholds, oldest queues evicted);
 *   - no overlaps: an exact duplicate is ignored, any other overlap discards the whole
 *     datagram (what Linux does since 2018, and RFC 5722 demands for IPv6);
 *   - nothing past 65535 bytes, conflicting last fragments refused, at most
 *     IPFRAG_MAX_FRAGS pieces per datagram.
 * Fragments of a queue are kept sorted by offset on a singly linked list (skb->next).
 * The complete datagram is copied into one linear skb. */
#include "net/ipv4/ip.h"
#include "net/ipv4/icmp.h"
#include "net/core/checksum.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/mm/mm.h"

/* Where a queued fragment sits in its datagram (in skb->cb, after the IP part). */
struct ipfrag_cb {
    struct inet_skb_parm h;
    uint16_t offset;             /* payload offset in the datagram */
    uint16_t len;                /* payload bytes */
};
#define FRAG_CB(skb) ((struct ipfrag_cb *)((skb)->cb))
STATIC_ASSERT(sizeof(struct ipfrag_cb) <= sizeof(((struct sk_buff *)0)->cb), "cb too small");

struct ipq {
    struct list_head lru;        /* oldest first */
    uint32_t saddr, daddr;
    uint16_t id;
    uint8_t protocol;
    bool first_in, last_in, all_df;
    struct sk_buff *frags;       /* sorted by offset */
    int nfrags;
    unsigned int len;            /* datagram payload length, known once the last arrived */
    unsigned int meat;           /* payload bytes received */
    unsigned int truesize;
    uint16_t max_size;           /* largest fragment (header included) */
    struct timer_list timer;
};

static LIST_HEAD(ipq_lru);
static int nqueues;
static uint64_t frag_mem;

void ipfrag_get_info(struct ipfrag_info *i)
{
    unsigned long f = local_irq_save();
    i->queues = nqueues;
    i->mem = frag_mem;
    local_irq_restore(f);
}

/* Unlink and free a queue with its fragments. Interrupts are masked by the caller. */
static void ipq_kill(struct ipq *q)
{
    del_timer(&q->timer);
    list_del_init(&q->lru);
    nqueues--;
    frag_mem -= q->truesize;
    struct sk_buff *s = q->frags;
    while (s) {
        struct sk_buff *n = s->next;
        s->next = NULL;
        kfree_skb(s);
        s = n;
    }
    kfree(q);
}

static void ipq_fail(struct ipq *q)
{
    IP_INC_STATS(ReasmFails);
    ipq_kill(q);
}

static void ip_expire(struct timer_list *t)
{
    struct ipq *q = container_of(t, struct ipq, timer);
    unsigned long f = local_irq_save();
    IP_INC_STATS(ReasmTimeout);
    IP_INC_STATS(ReasmFails);
    /* RFC 792 / 1122 section 3.2.1.4: time exceeded, only when fragment 0 arrived (it
     * carries the header and the first bytes the error must quote) */
    struct sk_buff *first = q->first_in ? q->frags : NULL;
    if (first) {
        q->frags = first->next;       /* keep it out of the kill below */
        first->next = NULL;
        q->truesize -= first->truesize;
        frag_mem -= first->truesize;
    }
    ipq_kill(q);
    local_irq_restore(f);
    if (first) {
        icmp_send(first, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0);
        kfree_skb(first);
    }
}

void ipfrag_flush(void)
{
    unsigned long f = local_irq_save();
    while (!list_empty(&ipq_lru))
        ipq_kill(list_first_entry(&ipq_lru, struct ipq, lru));
    local_irq_restore(f);
}

/* Memory pressure: drop the oldest datagrams until we are under the low threshold. */
static void ip_evictor(void)
{
    while (frag_mem > IPFRAG_LOW_THRESH && !list_empty(&ipq_lru)) {
        IP_INC_STATS(reasm_mem_evictions);
        ipq_fail(list_first_entry(&ipq_lru, struct ipq, lru));
    }
}

static struct ipq *ip_find(const struct iphdr *iph)
{
    struct ipq *q;
    list_for_each_entry(q, &ipq_lru, lru)
        if (q->id == iph->id && q->saddr == iph->saddr && q->daddr == iph->daddr &&
            q->protocol == iph->protocol)
            return q;
    if (nqueues >= IPFRAG_MAX_QUEUES) {
        IP_INC_STATS(reasm_queues_full);
        ipq_fail(list_first_entry(&ipq_lru, struct ipq, lru));
    }
    q = kzalloc(sizeof(*q));
    if (!q)
        return NULL;
    q->saddr = iph->saddr;
    q->daddr = iph->daddr;
    q->id = iph->id;
    q->protocol = iph->protocol;
    q->all_df = true;
    timer_setup(&q->timer, ip_expire, 0);
    mod_timer(&q->timer, jiffies + msecs_to_jiffies(IPFRAG_TIMEOUT_MS));
    list_add_tail(&q->lru, &ipq_lru);
    nqueues++;
    return q;
}

/* All pieces are in: copy them into one linear datagram. */
static struct sk_buff *ip_frag_reasm(struct ipq *q)
{
    struct sk_buff *head = q->frags;
    const struct iphdr *fh = ip_hdr(head);
    unsigned int hlen = fh->ihl * 4u;
    struct sk_buff *skb = alloc_skb(NET_SKB_PAD + hlen + q->len);
    if (!skb) {
        IP_INC_STATS(out_no_mem);
        return NULL;
    }
    skb_reserve(skb, NET_SKB_PAD);
    uint8_t *p = skb_put(skb, hlen + q->len);
    memcpy(p, fh, hlen);
    for (struct sk_buff *s = head; s; s = s->next)
        memcpy(p + hlen + FRAG_CB(s)->offset,
               skb_network_header(s) + ip_hdr(s)->ihl * 4u, FRAG_CB(s)->len);
    struct iphdr *iph = (struct iphdr *)p;
    iph->tot_len = htons((uint16_t)(hlen + q->len));
    iph->frag_off = q->all_df ? htons(IP_DF) : 0;
    iph->check = 0;
    iph->check = ip_fast_csum(iph, iph->ihl);
    skb_reset_network_header(skb);
    skb_set_transport_header(skb, (int)hlen);
    skb->dev = head->dev;
    skb->pkt_type = head->pkt_type;
    skb->protocol = head->protocol;
    /* the NIC saw only pieces: the transport checksum is still to be verified */
    skb->ip_summed = CHECKSUM_NONE;
    memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
    /* the head's input classification (it arrived on head->dev, as skb->dev says) */
    IPCB(skb)->flags = IPSKB_REASSEMBLED | (q->all_df ? IPSKB_FRAG_DF : 0) |
                       (IPCB(head)->flags & IPSKB_BROADCAST);
    IPCB(skb)->frag_max_size = q->max_size;
    return skb;
}

struct sk_buff *ip_defrag(struct sk_buff *skb)
{
    IP_INC_STATS(ReasmReqds);
    const struct iphdr *iph = ip_hdr(skb);
    unsigned int hlen = iph->ihl * 4u;
    uint16_t fo = ntohs(iph->frag_off);
    unsigned int offset = (fo & IP_OFFSET) * 8u;
    unsigned int len = ntohs(iph->tot_len) - hlen;
    unsigned int end = offset + len;
    bool last = !(fo & IP_MF);

    unsigned long f = local_irq_save();
    if (frag_mem + skb->truesize > IPFRAG_HIGH_THRESH)
        ip_evictor();
    if (frag_mem + skb->truesize > IPFRAG_HIGH_THRESH) {
        local_irq_restore(f);
        IP_INC_STATS(ReasmFails);
        kfree_skb(skb);
        return NULL;
    }
    struct ipq *q = ip_find(iph);
    if (!q) {
        local_irq_restore(f);
        IP_INC_STATS(ReasmFails);
        kfree_skb(skb);
        return NULL;
    }

    /* the whole datagram, header included, must fit in 65535 bytes */
    if (hlen + end > IP_MAX_PACKET) {
        IP_INC_STATS(reasm_too_big);
        goto fail_queue;
    }
    if (last) {
        /* the last fragment fixes the length: it must agree with what came before */
        if (end < q->meat || (q->last_in && end != q->len))
            goto bad_length;
        struct sk_buff *s = q->frags;
        while (s && s->next)
            s = s->next;
        if (s && FRAG_CB(s)->offset + FRAG_CB(s)->len > end)
            goto bad_length;
    } else if (q->last_in && end > q->len) {
        goto bad_length;
    }
    if (len == 0) {
        /* an empty final fragment adds nothing but may complete the datagram */
        if (!last)
            goto bad_length;
    }

    /* find the place in the sorted list and refuse overlaps */
    struct sk_buff *prev = NULL, *next = q->frags;
    while (next && FRAG_CB(next)->offset < offset) {
        prev = next;
        next = next->next;
    }
    if (next && FRAG_CB(next)->offset == offset && FRAG_CB(next)->len == len) {
        /* an exact retransmission of a piece we have: harmless, ignore it */
        IP_INC_STATS(reasm_duplicates);
        local_irq_restore(f);
        kfree_skb(skb);
        return NULL;
    }
    if ((prev && FRAG_CB(prev)->offset + FRAG_CB(prev)->len > offset) ||
        (next && FRAG_CB(next)->offset < end)) {
        IP_INC_STATS(reasm_overlaps);
        goto fail_queue;
    }
    if (q->nfrags >= IPFRAG_MAX_FRAGS)
        goto fail_queue;

    FRAG_CB(skb)->offset = (uint16_t)offset;
    FRAG_CB(skb)->len = (uint16_t)len;
    skb->next = next;
    if (prev)
        prev->next = skb;
    else
        q->frags = skb;
    q->nfrags++;
    q->meat += len;
    q->truesize += skb->truesize;
    frag_mem += skb->truesize;
    if (!(fo & IP_DF))
        q->all_df = false;
    if (hlen + len > q->max_size)
        q->max_size = (uint16_t)(hlen + len);
    if (offset == 0)
        q->first_in = true;
    if (last) {
        q->last_in = true;
        q->len = end;
    }
    if (!(q->first_in && q->last_in && q->meat == q->len)) {
        local_irq_restore(f);
        return NULL;
    }
    struct sk_buff *whole = ip_frag_reasm(q);
    if (whole)
        IP_INC_STATS(ReasmOKs);
    else
        IP_INC_STATS(ReasmFails);
    ipq_kill(q);
    local_irq_restore(f);
    return whole;

bad_length:
    IP_INC_STATS(reasm_bad_length);
fail_queue:
    ipq_fail(q);
    local_irq_restore(f);
    kfree_skb(skb);
    return NULL;
}
