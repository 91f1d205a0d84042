/* net/core/neighbour.h - neighbour cache (station 10): IPv4 next hop -> MAC, with NUD
 * states, a bounded queue of packets waiting for resolution, timers for retries and
 * aging, and a cached hardware header once resolved. ARP (net/ipv4/arp.c) is the
 * protocol behind it: arp_solicit sends the requests, arp_rcv feeds neigh_update.
 *
 * States (RFC 4861 section 7.3.2's machine, as Linux runs it for ARP too):
 *   NONE --first packet--> INCOMPLETE --reply--> REACHABLE --reachable time--> STALE
 *   STALE --packet sent--> DELAY --5 s, no confirmation--> PROBE --reply--> REACHABLE
 *   INCOMPLETE / PROBE --3 probes unanswered--> FAILED
 * A packet sent to a FAILED neighbour within NEIGH_FAILED_HOLD of the failure is refused
 * with -EHOSTUNREACH; after that it starts a new resolution.
 *
 * Use from the IP output path (ip_finish_output2):
 *     local_bh_disable();
 *     n = __ipv4_neigh_lookup_noref(dev, nexthop);
 *     if (!n) n = __neigh_create(nexthop, dev);
 *     rc = n ? neigh_output(n, skb) : (kfree_skb(skb), -ENOBUFS);
 *     local_bh_enable();
 * Bottom halves stay disabled between the lookup and the output because the neighbour
 * timers (TIMER softirq) and ARP (NET_RX) may otherwise change or collect the entry.
 *
 * Failure reporting: when resolution fails, every queued packet is handed to the error
 * report hook (neigh_set_error_report) before it is freed, skb->sk still set, so the IP
 * layer can tell the sending socket EHOSTUNREACH; later packets get -EHOSTUNREACH from
 * neigh_output directly while the entry is FAILED. */
#ifndef WP_NEIGHBOUR_H
#define WP_NEIGHBOUR_H

#include "kernel/compiler.h"
#include "kernel/time.h"
#include "net/core/netdevice.h"

#define NUD_NONE       0x00      /* created, no packet has asked for it yet */
#define NUD_INCOMPLETE 0x01
#define NUD_REACHABLE  0x02
#define NUD_STALE      0x04
#define NUD_DELAY      0x08
#define NUD_PROBE      0x10
#define NUD_FAILED     0x20
#define NUD_NOARP      0x40      /* broadcast and the like: no resolution needed */
#define NUD_PERMANENT  0x80
#define NUD_VALID (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY)
#define NUD_CONNECTED (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE)
#define NUD_IN_TIMER (NUD_INCOMPLETE | NUD_REACHABLE | NUD_DELAY | NUD_PROBE)

/* Parameters (Linux's defaults for ARP). */
#define NEIGH_RETRANS_TIME    (1 * HZ)     /* between probes */
#define NEIGH_MCAST_PROBES    3            /* broadcast requests while INCOMPLETE */
#define NEIGH_UCAST_PROBES    3            /* unicast requests while PROBE */
#define NEIGH_BASE_REACHABLE  (30 * HZ)    /* randomised to [1/2, 3/2] of this */
#define NEIGH_DELAY_PROBE     (5 * HZ)
#define NEIGH_FAILED_HOLD     (3 * HZ)     /* -EHOSTUNREACH without retrying this long */
#define NEIGH_GC_INTERVAL     (30 * HZ)
#define NEIGH_GC_STALETIME    (60 * HZ)    /* unused STALE entries older than this go */
/* Bytes (truesize) of packets waiting for resolution, per entry: Linux's unres_qlen_bytes
 * default. A count of 3 packets, the old limit, loses the replies a burst of new peers'
 * SYNs calls for (8 SYN-ACKs, 5 dropped) while the gateway's address is looked up. */
#define NEIGH_QUEUE_BYTES     212992u
#define NEIGH_TABLE_MAX       256          /* entries; a full table collects garbage */
#define NEIGH_HASH_SIZE       64

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
    unsigned int arp_queue_bytes;    /* their truesize, at most NEIGH_QUEUE_BYTES */
    uint8_t hh_data[ETH_HLEN];       /* cached Ethernet header once resolved (neigh_hh_output) */
    bool hh_valid;
    int (*output)(struct neighbour *n, struct sk_buff *skb);  /* resolve or connected output */
    uint64_t queue_drops;
    /* added with neighbour.c */
    bool dead;                       /* unlinked from the table; freed at the last release */
    uint64_t reachable_time;         /* this entry's randomised reachable time (jiffies) */
    uint64_t failed_at;              /* jiffies of the last resolution failure */
    int last_error;                  /* -EHOSTUNREACH after a failure, else 0 */
    uint64_t tx_packets;             /* sent through this entry */
    uint64_t failures;               /* resolutions that ended FAILED */
};

/* Find without taking a reference (caller is in one non-preemptible pass). */
struct neighbour *__ipv4_neigh_lookup_noref(struct net_device *dev, uint32_t key);
/* Create (NUD_NONE: the first packet through it starts resolution) or return the
 * existing entry; NULL when the table is full of entries in use or memory is short. */
struct neighbour *__neigh_create(uint32_t key, struct net_device *dev);
/* Station 10: send through the neighbour (queues and resolves when needed). Consumes skb.
 * 0 when sent or queued, -EHOSTUNREACH when the neighbour is FAILED, another negative
 * errno when dropped for another reason. */
static inline int neigh_output(struct neighbour *n, struct sk_buff *skb) { return n->output(n, skb); }
/* A reply or request from the peer: learn/confirm its address. lladdr NULL keeps the
 * known address. new_state REACHABLE (a reply for us), STALE (learnt from a request or
 * a gratuitous announcement) or FAILED (administratively). */
void neigh_update(struct neighbour *n, const uint8_t *lladdr, uint8_t new_state);

/* The output functions neigh_output dispatches to. */
int neigh_resolve_output(struct neighbour *n, struct sk_buff *skb);
int neigh_connected_output(struct neighbour *n, struct sk_buff *skb);
/* Prepend the cached header and queue for the device. */
int neigh_hh_output(struct neighbour *n, struct sk_buff *skb);
/* Check the state before sending, starting resolution when needed: 0 = send now;
 * 1 = skb queued on arp_queue; negative = skb dropped (-EHOSTUNREACH when FAILED). */
int neigh_event_send(struct neighbour *n, struct sk_buff *skb);
/* Send one solicitation now (through the solicit hook). */
void neigh_probe(struct neighbour *n);

/* An upper layer saw proof of two-way traffic (e.g. a TCP ACK): keeps the entry
 * REACHABLE without probing. */
static inline void neigh_confirm(struct neighbour *n) { n->confirmed = jiffies; }

static inline void neigh_hold(struct neighbour *n) { n->refcnt++; }
void neigh_release(struct neighbour *n);
/* Lookup that takes a reference (NULL when absent). */
struct neighbour *neigh_lookup(struct net_device *dev, uint32_t key);

/* Hooks installed by the protocol (ARP). solicit sends a request for n->primary_key,
 * broadcast while INCOMPLETE, unicast to n->ha while PROBE; skb is the oldest packet
 * waiting (to pick the source address) or NULL. constructor classifies a new entry
 * (NOARP for broadcast and multicast destinations); it may be NULL. */
struct neigh_ops {
    void (*solicit)(struct neighbour *n, struct sk_buff *skb);
    void (*constructor)(struct neighbour *n);
};
void neigh_set_ops(const struct neigh_ops *ops);
/* Called for each packet dropped because its neighbour failed, before it is freed. */
void neigh_set_error_report(void (*fn)(struct neighbour *n, struct sk_buff *skb));

/* The device went down or lost its address: forget its entries, dropping queued packets. */
void neigh_ifdown(struct net_device *dev);

struct neigh_stats {
    uint64_t allocs, destroys;          /* entries created / freed */
    uint64_t entries;                   /* in the table now */
    uint64_t lookups, hits;
    uint64_t res_failed;                /* resolutions that ended FAILED */
    uint64_t unres_discards;            /* queued packets dropped (overflow or failure) */
    uint64_t queue_overflows;           /* oldest queued packet dropped for a newer one */
    uint64_t failed_refusals;           /* packets refused -EHOSTUNREACH while FAILED */
    uint64_t table_fulls;               /* create refused: table full of entries in use */
    uint64_t forced_gc_runs, periodic_gc_runs, gc_freed;
    uint64_t probes_mcast, probes_ucast;
    uint64_t hh_output, no_headroom;    /* sent through the cached header / dropped */
};
void neigh_get_stats(struct neigh_stats *s);
/* ip neigh style listing with states (for the shell). */
void neigh_dump(void);
const char *neigh_state_name(uint8_t nud_state);
/* Drop every entry (tests). */
void neigh_table_flush(void);

#endif
