/* net/ipv4/arp_hdr.h - the ARP packet for IPv4 over Ethernet (RFC 826) and its stateless
 * parse and emit (smoltcp style: validate bytes into a host-order struct, or write one).
 * What to do with a packet (answer, learn, ignore) is arp.c's business. */
#ifndef WP_ARP_HDR_H
#define WP_ARP_HDR_H

#include "kernel/compiler.h"
#include "net/core/netdevice.h"

#define ARPHRD_ETHER    1
#define ARPHRD_IEEE802  6           /* also Ethernet framing; Linux accepts it on Ethernet */
#define ARPOP_REQUEST   1
#define ARPOP_REPLY     2
#define ARP_HLEN        28          /* the packet for IPv4 over Ethernet */

struct arp_repr {
    uint16_t op;                    /* ARPOP_REQUEST or ARPOP_REPLY */
    uint8_t sha[ETH_ALEN];          /* sender hardware address */
    uint32_t sip;                   /* sender IPv4 address, network order */
    uint8_t tha[ETH_ALEN];          /* target hardware address (zero in requests) */
    uint32_t tip;                   /* target IPv4 address, network order */
};

enum arp_parse_err {
    ARP_PARSE_OK = 0,
    ARP_ERR_TRUNCATED = -1,         /* fewer than 28 bytes */
    ARP_ERR_HTYPE = -2,             /* hardware type not Ethernet */
    ARP_ERR_PTYPE = -3,             /* protocol type not IPv4 */
    ARP_ERR_ADDRLEN = -4,           /* hardware length not 6 or protocol length not 4 */
    ARP_ERR_OP = -5,                /* neither request nor reply (RARP and others) */
    ARP_ERR_COUNT = 6               /* number of results, for counter arrays */
};

/* Parse the packet at buf (len bytes: the frame's payload; padding past 28 is fine). */
int arp_hdr_parse(const void *buf, size_t len, struct arp_repr *r);
/* Write the 28-byte packet; returns 28, or 0 when len is too small. */
size_t arp_hdr_emit(const struct arp_repr *r, void *buf, size_t len);
const char *arp_parse_strerror(int err);

#endif
