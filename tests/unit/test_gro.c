// SOURCES: net/core/gro.c net/core/gso.c net/ipv4/tcp_offload.c net/core/dev_xmit.c net/sched/sch_generic.c net/sched/sch_pfifo_fast.c net/core/dev.c net/core/skbuff.c net/core/checksum.c kernel/cmdline.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_softirq.c net/core/dev_registry.c tests/unit/fake_clock.c
/* tests/unit/test_gro.c - receive coalescing (net/core/gro.h) under the real NAPI and
 * receive entry: TCP segments handed to napi_gro_receive as a driver does, the packets
 * netif_receive_skb delivers to the IPv4 handler recorded. In-order segments of one flow
 * become one packet whose bytes are the segments' payloads in order, with its IPv4
 * length and checksum right and its segment size and count for TCP; a push, a short
 * segment, a gap, different options, a flag, a pure ACK or the 64 KiB limit end a run
 * (a full segment that could not join starts the next one), and whatever cannot join
 * goes up after its flow's held packet, never before; flows
 * are kept apart; frames the NIC did not verify, and devices without GRO, are passed
 * as they are; napi_complete_done leaves nothing held; nothing leaks. */
#include "tests/unit/unit.h"
#include "tests/unit/fake_softirq.h"
#include "net/core/gro.h"
#include "net/core/gso.h"
#include "net/core/checksum.h"
#include "net/ipv4/ip_hdr.h"
#include "net/ipv4/tcp_hdr.h"
#include "net/sched/sch_generic.h"
#include "kernel/time.h"
#include "kernel/init.h"
/* compiled in so that its initcall can be called: the hosted build runs none */
#include "net/ipv4/ip_offload.c"

volatile uint64_t jiffies;
void panic(const char *fmt, ...) { (void)fmt; abort(); }

#define MSS 1448
#define TSOPT 12                        /* NOP NOP TS: every segment carries it */

/* --- what reaches the IPv4 handler --- */
#define MAXUP 128
static struct sk_buff *up[MAXUP];
static int nup;
static int ip_rcv_rec(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt)
{
    CHECK(nup < MAXUP);
    up[nup++] = skb;
    return 0;
}
static struct packet_type ip_pt = { .type = ETH_P_IP, .func = ip_rcv_rec };

static const struct net_device_ops no_ops = { .ndo_start_xmit = NULL };
static netdev_tx_t drop_xmit(struct sk_buff *skb, struct net_device *dev) { kfree_skb(skb); return NETDEV_TX_OK; }
static const struct net_device_ops ops = { .ndo_start_xmit = drop_xmit };
static struct napi_struct napi;
static struct net_device *dev;
static uint64_t alive0, held0;
static struct skb_stats st(void) { struct skb_stats s; skb_get_stats(&s); return s; }

static void setup(bool gro)
{
    static bool once;
    if (!once) {
        ipv4_offload_init();
        dev_add_pack(&ip_pt);
        once = true;
    }
    (void)no_ops;
    alive0 = st().alive;
    held0 = st().bytes_held;
    nup = 0;
    fake_softirq_reset();
    dev = alloc_etherdev(0, 1);
    dev->netdev_ops = &ops;
    CHECK_EQ(register_netdev(dev), 0);
    CHECK(dev->features & NETIF_F_GRO);   /* every device gets it */
    if (!gro)
        dev->features &= ~NETIF_F_GRO;
    dev->up = true;
    memset(&napi, 0, sizeof(napi));
    napi.weight = 64;
    napi.dev = dev;
}

static void teardown(void)
{
    for (int i = 0; i < nup; i++)
        kfree_skb(up[i]);
    qdisc_destroy(dev->tx_queue[0].qdisc);
    list_del_init(&dev->dev_list);
    kfree(dev);
    CHECK_EQ(st().alive, alive0);
    CHECK_EQ(st().bytes_held, held0);
}

static uint8_t pattern(uint32_t seq) { return (uint8_t)(seq * 13 + (seq >> 9)); }

/* One frame as the driver hands it up: Ethernet header pulled, data at IPv4. */
struct seg { uint16_t sport; uint32_t seq; unsigned len; uint8_t flags; uint32_t tsval; bool verified; };
static struct sk_buff *frame(struct seg s)
{
    struct sk_buff *skb = alloc_skb(2048);
    skb_reserve(skb, 2);
    uint8_t *e = skb_put(skb, ETH_HLEN);
    memcpy(e, "\x52\x54\0\0\0\1", 6);
    memcpy(e + 6, "\x52\x54\0\0\0\2", 6);
    e[12] = 0x08; e[13] = 0;
    struct iphdr *iph = skb_put(skb, 20);
    memset(iph, 0, 20);
    iph->version = 4; iph->ihl = 5; iph->ttl = 64; iph->protocol = 6;
    iph->tot_len = htons((uint16_t)(20 + 20 + TSOPT + s.len));
    iph->saddr = htonl(0xc6120001); iph->daddr = htonl(0xc6120002);
    iph->check = ip_fast_csum(iph, 5);
    struct tcphdr *th = skb_put(skb, 20 + TSOPT);
    memset(th, 0, 20 + TSOPT);
    th->source = htons(s.sport ? s.sport : 40000); th->dest = htons(5001);
    th->seq = htonl(s.seq); th->ack_seq = htonl(1);
    th->doff_res = (20 + TSOPT) / 4 << 4;
    th->flags = s.flags ? s.flags : TCPHDR_ACK;
    th->window = htons(512);
    uint8_t *o = (uint8_t *)(th + 1);
    o[0] = 1; o[1] = 1; o[2] = 8; o[3] = 10;
    uint32_t tv = htonl(s.tsval), te = htonl(7);
    memcpy(o + 4, &tv, 4); memcpy(o + 8, &te, 4);
    uint8_t *p = skb_put(skb, s.len);
    for (unsigned i = 0; i < s.len; i++)
        p[i] = pattern(s.seq + i);
    skb->dev = dev;
    skb->protocol = eth_type_trans(skb, dev);
    skb->ip_summed = s.verified ? CHECKSUM_UNNECESSARY : CHECKSUM_NONE;
    return skb;
}

static void rx(struct seg s) { napi_gro_receive(&napi, frame(s)); }
static struct seg full(uint32_t seq) { return (struct seg){ .seq = seq, .len = MSS, .verified = true }; }

/* delivered packet i: starts at seq, carries n segments' worth (bytes), headers right */
static void check_up(int i, uint32_t seq, unsigned bytes, unsigned segs)
{
    CHECK(i < nup);
    struct sk_buff *skb = up[i];
    CHECK_EQ(skb->len, 20 + 20 + TSOPT + bytes);
    uint8_t hdr[20 + 20 + TSOPT];
    CHECK_EQ(skb_copy_bits(skb, 0, hdr, sizeof(hdr)), 0);
    const struct iphdr *iph = (const struct iphdr *)hdr;
    const struct tcphdr *th = (const struct tcphdr *)(hdr + 20);
    CHECK_EQ(ntohs(iph->tot_len), skb->len);
    CHECK_EQ(ip_fast_csum(iph, 5), 0);
    CHECK_EQ(ntohl(th->seq), seq);
    CHECK_EQ(skb_shinfo(skb)->gso_segs, segs > 1 ? segs : 0);
    if (segs > 1)
        CHECK_EQ(skb_shinfo(skb)->gso_size, MSS);
    static uint8_t buf[70000];
    CHECK_EQ(skb_copy_bits(skb, sizeof(hdr), buf, bytes), 0);
    for (unsigned k = 0; k < bytes; k++)
        if (buf[k] != pattern(seq + k)) {
            CHECK_EQ(buf[k], pattern(seq + k));
            break;
        }
}

TEST(in_order_run_becomes_one_packet)
{
    setup(true);
    for (uint32_t i = 0; i < 10; i++)
        rx(full(1000 + i * MSS));
    CHECK_EQ(nup, 0);                            /* held until the poll ends */
    napi_gro_flush(&napi);
    CHECK_EQ(nup, 1);
    check_up(0, 1000, 10 * MSS, 10);
    teardown();
}

TEST(push_and_short_segment_end_the_run)
{
    setup(true);
    rx(full(0));
    rx(full(MSS));
    struct seg s = full(2 * MSS);
    s.flags = TCPHDR_ACK | TCPHDR_PSH;
    rx(s);
    CHECK_EQ(nup, 1);                            /* delivered at once */
    check_up(0, 0, 3 * MSS, 3);
    rx(full(3 * MSS));
    s = full(4 * MSS);
    s.len = 100;
    rx(s);
    CHECK_EQ(nup, 2);
    check_up(1, 3 * MSS, MSS + 100, 2);
    napi_gro_flush(&napi);
    CHECK_EQ(nup, 2);
    teardown();
}

TEST(gap_delivers_the_held_run_and_starts_the_next)
{
    setup(true);
    rx(full(0));
    rx(full(MSS));
    rx(full(5 * MSS));                           /* a hole before it: the next run */
    CHECK_EQ(nup, 1);
    check_up(0, 0, 2 * MSS, 2);
    rx(full(6 * MSS));
    napi_gro_flush(&napi);
    CHECK_EQ(nup, 2);
    check_up(1, 5 * MSS, 2 * MSS, 2);
    teardown();
}

TEST(new_timestamp_or_flag_or_pure_ack_keeps_order)
{
    setup(true);
    rx(full(0));
    struct seg s = full(MSS);
    s.tsval = 99;                                /* options differ: a run of its own */
    rx(s);
    CHECK_EQ(nup, 1);
    check_up(0, 0, MSS, 1);
    napi_gro_flush(&napi);
    CHECK_EQ(nup, 2);
    check_up(1, MSS, MSS, 1);
    rx(full(2 * MSS));
    s = full(3 * MSS);
    s.flags = TCPHDR_ACK | TCPHDR_FIN;
    rx(s);
    s = (struct seg){ .seq = 4 * MSS + 1, .len = 0, .verified = true };   /* pure ACK */
    rx(s);
    CHECK_EQ(nup, 5);
    check_up(2, 2 * MSS, MSS, 1);
    check_up(3, 3 * MSS, MSS, 1);
    check_up(4, 4 * MSS + 1, 0, 1);
    teardown();
}

TEST(flows_are_kept_apart)
{
    setup(true);
    for (uint32_t i = 0; i < 4; i++) {
        struct seg a = full(i * MSS), b = full(50000 + i * MSS);
        b.sport = 40001;
        rx(a);
        rx(b);
    }
    napi_gro_flush(&napi);
    CHECK_EQ(nup, 2);
    check_up(0, 0, 4 * MSS, 4);
    check_up(1, 50000, 4 * MSS, 4);
    teardown();
}

TEST(unverified_frames_and_gro_off_pass_as_they_are)
{
    setup(true);
    for (uint32_t i = 0; i < 3; i++) {
        struct seg s = full(i * MSS);
        s.verified = false;
        rx(s);
    }
    CHECK_EQ(nup, 3);
    teardown();
    setup(false);
    for (uint32_t i = 0; i < 3; i++)
        rx(full(i * MSS));
    CHECK_EQ(nup, 3);
    teardown();
}

TEST(run_stops_below_64k)
{
    setup(true);
    for (uint32_t i = 0; i < 50; i++)
        rx(full(i * MSS));
    napi_gro_flush(&napi);
    CHECK_EQ(nup, 2);
    unsigned first = (65535 - 20 - 20 - TSOPT) / MSS;   /* 45 segments fit */
    check_up(0, 0, first * MSS, first);
    check_up(1, first * MSS, (50 - first) * MSS, 50 - first);
    teardown();
}

TEST(napi_complete_done_leaves_nothing_held)
{
    setup(true);
    rx(full(0));
    rx(full(MSS));
    napi.state = NAPI_STATE_SCHED;
    CHECK(napi_complete_done(&napi, 2));
    CHECK_EQ(nup, 1);
    CHECK_EQ(napi.gro_count, 0);
    teardown();
}
