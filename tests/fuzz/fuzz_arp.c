// SOURCES: net/ipv4/arp.c net/ipv4/arp_hdr.c net/core/neighbour.c net/core/skbuff.c kernel/time/timer.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_softirq.c tests/unit/fake_clock.c
/* tests/fuzz/fuzz_arp.c - the whole ARP receive path (parse, policy, neighbour updates,
 * replies) on arbitrary frames. Input: byte 0 chooses the packet type the NIC reported
 * and whether the clock jumps (running the neighbour timers), the rest is the ARP
 * payload. Invariants: no crash or overread, every received skb is freed, replies are
 * well-formed ARP, and parse(emit(x)) == x for whatever parsed. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "net/ipv4/arp.h"
#include "net/ipv4/inetdevice.h"
#include "kernel/printk.h"

volatile uint64_t jiffies = 1000;
void panic(const char *fmt, ...) { (void)fmt; abort(); }
#define OUR_IP 0x0f02000au    /* 10.0.2.15, network order on little-endian */
bool inet_addr_is_local(struct net_device *d, uint32_t a) { return a == OUR_IP; }
uint32_t inet_select_addr(struct net_device *d, uint32_t dst) { return OUR_IP; }
bool inet_addr_is_broadcast(struct net_device *d, uint32_t a) { return a == 0xff02000au || a == 0xffffffffu; }
void inetaddr_register_notifier(void (*fn)(struct net_device *, uint32_t, bool)) {}
void netdev_register_link_notifier(void (*fn)(struct net_device *, bool)) {}
void dev_add_pack(struct packet_type *pt) {}

static struct net_device dev = { .name = "eth0", .ifindex = 1, .up = true, .carrier = true,
                                 .dev_addr = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 },
                                 .broadcast = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

int dev_queue_xmit(struct sk_buff *skb)
{
    struct arp_repr r;
    if (skb->protocol == ETH_P_ARP &&
        arp_hdr_parse(skb->data + ETH_HLEN, skb->len - ETH_HLEN, &r) != ARP_PARSE_OK)
        abort();                       /* we never emit a bad ARP packet */
    consume_skb(skb);
    return NET_XMIT_SUCCESS;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool init;
    if (!init) {
        console_loglevel = 0;
        arp_init();
        init = true;
    }
    if (size < 1)
        return 0;
    struct skb_stats s0;
    skb_get_stats(&s0);
    struct arp_repr r, p;
    memset(&r, 0, sizeof(r));           /* padding too: the reprs are compared whole */
    memset(&p, 0, sizeof(p));
    uint8_t out[ARP_HLEN];
    if (arp_hdr_parse(data + 1, size - 1, &r) == ARP_PARSE_OK) {
        /* byte-exact except the hardware type: IEEE 802 (6) is read, Ethernet (1) written */
        if (arp_hdr_emit(&r, out, sizeof(out)) != ARP_HLEN || memcmp(out + 2, data + 3, ARP_HLEN - 2))
            abort();
        if (arp_hdr_parse(out, sizeof(out), &p) != ARP_PARSE_OK || memcmp(&p, &r, sizeof(r)))
            abort();
    }
    struct sk_buff *skb = netdev_alloc_skb(&dev, (unsigned)size);
    if (!skb)
        return 0;
    memcpy(skb_put(skb, (unsigned)size - 1), data + 1, size - 1);
    skb_reset_network_header(skb);
    skb->protocol = ETH_P_ARP;
    skb->pkt_type = data[0] & 3;
    arp_rcv(skb, &dev, NULL);
    if (data[0] & 0x80) {              /* let time pass: timers probe, expire, fail */
        jiffies += (uint64_t)(data[0] & 0x7c) * 250;
        timers_run_until(jiffies);
    }
    if (data[0] == 0xff)
        neigh_table_flush();
    struct skb_stats s1;
    skb_get_stats(&s1);
    /* only packets parked on a neighbour's queue may stay alive; arp_rcv queues none */
    if (s1.alive != s0.alive)
        abort();
    return 0;
}
