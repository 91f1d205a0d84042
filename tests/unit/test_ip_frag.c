// SOURCES: net/ipv4/ip_fragment.c net/ipv4/ip_output.c net/ipv4/ip_input.c net/ipv4/icmp.c net/ipv4/udp.c net/ipv4/route.c net/ipv4/devinet.c net/ipv4/ip_hdr.c net/ipv4/icmp_hdr.c net/ipv4/udp_hdr.c net/netfilter/core.c net/netfilter/nf_rules.c net/core/checksum.c net/core/skbuff.c net/core/sock.c net/core/datagram.c net/core/stream.c net/kmsg.c kernel/uaccess.c kernel/user/uvm.c kernel/time/timer.c kernel/cmdline.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_kernel.c kernel/sched/wait.c tests/unit/fake_softirq.c tests/unit/fake_netdev.c tests/unit/fake_ipstack.c net/core/dev_registry.c tests/unit/fake_clock.c
/* tests/unit/test_ip_frag.c - fragmentation on output (sizes, offsets, flags, checksums,
 * DF -> EMSGSIZE, CHECKSUM_PARTIAL finished first) and reassembly on input: in order,
 * reversed and shuffled, exact duplicates ignored, overlaps discarding the datagram,
 * the 30 s timeout with ICMP time exceeded only when fragment 0 came, datagrams past
 * 65535 bytes, conflicting lengths, the queue-count and memory limits; no skb leaks. */
#include "tests/unit/unit.h"
#include "tests/unit/fake_mm.h"
#include "tests/unit/fake_ipstack.h"
#include "tests/unit/tx_ipv4.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/route.h"
#include "net/core/checksum.h"
#include "kernel/errno.h"

void panic(const char *fmt, ...) { (void)fmt; abort(); }

static struct sk_buff *captured[128];
static int ncaptured;
static int capture(struct sock *sk, struct sk_buff *skb)
{
    if (ncaptured < 128)
        captured[ncaptured++] = skb;
    else
        kfree_skb(skb);
    return 0;
}
static void capture_clear(void)
{
    for (int i = 0; i < ncaptured; i++)
        kfree_skb(captured[i]);
    ncaptured = 0;
}

static uint8_t pattern[70000];
static void fill_pattern(void)
{
    for (unsigned i = 0; i < sizeof(pattern); i++)
        pattern[i] = (uint8_t)(i * 131 + (i >> 8));
}

static struct ipfrag_info frag_info(void)
{
    struct ipfrag_info fi;
    ipfrag_get_info(&fi);
    return fi;
}

/* The stack up for one test, noting the skbs alive then; stack_down checks the test left
 * no more and takes the stack down. */
static uint64_t a0;

static struct net_device *stack_up(void)
{
    fill_pattern();
    struct net_device *dev = ipstack_setup();
    a0 = skbs_alive();
    return dev;
}

static void stack_down(struct net_device *dev)
{
    CHECK_EQ(skbs_alive(), a0);
    ipstack_teardown(dev);
}

/* An outgoing datagram: data at a full IP header, len payload bytes. */
static struct sk_buff *out_dgram(unsigned len, bool df)
{
    struct sk_buff *skb = alloc_skb(64 + 20 + len);
    skb_reserve(skb, 64);
    uint8_t *p = skb_put(skb, 20 + len);
    struct ipv4_repr r = { .saddr = ipa("10.0.2.15"), .daddr = ipa("10.0.2.2"), .protocol = 17,
                           .ttl = 64, .id = 0x4242, .df = df, .payload_len = (uint16_t)len };
    ipv4_hdr_emit(&r, p, 20);
    memcpy(p + 20, pattern, len);
    skb_reset_network_header(skb);
    return skb;
}

TEST(fragment_shapes)
{
    fill_pattern();
    a0 = skbs_alive();
    unsigned sizes[] = { 1481, 2960, 2961, 8000, 65515 };
    for (unsigned k = 0; k < ARRAY_SIZE(sizes); k++) {
        unsigned len = sizes[k];
        struct ipstats_mib s0 = ipstats;
        CHECK_EQ(ip_fragment(NULL, out_dgram(len, false), 1500, capture), 0);
        int want = (int)((len + 1479) / 1480);
        CHECK_EQ(ncaptured, want);
        CHECK_EQ(ipstats.FragCreates - s0.FragCreates, want);
        CHECK_EQ(ipstats.FragOKs - s0.FragOKs, 1);
        static uint8_t got[70000];
        unsigned total = 0;
        for (int i = 0; i < ncaptured; i++) {
            struct sk_buff *f = captured[i];
            struct ipv4_repr r;
            CHECK_EQ(ipv4_hdr_parse(f->data, f->len, 0, &r), IPV4_PARSE_OK);
            CHECK(f->len <= 1500);
            CHECK_EQ(r.id, 0x4242);
            CHECK_EQ(r.mf, i < ncaptured - 1);
            CHECK_EQ(r.frag_off, 1480u * i);
            CHECK_EQ(r.tot_len, f->len);
            memcpy(got + r.frag_off, f->data + 20, r.payload_len);
            total += r.payload_len;
        }
        CHECK_EQ(total, len);
        CHECK(memcmp(got, pattern, len) == 0);
        capture_clear();
    }
    /* a tiny MTU: 8-byte pieces */
    CHECK_EQ(ip_fragment(NULL, out_dgram(40, false), 28, capture), 0);
    CHECK_EQ(ncaptured, 5);
    capture_clear();
    /* DF: refused with EMSGSIZE and counted */
    struct ipstats_mib s0 = ipstats;
    CHECK_EQ(ip_fragment(NULL, out_dgram(3000, true), 1500, capture), -EMSGSIZE);
    CHECK_EQ(ncaptured, 0);
    CHECK_EQ(ipstats.FragFails - s0.FragFails, 1);
    /* an MTU too small for one 8-byte piece */
    CHECK_EQ(ip_fragment(NULL, out_dgram(100, false), 27, capture), -EINVAL);
    CHECK_EQ(skbs_alive(), a0);
}

TEST(fragment_finishes_partial_checksum)
{
    fill_pattern();
    /* a UDP datagram left for the NIC to checksum, then too big for the MTU */
    unsigned ulen = 8 + 3000;
    struct sk_buff *skb = out_dgram(ulen, false);
    uint8_t *uh = skb->data + 20;
    uint32_t s = ipa("10.0.2.15"), d = ipa("10.0.2.2");
    uh[0] = 0x9c; uh[1] = 0x40; uh[2] = 0; uh[3] = 7;
    uh[4] = (uint8_t)(ulen >> 8); uh[5] = (uint8_t)ulen;
    uint16_t seed = (uint16_t)~csum_tcpudp_magic(s, d, ulen, 17, 0);
    memcpy(uh + 6, &seed, 2);
    skb->ip_summed = CHECKSUM_PARTIAL;
    skb->csum_start = (uint16_t)(uh - skb->head);
    skb->csum_offset = 6;
    CHECK_EQ(ip_fragment(NULL, skb, 1500, capture), 0);
    static uint8_t dg[4000];
    unsigned total = 0;
    for (int i = 0; i < ncaptured; i++) {
        struct ipv4_repr r;
        ipv4_hdr_parse(captured[i]->data, captured[i]->len, 0, &r);
        memcpy(dg + r.frag_off, captured[i]->data + 20, r.payload_len);
        total += r.payload_len;
        CHECK(captured[i]->ip_summed != CHECKSUM_PARTIAL);
    }
    CHECK_EQ(total, ulen);
    CHECK_EQ(csum_tcpudp_magic(s, d, ulen, 17, csum_partial(dg, ulen, 0)), 0);
    capture_clear();
}

/* fragments of one datagram as they arrive from the wire: data at the IP header */
static struct sk_buff *piece(struct net_device *dev, uint16_t id, unsigned off, unsigned len, bool mf)
{
    struct sk_buff *s = rx_ip(dev, "10.0.2.2", "10.0.2.15", 17, pattern + off, len, id, off, mf);
    skb_reset_network_header(s);
    return s;
}

static void check_whole(struct sk_buff *w, unsigned len)
{
    CHECK(w != NULL);
    if (!w)
        return;
    struct ipv4_repr r;
    CHECK_EQ(ipv4_hdr_parse(w->data, w->len, 0, &r), IPV4_PARSE_OK);
    CHECK_EQ(r.payload_len, len);
    CHECK(!r.mf && r.frag_off == 0);
    CHECK(memcmp(w->data + 20, pattern, len) == 0);
    CHECK(IPCB(w)->flags & IPSKB_REASSEMBLED);
    CHECK_EQ(w->ip_summed, CHECKSUM_NONE);
    kfree_skb(w);
}

static int order_rev(int i, int n) { return n - 1 - i; }
static int order_shuffle(int i, int n) { return (i * 7 + 3) % n; }   /* n not divisible by 7 */
static int order_fwd(int i, int n) { (void)n; return i; }

TEST(reassembly_orders)
{
    struct net_device *dev = stack_up();
    int (*orders[])(int, int) = { order_fwd, order_rev, order_shuffle };
    unsigned len = 1480 * 5 + 100;       /* 6 pieces */
    for (unsigned o = 0; o < 3; o++) {
        struct ipstats_mib s0 = ipstats;
        struct sk_buff *whole = NULL;
        for (int i = 0; i < 6; i++) {
            int k = orders[o](i, 6);
            unsigned off = 1480u * k, n = k == 5 ? 100 : 1480;
            struct sk_buff *w = ip_defrag(piece(dev, (uint16_t)(100 + o), off, n, k != 5));
            if (i < 5)
                CHECK(w == NULL);
            else
                whole = w;
        }
        check_whole(whole, len);
        CHECK_EQ(ipstats.ReasmOKs - s0.ReasmOKs, 1);
        CHECK_EQ(ipstats.ReasmReqds - s0.ReasmReqds, 6);
    }
    /* the largest datagram: 65535 - 20 bytes in 45 pieces, shuffled */
    unsigned big = 65515;
    int n = (int)((big + 1479) / 1480);
    struct sk_buff *whole = NULL;
    for (int i = 0; i < n; i++) {
        int k = (i * 7 + 5) % n;
        unsigned off = 1480u * k, l = k == n - 1 ? big - off : 1480;
        struct sk_buff *w = ip_defrag(piece(dev, 999, off, l, k != n - 1));
        if (w)
            whole = w;
    }
    check_whole(whole, big);
    CHECK_EQ(frag_info().queues, 0);
    CHECK_EQ(frag_info().mem, 0);
    stack_down(dev);
}

TEST(duplicates_and_overlaps)
{
    struct net_device *dev = stack_up();
    struct ipstats_mib s0 = ipstats;
    /* an exact duplicate is dropped alone; the datagram still completes */
    CHECK(ip_defrag(piece(dev, 1, 0, 1480, true)) == NULL);
    CHECK(ip_defrag(piece(dev, 1, 0, 1480, true)) == NULL);
    CHECK_EQ(ipstats.reasm_duplicates - s0.reasm_duplicates, 1);
    check_whole(ip_defrag(piece(dev, 1, 1480, 500, false)), 1980);

    /* a piece overlapping another: the whole datagram goes */
    s0 = ipstats;
    CHECK(ip_defrag(piece(dev, 2, 0, 1480, true)) == NULL);
    CHECK(ip_defrag(piece(dev, 2, 1472, 1480, true)) == NULL);      /* 8 bytes over */
    CHECK_EQ(ipstats.reasm_overlaps - s0.reasm_overlaps, 1);
    CHECK_EQ(ipstats.ReasmFails - s0.ReasmFails, 1);
    CHECK_EQ(frag_info().queues, 0);
    /* same start, different length; and one ending inside the next */
    CHECK(ip_defrag(piece(dev, 3, 1480, 1480, true)) == NULL);
    CHECK(ip_defrag(piece(dev, 3, 1480, 8, true)) == NULL);
    CHECK(ip_defrag(piece(dev, 4, 1480, 1480, true)) == NULL);
    CHECK(ip_defrag(piece(dev, 4, 8, 1480, true)) == NULL);
    CHECK_EQ(ipstats.reasm_overlaps - s0.reasm_overlaps, 3);
    CHECK_EQ(frag_info().queues, 0);

    /* last fragments that disagree on the length */
    s0 = ipstats;
    CHECK(ip_defrag(piece(dev, 5, 1480, 100, false)) == NULL);
    CHECK(ip_defrag(piece(dev, 5, 1480, 200, false)) == NULL);     /* also an overlap */
    CHECK(ip_defrag(piece(dev, 6, 2960, 100, false)) == NULL);
    CHECK(ip_defrag(piece(dev, 6, 1480, 100, false)) == NULL);     /* a second, shorter end */
    CHECK(ip_defrag(piece(dev, 7, 2960, 1480, true)) == NULL);
    CHECK(ip_defrag(piece(dev, 7, 0, 1480, false)) == NULL);       /* ends before data we hold */
    CHECK(ip_defrag(piece(dev, 8, 1480, 1480, true)) == NULL);
    CHECK(ip_defrag(piece(dev, 8, 0, 200, false)) == NULL);        /* ends before it */
    CHECK_EQ(ipstats.ReasmFails - s0.ReasmFails, 4);
    CHECK_EQ(frag_info().queues, 0);
    stack_down(dev);
}

TEST(too_big_refused)
{
    struct net_device *dev = stack_up();
    struct ipstats_mib s0 = ipstats;
    /* header + 65512 + 8 = 65540 bytes: past the limit although each piece is legal */
    CHECK(ip_defrag(piece(dev, 9, 0, 1480, true)) == NULL);
    CHECK(ip_defrag(piece(dev, 9, 65512, 8, false)) == NULL);
    CHECK_EQ(ipstats.reasm_too_big - s0.reasm_too_big, 1);
    CHECK_EQ(frag_info().queues, 0);
    /* the ping of death never gets that far: ip_rcv refuses the header */
    s0 = ipstats;
    struct sk_buff *pod = rx_ip(dev, "10.0.2.2", "10.0.2.15", 1, pattern, 16, 10, 65528, false);
    rx_deliver(dev, pod);
    CHECK_EQ(ipstats.drop_frag_shape - s0.drop_frag_shape, 1);
    stack_down(dev);
}

TEST(timeout_and_time_exceeded)
{
    struct net_device *dev = stack_up();
    struct ipstats_mib s0 = ipstats;
    uint64_t exc0 = icmpstats.OutTimeExcds;
    /* fragment 0 and a later one; the middle never comes */
    CHECK(ip_defrag(piece(dev, 11, 0, 1480, true)) == NULL);
    CHECK(ip_defrag(piece(dev, 11, 2960, 100, false)) == NULL);
    /* a second datagram without its first fragment */
    CHECK(ip_defrag(piece(dev, 12, 1480, 1480, true)) == NULL);
    fake_advance_ms(IPFRAG_TIMEOUT_MS - 10);
    CHECK_EQ(frag_info().queues, 2);
    CHECK_EQ(ipstats.ReasmTimeout - s0.ReasmTimeout, 0);
    fake_advance_ms(20);
    CHECK_EQ(frag_info().queues, 0);
    CHECK_EQ(frag_info().mem, 0);
    CHECK_EQ(ipstats.ReasmTimeout - s0.ReasmTimeout, 2);
    CHECK_EQ(ipstats.ReasmFails - s0.ReasmFails, 2);
    /* one time exceeded, for the datagram whose first piece we had, to its sender */
    CHECK_EQ(icmpstats.OutTimeExcds - exc0, 1);
    CHECK_EQ(tx_count(dev), 1);
    struct ipv4_repr r;
    struct sk_buff *t = tx_ipv4(dev, 0, "10.0.2.15", "10.0.2.2", 1, &r);
    if (t) {
        CHECK_EQ(t->data[20], ICMP_TIME_EXCEEDED);
        CHECK_EQ(t->data[21], ICMP_EXC_FRAGTIME);
        CHECK_EQ(ip_compute_csum(t->data + 20, r.payload_len), 0);
        /* the quoted header is the first fragment's: id 11 */
        CHECK_EQ(t->data[28 + 4], 0);
        CHECK_EQ(t->data[28 + 5], 11);
    }
    fake_netdev_clear(dev);
    stack_down(dev);
}

TEST(queue_and_memory_limits)
{
    struct net_device *dev = stack_up();
    struct ipstats_mib s0 = ipstats;
    /* more datagrams in progress than queues: the oldest go */
    for (int id = 0; id < IPFRAG_MAX_QUEUES + 5; id++)
        ip_defrag(piece(dev, (uint16_t)(1000 + id), 1480, 1480, true));
    CHECK_EQ(frag_info().queues, IPFRAG_MAX_QUEUES);
    CHECK_EQ(ipstats.reasm_queues_full - s0.reasm_queues_full, 5);
    ipfrag_flush();
    /* far more bytes than the memory limit: it is never exceeded */
    uint64_t peak = 0;
    for (int id = 0; id < 60; id++)
        for (int k = 1; k < 40; k++) {
            ip_defrag(piece(dev, (uint16_t)(2000 + id), 1480u * k, 1480, true));
            peak = MAX(peak, frag_info().mem);
        }
    CHECK(peak <= IPFRAG_HIGH_THRESH);
    CHECK(ipstats.reasm_mem_evictions - s0.reasm_mem_evictions > 0);
    /* a datagram in more pieces than allowed */
    ipfrag_flush();
    s0 = ipstats;
    for (int k = 0; k <= IPFRAG_MAX_FRAGS; k++)
        ip_defrag(piece(dev, 3000, 8u * k, 8, true));
    CHECK_EQ(ipstats.ReasmFails - s0.ReasmFails, 1);
    ipfrag_flush();
    stack_down(dev);
}
