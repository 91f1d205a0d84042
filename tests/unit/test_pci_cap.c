// SOURCES: drivers/pci/cap.c drivers/pci/stats.c
/* The capability list walk (PCI Local Bus 3.0 sec. 6.7) against a fake config space:
 * QEMU igb's list, and malformed lists that must end the walk cleanly. */
#include "tests/unit/unit.h"
#include "drivers/pci/pci_internal.h"

static uint8_t cfg[256];

uint8_t pci_read8(const struct pci_dev *d, unsigned off) { (void)d; return off < 256 ? cfg[off] : 0xff; }
uint16_t pci_read16(const struct pci_dev *d, unsigned off)
{
    return (uint16_t)(pci_read8(d, off) | pci_read8(d, off + 1) << 8);
}
uint32_t pci_read32(const struct pci_dev *d, unsigned off)
{
    return (uint32_t)pci_read16(d, off) | (uint32_t)pci_read16(d, off + 2) << 16;
}

static void reset_cfg(uint8_t first)
{
    memset(cfg, 0, sizeof(cfg));
    cfg[PCI_STATUS] = PCI_STATUS_CAP_LIST;
    cfg[PCI_CAPABILITY_LIST] = first;
}

static void cap(uint8_t pos, uint8_t id, uint8_t next)
{
    cfg[pos] = id;
    cfg[pos + 1] = next;
}

static struct pci_dev dev;

TEST(igb_list)
{
    reset_cfg(0x40);
    cap(0x40, PCI_CAP_ID_PM, 0x50);
    cap(0x50, PCI_CAP_ID_MSI, 0x70);
    cap(0x70, PCI_CAP_ID_MSIX, 0xa0);
    cap(0xa0, PCI_CAP_ID_EXP, 0x00);
    CHECK_EQ(pci_find_capability(&dev, PCI_CAP_ID_PM), 0x40);
    CHECK_EQ(pci_find_capability(&dev, PCI_CAP_ID_MSI), 0x50);
    CHECK_EQ(pci_find_capability(&dev, PCI_CAP_ID_MSIX), 0x70);
    CHECK_EQ(pci_find_capability(&dev, PCI_CAP_ID_EXP), 0xa0);
    CHECK_EQ(pci_find_capability(&dev, PCI_CAP_ID_VNDR), 0);
    uint8_t ids[8], offs[8];
    CHECK_EQ(pci_cap_list(&dev, ids, offs, 8), 4);
    CHECK_EQ(ids[2], PCI_CAP_ID_MSIX);
    CHECK_EQ(offs[3], 0xa0);
}

TEST(no_cap_list_bit)
{
    reset_cfg(0x40);
    cap(0x40, PCI_CAP_ID_MSI, 0);
    cfg[PCI_STATUS] = 0;
    CHECK_EQ(pci_find_capability(&dev, PCI_CAP_ID_MSI), 0);
}

TEST(find_next_and_descending_order)
{
    reset_cfg(0xc0);
    cap(0xc0, PCI_CAP_ID_VNDR, 0x48);
    cap(0x48, PCI_CAP_ID_MSI, 0x60);
    cap(0x60, PCI_CAP_ID_VNDR, 0);
    unsigned p = pci_find_capability(&dev, PCI_CAP_ID_VNDR);
    CHECK_EQ(p, 0xc0);
    CHECK_EQ(pci_find_next_capability(&dev, p, PCI_CAP_ID_VNDR), 0x60);
    CHECK_EQ(pci_find_next_capability(&dev, 0x60, PCI_CAP_ID_VNDR), 0);
    CHECK_EQ(pci_find_next_capability(&dev, 0x44, PCI_CAP_ID_VNDR), 0);  /* not in the list */
}

TEST(reserved_low_bits_masked)
{
    reset_cfg(0x43);
    cap(0x40, PCI_CAP_ID_PM, 0x52);
    cap(0x50, PCI_CAP_ID_MSIX, 0);
    CHECK_EQ(pci_find_capability(&dev, PCI_CAP_ID_MSIX), 0x50);
}

TEST(loop_is_cut)
{
    reset_cfg(0x40);
    cap(0x40, PCI_CAP_ID_PM, 0x50);
    cap(0x50, PCI_CAP_ID_MSI, 0x40);   /* back to the start */
    uint64_t bad = pci_stats.bad_cap_ptr;
    CHECK_EQ(pci_find_capability(&dev, PCI_CAP_ID_MSIX), 0);
    CHECK_EQ(pci_stats.bad_cap_ptr, bad + 1);
    CHECK_EQ(pci_find_capability(&dev, PCI_CAP_ID_MSI), 0x50);

    reset_cfg(0x40);
    cap(0x40, PCI_CAP_ID_PM, 0x40);    /* points at itself */
    CHECK_EQ(pci_find_capability(&dev, PCI_CAP_ID_MSI), 0);
}

TEST(pointer_into_header_is_rejected)
{
    reset_cfg(0x40);
    cap(0x40, PCI_CAP_ID_PM, 0x10);    /* would read a BAR as a capability */
    uint64_t bad = pci_stats.bad_cap_ptr;
    CHECK_EQ(pci_find_capability(&dev, PCI_CAP_ID_MSI), 0);
    CHECK_EQ(pci_stats.bad_cap_ptr, bad + 1);
    reset_cfg(0x20);
    CHECK_EQ(pci_find_capability(&dev, PCI_CAP_ID_PM), 0);
}

TEST(gone_device_reads_ff)
{
    memset(cfg, 0xff, sizeof(cfg));
    uint64_t bad = pci_stats.bad_cap_ptr;
    CHECK_EQ(pci_find_capability(&dev, PCI_CAP_ID_MSI), 0);
    CHECK_EQ(pci_stats.bad_cap_ptr, bad + 1);
}

TEST(longest_list_is_bounded)
{
    /* every dword from 0x40 to 0xfc is a capability: 48 entries, the most possible */
    reset_cfg(0x40);
    for (unsigned pos = 0x40; pos <= 0xfc; pos += 4)
        cap((uint8_t)pos, PCI_CAP_ID_VNDR, pos == 0xfc ? 0 : (uint8_t)(pos + 4));
    cfg[0xfc] = PCI_CAP_ID_MSI;
    uint8_t ids[PCI_MAX_CAPS], offs[PCI_MAX_CAPS];
    CHECK_EQ(pci_cap_list(&dev, ids, offs, PCI_MAX_CAPS), 48);
    CHECK_EQ(pci_find_capability(&dev, PCI_CAP_ID_MSI), 0xfc);
    /* a small output array is filled, never overrun */
    CHECK_EQ(pci_cap_list(&dev, ids, offs, 3), 3);
}
