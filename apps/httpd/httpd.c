/* apps/httpd/httpd.c - an HTTP/1.1 server for measuring with curl, wrk and ab.
 *
 *   httpd [port [idle_s [connections]]]   port 80, idle limit 10 s by default;
 *                                         connections: exit after serving that many (tests)
 *
 * GET and HEAD; keep-alive (HTTP/1.1 by default, HTTP/1.0 on request); pipelined requests
 * answered in order; every other method 405. Many connections from one poll loop, each
 * with bounded buffers: a request head over HEAD_MAX is 431 (414 while still in the
 * request line), a body over BODY_MAX 413, a request not complete within the idle limit
 * (or a connection that never sends one) 408. Pages: / (index), /stats (the kernel's
 * counters as JSON), /1k, /100k, /1m (fixed bodies). The same file builds for wirepath
 * and for Linux. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "json.h"
#include "svc.h"
#include "http_parse.h"

#define MAX_CONN 48          /* a wirepath app has 64 descriptors */
#define HEAD_MAX 8192        /* request line plus headers */
#define LINE_MAX 4096        /* request line alone */
#define BODY_MAX 65536       /* a request body is read and dropped up to this size */
#define OUT_MAX 16384        /* headers and small bodies; big bodies stream through it */
#define LINGER_MS 2000       /* after an error reply: drain what the client still sends */

struct conn {
    int fd;                  /* -1: free */
    char in[HEAD_MAX];
    size_t in_len;
    char out[OUT_MAX];
    size_t out_off, out_len;
    uint64_t body_left;      /* generated body bytes still to send */
    uint64_t body_pos;
    uint64_t skip_left;      /* request body bytes still to drop */
    bool close_after;        /* close once everything queued is sent */
    bool lingering;          /* our side shut down; draining until EOF or LINGER_MS */
    bool peer_eof;
    int64_t req_start_ms;    /* first byte of the request being received; 0 = none */
    int64_t last_ms;         /* last progress either way */
    unsigned served;
};

static struct conn conns[MAX_CONN];
static int idle_ms = 10000;
static char pattern[4096];
static char resp[OUT_MAX];
static char statsbuf[OUT_MAX - 512];

static const char *reason(int code)
{
    switch (code) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

/* ---- /stats: the kernel's counters ---- */

/* /proc/net/snmp (Linux) as JSON: pairs of lines "Ip: Name Name ..." / "Ip: 1 64 ..." */
static long snmp_to_json(const char *text, size_t n, char *dst, size_t cap)
{
    struct jw w;
    jw_init(&w, dst, cap);
    jw_obj(&w);
    jw_key(&w, "source"); jw_str(&w, "/proc/net/snmp");
    const char *p = text, *end = text + n;
    while (p < end) {
        const char *l1 = p, *e1 = memchr(p, '\n', (size_t)(end - p));
        if (!e1) break;
        const char *l2 = e1 + 1, *e2 = memchr(l2, '\n', (size_t)(end - l2));
        if (!e2) break;
        p = e2 + 1;
        const char *c1 = memchr(l1, ':', (size_t)(e1 - l1)), *c2 = memchr(l2, ':', (size_t)(e2 - l2));
        if (!c1 || !c2 || c1 - l1 != c2 - l2 || memcmp(l1, l2, (size_t)(c1 - l1)))
            continue;
        char name[32];
        snprintf(name, sizeof(name), "%.*s", (int)(c1 - l1), l1);
        jw_key(&w, name);
        jw_obj(&w);
        const char *a = c1 + 1, *b = c2 + 1;
        for (;;) {
            while (a < e1 && *a == ' ') a++;
            while (b < e2 && *b == ' ') b++;
            if (a >= e1 || b >= e2) break;
            const char *ae = a, *be = b;
            while (ae < e1 && *ae != ' ') ae++;
            while (be < e2 && *be != ' ') be++;
            char key[48], val[24];
            snprintf(key, sizeof(key), "%.*s", (int)(ae - a), a);
            snprintf(val, sizeof(val), "%.*s", (int)(be - b), b);
            jw_key(&w, key);
            jw_int(&w, strtol(val, 0, 10));
            a = ae;
            b = be;
        }
        jw_obj_end(&w);
    }
    jw_obj_end(&w);
    return jw_ok(&w) ? (long)w.len : -1;
}

static long read_file(const char *path, char *dst, size_t cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t n = 0;
    for (;;) {
        long r = read(fd, dst + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
        if (n == cap) {             /* larger than we can serve */
            close(fd);
            errno = ENOBUFS;
            return -1;
        }
    }
    close(fd);
    return (long)n;
}

/* the /stats body in statsbuf: wirepath's pseudo file, else Linux's SNMP MIB; status */
static int stats_body(size_t *len, const char **type)
{
    static char snmp[8192];
    *type = "application/json";
    long n = read_file("/proc/wirepath/stats", statsbuf, sizeof(statsbuf));
    if (n > 0) {
        *len = (size_t)n;
        return 200;
    }
    long m = read_file("/proc/net/snmp", snmp, sizeof(snmp));
    if (m > 0 && (n = snmp_to_json(snmp, (size_t)m, statsbuf, sizeof(statsbuf))) > 0) {
        *len = (size_t)n;
        return 200;
    }
    *type = "text/plain";
    *len = (size_t)snprintf(statsbuf, sizeof(statsbuf), "no kernel counters available here\n");
    return 501;
}

/* ---- responses ---- */

static const char index_html[] =
    "<!DOCTYPE html>\n<html><head><title>wirepath</title></head><body>\n"
    "<h1>wirepath httpd</h1>\n<ul>\n"
    "<li><a href=\"/stats\">/stats</a>: the kernel's counters as JSON</li>\n"
    "<li><a href=\"/1k\">/1k</a>, <a href=\"/100k\">/100k</a>, <a href=\"/1m\">/1m</a>: "
    "fixed bodies for measuring</li>\n</ul>\n</body></html>\n";

/* Queue one response: headers and `body` (or `gen` generated bytes). False if it does
 * not fit in the output buffer yet (the caller retries once the buffer drained). */
static bool respond(struct conn *c, int code, const char *type, const char *body, size_t blen,
                    uint64_t gen, bool head_only, bool keep, const char *extra)
{
    uint64_t clen = body ? blen : gen;
    int h = snprintf(resp, sizeof(resp),
                     "HTTP/1.1 %d %s\r\nServer: wirepath-httpd\r\nContent-Type: %s\r\n"
                     "Content-Length: %llu\r\nConnection: %s\r\n%s\r\n",
                     code, reason(code), type, (unsigned long long)clen,
                     keep ? "keep-alive" : "close", extra ? extra : "");
    size_t total = (size_t)h + (body && !head_only ? blen : 0);
    if (h < 0 || total > sizeof(c->out))
        return respond(c, 500, "text/plain", "500 response too large\n", 23, 0, false, false, 0);
    if (c->out_off) {
        memmove(c->out, c->out + c->out_off, c->out_len);
        c->out_off = 0;
    }
    if (total > sizeof(c->out) - c->out_len)
        return false;               /* again once the buffer drained */
    memcpy(c->out + c->out_off + c->out_len, resp, (size_t)h);
    c->out_len += (size_t)h;
    if (body && !head_only) {
        memcpy(c->out + c->out_off + c->out_len, body, blen);
        c->out_len += blen;
    }
    if (!body && !head_only) {
        c->body_left = gen;
        c->body_pos = 0;
    }
    if (!keep)
        c->close_after = true;
    c->served++;
    return true;
}

static bool respond_error(struct conn *c, int code)
{
    char b[96];
    int n = snprintf(b, sizeof(b), "%d %s\n", code, reason(code));
    return respond(c, code, "text/plain", b, (size_t)n, 0, false, false, 0);
}

/* One complete request head in c->in[0..hlen). Returns false if the response does not
 * fit yet (nothing consumed); true when handled (the caller consumes hlen bytes). */
static bool handle_request(struct conn *c, size_t hlen)
{
    struct http_req rq;
    int err = http_parse_head(c->in, hlen, &rq);
    if (err)
        return respond_error(c, err);
    if (rq.content_length > BODY_MAX)
        return respond_error(c, 413);
    bool keep = rq.keep, head = rq.head;
    const char *target = rq.target;
    size_t plen = rq.path_len;
    long long clen = rq.content_length;
    bool ok;
    if (!rq.get && !head) {
        char b[64];
        int n = snprintf(b, sizeof(b), "405 %s\n", reason(405));
        ok = respond(c, 405, "text/plain", b, (size_t)n, 0, false, keep, "Allow: GET, HEAD\r\n");
    } else if ((plen == 1 && target[0] == '/') || (plen == 11 && !memcmp(target, "/index.html", 11))) {
        ok = respond(c, 200, "text/html", index_html, sizeof(index_html) - 1, 0, head, keep, 0);
    } else if (plen == 6 && !memcmp(target, "/stats", 6)) {
        size_t n;
        const char *type;
        int code = stats_body(&n, &type);
        ok = respond(c, code, type, statsbuf, n, 0, head, keep, "Cache-Control: no-store\r\n");
    } else if (plen == 3 && !memcmp(target, "/1k", 3)) {
        ok = respond(c, 200, "application/octet-stream", 0, 0, 1024, head, keep, 0);
    } else if (plen == 5 && !memcmp(target, "/100k", 5)) {
        ok = respond(c, 200, "application/octet-stream", 0, 0, 102400, head, keep, 0);
    } else if (plen == 3 && !memcmp(target, "/1m", 3)) {
        ok = respond(c, 200, "application/octet-stream", 0, 0, 1048576, head, keep, 0);
    } else {
        char b[64];
        int n = snprintf(b, sizeof(b), "404 %s\n", reason(404));
        ok = respond(c, 404, "text/plain", b, (size_t)n, 0, head, keep, 0);
    }
    if (ok && clen > 0)
        c->skip_left = (uint64_t)clen;
    return ok;
}

static void consume(struct conn *c, size_t n)
{
    memmove(c->in, c->in + n, c->in_len - n);
    c->in_len -= n;
}

/* answer every complete request in the input, in order, while output has room */
static void process(struct conn *c, int64_t now)
{
    while (!c->close_after && !c->body_left) {
        if (c->skip_left) {
            size_t n = c->in_len < c->skip_left ? c->in_len : (size_t)c->skip_left;
            consume(c, n);
            c->skip_left -= n;
            if (c->skip_left)
                return;
        }
        size_t hlen = http_head_len(c->in, c->in_len);
        if (!hlen) {
            if (c->in_len == sizeof(c->in)) {
                const char *nl = memchr(c->in, '\n', c->in_len);
                respond_error(c, !nl && c->in_len >= LINE_MAX ? 414 : 431);
            } else if (c->in_len && !memchr(c->in, '\n', c->in_len) && c->in_len > LINE_MAX) {
                respond_error(c, 414);
            } else if (c->peer_eof) {
                if (c->in_len)
                    respond_error(c, 400);  /* the client ended inside a request */
                else
                    c->close_after = true;
            }
            if (c->in_len && !c->req_start_ms)
                c->req_start_ms = now;
            return;
        }
        /* skip empty lines before a request (RFC 9112 2.2) */
        if (c->in[0] == '\r' || c->in[0] == '\n') {
            consume(c, c->in[0] == '\r' && c->in_len > 1 && c->in[1] == '\n' ? 2 : 1);
            continue;
        }
        if (!handle_request(c, hlen))
            return;                 /* output full: again once it drained */
        consume(c, hlen);
        c->req_start_ms = c->in_len ? now : 0;
    }
}

static void conn_close(struct conn *c)
{
    close(c->fd);
    c->fd = -1;
}

/* fill the output buffer from the generated body */
static void body_fill(struct conn *c)
{
    if (!c->body_left)
        return;
    if (c->out_off) {
        memmove(c->out, c->out + c->out_off, c->out_len);
        c->out_off = 0;
    }
    while (c->body_left && c->out_len < sizeof(c->out)) {
        size_t at = (size_t)(c->body_pos % sizeof(pattern));
        size_t n = sizeof(pattern) - at;
        if (n > sizeof(c->out) - c->out_len) n = sizeof(c->out) - c->out_len;
        if (n > c->body_left) n = (size_t)c->body_left;
        memcpy(c->out + c->out_len, pattern + at, n);
        c->out_len += n;
        c->body_left -= n;
        c->body_pos += n;
    }
}

/* false when the connection was closed */
static bool conn_write(struct conn *c, int64_t now)
{
    body_fill(c);
    while (c->out_len) {
        long n = svc_send(c->fd, c->out + c->out_off, c->out_len);
        if (n < 0) {
            conn_close(c);
            return false;
        }
        if (n == 0)
            return true;
        c->out_off += (size_t)n;
        c->out_len -= (size_t)n;
        c->last_ms = now;
        if (!c->out_len)
            c->out_off = 0;
        body_fill(c);
    }
    return true;
}

static bool conn_read(struct conn *c, int64_t now)
{
    if (c->lingering) {
        char junk[2048];
        long n = recv(c->fd, junk, sizeof(junk), 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            conn_close(c);
            return false;
        }
        return true;
    }
    size_t room = sizeof(c->in) - c->in_len;
    if (!room)
        return true;
    long n = recv(c->fd, c->in + c->in_len, room, 0);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return true;
        conn_close(c);
        return false;
    }
    if (n == 0) {
        c->peer_eof = true;
    } else {
        if (!c->in_len && !c->skip_left)
            c->req_start_ms = now;
        c->in_len += (size_t)n;
        c->last_ms = now;
    }
    return true;
}

/* timeouts; false when the connection was closed */
static bool conn_timers(struct conn *c, int64_t now, int *timeout)
{
    int64_t due;
    if (c->lingering) {
        due = c->last_ms + LINGER_MS;
    } else if (c->out_len || c->body_left) {
        due = c->last_ms + idle_ms;             /* a client that does not read */
    } else if (c->in_len || c->skip_left) {
        due = (c->req_start_ms ? c->req_start_ms : c->last_ms) + idle_ms;
        if (now >= due && !c->close_after) {
            respond_error(c, 408);              /* a request too slow to arrive */
            c->last_ms = now;
            return true;
        }
    } else {
        due = c->last_ms + idle_ms;
        if (now >= due && !c->served && !c->close_after) {
            respond_error(c, 408);              /* connected, never asked anything */
            c->last_ms = now;
            return true;
        }
    }
    if (now >= due) {
        conn_close(c);
        return false;
    }
    int left = (int)(due - now);
    if (*timeout < 0 || left < *timeout)
        *timeout = left;
    return true;
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 80;
    if (argc > 2)
        idle_ms = atoi(argv[2]) * 1000;
    long max_conns = argc > 3 ? atol(argv[3]) : -1;
    if (port <= 0 || port > 65535 || idle_ms <= 0) {
        printf("httpd: usage: httpd [port [idle_s [connections]]]\n");
        return 2;
    }
    int lfd = svc_listen_tcp("httpd", port, 64);
    if (lfd < 0)
        return 1;
    for (size_t i = 0; i < sizeof(pattern); i++)
        pattern[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
    for (int i = 0; i < MAX_CONN; i++)
        conns[i].fd = -1;
    printf("httpd: listening on tcp port %d\n", port);
    fflush(stdout);

    long accepted = 0, active = 0;
    struct pollfd pf[MAX_CONN + 1];
    struct conn *who[MAX_CONN + 1];
    for (;;) {
        int64_t now = svc_now_ms();
        int timeout = -1;
        nfds_t n = 0;
        bool more = max_conns < 0 || accepted < max_conns;
        if (!more && !active)
            break;
        if (more && active < MAX_CONN) {
            pf[n] = (struct pollfd){ lfd, POLLIN, 0 };
            who[n++] = 0;
        }
        for (int i = 0; i < MAX_CONN; i++) {
            struct conn *c = &conns[i];
            if (c->fd < 0)
                continue;
            process(c, now);
            if (c->close_after && !c->out_len && !c->body_left && !c->lingering) {
                shutdown(c->fd, SHUT_WR);    /* let the reply arrive before any reset */
                c->lingering = true;
                c->last_ms = now;
            }
            if (!conn_timers(c, now, &timeout)) {
                active--;
                continue;
            }
            short ev = 0;
            if (c->lingering || (!c->peer_eof && c->in_len < sizeof(c->in)))
                ev |= POLLIN;
            if (c->out_len || c->body_left)
                ev |= POLLOUT;
            pf[n] = (struct pollfd){ c->fd, ev, 0 };
            who[n++] = c;
        }
        int r = poll(pf, n, timeout);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            printf("httpd: poll: %s\n", strerror(errno));
            return 1;
        }
        now = svc_now_ms();
        for (nfds_t k = 0; k < n; k++) {
            struct conn *c = who[k];
            short re = pf[k].revents;
            if (!re)
                continue;
            if (!c) {
                for (int i = 0; i < MAX_CONN && active < MAX_CONN; i++) {
                    if (conns[i].fd >= 0)
                        continue;
                    int fd = accept(lfd, 0, 0);
                    if (fd < 0)
                        break;
                    svc_nonblock(fd);
                    struct conn *nc = &conns[i];
                    nc->fd = fd;
                    nc->in_len = nc->out_off = nc->out_len = 0;
                    nc->body_left = nc->body_pos = nc->skip_left = 0;
                    nc->close_after = nc->lingering = nc->peer_eof = false;
                    nc->req_start_ms = 0;
                    nc->last_ms = now;
                    nc->served = 0;
                    active++;
                    accepted++;
                    if (max_conns >= 0 && accepted >= max_conns)
                        break;
                }
                continue;
            }
            if (c->fd < 0)
                continue;
            if ((re & (POLLOUT | POLLERR)) && !conn_write(c, now)) {
                active--;
                continue;
            }
            if ((re & (POLLIN | POLLHUP | POLLERR)) && !conn_read(c, now)) {
                active--;
                continue;
            }
            if ((re & POLLHUP) && c->peer_eof && !c->in_len) {
                conn_close(c);      /* gone both ways */
                active--;
            }
        }
    }
    close(lfd);
    printf("httpd: served %ld connections\n", accepted);
    return 0;
}
