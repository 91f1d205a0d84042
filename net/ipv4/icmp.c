/* net/ipv4/icmp.c - ICMP for a host (RFC 792, RFC 1122 section 3.2.2):
 *   - echo requests are answered with the same id, sequence and data, whatever their
 *     size (a reassembled 8000-byte ping gets an 8000-byte reply, fragmented on output);
 *     requests sent to a broadcast or multicast address are ignored, as Linux does;
 *   - errors we send (port and protocol unreachable, reassembly timeout) follow RFC
 *     1122's "never about" rules and Linux's rate limits (per destination, then global);
 *   - errors we receive are checked to be about a datagram we sent and handed to its
 *     protocol's err_handler (UDP turns port unreachable into ECONNREFUSED);
 *   - echo replies wake an in-kernel pinger (icmp_ping). */
#include "net/ipv4/icmp.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/route.h"
#include "net/ipv4/inetdevice.h"
#include "net/core/checksum.h"
#include "net/socket.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/lib/hash.h"

struct icmp_mib icmpstats;
#define ICMP_INC(f) do { unsigned long __f = local_irq_save(); icmpstats.f++; \
                         local_irq_restore(__f); } while (0)

/* --- sending --- */

/* Build and send one ICMP message to daddr: header fields from r, data copied from
 * r->data, IP options opt[0..optlen) (a multiple of 4, at most 40) after the header.
 * saddr 0 = the route's choice. */
static int icmp_xmit(uint32_t daddr, uint32_t saddr, uint8_t tos, const struct icmp_repr *r,
                     const uint8_t *opt, unsigned optlen)
{
    struct flowi4 fl4;
    int err;
    struct rtable *rt = ip_route_output_ports(&fl4, daddr, saddr, 0, 0, IPPROTO_ICMP, tos, 0, &err);
    if (!rt) {
        ICMP_INC(OutErrors);
        return err;
    }
    unsigned int n = ICMP_HLEN + (unsigned int)r->data_len;
    struct sk_buff *skb = alloc_skb(IP_OUT_HEADROOM + optlen + n);
    if (!skb) {
        ip_rt_put(rt);
        ICMP_INC(OutErrors);
        return -ENOBUFS;
    }
    skb_reserve(skb, IP_OUT_HEADROOM + optlen);
    skb_reset_transport_header(skb);
    icmp_hdr_emit(r, skb_put(skb, n), n);
    /* echo replies and errors may be fragmented: no DF (Linux's IP_PMTUDISC_DONT) */
    if (optlen)
        memcpy(skb_push(skb, optlen), opt, optlen);
    ip_build_header(skb, rt, fl4.saddr, daddr, IPPROTO_ICMP, IPDEFTTL, tos, false);
    if (optlen) {
        /* the options sit between the 20-byte header and the message: widen the header */
        struct iphdr *h = ip_hdr(skb);
        h->ihl = (uint8_t)((IPV4_MIN_HLEN + optlen) / 4);
        h->check = 0;
        h->check = ip_fast_csum(h, h->ihl);
    }
    IPCB(skb)->rt = rt;
    ICMP_INC(OutMsgs);
    err = ip_local_out(NULL, skb);
    ip_rt_put(rt);
    return err;
}

/* The global cap: ICMP_MSGS_PER_SEC tokens a second, at most ICMP_MSGS_BURST saved. */
static uint64_t bucket_tokens = ICMP_MSGS_BURST;
static uint64_t bucket_stamp;
static bool bucket_started;

/* Per destination: a token count in jiffies (Linux's inet_peer_xrlim_allow). Sets of
 * ICMP_PEER_WAYS slots chosen by hash; a new peer takes its set's least recently used
 * slot, starting with a full burst as a new inet_peer does. */
#define ICMP_PEER_WAYS 4
struct icmp_peer {
    uint32_t daddr;             /* 0 = free */
    uint64_t rate_tokens;       /* jiffies of credit, at most ICMP_RATE_BURST * ICMP_RATELIMIT */
    uint64_t rate_last;         /* jiffies at the last check */
};
static struct icmp_peer peers[ICMP_PEERS];

void icmp_ratelimit_reset(void)
{
    unsigned long f = local_irq_save();
    bucket_tokens = ICMP_MSGS_BURST;
    bucket_started = false;
    memset(peers, 0, sizeof(peers));
    local_irq_restore(f);
}

static void global_refill(uint64_t now)
{
    if (!bucket_started) {
        bucket_started = true;
        bucket_stamp = now;
    }
    uint64_t add = (now - bucket_stamp) * ICMP_MSGS_PER_SEC / HZ;
    if (add) {
        bucket_tokens = MIN(bucket_tokens + add, (uint64_t)ICMP_MSGS_BURST);
        bucket_stamp = now;
    }
}

static struct icmp_peer *icmp_peer_get(uint32_t daddr, uint64_t now)
{
    unsigned set = (hash_mix32(daddr) % (ICMP_PEERS / ICMP_PEER_WAYS)) * ICMP_PEER_WAYS;
    struct icmp_peer *victim = &peers[set];
    for (unsigned w = 0; w < ICMP_PEER_WAYS; w++) {
        struct icmp_peer *p = &peers[set + w];
        if (p->daddr == daddr)
            return p;
        if (!p->daddr || (victim->daddr && time_before(p->rate_last, victim->rate_last)))
            victim = p;
    }
    victim->daddr = daddr;
    victim->rate_tokens = (uint64_t)ICMP_RATE_BURST * ICMP_RATELIMIT;
    victim->rate_last = now;
    return victim;
}

/* May an error go to daddr now? Checks the global cap (without spending from it), then
 * the destination's own allowance, and spends from both only when both agree. */
static bool icmp_rate_allow(uint8_t type, uint8_t code, uint32_t daddr)
{
    if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
        return true;
    unsigned long f = local_irq_save();
    uint64_t now = jiffies;
    global_refill(now);
    bool ok = false;
    if (!bucket_tokens) {
        icmpstats.OutRateLimitGlobal++;
        goto out;
    }
    struct icmp_peer *p = icmp_peer_get(daddr, now);
    uint64_t tokens = p->rate_tokens + (now - p->rate_last);
    tokens = MIN(tokens, (uint64_t)ICMP_RATE_BURST * ICMP_RATELIMIT);
    p->rate_last = now;
    if (tokens >= ICMP_RATELIMIT) {
        tokens -= ICMP_RATELIMIT;
        bucket_tokens--;
        ok = true;
    } else {
        icmpstats.OutRateLimitHost++;
    }
    p->rate_tokens = tokens;
out:
    local_irq_restore(f);
    return ok;
}

void icmp_send(struct sk_buff *skb_in, uint8_t type, uint8_t code, uint32_t info)
{
    const uint8_t *nh = skb_network_header(skb_in);
    if (skb_in->network_header == 0xffff || nh < skb_in->head || nh + IPV4_MIN_HLEN > skb_in->tail)
        return;
    const struct iphdr *iph = (const struct iphdr *)nh;
    unsigned int avail = (unsigned int)(skb_in->tail - nh);
    unsigned int hlen = iph->ihl * 4u;
    if (hlen < IPV4_MIN_HLEN || hlen > avail) {
        ICMP_INC(err_suppressed);
        return;
    }
    /* RFC 1122 section 3.2.2: never about a non-first fragment, a broadcast or
     * multicast, a packet from an address that does not name one host, or an ICMP
     * error (that way lie storms) */
    struct net_device *dev = skb_in->dev;
    if ((ntohs(iph->frag_off) & IP_OFFSET) ||
        skb_in->pkt_type == PACKET_BROADCAST || skb_in->pkt_type == PACKET_MULTICAST ||
        ipv4_is_multicast(iph->daddr) || inet_addr_is_broadcast(dev, iph->daddr) ||
        ipv4_is_zeronet(iph->saddr) ||
        (ipv4_is_loopback(iph->saddr) && !(dev && (dev->flags & IFF_LOOPBACK))) ||
        ipv4_is_multicast(iph->saddr) || ipv4_is_reserved(iph->saddr) ||
        inet_addr_is_broadcast(dev, iph->saddr)) {
        ICMP_INC(err_suppressed);
        return;
    }
    if (iph->protocol == IPPROTO_ICMP) {
        if (avail < hlen + 1) {
            ICMP_INC(err_suppressed);
            return;
        }
        uint8_t t = nh[hlen];
        if (t >= NR_ICMP_TYPES || icmp_is_err(t)) {
            ICMP_INC(err_suppressed);
            return;
        }
    }
    if (!icmp_rate_allow(type, code, iph->saddr))
        return;
    /* quote as much of the datagram as fits in 576 bytes (RFC 1812 section 4.3.2.3) */
    unsigned int quote = MIN(avail, (unsigned int)ntohs(iph->tot_len));
    quote = MIN(quote, 576u - IPV4_MIN_HLEN - ICMP_HLEN);
    struct icmp_repr r = { .type = type, .code = code, .data = nh, .data_len = quote };
    if (type == ICMP_DEST_UNREACH)
        r.un.frag.mtu = code == ICMP_FRAG_NEEDED ? (uint16_t)info : 0;
    else
        r.un.raw = htonl(info);
    /* from the address the datagram was sent to, when it is ours */
    uint32_t saddr = inet_addr_is_local(NULL, iph->daddr) ? iph->daddr : 0;
    if (icmp_xmit(iph->saddr, saddr, iph->tos, &r, NULL, 0) == 0) {
        if (type == ICMP_DEST_UNREACH)
            ICMP_INC(OutDestUnreachs);
        else if (type == ICMP_TIME_EXCEEDED)
            ICMP_INC(OutTimeExcds);
        else if (type == ICMP_PARAMETERPROB)
            ICMP_INC(OutParmProbs);
    }
}

/* --- the in-kernel pinger --- */

static struct {
    bool active, got;
    uint32_t daddr;
    uint16_t id, seq;
    uint64_t rx_ns;
} pinger;
static DECLARE_WAIT_QUEUE_HEAD(ping_wq);

int64_t icmp_ping(uint32_t daddr, uint16_t id, uint16_t seq, unsigned int payload_len,
                  uint64_t timeout_ns)
{
    if (payload_len > IP_MAX_PACKET - IPV4_MIN_HLEN - ICMP_HLEN)
        return -EMSGSIZE;
    /* byte i of the payload is i * 7 + 3, which repeats every 256 bytes: the pattern
     * is made once (as ping(8) fills its packet once), a longer payload is copied from
     * it in 256-byte runs */
    static uint8_t pattern[256];
    static bool pattern_ready;
    if (!pattern_ready) {
        for (unsigned int i = 0; i < sizeof(pattern); i++)
            pattern[i] = (uint8_t)(i * 7 + 3);
        pattern_ready = true;
    }
    const uint8_t *data = pattern;
    uint8_t *buf = NULL;
    if (payload_len > sizeof(pattern)) {
        buf = kmalloc(payload_len);
        if (!buf)
            return -ENOMEM;
        for (unsigned int i = 0; i < payload_len; i += sizeof(pattern))
            memcpy(buf + i, pattern, MIN(sizeof(pattern), payload_len - i));
        data = buf;
    }
    unsigned long f = local_irq_save();
    if (pinger.active) {
        local_irq_restore(f);
        kfree(buf);
        return -EBUSY;
    }
    pinger.active = true;
    pinger.got = false;
    pinger.daddr = daddr;
    pinger.id = id;
    pinger.seq = seq;
    local_irq_restore(f);

    struct icmp_repr r = { .type = ICMP_ECHO, .un.echo = { id, seq }, .data = data,
                           .data_len = payload_len };
    uint64_t t0 = ktime_get_ns();
    int err = icmp_xmit(daddr, 0, 0, &r, NULL, 0);
    kfree(buf);
    int64_t ret;
    if (err < 0) {
        ret = err;
    } else {
        ICMP_INC(OutEchos);
        bool ok = wait_event_timeout(ping_wq, READ_ONCE(pinger.got), timeout_ns);
        ret = ok ? (int64_t)(pinger.rx_ns - t0) : -ETIMEDOUT;
        if (ret == 0)
            ret = 1;
    }
    f = local_irq_save();
    pinger.active = false;
    local_irq_restore(f);
    return ret;
}

static void icmp_echo_reply(const struct iphdr *iph, const struct icmp_repr *r)
{
    unsigned long f = local_irq_save();
    bool match = pinger.active && !pinger.got && pinger.daddr == iph->saddr &&
                 pinger.id == r->un.echo.id && pinger.seq == r->un.echo.seq;
    if (match) {
        pinger.got = true;
        pinger.rx_ns = ktime_get_ns();
    }
    local_irq_restore(f);
    if (match)
        wake_up(&ping_wq);
}

/* --- receiving --- */

/* RFC 791 timestamps are milliseconds since midnight UT; with no time of day here the
 * value is the time since boot with the high bit set, RFC 791's mark of a non-standard
 * value. */
static uint32_t icmp_timestamp(void)
{
    return (uint32_t)(ktime_get_ns() / NSEC_PER_MSEC) | 0x80000000u;
}

static void icmp_echo(const struct iphdr *iph, const struct icmp_repr *req)
{
    struct icmp_repr rep = *req;
    rep.type = ICMP_ECHOREPLY;
    rep.code = 0;
    /* Record Route and Timestamp come back filled in (RFC 1122 3.2.2.6) */
    uint8_t opt[IPV4_MAX_HLEN - IPV4_MIN_HLEN];
    unsigned optlen = 0;
    if (iph->ihl > 5)
        optlen = ip_options_echo(opt, (const uint8_t *)iph + IPV4_MIN_HLEN,
                                 iph->ihl * 4u - IPV4_MIN_HLEN, iph->daddr, icmp_timestamp());
    /* reply from the address the request was sent to (it is ours: no broadcasts here) */
    if (icmp_xmit(iph->saddr, iph->daddr, iph->tos, &rep, opt, optlen) == 0)
        ICMP_INC(OutEchoReps);
}

/* An error about something we sent: the quoted header must name one of our addresses
 * as its source; then the protocol finds the socket. */
static void icmp_unreach(struct sk_buff *skb, const struct iphdr *outer, const struct icmp_repr *r)
{
    const struct iphdr *inner = (const struct iphdr *)r->data;
    if (!inet_addr_is_local(NULL, inner->saddr)) {
        ICMP_INC(in_err_not_ours);
        return;
    }
    (void)outer;
    uint32_t info = 0;
    if (r->type == ICMP_DEST_UNREACH && r->code == ICMP_FRAG_NEEDED)
        info = r->un.frag.mtu;
    else if (r->type == ICMP_PARAMETERPROB)
        info = ntohl(r->un.raw) >> 24;
    const struct net_protocol *p = inet_get_protocol(inner->protocol);
    if (p && p->err_handler)
        p->err_handler(skb, inner, r->type, r->code, info);
}

int icmp_rcv(struct sk_buff *skb)
{
    ICMP_INC(InMsgs);
    struct icmp_repr r;
    int e = icmp_hdr_parse(skb->data, skb->len, 0, &r);
    if (e) {
        if (e == ICMP_ERR_CSUM)
            ICMP_INC(InCsumErrors);
        else if (e == ICMP_ERR_TRUNCATED)
            ICMP_INC(in_truncated);
        else
            ICMP_INC(in_bad_inner);
        ICMP_INC(InErrors);
        kfree_skb(skb);
        return -1;
    }
    const struct iphdr *iph = ip_hdr(skb);
    bool to_group = ipv4_is_multicast(iph->daddr) || (IPCB(skb)->flags & IPSKB_BROADCAST);
    switch (r.type) {
    case ICMP_ECHO:
        ICMP_INC(InEchos);
        if (to_group)
            ICMP_INC(in_bcast_echo_ignored);     /* Linux's icmp_echo_ignore_broadcasts */
        else
            icmp_echo(iph, &r);
        break;
    case ICMP_ECHOREPLY:
        ICMP_INC(InEchoReps);
        icmp_echo_reply(iph, &r);
        break;
    case ICMP_DEST_UNREACH:
    case ICMP_TIME_EXCEEDED:
    case ICMP_PARAMETERPROB:
        if (r.type == ICMP_DEST_UNREACH)
            ICMP_INC(InDestUnreachs);
        else if (r.type == ICMP_TIME_EXCEEDED)
            ICMP_INC(InTimeExcds);
        else
            ICMP_INC(InParmProbs);
        if (to_group)
            ICMP_INC(err_suppressed);            /* errors are never sent to groups */
        else
            icmp_unreach(skb, iph, &r);
        break;
    case ICMP_SOURCE_QUENCH:
        ICMP_INC(InSrcQuenchs);                  /* deprecated, RFC 6633: ignored */
        break;
    case ICMP_REDIRECT:
        ICMP_INC(InRedirects);                   /* a host with static routes ignores them */
        break;
    default:
        ICMP_INC(in_unknown_type);
        break;
    }
    consume_skb(skb);
    return 0;
}

static const struct net_protocol icmp_protocol = {
    .handler = icmp_rcv,
};

void icmp_init(void)
{
    inet_add_protocol(&icmp_protocol, IPPROTO_ICMP);
}

void icmp_stats_dump(void)
{
    const struct icmp_mib *s = &icmpstats;
#define U(x) (unsigned long long)(x)
    printk("Icmp: InMsgs %llu InErrors %llu InCsumErrors %llu InDestUnreachs %llu"
           " InTimeExcds %llu InParmProbs %llu InSrcQuenchs %llu InRedirects %llu"
           " InEchos %llu InEchoReps %llu\n", U(s->InMsgs), U(s->InErrors),
           U(s->InCsumErrors), U(s->InDestUnreachs), U(s->InTimeExcds), U(s->InParmProbs),
           U(s->InSrcQuenchs), U(s->InRedirects), U(s->InEchos), U(s->InEchoReps));
    printk("Icmp: OutMsgs %llu OutErrors %llu OutRateLimitGlobal %llu OutRateLimitHost %llu"
           " OutDestUnreachs %llu OutTimeExcds %llu OutParmProbs %llu OutEchos %llu"
           " OutEchoReps %llu\n", U(s->OutMsgs), U(s->OutErrors), U(s->OutRateLimitGlobal),
           U(s->OutRateLimitHost), U(s->OutDestUnreachs),
           U(s->OutTimeExcds), U(s->OutParmProbs), U(s->OutEchos), U(s->OutEchoReps));
    printk("Icmp drops: truncated %llu bad_inner %llu bcast_echo %llu unknown_type %llu"
           " err_not_ours %llu; errors not sent (RFC 1122) %llu\n", U(s->in_truncated),
           U(s->in_bad_inner), U(s->in_bcast_echo_ignored), U(s->in_unknown_type),
           U(s->in_err_not_ours), U(s->err_suppressed));
#undef U
}
