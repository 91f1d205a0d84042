/* net/core/checksum.c - the Internet checksum (RFC 1071) and its incremental update
 * (RFC 1624). Every protocol computes and verifies checksums through these functions. */
#include "net/core/checksum.h"
#include "net/core/skbuff.h"
#include "kernel/lib/string.h"
#include "kernel/errno.h"

/* Fold a 64-bit accumulator into 32 bits with end-around carries. */
static inline uint32_t fold64(uint64_t s)
{
    s = (s & 0xffffffffull) + (s >> 32);
    s = (s & 0xffffffffull) + (s >> 32);
    return (uint32_t)s;
}

/* a + b with the carry out of bit 63 added back in (ones' complement addition) */
static inline uint64_t add_carry64(uint64_t a, uint64_t b)
{
    uint64_t r;
    bool carry = __builtin_add_overflow(a, b, &r);   /* add, then adc $0 */
    return r + carry;
}

/* unaligned, aliasing loads (GCC): plain mov instructions, even where memcpy is not a
 * builtin (-ffreestanding) */
typedef uint64_t __attribute__((may_alias, aligned(1))) u64_unaligned;
typedef uint32_t __attribute__((may_alias, aligned(1))) u32_unaligned;
typedef uint16_t __attribute__((may_alias, aligned(1))) u16_unaligned;

/* Sum of the whole 64-byte blocks at p, added to acc: one add-with-carry per 8 bytes,
 * the carry running through the loop (lea and dec leave CF alone) and folded back in
 * once at the end. */
static inline uint64_t sum_blocks64(const uint8_t *p, size_t blocks, uint64_t acc)
{
#if defined(__x86_64__)
    if (!blocks)
        return acc;
    __asm__("clc\n"
            "1:\n\t"
            "adcq 0(%[p]), %[a]\n\t"
            "adcq 8(%[p]), %[a]\n\t"
            "adcq 16(%[p]), %[a]\n\t"
            "adcq 24(%[p]), %[a]\n\t"
            "adcq 32(%[p]), %[a]\n\t"
            "adcq 40(%[p]), %[a]\n\t"
            "adcq 48(%[p]), %[a]\n\t"
            "adcq 56(%[p]), %[a]\n\t"
            "leaq 64(%[p]), %[p]\n\t"
            "decq %[n]\n\t"
            "jnz 1b\n\t"
            "adcq $0, %[a]"
            : [a] "+r"(acc), [p] "+r"(p), [n] "+r"(blocks)
            : "m"(*(const uint8_t (*)[blocks * 64])p)
            : "cc");
    return acc;
#else
    for (; blocks; blocks--, p += 64)
        for (int i = 0; i < 8; i++)
            acc = add_carry64(acc, ((const u64_unaligned *)p)[i]);
    return acc;
#endif
}

/* The last 0..63 bytes: whole words, then the halves of one, then the odd byte. */
static inline uint64_t sum_tail(const uint8_t *p, size_t len, uint64_t acc)
{
    while (len >= 8) {
        acc = add_carry64(acc, *(const u64_unaligned *)p);
        p += 8;
        len -= 8;
    }
    if (len >= 4) {
        acc = add_carry64(acc, *(const u32_unaligned *)p);
        p += 4;
        len -= 4;
    }
    if (len >= 2) {
        acc = add_carry64(acc, *(const u16_unaligned *)p);
        p += 2;
        len -= 2;
    }
    if (len) {
        /* The odd byte is the first byte of a zero-padded word: in memory order that is
         * the low byte of a little-endian load. */
        acc = add_carry64(acc, p[0]);
    }
    return acc;
}

/* The ones' complement sum does not depend on how the 16-bit words are grouped: summing
 * 64-bit loads with end-around carry and folding at the end gives the sum of the 16-bit
 * words in memory order, four of them per addition. */
__wsum csum_partial(const void *buf, size_t len, __wsum sum)
{
    const uint8_t *p = buf;
    uint64_t acc = sum_blocks64(p, len / 64, sum);
    return fold64(sum_tail(p + (len & ~(size_t)63), len & 63, acc));
}

__wsum csum_partial_copy(const void *src, void *dst, size_t len, __wsum sum)
{
    const uint8_t *s = src;
    uint8_t *d = dst;
    uint64_t acc = sum;
#if defined(__x86_64__)
    size_t blocks = len / 32;
    if (blocks) {
        /* each word loaded once, stored and added from the register */
        uint64_t t0, t1, t2, t3;
        __asm__("clc\n"
                "1:\n\t"
                "movq 0(%[s]), %[t0]\n\t"
                "movq 8(%[s]), %[t1]\n\t"
                "movq 16(%[s]), %[t2]\n\t"
                "movq 24(%[s]), %[t3]\n\t"
                "movq %[t0], 0(%[d])\n\t"
                "movq %[t1], 8(%[d])\n\t"
                "movq %[t2], 16(%[d])\n\t"
                "movq %[t3], 24(%[d])\n\t"
                "adcq %[t0], %[a]\n\t"
                "adcq %[t1], %[a]\n\t"
                "adcq %[t2], %[a]\n\t"
                "adcq %[t3], %[a]\n\t"
                "leaq 32(%[s]), %[s]\n\t"
                "leaq 32(%[d]), %[d]\n\t"
                "decq %[n]\n\t"
                "jnz 1b\n\t"
                "adcq $0, %[a]"
                : [a] "+r"(acc), [s] "+r"(s), [d] "+r"(d), [n] "+r"(blocks),
                  [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3)
                :
                : "cc", "memory");
        len &= 31;
    }
#endif
    memcpy(d, s, len);
    return fold64(sum_tail(s, len, acc));
}

__sum16 ip_fast_csum(const void *iph, unsigned int ihl)
{
    /* a few 32-bit words (ihl is a 4-bit field): their plain 64-bit sum cannot
     * overflow, so no carries until the fold (every IPv4 header comes through here) */
    const u32_unaligned *w = iph;
    uint64_t acc = 0;
    unsigned int i = 0;
    if (ihl >= 5) {                  /* the header without options, unrolled */
        acc = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
        i = 5;
    }
    for (; i < ihl; i++)
        acc += w[i];
    return csum_fold(fold64(acc));
}

__wsum csum_tcpudp_nofold(uint32_t saddr, uint32_t daddr, uint32_t len, uint8_t proto,
                          __wsum sum)
{
    /* The 12-byte pseudo-header summed as csum_partial would read it from the wire on
     * this little-endian machine: the addresses as they are (network order), the zero
     * byte and the protocol as one word {0, proto}, the length in network order. */
    uint64_t acc = (uint64_t)sum + saddr + daddr + ((uint32_t)proto << 8) +
                   (((len >> 8) & 0xff) | ((len & 0xff) << 8));
    return fold64(acc);
}

void csum_replace2(__sum16 *sum, uint16_t from, uint16_t to)
{
    /* RFC 1624 eqn. 3 - avoids the -0 result of eqn. 2 */
    __wsum s = csum_add(csum_unfold16((uint16_t)~*sum), csum_unfold16((uint16_t)~from));
    s = csum_add(s, csum_unfold16(to));
    *sum = csum_fold(s);
}

void csum_replace4(__sum16 *sum, uint32_t from, uint32_t to)
{
    __wsum s = csum_add(csum_unfold16((uint16_t)~*sum), ~from);
    s = csum_add(s, to);
    *sum = csum_fold(s);
}

__wsum skb_checksum(const struct sk_buff *skb, unsigned int offset, unsigned int len,
                    __wsum sum)
{
    unsigned int head = skb_headlen(skb);
    size_t pos = 0;                 /* bytes summed so far: decides the byte lane */
    if (offset < head) {
        unsigned int n = MIN(len, head - offset);
        sum = csum_partial(skb->data + offset, n, sum);
        pos += n;
        len -= n;
        offset += n;
    }
    unsigned int start = head;
    const struct skb_shared_info *sh = skb_shinfo(skb);
    for (unsigned i = 0; i < sh->nr_frags && len; i++) {
        const skb_frag_t *f = &sh->frags[i];
        if (offset < start + f->size) {
            unsigned int in = offset - start;
            unsigned int n = MIN(len, f->size - in);
            const uint8_t *p = (const uint8_t *)phys_to_virt(f->page) + f->offset + in;
            sum = csum_block_add(sum, csum_partial(p, n, 0), pos);
            pos += n;
            len -= n;
            offset += n;
        }
        start += f->size;
    }
    for (const struct sk_buff *l = sh->frag_list; l && len; l = l->next) {
        if (offset < start + l->len) {
            unsigned int in = offset - start;
            unsigned int n = MIN(len, l->len - in);
            sum = csum_block_add(sum, skb_checksum(l, in, n, 0), pos);
            pos += n;
            len -= n;
            offset += n;
        }
        start += l->len;
    }
    return sum;
}

int skb_checksum_help(struct sk_buff *skb)
{
    if (skb->ip_summed != CHECKSUM_PARTIAL)
        return 0;
    unsigned int headroom = skb_headroom(skb);
    if (skb->csum_start < headroom)
        return -EINVAL;
    unsigned int start = skb->csum_start - headroom;     /* offset from data */
    unsigned int field = start + skb->csum_offset;
    if (start > skb->len || field + 2 > skb_headlen(skb))
        return -EINVAL;
    /* the field holds the pseudo-header seed, which the sum takes in */
    __sum16 c = csum_fold(skb_checksum(skb, start, skb->len - start, 0));
    if (c == 0 && skb->csum_offset == 6)
        c = 0xffff;           /* UDP: a computed 0 goes out as all ones (RFC 768) */
    memcpy(skb->data + field, &c, 2);
    skb->ip_summed = CHECKSUM_NONE;
    return 0;
}
