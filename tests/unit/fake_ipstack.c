/* tests/unit/fake_ipstack.c - see fake_ipstack.h. */
#include <stdlib.h>
#include <string.h>
#include "tests/unit/fake_ipstack.h"
#include "tests/unit/fake_kernel.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/udp.h"
#include "net/ipv4/route.h"
#include "net/ipv4/inetdevice.h"
#include "kernel/time.h"
#include "kernel/errno.h"

volatile uint64_t jiffies = 5000;
int fake_neigh_fail;
int fake_neigh_xmit_ret;
int fake_neigh_created;
static void (*error_report)(struct neighbour *, struct sk_buff *);

#define NEIGH_MAX 32
static struct neighbour *neighs[NEIGH_MAX];

static int fake_neigh_output(struct neighbour *n, struct sk_buff *skb)
{
    if (fake_neigh_fail) {
        if (error_report)
            error_report(n, skb);
        kfree_skb(skb);
        return fake_neigh_fail;
    }
    /* the real neighbour output's contract: the qdisc's code comes back as an errno */
    if (fake_neigh_xmit_ret == NET_XMIT_DROP) {
        kfree_skb(skb);
        return net_xmit_errno(NET_XMIT_DROP);
    }
    n->tx_packets++;
    struct fake_netdev *f = fake_priv(n->dev);
    if (f->ntx < FAKE_TX_MAX)
        f->tx[f->ntx++] = skb;
    else
        kfree_skb(skb);
    return net_xmit_errno(fake_neigh_xmit_ret);
}

struct neighbour *__ipv4_neigh_lookup_noref(struct net_device *dev, uint32_t key)
{
    for (int i = 0; i < NEIGH_MAX; i++)
        if (neighs[i] && neighs[i]->dev == dev && neighs[i]->primary_key == key)
            return neighs[i];
    return NULL;
}

struct neighbour *__neigh_create(uint32_t key, struct net_device *dev)
{
    for (int i = 0; i < NEIGH_MAX; i++)
        if (!neighs[i]) {
            struct neighbour *n = calloc(1, sizeof(*n));
            n->dev = dev;
            n->primary_key = key;
            n->nud_state = NUD_REACHABLE;
            n->output = fake_neigh_output;
            neighs[i] = n;
            fake_neigh_created++;
            return n;
        }
    return NULL;
}

void neigh_set_error_report(void (*fn)(struct neighbour *n, struct sk_buff *skb)) { error_report = fn; }

static void neigh_flush(void)
{
    for (int i = 0; i < NEIGH_MAX; i++) {
        free(neighs[i]);
        neighs[i] = NULL;
    }
}

void fake_advance_ms(uint64_t ms)
{
    /* the wheel runs everything due by now, in expiry order, in one pass */
    jiffies += ms;
    fake_now_ns += ms * NSEC_PER_MSEC;
    timers_run_until(jiffies);
}

uint32_t ipa(const char *dotted)
{
    uint32_t a = 0;
    in_aton(dotted, &a);
    return a;
}

struct net_device *ipstack_setup(void)
{
    static bool protos;
    if (!protos) {
        icmp_init();
        udp_init();
        neigh_set_error_report(ip_neigh_error_report);
        protos = true;
    }
    ip_route_flush_all();
    icmp_ratelimit_reset();
    fake_neigh_fail = 0;
    fake_neigh_xmit_ret = 0;
    struct net_device *d = fake_netdev_new("eth0", 1);
    d->features = 0;
    inet_addr_add(d, ipa("10.0.2.15"), 24);
    ip_route_add(0, 0, ipa("10.0.2.2"), NULL, 0, RTPROT_STATIC);
    return d;
}

void ipstack_teardown(struct net_device *dev)
{
    ipfrag_flush();
    neigh_flush();
    ip_route_flush_all();
    fake_netdev_free(dev);
}

struct sk_buff *rx_ip(struct net_device *dev, const char *src, const char *dst, uint8_t proto,
                      const void *payload, unsigned len, uint16_t id, unsigned frag_off, bool mf)
{
    struct sk_buff *skb = alloc_skb(NET_SKB_PAD + 20 + len);
    skb_reserve(skb, NET_SKB_PAD);
    uint8_t *p = skb_put(skb, 20 + len);
    struct ipv4_repr r = { .saddr = ipa(src), .daddr = ipa(dst), .protocol = proto, .ttl = 64,
                           .id = id, .frag_off = (uint16_t)frag_off, .mf = mf,
                           .payload_len = (uint16_t)len };
    ipv4_hdr_emit(&r, p, 20);
    if (len)
        memcpy(p + 20, payload, len);
    skb->dev = dev;
    skb->protocol = ETH_P_IP;
    skb->pkt_type = PACKET_HOST;
    return skb;
}

int rx_deliver(struct net_device *dev, struct sk_buff *skb)
{
    return ip_rcv(skb, dev, NULL);
}

int tx_count(struct net_device *dev) { return fake_priv(dev)->ntx; }
struct sk_buff *tx_get(struct net_device *dev, int i)
{
    return i < fake_priv(dev)->ntx ? fake_priv(dev)->tx[i] : NULL;
}

int tx_reassemble(struct net_device *dev, int first, int n, uint8_t *buf, unsigned max)
{
    unsigned total = 0;
    for (int i = first; i < first + n; i++) {
        struct sk_buff *s = tx_get(dev, i);
        if (!s)
            return -1;
        const struct iphdr *h = (const struct iphdr *)s->data;
        unsigned hl = h->ihl * 4u, off = (ntohs(h->frag_off) & IP_OFFSET) * 8u;
        unsigned len = ntohs(h->tot_len) - hl;
        if (off + len > max || ntohs(h->tot_len) != s->len)
            return -1;
        memcpy(buf + off, s->data + hl, len);
        if (!(ntohs(h->frag_off) & IP_MF))
            total = off + len;
    }
    return (int)total;
}

uint64_t skbs_alive(void)
{
    skb_head_cache_drain();
    struct skb_stats s;
    skb_get_stats(&s);
    return s.alive;
}
