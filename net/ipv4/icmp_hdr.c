/* net/ipv4/icmp_hdr.c - ICMP message parse/emit (see icmp_hdr.h). */
#include "net/ipv4/icmp_hdr.h"
#include "kernel/lib/unaligned.h"
#include "net/core/checksum.h"
#include "kernel/lib/string.h"


int icmp_hdr_parse(const void *buf, size_t len, unsigned flags, struct icmp_repr *r)
{
    const uint8_t *p = buf;
    memset(r, 0, sizeof(*r));
    if (len < ICMP_HLEN)
        return ICMP_ERR_TRUNCATED;
    if (!(flags & ICMP_PARSE_NO_CSUM) && ip_compute_csum(p, len) != 0)
        return ICMP_ERR_CSUM;
    r->type = p[0];
    r->code = p[1];
    r->data = p + ICMP_HLEN;
    r->data_len = len - ICMP_HLEN;
    switch (r->type) {
    case ICMP_ECHO:
    case ICMP_ECHOREPLY:
    case ICMP_TIMESTAMP:
    case ICMP_TIMESTAMPREPLY:
        r->un.echo.id = get_unaligned_be16(p + 4);
        r->un.echo.seq = get_unaligned_be16(p + 6);
        break;
    case ICMP_DEST_UNREACH:
        r->un.frag.mtu = get_unaligned_be16(p + 6);
        break;
    default:
        memcpy(&r->un.raw, p + 4, 4);
        break;
    }
    if (icmp_is_err(r->type)) {
        /* The quoted datagram: an IPv4 header (version 4, IHL >= 5) and at least the
         * first 8 bytes of its payload, enough to find the transport ports. */
        const uint8_t *in = r->data;
        if (r->data_len < 20 || (in[0] >> 4) != 4 || (in[0] & 0xf) < 5 ||
            r->data_len < (size_t)(in[0] & 0xf) * 4 + 8)
            return ICMP_ERR_INNER;
    }
    return ICMP_PARSE_OK;
}

size_t icmp_hdr_emit(const struct icmp_repr *r, void *buf, size_t len)
{
    if (r->data_len > len || len - r->data_len < ICMP_HLEN)
        return 0;
    uint8_t *p = buf;
    if (r->data_len && r->data != p + ICMP_HLEN)
        memmove(p + ICMP_HLEN, r->data, r->data_len);
    p[0] = r->type;
    p[1] = r->code;
    p[2] = p[3] = 0;
    switch (r->type) {
    case ICMP_ECHO:
    case ICMP_ECHOREPLY:
    case ICMP_TIMESTAMP:
    case ICMP_TIMESTAMPREPLY:
        p[4] = (uint8_t)(r->un.echo.id >> 8);
        p[5] = (uint8_t)r->un.echo.id;
        p[6] = (uint8_t)(r->un.echo.seq >> 8);
        p[7] = (uint8_t)r->un.echo.seq;
        break;
    case ICMP_DEST_UNREACH:
        p[4] = p[5] = 0;
        p[6] = (uint8_t)(r->un.frag.mtu >> 8);
        p[7] = (uint8_t)r->un.frag.mtu;
        break;
    default:
        memcpy(p + 4, &r->un.raw, 4);
        break;
    }
    size_t n = ICMP_HLEN + r->data_len;
    __sum16 c = ip_compute_csum(p, n);
    memcpy(p + 2, &c, 2);
    return n;
}
