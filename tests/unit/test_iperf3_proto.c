// SOURCES: apps/lib/common/iperf3_proto.c apps/lib/common/json.c
/* tests/unit/test_iperf3_proto.c - iperf3's control protocol, server side
 * (apps/lib/common/iperf3_proto.c), driven as iperf3d drives it: a whole TCP test and a
 * UDP -R test byte by byte and in one piece, the parameters' defaults and bounds,
 * garbage and out-of-turn bytes (SERVER_ERROR or a silent end, never a read past a
 * buffer), the cookie of the data connections, and the output queue. */
#include "tests/unit/unit.h"
#include "apps/lib/common/iperf3_proto.h"
#include <errno.h>

static struct iperf3_ctl c;          /* 130 KiB: not on the stack */
static const char cookie[IPERF3_COOKIE_SIZE] = "abcdefghijklmnopqrstuvwxyz234567abcd";

/* Everything queued so far, taken out of the queue. */
static size_t drain(unsigned char *out, size_t cap)
{
    size_t n;
    const unsigned char *p = iperf3_ctl_out(&c, &n);
    if (n > cap)
        n = cap;
    memcpy(out, p, n);
    iperf3_ctl_sent(&c, n);
    return n;
}

/* Feed bytes; one byte at a time when split. Returns the first event (and *used). */
static enum iperf3_event feed(const void *buf, size_t n, bool split, size_t *used)
{
    const unsigned char *p = buf;
    size_t off = 0;
    enum iperf3_event ev = IPERF3_EV_NONE;
    while (off < n && ev == IPERF3_EV_NONE) {
        size_t u, len = split ? 1 : n - off;
        ev = iperf3_ctl_input(&c, p + off, len, &u);
        CHECK(u <= len);
        off += u;
        if (!u && ev == IPERF3_EV_NONE)
            break;
    }
    if (used)
        *used = off;
    return ev;
}

static size_t framed(unsigned char *b, const char *json)
{
    size_t n = strlen(json);
    b[0] = (unsigned char)(n >> 24); b[1] = (unsigned char)(n >> 16);
    b[2] = (unsigned char)(n >> 8); b[3] = (unsigned char)n;
    memcpy(b + 4, json, n);
    return n + 4;
}

static void start_test(const char *params, bool split)
{
    unsigned char out[64], b[1024];
    iperf3_ctl_init(&c);
    CHECK_EQ(c.st, IPERF3_ST_COOKIE);
    CHECK_EQ(feed(cookie, IPERF3_COOKIE_SIZE, split, NULL), IPERF3_EV_NONE);
    CHECK_EQ(c.st, IPERF3_ST_PARAMS);
    CHECK_EQ(drain(out, sizeof(out)), 1);
    CHECK_EQ(out[0], IPERF3_PARAM_EXCHANGE);
    size_t n = framed(b, params), used;
    CHECK_EQ(feed(b, n, split, &used), IPERF3_EV_PARAMS);
    CHECK_EQ(used, n);
    CHECK_EQ(c.st, IPERF3_ST_CREATE);
}

static void whole_tcp_test(bool split)
{
    unsigned char out[256], b[256];
    start_test("{\"tcp\":true,\"omit\":0,\"time\":2,\"parallel\":4,\"len\":8192,"
               "\"get_server_output\":1,\"client_version\":\"3.12\"}", split);
    CHECK(!c.p.udp && !c.p.reverse);
    CHECK_EQ(c.p.parallel, 4);
    CHECK_EQ(c.p.time, 2);
    CHECK_EQ(c.p.blksize, 8192);
    iperf3_ctl_streams_wanted(&c);
    CHECK_EQ(drain(out, sizeof(out)), 1);
    CHECK_EQ(out[0], IPERF3_CREATE_STREAMS);
    /* data connections present the same cookie; another one is not ours */
    CHECK(iperf3_ctl_cookie_matches(&c, cookie));
    char other[IPERF3_COOKIE_SIZE];
    memcpy(other, cookie, sizeof(other));
    other[5] ^= 1;
    CHECK(!iperf3_ctl_cookie_matches(&c, other));
    iperf3_ctl_streams_ready(&c);
    CHECK_EQ(c.st, IPERF3_ST_RUNNING);
    CHECK_EQ(drain(out, sizeof(out)), 2);
    CHECK(out[0] == IPERF3_TEST_START && out[1] == IPERF3_TEST_RUNNING);
    CHECK(!iperf3_ctl_cookie_matches(&c, cookie));       /* too late for streams */
    /* TEST_END with the client's results already behind it in the same read: the event
     * stops at TEST_END and leaves the rest */
    b[0] = IPERF3_TEST_END;
    size_t n = 1 + framed(b + 1, "{\"cpu_util_total\":1,\"streams\":[]}"), used;
    CHECK_EQ(feed(b, n, split, &used), IPERF3_EV_TEST_END);
    CHECK_EQ(used, 1);
    iperf3_ctl_test_ended(&c);
    CHECK_EQ(c.st, IPERF3_ST_RESULTS);
    CHECK_EQ(drain(out, sizeof(out)), 1);
    CHECK_EQ(out[0], IPERF3_EXCHANGE_RESULTS);
    size_t u2;
    CHECK_EQ(feed(b + used, n - used, split, &u2), IPERF3_EV_RESULTS);
    CHECK_EQ(u2, n - used);
    /* until answered, further input is not taken */
    unsigned char more = IPERF3_DONE;
    CHECK_EQ(iperf3_ctl_input(&c, &more, 1, &u2), IPERF3_EV_NONE);
    CHECK_EQ(u2, 0);
    const char *res = "{\"streams\":[{\"id\":1,\"bytes\":5}]}";
    CHECK(iperf3_ctl_send_results(&c, res, strlen(res)));
    CHECK_EQ(c.st, IPERF3_ST_DONE);
    size_t got = drain(out, sizeof(out));
    CHECK_EQ(got, 4 + strlen(res) + 1);
    CHECK(out[0] == 0 && out[1] == 0 && out[2] == 0 && out[3] == strlen(res));
    CHECK(!memcmp(out + 4, res, strlen(res)));
    CHECK_EQ(out[got - 1], IPERF3_DISPLAY_RESULTS);
    CHECK_EQ(feed(&more, 1, split, NULL), IPERF3_EV_DONE);
    CHECK_EQ(c.st, IPERF3_ST_END);
    CHECK(c.why == NULL);
}

TEST(tcp_test_whole_exchange)
{
    whole_tcp_test(false);
    whole_tcp_test(true);
}

TEST(udp_reverse_params_and_defaults)
{
    start_test("{\"udp\":true,\"reverse\":true,\"bandwidth\":10000000,\"udp_counters_64bit\":1}",
               false);
    CHECK(c.p.udp && c.p.reverse && c.p.c64);
    CHECK_EQ(c.p.bandwidth, 10000000);
    CHECK_EQ(c.p.blksize, 1460);                 /* iperf3's UDP default */
    CHECK_EQ(c.p.parallel, 1);
    CHECK_EQ(c.p.time, 10);
    struct iperf3_params p;
    int err;
    const char *why;
    CHECK_EQ(iperf3_params_parse("{\"tcp\":true}", 12, &p, &err, &why), 0);
    CHECK_EQ(p.blksize, 131072);
    CHECK_EQ(p.bandwidth, 0);                    /* TCP: unlimited */
    CHECK_EQ(iperf3_params_parse("{\"udp\":true}", 12, &p, &err, &why), 0);
    CHECK_EQ(p.bandwidth, 1048576);              /* UDP: 1 Mbit/s */
}

static void expect_param_error(const char *json, int code, int err)
{
    unsigned char out[64], b[512];
    iperf3_ctl_init(&c);
    feed(cookie, IPERF3_COOKIE_SIZE, false, NULL);
    drain(out, sizeof(out));
    size_t n = framed(b, json);
    CHECK_EQ(feed(b, n, false, NULL), IPERF3_EV_ERROR);
    CHECK_EQ(c.st, IPERF3_ST_END);
    CHECK_EQ(c.err_code, code);
    CHECK_EQ(c.err_errno, err);
    CHECK(c.why != NULL);
    /* SERVER_ERROR, then the code and errno big-endian, 9 bytes */
    CHECK_EQ(drain(out, sizeof(out)), 9);
    CHECK_EQ((int8_t)out[0], IPERF3_SERVER_ERROR);
    CHECK_EQ(out[4], code & 0xff);
    CHECK_EQ(out[8], err & 0xff);
}

TEST(bad_parameters_server_error)
{
    expect_param_error("{this is not json!!}", IPERF3_IERECVPARAMS, EINVAL);
    expect_param_error("{\"tcp\":true,\"bidirectional\":true}", IPERF3_IEUNIMP, EOPNOTSUPP);
    expect_param_error("{\"sctp\":true}", IPERF3_IEUNIMP, EOPNOTSUPP);
    expect_param_error("{\"omit\":1}", IPERF3_IEUNIMP, EOPNOTSUPP);     /* neither tcp nor udp */
    expect_param_error("{\"tcp\":true,\"parallel\":0}", IPERF3_IERECVPARAMS, EINVAL);
    expect_param_error("{\"tcp\":true,\"parallel\":33}", IPERF3_IERECVPARAMS, EINVAL);
    /* a huge value must not wrap into range when narrowed */
    expect_param_error("{\"tcp\":true,\"parallel\":4294967297}", IPERF3_IERECVPARAMS, EINVAL);
    expect_param_error("{\"tcp\":true,\"time\":-1}", IPERF3_IERECVPARAMS, EINVAL);
    expect_param_error("{\"tcp\":true,\"len\":2000000}", IPERF3_IERECVPARAMS, EINVAL);
    expect_param_error("{\"udp\":true,\"len\":15}", IPERF3_IERECVPARAMS, EINVAL);
    expect_param_error("{\"udp\":true,\"len\":65508}", IPERF3_IERECVPARAMS, EINVAL);
    expect_param_error("{\"udp\":true,\"bandwidth\":-5}", IPERF3_IERECVPARAMS, EINVAL);
}

TEST(bad_lengths_and_out_of_turn_bytes)
{
    unsigned char out[64];
    /* a zero or oversized JSON length is refused before any body is read */
    static const unsigned char zero[4] = { 0, 0, 0, 0 }, huge[4] = { 0, 1, 0, 1 };
    const unsigned char *lens[] = { zero, huge };
    for (int i = 0; i < 2; i++) {
        iperf3_ctl_init(&c);
        feed(cookie, IPERF3_COOKIE_SIZE, false, NULL);
        drain(out, sizeof(out));
        size_t used;
        CHECK_EQ(feed(lens[i], 4, true, &used), IPERF3_EV_ERROR);
        CHECK_EQ(used, 4);
        CHECK_EQ(c.err_code, IPERF3_IERECVPARAMS);
    }
    /* client data while streams are being created: the test ends silently */
    start_test("{\"tcp\":true}", false);
    drain(out, sizeof(out));
    unsigned char x = 0x42;
    CHECK_EQ(feed(&x, 1, false, NULL), IPERF3_EV_ABORT);
    CHECK_EQ(c.st, IPERF3_ST_END);
    /* CLIENT_TERMINATE while running */
    start_test("{\"tcp\":true}", false);
    iperf3_ctl_streams_ready(&c);
    x = IPERF3_CLIENT_TERMINATE;
    CHECK_EQ(feed(&x, 1, false, NULL), IPERF3_EV_ABORT);
    CHECK_STR(c.why, "client terminated");
    /* a repeated TEST_START is harmless, an unknown byte is not */
    start_test("{\"tcp\":true}", false);
    iperf3_ctl_streams_ready(&c);
    x = IPERF3_TEST_START;
    CHECK_EQ(feed(&x, 1, false, NULL), IPERF3_EV_NONE);
    x = 99;
    CHECK_EQ(feed(&x, 1, false, NULL), IPERF3_EV_ABORT);
    /* nothing is taken after the end */
    size_t used;
    CHECK_EQ(iperf3_ctl_input(&c, &x, 1, &used), IPERF3_EV_ABORT);
    CHECK_EQ(c.st, IPERF3_ST_END);
    /* transitions out of turn do nothing */
    iperf3_ctl_init(&c);
    iperf3_ctl_streams_ready(&c);
    iperf3_ctl_test_ended(&c);
    iperf3_ctl_streams_wanted(&c);
    CHECK_EQ(c.st, IPERF3_ST_COOKIE);
    CHECK_EQ(drain(out, sizeof(out)), 0);
    CHECK_STR(iperf3_state_name(IPERF3_ST_RUNNING), "RUNNING");
}

TEST(results_too_long_and_not_json)
{
    unsigned char out[64], b[128];
    start_test("{\"tcp\":true}", false);
    iperf3_ctl_streams_ready(&c);
    iperf3_ctl_test_ended(&c);
    drain(out, sizeof(out));
    size_t n = framed(b, "[1,2");
    CHECK_EQ(feed(b, n, false, NULL), IPERF3_EV_ERROR);
    CHECK_EQ(c.err_code, IPERF3_IERECVRESULTS);
    /* our own results longer than the protocol allows: an error, not an overflow */
    start_test("{\"tcp\":true}", false);
    iperf3_ctl_streams_ready(&c);
    iperf3_ctl_test_ended(&c);
    n = framed(b, "{}");
    CHECK_EQ(feed(b, n, false, NULL), IPERF3_EV_RESULTS);
    static char big[IPERF3_MAX_JSON + 2];
    memset(big, ' ', sizeof(big));
    CHECK(!iperf3_ctl_send_results(&c, big, sizeof(big)));
    CHECK_EQ(c.st, IPERF3_ST_END);
    CHECK_EQ(c.err_errno, ENOBUFS);
}

TEST(output_queue_partial_writes)
{
    unsigned char out[64];
    start_test("{\"tcp\":true}", false);
    iperf3_ctl_streams_wanted(&c);
    iperf3_ctl_streams_ready(&c);
    size_t n;
    const unsigned char *p = iperf3_ctl_out(&c, &n);
    CHECK_EQ(n, 3);
    CHECK_EQ(p[0], IPERF3_CREATE_STREAMS);
    iperf3_ctl_sent(&c, 1);                       /* the socket took one byte */
    p = iperf3_ctl_out(&c, &n);
    CHECK_EQ(n, 2);
    CHECK_EQ(p[0], IPERF3_TEST_START);
    iperf3_ctl_sent(&c, 100);                     /* more than queued: clamped */
    CHECK_EQ(drain(out, sizeof(out)), 0);
}
