/* kernel/mm/mm.h - physical pages, kmalloc, DMA memory and MMIO mappings.
 *
 * Address spaces:
 *   0xffff800000000000 + phys   direct map of RAM (write-back), built from the memory map
 *   0xffffc00000000000 ...      ioremap/memremap window (MMIO uncached)
 *   0xffffffff80000000 + phys   the kernel image (-mcmodel=kernel)
 * Nothing is mapped at low addresses: a NULL (or small) pointer dereference faults.
 * Devices are given physical addresses: virt_to_phys() works for direct-map and image
 * addresses. Allocation failure returns NULL; it never corrupts memory. */
#ifndef WP_MM_H
#define WP_MM_H

#include "kernel/compiler.h"
#include "kernel/list.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096ul
#define PHYS_OFFSET 0xffff800000000000ull
#define KERNEL_VMA  0xffffffff80000000ull
#define IOREMAP_BASE 0xffffc00000000000ull
#define IOREMAP_SIZE (512ull << 30)          /* one PML4 slot */

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

/* --- physical memory ranges (kernel/mm/regions.c) --- */
struct mem_region { phys_addr_t base, size; };

/* Sort by base, drop empty ranges, merge overlapping and touching ones. Returns the count. */
int mem_regions_normalize(struct mem_region *r, int n);
/* out = in minus sub, with the result shrunk to whole pages (in and sub need not be
 * sorted). Returns the count written (at most max; ranges beyond max are dropped). */
int mem_regions_subtract(const struct mem_region *in, int nin,
                         const struct mem_region *sub, int nsub,
                         struct mem_region *out, int max);

/* Boot-time page source used before the page allocator exists (page tables built by
 * paging_init). Takes pages below 4 GiB (the reach of the boot direct map) from the
 * given free ranges, zeroed. retire() stops it and reports what was handed out so that
 * those ranges can be reserved. */
void early_alloc_init(const struct mem_region *free, int nfree);
phys_addr_t early_alloc_page(void);            /* 0 when exhausted or retired */
bool early_alloc_active(void);
int early_alloc_retire(struct mem_region *used, int max);

/* --- physical page allocator (kernel/mm/page_alloc.c) --- */
#define MAX_ORDER 10                           /* largest block: 2^10 pages = 4 MiB */

/* One descriptor per managed page frame (like Linux's struct page). The page allocator
 * owns state/order/lru while a page is free; whoever allocated it may use the rest. */
enum { PG_RESERVED = 0, PG_FREE, PG_ALLOC, PG_TAIL };
enum { PG_KIND_NONE = 0, PG_KIND_SLAB, PG_KIND_LARGE };
struct page {
    struct list_head lru;     /* buddy free list, or the kmalloc partial-slab list */
    uint64_t freemap[2];      /* kmalloc: bit i set = object i of this slab is free */
    uint16_t inuse;           /* kmalloc: objects handed out */
    uint8_t state;            /* PG_*: head of a free/allocated block, or inside one */
    uint8_t order;            /* block order (valid on heads) */
    uint8_t kind;             /* PG_KIND_*: who owns an allocated block */
    uint8_t slab_class;       /* kmalloc size-class index */
    uint8_t scrub;            /* may hold executed code: overwrite before handing out */
    int refcount;             /* order-0 pages shared by packet buffers (get_page/put_page) */
};

/* Build the allocator from free RAM ranges minus reserved ones (kernel image, boot info,
 * modules, low 1 MiB). Its own bookkeeping is carved out of the free ranges. May be
 * called again (hosted tests): the previous state is forgotten. */
void page_alloc_init(const struct mem_region *free, int nfree,
                     const struct mem_region *reserved, int nreserved);
/* 2^order contiguous pages aligned to their size; returns the physical address or 0.
 * A page that may still hold code some CPU executed (everything the boot firmware and
 * loader left behind, and blocks freed with free_pages_exec) is zero-filled here, once,
 * before it is handed out; any other page keeps whatever its last owner wrote. */
phys_addr_t alloc_pages(unsigned order);
void free_pages(phys_addr_t p, unsigned order);
/* free_pages for a block that may hold instructions that were executed (an app's text):
 * it is zero-filled before its next use (page_alloc.c says why). */
void free_pages_exec(phys_addr_t p, unsigned order);
static inline phys_addr_t alloc_page(void) { return alloc_pages(0); }
static inline void free_page(phys_addr_t p) { free_pages(p, 0); }
/* Shared order-0 pages (packet data that several buffers point into, so TCP can split
 * a buffer at any byte without copying): alloc_page returns a page with one reference,
 * get_page adds one, put_page drops one and frees the page with the last. */
void get_page(phys_addr_t p);
void put_page(phys_addr_t p);
uint64_t pages_free(void);
uint64_t pages_total(void);
/* Descriptor of a managed page frame, NULL for anything else. */
struct page *phys_to_page(phys_addr_t p);
phys_addr_t page_to_phys(const struct page *pg);
static inline struct page *virt_to_page(const void *v) { return phys_to_page(virt_to_phys(v)); }
/* Smallest order whose block holds size bytes (size 0 gives 0). */
unsigned get_order(size_t size);

struct page_alloc_stats {
    uint64_t allocs, frees;
    uint64_t failures;        /* no block of the order asked for (or order too large) */
    uint64_t bad_frees;       /* double free, wrong order, address not allocated */
    uint64_t scrubbed;        /* pages zero-filled because they may have held code */
    uint64_t nr_free[MAX_ORDER + 1];   /* free blocks per order */
};
void page_alloc_get_stats(struct page_alloc_stats *s);

/* --- kmalloc (kernel/mm/kmalloc.c): size classes 32..4096, larger from pages ---
 * An object is aligned to its class size (a 2 KiB buffer is 2 KiB aligned and never
 * crosses a page); larger ones are whole page blocks aligned to their size. kmalloc(0)
 * returns a 32-byte object. Safe in interrupt context. */
#define KMALLOC_MIN_SIZE 32
#define KMALLOC_MAX_CLASS 4096
void kmalloc_init(void);
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
size_t ksize(const void *p);    /* usable size of an allocated object; 0 if not one */
struct kmalloc_stats { uint64_t allocs, frees, failures, bytes_in_use; uint64_t bad_frees; };
void kmalloc_get_stats(struct kmalloc_stats *s);

/* --- DMA (kernel/mm/dma.c): physically contiguous, zeroed, cache-coherent on x86 ---
 * align must be 0 or a power of two (at most the block size, 4 MiB). */
void *dma_alloc_coherent(size_t size, size_t align, dma_addr_t *dma);
void dma_free_coherent(void *vaddr, size_t size);

/* --- mappings (kernel/mm/paging.c) --- */
/* Page-table entry bits (Intel SDM vol. 3A, 4.5, tables 4-19 and 4-20). */
#define PTE_PRESENT  BIT64(0)
#define PTE_WRITE    BIT64(1)
#define PTE_USER     BIT64(2)
#define PTE_PWT      BIT64(3)
#define PTE_PCD      BIT64(4)
#define PTE_ACCESSED BIT64(5)
#define PTE_DIRTY    BIT64(6)
#define PTE_PS       BIT64(7)     /* in a PDPTE/PDE: 1 GiB / 2 MiB page */
#define PTE_GLOBAL   BIT64(8)
#define PTE_NX       BIT64(63)    /* honoured once EFER.NXE is set (see paging_init) */
#define PTE_ADDR_MASK 0x000ffffffffff000ull

void paging_init(const struct mem_region *ram, int nram);
void *ioremap(phys_addr_t phys, size_t size);     /* uncached, for device registers */
void *memremap(phys_addr_t phys, size_t size);    /* write-back, for firmware tables */
void iounmap(void *addr, size_t size);
/* Walk the live page tables: returns the size of the page mapping va (4 KiB, 2 MiB or
 * 1 GiB) and its physical address and leaf flags, or 0 when va is not mapped. */
uint64_t mm_lookup(uint64_t va, phys_addr_t *pa, uint64_t *flags);
bool nx_enabled(void);

void mm_init(void);  /* from the multiboot2 memory map; after multiboot_parse() */

#endif
