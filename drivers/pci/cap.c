/* drivers/pci/cap.c - walking the capability list (PCI Local Bus 3.0 sec. 6.7).
 *
 * The list starts at the Capabilities Pointer (0x34, or 0x14 in a CardBus header) when
 * Status bit 4 says there is one; each entry is an ID byte and a next-pointer byte.
 * Pointers come from the device, so they are checked: the low two bits are reserved and
 * masked off (sec. 6.7); an entry must lie in 0x40..0xfc (below is the header);
 * an ID of 0xff means the function fell off the bus; revisiting an entry is a loop.
 * Bad pointers end the walk and are counted. Only config reads are needed, so hosted
 * tests run this file against a fake config space. */
#include "drivers/pci/pci_internal.h"

#define PCI_CB_CAPABILITY_LIST 0x14
#define PCI_CAP_FIRST 0x40

int pci_cap_list(const struct pci_dev *d, uint8_t *ids, uint8_t *offs, int max)
{
    if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
        return 0;
    unsigned type = pci_read8(d, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
    unsigned ptr_reg = type == PCI_HEADER_TYPE_CARDBUS ? PCI_CB_CAPABILITY_LIST
                                                        : PCI_CAPABILITY_LIST;
    uint8_t seen[PCI_CFG_SPACE_SIZE / 4 / 8] = {0};   /* one bit per dword */
    unsigned pos = pci_read8(d, ptr_reg) & ~3u;
    int n = 0;
    for (int ttl = PCI_MAX_CAPS; pos; ttl--) {
        if (pos < PCI_CAP_FIRST || ttl == 0) {
            pci_stats.bad_cap_ptr++;
            break;
        }
        unsigned slot = pos / 4;
        if (seen[slot / 8] & (1u << (slot % 8))) {
            pci_stats.bad_cap_ptr++;   /* the list loops */
            break;
        }
        seen[slot / 8] |= (uint8_t)(1u << (slot % 8));
        uint16_t hdr = pci_read16(d, pos);   /* ID in the low byte, next pointer above */
        uint8_t id = hdr & 0xff;
        if (id == 0xff) {
            pci_stats.bad_cap_ptr++;
            break;
        }
        if (n < max) {
            ids[n] = id;
            offs[n] = (uint8_t)pos;
        }
        n++;
        pos = (hdr >> 8) & ~3u;
    }
    return n < max ? n : max;
}

unsigned pci_find_next_capability(const struct pci_dev *d, unsigned pos, uint8_t cap_id)
{
    uint8_t ids[PCI_MAX_CAPS], offs[PCI_MAX_CAPS];
    int n = pci_cap_list(d, ids, offs, PCI_MAX_CAPS);
    int i = 0;
    if (pos) {
        /* Continue after 'pos' in list order (entries need not ascend). */
        while (i < n && offs[i] != pos)
            i++;
        if (i == n)
            return 0;
        i++;
    }
    for (; i < n; i++)
        if (ids[i] == cap_id)
            return offs[i];
    return 0;
}

unsigned pci_find_capability(const struct pci_dev *d, uint8_t cap_id)
{
    return pci_find_next_capability(d, 0, cap_id);
}
