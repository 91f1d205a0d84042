/* net/core/gso.h - generic segmentation offload in software (Linux's GSO): a packet the
 * protocol built larger than the MTU, with gso_size set (TCP: up to 64 KiB of whole
 * MSS-sized segments), travels the whole send path once - IP, netfilter, neighbour,
 * qdisc - and is cut into wire-sized segments only at the bottom of the device layer
 * (validate_xmit_skb, station 13 -> 14), for a device that cannot do it itself (no TSO).
 * The segments go to the driver back to back with xmit_more set on all but the last, so
 * the driver rings its doorbell once per packet the protocol made, not once per segment.
 *
 * Contract:
 * - The protocol marks the packet: shinfo gso_size (payload bytes per segment), gso_segs,
 *   gso_type (SKB_GSO_TCPV4), and its headers at mac/network/transport_header.
 * - Each network protocol that can be segmented registers a packet_offload for its
 *   ethertype; its gso_segment fixes its own header in every segment (IPv4: length, id,
 *   header checksum) and calls the transport's (TCP: sequence number, flags, checksum),
 *   which cuts the payload with skb_segment. The core never parses a protocol header.
 * - A segment references the packet's page fragments (a page reference each, no copy)
 *   when the device does scatter-gather, else carries a private copy.
 * - The packet itself (TCP's clone, owned by the socket's send buffer) lives until its
 *   last segment is freed, so the socket's write memory and TCP's "still in the driver"
 *   test mean what they meant for one big packet.
 */
#ifndef WP_GSO_H
#define WP_GSO_H

#include "net/core/skbuff.h"
#include "kernel/list.h"

struct net_device;

/* Segments one packet may carry when the driver sets no limit of its own (64 KiB of
 * 1448-byte segments is 46). */
#define GSO_MAX_SEGS 64

struct packet_offload {
    uint16_t type;                                   /* ethertype, host order */
    /* The segments of skb (data at the MAC header), chained by ->next; NULL when it
     * cannot be segmented (no memory, malformed). skb itself is left to the caller. */
    struct sk_buff *(*gso_segment)(struct sk_buff *skb, uint32_t features);
    /* Receive side (net/core/gro.h): may skb (data at the network header) join one of
     * the n packets NAPI holds? A gro_verdict; *slot names the held packet of skb's flow
     * (-1: none). gro_complete fixes the headers of a held packet others joined. */
    int (*gro_receive)(struct sk_buff **held, unsigned n, struct sk_buff *skb, int *slot);
    void (*gro_complete)(struct sk_buff *skb);
    struct list_head list;
};
void dev_add_offload(struct packet_offload *po);
struct packet_offload *gro_find_offload(uint16_t type);   /* with gro_receive, or NULL */

/* Cut the payload after the first hdr_len bytes (all headers, from skb->data) into
 * gso_size pieces; each segment gets a copy of the headers and the header offsets,
 * device, protocol, queue, priority and hash of skb. Headers are not fixed up here. */
struct sk_buff *skb_segment(struct sk_buff *skb, unsigned int hdr_len, uint32_t features);

/* Does this packet need cutting before dev? (GSO packet, device without TSO, or more
 * segments than the device takes in one go.) */
bool netif_needs_gso(const struct sk_buff *skb, const struct net_device *dev);

/* The last step before the driver: a packet the device cannot take as it is becomes its
 * segments (a list chained by ->next); anything else is returned unchanged. NULL when it
 * had to be dropped (counted; TCP retransmits). */
struct sk_buff *validate_xmit_skb(struct sk_buff *skb, struct net_device *dev);

/* Is software segmentation on (command line gso=0 turns it off for every device)? */
bool gso_enabled(void);

struct gso_stats {
    uint64_t packets;     /* packets cut into segments */
    uint64_t segs;        /* segments made */
    uint64_t failed;      /* packets dropped: no memory for a segment, or no offload */
};
void gso_get_stats(struct gso_stats *s);

#endif
