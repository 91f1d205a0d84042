/* net/ethernet/eth_hdr.c - Ethernet II header parse/emit (see eth_hdr.h). */
#include "net/ethernet/eth_hdr.h"
#include "kernel/lib/string.h"

int eth_hdr_parse(const void *buf, size_t len, struct eth_repr *r)
{
    if (len < ETH_HLEN)
        return ETH_ERR_TRUNCATED;
    const uint8_t *p = buf;
    memcpy(r->dst, p, ETH_ALEN);
    memcpy(r->src, p + ETH_ALEN, ETH_ALEN);
    r->ethertype = (uint16_t)(p[12] << 8 | p[13]);
    /* IEEE 802.3 frames carry a length here; Ethernet II types start at 0x0600. */
    if (r->ethertype < 0x0600)
        return ETH_ERR_LENGTH_FIELD;
    return ETH_PARSE_OK;
}

size_t eth_hdr_emit(const struct eth_repr *r, void *buf, size_t len)
{
    if (len < ETH_HLEN)
        return 0;
    uint8_t *p = buf;
    memcpy(p, r->dst, ETH_ALEN);
    memcpy(p + ETH_ALEN, r->src, ETH_ALEN);
    p[12] = (uint8_t)(r->ethertype >> 8);
    p[13] = (uint8_t)r->ethertype;
    return ETH_HLEN;
}
