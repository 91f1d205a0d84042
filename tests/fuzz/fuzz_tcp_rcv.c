// SOURCES: net/ipv4/tcp.c net/ipv4/tcp_output.c net/ipv4/tcp_input.c net/ipv4/tcp_ipv4.c net/ipv4/tcp_minisocks.c net/ipv4/tcp_timer.c net/ipv4/tcp_cong.c net/ipv4/tcp_cubic.c net/ipv4/syncookies.c net/ipv4/tcp_hdr.c net/ipv4/inet_connection_sock.c net/core/secure_seq.c net/core/stream.c net/socket.c net/sockopt.c net/ipv4/af_inet.c kernel/file.c kernel/console_file.c kernel/sys_basic.c kernel/poll.c net/ipv4/ip_fragment.c net/ipv4/ip_output.c net/ipv4/ip_input.c net/ipv4/icmp.c net/ipv4/udp.c net/ipv4/route.c net/ipv4/devinet.c net/ipv4/ip_hdr.c net/ipv4/icmp_hdr.c net/ipv4/udp_hdr.c net/netfilter/core.c net/netfilter/nf_rules.c net/core/checksum.c net/core/skbuff.c net/core/sock.c net/core/datagram.c net/kmsg.c kernel/uaccess.c kernel/user/uvm.c kernel/time/timer.c kernel/cmdline.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_kernel.c kernel/sched/wait.c tests/unit/fake_softirq.c tests/unit/fake_netdev.c tests/unit/fake_ipstack.c net/core/dev_registry.c tests/unit/fake_clock.c tests/unit/stub_stats.c
// FUZZ_OPTS: -max_len=8000
/* tests/fuzz/fuzz_tcp_rcv.c - the whole TCP receive path (tcp_v4_rcv) on the hosted stack,
 * against a listening socket and an established connection made fresh for every input.
 * An input is a run of segments: 1 control byte (bit 0: to the established connection,
 * else to the listener; bit 1: sequence and acknowledgment taken relative to the
 * connection's rcv_nxt/snd_una so the fuzzer reaches in-window paths; bit 2: a bad
 * checksum; bit 3: the clock moves on by (byte >> 4) * 300 ms afterwards), 2 bytes of
 * length, then the TCP header and payload. At the end everything is closed and the timers
 * run out: no skb and no sock may be left, nothing read or written out of bounds. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <stdbool.h>
#include "tests/unit/fake_ipstack.h"
#include "net/ipv4/tcp.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/af_inet.h"
#include "net/core/checksum.h"
#include "net/core/secure_seq.h"
#include "net/socket.h"
#include "kernel/errno.h"

void panic(const char *fmt, ...) { (void)fmt; abort(); }
void process_exit(int code) { (void)code; abort(); }

#define PEER_ISN 1000000u

static void send_seg(struct net_device *dev, uint8_t *seg, unsigned len, bool bad)
{
    struct tcphdr *th = (struct tcphdr *)seg;
    th->check = 0;
    th->check = csum_tcpudp_magic(ipa("10.0.2.2"), ipa("10.0.2.15"), len, IPPROTO_TCP,
                                  csum_partial(seg, len, 0));
    if (bad)
        th->check ^= 0x1234;
    rx_deliver(dev, rx_ip(dev, "10.0.2.2", "10.0.2.15", IPPROTO_TCP, seg, len, 1, 0, false));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool inited;
    if (!inited) {
        secure_seq_set_keys(7);
        inet_init();
        tcp_init();
        inited = true;
    }
    struct net_device *dev = ipstack_setup();
    uint64_t skb0 = skbs_alive();
    int socks0 = tcp_socks_count();

    /* a listener and one connection to it, accepted */
    struct socket *l, *c = NULL;
    sock_create(AF_INET, SOCK_STREAM, 0, &l);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(8080) };
    l->ops->bind(l, &a);
    l->ops->listen(l, 4);
    uint8_t seg[8192];
    struct tcp_out_options o = { .mss = true, .mss_val = 1460, .sack_perm = true, .ts = true,
                                 .tsval = 100, .wscale = true, .wscale_val = 7 };
    unsigned hl = TCP_HLEN_MIN + tcp_options_size(&o);
    tcp_hdr_emit((struct tcphdr *)seg, 40000, 8080, PEER_ISN, 0, TCPHDR_SYN, 65535, hl);
    tcp_options_write(seg + TCP_HLEN_MIN, &o);
    send_seg(dev, seg, hl, false);
    struct sock *child = tcp_lookup_established(ipa("10.0.2.2"), htons(40000), ipa("10.0.2.15"), htons(8080));
    uint32_t iss = 0;
    struct sk_buff *sa = tx_get(dev, 0);
    if (sa && sa->len >= 40) {
        const struct tcphdr *th = (const struct tcphdr *)(sa->data + 20);
        iss = ntohl(th->seq);
    }
    tcp_hdr_emit((struct tcphdr *)seg, 40000, 8080, PEER_ISN + 1, iss + 1, TCPHDR_ACK, 512, TCP_HLEN_MIN);
    send_seg(dev, seg, TCP_HLEN_MIN, false);
    struct socket *ns;
    if (!sock_create(AF_INET, SOCK_STREAM, 0, &ns)) {
        ns->ops->release(ns);
        ns->sk = NULL;
        if (l->ops->accept(l, ns, 1) == 0)
            c = ns;
        else
            sock_release(ns);
    }
    child = c ? c->sk : NULL;
    if (c) {
        static char out[3000];
        struct iovec iov = { out, sizeof(out) };
        struct kmsg m;
        kmsg_init_kernel(&m, &iov, 1, sizeof(out));
        m.flags = MSG_DONTWAIT;
        sock_sendmsg(c, &m);               /* data in flight for ACKs to act on */
    }

    size_t pos = 0;
    int n = 0;
    while (pos + 3 + TCP_HLEN_MIN <= size && n < 48) {
        uint8_t ctl = data[pos];
        unsigned len = (unsigned)(data[pos + 1] << 8 | data[pos + 2]) % sizeof(seg);
        pos += 3;
        if (len > size - pos)
            len = (unsigned)(size - pos);
        if (len < TCP_HLEN_MIN)
            break;
        memcpy(seg, data + pos, len);
        pos += len;
        struct tcphdr *th = (struct tcphdr *)seg;
        th->source = htons(40000);
        th->dest = htons(8080);
        if (!(ctl & 1)) {
            th->source = htons((uint16_t)(41000 + (ctl >> 4)));   /* new peers for the listener */
        } else if ((ctl & 2) && child) {
            struct tcp_sock *tp = tcp_sk(child);
            th->seq = htonl(tp->rcv_nxt + ntohl(th->seq) % 70000u);
            th->ack_seq = htonl(tp->snd_una + ntohl(th->ack_seq) % 4000u);
        }
        send_seg(dev, seg, len, ctl & 4);
        if (ctl & 8)
            fake_advance_ms((ctl >> 4) * 300u);
        n++;
    }
    if (c) {
        static char in[70000];
        struct iovec iov = { in, sizeof(in) };
        struct kmsg m;
        kmsg_init_kernel(&m, &iov, 1, sizeof(in));
        sock_recvmsg(c, &m, MSG_DONTWAIT);
        sock_release(c);
    }
    sock_release(l);
    for (int i = 0; i < 200; i++)
        fake_advance_ms(1000);
    tcp_tw_flush();
    ipstack_teardown(dev);
    if (skbs_alive() != skb0 || tcp_socks_count() != socks0) {
        fprintf(stderr, "leak: skbs %llu -> %llu, tcp socks %d -> %d\n",
                (unsigned long long)skb0, (unsigned long long)skbs_alive(), socks0, tcp_socks_count());
        abort();
    }
    return 0;
}
