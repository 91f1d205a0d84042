// SOURCES: net/ipv4/arp.c net/ipv4/arp_hdr.c net/core/neighbour.c net/core/skbuff.c kernel/time/timer.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_softirq.c tests/unit/fake_clock.c
/* tests/unit/test_arp.c - ARP parse/emit and the protocol: requests for our address
 * answered (and the asker learnt), requests for others ignored, replies confirming a
 * pending resolution (and releasing the queued packets), unsolicited replies ignored, an
 * announcement moving a known neighbour, RFC 5227 probes answered, solicitations built
 * right (broadcast while INCOMPLETE, unicast while PROBE, source address taken from the
 * waiting packet), gratuitous ARP at link up and on a new address, and every malformed
 * or suspicious frame counted under its reason and freed. */
#include "tests/unit/unit.h"
#include "tests/unit/fake_softirq.h"
#include "tests/unit/neigh_fixture.h"
#include "net/ipv4/arp.h"
#include "net/ipv4/inetdevice.h"
#include "kernel/errno.h"

volatile uint64_t jiffies = 5000000;
void panic(const char *fmt, ...) { (void)fmt; abort(); }
#define IP(a, b, c, d) htonl((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* --- what arp.c needs from the device layer and from IPv4 (fakes) --- */
static struct in_device in_dev;
static struct net_device dev = { .name = "eth0", .ifindex = 1, .up = true, .carrier = true,
                                 .dev_addr = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 },
                                 .broadcast = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
                                 .ip_ptr = &in_dev };
#define OUR_IP IP(10, 0, 2, 15)
#define OUR_IP2 IP(10, 0, 2, 16)
bool inet_addr_is_local(struct net_device *d, uint32_t a)
{
    for (int i = 0; i < in_dev.nifa; i++)
        if (in_dev.ifa[i].ifa_address == a)
            return true;
    return false;
}
uint32_t inet_select_addr(struct net_device *d, uint32_t dst) { return in_dev.nifa ? in_dev.ifa[0].ifa_address : 0; }
bool inet_addr_is_broadcast(struct net_device *d, uint32_t a) { return a == IP(10, 0, 2, 255) || a == 0xffffffffu; }
static void (*addr_notifier)(struct net_device *, uint32_t, bool);
void inetaddr_register_notifier(void (*fn)(struct net_device *, uint32_t, bool)) { addr_notifier = fn; }
static void (*link_notifier)(struct net_device *, bool);
void netdev_register_link_notifier(void (*fn)(struct net_device *, bool)) { link_notifier = fn; }
static struct packet_type *registered_pt;
void dev_add_pack(struct packet_type *pt) { registered_pt = pt; }

#define MAXF 32
static struct { uint8_t d[128]; unsigned len; uint16_t protocol; } tx[MAXF];
static int ntx;
int dev_queue_xmit(struct sk_buff *skb)
{
    if (ntx < MAXF) {
        memcpy(tx[ntx].d, skb->data, skb->len < 128 ? skb->len : 128);
        tx[ntx].len = skb->len;
        tx[ntx].protocol = skb->protocol;
    }
    ntx++;
    consume_skb(skb);
    return NET_XMIT_SUCCESS;
}

static const uint8_t peer[6] = { 0x52, 0x55, 10, 0, 2, 2 };
static const uint8_t peer2[6] = { 0x52, 0x55, 10, 0, 2, 99 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zero6[6];

static struct arp_stats ast(void) { struct arp_stats s; arp_get_stats(&s); return s; }

static void setup(void)
{
    static bool once;
    if (!once) {
        arp_init();
        once = true;
    }
    neigh_table_flush();
    in_dev.dev = &dev;
    in_dev.nifa = 1;
    in_dev.ifa[0].ifa_address = OUR_IP;
    in_dev.ifa[0].ifa_prefixlen = 24;
    ntx = 0;
    neigh_test_mark();
}

/* A received ARP frame, as the driver + eth_type_trans leave it: data at the ARP header. */
static struct sk_buff *rx_arp(uint16_t op, const uint8_t *sha, uint32_t sip, const uint8_t *tha,
                              uint32_t tip, int pkt_type)
{
    struct sk_buff *skb = netdev_alloc_skb(&dev, 64);
    uint8_t *p = skb_put(skb, ETH_ZLEN);
    memset(p, 0, ETH_ZLEN);
    struct arp_repr r = { .op = op, .sip = sip, .tip = tip };
    memcpy(r.sha, sha, 6);
    memcpy(r.tha, tha, 6);
    CHECK_EQ(arp_hdr_emit(&r, p + ETH_HLEN, ETH_ZLEN - ETH_HLEN), ARP_HLEN);
    skb_reset_mac_header(skb);
    skb_pull(skb, ETH_HLEN);
    skb_reset_network_header(skb);
    skb->protocol = ETH_P_ARP;
    skb->pkt_type = (uint8_t)pkt_type;
    return skb;
}
static int deliver(struct sk_buff *skb) { return registered_pt->func(skb, &dev, registered_pt); }

static struct arp_repr tx_arp(int i)
{
    struct arp_repr r;
    CHECK_EQ(tx[i].d[12], 0x08);
    CHECK_EQ(tx[i].d[13], 0x06);
    CHECK_EQ(tx[i].len, ETH_ZLEN);
    CHECK_EQ(tx[i].protocol, ETH_P_ARP);
    CHECK_EQ(arp_hdr_parse(tx[i].d + ETH_HLEN, tx[i].len - ETH_HLEN, &r), ARP_PARSE_OK);
    return r;
}

TEST(parse_emit_roundtrip_and_errors)
{
    uint8_t b[64];
    struct arp_repr r = { .op = ARPOP_REPLY, .sip = IP(1, 2, 3, 4), .tip = IP(5, 6, 7, 8) };
    memcpy(r.sha, peer, 6);
    memcpy(r.tha, peer2, 6);
    CHECK_EQ(arp_hdr_emit(&r, b, 27), 0);
    CHECK_EQ(arp_hdr_emit(&r, b, sizeof(b)), ARP_HLEN);
    static const uint8_t head[8] = { 0, 1, 8, 0, 6, 4, 0, 2 };
    CHECK(memcmp(b, head, 8) == 0);
    struct arp_repr p;
    CHECK_EQ(arp_hdr_parse(b, ARP_HLEN, &p), ARP_PARSE_OK);
    CHECK_EQ(p.op, ARPOP_REPLY);
    CHECK(p.sip == r.sip && p.tip == r.tip);
    CHECK(memcmp(p.sha, peer, 6) == 0 && memcmp(p.tha, peer2, 6) == 0);
    CHECK_EQ(arp_hdr_parse(b, 46, &p), ARP_PARSE_OK);       /* padding is fine */
    CHECK_EQ(arp_hdr_parse(b, 27, &p), ARP_ERR_TRUNCATED);
    CHECK_EQ(arp_hdr_parse(b, 0, &p), ARP_ERR_TRUNCATED);
    uint8_t c[ARP_HLEN];
    memcpy(c, b, ARP_HLEN); c[1] = 6;
    CHECK_EQ(arp_hdr_parse(c, ARP_HLEN, &p), ARP_PARSE_OK);  /* IEEE 802 hardware type */
    memcpy(c, b, ARP_HLEN); c[1] = 7;
    CHECK_EQ(arp_hdr_parse(c, ARP_HLEN, &p), ARP_ERR_HTYPE);
    memcpy(c, b, ARP_HLEN); c[2] = 0x86; c[3] = 0xdd;
    CHECK_EQ(arp_hdr_parse(c, ARP_HLEN, &p), ARP_ERR_PTYPE);
    memcpy(c, b, ARP_HLEN); c[4] = 8;
    CHECK_EQ(arp_hdr_parse(c, ARP_HLEN, &p), ARP_ERR_ADDRLEN);
    memcpy(c, b, ARP_HLEN); c[5] = 16;
    CHECK_EQ(arp_hdr_parse(c, ARP_HLEN, &p), ARP_ERR_ADDRLEN);
    memcpy(c, b, ARP_HLEN); c[7] = 3;                         /* RARP request */
    CHECK_EQ(arp_hdr_parse(c, ARP_HLEN, &p), ARP_ERR_OP);
    memcpy(c, b, ARP_HLEN); c[6] = 1; c[7] = 1;                /* op 257 */
    CHECK_EQ(arp_hdr_parse(c, ARP_HLEN, &p), ARP_ERR_OP);
    CHECK_STR(arp_parse_strerror(ARP_ERR_OP), "operation");
}

TEST(request_for_us_is_answered_and_asker_learnt)
{
    setup();
    CHECK(registered_pt && registered_pt->type == ETH_P_ARP);
    CHECK_EQ(deliver(rx_arp(ARPOP_REQUEST, peer, IP(10, 0, 2, 2), zero6, OUR_IP,
                            PACKET_BROADCAST)), 0);
    CHECK_EQ(ntx, 1);
    CHECK(memcmp(tx[0].d, peer, 6) == 0);                 /* unicast back to the asker */
    CHECK(memcmp(tx[0].d + 6, dev.dev_addr, 6) == 0);
    struct arp_repr r = tx_arp(0);
    CHECK_EQ(r.op, ARPOP_REPLY);
    CHECK(memcmp(r.sha, dev.dev_addr, 6) == 0);
    CHECK(r.sip == OUR_IP);
    CHECK(memcmp(r.tha, peer, 6) == 0);
    CHECK(r.tip == IP(10, 0, 2, 2));
    struct neighbour *n = __ipv4_neigh_lookup_noref(&dev, IP(10, 0, 2, 2));
    CHECK(n != NULL);
    CHECK_EQ(n->nud_state, NUD_STALE);
    CHECK(memcmp(n->ha, peer, 6) == 0);
    /* a second address on the interface is answered too */
    in_dev.ifa[1].ifa_address = OUR_IP2;
    in_dev.nifa = 2;
    deliver(rx_arp(ARPOP_REQUEST, peer, IP(10, 0, 2, 2), zero6, OUR_IP2, PACKET_BROADCAST));
    CHECK_EQ(ntx, 2);
    CHECK(tx_arp(1).sip == OUR_IP2);
}

TEST(request_for_others_ignored)
{
    setup();
    struct arp_stats s0 = ast();
    deliver(rx_arp(ARPOP_REQUEST, peer, IP(10, 0, 2, 2), zero6, IP(10, 0, 2, 3), PACKET_BROADCAST));
    CHECK_EQ(ntx, 0);
    CHECK_EQ(ast().not_for_us, s0.not_for_us + 1);
    CHECK(__ipv4_neigh_lookup_noref(&dev, IP(10, 0, 2, 2)) == NULL);   /* no pollution */
    CHECK_EQ(skb_alive(), alive_at_setup);
}

TEST(resolution_by_real_request_and_reply)
{
    setup();
    struct neighbour *n = __neigh_create(IP(10, 0, 2, 2), &dev);
    CHECK_EQ(neigh_output(n, ip_stub(OUR_IP2, 0)), 0);     /* source not ours (yet): select */
    CHECK_EQ(ntx, 1);
    CHECK(memcmp(tx[0].d, bcast, 6) == 0);
    struct arp_repr q = tx_arp(0);
    CHECK_EQ(q.op, ARPOP_REQUEST);
    CHECK(q.tip == IP(10, 0, 2, 2));
    CHECK(q.sip == OUR_IP);
    CHECK(memcmp(q.tha, zero6, 6) == 0);
    CHECK(memcmp(q.sha, dev.dev_addr, 6) == 0);
    /* the reply, unicast to us: REACHABLE, and the waiting packet leaves */
    deliver(rx_arp(ARPOP_REPLY, peer, IP(10, 0, 2, 2), dev.dev_addr, OUR_IP, PACKET_HOST));
    CHECK_EQ(n->nud_state, NUD_REACHABLE);
    CHECK_EQ(ntx, 2);
    CHECK(memcmp(tx[1].d, peer, 6) == 0);
    CHECK(tx[1].d[12] == 0x08 && tx[1].d[13] == 0x00);
}

TEST(solicit_source_from_packet_and_unicast_probe)
{
    setup();
    in_dev.ifa[1].ifa_address = OUR_IP2;
    in_dev.nifa = 2;
    struct neighbour *n = __neigh_create(IP(10, 0, 2, 4), &dev);
    neigh_output(n, ip_stub(OUR_IP2, 0));
    CHECK_EQ(ntx, 1);
    CHECK(tx_arp(0).sip == OUR_IP2);                   /* the waiting packet's source */
    neigh_update(n, peer, NUD_STALE);
    n->nud_state = NUD_PROBE;                          /* as the DELAY timer leaves it */
    arp_solicit(n, NULL);
    CHECK_EQ(ntx, 3);                                  /* the flushed packet, the probe */
    CHECK(memcmp(tx[2].d, peer, 6) == 0);              /* unicast to the known address */
    CHECK_EQ(tx_arp(2).op, ARPOP_REQUEST);
}

TEST(unsolicited_reply_ignored_announcement_moves_known)
{
    setup();
    struct arp_stats s0 = ast();
    deliver(rx_arp(ARPOP_REPLY, peer, IP(10, 0, 2, 50), dev.dev_addr, OUR_IP, PACKET_HOST));
    CHECK(__ipv4_neigh_lookup_noref(&dev, IP(10, 0, 2, 50)) == NULL);
    CHECK_EQ(ast().unsolicited_ignored, s0.unsolicited_ignored + 1);
    struct neighbour *n = __neigh_create(IP(10, 0, 2, 2), &dev);
    neigh_update(n, peer, NUD_REACHABLE);
    /* gratuitous ARP (sender = target) from a new MAC: learn it, to be confirmed */
    deliver(rx_arp(ARPOP_REQUEST, peer2, IP(10, 0, 2, 2), zero6, IP(10, 0, 2, 2),
                   PACKET_BROADCAST));
    CHECK_EQ(n->nud_state, NUD_STALE);
    CHECK(memcmp(n->ha, peer2, 6) == 0);
    CHECK_EQ(ntx, 0);
    /* a broadcast reply does not confirm reachability either */
    deliver(rx_arp(ARPOP_REPLY, peer, IP(10, 0, 2, 2), bcast, IP(10, 0, 2, 2), PACKET_BROADCAST));
    CHECK_EQ(n->nud_state, NUD_STALE);
    CHECK(memcmp(n->ha, peer, 6) == 0);
}

TEST(malformed_and_suspicious_frames_counted_and_freed)
{
    setup();
    struct arp_stats s0 = ast();
    /* truncated: 20 bytes of ARP */
    struct sk_buff *t = rx_arp(ARPOP_REQUEST, peer, IP(10, 0, 2, 2), zero6, OUR_IP, PACKET_BROADCAST);
    skb_trim(t, 20);
    deliver(t);
    /* wrong protocol type, wrong operation */
    struct sk_buff *p = rx_arp(ARPOP_REQUEST, peer, IP(10, 0, 2, 2), zero6, OUR_IP, PACKET_BROADCAST);
    p->data[2] = 0x86; p->data[3] = 0xdd;
    deliver(p);
    struct sk_buff *o = rx_arp(ARPOP_REQUEST, peer, IP(10, 0, 2, 2), zero6, OUR_IP, PACKET_BROADCAST);
    o->data[7] = 4;
    deliver(o);
    struct sk_buff *h = rx_arp(ARPOP_REQUEST, peer, IP(10, 0, 2, 2), zero6, OUR_IP, PACKET_BROADCAST);
    h->data[5] = 6;
    deliver(h);
    /* well-formed but not to be trusted */
    deliver(rx_arp(ARPOP_REQUEST, peer, IP(10, 0, 2, 2), zero6, OUR_IP, PACKET_OTHERHOST));
    deliver(rx_arp(ARPOP_REQUEST, bcast, IP(10, 0, 2, 2), zero6, OUR_IP, PACKET_BROADCAST));
    deliver(rx_arp(ARPOP_REQUEST, dev.dev_addr, IP(10, 0, 2, 2), zero6, OUR_IP, PACKET_BROADCAST));
    deliver(rx_arp(ARPOP_REQUEST, peer, IP(224, 0, 0, 1), zero6, OUR_IP, PACKET_BROADCAST));
    deliver(rx_arp(ARPOP_REQUEST, peer, IP(10, 0, 2, 2), zero6, IP(127, 0, 0, 1), PACKET_BROADCAST));
    deliver(rx_arp(ARPOP_REPLY, peer, OUR_IP, dev.dev_addr, OUR_IP, PACKET_HOST));   /* conflict */
    struct arp_stats s = ast();
    CHECK_EQ(s.parse_errors[-ARP_ERR_TRUNCATED], s0.parse_errors[-ARP_ERR_TRUNCATED] + 1);
    CHECK_EQ(s.parse_errors[-ARP_ERR_PTYPE], s0.parse_errors[-ARP_ERR_PTYPE] + 1);
    CHECK_EQ(s.parse_errors[-ARP_ERR_OP], s0.parse_errors[-ARP_ERR_OP] + 1);
    CHECK_EQ(s.parse_errors[-ARP_ERR_ADDRLEN], s0.parse_errors[-ARP_ERR_ADDRLEN] + 1);
    CHECK_EQ(s.not_for_host, s0.not_for_host + 1);
    CHECK_EQ(s.bad_sender_hw, s0.bad_sender_hw + 1);
    CHECK_EQ(s.own_frames, s0.own_frames + 1);
    CHECK_EQ(s.bad_address, s0.bad_address + 2);
    CHECK_EQ(s.conflicts, s0.conflicts + 1);
    CHECK_EQ(s.rx, s0.rx + 10);
    CHECK_EQ(ntx, 0);                                  /* nothing answered */
    struct neigh_stats ns;
    neigh_get_stats(&ns);
    CHECK_EQ(ns.entries, 0);                           /* nothing learnt */
    CHECK_EQ(skb_alive(), alive_at_setup);                     /* everything freed */
    arp_dump();
}

TEST(rfc5227_probe_answered)
{
    setup();
    deliver(rx_arp(ARPOP_REQUEST, peer, 0, zero6, OUR_IP, PACKET_BROADCAST));
    CHECK_EQ(ntx, 1);
    struct arp_repr r = tx_arp(0);
    CHECK_EQ(r.op, ARPOP_REPLY);
    CHECK(r.sip == OUR_IP);
    CHECK(memcmp(tx[0].d, peer, 6) == 0);
    CHECK(__ipv4_neigh_lookup_noref(&dev, 0) == NULL);
    /* a probe for someone else's address: nothing */
    deliver(rx_arp(ARPOP_REQUEST, peer, 0, zero6, IP(10, 0, 2, 77), PACKET_BROADCAST));
    CHECK_EQ(ntx, 1);
}

TEST(gratuitous_at_link_up_and_on_new_address)
{
    setup();
    CHECK(link_notifier != NULL && addr_notifier != NULL);
    in_dev.ifa[1].ifa_address = OUR_IP2;
    in_dev.nifa = 2;
    link_notifier(&dev, true);
    CHECK_EQ(ntx, 2);
    for (int i = 0; i < 2; i++) {
        struct arp_repr r = tx_arp(i);
        CHECK(memcmp(tx[i].d, bcast, 6) == 0);
        CHECK_EQ(r.op, ARPOP_REQUEST);
        CHECK(r.sip == r.tip);
        CHECK(r.sip == (i ? OUR_IP2 : OUR_IP));
    }
    addr_notifier(&dev, IP(10, 0, 2, 17), true);
    CHECK_EQ(ntx, 3);
    CHECK(tx_arp(2).sip == IP(10, 0, 2, 17));
    addr_notifier(&dev, IP(10, 0, 2, 17), false);     /* removal: nothing to announce */
    dev.carrier = false;
    addr_notifier(&dev, IP(10, 0, 2, 18), true);      /* no link: wait for link up */
    dev.carrier = true;
    CHECK_EQ(ntx, 3);
    /* link down forgets the neighbours */
    struct neighbour *n = __neigh_create(IP(10, 0, 2, 2), &dev);
    neigh_update(n, peer, NUD_REACHABLE);
    link_notifier(&dev, false);
    CHECK(__ipv4_neigh_lookup_noref(&dev, IP(10, 0, 2, 2)) == NULL);
}

TEST(directed_broadcast_needs_no_resolution)
{
    setup();
    struct neighbour *n = __neigh_create(IP(10, 0, 2, 255), &dev);
    CHECK_EQ(n->nud_state, NUD_NOARP);
    CHECK_EQ(neigh_output(n, ip_stub(OUR_IP, 0)), 0);
    CHECK_EQ(ntx, 1);
    CHECK(memcmp(tx[0].d, bcast, 6) == 0);
}
