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
#define PCI_CLASS_DEVICE   0x0a   /* subclass (low byte) and base class (high byte) */
#define PCI_HEADER_TYPE    0x0e
#define  PCI_HEADER_TYPE_MASK   0x7f
#define  PCI_HEADER_TYPE_NORMAL 0
#define  PCI_HEADER_TYPE_BRIDGE 1
#define  PCI_HEADER_TYPE_CARDBUS 2
#define  PCI_HEADER_TYPE_MFD    0x80   /* multi-function device (function 0 only) */
#define PCI_BAR0           0x10
#define  PCI_BAR_IO          0x1
#define  PCI_BAR_MEM_TYPE_MASK 0x6
#define  PCI_BAR_MEM_TYPE_32   0x0
#define  PCI_BAR_MEM_TYPE_1M   0x2     /* legacy "below 1 MiB", decoded as 32-bit */
#define  PCI_BAR_MEM_TYPE_64   0x4
#define  PCI_BAR_MEM_PREFETCH  0x8
/* Type 1 (PCI-to-PCI bridge) header */
#define PCI_PRIMARY_BUS    0x18
#define PCI_SECONDARY_BUS  0x19
#define PCI_SUBORDINATE_BUS 0x1a
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID   0x2e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN  0x3d

#define PCI_CAP_ID_PM      0x01
#define PCI_CAP_ID_MSI     0x05
#define PCI_CAP_ID_VNDR    0x09
#define PCI_CAP_ID_EXP     0x10
#define PCI_CAP_ID_MSIX    0x11

/* MSI capability (PCI Local Bus 3.0 sec. 6.8.1), offsets from the capability */
#define PCI_MSI_FLAGS      0x02
#define  PCI_MSI_FLAGS_ENABLE  0x0001
#define  PCI_MSI_FLAGS_QMASK   0x000e   /* multiple message capable */
#define  PCI_MSI_FLAGS_QSIZE   0x0070   /* multiple message enable */
#define  PCI_MSI_FLAGS_64BIT   0x0080
#define  PCI_MSI_FLAGS_MASKBIT 0x0100   /* per-vector masking capable */
#define PCI_MSI_ADDRESS_LO 0x04
#define PCI_MSI_ADDRESS_HI 0x08   /* 64-bit variant only */
#define PCI_MSI_DATA_32    0x08
#define PCI_MSI_MASK_32    0x0c
#define PCI_MSI_DATA_64    0x0c
#define PCI_MSI_MASK_64    0x10

/* MSI-X capability (PCI Local Bus 3.0 sec. 6.8.2) and table entries */
#define PCI_MSIX_FLAGS     0x02
#define  PCI_MSIX_FLAGS_QSIZE  0x07ff   /* table size - 1 */
#define  PCI_MSIX_FLAGS_MASKALL 0x4000  /* function mask */
#define  PCI_MSIX_FLAGS_ENABLE 0x8000
#define PCI_MSIX_TABLE     0x04   /* BIR in bits 2:0, offset in 31:3 */
#define PCI_MSIX_PBA       0x08
#define  PCI_MSIX_BIR_MASK     0x7
#define PCI_MSIX_ENTRY_SIZE 16
#define PCI_MSIX_ENTRY_LOWER_ADDR 0x0
#define PCI_MSIX_ENTRY_UPPER_ADDR 0x4
#define PCI_MSIX_ENTRY_DATA       0x8
#define PCI_MSIX_ENTRY_VECTOR_CTRL 0xc
#define  PCI_MSIX_ENTRY_CTRL_MASKBIT 0x1

#define PCI_NUM_BARS 6
#define PCI_MSIX_MAX_VECTORS 32   /* size of pci_dev.msix_vectors[] */
#define PCI_ANY_ID 0xffff         /* pci_get_device(): match any vendor or device */

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
    unsigned gsi;                  /* IOAPIC input for INTx (PCI_GSI_NONE without a pin);
                                    * level, active low: request_irq(gsi, IRQF_LEVEL_LOW ..) */
    struct pci_bar bar[PCI_NUM_BARS];
    uint8_t msi_cap, msix_cap, pcie_cap;   /* config offsets, 0 when absent */
    /* MSI-X, valid after pci_enable_msix() */
    volatile uint32_t *msix_table;
    unsigned msix_nvec;
    int msix_vectors[PCI_MSIX_MAX_VECTORS];
    int msi_vector;                /* after pci_enable_msi(); 0 when MSI is off */
    /* bookkeeping for the mappings made on the device's behalf */
    void *msix_map;                /* page-aligned ioremap() holding the table */
    size_t msix_map_size;
    void *bar_map[PCI_NUM_BARS];   /* pci_iomap() results, reused by later calls */
    uint8_t secondary_bus;         /* bridges: the bus behind it (0 when not configured) */
    struct pci_dev *bridge;        /* upstream bridge, NULL on the root bus */
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
/* "128K", "4G", "32", "24K" ... (pure; hosted-tested). Returns buf. */
const char *pci_format_size(char *buf, size_t len, uint64_t size);
/* One BAR as printed at boot: "mem 0xfebc0000 size 128K 32-bit" (pure; hosted-tested). */
const char *pci_format_bar(char *buf, size_t len, const struct pci_bar *bar);

/* Config offset of the first capability with this ID, 0 when absent. The walk is bounded
 * and stops at malformed pointers (counted in pci_stats.bad_cap_ptr). */
unsigned pci_find_capability(const struct pci_dev *d, uint8_t cap_id);
/* The same walk, from capability 'pos' to the next one with this ID (0 when none). */
unsigned pci_find_next_capability(const struct pci_dev *d, unsigned pos, uint8_t cap_id);
/* Memory space decoding / bus mastering (DMA, MSI) on, for the device and every bridge
 * above it. */
void pci_enable_device_mem(struct pci_dev *d);
void pci_set_master(struct pci_dev *d);
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
static inline void pci_msix_unmask(struct pci_dev *d, unsigned entry) { pci_msix_mask(d, entry, false); }
/* Table size from the MSI-X capability (0 without one). */
unsigned pci_msix_vec_count(const struct pci_dev *d);

int pci_register_driver(struct pci_driver *drv);  /* probes matching devices now */
/* Forget the driver and release its devices (there is no remove hook: the driver must
 * have quiesced them). For tests and error paths. */
void pci_unregister_driver(struct pci_driver *drv);
struct pci_dev *pci_get_device(uint16_t vendor, uint16_t device, struct pci_dev *from);
void pci_print_devices(void);
void pci_init(void);   /* enumerate every bus/device/function and print the list */

extern struct list_head pci_devices;

/* INTx routing: the GSI is the IOAPIC input a device's pin ends on (dev->gsi). Pure;
 * hosted-tested. See drivers/pci/intx.c for the q35 assumptions. */
#define PCI_GSI_NONE 0xffffffffu
/* The pin (1..4) a bridge's upstream side shows for 'pin' of the device in 'slot' below it
 * (PCI-to-PCI Bridge Architecture 1.2, sec. 9.1). */
uint8_t pci_swizzle_pin(uint8_t pin, uint8_t slot);
/* GSI for a device whose firmware-set line register is 'line' and whose interrupt,
 * swizzled up to the root bus, arrives as 'root_pin' from 'root_slot'. */
unsigned pci_intx_gsi(uint8_t line, uint8_t root_slot, uint8_t root_pin);

/* Malformed things seen on the bus, counted rather than trusted. */
struct pci_stats {
    uint64_t devices;        /* functions enumerated */
    uint64_t dev_overflow;   /* functions dropped: device table full */
    uint64_t bad_cap_ptr;    /* capability pointers into the header, looping, or reading 0xff */
    uint64_t bad_bar;        /* reserved memory type, 64-bit BAR in the last slot ... */
    uint64_t bad_bridge;     /* bridges with an unusable or already seen secondary bus */
    uint64_t msi_errors;     /* MSI/MSI-X enables refused (bad table location, no vectors) */
};
extern struct pci_stats pci_stats;

#endif
