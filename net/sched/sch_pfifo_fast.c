/* net/sched/sch_pfifo_fast.c - the default qdisc: three FIFO bands, band 0 always
 * emptied first, then 1, then 2. The band comes from skb->priority alone, through the
 * classic prio2band map; the socket set that priority (SO_PRIORITY, or IP_TOS through
 * rt_tos2priority), so the qdisc never looks into the packet. At most `limit` packets
 * are held across the three bands; past that, new packets are dropped and counted. */
#include "net/sched/sch_generic.h"
#include "net/uapi/socket.h"
#include "kernel/printk.h"

#define PFIFO_FAST_BANDS 3
#define PFIFO_FAST_LIMIT 1000

/* priority -> band (Linux's default priomap): interactive (6, 7) to band 0, bulk (2, 3,
 * 5) to band 2, the rest best effort in band 1. */
static const uint8_t prio2band[TC_PRIO_MAX + 1] = { 1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1 };

struct pfifo_fast_priv {
    struct sk_buff_head band[PFIFO_FAST_BANDS];
    uint64_t band_packets[PFIFO_FAST_BANDS];   /* enqueued per band, for the dump */
};

unsigned int pfifo_fast_band(const struct sk_buff *skb)
{
    return prio2band[skb->priority & TC_PRIO_MAX];
}

static int pfifo_fast_init(struct Qdisc *q)
{
    struct pfifo_fast_priv *p = qdisc_priv(q);
    for (int i = 0; i < PFIFO_FAST_BANDS; i++)
        skb_queue_head_init(&p->band[i]);
    q->limit = PFIFO_FAST_LIMIT;
    return 0;
}

static int pfifo_fast_enqueue(struct sk_buff *skb, struct Qdisc *q)
{
    struct pfifo_fast_priv *p = qdisc_priv(q);
    /* the limit counts every packet held, the one set aside by a requeue included */
    if (qdisc_qlen(q) >= q->limit)
        return qdisc_drop(skb, q, true);
    unsigned b = pfifo_fast_band(skb);
    skb_queue_tail(&p->band[b], skb);
    p->band_packets[b]++;
    qdisc_qstats_add(q, skb);
    return NET_XMIT_SUCCESS;
}

static struct sk_buff *pfifo_fast_peek(struct Qdisc *q)
{
    struct pfifo_fast_priv *p = qdisc_priv(q);
    for (int i = 0; i < PFIFO_FAST_BANDS; i++)
        if (!skb_queue_empty(&p->band[i]))
            return skb_peek(&p->band[i]);
    return NULL;
}

static struct sk_buff *pfifo_fast_dequeue(struct Qdisc *q)
{
    struct pfifo_fast_priv *p = qdisc_priv(q);
    for (int i = 0; i < PFIFO_FAST_BANDS; i++) {
        struct sk_buff *skb = skb_dequeue(&p->band[i]);
        if (skb) {
            qdisc_qstats_sub(q, skb);
            return skb;
        }
    }
    return NULL;
}

static void pfifo_fast_reset(struct Qdisc *q)
{
    struct pfifo_fast_priv *p = qdisc_priv(q);
    for (int i = 0; i < PFIFO_FAST_BANDS; i++) {
        struct sk_buff *skb;
        while ((skb = skb_dequeue(&p->band[i]))) {
            qdisc_qstats_sub(q, skb);
            q->qstats.drops++;
            kfree_skb(skb);
        }
    }
}

static void pfifo_fast_dump(struct Qdisc *q)
{
    struct pfifo_fast_priv *p = qdisc_priv(q);
    printk(" bands 3 priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1\n");
    for (int i = 0; i < PFIFO_FAST_BANDS; i++)
        printk("  band %d: queued %u enqueued %llu\n", i, skb_queue_len(&p->band[i]),
               (unsigned long long)p->band_packets[i]);
}

const struct Qdisc_ops pfifo_fast_ops = {
    .id = "pfifo_fast",
    .priv_size = sizeof(struct pfifo_fast_priv),
    .init = pfifo_fast_init,
    .enqueue = pfifo_fast_enqueue,
    .dequeue = pfifo_fast_dequeue,
    .peek = pfifo_fast_peek,
    .reset = pfifo_fast_reset,
    .dump = pfifo_fast_dump,
};
