/* net/ipv4/devinet.c - IPv4 addresses on interfaces, the static configuration from the
 * command line (ip= gw=), and the one "wirepath: ready ip=A.B.C.D/N" line that tells
 * tests and users the host is reachable.
 *
 * Adding an address installs its connected route; removing it takes the route away and
 * drops gateway routes that are no longer reachable. Listeners (ARP's gratuitous
 * announcement, DHCP) hear of every change. DHCP uses the same inet_addr_add as the
 * static configuration, so the ready line comes from one place whichever configured us. */
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/route.h"
#include "net/ipv4/ip_hdr.h"
#include "kernel/cmdline.h"
#include "kernel/init.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/mm/mm.h"
#include "kernel/arch/x86.h"
#include "net/sched/sch_generic.h"

CMDLINE_KEY(ip, "ip", "static IPv4 address of the first interface, A.B.C.D/N (default: DHCP)");
CMDLINE_KEY(gw, "gw", "default gateway A.B.C.D for the static configuration (with ip=)");

#define MAX_INETADDR_NOTIFIERS 8
static void (*notifiers[MAX_INETADDR_NOTIFIERS])(struct net_device *, uint32_t, bool);
static bool ready_printed;
static bool link_notifier_registered;
static void devinet_link_change(struct net_device *dev, bool up);

/* The ready line may wait for the link: listen to it from the first address on, whoever
 * adds it (static configuration, DHCP, tests). */
static void listen_to_links(void)
{
    if (!link_notifier_registered) {
        link_notifier_registered = true;
        netdev_register_link_notifier(devinet_link_change);
    }
}

void inetaddr_register_notifier(void (*fn)(struct net_device *dev, uint32_t addr, bool added))
{
    for (int i = 0; i < MAX_INETADDR_NOTIFIERS; i++)
        if (!notifiers[i]) {
            notifiers[i] = fn;
            return;
        }
    pr_warn("devinet: too many address notifiers\n");
}

static void notify(struct net_device *dev, uint32_t addr, bool added)
{
    for (int i = 0; i < MAX_INETADDR_NOTIFIERS; i++)
        if (notifiers[i])
            notifiers[i](dev, addr, added);
}

static struct in_device *in_dev_get_or_create(struct net_device *dev)
{
    struct in_device *in = __in_dev_get(dev);
    if (!in) {
        in = kzalloc(sizeof(*in));
        if (!in)
            return NULL;
        in->dev = dev;
        dev->ip_ptr = in;
    }
    return in;
}

/* Print the ready line the first time some interface has an address with its link up. */
static void maybe_ready(struct net_device *dev)
{
    struct in_device *in = __in_dev_get(dev);
    if (ready_printed || !in || !in->nifa || !netif_carrier_ok(dev) || (dev->flags & IFF_LOOPBACK))
        return;
    ready_printed = true;
    char a[16];
    printk("wirepath: ready ip=%s/%u\n", in_ntoa(in->ifa[0].ifa_address, a),
           in->ifa[0].ifa_prefixlen);
}

bool devinet_ready(void) { return ready_printed; }

/* The local route of an address (Linux's local table): our own address is reached
 * through lo. lo's own subnet (127.0.0.0/8) is local as a whole. Without lo (hosted
 * tests) there is none, and sending to ourselves stays unreachable. */
static int local_route_add(struct net_device *dev, uint32_t addr, uint32_t mask, int prefixlen)
{
    if (dev->flags & IFF_LOOPBACK)
        return ip_route_add_local(addr & mask, prefixlen, dev, addr);
    return loopback_dev ? ip_route_add_local(addr, 32, loopback_dev, addr) : 0;
}

static void local_route_del(struct net_device *dev, uint32_t addr, uint32_t mask, int prefixlen)
{
    if (dev->flags & IFF_LOOPBACK)
        ip_route_del_local(addr & mask, prefixlen);
    else
        ip_route_del_local(addr, 32);
}

int inet_addr_add(struct net_device *dev, uint32_t addr, int prefixlen)
{
    if (!dev || prefixlen < 1 || prefixlen > 32)
        return -EINVAL;
    /* 127/8 belongs to lo and only there */
    if (ipv4_is_loopback(addr) != !!(dev->flags & IFF_LOOPBACK))
        return -EINVAL;
    if (ipv4_is_zeronet(addr) || ipv4_is_multicast(addr) || ipv4_is_reserved(addr))
        return -EINVAL;
    uint32_t mask = inet_make_mask(prefixlen);
    /* the network and broadcast addresses of the subnet are not host addresses
     * (a /31 or /32 has neither, RFC 3021) */
    if (prefixlen < 31 && ((addr & ~mask) == 0 || (addr | mask) == 0xffffffffu))
        return -EINVAL;
    if (inet_addr_is_local(NULL, addr))
        return -EEXIST;
    struct in_device *in = in_dev_get_or_create(dev);
    if (!in)
        return -ENOMEM;
    listen_to_links();
    if (in->nifa >= IN_DEV_MAX_ADDRS)
        return -ENOSPC;
    /* lo has no connected subnet: its whole prefix is local */
    int r = (dev->flags & IFF_LOOPBACK) ? 0
                                       : ip_route_add(addr & mask, prefixlen, 0, dev, addr, RTPROT_KERNEL);
    /* another address of ours already covers this subnet: its route serves both */
    if (r < 0 && r != -EEXIST)
        return r;
    r = local_route_add(dev, addr, mask, prefixlen);
    if (r < 0 && r != -EEXIST)
        return r;
    unsigned long f = local_irq_save();
    in->ifa[in->nifa++] = (struct in_ifaddr){ addr, mask, (uint8_t)prefixlen };
    local_irq_restore(f);
    rt_cache_flush();
    notify(dev, addr, true);
    maybe_ready(dev);
    return 0;
}

int inet_addr_del(struct net_device *dev, uint32_t addr)
{
    struct in_device *in = dev ? __in_dev_get(dev) : NULL;
    if (!in)
        return -EADDRNOTAVAIL;
    for (int i = 0; i < in->nifa; i++) {
        if (in->ifa[i].ifa_address != addr)
            continue;
        struct in_ifaddr gone = in->ifa[i];
        unsigned long f = local_irq_save();
        memmove(&in->ifa[i], &in->ifa[i + 1], (size_t)(in->nifa - i - 1) * sizeof(in->ifa[0]));
        in->nifa--;
        local_irq_restore(f);
        /* keep the subnet's route while another address of ours is on it */
        bool shared = false;
        for (int j = 0; j < in->nifa; j++)
            if ((in->ifa[j].ifa_address & gone.ifa_mask) == (addr & gone.ifa_mask) &&
                in->ifa[j].ifa_prefixlen == gone.ifa_prefixlen)
                shared = true;
        if (!shared)
            ip_route_del(addr & gone.ifa_mask, gone.ifa_prefixlen, 0);
        local_route_del(dev, addr, gone.ifa_mask, gone.ifa_prefixlen);
        ip_route_prune_unreachable();
        rt_cache_flush();
        notify(dev, addr, false);
        return 0;
    }
    return -EADDRNOTAVAIL;
}

/* Whether match holds for addr and one of the addresses of dev (NULL: of any device). */
static bool any_ifaddr(struct net_device *dev, uint32_t addr,
                       bool (*match)(const struct net_device *d, const struct in_ifaddr *a,
                                     uint32_t addr))
{
    struct net_device *d;
    list_for_each_entry(d, &net_devices, dev_list) {
        if (dev && d != dev)
            continue;
        struct in_device *in = __in_dev_get(d);
        for (int i = 0; in && i < in->nifa; i++)
            if (match(d, &in->ifa[i], addr))
                return true;
    }
    return false;
}

static bool is_local(const struct net_device *d, const struct in_ifaddr *a, uint32_t addr)
{
    /* lo owns its whole subnet: 127.0.0.2 is ours too (Linux's local 127/8) */
    return a->ifa_address == addr ||
           ((d->flags & IFF_LOOPBACK) && (addr & a->ifa_mask) == (a->ifa_address & a->ifa_mask));
}

bool inet_addr_is_local(struct net_device *dev, uint32_t addr)
{
    return any_ifaddr(dev, addr, is_local);
}

uint32_t inet_select_addr(struct net_device *dev, uint32_t dst)
{
    struct in_device *in = dev ? __in_dev_get(dev) : NULL;
    if (!in || !in->nifa)
        return 0;
    for (int i = 0; i < in->nifa; i++)
        if ((in->ifa[i].ifa_address & in->ifa[i].ifa_mask) == (dst & in->ifa[i].ifa_mask))
            return in->ifa[i].ifa_address;
    return in->ifa[0].ifa_address;
}

uint32_t inet_dev_primary_addr(const struct net_device *dev)
{
    struct in_device *in = __in_dev_get(dev);
    return in && in->nifa ? in->ifa[0].ifa_address : 0;
}

static bool is_subnet_broadcast(const struct net_device *d, const struct in_ifaddr *a,
                                uint32_t addr)
{
    return a->ifa_prefixlen < 31 && (addr | a->ifa_mask) == 0xffffffffu &&
           (addr & a->ifa_mask) == (a->ifa_address & a->ifa_mask);
}

bool inet_addr_is_broadcast(struct net_device *dev, uint32_t addr)
{
    return ipv4_is_lbcast(addr) || any_ifaddr(dev, addr, is_subnet_broadcast);
}

unsigned inet_addr_class(struct net_device *dev, uint32_t addr)
{
    unsigned c = ipv4_is_lbcast(addr) ? INET_ADDR_BROADCAST : 0;
    struct net_device *d;
    list_for_each_entry(d, &net_devices, dev_list) {
        const struct in_device *in = __in_dev_get(d);
        for (int i = 0; in && i < in->nifa; i++) {
            if (is_local(d, &in->ifa[i], addr))
                c |= INET_ADDR_LOCAL;
            if ((!dev || d == dev) && is_subnet_broadcast(d, &in->ifa[i], addr))
                c |= INET_ADDR_BROADCAST;
        }
    }
    return c;
}

int inet_parse_prefix(const char *s, uint32_t *addr, int *prefixlen)
{
    if (!s)
        return -EINVAL;
    const char *p = in_aton(s, addr);
    if (!p || *p != '/')
        return -EINVAL;
    p++;
    unsigned v = 0, digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 3)
        v = v * 10 + (unsigned)(*p++ - '0'), digits++;
    if (!digits || *p || v > 32)
        return -EINVAL;
    *prefixlen = (int)v;
    return 0;
}

int devinet_static_config(struct net_device *dev, const char *ip, const char *gw)
{
    uint32_t addr, gwa = 0;
    int plen;
    if (!dev) {
        pr_err("devinet: ip=%s given but there is no network interface\n", ip);
        return -ENODEV;
    }
    if (inet_parse_prefix(ip, &addr, &plen) < 0) {
        pr_err("devinet: ip=%s is not A.B.C.D/N\n", ip);
        return -EINVAL;
    }
    if (gw) {
        const char *e = in_aton(gw, &gwa);
        if (!e || *e) {
            pr_err("devinet: gw=%s is not A.B.C.D\n", gw);
            return -EINVAL;
        }
    }
    int r = inet_addr_add(dev, addr, plen);
    if (r < 0) {
        pr_err("devinet: cannot add %s to %s: %d\n", ip, dev->name, r);
        return r;
    }
    if (gw) {
        r = ip_route_add(0, 0, gwa, dev, 0, RTPROT_BOOT);
        if (r < 0) {
            pr_err("devinet: cannot route via gw=%s: %d%s\n", gw, r,
                   r == -ENETUNREACH ? " (not on the interface's subnet)" : "");
            return r;
        }
    }
    return 0;
}

bool devinet_static_requested(void)
{
    return cmdline_get("ip") != NULL;
}

static void devinet_link_change(struct net_device *dev, bool up)
{
    if (up)
        maybe_ready(dev);
}

void devinet_dump(void)
{
    char a[16], b[16];
    struct net_device *d;
    list_for_each_entry(d, &net_devices, dev_list) {
        const struct Qdisc *q = d->tx_queue[0].qdisc;
        const uint8_t *m = d->dev_addr, *bc = d->broadcast;
        /* as ip(8) prints them: lo is LOOPBACK with link/loopback and host-scope
         * addresses without a broadcast address */
        bool lo = d->flags & IFF_LOOPBACK;
        printk("%d: %s: <%s%s%s> mtu %u qdisc %s state %s qlen %u\n",
               d->ifindex, d->name, lo ? "LOOPBACK" : "BROADCAST,MULTICAST", d->up ? ",UP" : "",
               netif_carrier_ok(d) ? ",LOWER_UP" : "", d->mtu, q ? q->ops->id : "noqueue",
               d->up && netif_carrier_ok(d) ? "UP" : "DOWN", q ? q->limit : 0);
        printk("    link/%s %02x:%02x:%02x:%02x:%02x:%02x brd %02x:%02x:%02x:%02x:%02x:%02x\n",
               lo ? "loopback" : "ether",
               m[0], m[1], m[2], m[3], m[4], m[5], bc[0], bc[1], bc[2], bc[3], bc[4], bc[5]);
        struct in_device *in = __in_dev_get(d);
        for (int i = 0; in && i < in->nifa; i++) {
            const struct in_ifaddr *x = &in->ifa[i];
            if (lo)
                printk("    inet %s/%u scope host %s\n", in_ntoa(x->ifa_address, a),
                       x->ifa_prefixlen, d->name);
            else
                printk("    inet %s/%u brd %s scope global %s\n", in_ntoa(x->ifa_address, a),
                       x->ifa_prefixlen, in_ntoa(x->ifa_address | ~x->ifa_mask, b), d->name);
        }
    }
}

/* After the drivers (device_initcall): the interfaces exist and are open. */
static int devinet_init(void)
{
    listen_to_links();
    /* lo first (Linux's inet_init gives it 127.0.0.1/8), so the addresses that follow
     * get their local routes through it */
    if (loopback_dev) {
        int r = inet_addr_add(loopback_dev, htonl(0x7f000001u), 8);
        if (r < 0)
            pr_err("devinet: cannot add 127.0.0.1/8 to lo: %d\n", r);
    }
    const char *ip = cmdline_get("ip");
    if (ip)
        devinet_static_config(first_net_device(), ip, cmdline_get("gw"));
    else if (cmdline_get("gw"))
        pr_warn("devinet: gw= without ip= is ignored (DHCP provides the router)\n");
    return 0;
}
late_initcall(devinet_init);
