/* net/kmsg.c - moving bytes between a kernel buffer and a struct kmsg's iovec cursor.
 * The iovec array itself was copied in and checked by the socket layer (net/socket.c);
 * the bytes it points to are still the app's, reached with the uaccess helpers, so a bad
 * iov_base is an -EFAULT at the moment a protocol consumes it, as in Linux. */
#include "net/socket.h"
#include "kernel/uaccess.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

/* Walk n bytes from the cursor, calling move for each contiguous piece. */
static int kmsg_walk(struct kmsg *m, char *k, size_t n, bool to_msg)
{
    while (n) {
        if (m->iov_idx >= m->iovlen)
            return -EFAULT;                  /* asked for more than the message holds */
        const struct iovec *v = &m->iov[m->iov_idx];
        size_t avail = v->iov_len - m->iov_off;
        if (avail == 0) {
            m->iov_idx++;
            m->iov_off = 0;
            continue;
        }
        size_t c = MIN(n, avail);
        char *u = (char *)v->iov_base + m->iov_off;
        int r = 0;
        if (m->user)
            r = to_msg ? copy_to_user(u, k, c) : copy_from_user(k, u, c);
        else if (to_msg)
            memcpy(u, k, c);
        else
            memcpy(k, u, c);
        if (r)
            return r;
        k += c;
        n -= c;
        m->iov_off += c;
    }
    return 0;
}

int kmsg_copy_from(struct kmsg *m, void *to, size_t n)
{
    return kmsg_walk(m, to, n, false);
}

int kmsg_copy_to(struct kmsg *m, const void *from, size_t n)
{
    return kmsg_walk(m, (char *)from, n, true);
}

void kmsg_init_kernel(struct kmsg *m, struct iovec *iov, size_t iovlen, size_t len)
{
    memset(m, 0, sizeof(*m));
    m->iov = iov;
    m->iovlen = iovlen;
    m->len = len;
}
