/* net/core/datagram.c - the waiting and copying every datagram protocol needs: take a
 * received skb (sleeping on the socket's wait queue, with timeouts and errors), copy its
 * bytes to the app, and get send-buffer space before building a datagram.
 * Sleeps are sk_wait_event's (net/core/stream.c). */
#include "net/core/sock.h"
#include "kernel/arch/x86.h"
#include "kernel/errno.h"
#include "kernel/time.h"
#include "kernel/mm/mm.h"
#include "kernel/user/process.h"

static bool rcv_ready(struct sock *sk)
{
    return !skb_queue_empty(&sk->sk_receive_queue) || (sk->sk_shutdown & RCV_SHUTDOWN);
}

struct sk_buff *skb_recv_datagram(struct sock *sk, int flags, int *err)
{
    uint64_t timeo = sk->sk_rcvtimeo;
    for (;;) {
        int e = sock_error(sk);
        if (e) {
            *err = e;
            return NULL;
        }
        struct sk_buff *skb;
        if (flags & MSG_PEEK) {
            unsigned long f = local_irq_save();
            skb = skb_peek(&sk->sk_receive_queue);
            if (skb)
                skb_get(skb);
            local_irq_restore(f);
        } else {
            skb = skb_dequeue(&sk->sk_receive_queue);
        }
        if (skb) {
            *err = 0;
            return skb;
        }
        /* as Linux: a non-blocking read of an empty queue is EAGAIN even after
         * SHUT_RD; only a reader that would wait gets the end of file */
        if (flags & MSG_DONTWAIT) {
            *err = -EAGAIN;
            return NULL;
        }
        if (sk->sk_shutdown & RCV_SHUTDOWN) {
            *err = 0;
            return NULL;
        }
        e = sk_wait_event(sk, &timeo, rcv_ready);
        if (e) {
            *err = e;
            return NULL;
        }
    }
}

int skb_copy_datagram_msg(const struct sk_buff *skb, unsigned offset, struct kmsg *m,
                          unsigned len)
{
    if (offset > skb->len || len > skb->len - offset)
        return -EFAULT;
    unsigned head = skb_headlen(skb);
    if (offset < head) {
        unsigned n = MIN(len, head - offset);
        int r = kmsg_copy_to(m, skb->data + offset, n);
        if (r)
            return r;
        offset += n;
        len -= n;
    }
    unsigned pos = head;                          /* offset of the current fragment */
    const struct skb_shared_info *sh = skb_shinfo(skb);
    for (unsigned i = 0; len && i < sh->nr_frags; i++) {
        const skb_frag_t *fr = &sh->frags[i];
        if (offset < pos + fr->size) {
            unsigned in = offset - pos;
            unsigned n = MIN(len, fr->size - in);
            int r = kmsg_copy_to(m, (const char *)phys_to_virt(fr->page) + fr->offset + in, n);
            if (r)
                return r;
            offset += n;
            len -= n;
        }
        pos += fr->size;
    }
    /* then the packets GRO joined to this one (or a datagram's pieces), each in turn */
    for (const struct sk_buff *l = sh->frag_list; len && l; l = l->next) {
        if (offset < pos + l->len) {
            unsigned in = offset - pos;
            unsigned n = MIN(len, l->len - in);
            int r = skb_copy_datagram_msg(l, in, m, n);
            if (r)
                return r;
            offset += n;
            len -= n;
        }
        pos += l->len;
    }
    return len ? -EFAULT : 0;
}

static bool wmem_ready(struct sock *sk)
{
    return sk->sk_wmem_alloc < sk->sk_sndbuf || (sk->sk_shutdown & SEND_SHUTDOWN);
}

struct sk_buff *sock_alloc_send_skb(struct sock *sk, unsigned size, bool noblock, int *err)
{
    uint64_t timeo = sk->sk_sndtimeo;
    for (;;) {
        int e = sock_error(sk);
        if (e) {
            *err = e;
            return NULL;
        }
        if (sk->sk_shutdown & SEND_SHUTDOWN) {
            *err = -EPIPE;
            return NULL;
        }
        if (READ_ONCE(sk->sk_wmem_alloc) < sk->sk_sndbuf) {
            struct sk_buff *skb = alloc_skb(size);
            if (!skb) {
                *err = -ENOBUFS;
                return NULL;
            }
            skb_set_owner_w(skb, sk);
            *err = 0;
            return skb;
        }
        if (noblock) {
            *err = -EAGAIN;
            return NULL;
        }
        e = sk_wait_event(sk, &timeo, wmem_ready);
        if (e) {
            *err = e;
            return NULL;
        }
    }
}
