/* net/ipv4/udp_hdr.h - the UDP header on the wire (RFC 768) and its stateless parse and
 * emit. The checksum covers the pseudo-header, the UDP header and the data; 0 on the
 * wire means "no checksum" (allowed over IPv4), so a computed 0 is sent as 0xffff. */
#ifndef WP_UDP_HDR_H
#define WP_UDP_HDR_H

#include "kernel/compiler.h"

struct udphdr {
    uint16_t source;      /* network order */
    uint16_t dest;
    uint16_t len;
    uint16_t check;
} __packed;
STATIC_ASSERT(sizeof(struct udphdr) == 8, "udphdr is 8 bytes");

#define UDP_HLEN 8
/* Largest payload: 65535 - 20 (IPv4 header) - 8 (UDP header). */
#define UDP_MAX_PAYLOAD 65507

struct udp_repr {
    uint16_t sport, dport;        /* host order */
    const uint8_t *payload;
    size_t payload_len;
    bool csum_present;            /* parse: the sender filled the checksum */
};

enum udp_parse_err {
    UDP_PARSE_OK = 0,
    UDP_ERR_TRUNCATED = -1,       /* shorter than the header */
    UDP_ERR_LENGTH = -2,          /* length field below 8 or past the buffer */
    UDP_ERR_CSUM = -3,
};

#define UDP_PARSE_NO_CSUM 0x1     /* the NIC verified the checksum */
/* Parse the datagram at buf (len bytes from the IP payload; bytes past the UDP length
 * field are ignored). saddr/daddr in network order, for the pseudo-header. */
int udp_hdr_parse(const void *buf, size_t len, uint32_t saddr, uint32_t daddr,
                  unsigned flags, struct udp_repr *r);
/* Write header + payload (moved if r->payload is not buf + 8) with the checksum when
 * csum is true (0 otherwise). Returns 8 + payload_len, or 0 when it does not fit in len
 * or exceeds 65535. */
size_t udp_hdr_emit(const struct udp_repr *r, void *buf, size_t len, uint32_t saddr,
                    uint32_t daddr, bool csum);

#endif
