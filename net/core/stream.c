/* net/core/stream.c - sleeping on a sock until a condition holds (Linux's sk_wait_event),
 * for every protocol: datagram receive and send-buffer waits, and the waits of a task
 * that owns the sock (lock_sock), which sleep with the sock released so the backlog and
 * deferred timers run meanwhile, and take it again before looking at the condition.
 *
 * Sleeping follows kernel/sched.h's rule: queue on sk_wq and mark the task blocked
 * before testing the condition, so a wake-up from the NET_RX softirq between the test and
 * schedule() is never lost. */
#include "net/core/sock.h"
#include "kernel/errno.h"
#include "kernel/time.h"
#include "kernel/user/process.h"

int sk_wait(struct sock *sk, uint64_t *timeo_ns, bool (*cond)(struct sock *sk), unsigned flags)
{
    uint64_t timeo = *timeo_ns;
    uint64_t deadline = timeo ? ktime_get_ns() + timeo : 0;
    bool owned = flags & SK_WAIT_OWNED;
    struct wait_queue_entry e;
    int ret = 0;
    for (;;) {
        prepare_to_wait(&sk->sk_wq, &e);
        if (READ_ONCE(sk->sk_err)) {
            ret = (flags & SK_WAIT_KEEP_ERR) ? -sk->sk_err : sock_error(sk);
            break;
        }
        if (cond(sk))
            break;
        if (fatal_signal_pending()) {
            ret = -EINTR;             /* killed: the system call ends, the app with it */
            break;
        }
        uint64_t now = ktime_get_ns();
        if (deadline && now >= deadline) {
            ret = -EAGAIN;
            break;
        }
        if (owned)
            release_sock(sk);
        schedule_timeout_ns(deadline ? deadline - now : 0);
        if (owned)
            lock_sock(sk);
    }
    finish_wait(&sk->sk_wq, &e);
    if (deadline) {
        uint64_t now = ktime_get_ns();
        *timeo_ns = now < deadline ? deadline - now : 1;   /* 0 would mean forever */
    }
    return ret;
}
