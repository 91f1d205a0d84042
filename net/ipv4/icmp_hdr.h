/* net/ipv4/icmp_hdr.h - the ICMP message on the wire (RFC 792) and its stateless parse and
 * emit. The checksum covers the ICMP header and all its data. */
#ifndef WP_ICMP_HDR_H
#define WP_ICMP_HDR_H

#include "kernel/compiler.h"

struct icmphdr {
    uint8_t type;
    uint8_t code;
    uint16_t checksum;
    union {
        struct { uint16_t id, sequence; } echo;      /* network order */
        uint32_t gateway;
        struct { uint16_t unused, mtu; } frag;
    } un;
} __packed;
STATIC_ASSERT(sizeof(struct icmphdr) == 8, "icmphdr is 8 bytes");

#define ICMP_ECHOREPLY      0
#define ICMP_DEST_UNREACH   3
#define ICMP_SOURCE_QUENCH  4
#define ICMP_REDIRECT       5
#define ICMP_ECHO           8
#define ICMP_TIME_EXCEEDED  11
#define ICMP_PARAMETERPROB  12
#define ICMP_TIMESTAMP      13
#define ICMP_TIMESTAMPREPLY 14
#define NR_ICMP_TYPES       18

/* codes for ICMP_DEST_UNREACH */
#define ICMP_NET_UNREACH    0
#define ICMP_HOST_UNREACH   1
#define ICMP_PROT_UNREACH   2
#define ICMP_PORT_UNREACH   3
#define ICMP_FRAG_NEEDED    4
#define ICMP_SR_FAILED      5
#define ICMP_NET_UNKNOWN    6
#define ICMP_HOST_UNKNOWN   7
#define ICMP_HOST_ISOLATED  8
#define ICMP_NET_ANO        9
#define ICMP_HOST_ANO       10
#define ICMP_NET_UNR_TOS    11
#define ICMP_HOST_UNR_TOS   12
#define ICMP_PKT_FILTERED   13
#define ICMP_PREC_VIOLATION 14
#define ICMP_PREC_CUTOFF    15
#define NR_ICMP_UNREACH     15
/* codes for ICMP_TIME_EXCEEDED */
#define ICMP_EXC_TTL        0
#define ICMP_EXC_FRAGTIME   1

#define ICMP_HLEN 8

struct icmp_repr {
    uint8_t type, code;
    union {
        struct { uint16_t id, seq; } echo;           /* host order */
        uint32_t gateway;                            /* network order */
        struct { uint16_t mtu; } frag;               /* host order */
        uint32_t raw;                                /* the 4 bytes as stored */
    } un;
    const uint8_t *data;          /* after the 8-byte header */
    size_t data_len;
};

enum icmp_parse_err {
    ICMP_PARSE_OK = 0,
    ICMP_ERR_TRUNCATED = -1,      /* shorter than 8 bytes */
    ICMP_ERR_CSUM = -2,
    ICMP_ERR_INNER = -3,          /* an error message without a sane inner IPv4 header
                                     plus 8 bytes (RFC 792) */
};

/* An error message type: carries the offending datagram's header. */
static inline bool icmp_is_err(uint8_t type)
{
    return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH || type == ICMP_REDIRECT ||
           type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETERPROB;
}

#define ICMP_PARSE_NO_CSUM 0x1
int icmp_hdr_parse(const void *buf, size_t len, unsigned flags, struct icmp_repr *r);
/* Write header + data (r->data may point to buf + 8: it is moved if needed) with the
 * checksum. Returns 8 + data_len, or 0 when it does not fit in len. */
size_t icmp_hdr_emit(const struct icmp_repr *r, void *buf, size_t len);

#endif
