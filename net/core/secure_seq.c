/* net/core/secure_seq.c - SipHash-2-4 (Aumasson and Bernstein, 2012) and the lookup3
 * table hash (Jenkins, 2006) under boot-time keys; see secure_seq.h. */
#include "net/core/secure_seq.h"
#include "kernel/lib/hash.h"
#include "kernel/time.h"

static uint64_t keys[SECURE_KEY_NR][2];
static bool keyed;
static const char *source = "none";

static bool rdrand64(uint64_t *v)
{
#if defined(__x86_64__)
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    if (!(c & (1u << 30)))
        return false;                       /* CPUID.1:ECX.RDRAND[bit 30] */
    for (int i = 0; i < 10; i++) {          /* Intel DRNG guide: retry up to 10 times */
        unsigned char ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
        if (ok)
            return true;
    }
#else
    (void)v;
#endif
    return false;
}

static uint64_t rdtsc64(void)
{
#if defined(__x86_64__)
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
#else
    return 0;
#endif
}

uint64_t secure_random_u64(void)
{
    uint64_t v;
    if (rdrand64(&v))
        return v;
    static uint64_t ctr;
    return hash_mix64(rdtsc64() ^ (++ctr * 0x9e3779b97f4a7c15ull) ^ ktime_get_ns());
}

static void init_keys(void)
{
    uint64_t probe;
    bool hw = rdrand64(&probe);
    source = hw ? "rdrand" : "tsc";
    for (int i = 0; i < SECURE_KEY_NR; i++)
        for (int j = 0; j < 2; j++)
            keys[i][j] = secure_random_u64();
    keyed = true;
}

void secure_seq_set_keys(uint64_t seed)
{
    for (int i = 0; i < SECURE_KEY_NR; i++)
        for (int j = 0; j < 2; j++)
            keys[i][j] = hash_mix64(seed + (uint64_t)(i * 2 + j + 1));
    keyed = true;
    source = "fixed";
}

const char *secure_seq_source(void)
{
    if (!keyed)
        init_keys();
    return source;
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do { \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                    \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                    \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
    } while (0)

uint64_t secure_hash4(enum secure_key k, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    if (!keyed)
        init_keys();
    uint64_t k0 = keys[k][0], k1 = keys[k][1];
    uint64_t v0 = 0x736f6d6570736575ull ^ k0, v1 = 0x646f72616e646f6dull ^ k1;
    uint64_t v2 = 0x6c7967656e657261ull ^ k0, v3 = 0x7465646279746573ull ^ k1;
    uint64_t m[2] = { (uint64_t)a | (uint64_t)b << 32, (uint64_t)c | (uint64_t)d << 32 };
    for (int i = 0; i < 2; i++) {
        v3 ^= m[i];
        SIPROUND; SIPROUND;
        v0 ^= m[i];
    }
    uint64_t last = (uint64_t)16 << 56;          /* message length 16 bytes */
    v3 ^= last;
    SIPROUND; SIPROUND;
    v0 ^= last;
    v2 ^= 0xff;
    SIPROUND; SIPROUND; SIPROUND; SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

static inline uint32_t rol32(uint32_t x, unsigned k) { return (x << k) | (x >> (32 - k)); }

uint32_t secure_table_hash3(uint32_t a, uint32_t b, uint32_t c)
{
    if (!keyed)
        init_keys();
    /* lookup3's hashword() for a 3-word key: initial value 0xdeadbeef + length in bytes
     * + the seed, one add per word, then its final() mix */
    uint32_t init = 0xdeadbeefu + 12u + (uint32_t)keys[SECURE_KEY_EHASH][0];
    a += init;
    b += init;
    c += init;
    c ^= b; c -= rol32(b, 14);
    a ^= c; a -= rol32(c, 11);
    b ^= a; b -= rol32(a, 25);
    c ^= b; c -= rol32(b, 16);
    a ^= c; a -= rol32(c, 4);
    b ^= a; b -= rol32(a, 14);
    c ^= b; c -= rol32(b, 24);
    return c;
}
