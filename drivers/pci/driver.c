/* drivers/pci/driver.c - binding drivers to devices by vendor/device ID.
 *
 * A driver registers an ID table; every enumerated device without a driver whose IDs
 * match an entry is offered to its probe(), at registration time for devices already
 * found (the normal case: enumeration runs before the driver initcalls) and at
 * enumeration time for drivers registered earlier. The first probe to return >= 0 owns
 * the device. */
#include "drivers/pci/pci_internal.h"
#include "kernel/errno.h"
#include "kernel/printk.h"

static LIST_HEAD(pci_drivers);

static const struct pci_device_id *match_id(const struct pci_driver *drv, const struct pci_dev *d)
{
    for (const struct pci_device_id *id = drv->id_table; id->vendor; id++) {
        if ((id->vendor == PCI_ANY_ID || id->vendor == d->vendor) &&
            (id->device == PCI_ANY_ID || id->device == d->device))
            return id;
    }
    return NULL;
}

static void try_probe(struct pci_driver *drv, struct pci_dev *d)
{
    if (d->driver)
        return;
    const struct pci_device_id *id = match_id(drv, d);
    if (!id)
        return;
    d->driver = drv;   /* set first so probe() may look at it */
    int r = drv->probe(d, id);
    if (r < 0) {
        d->driver = NULL;
        d->driver_data = NULL;
        pr_warn("pci: %02x:%02x.%x %04x:%04x: %s probe failed: %d\n", d->bus, d->dev, d->fn,
                d->vendor, d->device, drv->name, r);
        return;
    }
    pr_info("pci: %02x:%02x.%x %04x:%04x bound to %s\n", d->bus, d->dev, d->fn, d->vendor,
            d->device, drv->name);
}

int pci_register_driver(struct pci_driver *drv)
{
    if (!drv || !drv->name || !drv->id_table || !drv->probe)
        return -EINVAL;
    struct pci_driver *other;
    list_for_each_entry(other, &pci_drivers, node)
        if (other == drv)
            return -EBUSY;
    list_add_tail(&drv->node, &pci_drivers);
    struct pci_dev *d;
    list_for_each_entry(d, &pci_devices, node)
        try_probe(drv, d);
    return 0;
}

void pci_unregister_driver(struct pci_driver *drv)
{
    struct pci_driver *other;
    bool found = false;
    list_for_each_entry(other, &pci_drivers, node)
        found |= other == drv;
    if (!found)
        return;
    list_del_init(&drv->node);
    struct pci_dev *d;
    list_for_each_entry(d, &pci_devices, node) {
        if (d->driver == drv) {
            d->driver = NULL;
            d->driver_data = NULL;
        }
    }
}

void pci_bus_match_drivers(struct pci_dev *d)
{
    struct pci_driver *drv;
    list_for_each_entry(drv, &pci_drivers, node)
        try_probe(drv, d);
}

struct pci_dev *pci_get_device(uint16_t vendor, uint16_t device, struct pci_dev *from)
{
    struct list_head *pos = from ? from->node.next : pci_devices.next;
    for (; pos != &pci_devices; pos = pos->next) {
        struct pci_dev *d = list_entry(pos, struct pci_dev, node);
        if ((vendor == PCI_ANY_ID || vendor == d->vendor) &&
            (device == PCI_ANY_ID || device == d->device))
            return d;
    }
    return NULL;
}
