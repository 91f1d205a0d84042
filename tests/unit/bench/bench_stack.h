/* tests/unit/bench/bench_stack.h - one complete wirepath stack (sockets, TCP, UDP, ICMP, IPv4,
 * routing, ARP and the neighbour cache, qdisc, device layer) in a hosted process, behind
 * a fake NIC that hands every transmitted frame to a callback. tools/bench-hosted.sh
 * links two copies of it (each with its own globals: the symbols below are renamed per
 * copy, everything else made local) and wires them frame to frame. Checksums are computed
 * in software on both paths: the fake NIC offers no offload. Addresses in host order. */
#ifndef WP_BENCH_STACK_H
#define WP_BENCH_STACK_H
#include <stdint.h>

typedef void (*bstack_xmit_fn)(const uint8_t *frame, unsigned len);
/* Called when the stack would sleep (a blocking wait): the harness moves frames. */
typedef void (*bstack_sleep_fn)(void);

/* eth0 with MAC 52:54:00:00:00:<n>, addr/24 and carrier up; runs the initcalls once. */
int bstack_init(unsigned n, uint32_t addr, bstack_xmit_fn xmit, bstack_sleep_fn sleep);
/* A frame arrives from the wire (copied into a fresh skb, as a NIC's DMA would). */
void bstack_rx(const uint8_t *frame, unsigned len);
/* Run pending softirqs (transmit queue, NAPI). */
void bstack_poll(void);
/* A UDP socket bound to port; returns a handle >= 0 or -errno. */
int bstack_udp_socket(uint16_t port);
long bstack_sendto(int h, const void *buf, unsigned len, uint32_t daddr, uint16_t dport);
/* Non-blocking receive; -EAGAIN when nothing is queued. */
long bstack_recv(int h, void *buf, unsigned len);
/* TCP (non-blocking throughout; the harness moves frames between calls): a listener on
 * port, a connect in progress to daddr:dport, a connection taken from a listener
 * (-EAGAIN while none is ready); handles as above. */
int bstack_tcp_listen(uint16_t port);
int bstack_tcp_connect(uint32_t daddr, uint16_t dport);
int bstack_tcp_accept(int listener);
/* Send what fits now (MSG_DONTWAIT): bytes taken, or -errno (-EAGAIN: buffer full). */
long bstack_send(int h, const void *buf, unsigned len);
/* The connection's current MSS (TCP_MAXSEG), or -errno. */
int bstack_tcp_mss(int h);
/* ICMP echo to daddr (payload bytes), waiting through the sleep hook; RTT ns or -errno. */
long bstack_ping(uint32_t daddr, uint16_t seq, unsigned payload);
/* Called by the stack around work the harness does not want counted (callgrind). */
extern void (*bstack_uncounted)(int on);
#endif
