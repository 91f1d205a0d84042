/* drivers/net/igb/igb_desc.c - pure encoders and decoders for igb descriptors: the TX
 * data and context descriptors, the per-frame offload plan (which context, which POPTS,
 * which PAYLEN), the RX write-back decode, and ring-size/moderation arithmetic.
 * No register access and no allocation: hosted-tested by tests/unit/test_igb_desc.c. */
#include "drivers/net/igb/igb_desc.h"
#include "kernel/lib/unaligned.h"
#include "net/core/skbuff.h"   /* CHECKSUM_* only */

/* 82576 DS ch. 7.2.2.3 (advanced transmit data descriptor); igb-82576.md sec. 6.3. */
union igb_adv_tx_desc igb_tx_data_desc(uint64_t addr, uint32_t len, uint32_t dcmd,
                                       uint32_t paylen, uint32_t popts, unsigned ctx_idx)
{
    union igb_adv_tx_desc d;
    d.read.buffer_addr = addr;
    d.read.cmd_type_len = (len & IGB_ADVTXD_DTALEN_MASK) | IGB_ADVTXD_DTYP_DATA |
                          IGB_ADVTXD_DCMD_DEXT | IGB_ADVTXD_DCMD_IFCS |
                          (dcmd & (IGB_ADVTXD_DCMD_EOP | IGB_ADVTXD_DCMD_RS |
                                   IGB_ADVTXD_DCMD_TSE | IGB_ADVTXD_DCMD_VLE));
    d.read.olinfo_status = ((paylen & IGB_ADVTXD_PAYLEN_MAX) << IGB_ADVTXD_PAYLEN_SHIFT) |
                           (popts & (IGB_ADVTXD_POPTS_IXSM | IGB_ADVTXD_POPTS_TXSM)) |
                           ((ctx_idx & 7u) << IGB_ADVTXD_IDX_SHIFT);
    return d;
}

/* 82576 DS ch. 7.2.2.2 (advanced transmit context descriptor); igb-82576.md sec. 6.4. */
union igb_adv_tx_desc igb_tx_ctx_desc(uint16_t vlan, unsigned maclen, unsigned iplen,
                                      uint32_t tucmd, unsigned mss, unsigned l4len,
                                      unsigned ctx_idx)
{
    union igb_adv_tx_desc d;
    d.ctx.vlan_macip_lens = ((uint32_t)vlan << IGB_ADVTXD_VLAN_SHIFT) |
                            ((maclen & 0x7fu) << IGB_ADVTXD_MACLEN_SHIFT) | (iplen & 0x1ffu);
    d.ctx.seqnum_seed = 0;
    d.ctx.type_tucmd_mlhl = IGB_ADVTXD_DTYP_CTXT | IGB_ADVTXD_DCMD_DEXT |
                            (tucmd & (IGB_ADVTXD_TUCMD_IPV4 | IGB_ADVTXD_TUCMD_L4T_TCP |
                                      IGB_ADVTXD_TUCMD_L4T_SCTP));
    d.ctx.mss_l4len_idx = ((mss & 0xffffu) << IGB_ADVTXD_MSS_SHIFT) |
                          ((l4len & 0xffu) << IGB_ADVTXD_L4LEN_SHIFT) |
                          ((ctx_idx & 7u) << IGB_ADVTXD_IDX_SHIFT);
    return d;
}

#define ETH_HDR_LEN   14
#define VLAN_HDR_LEN  4
#define ETHERTYPE_IP   0x0800
#define ETHERTYPE_VLAN 0x8100
#define IPPROTO_TCP_   6
#define IPPROTO_UDP_   17
#define IPPROTO_SCTP_  132

int igb_tx_offload_plan(const struct igb_tx_frame *f, struct igb_tx_offload *out)
{
    *out = (struct igb_tx_offload){ .paylen = f->len, .gso_segs = 1 };

    /* L2: the ethertype and where L3 starts. */
    if (f->headlen < ETH_HDR_LEN || !f->data)
        return (f->gso_size || f->ip_summed == CHECKSUM_PARTIAL) ? IGB_TXP_BAD_HEADERS : IGB_TXP_OK;
    unsigned maclen = ETH_HDR_LEN;
    uint16_t proto = get_unaligned_be16(f->data + 12);
    if (proto == ETHERTYPE_VLAN && f->headlen >= ETH_HDR_LEN + VLAN_HDR_LEN) {
        maclen += VLAN_HDR_LEN;
        proto = get_unaligned_be16(f->data + 16);
    }
    if (f->protocol && f->protocol != ETHERTYPE_VLAN)
        proto = f->protocol;
    if (f->network_offset >= 0)
        maclen = (unsigned)f->network_offset;

    /* The stack speaks IPv4 only: anything else goes out as it is, and an offload asked
     * for it is refused. */
    bool want_l4 = f->gso_size || f->ip_summed == CHECKSUM_PARTIAL;
    if (proto != ETHERTYPE_IP)
        return want_l4 ? IGB_TXP_BAD_HEADERS : IGB_TXP_OK;
    if (maclen < ETH_HDR_LEN || maclen > 127)
        return want_l4 ? IGB_TXP_BAD_HEADERS : IGB_TXP_OK;

    /* L3: header length and the L4 protocol. */
    const uint8_t *ip = f->data + maclen;
    unsigned avail = f->headlen > maclen ? f->headlen - maclen : 0;
    if (avail < 20 || (ip[0] >> 4) != 4 || (ip[0] & 0xf) < 5)
        return want_l4 ? IGB_TXP_BAD_HEADERS : IGB_TXP_OK;
    unsigned iplen = (ip[0] & 0xfu) * 4u;
    if (iplen > avail)
        return want_l4 ? IGB_TXP_BAD_HEADERS : IGB_TXP_OK;
    int l4proto = ip[9];
    bool ip4_csum_zero = ip[10] == 0 && ip[11] == 0;
    if (f->transport_offset >= 0 && want_l4) {
        if ((unsigned)f->transport_offset < maclen + 20u)
            return IGB_TXP_BAD_HEADERS;
        iplen = (unsigned)f->transport_offset - maclen;
    }
    if (iplen > 511)
        return IGB_TXP_BAD_HEADERS;

    out->maclen = (uint16_t)maclen;
    out->iplen = (uint16_t)iplen;
    out->tucmd = IGB_ADVTXD_TUCMD_IPV4;

    if (!want_l4) {
        /* IPv4 header checksum only, when the stack left it for the NIC. */
        if (!(ip4_csum_zero && f->hw_ip4_hdr_csum))
            return IGB_TXP_OK;
        out->ctx = true;
        out->popts = IGB_ADVTXD_POPTS_IXSM;
        return IGB_TXP_OK;
    }

    switch (l4proto) {
    case IPPROTO_TCP_:  out->tucmd |= IGB_ADVTXD_TUCMD_L4T_TCP; break;
    case IPPROTO_UDP_:  out->tucmd |= IGB_ADVTXD_TUCMD_L4T_UDP; break;
    case IPPROTO_SCTP_: out->tucmd |= IGB_ADVTXD_TUCMD_L4T_SCTP; break;
    default:
        return f->gso_size ? IGB_TXP_BAD_GSO : IGB_TXP_BAD_L4;
    }
    out->ctx = true;
    out->popts = IGB_ADVTXD_POPTS_TXSM;

    if (!f->gso_size) {
        if (ip4_csum_zero)
            out->popts |= IGB_ADVTXD_POPTS_IXSM;
        return IGB_TXP_OK;
    }

    /* TSO: TCP only; the whole header block must be linear. */
    if (l4proto != IPPROTO_TCP_)
        return IGB_TXP_BAD_GSO;
    unsigned th = maclen + iplen;
    if (th + 20 > f->headlen)
        return IGB_TXP_BAD_HEADERS;
    unsigned l4len = (f->data[th + 12] >> 4) * 4u;
    if (l4len < 20 || th + l4len > f->headlen)
        return IGB_TXP_BAD_HEADERS;
    unsigned hdr = th + l4len;
    if (f->len <= hdr || f->len - hdr > IGB_ADVTXD_PAYLEN_MAX)
        return IGB_TXP_BAD_GSO;
    out->tso = true;
    out->l4len = (uint16_t)l4len;
    out->mss = f->gso_size;
    out->hdr_len = hdr;
    out->paylen = f->len - hdr;
    out->gso_segs = (uint16_t)DIV_ROUND_UP(out->paylen, f->gso_size);
    out->popts |= IGB_ADVTXD_POPTS_IXSM;
    return IGB_TXP_OK;
}

uint16_t igb_tso_pseudo_seed(const uint8_t *addrs, unsigned nbytes, uint8_t proto)
{
    uint32_t sum = proto;
    for (unsigned i = 0; i + 1 < nbytes; i += 2)
        sum += get_unaligned_be16(addrs + i);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* 82576 DS ch. 7.1.5 (advanced receive descriptor write-back); igb-82576.md sec. 5.5. */
struct igb_rx_result igb_rx_decode(uint32_t staterr, uint16_t length, uint32_t info,
                                   uint32_t rss, unsigned buf_size, bool *discarding)
{
    struct igb_rx_result r = { .verdict = IGB_RX_NOT_DONE, .csum = IGB_RX_CSUM_NONE };
    if (!(staterr & IGB_RXD_STAT_DD))
        return r;
    r.len = length;
    if (*discarding || !(staterr & IGB_RXD_STAT_EOP)) {
        /* A frame spread over several buffers: drop every piece up to its EOP. */
        *discarding = !(staterr & IGB_RXD_STAT_EOP);
        r.verdict = IGB_RX_DROP_NONEOP;
        return r;
    }
    if (staterr & IGB_RXDEXT_ERR_FRAME_MASK) {
        r.verdict = IGB_RX_DROP_ERR;
        return r;
    }
    if (length == 0 || length > buf_size) {
        r.verdict = IGB_RX_DROP_LEN;
        return r;
    }
    r.verdict = IGB_RX_PASS;
    r.ip_csum_bad = (staterr & IGB_RXD_STAT_IPCS) && (staterr & IGB_RXDEXT_ERR_IPE);
    if (staterr & (IGB_RXD_STAT_TCPCS | IGB_RXD_STAT_UDPCS))
        r.csum = (staterr & (IGB_RXDEXT_ERR_L4E | IGB_RXDEXT_ERR_IPE)) ? IGB_RX_CSUM_BAD
                                                                       : IGB_RX_CSUM_GOOD;
    else if (r.ip_csum_bad)
        r.csum = IGB_RX_CSUM_BAD;
    r.rss_type = (uint8_t)(info & IGB_RXD_RSS_TYPE_MASK);
    r.rss_hash = r.rss_type ? rss : 0;
    return r;
}

unsigned igb_ring_size(uint64_t requested)
{
    if (requested < IGB_MIN_RING)
        requested = IGB_MIN_RING;
    if (requested > IGB_MAX_RING)
        requested = IGB_MAX_RING;
    return (unsigned)ALIGN_UP(requested, (uint64_t)IGB_RING_ALIGN);
}

uint32_t igb_eitr_from_usecs(unsigned usecs)
{
    if (usecs == 0)
        return 0;
    if (usecs > E1000_EITR_MAX_USECS)
        usecs = E1000_EITR_MAX_USECS;
    return (usecs << 2) & 0x7ffcu;
}
