// SOURCES: net/core/sock.c net/core/skbuff.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_clock.c
/* tests/unit/test_sock.c - struct sock helpers without a machine: defaults, receive
 * charging and the rcvbuf limit, send charging undone by the destructor (also after
 * close), error reporting, wake-ups, and no leaks of skbs or socks. */
#include "tests/unit/unit.h"
#include "tests/unit/leak_check.h"
#include "tests/unit/fake_mm.h"
#include "net/core/sock.h"
#include "kernel/errno.h"

void panic(const char *fmt, ...) { (void)fmt; abort(); }

/* --- what sock.c needs from the scheduler: count wake-ups per queue --- */
static int wakes;
static struct wait_queue_head *last_woken;
void init_waitqueue_head(struct wait_queue_head *wq) { INIT_LIST_HEAD(&wq->waiters); }
void wake_up(struct wait_queue_head *wq) { wakes++; last_woken = wq; }

static struct proto fake_prot = { .name = "fake", .obj_size = sizeof(struct sock) + 64 };

static struct sk_buff *skb_of(unsigned len)
{
    struct sk_buff *skb = alloc_skb(len);
    skb_put(skb, len);
    return skb;
}

/* Queue len bytes on sk: sock_queue_rcv_skb's result; a refused skb stays the caller's,
 * so it is freed here. */
static int queue_or_free(struct sock *sk, unsigned len)
{
    struct sk_buff *skb = skb_of(len);
    int r = sock_queue_rcv_skb(sk, skb);
    if (r)
        kfree_skb(skb);
    return r;
}

static uint64_t socks_alive(void)
{
    struct sock_stats s;
    sock_get_stats(&s);
    return s.socks_alive;
}

TEST(sock_defaults_like_linux)
{
    long live0 = fake_mm_live;
    struct sock *sk = sk_alloc(AF_INET, &fake_prot);
    CHECK(sk != NULL);
    CHECK_EQ(sk->sk_family, AF_INET);
    CHECK_EQ(sk->sk_sndbuf, 212992);
    CHECK_EQ(sk->sk_rcvbuf, 212992);
    CHECK_EQ(sk->ip_ttl, 64);
    CHECK_EQ(sk->sk_state, TCP_CLOSE);
    CHECK(sk->sk_prot == &fake_prot);
    CHECK(skb_queue_empty(&sk->sk_receive_queue));
    CHECK_EQ(sk->sk_refcnt, 1);
    CHECK_EQ(socks_alive(), 1);
    /* the protocol's larger sock fits: the tail is writable and zeroed */
    unsigned char *tail = (unsigned char *)(sk + 1);
    CHECK_EQ(tail[63], 0);
    sk_free(sk);
    CHECK_EQ(socks_alive(), 0);
    CHECK_EQ(fake_mm_live, live0);
}

TEST(sock_alloc_failure_is_null)
{
    fake_mm_fail_after = 0;
    CHECK(sk_alloc(AF_INET, &fake_prot) == NULL);
    fake_mm_fail_after = -1;
}

TEST(sock_queue_rcv_charges_and_wakes)
{
    struct sock *sk = sk_alloc(AF_INET, &fake_prot);
    struct socket so = { 0 };
    init_waitqueue_head(&so.wq);
    sk->sk_socket = &so;
    wakes = 0;
    struct sk_buff *skb = skb_of(100);
    unsigned ts = skb->truesize;
    CHECK_EQ(sock_queue_rcv_skb(sk, skb), 0);
    CHECK_EQ(sk->sk_rmem_alloc, ts);
    CHECK_EQ(skb_queue_len(&sk->sk_receive_queue), 1);
    CHECK(skb->sk == sk);
    CHECK(wakes >= 1);
    CHECK(last_woken == &so.wq || last_woken == &sk->sk_wq);
    /* the reader takes it and frees it: uncharged */
    struct sk_buff *got = skb_dequeue(&sk->sk_receive_queue);
    CHECK(got == skb);
    consume_skb(got);
    CHECK_EQ(sk->sk_rmem_alloc, 0);
    sk_free(sk);
}

TEST(sock_rcvbuf_limit_drops_with_enobufs)
{
    struct skb_stats s0;
    skb_get_stats(&s0);
    struct sock *sk = sk_alloc(AF_INET, &fake_prot);
    struct sk_buff *probe = skb_of(1000);
    unsigned ts = probe->truesize;
    kfree_skb(probe);
    sk->sk_rcvbuf = (int)(3 * ts);
    int queued = 0, dropped = 0;
    for (int i = 0; i < 5; i++) {
        int r = queue_or_free(sk, 1000);
        if (r == 0) {
            queued++;
        } else {
            CHECK_EQ(r, -ENOBUFS);
            dropped++;
        }
    }
    CHECK_EQ(queued, 3);
    CHECK_EQ(dropped, 2);
    CHECK_EQ(sk->sk_drops, 2);
    CHECK_EQ(sk->sk_rmem_alloc, 3 * ts);
    /* close with data queued: purged and uncharged, nothing leaks */
    sk_free(sk);
    struct skb_stats s1;
    skb_get_stats(&s1);
    CHECK_EQ(s1.alive, s0.alive);
    CHECK_EQ(s1.bytes_held, s0.bytes_held);
}

TEST(sock_tiny_rcvbuf_still_takes_one_datagram)
{
    struct sock *sk = sk_alloc(AF_INET, &fake_prot);
    sk->sk_rcvbuf = SOCK_MIN_RCVBUF;
    CHECK_EQ(queue_or_free(sk, 8000), 0);
    CHECK_EQ(queue_or_free(sk, 10), -ENOBUFS);
    sk_free(sk);
}

TEST(sock_rcv_shutdown_refuses)
{
    struct sock *sk = sk_alloc(AF_INET, &fake_prot);
    sk->sk_shutdown = RCV_SHUTDOWN;
    CHECK_EQ(queue_or_free(sk, 10), -ENOBUFS);
    sk_free(sk);
}

TEST(sock_wmem_charge_and_destructor)
{
    struct sock *sk = sk_alloc(AF_INET, &fake_prot);
    struct sk_buff *a = skb_of(500), *b = skb_of(1500);
    skb_set_owner_w(a, sk);
    skb_set_owner_w(b, sk);
    CHECK_EQ(sk->sk_wmem_alloc, a->truesize + b->truesize);
    CHECK_EQ(sk->sk_refcnt, 3);
    CHECK_EQ(sock_wspace(sk), 212992 - (int)(a->truesize + b->truesize));
    wakes = 0;
    unsigned bts = b->truesize;
    consume_skb(a);                       /* the driver completed it */
    CHECK_EQ(sk->sk_wmem_alloc, bts);
    CHECK(wakes >= 1);                    /* writers waiting for space are woken */
    /* a clone handed to the driver is not charged; the original keeps the charge */
    struct sk_buff *c = skb_clone(b);
    CHECK(c->sk == NULL && c->destructor == NULL);
    consume_skb(c);
    CHECK_EQ(sk->sk_wmem_alloc, bts);
    consume_skb(b);
    CHECK_EQ(sk->sk_wmem_alloc, 0);
    CHECK_EQ(sk->sk_refcnt, 1);
    sk_free(sk);
}

TEST(sock_lives_until_last_sent_skb_is_freed)
{
    skb_head_cache_drain();
    long live0 = fake_mm_live;
    uint64_t alive0 = socks_alive();
    struct sock *sk = sk_alloc(AF_INET, &fake_prot);
    struct sk_buff *skb = skb_of(1000);
    skb_set_owner_w(skb, sk);
    sk_free(sk);                          /* closed while the NIC still holds the skb */
    CHECK_EQ(socks_alive(), alive0 + 1);
    kfree_skb(skb);                       /* TX completion */
    CHECK_EQ(socks_alive(), alive0);
    skb_head_cache_drain();
    CHECK_EQ(fake_mm_live, live0);
}

TEST(sock_owner_change_uncharges_previous)
{
    struct sock *a = sk_alloc(AF_INET, &fake_prot), *b = sk_alloc(AF_INET, &fake_prot);
    struct sk_buff *skb = skb_of(100);
    skb_set_owner_w(skb, a);
    CHECK(a->sk_wmem_alloc > 0);
    CHECK_EQ(sock_queue_rcv_skb(b, skb), 0);   /* looped back to another socket */
    CHECK_EQ(a->sk_wmem_alloc, 0);
    CHECK_EQ(a->sk_refcnt, 1);
    CHECK_EQ(b->sk_rmem_alloc, skb->truesize);
    sk_free(b);
    CHECK_EQ(a->sk_refcnt, 1);
    sk_free(a);
}

TEST(sock_error_report_once)
{
    struct sock *sk = sk_alloc(AF_INET, &fake_prot);
    CHECK_EQ(sock_error(sk), 0);
    wakes = 0;
    sk_error_report(sk, ECONNREFUSED);
    CHECK_EQ(sk->sk_err, ECONNREFUSED);
    CHECK(wakes >= 1);
    CHECK_EQ(sock_error(sk), -ECONNREFUSED);
    CHECK_EQ(sock_error(sk), 0);
    sk_error_report(sk, -EHOSTUNREACH);   /* either sign is taken */
    CHECK_EQ(sock_error(sk), -EHOSTUNREACH);
    sk_free(sk);
}

TEST(sock_null_prot_and_free_null)
{
    struct sock *sk = sk_alloc(AF_INET, NULL);
    CHECK(sk != NULL);
    sk_free(sk);
    sk_free(NULL);
}

/* Every test frees every skb and sock it made. */
TEARDOWN()
{
    check_no_skb_or_sock_alive();
}
