/* net/ethernet/eth_hdr.h - stateless parse and emit of the Ethernet II header.
 *
 * Wire helpers in the smoltcp style: a parse function checks a byte buffer and fills a
 * plain struct (a "repr") with host-order fields; an emit function writes a repr into a
 * buffer. They hold no state and allocate nothing, so protocol code, tests and fuzz
 * targets use them the same way. (struct ethhdr itself is in net/core/netdevice.h.) */
#ifndef WP_ETH_HDR_H
#define WP_ETH_HDR_H

#include "net/core/netdevice.h"

struct eth_repr {
    uint8_t dst[ETH_ALEN];
    uint8_t src[ETH_ALEN];
    uint16_t ethertype;          /* host order */
};

enum eth_parse_err {
    ETH_PARSE_OK = 0,
    ETH_ERR_TRUNCATED = -1,      /* shorter than the 14-byte header */
    ETH_ERR_LENGTH_FIELD = -2,   /* an 802.3 length (< 0x0600), not an Ethernet II type */
};

/* Parse the header at buf; the payload starts at buf + ETH_HLEN. */
int eth_hdr_parse(const void *buf, size_t len, struct eth_repr *r);
/* Write the header; returns ETH_HLEN, or 0 when len is too small. */
size_t eth_hdr_emit(const struct eth_repr *r, void *buf, size_t len);

#endif
