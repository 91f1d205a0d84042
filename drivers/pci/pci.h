/* drivers/pci/pci.h - PCI bus: enumeration, config space, BARs, capabilities, MSI/MSI-X,
 * and driver binding by vendor/device ID. */
#ifndef WP_PCI_H
#define WP_PCI_H

#include "kernel/compiler.h"
#include "kernel/list.h"

#define PCI_VENDOR_ID      0x00
#define PCI_DEVICE_ID      0x02
#define PCI_COMMAND        0x04
#define  PCI_COMMAND_IO      0x1
#define  PCI_COMMAND_MEMORY  0x2
#define  PCI_COMMAND_MASTER  0x4
#define  PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS         0x06
#define  PCI_STATUS_CAP_LIST 0x10
#define PCI_REVISION_ID    0x08
#define PCI_CLASS_PROG     0x09
#define PCI_HEADER_TYPE    0x0e
#define PCI_BAR0           0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID   0x2e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN  0x3d

#define PCI_CAP_ID_PM      0x01
#define PCI_CAP_ID_MSI     0x05
#define PCI_CAP_ID_EXP     0x10
#define PCI_CAP_ID_MSIX    0x11

#define PCI_NUM_BARS 6

struct pci_bar {
    uint64_t addr;      /* physical base (0 when unimplemented) */
    uint64_t size;      /* bytes (0 when unimplemented) */
    bool is_io;
    bool is_64;         /* this BAR uses the next slot as its upper half */
    bool prefetch;
};

struct pci_dev {
    uint8_t bus, dev, fn;
    uint16_t vendor, device;
    uint16_t subsys_vendor, subsys_device;
    uint8_t revision;
    uint32_t class_code;           /* class << 16 | subclass << 8 | prog-if */
    uint8_t header_type;
    uint8_t irq_pin, irq_line;     /* pin 1..4 = INTA..INTD; line as firmware set it */
    unsigned gsi;                  /* IOAPIC input for INTx (from the pin/line) */
    struct pci_bar bar[PCI_NUM_BARS];
    uint8_t msi_cap, msix_cap, pcie_cap;   /* config offsets, 0 when absent */
    /* MSI-X, valid after pci_enable_msix() */
    volatile uint32_t *msix_table;
    unsigned msix_nvec;
    int msix_vectors[32];
    int msi_vector;
    struct list_head node;
    const struct pci_driver *driver;
    void *driver_data;
};

struct pci_device_id {
    uint16_t vendor, device;
    unsigned long driver_data;     /* e.g. the MAC type */
};

struct pci_driver {
    const char *name;
    const struct pci_device_id *id_table;    /* ends with a zero vendor */
    int (*probe)(struct pci_dev *dev, const struct pci_device_id *id);
    struct list_head node;
};

/* Config space (mechanism #1, or ECAM from ACPI MCFG when present). */
uint32_t pci_read32(const struct pci_dev *d, unsigned off);
uint16_t pci_read16(const struct pci_dev *d, unsigned off);
uint8_t  pci_read8(const struct pci_dev *d, unsigned off);
void pci_write32(const struct pci_dev *d, unsigned off, uint32_t v);
void pci_write16(const struct pci_dev *d, unsigned off, uint16_t v);
void pci_write8(const struct pci_dev *d, unsigned off, uint8_t v);

/* BAR decoding from the original value and the value read back after writing all ones
 * (pure; hosted-tested). For 64-bit BARs pass both halves. Returns the slots consumed. */
int pci_decode_bar(uint32_t orig_lo, uint32_t sized_lo, uint32_t orig_hi, uint32_t sized_hi,
                   struct pci_bar *out);

unsigned pci_find_capability(const struct pci_dev *d, uint8_t cap_id);
void pci_enable_device_mem(struct pci_dev *d);    /* memory space decoding on */
void pci_set_master(struct pci_dev *d);           /* bus mastering on (DMA) */
void *pci_iomap(struct pci_dev *d, int bar);      /* ioremap the whole BAR, uncached */

/* Allocate nvec vectors and point MSI-X entries 0..nvec-1 at them (entries masked until
 * pci_msix_unmask). Returns nvec or -errno. Vectors in d->msix_vectors[]. */
int pci_enable_msix(struct pci_dev *d, unsigned nvec);
void pci_disable_msix(struct pci_dev *d);
void pci_msix_mask(struct pci_dev *d, unsigned entry, bool mask);
/* One MSI vector. Returns the vector or -errno. */
int pci_enable_msi(struct pci_dev *d);
void pci_disable_msi(struct pci_dev *d);
void pci_intx(struct pci_dev *d, bool enable);

int pci_register_driver(struct pci_driver *drv);  /* probes matching devices now */
struct pci_dev *pci_get_device(uint16_t vendor, uint16_t device, struct pci_dev *from);
void pci_print_devices(void);
void pci_init(void);   /* enumerate every bus/device/function and print the list */

extern struct list_head pci_devices;

#endif
