/* net/ipv4/icmp.h - ICMP (RFC 792, RFC 1122 section 3.2.2): echo replies (fragmented
 * ones included), errors sent for what we cannot deliver (rate limited), errors received
 * about what we sent handed to the transport protocol, and an in-kernel ping. */
#ifndef WP_ICMP_H
#define WP_ICMP_H

#include "kernel/compiler.h"
#include "net/core/skbuff.h"
#include "net/ipv4/icmp_hdr.h"

/* IPPROTO_ICMP handler: skb->data at the ICMP header. Consumes skb. */
int icmp_rcv(struct sk_buff *skb);
/* Send an error about skb_in (a received datagram whose network header is intact),
 * unless RFC 1122 forbids it (about an ICMP error, a non-first fragment, a broadcast or
 * multicast, a martian source) or the rate limit says no. info: the 4 bytes after the
 * code in host order (the MTU for frag-needed, the pointer for parameter problems). */
void icmp_send(struct sk_buff *skb_in, uint8_t type, uint8_t code, uint32_t info);

/* Rate limits on the errors we send, Linux's two (frag-needed is exempt: path MTU
 * discovery depends on it). First per destination (icmp_ratelimit, kept per peer like
 * inet_peer's rate_tokens): ICMP_RATE_BURST errors at once, then one per
 * ICMP_RATELIMIT; then the global cap over all destinations (icmp_msgs_per_sec,
 * icmp_msgs_burst). Refusals are counted as OutRateLimitHost / OutRateLimitGlobal. */
#define ICMP_RATELIMIT    HZ          /* jiffies per error, per destination */
#define ICMP_RATE_BURST   6           /* Linux's XRLIM_BURST_FACTOR */
#define ICMP_PEERS        256         /* destinations remembered (least recent goes) */
#define ICMP_MSGS_PER_SEC 1000
#define ICMP_MSGS_BURST   50

/* Echo request to daddr from a kernel task: waits up to timeout_ns for the matching
 * reply (id, seq). Returns the round trip in ns (> 0), -ETIMEDOUT, or a send error. */
int64_t icmp_ping(uint32_t daddr, uint16_t id, uint16_t seq, unsigned int payload_len,
                  uint64_t timeout_ns);

/* /proc/net/snmp "Icmp:" */
struct icmp_mib {
    uint64_t InMsgs, InErrors, InCsumErrors, InDestUnreachs, InTimeExcds, InParmProbs,
             InSrcQuenchs, InRedirects, InEchos, InEchoReps;
    uint64_t OutMsgs, OutErrors, OutRateLimitGlobal, OutRateLimitHost, OutDestUnreachs, OutTimeExcds,
             OutParmProbs, OutEchos, OutEchoReps;
    /* drops by reason */
    uint64_t in_truncated, in_bad_inner, in_bcast_echo_ignored, in_unknown_type;
    uint64_t in_err_not_ours, err_suppressed;
};
extern struct icmp_mib icmpstats;
void icmp_stats_dump(void);
/* Registers the protocol handler (called by ip_init). */
void icmp_init(void);
/* Forget every peer and refill the global bucket (tests). */
void icmp_ratelimit_reset(void);

#endif
