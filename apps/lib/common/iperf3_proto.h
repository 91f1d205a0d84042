/* apps/lib/common/iperf3_proto.h - the server side of iperf3's control protocol (the
 * 3.12 wire format), as a state machine with no sockets and no clock: iperf3d
 * (apps/iperf3d) feeds it the bytes of the control connection and carries out what it
 * reports; hosted tests and a fuzz target drive it the same way. Portable C, built into
 * both the wirepath and the Linux builds of the apps.
 *
 * The exchange, one signed state byte at a time from the server, the client's replies in
 * brackets:
 *   [37-byte cookie]  PARAM_EXCHANGE  [4-byte big-endian length, parameters JSON]
 *   CREATE_STREAMS  [data connections, each opening with the cookie; UDP: one datagram]
 *   TEST_START TEST_RUNNING  ... [TEST_END]  EXCHANGE_RESULTS
 *   [length, the client's results JSON]  length, the server's results JSON, DISPLAY_RESULTS
 *   [IPERF_DONE]
 * A SERVER_ERROR byte is followed by iperf3's error code and an errno, 4 bytes each. */
#ifndef WP_APP_IPERF3_PROTO_H
#define WP_APP_IPERF3_PROTO_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* control messages */
enum {
    IPERF3_TEST_START = 1, IPERF3_TEST_RUNNING = 2, IPERF3_TEST_END = 4,
    IPERF3_PARAM_EXCHANGE = 9, IPERF3_CREATE_STREAMS = 10, IPERF3_SERVER_TERMINATE = 11,
    IPERF3_CLIENT_TERMINATE = 12, IPERF3_EXCHANGE_RESULTS = 13, IPERF3_DISPLAY_RESULTS = 14,
    IPERF3_DONE = 16, IPERF3_ACCESS_DENIED = -1, IPERF3_SERVER_ERROR = -2,
};
/* iperf3's error codes sent with SERVER_ERROR */
enum { IPERF3_IEUNIMP = 13, IPERF3_IECTRLCLOSE = 109, IPERF3_IERECVPARAMS = 114,
       IPERF3_IERECVRESULTS = 117 };

#define IPERF3_COOKIE_SIZE 37
#define IPERF3_MAX_JSON    65536        /* a results JSON of 128 streams fits easily */
#define IPERF3_MAX_STREAMS 32           /* a wirepath app has 64 descriptors */
#define IPERF3_UDP_CONNECT_REPLY 0x39383736u

enum iperf3_state {
    IPERF3_ST_COOKIE,       /* reading the client's cookie */
    IPERF3_ST_PARAMS,       /* reading the parameters */
    IPERF3_ST_CREATE,       /* CREATE_STREAMS sent; the data connections come */
    IPERF3_ST_RUNNING,      /* the test runs until the client's TEST_END */
    IPERF3_ST_RESULTS,      /* reading the client's results */
    IPERF3_ST_DONE,         /* results sent; waiting for IPERF_DONE */
    IPERF3_ST_END,          /* over (done, error or abort): nothing more is read */
};

/* What the client asked for (the parameters JSON). */
struct iperf3_params {
    bool udp, reverse, c64, get_output;
    int parallel, omit, time;
    long blksize;
    uint64_t bandwidth;                 /* bit/s per stream; 0 = unlimited */
};

/* What iperf3_ctl_input stopped for. */
enum iperf3_event {
    IPERF3_EV_NONE,         /* all bytes taken; more are needed */
    IPERF3_EV_PARAMS,       /* params are in (valid): create the streams' listeners, then
                             * iperf3_ctl_streams_wanted has queued CREATE_STREAMS */
    IPERF3_EV_TEST_END,     /* the client ended the test: stop the streams, call
                             * iperf3_ctl_test_ended */
    IPERF3_EV_RESULTS,      /* the client's results are in (valid JSON): build ours and
                             * call iperf3_ctl_send_results */
    IPERF3_EV_DONE,         /* IPERF_DONE: flush the output and close */
    IPERF3_EV_ERROR,        /* bad input: SERVER_ERROR is queued; flush it and close */
    IPERF3_EV_ABORT,        /* the client terminated or said something out of turn:
                             * close without a word */
};

struct iperf3_ctl {
    enum iperf3_state st;
    char cookie[IPERF3_COOKIE_SIZE];
    size_t cookie_got;
    unsigned char lenbuf[4];
    size_t len_got;
    uint32_t json_len, json_got;
    char json[IPERF3_MAX_JSON + 1];     /* the JSON being read, NUL-terminated when whole */
    struct iperf3_params p;
    const char *why;                    /* ERROR / ABORT: a word for the log */
    int err_code, err_errno;            /* ERROR: what SERVER_ERROR carried */
    /* control output not yet written: ctl_out(), then iperf3_ctl_sent() */
    unsigned char out[IPERF3_MAX_JSON + 64];
    size_t out_off, out_len;
};

/* A new control connection: expect the cookie. */
void iperf3_ctl_init(struct iperf3_ctl *c);
/* Take bytes of the control connection. Returns at the first event; *used says how many
 * of the n bytes were taken (call again with the rest once the event is handled). */
enum iperf3_event iperf3_ctl_input(struct iperf3_ctl *c, const void *buf, size_t n,
                                   size_t *used);
/* Parse and check a parameters JSON into *p; 0, or an iperf3 error code with *err (an
 * errno value) and *why filled. Exposed for the tests. */
int iperf3_params_parse(const char *json, size_t n, struct iperf3_params *p, int *err,
                        const char **why);
/* After EV_PARAMS, once the caller is ready for the data connections. */
void iperf3_ctl_streams_wanted(struct iperf3_ctl *c);
/* All streams are connected: TEST_START, TEST_RUNNING; the test runs. */
void iperf3_ctl_streams_ready(struct iperf3_ctl *c);
/* After EV_TEST_END, the streams stopped: EXCHANGE_RESULTS; the client's results come. */
void iperf3_ctl_test_ended(struct iperf3_ctl *c);
/* After EV_RESULTS: our results JSON (len bytes), then DISPLAY_RESULTS. False (and an
 * error queued) when it is too long. */
bool iperf3_ctl_send_results(struct iperf3_ctl *c, const char *json, size_t len);
/* Anything the caller found wrong (no socket, ...): SERVER_ERROR code/errno; the end. */
void iperf3_ctl_error(struct iperf3_ctl *c, int code, int err, const char *why);
/* Does a data connection's first 37 bytes name this test? */
bool iperf3_ctl_cookie_matches(const struct iperf3_ctl *c, const char *cookie);
/* The output queue: bytes to write, and how many were written. */
static inline const unsigned char *iperf3_ctl_out(const struct iperf3_ctl *c, size_t *n)
{
    *n = c->out_len;
    return c->out + c->out_off;
}
void iperf3_ctl_sent(struct iperf3_ctl *c, size_t n);
const char *iperf3_state_name(enum iperf3_state s);

#endif
