/* net/ipv4/ip_hdr.c - IPv4 header parse/emit and address text helpers (see ip_hdr.h). */
#include "net/ipv4/ip_hdr.h"
#include "kernel/lib/unaligned.h"
#include "net/core/checksum.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"


/* Walk the options area (RFC 791 section 3.1): END stops, NOOP is one byte, every other
 * option is type, length (>= 2, within the header), data. */
static int check_options(const uint8_t *o, size_t n, struct ipv4_repr *r)
{
    size_t i = 0;
    while (i < n) {
        uint8_t type = o[i];
        if (type == IPOPT_END)
            break;
        if (type == IPOPT_NOOP) {
            i++;
            continue;
        }
        if (i + 1 >= n)
            return IPV4_ERR_OPTIONS;
        uint8_t olen = o[i + 1];
        if (olen < 2 || olen > n - i)
            return IPV4_ERR_OPTIONS;
        if (type == IPOPT_LSRR || type == IPOPT_SSRR)
            r->source_route = true;
        i += olen;
    }
    return IPV4_PARSE_OK;
}

/* One hop's entry in a Record Route option o (len bytes): our address at the pointer,
 * unless the option is full. */
static void rr_record(uint8_t *o, unsigned len, uint32_t addr)
{
    unsigned ptr = o[2];
    if (ptr + 3 > len)
        return;                               /* full: passed on as it is */
    memcpy(o + ptr - 1, &addr, 4);
    o[2] = (uint8_t)(ptr + 4);
}

/* One hop's entry in a Timestamp option: by its flags, a timestamp, our address and a
 * timestamp, or a timestamp where the next listed address is ours. No room: the
 * overflow count (high nibble of byte 3) goes up, up to 15. */
static void ts_record(uint8_t *o, unsigned len, uint32_t addr, uint32_t ts)
{
    unsigned ptr = o[2], flags = o[3] & 0xf;
    unsigned size = flags == IPOPT_TS_TSONLY ? 4 : 8;
    if (ptr + size - 1 > len) {
        if ((o[3] >> 4) < 15)
            o[3] = (uint8_t)(o[3] + 0x10);
        return;
    }
    if (flags == IPOPT_TS_TSONLY) {
        put_unaligned_be32(ts, o + ptr - 1);
    } else if (flags == IPOPT_TS_TSANDADDR) {
        memcpy(o + ptr - 1, &addr, 4);
        put_unaligned_be32(ts, o + ptr + 3);
    } else {
        if (memcmp(o + ptr - 1, &addr, 4) != 0)
            return;                           /* not our turn */
        put_unaligned_be32(ts, o + ptr + 3);
    }
    o[2] = (uint8_t)(ptr + size);
}

unsigned ip_options_echo(uint8_t *dst, const uint8_t *src, unsigned n, uint32_t addr,
                         uint32_t ts)
{
    unsigned out = 0;
    n = n > IPV4_MAX_HLEN - IPV4_MIN_HLEN ? IPV4_MAX_HLEN - IPV4_MIN_HLEN : n;
    for (unsigned i = 0; i < n;) {
        uint8_t type = src[i];
        if (type == IPOPT_END)
            break;
        if (type == IPOPT_NOOP) {
            i++;
            continue;
        }
        if (i + 1 >= n || src[i + 1] < 2 || src[i + 1] > n - i)
            break;
        unsigned len = src[i + 1];
        bool rr = type == IPOPT_RR && len >= 3 && src[i + 2] >= 4;
        bool tsopt = type == IPOPT_TS && len >= 4 && src[i + 2] >= 5 &&
                     ((src[i + 3] & 0xf) == IPOPT_TS_TSONLY ||
                      (src[i + 3] & 0xf) == IPOPT_TS_TSANDADDR ||
                      (src[i + 3] & 0xf) == IPOPT_TS_PRESPEC);
        if (rr || tsopt) {
            uint8_t *o = dst + out;
            memcpy(o, src + i, len);
            for (int hop = 0; hop < 2; hop++) {
                if (rr)
                    rr_record(o, len, addr);
                else
                    ts_record(o, len, addr, ts);
            }
            out += len;
        }
        i += len;
    }
    while (out % 4)
        dst[out++] = IPOPT_END;
    return out;
}

int ipv4_hdr_parse(const void *buf, size_t len, unsigned flags, struct ipv4_repr *r)
{
    const uint8_t *p = buf;
    memset(r, 0, sizeof(*r));
    if (len < IPV4_MIN_HLEN)
        return IPV4_ERR_TRUNCATED;
    if ((p[0] >> 4) != 4)
        return IPV4_ERR_VERSION;
    unsigned hlen = (unsigned)(p[0] & 0xf) * 4;
    if (hlen < IPV4_MIN_HLEN)
        return IPV4_ERR_IHL;
    if (len < hlen)
        return IPV4_ERR_TRUNCATED;
    unsigned tot = get_unaligned_be16(p + 2);
    if (tot < hlen)
        return IPV4_ERR_TOTLEN;
    if (len < tot)
        return IPV4_ERR_TRUNCATED;
    if (!(flags & IPV4_PARSE_NO_CSUM) && ip_fast_csum(p, hlen / 4) != 0)
        return IPV4_ERR_CSUM;

    r->tos = p[1];
    r->tot_len = (uint16_t)tot;
    r->hlen = (uint8_t)hlen;
    r->payload_len = (uint16_t)(tot - hlen);
    r->id = get_unaligned_be16(p + 4);
    uint16_t fo = get_unaligned_be16(p + 6);
    r->df = fo & IP_DF;
    r->mf = fo & IP_MF;
    r->frag_off = (uint16_t)((fo & IP_OFFSET) * 8);
    r->ttl = p[8];
    r->protocol = p[9];
    memcpy(&r->saddr, p + 12, 4);
    memcpy(&r->daddr, p + 16, 4);

    /* A fragment reaching past the largest datagram is the "ping of death". */
    if ((unsigned)r->frag_off + r->payload_len > IP_MAX_PACKET)
        return IPV4_ERR_FRAG;
    if (r->mf && (r->payload_len == 0 || (r->payload_len & 7)))
        return IPV4_ERR_FRAG;
    if (hlen > IPV4_MIN_HLEN)
        return check_options(p + IPV4_MIN_HLEN, hlen - IPV4_MIN_HLEN, r);
    return IPV4_PARSE_OK;
}

size_t ipv4_hdr_emit(const struct ipv4_repr *r, void *buf, size_t len)
{
    if (len < IPV4_MIN_HLEN || (unsigned)r->payload_len + IPV4_MIN_HLEN > IP_MAX_PACKET)
        return 0;
    uint8_t *p = buf;
    unsigned tot = (unsigned)r->payload_len + IPV4_MIN_HLEN;
    uint16_t fo = (uint16_t)((r->frag_off / 8) & IP_OFFSET);
    if (r->df)
        fo |= IP_DF;
    if (r->mf)
        fo |= IP_MF;
    p[0] = 0x45;
    p[1] = r->tos;
    put_unaligned_be16((uint16_t)tot, p + 2);
    put_unaligned_be16(r->id, p + 4);
    put_unaligned_be16(fo, p + 6);
    p[8] = r->ttl;
    p[9] = r->protocol;
    p[10] = p[11] = 0;
    memcpy(p + 12, &r->saddr, 4);
    memcpy(p + 16, &r->daddr, 4);
    __sum16 c = ip_fast_csum(p, 5);
    memcpy(p + 10, &c, 2);
    return IPV4_MIN_HLEN;
}

const char *in_aton(const char *s, uint32_t *addr)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++) {
        if (i && *s++ != '.')
            return NULL;
        if (*s < '0' || *s > '9')
            return NULL;
        unsigned v = 0, digits = 0;
        while (*s >= '0' && *s <= '9') {
            v = v * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3 || v > 255)
                return NULL;
        }
        b[i] = (uint8_t)v;
    }
    memcpy(addr, b, 4);
    return s;
}

char *in_ntoa(uint32_t addr, char *buf)
{
    const uint8_t *b = (const uint8_t *)&addr;
    snprintf(buf, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return buf;
}
