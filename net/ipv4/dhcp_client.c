/* net/ipv4/dhcp_client.c - the DHCP client state machine (see dhcp_client.h). Pure logic
 * over millisecond timestamps; every outcome is described in a struct dhcp_action. */
#include "net/ipv4/dhcp_client.h"
#include "kernel/lib/string.h"

#define NEVER UINT64_MAX

static uint32_t next_rand(struct dhcp_client *c)
{
    /* xorshift32: xids and jitter only need to differ between clients and tries */
    uint32_t x = c->rnd;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return c->rnd = x ? x : 0x1234567u;
}

const char *dhcp_state_name(enum dhcp_state s)
{
    static const char *const n[] = { "INIT", "SELECTING", "REQUESTING", "BOUND", "RENEWING",
                                      "REBINDING", "PROBING", "RELEASED" };
    return (unsigned)s < ARRAY_SIZE(n) ? n[s] : "?";
}

void dhcp_client_init(struct dhcp_client *c, const uint8_t mac[6], uint32_t seed,
                      const char *hostname)
{
    memset(c, 0, sizeof(*c));
    memcpy(c->mac, mac, 6);
    c->rnd = seed ^ (uint32_t)mac[5] << 8 ^ mac[4] ^ 0x9e3779b9u;
    c->hostname = hostname;
    c->state = DHCP_INIT;
    c->next_ms = NEVER;
}

bool dhcp_client_listening(const struct dhcp_client *c)
{
    return c->state == DHCP_SELECTING || c->state == DHCP_REQUESTING ||
           c->state == DHCP_RENEWING || c->state == DHCP_REBINDING || c->state == DHCP_PROBING;
}

/* The exponential backoff of RFC 2131 4.1, randomised by +-1 s. */
static uint64_t backoff_delay(struct dhcp_client *c)
{
    uint64_t d = c->backoff_ms;
    if (c->backoff_ms < DHCP_BACKOFF_MAX_MS)
        c->backoff_ms *= 2;
    return d - 1000 + next_rand(c) % 2001;
}

static void new_exchange(struct dhcp_client *c, uint64_t now)
{
    c->xid = next_rand(c);
    c->exchange_start = now;
    c->tries = 0;
    c->backoff_ms = DHCP_BACKOFF_FIRST_MS;
}

static void prepare(struct dhcp_client *c, uint64_t now, struct dhcp_action *a, uint8_t type)
{
    a->send = true;
    memset(&a->out, 0, sizeof(a->out));
    a->out.type = type;
    a->out.xid = c->xid;
    uint64_t secs = (now - c->exchange_start) / 1000;
    a->out.secs = (uint16_t)(secs > 0xffff ? 0xffff : secs);
    memcpy(a->out.chaddr, c->mac, 6);
    a->out.hostname = c->hostname;
    a->src = 0;
    a->dst = 0xffffffffu;
    c->tries++;
    if (type == DHCPDISCOVER)
        c->stats.discovers++;
    else if (type == DHCPREQUEST)
        c->stats.requests++;
    else if (type == DHCPDECLINE)
        c->stats.declines++;
    else if (type == DHCPRELEASE)
        c->stats.releases++;
}

static void send_discover(struct dhcp_client *c, uint64_t now, struct dhcp_action *a)
{
    c->state = DHCP_SELECTING;
    prepare(c, now, a, DHCPDISCOVER);
    c->next_ms = now + backoff_delay(c);
}

/* SELECTING's REQUEST: accept one server's offer, by broadcast so the others see it. */
static void send_select_request(struct dhcp_client *c, uint64_t now, struct dhcp_action *a)
{
    prepare(c, now, a, DHCPREQUEST);
    a->out.requested_ip = c->offer.yiaddr;
    a->out.server_id = c->offer.server_id;
    c->next_ms = now + backoff_delay(c);
}

/* RENEWING (unicast to the server) and REBINDING (broadcast to any): ciaddr set, no
 * server id or requested address (RFC 2131 table 5). Retransmit after half the time to
 * the next boundary, but no faster than once a minute. */
static void send_extend_request(struct dhcp_client *c, uint64_t now, struct dhcp_action *a)
{
    prepare(c, now, a, DHCPREQUEST);
    a->out.ciaddr = c->lease.addr;
    a->src = c->lease.addr;
    uint64_t boundary = c->state == DHCP_RENEWING ? c->t2_at : c->expire_at;
    if (c->state == DHCP_RENEWING)
        a->dst = c->lease.server_id;
    uint64_t wait = (boundary - now) / 2;
    if (wait < DHCP_RENEW_MIN_MS)
        wait = DHCP_RENEW_MIN_MS;
    c->next_ms = now + wait < boundary ? now + wait : boundary;
}

static void lose_lease(struct dhcp_client *c, struct dhcp_action *a)
{
    if (!c->have_lease)
        return;
    a->remove = true;
    a->old = c->lease;
    c->have_lease = false;
}

void dhcp_client_start(struct dhcp_client *c, uint64_t now, struct dhcp_action *a)
{
    memset(a, 0, sizeof(*a));
    lose_lease(c, a);
    new_exchange(c, now);
    send_discover(c, now, a);
}

void dhcp_client_link_up(struct dhcp_client *c, uint64_t now, struct dhcp_action *a)
{
    memset(a, 0, sizeof(*a));
    if (c->state == DHCP_INIT || c->state == DHCP_SELECTING) {
        new_exchange(c, now);
        send_discover(c, now, a);
    }
}

static uint64_t at(uint64_t now, uint32_t secs)
{
    return secs == DHCP_INFINITE ? NEVER : now + (uint64_t)secs * 1000;
}

static int classful_prefix(uint32_t addr)
{
    uint32_t h = __builtin_bswap32(addr);
    return h < 0x80000000u ? 8 : h < 0xc0000000u ? 16 : 24;
}

/* The ACK's terms as a lease; the defaults of RFC 2131 4.4.5 for T1 and T2. */
static void lease_from_ack(const struct dhcp_reply *r, struct dhcp_lease *l)
{
    memset(l, 0, sizeof(*l));
    l->addr = r->yiaddr;
    int p = r->has_mask ? dhcp_mask_to_prefix(r->subnet_mask) : -1;
    l->prefixlen = p >= 1 && p <= 30 ? p : classful_prefix(r->yiaddr);
    l->mask = __builtin_bswap32(~0u << (32 - l->prefixlen));
    l->router = r->router;
    l->server_id = r->server_id ? r->server_id : r->siaddr;
    l->ndns = r->ndns;
    memcpy(l->dns, r->dns, sizeof(l->dns));
    uint32_t lease = r->has_lease && r->lease_time ? r->lease_time : DHCP_DEFAULT_LEASE;
    l->lease_secs = lease;
    if (lease == DHCP_INFINITE) {
        l->t1_secs = l->t2_secs = DHCP_INFINITE;
        return;
    }
    uint32_t t1 = lease / 2, t2 = (uint32_t)((uint64_t)lease * 7 / 8);
    if (r->has_t2 && r->t2 > 0 && r->t2 < lease)
        t2 = r->t2;
    if (r->has_t1 && r->t1 > 0 && r->t1 < t2)
        t1 = r->t1;
    if (t1 > t2)
        t1 = t2;
    l->t1_secs = t1;
    l->t2_secs = t2;
}

static void bind(struct dhcp_client *c, uint64_t now, const struct dhcp_reply *r,
                 struct dhcp_action *a)
{
    struct dhcp_lease l;
    lease_from_ack(r, &l);
    if (c->state == DHCP_RENEWING)
        c->stats.renewals++;
    else if (c->state == DHCP_REBINDING)
        c->stats.rebinds++;
    if (c->have_lease && c->lease.addr == l.addr && c->lease.prefixlen == l.prefixlen &&
        c->lease.router == l.router) {
        a->extended = true;
    } else {
        lose_lease(c, a);
        a->apply = true;
    }
    a->lease = l;
    c->lease = l;
    c->have_lease = true;
    c->state = DHCP_BOUND;
    /* the lease runs from when the request went out (RFC 2131 4.4.1) */
    uint64_t t0 = c->exchange_start;
    c->t1_at = at(t0, l.t1_secs);
    c->t2_at = at(t0, l.t2_secs);
    c->expire_at = at(t0, l.lease_secs);
    c->next_ms = c->t1_at;
    (void)now;
}

/* RFC 5227 2.1.1: the acknowledged address is not used until nobody answered for it. The
 * ACK waits in c->offer; the lease still runs from when the REQUEST went out. */
static void start_probing(struct dhcp_client *c, uint64_t now, const struct dhcp_reply *r)
{
    c->offer = *r;
    c->state = DHCP_PROBING;
    c->probes_sent = 0;
    c->next_ms = now + next_rand(c) % (DHCP_PROBE_WAIT_MS + 1);
}

static void probe_timeout(struct dhcp_client *c, uint64_t now, struct dhcp_action *a)
{
    if (c->probes_sent < DHCP_PROBE_NUM) {
        a->probe = true;
        a->probe_addr = c->offer.yiaddr;
        c->probes_sent++;
        c->stats.probes++;
        c->next_ms = now + (c->probes_sent < DHCP_PROBE_NUM
                            ? DHCP_PROBE_MIN_MS + next_rand(c) % (DHCP_PROBE_MAX_MS - DHCP_PROBE_MIN_MS + 1)
                            : DHCP_ANNOUNCE_WAIT_MS);
        return;
    }
    struct dhcp_reply ack = c->offer;
    bind(c, now, &ack, a);
}

bool dhcp_client_arp_conflicts(const struct dhcp_client *c, uint32_t sip, uint32_t tip)
{
    uint32_t addr = c->offer.yiaddr;
    /* someone uses it (any ARP with it as sender), or probes for it as we do (RFC 5227
     * 2.1.1: sender 0.0.0.0, target the address) */
    return c->state == DHCP_PROBING && addr && (sip == addr || (sip == 0 && tip == addr));
}

void dhcp_client_arp(struct dhcp_client *c, uint64_t now, uint32_t sip, uint32_t tip,
                     struct dhcp_action *a)
{
    memset(a, 0, sizeof(*a));
    if (!dhcp_client_arp_conflicts(c, sip, tip))
        return;
    c->stats.conflicts++;
    /* RFC 2131 3.1.5 and table 5: DECLINE names the address (option 50) and the server
     * (option 54), ciaddr 0, by broadcast; then start over, but not before 10 s */
    prepare(c, now, a, DHCPDECLINE);
    a->out.requested_ip = c->offer.yiaddr;
    a->out.server_id = c->offer.server_id ? c->offer.server_id : c->offer.siaddr;
    a->out.hostname = NULL;
    c->state = DHCP_INIT;
    c->next_ms = now + DHCP_DECLINE_DELAY_MS;
}

void dhcp_client_release(struct dhcp_client *c, uint64_t now, struct dhcp_action *a)
{
    memset(a, 0, sizeof(*a));
    if (!c->have_lease)
        return;
    /* RFC 2131 4.4.6 and table 5: a new xid, ciaddr our address, option 54 the server,
     * unicast to it from our address; then the address is no longer ours */
    c->xid = next_rand(c);
    c->exchange_start = now;
    prepare(c, now, a, DHCPRELEASE);
    a->out.ciaddr = c->lease.addr;
    a->out.server_id = c->lease.server_id;
    a->out.hostname = NULL;
    a->src = c->lease.addr;
    a->dst = c->lease.server_id;
    lose_lease(c, a);
    c->state = DHCP_RELEASED;
    c->next_ms = NEVER;
}

void dhcp_client_rx(struct dhcp_client *c, uint64_t now, const struct dhcp_reply *r,
                    struct dhcp_action *a)
{
    memset(a, 0, sizeof(*a));
    if (r->xid != c->xid || memcmp(r->chaddr, c->mac, 6) != 0 || !dhcp_client_listening(c)) {
        c->stats.ignored++;
        return;
    }
    switch (r->type) {
    case DHCPOFFER:
        if (c->state != DHCP_SELECTING || !r->yiaddr || (!r->server_id && !r->siaddr)) {
            c->stats.ignored++;
            return;
        }
        c->stats.offers++;
        c->offer = *r;
        if (!c->offer.server_id)
            c->offer.server_id = r->siaddr;
        c->state = DHCP_REQUESTING;
        c->tries = 0;
        c->backoff_ms = DHCP_BACKOFF_FIRST_MS;
        send_select_request(c, now, a);
        return;
    case DHCPACK:
        if (c->state == DHCP_SELECTING || c->state == DHCP_PROBING || !r->yiaddr) {
            c->stats.ignored++;
            return;
        }
        c->stats.acks++;
        if (c->probe && c->state == DHCP_REQUESTING)
            start_probing(c, now, r);
        else
            bind(c, now, r, a);
        return;
    case DHCPNAK:
        if (c->state == DHCP_SELECTING) {
            c->stats.ignored++;
            return;
        }
        /* the server says our address is wrong here: drop it and start over shortly
         * (a short pause keeps a confused server from making us flood it) */
        c->stats.naks++;
        lose_lease(c, a);
        c->state = DHCP_INIT;
        c->next_ms = now + DHCP_NAK_DELAY_MS;
        return;
    default:
        c->stats.ignored++;
        return;
    }
}

void dhcp_client_timeout(struct dhcp_client *c, uint64_t now, struct dhcp_action *a)
{
    memset(a, 0, sizeof(*a));
    if (now < c->next_ms)
        return;
    switch (c->state) {
    case DHCP_RELEASED:
        c->next_ms = NEVER;
        return;
    case DHCP_PROBING:
        probe_timeout(c, now, a);
        return;
    case DHCP_INIT:
        new_exchange(c, now);
        send_discover(c, now, a);
        return;
    case DHCP_SELECTING:
        send_discover(c, now, a);            /* same xid: a late offer still counts */
        return;
    case DHCP_REQUESTING:
        if (c->tries >= DHCP_REQUEST_TRIES) {
            c->stats.request_timeouts++;
            new_exchange(c, now);
            send_discover(c, now, a);
            return;
        }
        send_select_request(c, now, a);
        return;
    case DHCP_BOUND:
    case DHCP_RENEWING:
    case DHCP_REBINDING:
        if (now >= c->expire_at) {
            c->stats.expiries++;
            lose_lease(c, a);
            new_exchange(c, now);
            send_discover(c, now, a);
            return;
        }
        if (c->state != DHCP_REBINDING && now >= c->t2_at) {
            c->state = DHCP_REBINDING;
            new_exchange(c, now);
        } else if (c->state == DHCP_BOUND) {
            c->state = DHCP_RENEWING;
            new_exchange(c, now);
        }
        send_extend_request(c, now, a);
        return;
    }
}
