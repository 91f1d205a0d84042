/* net/shell_cmds.c - the network's shell commands, registered with the kernel's shell
 * (kernel/shell/shell.h): ip addr|route|neigh, ss, netstat -s, ethtool -S, tc -s qdisc,
 * nf and ping. Each reads its layer through that layer's dump or iterator function;
 * the output follows the Linux tool of the same name.
 *
 * TCP fills its part through two functions declared in net/ipv4/tcp.h:
 *   tcp_ss_dump(extended, states): one row per TCP socket whose state is in the mask
 *       `states` (bit 1 << sk_state), in the ss columns below (Netid "tcp"), with
 *       extended (ss -i) a second, indented line per socket: rtt, cwnd, retransmits and
 *       the rest of what `ss -ti` shows.
 *   tcp_mib_dump(): the "Tcp:" (and "TcpExt:") lines of netstat -s. */
#include "net/core/gso.h"
#include "net/core/gro.h"
#include "kernel/shell/shell.h"
#include "kernel/errno.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/lib/string.h"
#include "net/core/neighbour.h"
#include "net/core/netdevice.h"
#include "net/core/sock.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/route.h"
#include "net/ipv4/tcp.h"
#include "net/ipv4/udp.h"
#include "net/netfilter/netfilter.h"
#include "net/sched/sch_generic.h"

static bool is(const char *a, const char *full, size_t min)
{
    size_t n = strlen(a);
    return n >= min && n <= strlen(full) && !strncmp(a, full, n);
}

/* --- ip --- */

static int cmd_ip(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "show") && strcmp(argv[2], "list")))
        return SHELL_USAGE;
    if (is(argv[1], "address", 1))
        devinet_dump();
    else if (is(argv[1], "route", 1))
        route_dump();
    else if (is(argv[1], "neighbour", 1) || is(argv[1], "neighbor", 1))
        neigh_dump();
    else
        return SHELL_USAGE;
    return 0;
}

/* --- ss --- */

#define SS_TCP  0x1
#define SS_UDP  0x2
#define SS_ALL  0x4
#define SS_LIST 0x8
#define SS_INFO 0x10

static void ss_udp_row(struct sock *sk, void *arg)
{
    unsigned opts = *(unsigned *)arg;
    bool connected = sk->sk_state == TCP_ESTABLISHED;
    if (!connected && !(opts & (SS_ALL | SS_LIST)))
        return;                    /* like ss: unconnected UDP counts as listening */
    if (connected && (opts & SS_LIST) && !(opts & SS_ALL))
        return;
    char a[16], b[16], la[24], pa[24];
    snprintf(la, sizeof(la), "%s:%u", in_ntoa(sk->inet_saddr, a), sk->inet_num);
    if (connected)
        snprintf(pa, sizeof(pa), "%s:%u", in_ntoa(sk->inet_daddr, b), ntohs(sk->inet_dport));
    else
        snprintf(pa, sizeof(pa), "0.0.0.0:*");
    printk("%-5s %-10s %-6d %-6d %21s %21s\n", "udp", connected ? "ESTAB" : "UNCONN",
           sk->sk_rmem_alloc, sk->sk_wmem_alloc, la, pa);
}

static int cmd_ss(int argc, char **argv)
{
    unsigned opts = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-' || !argv[i][1])
            return SHELL_USAGE;
        for (const char *c = argv[i] + 1; *c; c++)
            switch (*c) {
            case 't': opts |= SS_TCP; break;
            case 'u': opts |= SS_UDP; break;
            case 'a': opts |= SS_ALL; break;
            case 'l': opts |= SS_LIST; break;
            case 'i': opts |= SS_INFO; break;
            case 'n': break;                   /* numbers are all we print */
            default: return SHELL_USAGE;
            }
    }
    if (!(opts & (SS_TCP | SS_UDP)))
        opts |= SS_TCP | SS_UDP;
    printk("%-5s %-10s %-6s %-6s %21s %21s\n", "Netid", "State", "Recv-Q", "Send-Q",
           "Local Address:Port", "Peer Address:Port");
    /* ss's state filter: connections by default (not LISTEN, CLOSE, TIME-WAIT or
     * SYN-RECV), listeners only with -l, everything with -a */
    unsigned states = ~(1u << TCP_LISTEN | 1u << TCP_CLOSE | 1u << TCP_TIME_WAIT |
                        1u << TCP_SYN_RECV);
    if (opts & SS_ALL)
        states = ~0u;
    else if (opts & SS_LIST)
        states = 1u << TCP_LISTEN;
    if (opts & SS_TCP)
        tcp_ss_dump(opts & SS_INFO, states);
    if (opts & SS_UDP)
        udp_for_each_sock(ss_udp_row, &opts);
    return 0;
}

/* --- netstat -s --- */

/* the device layer's software offloads (net/core/gso.h, gro.h), after the MIBs */
static void offload_stats_dump(void)
{
    struct gso_stats g;
    struct gro_stats r;
    gso_get_stats(&g);
    gro_get_stats(&r);
    printk("Offload:\n"
           "    %llu packets cut into %llu segments (GSO), %llu dropped\n"
           "    %llu runs started, %llu segments joined, %llu held packets delivered, "
           "%llu frames passed as they were (GRO)\n",
           (unsigned long long)g.packets, (unsigned long long)g.segs,
           (unsigned long long)g.failed, (unsigned long long)r.held,
           (unsigned long long)r.merged, (unsigned long long)r.flushed,
           (unsigned long long)r.normal);
}

static int cmd_netstat(int argc, char **argv)
{
    if (argc != 2 || strcmp(argv[1], "-s"))
        return SHELL_USAGE;
    ip_stats_dump();
    icmp_stats_dump();
    tcp_mib_dump();
    udp_stats_dump();
    offload_stats_dump();
    return 0;
}

/* --- ethtool -S, tc -s qdisc --- */

static struct net_device *find_dev(const char *tool, const char *name)
{
    struct net_device *dev = dev_get_by_name(name);
    if (!dev)
        printk("%s: %s: No such device\n", tool, name);
    return dev;
}

static int cmd_ethtool(int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "-S"))
        return SHELL_USAGE;
    struct net_device *dev = find_dev("ethtool", argv[2]);
    if (!dev)
        return SHELL_FAILED;
    if (!dev->netdev_ops->ndo_dump_stats) {
        printk("ethtool: %s: no statistics from its driver\n", dev->name);
        return SHELL_FAILED;
    }
    dev->netdev_ops->ndo_dump_stats(dev);
    return 0;
}

static int cmd_tc(int argc, char **argv)
{
    int i = 1;
    if (i < argc && !strcmp(argv[i], "-s"))
        i++;
    if (i >= argc || !is(argv[i], "qdisc", 1))
        return SHELL_USAGE;
    i++;
    if (i < argc && (!strcmp(argv[i], "show") || !strcmp(argv[i], "list")))
        i++;
    struct net_device *only = NULL;
    if (i + 2 == argc && !strcmp(argv[i], "dev")) {
        if (!(only = find_dev("tc", argv[i + 1])))
            return SHELL_FAILED;
        i += 2;
    }
    if (i != argc)
        return SHELL_USAGE;
    struct net_device *d;
    list_for_each_entry(d, &net_devices, dev_list)
        if (!only || d == only)
            qdisc_dump(d);
    return 0;
}

/* --- nf: the rule table --- */

static int cmd_nf(int argc, char **argv)
{
    if (argc == 1 || (argc == 2 && !strcmp(argv[1], "list"))) {
        nf_dump();
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "flush")) {
        nf_rules_flush();
        return 0;
    }
    uint64_t n;
    if (argc == 3 && !strcmp(argv[1], "del")) {
        if (!shell_parse_uint(argv[2], 0, NF_MAX_RULES, &n))
            return SHELL_USAGE;
        if (nf_rule_delete((int)n) < 0) {
            printk("nf: no rule %llu\n", (unsigned long long)n);
            return SHELL_FAILED;
        }
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "add")) {
        int bad = 0;
        int r = nf_rules_add_list(argv[2], &bad);
        if (r < 0) {
            printk("nf: %s\n", r == -ENOSPC ? "the rule table is full"
                                            : "bad rule (HOOK:PROTO[:MATCH...]:VERDICT)");
            return SHELL_FAILED;
        }
        return 0;
    }
    return SHELL_USAGE;
}

/* --- ping --- */

static uint64_t isqrt(uint64_t v)
{
    uint64_t r = 0, bit = 1ull << 62;
    while (bit > v)
        bit >>= 2;
    while (bit) {
        if (v >= r + bit) {
            v -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return r;
}

/* microseconds as milliseconds with three decimals */
#define MS(us) (unsigned long long)((us) / 1000), (unsigned long long)((us) % 1000)

static int cmd_ping(int argc, char **argv)
{
    uint64_t count = 0, size = 56;
    const char *host = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc) {
            if (!shell_parse_uint(argv[++i], 1, 1000000, &count))
                return SHELL_USAGE;
        } else if (!strcmp(argv[i], "-s") && i + 1 < argc) {
            if (!shell_parse_uint(argv[++i], 0, 65507, &size))
                return SHELL_USAGE;
        } else if (argv[i][0] != '-' && !host) {
            host = argv[i];
        } else {
            return SHELL_USAGE;
        }
    }
    uint32_t daddr;
    const char *end = host ? in_aton(host, &daddr) : NULL;
    if (!host)
        return SHELL_USAGE;
    if (!end || *end) {
        printk("ping: %s: Name or service not known\n", host);
        return SHELL_FAILED;
    }
    static uint16_t ident = 0x7700;
    uint16_t id = ident++;
    char a[16];
    in_ntoa(daddr, a);
    printk("PING %s (%s) %llu(%llu) bytes of data.\n", a, a, (unsigned long long)size,
           (unsigned long long)size + 28);
    uint64_t sent = 0, got = 0, errors = 0, min = UINT64_MAX, max = 0, sum = 0, sum2 = 0;
    uint64_t start = ktime_get_ns();
    bool stop = false;
    for (uint64_t seq = 1; !stop && (!count || seq <= count); seq++) {
        uint64_t t0 = ktime_get_ns();
        int64_t r = icmp_ping(daddr, id, (uint16_t)seq, (unsigned)size, NSEC_PER_SEC);
        sent++;
        if (r > 0) {
            uint64_t us = (uint64_t)r / 1000;
            got++;
            min = MIN(min, us);
            max = MAX(max, us);
            sum += us;
            sum2 += us * us;
            printk("%llu bytes from %s: icmp_seq=%llu time=%llu.%03llu ms\n",
                   (unsigned long long)size + 8, a, (unsigned long long)seq, MS(us));
        } else if (r != -ETIMEDOUT) {
            errors++;
            printk("From %s icmp_seq=%llu %s (error %lld)\n", a, (unsigned long long)seq,
                   r == -EHOSTUNREACH ? "Destination Host Unreachable"
                   : r == -ENETUNREACH ? "Network is unreachable" : "send failed",
                   (long long)r);
        }
        if (shell_interrupted())
            break;
        if (count && seq == count)
            break;
        /* one echo per second, as ping does; Ctrl-C ends the wait */
        while (ktime_get_ns() - t0 < NSEC_PER_SEC) {
            msleep(50);
            if (shell_interrupted()) {
                stop = true;
                break;
            }
        }
    }
    uint64_t ms = (ktime_get_ns() - start) / NSEC_PER_MSEC;
    printk("\n--- %s ping statistics ---\n", a);
    printk("%llu packets transmitted, %llu received, ", (unsigned long long)sent,
           (unsigned long long)got);
    if (errors)
        printk("+%llu errors, ", (unsigned long long)errors);
    printk("%llu%% packet loss, time %llums\n",
           (unsigned long long)(sent ? (sent - got) * 100 / sent : 0), (unsigned long long)ms);
    if (got) {
        uint64_t avg = sum / got, var = sum2 / got - avg * avg;
        printk("rtt min/avg/max/mdev = %llu.%03llu/%llu.%03llu/%llu.%03llu/%llu.%03llu ms\n",
               MS(min), MS(avg), MS(max), MS(isqrt(var)));
    }
    return got ? 0 : SHELL_FAILED;
}

static const struct shell_cmd net_cmds[] = {
    { "ip", "ip addr|route|neigh [show]", "addresses, routes, neighbour (ARP) table", cmd_ip },
    { "ss", "ss [-tuanli]", "sockets: TCP (state, queues; -i rtt, cwnd) and UDP", cmd_ss },
    { "netstat", "netstat -s", "IP, ICMP, TCP and UDP counters (/proc/net/snmp)", cmd_netstat },
    { "ethtool", "ethtool -S IFACE", "the driver's statistics", cmd_ethtool },
    { "tc", "tc -s qdisc [show] [dev IFACE]", "queueing disciplines with statistics", cmd_tc },
    { "nf", "nf [list|add RULE|del N|flush]", "netfilter hooks and rule table", cmd_nf },
    { "ping", "ping [-c N] [-s SIZE] ADDR", "ICMP echo from this host, with RTT statistics",
      cmd_ping },
};

static int net_shell_init(void)
{
    for (unsigned i = 0; i < ARRAY_SIZE(net_cmds); i++)
        if (shell_register(&net_cmds[i]) < 0)
            pr_warn("shell: cannot register %s\n", net_cmds[i].name);
    return 0;
}
late_initcall(net_shell_init);
