/* drivers/pci/config.c - configuration space access.
 *
 * Two mechanisms:
 *  - ECAM (PCI Express Base 4.0 sec. 7.2.2; ACPI MCFG, PCI Firmware 3.2 sec. 4.1.2): each
 *    function's 4 KiB of config space is memory at base + (bus << 20 | dev << 15 |
 *    fn << 12). Used when ACPI found an MCFG. Each bus's 1 MiB window is ioremap()ed on
 *    first use, so only buses that exist cost page tables.
 *  - Configuration mechanism #1 (PCI Local Bus 3.0 sec. 3.2.2.3.2): write an address to
 *    port 0xCF8, move data through 0xCFC..0xCFF. Reaches the first 256 bytes only. The
 *    two port accesses are not atomic, so they run with interrupts off.
 * Bus numbers outside the MCFG range, or a failed mapping, fall back to mechanism #1. */
#include "drivers/pci/pci_internal.h"
#include "kernel/arch/x86.h"
#include "kernel/acpi.h"
#include "kernel/errno.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"

#define PCI_CONF1_ADDRESS 0xcf8
#define PCI_CONF1_DATA    0xcfc
#define PCI_CONF1_ENABLE  0x80000000u
#define ECAM_BUS_SIZE     (1u << 20)

static bool conf1_ok;
static bool ecam_ok;
static uint64_t ecam_base;
static uint8_t ecam_bus_start, ecam_bus_end;
static volatile uint8_t *ecam_bus_map[256];
static bool ecam_bus_failed[256];

static uint32_t all_ones(int size)
{
    return size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
}

static bool access_ok(uint8_t dev, uint8_t fn, unsigned off, int size)
{
    if (dev > 31 || fn > 7 || off >= PCI_CFG_SPACE_EXP_SIZE)
        return false;
    if (size != 1 && size != 2 && size != 4)
        return false;
    return (off & (unsigned)(size - 1)) == 0;   /* natural alignment only */
}

/* The function's ECAM page, or NULL when this bus is not reachable through ECAM. */
static volatile uint8_t *ecam_ptr(uint8_t bus, uint8_t dev, uint8_t fn)
{
    if (!ecam_ok || bus < ecam_bus_start || bus > ecam_bus_end || ecam_bus_failed[bus])
        return NULL;
    volatile uint8_t *map = READ_ONCE(ecam_bus_map[bus]);
    if (!map) {
        /* MCFG's base address is that of bus 0 even when the range starts later. */
        map = ioremap(ecam_base + ((uint64_t)bus << 20), ECAM_BUS_SIZE);
        if (!map) {
            ecam_bus_failed[bus] = true;
            pr_warn("pci: cannot map ECAM for bus %02x; using port I/O\n", bus);
            return NULL;
        }
        WRITE_ONCE(ecam_bus_map[bus], map);
    }
    return map + ((unsigned)dev << 15 | (unsigned)fn << 12);
}

static uint32_t conf1_addr(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
    return PCI_CONF1_ENABLE | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 |
           (off & 0xfc);
}

uint32_t pci_conf1_read(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off, int size)
{
    if (!conf1_ok || !access_ok(dev, fn, off, size) || off >= PCI_CFG_SPACE_SIZE)
        return all_ones(size);
    uint32_t v;
    unsigned long flags = local_irq_save();
    outl(PCI_CONF1_ADDRESS, conf1_addr(bus, dev, fn, off));
    switch (size) {
    case 1: v = inb(PCI_CONF1_DATA + (off & 3)); break;
    case 2: v = inw(PCI_CONF1_DATA + (off & 2)); break;
    default: v = inl(PCI_CONF1_DATA); break;
    }
    local_irq_restore(flags);
    return v;
}

uint32_t pci_bus_read(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off, int size)
{
    if (!access_ok(dev, fn, off, size))
        return all_ones(size);
    volatile uint8_t *p = ecam_ptr(bus, dev, fn);
    if (p) {
        switch (size) {
        case 1: return *(volatile uint8_t *)(p + off);
        case 2: return *(volatile uint16_t *)(p + off);
        default: return *(volatile uint32_t *)(p + off);
        }
    }
    return pci_conf1_read(bus, dev, fn, off, size);
}

void pci_bus_write(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off, int size, uint32_t v)
{
    if (!access_ok(dev, fn, off, size))
        return;
    volatile uint8_t *p = ecam_ptr(bus, dev, fn);
    if (p) {
        switch (size) {
        case 1: *(volatile uint8_t *)(p + off) = (uint8_t)v; break;
        case 2: *(volatile uint16_t *)(p + off) = (uint16_t)v; break;
        default: *(volatile uint32_t *)(p + off) = v; break;
        }
        /* From the CPU a store to ECAM completes like any memory write, before the
         * device has seen it; reading the function back makes sure it has, before the
         * caller goes on (say, to touch a BAR it just enabled). */
        (void)*(volatile uint32_t *)p;
        return;
    }
    if (!conf1_ok || off >= PCI_CFG_SPACE_SIZE)
        return;
    unsigned long flags = local_irq_save();
    outl(PCI_CONF1_ADDRESS, conf1_addr(bus, dev, fn, off));
    switch (size) {
    case 1: outb(PCI_CONF1_DATA + (off & 3), (uint8_t)v); break;
    case 2: outw(PCI_CONF1_DATA + (off & 2), (uint16_t)v); break;
    default: outl(PCI_CONF1_DATA, v); break;
    }
    local_irq_restore(flags);
}

uint32_t pci_read32(const struct pci_dev *d, unsigned off) { return pci_bus_read(d->bus, d->dev, d->fn, off, 4); }
uint16_t pci_read16(const struct pci_dev *d, unsigned off) { return (uint16_t)pci_bus_read(d->bus, d->dev, d->fn, off, 2); }
uint8_t pci_read8(const struct pci_dev *d, unsigned off) { return (uint8_t)pci_bus_read(d->bus, d->dev, d->fn, off, 1); }
void pci_write32(const struct pci_dev *d, unsigned off, uint32_t v) { pci_bus_write(d->bus, d->dev, d->fn, off, 4, v); }
void pci_write16(const struct pci_dev *d, unsigned off, uint16_t v) { pci_bus_write(d->bus, d->dev, d->fn, off, 2, v); }
void pci_write8(const struct pci_dev *d, unsigned off, uint8_t v) { pci_bus_write(d->bus, d->dev, d->fn, off, 1, v); }

/* Mechanism #1 is present when the address register keeps the enable bit (the classic
 * probe: a PC without it has nothing that latches a dword at 0xCF8). */
static bool conf1_probe(void)
{
    unsigned long flags = local_irq_save();
    uint32_t saved = inl(PCI_CONF1_ADDRESS);
    outl(PCI_CONF1_ADDRESS, PCI_CONF1_ENABLE);
    bool ok = inl(PCI_CONF1_ADDRESS) == PCI_CONF1_ENABLE;
    outl(PCI_CONF1_ADDRESS, saved);
    local_irq_restore(flags);
    return ok;
}

int pci_config_init(void)
{
    conf1_ok = conf1_probe();
    if (acpi.ecam_base && acpi.ecam_bus_end >= acpi.ecam_bus_start) {
        ecam_base = acpi.ecam_base;
        ecam_bus_start = acpi.ecam_bus_start;
        ecam_bus_end = acpi.ecam_bus_end;
        ecam_ok = true;
        /* Trust the window only if it shows the same host bridge as port I/O does. */
        uint32_t id = pci_bus_read(ecam_bus_start, 0, 0, PCI_VENDOR_ID, 4);
        if (conf1_ok && ecam_bus_start == 0) {
            uint32_t id1 = pci_conf1_read(0, 0, 0, PCI_VENDOR_ID, 4);
            ecam_ok = id == id1;
            if (!ecam_ok)
                pr_warn("pci: ECAM at %#llx disagrees with port I/O (%08x vs %08x); not used\n",
                        (unsigned long long)ecam_base, id, id1);
        }
    }
    if (!ecam_ok && !conf1_ok)
        return -ENODEV;
    return 0;
}

const char *pci_config_method(void)
{
    return ecam_ok ? "ECAM" : conf1_ok ? "port CF8/CFC" : "none";
}
