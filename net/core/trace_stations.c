/* net/core/trace_stations.c - names, call depths and flags of the send-path stations,
 * registered with the kernel's tracer, and the interval `trace stats` reports between
 * the doorbell (TDT write) and the TX-completion interrupt. */
#include "net/core/trace_stations.h"
#include "kernel/init.h"
#include "kernel/printk.h"

/* depth: the indentation a printed journey gives the station (its place in the call
 * chain from the system call down to the driver, and from the interrupt down to the
 * free), as in the seeds' diagram. */
static const struct trace_station send_path[TS_NR_STATIONS] = {
    [TS_SYS_SENDTO]          = { "sys_sendto",           0, TRACE_F_START },
    [TS_SOCK_SENDMSG]        = { "sock_sendmsg",         1, 0 },
    [TS_INET_SENDMSG]        = { "inet_sendmsg",         2, 0 },
    [TS_TCP_SENDMSG]         = { "tcp_sendmsg",          3, 0 },
    [TS_TCP_WRITE_XMIT]      = { "tcp_write_xmit",       4, 0 },
    [TS_TCP_TRANSMIT_SKB]    = { "tcp_transmit_skb",     5, TRACE_F_LINK },
    [TS_UDP_SENDMSG]         = { "udp_sendmsg",          3, 0 },
    [TS_IP_QUEUE_XMIT]       = { "ip_queue_xmit",        6, 0 },
    [TS_IP_SEND_SKB]         = { "ip_send_skb",          6, 0 },
    [TS_NF_HOOK]             = { "nf_hook",              7, 0 },
    [TS_IP_FINISH_OUTPUT2]   = { "ip_finish_output2",    8, 0 },
    [TS_NEIGH_OUTPUT]        = { "neigh_output",         9, 0 },
    [TS_DEV_QUEUE_XMIT]      = { "dev_queue_xmit",      10, 0 },
    [TS_QDISC_ENQUEUE]       = { "qdisc_enqueue",       11, 0 },
    [TS_QDISC_DEQUEUE]       = { "qdisc_dequeue",       11, 0 },
    [TS_SKB_GSO_SEGMENT]     = { "skb_gso_segment",     12, TRACE_F_LINK },
    [TS_DEV_HARD_START_XMIT] = { "dev_hard_start_xmit", 12, 0 },
    [TS_IGB_TX_MAP]          = { "igb_tx_map (TDT)",    13, 0 },
    [TS_IGB_TX_IRQ]          = { "igb_msix_ring (irq)",  0, 0 },
    [TS_NET_RX_RAISE]        = { "napi_schedule (NET_RX raise)", 1, 0 },
    [TS_NET_RX_ACTION]       = { "net_rx_action",        1, 0 },
    [TS_IGB_POLL]            = { "igb_poll",             2, 0 },
    [TS_IGB_CLEAN_TX_IRQ]    = { "igb_clean_tx_irq",     3, 0 },
    [TS_SKB_FREE]            = { "kfree_skb",            4, TRACE_F_END },
    [TS_TCP_ACK]             = { "tcp_ack",              3, 0 },
    [TS_TCP_CLEAN_RTX_QUEUE] = { "tcp_clean_rtx_queue",  4, 0 },
};

static int trace_stations_init(void)
{
    int r = trace_register_stations(0, send_path, TS_NR_STATIONS);
    if (r < 0)
        pr_warn("trace: send-path stations not registered (%d)\n", r);
    trace_set_interval(TS_IGB_TX_MAP, TS_IGB_TX_IRQ, "TDT write -> TX irq");
    trace_set_interval(TS_SYS_SENDTO, TS_IGB_TX_MAP, "syscall -> TDT write");
    return 0;
}
core_initcall(trace_stations_init);
