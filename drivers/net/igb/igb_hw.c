/* drivers/net/igb/igb_hw.c - the MAC and PHY below the rings: reset, NVM and MAC address,
 * receive address filters, PHY access through MDIC, link setup and status.
 * These run at probe and during recovery; the waits here are the hardware's, bounded,
 * and never on the packet path. */
#include "drivers/net/igb/igb.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

#define GIO_MASTER_TIMEOUT_US 800000   /* Linux: 800 ms max for outstanding DMA */
#define AUTO_RD_TIMEOUT_MS    10
#define EERD_TIMEOUT_US       10000
#define MDIC_TIMEOUT_US       20000
#define SWSM_TIMEOUT_US       100000   /* each of the two SWSM stages */
#define SWFW_TRIES            200      /* 5 ms apart: 1 s, as Linux waits for firmware */
#define PHY_RESET_ASSERT_US   100      /* Linux phy.reset_delay_us for the 82575 family */
#define PHY_RESET_SETTLE_US   150
#define PHY_CFG_TIMEOUT_MS    100      /* Linux PHY_CFG_TIMEOUT */
#define MAX_FRAME             1522

/* Poll reg until (value & mask) == want, in steps of step_us, for at most timeout_us. */
static bool igb_poll_reg(struct igb_adapter *a, uint32_t reg, uint32_t mask, uint32_t want,
                         unsigned step_us, unsigned timeout_us)
{
    for (unsigned t = 0;; t += step_us) {
        if ((rd32(a, reg) & mask) == want)
            return true;
        if (t >= timeout_us)
            return false;
        udelay(step_us);
    }
}

/* ---- SW/FW synchronization (DS ch. 4.7; Linux e1000_acquire_swfw_sync_82575) ----
 * Manageability firmware (BMC pass-through, NC-SI) shares the NVM and the PHYs with the
 * driver on real boards; QEMU models the registers, so this path runs in the tests too. */

static unsigned igb_lan_func(struct igb_adapter *a)
{
    return (rd32(a, E1000_STATUS) & E1000_STATUS_FUNC_MASK) >> E1000_STATUS_FUNC_SHIFT;
}

static uint16_t igb_phy_swfw_mask(struct igb_adapter *a)
{
    static const uint16_t mask[4] = { E1000_SWFW_PHY0_SM, E1000_SWFW_PHY1_SM,
                                      E1000_SWFW_PHY2_SM, E1000_SWFW_PHY3_SM };
    return mask[igb_lan_func(a)];
}

static void igb_put_hw_semaphore(struct igb_adapter *a)
{
    wr32(a, E1000_SWSM, rd32(a, E1000_SWSM) & ~(E1000_SWSM_SMBI | E1000_SWSM_SWESMBI));
}

/* SMBI first (a read returning it clear has set it for us), then SWESMBI (set, and it
 * sticks only if firmware does not hold it). */
static int igb_get_hw_semaphore(struct igb_adapter *a)
{
    unsigned t;
    for (t = 0; t <= SWSM_TIMEOUT_US; t += 50) {
        if (!(rd32(a, E1000_SWSM) & E1000_SWSM_SMBI))
            break;
        udelay(50);
    }
    if (t > SWSM_TIMEOUT_US)
        return -EBUSY;
    for (t = 0; t <= SWSM_TIMEOUT_US; t += 50) {
        wr32(a, E1000_SWSM, rd32(a, E1000_SWSM) | E1000_SWSM_SWESMBI);
        if (rd32(a, E1000_SWSM) & E1000_SWSM_SWESMBI)
            return 0;
        udelay(50);
    }
    igb_put_hw_semaphore(a);
    return -EBUSY;
}

static int igb_acquire_swfw(struct igb_adapter *a, uint16_t mask)
{
    for (int i = 0; i < SWFW_TRIES; i++) {
        if (igb_get_hw_semaphore(a) < 0)
            break;
        uint32_t sync = rd32(a, E1000_SW_FW_SYNC);
        if (!(sync & (mask | (uint32_t)mask << E1000_SWFW_FW_SHIFT))) {
            wr32(a, E1000_SW_FW_SYNC, sync | mask);
            igb_put_hw_semaphore(a);
            return 0;
        }
        igb_put_hw_semaphore(a);     /* firmware or another agent has it: wait */
        mdelay(5);
    }
    a->swfw_timeouts++;
    pr_warn("igb %s: SW/FW semaphore %#x not obtained (firmware holds it)\n", a->pci_name, mask);
    return -EBUSY;
}

static void igb_release_swfw(struct igb_adapter *a, uint16_t mask)
{
    /* The bit is ours; only the register update needs the semaphore. Should it not come,
     * clear the bit anyway rather than hold the resource forever. */
    bool locked = igb_get_hw_semaphore(a) == 0;
    wr32(a, E1000_SW_FW_SYNC, rd32(a, E1000_SW_FW_SYNC) & ~(uint32_t)mask);
    if (locked)
        igb_put_hw_semaphore(a);
}

/* Reset sequence of igb-82576.md sec. 3.4 / 10 steps 2-6 (82576 DS ch. 4.3 "Reset Operation"). */
int igb_reset_hw(struct igb_adapter *a, bool global)
{
    /* Stop DMA first so no descriptor or buffer access is in flight across the reset. */
    wr32(a, E1000_CTRL, rd32(a, E1000_CTRL) | E1000_CTRL_GIO_MASTER_DISABLE);
    if (!igb_poll_reg(a, E1000_STATUS, E1000_STATUS_GIO_MASTER_ENABLE, 0, 100, GIO_MASTER_TIMEOUT_US))
        pr_warn("igb %s: DMA master did not stop; resetting anyway\n", a->pci_name);

    wr32(a, E1000_IMC, 0xffffffffu);
    wr32(a, E1000_EIMC, 0xffffffffu);
    wr32(a, E1000_RCTL, 0);
    wr32(a, E1000_TCTL, E1000_TCTL_PSP);
    igb_flush(a);
    mdelay(10);   /* let pending transactions drain (Linux igb_reset_hw_82575) */

    uint32_t ctrl = rd32(a, E1000_CTRL);
    bool dev_rst = global && a->mac->reset == IGB_RESET_DEV_RST &&
                   !(rd32(a, E1000_STATUS) & E1000_STATUS_DEV_RST_SET);
    wr32(a, E1000_CTRL, ctrl | (dev_rst ? E1000_CTRL_DEV_RST : E1000_CTRL_RST));
    mdelay(dev_rst ? 5 : 1);   /* HW needs a moment before registers answer; QEMU none */

    /* NVM auto-read: tolerated when it never reports (QEMU, igb-82576.md sec. 11.2). */
    bool auto_rd = false;
    for (int i = 0; i < AUTO_RD_TIMEOUT_MS && !auto_rd; i++) {
        auto_rd = rd32(a, E1000_EECD) & E1000_EECD_AUTO_RD;
        if (!auto_rd)
            mdelay(1);
    }
    if (!auto_rd)
        pr_debug("igb %s: NVM auto-read done not reported (normal under QEMU)\n", a->pci_name);
    if (a->mac->reset == IGB_RESET_DEV_RST)
        wr32(a, E1000_STATUS, E1000_STATUS_DEV_RST_SET);   /* write 1 to clear */
    if (a->nvm == IGB_NVM_EEPROM && !(rd32(a, E1000_EECD) & E1000_EECD_PRES))
        pr_warn("igb %s: no NVM present; this board needs init scripts the driver lacks\n",
                a->pci_name);

    /* Drop whatever was latched across the reset. */
    wr32(a, E1000_IMC, 0xffffffffu);
    wr32(a, E1000_EIMC, 0xffffffffu);
    (void)rd32(a, E1000_ICR);
    (void)rd32(a, E1000_EICR);
    return 0;
}

/* CTRL_EXT.DRV_LOAD tells manageability firmware the host driver owns the port
 * (igb-82576.md sec. 3.5; Linux igb_get_hw_control). */
void igb_get_hw_control(struct igb_adapter *a)
{
    wr32(a, E1000_CTRL_EXT, rd32(a, E1000_CTRL_EXT) | E1000_CTRL_EXT_DRV_LOAD);
}

void igb_release_hw_control(struct igb_adapter *a)
{
    wr32(a, E1000_CTRL_EXT, rd32(a, E1000_CTRL_EXT) & ~E1000_CTRL_EXT_DRV_LOAD);
}

static int igb_read_nvm_word(struct igb_adapter *a, unsigned word, uint16_t *val)
{
    wr32(a, E1000_EERD, (word << E1000_EERD_ADDR_SHIFT) | E1000_EERD_START);
    if (!igb_poll_reg(a, E1000_EERD, E1000_EERD_DONE, E1000_EERD_DONE, 5, EERD_TIMEOUT_US))
        return -ETIMEDOUT;
    *val = (uint16_t)(rd32(a, E1000_EERD) >> E1000_EERD_DATA_SHIFT);
    return 0;
}

/* n words from 'word' on, holding the NVM semaphore for the whole run. */
static int igb_read_nvm(struct igb_adapter *a, unsigned word, unsigned n, uint16_t *out)
{
    if (igb_acquire_swfw(a, E1000_SWFW_EEP_SM) < 0)
        return -EBUSY;
    int r = 0;
    for (unsigned i = 0; i < n && r == 0; i++)
        r = igb_read_nvm_word(a, word + i, &out[i]);
    igb_release_swfw(a, E1000_SWFW_EEP_SM);
    return r;
}

/* DS ch. 6.1: the 16-bit sum of words 0x00..0x3F (the last is the checksum word) of the
 * port's section is 0xBABA. Read twice before giving up, as Linux does: the first read
 * after a reset can race the NVM's own autoload. iNVM parts have no such word. */
int igb_validate_nvm_checksum(struct igb_adapter *a)
{
    if (a->nvm == IGB_NVM_INVM)
        return 0;
    unsigned base = a->mac->type >= igb_mac_82580 ? IGB_NVM_LAN_FUNC_OFFSET(igb_lan_func(a)) : 0;
    uint16_t words[IGB_NVM_CHECKSUM_WORDS];
    uint16_t sum = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (igb_read_nvm(a, base, IGB_NVM_CHECKSUM_WORDS, words) < 0)
            continue;
        sum = 0;
        for (unsigned i = 0; i < IGB_NVM_CHECKSUM_WORDS; i++)
            sum = (uint16_t)(sum + words[i]);
        if (sum == IGB_NVM_SUM)
            return 0;
    }
    pr_err("igb %s: NVM checksum %#x at word %#x, expected %#x: the NVM is corrupt or "
           "unreadable; not using this port\n", a->pci_name, sum, base, IGB_NVM_SUM);
    return -EIO;
}

static bool valid_ether_addr(const uint8_t *m)
{
    static const uint8_t zero[ETH_ALEN];
    return !is_multicast_ether_addr(m) && memcmp(m, zero, ETH_ALEN) != 0;
}

/* The MAC address: RAL0/RAH0 as the NIC loaded it after reset (works for every NVM kind,
 * igb-82576.md sec. 3.3), else NVM words 0-2 through EERD. */
int igb_read_mac_addr(struct igb_adapter *a, uint8_t mac[ETH_ALEN])
{
    uint32_t ral = rd32(a, E1000_RAL(0)), rah = rd32(a, E1000_RAH(0));
    if (rah & E1000_RAH_AV) {
        for (int i = 0; i < 4; i++)
            mac[i] = (uint8_t)(ral >> (8 * i));
        mac[4] = (uint8_t)rah;
        mac[5] = (uint8_t)(rah >> 8);
        if (valid_ether_addr(mac))
            return 0;
    }
    if (a->nvm == IGB_NVM_INVM) {
        pr_err("igb %s: no MAC address loaded and iNVM records are not parsed\n", a->pci_name);
        return -EIO;
    }
    uint16_t w[3];
    if (igb_read_nvm(a, 0, 3, w) < 0) {
        pr_err("igb %s: NVM read of the MAC address failed\n", a->pci_name);
        return -EIO;
    }
    for (unsigned i = 0; i < 3; i++) {
        mac[2 * i] = (uint8_t)w[i];
        mac[2 * i + 1] = (uint8_t)(w[i] >> 8);
    }
    if (!valid_ether_addr(mac)) {
        pr_err("igb %s: NVM holds an invalid MAC address\n", a->pci_name);
        return -EIO;
    }
    return 0;
}

/* Unicast filter = our address in RAR0 only; multicast table cleared (igb-82576.md sec. 10 step 8;
 * 82576 DS ch. 7.1.1 receive address filtering). Broadcast is accepted by RCTL.BAM. */
void igb_init_filters(struct igb_adapter *a, const uint8_t mac[ETH_ALEN])
{
    uint32_t ral = mac[0] | mac[1] << 8 | mac[2] << 16 | (uint32_t)mac[3] << 24;
    uint32_t rah = mac[4] | mac[5] << 8;
    wr32(a, E1000_RAL(0), ral);
    wr32(a, E1000_RAH(0), rah | E1000_RAH_AV);
    for (unsigned i = 1; i < a->mac->rar_entries; i++) {
        wr32(a, E1000_RAL(i), 0);
        wr32(a, E1000_RAH(i), 0);
    }
    for (unsigned i = 0; i < IGB_MTA_WORDS; i++)
        wr32(a, E1000_MTA(i), 0);
    igb_flush(a);
}

/* PHY registers over MDIO (igb-82576.md sec. 4.1). The internal PHY sits at address 1. Each access
 * holds this port's PHY semaphore, so manageability firmware never sees a half-done MDIC
 * cycle (DS ch. 4.7). */
static int igb_mdic(struct igb_adapter *a, uint32_t cmd, uint16_t *val)
{
    wr32(a, E1000_MDIC, cmd | (IGB_INTERNAL_PHY_ADDR << E1000_MDIC_PHY_SHIFT));
    uint32_t mdic = 0;
    for (unsigned t = 0; t <= MDIC_TIMEOUT_US; t += 50) {
        mdic = rd32(a, E1000_MDIC);
        if (mdic & E1000_MDIC_READY)
            break;
        udelay(50);
    }
    if (!(mdic & E1000_MDIC_READY))
        return -ETIMEDOUT;
    if (mdic & E1000_MDIC_ERROR)
        return -EIO;
    if (val)
        *val = (uint16_t)(mdic & E1000_MDIC_DATA_MASK);
    return 0;
}

int igb_read_phy_reg(struct igb_adapter *a, unsigned reg, uint16_t *val)
{
    uint16_t mask = igb_phy_swfw_mask(a);
    if (igb_acquire_swfw(a, mask) < 0)
        return -EBUSY;
    int r = igb_mdic(a, E1000_MDIC_OP_READ | (reg << E1000_MDIC_REG_SHIFT), val);
    igb_release_swfw(a, mask);
    return r;
}

int igb_write_phy_reg(struct igb_adapter *a, unsigned reg, uint16_t val)
{
    uint16_t mask = igb_phy_swfw_mask(a);
    if (igb_acquire_swfw(a, mask) < 0)
        return -EBUSY;
    int r = igb_mdic(a, E1000_MDIC_OP_WRITE | (reg << E1000_MDIC_REG_SHIFT) | val, NULL);
    igb_release_swfw(a, mask);
    return r;
}

/* PHY hardware reset (Linux e1000_phy_hw_reset_generic and e1000_get_cfg_done_82575):
 * CTRL.PHY_RST held 100 us under the PHY semaphore, 150 us to settle, then up to 100 ms
 * for the port's configuration-done bit while the NVM's PHY settings are applied. Skipped
 * when manageability firmware blocks PHY resets (MANC). QEMU: PHY_RST only sets
 * STATUS.PHYRA and the done bit never comes; both are tolerated. */
static void igb_phy_hw_reset(struct igb_adapter *a)
{
    if (rd32(a, E1000_MANC) & E1000_MANC_BLK_PHY_RST_ON_IDE) {
        pr_info("igb %s: firmware blocks PHY reset; skipped\n", a->pci_name);
        return;
    }
    uint16_t mask = igb_phy_swfw_mask(a);
    if (igb_acquire_swfw(a, mask) < 0)
        return;
    uint32_t ctrl = rd32(a, E1000_CTRL);
    wr32(a, E1000_CTRL, ctrl | E1000_CTRL_PHY_RST);
    igb_flush(a);
    udelay(PHY_RESET_ASSERT_US);
    wr32(a, E1000_CTRL, ctrl & ~E1000_CTRL_PHY_RST);
    igb_flush(a);
    udelay(PHY_RESET_SETTLE_US);
    igb_release_swfw(a, mask);
    uint32_t done = E1000_EEMNGCTL_CFG_DONE(igb_lan_func(a));
    for (unsigned ms = 0; ms < PHY_CFG_TIMEOUT_MS; ms++) {
        if (rd32(a, E1000_EEMNGCTL) & done)
            return;
        mdelay(1);
    }
    a->phy_cfg_timeouts++;
    pr_debug("igb %s: PHY configuration done not reported after reset\n", a->pci_name);
}

/* Flow control setup before autonegotiation (Linux igb_setup_link / e1000_setup_fc): the
 * PAUSE address, type and time; receive thresholds from the RX packet buffer (XOFF when
 * less than two full frames of room are left, XON 16 bytes lower); and PAUSE advertised
 * symmetric + asymmetric so the link partner can pick. What is used is decided at link up
 * (igb_config_fc_after_link_up). */
static void igb_setup_fc(struct igb_adapter *a)
{
    wr32(a, E1000_FCAL, IGB_FC_PAUSE_ADDR_LO);
    wr32(a, E1000_FCAH, IGB_FC_PAUSE_ADDR_HI);
    wr32(a, E1000_FCT, IGB_FC_PAUSE_TYPE);
    wr32(a, E1000_FCTTV, IGB_FC_PAUSE_TIME);
    wr32(a, E1000_FCRTV, IGB_FC_PAUSE_TIME / 2);
    /* RXPBS is the buffer size in KB on the 82575/82576; later MACs encode it as a table
     * index, so they get a conservative 32 KB (unverified on silicon). */
    uint32_t kb = 32;
    if (a->mac->type <= igb_mac_82576) {
        uint32_t v = rd32(a, E1000_RXPBS) & 0x7f;
        if (v >= 16)
            kb = v;
    }
    uint32_t high = ((kb << 10) - 2 * MAX_FRAME) & ~0xfu;
    wr32(a, E1000_FCRTL, (high - 16) | E1000_FCRTL_XONE);
    wr32(a, E1000_FCRTH, high);

    uint16_t adv;
    if (igb_read_phy_reg(a, MII_ADVERTISE, &adv) == 0)
        igb_write_phy_reg(a, MII_ADVERTISE, adv | ADVERTISE_PAUSE_CAP | ADVERTISE_PAUSE_ASYM);
}

/* IEEE 802.3 annex 28B.3 resolution from our advertisement and the partner's:
 *   both PAUSE                                  -> both directions
 *   we ASM only, partner PAUSE+ASM              -> we send PAUSE (TX)
 *   we PAUSE+ASM, partner ASM only              -> we honour PAUSE (RX)
 *   anything else, or half duplex               -> none */
void igb_config_fc_after_link_up(struct igb_adapter *a)
{
    bool rx = false, tx = false;
    uint16_t adv, lpa;
    if (!(rd32(a, E1000_CTRL_EXT) & E1000_CTRL_EXT_LINK_MODE_MASK) && a->link_full_duplex &&
        igb_read_phy_reg(a, MII_ADVERTISE, &adv) == 0 && igb_read_phy_reg(a, MII_LPA, &lpa) == 0) {
        bool lp = adv & ADVERTISE_PAUSE_CAP, la = adv & ADVERTISE_PAUSE_ASYM;
        bool rp = lpa & ADVERTISE_PAUSE_CAP, ra = lpa & ADVERTISE_PAUSE_ASYM;
        if (lp && rp)
            rx = tx = true;
        else if (!lp && la && rp && ra)
            tx = true;
        else if (lp && la && !rp && ra)
            rx = true;
    }
    uint32_t ctrl = rd32(a, E1000_CTRL) & ~(E1000_CTRL_RFCE | E1000_CTRL_TFCE);
    if (rx)
        ctrl |= E1000_CTRL_RFCE;
    if (tx)
        ctrl |= E1000_CTRL_TFCE;
    wr32(a, E1000_CTRL, ctrl);
    a->fc_rx = rx;
    a->fc_tx = tx;
}

/* Link up (igb-82576.md sec. 4.2 / sec. 10 step 9): CTRL.SLU so the MAC follows the PHY, nothing
 * forced, then restart autonegotiation in the PHY. The BMCR write is what brings QEMU's
 * link up (500 ms later, with an LSC interrupt); SLU alone does nothing there. */
int igb_setup_link(struct igb_adapter *a)
{
    uint32_t ctrl = rd32(a, E1000_CTRL);
    ctrl |= E1000_CTRL_SLU;
    ctrl &= ~(E1000_CTRL_FRCSPD | E1000_CTRL_FRCDPX | E1000_CTRL_PHY_RST);
    wr32(a, E1000_CTRL, ctrl);

    if (rd32(a, E1000_CTRL_EXT) & E1000_CTRL_EXT_LINK_MODE_MASK) {
        /* Fiber/SerDes/SGMII: link comes from the PCS, not MDIC (unverified). */
        pr_info("igb %s: non-copper link mode; relying on SLU only\n", a->pci_name);
        return 0;
    }
    igb_phy_hw_reset(a);
    igb_setup_fc(a);
    uint16_t bmcr = 0;
    int r = igb_read_phy_reg(a, MII_BMCR, &bmcr);
    if (r < 0)
        bmcr = 0;   /* write a clean autoneg restart anyway */
    bmcr &= (uint16_t)~BMCR_PDOWN;
    bmcr |= BMCR_ANENABLE | BMCR_ANRESTART;
    r = igb_write_phy_reg(a, MII_BMCR, bmcr);
    if (r < 0)
        pr_warn("igb %s: PHY autonegotiation restart failed: %d\n", a->pci_name, r);
    return r;
}

/* STATUS.LU/SPEED/FD (igb-82576.md sec. 3.2). */
bool igb_check_link(struct igb_adapter *a, unsigned *speed, bool *full_duplex)
{
    uint32_t status = rd32(a, E1000_STATUS);
    bool up = status & E1000_STATUS_LU;
    switch (status & E1000_STATUS_SPEED_MASK) {
    case E1000_STATUS_SPEED_10:  *speed = 10; break;
    case E1000_STATUS_SPEED_100: *speed = 100; break;
    default:                     *speed = 1000; break;
    }
    *full_duplex = status & E1000_STATUS_FD;
    if (!up)
        *speed = 0;
    return up;
}
