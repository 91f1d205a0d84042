/* tests/fuzz/fuzz_util.h - the input handling the header-parser targets share: the parser
 * gets a private copy of the input (an exact-size heap block, so ASan sees any read past
 * its end) and runs twice, verifying checksums and with nocsum (so inputs with a wrong
 * checksum still reach the rest of the parser). */
#ifndef WP_FUZZ_UTIL_H
#define WP_FUZZ_UTIL_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* IP, ICMP: the whole input is the header and what follows. */
static inline int fuzz_run(const uint8_t *data, size_t size, unsigned nocsum,
                           void (*check)(const uint8_t *buf, size_t size, unsigned flags))
{
    uint8_t *buf = malloc(size ? size : 1);
    memcpy(buf, data, size);
    check(buf, size, 0);
    check(buf, size, nocsum);
    free(buf);
    return 0;
}

/* TCP, UDP: the first 8 bytes are the pseudo-header's source and destination address. */
static inline int fuzz_run_pseudo(const uint8_t *data, size_t size, unsigned nocsum,
                                  void (*check)(const uint8_t *buf, size_t size, uint32_t s,
                                                uint32_t d, unsigned flags))
{
    if (size < 8)
        return 0;
    uint32_t s, d;
    memcpy(&s, data, 4);
    memcpy(&d, data + 4, 4);
    size -= 8;
    uint8_t *buf = malloc(size ? size : 1);
    memcpy(buf, data + 8, size);
    check(buf, size, s, d, 0);
    check(buf, size, s, d, nocsum);
    free(buf);
    return 0;
}

#endif
