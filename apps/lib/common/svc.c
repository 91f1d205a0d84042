/* apps/lib/common/svc.c - see svc.h. */
#include "svc.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

int64_t svc_now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

int svc_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL, 0);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* SO_REUSEADDR on, then bind to INADDR_ANY:port; 0 or -1 (errno set) */
static int bind_any(int fd, int port)
{
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    return bind(fd, (struct sockaddr *)&a, sizeof(a));
}

int svc_listen_tcp(const char *name, int port, int backlog)
{
    setvbuf(stdout, NULL, _IOLBF, 0);   /* Linux builds: log lines appear as they happen */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        if (errno == EPROTONOSUPPORT)
            printf("%s: no TCP in this kernel (socket: %s); not serving port %d\n",
                   name, strerror(errno), port);
        else
            printf("%s: socket: %s\n", name, strerror(errno));
        return -1;
    }
    if (bind_any(fd, port) < 0 || listen(fd, backlog) < 0 || svc_nonblock(fd) < 0) {
        printf("%s: cannot listen on tcp port %d: %s\n", name, port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int svc_bind_udp(int port, int rcvbuf)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return -1;
    /* room for a burst: the kernel caps this at its maximum (rmem_max) */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    if (bind_any(fd, port) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

long svc_send(int fd, const void *buf, size_t n)
{
    for (;;) {
        long r = send(fd, buf, n, MSG_NOSIGNAL);
        if (r >= 0)
            return r;
        if (errno == EINTR)
            continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    }
}

void chargen_line(unsigned line, char *dst)
{
    for (unsigned j = 0; j < 72; j++)
        dst[j] = (char)(' ' + (line + j) % 95);
    dst[72] = '\r';
    dst[73] = '\n';
}

/* ---- the stream services' loop ---- */

struct client {
    int fd;                     /* -1: free slot */
    char buf[SVC_BUF];          /* echo: bytes read, not yet written back; chargen: pattern */
    size_t off, len;            /* pending output buf[off..off+len) */
    bool peer_eof;              /* the client sent FIN (half-close) */
    unsigned line;              /* chargen: next pattern line */
    int64_t last_ms;            /* last progress either way */
    uint64_t in, out;
};

static struct client clients[SVC_MAX_CLIENTS];
static char scratch[SVC_BUF];

static void client_close(struct client *c)
{
    close(c->fd);
    c->fd = -1;
}

/* chargen: refill the buffer with whole pattern lines */
static void chargen_fill(struct client *c)
{
    if (c->len)
        return;
    c->off = 0;
    while (c->len + CHARGEN_LINE <= sizeof(c->buf)) {
        chargen_line(c->line, c->buf + c->len);
        c->line = (c->line + 1) % 95;
        c->len += CHARGEN_LINE;
    }
}

/* reads what the client sent; false when the client is gone (closed here) */
static bool client_read(const struct svc_config *cfg, struct client *c, int64_t now)
{
    char *dst = scratch;
    size_t room = sizeof(scratch);
    if (cfg->kind == SVC_ECHO) {
        if (c->off && c->off + c->len == sizeof(c->buf)) {
            memmove(c->buf, c->buf + c->off, c->len);
            c->off = 0;
        }
        dst = c->buf + c->off + c->len;
        room = sizeof(c->buf) - c->off - c->len;
        if (!room)
            return true;
    }
    long n = recv(c->fd, dst, room, 0);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return true;
        client_close(c);     /* ECONNRESET and friends */
        return false;
    }
    if (n == 0) {
        c->peer_eof = true;
        return true;
    }
    c->in += (uint64_t)n;
    c->last_ms = now;
    if (cfg->kind == SVC_ECHO)
        c->len += (size_t)n;
    return true;
}

static bool client_write(const struct svc_config *cfg, struct client *c, int64_t now)
{
    if (cfg->kind == SVC_CHARGEN)
        chargen_fill(c);
    if (!c->len)
        return true;
    long n = svc_send(c->fd, c->buf + c->off, c->len);
    if (n < 0) {
        client_close(c);     /* EPIPE / ECONNRESET: the client went away */
        return false;
    }
    if (n > 0) {
        c->off += (size_t)n;
        c->len -= (size_t)n;
        c->out += (uint64_t)n;
        c->last_ms = now;
        if (!c->len)
            c->off = 0;
    }
    return true;
}

int svc_run_stream(const struct svc_config *cfg)
{
    int lfd = svc_listen_tcp(cfg->name, cfg->port, SVC_MAX_CLIENTS);
    if (lfd < 0)
        return 1;
    printf("%s: listening on tcp port %d\n", cfg->name, cfg->port);
    fflush(stdout);
    for (int i = 0; i < SVC_MAX_CLIENTS; i++)
        clients[i].fd = -1;
    long served = 0, active = 0;
    struct pollfd pf[SVC_MAX_CLIENTS + 1];
    struct client *who[SVC_MAX_CLIENTS + 1];

    while (cfg->max_clients < 0 || served < cfg->max_clients || active) {
        int64_t now = svc_now_ms();
        nfds_t n = 0;
        bool want_accept = active < SVC_MAX_CLIENTS &&
                           (cfg->max_clients < 0 || served < cfg->max_clients);
        if (want_accept) {
            pf[n].fd = lfd; pf[n].events = POLLIN; pf[n].revents = 0; who[n++] = 0;
        }
        int timeout = -1;
        for (int i = 0; i < SVC_MAX_CLIENTS; i++) {
            struct client *c = &clients[i];
            if (c->fd < 0)
                continue;
            if (cfg->idle_s > 0 && now - c->last_ms >= (int64_t)cfg->idle_s * 1000) {
                client_close(c);
                active--;
                continue;
            }
            /* echo after the client's FIN: everything echoed, so send ours and finish */
            if (cfg->kind != SVC_CHARGEN && c->peer_eof && !c->len) {
                shutdown(c->fd, SHUT_WR);
                client_close(c);
                active--;
                continue;
            }
            short ev = 0;
            if (!c->peer_eof && (cfg->kind != SVC_ECHO || c->off + c->len < sizeof(c->buf)))
                ev |= POLLIN;
            if (c->len || cfg->kind == SVC_CHARGEN)
                ev |= POLLOUT;
            pf[n].fd = c->fd; pf[n].events = ev; pf[n].revents = 0; who[n++] = c;
            if (cfg->idle_s > 0) {
                int64_t left = c->last_ms + (int64_t)cfg->idle_s * 1000 - now;
                if (timeout < 0 || left < timeout)
                    timeout = (int)(left > 0 ? left : 0);
            }
        }
        if (!n)
            break;
        int r = poll(pf, n, timeout);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            printf("%s: poll: %s\n", cfg->name, strerror(errno));
            return 1;
        }
        now = svc_now_ms();
        for (nfds_t k = 0; k < n; k++) {
            struct client *c = who[k];
            short re = pf[k].revents;
            if (!re)
                continue;
            if (!c) {
                for (int i = 0; i < SVC_MAX_CLIENTS && active < SVC_MAX_CLIENTS; i++) {
                    if (clients[i].fd >= 0)
                        continue;
                    int fd = accept(lfd, 0, 0);
                    if (fd < 0)
                        break;
                    svc_nonblock(fd);
                    clients[i].off = clients[i].len = 0;
                    clients[i].peer_eof = false;
                    clients[i].line = 0;
                    clients[i].in = clients[i].out = 0;
                    clients[i].fd = fd;
                    clients[i].last_ms = now;
                    active++;
                    served++;
                }
                continue;
            }
            if (c->fd < 0)
                continue;
            if ((re & (POLLIN | POLLHUP | POLLERR)) && !c->peer_eof && !client_read(cfg, c, now)) {
                active--;
                continue;
            }
            if ((re & (POLLOUT | POLLERR)) && !client_write(cfg, c, now)) {
                active--;
                continue;
            }
            /* POLLHUP with nothing more to read or write: both directions are gone */
            if ((re & POLLHUP) && c->peer_eof && (cfg->kind != SVC_ECHO || !c->len)) {
                client_close(c);
                active--;
            }
        }
    }
    close(lfd);
    printf("%s: served %ld clients\n", cfg->name, served);
    return 0;
}

int svc_stream_main(const char *name, enum svc_kind kind, int default_port,
                    int argc, char **argv)
{
    struct svc_config cfg = {
        .name = name,
        .kind = kind,
        .port = argc > 1 ? atoi(argv[1]) : default_port,
        .max_clients = argc > 2 ? atol(argv[2]) : -1,
        .idle_s = argc > 3 ? atoi(argv[3]) : 300,
    };
    if (cfg.port <= 0 || cfg.port > 65535) {
        printf("%s: bad port '%s'\n", name, argv[1]);
        return 2;
    }
    return svc_run_stream(&cfg);
}
