/* net/ipv4/inet_connection_sock.c - the listening side shared by connection-oriented
 * protocols (Linux's inet_csk_*): entering LISTEN and taking a finished connection off
 * the accept queue. The queues themselves are filled by tcp_minisocks.c. */
#include "net/ipv4/tcp.h"
#include "kernel/errno.h"

int inet_csk_listen_start(struct sock *sk, int backlog)
{
    (void)backlog;
    tcp_set_state(sk, TCP_LISTEN);
    tcp_listen_hash(sk);
    return 0;
}

static bool accept_cond(struct sock *sk)
{
    return !list_empty(&tcp_sk(sk)->accept_queue) || sk->sk_state != TCP_LISTEN;
}

struct sock *inet_csk_accept(struct sock *sk, int flags, int *err)
{
    struct tcp_sock *lp = tcp_sk(sk);
    lock_sock(sk);
    if (sk->sk_state != TCP_LISTEN) {
        *err = -EINVAL;
        goto fail;
    }
    if (list_empty(&lp->accept_queue)) {
        if (flags) {
            *err = -EAGAIN;
            goto fail;
        }
        uint64_t timeo = sk->sk_rcvtimeo;
        int e = sk_wait_locked(sk, &timeo, accept_cond, false);
        if (e) {
            *err = e;
            goto fail;
        }
        if (sk->sk_state != TCP_LISTEN) {
            *err = -EINVAL;
            goto fail;
        }
    }
    /* the receive path adds children without waiting for us: mask it while we take one */
    unsigned long f = local_irq_save();
    struct tcp_sock *cp = list_first_entry(&lp->accept_queue, struct tcp_sock, accept_node);
    list_del_init(&cp->accept_node);
    sk->sk_ack_backlog--;
    cp->parent = NULL;
    local_irq_restore(f);
    release_sock(sk);
    /* the accept queue's reference goes; the child keeps the one sk_alloc gave it, which
     * now belongs to the new socket */
    sock_put(&cp->sk);
    return &cp->sk;
fail:
    release_sock(sk);
    return NULL;
}
