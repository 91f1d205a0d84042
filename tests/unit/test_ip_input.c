// SOURCES: net/ipv4/ip_fragment.c net/ipv4/ip_output.c net/ipv4/ip_input.c net/ipv4/icmp.c net/ipv4/udp.c net/ipv4/route.c net/ipv4/devinet.c net/ipv4/ip_hdr.c net/ipv4/icmp_hdr.c net/ipv4/udp_hdr.c net/netfilter/core.c net/netfilter/nf_rules.c net/core/checksum.c net/core/skbuff.c net/core/sock.c net/core/datagram.c net/core/stream.c net/kmsg.c kernel/uaccess.c kernel/user/uvm.c kernel/time/timer.c kernel/cmdline.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_kernel.c kernel/sched/wait.c tests/unit/fake_softirq.c tests/unit/fake_netdev.c tests/unit/fake_ipstack.c net/core/dev_registry.c tests/unit/fake_clock.c
/* tests/unit/test_ip_input.c - IPv4 receive validation with the counter each drop must
 * land in (version, IHL, lengths, checksum, options, TTL 0, source routes, martian
 * sources, not for us, other host), what a host accepts (its addresses, broadcasts,
 * all-hosts, unicast to its MAC before it has an address), padding trimmed, paged
 * frames linearised, unknown protocols answered with protocol unreachable, reassembly
 * on the way in, netfilter on both paths; and the output side: ip_queue_xmit caching
 * the route on the socket, the header it builds, the next hop, no route, and the
 * generation bump that makes the socket look the route up again. */
#include "tests/unit/unit.h"
#include "tests/unit/fake_mm.h"
#include "tests/unit/fake_ipstack.h"
#include "tests/unit/tx_ipv4.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/udp.h"
#include "net/ipv4/route.h"
#include "net/ipv4/inetdevice.h"
#include "net/netfilter/netfilter.h"
#include "net/core/checksum.h"
#include "net/core/sock.h"
#include "kernel/errno.h"

void panic(const char *fmt, ...) { (void)fmt; abort(); }

#define TESTPROTO 253
static struct sk_buff *delivered[16];
static int ndelivered;
static int test_handler(struct sk_buff *skb)
{
    if (ndelivered < 16)
        delivered[ndelivered++] = skb;
    else
        kfree_skb(skb);
    return 0;
}
static const struct net_protocol test_proto = { .handler = test_handler };
static void delivered_clear(void)
{
    for (int i = 0; i < ndelivered; i++)
        kfree_skb(delivered[i]);
    ndelivered = 0;
}

/* setup() brings the stack up and notes the skbs alive; teardown() checks the test left
 * no more and takes the stack down. */
static uint64_t a0;

static struct net_device *setup(void)
{
    static bool reg;
    struct net_device *d = ipstack_setup();
    if (!reg) {
        CHECK_EQ(inet_add_protocol(&test_proto, TESTPROTO), 0);
        CHECK_EQ(inet_add_protocol(&test_proto, TESTPROTO), -EEXIST);
        reg = true;
    }
    nf_rules_flush();
    a0 = skbs_alive();
    return d;
}

static void teardown(struct net_device *d)
{
    CHECK_EQ(skbs_alive(), a0);
    ipstack_teardown(d);
}

static const uint8_t data8[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static struct sk_buff *pkt(struct net_device *d, const char *src, const char *dst)
{
    return rx_ip(d, src, dst, TESTPROTO, data8, 8, 7, 0, false);
}

static void refix(struct sk_buff *s)
{
    s->data[10] = s->data[11] = 0;
    __sum16 c = ip_fast_csum(s->data, s->data[0] & 0xf);
    memcpy(s->data + 10, &c, 2);
}

TEST(delivers_good_packet_trimmed)
{
    struct net_device *d = setup();
    struct ipstats_mib s0 = ipstats;
    struct sk_buff *s = pkt(d, "10.0.2.2", "10.0.2.15");
    memset(skb_put(s, 18), 0, 18);                 /* Ethernet padding up to 46 bytes */
    rx_deliver(d, s);
    CHECK_EQ(ndelivered, 1);
    if (ndelivered) {
        CHECK_EQ(delivered[0]->len, 8);            /* padding gone, at the payload */
        CHECK(memcmp(delivered[0]->data, data8, 8) == 0);
        CHECK_EQ(ip_hdr(delivered[0])->protocol, TESTPROTO);
    }
    CHECK_EQ(ipstats.InReceives - s0.InReceives, 1);
    CHECK_EQ(ipstats.InDelivers - s0.InDelivers, 1);
    delivered_clear();
    teardown(d);
}

TEST(header_errors_counted)
{
    struct net_device *d = setup();
    struct ipstats_mib s0 = ipstats;
    struct sk_buff *s;

    s = pkt(d, "10.0.2.2", "10.0.2.15"); s->data[0] = 0x65; refix(s); rx_deliver(d, s);
    CHECK_EQ(ipstats.drop_version - s0.drop_version, 1);
    s = pkt(d, "10.0.2.2", "10.0.2.15"); s->data[0] = 0x44; refix(s); rx_deliver(d, s);
    CHECK_EQ(ipstats.drop_ihl - s0.drop_ihl, 1);
    s = pkt(d, "10.0.2.2", "10.0.2.15"); s->data[3] = 19; refix(s); rx_deliver(d, s);
    CHECK_EQ(ipstats.drop_totlen - s0.drop_totlen, 1);
    s = pkt(d, "10.0.2.2", "10.0.2.15"); s->data[8] ^= 0x10; rx_deliver(d, s);   /* no refix */
    CHECK_EQ(ipstats.InCsumErrors - s0.InCsumErrors, 1);
    s = pkt(d, "10.0.2.2", "10.0.2.15"); s->data[3] = 40; refix(s); rx_deliver(d, s);
    CHECK_EQ(ipstats.InTruncatedPkts - s0.InTruncatedPkts, 1);
    s = pkt(d, "10.0.2.2", "10.0.2.15"); skb_trim(s, 12); rx_deliver(d, s);     /* not even a header */
    CHECK_EQ(ipstats.InHdrErrors - s0.InHdrErrors, 1 + 1 + 1 + 1 + 1);
    /* TTL 0 is no header error for a host (RFC 1122 3.2.1.7): delivered */
    uint64_t del = ipstats.InDelivers;
    s = pkt(d, "10.0.2.2", "10.0.2.15"); s->data[8] = 0; refix(s); rx_deliver(d, s);
    CHECK_EQ(ipstats.InDelivers - del, 1);
    CHECK_EQ(ndelivered, 1);
    delivered_clear();
    CHECK_EQ(ipstats.InHdrErrors - s0.InHdrErrors, 5);

    /* options: a bad length, then a loose source route */
    static const uint8_t rr_bad[8] = { 7, 9, 4, 0, 0, 0, 0, 0 };
    static const uint8_t lsrr[8] = { 131, 7, 4, 1, 2, 3, 4, 0 };
    for (int k = 0; k < 2; k++) {
        s = alloc_skb(200);
        skb_reserve(s, 64);
        uint8_t *p = skb_put(s, 28 + 8);
        struct ipv4_repr r = { .saddr = ipa("10.0.2.2"), .daddr = ipa("10.0.2.15"),
                               .protocol = TESTPROTO, .ttl = 9, .payload_len = 16 };
        ipv4_hdr_emit(&r, p, 20);
        p[0] = 0x47;
        memcpy(p + 20, k ? lsrr : rr_bad, 8);
        s->dev = d;
        refix(s);
        rx_deliver(d, s);
    }
    CHECK_EQ(ipstats.drop_options - s0.drop_options, 1);
    CHECK_EQ(ipstats.drop_source_route - s0.drop_source_route, 1);
    CHECK_EQ(ndelivered, 0);
    teardown(d);
}

TEST(martians_and_not_for_us)
{
    struct net_device *d = setup();
    struct ipstats_mib s0 = ipstats;
    const char *martians[] = { "0.1.2.3", "127.0.0.1", "224.0.0.9", "255.255.255.255",
                               "240.0.0.1", "10.0.2.255", "10.0.2.15" };
    for (unsigned i = 0; i < ARRAY_SIZE(martians); i++)
        rx_deliver(d, pkt(d, martians[i], "10.0.2.15"));
    CHECK_EQ(ipstats.drop_martian_src - s0.drop_martian_src, ARRAY_SIZE(martians));
    /* a host does not forward */
    rx_deliver(d, pkt(d, "10.0.2.2", "10.0.2.99"));
    rx_deliver(d, pkt(d, "10.0.2.2", "8.8.8.8"));
    rx_deliver(d, pkt(d, "10.0.2.2", "224.0.0.5"));        /* a group we are not in */
    CHECK_EQ(ipstats.drop_not_for_us - s0.drop_not_for_us, 3);
    /* another station's unicast */
    struct sk_buff *s = pkt(d, "10.0.2.2", "10.0.2.15");
    s->pkt_type = PACKET_OTHERHOST;
    rx_deliver(d, s);
    CHECK_EQ(ipstats.drop_otherhost - s0.drop_otherhost, 1);
    CHECK_EQ(ndelivered, 0);
    /* accepted: broadcasts of our subnet, the limited broadcast, all-hosts */
    rx_deliver(d, pkt(d, "10.0.2.2", "10.0.2.255"));
    rx_deliver(d, pkt(d, "10.0.2.2", "255.255.255.255"));
    rx_deliver(d, pkt(d, "10.0.2.2", "224.0.0.1"));
    CHECK_EQ(ndelivered, 3);
    CHECK_EQ(ipstats.InBcastPkts - s0.InBcastPkts, 2);
    CHECK_EQ(ipstats.InMcastPkts - s0.InMcastPkts, 1);
    delivered_clear();
    teardown(d);
}

TEST(unconfigured_interface_takes_unicast_to_its_mac)
{
    struct net_device *d = fake_netdev_new("eth9", 9);
    nf_rules_flush();
    a0 = skbs_alive();
    /* a DHCP offer sent by unicast to the address being offered */
    rx_deliver(d, pkt(d, "10.0.2.2", "10.0.2.15"));
    CHECK_EQ(ndelivered, 1);
    struct sk_buff *s = pkt(d, "10.0.2.2", "10.0.2.15");
    s->pkt_type = PACKET_BROADCAST;              /* not to our MAC: still refused */
    rx_deliver(d, s);
    CHECK_EQ(ndelivered, 1);
    delivered_clear();
    CHECK_EQ(skbs_alive(), a0);
    fake_netdev_free(d);
}

TEST(paged_frame_linearised)
{
    struct net_device *d = setup();
    /* header in the linear part, payload in a page fragment */
    struct sk_buff *s = rx_ip(d, "10.0.2.2", "10.0.2.15", TESTPROTO, data8, 8, 1, 0, false);
    skb_trim(s, 20);
    phys_addr_t pg = alloc_page();
    memcpy(phys_to_virt(pg), data8, 8);
    skb_add_frag(s, pg, 0, 8);
    rx_deliver(d, s);
    CHECK_EQ(ndelivered, 1);
    if (ndelivered)
        CHECK(!skb_is_nonlinear(delivered[0]) && memcmp(delivered[0]->data, data8, 8) == 0);
    delivered_clear();
    teardown(d);
}

TEST(unknown_protocol_gets_protocol_unreachable)
{
    struct net_device *d = setup();
    struct ipstats_mib s0 = ipstats;
    rx_deliver(d, rx_ip(d, "10.0.2.2", "10.0.2.15", 99, data8, 8, 5, 0, false));
    CHECK_EQ(ipstats.InUnknownProtos - s0.InUnknownProtos, 1);
    CHECK_EQ(tx_count(d), 1);
    struct sk_buff *t = tx_get(d, 0);
    if (t) {
        CHECK_EQ(t->data[9], 1);
        CHECK_EQ(t->data[20], ICMP_DEST_UNREACH);
        CHECK_EQ(t->data[21], ICMP_PROT_UNREACH);
        CHECK_EQ(t->len, 20 + 8 + 28);              /* quotes header + the 8 bytes */
    }
    /* not for a broadcast */
    rx_deliver(d, rx_ip(d, "10.0.2.2", "10.0.2.255", 99, data8, 8, 5, 0, false));
    CHECK_EQ(tx_count(d), 1);
    fake_netdev_clear(d);
    teardown(d);
}

TEST(fragments_reassembled_on_the_way_in)
{
    struct net_device *d = setup();
    uint8_t big[3000];
    for (unsigned i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i ^ (i >> 3));
    rx_deliver(d, rx_ip(d, "10.0.2.2", "10.0.2.15", TESTPROTO, big + 1480, 1480, 77, 1480, true));
    CHECK_EQ(ndelivered, 0);
    rx_deliver(d, rx_ip(d, "10.0.2.2", "10.0.2.15", TESTPROTO, big + 2960, 40, 77, 2960, false));
    rx_deliver(d, rx_ip(d, "10.0.2.2", "10.0.2.15", TESTPROTO, big, 1480, 77, 0, true));
    CHECK_EQ(ndelivered, 1);
    if (ndelivered) {
        CHECK_EQ(delivered[0]->len, 3000);
        CHECK(memcmp(delivered[0]->data, big, 3000) == 0);
    }
    delivered_clear();
    teardown(d);
}

TEST(netfilter_on_receive)
{
    struct net_device *d = setup();
    struct nf_hook_stats p0, p1, i0, i1;
    nf_get_hook_stats(NF_INET_PRE_ROUTING, &p0);
    nf_get_hook_stats(NF_INET_LOCAL_IN, &i0);
    int bad;
    CHECK_EQ(nf_rules_add_list("PRE_ROUTING:253:src=10.0.2.3:DROP;LOCAL_IN:253:src=10.0.2.4:DROP", &bad), 2);
    rx_deliver(d, pkt(d, "10.0.2.3", "10.0.2.15"));
    rx_deliver(d, pkt(d, "10.0.2.4", "10.0.2.15"));
    rx_deliver(d, pkt(d, "10.0.2.5", "10.0.2.15"));
    CHECK_EQ(ndelivered, 1);
    nf_get_hook_stats(NF_INET_PRE_ROUTING, &p1);
    nf_get_hook_stats(NF_INET_LOCAL_IN, &i1);
    CHECK_EQ(p1.dropped - p0.dropped, 1);
    CHECK_EQ(p1.packets - p0.packets, 3);
    CHECK_EQ(i1.dropped - i0.dropped, 1);
    CHECK_EQ(i1.packets - i0.packets, 2);
    CHECK_EQ(nf_rule_get(0)->packets, 1);
    CHECK_EQ(nf_rule_get(1)->packets, 1);
    nf_rules_flush();
    delivered_clear();
    teardown(d);
}

/* --- output --- */

static struct sock *mksock(const char *dst, uint16_t dport)
{
    struct sock *sk = sk_alloc(AF_INET, &udp_prot);
    udp_prot.init(sk);
    sk->sk_protocol = TESTPROTO;
    sk->inet_daddr = ipa(dst);
    sk->inet_dport = htons(dport);
    sk->inet_sport = htons(1234);
    return sk;
}

static void rmsock(struct sock *sk)
{
    udp_prot.close(sk);
    sk_free(sk);
}

static struct sk_buff *payload(unsigned n)
{
    struct sk_buff *s = alloc_skb(IP_OUT_HEADROOM + n);
    skb_reserve(s, IP_OUT_HEADROOM);
    memset(skb_put(s, n), 0x5a, n);
    return s;
}

TEST(queue_xmit_builds_header_and_caches_route)
{
    struct net_device *d = setup();
    struct sock *sk = mksock("8.8.8.8", 53);
    sk->ip_ttl = 33;
    sk->ip_tos = 0x10;
    sk->pmtudisc_do = true;
    int created = fake_neigh_created;
    struct ipstats_mib s0 = ipstats;
    CHECK_EQ(ip_queue_xmit(sk, payload(100)), 0);
    CHECK(sk->sk_dst_cache != NULL);
    struct rtable *cached = sk->sk_dst_cache;
    CHECK_EQ(ip_queue_xmit(sk, payload(50)), 0);
    CHECK(sk->sk_dst_cache == cached);               /* reused, not looked up again */
    CHECK_EQ(tx_count(d), 2);
    CHECK_EQ(fake_neigh_created - created, 1);       /* one next hop: the gateway */
    CHECK(__ipv4_neigh_lookup_noref(d, ipa("10.0.2.2")) != NULL);
    CHECK_EQ(ipstats.OutRequests - s0.OutRequests, 2);
    struct ipv4_repr r = { 0 }, r2 = { 0 };
    tx_ipv4(d, 0, "10.0.2.15", "8.8.8.8", TESTPROTO, &r);
    CHECK_EQ(r.ttl, 33);
    CHECK_EQ(r.tos, 0x10);
    CHECK(r.df);
    CHECK_EQ(r.payload_len, 100);
    tx_ipv4(d, 1, "10.0.2.15", "8.8.8.8", TESTPROTO, &r2);
    CHECK_EQ((uint16_t)(r2.id - r.id), 1);
    /* a route change: the socket looks up again and now goes on-link */
    CHECK_EQ(ip_route_add(ipa("8.8.8.0"), 24, 0, d, 0, RTPROT_STATIC), 0);
    CHECK_EQ(ip_queue_xmit(sk, payload(10)), 0);
    CHECK(__ipv4_neigh_lookup_noref(d, ipa("8.8.8.8")) != NULL);
    /* no route at all */
    ip_route_flush_all();
    s0 = ipstats;
    CHECK_EQ(ip_queue_xmit(sk, payload(10)), -ENETUNREACH);
    CHECK_EQ(ipstats.OutNoRoutes - s0.OutNoRoutes, 1);
    fake_netdev_clear(d);
    rmsock(sk);
    CHECK_EQ(skbs_alive(), a0);
    struct rt_stats rs;
    rt_get_stats(&rs);
    CHECK_EQ(rs.allocs, rs.frees);
    teardown(d);
}

TEST(netfilter_on_send)
{
    struct net_device *d = setup();
    struct sock *sk = mksock("10.0.2.2", 9);
    int bad;
    CHECK_EQ(nf_rules_add_list("LOCAL_OUT:253:dst=10.0.2.2:DROP", &bad), 1);
    struct nf_hook_stats o0, o1, q0, q1;
    nf_get_hook_stats(NF_INET_LOCAL_OUT, &o0);
    nf_get_hook_stats(NF_INET_POST_ROUTING, &q0);
    CHECK_EQ(ip_queue_xmit(sk, payload(10)), -EPERM);
    nf_rules_flush();
    CHECK_EQ(nf_rules_add_list("POST_ROUTING:any:dst=10.0.2.0/24:DROP", &bad), 1);
    CHECK_EQ(ip_queue_xmit(sk, payload(10)), -EPERM);
    nf_get_hook_stats(NF_INET_LOCAL_OUT, &o1);
    nf_get_hook_stats(NF_INET_POST_ROUTING, &q1);
    CHECK_EQ(o1.dropped - o0.dropped, 1);
    CHECK_EQ(q1.dropped - q0.dropped, 1);
    CHECK_EQ(q1.packets - q0.packets, 1);
    CHECK_EQ(tx_count(d), 0);
    nf_rules_flush();
    CHECK_EQ(ip_queue_xmit(sk, payload(10)), 0);
    CHECK_EQ(tx_count(d), 1);
    fake_netdev_clear(d);
    rmsock(sk);
    teardown(d);
}
