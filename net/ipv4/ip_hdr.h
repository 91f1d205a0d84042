/* net/ipv4/ip_hdr.h - the IPv4 header on the wire (RFC 791) and its stateless parse and
 * emit (smoltcp style: validate a byte buffer into a host-order struct, or write one).
 * Policy (martians, TTL, who the packet is for) is ip_input.c's; this file only answers
 * "is this a well-formed IPv4 header, and what does it say". */
#ifndef WP_IP_HDR_H
#define WP_IP_HDR_H

#include "kernel/compiler.h"

struct iphdr {
    uint8_t ihl : 4, version : 4;    /* x86 is little-endian: ihl is the low nibble */
    uint8_t tos;
    uint16_t tot_len;
    uint16_t id;
    uint16_t frag_off;               /* flags (3 bits) and offset in 8-byte units */
    uint8_t ttl;
    uint8_t protocol;
    uint16_t check;
    uint32_t saddr;
    uint32_t daddr;
} __packed;
STATIC_ASSERT(sizeof(struct iphdr) == 20, "iphdr is 20 bytes");

#define IP_CE      0x8000            /* the reserved ("congestion") bit */
#define IP_DF      0x4000
#define IP_MF      0x2000
#define IP_OFFSET  0x1fff
#define IPV4_MIN_HLEN 20
#define IPV4_MAX_HLEN 60
#define IP_MAX_PACKET 65535
#define IPDEFTTL   64

/* IP options that matter to a host (RFC 791 section 3.1) */
#define IPOPT_END   0
#define IPOPT_NOOP  1
#define IPOPT_RR    7            /* record route */
#define IPOPT_TS    68           /* internet timestamp */
#define IPOPT_LSRR  131
#define IPOPT_SSRR  137
#define IPOPT_TS_TSONLY    0     /* TS flags: timestamps only */
#define IPOPT_TS_TSANDADDR 1     /* address and timestamp */
#define IPOPT_TS_PRESPEC   3     /* timestamps for the listed addresses */

struct ipv4_repr {
    uint32_t saddr, daddr;           /* network order, as on the wire */
    uint8_t protocol;
    uint8_t ttl;
    uint8_t tos;
    uint16_t id;                     /* host order */
    bool df, mf;
    uint16_t frag_off;               /* fragment offset in bytes */
    uint8_t hlen;                    /* header length in bytes, options included */
    uint16_t tot_len;                /* header + payload */
    uint16_t payload_len;
    bool source_route;               /* carries LSRR or SSRR (a host drops those) */
};

enum ipv4_parse_err {
    IPV4_PARSE_OK = 0,
    IPV4_ERR_TRUNCATED = -1,   /* buffer shorter than the header or than tot_len */
    IPV4_ERR_VERSION = -2,     /* not version 4 */
    IPV4_ERR_IHL = -3,         /* IHL below 5 */
    IPV4_ERR_TOTLEN = -4,      /* tot_len smaller than the header */
    IPV4_ERR_CSUM = -5,        /* header checksum wrong */
    IPV4_ERR_OPTIONS = -6,     /* an option runs past the header or has a bad length */
    IPV4_ERR_FRAG = -7,        /* fragment past 65535 bytes, or a non-final fragment
                                  whose payload is not a multiple of 8 */
};

#define IPV4_PARSE_NO_CSUM 0x1       /* the NIC already verified the header checksum */

/* Parse the header at buf (len bytes available: the frame's payload). Bytes past
 * tot_len are link padding and are allowed. */
int ipv4_hdr_parse(const void *buf, size_t len, unsigned flags, struct ipv4_repr *r);
/* Write a 20-byte header (no options) with its checksum; tot_len is taken from
 * payload_len. Returns 20, or 0 when len < 20 or the packet would exceed 65535 bytes. */
size_t ipv4_hdr_emit(const struct ipv4_repr *r, void *buf, size_t len);
/* The options of a reply to a datagram whose options (already checked by the parse) are
 * src[0..n): its Record Route and Timestamp options, copied and filled in for this host
 * twice - as the hop that received the request and as the one sending the reply - as
 * Linux does (RFC 1122 3.2.2.6: an echo reply returns them; RFC 791 for the filling).
 * addr is our address (network order), ts the timestamp value (host order). Other
 * options are not returned; a malformed RR/TS is left out. Writes at most 40 bytes to
 * dst, padded with END to a multiple of 4, and returns the length (0: no options). */
unsigned ip_options_echo(uint8_t *dst, const uint8_t *src, unsigned n, uint32_t addr,
                         uint32_t ts);

/* Address classes (all arguments in network order). */
static inline uint32_t ipv4_h(uint32_t a) { return __builtin_bswap32(a); }
static inline bool ipv4_is_zeronet(uint32_t a)   { return (ipv4_h(a) >> 24) == 0; }
static inline bool ipv4_is_loopback(uint32_t a)  { return (ipv4_h(a) >> 24) == 127; }
static inline bool ipv4_is_multicast(uint32_t a) { return (ipv4_h(a) >> 28) == 0xe; }
static inline bool ipv4_is_lbcast(uint32_t a)    { return a == 0xffffffffu; }
static inline bool ipv4_is_reserved(uint32_t a)  { return (ipv4_h(a) >> 28) == 0xf; }
/* Mask for a prefix length 0..32, network order. */
static inline uint32_t inet_make_mask(int prefixlen)
{
    return prefixlen <= 0 ? 0 : __builtin_bswap32(~0u << (32 - (prefixlen > 32 ? 32 : prefixlen)));
}
/* "A.B.C.D" -> network order. Returns the end of what was parsed, or NULL on bad text. */
const char *in_aton(const char *s, uint32_t *addr);
/* network order -> "A.B.C.D" in buf (at least 16 bytes); returns buf. */
char *in_ntoa(uint32_t addr, char *buf);

#endif
