/* net/ipv4/udp_hdr.c - UDP header parse/emit (see udp_hdr.h). */
#include "net/ipv4/udp_hdr.h"
#include "kernel/lib/unaligned.h"
#include "net/core/checksum.h"
#include "kernel/lib/string.h"

#define IPPROTO_UDP_NR 17


int udp_hdr_parse(const void *buf, size_t len, uint32_t saddr, uint32_t daddr,
                  unsigned flags, struct udp_repr *r)
{
    const uint8_t *p = buf;
    memset(r, 0, sizeof(*r));
    if (len < UDP_HLEN)
        return UDP_ERR_TRUNCATED;
    size_t ulen = get_unaligned_be16(p + 4);
    if (ulen < UDP_HLEN || ulen > len)
        return UDP_ERR_LENGTH;
    r->sport = get_unaligned_be16(p);
    r->dport = get_unaligned_be16(p + 2);
    r->payload = p + UDP_HLEN;
    r->payload_len = ulen - UDP_HLEN;
    r->csum_present = p[6] || p[7];
    if (r->csum_present && !(flags & UDP_PARSE_NO_CSUM)) {
        __wsum s = csum_partial(p, ulen, 0);
        if (csum_tcpudp_magic(saddr, daddr, (uint32_t)ulen, IPPROTO_UDP_NR, s) != 0)
            return UDP_ERR_CSUM;
    }
    return UDP_PARSE_OK;
}

size_t udp_hdr_emit(const struct udp_repr *r, void *buf, size_t len, uint32_t saddr,
                    uint32_t daddr, bool csum)
{
    if (r->payload_len > 65535 - UDP_HLEN || r->payload_len > len ||
        len - r->payload_len < UDP_HLEN)
        return 0;
    uint8_t *p = buf;
    size_t n = UDP_HLEN + r->payload_len;
    if (r->payload_len && r->payload != p + UDP_HLEN)
        memmove(p + UDP_HLEN, r->payload, r->payload_len);
    put_unaligned_be16(r->sport, p);
    put_unaligned_be16(r->dport, p + 2);
    put_unaligned_be16((uint16_t)n, p + 4);
    p[6] = p[7] = 0;
    if (csum) {
        __sum16 c = csum_tcpudp_magic(saddr, daddr, (uint32_t)n, IPPROTO_UDP_NR,
                                      csum_partial(p, n, 0));
        if (c == 0)
            c = 0xffff;      /* 0 would mean "no checksum" */
        memcpy(p + 6, &c, 2);
    }
    return n;
}
