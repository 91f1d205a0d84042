// SOURCES: net/ipv4/ip_fragment.c net/ipv4/ip_output.c net/ipv4/ip_input.c net/ipv4/icmp.c net/ipv4/udp.c net/ipv4/route.c net/ipv4/devinet.c net/ipv4/ip_hdr.c net/ipv4/icmp_hdr.c net/ipv4/udp_hdr.c net/netfilter/core.c net/netfilter/nf_rules.c net/core/checksum.c net/core/skbuff.c net/core/sock.c net/core/datagram.c net/core/stream.c net/kmsg.c kernel/uaccess.c kernel/user/uvm.c kernel/time/timer.c kernel/cmdline.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_kernel.c kernel/sched/wait.c tests/unit/fake_softirq.c tests/unit/fake_netdev.c tests/unit/fake_ipstack.c net/core/dev_registry.c tests/unit/fake_clock.c
// FUZZ_OPTS: -max_len=12000
/* tests/fuzz/fuzz_ip_rcv.c - the whole IPv4 receive path on the hosted stack: a run is a
 * sequence of frames (2-byte length, 1 flag byte, bytes) handed to ip_rcv one after the
 * other, with the clock moved on between some of them, so the fuzzer reaches reassembly
 * (overlaps, timeouts, limits), ICMP (echo replies, errors to a connected UDP socket,
 * port unreachable) and UDP delivery. Afterwards every packet must be accounted for: no
 * skb may outlive the run, and nothing may read or write outside a buffer. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include "tests/unit/fake_ipstack.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/udp.h"
#include "net/ipv4/icmp.h"
#include "net/netfilter/netfilter.h"

void panic(const char *fmt, ...) { (void)fmt; abort(); }

static struct net_device *dev;
static struct sock *bound, *connected;
static uint64_t baseline;

static void setup(void)
{
    dev = ipstack_setup();
    bound = sk_alloc(AF_INET, &udp_prot);
    udp_prot.init(bound);
    udp_prot.get_port(bound, 7);
    connected = sk_alloc(AF_INET, &udp_prot);
    udp_prot.init(connected);
    udp_prot.get_port(connected, 40000);
    struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(9) };
    peer.sin_addr.s_addr = ipa("10.0.2.2");
    udp_prot.connect(connected, &peer);
    int bad;
    nf_rules_add_list("PRE_ROUTING:udp:src=10.0.2.66:DROP;LOCAL_IN:icmp:src=10.0.2.67:DROP", &bad);
    baseline = skbs_alive();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dev)
        setup();
    size_t pos = 0;
    int frames = 0;
    while (pos + 3 <= size && frames < 64) {
        size_t len = (size_t)(data[pos] << 8 | data[pos + 1]) % 2048;
        uint8_t flags = data[pos + 2];
        pos += 3;
        if (len > size - pos)
            len = size - pos;
        struct sk_buff *skb = alloc_skb(NET_SKB_PAD + (unsigned)len);
        skb_reserve(skb, NET_SKB_PAD);
        memcpy(skb_put(skb, (unsigned)len), data + pos, len);
        pos += len;
        skb->dev = dev;
        skb->protocol = ETH_P_IP;
        skb->pkt_type = flags & 3;                 /* host, broadcast, multicast, other */
        if (flags & 4)
            skb->ip_summed = CHECKSUM_UNNECESSARY;
        ip_rcv(skb, dev, NULL);
        if (flags & 8)
            fake_advance_ms((flags >> 4) * 2500u);  /* up to 37.5 s: timeouts happen */
        frames++;
    }
    /* account for everything */
    fake_netdev_clear(dev);
    skb_queue_purge(&bound->sk_receive_queue);
    skb_queue_purge(&connected->sk_receive_queue);
    connected->sk_err = 0;
    ipfrag_flush();
    icmp_ratelimit_reset();
    if (skbs_alive() != baseline) {
        fprintf(stderr, "skb leak: %llu alive, %llu before\n",
                (unsigned long long)skbs_alive(), (unsigned long long)baseline);
        abort();
    }
    return 0;
}
