/* net/core/gro.c - receive coalescing (contract in net/core/gro.h): the packets a NAPI
 * instance holds, joining a segment to a held packet, and delivering them. What may
 * join is the protocol's call (packet_offload.gro_receive). */
#include "net/core/gro.h"
#include "net/core/gso.h"
#include "net/core/netdevice.h"
#include "kernel/cmdline.h"
#include "kernel/arch/x86.h"
#include "kernel/lib/string.h"

CMDLINE_KEY(gro, "gro", "0 = no receive coalescing: every TCP segment goes up the stack on its own (default 1)");

static struct gro_stats rstats;
/* read when a device registers (register_netdev), not per packet */
bool gro_enabled(void) { return cmdline_get_u64("gro", 1) != 0; }

void gro_get_stats(struct gro_stats *s) { *s = rstats; }

void skb_gro_append(struct sk_buff *p, struct sk_buff *skb)
{
    struct gro_cb *cb = GRO_CB(p);
    if (cb->last == p)
        skb_shinfo(p)->frag_list = skb;
    else
        cb->last->next = skb;
    cb->last = skb;
    skb->next = NULL;
    cb->count++;
    p->len += skb->len;
    p->data_len += skb->len;
    /* the head answers for the memory from now on (socket receive charge, and the
     * skb counters when it is freed, frag_list with it) */
    p->truesize += skb->truesize;
    skb->truesize = 0;
}

/* Deliver held packet i and close the gap it leaves (arrival order kept). */
static void gro_deliver(struct napi_struct *napi, unsigned i)
{
    struct sk_buff *p = napi->gro_held[i];
    memmove(&napi->gro_held[i], &napi->gro_held[i + 1],
            (napi->gro_count - i - 1) * sizeof(napi->gro_held[0]));
    napi->gro_count--;
    if (GRO_CB(p)->count > 1) {
        struct packet_offload *po = gro_find_offload(p->protocol);
        if (po && po->gro_complete)
            po->gro_complete(p);
    }
    memset(p->cb, 0, sizeof(p->cb));
    rstats.flushed++;
    netif_receive_skb(p);
}

void napi_gro_flush(struct napi_struct *napi)
{
    while (napi->gro_count)
        gro_deliver(napi, 0);
}

void napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb)
{
    struct packet_offload *po = NULL;
    if (skb->dev && (skb->dev->features & NETIF_F_GRO))
        po = gro_find_offload(skb->protocol);
    if (!po) {
        rstats.normal++;
        netif_receive_skb(skb);
        return;
    }
    int slot = -1;
    int v = po->gro_receive(napi->gro_held, napi->gro_count, skb, &slot);
    bool have_slot = slot >= 0 && (unsigned)slot < napi->gro_count;
    switch (v) {
    case GRO_MERGED:
        rstats.merged++;
        return;
    case GRO_MERGED_FLUSH:
        rstats.merged++;
        if (have_slot)
            gro_deliver(napi, (unsigned)slot);
        return;
    case GRO_FLUSH_HOLD:
        if (have_slot)
            gro_deliver(napi, (unsigned)slot);
        /* fall through */
    case GRO_HOLD:
        if (napi->gro_count == GRO_MAX_HELD)
            gro_deliver(napi, 0);            /* the oldest run makes room */
        memset(skb->cb, 0, sizeof(skb->cb));
        GRO_CB(skb)->last = skb;
        GRO_CB(skb)->count = 1;
        GRO_CB(skb)->seg_len = 0;            /* the protocol sets it at the first join */
        napi->gro_held[napi->gro_count++] = skb;
        rstats.held++;
        return;
    default:
        if (have_slot)
            gro_deliver(napi, (unsigned)slot);
        rstats.normal++;
        netif_receive_skb(skb);
        return;
    }
}
