/* net/core/skbuff.h - the packet buffer (sk_buff) every layer passes down and up.
 *
 * Layout of one buffer:
 *
 *   head            data                  tail             end
 *    |<- headroom ->|<------ linear ------>|<- tailroom ->|
 *
 * plus up to MAX_SKB_FRAGS page fragments (frags[], data_len bytes in total) held in the
 * shared info, which sits in its own small allocation so that the linear area can be
 * exactly a DMA-friendly size (a 2 KiB receive buffer is a 2 KiB kmalloc object).
 * len = linear bytes + data_len.
 *
 * The data area (head..end, the shared info and the fragments) is shared and reference
 * counted (shinfo->dataref): skb_clone() makes a second sk_buff pointing at the same
 * bytes without copying them - TCP keeps the original on its write queue for
 * retransmission and hands the clone down the stack; the driver frees the clone when the
 * NIC says it is sent. skb_copy() makes a private copy of everything.
 *
 * Headers are pushed in front of data (skb_push) as the packet descends; receive pulls
 * them off (skb_pull). Header positions are kept as offsets from head.
 */
#ifndef WP_SKBUFF_H
#define WP_SKBUFF_H

#include "kernel/compiler.h"
#include "kernel/mm/mm.h"

struct net_device;
struct sock;

#define MAX_SKB_FRAGS 17
/* Headroom reserved by every allocator for Ethernet + IPv4 + TCP headers and options. */
#define NET_SKB_PAD   128
#define MAX_HEADER    (NET_SKB_PAD)

/* ip_summed: what is known about the L4 checksum */
#define CHECKSUM_NONE        0   /* RX: not checked; TX: already computed by software */
#define CHECKSUM_UNNECESSARY 1   /* RX: the NIC verified it */
#define CHECKSUM_PARTIAL     2   /* TX: the NIC must fill it (csum_start/csum_offset) */

/* gso_type */
#define SKB_GSO_TCPV4 0x1
#define SKB_GSO_UDP   0x2

typedef struct skb_frag {
    phys_addr_t page;        /* physical address of the page holding the bytes */
    uint32_t offset;
    uint32_t size;
} skb_frag_t;

struct skb_shared_info {
    int dataref;             /* sk_buffs sharing this data area */
    uint8_t nr_frags;
    uint16_t gso_size;       /* MSS for TSO, 0 when not a GSO packet */
    uint16_t gso_segs;
    uint16_t gso_type;
    /* A datagram built in fragment-sized pieces (ip_make_skb, as Linux's
     * __ip_append_data): the pieces after this skb's own bytes, chained by ->next, their
     * bytes counted in len and data_len. Only ip_fragment takes the chain apart (each
     * piece becomes a fragment without copying); it is freed with the data area. */
    struct sk_buff *frag_list;
    skb_frag_t frags[MAX_SKB_FRAGS];
    /* frag pages are released with free_page when the last reference goes */
};

struct sk_buff {
    struct sk_buff *next, *prev;        /* position in an sk_buff_head */
    struct net_device *dev;
    struct sock *sk;
    void (*destructor)(struct sk_buff *skb);
    uint64_t tstamp;                    /* ns, set by the layer that cares */

    unsigned int len;                   /* linear + paged bytes */
    unsigned int data_len;              /* paged bytes (in frags) */
    uint16_t protocol;                  /* ethertype, host order */
    uint16_t queue_mapping;             /* TX queue chosen by netdev_pick_tx */
    uint32_t priority;                  /* qdisc band selection */
    uint32_t hash;                      /* flow hash (RSS on RX, computed on TX) */
    uint8_t ip_summed;
    uint8_t cloned : 1;                 /* data area shared with another sk_buff */
    uint8_t pkt_type : 3;               /* PACKET_HOST, PACKET_BROADCAST, ... */
    uint16_t csum_start;                /* offset from head where the checksum starts */
    uint16_t csum_offset;               /* from csum_start to the checksum field */

    uint16_t mac_header;                /* offsets from head; 0xffff = unset */
    uint16_t network_header;
    uint16_t transport_header;

    int users;                          /* references to this sk_buff struct */
    unsigned int truesize;              /* memory charged for this buffer */

    unsigned char *head, *data, *tail, *end;
    struct skb_shared_info *shinfo;     /* shared with clones */

    char cb[48] __aligned(8);           /* per-layer scratch (TCP seq numbers, ...) */
};

#define PACKET_HOST      0
#define PACKET_BROADCAST 1
#define PACKET_MULTICAST 2
#define PACKET_OTHERHOST 3
#define PACKET_OUTGOING  4

static inline struct skb_shared_info *skb_shinfo(const struct sk_buff *skb)
{
    return skb->shinfo;
}

/* Allocation. size is the linear room wanted; returns NULL when memory is short. */
struct sk_buff *alloc_skb(unsigned int size);
/* For drivers and the stack: linear room plus NET_SKB_PAD reserved as headroom. */
struct sk_buff *netdev_alloc_skb(struct net_device *dev, unsigned int size);
void kfree_skb(struct sk_buff *skb);      /* drop one reference; NULL is fine */
void consume_skb(struct sk_buff *skb);    /* same, but the packet was delivered, not dropped */
struct sk_buff *skb_get(struct sk_buff *skb);

struct sk_buff *skb_clone(struct sk_buff *skb);   /* shares data */
struct sk_buff *skb_copy(const struct sk_buff *skb);  /* private linear copy */
/* Make the header area private (before writing headers into a clone's data). 0 or -ENOMEM */
int skb_unshare_head(struct sk_buff *skb);

static inline bool skb_cloned(const struct sk_buff *skb)
{
    return skb->cloned && skb_shinfo(skb)->dataref != 1;
}
static inline unsigned int skb_headlen(const struct sk_buff *skb) { return skb->len - skb->data_len; }
static inline unsigned int skb_headroom(const struct sk_buff *skb) { return (unsigned)(skb->data - skb->head); }
static inline unsigned int skb_tailroom(const struct sk_buff *skb)
{
    return skb->data_len ? 0 : (unsigned)(skb->end - skb->tail);
}
static inline bool skb_is_nonlinear(const struct sk_buff *skb) { return skb->data_len != 0; }
static inline bool skb_has_frag_list(const struct sk_buff *skb) { return skb->shinfo->frag_list; }
static inline bool skb_is_gso(const struct sk_buff *skb) { return skb_shinfo(skb)->gso_size != 0; }

void skb_reserve(struct sk_buff *skb, unsigned int len);
/* Grow at the tail / head; return the start of the new bytes. Overflow panics (a bug). */
void *skb_put(struct sk_buff *skb, unsigned int len);
void *skb_put_data(struct sk_buff *skb, const void *data, unsigned int len);
void *skb_push(struct sk_buff *skb, unsigned int len);
/* Remove from the head; NULL when fewer than len linear bytes are there. */
void *skb_pull(struct sk_buff *skb, unsigned int len);
/* True when at least len bytes are linear (receive parsers check before reading). */
bool pskb_may_pull(struct sk_buff *skb, unsigned int len);
void skb_trim(struct sk_buff *skb, unsigned int len);
/* Attach a page fragment (the skb takes over one reference to the page). */
void skb_add_frag(struct sk_buff *skb, phys_addr_t page, uint32_t off, uint32_t size);
/* Append size bytes at page+off as paged data, taking a reference to the page; when the
 * last fragment ends exactly at page+off it is extended instead. truesize grows by size
 * (the page is shared by several buffers; each is charged for what it uses). False when
 * the fragment slots are full. */
bool skb_frag_append(struct sk_buff *skb, phys_addr_t page, uint32_t off, uint32_t size);
/* Move the bytes of skb past len (len >= skb_headlen) into skb1, an empty buffer: the
 * fragment holding byte len is shared (a second page reference), the rest move over.
 * truesize moves with the bytes. The caller has made skb's data private (not cloned). */
void skb_split(struct sk_buff *skb, struct sk_buff *skb1, uint32_t len);
/* Drop the first len bytes of paged data (len <= data_len, headlen 0): TCP trimming an
 * ACKed head. truesize shrinks by len. */
void skb_pull_frags(struct sk_buff *skb, uint32_t len);
/* Copy len bytes starting at offset (linear or paged) into to. 0 or -EFAULT. */
int skb_copy_bits(const struct sk_buff *skb, unsigned int offset, void *to, unsigned int len);

static inline void skb_reset_mac_header(struct sk_buff *s) { s->mac_header = (uint16_t)(s->data - s->head); }
static inline void skb_reset_network_header(struct sk_buff *s) { s->network_header = (uint16_t)(s->data - s->head); }
static inline void skb_reset_transport_header(struct sk_buff *s) { s->transport_header = (uint16_t)(s->data - s->head); }
static inline void skb_set_network_header(struct sk_buff *s, int off) { s->network_header = (uint16_t)(s->data - s->head + off); }
static inline void skb_set_transport_header(struct sk_buff *s, int off) { s->transport_header = (uint16_t)(s->data - s->head + off); }
static inline unsigned char *skb_mac_header(const struct sk_buff *s) { return s->head + s->mac_header; }
static inline unsigned char *skb_network_header(const struct sk_buff *s) { return s->head + s->network_header; }
static inline unsigned char *skb_transport_header(const struct sk_buff *s) { return s->head + s->transport_header; }
static inline int skb_network_offset(const struct sk_buff *s) { return (int)(skb_network_header(s) - s->data); }
static inline int skb_transport_offset(const struct sk_buff *s) { return (int)(skb_transport_header(s) - s->data); }

/* Queues of sk_buffs (write queues, qdisc bands, ARP queues, receive queues). */
struct sk_buff_head {
    struct sk_buff *next, *prev;
    uint32_t qlen;
};
void skb_queue_head_init(struct sk_buff_head *q);
void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb);
void skb_queue_head(struct sk_buff_head *q, struct sk_buff *skb);
struct sk_buff *skb_dequeue(struct sk_buff_head *q);
struct sk_buff *skb_dequeue_tail(struct sk_buff_head *q);
void skb_unlink(struct sk_buff *skb, struct sk_buff_head *q);
void skb_queue_purge(struct sk_buff_head *q);
/* Insert newsk into q right after prev. */
void skb_queue_after(struct sk_buff_head *q, struct sk_buff *prev, struct sk_buff *newsk);
static inline uint32_t skb_queue_len(const struct sk_buff_head *q) { return q->qlen; }
static inline bool skb_queue_empty(const struct sk_buff_head *q) { return q->qlen == 0; }
static inline struct sk_buff *skb_peek(const struct sk_buff_head *q)
{
    return q->qlen ? q->next : NULL;
}

/* Leak accounting: every test checks these return to their baseline. */
struct skb_stats {
    uint64_t alive;           /* sk_buff structs allocated and not freed */
    uint64_t data_alive;      /* data areas */
    uint64_t bytes_held;      /* truesize of live buffers */
    uint64_t allocs, frees, clones, copies, alloc_failures, drops;
};
void skb_get_stats(struct skb_stats *s);
/* Return the cached sk_buff structs and shared infos to kmalloc (memory pressure, leak
 * checks). */
void skb_head_cache_drain(void);

#endif
