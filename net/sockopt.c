/* net/sockopt.c - socket options at level SOL_SOCKET, with Linux's values and quirks:
 * SO_SNDBUF/SO_RCVBUF store twice the value asked (the kernel's bookkeeping overhead),
 * clamped to the sysctl maximum and a floor; timeouts are struct timeval (tv_usec out of
 * range is EDOM, a negative time means "do not wait"); SO_ERROR reads and clears. */
#include "net/socket.h"
#include "net/core/sock.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

#define USEC_PER_SEC 1000000

/* Zero-wait timeout: a negative struct timeval. 1 ns expires at the first check. */
#define TIMEO_NOWAIT 1

static int set_timeout(uint64_t *timeo, const void *val, socklen_t len)
{
    struct timeval_k tv;
    if (len < sizeof(tv))
        return -EINVAL;
    memcpy(&tv, val, sizeof(tv));
    if (tv.tv_usec < 0 || tv.tv_usec >= USEC_PER_SEC)
        return -EDOM;
    if (tv.tv_sec < 0) {
        *timeo = TIMEO_NOWAIT;
        return 0;
    }
    if ((uint64_t)tv.tv_sec > UINT64_MAX / NSEC_PER_SEC / 2) {
        *timeo = 0;                       /* absurdly long: forever */
        return 0;
    }
    *timeo = (uint64_t)tv.tv_sec * NSEC_PER_SEC + (uint64_t)tv.tv_usec * NSEC_PER_USEC;
    return 0;
}

int sock_setsockopt(struct socket *sock, int name, const void *val, socklen_t len)
{
    struct sock *sk = sock->sk;
    if (len < sizeof(int))
        return -EINVAL;
    int v;
    memcpy(&v, val, sizeof(v));
    switch (name) {
    case SO_REUSEADDR:
        sk->sk_reuse = v != 0;
        return 0;
    case SO_BROADCAST:
        sk->sk_broadcast = v != 0;
        return 0;
    case SO_PRIORITY:
        /* the qdisc band (pfifo_fast: 6-7 first, 2-5 last); any value, as for root */
        sk->sk_priority = (uint32_t)v;
        return 0;
    case SO_SNDBUF: {
        uint32_t u = MIN((uint32_t)v, (uint32_t)SK_WMEM_MAX);
        sk->sk_sndbuf = MAX((int)u * 2, SOCK_MIN_SNDBUF);
        sk->sk_userlocks |= SOCK_SNDBUF_LOCK;   /* no more autotuning */
        sk_wake(sk);                      /* writers may fit now */
        return 0;
    }
    case SO_RCVBUF: {
        uint32_t u = MIN((uint32_t)v, (uint32_t)SK_RMEM_MAX);
        sk->sk_rcvbuf = MAX((int)u * 2, SOCK_MIN_RCVBUF);
        sk->sk_userlocks |= SOCK_RCVBUF_LOCK;
        return 0;
    }
    case SO_KEEPALIVE:
        sk->sk_keepalive = v != 0;
        return 0;
    case SO_LINGER: {
        struct { int l_onoff, l_linger; } lg;
        if (len < sizeof(lg))
            return -EINVAL;
        memcpy(&lg, val, sizeof(lg));
        sk->sk_linger = lg.l_onoff != 0;
        sk->sk_lingertime = lg.l_linger < 0 ? 0 : lg.l_linger;
        return 0;
    }
    case SO_RCVTIMEO:
        return set_timeout(&sk->sk_rcvtimeo, val, len);
    case SO_SNDTIMEO:
        return set_timeout(&sk->sk_sndtimeo, val, len);
    case SO_TYPE: case SO_ERROR: case SO_PROTOCOL: case SO_DOMAIN:
        return -ENOPROTOOPT;              /* read-only */
    default:
        return -ENOPROTOOPT;
    }
}

static void get_timeout(uint64_t timeo, struct timeval_k *tv)
{
    if (timeo == 0 || timeo == TIMEO_NOWAIT) {
        tv->tv_sec = 0;
        tv->tv_usec = 0;
        return;
    }
    tv->tv_sec = (int64_t)(timeo / NSEC_PER_SEC);
    tv->tv_usec = (int64_t)(timeo % NSEC_PER_SEC / NSEC_PER_USEC);
}

int sock_getsockopt(struct socket *sock, int name, void *val, socklen_t *len)
{
    struct sock *sk = sock->sk;
    union { int i; struct timeval_k tv; } v;
    socklen_t lv = sizeof(int);
    memset(&v, 0, sizeof(v));
    switch (name) {
    case SO_REUSEADDR: v.i = sk->sk_reuse; break;
    case SO_KEEPALIVE: v.i = sk->sk_keepalive; break;
    case SO_BROADCAST: v.i = sk->sk_broadcast; break;
    case SO_TYPE:      v.i = sock->type; break;
    case SO_PROTOCOL:  v.i = sk->sk_protocol; break;
    case SO_DOMAIN:    v.i = sk->sk_family; break;
    case SO_PRIORITY:  v.i = (int)sk->sk_priority; break;
    case SO_SNDBUF:    v.i = sk->sk_sndbuf; break;
    case SO_RCVBUF:    v.i = sk->sk_rcvbuf; break;
    case SO_ERROR:
        v.i = -sock_error(sk);
        if (!v.i) {
            v.i = sk->sk_err_soft;
            sk->sk_err_soft = 0;
        }
        break;
    case SO_RCVTIMEO: get_timeout(sk->sk_rcvtimeo, &v.tv); lv = sizeof(v.tv); break;
    case SO_SNDTIMEO: get_timeout(sk->sk_sndtimeo, &v.tv); lv = sizeof(v.tv); break;
    default:
        return -ENOPROTOOPT;
    }
    if (*len > lv)
        *len = lv;
    memcpy(val, &v, *len);
    return 0;
}
