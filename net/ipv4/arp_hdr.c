/* net/ipv4/arp_hdr.c - ARP packet parse/emit (see arp_hdr.h). Field layout per RFC 826:
 * hrd(2) pro(2) hln(1) pln(1) op(2) sha(6) spa(4) tha(6) tpa(4). */
#include "net/ipv4/arp_hdr.h"
#include "kernel/lib/unaligned.h"
#include "kernel/lib/string.h"


int arp_hdr_parse(const void *buf, size_t len, struct arp_repr *r)
{
    const uint8_t *p = buf;
    if (len < ARP_HLEN)
        return ARP_ERR_TRUNCATED;
    uint16_t hrd = get_unaligned_be16(p);
    if (hrd != ARPHRD_ETHER && hrd != ARPHRD_IEEE802)
        return ARP_ERR_HTYPE;
    if (get_unaligned_be16(p + 2) != ETH_P_IP)
        return ARP_ERR_PTYPE;
    if (p[4] != ETH_ALEN || p[5] != 4)
        return ARP_ERR_ADDRLEN;
    r->op = get_unaligned_be16(p + 6);
    if (r->op != ARPOP_REQUEST && r->op != ARPOP_REPLY)
        return ARP_ERR_OP;
    memcpy(r->sha, p + 8, ETH_ALEN);
    memcpy(&r->sip, p + 14, 4);
    memcpy(r->tha, p + 18, ETH_ALEN);
    memcpy(&r->tip, p + 24, 4);
    return ARP_PARSE_OK;
}

size_t arp_hdr_emit(const struct arp_repr *r, void *buf, size_t len)
{
    uint8_t *p = buf;
    if (len < ARP_HLEN)
        return 0;
    put_unaligned_be16(ARPHRD_ETHER, p);
    put_unaligned_be16(ETH_P_IP, p + 2);
    p[4] = ETH_ALEN;
    p[5] = 4;
    put_unaligned_be16(r->op, p + 6);
    memcpy(p + 8, r->sha, ETH_ALEN);
    memcpy(p + 14, &r->sip, 4);
    memcpy(p + 18, r->tha, ETH_ALEN);
    memcpy(p + 24, &r->tip, 4);
    return ARP_HLEN;
}

const char *arp_parse_strerror(int err)
{
    switch (err) {
    case ARP_PARSE_OK: return "ok";
    case ARP_ERR_TRUNCATED: return "truncated";
    case ARP_ERR_HTYPE: return "hardware type";
    case ARP_ERR_PTYPE: return "protocol type";
    case ARP_ERR_ADDRLEN: return "address length";
    case ARP_ERR_OP: return "operation";
    default: return "?";
    }
}
