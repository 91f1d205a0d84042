/* net/ipv4/syncookies.c - SYN cookies (D. J. Bernstein; Linux net/ipv4/syncookies.c): when a
 * listener's SYN queue is full, the SYN-ACK's sequence number encodes what the handshake
 * must remember (a minute counter and an MSS index, under a keyed hash of the 4-tuple), so
 * a SYN flood costs no memory and a genuine client's ACK still completes the connection.
 * With timestamps, TSval's low 6 bits carry window scale and SACK-permitted. */
#include "net/ipv4/tcp.h"
#include "net/core/secure_seq.h"

static const uint16_t msstab[] = { 536, 1300, 1440, 1460 };
#define COOKIEBITS 24
#define COOKIEMASK ((1u << COOKIEBITS) - 1)

static uint32_t cookie_count(void) { return (uint32_t)(ktime_get_ns() / (60 * NSEC_PER_SEC)); }

static uint32_t cookie_hash(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
                            uint32_t count, int c)
{
    return (uint32_t)tcp_secret_hash(saddr, daddr, (uint32_t)sport << 16 | dport, count, c);
}

uint32_t cookie_v4_init_sequence(uint32_t saddr, uint32_t daddr, uint16_t sport,
                                 uint16_t dport, uint32_t isn, uint16_t *mssp)
{
    unsigned i;
    for (i = ARRAY_SIZE(msstab) - 1; i > 0; i--)
        if (*mssp >= msstab[i])
            break;
    *mssp = msstab[i];
    uint32_t count = cookie_count();
    return cookie_hash(saddr, daddr, sport, dport, 0, 0) + isn + (count << COOKIEBITS) +
           ((cookie_hash(saddr, daddr, sport, dport, count, 1) + i) & COOKIEMASK);
}

uint16_t cookie_v4_check(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
                         uint32_t seq, uint32_t cookie)
{
    uint32_t count = cookie_count();
    cookie -= cookie_hash(saddr, daddr, sport, dport, 0, 0) + seq;
    uint32_t diff = (count - (cookie >> COOKIEBITS)) & ((uint32_t)-1 >> COOKIEBITS);
    if (diff >= 2)
        return 0;                              /* older than two minutes */
    uint32_t idx = (cookie - cookie_hash(saddr, daddr, sport, dport, count - diff, 1)) & COOKIEMASK;
    if (idx >= ARRAY_SIZE(msstab))
        return 0;
    return msstab[idx];
}

uint32_t cookie_timestamp_encode(uint32_t ts_now, const struct tcp_options *o, bool sack)
{
    uint32_t opts = o->wscale_present ? o->wscale : 0xf;
    if (sack)
        opts |= 1u << 4;
    uint32_t ts = (ts_now & ~0x3fu) | opts;
    if (ts > ts_now)
        ts -= 0x40;                            /* never in the future */
    return ts;
}

bool cookie_timestamp_decode(uint32_t tsecr, bool *sack, bool *wscale, uint8_t *snd_wscale)
{
    uint32_t opts = tsecr & 0x3f;
    *sack = opts & (1u << 4);
    uint8_t ws = opts & 0xf;
    *wscale = ws != 0xf;
    *snd_wscale = *wscale ? (ws > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : ws) : 0;
    return true;
}
