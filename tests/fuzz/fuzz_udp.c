// SOURCES: net/ipv4/udp_hdr.c net/core/checksum.c kernel/lib/string.c
/* tests/fuzz/fuzz_udp.c - UDP parser: the first 8 input bytes are the pseudo-header
 * addresses, the rest the datagram. No overread; an accepted datagram lies within the
 * buffer and re-emits (with a checksum) to one that verifies and carries the same ports
 * and payload. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "net/ipv4/udp_hdr.h"
#include "tests/fuzz/fuzz_util.h"

static void check(const uint8_t *buf, size_t size, uint32_t s, uint32_t d, unsigned flags)
{
    struct udp_repr r, p;
    if (udp_hdr_parse(buf, size, s, d, flags, &r) != UDP_PARSE_OK)
        return;
    if (r.payload != buf + UDP_HLEN || r.payload_len + UDP_HLEN > size)
        abort();
    size_t n = r.payload_len + UDP_HLEN;
    uint8_t *out = malloc(n);
    if (udp_hdr_emit(&r, out, n, s, d, true) != n)
        abort();
    if (udp_hdr_parse(out, n, s, d, 0, &p) != UDP_PARSE_OK || !p.csum_present)
        abort();
    if (p.sport != r.sport || p.dport != r.dport || p.payload_len != r.payload_len ||
        memcmp(p.payload, r.payload, r.payload_len))
        abort();
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_run_pseudo(data, size, UDP_PARSE_NO_CSUM, check);
}
