/* drivers/net/igb/igb_regs.h - the Intel igb registers and bits this driver uses.
 *
 * Offsets are bytes into BAR0; every register is 32 bits wide and must be accessed as an
 * aligned dword. Each group cites the Intel 82576 GbE Controller Datasheet chapter it comes
 * from ("DS ch. N") and the project's hardware notes, docs/igb-82576.md ("igb-82576.md
 * sec. N"), which also record where QEMU's model differs from silicon. Only what the
 * driver touches is here; names follow Linux's e1000_regs.h / e1000_defines.h so the two
 * can be read side by side.
 */
#ifndef WP_IGB_REGS_H
#define WP_IGB_REGS_H

/* ---- General control and status (DS ch. 8, general registers; igb-82576.md sec. 3.1-3.5) ---- */
#define E1000_CTRL      0x00000
#define E1000_STATUS    0x00008
#define E1000_EECD      0x00010   /* "EEC" on I210 */
#define E1000_EERD      0x00014
#define E1000_CTRL_EXT  0x00018
#define E1000_MDIC      0x00020

#define E1000_CTRL_FD          BIT(0)
#define E1000_CTRL_GIO_MASTER_DISABLE BIT(2)
#define E1000_CTRL_LRST        BIT(3)
#define E1000_CTRL_SLU         BIT(6)
#define E1000_CTRL_FRCSPD      BIT(11)
#define E1000_CTRL_RFCE        BIT(27)   /* honour received PAUSE frames */
#define E1000_CTRL_TFCE        BIT(28)   /* send PAUSE frames (XOFF/XON) */
#define E1000_CTRL_FRCDPX      BIT(12)
#define E1000_CTRL_RST         BIT(26)
#define E1000_CTRL_DEV_RST     BIT(29)   /* 82580 and later: whole-device reset */
#define E1000_CTRL_VME         BIT(30)
#define E1000_CTRL_PHY_RST     BIT(31)

#define E1000_STATUS_FD        BIT(0)
#define E1000_STATUS_LU        BIT(1)
#define E1000_STATUS_FUNC_SHIFT  2       /* LAN function (port) number */
#define E1000_STATUS_FUNC_MASK   (3u << 2)
#define E1000_STATUS_SPEED_SHIFT 6
#define E1000_STATUS_SPEED_MASK  (3u << 6)
#define E1000_STATUS_SPEED_10    (0u << 6)
#define E1000_STATUS_SPEED_100   (1u << 6)
#define E1000_STATUS_GIO_MASTER_ENABLE BIT(19)
#define E1000_STATUS_DEV_RST_SET BIT(20)  /* 82580 and later, write 1 to clear */

#define E1000_EECD_PRES        BIT(8)    /* NVM present */
#define E1000_EECD_AUTO_RD     BIT(9)    /* NVM auto-read done; QEMU never sets it (igb-82576.md sec. 11.2) */
#define E1000_EECD_FLASH_DETECTED_I210 BIT(19)

#define E1000_EERD_START       BIT(0)
#define E1000_EERD_DONE        BIT(1)
#define E1000_EERD_ADDR_SHIFT  2
#define E1000_EERD_DATA_SHIFT  16

#define E1000_CTRL_EXT_LINK_MODE_MASK (3u << 22)  /* 00 = internal copper PHY */
#define E1000_CTRL_EXT_EIAME   BIT(24)   /* 82575 only (82576+: GPIE.EIAME) */
#define E1000_CTRL_EXT_IRCA    BIT(0)    /* 82575 only: interrupt auto-clear on MSI-X */
#define E1000_CTRL_EXT_DRV_LOAD BIT(28)
#define E1000_CTRL_EXT_PBA_CLR BIT(31)   /* 82575 only */

/* ---- Software/firmware semaphores (DS ch. 4.7 "Software/Firmware synchronization";
 * Linux e1000_82575.c). SWSM.SMBI arbitrates between software agents (reading it returns
 * the old value and sets it); SWSM.SWESMBI between software and firmware; with both held,
 * SW_FW_SYNC records per-resource ownership: bits 15:0 software, 31:16 firmware. ---- */
#define E1000_SWSM      0x05B50
#define E1000_FWSM      0x05B54
#define E1000_SW_FW_SYNC 0x05B5C
#define E1000_SWSM_SMBI        BIT(0)
#define E1000_SWSM_SWESMBI     BIT(1)
#define E1000_SWFW_EEP_SM      0x0001    /* NVM */
#define E1000_SWFW_PHY0_SM     0x0002    /* PHY of LAN function 0 */
#define E1000_SWFW_PHY1_SM     0x0004
#define E1000_SWFW_PHY2_SM     0x0020
#define E1000_SWFW_PHY3_SM     0x0040
#define E1000_SWFW_FW_SHIFT    16

/* Manageability control: firmware may forbid PHY resets (DS ch. 8 MANC). */
#define E1000_MANC      0x05820
#define E1000_MANC_BLK_PHY_RST_ON_IDE BIT(18)

/* Manageability configuration done after a PHY reset (DS ch. 8 EEMNGCTL), per port. */
#define E1000_EEMNGCTL  0x01010
#define E1000_EEMNGCTL_CFG_DONE(port) BIT(18 + (port))

/* NVM checksum (DS ch. 6.1 "NVM map"): words 0x00..0x3F of a LAN function's section sum
 * to 0xBABA. 82580 and later keep one section per port (Linux NVM_82580_LAN_FUNC_OFFSET). */
#define IGB_NVM_CHECKSUM_WORDS 0x40
#define IGB_NVM_SUM            0xBABA
#define IGB_NVM_LAN_FUNC_OFFSET(f) ((f) ? 0x40u + 0x40u * (f) : 0u)

/* ---- Flow control (DS ch. 3.7.5 "Flow control"; 802.3 annex 31B; igb-82576.md sec. 4.2) ---- */
#define E1000_FCAL      0x00028   /* PAUSE destination 01:80:C2:00:00:01, low dword */
#define E1000_FCAH      0x0002C
#define E1000_FCT       0x00030   /* PAUSE EtherType 0x8808 */
#define E1000_FCTTV     0x00170   /* pause time sent in XOFF */
#define E1000_FCRTL     0x02160   /* receive threshold low: send XON below it */
#define E1000_FCRTH     0x02168   /* receive threshold high: send XOFF above it */
#define E1000_FCRTV     0x02460   /* XOFF refresh interval */
#define E1000_RXPBS     0x02404   /* RX packet buffer size, KB in bits 6:0 (82575/82576) */
#define  E1000_FCRTL_XONE      BIT(31)
#define IGB_FC_PAUSE_ADDR_LO   0x00C28001u
#define IGB_FC_PAUSE_ADDR_HI   0x0100u
#define IGB_FC_PAUSE_TYPE      0x8808u
#define IGB_FC_PAUSE_TIME      0xFFFFu

/* ---- PHY access over MDIO (DS ch. 8 MDIC; igb-82576.md sec. 4.1-4.2) ---- */
#define E1000_MDIC_DATA_MASK   0xffffu
#define E1000_MDIC_REG_SHIFT   16
#define E1000_MDIC_PHY_SHIFT   21
#define E1000_MDIC_OP_WRITE    (1u << 26)
#define E1000_MDIC_OP_READ     (2u << 26)
#define E1000_MDIC_READY       BIT(28)
#define E1000_MDIC_ERROR       BIT(30)
#define IGB_INTERNAL_PHY_ADDR  1

/* IEEE 802.3 clause 22 PHY registers */
#define MII_BMCR               0x00
#define MII_BMSR               0x01
#define MII_ADVERTISE          0x04
#define MII_LPA                0x05
#define  ADVERTISE_PAUSE_CAP   BIT(10)   /* same bits in LPA */
#define  ADVERTISE_PAUSE_ASYM  BIT(11)
#define  BMCR_RESET            BIT(15)
#define  BMCR_ANRESTART        BIT(9)
#define  BMCR_PDOWN            BIT(11)
#define  BMCR_ANENABLE         BIT(12)

/* ---- Interrupts (DS ch. 7.3 and ch. 8 interrupt registers; igb-82576.md sec. 7) ---- */
#define E1000_ICR       0x000C0
#define E1000_ICS       0x000C8
#define E1000_IMS       0x000D0
#define E1000_IMC       0x000D8
#define E1000_GPIE      0x01514
#define E1000_EICS      0x01520
#define E1000_EIMS      0x01524
#define E1000_EIMC      0x01528
#define E1000_EIAC      0x0152C
#define E1000_EIAM      0x01530
#define E1000_EICR      0x01580
#define E1000_MSIXBM(n) (0x01600 + 4 * (n))  /* 82575 only */
#define E1000_EITR(n)   (0x01680 + 4 * (n))
#define E1000_IVAR0     0x01700
#define E1000_IVAR(n)   (E1000_IVAR0 + 4 * (n))
#define E1000_IVAR_MISC 0x01740

#define E1000_ICR_TXDW         BIT(0)
#define E1000_ICR_LSC          BIT(2)
#define E1000_ICR_RXDMT0       BIT(4)
#define E1000_ICR_RXO          BIT(6)
#define E1000_ICR_RXT0         BIT(7)
#define E1000_ICR_DOUTSYNC     BIT(28)
#define E1000_ICR_INT_ASSERTED BIT(31)
/* Causes the queue NAPI context serves in MSI/INTx mode (one vector for everything). */
#define IGB_ICR_QUEUE_CAUSES   (E1000_ICR_TXDW | E1000_ICR_RXT0 | E1000_ICR_RXDMT0 | E1000_ICR_RXO)
/* "Other" causes handled by the link/other vector in MSI-X mode. */
#define IGB_ICR_OTHER_CAUSES   (E1000_ICR_LSC | E1000_ICR_DOUTSYNC)

#define E1000_GPIE_NSICR       BIT(0)
#define E1000_GPIE_MSIX_MODE   BIT(4)
#define E1000_GPIE_EIAME       BIT(30)
#define E1000_GPIE_PBA         BIT(31)

#define E1000_IVAR_VALID       0x80u
#define E1000_EICR_OTHER_82575 BIT(31)   /* 82575 MSIXBM "other" cause bit */

#define E1000_EITR_CNT_IGNR    BIT(31)
#define E1000_EITR_INTERVAL_MASK 0x7ffcu /* bits 14:2, ~1 us per step (igb-82576.md sec. 7.5) */

/* ---- Receive (DS ch. 7.1 and ch. 8 receive registers; igb-82576.md sec. 5) ---- */
#define E1000_RCTL      0x00100
#define E1000_RXCSUM    0x05000
#define E1000_RLPML     0x05004
#define E1000_MTA(n)    (0x05200 + 4 * (n))
#define IGB_MTA_WORDS   128
#define E1000_RAL(n)    ((n) < 16 ? 0x05400 + 8 * (n) : 0x054E0 + 8 * ((n) - 16))
#define E1000_RAH(n)    (E1000_RAL(n) + 4)
#define E1000_MRQC      0x05818
#define E1000_RETA(n)   (0x05C00 + 4 * (n))
#define IGB_RETA_WORDS  32
#define E1000_RSSRK(n)  (0x05C80 + 4 * (n))
#define IGB_RSSRK_WORDS 10

#define E1000_RDBAL(n)  (0x0C000 + 0x40 * (n))
#define E1000_RDBAH(n)  (0x0C004 + 0x40 * (n))
#define E1000_RDLEN(n)  (0x0C008 + 0x40 * (n))
#define E1000_SRRCTL(n) (0x0C00C + 0x40 * (n))
#define E1000_RDH(n)    (0x0C010 + 0x40 * (n))
#define E1000_RDT(n)    (0x0C018 + 0x40 * (n))
#define E1000_RXDCTL(n) (0x0C028 + 0x40 * (n))

#define E1000_RCTL_EN          BIT(1)
#define E1000_RCTL_SBP         BIT(2)
#define E1000_RCTL_UPE         BIT(3)
#define E1000_RCTL_MPE         BIT(4)
#define E1000_RCTL_LPE         BIT(5)
#define E1000_RCTL_LBM_MASK    (3u << 6)
#define E1000_RCTL_RDMTS_MASK  (3u << 8)
#define E1000_RCTL_MO_MASK     (3u << 12)
#define E1000_RCTL_BAM         BIT(15)
#define E1000_RCTL_SZ_MASK     (3u << 16)
#define E1000_RCTL_VFE         BIT(18)
#define E1000_RCTL_SECRC       BIT(26)

#define E1000_RXCSUM_IPOFL     BIT(8)
#define E1000_RXCSUM_TUOFL     BIT(9)
#define E1000_RXCSUM_CRCOFL    BIT(11)
#define E1000_RXCSUM_PCSD      BIT(13)   /* descriptor carries the RSS hash (QEMU: needed for RSS) */

#define E1000_SRRCTL_BSIZEPKT_SHIFT 10   /* value in KiB units */
#define E1000_SRRCTL_BSIZEPKT_MASK  0x7fu
#define E1000_SRRCTL_DESCTYPE_ADV_ONEBUF (1u << 25)
#define E1000_SRRCTL_DROP_EN   BIT(31)

#define E1000_RXDCTL_QUEUE_ENABLE BIT(25)
#define E1000_TXDCTL_QUEUE_ENABLE BIT(25)
#define IGB_DCTL_THRESH(p, h, w) ((p) | ((h) << 8) | ((w) << 16))

#define E1000_MRQC_ENABLE_RSS_MQ   0x2u
#define E1000_MRQC_RSS_FIELD_IPV4_TCP BIT(16)
#define E1000_MRQC_RSS_FIELD_IPV4     BIT(17)
#define E1000_MRQC_RSS_FIELD_IPV6     BIT(20)
#define E1000_MRQC_RSS_FIELD_IPV6_TCP BIT(21)
#define E1000_MRQC_RSS_FIELD_IPV4_UDP BIT(22)

#define E1000_RAH_AV           BIT(31)

/* ---- Transmit (DS ch. 7.2 and ch. 8 transmit registers; igb-82576.md sec. 6) ---- */
#define E1000_TCTL      0x00400
#define E1000_TDBAL(n)  (0x0E000 + 0x40 * (n))
#define E1000_TDBAH(n)  (0x0E004 + 0x40 * (n))
#define E1000_TDLEN(n)  (0x0E008 + 0x40 * (n))
#define E1000_TDH(n)    (0x0E010 + 0x40 * (n))
#define E1000_TDT(n)    (0x0E018 + 0x40 * (n))
#define E1000_TXDCTL(n) (0x0E028 + 0x40 * (n))
#define E1000_TDWBAL(n) (0x0E038 + 0x40 * (n))
#define E1000_TDWBAH(n) (0x0E03C + 0x40 * (n))

#define E1000_TCTL_EN          BIT(1)
#define E1000_TCTL_PSP         BIT(3)    /* pad short packets to 64 bytes */
#define E1000_TCTL_CT_SHIFT    4
#define E1000_TCTL_CT_MASK     (0xffu << 4)
#define E1000_TCTL_COLD_SHIFT  12
#define E1000_TCTL_COLD_MASK   (0x3ffu << 12)
#define E1000_TCTL_RTLC        BIT(24)
#define E1000_COLLISION_THRESHOLD 15
#define E1000_COLLISION_DISTANCE  63

/* ---- Statistics, 32-bit clear-on-read counters (DS ch. 8 statistics; igb-82576.md sec. 9) ---- */
#define E1000_CRCERRS   0x04000
#define E1000_MPC       0x04010
#define E1000_SCC       0x04014
#define E1000_ECOL      0x04018
#define E1000_MCC       0x0401C
#define E1000_LATECOL   0x04020
#define E1000_COLC      0x04028
#define E1000_DC        0x04030
#define E1000_RLEC      0x04040
#define E1000_XONRXC    0x04048
#define E1000_XONTXC    0x0404C
#define E1000_XOFFRXC   0x04050
#define E1000_XOFFTXC   0x04054
#define E1000_GPRC      0x04074
#define E1000_BPRC      0x04078
#define E1000_MPRC      0x0407C
#define E1000_GPTC      0x04080
#define E1000_GORCL     0x04088
#define E1000_GORCH     0x0408C
#define E1000_GOTCL     0x04090
#define E1000_GOTCH     0x04094
#define E1000_RNBC      0x040A0
#define E1000_RUC       0x040A4
#define E1000_RFC       0x040A8
#define E1000_ROC       0x040AC
#define E1000_RJC       0x040B0
#define E1000_TORL      0x040C0
#define E1000_TORH      0x040C4
#define E1000_TOTL      0x040C8
#define E1000_TOTH      0x040CC
#define E1000_TPR       0x040D0
#define E1000_TPT       0x040D4
#define E1000_MPTC      0x040F0
#define E1000_BPTC      0x040F4
#define E1000_TSCTC     0x040F8
#define E1000_IAC       0x04100

#endif
