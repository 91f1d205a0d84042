/* net/ipv4/dhcp_client.h - the DHCP client state machine (RFC 2131 section 4.4, figure
 * 5), kept free of devices, tasks and clocks so that it can be driven by hosted tests:
 * the caller feeds it the time (ms), the replies it received and timeouts, and carries
 * out the action it returns (send a message, install or remove a lease). net/ipv4/dhcp.c
 * is that caller in the kernel.
 *
 *   INIT -> SELECTING --OFFER--> REQUESTING --ACK--> [PROBING] --> BOUND --T1--> RENEWING
 *        (unicast) --T2--> REBINDING (broadcast) --lease end--> INIT;  ACK in
 *   RENEWING/REBINDING -> BOUND; NAK anywhere -> INIT. Retransmissions back off 4, 8, 16,
 *   32, 64 s (+-1 s); DISCOVER never gives up; REQUEST gives up after 4 tries and starts
 *   over.
 *
 *   PROBING (when `probe` is set; net/ipv4/dhcp.c sets it): before using an address a
 *   server acknowledged, RFC 5227 section 2.1.1 - wait 0-1 s (PROBE_WAIT), send 3 ARP
 *   probes (sender IP 0.0.0.0, target the address) 1-2 s apart, then wait 2 s
 *   (ANNOUNCE_WAIT) and bind. Any ARP from another host naming the address as its sender,
 *   or another host's probe for it, meanwhile is a conflict: DHCPDECLINE to the server
 *   (RFC 2131 section 3.1.5) and INIT again after 10 s. dhcp_client_release gives a bound
 *   lease back (DHCPRELEASE, RFC 2131 section 4.4.6) before a power-off or restart. */
#ifndef WP_DHCP_CLIENT_H
#define WP_DHCP_CLIENT_H

#include "net/ipv4/dhcp_msg.h"

enum dhcp_state {
    DHCP_INIT, DHCP_SELECTING, DHCP_REQUESTING, DHCP_BOUND, DHCP_RENEWING, DHCP_REBINDING,
    DHCP_PROBING, DHCP_RELEASED,
};

#define DHCP_BACKOFF_FIRST_MS 4000
#define DHCP_BACKOFF_MAX_MS   64000
#define DHCP_REQUEST_TRIES    4
#define DHCP_RENEW_MIN_MS     60000      /* RFC 2131 4.4.5: retransmit no faster than this */
#define DHCP_NAK_DELAY_MS     1000
#define DHCP_DEFAULT_LEASE    3600       /* s, when an ACK names none */
/* RFC 5227 section 1.1 */
#define DHCP_PROBE_WAIT_MS    1000       /* random delay before the first probe */
#define DHCP_PROBE_NUM        3
#define DHCP_PROBE_MIN_MS     1000       /* between probes: 1-2 s */
#define DHCP_PROBE_MAX_MS     2000
#define DHCP_ANNOUNCE_WAIT_MS 2000       /* after the last probe, before using the address */
#define DHCP_DECLINE_DELAY_MS 10000      /* RFC 2131 3.1.5: wait at least 10 s to restart */

struct dhcp_lease {
    uint32_t addr, mask, router, server_id;   /* network order */
    int prefixlen;
    uint32_t dns[DHCP_MAX_DNS];
    uint8_t ndns;
    uint32_t lease_secs, t1_secs, t2_secs;    /* lease_secs DHCP_INFINITE = forever */
};

/* What the caller must do after a call, in this order: remove `old`, install `lease`,
 * send `out` to dst (255.255.255.255 = broadcast) from src. */
struct dhcp_action {
    bool remove;                 /* the address in `old` is no longer ours */
    struct dhcp_lease old;
    bool apply;                  /* install `lease` (address, route, DNS) */
    bool extended;               /* same lease renewed: nothing to reconfigure */
    struct dhcp_lease lease;
    bool send;
    struct dhcp_out out;
    uint32_t src, dst;
    bool probe;                  /* send an ARP probe (sender 0.0.0.0) for probe_addr */
    uint32_t probe_addr;
};

struct dhcp_stats {
    uint64_t discovers, requests, offers, acks, naks;
    uint64_t ignored;            /* wrong xid/MAC, or a type not expected in this state */
    uint64_t request_timeouts;   /* REQUESTING gave up: back to DISCOVER */
    uint64_t renewals, rebinds;  /* leases extended while RENEWING / REBINDING */
    uint64_t expiries;           /* leases lost */
    uint64_t probes;             /* ARP probes of an offered address (RFC 5227) */
    uint64_t conflicts;          /* another host answered for it or probed it too */
    uint64_t declines, releases; /* DHCPDECLINE / DHCPRELEASE sent */
};

struct dhcp_client {
    enum dhcp_state state;
    uint8_t mac[6];
    const char *hostname;
    uint32_t xid;
    uint32_t rnd;
    uint64_t exchange_start;     /* ms, for the secs field */
    uint64_t next_ms;            /* when dhcp_client_timeout wants to run; UINT64_MAX = never */
    unsigned tries;              /* sends in this state */
    uint64_t backoff_ms;
    struct dhcp_reply offer;     /* the offer being requested */
    bool have_lease;
    struct dhcp_lease lease;
    uint64_t t1_at, t2_at, expire_at;   /* ms; UINT64_MAX for an infinite lease */
    bool probe;                  /* probe an address before binding it (off by default) */
    unsigned probes_sent;        /* PROBING: probes so far */
    struct dhcp_stats stats;
};

void dhcp_client_init(struct dhcp_client *c, const uint8_t mac[6], uint32_t seed,
                      const char *hostname);
/* Begin (or begin again) from INIT: a DISCOVER goes out. */
void dhcp_client_start(struct dhcp_client *c, uint64_t now, struct dhcp_action *a);
/* Call when now >= c->next_ms. */
void dhcp_client_timeout(struct dhcp_client *c, uint64_t now, struct dhcp_action *a);
/* A parsed server message. */
void dhcp_client_rx(struct dhcp_client *c, uint64_t now, const struct dhcp_reply *r,
                    struct dhcp_action *a);
/* The link came up: while still looking for a server, ask again now. */
void dhcp_client_link_up(struct dhcp_client *c, uint64_t now, struct dhcp_action *a);
/* An ARP packet seen on the link while PROBING (sender and target IP, network order;
 * the caller leaves out our own frames). A conflict declines the address. */
void dhcp_client_arp(struct dhcp_client *c, uint64_t now, uint32_t sip, uint32_t tip,
                     struct dhcp_action *a);
/* True while PROBING and this ARP packet (from another host) claims the address. */
bool dhcp_client_arp_conflicts(const struct dhcp_client *c, uint32_t sip, uint32_t tip);
/* Give a bound lease back (DHCPRELEASE, unicast to its server) and stop: the client stays
 * RELEASED until started again. Nothing happens without a lease. */
void dhcp_client_release(struct dhcp_client *c, uint64_t now, struct dhcp_action *a);
/* True while a reply may arrive (the caller listens only then). */
bool dhcp_client_listening(const struct dhcp_client *c);
const char *dhcp_state_name(enum dhcp_state s);

#endif
