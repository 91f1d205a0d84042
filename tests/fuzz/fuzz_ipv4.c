// SOURCES: net/ipv4/ip_hdr.c net/core/checksum.c kernel/lib/string.c kernel/lib/vsprintf.c
/* tests/fuzz/fuzz_ipv4.c - IPv4 header parser: no overread, no UB; an accepted header
 * is self-consistent (lengths within the buffer) and survives emit -> parse with the same
 * fields. Parsed with and without checksum verification so that the checksum does not
 * hide the later checks from the fuzzer. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "net/ipv4/ip_hdr.h"
#include "tests/fuzz/fuzz_util.h"

static void check(const uint8_t *buf, size_t size, unsigned flags)
{
    struct ipv4_repr r, p;
    if (ipv4_hdr_parse(buf, size, flags, &r) != IPV4_PARSE_OK)
        return;
    if (r.hlen < 20 || r.hlen > 60 || r.tot_len > size || r.hlen + r.payload_len != r.tot_len)
        abort();
    if (r.frag_off + r.payload_len > 65535)
        abort();
    uint8_t *out = malloc(20 + (size_t)r.payload_len);
    if (ipv4_hdr_emit(&r, out, 20) != 20)
        abort();
    memcpy(out + 20, buf + r.hlen, r.payload_len);
    if (ipv4_hdr_parse(out, 20 + (size_t)r.payload_len, 0, &p) != IPV4_PARSE_OK)
        abort();
    if (p.saddr != r.saddr || p.daddr != r.daddr || p.protocol != r.protocol ||
        p.ttl != r.ttl || p.tos != r.tos || p.id != r.id || p.df != r.df || p.mf != r.mf ||
        p.frag_off != r.frag_off || p.payload_len != r.payload_len)
        abort();
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_run(data, size, IPV4_PARSE_NO_CSUM, check);
}
