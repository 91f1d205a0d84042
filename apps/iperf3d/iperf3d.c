/* apps/iperf3d/iperf3d.c - an iperf3 server (the 3.12 protocol) that Debian's `iperf3 -c`
 * uses unchanged: TCP and UDP tests, -R (this side sends), -P, -t, -l, -O, -b, and the
 * server's half of the results that the client prints and puts in its --json output.
 *
 *   iperf3d [port [tests]]     port 5201 by default; tests: exit after that many (tests)
 *
 * One poll loop serves one test at a time, as iperf3 does; a second client meanwhile gets
 * ACCESS_DENIED. Every state has a deadline, so a client that stalls, vanishes or sends
 * garbage only ends its own test. No floating point (wirepath apps are integer-only):
 * times are microseconds and jitter nanoseconds, printed as fixed-point seconds.
 * The control protocol's state machine is apps/lib/common/iperf3_proto.c (tested hosted);
 * this file owns the sockets, the clock and the data streams.
 * The protocol: docs/apps.md, section iperf3d. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "json.h"
#include "iperf3_proto.h"
#include "svc.h"

#define COOKIE_SIZE IPERF3_COOKIE_SIZE
#define MAX_STREAMS IPERF3_MAX_STREAMS
#define MAX_PENDING 8               /* data connections still sending their cookie */
#define STEP_MS 10000               /* deadline of every handshake step */
#define DONE_MS 5000                /* waiting for IPERF_DONE */
#define MAX_JSON IPERF3_MAX_JSON

struct stream {
    int fd, id;
    uint64_t bytes;                 /* after the omit period */
    uint64_t packets;               /* UDP: datagrams sent, or highest sequence received */
    uint64_t sent_total;            /* bytes sent since TEST_RUNNING (pacing) */
    uint64_t seq;                   /* UDP sender: last sequence number used */
    uint64_t errors, outoforder;
    int64_t jitter_ns, prev_transit_ns;
    bool have_transit;
};

struct pending { int fd; char cookie[COOKIE_SIZE]; size_t got; };

static struct iperf3_ctl C;         /* the control protocol of the current test */

static struct {
    bool busy;                      /* a test is in progress (C is live) */
    int ctl;
    int64_t deadline_ms;
    /* parameters (copied from C.p once accepted) */
    bool udp, reverse, c64, get_output;
    int parallel, omit, time;
    long blksize;
    uint64_t bandwidth;             /* bit/s per stream; 0 = unlimited */
    /* streams */
    struct stream s[MAX_STREAMS];
    int nstreams;
    struct pending p[MAX_PENDING];
    int udp_fd;                     /* UDP socket awaiting the next stream's datagram */
    int64_t start_us, t0_us, end_us;
    bool omitted;
    long number;
} T;

static int port = 5201, lfd = -1;
static char json[MAX_JSON + 1];
static char rbuf[131072];           /* receive buffer, also the UDP datagram buffer */
static char sbuf[131072];           /* what a sending server writes */

static bool ctl_flush(void)
{
    size_t len;
    const unsigned char *p;
    while ((p = iperf3_ctl_out(&C, &len)), len) {
        long n = svc_send(T.ctl, p, len);
        if (n < 0)
            return false;
        if (n == 0)
            break;
        iperf3_ctl_sent(&C, (size_t)n);
    }
    return true;
}

static bool ctl_pending(void)
{
    size_t len;
    iperf3_ctl_out(&C, &len);
    return len > 0;
}

static void close_data(void)
{
    for (int i = 0; i < T.nstreams; i++)
        if (T.s[i].fd >= 0) {
            close(T.s[i].fd);
            T.s[i].fd = -1;
        }
    for (int i = 0; i < MAX_PENDING; i++)
        if (T.p[i].fd >= 0) {
            close(T.p[i].fd);
            T.p[i].fd = -1;
        }
    if (T.udp_fd >= 0) {
        close(T.udp_fd);
        T.udp_fd = -1;
    }
}

static void test_end(const char *why)
{
    close_data();
    if (T.ctl >= 0)
        close(T.ctl);
    T.ctl = -1;
    T.busy = false;
    if (why)
        printf("iperf3d: test %ld aborted: %s\n", T.number, why);
}

/* SERVER_ERROR: the client prints iperf3's message for `code` and strerror(err) */
static void server_error(int code, int err, const char *why)
{
    iperf3_ctl_error(&C, code, err, why);
    ctl_flush();
    test_end(why);
}

static void reject(int fd)
{
    int8_t s = IPERF3_ACCESS_DENIED;
    svc_send(fd, &s, 1);
    close(fd);
}

static int64_t now_ms(void) { return svc_now_ms(); }

static int udp_bound_socket(void)
{
    int fd = svc_bind_udp(port, 4 << 20);
    if (fd >= 0 && svc_nonblock(fd) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* the parameters are in and valid (iperf3_proto checked them) */
static void params_apply(void)
{
    const struct iperf3_params *p = &C.p;
    T.udp = p->udp;
    T.reverse = p->reverse;
    T.parallel = p->parallel;
    T.omit = p->omit;
    T.time = p->time;
    T.blksize = p->blksize;
    T.bandwidth = p->bandwidth;
    T.c64 = p->c64;
    T.get_output = p->get_output;
    if (T.udp && (T.udp_fd = udp_bound_socket()) < 0) {
        server_error(IPERF3_IERECVPARAMS, errno, "no UDP socket");
        return;
    }
    printf("iperf3d: test %ld: %s, %d stream%s, %s, block %ld, %d s%s\n", T.number,
           T.udp ? "udp" : "tcp", T.parallel, T.parallel > 1 ? "s" : "",
           T.reverse ? "server sends" : "client sends", T.blksize, T.time,
           T.bandwidth ? "" : ", unlimited rate");
    T.deadline_ms = now_ms() + STEP_MS;
    iperf3_ctl_streams_wanted(&C);
}

static void stream_add(int fd)
{
    struct stream *s = &T.s[T.nstreams];
    memset(s, 0, sizeof(*s));
    s->fd = fd;
    s->id = T.nstreams == 0 ? 1 : T.nstreams + 2;      /* 1, 3, 4, ... as iperf3 */
    T.nstreams++;
    if (T.nstreams < T.parallel)
        return;
    if (T.udp_fd >= 0) {
        close(T.udp_fd);
        T.udp_fd = -1;
    }
    T.start_us = T.t0_us = svc_now_us();
    T.omitted = T.omit == 0;
    /* the client ends the test; this only catches one that vanished */
    T.deadline_ms = now_ms() + (int64_t)(T.time + T.omit + 40) * 1000;
    iperf3_ctl_streams_ready(&C);
}

/* Big-endian fields at any alignment, the POSIX way (memcpy and the byte-order calls). */
static void put_be32(unsigned char *p, uint32_t v)
{
    v = htonl(v);
    memcpy(p, &v, 4);
}

static uint32_t get_be32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return ntohl(v);
}

static void send_results(void)
{
    struct jw w;
    jw_init(&w, json, sizeof(json));
    jw_obj(&w);
    /* CPU use is not measured here: 0, which the client accepts and prints as such */
    jw_key(&w, "cpu_util_total"); jw_int(&w, 0);
    jw_key(&w, "cpu_util_user"); jw_int(&w, 0);
    jw_key(&w, "cpu_util_system"); jw_int(&w, 0);
    /* retransmissions are not reported: 0 when sending (the client then shows none),
     * -1 when receiving (as iperf3) */
    jw_key(&w, "sender_has_retransmits"); jw_int(&w, T.reverse ? 0 : -1);
    int64_t dur = T.end_us - T.t0_us;
    uint64_t total = 0;
    jw_key(&w, "streams");
    jw_arr(&w);
    for (int i = 0; i < T.nstreams; i++) {
        struct stream *s = &T.s[i];
        total += s->bytes;
        jw_obj(&w);
        jw_key(&w, "id"); jw_int(&w, s->id);
        jw_key(&w, "bytes"); jw_uint(&w, s->bytes);
        jw_key(&w, "retransmits"); jw_int(&w, -1);
        jw_key(&w, "jitter"); jw_fixed(&w, T.udp && !T.reverse ? s->jitter_ns : 0, 9);
        jw_key(&w, "errors"); jw_uint(&w, T.udp && !T.reverse ? s->errors : 0);
        jw_key(&w, "packets"); jw_uint(&w, T.udp ? s->packets : 0);
        jw_key(&w, "start_time"); jw_int(&w, 0);
        jw_key(&w, "end_time"); jw_fixed(&w, dur, 6);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    if (T.get_output) {
        char text[160];
        snprintf(text, sizeof(text), "iperf3d: %llu bytes %s in %lld.%06lld s over %d stream(s)\n",
                 (unsigned long long)total, T.reverse ? "sent" : "received",
                 (long long)(dur / 1000000), (long long)(dur % 1000000), T.nstreams);
        jw_key(&w, "server_output_text"); jw_str(&w, text);
    }
    jw_obj_end(&w);
    if (!jw_ok(&w) || !iperf3_ctl_send_results(&C, json, w.len)) {
        server_error(IPERF3_IERECVRESULTS, ENOBUFS, "results do not fit");
        return;
    }
    T.deadline_ms = now_ms() + DONE_MS;
    printf("iperf3d: test %ld: %llu bytes %s in %lld.%03lld s\n", T.number,
           (unsigned long long)total, T.reverse ? "sent" : "received",
           (long long)(dur / 1000000), (long long)(dur % 1000000 / 1000));
}

static void running_end(void)
{
    T.end_us = svc_now_us();
    if (!T.omitted)                 /* ended inside the omit period: nothing counted */
        T.t0_us = T.end_us;
    close_data();
    iperf3_ctl_test_ended(&C);
    T.deadline_ms = now_ms() + STEP_MS;
}

/* The control connection's bytes through the protocol machine; its events here. */
static void ctl_read(void)
{
    unsigned char buf[4096];
    long n = recv(T.ctl, buf, sizeof(buf), 0);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            test_end("control connection error");
        return;
    }
    if (n == 0) {
        test_end(C.st == IPERF3_ST_DONE ? 0 : "control connection closed");
        return;
    }
    size_t off = 0;
    while (T.busy && off < (size_t)n) {
        size_t used;
        enum iperf3_state before = C.st;
        enum iperf3_event ev = iperf3_ctl_input(&C, buf + off, (size_t)n - off, &used);
        off += used;
        if (C.st != before && (C.st == IPERF3_ST_PARAMS || C.st == IPERF3_ST_RESULTS))
            T.deadline_ms = now_ms() + STEP_MS;
        switch (ev) {
        case IPERF3_EV_NONE:
            break;
        case IPERF3_EV_PARAMS:
            params_apply();
            break;
        case IPERF3_EV_TEST_END:
            running_end();
            break;
        case IPERF3_EV_RESULTS:
            send_results();
            break;
        case IPERF3_EV_DONE:
            ctl_flush();
            test_end(0);
            return;
        case IPERF3_EV_ERROR:
            ctl_flush();
            test_end(C.why);
            return;
        case IPERF3_EV_ABORT:
            test_end(C.why);
            return;
        }
        if (!used && ev == IPERF3_EV_NONE)
            break;
    }
}

static void on_accept(void)
{
    for (int k = 0; k < 16; k++) {
        int fd = accept(lfd, 0, 0);
        if (fd < 0)
            return;
        svc_nonblock(fd);
        if (!T.busy) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof(one));
            T.ctl = fd;
            T.busy = true;
            iperf3_ctl_init(&C);
            T.nstreams = 0;
            T.number++;
            T.deadline_ms = now_ms() + STEP_MS;
            continue;
        }
        if (T.busy && C.st == IPERF3_ST_CREATE && !T.udp) {
            int i;
            for (i = 0; i < MAX_PENDING && T.p[i].fd >= 0; i++)
                ;
            if (i < MAX_PENDING) {
                T.p[i].fd = fd;
                T.p[i].got = 0;
                continue;
            }
        }
        reject(fd);                 /* busy: as iperf3, one byte and close */
    }
}

static void pending_read(struct pending *p)
{
    long n = recv(p->fd, p->cookie + p->got, COOKIE_SIZE - p->got, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {
        close(p->fd);
        p->fd = -1;
        return;
    }
    p->got += (size_t)n;
    if (p->got < COOKIE_SIZE)
        return;
    int fd = p->fd;
    p->fd = -1;
    if (!T.busy || !iperf3_ctl_cookie_matches(&C, p->cookie)) {
        reject(fd);
        return;
    }
    stream_add(fd);
}

static void udp_stream_connect(void)
{
    struct sockaddr_in peer;
    socklen_t plen = sizeof(peer);
    long n = recvfrom(T.udp_fd, rbuf, sizeof(rbuf), 0, (struct sockaddr *)&peer, &plen);
    if (n < 0)
        return;
    int fd = T.udp_fd;
    T.udp_fd = -1;
    uint32_t reply = IPERF3_UDP_CONNECT_REPLY;     /* host order, as iperf3 writes it */
    if (connect(fd, (struct sockaddr *)&peer, plen) < 0 || send(fd, &reply, 4, 0) != 4) {
        close(fd);
        server_error(IPERF3_IERECVPARAMS, errno, "UDP stream connect failed");
        return;
    }
    stream_add(fd);
    if (C.st == IPERF3_ST_CREATE && (T.udp_fd = udp_bound_socket()) < 0)
        server_error(IPERF3_IERECVPARAMS, errno, "no UDP socket");
}

static void omit_check(int64_t now)
{
    if (T.omitted || now < T.start_us + (int64_t)T.omit * 1000000)
        return;
    T.omitted = true;
    T.t0_us = now;
    for (int i = 0; i < T.nstreams; i++) {
        T.s[i].bytes = 0;
        T.s[i].packets = 0;
        T.s[i].errors = 0;
        T.s[i].jitter_ns = 0;
        T.s[i].have_transit = false;
    }
}

static void udp_account(struct stream *s, long n, int64_t now)
{
    if (n < 12)
        return;
    const unsigned char *h = (const unsigned char *)rbuf;
    uint64_t sec = get_be32(h), usec = get_be32(h + 4);
    uint64_t seq = T.c64 ? ((uint64_t)get_be32(h + 8) << 32 | get_be32(h + 12)) : get_be32(h + 8);
    if (seq > s->packets + 1)
        s->errors += seq - s->packets - 1;
    if (seq > s->packets) {
        s->packets = seq;
    } else {
        s->outoforder++;
        if (s->errors)
            s->errors--;
    }
    /* RFC 3550 jitter on the transit time; only differences of the two clocks matter */
    int64_t transit = now * 1000 - (int64_t)(sec * 1000000000ull + usec * 1000);
    if (!s->have_transit) {
        s->prev_transit_ns = transit;
        s->have_transit = true;
    }
    int64_t d = transit - s->prev_transit_ns;
    if (d < 0)
        d = -d;
    s->prev_transit_ns = transit;
    s->jitter_ns += (d - s->jitter_ns) / 16;
}

static void stream_recv(struct stream *s)
{
    for (int k = 0; k < 8; k++) {
        long n = recv(s->fd, rbuf, T.udp ? sizeof(rbuf) : (size_t)T.blksize, 0);
        if (n <= 0) {
            /* EOF or an error on a data stream: the client decides the end (TEST_END) */
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                close(s->fd);
                s->fd = -1;
            }
            return;
        }
        int64_t now = svc_now_us();
        omit_check(now);
        s->bytes += (uint64_t)n;
        if (T.udp)
            udp_account(s, n, now);
    }
}

/* may this stream send now under the rate limit? */
static bool pace_ok(const struct stream *s, int64_t now)
{
    if (!T.bandwidth)
        return true;
    int64_t el = now - T.start_us;
    if (el <= 0)
        return false;
    /* bits sent so far against what the rate allows in the elapsed time */
    return (uint64_t)s->sent_total * 8 * 1000000 < T.bandwidth * (uint64_t)el;
}

static void stream_send(struct stream *s)
{
    for (int k = 0; k < 16; k++) {
        int64_t now = svc_now_us();
        if (!pace_ok(s, now))
            return;
        omit_check(now);
        size_t n = (size_t)T.blksize < sizeof(sbuf) ? (size_t)T.blksize : sizeof(sbuf);
        if (T.udp) {
            unsigned char *h = (unsigned char *)sbuf;
            put_be32(h, (uint32_t)(now / 1000000));
            put_be32(h + 4, (uint32_t)(now % 1000000));
            s->seq++;
            if (T.c64) {
                put_be32(h + 8, (uint32_t)(s->seq >> 32));
                put_be32(h + 12, (uint32_t)s->seq);
            } else {
                put_be32(h + 8, (uint32_t)s->seq);
            }
        }
        long r = svc_send(s->fd, sbuf, n);
        if (r < 0) {
            if (T.udp && (errno == ENOBUFS || errno == ECONNREFUSED)) {
                s->seq--;           /* not sent: the sequence stays gap-free */
                return;
            }
            close(s->fd);
            s->fd = -1;
            return;
        }
        if (r == 0) {
            if (T.udp)
                s->seq--;
            return;
        }
        s->sent_total += (uint64_t)r;
        s->bytes += (uint64_t)r;
        if (T.udp)
            s->packets++;
    }
}

int main(int argc, char **argv)
{
    if (argc > 1)
        port = atoi(argv[1]);
    long max_tests = argc > 2 ? atol(argv[2]) : -1;
    if (port <= 0 || port > 65535) {
        printf("iperf3d: bad port '%s'\n", argv[1]);
        return 2;
    }
    lfd = svc_listen_tcp("iperf3d", port, 16);
    if (lfd < 0)
        return 1;
    for (size_t i = 0; i < sizeof(sbuf); i++)
        sbuf[i] = (char)('0' + i % 61);
    T.ctl = T.udp_fd = -1;
    for (int i = 0; i < MAX_PENDING; i++)
        T.p[i].fd = -1;
    printf("iperf3d: listening on tcp port %d\n", port);
    fflush(stdout);

    struct pollfd pf[3 + MAX_STREAMS + MAX_PENDING];
    for (;;) {
        if (!T.busy && max_tests >= 0 && T.number >= max_tests)
            break;
        int64_t now = now_ms();
        if (T.busy && now >= T.deadline_ms) {
            test_end("timed out");
            continue;
        }
        nfds_t n = 0;
        pf[n++] = (struct pollfd){ lfd, POLLIN, 0 };
        int ctl_i = -1, udp_i = -1, s0 = -1, p0 = -1;
        int timeout = !T.busy ? -1 : (int)(T.deadline_ms - now);
        if (T.ctl >= 0) {
            ctl_i = (int)n;
            pf[n++] = (struct pollfd){ T.ctl, (short)(POLLIN | (ctl_pending() ? POLLOUT : 0)), 0 };
        }
        if (T.udp_fd >= 0) {
            udp_i = (int)n;
            pf[n++] = (struct pollfd){ T.udp_fd, POLLIN, 0 };
        }
        bool running = T.busy && C.st == IPERF3_ST_RUNNING;
        if (running) {
            s0 = (int)n;
            int64_t now_us = svc_now_us();
            for (int i = 0; i < T.nstreams; i++) {
                short ev = 0;
                if (T.s[i].fd >= 0 && !T.reverse)
                    ev = POLLIN;
                else if (T.s[i].fd >= 0 && pace_ok(&T.s[i], now_us))
                    ev = POLLOUT;
                else if (T.s[i].fd >= 0)
                    timeout = 1;    /* pacing: look again in a millisecond */
                pf[n++] = (struct pollfd){ ev ? T.s[i].fd : -1, ev, 0 };
            }
        }
        if (T.busy && C.st == IPERF3_ST_CREATE) {
            p0 = (int)n;
            for (int i = 0; i < MAX_PENDING; i++)
                pf[n++] = (struct pollfd){ T.p[i].fd, POLLIN, 0 };
        }
        int r = poll(pf, n, timeout);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            printf("iperf3d: poll: %s\n", strerror(errno));
            return 1;
        }
        if (ctl_i >= 0 && pf[ctl_i].revents) {
            if (pf[ctl_i].revents & (POLLIN | POLLHUP | POLLERR))
                ctl_read();
            if (T.ctl >= 0 && !ctl_flush())
                test_end("control connection error");
        }
        if (udp_i >= 0 && (pf[udp_i].revents & POLLIN) && T.busy && C.st == IPERF3_ST_CREATE &&
            T.udp_fd >= 0)
            udp_stream_connect();
        if (s0 >= 0 && T.busy && C.st == IPERF3_ST_RUNNING)
            for (int i = 0; i < T.nstreams; i++) {
                if (!pf[s0 + i].revents || T.s[i].fd < 0)
                    continue;
                if (T.reverse)
                    stream_send(&T.s[i]);
                else
                    stream_recv(&T.s[i]);
            }
        if (p0 >= 0)
            for (int i = 0; i < MAX_PENDING && T.busy && C.st == IPERF3_ST_CREATE; i++)
                if (pf[p0 + i].revents && T.p[i].fd >= 0)
                    pending_read(&T.p[i]);
        if (pf[0].revents & POLLIN)
            on_accept();
        if (T.ctl >= 0 && ctl_pending() && !ctl_flush())
            test_end("control connection error");
    }
    printf("iperf3d: served %ld tests\n", T.number);
    close(lfd);
    return 0;
}
