/* tests/unit/fake_ipstack.h - the IPv4 stack on a fake device for hosted tests: a
 * neighbour stand-in that records what IP hands it (data at the IP header, no Ethernet
 * header), a fake clock driving the real timer wheel, and packet builders. Link with
 * the IP sources plus fake_netdev.c, fake_kernel.c, fake_softirq.c (see test_ip_*.c). */
#ifndef WP_FAKE_IPSTACK_H
#define WP_FAKE_IPSTACK_H
#include "net/core/netdevice.h"
#include "net/core/neighbour.h"
#include "tests/unit/fake_netdev.h"

/* When nonzero, neighbour output drops the skb after reporting it to the IP layer's
 * error hook, and returns this value (e.g. -EHOSTUNREACH). */
extern int fake_neigh_fail;
/* When nonzero, neighbour output returns this qdisc code instead of 0: NET_XMIT_DROP
 * frees the skb, NET_XMIT_CN records it as sent. */
extern int fake_neigh_xmit_ret;
/* Neighbour entries created (a next hop looked up for the first time). */
extern int fake_neigh_created;

/* eth0 with 10.0.2.15/24 and a default route via 10.0.2.2; ICMP and UDP registered. */
struct net_device *ipstack_setup(void);
void ipstack_teardown(struct net_device *dev);
/* Move the clock on (jiffies and ns) and run the timers that are due. */
void fake_advance_ms(uint64_t ms);

uint32_t ipa(const char *dotted);
/* A received IPv4 packet as a driver hands it to ip_rcv: data at the IP header, the
 * header built from the arguments (checksum right), payload copied. frag_off in bytes;
 * mf sets More Fragments. */
struct sk_buff *rx_ip(struct net_device *dev, const char *src, const char *dst, uint8_t proto,
                      const void *payload, unsigned len, uint16_t id, unsigned frag_off, bool mf);
/* Hand it to ip_rcv. */
int rx_deliver(struct net_device *dev, struct sk_buff *skb);
/* The frames sent so far: count, and the i-th (still owned by the device record). */
int tx_count(struct net_device *dev);
struct sk_buff *tx_get(struct net_device *dev, int i);
/* Reassemble what was sent (IP fragments of one datagram, in order) into buf; returns
 * the datagram's payload length or -1. */
int tx_reassemble(struct net_device *dev, int first, int n, uint8_t *buf, unsigned max);
/* skb_stats.alive now (after draining the head cache). */
uint64_t skbs_alive(void);
#endif
