/* drivers/pci/bar.c - decoding a Base Address Register from its sizing probe, and the
 * text the boot log shows for it. Pure (no config access), so hosted tests cover it.
 *
 * Sizing (PCI Local Bus 3.0, sec. 6.2.5.1): software saves the BAR, writes all ones, reads
 * back, restores. Address bits the device does not decode read back as zero, so the
 * lowest set bit of the read-back address field is the size (and alignment) of the region.
 * The low bits are read-only type bits: bit 0 I/O; for memory bits 2:1 the width
 * (00 32-bit, 01 below 1 MiB, 10 64-bit, 11 reserved) and bit 3 prefetchable. */
#include "drivers/pci/pci.h"
#include "kernel/printk.h"

static const struct pci_bar no_bar;

/* Lowest set bit: the size implied by an address mask (0 for an empty mask). Masks with
 * holes above it (broken devices) still get the size their lowest bit implies, as the
 * device will decode at least that much. */
static uint64_t mask_to_size(uint64_t mask)
{
    return mask & (~mask + 1);
}

int pci_decode_bar(uint32_t orig_lo, uint32_t sized_lo, uint32_t orig_hi, uint32_t sized_hi,
                   struct pci_bar *out)
{
    *out = no_bar;
    /* Nothing reads back: the BAR is not implemented (sec. 6.2.5.1: hardwired to zero). */
    if (sized_lo == 0)
        return 1;

    if (sized_lo & PCI_BAR_IO) {
        /* I/O BARs: bit 1 reserved. Many devices implement only 16 address bits, so the
         * upper half reads back zero; the lowest-set-bit rule handles both forms. */
        if ((orig_lo & 0x3) != (sized_lo & 0x3)) {
            pci_stats.bad_bar++;   /* read-only bits changed: not a stable BAR */
            return 1;
        }
        uint32_t mask = sized_lo & ~0x3u;
        if (mask == 0)
            return 1;
        out->is_io = true;
        out->addr = orig_lo & ~0x3u;
        out->size = mask_to_size(mask);
        return 1;
    }

    uint32_t type = sized_lo & PCI_BAR_MEM_TYPE_MASK;
    if ((orig_lo & 0xf) != (sized_lo & 0xf) || type == PCI_BAR_MEM_TYPE_MASK) {
        pci_stats.bad_bar++;   /* reserved width, or read-only bits changed */
        return type == PCI_BAR_MEM_TYPE_64 ? 2 : 1;
    }
    /* A 64-bit BAR takes the next register as its upper half; the decode is the same. */
    bool is_64 = type == PCI_BAR_MEM_TYPE_64;
    uint64_t mask = (is_64 ? (uint64_t)sized_hi << 32 : 0) | (sized_lo & ~0xfu);
    if (mask) {
        out->is_64 = is_64;
        out->prefetch = sized_lo & PCI_BAR_MEM_PREFETCH;
        out->addr = (is_64 ? (uint64_t)orig_hi << 32 : 0) | (orig_lo & ~0xfu);
        out->size = mask_to_size(mask);
    }
    return is_64 ? 2 : 1;
}

const char *pci_format_size(char *buf, size_t len, uint64_t size)
{
    static const char units[] = "KMGTPE";
    int u = -1;
    /* Largest unit that divides the size exactly: BAR sizes are powers of two, so this
     * gives "128K" and "4G"; anything else falls back to the exact byte count. */
    while (u + 1 < (int)sizeof(units) - 1 && size && (size & 1023) == 0) {
        size >>= 10;
        u++;
    }
    if (u < 0)
        snprintf(buf, len, "%llu", (unsigned long long)size);
    else
        snprintf(buf, len, "%llu%c", (unsigned long long)size, units[u]);
    return buf;
}

const char *pci_format_bar(char *buf, size_t len, const struct pci_bar *bar)
{
    char sz[24];
    pci_format_size(sz, sizeof(sz), bar->size);
    const char *unassigned = bar->addr == 0 && bar->size ? " unassigned" : "";
    if (bar->is_io)
        snprintf(buf, len, "io 0x%llx size %s%s", (unsigned long long)bar->addr, sz, unassigned);
    else
        snprintf(buf, len, "mem 0x%llx size %s %s%s%s", (unsigned long long)bar->addr, sz,
                 bar->is_64 ? "64-bit" : "32-bit", bar->prefetch ? " prefetch" : "", unassigned);
    return buf;
}
