/* kernel/mm/dma.c - memory a device reads and writes by DMA (descriptor rings, packet
 * buffers). On x86 DMA is cache-coherent and there is no IOMMU in use here, so "coherent"
 * memory is ordinary write-back RAM that is physically contiguous, and the bus address is
 * the physical address.
 *
 * Both guarantees come from kmalloc: an object of up to 4 KiB sits inside one page and is
 * aligned to its (power-of-two) class size, a larger one is a buddy block aligned to its
 * size. So asking kmalloc for max(size, align) bytes gives the alignment for free. */
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

void *dma_alloc_coherent(size_t size, size_t align, dma_addr_t *dma)
{
    if (!dma || size == 0 || (align & (align - 1)) || align > (PAGE_SIZE << MAX_ORDER)) {
        pr_err("dma: bad dma_alloc_coherent(size %zu, align %zu)\n", size, align);
        if (dma)
            *dma = 0;
        return NULL;
    }
    size_t need = MAX(size, align);
    void *v = kmalloc(need);
    if (!v) {
        *dma = 0;
        return NULL;
    }
    memset(v, 0, ksize(v));
    *dma = virt_to_phys(v);
    return v;
}

void dma_free_coherent(void *vaddr, size_t size)
{
    if (!vaddr)
        return;
    size_t have = ksize(vaddr);
    if (have && have < size)
        pr_err("dma: dma_free_coherent(%p, %zu): block holds only %zu bytes\n",
               vaddr, size, have);
    kfree(vaddr);     /* kfree rejects and counts anything it did not hand out */
}
