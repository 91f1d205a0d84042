// SOURCES: drivers/net/igb/igb_desc.c
/* Hosted tests for the igb descriptor encoders and decoders: every field of the advanced
 * TX data and context descriptors against the bit layout of igb-82576.md sec. 6.3/6.4,
 * the offload plan for plain, checksum-offload and TSO frames built byte by byte, and
 * the RX write-back decode (sec. 5.5). */
#include "tests/unit/unit.h"
#include "drivers/net/igb/igb_desc.h"
#include "net/core/skbuff.h"

static uint32_t bits(uint32_t v, unsigned hi, unsigned lo) { return (v >> lo) & ((1u << (hi - lo + 1)) - 1); }

TEST(data_desc_plain_frame)
{
    union igb_adv_tx_desc d = igb_tx_data_desc(0x123456789abcull, 60,
                                               IGB_ADVTXD_DCMD_EOP | IGB_ADVTXD_DCMD_RS, 60, 0, 0);
    CHECK(d.read.buffer_addr == 0x123456789abcull);
    CHECK_EQ(bits(d.read.cmd_type_len, 15, 0), 60);          /* DTALEN */
    CHECK_EQ(bits(d.read.cmd_type_len, 23, 20), 3);          /* DTYP = data */
    CHECK_EQ(bits(d.read.cmd_type_len, 24, 24), 1);          /* EOP */
    CHECK_EQ(bits(d.read.cmd_type_len, 25, 25), 1);          /* IFCS always */
    CHECK_EQ(bits(d.read.cmd_type_len, 26, 26), 0);
    CHECK_EQ(bits(d.read.cmd_type_len, 27, 27), 1);          /* RS */
    CHECK_EQ(bits(d.read.cmd_type_len, 28, 28), 0);
    CHECK_EQ(bits(d.read.cmd_type_len, 29, 29), 1);          /* DEXT always */
    CHECK_EQ(bits(d.read.cmd_type_len, 30, 30), 0);          /* VLE */
    CHECK_EQ(bits(d.read.cmd_type_len, 31, 31), 0);          /* TSE */
    CHECK_EQ(bits(d.read.cmd_type_len, 19, 16), 0);
    CHECK_EQ(bits(d.read.olinfo_status, 0, 0), 0);           /* DD clear */
    CHECK_EQ(bits(d.read.olinfo_status, 6, 4), 0);           /* IDX */
    CHECK_EQ(bits(d.read.olinfo_status, 9, 8), 0);           /* POPTS */
    CHECK_EQ(bits(d.read.olinfo_status, 31, 14), 60);        /* PAYLEN */
    /* the exact word of ref sec. 6.3's minimal frame: len | 0x00300000 | DEXT | IFCS | EOP | RS */
    CHECK_EQ(d.read.cmd_type_len, 60u | 0x00300000u | (1u << 29) | (1u << 25) | (1u << 24) | (1u << 27));
    CHECK_EQ(d.read.olinfo_status, 60u << 14);
}

TEST(data_desc_middle_fragment_has_no_eop_rs)
{
    union igb_adv_tx_desc d = igb_tx_data_desc(0x1000, 4096, 0, 9000, IGB_ADVTXD_POPTS_TXSM, 1);
    CHECK_EQ(bits(d.read.cmd_type_len, 15, 0), 4096);
    CHECK_EQ(bits(d.read.cmd_type_len, 24, 24), 0);
    CHECK_EQ(bits(d.read.cmd_type_len, 27, 27), 0);
    CHECK_EQ(bits(d.read.olinfo_status, 9, 9), 1);          /* TXSM */
    CHECK_EQ(bits(d.read.olinfo_status, 8, 8), 0);
    CHECK_EQ(bits(d.read.olinfo_status, 6, 4), 1);           /* context slot 1 */
    CHECK_EQ(bits(d.read.olinfo_status, 31, 14), 9000);
}

TEST(data_desc_tso_flags_and_masking)
{
    union igb_adv_tx_desc d = igb_tx_data_desc(0, 0x1ffff, IGB_ADVTXD_DCMD_TSE | 0x00ff0000u,
                                               0x7ffff, IGB_ADVTXD_POPTS_IXSM | IGB_ADVTXD_POPTS_TXSM | 1u, 9);
    CHECK_EQ(bits(d.read.cmd_type_len, 15, 0), 0xffff);      /* length truncated to 16 bits */
    CHECK_EQ(bits(d.read.cmd_type_len, 23, 20), 3);          /* stray DCMD bits do not leak */
    CHECK_EQ(bits(d.read.cmd_type_len, 31, 31), 1);
    CHECK_EQ(bits(d.read.olinfo_status, 0, 0), 0);           /* DD never set by software */
    CHECK_EQ(bits(d.read.olinfo_status, 9, 8), 3);
    CHECK_EQ(bits(d.read.olinfo_status, 6, 4), 1);           /* idx & 7 */
    CHECK_EQ(bits(d.read.olinfo_status, 31, 14), 0x3ffff);   /* PAYLEN is 18 bits */
}

TEST(context_desc_fields)
{
    union igb_adv_tx_desc d = igb_tx_ctx_desc(0xabc, 14, 20,
                                              IGB_ADVTXD_TUCMD_IPV4 | IGB_ADVTXD_TUCMD_L4T_TCP,
                                              1448, 32, 1);
    CHECK_EQ(bits(d.ctx.vlan_macip_lens, 8, 0), 20);         /* IPLEN */
    CHECK_EQ(bits(d.ctx.vlan_macip_lens, 15, 9), 14);        /* MACLEN */
    CHECK_EQ(bits(d.ctx.vlan_macip_lens, 31, 16), 0xabc);    /* VLAN */
    CHECK_EQ(d.ctx.seqnum_seed, 0);
    CHECK_EQ(bits(d.ctx.type_tucmd_mlhl, 10, 10), 1);        /* IPV4 */
    CHECK_EQ(bits(d.ctx.type_tucmd_mlhl, 12, 11), 1);        /* L4T = TCP */
    CHECK_EQ(bits(d.ctx.type_tucmd_mlhl, 23, 20), 2);        /* DTYP = context */
    CHECK_EQ(bits(d.ctx.type_tucmd_mlhl, 29, 29), 1);        /* DEXT */
    CHECK_EQ(bits(d.ctx.type_tucmd_mlhl, 9, 0), 0);
    CHECK_EQ(bits(d.ctx.mss_l4len_idx, 6, 4), 1);            /* IDX */
    CHECK_EQ(bits(d.ctx.mss_l4len_idx, 15, 8), 32);          /* L4LEN */
    CHECK_EQ(bits(d.ctx.mss_l4len_idx, 31, 16), 1448);       /* MSS */
    CHECK_EQ(bits(d.ctx.mss_l4len_idx, 3, 0), 0);
    CHECK_EQ(d.ctx.type_tucmd_mlhl, 0x00200000u | 0x20000000u | 0x400u | 0x800u);

    d = igb_tx_ctx_desc(0, 18, 40, IGB_ADVTXD_TUCMD_L4T_UDP, 0, 0, 0);   /* UDP, no IPv4 bit */
    CHECK_EQ(bits(d.ctx.type_tucmd_mlhl, 12, 10), 0);
    CHECK_EQ(bits(d.ctx.vlan_macip_lens, 15, 9), 18);
    CHECK_EQ(bits(d.ctx.vlan_macip_lens, 8, 0), 40);
    d = igb_tx_ctx_desc(0, 14, 20, IGB_ADVTXD_TUCMD_L4T_SCTP, 0, 0, 0);
    CHECK_EQ(bits(d.ctx.type_tucmd_mlhl, 12, 11), 2);        /* L4T = SCTP */
}

/* ---- frames for the offload plan ---- */

static size_t build_ipv4(uint8_t *f, uint8_t proto, unsigned payload, bool zero_ipsum, unsigned tcp_opts)
{
    memset(f, 0, 2048);
    memcpy(f, "\x52\x55\x0a\x00\x02\x02\x52\x54\x00\x12\x34\x56\x08\x00", 14);
    uint8_t *ip = f + 14;
    unsigned l4 = proto == 6 ? 20 + tcp_opts : 8;
    unsigned tot = 20 + l4 + payload;
    ip[0] = 0x45; ip[2] = (uint8_t)(tot >> 8); ip[3] = (uint8_t)tot; ip[8] = 64; ip[9] = proto;
    if (!zero_ipsum) { ip[10] = 0x12; ip[11] = 0x34; }
    memcpy(ip + 12, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
    if (proto == 6)
        ip[20 + 12] = (uint8_t)(((20 + tcp_opts) / 4) << 4);
    return 14 + tot;
}

static struct igb_tx_frame frame(const uint8_t *f, size_t len, uint8_t ip_summed, uint16_t gso)
{
    return (struct igb_tx_frame){ .data = f, .headlen = (uint32_t)len, .len = (uint32_t)len,
        .protocol = 0x0800, .network_offset = 14, .transport_offset = 34,
        .ip_summed = ip_summed, .gso_size = gso, .hw_ip4_hdr_csum = true };
}

TEST(plan_plain_frame_needs_no_context)
{
    static uint8_t f[2048];
    size_t n = build_ipv4(f, 17, 100, false, 0);
    struct igb_tx_frame fr = frame(f, n, CHECKSUM_NONE, 0);
    struct igb_tx_offload o;
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_OK);
    CHECK(!o.ctx);
    CHECK(!o.tso);
    CHECK_EQ(o.popts, 0);
    CHECK_EQ(o.paylen, n);
    CHECK_EQ(o.gso_segs, 1);
    /* an ARP frame: not IP at all */
    memcpy(f + 12, "\x08\x06", 2);
    fr.protocol = 0x0806;
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_OK);
    CHECK(!o.ctx);
    /* a runt without even an Ethernet header is not this layer's business */
    fr.headlen = fr.len = 10;
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_OK);
    CHECK(!o.ctx);
}

TEST(plan_udp_checksum_offload)
{
    static uint8_t f[2048];
    size_t n = build_ipv4(f, 17, 100, false, 0);
    struct igb_tx_frame fr = frame(f, n, CHECKSUM_PARTIAL, 0);
    struct igb_tx_offload o;
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_OK);
    CHECK(o.ctx);
    CHECK(!o.tso);
    CHECK_EQ(o.maclen, 14);
    CHECK_EQ(o.iplen, 20);
    CHECK_EQ(o.tucmd, IGB_ADVTXD_TUCMD_IPV4 | IGB_ADVTXD_TUCMD_L4T_UDP);
    CHECK_EQ(o.popts, IGB_ADVTXD_POPTS_TXSM);               /* header checksum already there */
    CHECK_EQ(o.paylen, n);
    /* the stack left the IPv4 header checksum at zero: the NIC inserts it too */
    n = build_ipv4(f, 17, 100, true, 0);
    fr = frame(f, n, CHECKSUM_PARTIAL, 0);
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_OK);
    CHECK_EQ(o.popts, IGB_ADVTXD_POPTS_TXSM | IGB_ADVTXD_POPTS_IXSM);
    /* and the resulting descriptors */
    union igb_adv_tx_desc c = igb_tx_ctx_desc(0, o.maclen, o.iplen, o.tucmd, o.mss, o.l4len, 0);
    CHECK_EQ(c.ctx.vlan_macip_lens, (14u << 9) | 20u);
    CHECK_EQ(c.ctx.mss_l4len_idx, 0);
    union igb_adv_tx_desc d = igb_tx_data_desc(0x2000, (uint32_t)n, IGB_ADVTXD_DCMD_EOP | IGB_ADVTXD_DCMD_RS,
                                               o.paylen, o.popts, 0);
    CHECK_EQ(bits(d.read.olinfo_status, 9, 8), 3);
    CHECK_EQ(bits(d.read.olinfo_status, 31, 14), n);
}

TEST(plan_ipv4_header_only_offload)
{
    static uint8_t f[2048];
    size_t n = build_ipv4(f, 17, 50, true, 0);
    struct igb_tx_frame fr = frame(f, n, CHECKSUM_NONE, 0);
    struct igb_tx_offload o;
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_OK);
    CHECK(o.ctx);
    CHECK_EQ(o.popts, IGB_ADVTXD_POPTS_IXSM);
    CHECK_EQ(o.tucmd & IGB_ADVTXD_TUCMD_IPV4, IGB_ADVTXD_TUCMD_IPV4);
    /* without the device feature the zero stays (software's business) */
    fr.hw_ip4_hdr_csum = false;
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_OK);
    CHECK(!o.ctx);
    /* a computed header checksum needs nothing */
    n = build_ipv4(f, 17, 50, false, 0);
    fr = frame(f, n, CHECKSUM_NONE, 0);
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_OK);
    CHECK(!o.ctx);
}

TEST(plan_tcp_tso)
{
    static uint8_t f[2048];
    size_t hdr = build_ipv4(f, 6, 0, true, 12);              /* TCP with 12 bytes of options */
    CHECK_EQ(hdr, 14 + 20 + 32);
    struct igb_tx_frame fr = frame(f, hdr, CHECKSUM_PARTIAL, 1000);
    fr.len = (uint32_t)hdr + 4000;                           /* payload in fragments */
    struct igb_tx_offload o;
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_OK);
    CHECK(o.ctx);
    CHECK(o.tso);
    CHECK_EQ(o.l4len, 32);
    CHECK_EQ(o.mss, 1000);
    CHECK_EQ(o.hdr_len, 66);
    CHECK_EQ(o.paylen, 4000);
    CHECK_EQ(o.gso_segs, 4);
    CHECK_EQ(o.popts, IGB_ADVTXD_POPTS_TXSM | IGB_ADVTXD_POPTS_IXSM);
    CHECK_EQ(o.tucmd, IGB_ADVTXD_TUCMD_IPV4 | IGB_ADVTXD_TUCMD_L4T_TCP);
    union igb_adv_tx_desc c = igb_tx_ctx_desc(0, o.maclen, o.iplen, o.tucmd, o.mss, o.l4len, 0);
    CHECK_EQ(bits(c.ctx.mss_l4len_idx, 31, 16), 1000);
    CHECK_EQ(bits(c.ctx.mss_l4len_idx, 15, 8), 32);
    union igb_adv_tx_desc d = igb_tx_data_desc(0x3000, (uint32_t)hdr, IGB_ADVTXD_DCMD_TSE, o.paylen, o.popts, 0);
    CHECK_EQ(bits(d.read.cmd_type_len, 31, 31), 1);
    CHECK_EQ(bits(d.read.olinfo_status, 31, 14), 4000);      /* TSO PAYLEN excludes headers */
    fr.len = (uint32_t)hdr + 4001;
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_OK);
    CHECK_EQ(o.gso_segs, 5);
}

TEST(plan_rejects_bad_input)
{
    static uint8_t f[2048];
    size_t n = build_ipv4(f, 1, 30, false, 0);               /* ICMP */
    struct igb_tx_frame fr = frame(f, n, CHECKSUM_PARTIAL, 0);
    struct igb_tx_offload o;
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_BAD_L4);
    fr.gso_size = 500;
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_BAD_GSO);
    n = build_ipv4(f, 17, 3000, false, 0);                   /* UDP "TSO" */
    fr = frame(f, 100, CHECKSUM_PARTIAL, 1000);
    fr.len = (uint32_t)n;
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_BAD_GSO);
    n = build_ipv4(f, 6, 0, false, 0);
    fr = frame(f, n, CHECKSUM_PARTIAL, 1000);                /* TSO with no payload */
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_BAD_GSO);
    fr = frame(f, 30, CHECKSUM_PARTIAL, 0);                  /* IP header cut off */
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_BAD_HEADERS);
    n = build_ipv4(f, 6, 100, false, 0);
    fr = frame(f, n, CHECKSUM_PARTIAL, 0);
    fr.transport_offset = 20;                                /* inside the IP header */
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_BAD_HEADERS);
    fr = frame(f, n, CHECKSUM_PARTIAL, 0);
    f[14] = 0x65;                                            /* version 6 in an IPv4 frame */
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_BAD_HEADERS);
    fr.data = NULL;
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_BAD_HEADERS);
}

/* No IPv6 in the stack: an offload asked for an IPv6 frame is refused, a plain one passes. */
TEST(plan_refuses_ipv6_offload)
{
    static uint8_t f[2048];
    memset(f, 0, sizeof(f));
    memcpy(f + 12, "\x86\xdd", 2);
    f[14] = 0x60;
    f[14 + 6] = 6;                                           /* TCP next */
    f[14 + 40 + 12] = 5 << 4;
    struct igb_tx_frame fr = { .data = f, .headlen = 14 + 40 + 20, .len = 14 + 40 + 20 + 3000,
        .protocol = 0x86dd, .network_offset = -1, .transport_offset = -1,
        .ip_summed = CHECKSUM_PARTIAL, .gso_size = 1440 };
    struct igb_tx_offload o;
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_BAD_HEADERS);
    fr.gso_size = 0;
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_BAD_HEADERS);
    fr.ip_summed = 0;
    fr.len = 14 + 40 + 20;
    CHECK_EQ(igb_tx_offload_plan(&fr, &o), IGB_TXP_OK);
    CHECK(!o.ctx);
}

TEST(tso_pseudo_header_seed)
{
    /* 10.0.2.15 -> 10.0.2.2, TCP: 0x0a00 + 0x020f + 0x0a00 + 0x0202 + 6 = 0x1817 */
    const uint8_t a[8] = { 10, 0, 2, 15, 10, 0, 2, 2 };
    CHECK_EQ(igb_tso_pseudo_seed(a, 8, 6), 0x1817);
    /* carries fold back in */
    const uint8_t b[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    /* 4 * 0xffff + 6 = 0x40002, folded: 0x0002 + 0x4 */
    CHECK_EQ(igb_tso_pseudo_seed(b, 8, 6), 0x0006);
}

TEST(rx_decode_status_and_errors)
{
    bool disc = false;
    struct igb_rx_result r = igb_rx_decode(0, 60, 0, 0, 2048, &disc);
    CHECK_EQ(r.verdict, IGB_RX_NOT_DONE);
    r = igb_rx_decode(IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP, 60, 0, 0, 2048, &disc);
    CHECK_EQ(r.verdict, IGB_RX_PASS);
    CHECK_EQ(r.len, 60);
    CHECK_EQ(r.csum, IGB_RX_CSUM_NONE);
    /* L4 checked and good (TCPCS, IPCS) */
    r = igb_rx_decode(IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP | IGB_RXD_STAT_TCPCS | IGB_RXD_STAT_IPCS,
                      1514, 0, 0, 2048, &disc);
    CHECK_EQ(r.csum, IGB_RX_CSUM_GOOD);
    CHECK(!r.ip_csum_bad);
    /* UDP checked, L4 error */
    r = igb_rx_decode(IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP | IGB_RXD_STAT_UDPCS | IGB_RXDEXT_ERR_L4E,
                      100, 0, 0, 2048, &disc);
    CHECK_EQ(r.verdict, IGB_RX_PASS);                        /* the stack re-verifies */
    CHECK_EQ(r.csum, IGB_RX_CSUM_BAD);
    /* IP header error poisons the L4 verdict */
    r = igb_rx_decode(IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP | IGB_RXD_STAT_TCPCS | IGB_RXD_STAT_IPCS |
                      IGB_RXDEXT_ERR_IPE, 100, 0, 0, 2048, &disc);
    CHECK(r.ip_csum_bad);
    CHECK_EQ(r.csum, IGB_RX_CSUM_BAD);
    /* frame errors are dropped */
    r = igb_rx_decode(IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP | IGB_RXDEXT_ERR_CE, 100, 0, 0, 2048, &disc);
    CHECK_EQ(r.verdict, IGB_RX_DROP_ERR);
    r = igb_rx_decode(IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP | IGB_RXDEXT_ERR_RXE, 100, 0, 0, 2048, &disc);
    CHECK_EQ(r.verdict, IGB_RX_DROP_ERR);
    /* bad lengths */
    r = igb_rx_decode(IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP, 0, 0, 0, 2048, &disc);
    CHECK_EQ(r.verdict, IGB_RX_DROP_LEN);
    r = igb_rx_decode(IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP, 2049, 0, 0, 2048, &disc);
    CHECK_EQ(r.verdict, IGB_RX_DROP_LEN);
    /* RSS hash only with an RSS type */
    r = igb_rx_decode(IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP, 60, 0x1, 0xdeadbeef, 2048, &disc);
    CHECK_EQ(r.rss_type, 1);
    CHECK(r.rss_hash == 0xdeadbeef);
    r = igb_rx_decode(IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP, 60, 0x50, 0xdeadbeef, 2048, &disc);
    CHECK_EQ(r.rss_type, 0);
    CHECK_EQ(r.rss_hash, 0);
    CHECK(!disc);
}

TEST(rx_decode_drops_multi_buffer_frames_whole)
{
    bool disc = false;
    struct igb_rx_result r = igb_rx_decode(IGB_RXD_STAT_DD, 2048, 0, 0, 2048, &disc);
    CHECK_EQ(r.verdict, IGB_RX_DROP_NONEOP);
    CHECK(disc);
    r = igb_rx_decode(IGB_RXD_STAT_DD, 2048, 0, 0, 2048, &disc);      /* middle piece */
    CHECK_EQ(r.verdict, IGB_RX_DROP_NONEOP);
    CHECK(disc);
    r = igb_rx_decode(IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP | IGB_RXD_STAT_TCPCS, 100, 0, 0, 2048, &disc);
    CHECK_EQ(r.verdict, IGB_RX_DROP_NONEOP);                           /* the tail, with EOP */
    CHECK(!disc);
    r = igb_rx_decode(IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP, 64, 0, 0, 2048, &disc);
    CHECK_EQ(r.verdict, IGB_RX_PASS);                                  /* next frame is fine */
    /* a NOT_DONE descriptor does not end discarding */
    disc = true;
    r = igb_rx_decode(0, 0, 0, 0, 2048, &disc);
    CHECK_EQ(r.verdict, IGB_RX_NOT_DONE);
    CHECK(disc);
}

TEST(eitr_encoding)
{
    CHECK_EQ(igb_eitr_from_usecs(0), 0);
    CHECK_EQ(igb_eitr_from_usecs(50), 200);                  /* bits 14:2 = 50 */
    CHECK_EQ(bits(igb_eitr_from_usecs(50), 14, 2), 50);
    CHECK_EQ(igb_eitr_from_usecs(1), 4);
    CHECK_EQ(igb_eitr_from_usecs(100000), 0x7ffc);           /* clamped */
    CHECK_EQ(igb_eitr_from_usecs(8191), 0x7ffc);
}
