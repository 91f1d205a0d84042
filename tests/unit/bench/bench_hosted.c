/* tests/unit/bench/bench_hosted.c - `make bench-hosted`: two wirepath stacks in one
 * process (copies A and B of bench_stack.o, see bench_stack.h), wired frame to frame, run
 * under valgrind --tool=callgrind --collect-atstart=no. Each phase warms up (ARP, caches),
 * then counts instructions over N operations of both stacks together and dumps them as
 * its own profile (CALLGRIND_DUMP_STATS_AT): tools/bench-hosted.sh divides by N.
 *   udp64     A sends a 64-byte UDP datagram, B receives it (socket to socket)
 *   udp1472   the same with 1472 bytes
 *   ping      A pings B (56 bytes): request, B's reply, A's receipt
 * The harness's own work (moving frames, the fake NIC's copies) is left out of the count.
 * Without valgrind it runs the same operations and checks every payload arrived intact. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
static void xmit_a(const uint8_t *f, unsigned len) { push(&to_b, f, len); }
static void xmit_b(const uint8_t *f, unsigned len) { push(&to_a, f, len); }

/* ---- what callgrind counts: the stacks, while a phase measures ---- */
static int measuring, off_depth, collecting;
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
            off_depth = 0; apply();
            b_bstack_rx(to_b.f[i], to_b.len[i]);
            off_depth = saved; apply();
        }
        if (to_a.head != to_a.tail) {
            unsigned i = to_a.head++ % QLEN;
            off_depth = 0; apply();
            a_bstack_rx(to_a.f[i], to_a.len[i]);
            off_depth = saved; apply();
        }
    }
}

static void phase_begin(void) { CALLGRIND_ZERO_STATS; measuring = 1; apply(); }
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
    printf("bench_hosted: %ld operations per phase, %d failures, %lu frames dropped on the wire\n",
           n, failures, to_a.drops + to_b.drops);
    return failures ? 1 : 0;
}
