/* tests/unit/tcp_script.c - a scripted TCP peer for hosted tests (in the spirit of
 * packetdrill): the real TCP and IPv4 code runs on the fake device, a script injects the
 * peer's segments, drives the application through the socket layer, moves the fake
 * clock, and expects the stack's segments one by one. See tests/unit/tcp/README for the
 * language. Sequence numbers in scripts are relative: the peer's to its ISN (1000000),
 * ours to the ISS the stack chose (learned from its first SYN). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include "tests/unit/unit.h"
#include "tests/unit/tcp_script.h"
#include "tests/unit/fake_ipstack.h"
#include "tests/unit/fake_kernel.h"
#include "net/ipv4/tcp.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/af_inet.h"
#include "net/core/checksum.h"
#include "net/core/secure_seq.h"
#include "net/socket.h"
#include "kernel/errno.h"

#define PEER_ISN 1000000u
#define PEER_PORT 40000
#define MAXSOCK 8

struct ctx {
    const char *file;
    int line;
    struct net_device *dev;
    int next_tx;
    uint32_t iss;
    bool iss_known;
    uint16_t our_port;
    uint32_t last_tsval;          /* the stack's last TSval */
    uint32_t prev_tsval;          /* and the one before it */
    struct socket *socks[MAXSOCK];
    int cur;                      /* socket the app commands use */
    bool failed;
};

static void fail(struct ctx *c, const char *fmt, const char *a, long long x, long long y)
{
    c->failed = true;
    unit_failed_checks++;
    fprintf(stderr, "  %s:%d: ", c->file, c->line);
    fprintf(stderr, fmt, a, x, y);
    fprintf(stderr, "\n");
}

static uint8_t parse_flags(const char *s)
{
    uint8_t f = 0;
    for (; *s; s++) {
        switch (*s) {
        case 'S': f |= TCPHDR_SYN; break;
        case 'A': f |= TCPHDR_ACK; break;
        case 'F': f |= TCPHDR_FIN; break;
        case 'R': f |= TCPHDR_RST; break;
        case 'P': f |= TCPHDR_PSH; break;
        case 'U': f |= TCPHDR_URG; break;
        case '.': break;
        default: return 0xff;
        }
    }
    return f;
}

static const char *kv(char **toks, int n, const char *key)
{
    size_t kl = strlen(key);
    for (int i = 0; i < n; i++) {
        if (!strncmp(toks[i], key, kl) && (toks[i][kl] == '=' || toks[i][kl] == 0))
            return toks[i][kl] == '=' ? toks[i] + kl + 1 : "";
    }
    return NULL;
}

static long num(const char *s) { return s ? strtol(s, NULL, 0) : 0; }

/* --- inject a segment from the peer --- */
static void do_in(struct ctx *c, char **t, int n)
{
    uint8_t flags = parse_flags(t[1]);
    uint32_t seq = PEER_ISN + (uint32_t)num(kv(t, n, "seq"));
    uint32_t ack = c->iss + (uint32_t)num(kv(t, n, "ack"));
    const char *w = kv(t, n, "win");
    uint16_t win = w ? (uint16_t)num(w) : 65535;
    unsigned len = (unsigned)num(kv(t, n, "len"));
    uint16_t dport = c->our_port;
    const char *dp = kv(t, n, "dport");
    if (dp)
        dport = (uint16_t)num(dp);
    const char *sp = kv(t, n, "sport");
    uint16_t sport = sp ? (uint16_t)num(sp) : PEER_PORT;
    struct tcp_out_options o = { 0 };
    struct tcp_sack_block blocks[4];
    const char *v;
    if ((v = kv(t, n, "mss"))) { o.mss = true; o.mss_val = (uint16_t)num(v); }
    if (kv(t, n, "sackOK")) o.sack_perm = true;
    if ((v = kv(t, n, "ws"))) { o.wscale = true; o.wscale_val = (uint8_t)num(v); }
    if ((v = kv(t, n, "ts"))) {
        o.ts = true;
        o.tsval = (uint32_t)strtoul(v, NULL, 0);
        const char *e = strchr(v, ':');
        o.tsecr = !e ? 0 : !strcmp(e + 1, "ECR") ? c->last_tsval
                : !strcmp(e + 1, "ECRPREV") ? c->prev_tsval : (uint32_t)strtoul(e + 1, NULL, 0);
    }
    if ((v = kv(t, n, "sacks"))) {
        /* a-b,c-d relative to our ISS */
        char buf[128];
        snprintf(buf, sizeof(buf), "%s", v);
        for (char *p = strtok(buf, ","); p && o.num_sacks < 4; p = strtok(NULL, ",")) {
            char *dash = strchr(p, '-');
            if (!dash)
                continue;
            blocks[o.num_sacks].start_seq = c->iss + (uint32_t)strtoul(p, NULL, 0);
            blocks[o.num_sacks].end_seq = c->iss + (uint32_t)strtoul(dash + 1, NULL, 0);
            o.num_sacks++;
        }
        o.sacks = blocks;
    }
    unsigned hl = TCP_HLEN_MIN + tcp_options_size(&o);
    static uint8_t buf[70000];
    tcp_hdr_emit((struct tcphdr *)buf, sport, dport, seq, ack, flags, win, hl);
    tcp_options_write(buf + TCP_HLEN_MIN, &o);
    for (unsigned i = 0; i < len; i++)
        buf[hl + i] = (uint8_t)('a' + (seq - PEER_ISN + i) % 26);
    uint32_t saddr = ipa("10.0.2.2"), daddr = ipa("10.0.2.15");
    struct tcphdr *th = (struct tcphdr *)buf;
    th->check = csum_tcpudp_magic(saddr, daddr, hl + len, IPPROTO_TCP, csum_partial(buf, hl + len, 0));
    if (kv(t, n, "badcsum"))
        th->check ^= 0x5555;
    rx_deliver(c->dev, rx_ip(c->dev, "10.0.2.2", "10.0.2.15", IPPROTO_TCP, buf, hl + len, 1, 0, false));
}

/* --- expect the stack's next segment --- */
static void do_out(struct ctx *c, char **t, int n)
{
    if (!strcmp(t[1], "none")) {
        if (tx_count(c->dev) > c->next_tx) {
            struct sk_buff *s = tx_get(c->dev, c->next_tx);
            const struct tcphdr *th = (const struct tcphdr *)(s->data + 20);
            fail(c, "expected no segment, got flags %s%#llx seq %lld", "", th->flags,
                 (long long)(ntohl(th->seq) - c->iss));
        }
        return;
    }
    struct sk_buff *s = tx_get(c->dev, c->next_tx);
    if (!s) {
        fail(c, "expected a segment (%s), none was sent%lld%lld", t[1], 0, 0);
        return;
    }
    c->next_tx++;
    const struct iphdr *iph = (const struct iphdr *)s->data;
    static uint8_t flat[70000];
    unsigned tot = s->len;
    if (skb_copy_bits(s, 0, flat, tot)) {
        fail(c, "cannot read the segment%s%lld%lld", "", 0, 0);
        return;
    }
    unsigned ihl = iph->ihl * 4u;
    struct tcp_repr r;
    unsigned pflags = s->ip_summed == CHECKSUM_PARTIAL ? TCP_PARSE_NO_CSUM : 0;
    int err = tcp_hdr_parse(flat + ihl, tot - ihl, iph->saddr, iph->daddr, pflags, &r);
    if (err) {
        fail(c, "bad segment from the stack (%s): parse error %lld%lld", "", err, 0);
        return;
    }
    if (kv(t, n, "setiss")) {
        c->iss = r.seq;                    /* a second connection: its own ISS from here */
        c->iss_known = true;
    } else if ((r.flags & TCPHDR_SYN) && !c->iss_known) {
        c->iss = r.seq;
        c->iss_known = true;
    }
    if (!c->our_port)
        c->our_port = r.sport;
    if (r.opt.ts_present) {
        c->prev_tsval = c->last_tsval;
        c->last_tsval = r.opt.tsval;
    }
    uint8_t want = parse_flags(t[1]);
    uint8_t got = r.flags & (uint8_t)~TCPHDR_PSH;
    uint8_t w2 = want & (uint8_t)~TCPHDR_PSH;
    if (got != w2 || ((want & TCPHDR_PSH) && !(r.flags & TCPHDR_PSH)))
        fail(c, "flags: want %s, got %#llx (seq %lld)", t[1], r.flags, (long long)(r.seq - c->iss));
    const char *v;
    if ((v = kv(t, n, "seq")) && r.seq - c->iss != (uint32_t)num(v))
        fail(c, "seq: want %s, got %lld%lld", v, (long long)(r.seq - c->iss), 0);
    if ((v = kv(t, n, "ack")) && r.ack - PEER_ISN != (uint32_t)num(v))
        fail(c, "ack: want %s, got %lld%lld", v, (long long)(r.ack - PEER_ISN), 0);
    if ((v = kv(t, n, "len")) && r.payload_len != (unsigned)num(v))
        fail(c, "len: want %s, got %lld%lld", v, r.payload_len, 0);
    if ((v = kv(t, n, "lenmin")) && r.payload_len < (unsigned)num(v))
        fail(c, "len: want at least %s, got %lld%lld", v, r.payload_len, 0);
    if ((v = kv(t, n, "win"))) {
        if (*v == '>') {
            if (r.window <= num(v + 1))
                fail(c, "win: want >%s, got %lld%lld", v + 1, r.window, 0);
        } else if (r.window != num(v)) {
            fail(c, "win: want %s, got %lld%lld", v, r.window, 0);
        }
    }
    if ((v = kv(t, n, "mss")) && (!r.opt.mss_present || r.opt.mss != num(v)))
        fail(c, "mss: want %s, got %lld (present %lld)", v, r.opt.mss, r.opt.mss_present);
    if (kv(t, n, "sackOK") && !r.opt.sack_perm)
        fail(c, "sackOK missing%s%lld%lld", "", 0, 0);
    if (kv(t, n, "nosackOK") && r.opt.sack_perm)
        fail(c, "unexpected sackOK%s%lld%lld", "", 0, 0);
    if (kv(t, n, "ts") && !r.opt.ts_present)
        fail(c, "timestamps missing%s%lld%lld", "", 0, 0);
    if ((v = kv(t, n, "tsecr")) && r.opt.tsecr != (uint32_t)num(v))
        fail(c, "tsecr: want %s, got %lld%lld", v, r.opt.tsecr, 0);
    if (kv(t, n, "nots") && r.opt.ts_present)
        fail(c, "unexpected timestamps%s%lld%lld", "", 0, 0);
    if ((v = kv(t, n, "ws")) && (!r.opt.wscale_present || (strcmp(v, "*") && r.opt.wscale != num(v))))
        fail(c, "wscale: want %s, got %lld (present %lld)", v, r.opt.wscale, r.opt.wscale_present);
    if (kv(t, n, "nows") && r.opt.wscale_present)
        fail(c, "unexpected wscale%s%lld%lld", "", 0, 0);
    if ((v = kv(t, n, "sacks"))) {
        /* blocks relative to the peer's ISN, in order: a-b,c-d */
        char buf[128], want_s[128] = "", got_s[128] = "";
        snprintf(buf, sizeof(buf), "%s", v);
        snprintf(want_s, sizeof(want_s), "%s", v);
        size_t off = 0;
        for (unsigned i = 0; i < r.opt.num_sacks; i++)
            off += (size_t)snprintf(got_s + off, sizeof(got_s) - off, "%s%u-%u", i ? "," : "",
                                    r.opt.sacks[i].start_seq - PEER_ISN, r.opt.sacks[i].end_seq - PEER_ISN);
        if (strcmp(want_s, got_s)) {
            c->failed = true;
            unit_failed_checks++;
            fprintf(stderr, "  %s:%d: sacks: want %s, got %s\n", c->file, c->line, want_s, got_s);
        }
    }
}

/* --- the application --- */
static struct socket *cur(struct ctx *c) { return c->socks[c->cur]; }

static int errno_of(const char *name)
{
    static const struct { const char *n; int e; } tab[] = {
        { "EAGAIN", EAGAIN }, { "EINPROGRESS", EINPROGRESS }, { "ECONNREFUSED", ECONNREFUSED },
        { "ECONNRESET", ECONNRESET }, { "EPIPE", EPIPE }, { "ETIMEDOUT", ETIMEDOUT },
        { "ENOTCONN", ENOTCONN }, { "EINVAL", EINVAL }, { "EISCONN", EISCONN },
        { "EALREADY", EALREADY }, { "EADDRINUSE", EADDRINUSE }, { "0", 0 },
    };
    for (unsigned i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
        if (!strcmp(tab[i].n, name))
            return tab[i].e;
    return 9999;
}

static const char *state_name(int s)
{
    static const char *const n[] = { "?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
                                     "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
                                     "LISTEN", "CLOSING" };
    return s >= 0 && s < 12 ? n[s] : "?";
}

static void check_ret(struct ctx *c, const char *what, long got, char **t, int n, long dflt)
{
    const char *v = kv(t, n, "expect");
    long want = dflt;
    if (v)
        want = isdigit((unsigned char)*v) ? num(v) : -errno_of(v);
    if (got != want)
        fail(c, "%s returned %lld, want %lld", what, got, want);
}

static void do_app(struct ctx *c, char **t, int n)
{
    const char *cmd = t[1];
    if (!strcmp(cmd, "socket") || !strcmp(cmd, "listen") || !strcmp(cmd, "connect")) {
        if (!strcmp(cmd, "socket") || !cur(c)) {
            struct socket *s;
            int err = sock_create(AF_INET, SOCK_STREAM, 0, &s);
            if (err) {
                fail(c, "socket: %s%lld%lld", "", err, 0);
                return;
            }
            int i = 0;
            while (i < MAXSOCK && c->socks[i])
                i++;
            c->socks[i] = s;
            c->cur = i;
        }
        const char *v;
        if ((v = kv(t, n, "nodelay"))) {
            int one = (int)num(v);
            tcp_prot.setsockopt(cur(c)->sk, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        }
        if ((v = kv(t, n, "rcvbuf"))) {
            int b = (int)num(v);
            sock_setsockopt(cur(c), SO_RCVBUF, &b, sizeof(b));
        }
        if ((v = kv(t, n, "cc")))
            tcp_prot.setsockopt(cur(c)->sk, IPPROTO_TCP, TCP_CONGESTION, v, (socklen_t)strlen(v));
    }
    struct socket *s = cur(c);
    if (!strcmp(cmd, "socket")) {
        return;
    } else if (!strcmp(cmd, "listen")) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)num(t[2])) };
        int err = s->ops->bind(s, &a);
        if (!err)
            err = s->ops->listen(s, (int)(kv(t, n, "backlog") ? num(kv(t, n, "backlog")) : 8));
        check_ret(c, "listen", err, t, n, 0);
        c->our_port = (uint16_t)num(t[2]);
    } else if (!strcmp(cmd, "connect")) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)(n > 2 ? num(t[2]) : PEER_PORT)) };
        a.sin_addr.s_addr = ipa("10.0.2.2");
        int err = s->ops->connect(s, &a, 1);
        check_ret(c, "connect", err, t, n, -EINPROGRESS);
    } else if (!strcmp(cmd, "accept")) {
        struct socket *ns = NULL;
        int err = sock_create(AF_INET, SOCK_STREAM, 0, &ns);
        if (!err) {
            /* replace the fresh sock by the accepted one */
            ns->ops->release(ns);
            ns->sk = NULL;
            err = s->ops->accept(s, ns, 1);
        }
        check_ret(c, "accept", err, t, n, 0);
        if (!err) {
            int i = 0;
            while (i < MAXSOCK && c->socks[i])
                i++;
            c->socks[i] = ns;
            c->cur = i;
        } else if (ns) {
            sock_release(ns);
        }
    } else if (!strcmp(cmd, "use")) {
        c->cur = (int)num(t[2]);
    } else if (!strcmp(cmd, "send")) {
        static char data[1 << 20];
        size_t len = (size_t)num(t[2]);
        for (size_t i = 0; i < len && i < sizeof(data); i++)
            data[i] = (char)('A' + i % 26);
        struct iovec iov = { data, len };
        struct kmsg m;
        kmsg_init_kernel(&m, &iov, 1, len);
        m.flags = MSG_DONTWAIT | (kv(t, n, "more") ? MSG_MORE : 0);
        long r = sock_sendmsg(s, &m);
        check_ret(c, "send", r, t, n, (long)len);
    } else if (!strcmp(cmd, "recv")) {
        static char data[1 << 20];
        size_t len = (size_t)num(t[2]);
        struct iovec iov = { data, len };
        struct kmsg m;
        kmsg_init_kernel(&m, &iov, 1, len);
        long r = sock_recvmsg(s, &m, MSG_DONTWAIT);
        check_ret(c, "recv", r, t, n, (long)len);
    } else if (!strcmp(cmd, "close")) {
        sock_release(s);
        c->socks[c->cur] = NULL;
    } else if (!strcmp(cmd, "shutdown")) {
        int r = s->ops->shutdown(s, !strcmp(t[2], "wr") ? 1 : !strcmp(t[2], "rd") ? 0 : 2);
        check_ret(c, "shutdown", r, t, n, 0);
    } else if (!strcmp(cmd, "linger")) {
        int lg[2] = { 1, (int)num(t[2]) };
        sock_setsockopt(s, SO_LINGER, lg, sizeof(lg));
    } else if (!strcmp(cmd, "state")) {
        int st = s && s->sk ? s->sk->sk_state : TCP_CLOSE;
        if (strcmp(state_name(st), t[2]))
            fail(c, "state: want %s, got %lld%.0lld", t[2], st, 0);
    } else if (!strcmp(cmd, "error")) {
        int e = sock_error(s->sk);
        if (e != -errno_of(t[2]))
            fail(c, "socket error: want %s, got %lld%.0lld", t[2], e, 0);
    } else if (!strcmp(cmd, "poll")) {
        unsigned mask = s->ops->poll(s);
        const char *v = t[2];
        bool want_in = strstr(v, "IN") != NULL, want_out = strstr(v, "OUT") != NULL;
        if (!!(mask & POLLIN) != want_in || !!(mask & POLLOUT) != want_out)
            fail(c, "poll: want %s, got %#llx%lld", v, mask, 0);
    } else if (!strcmp(cmd, "cwnd")) {
        long got = tcp_sk(s->sk)->snd_cwnd;
        if (got != num(t[2]))
            fail(c, "cwnd: want %s, got %lld%.0lld", t[2], got, 0);
    } else if (!strcmp(cmd, "info")) {
        /* a struct tcp_info field, read from the buffer getsockopt(TCP_INFO) returns */
        static const struct { const char *name; unsigned off; } fields[] = {
            { "segs_out", 136 }, { "segs_in", 140 }, { "data_segs_in", 152 },
            { "data_segs_out", 156 }, { "total_retrans", 100 }, { "snd_ssthresh", 76 },
        };
        uint8_t b[TCP_INFO_LEN];
        tcp_get_info(s->sk, b);
        unsigned i = 0;
        while (i < sizeof(fields) / sizeof(fields[0]) && strcmp(fields[i].name, t[2]))
            i++;
        uint32_t got;
        if (i == sizeof(fields) / sizeof(fields[0]) || n < 4)
            fail(c, "info: unknown field %s%lld%lld", t[2], 0, 0);
        else if (memcpy(&got, b + fields[i].off, 4), got != (uint32_t)num(t[3]))
            fail(c, "info: want %s, got %lld%.0lld", t[3], got, 0);
    } else {
        fail(c, "unknown app command %s%lld%lld", cmd, 0, 0);
    }
}

static uint64_t mib_get(const char *name)
{
#define M(f) if (!strcmp(name, #f)) return tcpstats.f;
    M(ActiveOpens) M(PassiveOpens) M(AttemptFails) M(EstabResets) M(CurrEstab) M(InSegs)
    M(OutSegs) M(RetransSegs) M(InErrs) M(OutRsts) M(InCsumErrors) M(SyncookiesSent)
    M(SyncookiesRecv) M(SyncookiesFailed) M(TCPChallengeACK) M(TCPSYNChallenge) M(PAWSEstab)
    M(TCPFastRetrans) M(TCPSackRecovery) M(TCPRenoRecovery) M(TCPTimeouts) M(DelayedACKs)
    M(TCPDSACKRecv) M(TCPDSACKOldSent) M(TCPOFOQueue) M(ListenOverflows) M(TW) M(TWRecycled)
    M(TCPAbortOnTimeout) M(TCPAbortOnClose) M(TCPAbortOnLinger) M(TCPSlowStartRetrans)
    M(TCPWinProbe) M(TCPKeepAlive) M(TCPSynRetrans) M(TCPLossUndo) M(TCPFullUndo) M(TCPDSACKUndo)
#undef M
    return ~0ull;
}

int tcp_script_run(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "  cannot open %s\n", path);
        unit_failed_checks++;
        return -1;
    }
    static struct ctx c;
    memset(&c, 0, sizeof(c));
    c.file = path;
    secure_seq_set_keys(42);
    c.dev = ipstack_setup();
    static bool inited;
    if (!inited) {
        inet_init();
        tcp_init();
        inited = true;
    }
    uint64_t skb0 = skbs_alive();
    int socks0 = tcp_socks_count();
    uint64_t mib0[64];
    const char *mnames[64];
    int nm = 0;
    char line[512];
    while (fgets(line, sizeof(line), f) && !c.failed) {
        c.line++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *toks[32];
        int n = 0;
        for (char *p = strtok(line, " \t\r\n"); p && n < 32; p = strtok(NULL, " \t\r\n"))
            toks[n++] = p;
        if (!n)
            continue;
        if (!strcmp(toks[0], "wait")) {
            fake_advance_ms((uint64_t)num(toks[1]));
        } else if (!strcmp(toks[0], "in")) {
            do_in(&c, toks, n);
        } else if (!strcmp(toks[0], "out")) {
            do_out(&c, toks, n);
        } else if (!strcmp(toks[0], "app")) {
            do_app(&c, toks, n);
        } else if (!strcmp(toks[0], "dev")) {
            if (kv(toks, n, "tso"))
                c.dev->features |= NETIF_F_TSO | NETIF_F_SG | NETIF_F_IP_CSUM;
            if (kv(toks, n, "csum"))
                c.dev->features |= NETIF_F_IP_CSUM;
            if (kv(toks, n, "mtu"))
                c.dev->mtu = (unsigned)num(kv(toks, n, "mtu"));
            c.dev->gso_max_segs = 64;
        } else if (!strcmp(toks[0], "mark")) {
            /* remember MIB counters to compare with "mib NAME +N" later */
            for (int i = 1; i < n && nm < 64; i++) {
                mnames[nm] = strdup(toks[i]);
                mib0[nm++] = mib_get(toks[i]);
            }
        } else if (!strcmp(toks[0], "mib")) {
            long delta = num(toks[2]);
            for (int i = 0; i < nm; i++)
                if (!strcmp(mnames[i], toks[1])) {
                    long got = (long)(mib_get(toks[1]) - mib0[i]);
                    if (got != delta)
                        fail(&c, "mib %s: want +%lld, got +%lld", toks[1], delta, got);
                }
        } else if (!strcmp(toks[0], "sysctl")) {
            if (!strcmp(toks[1], "sack")) sysctl_tcp.sack = num(toks[2]);
            if (!strcmp(toks[1], "timestamps")) sysctl_tcp.timestamps = num(toks[2]);
            if (!strcmp(toks[1], "syncookies")) sysctl_tcp.syncookies = num(toks[2]);
        } else {
            fail(&c, "unknown directive %s%lld%lld", toks[0], 0, 0);
        }
    }
    fclose(f);
    /* teardown: close what is open, let every timer run out, nothing may leak */
    for (int i = 0; i < MAXSOCK; i++)
        if (c.socks[i]) {
            int lg[2] = { 1, 0 };
            sock_setsockopt(c.socks[i], SO_LINGER, lg, sizeof(lg));
            sock_release(c.socks[i]);
        }
    for (int i = 0; i < 200; i++)
        fake_advance_ms(1000);
    tcp_tw_flush();
    for (int i = 0; i < nm; i++)
        free((void *)mnames[i]);
    sysctl_tcp.sack = sysctl_tcp.timestamps = sysctl_tcp.syncookies = true;
    ipstack_teardown(c.dev);
    if (!c.failed) {
        uint64_t skb1 = skbs_alive();
        if (skb1 != skb0)
            fail(&c, "skbs leaked: %s%lld before, %lld after", "", (long long)skb0, (long long)skb1);
        if (tcp_socks_count() != socks0)
            fail(&c, "tcp socks leaked: %s%lld before, %lld after", "", socks0, tcp_socks_count());
    }
    return c.failed ? -1 : 0;
}
