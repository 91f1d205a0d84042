/* net/core/skbuff.c - sk_buff allocation, sharing, queues and leak accounting.
 * Single CPU: interrupt masking is the only locking (drivers free buffers from softirq,
 * the stack allocates from tasks). */
#include "net/core/skbuff.h"
#include "kernel/arch/x86.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "net/core/trace_stations.h"

static struct skb_stats stats;

/* Recycled sk_buff structs and shared infos (Linux's skbuff_head_cache): every packet
 * takes one of each and gives them back, so the send and receive paths cost one kmalloc
 * (the data area) per packet instead of three. Each cache is a free list threaded
 * through the first word of its objects, bounded so a burst does not keep memory. */
struct obj_cache {
    void *first;
    unsigned len;
};
#define OBJ_CACHE_MAX 256
static struct obj_cache head_cache, shinfo_cache;

static void *obj_cache_pop(struct obj_cache *c)
{
    unsigned long f = local_irq_save();
    void *o = c->first;
    if (o) {
        c->first = *(void **)o;
        c->len--;
    }
    local_irq_restore(f);
    return o;
}

static void obj_cache_push(struct obj_cache *c, void *o)
{
    unsigned long f = local_irq_save();
    if (c->len < OBJ_CACHE_MAX) {
        *(void **)o = c->first;
        c->first = o;
        c->len++;
        o = NULL;
    }
    local_irq_restore(f);
    if (o)
        kfree(o);                /* the list is full */
}

static void obj_cache_drain(struct obj_cache *c)
{
    void *o;
    while ((o = obj_cache_pop(c)))
        kfree(o);
}

static struct sk_buff *skb_head_alloc(void)
{
    struct sk_buff *skb = obj_cache_pop(&head_cache);
    return skb ? skb : kmalloc(sizeof(*skb));
}

static void skb_head_free(struct sk_buff *skb) { obj_cache_push(&head_cache, skb); }

static struct skb_shared_info *skb_shinfo_alloc(void)
{
    struct skb_shared_info *sh = obj_cache_pop(&shinfo_cache);
    return sh ? sh : kmalloc(sizeof(*sh));
}

static void skb_shinfo_free(struct skb_shared_info *sh)
{
    if (sh)
        obj_cache_push(&shinfo_cache, sh);
}

void skb_head_cache_drain(void)
{
    obj_cache_drain(&head_cache);
    obj_cache_drain(&shinfo_cache);
}

struct sk_buff *alloc_skb(unsigned int size)
{
    size = ALIGN_UP(size, 64u);
    struct sk_buff *skb = skb_head_alloc();
    unsigned char *data = kmalloc(size);
    struct skb_shared_info *sh = skb_shinfo_alloc();
    if (!skb || !data || !sh) {
        if (skb)
            skb_head_free(skb);
        kfree(data);
        skb_shinfo_free(sh);
        unsigned long f = local_irq_save();
        stats.alloc_failures++;
        local_irq_restore(f);
        return NULL;
    }
    memset(skb, 0, sizeof(*skb));
    memset(sh, 0, offsetof(struct skb_shared_info, frags));
    sh->dataref = 1;
    skb->head = skb->data = skb->tail = data;
    skb->end = data + size;
    skb->shinfo = sh;
    skb->users = 1;
    skb->truesize = (unsigned)(ksize(data) + sizeof(*skb) + sizeof(*sh));
    skb->mac_header = skb->network_header = skb->transport_header = 0xffff;

    unsigned long f = local_irq_save();
    stats.alive++;
    stats.data_alive++;
    stats.allocs++;
    stats.bytes_held += skb->truesize;
    local_irq_restore(f);
    return skb;
}

struct sk_buff *netdev_alloc_skb(struct net_device *dev, unsigned int size)
{
    struct sk_buff *skb = alloc_skb(size + NET_SKB_PAD);
    if (skb) {
        skb_reserve(skb, NET_SKB_PAD);
        skb->dev = dev;
    }
    return skb;
}

static void skb_release_data(struct sk_buff *skb)
{
    struct skb_shared_info *sh = skb->shinfo;
    unsigned long f = local_irq_save();
    bool last = --sh->dataref == 0;
    if (last)
        stats.data_alive--;
    local_irq_restore(f);
    if (!last)
        return;
    for (unsigned i = 0; i < sh->nr_frags; i++)
        put_page(sh->frags[i].page);
    for (struct sk_buff *n, *l = sh->frag_list; l; l = n) {
        n = l->next;
        l->next = NULL;
        kfree_skb(l);
    }
    kfree(skb->head);
    skb_shinfo_free(sh);
}

static void __kfree_skb(struct sk_buff *skb)
{
    trace_skb(TS_SKB_FREE, skb, 0);
    if (skb->destructor)
        skb->destructor(skb);
    skb_release_data(skb);
    unsigned long f = local_irq_save();
    stats.alive--;
    stats.frees++;
    stats.bytes_held -= skb->truesize;
    local_irq_restore(f);
    skb_head_free(skb);
}

static bool skb_unref(struct sk_buff *skb)
{
    unsigned long f = local_irq_save();
    bool last = --skb->users == 0;
    local_irq_restore(f);
    return last;
}

void kfree_skb(struct sk_buff *skb)
{
    if (!skb)
        return;
    unsigned long f = local_irq_save();
    stats.drops++;
    local_irq_restore(f);
    if (skb_unref(skb))
        __kfree_skb(skb);
}

void consume_skb(struct sk_buff *skb)
{
    if (skb && skb_unref(skb))
        __kfree_skb(skb);
}

struct sk_buff *skb_get(struct sk_buff *skb)
{
    unsigned long f = local_irq_save();
    skb->users++;
    local_irq_restore(f);
    return skb;
}

struct sk_buff *skb_clone(struct sk_buff *skb)
{
    struct sk_buff *n = skb_head_alloc();
    if (!n) {
        unsigned long f = local_irq_save();
        stats.alloc_failures++;
        local_irq_restore(f);
        return NULL;
    }
    memcpy(n, skb, sizeof(*n));
    n->next = n->prev = NULL;
    n->sk = NULL;
    n->destructor = NULL;
    n->users = 1;
    n->cloned = 1;
    skb->cloned = 1;
    unsigned long f = local_irq_save();
    skb->shinfo->dataref++;
    stats.alive++;
    stats.clones++;
    stats.bytes_held += n->truesize;
    local_irq_restore(f);
    return n;
}

int skb_copy_bits(const struct sk_buff *skb, unsigned int offset, void *to, unsigned int len)
{
    if (offset > skb->len || len > skb->len - offset)
        return -EFAULT;
    unsigned char *out = to;
    unsigned int head = skb_headlen(skb);
    if (offset < head) {
        unsigned int n = MIN(len, head - offset);
        memcpy(out, skb->data + offset, n);
        out += n;
        len -= n;
        offset += n;
    }
    unsigned int pos = head;
    const struct skb_shared_info *sh = skb->shinfo;
    for (unsigned i = 0; i < sh->nr_frags && len; i++) {
        const skb_frag_t *fr = &sh->frags[i];
        if (offset < pos + fr->size) {
            unsigned int in = offset - pos;
            unsigned int n = MIN(len, fr->size - in);
            memcpy(out, (unsigned char *)phys_to_virt(fr->page) + fr->offset + in, n);
            out += n;
            len -= n;
            offset += n;
        }
        pos += fr->size;
    }
    for (const struct sk_buff *l = sh->frag_list; l && len; l = l->next) {
        if (offset < pos + l->len) {
            unsigned int in = offset - pos;
            unsigned int n = MIN(len, l->len - in);
            if (skb_copy_bits(l, in, out, n) < 0)
                return -EFAULT;
            out += n;
            len -= n;
            offset += n;
        }
        pos += l->len;
    }
    return len ? -EFAULT : 0;
}

static void copy_header_fields(struct sk_buff *n, const struct sk_buff *o)
{
    n->dev = o->dev;
    n->tstamp = o->tstamp;
    n->protocol = o->protocol;
    n->queue_mapping = o->queue_mapping;
    n->priority = o->priority;
    n->hash = o->hash;
    n->ip_summed = o->ip_summed;
    n->pkt_type = o->pkt_type;
    n->csum_start = o->csum_start;
    n->csum_offset = o->csum_offset;
    n->mac_header = o->mac_header;
    n->network_header = o->network_header;
    n->transport_header = o->transport_header;
    n->shinfo->gso_size = o->shinfo->gso_size;
    n->shinfo->gso_segs = o->shinfo->gso_segs;
    n->shinfo->gso_type = o->shinfo->gso_type;
    memcpy(n->cb, o->cb, sizeof(n->cb));
}

struct sk_buff *skb_copy(const struct sk_buff *skb)
{
    unsigned int headroom = skb_headroom(skb);
    struct sk_buff *n = alloc_skb(headroom + skb->len);
    if (!n)
        return NULL;
    skb_reserve(n, headroom);
    skb_put(n, skb->len);
    memcpy(n->head, skb->head, headroom);
    if (skb_copy_bits(skb, 0, n->data, skb->len) < 0) {
        kfree_skb(n);
        return NULL;
    }
    copy_header_fields(n, skb);
    /* header offsets are relative to head and the headroom is the same size: keep them */
    unsigned long f = local_irq_save();
    stats.copies++;
    local_irq_restore(f);
    return n;
}

int skb_unshare_head(struct sk_buff *skb)
{
    if (!skb_cloned(skb))
        return 0;
    if (skb_has_frag_list(skb))
        return -EINVAL;                 /* the chain has one owner: the data area */
    unsigned int size = (unsigned)(skb->end - skb->head);
    unsigned char *data = kmalloc(size);
    struct skb_shared_info *sh = skb_shinfo_alloc();
    if (!data || !sh) {
        kfree(data);
        skb_shinfo_free(sh);
        return -ENOMEM;
    }
    memcpy(data, skb->head, size);
    memcpy(sh, skb->shinfo, sizeof(*sh));
    sh->dataref = 1;
    /* the new shinfo points at the same frag pages: each needs its own reference (the
     * bytes are shared, never written after they were queued) */
    for (unsigned i = 0; i < sh->nr_frags; i++)
        get_page(sh->frags[i].page);
    long delta_data = skb->data - skb->head, delta_tail = skb->tail - skb->head;
    skb_release_data(skb);
    unsigned long f = local_irq_save();
    stats.data_alive++;
    local_irq_restore(f);
    skb->head = data;
    skb->data = data + delta_data;
    skb->tail = data + delta_tail;
    skb->end = data + size;
    skb->shinfo = sh;
    skb->cloned = 0;
    return 0;
}

void skb_reserve(struct sk_buff *skb, unsigned int len)
{
    BUG_ON(skb->tail + len > skb->end || skb->len);
    skb->data += len;
    skb->tail += len;
}

void *skb_put(struct sk_buff *skb, unsigned int len)
{
    unsigned char *old = skb->tail;
    BUG_ON(skb->data_len || skb->tail + len > skb->end);
    skb->tail += len;
    skb->len += len;
    return old;
}

void *skb_put_data(struct sk_buff *skb, const void *data, unsigned int len)
{
    void *p = skb_put(skb, len);
    memcpy(p, data, len);
    return p;
}

void *skb_push(struct sk_buff *skb, unsigned int len)
{
    BUG_ON(skb_headroom(skb) < len);
    skb->data -= len;
    skb->len += len;
    return skb->data;
}

void *skb_pull(struct sk_buff *skb, unsigned int len)
{
    if (len > skb_headlen(skb))
        return NULL;
    skb->len -= len;
    skb->data += len;
    return skb->data;
}

bool pskb_may_pull(struct sk_buff *skb, unsigned int len)
{
    return len <= skb_headlen(skb);
}

void skb_trim(struct sk_buff *skb, unsigned int len)
{
    if (len >= skb->len)
        return;
    if (len <= skb_headlen(skb)) {
        struct skb_shared_info *sh = skb->shinfo;
        /* drop every fragment (only when we own them) */
        if (!skb_cloned(skb)) {
            for (unsigned i = 0; i < sh->nr_frags; i++)
                put_page(sh->frags[i].page);
            sh->nr_frags = 0;
        }
        skb->data_len = 0;
        skb->len = len;
        skb->tail = skb->data + len;
        return;
    }
    /* trim inside the fragments */
    unsigned int keep = len - skb_headlen(skb), pos = 0;
    struct skb_shared_info *sh = skb->shinfo;
    for (unsigned i = 0; i < sh->nr_frags; i++) {
        if (pos + sh->frags[i].size >= keep) {
            sh->frags[i].size = keep - pos;
            if (!skb_cloned(skb))
                for (unsigned j = i + 1; j < sh->nr_frags; j++)
                    put_page(sh->frags[j].page);
            sh->nr_frags = (uint8_t)(i + 1);
            break;
        }
        pos += sh->frags[i].size;
    }
    skb->data_len = keep;
    skb->len = len;
}

/* A fragment of size bytes was added: the skb grows by it, and it and the held bytes by
 * what the fragment costs (truesize). */
static void skb_frag_charge(struct sk_buff *skb, uint32_t size, uint32_t truesize)
{
    skb->len += size;
    skb->data_len += size;
    skb->truesize += truesize;
    unsigned long f = local_irq_save();
    stats.bytes_held += truesize;
    local_irq_restore(f);
}

bool skb_frag_append(struct sk_buff *skb, phys_addr_t page, uint32_t off, uint32_t size)
{
    struct skb_shared_info *sh = skb->shinfo;
    skb_frag_t *last = sh->nr_frags ? &sh->frags[sh->nr_frags - 1] : NULL;
    if (last && last->page == page && last->offset + last->size == off) {
        last->size += size;
    } else {
        if (sh->nr_frags >= MAX_SKB_FRAGS)
            return false;
        get_page(page);
        sh->frags[sh->nr_frags++] = (skb_frag_t){ page, off, size };
    }
    skb_frag_charge(skb, size, size);
    return true;
}

void skb_split(struct sk_buff *skb, struct sk_buff *skb1, uint32_t len)
{
    struct skb_shared_info *sh = skb->shinfo, *sh1 = skb1->shinfo;
    BUG_ON(len < skb_headlen(skb) || len > skb->len || skb1->len || sh1->nr_frags);
    uint32_t pos = skb_headlen(skb), moved = skb->len - len;
    unsigned k = 0, keep = 0, n = sh->nr_frags;
    for (unsigned i = 0; i < n; i++) {
        skb_frag_t fr = sh->frags[i];
        uint32_t start = pos;
        pos += fr.size;
        if (pos <= len) {                        /* wholly before the cut: stays */
            sh->frags[keep++] = fr;
        } else if (start >= len) {               /* wholly after: moves */
            sh1->frags[k++] = fr;
        } else {                                 /* straddles: shared by both */
            uint32_t head = len - start;
            get_page(fr.page);
            sh1->frags[k++] = (skb_frag_t){ fr.page, fr.offset + head, fr.size - head };
            sh->frags[keep++] = (skb_frag_t){ fr.page, fr.offset, head };
        }
    }
    uint32_t headlen = skb_headlen(skb);
    sh->nr_frags = (uint8_t)keep;
    sh1->nr_frags = (uint8_t)k;
    skb->len = len;
    skb->data_len = len - headlen;
    skb1->len = moved;
    skb1->data_len = moved;
    uint32_t ts = MIN(moved, skb->truesize);
    skb->truesize -= ts;
    skb1->truesize += ts;
}

void skb_pull_frags(struct sk_buff *skb, uint32_t len)
{
    struct skb_shared_info *sh = skb->shinfo;
    BUG_ON(skb_headlen(skb) || len > skb->data_len);
    unsigned keep = 0;
    uint32_t left = len;
    for (unsigned i = 0; i < sh->nr_frags; i++) {
        skb_frag_t fr = sh->frags[i];
        if (left >= fr.size) {
            left -= fr.size;
            put_page(fr.page);
            continue;
        }
        fr.offset += left;
        fr.size -= left;
        left = 0;
        sh->frags[keep++] = fr;
    }
    sh->nr_frags = (uint8_t)keep;
    skb->len -= len;
    skb->data_len -= len;
    uint32_t ts = MIN(len, skb->truesize);
    skb->truesize -= ts;
    unsigned long f = local_irq_save();
    stats.bytes_held -= ts;
    local_irq_restore(f);
}

void skb_queue_after(struct sk_buff_head *q, struct sk_buff *prev, struct sk_buff *newsk)
{
    newsk->prev = prev;
    newsk->next = prev->next;
    prev->next->prev = newsk;
    prev->next = newsk;
    q->qlen++;
}

void skb_add_frag(struct sk_buff *skb, phys_addr_t page, uint32_t off, uint32_t size)
{
    struct skb_shared_info *sh = skb->shinfo;
    BUG_ON(sh->nr_frags >= MAX_SKB_FRAGS);
    sh->frags[sh->nr_frags++] = (skb_frag_t){ page, off, size };
    skb_frag_charge(skb, size, PAGE_SIZE);
}

/* --- queues --- */

void skb_queue_head_init(struct sk_buff_head *q)
{
    q->next = q->prev = (struct sk_buff *)q;
    q->qlen = 0;
}

static void __skb_insert(struct sk_buff *n, struct sk_buff *prev, struct sk_buff *next,
                         struct sk_buff_head *q)
{
    n->next = next;
    n->prev = prev;
    next->prev = n;
    prev->next = n;
    q->qlen++;
}

void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb)
{
    unsigned long f = local_irq_save();
    __skb_insert(skb, q->prev, (struct sk_buff *)q, q);
    local_irq_restore(f);
}

void skb_queue_head(struct sk_buff_head *q, struct sk_buff *skb)
{
    unsigned long f = local_irq_save();
    __skb_insert(skb, (struct sk_buff *)q, q->next, q);
    local_irq_restore(f);
}

void skb_unlink(struct sk_buff *skb, struct sk_buff_head *q)
{
    unsigned long f = local_irq_save();
    q->qlen--;
    skb->next->prev = skb->prev;
    skb->prev->next = skb->next;
    skb->next = skb->prev = NULL;
    local_irq_restore(f);
}

/* The first skb on q (the last, with tail) taken off under the IRQ guard; NULL if empty. */
static struct sk_buff *skb_dequeue_end(struct sk_buff_head *q, bool tail)
{
    unsigned long f = local_irq_save();
    struct sk_buff *skb = !q->qlen ? NULL : tail ? q->prev : q->next;
    if (skb)
        skb_unlink(skb, q);
    local_irq_restore(f);
    return skb;
}

struct sk_buff *skb_dequeue(struct sk_buff_head *q) { return skb_dequeue_end(q, false); }
struct sk_buff *skb_dequeue_tail(struct sk_buff_head *q) { return skb_dequeue_end(q, true); }

void skb_queue_purge(struct sk_buff_head *q)
{
    struct sk_buff *skb;
    while ((skb = skb_dequeue(q)))
        kfree_skb(skb);
}

void skb_get_stats(struct skb_stats *s)
{
    unsigned long f = local_irq_save();
    *s = stats;
    local_irq_restore(f);
}
