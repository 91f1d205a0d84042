/* drivers/net/igb/igb_desc.h - igb descriptor formats and ring arithmetic, as pure code.
 *
 * Everything here is free of hardware access so that tests/unit/test_igb_desc.c and
 * test_igb_ring.c can check it bit by bit on the host. Descriptors are little-endian in
 * memory; x86 is too, so the structs are used as they are.
 *
 * Formats (82576 datasheet ch. 7.1.5 advanced receive descriptors, ch. 7.2.2 advanced
 * transmit context and data descriptors; igb-82576.md sec. 5.5, 6.3, 6.4).
 */
#ifndef WP_IGB_DESC_H
#define WP_IGB_DESC_H

#include "kernel/compiler.h"

/* ---------------- transmit ---------------- */

/* Advanced data descriptor, as written by the driver. */
struct igb_adv_tx_data {
    uint64_t buffer_addr;
    uint32_t cmd_type_len;     /* 15:0 DTALEN, 23:20 DTYP, 31:24 DCMD */
    uint32_t olinfo_status;    /* 0 STA.DD (write-back), 6:4 IDX, 9:8 POPTS, 31:14 PAYLEN */
};

/* Advanced context descriptor: offload parameters for the data descriptors after it. */
struct igb_adv_tx_context {
    uint32_t vlan_macip_lens;  /* 8:0 IPLEN, 15:9 MACLEN, 31:16 VLAN */
    uint32_t seqnum_seed;
    uint32_t type_tucmd_mlhl;  /* 10 IPV4, 12:11 L4T, 23:20 DTYP=0010, 29 DEXT */
    uint32_t mss_l4len_idx;    /* 6:4 IDX, 15:8 L4LEN, 31:16 MSS */
};

union igb_adv_tx_desc {
    struct igb_adv_tx_data read;
    struct igb_adv_tx_context ctx;
    struct { uint64_t rsvd; uint32_t nxtseq_seed; uint32_t status; } wb;
};
STATIC_ASSERT(sizeof(union igb_adv_tx_desc) == 16, "igb TX descriptor is 16 bytes");

/* cmd_type_len */
#define IGB_ADVTXD_DTALEN_MASK  0xffffu
#define IGB_ADVTXD_MAC_TSTAMP   BIT(19)
#define IGB_ADVTXD_DTYP_CTXT    0x00200000u
#define IGB_ADVTXD_DTYP_DATA    0x00300000u
#define IGB_ADVTXD_DCMD_EOP     BIT(24)
#define IGB_ADVTXD_DCMD_IFCS    BIT(25)
#define IGB_ADVTXD_DCMD_RS      BIT(27)
#define IGB_ADVTXD_DCMD_DEXT    BIT(29)
#define IGB_ADVTXD_DCMD_VLE     BIT(30)
#define IGB_ADVTXD_DCMD_TSE     BIT(31)
/* olinfo_status */
#define IGB_TXD_STAT_DD         BIT(0)
#define IGB_ADVTXD_IDX_SHIFT    4
#define IGB_ADVTXD_POPTS_IXSM   BIT(8)   /* insert IPv4 header checksum */
#define IGB_ADVTXD_POPTS_TXSM   BIT(9)   /* insert TCP/UDP checksum */
#define IGB_ADVTXD_PAYLEN_SHIFT 14
#define IGB_ADVTXD_PAYLEN_MAX   ((1u << 18) - 1)
/* context descriptor fields */
#define IGB_ADVTXD_MACLEN_SHIFT 9
#define IGB_ADVTXD_VLAN_SHIFT   16
#define IGB_ADVTXD_TUCMD_IPV4   BIT(10)
#define IGB_ADVTXD_TUCMD_L4T_UDP  0u
#define IGB_ADVTXD_TUCMD_L4T_TCP  BIT(11)
#define IGB_ADVTXD_TUCMD_L4T_SCTP BIT(12)
#define IGB_ADVTXD_L4LEN_SHIFT  8
#define IGB_ADVTXD_MSS_SHIFT    16

/* Largest buffer one data descriptor carries (Linux IGB_MAX_DATA_PER_TXD). */
#define IGB_MAX_DATA_PER_TXD    (1u << 15)

/* Encode one data descriptor. dcmd: any of EOP, RS, TSE, VLE (DTYP/DEXT/IFCS are always
 * added); popts: IXSM and/or TXSM; paylen: frame length, or the TSO payload length. */
union igb_adv_tx_desc igb_tx_data_desc(uint64_t addr, uint32_t len, uint32_t dcmd,
                                       uint32_t paylen, uint32_t popts, unsigned ctx_idx);
/* Encode one context descriptor. tucmd: IGB_ADVTXD_TUCMD_IPV4 | IGB_ADVTXD_TUCMD_L4T_*. */
union igb_adv_tx_desc igb_tx_ctx_desc(uint16_t vlan, unsigned maclen, unsigned iplen,
                                      uint32_t tucmd, unsigned mss, unsigned l4len,
                                      unsigned ctx_idx);

/* What the NIC must do for one outgoing frame, worked out from its headers. */
struct igb_tx_offload {
    bool ctx;             /* a context descriptor goes in front of the data */
    bool tso;
    uint16_t maclen, iplen, l4len, mss;
    uint32_t tucmd;       /* for the context descriptor */
    uint32_t popts;       /* IXSM / TXSM for the data descriptors */
    uint32_t paylen;      /* PAYLEN for the data descriptors */
    uint16_t gso_segs;    /* wire frames this packet becomes */
    uint32_t hdr_len;     /* maclen + iplen + l4len (TSO) */
};

/* Inputs taken from the sk_buff (kept apart so the planner stays testable). */
struct igb_tx_frame {
    const uint8_t *data;  /* the linear area (headers must be in it when offloading) */
    uint32_t headlen;     /* linear bytes */
    uint32_t len;         /* total frame length (linear + fragments) */
    uint16_t protocol;    /* ethertype, host order; 0 = read it from the frame */
    int network_offset;   /* from data; < 0 = not set */
    int transport_offset; /* from data; < 0 = not set */
    uint8_t ip_summed;    /* CHECKSUM_* from net/core/skbuff.h */
    uint16_t gso_size;    /* MSS, 0 when not a TSO packet */
    bool hw_ip4_hdr_csum; /* device offers NETIF_F_HW_CSUM_IPV4HDR */
};

/* Why a frame cannot be offloaded (the driver counts and drops it). */
enum igb_tx_plan_err {
    IGB_TXP_OK = 0,
    IGB_TXP_BAD_HEADERS = -1,   /* header offsets missing, out of range or not linear */
    IGB_TXP_BAD_L4 = -2,        /* checksum asked for a protocol the NIC cannot do */
    IGB_TXP_BAD_GSO = -3,       /* TSO on something that is not TCP, or absurd sizes */
};

/* Decide the context/data descriptor fields for one frame:
 *  - TSO (gso_size != 0): IPv4 TCP; TSE, TXSM, IXSM, PAYLEN = payload.
 *  - CHECKSUM_PARTIAL: TCP/UDP/SCTP over IPv4; TXSM, and IXSM when the IPv4 header
 *    checksum field is left at zero (the stack's way of asking for header offload).
 *    The stack has no IPv6: an offload asked for any other network protocol is refused.
 *  - otherwise, IPv4 with a zero header checksum and the header-offload feature: IXSM only.
 *  - anything else: no context, PAYLEN = frame length.
 * Fills *out and returns IGB_TXP_OK or a negative igb_tx_plan_err. */
int igb_tx_offload_plan(const struct igb_tx_frame *f, struct igb_tx_offload *out);

/* The TCP checksum seed hardware TSO expects in the TCP header: the folded (not inverted)
 * pseudo-header sum of source and destination address and protocol with a zero length
 * (Linux's ~csum_tcpudp_magic(s, d, 0, proto, 0)). addrs points at the two addresses as
 * they sit, adjacent, in the IP header (nbytes = 8 for IPv4). The result is
 * the 16-bit value to store big-endian. */
uint16_t igb_tso_pseudo_seed(const uint8_t *addrs, unsigned nbytes, uint8_t proto);

/* ---------------- receive ---------------- */

union igb_adv_rx_desc {
    struct {
        uint64_t pkt_addr;     /* buffer physical address */
        uint64_t hdr_addr;     /* header buffer (split modes); 0, which also clears DD */
    } read;
    struct {
        uint32_t info;         /* 3:0 RSS type, 16:4 packet type, 30:21 HDR_LEN, 31 SPH */
        uint32_t rss;          /* RSS hash (RXCSUM.PCSD = 1) */
        uint32_t status_error; /* 19:0 extended status, 31:20 extended errors */
        uint16_t length;       /* bytes in this descriptor's buffer */
        uint16_t vlan;
    } wb;
};
STATIC_ASSERT(sizeof(union igb_adv_rx_desc) == 16, "igb RX descriptor is 16 bytes");

#define IGB_RXD_STAT_DD     BIT(0)
#define IGB_RXD_STAT_EOP    BIT(1)
#define IGB_RXD_STAT_VP     BIT(3)
#define IGB_RXD_STAT_UDPCS  BIT(4)
#define IGB_RXD_STAT_TCPCS  BIT(5)   /* L4 (TCP/UDP/SCTP) checksum checked */
#define IGB_RXD_STAT_IPCS   BIT(6)
#define IGB_RXD_STAT_PIF    BIT(7)
#define IGB_RXDEXT_ERR_CE   BIT(24)  /* CRC error */
#define IGB_RXDEXT_ERR_SE   BIT(25)  /* symbol error */
#define IGB_RXDEXT_ERR_SEQ  BIT(26)  /* sequence error */
#define IGB_RXDEXT_ERR_CXE  BIT(28)  /* carrier extension error */
#define IGB_RXDEXT_ERR_L4E  BIT(29)  /* TCP/UDP checksum error */
#define IGB_RXDEXT_ERR_IPE  BIT(30)  /* IPv4 header checksum error */
#define IGB_RXDEXT_ERR_RXE  BIT(31)  /* receive data error */
#define IGB_RXDEXT_ERR_FRAME_MASK (IGB_RXDEXT_ERR_CE | IGB_RXDEXT_ERR_SE | IGB_RXDEXT_ERR_SEQ | \
                                   IGB_RXDEXT_ERR_CXE | IGB_RXDEXT_ERR_RXE)
#define IGB_RXD_RSS_TYPE_MASK 0xfu

/* What the driver does with one completed receive descriptor. */
enum igb_rx_verdict {
    IGB_RX_NOT_DONE,    /* DD clear: the NIC still owns it */
    IGB_RX_PASS,        /* a whole good frame: hand it up */
    IGB_RX_DROP_ERR,    /* frame error bits (CRC, symbol, sequence, RXE) */
    IGB_RX_DROP_NONEOP, /* part of a frame longer than one buffer */
    IGB_RX_DROP_LEN,    /* zero or over-long length */
};
enum igb_rx_csum { IGB_RX_CSUM_NONE, IGB_RX_CSUM_GOOD, IGB_RX_CSUM_BAD };

struct igb_rx_result {
    enum igb_rx_verdict verdict;
    enum igb_rx_csum csum;  /* L4 checksum as checked by the NIC */
    bool ip_csum_bad;       /* IPv4 header checksum checked and wrong */
    uint16_t len;
    uint32_t rss_hash;      /* valid when rss_type != 0 */
    uint8_t rss_type;
};

/* Decode one write-back descriptor. *discarding carries "the rest of an over-long frame
 * is still coming" across calls (the descriptors up to and including its EOP are dropped);
 * buf_size bounds the length. */
struct igb_rx_result igb_rx_decode(uint32_t status_error, uint16_t length, uint32_t info,
                                   uint32_t rss, unsigned buf_size, bool *discarding);

/* ---------------- ring arithmetic ---------------- */

/* Descriptors a worst-case packet needs: one per fragment, the linear part, a context
 * descriptor, and a gap of two so the tail never catches the head (Linux DESC_NEEDED). */
#define IGB_MAX_SKB_FRAGS 17   /* must equal MAX_SKB_FRAGS (checked in igb_tx.c) */
#define IGB_DESC_NEEDED   (IGB_MAX_SKB_FRAGS + 4)
#define IGB_TX_WAKE_THRESHOLD (2 * IGB_DESC_NEEDED)

#define IGB_MIN_RING  64
#define IGB_MAX_RING  4096
#define IGB_DEFAULT_RING 256
#define IGB_RING_ALIGN 8        /* descriptor counts in multiples of 8 (128-byte RDLEN/TDLEN) */

/* Next index with wraparound. */
static inline unsigned igb_ring_next(unsigned i, unsigned count) { return i + 1 == count ? 0 : i + 1; }
static inline unsigned igb_ring_add(unsigned i, unsigned n, unsigned count) { return (i + n) % count; }
/* Descriptors software may still fill: one slot always stays empty so that
 * head == tail means "empty" to the NIC. */
static inline unsigned igb_desc_unused(unsigned next_to_use, unsigned next_to_clean, unsigned count)
{
    return (next_to_clean > next_to_use ? 0 : count) + next_to_clean - next_to_use - 1;
}
/* Descriptors handed to the NIC and not yet cleaned. */
static inline unsigned igb_desc_used(unsigned next_to_use, unsigned next_to_clean, unsigned count)
{
    return count - 1 - igb_desc_unused(next_to_use, next_to_clean, count);
}
/* Data descriptors one buffer of len bytes takes. */
static inline unsigned igb_txd_use_count(uint32_t len) { return DIV_ROUND_UP(len, IGB_MAX_DATA_PER_TXD); }
/* Stop before mapping when fewer than needed are free; stop after mapping when a
 * worst-case packet no longer fits; wake only with room for two of them (hysteresis). */
static inline bool igb_tx_should_stop(unsigned unused, unsigned needed) { return unused < needed; }
static inline bool igb_tx_should_wake(unsigned unused) { return unused >= IGB_TX_WAKE_THRESHOLD; }
/* The ring size a requested count becomes: clamped to [64, 4096], rounded up to 8. */
unsigned igb_ring_size(uint64_t requested);
/* RX tail for a ring whose next descriptor to clean is ntc: every other descriptor is
 * armed and the one just before ntc is the empty slot. */
static inline unsigned igb_rx_tail(unsigned next_to_clean, unsigned count)
{
    return next_to_clean == 0 ? count - 1 : next_to_clean - 1;
}

/* EITR value for an interval in microseconds (0 = no moderation); longer intervals are
 * clamped to what the 13-bit field holds. */
#define E1000_EITR_MAX_USECS 0x1fffu
uint32_t igb_eitr_from_usecs(unsigned usecs);

#endif
