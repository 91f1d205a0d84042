/* net/core/neighbour.c - the neighbour cache (station 10): a bounded hash table of next
 * hops with the NUD state machine described in neighbour.h, a short queue of packets
 * per entry waiting for resolution, one timer per entry for probes and aging, and a
 * periodic garbage collector. The protocol that resolves addresses (ARP) plugs in
 * through neigh_set_ops; this file knows nothing of ARP packets.
 *
 * Context: entries are touched by the IP output path (tasks and softirqs), by their
 * timers (TIMER softirq) and by ARP (NET_RX softirq). One CPU, so disabling bottom
 * halves around each public entry point is all the locking there is. */
#include "net/core/neighbour.h"
#include "kernel/lib/hash.h"
#include "kernel/softirq.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "net/core/trace_stations.h"

static struct neighbour *hash_table[NEIGH_HASH_SIZE];
static unsigned int nentries;
static const struct neigh_ops *nops;
static void (*error_report)(struct neighbour *n, struct sk_buff *skb);
static struct neigh_stats stats;
static struct timer_list gc_timer;
static bool gc_ready;
static uint32_t rnd_state = 0x6d2b79f5u;

static unsigned int neigh_hash(uint32_t key, const struct net_device *dev)
{
    return hash_mix32(key ^ (uint32_t)dev->ifindex * 0x9e3779b9u) & (NEIGH_HASH_SIZE - 1);
}

/* Randomised reachable time, so that entries learnt together do not all expire, and
 * get re-probed, in the same tick. Any spread will do; no secrecy is needed. */
static uint64_t random_reachable_time(uint32_t key)
{
    rnd_state = hash_mix32(rnd_state ^ key ^ (uint32_t)jiffies);
    return NEIGH_BASE_REACHABLE / 2 + rnd_state % NEIGH_BASE_REACHABLE;
}

void neigh_set_ops(const struct neigh_ops *ops) { nops = ops; }
void neigh_set_error_report(void (*fn)(struct neighbour *, struct sk_buff *)) { error_report = fn; }

const char *neigh_state_name(uint8_t s)
{
    switch (s) {
    case NUD_NONE: return "NONE";
    case NUD_INCOMPLETE: return "INCOMPLETE";
    case NUD_REACHABLE: return "REACHABLE";
    case NUD_STALE: return "STALE";
    case NUD_DELAY: return "DELAY";
    case NUD_PROBE: return "PROBE";
    case NUD_FAILED: return "FAILED";
    case NUD_NOARP: return "NOARP";
    case NUD_PERMANENT: return "PERMANENT";
    default: return "?";
    }
}

/* --- the cached header and the two output modes --- */

static void neigh_hh_init(struct neighbour *n)
{
    struct ethhdr *h = (struct ethhdr *)n->hh_data;
    memcpy(h->h_dest, n->ha, ETH_ALEN);
    memcpy(h->h_source, n->dev->dev_addr, ETH_ALEN);
    h->h_proto = htons(ETH_P_IP);
    n->hh_valid = true;
}

/* The address is known and confirmed: packets skip the state check. */
static void neigh_connect(struct neighbour *n) { n->output = neigh_connected_output; }
/* The address needs checking (or finding) before each packet. */
static void neigh_suspect(struct neighbour *n) { n->output = neigh_resolve_output; }

int neigh_hh_output(struct neighbour *n, struct sk_buff *skb)
{
    if (unlikely(skb_headroom(skb) < ETH_HLEN)) {
        stats.no_headroom++;
        kfree_skb(skb);
        return -ENOBUFS;
    }
    if (unlikely(!n->hh_valid))
        neigh_hh_init(n);
    uint8_t *h = skb_push(skb, ETH_HLEN);
    memcpy(h, n->hh_data, ETH_HLEN);
    if (skb->protocol && skb->protocol != ETH_P_IP)
        ((struct ethhdr *)h)->h_proto = htons(skb->protocol);
    skb_reset_mac_header(skb);
    skb->dev = n->dev;
    n->tx_packets++;
    stats.hh_output++;
    return net_xmit_errno(dev_queue_xmit(skb));
}

int neigh_connected_output(struct neighbour *n, struct sk_buff *skb)
{
    trace_skb(TS_NEIGH_OUTPUT, skb, n->nud_state);
    n->used = jiffies;
    return neigh_hh_output(n, skb);
}

/* --- probes, failure --- */

void neigh_probe(struct neighbour *n)
{
    if (n->nud_state == NUD_PROBE)
        stats.probes_ucast++;
    else
        stats.probes_mcast++;
    n->probes++;
    if (nops && nops->solicit)
        nops->solicit(n, skb_peek(&n->arp_queue));
}

/* The arp_queue's two ends, keeping arp_queue_bytes. */
static struct sk_buff *unres_dequeue(struct neighbour *n)
{
    struct sk_buff *skb = skb_dequeue(&n->arp_queue);
    if (skb)
        n->arp_queue_bytes -= skb->truesize;
    return skb;
}

static void drop_queued(struct neighbour *n, bool report)
{
    struct sk_buff *skb;
    while ((skb = unres_dequeue(n))) {
        stats.unres_discards++;
        n->queue_drops++;
        if (report && error_report)
            error_report(n, skb);
        kfree_skb(skb);
    }
}

/* Resolution gave up: the queued packets are dropped and their senders told. */
static void neigh_invalidate(struct neighbour *n)
{
    n->nud_state = NUD_FAILED;
    n->failed_at = jiffies;
    n->last_error = -EHOSTUNREACH;
    n->failures++;
    n->hh_valid = false;
    stats.res_failed++;
    neigh_suspect(n);
    drop_queued(n, true);
}

static void neigh_timer_handler(struct timer_list *t)
{
    struct neighbour *n = container_of(t, struct neighbour, timer);
    uint64_t now = jiffies, next = 0;
    uint8_t state = n->nud_state;
    if (n->dead || !(state & NUD_IN_TIMER))
        return;
    if (state & NUD_REACHABLE) {
        if (time_before(now, n->confirmed + n->reachable_time)) {
            next = n->confirmed + n->reachable_time;
        } else if (time_before(now, n->used + NEIGH_DELAY_PROBE)) {
            /* in use but unconfirmed: give upper layers a moment to confirm */
            n->nud_state = NUD_DELAY;
            n->updated = now;
            neigh_suspect(n);
            next = now + NEIGH_DELAY_PROBE;
        } else {
            n->nud_state = NUD_STALE;
            n->updated = now;
            neigh_suspect(n);
        }
    } else if (state & NUD_DELAY) {
        if (time_before(now, n->confirmed + NEIGH_DELAY_PROBE)) {
            n->nud_state = NUD_REACHABLE;
            n->updated = now;
            neigh_connect(n);
            next = n->confirmed + n->reachable_time;
        } else {
            n->nud_state = NUD_PROBE;
            n->updated = now;
            n->probes = 0;
            next = now + NEIGH_RETRANS_TIME;
        }
    } else {
        next = now + NEIGH_RETRANS_TIME;     /* INCOMPLETE or PROBE: next retry */
    }
    if (n->nud_state & (NUD_INCOMPLETE | NUD_PROBE)) {
        unsigned max = n->nud_state == NUD_PROBE ? NEIGH_UCAST_PROBES : NEIGH_MCAST_PROBES;
        if (n->probes >= max) {
            neigh_invalidate(n);
            return;
        }
    }
    if (next)
        mod_timer(&n->timer, next);
    if (n->nud_state & (NUD_INCOMPLETE | NUD_PROBE))
        neigh_probe(n);
}

/* --- state checks on the way out --- */

static void queue_for_resolution(struct neighbour *n, struct sk_buff *skb)
{
    /* the newest packets are the most useful ones when the address turns up */
    while (!skb_queue_empty(&n->arp_queue) &&
           n->arp_queue_bytes + skb->truesize > NEIGH_QUEUE_BYTES) {
        kfree_skb(unres_dequeue(n));
        n->queue_drops++;
        stats.queue_overflows++;
        stats.unres_discards++;
    }
    skb_queue_tail(&n->arp_queue, skb);
    n->arp_queue_bytes += skb->truesize;
}

int neigh_event_send(struct neighbour *n, struct sk_buff *skb)
{
    uint64_t now = jiffies;
    n->used = now;
    uint8_t s = n->nud_state;
    if (s & (NUD_CONNECTED | NUD_DELAY | NUD_PROBE))
        return 0;
    if (s == NUD_STALE) {
        /* usable, but ask for a confirmation if none arrives within the delay */
        n->nud_state = NUD_DELAY;
        n->updated = now;
        mod_timer(&n->timer, now + NEIGH_DELAY_PROBE);
        return 0;
    }
    if (s == NUD_FAILED && time_before(now, n->failed_at + NEIGH_FAILED_HOLD)) {
        stats.failed_refusals++;
        kfree_skb(skb);
        return -EHOSTUNREACH;
    }
    if (s == NUD_NONE || s == NUD_FAILED) {
        n->nud_state = NUD_INCOMPLETE;
        n->updated = now;
        n->probes = 0;
        n->last_error = 0;
        queue_for_resolution(n, skb);
        mod_timer(&n->timer, now + NEIGH_RETRANS_TIME);
        neigh_probe(n);                     /* the first request goes out at once */
        return 1;
    }
    /* INCOMPLETE: already asking */
    queue_for_resolution(n, skb);
    return 1;
}

int neigh_resolve_output(struct neighbour *n, struct sk_buff *skb)
{
    trace_skb(TS_NEIGH_OUTPUT, skb, n->nud_state);
    local_bh_disable();
    int rc = neigh_event_send(n, skb);
    if (rc == 0) {
        rc = neigh_hh_output(n, skb);
    } else if (rc > 0) {
        rc = 0;                             /* queued: not an error for the sender */
    }
    local_bh_enable();
    return rc;
}

/* --- learning --- */

void neigh_update(struct neighbour *n, const uint8_t *lladdr, uint8_t new_state)
{
    local_bh_disable();
    uint8_t old = n->nud_state;
    uint64_t now = jiffies;
    if (n->dead || (old & (NUD_NOARP | NUD_PERMANENT))) {
        local_bh_enable();
        return;
    }
    if (!(new_state & NUD_VALID)) {
        del_timer(&n->timer);
        if (old & (NUD_INCOMPLETE | NUD_PROBE))
            neigh_invalidate(n);
        n->nud_state = new_state;
        n->updated = now;
        neigh_suspect(n);
        local_bh_enable();
        return;
    }
    if (!lladdr) {
        if (!(old & NUD_VALID)) {           /* nothing known to confirm */
            local_bh_enable();
            return;
        }
        lladdr = n->ha;
    }
    bool changed = !ether_addr_equal(lladdr, n->ha);
    /* Hearing from a neighbour (a request, an announcement) says its address, not that
     * it can hear us: a confirmed entry with the same address stays as it is. */
    if (new_state == NUD_STALE && (old & NUD_VALID) && !changed) {
        n->updated = now;
        local_bh_enable();
        return;
    }
    if (changed || !(old & NUD_VALID)) {
        memcpy(n->ha, lladdr, ETH_ALEN);
        neigh_hh_init(n);
    }
    n->updated = now;
    n->nud_state = new_state;
    n->probes = 0;
    n->last_error = 0;
    if (new_state & NUD_CONNECTED) {
        n->confirmed = now;
        neigh_connect(n);
        if (new_state == NUD_REACHABLE)
            mod_timer(&n->timer, now + n->reachable_time);
        else
            del_timer(&n->timer);
    } else {
        del_timer(&n->timer);
        neigh_suspect(n);
    }
    /* packets that waited for this address go now, in order */
    if (!(old & NUD_VALID)) {
        struct sk_buff *skb;
        while ((skb = unres_dequeue(n)))
            n->output(n, skb);
    }
    local_bh_enable();
}

/* --- the table --- */

static void gc_timer_fn(struct timer_list *t);

static void neigh_destroy(struct neighbour *n)
{
    stats.destroys++;
    kfree(n);
}

/* Take n out of the table (it must be in it). */
static void neigh_unlink(struct neighbour *n)
{
    struct neighbour **pp = &hash_table[neigh_hash(n->primary_key, n->dev)];
    while (*pp && *pp != n)
        pp = &(*pp)->next;
    if (*pp)
        *pp = n->next;
    n->next = NULL;
    n->dead = true;
    nentries--;
    del_timer(&n->timer);
    drop_queued(n, true);
    if (n->refcnt <= 0)
        neigh_destroy(n);
}

void neigh_release(struct neighbour *n)
{
    if (!n)
        return;
    local_bh_disable();
    if (--n->refcnt <= 0 && n->dead)
        neigh_destroy(n);
    local_bh_enable();
}

struct neighbour *__ipv4_neigh_lookup_noref(struct net_device *dev, uint32_t key)
{
    stats.lookups++;
    for (struct neighbour *n = hash_table[neigh_hash(key, dev)]; n; n = n->next)
        if (n->primary_key == key && n->dev == dev) {
            stats.hits++;
            return n;
        }
    return NULL;
}

struct neighbour *neigh_lookup(struct net_device *dev, uint32_t key)
{
    local_bh_disable();
    struct neighbour *n = __ipv4_neigh_lookup_noref(dev, key);
    if (n)
        neigh_hold(n);
    local_bh_enable();
    return n;
}

static bool gc_candidate(const struct neighbour *n, bool all, uint64_t now)
{
    if (n->refcnt > 0)
        return false;
    switch (n->nud_state) {
    case NUD_FAILED:
        return all || !time_before(now, n->failed_at + NEIGH_FAILED_HOLD);
    case NUD_STALE:
        return all || !time_before(now, n->used + NEIGH_GC_STALETIME);
    case NUD_NONE:
        return skb_queue_empty(&n->arp_queue);
    default:
        return false;
    }
}

static int gc_pass(bool all)
{
    int freed = 0;
    uint64_t now = jiffies;
    for (unsigned b = 0; b < NEIGH_HASH_SIZE; b++) {
        struct neighbour *n = hash_table[b];
        while (n) {
            struct neighbour *next = n->next;
            if (gc_candidate(n, all, now)) {
                neigh_unlink(n);
                freed++;
            }
            n = next;
        }
    }
    stats.gc_freed += (uint64_t)freed;
    return freed;
}

static void gc_timer_fn(struct timer_list *t)
{
    (void)t;
    stats.periodic_gc_runs++;
    gc_pass(false);
    if (nentries)
        mod_timer(&gc_timer, jiffies + NEIGH_GC_INTERVAL);
}

/* Destinations that need no resolution: the limited broadcast and multicast groups
 * (RFC 1112 section 6.4: 01:00:5e + the group's low 23 bits). */
static void default_constructor(struct neighbour *n)
{
    uint32_t a = ntohl(n->primary_key);
    if (a == 0xffffffffu) {
        memset(n->ha, 0xff, ETH_ALEN);
    } else if ((a >> 28) == 0xe) {
        static const uint8_t pfx[3] = { 0x01, 0x00, 0x5e };
        memcpy(n->ha, pfx, 3);
        n->ha[3] = (uint8_t)((a >> 16) & 0x7f);
        n->ha[4] = (uint8_t)(a >> 8);
        n->ha[5] = (uint8_t)a;
    } else {
        return;
    }
    n->nud_state = NUD_NOARP;
}

struct neighbour *__neigh_create(uint32_t key, struct net_device *dev)
{
    if (!dev)
        return NULL;
    local_bh_disable();
    struct neighbour *n = __ipv4_neigh_lookup_noref(dev, key);
    if (n)
        goto out;
    if (nentries >= NEIGH_TABLE_MAX) {
        stats.forced_gc_runs++;
        gc_pass(true);
        if (nentries >= NEIGH_TABLE_MAX) {
            stats.table_fulls++;
            goto out;
        }
    }
    n = kzalloc(sizeof(*n));
    if (!n)
        goto out;
    n->dev = dev;
    n->primary_key = key;
    n->nud_state = NUD_NONE;
    n->used = n->updated = jiffies;
    n->reachable_time = random_reachable_time(key);
    timer_setup(&n->timer, neigh_timer_handler, 0);
    skb_queue_head_init(&n->arp_queue);
    default_constructor(n);
    if (n->nud_state == NUD_NONE && nops && nops->constructor)
        nops->constructor(n);
    if (n->nud_state & NUD_VALID) {
        neigh_hh_init(n);
        neigh_connect(n);
    } else {
        neigh_suspect(n);
    }
    unsigned h = neigh_hash(key, dev);
    n->next = hash_table[h];
    hash_table[h] = n;
    nentries++;
    stats.allocs++;
    if (!gc_ready) {
        timer_setup(&gc_timer, gc_timer_fn, 0);
        gc_ready = true;
    }
    if (!timer_pending(&gc_timer))
        mod_timer(&gc_timer, jiffies + NEIGH_GC_INTERVAL);
out:
    local_bh_enable();
    return n;
}

static void flush_where(struct net_device *dev)
{
    local_bh_disable();
    for (unsigned b = 0; b < NEIGH_HASH_SIZE; b++) {
        struct neighbour *n = hash_table[b];
        while (n) {
            struct neighbour *next = n->next;
            if (!dev || n->dev == dev)
                neigh_unlink(n);
            n = next;
        }
    }
    local_bh_enable();
}

void neigh_ifdown(struct net_device *dev) { flush_where(dev); }
void neigh_table_flush(void) { flush_where(NULL); }

void neigh_get_stats(struct neigh_stats *s)
{
    *s = stats;
    s->entries = nentries;
}

void neigh_dump(void)
{
    uint64_t now = jiffies;
    local_bh_disable();
    for (unsigned b = 0; b < NEIGH_HASH_SIZE; b++)
        for (struct neighbour *n = hash_table[b]; n; n = n->next) {
            uint32_t a = ntohl(n->primary_key);
            printk("%u.%u.%u.%u dev %s ", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
                   a & 0xff, n->dev->name);
            if (n->nud_state & NUD_VALID)
                printk("lladdr %02x:%02x:%02x:%02x:%02x:%02x ", n->ha[0], n->ha[1],
                       n->ha[2], n->ha[3], n->ha[4], n->ha[5]);
            printk("%s probes %u queue %u used %llums ago sent %llu dropped %llu"
                   " refs %d\n", neigh_state_name(n->nud_state), n->probes,
                   skb_queue_len(&n->arp_queue),
                   (unsigned long long)jiffies_to_msecs(now - n->used),
                   (unsigned long long)n->tx_packets, (unsigned long long)n->queue_drops,
                   n->refcnt);
        }
    printk("neigh: %u entries (max %u), %llu created, %llu freed, %llu failed resolutions,"
           " %llu unresolved drops (%llu queue overflows), %llu refused while failed,"
           " %llu table full, gc %llu forced %llu periodic %llu freed,"
           " probes %llu bcast %llu ucast\n", nentries, NEIGH_TABLE_MAX,
           (unsigned long long)stats.allocs, (unsigned long long)stats.destroys,
           (unsigned long long)stats.res_failed, (unsigned long long)stats.unres_discards,
           (unsigned long long)stats.queue_overflows, (unsigned long long)stats.failed_refusals,
           (unsigned long long)stats.table_fulls, (unsigned long long)stats.forced_gc_runs,
           (unsigned long long)stats.periodic_gc_runs, (unsigned long long)stats.gc_freed,
           (unsigned long long)stats.probes_mcast, (unsigned long long)stats.probes_ucast);
    local_bh_enable();
}
