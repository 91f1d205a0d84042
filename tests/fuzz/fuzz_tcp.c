// SOURCES: net/ipv4/tcp_hdr.c net/core/checksum.c kernel/lib/string.c
/* tests/fuzz/fuzz_tcp.c - TCP header and option parser: the first 8 input bytes are the
 * pseudo-header addresses, the rest the segment. No overread; an accepted segment's
 * header lies within the buffer, its options re-emit and parse back to the same values. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "net/ipv4/tcp_hdr.h"
#include "tests/fuzz/fuzz_util.h"

static void check(const uint8_t *buf, size_t size, uint32_t s, uint32_t d, unsigned flags)
{
    struct tcp_repr r;
    if (tcp_hdr_parse(buf, size, s, d, flags, &r) != TCP_PARSE_OK)
        return;
    if (r.hdr_len < TCP_HLEN_MIN || r.hdr_len > size || r.hdr_len + r.payload_len != size)
        abort();
    if (r.opt.num_sacks > TCP_NUM_SACKS || r.opt.wscale > TCP_MAX_WSCALE)
        abort();
    /* what we would send back with these values parses to the same values */
    struct tcp_out_options o = {
        .mss = r.opt.mss_present, .mss_val = r.opt.mss,
        .wscale = r.opt.wscale_present, .wscale_val = r.opt.wscale,
        .sack_perm = r.opt.sack_perm, .ts = r.opt.ts_present,
        .tsval = r.opt.tsval, .tsecr = r.opt.tsecr,
        .num_sacks = (r.flags & TCPHDR_SYN) ? 0 : (uint8_t)(r.opt.num_sacks > 3 ? 3 : r.opt.num_sacks),
        .sacks = r.opt.sacks,
    };
    unsigned n = tcp_options_size(&o);
    if (n > TCP_MAX_OPTION_SPACE + 8 || n % 4)
        abort();
    uint8_t out[64];
    if (n > sizeof(out))
        return;
    tcp_options_write(out, &o);
    struct tcp_options p;
    if (tcp_options_parse(out, n, true, &p) != TCP_PARSE_OK)
        abort();
    if (p.mss_present != o.mss || (o.mss && p.mss != o.mss_val) || p.ts_present != o.ts ||
        (o.ts && (p.tsval != o.tsval || p.tsecr != o.tsecr)) || p.sack_perm != o.sack_perm)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_run_pseudo(data, size, TCP_PARSE_NO_CSUM, check);
}
