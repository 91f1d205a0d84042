// SOURCES: net/ipv4/ip_fragment.c net/ipv4/ip_output.c net/ipv4/ip_input.c net/ipv4/icmp.c net/ipv4/udp.c net/ipv4/route.c net/ipv4/devinet.c net/ipv4/ip_hdr.c net/ipv4/icmp_hdr.c net/ipv4/udp_hdr.c net/netfilter/core.c net/netfilter/nf_rules.c net/core/checksum.c net/core/skbuff.c net/core/sock.c net/core/datagram.c net/core/stream.c net/kmsg.c kernel/uaccess.c kernel/user/uvm.c kernel/time/timer.c kernel/cmdline.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_kernel.c kernel/sched/wait.c tests/unit/fake_softirq.c tests/unit/fake_netdev.c tests/unit/fake_ipstack.c net/core/dev_registry.c tests/unit/fake_clock.c
/* tests/unit/test_icmp_udp.c - ICMP and UDP over the hosted IPv4 stack:
 *   ICMP: echo replies (small, and 8000 bytes arriving in fragments and leaving in
 *   fragments), broadcast echoes ignored, bad checksums counted, port unreachable for a
 *   closed port and its rate limits (per destination, then global), the RFC 1122 "never about" rules, and
 *   errors received turned into ECONNREFUSED on a connected socket only.
 *   UDP: ports (explicit, conflicts, SO_REUSEADDR, ephemeral range), sendmsg of 0..65507
 *   bytes (fragmented above 1472) with a checksum that verifies, offload left to the NIC
 *   when it fits, DF -> EMSGSIZE, broadcasts need SO_BROADCAST; receive with checksum
 *   verification, addresses reported, truncation, lookup preference, broadcast to every
 *   socket, the bounded receive queue; neighbour failure reported to the socket. */
#include "tests/unit/unit.h"
#include "tests/unit/fake_mm.h"
#include "tests/unit/fake_ipstack.h"
#include "tests/unit/tx_ipv4.h"
#include "tests/unit/fake_kernel.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/udp.h"
#include "net/ipv4/route.h"
#include "net/ipv4/inetdevice.h"
#include "net/core/checksum.h"
#include "net/core/sock.h"
#include "net/netfilter/netfilter.h"
#include "kernel/errno.h"

void panic(const char *fmt, ...) { (void)fmt; abort(); }

static uint8_t pat[70000];
static void fill(void)
{
    for (unsigned i = 0; i < sizeof(pat); i++)
        pat[i] = (uint8_t)(i * 13 + 7);
}

static int icmp_msg(uint8_t *buf, uint8_t type, uint8_t code, uint16_t id, uint16_t seq,
                    const void *data, unsigned len)
{
    struct icmp_repr r = { .type = type, .code = code, .un.echo = { id, seq },
                           .data = data, .data_len = len };
    return (int)icmp_hdr_emit(&r, buf, 70000);
}

static uint64_t socks_alive(void)
{
    struct sock_stats s;
    sock_get_stats(&s);
    return s.socks_alive;
}

/* The stack up for one test, noting the skbs and sockets alive then; stack_down drops the
 * frames the device recorded (the device's, not the test's), checks the test left no more
 * skbs or sockets alive, and takes the stack down. */
static uint64_t a0, s0;

static struct net_device *stack_up(void)
{
    fill();
    struct net_device *d = ipstack_setup();
    a0 = skbs_alive();
    s0 = socks_alive();
    return d;
}

static void stack_down(struct net_device *d)
{
    fake_netdev_clear(d);
    CHECK_EQ(skbs_alive(), a0);
    CHECK_EQ(socks_alive(), s0);
    ipstack_teardown(d);
}

/* --- ICMP --- */

/* Deliver an echo request: one reply is counted and is the one frame sent; it is returned
 * (NULL when nothing was sent). */
static struct sk_buff *echo_answered(struct net_device *d, struct sk_buff *req)
{
    uint64_t reps = icmpstats.OutEchoReps;
    rx_deliver(d, req);
    CHECK_EQ(icmpstats.OutEchoReps - reps, 1);
    CHECK_EQ(tx_count(d), 1);
    return tx_get(d, 0);
}

TEST(echo_reply)
{
    struct net_device *d = stack_up();
    static uint8_t m[100];
    int n = icmp_msg(m, ICMP_ECHO, 0, 0x1234, 9, pat, 56);
    echo_answered(d, rx_ip(d, "10.0.2.2", "10.0.2.15", 1, m, (unsigned)n, 1, 0, false));
    struct ipv4_repr ip;
    struct sk_buff *t = tx_ipv4(d, 0, "10.0.2.15", "10.0.2.2", 1, &ip);
    if (t) {
        CHECK_EQ(ip.ttl, 64);
        struct icmp_repr r;
        CHECK_EQ(icmp_hdr_parse(t->data + 20, ip.payload_len, 0, &r), ICMP_PARSE_OK);
        CHECK_EQ(r.type, ICMP_ECHOREPLY);
        CHECK_EQ(r.un.echo.id, 0x1234);
        CHECK_EQ(r.un.echo.seq, 9);
        CHECK_EQ(r.data_len, 56);
        CHECK(memcmp(r.data, pat, 56) == 0);
    }
    fake_netdev_clear(d);
    /* to a broadcast: ignored; with a bad checksum: counted and dropped */
    rx_deliver(d, rx_ip(d, "10.0.2.2", "10.0.2.255", 1, m, (unsigned)n, 2, 0, false));
    uint64_t cs = icmpstats.InCsumErrors;
    m[9] ^= 1;
    rx_deliver(d, rx_ip(d, "10.0.2.2", "10.0.2.15", 1, m, (unsigned)n, 3, 0, false));
    CHECK_EQ(icmpstats.InCsumErrors - cs, 1);
    rx_deliver(d, rx_ip(d, "10.0.2.2", "10.0.2.15", 1, m, 5, 4, 0, false));   /* truncated */
    CHECK_EQ(tx_count(d), 0);
    stack_down(d);
}

/* RFC 1122 3.2.1.7: a host MUST NOT discard a datagram because it arrived with TTL 0 or
 * 1; an echo request with either is answered (with our own TTL), as Linux does. */
TEST(echo_with_ttl_0_and_1_answered)
{
    struct net_device *d = stack_up();
    static uint8_t m[100];
    int n = icmp_msg(m, ICMP_ECHO, 0, 0x77, 1, pat, 32);
    for (int ttl = 0; ttl <= 1; ttl++) {
        struct sk_buff *s = rx_ip(d, "10.0.2.2", "10.0.2.15", 1, m, (unsigned)n, 5, 0, false);
        struct iphdr *h = (struct iphdr *)s->data;
        h->ttl = (uint8_t)ttl;
        h->check = 0;
        h->check = ip_fast_csum(h, h->ihl);
        struct sk_buff *t = echo_answered(d, s);
        if (t)
            CHECK_EQ(((struct iphdr *)t->data)->ttl, 64);
        fake_netdev_clear(d);
    }
    stack_down(d);
}

/* RFC 1122 3.2.2.6: the reply returns the request's Record Route and Timestamp options,
 * filled in for this host (as the receiver and again as the sender, as Linux does). */
TEST(echo_reply_returns_record_route_and_timestamp)
{
    struct net_device *d = stack_up();
    static uint8_t m[100];
    int n = icmp_msg(m, ICMP_ECHO, 0, 0x99, 2, pat, 16);
    /* RR with 3 slots (one already used), a NOOP (not returned), TS (timestamps only)
     * with 2 slots, and a TS (address + timestamp) with room for one pair: 40 bytes */
    static const uint8_t opts[40] = {
        IPOPT_RR, 15, 8, 198, 18, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0,
        IPOPT_NOOP,
        IPOPT_TS, 12, 5, IPOPT_TS_TSONLY, 0, 0, 0, 0, 0, 0, 0, 0,
        IPOPT_TS, 12, 5, IPOPT_TS_TSANDADDR, 0, 0, 0, 0, 0, 0, 0, 0,
    };
    struct sk_buff *s = alloc_skb(256);
    skb_reserve(s, 64);
    uint8_t *p = skb_put(s, 60 + (unsigned)n);
    struct ipv4_repr r = { .saddr = ipa("10.0.2.2"), .daddr = ipa("10.0.2.15"), .protocol = 1,
                           .ttl = 64, .id = 77, .payload_len = (uint16_t)(40 + n) };
    ipv4_hdr_emit(&r, p, 20);
    memcpy(p + 20, opts, 40);
    memcpy(p + 60, m, (size_t)n);
    struct iphdr *h = (struct iphdr *)p;
    h->ihl = 15;
    h->check = 0;
    h->check = ip_fast_csum(h, h->ihl);
    s->dev = d;
    s->protocol = ETH_P_IP;
    s->pkt_type = PACKET_HOST;
    struct sk_buff *t = echo_answered(d, s);
    if (t) {
        const struct iphdr *rh = (const struct iphdr *)t->data;
        CHECK_EQ(ip_fast_csum(rh, rh->ihl), 0);
        CHECK_EQ(rh->ihl, 15);          /* 39 bytes of options returned, padded */
        CHECK_EQ(ntohs(rh->tot_len), 60 + n);
        const uint8_t *o = t->data + 20;
        /* RR: the earlier hop kept, then ours twice; pointer past them */
        CHECK_EQ(o[0], IPOPT_RR);
        CHECK_EQ(o[2], 16);
        CHECK(memcmp(o + 3, "\xc6\x12\x00\x09", 4) == 0);
        CHECK(memcmp(o + 7, "\x0a\x00\x02\x0f", 4) == 0);
        CHECK(memcmp(o + 11, "\x0a\x00\x02\x0f", 4) == 0);
        /* TS only: two stamps, non-standard (high bit: no time of day), pointer at 13 */
        const uint8_t *ts = o + 15;
        CHECK_EQ(ts[0], IPOPT_TS);
        CHECK_EQ(ts[2], 13);
        CHECK_EQ(ts[3], IPOPT_TS_TSONLY);
        CHECK(ts[4] & 0x80);
        CHECK(ts[8] & 0x80);
        /* address + timestamp with room for one: ours, then an overflow counted */
        const uint8_t *ta = o + 27;
        CHECK_EQ(ta[0], IPOPT_TS);
        CHECK_EQ(ta[2], 13);
        CHECK_EQ(ta[3], 0x10 | IPOPT_TS_TSANDADDR);
        CHECK(memcmp(ta + 4, "\x0a\x00\x02\x0f", 4) == 0);
        CHECK(ta[8] & 0x80);
        CHECK_EQ(o[39], IPOPT_END);
        /* and the message follows the options intact */
        struct icmp_repr ir;
        CHECK_EQ(icmp_hdr_parse(t->data + 60, (size_t)n, 0, &ir), ICMP_PARSE_OK);
        CHECK_EQ(ir.type, ICMP_ECHOREPLY);
        CHECK_EQ(ir.un.echo.seq, 2);
    }
    stack_down(d);
}

TEST(large_fragmented_echo)
{
    struct net_device *d = stack_up();
    /* ping -s 8000: 8008 bytes of ICMP in 6 fragments, delivered out of order */
    static uint8_t m[8100];
    int n = icmp_msg(m, ICMP_ECHO, 0, 77, 1, pat, 8000);
    CHECK_EQ(n, 8008);
    int order[6] = { 5, 0, 3, 1, 4, 2 };
    for (int i = 0; i < 6; i++) {
        unsigned off = 1480u * order[i];
        unsigned len = order[i] == 5 ? 8008 - 1480 * 5 : 1480;
        rx_deliver(d, rx_ip(d, "10.0.2.2", "10.0.2.15", 1, m + off, len, 555, off, order[i] != 5));
    }
    /* the reply leaves in 6 fragments of at most 1500 bytes */
    CHECK_EQ(tx_count(d), 6);
    static uint8_t back[8100];
    for (int i = 0; i < tx_count(d); i++)
        CHECK(tx_get(d, i)->len <= 1500);
    int got = tx_reassemble(d, 0, tx_count(d), back, sizeof(back));
    CHECK_EQ(got, 8008);
    struct icmp_repr r;
    CHECK_EQ(icmp_hdr_parse(back, 8008, 0, &r), ICMP_PARSE_OK);
    CHECK_EQ(r.type, ICMP_ECHOREPLY);
    CHECK(memcmp(r.data, pat, 8000) == 0);
    stack_down(d);
}

static struct sk_buff *udp_in(struct net_device *d, const char *src, const char *dst,
                              uint16_t sport, uint16_t dport, const void *data, unsigned len,
                              bool csum)
{
    static uint8_t buf[70000];
    struct udp_repr u = { .sport = sport, .dport = dport, .payload = data, .payload_len = len };
    size_t n = udp_hdr_emit(&u, buf, sizeof(buf), ipa(src), ipa(dst), csum);
    return rx_ip(d, src, dst, 17, buf, (unsigned)n, 3, 0, false);
}

TEST(port_unreachable_rate_limited)
{
    struct net_device *d = stack_up();
    uint64_t np = udpstats.NoPorts, host = icmpstats.OutRateLimitHost;
    uint64_t glob = icmpstats.OutRateLimitGlobal, du = icmpstats.OutDestUnreachs;
    rx_deliver(d, udp_in(d, "10.0.2.2", "10.0.2.15", 5555, 9, "x", 1, true));
    CHECK_EQ(udpstats.NoPorts - np, 1);
    CHECK_EQ(tx_count(d), 1);
    struct sk_buff *t = tx_get(d, 0);
    if (t) {
        CHECK_EQ(t->data[20], ICMP_DEST_UNREACH);
        CHECK_EQ(t->data[21], ICMP_PORT_UNREACH);
        /* the quoted datagram: its IP header (from 10.0.2.2) and UDP ports */
        CHECK(memcmp(t->data + 28 + 12, "\x0a\x00\x02\x02", 4) == 0);
        CHECK_EQ(t->data[28 + 20 + 3], 9);
        CHECK_EQ(ip_compute_csum(t->data + 20, t->len - 20), 0);
    }
    fake_netdev_clear(d);
    /* one sender's burst of 60 bad datagrams draws the per-destination burst (6 in
     * all), not the global cap (50): the rest is counted per host */
    for (int i = 0; i < 59; i++)
        rx_deliver(d, udp_in(d, "10.0.2.2", "10.0.2.15", 5555, 9, "x", 1, true));
    CHECK_EQ(tx_count(d), ICMP_RATE_BURST - 1);
    CHECK_EQ(icmpstats.OutRateLimitHost - host, 60 - ICMP_RATE_BURST);
    CHECK_EQ(icmpstats.OutRateLimitGlobal - glob, 0);
    fake_netdev_clear(d);
    /* another sender has its own allowance */
    for (int i = 0; i < 10; i++)
        rx_deliver(d, udp_in(d, "10.0.2.3", "10.0.2.15", 5555, 9, "x", 1, true));
    CHECK_EQ(tx_count(d), ICMP_RATE_BURST);
    fake_netdev_clear(d);
    /* then one per second per destination */
    fake_advance_ms(999);
    rx_deliver(d, udp_in(d, "10.0.2.2", "10.0.2.15", 5555, 9, "x", 1, true));
    CHECK_EQ(tx_count(d), 0);
    fake_advance_ms(1);
    for (int i = 0; i < 5; i++)
        rx_deliver(d, udp_in(d, "10.0.2.2", "10.0.2.15", 5555, 9, "x", 1, true));
    CHECK_EQ(tx_count(d), 1);
    fake_netdev_clear(d);
    fake_advance_ms(2500);           /* 2.5 s of credit: two more */
    for (int i = 0; i < 5; i++)
        rx_deliver(d, udp_in(d, "10.0.2.2", "10.0.2.15", 5555, 9, "x", 1, true));
    CHECK_EQ(tx_count(d), 2);
    CHECK_EQ(icmpstats.OutDestUnreachs - du, 2 * ICMP_RATE_BURST + 3);
    fake_netdev_clear(d);
    /* many senders at once: the global cap (a burst of ICMP_MSGS_BURST) holds */
    icmp_ratelimit_reset();
    char src[32];
    for (int s = 0; s < 20; s++) {
        snprintf(src, sizeof(src), "10.0.2.%d", 100 + s);
        for (int i = 0; i < ICMP_RATE_BURST; i++)
            rx_deliver(d, udp_in(d, src, "10.0.2.15", 5555, 9, "x", 1, true));
    }
    CHECK_EQ(tx_count(d), ICMP_MSGS_BURST);
    CHECK_EQ(icmpstats.OutRateLimitGlobal - glob, 20 * ICMP_RATE_BURST - ICMP_MSGS_BURST);
    fake_netdev_clear(d);
    icmp_ratelimit_reset();
    /* never for a broadcast */
    rx_deliver(d, udp_in(d, "10.0.2.2", "10.0.2.255", 5555, 9, "x", 1, true));
    CHECK_EQ(tx_count(d), 0);
    stack_down(d);
}

TEST(never_an_error_about_an_error)
{
    struct net_device *d = stack_up();
    uint64_t sup = icmpstats.err_suppressed;
    /* an ICMP error about an ICMP error */
    uint8_t inner[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17 };
    static uint8_t m[64];
    int n = icmp_msg(m, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, 0, inner, 28);
    struct sk_buff *s = rx_ip(d, "10.0.2.2", "10.0.2.15", 1, m, (unsigned)n, 3, 0, false);
    skb_reset_network_header(s);
    icmp_send(s, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
    /* about a non-first fragment, and from a martian source */
    struct sk_buff *f = rx_ip(d, "10.0.2.2", "10.0.2.15", 17, inner, 8, 3, 1480, false);
    skb_reset_network_header(f);
    icmp_send(f, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
    struct sk_buff *z = rx_ip(d, "0.0.0.0", "10.0.2.15", 17, inner, 8, 3, 0, false);
    skb_reset_network_header(z);
    icmp_send(z, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
    CHECK_EQ(icmpstats.err_suppressed - sup, 3);
    CHECK_EQ(tx_count(d), 0);
    /* an echo request is not an error: that one may be answered with an error */
    n = icmp_msg(m, ICMP_ECHO, 0, 1, 1, inner, 8);
    struct sk_buff *e = rx_ip(d, "10.0.2.2", "10.0.2.15", 1, m, (unsigned)n, 3, 0, false);
    skb_reset_network_header(e);
    icmp_send(e, ICMP_PARAMETERPROB, 0, 0);
    CHECK_EQ(tx_count(d), 1);
    kfree_skb(s);
    kfree_skb(f);
    kfree_skb(z);
    kfree_skb(e);
    stack_down(d);
}

/* --- UDP sockets --- */

static struct sock *usock(void)
{
    struct sock *sk = sk_alloc(AF_INET, &udp_prot);
    sk->sk_protocol = IPPROTO_UDP;
    sk->sk_type = SOCK_DGRAM;
    CHECK_EQ(udp_prot.init(sk), 0);
    return sk;
}
/* a UDP socket bound to port */
static struct sock *usock_on(uint16_t port)
{
    struct sock *sk = usock();
    CHECK_EQ(udp_prot.get_port(sk, port), 0);
    return sk;
}
static void uclose(struct sock *sk)
{
    udp_prot.close(sk);
    sk_free(sk);
}

static long usend(struct sock *sk, const char *dst, uint16_t port, const void *data, size_t len)
{
    struct iovec iov = { (void *)data, len };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, len);
    if (dst) {
        m.has_name = true;
        m.name.sin_family = AF_INET;
        m.name.sin_addr.s_addr = ipa(dst);
        m.name.sin_port = htons(port);
    }
    m.flags = MSG_DONTWAIT;
    /* what inet_sendmsg does first (the checks are the socket layer's: test_sendpath) */
    if (!sk->inet_num)
        CHECK_EQ(udp_prot.get_port(sk, 0), 0);
    return udp_prot.sendmsg(sk, &m, len);
}

static long urecv(struct sock *sk, void *buf, size_t len, int flags, struct sockaddr_in *from)
{
    struct iovec iov = { buf, len };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, len);
    long r = udp_prot.recvmsg(sk, &m, len, flags | MSG_DONTWAIT);
    if (from && r >= 0)
        *from = m.name;
    if (r >= 0 && (m.flags & MSG_TRUNC) && !(flags & MSG_TRUNC))
        return -1000 - r;                /* tell the test it was truncated */
    return r;
}

TEST(ports_bind_conflicts_ephemeral)
{
    s0 = socks_alive();
    struct sock *a = usock(), *b = usock(), *c = usock(), *e1 = usock(), *e2 = usock();
    CHECK_EQ(udp_prot.get_port(a, 7), 0);
    CHECK_EQ(a->inet_num, 7);
    CHECK_EQ(a->inet_sport, htons(7));
    CHECK_EQ(udp_prot.get_port(a, 8), -EINVAL);          /* already bound */
    CHECK_EQ(udp_prot.get_port(b, 7), -EADDRINUSE);
    /* different specific addresses may share a port */
    b->inet_saddr = ipa("10.0.2.15");
    c->inet_saddr = ipa("10.0.2.16");
    CHECK_EQ(udp_prot.get_port(b, 70), 0);
    CHECK_EQ(udp_prot.get_port(c, 70), 0);
    uclose(b);
    b = usock();
    /* SO_REUSEADDR on both */
    a->sk_reuse = true;
    b->sk_reuse = true;
    CHECK_EQ(udp_prot.get_port(b, 7), 0);
    CHECK_EQ(udp_prot.get_port(e1, 0), 0);
    CHECK_EQ(udp_prot.get_port(e2, 0), 0);
    CHECK(e1->inet_num >= UDP_EPHEMERAL_LOW && e1->inet_num <= UDP_EPHEMERAL_HIGH);
    CHECK(e2->inet_num >= UDP_EPHEMERAL_LOW && e2->inet_num <= UDP_EPHEMERAL_HIGH);
    CHECK(e1->inet_num != e2->inet_num);
    uclose(a); uclose(b); uclose(c); uclose(e1); uclose(e2);
    CHECK_EQ(socks_alive(), s0);
}

/* Reassemble the datagrams on the device into one UDP datagram and check it. */
static void check_udp_out(struct net_device *d, unsigned len, uint16_t dport)
{
    static uint8_t dg[70000];
    int n = tx_count(d);
    CHECK_EQ(n, len + 28 <= 1500 ? 1 : (int)((len + 8 + 1479) / 1480));
    for (int i = 0; i < n; i++)
        if (tx_get(d, i)->ip_summed == CHECKSUM_PARTIAL)
            CHECK_EQ(skb_checksum_help(tx_get(d, i)), 0);   /* what the NIC would do */
    int got = tx_reassemble(d, 0, n, dg, sizeof(dg));
    CHECK_EQ(got, (int)len + 8);
    struct udp_repr u;
    CHECK_EQ(udp_hdr_parse(dg, (size_t)got, ipa("10.0.2.15"), ipa("10.0.2.2"), 0, &u), UDP_PARSE_OK);
    CHECK(u.csum_present);
    CHECK_EQ(u.dport, dport);
    CHECK_EQ(u.payload_len, len);
    CHECK(len == 0 || memcmp(u.payload, pat, len) == 0);
    fake_netdev_clear(d);
}

/* A datagram bigger than the MTU is built in fragment-sized pieces as it is copied from
 * the sender (Linux's __ip_append_data): the fragments on the wire are those pieces, so
 * the payload is copied once and no datagram-sized buffer is allocated. */
TEST(fragmented_send_copies_once)
{
    struct net_device *d = stack_up();
    struct sock *sk = usock();
    struct skb_stats s0, s1;
    unsigned sizes[] = { 1473, 8000, 65507 };
    for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
        skb_get_stats(&s0);
        uint64_t fo = ipstats.FragOKs, fc = ipstats.FragCreates;
        CHECK_EQ(usend(sk, "10.0.2.2", 7, pat, sizes[i]), (long)sizes[i]);
        skb_get_stats(&s1);
        int n = tx_count(d);
        CHECK_EQ(n, (int)((sizes[i] + 8 + 1479) / 1480));
        CHECK_EQ(s1.allocs - s0.allocs, (uint64_t)n);     /* one buffer per fragment, no more */
        CHECK_EQ(s1.copies - s0.copies, 0);
        CHECK_EQ(ipstats.FragOKs - fo, 1);
        CHECK_EQ(ipstats.FragCreates - fc, (uint64_t)n);
        for (int k = 0; k < n; k++) {
            struct sk_buff *t = tx_get(d, k);
            CHECK(t->len <= 1500);
            CHECK(!skb_has_frag_list(t) && !skb_is_nonlinear(t));
            /* the IP layer's flow hash, the same on every piece: one TX queue */
            CHECK(t->hash != 0);
            CHECK_EQ(t->hash, tx_get(d, 0)->hash);
        }
        check_udp_out(d, sizes[i], 7);       /* reassembles, checksum right */
    }
    uclose(sk);
    stack_down(d);
}

TEST(send_sizes_and_checksums)
{
    struct net_device *d = stack_up();
    struct sock *sk = usock();
    unsigned sizes[] = { 0, 1, 1472, 1473, 8000, 65507 };
    for (int offload = 0; offload < 2; offload++) {
        d->features = offload ? NETIF_F_IP_CSUM : 0;
        for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
            CHECK_EQ(usend(sk, "10.0.2.2", 7, pat, sizes[i]), (long)sizes[i]);
            bool partial = tx_count(d) == 1 && tx_get(d, 0)->ip_summed == CHECKSUM_PARTIAL;
            CHECK_EQ(partial, offload && sizes[i] <= 1472);
            check_udp_out(d, sizes[i], 7);
        }
    }
    CHECK(sk->inet_num >= UDP_EPHEMERAL_LOW);          /* autobound */
    CHECK_EQ(usend(sk, "10.0.2.2", 7, pat, 65508), -EMSGSIZE);
    /* DF asked for: what does not fit the MTU is refused */
    sk->pmtudisc_do = true;
    CHECK_EQ(usend(sk, "10.0.2.2", 7, pat, 1472), 1472);
    CHECK_EQ(usend(sk, "10.0.2.2", 7, pat, 1473), -EMSGSIZE);
    sk->pmtudisc_do = false;
    fake_netdev_clear(d);
    /* broadcasts need SO_BROADCAST */
    CHECK_EQ(usend(sk, "10.0.2.255", 7, pat, 10), -EACCES);
    CHECK_EQ(usend(sk, "255.255.255.255", 67, pat, 10), -EACCES);
    sk->sk_broadcast = true;
    CHECK_EQ(usend(sk, "255.255.255.255", 67, pat, 10), 10);
    CHECK_EQ(tx_count(d), 1);
    CHECK(__ipv4_neigh_lookup_noref(d, ipa("255.255.255.255")) != NULL);
    /* no route */
    CHECK_EQ(usend(sk, "127.0.0.1", 7, pat, 10), -ENETUNREACH);
    fake_netdev_clear(d);
    uclose(sk);
    stack_down(d);
}

TEST(receive_verify_name_truncate)
{
    struct net_device *d = stack_up();
    struct sock *sk = usock_on(7);
    uint64_t in0 = udpstats.InDatagrams, cs0 = udpstats.InCsumErrors;
    rx_deliver(d, udp_in(d, "10.0.2.2", "10.0.2.15", 40000, 7, pat, 100, true));
    rx_deliver(d, udp_in(d, "10.0.2.2", "10.0.2.15", 40001, 7, pat, 0, false));  /* no checksum */
    struct sk_buff *bad = udp_in(d, "10.0.2.2", "10.0.2.15", 40002, 7, pat, 20, true);
    bad->data[30] ^= 0xff;                                             /* payload flipped */
    rx_deliver(d, bad);
    struct sk_buff *nic = udp_in(d, "10.0.2.2", "10.0.2.15", 40003, 7, pat, 20, true);
    nic->data[26] ^= 0xff;                      /* checksum wrong, but the NIC vouched */
    nic->ip_summed = CHECKSUM_UNNECESSARY;
    rx_deliver(d, nic);
    CHECK_EQ(udpstats.InDatagrams - in0, 3);
    CHECK_EQ(udpstats.InCsumErrors - cs0, 1);
    uint8_t buf[200];
    struct sockaddr_in from;
    CHECK_EQ(urecv(sk, buf, sizeof(buf), 0, &from), 100);
    CHECK(memcmp(buf, pat, 100) == 0);
    CHECK_EQ(from.sin_family, AF_INET);
    CHECK_EQ(from.sin_addr.s_addr, ipa("10.0.2.2"));
    CHECK_EQ(from.sin_port, htons(40000));
    CHECK_EQ(urecv(sk, buf, sizeof(buf), 0, &from), 0);
    CHECK_EQ(from.sin_port, htons(40001));
    CHECK_EQ(urecv(sk, buf, 5, 0, NULL), -1000 - 5);           /* 20 bytes, 5 asked */
    CHECK_EQ(urecv(sk, buf, sizeof(buf), 0, NULL), -EAGAIN);   /* nothing left */
    /* MSG_PEEK leaves it; MSG_TRUNC returns the real length */
    rx_deliver(d, udp_in(d, "10.0.2.2", "10.0.2.15", 40000, 7, pat, 50, true));
    CHECK_EQ(urecv(sk, buf, 10, MSG_PEEK, NULL), -1000 - 10);
    CHECK_EQ(urecv(sk, buf, 10, MSG_TRUNC, NULL), 50);
    /* a UDP length past the IP payload, and one under 8 */
    struct sk_buff *l = udp_in(d, "10.0.2.2", "10.0.2.15", 1, 7, pat, 10, false);
    l->data[24] = 0; l->data[25] = 30;
    uint64_t bl = udpstats.in_bad_length;
    rx_deliver(d, l);
    l = udp_in(d, "10.0.2.2", "10.0.2.15", 1, 7, pat, 10, false);
    l->data[24] = 0; l->data[25] = 7;
    rx_deliver(d, l);
    CHECK_EQ(udpstats.in_bad_length - bl, 2);
    uclose(sk);
    stack_down(d);
}

TEST(receive_reassembled_datagram)
{
    struct net_device *d = stack_up();
    struct sock *sk = usock_on(7);
    static uint8_t dg[70000];
    struct udp_repr u = { .sport = 40000, .dport = 7, .payload = pat, .payload_len = 65507 };
    size_t n = udp_hdr_emit(&u, dg, sizeof(dg), ipa("10.0.2.2"), ipa("10.0.2.15"), true);
    for (size_t off = 0; off < n; off += 1480) {
        size_t len = MIN((size_t)1480, n - off);
        struct sk_buff *f = rx_ip(d, "10.0.2.2", "10.0.2.15", 17, dg + off, (unsigned)len, 42,
                                  (unsigned)off, off + len < n);
        f->ip_summed = CHECKSUM_UNNECESSARY;    /* a NIC cannot have checked a fragment */
        rx_deliver(d, f);
    }
    static uint8_t buf[70000];
    CHECK_EQ(urecv(sk, buf, sizeof(buf), 0, NULL), 65507);
    CHECK(memcmp(buf, pat, 65507) == 0);
    uclose(sk);
    stack_down(d);
}

TEST(lookup_preference_and_broadcast)
{
    struct net_device *d = stack_up();
    struct sock *wild = usock(), *conn = usock(), *other = usock();
    wild->sk_reuse = conn->sk_reuse = other->sk_reuse = true;
    CHECK_EQ(udp_prot.get_port(wild, 5000), 0);
    CHECK_EQ(udp_prot.get_port(conn, 5000), 0);
    CHECK_EQ(udp_prot.get_port(other, 5000), 0);
    struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(6000),
                                .sin_addr.s_addr = ipa("10.0.2.2") };
    CHECK_EQ(udp_prot.connect(conn, &peer), 0);
    CHECK_EQ(conn->sk_state, TCP_ESTABLISHED);
    CHECK_EQ(conn->inet_saddr, ipa("10.0.2.15"));
    /* other is connected elsewhere: it must not get traffic from 10.0.2.2 */
    peer.sin_addr.s_addr = ipa("10.0.2.3");
    CHECK_EQ(udp_prot.connect(other, &peer), 0);
    rx_deliver(d, udp_in(d, "10.0.2.2", "10.0.2.15", 6000, 5000, "c", 1, true));
    rx_deliver(d, udp_in(d, "10.0.2.2", "10.0.2.15", 6001, 5000, "w", 1, true));
    CHECK_EQ(skb_queue_len(&conn->sk_receive_queue), 1);
    CHECK_EQ(skb_queue_len(&wild->sk_receive_queue), 1);
    CHECK_EQ(skb_queue_len(&other->sk_receive_queue), 0);
    /* a broadcast reaches every wildcard socket on the port, not the connected ones
     * (connect fixed their local address, as in Linux) */
    struct sock *wild2 = usock();
    wild2->sk_reuse = true;
    CHECK_EQ(udp_prot.get_port(wild2, 5000), 0);
    rx_deliver(d, udp_in(d, "10.0.2.3", "10.0.2.255", 6000, 5000, "b", 1, true));
    CHECK_EQ(skb_queue_len(&wild->sk_receive_queue), 2);
    CHECK_EQ(skb_queue_len(&wild2->sk_receive_queue), 1);
    CHECK_EQ(skb_queue_len(&other->sk_receive_queue), 0);
    CHECK_EQ(skb_queue_len(&conn->sk_receive_queue), 1);
    uclose(wild2);
    /* disconnect gives back the chosen source address */
    CHECK_EQ(udp_prot.disconnect(conn, 0), 0);
    CHECK_EQ(conn->inet_saddr, 0);
    CHECK_EQ(conn->sk_state, TCP_CLOSE);
    uclose(wild); uclose(conn); uclose(other);
    stack_down(d);
}

/* The receive path decides "broadcast" once (ip_rcv_finish, IPCB's IPSKB_BROADCAST): a
 * datagram to the subnet broadcast that arrives in fragments is still one, after
 * reassembly - every wildcard socket gets it, and an echo request to it is ignored. */
TEST(fragmented_broadcast_stays_broadcast)
{
    struct net_device *d = stack_up();
    struct sock *w1 = usock(), *w2 = usock();
    w1->sk_reuse = w2->sk_reuse = true;
    CHECK_EQ(udp_prot.get_port(w1, 5001), 0);
    CHECK_EQ(udp_prot.get_port(w2, 5001), 0);
    static uint8_t u[3000];
    struct udp_repr ur = { .sport = 6000, .dport = 5001, .payload = pat, .payload_len = 2000 };
    size_t n = udp_hdr_emit(&ur, u, sizeof(u), ipa("10.0.2.3"), ipa("10.0.2.255"), true);
    CHECK_EQ(n, 2008);
    rx_deliver(d, rx_ip(d, "10.0.2.3", "10.0.2.255", 17, u + 1480, (unsigned)n - 1480, 901, 1480, false));
    rx_deliver(d, rx_ip(d, "10.0.2.3", "10.0.2.255", 17, u, 1480, 901, 0, true));
    CHECK_EQ(skb_queue_len(&w1->sk_receive_queue), 1);
    CHECK_EQ(skb_queue_len(&w2->sk_receive_queue), 1);
    static uint8_t m[2100];
    int e = icmp_msg(m, ICMP_ECHO, 0, 78, 1, pat, 2000);
    uint64_t ign = icmpstats.in_bcast_echo_ignored;
    rx_deliver(d, rx_ip(d, "10.0.2.3", "10.0.2.255", 1, m, 1480, 902, 0, true));
    rx_deliver(d, rx_ip(d, "10.0.2.3", "10.0.2.255", 1, m + 1480, (unsigned)e - 1480, 902, 1480, false));
    CHECK_EQ(icmpstats.in_bcast_echo_ignored - ign, 1);
    CHECK_EQ(tx_count(d), 0);
    uclose(w1); uclose(w2);
    stack_down(d);
}

TEST(receive_queue_bounded)
{
    struct net_device *d = stack_up();
    struct sock *sk = usock_on(7);
    sk->sk_rcvbuf = 16 * 1024;
    uint64_t rb = udpstats.RcvbufErrors;
    for (int i = 0; i < 200; i++)
        rx_deliver(d, udp_in(d, "10.0.2.2", "10.0.2.15", 40000, 7, pat, 1000, true));
    CHECK(sk->sk_rmem_alloc <= sk->sk_rcvbuf + 4096);
    CHECK(skb_queue_len(&sk->sk_receive_queue) < 200);
    CHECK_EQ(udpstats.RcvbufErrors - rb, 200 - skb_queue_len(&sk->sk_receive_queue));
    CHECK_EQ(sk->sk_drops, 200 - skb_queue_len(&sk->sk_receive_queue));
    uclose(sk);
    stack_down(d);
}

/* An ICMP error from 10.0.2.2 quoting a datagram 10.0.2.15:sport -> 10.0.2.2:dport */
static void rx_icmp_err(struct net_device *d, uint8_t type, uint8_t code, uint16_t sport, uint16_t dport)
{
    uint8_t q[28];
    struct ipv4_repr ir = { .saddr = ipa("10.0.2.15"), .daddr = ipa("10.0.2.2"), .protocol = 17,
                            .ttl = 64, .payload_len = 8 };
    ipv4_hdr_emit(&ir, q, 20);
    q[20] = (uint8_t)(sport >> 8); q[21] = (uint8_t)sport;
    q[22] = (uint8_t)(dport >> 8); q[23] = (uint8_t)dport;
    q[24] = 0; q[25] = 8; q[26] = q[27] = 0;
    static uint8_t m[64];
    int n = icmp_msg(m, type, code, 0, 0, q, 28);
    rx_deliver(d, rx_ip(d, "10.0.2.2", "10.0.2.15", 1, m, (unsigned)n, 8, 0, false));
}

TEST(icmp_errors_reach_connected_sockets)
{
    struct net_device *d = stack_up();
    struct sock *c = usock(), *u = usock();
    struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(9),
                                .sin_addr.s_addr = ipa("10.0.2.2") };
    CHECK_EQ(udp_prot.get_port(c, 0), 0);
    CHECK_EQ(udp_prot.connect(c, &peer), 0);
    CHECK_EQ(udp_prot.get_port(u, 0), 0);
    CHECK_EQ(usend(c, NULL, 0, "hi", 2), 2);
    CHECK_EQ(usend(u, "10.0.2.2", 9, "hi", 2), 2);
    rx_icmp_err(d, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, c->inet_num, 9);
    rx_icmp_err(d, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, u->inet_num, 9);
    CHECK_EQ(c->sk_err, ECONNREFUSED);
    CHECK_EQ(u->sk_err, 0);                      /* unconnected: not told (Linux) */
    char b[4];
    CHECK_EQ(urecv(c, b, sizeof(b), 0, NULL), -ECONNREFUSED);
    CHECK_EQ(c->sk_err, 0);                      /* reported once */
    /* an error quoting somebody else's source address is ignored */
    uint64_t no = icmpstats.in_err_not_ours;
    uint8_t q[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 2, 99, 10, 0, 2, 2 };
    static uint8_t m[64];
    int n = icmp_msg(m, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, 0, q, 28);
    rx_deliver(d, rx_ip(d, "10.0.2.2", "10.0.2.15", 1, m, (unsigned)n, 8, 0, false));
    CHECK_EQ(icmpstats.in_err_not_ours - no, 1);
    /* fragmentation needed: only for a socket that set DF */
    rx_icmp_err(d, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, c->inet_num, 9);
    CHECK_EQ(c->sk_err, 0);
    CHECK_EQ(c->sk_err_soft, EMSGSIZE);
    c->pmtudisc_do = true;
    rx_icmp_err(d, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, c->inet_num, 9);
    CHECK_EQ(c->sk_err, EMSGSIZE);
    c->pmtudisc_do = false;
    c->sk_err = 0;
    /* time exceeded is a soft error */
    rx_icmp_err(d, ICMP_TIME_EXCEEDED, 0, c->inet_num, 9);
    CHECK_EQ(c->sk_err, 0);
    CHECK_EQ(c->sk_err_soft, EHOSTUNREACH);
    /* the neighbour never answered: the socket hears EHOSTUNREACH */
    fake_neigh_fail = -EHOSTUNREACH;
    CHECK_EQ(usend(c, NULL, 0, "hi", 2), -EHOSTUNREACH);
    CHECK_EQ(c->sk_err, EHOSTUNREACH);
    fake_neigh_fail = 0;
    c->sk_err = 0;
    /* the qdisc dropped it: counted, not an error to the app (Linux); congestion: sent */
    uint64_t sb = udpstats.SndbufErrors;
    fake_neigh_xmit_ret = NET_XMIT_DROP;
    CHECK_EQ(usend(c, NULL, 0, "hi", 2), 2);
    CHECK_EQ(udpstats.SndbufErrors - sb, 1);
    fake_neigh_xmit_ret = NET_XMIT_CN;
    CHECK_EQ(usend(c, NULL, 0, "hi", 2), 2);
    CHECK_EQ(udpstats.SndbufErrors - sb, 1);
    fake_neigh_xmit_ret = 0;
    fake_netdev_clear(d);
    uclose(c); uclose(u);
    stack_down(d);
}

TEST(connected_send_uses_cached_route)
{
    struct net_device *d = stack_up();
    struct sock *c = usock();
    struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(9),
                                .sin_addr.s_addr = ipa("8.8.8.8") };
    CHECK_EQ(udp_prot.get_port(c, 0), 0);
    CHECK_EQ(udp_prot.connect(c, &peer), 0);
    struct rt_stats r0, r1;
    rt_get_stats(&r0);
    for (int i = 0; i < 10; i++)
        CHECK_EQ(usend(c, NULL, 0, "hi", 2), 2);
    rt_get_stats(&r1);
    CHECK_EQ(r1.lookups - r0.lookups, 0);
    CHECK_EQ(r1.sk_cache_hits - r0.sk_cache_hits, 10);
    /* the table changes: one new lookup, then cached again */
    ip_route_add(ipa("8.8.0.0"), 16, ipa("10.0.2.3"), NULL, 0, RTPROT_STATIC);
    CHECK_EQ(usend(c, NULL, 0, "hi", 2), 2);
    CHECK_EQ(usend(c, NULL, 0, "hi", 2), 2);
    rt_get_stats(&r1);
    CHECK_EQ(r1.lookups - r0.lookups, 1);
    CHECK(__ipv4_neigh_lookup_noref(d, ipa("10.0.2.3")) != NULL);
    fake_netdev_clear(d);
    uclose(c);
    rt_cache_flush();                  /* the output route cache holds the last one */
    rt_get_stats(&r1);
    CHECK_EQ(r1.allocs, r1.frees);
    stack_down(d);
}
