/* net/ipv4/route.c - the IPv4 routing table: connected, static and default routes,
 * longest-prefix match, refcounted lookup results, and the generation number that
 * invalidates routes cached on sockets.
 *
 * A host has a handful of routes, so the table is a small array scanned in full: the
 * longest matching prefix wins, then the lowest metric (connected before static), then
 * the oldest. Routes to our own addresses (Linux's "local" table: each address as a /32
 * and lo's 127.0.0.0/8, all through lo) are looked up before the others, as Linux's
 * rule 0 consults the local table first. Single CPU; the table changes from tasks (configuration, DHCP) and is read
 * from tasks and softirqs (ICMP replies), so changes mask interrupts. */
#include "net/ipv4/route.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ip_hdr.h"
#include "net/ipv4/ip.h"
#include "net/core/sock.h"
#include "kernel/arch/x86.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/mm/mm.h"

#define FIB_MAX 32

struct fib_entry {
    bool used;
    uint8_t prefixlen;
    uint8_t proto;
    uint32_t dst, mask;          /* network order, dst already masked */
    uint32_t gw;
    uint32_t prefsrc;
    struct net_device *dev;
    unsigned int metric;         /* 0 connected, 1 static/boot/dhcp */
    bool local;                  /* RTN_LOCAL: delivered to this host through lo */
    uint64_t seq;                /* insertion order: the oldest wins a full tie */
};

static struct fib_entry fib[FIB_MAX];
static uint64_t fib_seq;
static uint32_t genid = 1;
static struct rt_stats stats;

uint32_t rt_genid(void) { return READ_ONCE(genid); }

/* --- the output route cache (route.h) ---
 * Direct-mapped by destination: a slot holds one reference to the route last made for
 * (daddr, requested saddr, oif). Whatever the result of a lookup depends on - the table,
 * the addresses (devinet flushes on every change), the PMTU cache - moves the generation,
 * so a slot from an older generation is never used; rt_cache_flush also drops them all
 * at once, so no route outlives the table it was made from. */
#define RT_OUT_CACHE_SIZE 64
static struct rt_out_slot {
    uint32_t daddr, saddr;
    int oif;
    struct rtable *rt;           /* NULL = empty */
} rt_out_cache[RT_OUT_CACHE_SIZE];

static inline struct rt_out_slot *rt_out_slot(uint32_t daddr)
{
    return &rt_out_cache[(daddr ^ (daddr >> 16)) % RT_OUT_CACHE_SIZE];
}

/* The cached route for fl4 while still good (a reference for the caller), else NULL. */
static struct rtable *rt_out_cache_get(const struct flowi4 *fl4)
{
    struct rt_out_slot *s = rt_out_slot(fl4->daddr);
    unsigned long f = local_irq_save();
    struct rtable *rt = s->rt;
    if (!rt || s->daddr != fl4->daddr || s->saddr != fl4->saddr || s->oif != fl4->flowi4_oif ||
        rt->rt_genid != rt_genid() || !rt->dev->up ||
        (rt->mtu_expires && !time_before(jiffies, rt->mtu_expires))) {
        local_irq_restore(f);
        return NULL;
    }
    rt->refcnt++;
    stats.lookups++;
    stats.out_cache_hits++;
    local_irq_restore(f);
    return rt;
}

/* Keep rt (made for fl4 as the caller asked, before saddr was filled in) in its slot. */
static void rt_out_cache_put(uint32_t daddr, uint32_t saddr, int oif, struct rtable *rt)
{
    struct rt_out_slot *s = rt_out_slot(daddr);
    unsigned long f = local_irq_save();
    struct rtable *old = s->rt;
    rt->refcnt++;
    *s = (struct rt_out_slot){ daddr, saddr, oif, rt };
    local_irq_restore(f);
    ip_rt_put(old);
}

static void rt_out_cache_drop(void)
{
    for (int i = 0; i < RT_OUT_CACHE_SIZE; i++) {
        unsigned long f = local_irq_save();
        struct rtable *rt = rt_out_cache[i].rt;
        rt_out_cache[i].rt = NULL;
        local_irq_restore(f);
        ip_rt_put(rt);
    }
}

void rt_cache_flush(void)
{
    unsigned long f = local_irq_save();
    genid++;
    if (genid == 0)              /* 0 never matches a cached route's recorded value */
        genid = 1;
    local_irq_restore(f);
    rt_out_cache_drop();
}

/* --- the PMTU cache (route.h) --- */
#define PMTU_CACHE_SIZE 32
static struct pmtu_entry {
    uint32_t daddr;              /* 0 = free */
    unsigned mtu;
    uint64_t expires;            /* jiffies */
} pmtu_cache[PMTU_CACHE_SIZE];

/* Entries in use, recounted by every scan (an update adds the one it takes): 0 means
 * there is nothing to scan. */
static unsigned pmtu_used;

/* The entry for daddr while in force; a lapsed one is freed on the way. */
static struct pmtu_entry *pmtu_find(uint32_t daddr)
{
    if (!pmtu_used)
        return NULL;             /* nothing learned: the common case costs no scan */
    unsigned live = 0;
    struct pmtu_entry *found = NULL;
    for (int i = 0; i < PMTU_CACHE_SIZE; i++) {
        struct pmtu_entry *e = &pmtu_cache[i];
        if (!e->daddr)
            continue;
        if (e->daddr == daddr) {
            if (time_before(jiffies, e->expires)) {
                found = e;
            } else {
                e->daddr = 0;
                stats.pmtu_expired++;
                continue;
            }
        }
        live++;
    }
    pmtu_used = live;
    return found;
}

void ip_rt_update_pmtu(uint32_t daddr, unsigned mtu)
{
    if (mtu < IP_RT_MIN_PMTU)
        mtu = IP_RT_MIN_PMTU;
    unsigned long f = local_irq_save();
    struct pmtu_entry *e = pmtu_find(daddr);
    if (e && e->mtu <= mtu) {
        local_irq_restore(f);
        return;                  /* only ever lowered while in force (RFC 1191 6.3) */
    }
    if (!e) {
        /* a free slot, else the one closest to lapsing */
        e = &pmtu_cache[0];
        for (int i = 0; i < PMTU_CACHE_SIZE && e->daddr; i++)
            if (!pmtu_cache[i].daddr || pmtu_cache[i].expires < e->expires)
                e = &pmtu_cache[i];
    }
    if (!e->daddr)
        pmtu_used++;
    *e = (struct pmtu_entry){ daddr, mtu, jiffies + msecs_to_jiffies(IP_RT_MTU_EXPIRES_MS) };
    stats.pmtu_updates++;
    local_irq_restore(f);
    rt_cache_flush();            /* cached routes to daddr learn it at their next lookup */
}

unsigned ip_rt_pmtu(uint32_t daddr)
{
    unsigned long f = local_irq_save();
    struct pmtu_entry *e = pmtu_find(daddr);
    unsigned mtu = e ? e->mtu : 0;
    local_irq_restore(f);
    return mtu;
}

static int fib_count(void)
{
    int n = 0;
    for (int i = 0; i < FIB_MAX; i++)
        n += fib[i].used;
    return n;
}

/* The connected route whose subnet holds addr (the gateway check), or NULL. */
static struct fib_entry *fib_connected_for(uint32_t addr, struct net_device *dev)
{
    struct fib_entry *best = NULL;
    for (int i = 0; i < FIB_MAX; i++) {
        struct fib_entry *e = &fib[i];
        if (!e->used || e->gw || e->local || (dev && e->dev != dev) || (addr & e->mask) != e->dst)
            continue;
        if (!best || e->prefixlen > best->prefixlen)
            best = e;
    }
    return best;
}

static int fib_insert(uint32_t dst, int prefixlen, uint32_t gw, struct net_device *dev,
                      uint32_t prefsrc, enum rt_proto proto, bool local);

int ip_route_add(uint32_t dst, int prefixlen, uint32_t gw, struct net_device *dev,
                 uint32_t prefsrc, enum rt_proto proto)
{
    return fib_insert(dst, prefixlen, gw, dev, prefsrc, proto, false);
}

int ip_route_add_local(uint32_t dst, int prefixlen, struct net_device *dev, uint32_t prefsrc)
{
    if (!dev)
        return -EINVAL;
    return fib_insert(dst, prefixlen, 0, dev, prefsrc, RTPROT_KERNEL, true);
}

static int fib_insert(uint32_t dst, int prefixlen, uint32_t gw, struct net_device *dev,
                      uint32_t prefsrc, enum rt_proto proto, bool local)
{
    if (prefixlen < 0 || prefixlen > 32)
        return -EINVAL;
    if (gw && (ipv4_is_multicast(gw) || ipv4_is_lbcast(gw) || ipv4_is_zeronet(gw)))
        return -EINVAL;
    uint32_t mask = inet_make_mask(prefixlen);
    dst &= mask;
    if (gw) {
        struct fib_entry *c = fib_connected_for(gw, dev);
        if (!c)
            return -ENETUNREACH;
        dev = c->dev;
    }
    if (!dev)
        return -EINVAL;
    unsigned long f = local_irq_save();
    int free_slot = -1;
    for (int i = 0; i < FIB_MAX; i++) {
        struct fib_entry *e = &fib[i];
        if (!e->used) {
            if (free_slot < 0)
                free_slot = i;
            continue;
        }
        if (e->dst == dst && e->prefixlen == prefixlen && e->gw == gw && e->dev == dev &&
            e->local == local) {
            local_irq_restore(f);
            return -EEXIST;
        }
    }
    if (free_slot < 0) {
        local_irq_restore(f);
        return -ENOSPC;
    }
    fib[free_slot] = (struct fib_entry){
        .used = true, .prefixlen = (uint8_t)prefixlen, .proto = (uint8_t)proto,
        .dst = dst, .mask = mask, .gw = gw, .prefsrc = prefsrc, .dev = dev,
        .metric = proto == RTPROT_KERNEL ? 0 : 1, .local = local, .seq = ++fib_seq,
    };
    local_irq_restore(f);
    rt_cache_flush();
    return 0;
}

static int fib_remove(uint32_t dst, int prefixlen, uint32_t gw, bool local)
{
    if (prefixlen < 0 || prefixlen > 32)
        return -EINVAL;
    dst &= inet_make_mask(prefixlen);
    int found = 0;
    unsigned long f = local_irq_save();
    for (int i = 0; i < FIB_MAX; i++) {
        struct fib_entry *e = &fib[i];
        if (e->used && e->local == local && e->dst == dst && e->prefixlen == prefixlen &&
            (!gw || e->gw == gw)) {
            e->used = false;
            found++;
        }
    }
    local_irq_restore(f);
    if (!found)
        return -ESRCH;
    rt_cache_flush();
    return 0;
}

int ip_route_del(uint32_t dst, int prefixlen, uint32_t gw)
{
    return fib_remove(dst, prefixlen, gw, false);
}

int ip_route_del_local(uint32_t dst, int prefixlen)
{
    return fib_remove(dst, prefixlen, 0, true);
}

void ip_route_prune_unreachable(void)
{
    bool changed = false;
    unsigned long f = local_irq_save();
    for (int i = 0; i < FIB_MAX; i++)
        if (fib[i].used && fib[i].gw && !fib_connected_for(fib[i].gw, fib[i].dev)) {
            fib[i].used = false;
            changed = true;
        }
    local_irq_restore(f);
    if (changed)
        rt_cache_flush();
}

void ip_route_flush_all(void)
{
    unsigned long f = local_irq_save();
    for (int i = 0; i < FIB_MAX; i++)
        fib[i].used = false;
    local_irq_restore(f);
    rt_cache_flush();
}

/* Longest-prefix match in the local or the main routes, optionally restricted to one
 * device. */
static const struct fib_entry *fib_lookup_table(uint32_t daddr, int oif, bool local)
{
    const struct fib_entry *best = NULL;
    for (int i = 0; i < FIB_MAX; i++) {
        const struct fib_entry *e = &fib[i];
        if (!e->used || e->local != local || (daddr & e->mask) != e->dst)
            continue;
        if (oif && e->dev->ifindex != oif)
            continue;
        if (!best || e->prefixlen > best->prefixlen ||
            (e->prefixlen == best->prefixlen &&
             (e->metric < best->metric || (e->metric == best->metric && e->seq < best->seq))))
            best = e;
    }
    return best;
}

/* The local routes first: a packet to one of our addresses stays on this host. */
static const struct fib_entry *fib_lookup(uint32_t daddr, int oif)
{
    const struct fib_entry *e = fib_lookup_table(daddr, oif, true);
    return e ? e : fib_lookup_table(daddr, oif, false);
}

void ip_rt_put(struct rtable *rt)
{
    if (!rt)
        return;
    unsigned long f = local_irq_save();
    bool last = --rt->refcnt == 0;
    if (last)
        stats.frees++;
    local_irq_restore(f);
    if (last)
        kfree(rt);
}

static struct net_device *first_up_device(void)
{
    struct net_device *d;
    list_for_each_entry(d, &net_devices, dev_list)
        if (d->up)
            return d;
    return NULL;
}

struct rtable *ip_route_output_flow(struct flowi4 *fl4, int *err)
{
    uint32_t daddr = fl4->daddr;
    struct net_device *dev = NULL;
    uint32_t gw = 0, prefsrc = 0;
    unsigned flags = 0;

    struct rtable *hit = rt_out_cache_get(fl4);
    if (hit) {
        if (!fl4->saddr)
            fl4->saddr = hit->rt_src;
        *err = 0;
        return hit;
    }
    unsigned long f = local_irq_save();
    stats.lookups++;
    local_irq_restore(f);

    if (fl4->saddr && !ipv4_is_lbcast(daddr) && !inet_addr_is_local(NULL, fl4->saddr)) {
        *err = -EINVAL;
        return NULL;
    }
    if (ipv4_is_zeronet(daddr)) {
        *err = -ENETUNREACH;
        goto miss;
    }
    const struct fib_entry *e = ipv4_is_lbcast(daddr) ? NULL : fib_lookup(daddr, fl4->flowi4_oif);
    if (e) {
        dev = e->dev;
        gw = e->gw;
        prefsrc = e->prefsrc;
        if (e->local)
            flags |= RTCF_LOCAL;
    } else if (ipv4_is_lbcast(daddr) || fl4->flowi4_oif) {
        /* on-link through the requested device (DHCP before it has an address) */
        dev = fl4->flowi4_oif ? dev_get_by_index(fl4->flowi4_oif) : first_up_device();
    }
    if (!dev) {
        *err = -ENETUNREACH;
        goto miss;
    }
    if (!(flags & RTCF_LOCAL) && (ipv4_is_loopback(daddr) || inet_addr_is_local(NULL, daddr))) {
        /* 127/8 or our own address, but no local route (lo absent or not configured) */
        *err = -ENETUNREACH;
        goto miss;
    }
    if (!(flags & RTCF_LOCAL)) {
        if (ipv4_is_lbcast(daddr) || (!gw && inet_addr_is_broadcast(dev, daddr)))
            flags |= RTCF_BROADCAST;
        else if (ipv4_is_multicast(daddr))
            flags |= RTCF_MULTICAST;
    }

    struct rtable *rt = kmalloc(sizeof(*rt));
    if (!rt) {
        *err = -ENOMEM;
        return NULL;
    }
    *rt = (struct rtable){
        .refcnt = 1, .dev = dev, .rt_gateway = gw, .rt_dst = daddr,
        .rt_src = fl4->saddr ? fl4->saddr : (prefsrc ? prefsrc : inet_select_addr(dev, gw ? gw : daddr)),
        .rt_flags = flags, .mtu = dev->mtu, .rt_genid = rt_genid(), .output = ip_output,
    };
    f = local_irq_save();
    struct pmtu_entry *pe = pmtu_find(daddr);
    if (pe && pe->mtu < rt->mtu) {
        rt->mtu = pe->mtu;
        rt->mtu_expires = pe->expires;
    }
    stats.allocs++;
    local_irq_restore(f);
    /* a route from the table (not the on-link guess for an unconfigured device, which
     * depends on which device is up) is kept for the next packet to the same place */
    if (e)
        rt_out_cache_put(daddr, fl4->saddr, fl4->flowi4_oif, rt);
    if (!fl4->saddr)
        fl4->saddr = rt->rt_src;
    *err = 0;
    return rt;
miss:
    f = local_irq_save();
    stats.misses++;
    local_irq_restore(f);
    return NULL;
}

struct rtable *ip_route_output_ports(struct flowi4 *fl4, uint32_t daddr, uint32_t saddr,
                                     uint16_t dport, uint16_t sport, uint8_t proto,
                                     uint8_t tos, int oif, int *err)
{
    *fl4 = (struct flowi4){
        .daddr = daddr, .saddr = saddr, .fl4_dport = dport, .fl4_sport = sport,
        .flowi4_proto = proto, .flowi4_tos = tos, .flowi4_oif = oif,
    };
    return ip_route_output_flow(fl4, err);
}

struct rtable *__sk_dst_check(struct sock *sk)
{
    struct rtable *rt = sk->sk_dst_cache;
    if (!rt)
        return NULL;
    if (sk->sk_dst_gen == rt_genid() && rt->dev->up &&
        (!rt->mtu_expires || time_before(jiffies, rt->mtu_expires))) {
        stats.sk_cache_hits++;
        return rt;
    }
    stats.sk_cache_stale++;
    sk->sk_dst_cache = NULL;
    ip_rt_put(rt);
    return NULL;
}

void sk_dst_set(struct sock *sk, struct rtable *rt)
{
    struct rtable *old = sk->sk_dst_cache;
    sk->sk_dst_cache = rt;
    sk->sk_dst_gen = rt ? rt->rt_genid : 0;
    ip_rt_put(old);
}

void rt_get_stats(struct rt_stats *s)
{
    unsigned long f = local_irq_save();
    *s = stats;
    s->routes = fib_count();
    local_irq_restore(f);
}

static const char *proto_name(uint8_t p)
{
    switch (p) {
    case RTPROT_KERNEL: return "kernel";
    case RTPROT_BOOT: return "boot";
    case RTPROT_STATIC: return "static";
    case RTPROT_DHCP: return "dhcp";
    default: return "?";
    }
}

void route_dump(void)
{
    char a[16], g[16];
    /* most specific first, as the lookup sees them */
    for (int len = 32; len >= 0; len--)
        for (int i = 0; i < FIB_MAX; i++) {
            const struct fib_entry *e = &fib[i];
            if (!e->used || e->prefixlen != len)
                continue;
            if (e->local)
                printk("local %s/%d", in_ntoa(e->dst, a), len);
            else if (len == 0)
                printk("default");
            else
                printk("%s/%d", in_ntoa(e->dst, a), len);
            if (e->gw)
                printk(" via %s", in_ntoa(e->gw, g));
            printk(" dev %s proto %s", e->dev->name, proto_name(e->proto));
            if (!e->gw)
                printk(e->local ? " scope host" : " scope link");
            if (e->prefsrc)
                printk(" src %s", in_ntoa(e->prefsrc, a));
            printk("\n");
        }
    printk("route: %d routes, generation %u, lookups %llu (%llu without a route, %llu from"
           " the output cache), socket cache hits %llu stale %llu, rtables alive %llu\n",
           fib_count(), rt_genid(), (unsigned long long)stats.lookups,
           (unsigned long long)stats.misses, (unsigned long long)stats.out_cache_hits,
           (unsigned long long)stats.sk_cache_hits,
           (unsigned long long)stats.sk_cache_stale,
           (unsigned long long)(stats.allocs - stats.frees));
    for (int i = 0; i < PMTU_CACHE_SIZE; i++) {
        const struct pmtu_entry *e = &pmtu_cache[i];
        if (e->daddr && time_before(jiffies, e->expires))
            printk("cache %s mtu %u expires %llus\n", in_ntoa(e->daddr, a), e->mtu,
                   (unsigned long long)((e->expires - jiffies) / HZ));
    }
    printk("route: pmtu cache updates %llu, lapsed %llu\n",
           (unsigned long long)stats.pmtu_updates, (unsigned long long)stats.pmtu_expired);
}
