/* net/core/checksum.h - the Internet checksum (RFC 1071), in one place for every layer.
 *
 * Conventions (Linux's): a partial sum (__wsum) is a 32-bit one's-complement accumulator
 * over 16-bit words read in memory order; csum_fold() folds it to 16 bits and
 * complements it, giving the value to store in a header as is (no byte swapping: the
 * one's-complement sum is byte-order independent, RFC 1071 section 2(B)). Addresses are
 * passed in network order, as they sit in the header; lengths and protocol numbers in
 * host order.
 *
 * Verifying: the checksum over a block that includes its own checksum field folds to 0.
 */
#ifndef WP_CHECKSUM_H
#define WP_CHECKSUM_H

#include "kernel/compiler.h"

struct sk_buff;

typedef uint32_t __wsum;     /* unfolded partial sum */
typedef uint16_t __sum16;    /* folded, complemented, as stored in a header */

/* Add len bytes at buf to sum. A trailing odd byte counts as the high-order (first)
 * byte of a word padded with zero, as RFC 1071 specifies. */
__wsum csum_partial(const void *buf, size_t len, __wsum sum);
/* Copy len bytes from src to dst (not overlapping) and add them to sum in the same pass
 * (Linux's csum_partial_copy_nocheck): the sum of data a device cannot checksum, taken
 * while it is copied into the packet anyway. Returns what csum_partial(src, len, sum)
 * would. */
__wsum csum_partial_copy(const void *src, void *dst, size_t len, __wsum sum);
/* Fold to 16 bits and complement. */
static inline __sum16 csum_fold(__wsum sum)
{
    uint32_t s = sum;
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    return (__sum16)~s;
}

static inline __wsum csum_add(__wsum a, __wsum b)
{
    uint32_t r = a + b;
    return r + (r < b);          /* end-around carry */
}
static inline __wsum csum_sub(__wsum a, __wsum b) { return csum_add(a, ~b); }
/* Sum of a block that starts at an odd offset inside the summed data: its bytes sit in
 * the other half of every word, which for a one's-complement sum is a byte swap. */
static inline __wsum csum_block_add(__wsum sum, __wsum block, size_t offset)
{
    if (offset & 1)
        block = (block >> 8) | (block << 24);
    return csum_add(sum, block);
}
/* Take off a block's sum that sits at offset inside the summed data. */
static inline __wsum csum_block_sub(__wsum sum, __wsum block, size_t offset)
{
    if (offset & 1)
        block = (block >> 8) | (block << 24);
    return csum_sub(sum, block);
}
/* The partial sum of one 16-bit value as stored in memory. */
static inline __wsum csum_unfold16(uint16_t v) { return v; }

/* IPv4 header checksum over ihl 32-bit words (the value to store when the field is 0,
 * or 0 when the header, field included, is intact). */
__sum16 ip_fast_csum(const void *iph, unsigned int ihl);
/* Checksum of a whole block (ICMP). */
static inline __sum16 ip_compute_csum(const void *buf, size_t len)
{
    return csum_fold(csum_partial(buf, len, 0));
}

/* The TCP/UDP pseudo-header (RFC 768, RFC 793): source, destination, zero, protocol,
 * length - added to sum. */
__wsum csum_tcpudp_nofold(uint32_t saddr, uint32_t daddr, uint32_t len, uint8_t proto,
                          __wsum sum);
static inline __sum16 csum_tcpudp_magic(uint32_t saddr, uint32_t daddr, uint32_t len,
                                        uint8_t proto, __wsum sum)
{
    return csum_fold(csum_tcpudp_nofold(saddr, daddr, len, proto, sum));
}

/* Incremental update of a stored checksum when one field changes (RFC 1624 eqn. 3:
 * HC' = ~(~HC + ~m + m')). Values as stored in memory. */
void csum_replace2(__sum16 *sum, uint16_t from, uint16_t to);
void csum_replace4(__sum16 *sum, uint32_t from, uint32_t to);

/* Partial sum of len bytes of an skb starting at offset (linear part and fragments,
 * any alignment). Bytes beyond the skb are not read: the caller checks the range. */
__wsum skb_checksum(const struct sk_buff *skb, unsigned int offset, unsigned int len,
                    __wsum sum);

/* Finish a CHECKSUM_PARTIAL skb in software: sum from csum_start to the end, store at
 * csum_start + csum_offset, mark CHECKSUM_NONE. For a packet the device cannot offload
 * (it is about to be fragmented, or the device lacks the feature). 0 or -EINVAL when the
 * offsets are outside the linear data. */
int skb_checksum_help(struct sk_buff *skb);

#endif
