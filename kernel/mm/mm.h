/* kernel/mm/mm.h - physical pages, kmalloc, DMA memory and MMIO mappings.
 *
 * Address spaces:
 *   0xffff800000000000 + phys   direct map of RAM (write-back), built from the memory map
 *   0xffffc00000000000 ...      ioremap/memremap window (MMIO uncached)
 *   0xffffffff80000000 + phys   the kernel image (-mcmodel=kernel)
 * Devices are given physical addresses: virt_to_phys() works for direct-map and image
 * addresses. Allocation failure returns NULL; it never corrupts memory. */
#ifndef WP_MM_H
#define WP_MM_H

#include "kernel/compiler.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096ul
#define PHYS_OFFSET 0xffff800000000000ull
#define KERNEL_VMA  0xffffffff80000000ull
#define IOREMAP_BASE 0xffffc00000000000ull

typedef uint64_t phys_addr_t;
typedef uint64_t dma_addr_t;

#ifndef WP_HOSTED
static inline void *phys_to_virt(phys_addr_t p) { return (void *)(uintptr_t)(p + PHYS_OFFSET); }
static inline phys_addr_t virt_to_phys(const void *v)
{
    uintptr_t a = (uintptr_t)v;
    return a >= KERNEL_VMA ? a - KERNEL_VMA : a - PHYS_OFFSET;
}
#else  /* hosted tests: "physical" addresses are the process's own addresses */
static inline void *phys_to_virt(phys_addr_t p) { return (void *)(uintptr_t)p; }
static inline phys_addr_t virt_to_phys(const void *v) { return (uintptr_t)v; }
#endif

/* --- physical page allocator (kernel/mm/page_alloc.c) --- */
struct mem_region { phys_addr_t base, size; };

/* Build the allocator from free RAM ranges minus reserved ones (kernel image, boot info,
 * modules, low 1 MiB). Its own bookkeeping is carved out of the free ranges. */
void page_alloc_init(const struct mem_region *free, int nfree,
                     const struct mem_region *reserved, int nreserved);
/* 2^order contiguous pages aligned to their size; returns the physical address or 0. */
phys_addr_t alloc_pages(unsigned order);
void free_pages(phys_addr_t p, unsigned order);
static inline phys_addr_t alloc_page(void) { return alloc_pages(0); }
static inline void free_page(phys_addr_t p) { free_pages(p, 0); }
uint64_t pages_free(void);
uint64_t pages_total(void);

/* --- kmalloc (kernel/mm/kmalloc.c): size classes 32..4096, larger from pages --- */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
size_t ksize(const void *p);
struct kmalloc_stats { uint64_t allocs, frees, failures, bytes_in_use; };
void kmalloc_get_stats(struct kmalloc_stats *s);

/* --- DMA (kernel/mm/dma.c): physically contiguous, zeroed, cache-coherent on x86 --- */
void *dma_alloc_coherent(size_t size, size_t align, dma_addr_t *dma);
void dma_free_coherent(void *vaddr, size_t size);

/* --- mappings (kernel/mm/paging.c) --- */
void paging_init(const struct mem_region *ram, int nram);
void *ioremap(phys_addr_t phys, size_t size);     /* uncached, for device registers */
void *memremap(phys_addr_t phys, size_t size);    /* write-back, for firmware tables */
void iounmap(void *addr, size_t size);

void mm_init(void);  /* from the multiboot2 memory map; after multiboot_parse() */

#endif
