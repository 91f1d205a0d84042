/* net/core/neighbour.h - neighbour cache (station 10): IPv4 next hop -> MAC, with NUD
 * states, a bounded queue of packets waiting for resolution, timers for retries and
 * aging, and a cached hardware header once resolved. ARP (net/ipv4/arp.c) is the
 * protocol behind it: arp_solicit sends the requests, arp_rcv feeds neigh_update. */
#ifndef WP_NEIGHBOUR_H
#define WP_NEIGHBOUR_H

#include "kernel/compiler.h"
#include "kernel/time.h"
#include "net/core/netdevice.h"

#define NUD_INCOMPLETE 0x01
#define NUD_REACHABLE  0x02
#define NUD_STALE      0x04
#define NUD_DELAY      0x08
#define NUD_PROBE      0x10
#define NUD_FAILED     0x20
#define NUD_NOARP      0x40      /* broadcast and the like: no resolution needed */
#define NUD_PERMANENT  0x80
#define NUD_VALID (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY)

struct neighbour {
    struct neighbour *next;          /* hash chain */
    struct net_device *dev;
    uint32_t primary_key;            /* IPv4 address, network order */
    uint8_t ha[ETH_ALEN];
    uint8_t nud_state;
    uint8_t probes;                  /* solicitations sent in this resolution round */
    int refcnt;
    uint64_t confirmed, updated, used;   /* jiffies */
    struct timer_list timer;
    struct sk_buff_head arp_queue;   /* packets waiting for resolution (bounded) */
    uint8_t hh_data[ETH_HLEN];       /* cached Ethernet header once resolved (neigh_hh_output) */
    bool hh_valid;
    int (*output)(struct neighbour *n, struct sk_buff *skb);  /* resolve or connected output */
    uint64_t queue_drops;
};

/* Find without taking a reference (caller is in one non-preemptible pass). */
struct neighbour *__ipv4_neigh_lookup_noref(struct net_device *dev, uint32_t key);
/* Create (INCOMPLETE) or return the existing entry; NULL when the table is full. */
struct neighbour *__neigh_create(uint32_t key, struct net_device *dev);
/* Station 10: send through the neighbour (queues and resolves when needed). Consumes skb. */
static inline int neigh_output(struct neighbour *n, struct sk_buff *skb) { return n->output(n, skb); }
/* A reply or request from the peer: learn/confirm its address. */
void neigh_update(struct neighbour *n, const uint8_t *lladdr, uint8_t new_state);

#endif
