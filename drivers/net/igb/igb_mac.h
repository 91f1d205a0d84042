/* drivers/net/igb/igb_mac.h - what differs between the MACs of the igb family, as data.
 *
 * One igb_mac_info per MAC type (82575, 82576, 82580, I350, I354, I210, I211) holds queue
 * and vector counts, the interrupt-routing layout, the reset method, the NVM kind and the
 * quirks; the driver reads these fields and calls the small hooks instead of testing the
 * MAC type. The PCI ID table maps every device ID of the family (igb-82576.md sec. 1.1)
 * to its MAC type. Pure data and arithmetic: hosted-tested by tests/unit/test_igb_ring.c.
 */
#ifndef WP_IGB_MAC_H
#define WP_IGB_MAC_H

#include "kernel/compiler.h"
#include "drivers/pci/pci.h"

enum igb_mac_type {
    igb_mac_82575, igb_mac_82576, igb_mac_82580, igb_mac_i350, igb_mac_i354,
    igb_mac_i210, igb_mac_i211,
    IGB_NUM_MAC_TYPES
};

/* How queue interrupt causes reach MSI-X vectors (igb-82576.md sec. 7.4). */
enum igb_ivar_layout {
    IGB_IVAR_MSIXBM,   /* 82575: MSIXBM(vector) is a bitmap of causes */
    IGB_IVAR_COLUMN,   /* 82576: queue q in IVAR(q & 7); RX byte 0/2, TX byte 1/3 by q < 8 */
    IGB_IVAR_ROW,      /* 82580 and later: queue q in IVAR(q >> 1); RX byte 0/2, TX 1/3 by q & 1 */
};

/* How the MAC is reset (igb-82576.md sec. 3.4). */
enum igb_reset_kind {
    IGB_RESET_CTRL_RST,   /* 82575/82576: CTRL.RST */
    IGB_RESET_DEV_RST,    /* 82580 and later: CTRL.RST, or CTRL.DEV_RST for a global reset
                             (recovery); STATUS.DEV_RST_SET cleared afterwards */
};

/* Where the MAC address and configuration come from. */
enum igb_nvm_kind {
    IGB_NVM_EEPROM,   /* SPI EEPROM read through EERD */
    IGB_NVM_FLASH,    /* I210 with external flash (EERD reads the shadow RAM) */
    IGB_NVM_INVM,     /* flash-less I210 and all I211: on-die OTP, autoload records only */
};

struct igb_mac_info {
    enum igb_mac_type type;
    const char *name;
    uint8_t max_queues;        /* RX/TX queue pairs */
    uint8_t max_msix;          /* MSI-X vectors the MAC can route */
    uint8_t rar_entries;       /* receive address registers */
    uint8_t reta_shift;        /* bit position of the queue number in a RETA byte */
    enum igb_ivar_layout ivar;
    enum igb_reset_kind reset;
    enum igb_nvm_kind nvm;     /* default for the type; the ID can say flash-less */
    bool has_gpie;             /* GPIE (82576+); 82575 sets MSI-X mode bits in CTRL_EXT */
    bool tx_ctx_idx_per_queue; /* TX context slot must be unique per queue (82575) */
    bool ivar_in_legacy;       /* program IVAR in MSI/INTx mode too: QEMU raises TXDW only
                                  with a valid IVAR TX entry (igb-82576.md sec. 11.3);
                                  IVAR MACs only */
    bool queue0_enabled_at_reset; /* RXDCTL0/TXDCTL0 come up enabled: disable first
                                     (igb-82576.md sec. 11.5) */
    bool verified_in_qemu;     /* the only MAC exercised by the tests (QEMU -device igb) */
    /* hooks */
    /* IVAR register index and bit shift of a queue's RX or TX entry (NULL for MSIXBM). */
    void (*ivar_slot)(unsigned queue, bool tx, unsigned *reg, unsigned *shift);
    /* EIMS/EICR bits of the MSI-X vector serving queue pair q. */
    uint32_t (*queue_eims)(unsigned vector, unsigned q);
    /* EIMS/EICR bit of the "other" vector. */
    uint32_t (*other_eims)(unsigned vector);
    /* EITR register value for an interval field value (see igb_eitr_from_usecs). */
    uint32_t (*eitr_value)(uint32_t interval);
};

/* driver_data of an ID: the MAC type in the low byte, flags above. */
#define IGB_ID_FLASHLESS 0x100ul   /* I210 without flash: iNVM only */
#define IGB_ID_VF        0x200ul   /* a virtual function: not driven by this driver */

extern const struct pci_device_id igb_pci_tbl[];
extern const size_t igb_pci_tbl_len;   /* entries before the terminator */

const struct igb_mac_info *igb_mac_info(enum igb_mac_type type);
/* The MAC description for a device ID, NULL for IDs outside the family. *nvm receives the
 * NVM kind for that exact part (flash-less I210s differ from their type's default). */
const struct igb_mac_info *igb_mac_for_device(uint16_t device, enum igb_nvm_kind *nvm);
const char *igb_nvm_name(enum igb_nvm_kind nvm);

#endif
