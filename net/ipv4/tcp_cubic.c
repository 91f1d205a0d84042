/* net/ipv4/tcp_cubic.c - CUBIC congestion control (RFC 9438), Linux's default, with
 * Linux's constants (Linux net/ipv4/tcp_cubic.c): beta 717/1024, C = 410/1024 segments/s^3
 * (time in 1/1024 s), fast convergence, the Reno-friendly region, growth at most 1.5x per
 * RTT. Integer arithmetic only. HyStart is not implemented: slow start ends at the first
 * loss, as with Reno. */
#include "net/ipv4/tcp.h"
#include "kernel/lib/string.h"

#define BICTCP_BETA_SCALE 1024
#define BETA 717
#define BIC_SCALE 41
#define BICTCP_HZ 10                  /* time unit 2^10 = 1024 per second */

struct bictcp {
    uint32_t cnt;                     /* ACKs per cwnd increment */
    uint32_t last_max_cwnd;           /* W_max before the last reduction */
    uint32_t last_cwnd;
    uint32_t last_time;               /* ms of the last update */
    uint32_t bic_origin_point;
    uint32_t bic_K;                   /* time to reach origin, 1/1024 s */
    uint32_t delay_min;               /* us */
    uint32_t epoch_start;             /* ms, 0 = no epoch */
    uint32_t ack_cnt;
    uint32_t tcp_cwnd;                /* Reno-friendly estimate */
};
STATIC_ASSERT(sizeof(struct bictcp) <= TCP_CA_PRIV_WORDS * 8, "bictcp fits ca_priv");

static struct bictcp *ca(struct tcp_sock *tp) { return (struct bictcp *)(void *)tp->ca_priv; }

/* cube_rtt_scale = BIC_SCALE * 10 = 410; cube_factor = 2^40 / 410 (K in 1/1024 s) */
static const uint64_t cube_factor = (1ull << (10 + 3 * BICTCP_HZ)) / (BIC_SCALE * 10);

static uint32_t cubic_root(uint64_t a)
{
    if (!a)
        return 0;
    /* Newton's method from a power-of-two start */
    uint64_t x = 1;
    int bits = 64 - __builtin_clzll(a);
    x <<= (bits + 2) / 3;
    for (int i = 0; i < 32; i++) {
        uint64_t nx = (2 * x + a / (x * x)) / 3;
        if (nx >= x)
            break;
        x = nx;
    }
    while (x * x * x > a)
        x--;
    return (uint32_t)x;
}

static void bictcp_reset(struct bictcp *c)
{
    memset(c, 0, sizeof(*c));
}

static void cubic_init(struct tcp_sock *tp) { bictcp_reset(ca(tp)); }

static void bictcp_update(struct tcp_sock *tp, uint32_t cwnd, uint32_t acked)
{
    struct bictcp *c = ca(tp);
    uint32_t now = (uint32_t)jiffies;
    c->ack_cnt += acked;
    if (c->last_cwnd == cwnd && (int32_t)(now - c->last_time) <= (int32_t)(HZ / 32))
        return;
    c->last_cwnd = cwnd;
    c->last_time = now;
    if (c->epoch_start == 0) {
        c->epoch_start = now ? now : 1;
        c->ack_cnt = acked;
        c->tcp_cwnd = cwnd;
        if (c->last_max_cwnd <= cwnd) {
            c->bic_K = 0;
            c->bic_origin_point = cwnd;
        } else {
            c->bic_K = cubic_root(cube_factor * (c->last_max_cwnd - cwnd));
            c->bic_origin_point = c->last_max_cwnd;
        }
    }
    /* t: time since the epoch plus the minimum delay, in 1/1024 s */
    uint64_t t = (uint64_t)(now - c->epoch_start) * 1024 / HZ;
    t += ((uint64_t)c->delay_min * 1024) / 1000000;
    uint64_t offs = t < c->bic_K ? c->bic_K - t : t - c->bic_K;
    uint64_t delta = (410ull * offs * offs * offs) >> (10 + 3 * BICTCP_HZ);
    uint32_t target = t < c->bic_K ? c->bic_origin_point - (uint32_t)MIN(delta, (uint64_t)c->bic_origin_point)
                                   : c->bic_origin_point + (uint32_t)delta;
    if (target > cwnd)
        c->cnt = cwnd / (target - cwnd);
    else
        c->cnt = 100 * cwnd;
    /* before the first loss grow no faster than about 5% per RTT */
    if (c->last_max_cwnd == 0 && c->cnt > 20)
        c->cnt = 20;
    /* Reno-friendly region: never slower than Reno would be (beta_scale = 15) */
    uint32_t delta_r = (cwnd * 15) >> 3;
    while (c->ack_cnt > delta_r && delta_r) {
        c->ack_cnt -= delta_r;
        c->tcp_cwnd++;
    }
    if (c->tcp_cwnd > cwnd) {
        uint32_t d = c->tcp_cwnd - cwnd;
        uint32_t max_cnt = cwnd / d;
        if (c->cnt > max_cnt)
            c->cnt = max_cnt;
    }
    if (c->cnt < 2)
        c->cnt = 2;                     /* at most 1.5x per RTT */
}

static void cubic_cong_avoid(struct tcp_sock *tp, uint32_t ack, uint32_t acked)
{
    (void)ack;
    acked = tcp_cong_avoid_prepare(tp, acked);
    if (!acked)
        return;
    bictcp_update(tp, tp->snd_cwnd, acked);
    tcp_cong_avoid_ai(tp, ca(tp)->cnt, acked);
}

static uint32_t cubic_ssthresh(struct tcp_sock *tp)
{
    struct bictcp *c = ca(tp);
    c->epoch_start = 0;
    /* fast convergence: yield to newer flows */
    if (tp->snd_cwnd < c->last_max_cwnd)
        c->last_max_cwnd = (tp->snd_cwnd * (BICTCP_BETA_SCALE + BETA)) / (2 * BICTCP_BETA_SCALE);
    else
        c->last_max_cwnd = tp->snd_cwnd;
    return MAX((tp->snd_cwnd * BETA) / BICTCP_BETA_SCALE, 2u);
}

static void cubic_set_state(struct tcp_sock *tp, uint8_t new_state)
{
    if (new_state == TCP_CA_Loss) {
        uint32_t keep = ca(tp)->last_max_cwnd;
        bictcp_reset(ca(tp));
        ca(tp)->last_max_cwnd = keep;
    }
}

static void cubic_cwnd_event(struct tcp_sock *tp, enum tcp_ca_event ev)
{
    if (ev == CA_EVENT_TX_START)
        ca(tp)->epoch_start = 0;
}

static void cubic_pkts_acked(struct tcp_sock *tp, uint32_t acked, int32_t rtt_us)
{
    (void)acked;
    if (rtt_us <= 0)
        return;
    struct bictcp *c = ca(tp);
    if (!c->delay_min || (uint32_t)rtt_us < c->delay_min)
        c->delay_min = (uint32_t)rtt_us;
}

static uint32_t cubic_undo_cwnd(struct tcp_sock *tp)
{
    return MAX(tp->snd_cwnd, tp->prior_cwnd);
}

const struct tcp_congestion_ops cubictcp = {
    .name = "cubic",
    .init = cubic_init,
    .ssthresh = cubic_ssthresh,
    .cong_avoid = cubic_cong_avoid,
    .set_state = cubic_set_state,
    .cwnd_event = cubic_cwnd_event,
    .pkts_acked = cubic_pkts_acked,
    .undo_cwnd = cubic_undo_cwnd,
};
