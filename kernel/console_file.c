/* kernel/console_file.c - the serial console as an app's stdin/stdout/stderr.
 * Bytes go through a small kernel buffer; a bad user buffer is -EFAULT before anything
 * from that chunk is printed. */
#include "kernel/file.h"
#include "kernel/console.h"
#include "kernel/uaccess.h"
#include "kernel/errno.h"
#include "kernel/uapi/poll.h"

#define CHUNK 256

static long console_file_write(struct file *f, const void *buf, size_t n)
{
    char k[CHUNK];
    size_t done = 0;
    while (done < n) {
        size_t c = MIN(n - done, sizeof(k));
        if (copy_from_user(k, (const char *)buf + done, c))
            return done ? (long)done : -EFAULT;
        console_write(k, c);
        done += c;
    }
    return (long)done;
}

static long console_file_read(struct file *f, void *buf, size_t n)
{
    char k[CHUNK];
    if (n == 0)
        return 0;
    long r = console_read(k, MIN(n, sizeof(k)), f->f_flags & O_NONBLOCK);
    if (r > 0 && copy_to_user(buf, k, (size_t)r))
        return -EFAULT;
    return r;
}

/* Output never blocks; input is ready when the receive buffer holds a byte, and the
 * receive interrupt wakes the console's queue when one arrives. */
static unsigned console_file_poll(struct file *f, struct wait_queue_head **wq)
{
    *wq = console_rx_wait_queue();
    return POLLOUT | (console_rx_ready() ? POLLIN : 0);
}

const struct file_ops console_file_ops = {
    .name = "console",
    .read = console_file_read,
    .write = console_file_write,
    .poll = console_file_poll,
};
