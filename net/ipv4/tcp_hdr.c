/* net/ipv4/tcp_hdr.c - stateless TCP header and option parse/emit (see tcp_hdr.h). */
#include "net/ipv4/tcp_hdr.h"
#include "net/core/checksum.h"
#include "net/core/netdevice.h"
#include "kernel/lib/string.h"
#include "kernel/lib/unaligned.h"


int tcp_options_parse(const uint8_t *opt, unsigned optlen, bool syn, struct tcp_options *o)
{
    memset(o, 0, sizeof(*o));
    /* the common case, every segment of a connection with timestamps: NOP NOP TS,
     * aligned (RFC 7323 appendix A) - read in place, as the walk below would */
    if (optlen == TCPOLEN_TSTAMP_ALIGNED && opt[0] == TCPOPT_NOP && opt[1] == TCPOPT_NOP &&
        opt[2] == TCPOPT_TIMESTAMP && opt[3] == TCPOLEN_TIMESTAMP) {
        o->ts_present = true;
        o->tsval = get_unaligned_be32(opt + 4);
        o->tsecr = get_unaligned_be32(opt + 8);
        return TCP_PARSE_OK;
    }
    unsigned i = 0;
    while (i < optlen) {
        uint8_t kind = opt[i];
        if (kind == TCPOPT_EOL)
            break;
        if (kind == TCPOPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= optlen)
            return TCP_ERR_OPTIONS;
        uint8_t len = opt[i + 1];
        if (len < 2 || i + len > optlen)
            return TCP_ERR_OPTIONS;
        const uint8_t *v = opt + i + 2;
        switch (kind) {
        case TCPOPT_MSS:
            if (len == TCPOLEN_MSS && syn) {
                o->mss_present = true;
                o->mss = get_unaligned_be16(v);
            }
            break;
        case TCPOPT_WINDOW:
            if (len == TCPOLEN_WINDOW && syn) {
                o->wscale_present = true;
                /* RFC 7323 2.3: a shift above 14 is used as 14 */
                o->wscale = v[0] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : v[0];
            }
            break;
        case TCPOPT_SACK_PERM:
            if (len == TCPOLEN_SACK_PERM && syn)
                o->sack_perm = true;
            break;
        case TCPOPT_TIMESTAMP:
            if (len == TCPOLEN_TIMESTAMP) {
                o->ts_present = true;
                o->tsval = get_unaligned_be32(v);
                o->tsecr = get_unaligned_be32(v + 4);
            }
            break;
        case TCPOPT_SACK:
            if (len >= TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK &&
                (len - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK == 0 && !syn) {
                unsigned n = (len - TCPOLEN_SACK_BASE) / TCPOLEN_SACK_PERBLOCK;
                for (unsigned b = 0; b < n && o->num_sacks < TCP_NUM_SACKS; b++) {
                    o->sacks[o->num_sacks].start_seq = get_unaligned_be32(v + b * 8);
                    o->sacks[o->num_sacks].end_seq = get_unaligned_be32(v + b * 8 + 4);
                    o->num_sacks++;
                }
            }
            break;
        default:
            break;                   /* unknown options are skipped (RFC 9293 3.1) */
        }
        i += len;
    }
    return TCP_PARSE_OK;
}

int tcp_hdr_parse(const void *buf, size_t len, uint32_t saddr, uint32_t daddr,
                  unsigned flags, struct tcp_repr *r)
{
    const uint8_t *p = buf;
    memset(r, 0, sizeof(*r));
    if (len < TCP_HLEN_MIN)
        return TCP_ERR_TRUNCATED;
    unsigned doff = (p[12] >> 4) * 4u;
    if (doff < TCP_HLEN_MIN)
        return TCP_ERR_DOFF;
    if (doff > len)
        return TCP_ERR_TRUNCATED;
    if (!(flags & TCP_PARSE_NO_CSUM) &&
        csum_tcpudp_magic(saddr, daddr, (uint32_t)len, 6, csum_partial(p, len, 0)) != 0)
        return TCP_ERR_CSUM;
    r->sport = get_unaligned_be16(p);
    r->dport = get_unaligned_be16(p + 2);
    r->seq = get_unaligned_be32(p + 4);
    r->ack = get_unaligned_be32(p + 8);
    r->flags = p[13];
    r->window = get_unaligned_be16(p + 14);
    r->urg_ptr = get_unaligned_be16(p + 18);
    r->hdr_len = doff;
    r->payload_len = (unsigned)(len - doff);
    return tcp_options_parse(p + TCP_HLEN_MIN, doff - TCP_HLEN_MIN,
                             r->flags & TCPHDR_SYN, &r->opt);
}

unsigned tcp_options_size(const struct tcp_out_options *o)
{
    unsigned n = 0;
    if (o->mss)
        n += TCPOLEN_MSS;
    if (o->ts)
        n += TCPOLEN_TSTAMP_ALIGNED;        /* SACK-permitted rides in its two NOPs */
    else if (o->sack_perm)
        n += 4;
    if (o->wscale)
        n += 4;
    if (o->num_sacks)
        n += 4 + TCPOLEN_SACK_PERBLOCK * o->num_sacks;
    return n;
}

void tcp_options_write(uint8_t *p, const struct tcp_out_options *o)
{
    if (o->mss) {
        p[0] = TCPOPT_MSS; p[1] = TCPOLEN_MSS; put_unaligned_be16(o->mss_val, p + 2);
        p += 4;
    }
    if (o->ts) {
        if (o->sack_perm) {
            p[0] = TCPOPT_SACK_PERM; p[1] = TCPOLEN_SACK_PERM;
        } else {
            p[0] = TCPOPT_NOP; p[1] = TCPOPT_NOP;
        }
        p[2] = TCPOPT_TIMESTAMP; p[3] = TCPOLEN_TIMESTAMP;
        put_unaligned_be32(o->tsval, p + 4);
        put_unaligned_be32(o->tsecr, p + 8);
        p += 12;
    } else if (o->sack_perm) {
        p[0] = TCPOPT_NOP; p[1] = TCPOPT_NOP; p[2] = TCPOPT_SACK_PERM; p[3] = TCPOLEN_SACK_PERM;
        p += 4;
    }
    if (o->wscale) {
        p[0] = TCPOPT_NOP; p[1] = TCPOPT_WINDOW; p[2] = TCPOLEN_WINDOW; p[3] = o->wscale_val;
        p += 4;
    }
    if (o->num_sacks) {
        p[0] = TCPOPT_NOP; p[1] = TCPOPT_NOP; p[2] = TCPOPT_SACK;
        p[3] = (uint8_t)(TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK * o->num_sacks);
        p += 4;
        for (unsigned i = 0; i < o->num_sacks; i++) {
            put_unaligned_be32(o->sacks[i].start_seq, p);
            put_unaligned_be32(o->sacks[i].end_seq, p + 4);
            p += 8;
        }
    }
}

void tcp_hdr_emit(struct tcphdr *th, uint16_t sport, uint16_t dport, uint32_t seq,
                  uint32_t ack, uint8_t flags, uint16_t window, unsigned hdr_len)
{
    th->source = htons(sport);
    th->dest = htons(dport);
    th->seq = htonl(seq);
    th->ack_seq = htonl(ack);
    th->doff_res = (uint8_t)((hdr_len / 4) << 4);
    th->flags = flags;
    th->window = htons(window);
    th->check = 0;
    th->urg_ptr = 0;
}
