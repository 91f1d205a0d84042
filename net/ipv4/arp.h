/* net/ipv4/arp.h - ARP for IPv4 over Ethernet (net/ipv4/arp.c): the protocol behind the
 * neighbour cache. Requests go out through arp_solicit (called by the neighbour timers),
 * replies and requests come in through arp_rcv (registered for ETH_P_ARP). */
#ifndef WP_ARP_H
#define WP_ARP_H

#include "net/core/neighbour.h"
#include "net/ipv4/arp_hdr.h"

/* Build and queue one ARP packet on dev. dest_hw NULL = broadcast; src_hw NULL = dev's
 * address; target_hw NULL = zeros (requests). Addresses in network order. */
void arp_send(int type, int ptype, uint32_t dest_ip, struct net_device *dev, uint32_t src_ip,
              const uint8_t *dest_hw, const uint8_t *src_hw, const uint8_t *target_hw);
/* neigh_ops.solicit: ask who has n->primary_key (broadcast, or unicast while PROBE). */
void arp_solicit(struct neighbour *n, struct sk_buff *skb);
/* The ETH_P_ARP handler. Consumes skb. */
int arp_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt);
/* Announce addr on dev (a request with sender = target = addr, RFC 5227 section 3). */
void arp_send_gratuitous(struct net_device *dev, uint32_t addr);

struct arp_stats {
    uint64_t rx;                        /* ARP frames handed to arp_rcv */
    uint64_t rx_requests, rx_replies;   /* well-formed ones */
    uint64_t parse_errors[ARP_ERR_COUNT]; /* by arp_parse_err (index -err) */
    uint64_t not_for_host;              /* unicast to another MAC */
    uint64_t bad_sender_hw;             /* sender MAC multicast/broadcast */
    uint64_t bad_address;               /* sender or target IP multicast/loopback */
    uint64_t own_frames;                /* our own MAC as sender (looped back) */
    uint64_t conflicts;                 /* someone else claims one of our addresses */
    uint64_t not_for_us;                /* a request for an address that is not ours */
    uint64_t learned;                   /* entries created or updated from a packet */
    uint64_t unsolicited_ignored;       /* reply from a host we never asked */
    uint64_t probes_answered;           /* RFC 5227 probes (sender 0.0.0.0) answered */
    uint64_t tx_requests, tx_replies, tx_gratuitous;
    uint64_t tx_errors;                 /* no memory or device down */
};
void arp_get_stats(struct arp_stats *s);
void arp_dump(void);
/* Register with the device layer, the neighbour cache and the address notifiers. */
int arp_init(void);

#endif
