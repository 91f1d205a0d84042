/* net/ipv4/tcp_hdr.h - the TCP header on the wire (RFC 9293 section 3.1) and its options
 * (MSS RFC 9293, window scale and timestamps RFC 7323, SACK RFC 2018), parsed and emitted
 * without any connection state (smoltcp style). Connection logic lives in tcp_*.c. */
#ifndef WP_TCP_HDR_H
#define WP_TCP_HDR_H

#include "kernel/compiler.h"

struct tcphdr {
    uint16_t source;        /* network order */
    uint16_t dest;
    uint32_t seq;
    uint32_t ack_seq;
    uint8_t doff_res;       /* data offset in 32-bit words, high nibble */
    uint8_t flags;          /* TCPHDR_* */
    uint16_t window;
    uint16_t check;
    uint16_t urg_ptr;
} __packed;
STATIC_ASSERT(sizeof(struct tcphdr) == 20, "tcphdr is 20 bytes");

#define TCPHDR_FIN 0x01
#define TCPHDR_SYN 0x02
#define TCPHDR_RST 0x04
#define TCPHDR_PSH 0x08
#define TCPHDR_ACK 0x10
#define TCPHDR_URG 0x20
#define TCPHDR_ECE 0x40
#define TCPHDR_CWR 0x80

#define TCP_HLEN_MIN 20
#define TCP_HLEN_MAX 60
#define TCP_MAX_OPTION_SPACE 40

static inline unsigned tcp_hdrlen_of(const struct tcphdr *th) { return (th->doff_res >> 4) * 4u; }

/* option kinds */
#define TCPOPT_EOL       0
#define TCPOPT_NOP       1
#define TCPOPT_MSS       2
#define TCPOPT_WINDOW    3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK      5
#define TCPOPT_TIMESTAMP 8

#define TCPOLEN_MSS        4
#define TCPOLEN_WINDOW     3
#define TCPOLEN_SACK_PERM  2
#define TCPOLEN_TIMESTAMP 10
#define TCPOLEN_TSTAMP_ALIGNED 12
#define TCPOLEN_SACK_BASE  2
#define TCPOLEN_SACK_PERBLOCK 8
#define TCP_NUM_SACKS 4
#define TCP_MAX_WSCALE 14

struct tcp_sack_block {
    uint32_t start_seq, end_seq;    /* host order */
};

/* What the options of one segment said (host order). */
struct tcp_options {
    bool mss_present, wscale_present, sack_perm, ts_present;
    uint16_t mss;
    uint8_t wscale;                 /* clamped to TCP_MAX_WSCALE */
    uint32_t tsval, tsecr;
    uint8_t num_sacks;
    struct tcp_sack_block sacks[TCP_NUM_SACKS];
};

/* A segment as parsed: header fields in host order, options, payload. */
struct tcp_repr {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t window;                /* as on the wire (unscaled) */
    uint16_t urg_ptr;
    unsigned hdr_len;
    struct tcp_options opt;
    unsigned payload_len;
};

enum tcp_parse_err {
    TCP_PARSE_OK = 0,
    TCP_ERR_TRUNCATED = -1,         /* shorter than 20 bytes or than its data offset */
    TCP_ERR_DOFF = -2,              /* data offset below 5 */
    TCP_ERR_CSUM = -3,
    TCP_ERR_OPTIONS = -4,           /* an option runs past the header or has a bad length */
};

#define TCP_PARSE_NO_CSUM 0x1       /* the checksum was verified already (NIC or caller) */
/* Parse the segment at buf (len bytes: the IP payload). saddr/daddr (network order) for
 * the pseudo-header checksum over all len bytes unless TCP_PARSE_NO_CSUM. */
int tcp_hdr_parse(const void *buf, size_t len, uint32_t saddr, uint32_t daddr,
                  unsigned flags, struct tcp_repr *r);
/* Parse only the options area (opt, optlen bytes). TCP_PARSE_OK or TCP_ERR_OPTIONS; a
 * SYN-only option (MSS, window scale, SACK-permitted) is reported only when syn is set. */
int tcp_options_parse(const uint8_t *opt, unsigned optlen, bool syn, struct tcp_options *o);

/* What to write in a segment's options (Linux's layout, RFC 7323 appendix A): */
struct tcp_out_options {
    bool mss, wscale, sack_perm, ts;
    uint16_t mss_val;
    uint8_t wscale_val;
    uint32_t tsval, tsecr;
    uint8_t num_sacks;
    const struct tcp_sack_block *sacks;   /* host order */
};
/* Bytes the options take (a multiple of 4, at most 40). */
unsigned tcp_options_size(const struct tcp_out_options *o);
/* Write them at p (tcp_options_size bytes). */
void tcp_options_write(uint8_t *p, const struct tcp_out_options *o);
/* Write the fixed header at th (addresses for nothing: the checksum is the caller's). */
void tcp_hdr_emit(struct tcphdr *th, uint16_t sport, uint16_t dport, uint32_t seq,
                  uint32_t ack, uint8_t flags, uint16_t window, unsigned hdr_len);

#endif
