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

/* Reset sequence of ref sec. 3.4 / 10 steps 2-6 (82576 DS ch. 4.3 "Reset Operation"). */
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

    /* NVM auto-read: tolerated when it never reports (QEMU, ref sec. 11.2). */
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
 * (ref sec. 3.5; Linux igb_get_hw_control). */
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

static bool valid_ether_addr(const uint8_t *m)
{
    static const uint8_t zero[ETH_ALEN];
    return !is_multicast_ether_addr(m) && memcmp(m, zero, ETH_ALEN) != 0;
}

/* The MAC address: RAL0/RAH0 as the NIC loaded it after reset (works for every NVM kind,
 * ref sec. 3.3), else NVM words 0-2 through EERD. */
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
    for (unsigned w = 0; w < 3; w++) {
        uint16_t v;
        if (igb_read_nvm_word(a, w, &v) < 0) {
            pr_err("igb %s: NVM read of word %u timed out\n", a->pci_name, w);
            return -EIO;
        }
        mac[2 * w] = (uint8_t)v;
        mac[2 * w + 1] = (uint8_t)(v >> 8);
    }
    if (!valid_ether_addr(mac)) {
        pr_err("igb %s: NVM holds an invalid MAC address\n", a->pci_name);
        return -EIO;
    }
    return 0;
}

/* Unicast filter = our address in RAR0 only; multicast table cleared (ref sec. 10 step 8;
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

/* PHY registers over MDIO (ref sec. 4.1). The internal PHY sits at address 1. No SW/FW
 * semaphore is taken: boards with manageability firmware would need one (unverified). */
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
    return igb_mdic(a, E1000_MDIC_OP_READ | (reg << E1000_MDIC_REG_SHIFT), val);
}

int igb_write_phy_reg(struct igb_adapter *a, unsigned reg, uint16_t val)
{
    return igb_mdic(a, E1000_MDIC_OP_WRITE | (reg << E1000_MDIC_REG_SHIFT) | val, NULL);
}

/* Link up (ref sec. 4.2 / sec. 10 step 9): CTRL.SLU so the MAC follows the PHY, nothing
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

/* STATUS.LU/SPEED/FD (ref sec. 3.2). */
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
