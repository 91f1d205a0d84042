/* net/ipv4/ip.h - the IPv4 layer: output (stations 7-9: ip_queue_xmit, ip_local_out,
 * dst_output, ip_output, ip_finish_output, ip_fragment, ip_finish_output2), the UDP
 * branch's ip_make_skb/ip_send_skb, input (ip_rcv, ip_local_deliver, reassembly), the
 * transport protocol table, and the counters of /proc/net/snmp's "Ip:" line. */
#ifndef WP_IP_H
#define WP_IP_H

#include "kernel/compiler.h"
#include "net/core/skbuff.h"
#include "net/core/netdevice.h"
#include "net/ipv4/ip_hdr.h"
#include "kernel/arch/x86.h"

struct sock;
struct rtable;
struct flowi4;
struct kmsg;

static inline struct iphdr *ip_hdr(const struct sk_buff *skb)
{
    return (struct iphdr *)skb_network_header(skb);
}

/* The IP layer's part of skb->cb (Linux's IPCB). On output the route is borrowed, not
 * referenced: whoever calls into the output path holds the route until the call returns,
 * and nothing below ip_finish_output2 looks at it. */
struct inet_skb_parm {
    struct rtable *rt;
    uint16_t flags;
    uint16_t frag_max_size;      /* input: largest fragment of a reassembled datagram */
};
#define IPSKB_REASSEMBLED 0x1
#define IPSKB_FRAG_DF     0x2    /* reassembled from fragments that all had DF */
/* input: the destination is a broadcast on the receiving device (Linux's RTCF_BROADCAST
 * on the input route), decided once by ip_rcv_finish for the protocols above */
#define IPSKB_BROADCAST   0x4
#define IPCB(skb) ((struct inet_skb_parm *)((skb)->cb))
static inline struct rtable *skb_rtable(const struct sk_buff *skb) { return IPCB(skb)->rt; }

/* --- output --- */
/* Station 7: send an skb whose data starts at the transport header (TCP, or anything
 * connected): route from sk->sk_dst_cache or looked up and cached, IP header built,
 * ip_local_out. Consumes skb. 0 or -errno. */
int ip_queue_xmit(struct sock *sk, struct sk_buff *skb);
/* Station 8: skb->data at a complete IP header, IPCB(skb)->rt set. Consumes skb. */
int ip_local_out(struct sock *sk, struct sk_buff *skb);
int dst_output(struct sock *sk, struct sk_buff *skb);
int ip_output(struct sock *sk, struct sk_buff *skb);
/* Station 9 */
int ip_finish_output(struct sock *sk, struct sk_buff *skb);
int ip_fragment(struct sock *sk, struct sk_buff *skb, unsigned int mtu,
                int (*output)(struct sock *, struct sk_buff *));
int ip_finish_output2(struct sock *sk, struct sk_buff *skb);
/* Build the IPv4 header in front of skb->data (which must be the transport header)
 * for the route; the caller's protocol, ttl, tos, DF. */
void ip_build_header(struct sk_buff *skb, const struct rtable *rt, uint32_t saddr,
                     uint32_t daddr, uint8_t protocol, uint8_t ttl, uint8_t tos, bool df);
/* A fresh IP identification (per-destination counters are not worth it for a host:
 * one global counter starting from a boot-time random value). */
uint16_t ip_select_ident(void);

/* The UDP branch (seeds 002/003): build one skb holding the transport header room
 * (transhdrlen bytes, left for the caller at skb_transport_header) and length bytes
 * copied from the message, charged to the socket's send buffer (waits for space unless
 * nonblock). The route stays the caller's. NULL with *err on failure. */
struct sk_buff *ip_make_skb(struct sock *sk, struct flowi4 *fl4, struct rtable *rt,
                            struct kmsg *m, unsigned int length, unsigned int transhdrlen,
                            bool nonblock, int *err);
/* Push the IP header for fl4 and send (ip_local_out). Consumes skb. */
int ip_send_skb(struct sock *sk, struct flowi4 *fl4, struct sk_buff *skb);
/* Neighbour resolution failed for a queued packet: tell its socket (installed with
 * neigh_set_error_report). */
struct neighbour;
void ip_neigh_error_report(struct neighbour *n, struct sk_buff *skb);
/* Header room every output skb reserves: Ethernet + IPv4 (options never sent). */
#define LL_RESERVED_SPACE 16
#define IP_OUT_HEADROOM (LL_RESERVED_SPACE + IPV4_MIN_HLEN)

/* --- input --- */
/* ETH_P_IP handler registered with dev_add_pack. Consumes skb. */
int ip_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt);
int ip_local_deliver(struct sk_buff *skb);
/* Reassembly (net/ipv4/ip_fragment.c): queue one fragment; returns the complete datagram
 * (a new skb, IP header at data, frag fields cleared) when this was the missing piece,
 * else NULL (the fragment was queued or dropped). Consumes skb. */
struct sk_buff *ip_defrag(struct sk_buff *skb);

/* Transport protocols register here (ICMP, UDP now; TCP later, the same way). handler
 * gets the skb with data at the transport header and consumes it. err_handler gets an
 * ICMP error about a datagram we sent: the quoted IP header and at least 8 bytes after. */
struct net_protocol {
    int (*handler)(struct sk_buff *skb);
    void (*err_handler)(struct sk_buff *skb, const struct iphdr *quoted, uint8_t type,
                        uint8_t code, uint32_t info);
};
int inet_add_protocol(const struct net_protocol *prot, uint8_t protocol);
const struct net_protocol *inet_get_protocol(uint8_t protocol);

/* --- counters: /proc/net/snmp "Ip:" plus a reason for every drop --- */
struct ipstats_mib {
    uint64_t InReceives, InHdrErrors, InAddrErrors, InUnknownProtos, InDiscards, InDelivers;
    uint64_t OutRequests, OutDiscards, OutNoRoutes;
    uint64_t ReasmTimeout, ReasmReqds, ReasmOKs, ReasmFails;
    uint64_t FragOKs, FragFails, FragCreates;
    /* IpExt and Linux drop reasons */
    uint64_t InTruncatedPkts, InCsumErrors, InBcastPkts, InMcastPkts, OutBcastPkts;
    uint64_t InOctets, OutOctets;
    /* finer drop reasons (each also counted in one of the above) */
    uint64_t drop_version, drop_ihl, drop_totlen, drop_options, drop_frag_shape;
    uint64_t drop_martian_src, drop_otherhost, drop_not_for_us;
    uint64_t drop_source_route, drop_nonlinear;
    uint64_t out_neigh_errors;
    /* netfilter drops are counted per hook by net/netfilter (nf_get_hook_stats) */
    uint64_t out_emsgsize, out_no_mem;
    /* reassembly detail */
    uint64_t reasm_overlaps, reasm_duplicates, reasm_too_big, reasm_mem_evictions;
    uint64_t reasm_bad_length, reasm_queues_full;
};
extern struct ipstats_mib ipstats;
#define IP_INC_STATS(field) do { unsigned long __f = local_irq_save();    \
        ipstats.field++; local_irq_restore(__f); } while (0)
#define IP_ADD_STATS(field, n) do { unsigned long __f = local_irq_save(); \
        ipstats.field += (n); local_irq_restore(__f); } while (0)
void ip_stats_dump(void);

/* Reassembly state for the tests and the shell. */
struct ipfrag_info {
    int queues;                  /* datagrams being reassembled */
    uint64_t mem;                /* truesize of the fragments held */
};
void ipfrag_get_info(struct ipfrag_info *i);
void ipfrag_flush(void);         /* drop every queue (tests) */
#define IPFRAG_TIMEOUT_MS   30000   /* Linux's ipfrag_time */
#define IPFRAG_HIGH_THRESH  (4u << 20)  /* bytes held before new fragments are refused */
#define IPFRAG_LOW_THRESH   (3u << 20)  /* eviction of the oldest queues goes down to this */
#define IPFRAG_MAX_QUEUES   64
#define IPFRAG_MAX_FRAGS    64      /* fragments in one datagram (a 65535-byte datagram
                                       at MTU 1500 needs 45) */

#endif
