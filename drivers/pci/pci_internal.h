/* drivers/pci/pci_internal.h - what the files of drivers/pci share and nothing else uses:
 * raw config access by bus/device/function (enumeration runs before a struct pci_dev
 * exists), the capability list walk and the enumeration entry points. */
#ifndef WP_PCI_INTERNAL_H
#define WP_PCI_INTERNAL_H

#include "drivers/pci/pci.h"

#define PCI_CFG_SPACE_SIZE     256    /* conventional config space (mechanism #1 reach) */
#define PCI_CFG_SPACE_EXP_SIZE 4096   /* PCI Express extended config space (ECAM only) */
#define PCI_MAX_CAPS 48               /* (256 - 64) / 4: more entries means a loop */

/* Config space of bus:dev.fn, 'size' 1, 2 or 4 bytes at a naturally aligned offset.
 * Reads of absent functions, of unreachable offsets (>= 256 without ECAM) or misaligned
 * ones return all ones; such writes are dropped. */
uint32_t pci_bus_read(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off, int size);
void pci_bus_write(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off, int size, uint32_t v);
/* Mechanism #1 only, whatever pci_bus_read() uses (tests compare the two). */
uint32_t pci_conf1_read(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off, int size);

/* Choose the access method: ECAM from ACPI MCFG when present, else mechanism #1.
 * Returns 0, or -ENODEV when neither answers. */
int pci_config_init(void);
const char *pci_config_method(void);

/* Walk d's capability list once (bounded, malformed pointers counted and cut off).
 * Fills up to max IDs and offsets in list order; returns how many. */
int pci_cap_list(const struct pci_dev *d, uint8_t *ids, uint8_t *offs, int max);

/* Enumerate from the root bus; fills pci_devices. Returns the function count. */
int pci_scan(void);
/* Offer a newly enumerated device to the registered drivers. */
void pci_bus_match_drivers(struct pci_dev *d);

#endif
