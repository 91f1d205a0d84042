/* net/ipv4/tcp_cong.c - pluggable congestion control (tcp_congestion_ops) and Reno
 * (RFC 5681; with tcp_input.c's partial-ACK handling it is NewReno, RFC 6582). The default
 * is CUBIC (tcp_cubic.c); `tcp.cc=reno|cubic` on the command line or TCP_CONGESTION per
 * socket chooses. Slow start counts bytes acknowledged in segments (RFC 3465 without the
 * L limit, as Linux). */
#include "net/ipv4/tcp.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

static const struct tcp_congestion_ops *ca_list[] = { &cubictcp, &tcp_reno };
static const struct tcp_congestion_ops *ca_default = &cubictcp;

const struct tcp_congestion_ops *tcp_ca_find(const char *name)
{
    for (unsigned i = 0; i < ARRAY_SIZE(ca_list); i++)
        if (!strcmp(ca_list[i]->name, name))
            return ca_list[i];
    return NULL;
}

const struct tcp_congestion_ops *tcp_ca_default(void) { return ca_default; }

int tcp_set_default_congestion_control(const char *name)
{
    const struct tcp_congestion_ops *ca = tcp_ca_find(name);
    if (!ca)
        return -ENOENT;
    ca_default = ca;
    return 0;
}

void tcp_init_congestion_control(struct tcp_sock *tp)
{
    if (!tp->ca_ops)
        tp->ca_ops = ca_default;
    memset(tp->ca_priv, 0, sizeof(tp->ca_priv));
    if (tp->ca_ops->init)
        tp->ca_ops->init(tp);
}

void tcp_set_ca_state(struct tcp_sock *tp, uint8_t state)
{
    if (tp->ca_ops && tp->ca_ops->set_state)
        tp->ca_ops->set_state(tp, state);
    tp->ca_state = state;
}

/* Limited by cwnd (worth growing)? As Linux's tcp_is_cwnd_limited. */
bool tcp_is_cwnd_limited(const struct tcp_sock *tp)
{
    if (tcp_in_slow_start(tp))
        return tp->snd_cwnd < 2 * tp->max_packets_out;
    return tp->is_cwnd_limited;
}

void tcp_slow_start(struct tcp_sock *tp, uint32_t *acked)
{
    uint32_t cwnd = MIN(tp->snd_cwnd + *acked, tp->snd_ssthresh);
    *acked -= cwnd - tp->snd_cwnd;
    tp->snd_cwnd = MIN(cwnd, tp->snd_cwnd_clamp ? tp->snd_cwnd_clamp : 0xffffffffu);
}

void tcp_cong_avoid_ai(struct tcp_sock *tp, uint32_t w, uint32_t acked)
{
    if (tp->snd_cwnd_cnt >= w) {
        tp->snd_cwnd_cnt = 0;
        tp->snd_cwnd++;
    }
    tp->snd_cwnd_cnt += acked;
    if (tp->snd_cwnd_cnt >= w) {
        uint32_t delta = tp->snd_cwnd_cnt / w;
        tp->snd_cwnd_cnt -= delta * w;
        tp->snd_cwnd += delta;
    }
    if (tp->snd_cwnd_clamp && tp->snd_cwnd > tp->snd_cwnd_clamp)
        tp->snd_cwnd = tp->snd_cwnd_clamp;
}

uint32_t tcp_cong_avoid_prepare(struct tcp_sock *tp, uint32_t acked)
{
    if (!tcp_is_cwnd_limited(tp))
        return 0;
    if (tcp_in_slow_start(tp))
        tcp_slow_start(tp, &acked);
    return acked;
}

static void reno_cong_avoid(struct tcp_sock *tp, uint32_t ack, uint32_t acked)
{
    (void)ack;
    acked = tcp_cong_avoid_prepare(tp, acked);
    if (acked)
        tcp_cong_avoid_ai(tp, tp->snd_cwnd, acked);
}

static uint32_t reno_ssthresh(struct tcp_sock *tp)
{
    return MAX(tp->snd_cwnd >> 1, 2u);
}

static uint32_t reno_undo_cwnd(struct tcp_sock *tp)
{
    return MAX(tp->snd_cwnd, tp->prior_cwnd);
}

const struct tcp_congestion_ops tcp_reno = {
    .name = "reno",
    .ssthresh = reno_ssthresh,
    .cong_avoid = reno_cong_avoid,
    .undo_cwnd = reno_undo_cwnd,
};
