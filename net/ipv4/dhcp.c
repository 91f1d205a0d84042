/* net/ipv4/dhcp.c - the DHCP client in the kernel: a task that runs the state machine of
 * dhcp_client.c for the first interface, sends its messages and applies its leases.
 *
 * Transport: raw only where the protocol needs it. Without an address (INIT, SELECTING,
 * INIT-REBOOT) the client can neither send from an address nor receive through the IP
 * layer, which drops packets for addresses it does not have; so its broadcasts are
 * built here as Ethernet/IPv4/UDP frames for dev_queue_xmit (IP id from ip_select_ident)
 * and replies are picked from a packet tap (ETH_P_ALL) registered only while an answer
 * is awaited, each checked as the IP layer would (header checksum, lengths, UDP
 * checksum). Once a lease is bound, the client uses a UDP socket bound to port 68 like
 * any application: renewals (unicast) and rebinds (broadcast) go through udp_sendmsg and
 * the normal output path (route, netfilter, IP counters, neighbour cache), and replies
 * come back through that socket.
 *
 * Before an acknowledged address is used it is probed (RFC 5227): the ARP probes go out
 * through arp_send, and the same tap watches ARP frames for a conflict meanwhile (the
 * state machine decides what is one and declines the address).
 *
 * On poweroff and reboot a reboot notifier (kernel/reboot.h) gives the lease back with a
 * DHCPRELEASE through the socket and waits, bounded, until the driver has sent it.
 *
 * The task sleeps on its wait queue and the socket's until a reply arrives, the link
 * comes up, or the state machine's next timeout; nothing here blocks the boot. */
#include "net/ipv4/dhcp.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/route.h"
#include "net/ipv4/ip_hdr.h"
#include "net/ipv4/udp_hdr.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/arp.h"
#include "net/socket.h"
#include "net/core/sock.h"
#include "kernel/reboot.h"
#include "kernel/sched.h"
#include "kernel/softirq.h"
#include "kernel/cmdline.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/init.h"
#include "kernel/errno.h"
#include "kernel/time.h"
#include "kernel/lib/string.h"

CMDLINE_KEY(dhcp, "dhcp", "off = no DHCP client; on = run it even in test mode (default: on unless ip= is given)");

#define RX_MAX (ETH_DATA_LEN - 28)     /* a DHCP payload in one unfragmented frame */
#define MAX_WAIT_NS (3600 * NSEC_PER_SEC)

struct dhcp_glue_stats {
    uint64_t tap_frames;               /* frames the tap looked at */
    uint64_t rx_replies;               /* server messages handed to the state machine */
    uint64_t rx_bad_ip, rx_bad_udp;    /* failed the IP / UDP checks */
    uint64_t rx_bad_dhcp[DHCP_ERR_COUNT];
    uint64_t rx_busy;                  /* a reply arrived while the last was unread */
    uint64_t tx_msgs, tx_errors;
    uint64_t config_errors;            /* inet_addr_add / ip_route_add refused */
    uint64_t tx_raw, tx_sock;          /* messages sent raw (no address) / by the socket */
    uint64_t rx_sock;                  /* datagrams the socket received */
    uint64_t arp_seen;                 /* ARP frames the tap looked at while probing */
    uint64_t release_unsent;           /* RELEASE not sent out within the wait */
};

static struct {
    struct net_device *dev;
    struct task *task;
    struct dhcp_client c;
    struct wait_queue_head wq;
    volatile bool link_up_event;
    /* one-slot mailbox: filled by the tap (softirq), emptied by the task */
    volatile bool rx_full;
    size_t rx_len;
    uint8_t rx_buf[RX_MAX];
    /* an ARP conflict seen by the tap while probing (sender and target IP) */
    volatile bool arp_full;
    uint32_t arp_sip, arp_tip;
    bool tap_on;
    struct socket *sock;               /* UDP port 68, once a lease is bound */
    struct dhcp_glue_stats st;
} d;

static uint8_t frame_buf[ETH_FRAME_LEN];   /* the tap's scratch copy (softirqs never nest) */

static uint64_t now_ms(void) { return ktime_get_ns() / NSEC_PER_MSEC; }

/* --- receive --- */

static int dhcp_tap(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt)
{
    (void)pt;
    unsigned len = skb->len < sizeof(frame_buf) ? skb->len : sizeof(frame_buf);
    if (dev != d.dev || len < ETH_HLEN + 28 || skb_copy_bits(skb, 0, frame_buf, len) < 0)
        goto out;
    const uint8_t *f = frame_buf;
    /* not sent by us (taps also see our own transmissions) */
    if (ether_addr_equal(f + 6, dev->dev_addr))
        goto out;
    if (f[12] == 0x08 && f[13] == 0x06) {
        struct arp_repr ar;
        if (d.c.state != DHCP_PROBING || arp_hdr_parse(f + ETH_HLEN, len - ETH_HLEN, &ar) ||
            ether_addr_equal(ar.sha, dev->dev_addr))
            goto out;
        d.st.arp_seen++;
        if (!d.arp_full && dhcp_client_arp_conflicts(&d.c, ar.sip, ar.tip)) {
            d.arp_sip = ar.sip;
            d.arp_tip = ar.tip;
            barrier();
            d.arp_full = true;
            wake_up(&d.wq);
        }
        goto out;
    }
    if (f[12] != 0x08 || f[13] != 0x00)
        goto out;
    const uint8_t *ip = f + ETH_HLEN;
    /* cheap filter first: UDP to port 68, unfragmented (DHCP replies fit in one frame) */
    unsigned ihl = (ip[0] & 0xfu) * 4;
    if (ip[9] != 17 || ihl < 20 || len < ETH_HLEN + ihl + 8 ||
        ip[ihl + 2] != 0 || ip[ihl + 3] != DHCP_CLIENT_PORT)
        goto out;
    d.st.tap_frames++;
    struct ipv4_repr ir;
    if (ipv4_hdr_parse(ip, len - ETH_HLEN, 0, &ir) != IPV4_PARSE_OK || ir.mf || ir.frag_off) {
        d.st.rx_bad_ip++;
        goto out;
    }
    struct udp_repr ur;
    if (udp_hdr_parse(ip + ir.hlen, ir.payload_len, ir.saddr, ir.daddr, 0, &ur) != UDP_PARSE_OK ||
        ur.sport != DHCP_SERVER_PORT || ur.dport != DHCP_CLIENT_PORT) {
        d.st.rx_bad_udp++;
        goto out;
    }
    if (d.rx_full || ur.payload_len > RX_MAX) {
        d.st.rx_busy++;
        goto out;
    }
    memcpy(d.rx_buf, ur.payload, ur.payload_len);
    d.rx_len = ur.payload_len;
    barrier();
    d.rx_full = true;
    wake_up(&d.wq);
out:
    consume_skb(skb);   /* a tap owns the clone it is given */
    return 0;
}

static struct packet_type dhcp_tap_pt = { .type = ETH_P_ALL, .func = dhcp_tap };

/* Listen raw only while a reply is awaited and no lease is bound (then the socket
 * receives): a tap costs a clone of every frame. */
static void tap_update(void)
{
    bool want = dhcp_client_listening(&d.c) && !(d.c.have_lease && d.sock);
    if (want && !d.tap_on)
        dev_add_pack(&dhcp_tap_pt);
    else if (!want && d.tap_on)
        dev_remove_pack(&dhcp_tap_pt);
    d.tap_on = want;
}

/* --- send --- */

/* No address yet: a broadcast frame of our own, straight to the device. */
static int dhcp_send_raw(const struct dhcp_action *a, const uint8_t *msg, size_t n)
{
    struct net_device *dev = d.dev;
    if (a->src || a->dst != 0xffffffffu)
        return -EINVAL;                 /* with an address, the socket sends */
    struct sk_buff *skb = netdev_alloc_skb(dev, 28 + (unsigned)n);
    if (!skb)
        return -ENOBUFS;
    uint8_t *ip = skb_put(skb, 28 + (unsigned)n);
    memcpy(ip + 28, msg, n);
    struct udp_repr ur = { .sport = DHCP_CLIENT_PORT, .dport = DHCP_SERVER_PORT,
                           .payload = ip + 28, .payload_len = n };
    struct ipv4_repr ir = { .saddr = 0, .daddr = a->dst, .protocol = IPPROTO_UDP, .ttl = 64,
                            .tos = IPTOS_LOWDELAY, .id = ip_select_ident(),
                            .payload_len = (uint16_t)(8 + n) };
    if (!udp_hdr_emit(&ur, ip + 20, 8 + n, 0, a->dst, true) || !ipv4_hdr_emit(&ir, ip, 20)) {
        kfree_skb(skb);
        return -EINVAL;
    }
    skb_reset_network_header(skb);
    skb->protocol = ETH_P_IP;
    skb->dev = dev;
    struct ethhdr *eth = skb_push(skb, ETH_HLEN);
    memset(eth->h_dest, 0xff, ETH_ALEN);
    memcpy(eth->h_source, dev->dev_addr, ETH_ALEN);
    eth->h_proto = htons(ETH_P_IP);
    skb_reset_mac_header(skb);
    d.st.tx_raw++;
    return net_xmit_errno(dev_queue_xmit(skb));
}

/* A lease is bound: through the socket, like any application. */
static int dhcp_send_sock(const struct dhcp_action *a, const uint8_t *msg, size_t n)
{
    struct iovec iov = { (void *)msg, n };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, n);
    m.has_name = true;
    m.name.sin_family = AF_INET;
    m.name.sin_addr.s_addr = a->dst;
    m.name.sin_port = htons(DHCP_SERVER_PORT);
    m.flags = MSG_DONTWAIT;
    d.st.tx_sock++;
    long r = sock_sendmsg(d.sock, &m);
    return r < 0 ? (int)r : 0;
}

static void dhcp_send(const struct dhcp_action *a)
{
    uint8_t msg[DHCP_MAX_MSG];
    size_t n = dhcp_build(&a->out, msg, sizeof(msg));
    int rc = !n ? -EINVAL : a->src && d.sock ? dhcp_send_sock(a, msg, n)
                                             : dhcp_send_raw(a, msg, n);
    if (rc < 0)
        d.st.tx_errors++;
    else
        d.st.tx_msgs++;
}

/* --- the socket on port 68 --- */

static int setopt(int level, int name, int v)
{
    return level == SOL_SOCKET ? sock_setsockopt(d.sock, name, &v, sizeof(v))
                               : d.sock->ops->setsockopt(d.sock, level, name, &v, sizeof(v));
}

static void sock_open(void)
{
    if (d.sock || sock_create(AF_INET, SOCK_DGRAM, IPPROTO_UDP, &d.sock) < 0)
        return;
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(DHCP_CLIENT_PORT) };
    /* rebinding broadcasts; low delay as RFC 2131's clients ask */
    if (d.sock->ops->bind(d.sock, &sin) < 0 || setopt(SOL_SOCKET, SO_BROADCAST, 1) < 0 ||
        setopt(IPPROTO_IP, IP_TOS, IPTOS_LOWDELAY) < 0) {
        pr_warn("dhcp: cannot open udp port 68; renewing by broadcast without it\n");
        sock_release(d.sock);
        d.sock = NULL;
    }
}

/* Replies to port 68 that came through UDP: from port 67, into the mailbox. */
static void sock_rx(void)
{
    for (int i = 0; d.sock && !d.tap_on && !d.rx_full && i < 64; i++) {
        struct iovec iov = { d.rx_buf, sizeof(d.rx_buf) };
        struct kmsg m;
        kmsg_init_kernel(&m, &iov, 1, sizeof(d.rx_buf));
        long r = sock_recvmsg(d.sock, &m, MSG_DONTWAIT);
        if (r < 0)
            break;
        d.st.rx_sock++;
        if (m.name.sin_port != htons(DHCP_SERVER_PORT) || (m.flags & MSG_TRUNC)) {
            d.st.rx_bad_udp++;
            continue;
        }
        d.rx_len = (size_t)r;
        d.rx_full = true;
    }
}

static bool sock_readable(void)
{
    return d.sock && (d.sock->ops->poll(d.sock) & POLLIN);
}

/* Sleep until a reply (tap or socket), a link event, or wait_ns. */
static void dhcp_wait(uint64_t wait_ns)
{
    struct wait_queue_entry a, b;
    struct socket *s = d.sock;
    set_current_state(TASK_BLOCKED);      /* once, then both queues (add_wait_queue) */
    add_wait_queue(&d.wq, &a);
    if (s)
        add_wait_queue(&s->wq, &b);
    if (!d.rx_full && !d.arp_full && !d.link_up_event && !sock_readable())
        schedule_timeout_ns(wait_ns);
    finish_wait(&d.wq, &a);
    if (s)
        finish_wait(&s->wq, &b);
}

/* --- configuration --- */

static void print_lease(const char *what, const struct dhcp_lease *l)
{
    char a[16], r[16], s[16], n[16], dns[3 * 17 + 1] = "", t[64];
    for (int i = 0; i < l->ndns; i++) {
        size_t k = strlen(dns);
        snprintf(dns + k, sizeof(dns) - k, "%s%s", i ? "," : " dns ", in_ntoa(l->dns[i], n));
    }
    if (l->lease_secs == DHCP_INFINITE)
        snprintf(t, sizeof(t), "infinite");
    else
        snprintf(t, sizeof(t), "%us renew %us rebind %us", l->lease_secs, l->t1_secs, l->t2_secs);
    printk("dhcp: %s %s %s/%d router %s server %s%s lease %s\n", d.dev->name, what,
           in_ntoa(l->addr, a), l->prefixlen, l->router ? in_ntoa(l->router, r) : "none",
           in_ntoa(l->server_id, s), dns, t);
}

static void dhcp_perform(const struct dhcp_action *a)
{
    /* listen before asking: the answer may come back within the send itself */
    if (a->apply)
        sock_open();
    tap_update();
    if (a->remove) {
        char s[16];
        printk("dhcp: %s lease on %s lost\n", d.dev->name, in_ntoa(a->old.addr, s));
        if (a->old.router)
            ip_route_del(0, 0, a->old.router);
        inet_addr_del(d.dev, a->old.addr);
    }
    if (a->apply) {
        int r = inet_addr_add(d.dev, a->lease.addr, a->lease.prefixlen);
        if (r < 0 && r != -EEXIST) {
            d.st.config_errors++;
            pr_err("dhcp: cannot add the address: %d\n", r);
        }
        if (a->lease.router) {
            r = ip_route_add(0, 0, a->lease.router, d.dev, a->lease.addr, RTPROT_DHCP);
            if (r < 0 && r != -EEXIST) {
                d.st.config_errors++;
                pr_err("dhcp: cannot add the default route: %d\n", r);
            }
        }
        print_lease("bound", &a->lease);
    } else if (a->extended) {
        print_lease("renewed", &a->lease);
    }
    if (a->probe) {
        char p[16];
        pr_info("dhcp: %s ARP probe %llu for %s\n", d.dev->name,
                (unsigned long long)d.c.probes_sent, in_ntoa(a->probe_addr, p));
        arp_send(ARPOP_REQUEST, ETH_P_ARP, a->probe_addr, d.dev, 0, NULL, NULL, NULL);
    }
    if (a->send) {
        char dst[16];
        if (a->out.type == DHCPDECLINE)
            printk("dhcp: %s %s is in use by another host: declined\n", d.dev->name,
                   in_ntoa(a->out.requested_ip, dst));
        pr_info("dhcp: %s %s xid 0x%08x to %s (%s) via %s\n", d.dev->name,
                dhcp_type_name(a->out.type), a->out.xid, in_ntoa(a->dst, dst),
                dhcp_state_name(d.c.state), a->src && d.sock ? "socket" : "raw");
        dhcp_send(a);
    }
}

/* --- the task --- */

static int dhcp_task(void *arg)
{
    struct net_device *dev = arg;
    /* the interface must be open and see a link before anyone can answer */
    while (!dev->up || !netif_carrier_ok(dev))
        wait_event_timeout(d.wq, dev->up && netif_carrier_ok(dev), NSEC_PER_SEC);
    struct dhcp_action a;
    d.link_up_event = false;
    dhcp_client_start(&d.c, now_ms(), &a);
    dhcp_perform(&a);
    for (;;) {
        uint64_t now = now_ms(), next = d.c.next_ms;
        uint64_t wait_ns = next == UINT64_MAX || next <= now ? MAX_WAIT_NS
                         : MIN((next - now) * NSEC_PER_MSEC, MAX_WAIT_NS);
        if (next > now)
            dhcp_wait(wait_ns);
        now = now_ms();
        sock_rx();
        if (d.link_up_event) {
            d.link_up_event = false;
            dhcp_client_link_up(&d.c, now, &a);
            dhcp_perform(&a);
        }
        if (d.arp_full) {
            uint32_t sip = d.arp_sip, tip = d.arp_tip;
            barrier();
            d.arp_full = false;
            dhcp_client_arp(&d.c, now, sip, tip, &a);
            dhcp_perform(&a);
        }
        if (d.rx_full) {
            struct dhcp_reply r;
            int err = dhcp_parse(d.rx_buf, d.rx_len, &r);
            barrier();
            d.rx_full = false;
            if (err) {
                d.st.rx_bad_dhcp[-err]++;
            } else {
                d.st.rx_replies++;
                dhcp_client_rx(&d.c, now, &r, &a);
                dhcp_perform(&a);
            }
        }
        if (now >= d.c.next_ms) {
            dhcp_client_timeout(&d.c, now, &a);
            dhcp_perform(&a);
        }
    }
    return 0;
}

static void dhcp_link_change(struct net_device *dev, bool up)
{
    if (dev == d.dev && up) {
        d.link_up_event = true;
        wake_up(&d.wq);
    }
}

/* Before a power-off or restart: DHCPRELEASE (RFC 2131 4.4.6) through the socket, from
 * the address, unicast to the server; then wait, at most a second, until the driver has
 * sent and freed it (the socket's write memory back to 0) so the machine does not go off
 * with the message still queued (say, behind the server's ARP resolution). The address
 * goes only after that. Runs in the task that asked for the power-off. */
static void dhcp_reboot_notify(bool power_off)
{
    (void)power_off;
    if (!d.task || !d.c.have_lease)
        return;
    struct dhcp_action a;
    dhcp_client_release(&d.c, now_ms(), &a);
    tap_update();
    char s[16], srv[16];
    printk("dhcp: %s releasing %s to %s\n", d.dev->name, in_ntoa(a.old.addr, s),
           in_ntoa(a.dst, srv));
    if (a.send)
        dhcp_send(&a);
    bool sent = false;
    for (int i = 0; d.sock && i < 100; i++) {
        if (READ_ONCE(d.sock->sk->sk_wmem_alloc) == 0) {
            sent = true;
            break;
        }
        msleep(10);
    }
    if (!sent) {
        d.st.release_unsent++;
        pr_warn("dhcp: the RELEASE did not leave within 1 s\n");
    }
    if (a.old.router)
        ip_route_del(0, 0, a.old.router);
    inet_addr_del(d.dev, a.old.addr);
}

int dhcp_start(struct net_device *dev)
{
    if (!dev)
        return -ENODEV;
    if (d.task)
        return -EALREADY;
    d.dev = dev;
    init_waitqueue_head(&d.wq);
    dhcp_client_init(&d.c, dev->dev_addr, (uint32_t)ktime_get_ns(), "wirepath");
    d.c.probe = true;                  /* RFC 5227 probe before using an address */
    netdev_register_link_notifier(dhcp_link_change);
    if (register_reboot_notifier(dhcp_reboot_notify) < 0)
        pr_warn("dhcp: no reboot notifier: no RELEASE on poweroff\n");
    d.task = task_create("dhcp", dhcp_task, dev);
    if (!d.task) {
        pr_err("dhcp: cannot create the client task\n");
        return -ENOMEM;
    }
    return 0;
}

bool dhcp_bound(void) { return d.task && d.c.have_lease; }

bool dhcp_get_lease(struct dhcp_lease *l)
{
    if (!dhcp_bound())
        return false;
    *l = d.c.lease;
    return true;
}

int dhcp_dns_servers(uint32_t *out, int max)
{
    int n = 0;
    for (; dhcp_bound() && n < max && n < d.c.lease.ndns; n++)
        out[n] = d.c.lease.dns[n];
    return n;
}

void dhcp_dump(void)
{
    if (!d.task) {
        printk("dhcp: not running\n");
        return;
    }
    const struct dhcp_stats *s = &d.c.stats;
    printk("dhcp: %s state %s xid 0x%08x\n", d.dev->name, dhcp_state_name(d.c.state), d.c.xid);
    if (d.c.have_lease)
        print_lease("lease", &d.c.lease);
    printk("dhcp: sent %llu discover %llu request (%llu errors); got %llu offer %llu ack"
           " %llu nak, %llu ignored; %llu renewals %llu rebinds %llu expiries %llu request"
           " timeouts\n", (unsigned long long)s->discovers, (unsigned long long)s->requests,
           (unsigned long long)d.st.tx_errors, (unsigned long long)s->offers,
           (unsigned long long)s->acks, (unsigned long long)s->naks,
           (unsigned long long)s->ignored, (unsigned long long)s->renewals,
           (unsigned long long)s->rebinds, (unsigned long long)s->expiries,
           (unsigned long long)s->request_timeouts);
    printk("dhcp: %llu ARP probes, %llu conflicts, %llu declines, %llu releases"
           " (%llu not sent in time); tap saw %llu ARP frames while probing\n",
           (unsigned long long)s->probes, (unsigned long long)s->conflicts,
           (unsigned long long)s->declines, (unsigned long long)s->releases,
           (unsigned long long)d.st.release_unsent, (unsigned long long)d.st.arp_seen);
    printk("dhcp: tap saw %llu frames for port 68: %llu replies, bad ip %llu, bad udp %llu,"
           " busy %llu, malformed", (unsigned long long)d.st.tap_frames,
           (unsigned long long)d.st.rx_replies, (unsigned long long)d.st.rx_bad_ip,
           (unsigned long long)d.st.rx_bad_udp, (unsigned long long)d.st.rx_busy);
    for (int i = 1; i < DHCP_ERR_COUNT; i++)
        printk(" %s %llu", dhcp_parse_strerror(-i), (unsigned long long)d.st.rx_bad_dhcp[i]);
    printk("; config errors %llu; sent raw %llu by socket %llu; port 68 socket %s,"
           " %llu received\n", (unsigned long long)d.st.config_errors,
           (unsigned long long)d.st.tx_raw, (unsigned long long)d.st.tx_sock,
           d.sock ? "bound" : "none", (unsigned long long)d.st.rx_sock);
}

/* After the drivers and devinet's static configuration (both earlier initcalls or the
 * same level, earlier in link order): DHCP is the default when no ip= was given. In
 * test mode only with dhcp=on, so that in-kernel tests see a quiet interface. */
static int dhcp_init(void)
{
    const char *v = cmdline_get("dhcp");
    if (v && strcmp(v, "off") == 0)
        return 0;
    if (devinet_static_requested())
        return 0;
    if (ktest_mode && !(v && strcmp(v, "on") == 0))
        return 0;
    struct net_device *dev = first_net_device();
    if (!dev) {
        pr_warn("dhcp: no network interface\n");
        return 0;
    }
    dhcp_start(dev);
    return 0;
}
late_initcall(dhcp_init);
