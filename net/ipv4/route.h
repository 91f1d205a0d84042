/* net/ipv4/route.h - the IPv4 routing table and output route lookup (station 7).
 *
 * The table (net/ipv4/route.c) holds connected routes (installed with each interface
 * address), static routes and the default route; a lookup is a longest-prefix match.
 * Its result is a struct rtable: the device, the next hop, the source address to use,
 * the MTU and the output function (ip_output) - reference counted, so a socket can keep
 * one (sk->sk_dst_cache) across sends. Every change to the table bumps a generation
 * number; a cached route from an older generation is dropped and looked up again.
 *
 * This is a host: there is no input routing beyond "is it for us" (ip_input.c). */
#ifndef WP_ROUTE_H
#define WP_ROUTE_H

#include "kernel/compiler.h"
#include "net/core/netdevice.h"
#include "net/uapi/socket.h"

struct sock;

/* The flow being routed (Linux's flowi4): addresses and ports in network order. */
struct flowi4 {
    uint32_t daddr;
    uint32_t saddr;              /* 0 = let the route choose; filled in by the lookup */
    uint16_t fl4_dport, fl4_sport;
    uint8_t flowi4_proto;
    uint8_t flowi4_tos;
    int flowi4_oif;              /* ifindex to send through, 0 = any */
};

#define RTCF_BROADCAST 0x1       /* limited or directed broadcast */
#define RTCF_MULTICAST 0x2
#define RTCF_LOCAL     0x4       /* one of our own addresses */

struct rtable {
    int refcnt;
    struct net_device *dev;
    uint32_t rt_gateway;         /* next hop when off-link; 0 = the destination itself */
    uint32_t rt_dst;             /* the destination it was looked up for */
    uint32_t rt_src;             /* preferred source address (0 while unconfigured) */
    unsigned int rt_flags;
    unsigned int mtu;            /* path MTU: the device's, or less from the PMTU cache */
    uint64_t mtu_expires;        /* jiffies when a learned PMTU lapses; 0 = none */
    uint32_t rt_genid;           /* table generation at lookup */
    /* dst_output(): ip_output for every unicast/broadcast route */
    int (*output)(struct sock *sk, struct sk_buff *skb);
};

/* IP_TOS -> socket priority (Linux's ip_tos2prio): low delay -> interactive, throughput
 * -> bulk, both -> interactive bulk, the rest best effort. The qdisc only ever sees the
 * priority (skb->priority), never the IP header. */
static inline uint32_t rt_tos2priority(uint8_t tos)
{
    /* RFC 1349's TOS bits 1-4, indexed by (tos & IPTOS_TOS_MASK) >> 1 */
    static const uint8_t ip_tos2prio[16] = {
        TC_PRIO_BESTEFFORT, TC_PRIO_BESTEFFORT, TC_PRIO_BESTEFFORT, TC_PRIO_BESTEFFORT,
        TC_PRIO_BULK, TC_PRIO_BULK, TC_PRIO_BULK, TC_PRIO_BULK,
        TC_PRIO_INTERACTIVE, TC_PRIO_INTERACTIVE, TC_PRIO_INTERACTIVE, TC_PRIO_INTERACTIVE,
        TC_PRIO_INTERACTIVE_BULK, TC_PRIO_INTERACTIVE_BULK, TC_PRIO_INTERACTIVE_BULK,
        TC_PRIO_INTERACTIVE_BULK,
    };
    return ip_tos2prio[(tos & IPTOS_TOS_MASK) >> 1];
}

/* The next hop for an IPv4 destination through rt. */
static inline uint32_t rt_nexthop(const struct rtable *rt, uint32_t daddr)
{
    return rt->rt_gateway ? rt->rt_gateway : daddr;
}
static inline void rt_hold(struct rtable *rt) { rt->refcnt++; }
void ip_rt_put(struct rtable *rt);          /* NULL is fine */

/* Where routes come from (ip route's "proto"). */
enum rt_proto { RTPROT_KERNEL = 2, RTPROT_BOOT = 3, RTPROT_STATIC = 4, RTPROT_DHCP = 16 };

/* Add a route to dst/prefixlen: on-link when gw is 0, else via gw, which must be
 * reachable through a connected route (its device is used; dev may then be NULL).
 * prefsrc 0 = choose per lookup. 0, -EEXIST, -ENOSPC (table full), -EINVAL,
 * -ENETUNREACH (gateway not on any connected subnet). */
int ip_route_add(uint32_t dst, int prefixlen, uint32_t gw, struct net_device *dev,
                 uint32_t prefsrc, enum rt_proto proto);
/* A local route (Linux's local table, "ip route show table local"): destinations in
 * dst/prefixlen are this host's and go out through dev (lo), with prefsrc as the
 * source. Looked up before every other route; lookups give RTCF_LOCAL. devinet adds
 * one per address (a /32) and lo's 127.0.0.0/8. 0, -EEXIST, -ENOSPC, -EINVAL. */
int ip_route_add_local(uint32_t dst, int prefixlen, struct net_device *dev, uint32_t prefsrc);
int ip_route_del_local(uint32_t dst, int prefixlen);
/* Remove the route dst/prefixlen (matching gw unless gw is 0). 0 or -ESRCH. Local
 * routes are left alone (ip_route_del_local). */
int ip_route_del(uint32_t dst, int prefixlen, uint32_t gw);
/* Remove gateway routes whose gateway is no longer on a connected subnet. */
void ip_route_prune_unreachable(void);
/* Invalidate every cached route (the generation moves on) and drop the output route
 * cache's references. */
void rt_cache_flush(void);
uint32_t rt_genid(void);

/* Output route lookup for fl4 (station 7): longest-prefix match, source address
 * selection (fl4->saddr filled in when 0). Returns a route with a reference for the
 * caller, or NULL with *err = -ENETUNREACH (no route), -EINVAL (saddr not ours),
 * -ENOMEM. A limited broadcast (255.255.255.255), or any destination with flowi4_oif
 * set on a device without a matching route, goes out on-link through that device (or
 * the first device that is up) - what a DHCP client needs before it has an address.
 * A route made from the table is kept, by destination, in a small output cache (Linux
 * keeps them on the next hop): the next lookup for the same daddr, requested saddr and
 * oif gets the same rtable, another reference, without scanning the table, while the
 * generation is unchanged, its device is up and a learned PMTU in it has not lapsed. */
struct rtable *ip_route_output_flow(struct flowi4 *fl4, int *err);
/* Fill fl4 from the arguments (network order) and look up. */
struct rtable *ip_route_output_ports(struct flowi4 *fl4, uint32_t daddr, uint32_t saddr,
                                     uint16_t dport, uint16_t sport, uint8_t proto,
                                     uint8_t tos, int oif, int *err);

/* The route cached on a socket (station 7): the cached one while the table has not
 * changed since it was cached, else NULL (the stale one is released). No reference is
 * added: it is valid while the socket keeps it. */
struct rtable *__sk_dst_check(struct sock *sk);
/* Cache rt on the socket (takes over the caller's reference); NULL clears. */
void sk_dst_set(struct sock *sk, struct rtable *rt);
static inline void sk_dst_reset(struct sock *sk) { sk_dst_set(sk, NULL); }

/* The PMTU cache (RFC 1191 6.3; Linux's next-hop exceptions): ICMP "fragmentation
 * needed" lowers the path MTU to daddr (never below 552, Linux's min_pmtu) for 10 minutes
 * (ip_rt_mtu_expires); then it lapses and the device's MTU is tried again. An update
 * moves the table generation, so every socket's cached route is looked up again and
 * sees it; a route made from a cached entry goes stale when the entry lapses. */
#define IP_RT_MIN_PMTU 552
#define IP_RT_MTU_EXPIRES_MS (10 * 60 * 1000)
void ip_rt_update_pmtu(uint32_t daddr, unsigned mtu);
/* The learned path MTU to daddr, or 0 when none is in force. */
unsigned ip_rt_pmtu(uint32_t daddr);

struct rt_stats {
    uint64_t lookups, misses, allocs, frees;
    uint64_t sk_cache_hits, sk_cache_stale;
    uint64_t out_cache_hits;     /* output lookups answered by the route cache */
    uint64_t pmtu_updates, pmtu_expired;
    int routes;
};
void rt_get_stats(struct rt_stats *s);
/* `ip route` style listing, for the shell. */
void route_dump(void);
/* Every route (tests). */
void ip_route_flush_all(void);

#endif
