/* net/ipv4/udp.h - UDP (RFC 768) behind struct proto: udp_prot for the socket layer,
 * udp_rcv for the IP layer, and the counters of /proc/net/snmp's "Udp:" line.
 *
 * Send (seeds 002/003): inet_sendmsg -> udp_sendmsg -> ip_route_output_flow ->
 * ip_make_skb -> udp_send_skb -> ip_send_skb -> ip_local_out (station 8).
 * Receive: ip_local_deliver -> udp_rcv (checksum, lookup) -> sock_queue_rcv_skb ->
 * udp_recvmsg (skb_recv_datagram). */
#ifndef WP_UDP_H
#define WP_UDP_H

#include "net/core/sock.h"
#include "net/ipv4/udp_hdr.h"

struct iphdr;

/* The protocol's sock: struct sock first (sk_alloc allocates udp_prot.obj_size). */
struct udp_sock {
    struct sock sk;
    bool saddr_from_connect;     /* inet_saddr was chosen by connect, not bind */
};

extern struct proto udp_prot;

/* Ephemeral ports (Linux's net.ipv4.ip_local_port_range). */
#define UDP_EPHEMERAL_LOW  32768
#define UDP_EPHEMERAL_HIGH 60999

static inline struct udphdr *udp_hdr(const struct sk_buff *skb)
{
    return (struct udphdr *)skb_transport_header(skb);
}

/* IPPROTO_UDP handler: skb->data at the UDP header. Consumes skb. */
int udp_rcv(struct sk_buff *skb);
/* ICMP error about a datagram we sent (quoted: its IP header, then 8+ bytes). */
void udp_err(struct sk_buff *skb, const struct iphdr *quoted, uint8_t type, uint8_t code,
             uint32_t info);
/* Registers the protocol handler (called by ip_init). */
void udp_init(void);

/* /proc/net/snmp "Udp:" */
struct udp_mib {
    uint64_t InDatagrams, NoPorts, InErrors, OutDatagrams, RcvbufErrors, SndbufErrors,
             InCsumErrors, IgnoredMulti;
    uint64_t in_truncated, in_bad_length;        /* InErrors by reason */
};
extern struct udp_mib udpstats;
void udp_stats_dump(void);
/* Call fn for every bound UDP socket (ss); fn must not sleep or unbind. */
void udp_for_each_sock(void (*fn)(struct sock *sk, void *arg), void *arg);

#endif
