/* tests/unit/bench/bench_stack.c - see bench_stack.h. */
#include "tests/unit/bench/bench_stack.h"
#include "net/core/netdevice.h"
#include "net/core/skbuff.h"
#include "net/socket.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/route.h"
#include "net/ipv4/tcp.h"
#include "kernel/uapi/fcntl.h"
#include "kernel/init.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "tests/unit/fake_kernel.h"
#include "tests/unit/fake_softirq.h"

void panic(const char *fmt, ...);
void panic(const char *fmt, ...) { (void)fmt; __builtin_trap(); }
void process_exit(int code);
void process_exit(int code) { (void)code; __builtin_trap(); }
volatile uint64_t jiffies = 5000;
/* /proc/wirepath/stats is not linked: the sections TCP registers go nowhere
 * (tests/unit/stub_stats.c) */

/* the initcalls of the linked sources, in level order (bench_stack.ld gathers them) */
extern initcall_t bstack_initcalls_start[], bstack_initcalls_end[];

static struct net_device *dev;
static bstack_xmit_fn wire_xmit;
static bstack_sleep_fn wire_sleep;
void (*bstack_uncounted)(int on);
static uint8_t frame[2048];

static void uncounted(int on) { if (bstack_uncounted) bstack_uncounted(on); }

/* The fake NIC: the frame leaves at once and its buffer is freed (TX completion). */
static netdev_tx_t bench_xmit(struct sk_buff *skb, struct net_device *d)
{
    unsigned len = skb->len;
    if (len <= sizeof(frame) && skb_copy_bits(skb, 0, frame, len) == 0) {
        uncounted(1);
        wire_xmit(frame, len);
        uncounted(0);
    }
    consume_skb(skb);
    return NETDEV_TX_OK;
}
static const struct net_device_ops bench_ops = { .ndo_start_xmit = bench_xmit };

static void sleep_hook(uint64_t timeout_ns)
{
    (void)timeout_ns;
    uncounted(1);
    wire_sleep();
    uncounted(0);
}

int bstack_init(unsigned n, uint32_t addr, bstack_xmit_fn xmit, bstack_sleep_fn sleep)
{
    for (initcall_t *c = bstack_initcalls_start; c < bstack_initcalls_end; c++)
        (*c)();
    wire_xmit = xmit;
    wire_sleep = sleep;
    fake_sleep_hook = sleep_hook;
    dev = alloc_etherdev(0, 1);
    if (!dev)
        return -ENOMEM;
    uint8_t mac[ETH_ALEN] = { 0x52, 0x54, 0, 0, 0, (uint8_t)n };
    memcpy(dev->dev_addr, mac, ETH_ALEN);
    dev->netdev_ops = &bench_ops;
    dev->features = 0;            /* no offloads: checksums in software */
    int r = register_netdev(dev);
    if (r < 0)
        return r;
    dev_open(dev);
    netif_carrier_on(dev);
    return inet_addr_add(dev, htonl(addr), 24);
}

void bstack_rx(const uint8_t *f, unsigned len)
{
    struct sk_buff *skb = netdev_alloc_skb(dev, len);
    if (!skb)
        return;
    uncounted(1);                 /* the NIC's DMA */
    memcpy(skb_put(skb, len), f, len);
    uncounted(0);
    skb->protocol = eth_type_trans(skb, dev);
    skb->ip_summed = CHECKSUM_NONE;
    netif_receive_skb(skb);
    bstack_poll();
}

void bstack_poll(void) { fake_softirq_run(16); }

#define MAX_SOCKS 8
static struct socket *socks[MAX_SOCKS];

static int new_handle(struct socket *s)
{
    int h = 0;
    while (h < MAX_SOCKS && socks[h])
        h++;
    if (h == MAX_SOCKS) {
        sock_release(s);
        return -EMFILE;
    }
    socks[h] = s;
    return h;
}

static int bound_socket(int type, uint16_t port, struct socket **out)
{
    int r = sock_create(AF_INET, type, 0, out);
    if (r < 0)
        return r;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    r = port ? (*out)->ops->bind(*out, &a) : 0;
    if (r < 0)
        sock_release(*out);
    return r;
}

int bstack_udp_socket(uint16_t port)
{
    struct socket *s;
    int r = bound_socket(SOCK_DGRAM, port, &s);
    return r < 0 ? r : new_handle(s);
}

int bstack_tcp_listen(uint16_t port)
{
    struct socket *s;
    int r = bound_socket(SOCK_STREAM, port, &s);
    if (r < 0)
        return r;
    r = s->ops->listen(s, 8);
    if (r < 0) {
        sock_release(s);
        return r;
    }
    return new_handle(s);
}

int bstack_tcp_connect(uint32_t daddr, uint16_t dport)
{
    struct socket *s;
    int r = bound_socket(SOCK_STREAM, 0, &s);
    if (r < 0)
        return r;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(dport) };
    a.sin_addr.s_addr = htonl(daddr);
    r = s->ops->connect(s, &a, O_NONBLOCK);
    if (r < 0 && r != -EINPROGRESS) {
        sock_release(s);
        return r;
    }
    return new_handle(s);
}

int bstack_tcp_accept(int listener)
{
    /* a socket whose own sock is dropped, to take the accepted one (as sys_accept4's) */
    struct socket *ns;
    int r = sock_create(AF_INET, SOCK_STREAM, 0, &ns);
    if (r < 0)
        return r;
    ns->ops->release(ns);
    ns->sk = NULL;
    r = socks[listener]->ops->accept(socks[listener], ns, O_NONBLOCK);
    if (r < 0) {
        ns->ops = NULL;
        sock_release(ns);
        return r;
    }
    return new_handle(ns);
}

long bstack_send(int h, const void *buf, unsigned len)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, len);
    m.flags = MSG_DONTWAIT;
    long r = sock_sendmsg(socks[h], &m);
    bstack_poll();
    return r;
}

int bstack_tcp_mss(int h)
{
    int v = 0;
    socklen_t len = sizeof(v);
    int r = socks[h]->ops->getsockopt(socks[h], IPPROTO_TCP, TCP_MAXSEG, &v, &len);
    return r < 0 ? r : v;
}

long bstack_sendto(int h, const void *buf, unsigned len, uint32_t daddr, uint16_t dport)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, len);
    m.name = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(dport) };
    m.name.sin_addr.s_addr = htonl(daddr);
    m.has_name = true;
    m.namelen = sizeof(m.name);
    long r = sock_sendmsg(socks[h], &m);
    bstack_poll();
    return r;
}

long bstack_recv(int h, void *buf, unsigned len)
{
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, len);
    return sock_recvmsg(socks[h], &m, MSG_DONTWAIT);
}

long bstack_ping(uint32_t daddr, uint16_t seq, unsigned payload)
{
    return (long)icmp_ping(htonl(daddr), 0x4242, seq, payload, NSEC_PER_SEC);
}
