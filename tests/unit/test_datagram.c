// SOURCES: net/core/datagram.c net/core/stream.c net/core/sock.c net/core/skbuff.c net/kmsg.c kernel/uaccess.c kernel/user/uvm.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_kernel.c kernel/sched/wait.c tests/unit/fake_clock.c
/* tests/unit/test_datagram.c - the datagram helpers with a fake scheduler: receive with
 * MSG_DONTWAIT, blocking until data arrives, SO_RCVTIMEO expiry, pending errors first,
 * shutdown as end of file, MSG_PEEK, copying linear and paged data into an iovec cursor,
 * and send-buffer waits. */
#include "tests/unit/unit.h"
#include "tests/unit/leak_check.h"
#include "tests/unit/fake_mm.h"
#include "tests/unit/fake_kernel.h"
#include "net/core/sock.h"
#include "kernel/errno.h"
#include "kernel/time.h"

void panic(const char *fmt, ...) { (void)fmt; abort(); }

static struct proto prot = { .name = "fake" };
static struct sock *hook_sk;
static int hook_calls;

static struct sk_buff *skb_with(const char *s)
{
    struct sk_buff *skb = alloc_skb(64);
    skb_put_data(skb, s, (unsigned)strlen(s));
    return skb;
}

/* a datagram arrives while the reader sleeps */
static void arrive_on_sleep(uint64_t t)
{
    hook_calls++;
    if (hook_calls == 2)
        CHECK_EQ(sock_queue_rcv_skb(hook_sk, skb_with("late")), 0);
    else
        fake_now_ns += 1000;    /* a spurious wake-up first: the loop must sleep again */
    if (hook_calls == 1)
        current->state = TASK_RUNNING;
}

TEST(recv_dontwait_empty_is_eagain)
{
    struct sock *sk = sk_alloc(AF_INET, &prot);
    int err = 1;
    CHECK(skb_recv_datagram(sk, MSG_DONTWAIT, &err) == NULL);
    CHECK_EQ(err, -EAGAIN);
    sk_free(sk);
}

TEST(recv_blocks_until_data)
{
    struct sock *sk = sk_alloc(AF_INET, &prot);
    hook_sk = sk;
    hook_calls = 0;
    fake_sleeps = 0;
    fake_sleep_hook = arrive_on_sleep;
    int err = 1;
    struct sk_buff *skb = skb_recv_datagram(sk, 0, &err);
    fake_sleep_hook = NULL;
    CHECK(skb != NULL);
    CHECK_EQ(err, 0);
    CHECK_EQ(hook_calls, 2);
    CHECK(skb && memcmp(skb->data, "late", 4) == 0);
    consume_skb(skb);
    CHECK_EQ(sk->sk_rmem_alloc, 0);
    CHECK(list_empty(&sk->sk_wq.waiters));       /* no entry left behind on the stack */
    sk_free(sk);
}

TEST(recv_timeout_is_eagain_after_the_time)
{
    struct sock *sk = sk_alloc(AF_INET, &prot);
    sk->sk_rcvtimeo = 250 * NSEC_PER_MSEC;
    uint64_t t0 = fake_now_ns;
    fake_sleeps = 0;
    int err = 0;
    CHECK(skb_recv_datagram(sk, 0, &err) == NULL);
    CHECK_EQ(err, -EAGAIN);
    CHECK(fake_now_ns - t0 >= 250 * NSEC_PER_MSEC);
    CHECK(fake_now_ns - t0 < 300 * NSEC_PER_MSEC);
    sk_free(sk);
}

TEST(recv_reports_pending_error_once_before_data)
{
    struct sock *sk = sk_alloc(AF_INET, &prot);
    CHECK_EQ(sock_queue_rcv_skb(sk, skb_with("x")), 0);
    sk_error_report(sk, ECONNREFUSED);
    int err = 0;
    CHECK(skb_recv_datagram(sk, MSG_DONTWAIT, &err) == NULL);
    CHECK_EQ(err, -ECONNREFUSED);
    struct sk_buff *skb = skb_recv_datagram(sk, MSG_DONTWAIT, &err);
    CHECK(skb != NULL);
    CHECK_EQ(err, 0);
    consume_skb(skb);
    sk_free(sk);
}

static void error_on_sleep(uint64_t t)
{
    sk_error_report(hook_sk, EHOSTUNREACH);
}

TEST(recv_sleeping_reader_gets_async_error)
{
    struct sock *sk = sk_alloc(AF_INET, &prot);
    hook_sk = sk;
    fake_sleep_hook = error_on_sleep;
    int err = 0;
    CHECK(skb_recv_datagram(sk, 0, &err) == NULL);
    fake_sleep_hook = NULL;
    CHECK_EQ(err, -EHOSTUNREACH);
    CHECK_EQ(sk->sk_err, 0);
    sk_free(sk);
}

TEST(recv_after_shutdown_is_eof)
{
    struct sock *sk = sk_alloc(AF_INET, &prot);
    sk->sk_shutdown = RCV_SHUTDOWN;
    int err = 1;
    CHECK(skb_recv_datagram(sk, 0, &err) == NULL);
    CHECK_EQ(err, 0);
    sk_free(sk);
}

TEST(recv_peek_leaves_it_queued)
{
    struct sock *sk = sk_alloc(AF_INET, &prot);
    CHECK_EQ(sock_queue_rcv_skb(sk, skb_with("peek")), 0);
    int err;
    struct sk_buff *a = skb_recv_datagram(sk, MSG_PEEK | MSG_DONTWAIT, &err);
    CHECK(a != NULL);
    CHECK_EQ(skb_queue_len(&sk->sk_receive_queue), 1);
    consume_skb(a);
    struct sk_buff *b = skb_recv_datagram(sk, MSG_DONTWAIT, &err);
    CHECK(a == b);
    CHECK_EQ(skb_queue_len(&sk->sk_receive_queue), 0);
    consume_skb(b);
    CHECK_EQ(sk->sk_rmem_alloc, 0);
    sk_free(sk);
}

TEST(copy_linear_and_paged_into_iovec_cursor)
{
    struct sk_buff *skb = alloc_skb(64);
    skb_put_data(skb, "0123456789", 10);
    phys_addr_t pg = alloc_page();
    memcpy((char *)(uintptr_t)pg + 100, "abcdefghij", 10);
    skb_add_frag(skb, pg, 100, 10);
    CHECK_EQ(skb->len, 20);
    char b1[3], b2[7], b3[40];
    struct iovec iov[3] = { { b1, 3 }, { b2, 7 }, { b3, 40 } };
    struct kmsg m;
    kmsg_init_kernel(&m, iov, 3, 50);
    CHECK_EQ(skb_copy_datagram_msg(skb, 2, &m, 16), 0);
    CHECK(memcmp(b1, "234", 3) == 0);
    CHECK(memcmp(b2, "56789ab", 7) == 0);
    CHECK(memcmp(b3, "cdefgh", 6) == 0);
    /* past the end of the skb: refused */
    kmsg_init_kernel(&m, iov, 3, 50);
    CHECK_EQ(skb_copy_datagram_msg(skb, 15, &m, 6), -EFAULT);
    /* more than the iovec holds */
    struct iovec small = { b1, 3 };
    kmsg_init_kernel(&m, &small, 1, 3);
    CHECK_EQ(skb_copy_datagram_msg(skb, 0, &m, 4), -EFAULT);
    kfree_skb(skb);
}

TEST(kmsg_cursor_skips_empty_iovecs)
{
    char a[4] = "abcd", c[4] = "efgh", out[8];
    struct iovec iov[3] = { { a, 4 }, { NULL, 0 }, { c, 4 } };
    struct kmsg m;
    kmsg_init_kernel(&m, iov, 3, 8);
    CHECK_EQ(kmsg_copy_from(&m, out, 6), 0);
    CHECK_EQ(kmsg_copy_from(&m, out + 6, 2), 0);
    CHECK(memcmp(out, "abcdefgh", 8) == 0);
    CHECK_EQ(kmsg_copy_from(&m, out, 1), -EFAULT);
}

TEST(kmsg_user_without_an_app_is_efault)
{
    char a[4];
    struct iovec iov = { (void *)0x400000, 4 };
    struct kmsg m;
    kmsg_init_kernel(&m, &iov, 1, 4);
    m.user = true;                   /* the fake task has no address space */
    CHECK_EQ(kmsg_copy_from(&m, a, 4), -EFAULT);
}

static void tx_done_on_sleep(uint64_t t)
{
    struct sk_buff *skb = skb_dequeue(&hook_sk->sk_write_queue);
    kfree_skb(skb);                  /* the "driver" frees one: space returns */
}

TEST(send_skb_waits_for_space_then_charges)
{
    struct sock *sk = sk_alloc(AF_INET, &prot);
    sk->sk_sndbuf = SOCK_MIN_SNDBUF;
    int err;
    struct sk_buff *a = sock_alloc_send_skb(sk, 3000, false, &err);
    CHECK(a != NULL);
    CHECK_EQ(sk->sk_wmem_alloc, a->truesize);
    struct sk_buff *b = sock_alloc_send_skb(sk, 3000, false, &err);
    CHECK(b != NULL);                /* still below sndbuf when asked */
    CHECK(sock_alloc_send_skb(sk, 100, true, &err) == NULL);
    CHECK_EQ(err, -EAGAIN);
    skb_queue_tail(&sk->sk_write_queue, a);   /* "in the NIC" */
    hook_sk = sk;
    fake_sleep_hook = tx_done_on_sleep;
    struct sk_buff *c = sock_alloc_send_skb(sk, 100, false, &err);
    fake_sleep_hook = NULL;
    CHECK(c != NULL);
    CHECK_EQ(err, 0);
    kfree_skb(b);
    kfree_skb(c);
    CHECK_EQ(sk->sk_wmem_alloc, 0);
    sk_free(sk);
}

TEST(send_skb_timeout_shutdown_and_error)
{
    struct sock *sk = sk_alloc(AF_INET, &prot);
    sk->sk_sndbuf = SOCK_MIN_SNDBUF;
    int err;
    struct sk_buff *a = sock_alloc_send_skb(sk, 8000, false, &err);
    sk->sk_sndtimeo = 100 * NSEC_PER_MSEC;
    CHECK(sock_alloc_send_skb(sk, 10, false, &err) == NULL);
    CHECK_EQ(err, -EAGAIN);
    sk_error_report(sk, ENETUNREACH);
    CHECK(sock_alloc_send_skb(sk, 10, false, &err) == NULL);
    CHECK_EQ(err, -ENETUNREACH);
    sk->sk_shutdown = SEND_SHUTDOWN;
    CHECK(sock_alloc_send_skb(sk, 10, false, &err) == NULL);
    CHECK_EQ(err, -EPIPE);
    kfree_skb(a);
    sk_free(sk);
}

/* Every test frees every skb and sock it made. */
TEARDOWN()
{
    check_no_skb_or_sock_alive();
}

/* A writer blocked on a full send buffer is woken once half of it is free again
 * (sock_writeable), not by every skb the driver frees. */
TEST(writers_woken_at_half_the_send_buffer)
{
    struct sock *sk = sk_alloc(AF_INET, &prot);
    sk->sk_sndbuf = 16 * 2048;
    struct sk_buff *s[32];
    int n = 0, err;
    while (n < 32 && (s[n] = sock_alloc_send_skb(sk, 1500, true, &err)))
        n++;
    CHECK_EQ(err, -EAGAIN);
    CHECK(n >= 8);
    CHECK(!sock_writeable(sk));
    int truesize = (int)s[0]->truesize;
    struct sock_stats st0, st1;
    sock_get_stats(&st0);
    struct wait_queue_entry w;
    INIT_LIST_HEAD(&w.node);
    prepare_to_wait(&sk->sk_wq, &w);           /* the blocked writer */
    int freed = 0;
    while (freed < n && !sock_writeable(sk)) {
        CHECK(!list_empty(&w.node));           /* still asleep: nothing woke it early */
        kfree_skb(s[freed++]);
    }
    CHECK(sock_writeable(sk));
    CHECK(list_empty(&w.node));                /* woken by the free that crossed half */
    CHECK(freed > 1);
    CHECK(sk->sk_wmem_alloc < sk->sk_sndbuf / 2);
    CHECK(sk->sk_wmem_alloc + truesize >= sk->sk_sndbuf / 2);
    finish_wait(&sk->sk_wq, &w);
    sock_get_stats(&st1);
    CHECK_EQ(st1.write_space_wakeups - st0.write_space_wakeups, 1);
    while (freed < n)
        kfree_skb(s[freed++]);
    sk_free(sk);
}
