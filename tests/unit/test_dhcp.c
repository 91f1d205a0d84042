// SOURCES: net/ipv4/dhcp_msg.c net/ipv4/dhcp_client.c kernel/lib/string.c
/* tests/unit/test_dhcp.c - DHCP messages and the client state machine: the client's
 * DISCOVER/REQUEST byte by byte, a server's OFFER/ACK/NAK parsed (options, overload,
 * padding, bad lengths, bad cookie, not a reply), and the client driven by a fake
 * clock through DISCOVER retries with backoff, OFFER -> REQUEST -> ACK, REQUEST giving
 * up, T1 renewal by unicast, T2 rebinding by broadcast, expiry, NAK, the defaults
 * for T1/T2/mask, the RFC 5227 probes before binding, DECLINE on a conflict with the
 * 10 s pause before starting over, and RELEASE. */
#include "tests/unit/unit.h"
#include "net/ipv4/dhcp_client.h"

#define IP(a, b, c, d) __builtin_bswap32((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* --- a tiny server-side builder --- */
struct srv_msg { uint8_t b[600]; size_t len; uint8_t *opt; };

static void srv_begin(struct srv_msg *m, uint8_t type, uint32_t xid, uint32_t yiaddr)
{
    memset(m, 0, sizeof(*m));
    m->b[0] = BOOTREPLY; m->b[1] = 1; m->b[2] = 6;
    m->b[4] = (uint8_t)(xid >> 24); m->b[5] = (uint8_t)(xid >> 16);
    m->b[6] = (uint8_t)(xid >> 8); m->b[7] = (uint8_t)xid;
    memcpy(m->b + 16, &yiaddr, 4);
    memcpy(m->b + 28, mac, 6);
    m->b[236] = 99; m->b[237] = 130; m->b[238] = 83; m->b[239] = 99;
    m->opt = m->b + 240;
    if (type) {
        *m->opt++ = DHO_MSG_TYPE; *m->opt++ = 1; *m->opt++ = type;
    }
}
static void srv_opt(struct srv_msg *m, uint8_t code, const void *v, uint8_t len)
{
    *m->opt++ = code; *m->opt++ = len;
    memcpy(m->opt, v, len);
    m->opt += len;
}
static void srv_opt32(struct srv_msg *m, uint8_t code, uint32_t host)
{
    uint8_t v[4] = { (uint8_t)(host >> 24), (uint8_t)(host >> 16), (uint8_t)(host >> 8), (uint8_t)host };
    srv_opt(m, code, v, 4);
}
static void srv_end(struct srv_msg *m)
{
    *m->opt++ = DHO_END;
    m->len = (size_t)(m->opt - m->b);
    if (m->len < 300)
        m->len = 300;
}
static void srv_std(struct srv_msg *m, uint8_t type, uint32_t xid, uint32_t lease)
{
    srv_begin(m, type, xid, IP(10, 0, 2, 15));
    uint32_t mask = IP(255, 255, 255, 0), gw = IP(10, 0, 2, 2), sid = IP(10, 0, 2, 2);
    uint32_t dns[2] = { IP(10, 0, 2, 3), IP(8, 8, 8, 8) };
    srv_opt(m, DHO_SUBNET_MASK, &mask, 4);
    srv_opt(m, DHO_ROUTER, &gw, 4);
    srv_opt(m, DHO_DNS, dns, 8);
    srv_opt(m, DHO_SERVER_ID, &sid, 4);
    if (lease)
        srv_opt32(m, DHO_LEASE_TIME, lease);
    srv_end(m);
}

/* find an option in a built client message */
static const uint8_t *find_opt(const uint8_t *b, size_t len, uint8_t code)
{
    size_t i = 240;
    while (i < len && b[i] != DHO_END) {
        if (b[i] == DHO_PAD) { i++; continue; }
        if (b[i] == code)
            return b + i;
        i += 2u + b[i + 1];
    }
    return NULL;
}

TEST(build_discover_and_request)
{
    uint8_t b[600];
    struct dhcp_out o = { .type = DHCPDISCOVER, .xid = 0x11223344, .secs = 3, .hostname = "wirepath" };
    memcpy(o.chaddr, mac, 6);
    size_t n = dhcp_build(&o, b, sizeof(b));
    CHECK_EQ(n, BOOTP_MIN_LEN);
    CHECK_EQ(b[0], BOOTREQUEST);
    CHECK_EQ(b[1], 1);
    CHECK_EQ(b[2], 6);
    CHECK(b[4] == 0x11 && b[5] == 0x22 && b[6] == 0x33 && b[7] == 0x44);
    CHECK(b[8] == 0 && b[9] == 3);
    CHECK(b[10] == 0 && b[11] == 0);                 /* no broadcast flag */
    CHECK(memcmp(b + 28, mac, 6) == 0);
    CHECK(b[236] == 99 && b[237] == 130 && b[238] == 83 && b[239] == 99);
    const uint8_t *t = find_opt(b, n, DHO_MSG_TYPE);
    CHECK(t && t[1] == 1 && t[2] == DHCPDISCOVER);
    const uint8_t *cid = find_opt(b, n, DHO_CLIENT_ID);
    CHECK(cid && cid[1] == 7 && cid[2] == 1 && memcmp(cid + 3, mac, 6) == 0);
    const uint8_t *prl = find_opt(b, n, DHO_PARAM_REQ);
    CHECK(prl && prl[1] == 6);
    CHECK(prl && memchr(prl + 2, DHO_ROUTER, prl[1]) && memchr(prl + 2, DHO_DNS, prl[1]) &&
          memchr(prl + 2, DHO_SUBNET_MASK, prl[1]) && memchr(prl + 2, DHO_LEASE_TIME, prl[1]));
    const uint8_t *h = find_opt(b, n, DHO_HOSTNAME);
    CHECK(h && h[1] == 8 && memcmp(h + 2, "wirepath", 8) == 0);
    CHECK(find_opt(b, n, DHO_REQUESTED_IP) == NULL);
    CHECK(find_opt(b, n, DHO_SERVER_ID) == NULL);

    o.type = DHCPREQUEST;
    o.requested_ip = IP(10, 0, 2, 15);
    o.server_id = IP(10, 0, 2, 2);
    n = dhcp_build(&o, b, sizeof(b));
    const uint8_t *r = find_opt(b, n, DHO_REQUESTED_IP);
    CHECK(r && r[1] == 4 && r[2] == 10 && r[5] == 15);
    const uint8_t *s = find_opt(b, n, DHO_SERVER_ID);
    CHECK(s && s[1] == 4 && s[2] == 10 && s[5] == 2);
    /* renewing: ciaddr, nothing else */
    struct dhcp_out rn = { .type = DHCPREQUEST, .xid = 7, .ciaddr = IP(10, 0, 2, 15) };
    memcpy(rn.chaddr, mac, 6);
    n = dhcp_build(&rn, b, sizeof(b));
    CHECK(b[12] == 10 && b[15] == 15);
    CHECK(find_opt(b, n, DHO_REQUESTED_IP) == NULL);
    /* no room */
    CHECK_EQ(dhcp_build(&o, b, 299), 0);
}

TEST(parse_offer_ack_nak)
{
    struct srv_msg m;
    struct dhcp_reply r;
    srv_std(&m, DHCPOFFER, 0xabcdef01, 86400);
    CHECK_EQ(dhcp_parse(m.b, m.len, &r), DHCP_PARSE_OK);
    CHECK_EQ(r.type, DHCPOFFER);
    CHECK_EQ(r.xid, 0xabcdef01);
    CHECK(r.yiaddr == IP(10, 0, 2, 15));
    CHECK(r.subnet_mask == IP(255, 255, 255, 0) && r.has_mask);
    CHECK(r.router == IP(10, 0, 2, 2));
    CHECK_EQ(r.ndns, 2);
    CHECK(r.dns[0] == IP(10, 0, 2, 3) && r.dns[1] == IP(8, 8, 8, 8));
    CHECK(r.server_id == IP(10, 0, 2, 2));
    CHECK(r.has_lease && r.lease_time == 86400);
    CHECK(!r.has_t1 && !r.has_t2);
    CHECK(memcmp(r.chaddr, mac, 6) == 0);
    srv_begin(&m, DHCPNAK, 5, 0);
    srv_end(&m);
    CHECK_EQ(dhcp_parse(m.b, m.len, &r), DHCP_PARSE_OK);
    CHECK_EQ(r.type, DHCPNAK);
    /* T1/T2, several routers (first wins), more DNS servers than kept, padding */
    srv_begin(&m, DHCPACK, 9, IP(192, 168, 1, 50));
    *m.opt++ = DHO_PAD; *m.opt++ = DHO_PAD;
    uint32_t gws[2] = { IP(192, 168, 1, 1), IP(192, 168, 1, 254) };
    srv_opt(&m, DHO_ROUTER, gws, 8);
    uint32_t dns[5] = { IP(1, 1, 1, 1), IP(2, 2, 2, 2), IP(3, 3, 3, 3), IP(4, 4, 4, 4), IP(5, 5, 5, 5) };
    srv_opt(&m, DHO_DNS, dns, 20);
    srv_opt32(&m, DHO_T1, 100);
    srv_opt32(&m, DHO_T2, 150);
    srv_opt(&m, 200, "xyz", 3);                          /* unknown: skipped */
    srv_end(&m);
    CHECK_EQ(dhcp_parse(m.b, m.len, &r), DHCP_PARSE_OK);
    CHECK(r.router == IP(192, 168, 1, 1));
    CHECK_EQ(r.ndns, DHCP_MAX_DNS);
    CHECK(r.dns[2] == IP(3, 3, 3, 3));
    CHECK(r.has_t1 && r.t1 == 100 && r.has_t2 && r.t2 == 150);
    CHECK(!r.has_mask);
}

TEST(parse_overload_and_errors)
{
    struct srv_msg m;
    struct dhcp_reply r;
    /* option overload: the message type and server id live in file and sname */
    srv_begin(&m, 0, 1, IP(10, 0, 0, 9));
    uint8_t ov = 3;
    srv_opt(&m, DHO_OVERLOAD, &ov, 1);
    srv_end(&m);
    uint8_t *file = m.b + 108, *sname = m.b + 44;
    file[0] = DHO_MSG_TYPE; file[1] = 1; file[2] = DHCPACK; file[3] = DHO_END;
    sname[0] = DHO_SERVER_ID; sname[1] = 4; sname[2] = 10; sname[5] = 1; sname[6] = DHO_END;
    CHECK_EQ(dhcp_parse(m.b, m.len, &r), DHCP_PARSE_OK);
    CHECK_EQ(r.type, DHCPACK);
    CHECK(r.server_id == IP(10, 0, 0, 1));

    srv_std(&m, DHCPOFFER, 1, 60);
    CHECK_EQ(dhcp_parse(m.b, 239, &r), DHCP_ERR_TRUNCATED);
    CHECK_EQ(dhcp_parse(m.b, 0, &r), DHCP_ERR_TRUNCATED);
    m.b[0] = BOOTREQUEST;
    CHECK_EQ(dhcp_parse(m.b, m.len, &r), DHCP_ERR_OP);     /* our own broadcast, echoed */
    m.b[0] = BOOTREPLY; m.b[2] = 16;
    CHECK_EQ(dhcp_parse(m.b, m.len, &r), DHCP_ERR_HTYPE);
    m.b[2] = 6; m.b[236] = 0x63; m.b[239] = 0;
    CHECK_EQ(dhcp_parse(m.b, m.len, &r), DHCP_ERR_COOKIE);
    /* bad option lengths */
    srv_begin(&m, DHCPOFFER, 1, IP(10, 0, 0, 9));
    srv_opt(&m, DHO_SUBNET_MASK, "\xff\xff\xff", 3);
    srv_end(&m);
    CHECK_EQ(dhcp_parse(m.b, m.len, &r), DHCP_ERR_OPTION);
    srv_begin(&m, DHCPOFFER, 1, IP(10, 0, 0, 9));
    srv_opt(&m, DHO_ROUTER, "\x0a\0\0\1\x0a\0", 6);
    srv_end(&m);
    CHECK_EQ(dhcp_parse(m.b, m.len, &r), DHCP_ERR_OPTION);
    /* an option running past the end of the message */
    srv_begin(&m, DHCPOFFER, 1, IP(10, 0, 0, 9));
    *m.opt++ = DHO_DNS; *m.opt++ = 200;
    m.len = (size_t)(m.opt - m.b) + 4;
    CHECK_EQ(dhcp_parse(m.b, m.len, &r), DHCP_ERR_OPTION);
    /* a missing END is tolerated */
    srv_begin(&m, DHCPOFFER, 1, IP(10, 0, 0, 9));
    m.len = (size_t)(m.opt - m.b);
    CHECK_EQ(dhcp_parse(m.b, m.len, &r), DHCP_PARSE_OK);
    CHECK_EQ(dhcp_mask_to_prefix(IP(255, 255, 255, 0)), 24);
    CHECK_EQ(dhcp_mask_to_prefix(IP(255, 255, 254, 0)), 23);
    CHECK_EQ(dhcp_mask_to_prefix(0), 0);
    CHECK_EQ(dhcp_mask_to_prefix(IP(255, 0, 255, 0)), -1);
    CHECK_STR(dhcp_type_name(DHCPACK), "ACK");
}

/* --- the client --- */

static struct dhcp_reply reply_for(const struct dhcp_client *c, uint8_t type, uint32_t lease)
{
    struct srv_msg m;
    struct dhcp_reply r;
    srv_std(&m, type, c->xid, lease);
    CHECK_EQ(dhcp_parse(m.b, m.len, &r), DHCP_PARSE_OK);
    return r;
}

static void run_to(struct dhcp_client *c, uint64_t t, struct dhcp_action *a)
{
    dhcp_client_timeout(c, t, a);
}

TEST(discover_backoff_then_bind)
{
    struct dhcp_client c;
    struct dhcp_action a;
    dhcp_client_init(&c, mac, 42, "wirepath");
    dhcp_client_start(&c, 1000, &a);
    CHECK(a.send && a.out.type == DHCPDISCOVER);
    CHECK(a.dst == 0xffffffffu && a.src == 0);
    CHECK_EQ(c.state, DHCP_SELECTING);
    CHECK(dhcp_client_listening(&c));
    uint32_t xid = c.xid;
    /* retransmissions: 4, 8, 16, 32, 64, 64 s, each +-1 s, same xid */
    uint64_t now = 1000, expect[] = { 4000, 8000, 16000, 32000, 64000, 64000 };
    for (int i = 0; i < 6; i++) {
        uint64_t d = c.next_ms - now;
        CHECK(d >= expect[i] - 1000 && d <= expect[i] + 1000);
        dhcp_client_timeout(&c, c.next_ms - 1, &a);
        CHECK(!a.send);                                /* never early */
        now = c.next_ms;
        run_to(&c, now, &a);
        CHECK(a.send && a.out.type == DHCPDISCOVER);
        CHECK_EQ(a.out.xid, xid);
        CHECK_EQ(a.out.secs, (now - 1000) / 1000);
    }
    CHECK_EQ(c.stats.discovers, 7);
    /* a reply for someone else is ignored */
    struct dhcp_reply r = reply_for(&c, DHCPOFFER, 86400);
    r.xid ^= 1;
    dhcp_client_rx(&c, now, &r, &a);
    CHECK(!a.send);
    CHECK_EQ(c.stats.ignored, 1);
    /* an ACK before any offer too */
    r = reply_for(&c, DHCPACK, 86400);
    dhcp_client_rx(&c, now, &r, &a);
    CHECK_EQ(c.stats.ignored, 2);
    /* the offer: REQUEST by broadcast, naming the server and the address */
    r = reply_for(&c, DHCPOFFER, 86400);
    dhcp_client_rx(&c, now + 5, &r, &a);
    CHECK_EQ(c.state, DHCP_REQUESTING);
    CHECK(a.send && a.out.type == DHCPREQUEST);
    CHECK(a.out.requested_ip == IP(10, 0, 2, 15));
    CHECK(a.out.server_id == IP(10, 0, 2, 2));
    CHECK(a.out.ciaddr == 0 && a.dst == 0xffffffffu);
    /* a second offer (another server) is ignored now */
    dhcp_client_rx(&c, now + 6, &r, &a);
    CHECK(!a.send);
    r = reply_for(&c, DHCPACK, 86400);
    dhcp_client_rx(&c, now + 10, &r, &a);
    CHECK_EQ(c.state, DHCP_BOUND);
    CHECK(a.apply && !a.remove && !a.extended && !a.send);
    CHECK(a.lease.addr == IP(10, 0, 2, 15));
    CHECK_EQ(a.lease.prefixlen, 24);
    CHECK(a.lease.router == IP(10, 0, 2, 2));
    CHECK_EQ(a.lease.ndns, 2);
    CHECK_EQ(a.lease.lease_secs, 86400);
    CHECK_EQ(a.lease.t1_secs, 43200);
    CHECK_EQ(a.lease.t2_secs, 75600);
    CHECK(!dhcp_client_listening(&c));
}

/* A client (no host name) with this random seed, started at time t. */
static void start_client(struct dhcp_client *c, uint32_t seed, uint64_t t, struct dhcp_action *a)
{
    dhcp_client_init(c, mac, seed, NULL);
    dhcp_client_start(c, t, a);
}

static void bind_client(struct dhcp_client *c, uint64_t t, uint32_t lease)
{
    struct dhcp_action a;
    start_client(c, 7, t, &a);
    struct dhcp_reply r = reply_for(c, DHCPOFFER, lease);
    dhcp_client_rx(c, t, &r, &a);
    r = reply_for(c, DHCPACK, lease);
    dhcp_client_rx(c, t, &r, &a);
    CHECK_EQ(c->state, DHCP_BOUND);
}

TEST(renew_at_t1_unicast_then_extended)
{
    struct dhcp_client c;
    struct dhcp_action a;
    bind_client(&c, 0, 1000);                      /* T1 500 s, T2 875 s */
    CHECK_EQ(c.next_ms, 500000);
    run_to(&c, 499999, &a);
    CHECK(!a.send);
    run_to(&c, 500000, &a);
    CHECK_EQ(c.state, DHCP_RENEWING);
    CHECK(a.send && a.out.type == DHCPREQUEST);
    CHECK(a.out.ciaddr == IP(10, 0, 2, 15) && a.src == IP(10, 0, 2, 15));
    CHECK(a.dst == IP(10, 0, 2, 2));               /* unicast to the server */
    CHECK(a.out.requested_ip == 0 && a.out.server_id == 0);
    /* retransmission: half of the 375 s to T2 */
    CHECK_EQ(c.next_ms, 500000 + 187500);
    run_to(&c, c.next_ms, &a);
    CHECK(a.send && a.dst == IP(10, 0, 2, 2));
    CHECK_EQ(c.next_ms, 687500 + 93750);
    /* the ACK extends the lease from when the renewal began */
    struct dhcp_reply r = reply_for(&c, DHCPACK, 1000);
    dhcp_client_rx(&c, 700000, &r, &a);
    CHECK_EQ(c.state, DHCP_BOUND);
    CHECK(a.extended && !a.apply && !a.remove);
    CHECK_EQ(c.stats.renewals, 1);
    CHECK_EQ(c.next_ms, 500000 + 500000);
}

TEST(rebind_at_t2_broadcast_then_expiry)
{
    struct dhcp_client c;
    struct dhcp_action a;
    bind_client(&c, 0, 1000);
    run_to(&c, 500000, &a);                         /* RENEWING */
    while (c.state == DHCP_RENEWING)
        run_to(&c, c.next_ms, &a);
    CHECK_EQ(c.state, DHCP_REBINDING);
    CHECK_EQ(c.t2_at, 875000);
    CHECK(a.send && a.dst == 0xffffffffu && a.out.ciaddr == IP(10, 0, 2, 15));
    /* 125 s left: retransmit after 62.5 s, then at most the minute rule / expiry */
    CHECK_EQ(c.next_ms, 875000 + 62500);
    run_to(&c, c.next_ms, &a);
    CHECK(a.send);
    CHECK_EQ(c.next_ms, 937500 + 60000);            /* no faster than once a minute */
    run_to(&c, c.next_ms, &a);
    CHECK(a.send);
    CHECK_EQ(c.next_ms, 1000000);                   /* capped at the expiry */
    run_to(&c, 1000000, &a);
    CHECK(a.remove && a.old.addr == IP(10, 0, 2, 15));
    CHECK_EQ(c.stats.expiries, 1);
    CHECK_EQ(c.state, DHCP_SELECTING);             /* and looks for a server again */
    CHECK(a.send && a.out.type == DHCPDISCOVER && a.src == 0);
}

TEST(rebind_ack_with_new_address_reconfigures)
{
    struct dhcp_client c;
    struct dhcp_action a;
    bind_client(&c, 0, 1000);
    run_to(&c, 500000, &a);
    while (c.state == DHCP_RENEWING)
        run_to(&c, c.next_ms, &a);
    struct srv_msg m;
    struct dhcp_reply r;
    srv_std(&m, DHCPACK, c.xid, 1000);
    memcpy(m.b + 16, (uint32_t[]){ IP(10, 0, 2, 16) }, 4);
    CHECK_EQ(dhcp_parse(m.b, m.len, &r), DHCP_PARSE_OK);
    dhcp_client_rx(&c, 900000, &r, &a);
    CHECK_EQ(c.state, DHCP_BOUND);
    CHECK(a.remove && a.old.addr == IP(10, 0, 2, 15));
    CHECK(a.apply && a.lease.addr == IP(10, 0, 2, 16));
    CHECK_EQ(c.stats.rebinds, 1);
}

TEST(request_gives_up_after_four_and_nak_restarts)
{
    struct dhcp_client c;
    struct dhcp_action a;
    start_client(&c, 9, 0, &a);
    struct dhcp_reply r = reply_for(&c, DHCPOFFER, 600);
    dhcp_client_rx(&c, 100, &r, &a);
    CHECK_EQ(c.state, DHCP_REQUESTING);
    uint32_t xid = c.xid;
    for (int i = 0; i < 3; i++) {
        run_to(&c, c.next_ms, &a);
        CHECK(a.send && a.out.type == DHCPREQUEST && a.out.xid == xid);
    }
    run_to(&c, c.next_ms, &a);
    CHECK_EQ(c.stats.request_timeouts, 1);
    CHECK_EQ(c.state, DHCP_SELECTING);
    CHECK(a.send && a.out.type == DHCPDISCOVER);
    CHECK(c.xid != xid);                            /* a fresh exchange */
    /* NAK while renewing: the address goes, and after a pause DISCOVER again */
    bind_client(&c, 0, 600);
    run_to(&c, 300000, &a);
    CHECK_EQ(c.state, DHCP_RENEWING);
    r = reply_for(&c, DHCPNAK, 0);
    dhcp_client_rx(&c, 300010, &r, &a);
    CHECK(a.remove && !a.send);
    CHECK_EQ(c.state, DHCP_INIT);
    CHECK_EQ(c.stats.naks, 1);
    run_to(&c, 300010 + DHCP_NAK_DELAY_MS, &a);
    CHECK(a.send && a.out.type == DHCPDISCOVER);
}

TEST(lease_defaults_and_odd_terms)
{
    struct dhcp_client c;
    struct dhcp_action a;
    /* no lease time, no mask: an hour, classful prefix */
    start_client(&c, 1, 0, &a);
    struct srv_msg m;
    struct dhcp_reply r;
    srv_begin(&m, DHCPOFFER, c.xid, IP(172, 16, 5, 9));
    uint32_t sid = IP(172, 16, 0, 1);
    srv_opt(&m, DHO_SERVER_ID, &sid, 4);
    srv_end(&m);
    dhcp_parse(m.b, m.len, &r);
    dhcp_client_rx(&c, 0, &r, &a);
    m.b[242] = DHCPACK;
    dhcp_parse(m.b, m.len, &r);
    dhcp_client_rx(&c, 0, &r, &a);
    CHECK_EQ(c.state, DHCP_BOUND);
    CHECK_EQ(a.lease.lease_secs, DHCP_DEFAULT_LEASE);
    CHECK_EQ(a.lease.prefixlen, 16);
    CHECK(a.lease.router == 0);
    /* infinite lease: never renews */
    bind_client(&c, 0, DHCP_INFINITE);
    CHECK_EQ(c.next_ms, UINT64_MAX);
    run_to(&c, UINT64_MAX - 1, &a);
    CHECK(!a.send);
    /* T1/T2 from the server, and nonsense ones replaced by the defaults */
    start_client(&c, 2, 0, &a);
    srv_begin(&m, DHCPACK, c.xid, IP(10, 0, 2, 15));
    srv_opt(&m, DHO_SERVER_ID, &sid, 4);
    srv_opt32(&m, DHO_LEASE_TIME, 120);
    srv_opt32(&m, DHO_T1, 20);
    srv_opt32(&m, DHO_T2, 200);                       /* beyond the lease: ignored */
    srv_end(&m);
    c.state = DHCP_REQUESTING;
    dhcp_parse(m.b, m.len, &r);
    dhcp_client_rx(&c, 0, &r, &a);
    CHECK_EQ(a.lease.t1_secs, 20);
    CHECK_EQ(a.lease.t2_secs, 105);
}

TEST(link_up_restarts_search_only)
{
    struct dhcp_client c;
    struct dhcp_action a;
    start_client(&c, 3, 0, &a);
    for (int i = 0; i < 4; i++)
        run_to(&c, c.next_ms, &a);
    CHECK(c.next_ms > 30000);
    dhcp_client_link_up(&c, 40000, &a);
    CHECK(a.send && a.out.type == DHCPDISCOVER);
    CHECK(c.next_ms <= 40000 + 5000);               /* backoff starts over */
    bind_client(&c, 0, 1000);
    dhcp_client_link_up(&c, 10, &a);
    CHECK(!a.send);
    CHECK_STR(dhcp_state_name(DHCP_REBINDING), "REBINDING");
}

/* --- RFC 5227 probing, DECLINE, RELEASE --- */

/* From INIT to the ACK with probing on: the client is PROBING, nothing applied yet. */
static void ack_probing(struct dhcp_client *c, uint64_t t, uint32_t lease)
{
    struct dhcp_action a;
    dhcp_client_init(c, mac, 11, "wirepath");
    c->probe = true;
    dhcp_client_start(c, t, &a);
    struct dhcp_reply r = reply_for(c, DHCPOFFER, lease);
    dhcp_client_rx(c, t, &r, &a);
    r = reply_for(c, DHCPACK, lease);
    dhcp_client_rx(c, t + 100, &r, &a);
    CHECK_EQ(c->state, DHCP_PROBING);
    CHECK(!a.apply && !a.send && !a.probe);
    CHECK(dhcp_client_listening(c));               /* the caller watches ARP meanwhile */
}

TEST(probe_three_times_then_bind)
{
    struct dhcp_client c;
    struct dhcp_action a;
    ack_probing(&c, 1000, 1000);
    /* PROBE_WAIT: the first probe within 0-1 s of the ACK */
    CHECK(c.next_ms >= 1100 && c.next_ms <= 2100);
    uint64_t prev = 0;
    for (unsigned i = 1; i <= DHCP_PROBE_NUM; i++) {
        uint64_t t = c.next_ms;
        run_to(&c, t - 1, &a);
        CHECK(!a.probe && !a.send);                /* never early */
        if (prev)
            CHECK(t - prev >= DHCP_PROBE_MIN_MS && t - prev <= DHCP_PROBE_MAX_MS);
        run_to(&c, t, &a);
        CHECK(a.probe && !a.send && !a.apply);
        CHECK(a.probe_addr == IP(10, 0, 2, 15));
        CHECK_EQ(c.probes_sent, i);
        prev = t;
    }
    CHECK_EQ(c.stats.probes, 3);
    /* ARP that does not concern the address changes nothing */
    dhcp_client_arp(&c, prev + 10, IP(10, 0, 2, 2), IP(10, 0, 2, 99), &a);
    CHECK(!a.send && c.state == DHCP_PROBING);
    dhcp_client_arp(&c, prev + 10, 0, IP(10, 0, 2, 16), &a);
    CHECK(!a.send && c.state == DHCP_PROBING);
    /* ANNOUNCE_WAIT after the last probe, then the lease is used */
    CHECK_EQ(c.next_ms, prev + DHCP_ANNOUNCE_WAIT_MS);
    run_to(&c, c.next_ms, &a);
    CHECK_EQ(c.state, DHCP_BOUND);
    CHECK(a.apply && !a.probe && !a.send);
    CHECK(a.lease.addr == IP(10, 0, 2, 15));
    /* the lease runs from the REQUEST (t 1000), not from the end of probing */
    CHECK_EQ(c.t1_at, 1000 + 500000);
    CHECK_EQ(c.stats.conflicts, 0);
    CHECK_EQ(c.stats.declines, 0);
    /* ARP naming the address once bound is arp.c's business, not a conflict here */
    dhcp_client_arp(&c, c.next_ms, IP(10, 0, 2, 15), 0, &a);
    CHECK(!a.send && c.state == DHCP_BOUND);
    /* a repeated ACK while probing is ignored (no early bind) */
    ack_probing(&c, 0, 1000);
    struct dhcp_reply r = reply_for(&c, DHCPACK, 1000);
    dhcp_client_rx(&c, 200, &r, &a);
    CHECK(!a.apply && c.state == DHCP_PROBING);
}

static void check_decline(struct dhcp_client *c, const struct dhcp_action *a, uint64_t now)
{
    CHECK(a->send && a->out.type == DHCPDECLINE);
    CHECK(a->src == 0 && a->dst == 0xffffffffu);    /* broadcast, no address of ours */
    CHECK(a->out.ciaddr == 0);
    CHECK(a->out.requested_ip == IP(10, 0, 2, 15));
    CHECK(a->out.server_id == IP(10, 0, 2, 2));
    CHECK(!a->apply && !a->probe);
    CHECK_EQ(c->state, DHCP_INIT);
    CHECK_EQ(c->next_ms, now + DHCP_DECLINE_DELAY_MS);
    CHECK_EQ(c->stats.conflicts, 1);
    CHECK_EQ(c->stats.declines, 1);
    CHECK(!c->have_lease);
    /* the message itself: type 4, options 50 and 54, no parameter request list */
    uint8_t b[DHCP_MAX_MSG];
    size_t n = dhcp_build(&a->out, b, sizeof(b));
    CHECK(n >= BOOTP_MIN_LEN);
    const uint8_t *o = find_opt(b, n, DHO_MSG_TYPE);
    CHECK(o && o[2] == DHCPDECLINE);
    o = find_opt(b, n, DHO_REQUESTED_IP);
    CHECK(o && o[1] == 4 && !memcmp(o + 2, &a->out.requested_ip, 4));
    CHECK(find_opt(b, n, DHO_SERVER_ID) != NULL);
    CHECK(find_opt(b, n, DHO_PARAM_REQ) == NULL);
}

TEST(conflict_declines_and_restarts_after_10s)
{
    struct dhcp_client c;
    struct dhcp_action a;
    /* another host answers the first probe (its reply names the address as sender) */
    ack_probing(&c, 0, 1000);
    run_to(&c, c.next_ms, &a);
    CHECK(a.probe);
    uint32_t old_xid = c.xid;
    uint64_t now = c.next_ms - 500;
    CHECK(dhcp_client_arp_conflicts(&c, IP(10, 0, 2, 15), IP(10, 0, 2, 2)));
    dhcp_client_arp(&c, now, IP(10, 0, 2, 15), 0, &a);
    check_decline(&c, &a, now);
    CHECK_EQ(a.out.xid, old_xid);
    CHECK(!dhcp_client_arp_conflicts(&c, IP(10, 0, 2, 15), 0));   /* not probing now */
    /* nothing before 10 s, then a new DISCOVER with a new xid */
    run_to(&c, now + DHCP_DECLINE_DELAY_MS - 1, &a);
    CHECK(!a.send);
    run_to(&c, now + DHCP_DECLINE_DELAY_MS, &a);
    CHECK(a.send && a.out.type == DHCPDISCOVER);
    CHECK(c.xid != old_xid);
    CHECK_EQ(c.state, DHCP_SELECTING);

    /* another host probing for the same address at the same time (RFC 5227 2.1.1) */
    ack_probing(&c, 0, 1000);
    run_to(&c, c.next_ms, &a);
    run_to(&c, c.next_ms, &a);
    CHECK_EQ(c.probes_sent, 2);
    now = c.next_ms - 1;
    dhcp_client_arp(&c, now, 0, IP(10, 0, 2, 15), &a);
    check_decline(&c, &a, now);

    /* a conflict during ANNOUNCE_WAIT still declines */
    ack_probing(&c, 0, 1000);
    for (int i = 0; i < DHCP_PROBE_NUM; i++)
        run_to(&c, c.next_ms, &a);
    now = c.next_ms - 1;
    dhcp_client_arp(&c, now, IP(10, 0, 2, 15), IP(10, 0, 2, 15), &a);
    check_decline(&c, &a, now);
}

TEST(release_unicast_then_silent)
{
    struct dhcp_client c;
    struct dhcp_action a;
    /* nothing to give back before a lease */
    start_client(&c, 5, 0, &a);
    dhcp_client_release(&c, 10, &a);
    CHECK(!a.send && !a.remove);
    CHECK_EQ(c.stats.releases, 0);

    bind_client(&c, 0, 1000);
    uint32_t xid = c.xid;
    dhcp_client_release(&c, 5000, &a);
    CHECK(a.send && a.out.type == DHCPRELEASE);
    CHECK(a.src == IP(10, 0, 2, 15) && a.dst == IP(10, 0, 2, 2));   /* unicast to the server */
    CHECK(a.out.ciaddr == IP(10, 0, 2, 15));
    CHECK(a.out.server_id == IP(10, 0, 2, 2));
    CHECK(a.out.requested_ip == 0);
    CHECK(a.out.xid != xid);
    CHECK(a.remove && a.old.addr == IP(10, 0, 2, 15) && a.old.router == IP(10, 0, 2, 2));
    CHECK(!a.apply);
    CHECK(!c.have_lease);
    CHECK_EQ(c.state, DHCP_RELEASED);
    CHECK_STR(dhcp_state_name(DHCP_RELEASED), "RELEASED");
    CHECK(!dhcp_client_listening(&c));
    CHECK_EQ(c.stats.releases, 1);
    uint8_t b[DHCP_MAX_MSG];
    size_t n = dhcp_build(&a.out, b, sizeof(b));
    const uint8_t *o = find_opt(b, n, DHO_MSG_TYPE);
    CHECK(o && o[2] == DHCPRELEASE);
    CHECK(find_opt(b, n, DHO_SERVER_ID) != NULL);
    CHECK(find_opt(b, n, DHO_REQUESTED_IP) == NULL);
    CHECK(find_opt(b, n, DHO_PARAM_REQ) == NULL);
    CHECK(!memcmp(b + 12, &a.out.ciaddr, 4));
    /* released: no timer fires, replies are ignored, a second release sends nothing */
    CHECK_EQ(c.next_ms, UINT64_MAX);
    run_to(&c, 10000000, &a);
    CHECK(!a.send);
    struct dhcp_reply r = reply_for(&c, DHCPACK, 1000);
    dhcp_client_rx(&c, 6000, &r, &a);
    CHECK(!a.send && !a.apply);
    dhcp_client_release(&c, 7000, &a);
    CHECK(!a.send && !a.remove);
    CHECK_EQ(c.stats.releases, 1);
}
