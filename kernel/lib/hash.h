/* kernel/lib/hash.h - the one 32-bit hash mixer for the tables and flow hashes. */
#ifndef WP_LIB_HASH_H
#define WP_LIB_HASH_H

#include "kernel/compiler.h"

/* A 32-bit avalanche step (the murmur3 finaliser): every input bit moves every output
 * bit, so keys that differ in one bit (neighbour addresses, ports of a flow, ICMP
 * peers) spread over the buckets. */
static inline uint32_t hash_mix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

#endif
