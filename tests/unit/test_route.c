// SOURCES: net/ipv4/route.c net/ipv4/devinet.c net/ipv4/ip_hdr.c kernel/cmdline.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_netdev.c net/core/checksum.c net/core/skbuff.c net/core/dev_registry.c tests/unit/fake_clock.c
/* tests/unit/test_route.c - interface addresses and the routing table: connected routes
 * come and go with addresses, longest-prefix match with ties, default and static routes,
 * gateways that must be on-link, source selection, broadcast classification, limited
 * broadcast / oif routes for an unconfigured interface, the generation number that
 * invalidates routes cached on sockets, refcounts, the ip=/gw= parser and the ready
 * line printed exactly once. */
#include "tests/unit/unit.h"
#include "kernel/time.h"
#include "tests/unit/fake_mm.h"
#include "tests/unit/fake_netdev.h"
#include "net/ipv4/route.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ip.h"
#include "net/core/sock.h"
#include "kernel/errno.h"
#include "kernel/cmdline.h"
#include <unistd.h>

volatile uint64_t jiffies = 1000;    /* the PMTU cache's clock */

void panic(const char *fmt, ...) { (void)fmt; abort(); }
int ip_output(struct sock *sk, struct sk_buff *skb) { (void)sk; (void)skb; return 0; }

static uint32_t A(const char *s) { uint32_t a; CHECK(in_aton(s, &a) != NULL); return a; }

static struct rtable *lookup(const char *d, int *err)
{
    struct flowi4 fl = { .daddr = A(d) };
    return ip_route_output_flow(&fl, err);
}

static int addr_notes, addr_removes;
static void note(struct net_device *dev, uint32_t a, bool added) { added ? addr_notes++ : addr_removes++; }

static struct net_device *setup(void)
{
    ip_route_flush_all();
    return fake_netdev_new("eth0", 1);
}

/* Runs first (tests run in file order): nothing has printed the ready line yet. */
static int ready_lines(FILE *f)
{
    char line[256];
    int n = 0;
    fflush(stderr);
    rewind(f);
    while (fgets(line, sizeof(line), f))
        n += strstr(line, "wirepath: ready ip=198.18.0.2/24") != NULL;
    return n;
}

TEST(ready_line_once_when_address_and_link)
{
    FILE *cap = tmpfile();
    int saved = dup(2);
    dup2(fileno(cap), 2);
    struct net_device *d = setup();
    netif_carrier_off(d);
    CHECK(!devinet_ready());
    CHECK_EQ(devinet_static_config(d, "198.18.0.2/24", "198.18.0.1"), 0);
    CHECK(!devinet_ready());                       /* address, but no link yet */
    CHECK_EQ(ready_lines(cap), 0);
    netif_carrier_on(d);
    CHECK(devinet_ready());
    CHECK_EQ(ready_lines(cap), 1);
    /* more addresses, link flaps, a second device: never again */
    CHECK_EQ(inet_addr_add(d, A("198.18.1.2"), 24), 0);
    netif_carrier_off(d);
    netif_carrier_on(d);
    struct net_device *e = fake_netdev_new("eth1", 2);
    CHECK_EQ(inet_addr_add(e, A("198.19.0.2"), 24), 0);
    CHECK_EQ(ready_lines(cap), 1);
    dup2(saved, 2);
    close(saved);
    fclose(cap);
    int err;
    struct rtable *rt = lookup("8.8.8.8", &err);
    CHECK(rt && rt->rt_gateway == A("198.18.0.1") && rt->rt_src == A("198.18.0.2"));
    ip_rt_put(rt);
    fake_netdev_free(e);
    fake_netdev_free(d);
}

TEST(static_config_errors)
{
    struct net_device *d = setup();
    CHECK_EQ(devinet_static_config(d, "10.0.2.15/24", "10.0.3.2"), -ENETUNREACH);
    inet_addr_del(d, A("10.0.2.15"));
    CHECK_EQ(devinet_static_config(d, "10.0.2.15", NULL), -EINVAL);
    CHECK_EQ(devinet_static_config(d, "10.0.2.15/24", "10.0.2"), -EINVAL);
    CHECK_EQ(devinet_static_config(NULL, "10.0.2.15/24", NULL), -ENODEV);
    CHECK(devinet_static_requested() == false);
    cmdline_parse("ip=198.18.0.2/24 gw=198.18.0.1");
    CHECK(devinet_static_requested());
    fake_netdev_free(d);
}

TEST(connected_route_follows_address)
{
    struct net_device *d = setup();
    static bool reg;
    if (!reg) { inetaddr_register_notifier(note); reg = true; }
    int n0 = addr_notes;
    int err;
    CHECK(lookup("10.0.2.2", &err) == NULL);
    CHECK_EQ(err, -ENETUNREACH);
    CHECK_EQ(inet_addr_add(d, A("10.0.2.15"), 24), 0);
    CHECK_EQ(addr_notes, n0 + 1);
    CHECK_EQ(inet_addr_add(d, A("10.0.2.15"), 24), -EEXIST);
    CHECK(inet_addr_is_local(d, A("10.0.2.15")));
    CHECK(inet_addr_is_local(NULL, A("10.0.2.15")));
    CHECK(!inet_addr_is_local(d, A("10.0.2.16")));
    struct rtable *rt = lookup("10.0.2.2", &err);
    CHECK(rt != NULL);
    CHECK_EQ(err, 0);
    CHECK(rt->dev == d);
    CHECK_EQ(rt->rt_gateway, 0);                   /* on-link */
    CHECK_EQ(rt->rt_src, A("10.0.2.15"));
    CHECK_EQ(rt->mtu, 1500);
    CHECK(rt->output == ip_output);
    CHECK_EQ(rt_nexthop(rt, A("10.0.2.2")), A("10.0.2.2"));
    ip_rt_put(rt);
    CHECK(lookup("10.0.3.1", &err) == NULL);       /* no default route yet */
    CHECK_EQ(inet_addr_del(d, A("10.0.2.15")), 0);
    CHECK_EQ(addr_removes > 0, 1);
    CHECK(lookup("10.0.2.2", &err) == NULL);
    CHECK_EQ(inet_addr_del(d, A("10.0.2.15")), -EADDRNOTAVAIL);
    fake_netdev_free(d);
}

TEST(bad_addresses_refused)
{
    struct net_device *d = setup();
    CHECK_EQ(inet_addr_add(d, A("0.1.2.3"), 8), -EINVAL);
    CHECK_EQ(inet_addr_add(d, A("127.0.0.1"), 8), -EINVAL);
    CHECK_EQ(inet_addr_add(d, A("224.0.0.1"), 24), -EINVAL);
    CHECK_EQ(inet_addr_add(d, A("240.0.0.1"), 24), -EINVAL);
    CHECK_EQ(inet_addr_add(d, A("10.0.2.0"), 24), -EINVAL);     /* network address */
    CHECK_EQ(inet_addr_add(d, A("10.0.2.255"), 24), -EINVAL);   /* its broadcast */
    CHECK_EQ(inet_addr_add(d, A("10.0.2.1"), 0), -EINVAL);
    CHECK_EQ(inet_addr_add(d, A("10.0.2.1"), 33), -EINVAL);
    CHECK_EQ(inet_addr_add(NULL, A("10.0.2.1"), 24), -EINVAL);
    CHECK_EQ(inet_addr_add(d, A("10.0.2.0"), 31), 0);           /* RFC 3021 /31 */
    CHECK_EQ(inet_addr_add(d, A("10.9.9.9"), 32), 0);
    for (int i = 0; i < 2; i++)
        CHECK_EQ(inet_addr_add(d, A(i ? "10.1.0.2" : "10.1.0.1"), 16), i ? 0 : 0);
    CHECK_EQ(inet_addr_add(d, A("10.2.0.1"), 16), -ENOSPC);     /* 4 per device */
    fake_netdev_free(d);
}

TEST(longest_prefix_match)
{
    struct net_device *d = setup(), *e = fake_netdev_new("eth1", 2);
    CHECK_EQ(inet_addr_add(d, A("10.0.2.15"), 24), 0);
    CHECK_EQ(inet_addr_add(e, A("192.168.1.10"), 24), 0);
    CHECK_EQ(ip_route_add(0, 0, A("10.0.2.2"), NULL, 0, RTPROT_STATIC), 0);
    CHECK_EQ(ip_route_add(A("172.16.0.0"), 12, A("192.168.1.1"), NULL, 0, RTPROT_STATIC), 0);
    CHECK_EQ(ip_route_add(A("172.16.5.0"), 24, A("10.0.2.3"), NULL, 0, RTPROT_STATIC), 0);
    CHECK_EQ(ip_route_add(A("172.16.5.7"), 32, A("192.168.1.7"), NULL, 0, RTPROT_STATIC), 0);
    CHECK_EQ(ip_route_add(A("172.16.5.7"), 32, A("192.168.1.7"), NULL, 0, RTPROT_STATIC), -EEXIST);
    struct { const char *dst; const char *gw; struct net_device *dev; } cases[] = {
        { "8.8.8.8", "10.0.2.2", d },            /* default */
        { "172.32.0.1", "10.0.2.2", d },         /* outside /12: default */
        { "172.16.0.1", "192.168.1.1", e },      /* /12 */
        { "172.31.255.255", "192.168.1.1", e },
        { "172.16.5.1", "10.0.2.3", d },         /* /24 beats /12 */
        { "172.16.5.7", "192.168.1.7", e },      /* /32 beats /24 */
        { "192.168.1.99", NULL, e },             /* connected */
        { "10.0.2.77", NULL, d },
    };
    int err;
    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        struct rtable *rt = lookup(cases[i].dst, &err);
        CHECK(rt != NULL);
        if (!rt)
            continue;
        if (rt->dev != cases[i].dev || rt->rt_gateway != (cases[i].gw ? A(cases[i].gw) : 0))
            fprintf(stderr, "  case %s wrong\n", cases[i].dst), unit_failed_checks++;
        /* source address: the one on the outgoing device */
        CHECK_EQ(rt->rt_src, rt->dev == d ? A("10.0.2.15") : A("192.168.1.10"));
        ip_rt_put(rt);
    }
    /* delete the /24: 172.16.5.1 falls back to the /12 */
    CHECK_EQ(ip_route_del(A("172.16.5.0"), 24, 0), 0);
    CHECK_EQ(ip_route_del(A("172.16.5.0"), 24, 0), -ESRCH);
    struct rtable *rt = lookup("172.16.5.1", &err);
    CHECK(rt && rt->rt_gateway == A("192.168.1.1"));
    ip_rt_put(rt);
    /* a gateway off every connected subnet is refused */
    CHECK_EQ(ip_route_add(A("1.0.0.0"), 8, A("8.8.8.8"), NULL, 0, RTPROT_STATIC), -ENETUNREACH);
    CHECK_EQ(ip_route_add(A("1.0.0.0"), 8, A("255.255.255.255"), NULL, 0, RTPROT_STATIC), -EINVAL);
    CHECK_EQ(ip_route_add(A("1.0.0.0"), 33, 0, d, 0, RTPROT_STATIC), -EINVAL);
    /* dropping eth1's address takes its subnet and the routes through it away */
    CHECK_EQ(inet_addr_del(e, A("192.168.1.10")), 0);
    rt = lookup("172.16.0.1", &err);
    CHECK(rt && rt->rt_gateway == A("10.0.2.2"));    /* now the default */
    ip_rt_put(rt);
    fake_netdev_free(e);
    fake_netdev_free(d);
}

TEST(equal_prefix_tie_break)
{
    struct net_device *d = setup(), *e = fake_netdev_new("eth1", 2);
    CHECK_EQ(inet_addr_add(d, A("10.0.2.15"), 24), 0);
    CHECK_EQ(inet_addr_add(e, A("10.0.3.15"), 24), 0);
    /* same prefix twice: the first added wins; removing it promotes the other */
    CHECK_EQ(ip_route_add(A("20.0.0.0"), 8, A("10.0.3.1"), NULL, 0, RTPROT_STATIC), 0);
    CHECK_EQ(ip_route_add(A("20.0.0.0"), 8, A("10.0.2.1"), NULL, 0, RTPROT_STATIC), 0);
    int err;
    struct rtable *rt = lookup("20.1.2.3", &err);
    CHECK(rt && rt->dev == e);
    ip_rt_put(rt);
    CHECK_EQ(ip_route_del(A("20.0.0.0"), 8, A("10.0.3.1")), 0);
    rt = lookup("20.1.2.3", &err);
    CHECK(rt && rt->dev == d);
    ip_rt_put(rt);
    /* a static route for a connected prefix loses to the connected one */
    CHECK_EQ(ip_route_add(A("10.0.3.0"), 24, A("10.0.2.1"), NULL, 0, RTPROT_STATIC), 0);
    rt = lookup("10.0.3.9", &err);
    CHECK(rt && rt->dev == e && rt->rt_gateway == 0);
    ip_rt_put(rt);
    fake_netdev_free(e);
    fake_netdev_free(d);
}

TEST(special_destinations)
{
    struct net_device *d = setup();
    int err;
    /* before any address: limited broadcast goes out on the first device, source 0 */
    struct rtable *rt = lookup("255.255.255.255", &err);
    CHECK(rt != NULL);
    CHECK(rt && rt->dev == d && (rt->rt_flags & RTCF_BROADCAST) && rt->rt_src == 0);
    ip_rt_put(rt);
    /* any unicast with an output interface given goes on-link through it */
    struct flowi4 fl = { .daddr = A("10.0.2.2"), .flowi4_oif = d->ifindex };
    rt = ip_route_output_flow(&fl, &err);
    CHECK(rt && rt->dev == d && rt->rt_gateway == 0);
    ip_rt_put(rt);
    CHECK_EQ(inet_addr_add(d, A("10.0.2.15"), 24), 0);
    rt = lookup("10.0.2.255", &err);
    CHECK(rt && (rt->rt_flags & RTCF_BROADCAST));
    ip_rt_put(rt);
    CHECK(inet_addr_is_broadcast(d, A("10.0.2.255")));
    CHECK(inet_addr_is_broadcast(NULL, A("255.255.255.255")));
    CHECK(!inet_addr_is_broadcast(d, A("10.0.2.254")));
    CHECK(!inet_addr_is_broadcast(d, A("10.0.3.255")));
    /* our own address, loopback and 0/8 are unreachable without a loopback device */
    CHECK(lookup("10.0.2.15", &err) == NULL && err == -ENETUNREACH);
    CHECK(lookup("127.0.0.1", &err) == NULL && err == -ENETUNREACH);
    CHECK(lookup("0.0.0.1", &err) == NULL && err == -ENETUNREACH);
    /* a source address that is not ours */
    fl = (struct flowi4){ .daddr = A("10.0.2.2"), .saddr = A("10.0.2.99") };
    CHECK(ip_route_output_flow(&fl, &err) == NULL && err == -EINVAL);
    fl = (struct flowi4){ .daddr = A("10.0.2.2"), .saddr = A("10.0.2.15") };
    rt = ip_route_output_flow(&fl, &err);
    CHECK(rt && fl.saddr == A("10.0.2.15"));
    ip_rt_put(rt);
    /* source selection fills fl4->saddr */
    rt = ip_route_output_ports(&fl, A("10.0.2.2"), 0, htons(7), htons(40000), 17, 0, 0, &err);
    CHECK(rt && fl.saddr == A("10.0.2.15") && fl.fl4_dport == htons(7));
    ip_rt_put(rt);
    fake_netdev_free(d);
}

TEST(socket_cache_invalidated_by_generation)
{
    struct net_device *d = setup();
    CHECK_EQ(inet_addr_add(d, A("10.0.2.15"), 24), 0);
    struct sock sk;
    memset(&sk, 0, sizeof(sk));
    int err;
    struct rtable *rt = lookup("10.0.2.2", &err);
    CHECK_EQ(rt->refcnt, 2);                       /* ours and the output cache's */
    sk_dst_set(&sk, rt);
    CHECK(__sk_dst_check(&sk) == rt);
    CHECK(__sk_dst_check(&sk) == rt);
    struct rt_stats s0, s1;
    rt_get_stats(&s0);
    /* any change to the table: the cached route is stale and released */
    uint32_t g = rt_genid();
    CHECK_EQ(ip_route_add(0, 0, A("10.0.2.2"), NULL, 0, RTPROT_STATIC), 0);
    CHECK(rt_genid() != g);
    CHECK(__sk_dst_check(&sk) == NULL);
    CHECK(sk.sk_dst_cache == NULL);
    rt_get_stats(&s1);
    CHECK_EQ(s1.frees, s0.frees + 1);
    CHECK_EQ(s1.sk_cache_stale, s0.sk_cache_stale + 1);
    /* a held reference keeps the route alive after the socket lets go */
    rt = lookup("10.0.2.2", &err);
    sk_dst_set(&sk, rt);
    rt_hold(rt);
    sk_dst_reset(&sk);
    CHECK_EQ(rt->refcnt, 2);                       /* ours and the output cache's */
    ip_rt_put(rt);
    /* the device going down also invalidates */
    rt = lookup("10.0.2.2", &err);
    sk_dst_set(&sk, rt);
    d->up = false;
    CHECK(__sk_dst_check(&sk) == NULL);
    d->up = true;
    rt_cache_flush();                              /* the output cache lets go too */
    rt_get_stats(&s1);
    CHECK_EQ(s1.allocs, s1.frees);                 /* no rtable leaked */
    fake_netdev_free(d);
}

TEST(prefix_parser)
{
    uint32_t a;
    int p;
    CHECK_EQ(inet_parse_prefix("10.0.2.15/24", &a, &p), 0);
    CHECK(a == A("10.0.2.15") && p == 24);
    CHECK_EQ(inet_parse_prefix("198.18.0.2/32", &a, &p), 0);
    CHECK_EQ(p, 32);
    const char *bad[] = { "10.0.2.15", "10.0.2.15/", "10.0.2.15/33", "10.0.2.15/2x",
                          "10.0.2/24", "/24", "", "10.0.2.15/0024", "a.b.c.d/8" };
    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++)
        if (inet_parse_prefix(bad[i], &a, &p) != -EINVAL)
            fprintf(stderr, "  accepted %s\n", bad[i]), unit_failed_checks++;
    CHECK_EQ(inet_parse_prefix(NULL, &a, &p), -EINVAL);
}

TEST(ready_line_on_address_with_link)
{
    struct net_device *d = setup();
    CHECK_EQ(inet_addr_add(d, A("10.0.2.15"), 24), 0);
    CHECK(devinet_ready());
    CHECK_EQ(inet_dev_primary_addr(d), A("10.0.2.15"));
    CHECK_EQ(inet_select_addr(d, A("1.2.3.4")), A("10.0.2.15"));
    fake_netdev_free(d);
    struct rt_stats s;
    rt_get_stats(&s);
    CHECK_EQ(s.allocs, s.frees);
}

/* With lo (Linux's local table): 127/8 and each of our addresses route through lo with
 * RTCF_LOCAL, the source is the address itself (127.0.0.1 for the rest of 127/8), the
 * MTU is lo's; local routes win over the connected route of the same address and come
 * and go with the addresses; 127/8 is refused on other devices. */
TEST(local_routes_through_loopback)
{
    struct net_device *d = setup();
    struct net_device *lo = fake_netdev_new("lo", 0);
    lo->flags = IFF_LOOPBACK | IFF_NOARP;
    lo->mtu = 65536;
    loopback_dev = lo;
    int err;
    CHECK_EQ(inet_addr_add(d, A("127.0.0.2"), 8), -EINVAL);   /* 127/8 only on lo */
    CHECK_EQ(inet_addr_add(lo, A("10.9.0.1"), 24), -EINVAL);  /* and only 127/8 there */
    CHECK_EQ(inet_addr_add(lo, A("127.0.0.1"), 8), 0);
    CHECK(first_net_device() == d);                           /* lo is never "the" NIC */
    CHECK_EQ(inet_addr_add(d, A("10.0.2.15"), 24), 0);
    const char *local[] = { "127.0.0.1", "127.1.2.3", "10.0.2.15" };
    const char *src[] = { "127.0.0.1", "127.0.0.1", "10.0.2.15" };
    for (unsigned i = 0; i < 3; i++) {
        struct rtable *rt = lookup(local[i], &err);
        CHECK(rt != NULL);
        if (!rt)
            continue;
        CHECK(rt->dev == lo);
        CHECK(rt->rt_flags & RTCF_LOCAL);
        CHECK(!(rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)));
        CHECK_EQ(rt->rt_gateway, 0);
        CHECK_EQ(rt->rt_src, A(src[i]));
        CHECK_EQ(rt->mtu, 65536);
        ip_rt_put(rt);
    }
    CHECK(inet_addr_is_local(NULL, A("127.9.9.9")));
    /* neighbours on the subnet still go out on the NIC */
    struct rtable *rt = lookup("10.0.2.2", &err);
    CHECK(rt && rt->dev == d && !(rt->rt_flags & RTCF_LOCAL));
    ip_rt_put(rt);
    /* an output interface other than lo: 127/8 cannot leave through it */
    struct flowi4 fl = { .daddr = A("127.0.0.1"), .flowi4_oif = d->ifindex };
    CHECK(ip_route_output_flow(&fl, &err) == NULL && err == -ENETUNREACH);
    /* deleting the NIC's address takes its local route along; ip_route_del leaves
     * local routes alone */
    CHECK_EQ(ip_route_del(A("10.0.2.15"), 32, 0), -ESRCH);
    CHECK_EQ(inet_addr_del(d, A("10.0.2.15")), 0);
    CHECK(lookup("10.0.2.15", &err) == NULL && err == -ENETUNREACH);
    CHECK_EQ(inet_addr_del(lo, A("127.0.0.1")), 0);
    CHECK(lookup("127.0.0.1", &err) == NULL && err == -ENETUNREACH);
    struct rt_stats s;
    rt_get_stats(&s);
    CHECK_EQ(s.routes, 0);
    CHECK_EQ(s.allocs, s.frees);
    loopback_dev = NULL;
    fake_netdev_free(lo);
    fake_netdev_free(d);
}

/* RFC 1191 6.3: "fragmentation needed" lowers the path MTU to one destination for
 * 10 minutes (never below 552); cached routes see it at once, and lose it when it lapses. */
TEST(pmtu_cache_lowers_then_lapses)
{
    struct net_device *d = setup();
    CHECK_EQ(inet_addr_add(d, A("10.0.2.15"), 24), 0);
    int err;
    struct sock sk;
    memset(&sk, 0, sizeof(sk));
    struct rtable *rt = lookup("10.0.2.2", &err);
    CHECK_EQ(rt->mtu, 1500);
    sk_dst_set(&sk, rt);
    struct rt_stats s0, s1;
    rt_get_stats(&s0);

    ip_rt_update_pmtu(A("10.0.2.2"), 1400);
    CHECK_EQ(ip_rt_pmtu(A("10.0.2.2")), 1400);
    CHECK_EQ(ip_rt_pmtu(A("10.0.2.3")), 0);           /* per destination */
    CHECK(__sk_dst_check(&sk) == NULL);                /* the cached route is looked up again */
    rt = lookup("10.0.2.2", &err);
    CHECK_EQ(rt->mtu, 1400);
    sk_dst_set(&sk, rt);
    struct rtable *other = lookup("10.0.2.3", &err);
    CHECK_EQ(other->mtu, 1500);
    ip_rt_put(other);

    ip_rt_update_pmtu(A("10.0.2.2"), 1480);            /* never raised while in force */
    CHECK_EQ(ip_rt_pmtu(A("10.0.2.2")), 1400);
    ip_rt_update_pmtu(A("10.0.2.2"), 68);              /* clamped to the minimum */
    CHECK_EQ(ip_rt_pmtu(A("10.0.2.2")), IP_RT_MIN_PMTU);
    rt = lookup("10.0.2.2", &err);
    CHECK_EQ(rt->mtu, IP_RT_MIN_PMTU);
    sk_dst_set(&sk, rt);
    CHECK(__sk_dst_check(&sk) == rt);

    /* ten minutes on: the entry lapses, the route made from it is stale */
    jiffies += msecs_to_jiffies(IP_RT_MTU_EXPIRES_MS);
    CHECK(__sk_dst_check(&sk) == NULL);
    CHECK_EQ(ip_rt_pmtu(A("10.0.2.2")), 0);
    rt = lookup("10.0.2.2", &err);
    CHECK_EQ(rt->mtu, 1500);
    ip_rt_put(rt);
    rt_get_stats(&s1);
    CHECK_EQ(s1.pmtu_updates, s0.pmtu_updates + 2);
    CHECK_EQ(s1.pmtu_expired, s0.pmtu_expired + 1);
    rt_cache_flush();
    rt_get_stats(&s1);
    CHECK_EQ(s1.allocs, s1.frees);
    fake_netdev_free(d);
}

/* The output route cache: a second lookup for the same flow is the same rtable, without
 * a table scan; every change its result depends on gives a fresh one - routes, addresses
 * (source selection), a learned PMTU and its lapse, the device going down - and a flush
 * releases every route it held. */
TEST(output_route_cache_hits_and_invalidation)
{
    struct net_device *d = setup();
    CHECK_EQ(inet_addr_add(d, A("10.0.2.15"), 24), 0);
    CHECK_EQ(ip_route_add(0, 0, A("10.0.2.2"), NULL, 0, RTPROT_STATIC), 0);
    int err;
    struct rt_stats s0, s1;
    rt_get_stats(&s0);
    struct rtable *a = lookup("192.0.2.1", &err);
    struct flowi4 fl = { .daddr = A("192.0.2.1") };
    struct rtable *b = ip_route_output_flow(&fl, &err);
    CHECK(a && a == b);
    CHECK_EQ(err, 0);
    CHECK_EQ(fl.saddr, A("10.0.2.15"));              /* filled in on a hit too */
    CHECK_EQ(a->refcnt, 3);
    rt_get_stats(&s1);
    CHECK_EQ(s1.out_cache_hits, s0.out_cache_hits + 1);
    CHECK_EQ(s1.lookups, s0.lookups + 2);            /* a hit is still a lookup */
    ip_rt_put(b);
    /* another requested source or output device is another flow */
    struct flowi4 fs = { .daddr = A("192.0.2.1"), .saddr = A("10.0.2.15") };
    b = ip_route_output_flow(&fs, &err);
    CHECK(b && b != a);
    ip_rt_put(b);
    struct flowi4 fo = { .daddr = A("192.0.2.1"), .flowi4_oif = d->ifindex };
    b = ip_route_output_flow(&fo, &err);
    CHECK(b && b != a && b->dev == d);
    ip_rt_put(b);
    /* a saddr that is not ours is refused, cache or not */
    struct flowi4 fx = { .daddr = A("192.0.2.1"), .saddr = A("10.0.2.99") };
    CHECK(ip_route_output_flow(&fx, &err) == NULL && err == -EINVAL);

    /* a route change: the more specific route wins at once */
    CHECK_EQ(ip_route_add(A("192.0.2.0"), 24, A("10.0.2.3"), NULL, 0, RTPROT_STATIC), 0);
    b = lookup("192.0.2.1", &err);
    CHECK(b && b != a && b->rt_gateway == A("10.0.2.3"));
    ip_rt_put(b);
    CHECK_EQ(a->refcnt, 1);                          /* the cache let go of the old one */
    ip_rt_put(a);
    CHECK_EQ(ip_route_del(A("192.0.2.0"), 24, 0), 0);
    b = lookup("192.0.2.1", &err);
    CHECK(b && b->rt_gateway == A("10.0.2.2"));
    ip_rt_put(b);

    /* an address change: 10.0.3.7 goes from the gateway to on-link, with a new source */
    b = lookup("10.0.3.7", &err);
    CHECK(b && b->rt_gateway == A("10.0.2.2") && b->rt_src == A("10.0.2.15"));
    ip_rt_put(b);
    CHECK_EQ(inet_addr_add(d, A("10.0.3.15"), 24), 0);
    struct flowi4 f3 = { .daddr = A("10.0.3.7") };
    b = ip_route_output_flow(&f3, &err);
    CHECK(b && b->rt_gateway == 0 && b->rt_src == A("10.0.3.15") && f3.saddr == A("10.0.3.15"));
    ip_rt_put(b);
    CHECK_EQ(inet_addr_del(d, A("10.0.3.15")), 0);
    b = lookup("10.0.3.7", &err);
    CHECK(b && b->rt_gateway == A("10.0.2.2") && b->rt_src == A("10.0.2.15"));
    ip_rt_put(b);

    /* a learned PMTU, and its lapse */
    b = lookup("192.0.2.1", &err);
    CHECK(b && b->mtu == 1500);
    ip_rt_put(b);
    ip_rt_update_pmtu(A("192.0.2.1"), 1400);
    b = lookup("192.0.2.1", &err);
    CHECK(b && b->mtu == 1400);
    ip_rt_put(b);
    struct rtable *c = lookup("192.0.2.1", &err);     /* cached with its PMTU */
    CHECK(c == b && c->mtu == 1400);
    ip_rt_put(c);
    jiffies += msecs_to_jiffies(IP_RT_MTU_EXPIRES_MS);
    b = lookup("192.0.2.1", &err);
    CHECK(b && b != c && b->mtu == 1500);
    ip_rt_put(b);

    /* the device going down: not answered from the cache */
    a = lookup("192.0.2.1", &err);
    d->up = false;
    b = lookup("192.0.2.1", &err);
    CHECK(b && b != a && b->dev == d);               /* the table's answer, made afresh */
    ip_rt_put(b);
    d->up = true;
    ip_rt_put(a);

    /* the route goes: so does the cached answer */
    CHECK_EQ(ip_route_del(0, 0, 0), 0);
    CHECK(lookup("192.0.2.1", &err) == NULL && err == -ENETUNREACH);

    rt_cache_flush();
    rt_get_stats(&s1);
    CHECK_EQ(s1.allocs, s1.frees);
    fake_netdev_free(d);
}
