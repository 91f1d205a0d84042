/* tests/unit/bench/bench_hosted.c - `make bench-hosted`: two wirepath stacks in one
 * process (copies A and B of bench_stack.o, see bench_stack.h), wired frame to frame, run
 * under valgrind --tool=callgrind --collect-atstart=no. Each phase warms up (ARP, caches),
 * then counts instructions over N operations of both stacks together and dumps them as
 * its own profile (CALLGRIND_DUMP_STATS_AT): tools/bench-hosted.sh divides by N.
 *   udp64     A sends a 64-byte UDP datagram, B receives it (socket to socket)
 *   udp1472   the same with 1472 bytes
 *   ping      A pings B (56 bytes): request, B's reply, A's receipt
 *   tcp       A sends a byte stream to B over one connection in 16 KiB writes, B reads
 *             it: everything both stacks do (segments, ACKs, window updates), per write
 *   tcp_seg   only A's send of one MSS: tcp_sendmsg down to the fake NIC, one segment
 *   tcp_ack   only A's receipt of B's ACKs: the device layer up through tcp_v4_rcv
 *             (tcp_ack, the retransmit queue's cleaning); per ACK frame
 * The harness's own work (moving frames, the fake NIC's copies, filling and checking
 * the byte stream) is left out of the count.
 * Without valgrind it runs the same operations and checks every payload arrived intact. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <valgrind/callgrind.h>
#include "tests/unit/bench/bench_stack.h"

#define DECLARE_STACK(p)                                                                   \
    int p##bstack_init(unsigned n, uint32_t addr, bstack_xmit_fn xmit, bstack_sleep_fn sleep); \
    void p##bstack_rx(const uint8_t *frame, unsigned len);                                 \
    void p##bstack_poll(void);                                                             \
    int p##bstack_udp_socket(uint16_t port);                                               \
    long p##bstack_sendto(int h, const void *buf, unsigned len, uint32_t daddr, uint16_t dport); \
    long p##bstack_recv(int h, void *buf, unsigned len);                                   \
    long p##bstack_ping(uint32_t daddr, uint16_t seq, unsigned payload);                   \
    int p##bstack_tcp_listen(uint16_t port);                                               \
    int p##bstack_tcp_connect(uint32_t daddr, uint16_t dport);                             \
    int p##bstack_tcp_accept(int listener);                                                \
    long p##bstack_send(int h, const void *buf, unsigned len);                             \
    int p##bstack_tcp_mss(int h);                                                          \
    extern void (*p##bstack_uncounted)(int on);
DECLARE_STACK(a_)
DECLARE_STACK(b_)

#define ADDR_A 0xc6120001u   /* 198.18.0.1 */
#define ADDR_B 0xc6120002u   /* 198.18.0.2 */
#define PORT   7777

/* ---- the wire: one queue of frames per direction ---- */
#define QLEN 64
struct wireq { uint8_t f[QLEN][2048]; unsigned len[QLEN]; unsigned head, tail; unsigned long drops; };
static struct wireq to_a, to_b;

static void push(struct wireq *q, const uint8_t *f, unsigned len)
{
    if (q->tail - q->head == QLEN || len > sizeof(q->f[0])) {
        q->drops++;
        return;
    }
    memcpy(q->f[q->tail % QLEN], f, len);
    q->len[q->tail % QLEN] = len;
    q->tail++;
}
/* frames each way while a phase measures (segments A sends, ACKs B returns) */
static unsigned long frames_ab, frames_ba;
static int measuring;
static void xmit_a(const uint8_t *f, unsigned len) { frames_ab += measuring; push(&to_b, f, len); }
static void xmit_b(const uint8_t *f, unsigned len) { frames_ba += measuring; push(&to_a, f, len); }

/* ---- what callgrind counts: the stacks, while a phase measures ---- */
static int off_depth, collecting;
/* whose receive work pump() counts (the tcp_seg and tcp_ack phases count one side) */
static int count_rx_a = 1, count_rx_b = 1;
static void apply(void)
{
    int want = measuring && off_depth == 0;
    if (want != collecting) {
        CALLGRIND_TOGGLE_COLLECT;
        collecting = want;
    }
}
static void uncounted(int on) { off_depth += on ? 1 : -1; apply(); }

/* Deliver every queued frame (replies may queue more); stack work is counted. */
static void pump(void)
{
    int saved = off_depth;
    for (int guard = 0; guard < 4 * QLEN && (to_a.head != to_a.tail || to_b.head != to_b.tail); guard++) {
        if (to_b.head != to_b.tail) {
            unsigned i = to_b.head++ % QLEN;
            off_depth = !count_rx_b; apply();
            b_bstack_rx(to_b.f[i], to_b.len[i]);
            off_depth = saved; apply();
        }
        if (to_a.head != to_a.tail) {
            unsigned i = to_a.head++ % QLEN;
            off_depth = !count_rx_a; apply();
            a_bstack_rx(to_a.f[i], to_a.len[i]);
            off_depth = saved; apply();
        }
    }
}

static void phase_begin(void)
{
    frames_ab = frames_ba = 0;
    CALLGRIND_ZERO_STATS;
    measuring = 1;
    apply();
}
static void phase_end(const char *name)
{
    measuring = 0;
    apply();
    CALLGRIND_DUMP_STATS_AT(name);
}

static int failures;
static void fail(const char *what, long i, long v)
{
    if (failures++ < 10)
        fprintf(stderr, "bench_hosted: %s (op %ld: %ld)\n", what, i, v);
}

static void udp_phase(const char *name, unsigned size, long n, int sa, int sb)
{
    static uint8_t out[2048], in[2048];
    for (long i = -100; i < n; i++) {   /* 100 warm-up datagrams first */
        if (i == 0)
            phase_begin();
        out[0] = (uint8_t)i;
        out[size - 1] = (uint8_t)(i >> 8);
        long r = a_bstack_sendto(sa, out, size, ADDR_B, PORT);
        if (r != (long)size)
            fail("sendto", i, r);
        pump();
        r = b_bstack_recv(sb, in, sizeof(in));
        /* whole payload compared while warming up and at the end; ends while counting */
        bool whole = i < 0 || i == n - 1;
        if (r != (long)size || in[0] != out[0] || in[size - 1] != out[size - 1] ||
            (whole && memcmp(in, out, size) != 0))
            fail("datagram not received intact", i, r);
    }
    phase_end(name);
}

static void ping_phase(long n)
{
    for (long i = -20; i < n; i++) {
        if (i == 0)
            phase_begin();
        long r = a_bstack_ping(ADDR_B, (uint16_t)(i + 100), 56);
        if (r <= 0)
            fail("ping", i, r);
    }
    phase_end("ping");
}

/* ---- TCP: A streams to B; byte k of the stream is k % 251 ---- */
#define TCP_PORT  8888
#define TCP_CHUNK 16384
static uint8_t tcp_out[TCP_CHUNK], tcp_in[65536];
static unsigned long stream_sent, stream_rcvd;

static void fill(unsigned long off, unsigned len)
{
    for (unsigned j = 0; j < len; j++)
        tcp_out[j] = (uint8_t)((off + j) % 251);
}

/* B reads everything queued and checks it (the reads count, the checks do not) */
static void drain(int cb)
{
    for (int guard = 0; guard < 64; guard++) {
        long r = b_bstack_recv(cb, tcp_in, sizeof(tcp_in));
        if (r == -EAGAIN)
            return;
        if (r <= 0) {
            fail("tcp recv", (long)stream_rcvd, r);
            return;
        }
        uncounted(1);
        for (long j = 0; j < r; j++)
            if (tcp_in[j] != (uint8_t)((stream_rcvd + (unsigned long)j) % 251)) {
                fail("tcp stream corrupted at byte", (long)(stream_rcvd + (unsigned long)j), tcp_in[j]);
                break;
            }
        stream_rcvd += (unsigned long)r;
        uncounted(0);
    }
}

/* A sends len bytes of the stream, moving frames and draining B while the buffer is full */
static void tcp_send(int ca, int cb, unsigned len)
{
    uncounted(1);
    fill(stream_sent, len);
    uncounted(0);
    unsigned done = 0;
    for (int tries = 0; done < len && tries < 1000; tries++) {
        long r = a_bstack_send(ca, tcp_out + done, len - done);
        if (r > 0)
            done += (unsigned)r;
        else if (r != -EAGAIN) {
            fail("tcp send", (long)stream_sent, r);
            break;
        }
        pump();
        drain(cb);
    }
    if (done < len)
        fail("tcp send made no progress", (long)stream_sent, (long)done);
    stream_sent += done;
}

static int tcp_connect(int *ca, int *cb)
{
    int l = b_bstack_tcp_listen(TCP_PORT);
    *ca = a_bstack_tcp_connect(ADDR_B, TCP_PORT);
    pump();                        /* SYN, SYN-ACK, ACK */
    *cb = l >= 0 ? b_bstack_tcp_accept(l) : l;
    if (l < 0 || *ca < 0 || *cb < 0) {
        fprintf(stderr, "bench_hosted: TCP connection failed (%d, %d, %d)\n", l, *ca, *cb);
        return -1;
    }
    return 0;
}

static void tcp_phases(long n, int ca, int cb)
{
    /* tcp: everything, 16 KiB writes (the window has opened during the warm-up) */
    for (long i = -50; i < n; i++) {
        if (i == 0)
            phase_begin();
        tcp_send(ca, cb, TCP_CHUNK);
    }
    phase_end("tcp");
    printf("bench_hosted: tcp: %ld writes of %d bytes, %lu segments, %lu frames back\n",
           n, TCP_CHUNK, frames_ab, frames_ba);

    /* tcp_seg: A's send of one MSS alone (B's receipt and A's ACK processing not counted) */
    int mss = a_bstack_tcp_mss(ca);
    if (mss <= 0 || mss > TCP_CHUNK) {
        fail("TCP_MAXSEG", 0, mss);
        return;
    }
    count_rx_a = count_rx_b = 0;
    for (long i = -20; i < n; i++) {
        if (i == 0)
            phase_begin();
        uncounted(1);
        fill(stream_sent, (unsigned)mss);
        uncounted(0);
        long r = a_bstack_send(ca, tcp_out, (unsigned)mss);
        if (r != mss)
            fail("tcp one-MSS send", i, r);
        stream_sent += r > 0 ? (unsigned long)r : 0;
        uncounted(1);
        pump();
        drain(cb);
        uncounted(0);
    }
    phase_end("tcp_seg");
    printf("bench_hosted: tcp_seg: %ld sends of %d bytes, %lu segments\n", n, mss, frames_ab);

    /* tcp_ack: A's receipt of the ACKs B sends for one-MSS writes */
    count_rx_a = 1;
    for (long i = -20; i < n; i++) {
        if (i == 0)
            phase_begin();
        uncounted(1);
        fill(stream_sent, (unsigned)mss);
        long r = a_bstack_send(ca, tcp_out, (unsigned)mss);
        if (r != mss)
            fail("tcp one-MSS send", i, r);
        stream_sent += r > 0 ? (unsigned long)r : 0;
        uncounted(0);
        pump();
        uncounted(1);
        drain(cb);
        uncounted(0);
        pump();                    /* window updates B's reads sent */
    }
    phase_end("tcp_ack");
    printf("bench_hosted: tcp_ack: %lu ACK frames for %lu segments\n", frames_ba, frames_ab);
    count_rx_b = 1;
    pump();
    drain(cb);
    if (stream_rcvd != stream_sent)
        fail("tcp stream incomplete: bytes missing", (long)stream_sent, (long)(stream_sent - stream_rcvd));
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 2000;
    a_bstack_uncounted = uncounted;
    b_bstack_uncounted = uncounted;
    if (a_bstack_init(1, ADDR_A, xmit_a, pump) < 0 || b_bstack_init(2, ADDR_B, xmit_b, pump) < 0) {
        fprintf(stderr, "bench_hosted: stack setup failed\n");
        return 1;
    }
    int sa = a_bstack_udp_socket(5555), sb = b_bstack_udp_socket(PORT);
    if (sa < 0 || sb < 0) {
        fprintf(stderr, "bench_hosted: sockets failed (%d, %d)\n", sa, sb);
        return 1;
    }
    udp_phase("udp64", 64, n, sa, sb);
    udp_phase("udp1472", 1472, n, sa, sb);
    ping_phase(n);
    int ca, cb;
    if (tcp_connect(&ca, &cb) < 0)
        return 1;
    tcp_phases(n, ca, cb);
    printf("bench_hosted: %ld operations per phase, %d failures, %lu frames dropped on the wire\n",
           n, failures, to_a.drops + to_b.drops);
    return failures ? 1 : 0;
}
