/* drivers/pci/probe.c - enumeration: find every function, size its BARs, note its
 * capabilities and INTx routing, and print what was found.
 *
 * The scan starts at the root bus and follows each PCI-to-PCI bridge to the secondary
 * bus firmware gave it (PCI-to-PCI Bridge Architecture 1.2 sec. 3.2.5.3), the devices of
 * a bus first, then the buses behind its bridges, as Linux orders them. A bus is scanned
 * at most once, so a misconfigured bridge cannot make the walk loop. Bus numbers are not
 * assigned: a bridge firmware left unconfigured is reported and skipped.
 *
 * Absent functions read vendor 0xffff (PCI Local Bus 3.0 sec. 6.1); such slots are skipped
 * with one read. That also skips the SR-IOV virtual functions QEMU's igb pre-instantiates,
 * which read 0xffff until SR-IOV is enabled. */
#include "drivers/pci/pci_internal.h"
#include "kernel/arch/x86.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

#define PCI_MAX_DEVICES 64
#define PCI_MAX_BUS_DEPTH 16

LIST_HEAD(pci_devices);

static struct pci_dev dev_pool[PCI_MAX_DEVICES];
static int ndevs;
static uint8_t bus_seen[256 / 8];
static int nbuses;

/* Size the BARs (PCI Local Bus 3.0 sec. 6.2.5.1). Decoding is turned off meanwhile so
 * the all-ones pattern never claims address space, and interrupts are off so nothing
 * touches the device half-sized. The original values and command register go back. */
static void size_bars(struct pci_dev *d, int nbars)
{
    unsigned long flags = local_irq_save();
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    uint16_t decode = PCI_COMMAND_IO | PCI_COMMAND_MEMORY;
    if (cmd & decode)
        pci_write16(d, PCI_COMMAND, cmd & ~decode);

    for (int i = 0; i < nbars;) {
        unsigned off = PCI_BAR0 + 4 * (unsigned)i;
        uint32_t lo = pci_read32(d, off);
        pci_write32(d, off, 0xffffffffu);
        uint32_t slo = pci_read32(d, off);
        pci_write32(d, off, lo);
        uint32_t hi = 0, shi = 0;
        bool wide = !(lo & PCI_BAR_IO) && (lo & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64;
        if (wide && i + 1 < nbars) {
            hi = pci_read32(d, off + 4);
            pci_write32(d, off + 4, 0xffffffffu);
            shi = pci_read32(d, off + 4);
            pci_write32(d, off + 4, hi);
        }
        int used = pci_decode_bar(lo, slo, hi, shi, &d->bar[i]);
        if (used == 2 && i + 1 >= nbars) {
            /* A 64-bit BAR in the last slot has no upper half: not usable. */
            memset(&d->bar[i], 0, sizeof(d->bar[i]));
            pci_stats.bad_bar++;
            used = 1;
        }
        i += used;
    }

    if (cmd & decode)
        pci_write16(d, PCI_COMMAND, cmd);
    local_irq_restore(flags);
}

static void compute_gsi(struct pci_dev *d)
{
    uint8_t pin = d->irq_pin, slot = d->dev;
    /* Swizzle up to the root bus; the chain is at most PCI_MAX_BUS_DEPTH long. */
    for (const struct pci_dev *b = d->bridge; b; b = b->bridge) {
        pin = pci_swizzle_pin(pin, slot);
        slot = b->dev;
    }
    d->gsi = pci_intx_gsi(d->irq_line, slot, pin);
}

static struct pci_dev *add_function(uint8_t bus, uint8_t dev, uint8_t fn, struct pci_dev *bridge)
{
    if (ndevs == PCI_MAX_DEVICES) {
        pci_stats.dev_overflow++;
        return NULL;
    }
    struct pci_dev *d = &dev_pool[ndevs++];
    memset(d, 0, sizeof(*d));
    d->bus = bus;
    d->dev = dev;
    d->fn = fn;
    d->bridge = bridge;
    d->vendor = pci_read16(d, PCI_VENDOR_ID);
    d->device = pci_read16(d, PCI_DEVICE_ID);
    uint32_t class_rev = pci_read32(d, PCI_REVISION_ID);
    d->revision = class_rev & 0xff;
    d->class_code = class_rev >> 8;
    d->header_type = pci_read8(d, PCI_HEADER_TYPE);

    int nbars = 0;
    switch (d->header_type & PCI_HEADER_TYPE_MASK) {
    case PCI_HEADER_TYPE_NORMAL:
        nbars = 6;
        d->subsys_vendor = pci_read16(d, PCI_SUBSYSTEM_VENDOR_ID);
        d->subsys_device = pci_read16(d, PCI_SUBSYSTEM_ID);
        break;
    case PCI_HEADER_TYPE_BRIDGE:
        nbars = 2;
        d->secondary_bus = pci_read8(d, PCI_SECONDARY_BUS);
        break;
    default:
        break;   /* CardBus or unknown layout: no BARs we understand */
    }
    size_bars(d, nbars);

    d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
    d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
    if (d->irq_pin > 4)
        d->irq_pin = 0;   /* reserved values: treat as no pin */
    compute_gsi(d);

    d->msi_cap = (uint8_t)pci_find_capability(d, PCI_CAP_ID_MSI);
    d->msix_cap = (uint8_t)pci_find_capability(d, PCI_CAP_ID_MSIX);
    d->pcie_cap = (uint8_t)pci_find_capability(d, PCI_CAP_ID_EXP);

    list_add_tail(&d->node, &pci_devices);
    pci_stats.devices++;
    return d;
}

static bool present(uint16_t vendor)
{
    return vendor != 0xffff && vendor != 0x0000;
}

static void scan_bus(uint8_t bus, struct pci_dev *bridge, int depth)
{
    if (bus_seen[bus / 8] & (1u << (bus % 8)) || depth > PCI_MAX_BUS_DEPTH) {
        pci_stats.bad_bridge++;
        return;
    }
    bus_seen[bus / 8] |= (uint8_t)(1u << (bus % 8));
    nbuses++;

    int first = ndevs;
    for (uint8_t dev = 0; dev < 32; dev++) {
        if (!present((uint16_t)pci_bus_read(bus, dev, 0, PCI_VENDOR_ID, 2)))
            continue;
        /* Functions 1..7 exist only when function 0 says multi-function (sec. 6.2.1). */
        uint8_t ht = (uint8_t)pci_bus_read(bus, dev, 0, PCI_HEADER_TYPE, 1);
        int nfn = ht & PCI_HEADER_TYPE_MFD ? 8 : 1;
        for (uint8_t fn = 0; fn < nfn; fn++) {
            if (fn && !present((uint16_t)pci_bus_read(bus, dev, fn, PCI_VENDOR_ID, 2)))
                continue;
            add_function(bus, dev, fn, bridge);
        }
    }

    int last = ndevs;
    for (int i = first; i < last; i++) {
        struct pci_dev *d = &dev_pool[i];
        if ((d->header_type & PCI_HEADER_TYPE_MASK) != PCI_HEADER_TYPE_BRIDGE)
            continue;
        if (d->secondary_bus <= bus) {
            /* Unconfigured (0) or pointing backwards: firmware did not number it. */
            pci_stats.bad_bridge++;
            pr_warn("pci: bridge %02x:%02x.%x has no usable secondary bus (%02x); not scanned\n",
                    d->bus, d->dev, d->fn, d->secondary_bus);
            continue;
        }
        scan_bus(d->secondary_bus, d, depth + 1);
    }
}

int pci_scan(void)
{
    scan_bus(0, NULL, 0);
    if (pci_stats.dev_overflow)
        pr_warn("pci: %llu functions not recorded (table of %d full)\n",
                (unsigned long long)pci_stats.dev_overflow, PCI_MAX_DEVICES);
    return ndevs;
}

static const char *cap_name(uint8_t id, char *buf, size_t len)
{
    static const char *const names[] = {
        [0x01] = "pm", [0x02] = "agp", [0x03] = "vpd", [0x04] = "slotid", [0x05] = "msi",
        [0x06] = "hotswap", [0x07] = "pcix", [0x08] = "ht", [0x09] = "vndr", [0x0a] = "dbg",
        [0x0b] = "ccrc", [0x0c] = "shpc", [0x0d] = "ssvid", [0x0e] = "agp3", [0x0f] = "secdev",
        [0x10] = "pcie", [0x11] = "msix", [0x12] = "sata", [0x13] = "af", [0x14] = "ea",
    };
    if (id < ARRAY_SIZE(names) && names[id])
        return names[id];
    snprintf(buf, len, "cap%02x", id);
    return buf;
}

static void print_device(const struct pci_dev *d)
{
    char line[160];
    printk("pci: %02x:%02x.%x %04x:%04x class %06x\n", d->bus, d->dev, d->fn, d->vendor,
           d->device, d->class_code);
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        const struct pci_bar *b = &d->bar[i];
        if (!b->size)
            continue;
        printk("  BAR%d %s\n", i, pci_format_bar(line, sizeof(line), b));
    }
    if ((d->header_type & PCI_HEADER_TYPE_MASK) == PCI_HEADER_TYPE_BRIDGE)
        printk("  bridge to bus %02x\n", d->secondary_bus);
    if (d->irq_pin) {
        if (d->gsi != PCI_GSI_NONE)
            printk("  irq pin %c line %u gsi %u\n", 'A' + d->irq_pin - 1, d->irq_line, d->gsi);
        else
            printk("  irq pin %c line %u\n", 'A' + d->irq_pin - 1, d->irq_line);
    }

    uint8_t ids[PCI_MAX_CAPS], offs[PCI_MAX_CAPS];
    int n = pci_cap_list(d, ids, offs, PCI_MAX_CAPS);
    if (n == 0)
        return;
    size_t len = 0;
    len += (size_t)snprintf(line, sizeof(line), "  caps:");
    for (int i = 0; i < n && len < sizeof(line); i++) {
        char tmp[8];
        const char *name = cap_name(ids[i], tmp, sizeof(tmp));
        if (ids[i] == PCI_CAP_ID_MSIX) {
            unsigned qsize = (pci_read16(d, offs[i] + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_QSIZE) + 1;
            len += (size_t)snprintf(line + len, sizeof(line) - len, " %s(%u)", name, qsize);
        } else {
            len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", name);
        }
    }
    printk("%s\n", line);
}

void pci_print_devices(void)
{
    struct pci_dev *d;
    list_for_each_entry(d, &pci_devices, node)
        print_device(d);
}
