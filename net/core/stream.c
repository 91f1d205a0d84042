/* net/core/stream.c - waiting on a sock that the waiter owns (lock_sock): the sleep
 * releases the sock so the backlog and deferred timers run, and takes it again before
 * looking at the condition (Linux's sk_wait_event as used by stream protocols). */
#include "net/core/sock.h"
#include "kernel/errno.h"

int sk_wait_locked(struct sock *sk, uint64_t *timeo_ns, bool (*cond)(struct sock *sk),
                   bool keep_err)
{
    uint64_t timeo = *timeo_ns;
    uint64_t deadline = timeo ? ktime_get_ns() + timeo : 0;
    struct wait_queue_entry e;
    int ret = 0;
    for (;;) {
        prepare_to_wait(&sk->sk_wq, &e);
        if (READ_ONCE(sk->sk_err)) {
            ret = keep_err ? -sk->sk_err : sock_error(sk);
            break;
        }
        if (cond(sk))
            break;
        uint64_t now = ktime_get_ns();
        if (deadline && now >= deadline) {
            ret = -EAGAIN;
            break;
        }
        release_sock(sk);
        schedule_timeout_ns(deadline ? deadline - now : 0);
        lock_sock(sk);
    }
    finish_wait(&sk->sk_wq, &e);
    if (deadline) {
        uint64_t now = ktime_get_ns();
        *timeo_ns = now < deadline ? deadline - now : 1;   /* 0 would mean forever */
    }
    return ret;
}
