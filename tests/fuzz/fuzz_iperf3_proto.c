// SOURCES: apps/lib/common/iperf3_proto.c apps/lib/common/json.c
/* tests/fuzz/fuzz_iperf3_proto.c - iperf3's control protocol, server side
 * (apps/lib/common/iperf3_proto.c), fed whatever a client might send, in reads of
 * varying size, with the events answered as iperf3d answers them: every event leaves the
 * machine in a known state, no input is taken past what was given, the output queue
 * stays within its buffer, and a finished test takes nothing more. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "apps/lib/common/iperf3_proto.h"

static struct iperf3_ctl c;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* the first byte sets the read size (1-256) and how the caller writes its output */
    size_t chunk = (size_t)data[0] + 1;
    bool drain_all = data[0] & 1;
    data++;
    size--;
    iperf3_ctl_init(&c);
    size_t off = 0;
    for (int guard = 0; off < size && guard < 1 << 20; guard++) {
        size_t len = size - off < chunk ? size - off : chunk, used;
        enum iperf3_state before = c.st;
        enum iperf3_event ev = iperf3_ctl_input(&c, data + off, len, &used);
        if (used > len)
            abort();
        off += used;
        switch (ev) {
        case IPERF3_EV_NONE:
            if (!used && c.st != IPERF3_ST_RESULTS)
                abort();                /* no progress without a reason */
            break;
        case IPERF3_EV_PARAMS:
            if (c.st != IPERF3_ST_CREATE || c.p.parallel < 1 || c.p.parallel > IPERF3_MAX_STREAMS ||
                c.p.blksize < 1)
                abort();
            iperf3_ctl_streams_wanted(&c);
            iperf3_ctl_streams_ready(&c);   /* streams connect at once */
            break;
        case IPERF3_EV_TEST_END:
            if (c.st != IPERF3_ST_RUNNING)
                abort();
            iperf3_ctl_test_ended(&c);
            break;
        case IPERF3_EV_RESULTS:
            if (c.st != IPERF3_ST_RESULTS || c.json[c.json_len] != 0)
                abort();
            iperf3_ctl_send_results(&c, "{\"streams\":[]}", 14);
            break;
        case IPERF3_EV_DONE:
            if (before != IPERF3_ST_DONE || c.st != IPERF3_ST_END)
                abort();
            break;
        case IPERF3_EV_ERROR:
        case IPERF3_EV_ABORT:
            if (c.st != IPERF3_ST_END || !c.why)
                abort();
            break;
        }
        if (c.out_off + c.out_len > sizeof(c.out))
            abort();
        size_t n;
        iperf3_ctl_out(&c, &n);
        iperf3_ctl_sent(&c, drain_all ? n : n / 2);
        if (c.st == IPERF3_ST_END)
            break;
        if (!used && ev == IPERF3_EV_NONE)
            break;
    }
    return 0;
}
