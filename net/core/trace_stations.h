/* net/core/trace_stations.h - the stations of the send path (../../docs/sendpath.md) as
 * trace points (kernel/trace.h). Mark a station with one line:
 *
 *     trace_skb(TS_DEV_QUEUE_XMIT, skb, arg);        a packet buffer passes
 *     trace_point(TS_SYS_SENDTO, NULL, len, fd);     before the buffer exists
 *
 * The names, indentation and flags are in net/core/trace_stations.c; an id added here
 * needs its line there. */
#ifndef WP_TRACE_STATIONS_H
#define WP_TRACE_STATIONS_H

#include "kernel/trace.h"

enum trace_station_id {
    TS_SYS_SENDTO,           /* arg fd, len bytes asked (also sendmsg, write) */
    TS_SOCK_SENDMSG,
    TS_INET_SENDMSG,
    TS_TCP_SENDMSG,          /* obj the write-queue skb, arg bytes copied into it */
    TS_TCP_WRITE_XMIT,       /* obj the send head, arg cwnd */
    TS_TCP_TRANSMIT_SKB,     /* obj the original, arg the clone (LINK) */
    TS_UDP_SENDMSG,
    TS_IP_QUEUE_XMIT,
    TS_IP_SEND_SKB,
    TS_NF_HOOK,              /* arg the hook number */
    TS_IP_FINISH_OUTPUT2,    /* arg the next hop */
    TS_NEIGH_OUTPUT,         /* arg the NUD state */
    TS_DEV_QUEUE_XMIT,       /* arg the TX queue */
    TS_QDISC_ENQUEUE,        /* arg the backlog after it */
    TS_QDISC_DEQUEUE,
    TS_SKB_GSO_SEGMENT,      /* validate_xmit_skb cut a GSO packet; arg its first segment (LINK) */
    TS_DEV_HARD_START_XMIT,
    TS_IGB_TX_MAP,           /* arg the TDT value written */
    TS_IGB_TX_IRQ,           /* arg the interrupt vector */
    TS_NET_RX_RAISE,         /* napi_schedule raises NET_RX; arg the softirq number */
    TS_NET_RX_ACTION,
    TS_IGB_POLL,             /* arg the NAPI budget */
    TS_IGB_CLEAN_TX_IRQ,     /* arg the descriptor index cleaned */
    TS_SKB_FREE,
    TS_TCP_ACK,              /* obj the ACKed original, arg snd_una */
    TS_TCP_CLEAN_RTX_QUEUE,  /* obj the original about to be freed */
    TS_NR_STATIONS
};

#define trace_skb(station, skb, arg) trace_point((station), (skb), (skb)->len, (arg))

#endif
