// SOURCES: net/core/skbuff.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_clock.c
#include "tests/unit/unit.h"
#include "tests/unit/fake_mm.h"
#include "net/core/skbuff.h"

void panic(const char *fmt, ...) { (void)fmt; abort(); }

static struct skb_stats st(void) { struct skb_stats s; skb_get_stats(&s); return s; }

TEST(put_push_pull_reserve)
{
    long live0 = fake_mm_live;
    struct sk_buff *skb = alloc_skb(256);
    CHECK(skb != NULL);
    skb_reserve(skb, 64);
    CHECK_EQ(skb_headroom(skb), 64);
    memcpy(skb_put(skb, 10), "0123456789", 10);
    CHECK_EQ(skb->len, 10);
    unsigned char *h = skb_push(skb, 4);
    memcpy(h, "HDR:", 4);
    CHECK_EQ(skb->len, 14);
    CHECK(memcmp(skb->data, "HDR:0123", 8) == 0);
    CHECK(skb_pull(skb, 4) != NULL);
    CHECK(skb_pull(skb, 100) == NULL);      /* more than there is: refused, unchanged */
    CHECK_EQ(skb->len, 10);
    skb_trim(skb, 3);
    CHECK_EQ(skb->len, 3);
    consume_skb(skb);
    skb_head_cache_drain();
    CHECK_EQ(fake_mm_live, live0);
}

TEST(clone_shares_data_and_refcounts)
{
    struct skb_stats s0 = st();
    struct sk_buff *skb = alloc_skb(128);
    skb_put_data(skb, "payload", 7);
    struct sk_buff *c = skb_clone(skb);
    CHECK(c != NULL);
    CHECK(c->data == skb->data);             /* no copy */
    CHECK(skb_cloned(skb) && skb_cloned(c));
    CHECK_EQ(skb_shinfo(skb)->dataref, 2);
    CHECK_EQ(st().alive, s0.alive + 2);
    CHECK_EQ(st().data_alive, s0.data_alive + 1);
    consume_skb(c);                          /* driver frees the clone at TX completion */
    CHECK_EQ(skb_shinfo(skb)->dataref, 1);
    CHECK(!skb_cloned(skb));
    CHECK(memcmp(skb->data, "payload", 7) == 0);   /* original intact for retransmit */
    consume_skb(skb);
    CHECK_EQ(st().alive, s0.alive);
    CHECK_EQ(st().data_alive, s0.data_alive);
    CHECK_EQ(st().bytes_held, s0.bytes_held);
}

TEST(copy_is_private_and_includes_frags)
{
    struct sk_buff *skb = alloc_skb(128);
    skb_reserve(skb, 32);
    skb_put_data(skb, "head", 4);
    phys_addr_t pg = alloc_page();
    memcpy((char *)phys_to_virt(pg) + 100, "fragbytes", 9);
    skb_add_frag(skb, pg, 100, 9);
    CHECK_EQ(skb->len, 13);
    CHECK_EQ(skb->data_len, 9);
    char out[13];
    CHECK_EQ(skb_copy_bits(skb, 0, out, 13), 0);
    CHECK(memcmp(out, "headfragbytes", 13) == 0);
    CHECK(skb_copy_bits(skb, 10, out, 4) != 0);  /* past the end */
    struct sk_buff *c = skb_copy(skb);
    CHECK(c && c->data != skb->data && c->len == 13 && c->data_len == 0);
    CHECK_EQ(skb_headroom(c), 32);
    CHECK(memcmp(c->data, "headfragbytes", 13) == 0);
    c->data[0] = 'X';
    CHECK(skb->data[0] == 'h');
    consume_skb(c);
    consume_skb(skb);
}

TEST(unshare_head_before_writing_headers)
{
    struct sk_buff *skb = alloc_skb(128);
    skb_reserve(skb, 64);
    skb_put_data(skb, "data", 4);
    struct sk_buff *c = skb_clone(skb);
    CHECK_EQ(skb_unshare_head(c), 0);
    memcpy(skb_push(c, 2), "hh", 2);
    CHECK(c->head != skb->head);
    CHECK_EQ(skb_shinfo(skb)->dataref, 1);
    consume_skb(c);
    consume_skb(skb);
}

TEST(queues_fifo_and_purge)
{
    struct sk_buff_head q;
    skb_queue_head_init(&q);
    struct sk_buff *a = alloc_skb(64), *b = alloc_skb(64), *c = alloc_skb(64);
    skb_queue_tail(&q, a);
    skb_queue_tail(&q, b);
    skb_queue_head(&q, c);
    CHECK_EQ(skb_queue_len(&q), 3);
    CHECK(skb_peek(&q) == c);
    CHECK(skb_dequeue(&q) == c);
    CHECK(skb_dequeue_tail(&q) == b);
    consume_skb(c);
    consume_skb(b);
    skb_queue_purge(&q);
    CHECK(skb_queue_empty(&q));
    CHECK(skb_dequeue(&q) == NULL);
}

TEST(allocation_failure_is_clean)
{
    skb_head_cache_drain();
    long live0 = fake_mm_live;
    struct skb_stats s0 = st();
    for (int k = 0; k < 3; k++) {
        skb_head_cache_drain();               /* so every attempt really allocates */
        fake_mm_fail_after = k;               /* fail the 1st, 2nd, 3rd internal allocation */
        CHECK(alloc_skb(100) == NULL);
    }
    fake_mm_fail_after = -1;
    skb_head_cache_drain();
    CHECK_EQ(fake_mm_live, live0);
    CHECK_EQ(st().alloc_failures, s0.alloc_failures + 3);
    CHECK_EQ(st().alive, s0.alive);
}

TEST(netdev_alloc_reserves_headroom)
{
    struct sk_buff *skb = netdev_alloc_skb(NULL, 1500);
    CHECK(skb_headroom(skb) == NET_SKB_PAD);
    CHECK(skb_tailroom(skb) >= 1500);
    consume_skb(skb);
}

/* Every test gives back every skb, data buffer and byte it took. */
TEARDOWN()
{
    struct skb_stats s = st();
    CHECK_EQ(s.alive, 0);
    CHECK_EQ(s.data_alive, 0);
    CHECK_EQ(s.bytes_held, 0);
    skb_head_cache_drain();
    CHECK_EQ(fake_mm_live, 0);
}

/* The free lists (Linux's skbuff_head_cache): a freed packet's sk_buff and shared info
 * serve the next one, which starts as clean as a fresh allocation - no fragments, no
 * piece chain, one data reference - and costs one kmalloc, its data. A clone's struct
 * goes back too; the shared info only with the last reference. Draining returns all. */
TEST(head_and_shared_info_recycled_clean)
{
    skb_head_cache_drain();
    long live0 = fake_mm_live;
    struct sk_buff *a = alloc_skb(128);
    CHECK_EQ(fake_mm_live, live0 + 3);            /* struct, data, shared info */
    struct skb_shared_info *sh = a->shinfo;
    skb_add_frag(a, alloc_pages(0), 0, 100);
    a->shinfo->frag_list = alloc_skb(64);
    a->shinfo->gso_size = 1448;
    struct sk_buff *c = skb_clone(a);
    consume_skb(a);
    CHECK(c->shinfo == sh && sh->dataref == 1);   /* still the clone's */
    consume_skb(c);
    long live1 = fake_mm_live;
    struct sk_buff *b = alloc_skb(128);
    CHECK_EQ(fake_mm_live, live1 + 1);            /* only the data area is new */
    CHECK(b->shinfo == sh);                       /* the last one given back */
    CHECK_EQ(b->shinfo->dataref, 1);
    CHECK_EQ(b->shinfo->nr_frags, 0);
    CHECK(b->shinfo->frag_list == NULL);
    CHECK_EQ(b->shinfo->gso_size, 0);
    CHECK_EQ(b->len, 0);
    CHECK(b->next == NULL && b->sk == NULL && b->destructor == NULL);
    consume_skb(b);
    skb_head_cache_drain();
    CHECK_EQ(fake_mm_live, live0);
}
