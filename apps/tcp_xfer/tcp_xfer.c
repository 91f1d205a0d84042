/* apps/tcp_xfer/tcp_xfer.c - byte-exact TCP transfers and short-connection churn, written
 * against POSIX sockets only: the same file builds for wirepath (apps/lib) and for Linux,
 * so either end of a test can be either system.
 *
 *   tcp_xfer serve PORT [CONNS]          accept connections (many at once, poll-driven)
 *                                        and serve each as its first line asks; exit
 *                                        after CONNS connections when given
 *   tcp_xfer send HOST PORT BYTES SEED   send BYTES of the pattern SEED; the server checks
 *                                        them and answers with its sha256
 *   tcp_xfer recv HOST PORT BYTES SEED   have the server send BYTES of the pattern SEED
 *   tcp_xfer sendrecv HOST PORT BYTES SEED   send (SEED), then recv (SEED+1): both
 *                                        directions from one command (a boot's apps=)
 *   tcp_xfer conns HOST PORT NSEQ NCONC  NSEQ sequential, then NCONC concurrent short
 *                                        connections: connect, echo a line, close
 *
 * Protocol: the client's first line is "send N SEED\n" (the client sends N bytes, the
 * server sinks them and replies "ok N SHA256HEX\n"), "recv N SEED\n" (the server sends
 * N bytes and closes its side) or "echo TEXT\n" (the server sends the line back). The
 * pattern is a function of (SEED, offset), so each end checks every byte it receives
 * against it, not just a digest.
 *
 * Every transfer ends with one line:
 *   tcp_xfer: MODE bytes=N sha256=HEX ms=T kbit_s=R maxgap_ms=G result=ok
 * (result=mismatch at=OFFSET, result=short, ...). maxgap_ms is the longest time the
 * receiving end waited between two arrivals of data: a stall shows there. Exit status 0
 * when everything checked out, 1 otherwise, 2 for usage, 3 when the system has no TCP
 * (the line "tcp_xfer: no TCP: socket(SOCK_STREAM) failed, errno N" says so). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "sha256.h"

#define CHUNK (64 * 1024)
#define MAX_CONNS 128
#define LINE_MAX_LEN 128

static uint8_t iobuf[CHUNK], patbuf[CHUNK];

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* splitmix64: one 64-bit word of pattern per 8 bytes of stream, any offset directly */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static void pattern_fill(uint8_t *p, uint64_t off, size_t len, uint64_t seed)
{
    uint64_t word = mix(seed ^ mix(off >> 3));
    for (size_t i = 0; i < len; i++, off++) {
        if ((off & 7) == 0)
            word = mix(seed ^ mix(off >> 3));
        p[i] = (uint8_t)(word >> ((off & 7) * 8));
    }
}

/* The receiving side of a transfer: checks, hashes and times what arrives. */
struct sink {
    struct sha256_ctx sha;
    uint64_t seed, want, got;
    uint64_t start_ms, last_ms, maxgap_ms;
    int64_t mismatch_at;           /* -1 while every byte matched */
};

static void sink_init(struct sink *s, uint64_t want, uint64_t seed)
{
    memset(s, 0, sizeof(*s));
    sha256_init(&s->sha);
    s->want = want;
    s->seed = seed;
    s->mismatch_at = -1;
    s->start_ms = s->last_ms = now_ms();
}

static void sink_data(struct sink *s, const uint8_t *p, size_t n)
{
    uint64_t t = now_ms();
    if (s->got && t - s->last_ms > s->maxgap_ms)
        s->maxgap_ms = t - s->last_ms;
    s->last_ms = t;
    sha256_update(&s->sha, p, n);
    if (s->mismatch_at < 0) {
        pattern_fill(patbuf, s->got, n, s->seed);
        if (memcmp(p, patbuf, n) != 0)
            for (size_t i = 0; i < n; i++)
                if (p[i] != patbuf[i]) {
                    s->mismatch_at = (int64_t)(s->got + i);
                    break;
                }
    }
    s->got += n;
}

/* Print the one result line; true when the transfer was exact. */
static bool report(const char *mode, uint64_t bytes, const char *hex, uint64_t start_ms,
                   uint64_t maxgap_ms, const char *result)
{
    uint64_t ms = now_ms() - start_ms;
    printf("tcp_xfer: %s bytes=%llu sha256=%s ms=%llu kbit_s=%llu maxgap_ms=%llu result=%s\n",
           mode, (unsigned long long)bytes, hex, (unsigned long long)ms,
           (unsigned long long)(ms ? bytes * 8 / ms : 0), (unsigned long long)maxgap_ms, result);
    fflush(stdout);
    return strcmp(result, "ok") == 0;
}

static bool sink_report(struct sink *s, const char *mode, char hex[65])
{
    uint8_t d[SHA256_DIGEST_LEN];
    sha256_final(&s->sha, d);
    sha256_hex(d, hex);
    char result[48];
    if (s->mismatch_at >= 0)
        snprintf(result, sizeof(result), "mismatch at=%llu", (unsigned long long)s->mismatch_at);
    else if (s->got != s->want)
        snprintf(result, sizeof(result), "short got=%llu", (unsigned long long)s->got);
    else
        snprintf(result, sizeof(result), "ok");
    return report(mode, s->got, hex, s->start_ms, s->maxgap_ms, result);
}

static int tcp_socket(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        printf("tcp_xfer: no TCP: socket(SOCK_STREAM) failed, errno %d\n", errno);
        fflush(stdout);
        exit(3);
    }
    return fd;
}

static int parse_addr(const char *host, const char *port, struct sockaddr_in *a)
{
    memset(a, 0, sizeof(*a));
    a->sin_family = AF_INET;
    long p = atol(port);
    if (p <= 0 || p > 65535 || inet_pton(AF_INET, host, &a->sin_addr) != 1) {
        fprintf(stderr, "tcp_xfer: bad address %s:%s\n", host, port);
        return -1;
    }
    a->sin_port = htons((unsigned short)p);
    return 0;
}

static int tcp_connect(const struct sockaddr_in *a)
{
    int fd = tcp_socket();
    if (connect(fd, (const struct sockaddr *)a, sizeof(*a)) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static int write_all(int fd, const void *buf, size_t n)
{
    const uint8_t *p = buf;
    while (n) {
        ssize_t r = send(fd, p, n, MSG_NOSIGNAL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* Read one line (without the newline) into buf; length, or -1. */
static int read_line(int fd, char *buf, size_t size)
{
    size_t n = 0;
    while (n + 1 < size) {
        ssize_t r = recv(fd, buf + n, 1, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        if (buf[n] == '\n') {
            buf[n] = 0;
            return (int)n;
        }
        n++;
    }
    return -1;
}

/* --- clients --- */

/* Connect and send the request line "VERB BYTES SEED"; the socket, or -1 (reported). */
static int open_request(const struct sockaddr_in *a, const char *verb, uint64_t bytes, uint64_t seed)
{
    int fd = tcp_connect(a);
    if (fd < 0) {
        printf("tcp_xfer: %s connect failed, errno %d\n", verb, errno);
        return -1;
    }
    char line[LINE_MAX_LEN];
    int n = snprintf(line, sizeof(line), "%s %llu %llu\n", verb, (unsigned long long)bytes,
                     (unsigned long long)seed);
    if (write_all(fd, line, (size_t)n) < 0) {
        printf("tcp_xfer: %s request failed, errno %d\n", verb, errno);
        close(fd);
        return -1;
    }
    return fd;
}

static int client_send(const struct sockaddr_in *a, uint64_t bytes, uint64_t seed)
{
    int fd = open_request(a, "send", bytes, seed);
    if (fd < 0)
        return 1;
    char line[LINE_MAX_LEN];
    struct sha256_ctx sha;
    sha256_init(&sha);
    uint64_t start = now_ms(), off = 0;
    int err = 0;
    while (!err && off < bytes) {
        size_t n = bytes - off < CHUNK ? (size_t)(bytes - off) : CHUNK;
        pattern_fill(iobuf, off, n, seed);
        sha256_update(&sha, iobuf, n);
        err = write_all(fd, iobuf, n);
        off += n;
    }
    int werr = errno;
    uint8_t d[SHA256_DIGEST_LEN];
    char hex[65], result[96];
    sha256_final(&sha, d);
    sha256_hex(d, hex);
    if (err) {
        snprintf(result, sizeof(result), "send-error errno=%d", werr);
    } else {
        shutdown(fd, SHUT_WR);
        /* the server's verdict: "ok N SHA" once it has every byte */
        int r = read_line(fd, line, sizeof(line));
        char expect[LINE_MAX_LEN];
        snprintf(expect, sizeof(expect), "ok %llu %s", (unsigned long long)bytes, hex);
        if (r < 0)
            snprintf(result, sizeof(result), "no-reply errno=%d", errno);
        else if (strcmp(line, expect) != 0)
            snprintf(result, sizeof(result), "peer-mismatch");
        else
            snprintf(result, sizeof(result), "ok");
    }
    close(fd);
    return report("send", off, hex, start, 0, result) ? 0 : 1;
}

static int client_recv(const struct sockaddr_in *a, uint64_t bytes, uint64_t seed)
{
    int fd = open_request(a, "recv", bytes, seed);
    if (fd < 0)
        return 1;
    struct sink s;
    sink_init(&s, bytes, seed);
    for (;;) {
        ssize_t r = recv(fd, iobuf, CHUNK, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        sink_data(&s, iobuf, (size_t)r);
    }
    close(fd);
    char hex[65];
    return sink_report(&s, "recv", hex) ? 0 : 1;
}

static int client_conns(const struct sockaddr_in *a, long nseq, long nconc)
{
    static int fds[MAX_CONNS];
    long ok_seq = 0, ok_conc = 0, failures = 0;
    int first_errno = 0;
    uint64_t start = now_ms();
    char line[LINE_MAX_LEN], back[LINE_MAX_LEN];
    for (long i = 0; i < nseq; i++) {
        int fd = tcp_connect(a);
        if (fd < 0) {
            if (!first_errno)
                first_errno = errno;
            failures++;
            continue;
        }
        int n = snprintf(line, sizeof(line), "echo seq %ld\n", i);
        if (write_all(fd, line, (size_t)n) == 0 && read_line(fd, back, sizeof(back)) == n - 1 &&
            memcmp(back, line, (size_t)n - 1) == 0)
            ok_seq++;
        else
            failures++;
        close(fd);
    }
    if (nconc > MAX_CONNS)
        nconc = MAX_CONNS;
    /* all open at once, then all talk, then all close */
    for (long i = 0; i < nconc; i++) {
        fds[i] = tcp_connect(a);
        if (fds[i] < 0 && !first_errno)
            first_errno = errno;
    }
    for (long i = 0; i < nconc; i++) {
        if (fds[i] < 0) {
            failures++;
            continue;
        }
        int n = snprintf(line, sizeof(line), "echo conc %ld\n", i);
        if (write_all(fds[i], line, (size_t)n) < 0) {
            failures++;
            close(fds[i]);
            fds[i] = -1;
        }
    }
    for (long i = 0; i < nconc; i++) {
        if (fds[i] < 0)
            continue;
        int n = snprintf(line, sizeof(line), "echo conc %ld", i);
        if (read_line(fds[i], back, sizeof(back)) == n && strcmp(back, line) == 0)
            ok_conc++;
        else
            failures++;
        close(fds[i]);
    }
    printf("tcp_xfer: conns sequential=%ld/%ld concurrent=%ld/%ld failures=%ld first_errno=%d ms=%llu\n",
           ok_seq, nseq, ok_conc, nconc, failures, first_errno,
           (unsigned long long)(now_ms() - start));
    fflush(stdout);
    return failures ? 1 : 0;
}

/* --- the server --- */

enum cstate { C_FREE, C_HEADER, C_SINK, C_SOURCE, C_REPLY, C_DRAIN };

struct conn {
    enum cstate st;
    int fd;
    char line[LINE_MAX_LEN];
    size_t linelen;
    char out[LINE_MAX_LEN];       /* reply waiting to be written */
    size_t outlen, outoff;
    struct sink sink;
    struct sha256_ctx sha;        /* of what a source sent */
    uint64_t want, seed, sent, start_ms;
};

static struct conn conns[MAX_CONNS];
static long served, transfers_failed;

static void conn_close(struct conn *c)
{
    close(c->fd);
    c->st = C_FREE;
    served++;
}

static void conn_reply(struct conn *c, const char *text)
{
    snprintf(c->out, sizeof(c->out), "%s", text);
    c->outlen = strlen(c->out);
    c->outoff = 0;
    c->st = C_REPLY;
}

/* The first line decides what the connection is. */
static void conn_header(struct conn *c)
{
    unsigned long long n = 0, seed = 0;
    char *end;
    if (strncmp(c->line, "echo", 4) == 0) {
        char echo[LINE_MAX_LEN];
        snprintf(echo, sizeof(echo), "%s\n", c->line);
        conn_reply(c, echo);
        return;
    }
    bool sink = strncmp(c->line, "send ", 5) == 0, source = strncmp(c->line, "recv ", 5) == 0;
    if (sink || source) {
        n = strtoul(c->line + 5, &end, 10);
        seed = strtoul(end, &end, 10);
    }
    if (!(sink || source) || *end) {
        conn_reply(c, "error bad request\n");
        return;
    }
    c->want = n;
    c->seed = seed;
    c->sent = 0;
    c->start_ms = now_ms();
    if (sink) {
        sink_init(&c->sink, n, seed);
        c->st = C_SINK;
    } else {
        sha256_init(&c->sha);
        c->st = C_SOURCE;
    }
}

static void sink_done(struct conn *c)
{
    char hex[65], reply[LINE_MAX_LEN];
    if (!sink_report(&c->sink, "serve-sink", hex))
        transfers_failed++;
    snprintf(reply, sizeof(reply), "ok %llu %s\n", (unsigned long long)c->sink.got, hex);
    conn_reply(c, reply);
}

static void conn_readable(struct conn *c)
{
    ssize_t r = recv(c->fd, iobuf, CHUNK, 0);
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (r == 0 && c->st == C_SINK) {
        /* the sender finished early: report it short, and tell it so */
        sink_done(c);
        return;
    }
    if (r <= 0) {
        if (c->st == C_SINK) {
            char hex[65];
            sink_report(&c->sink, "serve-sink", hex);
            transfers_failed++;
        }
        conn_close(c);
        return;
    }
    size_t off = 0;
    while (c->st == C_HEADER && off < (size_t)r) {
        char ch = (char)iobuf[off++];
        if (ch == '\n') {
            c->line[c->linelen] = 0;
            conn_header(c);
        } else if (c->linelen + 1 < sizeof(c->line)) {
            c->line[c->linelen++] = ch;
        } else {
            conn_reply(c, "error line too long\n");
        }
    }
    if (c->st == C_SINK && off < (size_t)r) {
        size_t n = (size_t)r - off;
        if (c->sink.got + n > c->sink.want)
            n = (size_t)(c->sink.want - c->sink.got);   /* extra bytes are not data */
        sink_data(&c->sink, iobuf + off, n);
    }
    if (c->st == C_SINK && c->sink.got == c->sink.want)
        sink_done(c);
}

static void conn_writable(struct conn *c)
{
    if (c->st == C_REPLY) {
        ssize_t r = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (r < 0) {
            conn_close(c);
            return;
        }
        c->outoff += (size_t)r;
        if (c->outoff == c->outlen) {
            /* let the client close first (its TIME_WAIT, not ours) */
            shutdown(c->fd, SHUT_WR);
            c->st = C_DRAIN;
        }
        return;
    }
    /* C_SOURCE */
    uint64_t left = c->want - c->sent;
    size_t n = left < CHUNK ? (size_t)left : CHUNK;
    pattern_fill(iobuf, c->sent, n, c->seed);
    ssize_t r = n ? send(c->fd, iobuf, n, MSG_NOSIGNAL) : 0;
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (r < 0) {
        report("serve-source", c->sent, "-", c->start_ms, 0, "send-error");
        transfers_failed++;
        conn_close(c);
        return;
    }
    sha256_update(&c->sha, iobuf, (size_t)r);
    c->sent += (uint64_t)r;
    if (c->sent == c->want) {
        uint8_t d[SHA256_DIGEST_LEN];
        char hex[65];
        sha256_final(&c->sha, d);
        sha256_hex(d, hex);
        report("serve-source", c->sent, hex, c->start_ms, 0, "ok");
        shutdown(c->fd, SHUT_WR);
        c->st = C_DRAIN;
    }
}

static int server(const char *port, long max_conns)
{
    struct sockaddr_in a;
    if (parse_addr("0.0.0.0", port, &a) < 0)
        return 2;
    int lfd = tcp_socket();
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(lfd, 128) < 0) {
        printf("tcp_xfer: cannot listen on port %s, errno %d\n", port, errno);
        return 1;
    }
    fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
    printf("tcp_xfer: listening on tcp port %s\n", port);
    fflush(stdout);
    static struct pollfd pfd[MAX_CONNS + 1];
    static int idx[MAX_CONNS + 1];
    long accepted = 0;
    while (max_conns <= 0 || served < max_conns) {
        nfds_t n = 0;
        int active = 0;
        for (int i = 0; i < MAX_CONNS; i++) {
            struct conn *c = &conns[i];
            if (c->st == C_FREE)
                continue;
            active++;
            pfd[n].fd = c->fd;
            pfd[n].events = (short)((c->st == C_SOURCE || c->st == C_REPLY) ? POLLOUT : POLLIN);
            pfd[n].revents = 0;
            idx[n++] = i;
        }
        bool can_accept = active < MAX_CONNS && (max_conns <= 0 || accepted < max_conns);
        if (can_accept) {
            pfd[n].fd = lfd;
            pfd[n].events = POLLIN;
            pfd[n].revents = 0;
            idx[n++] = -1;
        }
        if (poll(pfd, n, -1) < 0) {
            if (errno == EINTR)
                continue;
            printf("tcp_xfer: poll failed, errno %d\n", errno);
            return 1;
        }
        for (nfds_t k = 0; k < n; k++) {
            if (!pfd[k].revents)
                continue;
            if (idx[k] < 0) {
                int fd = accept(lfd, NULL, NULL);
                if (fd < 0)
                    continue;
                int slot = 0;
                while (conns[slot].st != C_FREE)
                    slot++;
                fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
                memset(&conns[slot], 0, sizeof(conns[slot]));
                conns[slot].fd = fd;
                conns[slot].st = C_HEADER;
                accepted++;
                continue;
            }
            struct conn *c = &conns[idx[k]];
            if (c->st == C_SOURCE || c->st == C_REPLY) {
                if (pfd[k].revents & (POLLOUT | POLLERR | POLLHUP))
                    conn_writable(c);
            } else if (c->st == C_DRAIN) {
                ssize_t r = recv(c->fd, iobuf, CHUNK, 0);
                if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
                    conn_close(c);
            } else {
                conn_readable(c);
            }
        }
    }
    printf("tcp_xfer: served %ld connections, %ld transfers failed\n", served, transfers_failed);
    close(lfd);
    return transfers_failed ? 1 : 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: tcp_xfer serve PORT [CONNS]\n"
                    "       tcp_xfer send|recv|sendrecv HOST PORT BYTES SEED\n"
                    "       tcp_xfer conns HOST PORT NSEQ NCONC\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "serve") == 0)
        return server(argv[2], argc > 3 ? atol(argv[3]) : 0);
    if (argc != 6)
        return usage();
    struct sockaddr_in a;
    if (parse_addr(argv[2], argv[3], &a) < 0)
        return 2;
    uint64_t x = strtoul(argv[4], NULL, 10), y = strtoul(argv[5], NULL, 10);
    if (strcmp(argv[1], "send") == 0)
        return client_send(&a, x, y);
    if (strcmp(argv[1], "recv") == 0)
        return client_recv(&a, x, y);
    if (strcmp(argv[1], "sendrecv") == 0)
        return client_send(&a, x, y) | client_recv(&a, x, y + 1);
    if (strcmp(argv[1], "conns") == 0)
        return client_conns(&a, (long)x, (long)y);
    return usage();
}
