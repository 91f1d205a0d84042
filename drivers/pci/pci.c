/* drivers/pci/pci.c - bring-up of the PCI layer (pci_init) and the small per-device
 * helpers drivers call: command register bits, mapping a BAR. */
#include "drivers/pci/pci_internal.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"

static void command_update(struct pci_dev *d, uint16_t set, uint16_t clear)
{
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    uint16_t new_cmd = (uint16_t)((cmd & ~clear) | set);
    if (new_cmd != cmd)
        pci_write16(d, PCI_COMMAND, new_cmd);
}

/* Command register, PCI Local Bus 3.0 sec. 6.2.2. A device behind bridges is reachable
 * only when every bridge up to the root forwards for it: Memory Space Enable on a bridge
 * gates the memory window downstream, Bus Master Enable the device's memory requests
 * (DMA and MSI writes) upstream (PCI-to-PCI Bridge Architecture 1.2 sec. 3.2.2.1;
 * PCIe Base 4.0 sec. 7.5.1.1.3). Firmware often leaves them off on bridges it did not
 * boot through, so they are set explicitly, as for the device. */
void pci_enable_device_mem(struct pci_dev *d)
{
    for (struct pci_dev *b = d->bridge; b; b = b->bridge)
        command_update(b, PCI_COMMAND_MEMORY, 0);
    command_update(d, PCI_COMMAND_MEMORY, 0);
}

void pci_set_master(struct pci_dev *d)
{
    for (struct pci_dev *b = d->bridge; b; b = b->bridge)
        command_update(b, PCI_COMMAND_MASTER, 0);
    command_update(d, PCI_COMMAND_MASTER, 0);
}

/* Interrupt Disable (bit 10) set means the function may not assert INTx. */
void pci_intx(struct pci_dev *d, bool enable)
{
    if (enable)
        command_update(d, 0, PCI_COMMAND_INTX_DISABLE);
    else
        command_update(d, PCI_COMMAND_INTX_DISABLE, 0);
}

void *pci_iomap(struct pci_dev *d, int bar)
{
    if (bar < 0 || bar >= PCI_NUM_BARS)
        return NULL;
    const struct pci_bar *b = &d->bar[bar];
    if (!b->size || b->is_io || b->addr == 0)
        return NULL;   /* port I/O, unimplemented, or left unassigned by firmware */
    if (!d->bar_map[bar])
        d->bar_map[bar] = ioremap(b->addr, (size_t)b->size);
    return d->bar_map[bar];
}

void pci_init(void)
{
    if (pci_config_init() < 0) {
        pr_err("pci: no configuration access mechanism; no PCI devices\n");
        return;
    }
    int n = pci_scan();
    printk("pci: %d functions, config access by %s\n", n, pci_config_method());
    pci_print_devices();
    struct pci_dev *d;
    list_for_each_entry(d, &pci_devices, node)
        pci_bus_match_drivers(d);
}
