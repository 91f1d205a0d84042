// SOURCES: net/core/neighbour.c net/core/skbuff.c kernel/time/timer.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_softirq.c tests/unit/fake_clock.c
/* tests/unit/test_neighbour.c - the neighbour state machine against a fake clock (the
 * real timer wheel driven tick by tick): resolution with a bounded queue that drops the
 * oldest, failure after three probes with the waiting packets reported and dropped,
 * EHOSTUNREACH while failed and a fresh try after the hold time, REACHABLE -> STALE ->
 * DELAY -> PROBE -> REACHABLE/FAILED, the cached header used once resolved, NOARP for
 * broadcast and multicast, garbage collection (forced when full, periodic for old
 * entries), and no skb or entry leaked. */
#include "tests/unit/unit.h"
#include "tests/unit/fake_softirq.h"
#include "tests/unit/neigh_fixture.h"
#include "tests/unit/fake_mm.h"
#include "net/core/neighbour.h"
#include "kernel/errno.h"

volatile uint64_t jiffies = 1000000;
void panic(const char *fmt, ...) { (void)fmt; abort(); }

/* --- the device below: frames land in a list --- */
#define MAXF 64
static struct { uint8_t data[128]; unsigned len; } sent[MAXF];
static int nsent;
int dev_queue_xmit(struct sk_buff *skb)
{
    if (nsent < MAXF) {
        unsigned l = skb->len < 128 ? skb->len : 128;
        memcpy(sent[nsent].data, skb->data, l);
        sent[nsent].len = skb->len;
    }
    nsent++;
    consume_skb(skb);
    return NET_XMIT_SUCCESS;
}

/* --- the protocol above: solicitations and failures are recorded --- */
static int nsolicit;
static uint8_t solicit_state[64];
static bool solicit_unicast[64];
static void fake_solicit(struct neighbour *n, struct sk_buff *skb)
{
    if (nsolicit < 64) {
        solicit_state[nsolicit] = n->nud_state;
        solicit_unicast[nsolicit] = n->nud_state == NUD_PROBE;
    }
    nsolicit++;
}
static const struct neigh_ops ops = { .solicit = fake_solicit };
static int nreports;
static uint32_t report_seq[16];
static void fake_report(struct neighbour *n, struct sk_buff *skb)
{
    if (nreports < 16)
        memcpy(&report_seq[nreports], skb->data + 16, 4);
    nreports++;
}

static struct net_device dev = { .name = "eth0", .ifindex = 1, .up = true,
                                 .dev_addr = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 } };
static const uint8_t peer[ETH_ALEN] = { 0x52, 0x55, 10, 0, 2, 2 };
static const uint8_t peer2[ETH_ALEN] = { 0x52, 0x55, 10, 0, 2, 3 };
#define IP(a, b, c, d) htonl((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static void tick_to(uint64_t end)
{
    while (jiffies < end) {
        jiffies++;
        timers_run_until(jiffies);
    }
}
static void advance_ms(uint64_t ms) { tick_to(jiffies + msecs_to_jiffies(ms)); }

/* An "IP packet" as the IP layer hands it down; its destination field stands in for a
 * sequence number, read back from what was sent. */
static struct sk_buff *pkt(uint32_t seq) { return ip_stub(0, seq); }
/* one with a 64 KiB buffer: three fit in NEIGH_QUEUE_BYTES, a fourth does not */
static struct sk_buff *big_pkt(uint32_t seq) { return ip_stub_sized(0, seq, 65536); }
static uint32_t sent_seq(int i) { uint32_t s; memcpy(&s, sent[i].data + ETH_HLEN + 16, 4); return s; }

static struct neigh_stats nst(void) { struct neigh_stats s; neigh_get_stats(&s); return s; }

static void setup(void)
{
    neigh_table_flush();
    neigh_set_ops(&ops);
    neigh_set_error_report(fake_report);
    nsent = nsolicit = nreports = 0;
    fake_softirq_reset();
    neigh_test_mark();
}

TEST(resolve_queue_overflow_drops_oldest_then_flush_in_order)
{
    setup();
    struct neighbour *n = __neigh_create(IP(10, 0, 2, 2), &dev);
    CHECK(n != NULL);
    CHECK_EQ(n->nud_state, NUD_NONE);
    CHECK(__ipv4_neigh_lookup_noref(&dev, IP(10, 0, 2, 2)) == n);
    CHECK(__neigh_create(IP(10, 0, 2, 2), &dev) == n);     /* same entry again */
    CHECK_EQ(neigh_output(n, big_pkt(1)), 0);
    CHECK_EQ(n->nud_state, NUD_INCOMPLETE);
    CHECK_EQ(nsolicit, 1);                   /* the first request goes out at once */
    CHECK(!solicit_unicast[0]);
    CHECK_EQ(nsent, 0);
    for (uint32_t s = 2; s <= 5; s++)
        CHECK_EQ(neigh_output(n, big_pkt(s)), 0);
    CHECK_EQ(skb_queue_len(&n->arp_queue), 3);
    CHECK(n->arp_queue_bytes <= NEIGH_QUEUE_BYTES);
    CHECK_EQ(n->queue_drops, 2);             /* 1 and 2 made room for 4 and 5 */
    CHECK_EQ(nst().queue_overflows, 2);
    CHECK_EQ(nsolicit, 1);                   /* no extra requests for extra packets */
    advance_ms(300);
    neigh_update(n, peer, NUD_REACHABLE);
    CHECK_EQ(n->nud_state, NUD_REACHABLE);
    CHECK_EQ(nsent, 3);
    CHECK_EQ(sent_seq(0), 3);
    CHECK_EQ(sent_seq(1), 4);
    CHECK_EQ(sent_seq(2), 5);
    CHECK(memcmp(sent[0].data, peer, 6) == 0);
    CHECK(memcmp(sent[0].data + 6, dev.dev_addr, 6) == 0);
    CHECK(sent[0].data[12] == 0x08 && sent[0].data[13] == 0x00);
    CHECK_EQ(sent[0].len, ETH_HLEN + 20);
    CHECK(skb_queue_empty(&n->arp_queue));
    /* resolved: the cached header, no state check, no request */
    CHECK(n->output == neigh_connected_output);
    CHECK(n->hh_valid);
    uint64_t hh0 = nst().hh_output;
    CHECK_EQ(neigh_output(n, pkt(6)), 0);
    CHECK_EQ(nsent, 4);
    CHECK_EQ(sent_seq(3), 6);
    CHECK_EQ(nst().hh_output, hh0 + 1);
    CHECK(memcmp(sent[3].data, n->hh_data, ETH_HLEN) == 0);
    CHECK_EQ(nsolicit, 1);
}

/* A burst of small packets to a peer being resolved (the SYN-ACKs for eight SYNs arriving
 * together before the gateway's address is known) all wait and all go, in order. */
TEST(small_packets_all_wait_for_resolution)
{
    setup();
    struct neighbour *n = __neigh_create(IP(10, 0, 2, 2), &dev);
    CHECK(n != NULL);
    for (uint32_t s = 1; s <= 32; s++)
        CHECK_EQ(neigh_output(n, pkt(s)), 0);
    CHECK_EQ(skb_queue_len(&n->arp_queue), 32);
    CHECK_EQ(n->queue_drops, 0);
    CHECK_EQ(nsolicit, 1);
    neigh_update(n, peer, NUD_REACHABLE);
    CHECK_EQ(nsent, 32);
    for (int i = 0; i < 32; i++)
        CHECK_EQ(sent_seq(i), (uint32_t)i + 1);
    CHECK_EQ(n->arp_queue_bytes, 0);
}

TEST(failure_after_three_probes_reports_and_holds)
{
    setup();
    struct neighbour *n = __neigh_create(IP(10, 0, 2, 9), &dev);
    uint64_t t0 = jiffies;
    neigh_output(n, pkt(11));
    neigh_output(n, pkt(12));
    CHECK_EQ(nsolicit, 1);
    tick_to(t0 + NEIGH_RETRANS_TIME - 1);
    CHECK_EQ(nsolicit, 1);                   /* never early */
    tick_to(t0 + NEIGH_RETRANS_TIME);
    CHECK_EQ(nsolicit, 2);
    tick_to(t0 + 2 * NEIGH_RETRANS_TIME);
    CHECK_EQ(nsolicit, 3);
    CHECK_EQ(n->nud_state, NUD_INCOMPLETE);
    tick_to(t0 + 3 * NEIGH_RETRANS_TIME);
    CHECK_EQ(nsolicit, 3);                   /* three requests, then give up */
    CHECK_EQ(n->nud_state, NUD_FAILED);
    CHECK_EQ(n->last_error, -EHOSTUNREACH);
    CHECK_EQ(nreports, 2);                   /* both waiting packets reported to the sender */
    CHECK_EQ(report_seq[0], 11);
    CHECK_EQ(report_seq[1], 12);
    CHECK(skb_queue_empty(&n->arp_queue));
    CHECK_EQ(skb_alive(), alive_at_setup);   /* and freed */
    CHECK_EQ(nst().res_failed, 1);
    /* while failed, new packets are refused at once */
    CHECK_EQ(neigh_output(n, pkt(13)), -EHOSTUNREACH);
    CHECK_EQ(nst().failed_refusals, 1);
    CHECK_EQ(skb_alive(), alive_at_setup);
    CHECK_EQ(nsolicit, 3);
    /* after the hold time a packet starts a new resolution */
    advance_ms(jiffies_to_msecs(NEIGH_FAILED_HOLD));
    CHECK_EQ(neigh_output(n, pkt(14)), 0);
    CHECK_EQ(n->nud_state, NUD_INCOMPLETE);
    CHECK_EQ(nsolicit, 4);
    neigh_update(n, peer2, NUD_REACHABLE);
    CHECK_EQ(nsent, 1);
    CHECK_EQ(sent_seq(0), 14);
    CHECK_EQ(n->last_error, 0);
}

TEST(reachable_stale_delay_probe_cycle)
{
    setup();
    struct neighbour *n = __neigh_create(IP(10, 0, 2, 2), &dev);
    neigh_output(n, pkt(1));
    neigh_update(n, peer, NUD_REACHABLE);
    CHECK(n->reachable_time >= NEIGH_BASE_REACHABLE / 2);
    CHECK(n->reachable_time < NEIGH_BASE_REACHABLE * 3 / 2);
    uint64_t confirmed = n->confirmed;
    /* unused: REACHABLE ends exactly at confirmed + reachable_time, as STALE */
    tick_to(confirmed + n->reachable_time - 1);
    CHECK_EQ(n->nud_state, NUD_REACHABLE);
    tick_to(confirmed + n->reachable_time);
    CHECK_EQ(n->nud_state, NUD_STALE);
    CHECK(n->output == neigh_resolve_output);
    /* STALE still sends, at once, and asks for a confirmation later (DELAY) */
    int sent0 = nsent;
    CHECK_EQ(neigh_output(n, pkt(2)), 0);
    CHECK_EQ(nsent, sent0 + 1);
    CHECK_EQ(n->nud_state, NUD_DELAY);
    CHECK_EQ(nsolicit, 1);
    uint64_t d0 = jiffies;
    tick_to(d0 + NEIGH_DELAY_PROBE);
    CHECK_EQ(n->nud_state, NUD_PROBE);
    CHECK_EQ(nsolicit, 2);
    CHECK(solicit_unicast[1]);               /* PROBE asks the known address directly */
    /* still usable while probing */
    CHECK_EQ(neigh_output(n, pkt(3)), 0);
    CHECK_EQ(nsent, sent0 + 2);
    /* the reply brings it back */
    neigh_update(n, peer, NUD_REACHABLE);
    CHECK_EQ(n->nud_state, NUD_REACHABLE);
    CHECK_EQ(n->probes, 0);
    /* in use at expiry: DELAY rather than STALE; confirmed within it: REACHABLE again */
    confirmed = n->confirmed;
    for (uint64_t t = jiffies; t < confirmed + n->reachable_time; t += 1000) {
        tick_to(t);
        neigh_output(n, pkt(4));
    }
    tick_to(confirmed + n->reachable_time);
    CHECK_EQ(n->nud_state, NUD_DELAY);
    advance_ms(1000);
    neigh_confirm(n);
    advance_ms(4000);
    CHECK_EQ(n->nud_state, NUD_REACHABLE);
    /* in use again at expiry, but unconfirmed this time: PROBE x3 unicast, then FAILED */
    int s0 = nsolicit;
    confirmed = n->confirmed;
    tick_to(confirmed + n->reachable_time - 10);
    neigh_output(n, pkt(5));
    tick_to(confirmed + n->reachable_time);
    CHECK_EQ(n->nud_state, NUD_DELAY);
    advance_ms(5000);
    CHECK_EQ(n->nud_state, NUD_PROBE);
    advance_ms(2000);
    CHECK_EQ(nsolicit, s0 + 3);
    for (int i = s0; i < s0 + 3; i++)
        CHECK(solicit_unicast[i]);
    advance_ms(1000);
    CHECK_EQ(n->nud_state, NUD_FAILED);
    CHECK_EQ(nreports, 0);                   /* nothing was waiting: nothing to report */
}

TEST(learning_from_requests_is_stale_and_does_not_downgrade)
{
    setup();
    struct neighbour *n = __neigh_create(IP(10, 0, 2, 7), &dev);
    neigh_update(n, peer, NUD_STALE);         /* learnt from a request it sent us */
    CHECK_EQ(n->nud_state, NUD_STALE);
    CHECK(memcmp(n->ha, peer, 6) == 0);
    neigh_update(n, peer, NUD_REACHABLE);
    CHECK_EQ(n->nud_state, NUD_REACHABLE);
    neigh_update(n, peer, NUD_STALE);         /* same address heard again: stays REACHABLE */
    CHECK_EQ(n->nud_state, NUD_REACHABLE);
    neigh_update(n, peer2, NUD_STALE);        /* it moved: new address, to be confirmed */
    CHECK_EQ(n->nud_state, NUD_STALE);
    CHECK(memcmp(n->ha, peer2, 6) == 0);
    CHECK(memcmp(n->hh_data, peer2, 6) == 0);
    neigh_update(n, NULL, NUD_REACHABLE);     /* confirmation without an address */
    CHECK_EQ(n->nud_state, NUD_REACHABLE);
    CHECK(memcmp(n->ha, peer2, 6) == 0);
    struct neighbour *m = __neigh_create(IP(10, 0, 2, 8), &dev);
    neigh_update(m, NULL, NUD_REACHABLE);     /* nothing known: ignored */
    CHECK_EQ(m->nud_state, NUD_NONE);
}

TEST(noarp_broadcast_and_multicast)
{
    setup();
    struct neighbour *b = __neigh_create(IP(255, 255, 255, 255), &dev);
    CHECK_EQ(b->nud_state, NUD_NOARP);
    CHECK_EQ(neigh_output(b, pkt(1)), 0);
    CHECK_EQ(nsent, 1);
    CHECK(is_broadcast_ether_addr(sent[0].data));
    struct neighbour *m = __neigh_create(IP(224, 0, 0, 251), &dev);
    CHECK_EQ(m->nud_state, NUD_NOARP);
    static const uint8_t mc[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
    CHECK(memcmp(m->ha, mc, 6) == 0);
    struct neighbour *m2 = __neigh_create(IP(239, 255, 1, 2), &dev);
    static const uint8_t mc2[6] = { 0x01, 0x00, 0x5e, 0x7f, 0x01, 0x02 };
    CHECK(memcmp(m2->ha, mc2, 6) == 0);
    neigh_update(b, peer, NUD_REACHABLE);    /* NOARP entries are not learnt over */
    CHECK_EQ(b->nud_state, NUD_NOARP);
    CHECK_EQ(nsolicit, 0);
}

TEST(no_headroom_dropped_and_counted)
{
    setup();
    struct neighbour *b = __neigh_create(IP(255, 255, 255, 255), &dev);
    struct sk_buff *skb = alloc_skb(64);
    skb_put(skb, 20);
    uint64_t nh0 = nst().no_headroom;
    CHECK_EQ(neigh_output(b, skb), -ENOBUFS);
    CHECK_EQ(nst().no_headroom, nh0 + 1);
    CHECK_EQ(nsent, 0);
}

TEST(forced_gc_when_full_keeps_referenced_and_active)
{
    setup();
    long live0 = fake_mm_live;
    struct neighbour *held = NULL;
    for (int i = 0; i < NEIGH_TABLE_MAX; i++) {
        struct neighbour *n = __neigh_create(IP(10, 1, i / 250, i % 250 + 1), &dev);
        CHECK(n != NULL);
        neigh_update(n, peer, i < 10 ? NUD_REACHABLE : NUD_STALE);
        if (i == 20)
            held = neigh_lookup(&dev, n->primary_key);
    }
    CHECK_EQ(nst().entries, NEIGH_TABLE_MAX);
    CHECK(held != NULL && held->refcnt == 1);
    struct neighbour *extra = __neigh_create(IP(10, 2, 0, 1), &dev);
    CHECK(extra != NULL);
    /* the unreferenced STALE ones went; REACHABLE ones and the referenced one stayed */
    CHECK_EQ(nst().entries, 10 + 1 + 1);
    CHECK(__ipv4_neigh_lookup_noref(&dev, held->primary_key) == held);
    CHECK(__ipv4_neigh_lookup_noref(&dev, IP(10, 1, 0, 5)) != NULL);
    CHECK(__ipv4_neigh_lookup_noref(&dev, IP(10, 1, 0, 50)) == NULL);
    /* a table full of entries in use refuses new ones and says so */
    neigh_table_flush();
    CHECK(held->dead);                        /* unlinked, alive until released */
    neigh_release(held);
    for (int i = 0; i < NEIGH_TABLE_MAX; i++) {
        struct neighbour *n = __neigh_create(IP(10, 3, i / 250, i % 250 + 1), &dev);
        neigh_update(n, peer, NUD_REACHABLE);
    }
    uint64_t full0 = nst().table_fulls;
    CHECK(__neigh_create(IP(10, 4, 0, 1), &dev) == NULL);
    CHECK_EQ(nst().table_fulls, full0 + 1);
    neigh_table_flush();
    CHECK_EQ(nst().entries, 0);
    CHECK_EQ(fake_mm_live, live0);
}

TEST(periodic_gc_collects_old_stale_and_failed)
{
    setup();
    struct neighbour *s = __neigh_create(IP(10, 0, 2, 20), &dev);
    neigh_update(s, peer, NUD_STALE);
    struct neighbour *f = __neigh_create(IP(10, 0, 2, 21), &dev);
    neigh_output(f, pkt(1));
    struct neighbour *r = __neigh_create(IP(10, 0, 2, 22), &dev);
    neigh_update(r, peer2, NUD_REACHABLE);
    advance_ms(5000);
    CHECK_EQ(f->nud_state, NUD_FAILED);
    CHECK_EQ(nst().entries, 3);
    uint64_t runs0 = nst().periodic_gc_runs;
    /* keep r in use so that it stays; 100 s: the 60 s staleness plus a whole 30 s GC
     * period, so a run falls after it whatever the GC timer's phase */
    for (int i = 0; i < 100; i++) {
        advance_ms(1000);
        if (r->nud_state & NUD_VALID)
            neigh_output(r, pkt(2));
        if (__ipv4_neigh_lookup_noref(&dev, IP(10, 0, 2, 22)) == r && r->nud_state == NUD_DELAY)
            neigh_update(r, NULL, NUD_REACHABLE);
    }
    CHECK(nst().periodic_gc_runs > runs0);
    CHECK(__ipv4_neigh_lookup_noref(&dev, IP(10, 0, 2, 20)) == NULL);   /* STALE > 60 s */
    CHECK(__ipv4_neigh_lookup_noref(&dev, IP(10, 0, 2, 21)) == NULL);   /* FAILED */
    CHECK(__ipv4_neigh_lookup_noref(&dev, IP(10, 0, 2, 22)) == r);
}

TEST(ifdown_drops_queued_and_reports)
{
    setup();
    struct neighbour *n = __neigh_create(IP(10, 0, 2, 30), &dev);
    neigh_output(n, pkt(31));
    neigh_output(n, pkt(32));
    neigh_ifdown(&dev);
    CHECK_EQ(nreports, 2);
    CHECK_EQ(nst().entries, 0);
    CHECK_EQ(skb_alive(), alive_at_setup);
    advance_ms(5000);                          /* its timer is gone with it */
    CHECK_EQ(nsolicit, 1);
    neigh_dump();
}

TEST(dump_lists_states)
{
    setup();
    struct neighbour *n = __neigh_create(IP(10, 0, 2, 2), &dev);
    neigh_update(n, peer, NUD_REACHABLE);
    __neigh_create(IP(10, 0, 2, 3), &dev);
    neigh_dump();
    CHECK_STR(neigh_state_name(NUD_REACHABLE), "REACHABLE");
    CHECK_STR(neigh_state_name(NUD_INCOMPLETE), "INCOMPLETE");
}
