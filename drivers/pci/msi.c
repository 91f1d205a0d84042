/* drivers/pci/msi.c - Message Signalled Interrupts: MSI (one vector) and MSI-X (a table
 * of vectors in device memory). PCI Local Bus 3.0 sec. 6.8.
 *
 * The message address/data pair comes from msi_compose_msg() (kernel/irq.h), which knows
 * the LAPIC; this file only puts it where the capability says. While MSI or MSI-X is on
 * the function's INTx is disabled (Command bit 10), as sec. 6.8 expects; disabling gives
 * INTx back. Handlers attached to the vectors (request_vector) belong to the driver and
 * must be freed by it before pci_disable_msi[x](), which frees the vectors. */
#include "drivers/pci/pci_internal.h"
#include "kernel/arch/x86.h"
#include "kernel/errno.h"
#include "kernel/irq.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"

/* ---- MSI ---- */

int pci_enable_msi(struct pci_dev *d)
{
    unsigned cap = d->msi_cap;
    if (!cap)
        return -ENODEV;
    if (d->msi_vector || d->msix_nvec)
        return -EBUSY;   /* one scheme at a time (sec. 6.8: MSI and MSI-X exclusive) */

    int vector = irq_alloc_vector();
    if (vector <= 0) {
        pci_stats.msi_errors++;
        return -ENOSPC;
    }
    uint64_t addr;
    uint32_t data;
    msi_compose_msg(vector, &addr, &data);

    uint16_t flags = pci_read16(d, cap + PCI_MSI_FLAGS);
    bool is64 = flags & PCI_MSI_FLAGS_64BIT;
    if (!is64 && (addr >> 32)) {
        irq_free_vector(vector);   /* the function cannot reach that address */
        pci_stats.msi_errors++;
        return -EINVAL;
    }
    /* Off while the message is written, and a single message: Multiple Message Enable
     * (bits 6:4) = 0 (sec. 6.8.1.3). */
    flags &= (uint16_t)~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
    pci_write16(d, cap + PCI_MSI_FLAGS, flags);

    pci_write32(d, cap + PCI_MSI_ADDRESS_LO, (uint32_t)addr);
    if (is64) {
        pci_write32(d, cap + PCI_MSI_ADDRESS_HI, (uint32_t)(addr >> 32));
        pci_write16(d, cap + PCI_MSI_DATA_64, (uint16_t)data);
    } else {
        pci_write16(d, cap + PCI_MSI_DATA_32, (uint16_t)data);
    }
    /* Per-vector masking capable: clear the mask of vector 0 (sec. 6.8.1.7). */
    if (flags & PCI_MSI_FLAGS_MASKBIT) {
        unsigned mask_off = cap + (is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32);
        pci_write32(d, mask_off, pci_read32(d, mask_off) & ~1u);
    }

    pci_intx(d, false);
    pci_write16(d, cap + PCI_MSI_FLAGS, flags | PCI_MSI_FLAGS_ENABLE);
    d->msi_vector = vector;
    return vector;
}

void pci_disable_msi(struct pci_dev *d)
{
    if (!d->msi_cap || !d->msi_vector)
        return;
    uint16_t flags = pci_read16(d, d->msi_cap + PCI_MSI_FLAGS);
    pci_write16(d, d->msi_cap + PCI_MSI_FLAGS, flags & (uint16_t)~PCI_MSI_FLAGS_ENABLE);
    pci_intx(d, true);
    irq_free_vector(d->msi_vector);
    d->msi_vector = 0;
}

/* ---- MSI-X ---- */

unsigned pci_msix_vec_count(const struct pci_dev *d)
{
    if (!d->msix_cap)
        return 0;
    return (pci_read16(d, d->msix_cap + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_QSIZE) + 1u;
}

static volatile uint32_t *msix_entry(struct pci_dev *d, unsigned i)
{
    return d->msix_table + i * (PCI_MSIX_ENTRY_SIZE / 4);
}

/* Map the table where the capability says: Table BIR picks the BAR, the rest of the
 * dword is the offset into it (sec. 6.8.2.4). Checked against the sized BAR. */
static int msix_map_table(struct pci_dev *d, unsigned tsize)
{
    uint32_t table = pci_read32(d, d->msix_cap + PCI_MSIX_TABLE);
    unsigned bir = table & PCI_MSIX_BIR_MASK;
    uint64_t offset = table & ~(uint64_t)PCI_MSIX_BIR_MASK;
    uint64_t len = (uint64_t)tsize * PCI_MSIX_ENTRY_SIZE;
    if (bir >= PCI_NUM_BARS) {
        pr_warn("pci: %02x:%02x.%x MSI-X table in BAR%u: no such BAR\n", d->bus, d->dev, d->fn, bir);
        return -EINVAL;
    }
    const struct pci_bar *bar = &d->bar[bir];
    if (!bar->size || bar->is_io || bar->addr == 0 || offset + len > bar->size) {
        pr_warn("pci: %02x:%02x.%x MSI-X table (BAR%u + %#llx, %u entries) outside the BAR\n",
                d->bus, d->dev, d->fn, bir, (unsigned long long)offset, tsize);
        return -EINVAL;
    }
    phys_addr_t phys = bar->addr + offset;
    phys_addr_t base = ALIGN_DOWN(phys, PAGE_SIZE);
    size_t size = ALIGN_UP((size_t)(phys + len - base), PAGE_SIZE);
    void *map = ioremap(base, size);
    if (!map)
        return -ENOMEM;
    d->msix_map = map;
    d->msix_map_size = size;
    d->msix_table = (volatile uint32_t *)((uint8_t *)map + (phys - base));
    return 0;
}

static void msix_unmap_table(struct pci_dev *d)
{
    if (d->msix_map)
        iounmap(d->msix_map, d->msix_map_size);
    d->msix_map = NULL;
    d->msix_map_size = 0;
    d->msix_table = NULL;
}

static void msix_set_flags(struct pci_dev *d, uint16_t set, uint16_t clear)
{
    unsigned off = d->msix_cap + PCI_MSIX_FLAGS;
    uint16_t f = pci_read16(d, off);
    pci_write16(d, off, (uint16_t)((f & ~clear) | set));
}

static void msix_free_vectors(struct pci_dev *d, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        irq_free_vector(d->msix_vectors[i]);
        d->msix_vectors[i] = 0;
    }
}

int pci_enable_msix(struct pci_dev *d, unsigned nvec)
{
    if (!d->msix_cap)
        return -ENODEV;
    if (d->msi_vector || d->msix_nvec)
        return -EBUSY;
    unsigned tsize = pci_msix_vec_count(d);
    if (nvec == 0 || nvec > tsize || nvec > PCI_MSIX_MAX_VECTORS)
        return -EINVAL;

    /* The table lives in a memory BAR: the function must decode memory to reach it. */
    pci_enable_device_mem(d);
    int err = msix_map_table(d, tsize);
    if (err) {
        pci_stats.msi_errors++;
        return err;
    }

    /* Enable with the function masked while the table is written, so no entry can fire
     * half-programmed (sec. 6.8.2.3: Function Mask overrides the per-vector masks). */
    msix_set_flags(d, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 0);
    pci_intx(d, false);

    /* Mask every entry first: firmware or an earlier user may have left some open. */
    for (unsigned i = 0; i < tsize; i++)
        writel(PCI_MSIX_ENTRY_CTRL_MASKBIT, msix_entry(d, i) + PCI_MSIX_ENTRY_VECTOR_CTRL / 4);

    for (unsigned i = 0; i < nvec; i++) {
        int vector = irq_alloc_vector();
        if (vector <= 0) {
            msix_free_vectors(d, i);
            msix_set_flags(d, 0, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
            pci_intx(d, true);
            msix_unmap_table(d);
            pci_stats.msi_errors++;
            return -ENOSPC;
        }
        uint64_t addr;
        uint32_t data;
        msi_compose_msg(vector, &addr, &data);
        volatile uint32_t *e = msix_entry(d, i);
        writel((uint32_t)addr, e + PCI_MSIX_ENTRY_LOWER_ADDR / 4);
        writel((uint32_t)(addr >> 32), e + PCI_MSIX_ENTRY_UPPER_ADDR / 4);
        writel(data, e + PCI_MSIX_ENTRY_DATA / 4);
        /* Vector Control stays masked until the driver calls pci_msix_unmask(). */
        d->msix_vectors[i] = vector;
    }
    /* Read back so the table writes have reached the device before the function mask
     * opens (a read cannot pass the writes ahead of it, PCI ordering rules). */
    (void)readl(msix_entry(d, 0) + PCI_MSIX_ENTRY_VECTOR_CTRL / 4);
    d->msix_nvec = nvec;
    msix_set_flags(d, 0, PCI_MSIX_FLAGS_MASKALL);
    return (int)nvec;
}

void pci_msix_mask(struct pci_dev *d, unsigned entry, bool mask)
{
    if (!d->msix_table || entry >= d->msix_nvec)
        return;
    volatile uint32_t *ctrl = msix_entry(d, entry) + PCI_MSIX_ENTRY_VECTOR_CTRL / 4;
    uint32_t v = readl(ctrl);
    v = mask ? v | PCI_MSIX_ENTRY_CTRL_MASKBIT : v & ~PCI_MSIX_ENTRY_CTRL_MASKBIT;
    writel(v, ctrl);
    (void)readl(ctrl);   /* flush: the (un)mask takes effect before we return */
}

void pci_disable_msix(struct pci_dev *d)
{
    if (!d->msix_cap || !d->msix_nvec)
        return;
    for (unsigned i = 0; i < d->msix_nvec; i++)
        pci_msix_mask(d, i, true);
    msix_set_flags(d, 0, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
    pci_intx(d, true);
    msix_free_vectors(d, d->msix_nvec);
    d->msix_nvec = 0;
    msix_unmap_table(d);
}
