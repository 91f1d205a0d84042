// SOURCES: apps/lib/common/sha256.c
/* tests/unit/test_sha256.c - the apps' SHA-256 against the FIPS 180-4 / NIST example
 * digests ("", "abc", the 448-bit two-block message, a million 'a's), and streaming in
 * pieces of every size giving the one-shot digest (block and padding boundaries). */
#include "tests/unit/unit.h"
#include "apps/lib/common/sha256.h"

static const char *digest(const void *p, size_t n)
{
    static char hex[65];
    struct sha256_ctx c;
    uint8_t d[SHA256_DIGEST_LEN];
    sha256_init(&c);
    sha256_update(&c, p, n);
    sha256_final(&c, d);
    sha256_hex(d, hex);
    return hex;
}

TEST(nist_vectors)
{
    CHECK_STR(digest("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK_STR(digest("abc", 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    CHECK_STR(digest(m, strlen(m)), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    static char a[1000000];
    memset(a, 'a', sizeof(a));
    CHECK_STR(digest(a, sizeof(a)), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(streaming_equals_one_shot)
{
    static uint8_t buf[1000];
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 31 + 7);
    for (size_t len = 0; len <= 200; len++) {
        char want[65];
        strcpy(want, digest(buf, len));
        for (size_t piece = 1; piece <= 70; piece += 3) {
            struct sha256_ctx c;
            uint8_t d[SHA256_DIGEST_LEN];
            char got[65];
            sha256_init(&c);
            for (size_t off = 0; off < len; off += piece)
                sha256_update(&c, buf + off, len - off < piece ? len - off : piece);
            sha256_final(&c, d);
            sha256_hex(d, got);
            if (strcmp(got, want) != 0) {
                CHECK_STR(got, want);
                return;
            }
        }
    }
}
