/* kernel/lib/hash.h - the hash mixers, written once: 32-bit for the tables and flow
 * hashes, 64-bit for seeding keys and the fallback random numbers. */
#ifndef WP_LIB_HASH_H
#define WP_LIB_HASH_H

#include "kernel/compiler.h"

/* A 32-bit avalanche step (the murmur3 finaliser): every input bit moves every output
 * bit, so keys that differ in one bit (neighbour addresses, ports of a flow, ICMP
 * peers) spread over the buckets. */
static inline uint32_t hash_mix32(uint32_t h)
{
    h = (h ^ (h >> 16)) * 0x85ebca6bu;
    h = (h ^ (h >> 13)) * 0xc2b2ae35u;
    return h ^ (h >> 16);
}

/* The 64-bit murmur3 finaliser: the same avalanche over 64 bits (secure_seq.c turns a
 * seed or a TSC reading into key material with it). */
static inline uint64_t hash_mix64(uint64_t x)
{
    x = (x ^ (x >> 33)) * 0xff51afd7ed558ccdull;
    x = (x ^ (x >> 33)) * 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

#endif
