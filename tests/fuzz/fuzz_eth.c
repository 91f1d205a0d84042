// SOURCES: net/ethernet/eth_hdr.c kernel/lib/string.c
/* tests/fuzz/fuzz_eth.c - Ethernet header parser: never reads past the buffer; what it
 * accepts re-emits to the same bytes. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "net/ethernet/eth_hdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = malloc(size ? size : 1);     /* exact size: ASan sees any overread */
    memcpy(buf, data, size);
    struct eth_repr r;
    if (eth_hdr_parse(buf, size, &r) == ETH_PARSE_OK) {
        uint8_t out[ETH_HLEN];
        if (eth_hdr_emit(&r, out, sizeof(out)) != ETH_HLEN || memcmp(out, buf, ETH_HLEN))
            abort();
    }
    free(buf);
    return 0;
}
