/* apps/lib/common/iperf3_proto.c - iperf3's control protocol, server side (see
 * iperf3_proto.h). Byte-driven: whatever the client sends, however split, moves the
 * machine one state at a time; anything out of turn ends the test with an event, never
 * a read or write past a buffer. */
#include <errno.h>
#include <string.h>
#include "iperf3_proto.h"
#include "json.h"

const char *iperf3_state_name(enum iperf3_state s)
{
    static const char *const n[] = { "COOKIE", "PARAMS", "CREATE", "RUNNING", "RESULTS",
                                      "DONE", "END" };
    return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

void iperf3_ctl_init(struct iperf3_ctl *c)
{
    c->st = IPERF3_ST_COOKIE;
    c->cookie_got = 0;
    c->len_got = 0;
    c->json_len = c->json_got = 0;
    c->json[0] = 0;
    memset(&c->p, 0, sizeof(c->p));
    c->why = 0;
    c->err_code = c->err_errno = 0;
    c->out_off = c->out_len = 0;
}

static void queue(struct iperf3_ctl *c, const void *p, size_t n)
{
    if (c->out_off + c->out_len + n > sizeof(c->out)) {
        memmove(c->out, c->out + c->out_off, c->out_len);
        c->out_off = 0;
    }
    if (c->out_len + n > sizeof(c->out))
        return;                     /* cannot happen: results are bounded by MAX_JSON */
    memcpy(c->out + c->out_off + c->out_len, p, n);
    c->out_len += n;
}

static void queue_state(struct iperf3_ctl *c, int8_t s) { queue(c, &s, 1); }

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

void iperf3_ctl_sent(struct iperf3_ctl *c, size_t n)
{
    if (n > c->out_len)
        n = c->out_len;
    c->out_off += n;
    c->out_len -= n;
    if (!c->out_len)
        c->out_off = 0;
}

void iperf3_ctl_error(struct iperf3_ctl *c, int code, int err, const char *why)
{
    unsigned char m[9] = { (unsigned char)(int8_t)IPERF3_SERVER_ERROR };
    put_be32(m + 1, (uint32_t)code);
    put_be32(m + 5, (uint32_t)err);
    queue(c, m, sizeof(m));
    c->st = IPERF3_ST_END;
    c->why = why;
    c->err_code = code;
    c->err_errno = err;
}

int iperf3_params_parse(const char *json, size_t n, struct iperf3_params *p, int *err,
                        const char **why)
{
    memset(p, 0, sizeof(*p));
    if (!json_valid(json, n)) {
        *err = EINVAL;
        *why = "parameters are not JSON";
        return IPERF3_IERECVPARAMS;
    }
    p->udp = json_get_bool(json, n, "udp", false);
    bool tcp = json_get_bool(json, n, "tcp", false);
    p->reverse = json_get_bool(json, n, "reverse", false);
    int64_t parallel = json_get_int(json, n, "parallel", 1);
    int64_t omit = json_get_int(json, n, "omit", 0);
    int64_t time = json_get_int(json, n, "time", 10);
    int64_t len = json_get_int(json, n, "len", p->udp ? 1460 : 131072);
    int64_t bw = json_get_int(json, n, "bandwidth", p->udp ? 1048576 : 0);
    p->c64 = json_get_bool(json, n, "udp_counters_64bit", false);
    p->get_output = json_get_bool(json, n, "get_server_output", false);
    if (json_get_bool(json, n, "bidirectional", false) || json_get_bool(json, n, "sctp", false) ||
        (!p->udp && !tcp)) {
        *err = EOPNOTSUPP;
        *why = "bidirectional or SCTP test asked for";
        return IPERF3_IEUNIMP;
    }
    /* bounds before the narrowing: a huge value must not wrap into range */
    if (parallel < 1 || parallel > IPERF3_MAX_STREAMS || omit < 0 || omit > 86400 ||
        time < 0 || time > 86400 || len < (p->udp ? 16 : 1) ||
        len > (p->udp ? 65507 : 1 << 20) || bw < 0) {
        *err = EINVAL;
        *why = "parameters out of range";
        return IPERF3_IERECVPARAMS;
    }
    p->parallel = (int)parallel;
    p->omit = (int)omit;
    p->time = (int)time;
    p->blksize = (long)len;
    p->bandwidth = (uint64_t)bw;
    return 0;
}

void iperf3_ctl_streams_wanted(struct iperf3_ctl *c)
{
    if (c->st != IPERF3_ST_CREATE)
        return;
    queue_state(c, IPERF3_CREATE_STREAMS);
}

void iperf3_ctl_streams_ready(struct iperf3_ctl *c)
{
    if (c->st != IPERF3_ST_CREATE)
        return;
    c->st = IPERF3_ST_RUNNING;
    queue_state(c, IPERF3_TEST_START);
    queue_state(c, IPERF3_TEST_RUNNING);
}

void iperf3_ctl_test_ended(struct iperf3_ctl *c)
{
    if (c->st != IPERF3_ST_RUNNING)
        return;
    queue_state(c, IPERF3_EXCHANGE_RESULTS);
    c->st = IPERF3_ST_RESULTS;
    c->len_got = 0;
    c->json_got = 0;
}

bool iperf3_ctl_send_results(struct iperf3_ctl *c, const char *json, size_t len)
{
    if (len > IPERF3_MAX_JSON) {
        iperf3_ctl_error(c, IPERF3_IERECVRESULTS, ENOBUFS, "results do not fit");
        return false;
    }
    unsigned char l[4];
    put_be32(l, (uint32_t)len);
    queue(c, l, 4);
    queue(c, json, len);
    queue_state(c, IPERF3_DISPLAY_RESULTS);
    c->st = IPERF3_ST_DONE;
    return true;
}

bool iperf3_ctl_cookie_matches(const struct iperf3_ctl *c, const char *cookie)
{
    return c->st == IPERF3_ST_CREATE && memcmp(cookie, c->cookie, IPERF3_COOKIE_SIZE) == 0;
}

static enum iperf3_event abort_with(struct iperf3_ctl *c, const char *why)
{
    c->st = IPERF3_ST_END;
    c->why = why;
    return IPERF3_EV_ABORT;
}

/* One byte of a length-prefixed JSON (PARAMS, RESULTS); an event once it is whole. */
static enum iperf3_event json_byte(struct iperf3_ctl *c, unsigned char b)
{
    int code = c->st == IPERF3_ST_PARAMS ? IPERF3_IERECVPARAMS : IPERF3_IERECVRESULTS;
    if (c->len_got < 4) {
        c->lenbuf[c->len_got++] = b;
        if (c->len_got == 4) {
            c->json_len = (uint32_t)c->lenbuf[0] << 24 | (uint32_t)c->lenbuf[1] << 16 |
                          (uint32_t)c->lenbuf[2] << 8 | c->lenbuf[3];
            c->json_got = 0;
            if (c->json_len == 0 || c->json_len > IPERF3_MAX_JSON) {
                iperf3_ctl_error(c, code, EINVAL, "JSON length out of range");
                return IPERF3_EV_ERROR;
            }
        }
        return IPERF3_EV_NONE;
    }
    c->json[c->json_got++] = (char)b;
    if (c->json_got < c->json_len)
        return IPERF3_EV_NONE;
    c->json[c->json_len] = 0;
    if (c->st == IPERF3_ST_PARAMS) {
        int err = 0;
        const char *why = 0;
        int r = iperf3_params_parse(c->json, c->json_len, &c->p, &err, &why);
        if (r) {
            iperf3_ctl_error(c, r, err, why);
            return IPERF3_EV_ERROR;
        }
        c->st = IPERF3_ST_CREATE;
        return IPERF3_EV_PARAMS;
    }
    if (!json_valid(c->json, c->json_len)) {
        iperf3_ctl_error(c, code, EINVAL, "client results are not JSON");
        return IPERF3_EV_ERROR;
    }
    return IPERF3_EV_RESULTS;       /* the client's own figures are not needed here */
}

static enum iperf3_event ctl_byte(struct iperf3_ctl *c, unsigned char b)
{
    switch (c->st) {
    case IPERF3_ST_COOKIE:
        c->cookie[c->cookie_got++] = (char)b;
        if (c->cookie_got == IPERF3_COOKIE_SIZE) {
            queue_state(c, IPERF3_PARAM_EXCHANGE);
            c->st = IPERF3_ST_PARAMS;
            c->len_got = c->json_got = 0;
        }
        return IPERF3_EV_NONE;
    case IPERF3_ST_PARAMS:
        return json_byte(c, b);
    case IPERF3_ST_RESULTS:
        /* the RESULTS event leaves the state as it is until the caller answers */
        if (c->len_got == 4 && c->json_got == c->json_len)
            return abort_with(c, "control data after the results");
        return json_byte(c, b);
    case IPERF3_ST_RUNNING:
        if (b == IPERF3_TEST_END)
            return IPERF3_EV_TEST_END;
        if (b == IPERF3_TEST_START)
            return IPERF3_EV_NONE;
        return abort_with(c, b == IPERF3_CLIENT_TERMINATE ? "client terminated"
                                                          : "unknown control message");
    case IPERF3_ST_DONE:
        if (b == IPERF3_DONE) {
            c->st = IPERF3_ST_END;
            c->why = 0;
            return IPERF3_EV_DONE;
        }
        return abort_with(c, "unknown control message");
    case IPERF3_ST_CREATE:
        /* the client says nothing until TEST_RUNNING except on a signal */
        return abort_with(c, b == IPERF3_CLIENT_TERMINATE ? "client terminated"
                                                          : "unexpected control data");
    case IPERF3_ST_END:
    default:
        return abort_with(c, "control data after the end");
    }
}

enum iperf3_event iperf3_ctl_input(struct iperf3_ctl *c, const void *buf, size_t n,
                                   size_t *used)
{
    const unsigned char *p = buf;
    size_t i = 0;
    enum iperf3_event ev = IPERF3_EV_NONE;
    /* a TEST_END or RESULTS event waits for the caller's answer: nothing is read meanwhile */
    while (i < n && ev == IPERF3_EV_NONE) {
        if (c->st == IPERF3_ST_RESULTS && c->len_got == 4 && c->json_got == c->json_len &&
            c->json_len)
            break;
        ev = ctl_byte(c, p[i++]);
    }
    *used = i;
    return ev;
}
