// SOURCES: net/ethernet/eth_hdr.c net/ipv4/ip_hdr.c net/ipv4/icmp_hdr.c net/ipv4/udp_hdr.c net/core/checksum.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_clock.c
/* tests/unit/test_wire_hdrs.c - stateless parse/emit of Ethernet, IPv4, ICMP and UDP:
 * round trips, known bytes, and every malformed shape each parser must refuse (with the
 * reason it reports), plus every truncation of a valid packet. */
#include "tests/unit/unit.h"
#include "net/ethernet/eth_hdr.h"
#include "net/ipv4/ip_hdr.h"
#include "net/ipv4/icmp_hdr.h"
#include "net/ipv4/udp_hdr.h"
#include "net/core/checksum.h"

static uint32_t A(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    uint8_t x[4] = { a, b, c, d };
    uint32_t v;
    memcpy(&v, x, 4);
    return v;
}

/* --- Ethernet --- */

TEST(eth_roundtrip_and_errors)
{
    struct eth_repr r = { { 1, 2, 3, 4, 5, 6 }, { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, 0x0800 }, p;
    uint8_t b[14];
    CHECK_EQ(eth_hdr_emit(&r, b, sizeof(b)), 14);
    CHECK_EQ(b[12], 0x08);
    CHECK_EQ(b[13], 0x00);
    CHECK_EQ(eth_hdr_parse(b, 14, &p), ETH_PARSE_OK);
    CHECK(memcmp(&p, &r, sizeof(r)) == 0);
    CHECK_EQ(eth_hdr_emit(&r, b, 13), 0);
    for (size_t n = 0; n < 14; n++)
        CHECK_EQ(eth_hdr_parse(b, n, &p), ETH_ERR_TRUNCATED);
    b[12] = 0x05;
    b[13] = 0xdc;         /* 1500: an 802.3 length */
    CHECK_EQ(eth_hdr_parse(b, 14, &p), ETH_ERR_LENGTH_FIELD);
    b[13] = 0xff;
    b[12] = 0x05;         /* 0x05ff: still not a type */
    CHECK_EQ(eth_hdr_parse(b, 14, &p), ETH_ERR_LENGTH_FIELD);
    b[12] = 0x06;
    b[13] = 0x00;
    CHECK_EQ(eth_hdr_parse(b, 14, &p), ETH_PARSE_OK);
}

/* --- IPv4 --- */

static size_t mk_ip(uint8_t *b, size_t payload)
{
    struct ipv4_repr r = { .saddr = A(10, 0, 2, 15), .daddr = A(10, 0, 2, 2), .protocol = 17,
                           .ttl = 64, .id = 0x1234, .df = true, .payload_len = (uint16_t)payload };
    memset(b + 20, 0xab, payload);
    return ipv4_hdr_emit(&r, b, 20) + payload;
}

static void fix_csum(uint8_t *b)
{
    b[10] = b[11] = 0;
    __sum16 c = ip_fast_csum(b, b[0] & 0xf);
    memcpy(b + 10, &c, 2);
}

TEST(ipv4_emit_known_bytes_and_parse)
{
    uint8_t b[64];
    CHECK_EQ(mk_ip(b, 8), 28);
    const uint8_t want[12] = { 0x45, 0, 0, 28, 0x12, 0x34, 0x40, 0, 64, 17 };
    CHECK(memcmp(b, want, 10) == 0);
    CHECK_EQ(ip_fast_csum(b, 5), 0);
    struct ipv4_repr r;
    CHECK_EQ(ipv4_hdr_parse(b, 28, 0, &r), IPV4_PARSE_OK);
    CHECK_EQ(r.saddr, A(10, 0, 2, 15));
    CHECK_EQ(r.daddr, A(10, 0, 2, 2));
    CHECK_EQ(r.protocol, 17);
    CHECK_EQ(r.ttl, 64);
    CHECK_EQ(r.id, 0x1234);
    CHECK(r.df && !r.mf);
    CHECK_EQ(r.frag_off, 0);
    CHECK_EQ(r.hlen, 20);
    CHECK_EQ(r.tot_len, 28);
    CHECK_EQ(r.payload_len, 8);
    /* link padding past tot_len is fine */
    CHECK_EQ(ipv4_hdr_parse(b, 46, 0, &r), IPV4_PARSE_OK);
    CHECK_EQ(r.tot_len, 28);
}

TEST(ipv4_emit_fragment_fields)
{
    struct ipv4_repr r = { .protocol = 1, .ttl = 1, .mf = true, .frag_off = 1480 * 3, .payload_len = 1480 }, p;
    uint8_t b[20];
    CHECK_EQ(ipv4_hdr_emit(&r, b, 20), 20);
    CHECK_EQ(b[6], 0x20 | ((1480 * 3 / 8) >> 8));
    CHECK_EQ(b[7], (1480 * 3 / 8) & 0xff);
    uint8_t full[20 + 1480];
    memcpy(full, b, 20);
    CHECK_EQ(ipv4_hdr_parse(full, sizeof(full), 0, &p), IPV4_PARSE_OK);
    CHECK(p.mf);
    CHECK_EQ(p.frag_off, 4440);
    /* emit refuses a packet past 65535 and a short buffer */
    r.payload_len = 65535 - 19;
    CHECK_EQ(ipv4_hdr_emit(&r, b, 20), 0);
    r.payload_len = 0;
    CHECK_EQ(ipv4_hdr_emit(&r, b, 19), 0);
}

TEST(ipv4_malformed)
{
    uint8_t b[128];
    struct ipv4_repr r;
    size_t n = mk_ip(b, 40);
    for (size_t k = 0; k < n; k++)          /* every truncation */
        CHECK_EQ(ipv4_hdr_parse(b, k, 0, &r), IPV4_ERR_TRUNCATED);

    n = mk_ip(b, 40);
    b[0] = 0x65; fix_csum(b);
    CHECK_EQ(ipv4_hdr_parse(b, n, 0, &r), IPV4_ERR_VERSION);
    b[0] = 0x44; fix_csum(b);
    CHECK_EQ(ipv4_hdr_parse(b, n, 0, &r), IPV4_ERR_IHL);
    b[0] = 0x40; fix_csum(b);
    CHECK_EQ(ipv4_hdr_parse(b, n, 0, &r), IPV4_ERR_IHL);
    b[0] = 0x4f;            /* 60-byte header in a 60-byte packet whose tot_len says 60 */
    b[3] = 60;
    memset(b + 20, IPOPT_NOOP, 40); fix_csum(b);
    CHECK_EQ(ipv4_hdr_parse(b, n, 0, &r), IPV4_PARSE_OK);
    CHECK_EQ(r.hlen, 60);
    CHECK_EQ(r.payload_len, 0);
    b[3] = 59; fix_csum(b); /* tot_len below the header */
    CHECK_EQ(ipv4_hdr_parse(b, n, 0, &r), IPV4_ERR_TOTLEN);
    b[3] = 61; fix_csum(b); /* tot_len past the buffer */
    CHECK_EQ(ipv4_hdr_parse(b, 60, 0, &r), IPV4_ERR_TRUNCATED);

    n = mk_ip(b, 40);
    b[8] ^= 1;              /* checksum */
    CHECK_EQ(ipv4_hdr_parse(b, n, 0, &r), IPV4_ERR_CSUM);
    CHECK_EQ(ipv4_hdr_parse(b, n, IPV4_PARSE_NO_CSUM, &r), IPV4_PARSE_OK);
}

TEST(ipv4_options)
{
    uint8_t b[128];
    struct ipv4_repr r;
    mk_ip(b, 40);
    b[0] = 0x47;            /* 8 bytes of options */
    uint8_t rr[8] = { 7, 7, 4, 0, 0, 0, 0, IPOPT_END };   /* record route, 1 slot */
    memcpy(b + 20, rr, 8); fix_csum(b);
    CHECK_EQ(ipv4_hdr_parse(b, 60, 0, &r), IPV4_PARSE_OK);
    CHECK(!r.source_route);
    b[21] = 9; fix_csum(b); /* option length past the header */
    CHECK_EQ(ipv4_hdr_parse(b, 60, 0, &r), IPV4_ERR_OPTIONS);
    b[21] = 1; fix_csum(b); /* length below 2 */
    CHECK_EQ(ipv4_hdr_parse(b, 60, 0, &r), IPV4_ERR_OPTIONS);
    b[21] = 0; fix_csum(b);
    CHECK_EQ(ipv4_hdr_parse(b, 60, 0, &r), IPV4_ERR_OPTIONS);
    memset(b + 20, IPOPT_NOOP, 8);
    b[27] = 68;             /* a type with no room for its length byte */
    fix_csum(b);
    CHECK_EQ(ipv4_hdr_parse(b, 60, 0, &r), IPV4_ERR_OPTIONS);
    uint8_t lsrr[8] = { IPOPT_LSRR, 7, 4, 1, 2, 3, 4, IPOPT_END };
    memcpy(b + 20, lsrr, 8); fix_csum(b);
    CHECK_EQ(ipv4_hdr_parse(b, 60, 0, &r), IPV4_PARSE_OK);
    CHECK(r.source_route);
}

TEST(ipv4_fragment_shape)
{
    uint8_t *b = calloc(1, 70000);
    struct ipv4_repr r;
    size_t n = mk_ip(b, 1000);
    b[6] = 0x20; b[7] = 0; fix_csum(b);       /* MF with 1000 bytes: fine */
    CHECK_EQ(ipv4_hdr_parse(b, n, 0, &r), IPV4_PARSE_OK);
    n = mk_ip(b, 1001);
    b[6] = 0x20; fix_csum(b);                  /* MF with 1001: not a multiple of 8 */
    CHECK_EQ(ipv4_hdr_parse(b, n, 0, &r), IPV4_ERR_FRAG);
    n = mk_ip(b, 0);
    b[6] = 0x20; fix_csum(b);                  /* MF with nothing in it */
    CHECK_EQ(ipv4_hdr_parse(b, n, 0, &r), IPV4_ERR_FRAG);
    /* the ping of death: last fragment at offset 65528 carrying 8+ bytes */
    n = mk_ip(b, 16);
    b[6] = 0x1f; b[7] = 0xff; fix_csum(b);
    CHECK_EQ(ipv4_hdr_parse(b, n, 0, &r), IPV4_ERR_FRAG);
    n = mk_ip(b, 7);                           /* 65528 + 7 = 65535: the last legal byte */
    b[6] = 0x1f; b[7] = 0xff; fix_csum(b);
    CHECK_EQ(ipv4_hdr_parse(b, n, 0, &r), IPV4_PARSE_OK);
    CHECK_EQ(r.frag_off, 65528);
    free(b);
}

TEST(addr_text)
{
    uint32_t a;
    char buf[16];
    CHECK(in_aton("10.0.2.15", &a) != NULL);
    CHECK_EQ(a, A(10, 0, 2, 15));
    CHECK_STR(in_ntoa(a, buf), "10.0.2.15");
    CHECK_STR(in_aton("198.18.0.2/24", &a), "/24");
    CHECK(in_aton("255.255.255.255", &a) && a == 0xffffffffu);
    CHECK(in_aton("256.0.0.1", &a) == NULL);
    CHECK(in_aton("1.2.3", &a) == NULL);
    CHECK(in_aton("1..2.3", &a) == NULL);
    CHECK(in_aton("", &a) == NULL);
    CHECK(in_aton("0001.2.3.4", &a) == NULL);
    CHECK_EQ(inet_make_mask(24), A(255, 255, 255, 0));
    CHECK_EQ(inet_make_mask(0), 0);
    CHECK_EQ(inet_make_mask(32), 0xffffffffu);
    CHECK_EQ(inet_make_mask(1), A(128, 0, 0, 0));
    CHECK(ipv4_is_loopback(A(127, 1, 2, 3)) && !ipv4_is_loopback(A(128, 0, 0, 1)));
    CHECK(ipv4_is_multicast(A(224, 0, 0, 1)) && ipv4_is_multicast(A(239, 255, 255, 255)));
    CHECK(!ipv4_is_multicast(A(240, 0, 0, 1)) && ipv4_is_reserved(A(240, 0, 0, 1)));
    CHECK(ipv4_is_zeronet(A(0, 1, 2, 3)) && ipv4_is_lbcast(A(255, 255, 255, 255)));
}

/* --- ICMP --- */

TEST(icmp_echo_roundtrip)
{
    uint8_t b[64];
    const char *msg = "ping payload";
    struct icmp_repr r = { .type = ICMP_ECHO, .un.echo = { 0xbeef, 7 },
                           .data = (const uint8_t *)msg, .data_len = strlen(msg) }, p;
    size_t n = icmp_hdr_emit(&r, b, sizeof(b));
    CHECK_EQ(n, 8 + strlen(msg));
    CHECK_EQ(b[4], 0xbe);
    CHECK_EQ(b[7], 7);
    CHECK_EQ(ip_compute_csum(b, n), 0);
    CHECK_EQ(icmp_hdr_parse(b, n, 0, &p), ICMP_PARSE_OK);
    CHECK_EQ(p.type, ICMP_ECHO);
    CHECK_EQ(p.un.echo.id, 0xbeef);
    CHECK_EQ(p.un.echo.seq, 7);
    CHECK_EQ(p.data_len, strlen(msg));
    CHECK(memcmp(p.data, msg, p.data_len) == 0);
    /* in-place emit (data already at buf + 8), as an echo reply is built */
    p.type = ICMP_ECHOREPLY;
    CHECK_EQ(icmp_hdr_emit(&p, b, n), n);
    CHECK_EQ(icmp_hdr_parse(b, n, 0, &p), ICMP_PARSE_OK);
    CHECK_EQ(p.type, ICMP_ECHOREPLY);
    CHECK(memcmp(p.data, msg, p.data_len) == 0);
    CHECK_EQ(icmp_hdr_emit(&p, b, n - 1), 0);
}

TEST(icmp_malformed)
{
    uint8_t b[64] = { ICMP_ECHO, 0 };
    struct icmp_repr p;
    for (size_t n = 0; n < 8; n++)
        CHECK_EQ(icmp_hdr_parse(b, n, 0, &p), ICMP_ERR_TRUNCATED);
    struct icmp_repr r = { .type = ICMP_ECHO, .data_len = 0 };
    icmp_hdr_emit(&r, b, 8);
    b[5] ^= 0x40;
    CHECK_EQ(icmp_hdr_parse(b, 8, 0, &p), ICMP_ERR_CSUM);
    CHECK_EQ(icmp_hdr_parse(b, 8, ICMP_PARSE_NO_CSUM, &p), ICMP_PARSE_OK);
}

TEST(icmp_error_needs_inner_header)
{
    uint8_t inner[28];
    struct ipv4_repr ir = { .saddr = A(10, 0, 2, 15), .daddr = A(10, 0, 2, 2), .protocol = 17,
                            .ttl = 64, .payload_len = 8 };
    ipv4_hdr_emit(&ir, inner, 20);
    memset(inner + 20, 0x11, 8);
    uint8_t b[64];
    struct icmp_repr r = { .type = ICMP_DEST_UNREACH, .code = ICMP_PORT_UNREACH,
                           .data = inner, .data_len = 28 }, p;
    size_t n = icmp_hdr_emit(&r, b, sizeof(b));
    CHECK_EQ(icmp_hdr_parse(b, n, 0, &p), ICMP_PARSE_OK);
    CHECK_EQ(p.code, ICMP_PORT_UNREACH);
    CHECK_EQ(p.data_len, 28);
    r.data_len = 27;                           /* one byte short of header + 8 */
    n = icmp_hdr_emit(&r, b, sizeof(b));
    CHECK_EQ(icmp_hdr_parse(b, n, 0, &p), ICMP_ERR_INNER);
    inner[0] = 0x65;                           /* inner version 6 */
    r.data_len = 28;
    n = icmp_hdr_emit(&r, b, sizeof(b));
    CHECK_EQ(icmp_hdr_parse(b, n, 0, &p), ICMP_ERR_INNER);
    inner[0] = 0x46;                           /* inner IHL 6: needs 24 + 8 */
    n = icmp_hdr_emit(&r, b, sizeof(b));
    CHECK_EQ(icmp_hdr_parse(b, n, 0, &p), ICMP_ERR_INNER);
    inner[0] = 0x43;                           /* inner IHL 3 */
    n = icmp_hdr_emit(&r, b, sizeof(b));
    CHECK_EQ(icmp_hdr_parse(b, n, 0, &p), ICMP_ERR_INNER);
    /* frag-needed carries the next-hop MTU */
    inner[0] = 0x45;
    r.code = ICMP_FRAG_NEEDED;
    r.un.frag.mtu = 1400;
    n = icmp_hdr_emit(&r, b, sizeof(b));
    CHECK_EQ(icmp_hdr_parse(b, n, 0, &p), ICMP_PARSE_OK);
    CHECK_EQ(p.un.frag.mtu, 1400);
}

/* --- UDP --- */

TEST(udp_roundtrip_and_checksum)
{
    uint32_t s = A(10, 0, 2, 15), d = A(10, 0, 2, 2);
    uint8_t b[64];
    struct udp_repr r = { .sport = 40000, .dport = 7, .payload = (const uint8_t *)"hello",
                          .payload_len = 5 }, p;
    size_t n = udp_hdr_emit(&r, b, sizeof(b), s, d, true);
    CHECK_EQ(n, 13);
    CHECK_EQ(b[4], 0);
    CHECK_EQ(b[5], 13);
    CHECK_EQ(udp_hdr_parse(b, n, s, d, 0, &p), UDP_PARSE_OK);
    CHECK_EQ(p.sport, 40000);
    CHECK_EQ(p.dport, 7);
    CHECK_EQ(p.payload_len, 5);
    CHECK(p.csum_present);
    CHECK(memcmp(p.payload, "hello", 5) == 0);
    /* wrong pseudo-header (another destination) fails */
    CHECK_EQ(udp_hdr_parse(b, n, s, A(10, 0, 2, 3), 0, &p), UDP_ERR_CSUM);
    CHECK_EQ(udp_hdr_parse(b, n, s, A(10, 0, 2, 3), UDP_PARSE_NO_CSUM, &p), UDP_PARSE_OK);
    /* no checksum: 0 on the wire is accepted */
    n = udp_hdr_emit(&r, b, sizeof(b), s, d, false);
    CHECK(b[6] == 0 && b[7] == 0);
    CHECK_EQ(udp_hdr_parse(b, n, s, A(1, 2, 3, 4), 0, &p), UDP_PARSE_OK);
    CHECK(!p.csum_present);
    /* bytes past the length field are ignored (link padding) */
    n = udp_hdr_emit(&r, b, sizeof(b), s, d, true);
    b[n] = 0x77;
    CHECK_EQ(udp_hdr_parse(b, n + 1, s, d, 0, &p), UDP_PARSE_OK);
    CHECK_EQ(p.payload_len, 5);
}

TEST(udp_zero_sum_sent_as_ffff)
{
    /* find a payload whose checksum computes to 0: it must go out as 0xffff */
    uint32_t s = A(10, 0, 2, 15), d = A(10, 0, 2, 2);
    uint8_t b[16];
    struct udp_repr r = { .sport = 1, .dport = 2, .payload_len = 2 }, p;
    uint8_t pl[2] = { 0, 0 };
    r.payload = pl;
    udp_hdr_emit(&r, b, sizeof(b), s, d, true);
    /* adjust the payload word by the current checksum so the sum becomes 0xffff */
    uint16_t c;
    memcpy(&c, b + 6, 2);
    uint16_t w = (uint16_t)(c == 0xffff ? 0 : c);
    memcpy(pl, &w, 2);
    size_t n = udp_hdr_emit(&r, b, sizeof(b), s, d, true);
    CHECK(b[6] == 0xff && b[7] == 0xff);
    CHECK_EQ(udp_hdr_parse(b, n, s, d, 0, &p), UDP_PARSE_OK);
}

TEST(udp_malformed)
{
    uint8_t b[32] = { 0 };
    struct udp_repr p;
    for (size_t n = 0; n < 8; n++)
        CHECK_EQ(udp_hdr_parse(b, n, 0, 0, 0, &p), UDP_ERR_TRUNCATED);
    b[5] = 7;       /* length 7 < 8 */
    CHECK_EQ(udp_hdr_parse(b, 32, 0, 0, 0, &p), UDP_ERR_LENGTH);
    b[5] = 33;      /* past the buffer */
    CHECK_EQ(udp_hdr_parse(b, 32, 0, 0, 0, &p), UDP_ERR_LENGTH);
    b[4] = 0xff; b[5] = 0xff;
    CHECK_EQ(udp_hdr_parse(b, 32, 0, 0, 0, &p), UDP_ERR_LENGTH);
    b[4] = 0; b[5] = 8;
    CHECK_EQ(udp_hdr_parse(b, 32, 0, 0, 0, &p), UDP_PARSE_OK);
    CHECK_EQ(p.payload_len, 0);
    /* emit: too big or too small a buffer */
    struct udp_repr r = { .payload = b, .payload_len = 65528 };
    CHECK_EQ(udp_hdr_emit(&r, b, sizeof(b), 0, 0, true), 0);
    r.payload_len = 25;
    CHECK_EQ(udp_hdr_emit(&r, b, sizeof(b), 0, 0, true), 0);
}
