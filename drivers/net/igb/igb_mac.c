/* drivers/net/igb/igb_mac.c - the per-MAC-type table of the igb family and its PCI IDs.
 * Figures from Linux's e1000_82575.h/e1000_hw.h limits and docs/igb-82576.md sec. 1.1, 7.4, 10;
 * only the 82576 row has been exercised (under QEMU). */
#include "drivers/net/igb/igb_mac.h"
#include "drivers/net/igb/igb_regs.h"

/* --- IVAR layouts (82576 DS ch. 7.3.2 / 8 IVAR; igb-82576.md sec. 7.4) --- */
static void ivar_slot_column(unsigned q, bool tx, unsigned *reg, unsigned *shift)
{
    *reg = q & 7;
    *shift = (q < 8 ? 0 : 16) + (tx ? 8 : 0);
}

static void ivar_slot_row(unsigned q, bool tx, unsigned *reg, unsigned *shift)
{
    *reg = q >> 1;
    *shift = 16 * (q & 1) + (tx ? 8 : 0);
}

/* With IVAR the EICR bit is the vector number; with 82575's MSIXBM it is the cause:
 * RX queue q = bit q, TX queue q = bit 8 + q, other = bit 31. */
static uint32_t eims_vector(unsigned vector, unsigned q) { (void)q; return BIT(vector); }
static uint32_t eims_cause_82575(unsigned vector, unsigned q) { (void)vector; return BIT(q) | BIT(8 + q); }
static uint32_t other_vector(unsigned vector) { return BIT(vector); }
static uint32_t other_cause_82575(unsigned vector) { (void)vector; return E1000_EICR_OTHER_82575; }

/* 82575 wants the interval mirrored in bits 31:16; later MACs take CNT_IGNR so that a
 * rewrite does not restart the running countdown (igb-82576.md sec. 7.5). */
static uint32_t eitr_82575(uint32_t v) { return v | (v << 16); }
static uint32_t eitr_cnt_ignr(uint32_t v) { return v | E1000_EITR_CNT_IGNR; }

#define IVAR_MAC(t, nm, q, v, rar, lay, rst, nvm_, legacy, q0, ok)             \
    [t] = { .type = t, .name = nm, .max_queues = q, .max_msix = v,             \
            .rar_entries = rar, .reta_shift = 0, .ivar = lay, .reset = rst,    \
            .nvm = nvm_, .has_gpie = true, .tx_ctx_idx_per_queue = false,      \
            .ivar_in_legacy = legacy, .queue0_enabled_at_reset = q0,           \
            .verified_in_qemu = ok,                                            \
            .ivar_slot = (lay) == IGB_IVAR_COLUMN ? ivar_slot_column : ivar_slot_row, \
            .queue_eims = eims_vector, .other_eims = other_vector,             \
            .eitr_value = eitr_cnt_ignr }

static const struct igb_mac_info mac_table[IGB_NUM_MAC_TYPES] = {
    [igb_mac_82575] = {
        .type = igb_mac_82575, .name = "82575", .max_queues = 4, .max_msix = 10,
        .rar_entries = 16, .reta_shift = 6, .ivar = IGB_IVAR_MSIXBM,
        .reset = IGB_RESET_CTRL_RST, .nvm = IGB_NVM_EEPROM, .has_gpie = false,
        .tx_ctx_idx_per_queue = true, .ivar_in_legacy = false,
        .queue0_enabled_at_reset = true, .verified_in_qemu = false,
        .ivar_slot = NULL, .queue_eims = eims_cause_82575, .other_eims = other_cause_82575,
        .eitr_value = eitr_82575,
    },
    /*       type           name    queues msix rar layout           reset               nvm             legacy q0    qemu */
    IVAR_MAC(igb_mac_82576, "82576", 16,   25,  24, IGB_IVAR_COLUMN, IGB_RESET_CTRL_RST, IGB_NVM_EEPROM, true,  true,  true),
    IVAR_MAC(igb_mac_82580, "82580", 8,    10,  24, IGB_IVAR_ROW,    IGB_RESET_DEV_RST,  IGB_NVM_EEPROM, true,  false, false),
    IVAR_MAC(igb_mac_i350,  "I350",  8,    10,  32, IGB_IVAR_ROW,    IGB_RESET_DEV_RST,  IGB_NVM_EEPROM, true,  false, false),
    IVAR_MAC(igb_mac_i354,  "I354",  8,    10,  32, IGB_IVAR_ROW,    IGB_RESET_DEV_RST,  IGB_NVM_EEPROM, true,  false, false),
    IVAR_MAC(igb_mac_i210,  "I210",  4,    5,   16, IGB_IVAR_ROW,    IGB_RESET_DEV_RST,  IGB_NVM_FLASH,  true,  false, false),
    IVAR_MAC(igb_mac_i211,  "I211",  2,    5,   16, IGB_IVAR_ROW,    IGB_RESET_DEV_RST,  IGB_NVM_INVM,   true,  false, false),
};

#define ID(dev, type) { 0x8086, dev, type }
const struct pci_device_id igb_pci_tbl[] = {
    /* 82575 */
    ID(0x10A7, igb_mac_82575), ID(0x10A9, igb_mac_82575), ID(0x10D6, igb_mac_82575),
    /* 82576 (0x10C9 is what QEMU's -device igb presents) */
    ID(0x10C9, igb_mac_82576), ID(0x10E6, igb_mac_82576), ID(0x10E7, igb_mac_82576),
    ID(0x10E8, igb_mac_82576), ID(0x1526, igb_mac_82576), ID(0x150A, igb_mac_82576),
    ID(0x1518, igb_mac_82576), ID(0x150D, igb_mac_82576),
    /* 82580 and the DH89xxCC parts built on its MAC */
    ID(0x150E, igb_mac_82580), ID(0x150F, igb_mac_82580), ID(0x1510, igb_mac_82580),
    ID(0x1511, igb_mac_82580), ID(0x1516, igb_mac_82580), ID(0x1527, igb_mac_82580),
    ID(0x0438, igb_mac_82580), ID(0x043A, igb_mac_82580), ID(0x043C, igb_mac_82580),
    ID(0x0440, igb_mac_82580),
    /* I350 */
    ID(0x1521, igb_mac_i350), ID(0x1522, igb_mac_i350), ID(0x1523, igb_mac_i350),
    ID(0x1524, igb_mac_i350),
    /* I354 */
    ID(0x1F40, igb_mac_i354), ID(0x1F41, igb_mac_i354), ID(0x1F45, igb_mac_i354),
    /* I210 (0x157B/0x157C have no flash: iNVM only) */
    ID(0x1533, igb_mac_i210), ID(0x1536, igb_mac_i210), ID(0x1537, igb_mac_i210),
    ID(0x1538, igb_mac_i210),
    ID(0x157B, igb_mac_i210 | IGB_ID_FLASHLESS), ID(0x157C, igb_mac_i210 | IGB_ID_FLASHLESS),
    /* I211: always flash-less */
    ID(0x1539, igb_mac_i211),
    { 0, 0, 0 }
};
const size_t igb_pci_tbl_len = ARRAY_SIZE(igb_pci_tbl) - 1;
/* Virtual functions (82576 0x10CA, I350 0x1520) belong to a VF driver and are left out. */

const struct igb_mac_info *igb_mac_info(enum igb_mac_type type)
{
    return (unsigned)type < IGB_NUM_MAC_TYPES ? &mac_table[type] : NULL;
}

const struct igb_mac_info *igb_mac_for_device(uint16_t device, enum igb_nvm_kind *nvm)
{
    for (size_t i = 0; i < igb_pci_tbl_len; i++) {
        if (igb_pci_tbl[i].device != device)
            continue;
        const struct igb_mac_info *m = igb_mac_info((enum igb_mac_type)(igb_pci_tbl[i].driver_data & 0xff));
        if (m && nvm)
            *nvm = (igb_pci_tbl[i].driver_data & IGB_ID_FLASHLESS) ? IGB_NVM_INVM : m->nvm;
        return m;
    }
    return NULL;
}

const char *igb_nvm_name(enum igb_nvm_kind nvm)
{
    static const char *const names[] = { "EEPROM", "flash", "iNVM" };
    return (unsigned)nvm < ARRAY_SIZE(names) ? names[nvm] : "?";
}
