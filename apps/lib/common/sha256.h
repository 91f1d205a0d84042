/* apps/lib/common/sha256.h - SHA-256 (FIPS 180-4) for the apps, written once: built into
 * apps/lib for wirepath and compiled next to the app for Linux, so both ends of a
 * transfer hash with the same code. Streaming: init, update any number of times with
 * any lengths, final. */
#ifndef WP_APP_SHA256_H
#define WP_APP_SHA256_H
#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32

struct sha256_ctx {
    uint32_t h[8];
    uint64_t bytes;               /* message length so far */
    uint8_t buf[64];              /* partial block */
    unsigned int fill;
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, uint8_t out[SHA256_DIGEST_LEN]);
/* The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(const uint8_t d[SHA256_DIGEST_LEN], char out[2 * SHA256_DIGEST_LEN + 1]);

#endif
