/* net/ipv4/dhcp_msg.c - DHCP message build and parse (see dhcp_msg.h). Layout (RFC 2131
 * section 2, figure 1): op htype hlen hops | xid | secs flags | ciaddr | yiaddr | siaddr |
 * giaddr | chaddr(16) | sname(64) | file(128) | cookie 99.130.83.99 | options. */
#include "net/ipv4/dhcp_msg.h"
#include "kernel/lib/unaligned.h"
#include "kernel/lib/string.h"

static const uint8_t cookie[4] = { 99, 130, 83, 99 };

#define OFF_XID    4
#define OFF_SECS   8
#define OFF_FLAGS  10
#define OFF_CIADDR 12
#define OFF_YIADDR 16
#define OFF_SIADDR 20
#define OFF_GIADDR 24
#define OFF_CHADDR 28
#define OFF_SNAME  44
#define OFF_FILE   108
#define OFF_COOKIE 236


/* Option writer that never runs past the end (leaving room for the END option). */
struct opt_writer { uint8_t *p; size_t left; bool overflow; };

static void put_opt(struct opt_writer *w, uint8_t code, const void *data, uint8_t len)
{
    if (w->left < (size_t)len + 2 + 1) {
        w->overflow = true;
        return;
    }
    w->p[0] = code;
    w->p[1] = len;
    memcpy(w->p + 2, data, len);
    w->p += len + 2;
    w->left -= (size_t)len + 2;
}

size_t dhcp_build(const struct dhcp_out *o, void *buf, size_t len)
{
    if (len < BOOTP_MIN_LEN)
        return 0;
    size_t max = len < DHCP_MAX_MSG ? len : DHCP_MAX_MSG;
    uint8_t *b = buf;
    memset(b, 0, max);
    b[0] = BOOTREQUEST;
    b[1] = 1;                                  /* htype Ethernet */
    b[2] = 6;                                  /* hlen */
    put_unaligned_be32(o->xid, b + OFF_XID);
    put_unaligned_be16(o->secs, b + OFF_SECS);
    memcpy(b + OFF_CIADDR, &o->ciaddr, 4);     /* already network order */
    memcpy(b + OFF_CHADDR, o->chaddr, 6);
    memcpy(b + OFF_COOKIE, cookie, 4);
    struct opt_writer w = { b + OFF_COOKIE + 4, max - OFF_COOKIE - 4, false };
    put_opt(&w, DHO_MSG_TYPE, &o->type, 1);
    uint8_t cid[7] = { 1 };                    /* client identifier: htype + MAC (RFC 2132 9.14) */
    memcpy(cid + 1, o->chaddr, 6);
    put_opt(&w, DHO_CLIENT_ID, cid, sizeof(cid));
    if (o->requested_ip)
        put_opt(&w, DHO_REQUESTED_IP, &o->requested_ip, 4);
    if (o->server_id)
        put_opt(&w, DHO_SERVER_ID, &o->server_id, 4);
    if (o->type == DHCPDISCOVER || o->type == DHCPREQUEST) {
        static const uint8_t params[] = { DHO_SUBNET_MASK, DHO_ROUTER, DHO_DNS, DHO_LEASE_TIME,
                                           DHO_T1, DHO_T2 };
        put_opt(&w, DHO_PARAM_REQ, params, sizeof(params));
        uint8_t mms[2];
        put_unaligned_be16(DHCP_MAX_MSG, mms);
        put_opt(&w, DHO_MAX_MSG_SIZE, mms, 2);
        if (o->hostname) {
            size_t hl = strlen(o->hostname);
            put_opt(&w, DHO_HOSTNAME, o->hostname, (uint8_t)(hl > 63 ? 63 : hl));
        }
    }
    if (w.overflow)
        return 0;
    *w.p++ = DHO_END;
    size_t used = (size_t)(w.p - b);
    return used < BOOTP_MIN_LEN ? BOOTP_MIN_LEN : used;
}

/* Walk one option area. Returns 0, or DHCP_ERR_OPTION for an option running past it. */
static int parse_options(const uint8_t *p, size_t len, struct dhcp_reply *r, uint8_t *overload)
{
    size_t i = 0;
    while (i < len) {
        uint8_t code = p[i];
        if (code == DHO_PAD) {
            i++;
            continue;
        }
        if (code == DHO_END)
            return 0;
        if (i + 1 >= len || i + 2 + p[i + 1] > len)
            return DHCP_ERR_OPTION;
        uint8_t ol = p[i + 1];
        const uint8_t *v = p + i + 2;
        switch (code) {
        case DHO_MSG_TYPE:
            if (ol != 1)
                return DHCP_ERR_OPTION;
            r->type = v[0];
            break;
        case DHO_SUBNET_MASK:
            if (ol != 4)
                return DHCP_ERR_OPTION;
            memcpy(&r->subnet_mask, v, 4);
            r->has_mask = true;
            break;
        case DHO_ROUTER:
            if (ol < 4 || ol % 4)
                return DHCP_ERR_OPTION;
            memcpy(&r->router, v, 4);          /* the first is the preferred one */
            break;
        case DHO_DNS:
            if (ol < 4 || ol % 4)
                return DHCP_ERR_OPTION;
            for (unsigned k = 0; k < ol / 4u && r->ndns < DHCP_MAX_DNS; k++)
                memcpy(&r->dns[r->ndns++], v + 4 * k, 4);
            break;
        case DHO_SERVER_ID:
            if (ol != 4)
                return DHCP_ERR_OPTION;
            memcpy(&r->server_id, v, 4);
            break;
        case DHO_LEASE_TIME:
        case DHO_T1:
        case DHO_T2:
            if (ol != 4)
                return DHCP_ERR_OPTION;
            if (code == DHO_LEASE_TIME) {
                r->lease_time = get_unaligned_be32(v);
                r->has_lease = true;
            } else if (code == DHO_T1) {
                r->t1 = get_unaligned_be32(v);
                r->has_t1 = true;
            } else {
                r->t2 = get_unaligned_be32(v);
                r->has_t2 = true;
            }
            break;
        case DHO_OVERLOAD:
            if (ol != 1 || v[0] < 1 || v[0] > 3)
                return DHCP_ERR_OPTION;
            if (overload)
                *overload = v[0];
            break;
        default:
            break;                             /* not needed: skip */
        }
        i += 2u + ol;
    }
    return 0;    /* RFC 2131 requires END, but a missing one harms nothing here */
}

int dhcp_parse(const void *buf, size_t len, struct dhcp_reply *r)
{
    const uint8_t *b = buf;
    memset(r, 0, sizeof(*r));
    if (len < DHCP_MIN_LEN)
        return DHCP_ERR_TRUNCATED;
    if (b[0] != BOOTREPLY)
        return DHCP_ERR_OP;
    if (b[1] != 1 || b[2] != 6)
        return DHCP_ERR_HTYPE;
    if (memcmp(b + OFF_COOKIE, cookie, 4) != 0)
        return DHCP_ERR_COOKIE;
    r->op = b[0];
    r->xid = get_unaligned_be32(b + OFF_XID);
    r->flags = get_unaligned_be16(b + OFF_FLAGS);
    memcpy(&r->ciaddr, b + OFF_CIADDR, 4);
    memcpy(&r->yiaddr, b + OFF_YIADDR, 4);
    memcpy(&r->siaddr, b + OFF_SIADDR, 4);
    memcpy(&r->giaddr, b + OFF_GIADDR, 4);
    memcpy(r->chaddr, b + OFF_CHADDR, 6);
    uint8_t overload = 0;
    int err = parse_options(b + OFF_COOKIE + 4, len - OFF_COOKIE - 4, r, &overload);
    /* option overload (RFC 2132 9.3): file, then sname, hold more options */
    if (!err && (overload & 1))
        err = parse_options(b + OFF_FILE, 128, r, NULL);
    if (!err && (overload & 2))
        err = parse_options(b + OFF_SNAME, 64, r, NULL);
    return err;
}

const char *dhcp_parse_strerror(int err)
{
    switch (err) {
    case DHCP_PARSE_OK: return "ok";
    case DHCP_ERR_TRUNCATED: return "truncated";
    case DHCP_ERR_OP: return "not a reply";
    case DHCP_ERR_HTYPE: return "hardware type";
    case DHCP_ERR_COOKIE: return "magic cookie";
    case DHCP_ERR_OPTION: return "option";
    default: return "?";
    }
}

const char *dhcp_type_name(uint8_t type)
{
    static const char *const names[] = { "BOOTP", "DISCOVER", "OFFER", "REQUEST", "DECLINE",
                                         "ACK", "NAK", "RELEASE", "INFORM" };
    return type < ARRAY_SIZE(names) ? names[type] : "?";
}

int dhcp_mask_to_prefix(uint32_t mask)
{
    uint32_t h = __builtin_bswap32(mask);
    int n = 0;
    while (n < 32 && (h & (0x80000000u >> n)))
        n++;
    uint32_t want = n ? ~0u << (32 - n) : 0;
    return h == want ? n : -1;
}
