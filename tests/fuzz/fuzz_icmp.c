// SOURCES: net/ipv4/icmp_hdr.c net/core/checksum.c kernel/lib/string.c
/* tests/fuzz/fuzz_icmp.c - ICMP parser: no overread; an accepted message re-emits to a
 * message that parses to the same type, code, fields and data. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "net/ipv4/icmp_hdr.h"
#include "tests/fuzz/fuzz_util.h"

static void check(const uint8_t *buf, size_t size, unsigned flags)
{
    struct icmp_repr r, p;
    if (icmp_hdr_parse(buf, size, flags, &r) != ICMP_PARSE_OK)
        return;
    if (r.data_len + ICMP_HLEN != size || r.data != buf + ICMP_HLEN)
        abort();
    uint8_t *out = malloc(size);
    if (icmp_hdr_emit(&r, out, size) != size)
        abort();
    if (icmp_hdr_parse(out, size, 0, &p) != ICMP_PARSE_OK)
        abort();
    if (p.type != r.type || p.code != r.code || p.data_len != r.data_len ||
        memcmp(p.data, r.data, r.data_len))
        abort();
    if ((r.type == 0 || r.type == 8) && (p.un.echo.id != r.un.echo.id || p.un.echo.seq != r.un.echo.seq))
        abort();
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_run(data, size, ICMP_PARSE_NO_CSUM, check);
}
