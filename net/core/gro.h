/* net/core/gro.h - generic receive offload in software (Linux's GRO), the mirror of GSO
 * (net/core/gso.h): a driver hands its frames to napi_gro_receive instead of
 * netif_receive_skb, and in-order TCP segments of one flow that arrive within one NAPI
 * poll are joined into one packet, so IP, netfilter, the socket lookup and TCP run once
 * per run of segments instead of once per segment, and TCP's ACK decision is taken once
 * per run (one ACK per poll, as Linux sends, instead of one per two segments).
 *
 * Contract:
 * - The packets NAPI holds (napi->gro_held, up to GRO_MAX_HELD flows) are delivered, in
 *   the order they arrived, when the poll returns (net_rx_action), when the driver
 *   completes NAPI (napi_complete_done), or when their run ends (a segment with PSH, a
 *   short one, a gap, a flag other than ACK, 64 KiB reached). A packet that may not join
 *   its flow's held one is delivered after it, never before.
 * - The protocol decides what may join (packet_offload.gro_receive, IPv4 + TCP here):
 *   only frames whose checksums the NIC verified (CHECKSUM_UNNECESSARY), with identical
 *   headers but for the sequence number, payload contiguous.
 * - A joined packet: the first segment's headers and payload stay linear; each later
 *   segment, pulled to its payload, hangs on shinfo->frag_list (its bytes counted in
 *   len and data_len, its truesize moved to the head); gso_size is the segment size and
 *   gso_segs the count, so TCP counts segments and measures the MSS as Linux does.
 * - While held, skb->cb is GRO's; it is cleared before delivery.
 */
#ifndef WP_GRO_H
#define WP_GRO_H

#include "net/core/skbuff.h"

struct napi_struct;

/* what a protocol's gro_receive decided about a frame */
enum gro_verdict {
    GRO_MERGED,        /* it joined held[*slot] (consumed) */
    GRO_MERGED_FLUSH,  /* it joined held[*slot], whose run is now over: deliver it */
    GRO_HOLD,          /* may start a run: hold it (its flow holds nothing) */
    GRO_NORMAL,        /* deliver it as it is; held[*slot] (same flow) goes first */
    GRO_FLUSH_HOLD,    /* held[*slot] (same flow) goes up; it starts the next run */
};

/* GRO's state in a held packet's cb */
struct gro_cb {
    struct sk_buff *last;      /* last skb on frag_list (the head itself when none) */
    uint16_t count;            /* segments joined, the head included */
    uint16_t seg_len;          /* payload bytes of the head segment: the run's MSS */
};
#define GRO_CB(skb) ((struct gro_cb *)(skb)->cb)

/* The driver's upcall in place of netif_receive_skb (data at the network header, as
 * after eth_type_trans). */
void napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb);
/* Deliver everything napi holds. */
void napi_gro_flush(struct napi_struct *napi);
/* Hang skb (pulled to its payload) on held packet p's frag_list. */
void skb_gro_append(struct sk_buff *p, struct sk_buff *skb);

bool gro_enabled(void);      /* command line gro=0 turns it off for every device */

struct gro_stats {
    uint64_t held;        /* runs started */
    uint64_t merged;      /* segments that joined a run */
    uint64_t flushed;     /* held packets delivered */
    uint64_t normal;      /* frames delivered as they were */
};
void gro_get_stats(struct gro_stats *s);

#endif
