/* kernel/mm/page_alloc.c - the physical page allocator: a binary buddy allocator.
 *
 * Blocks of 2^order pages (order 0..MAX_ORDER) are always aligned to their size in
 * physical memory, so a block's buddy is found by flipping one bit of its frame number,
 * and freeing merges buddies back into larger blocks. Every managed frame has a
 * struct page in one array indexed by frame number; the free lists link those
 * descriptors, so free memory itself is never written. The descriptor says whether a
 * frame heads a free or an allocated block (with its order) or lies inside one, which is
 * what lets free_pages() reject double frees, wrong orders and foreign addresses
 * (counted and reported) instead of corrupting the lists.
 *
 * A page that may hold code a CPU executed is zero-filled before it is handed out: at
 * boot that is every page (the firmware and the boot loader ran code from some of them,
 * under QEMU about a hundred pages near the top of RAM), later any block freed with
 * free_pages_exec (an app's text). A real CPU does not care, but QEMU's TCG keeps the
 * blocks it translated from a physical page until each one is overwritten, and while any
 * remain, every store into the page takes its self-modifying-code check (about a
 * microsecond each). A packet buffer on such a page made each byte of a sendto's payload
 * copy (rep movsb) that slow: 1472-byte datagrams went out at 800 a second instead of
 * thousands. Overwriting the whole page once drops the stale blocks; doing it on first
 * use costs nothing for pages never used, and free memory is still never written.
 *
 * Safe in interrupt context: every list change runs with interrupts masked. */
#include "kernel/mm/mm.h"
#include "kernel/arch/x86.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

#define MAX_FREE_RANGES 128
/* Frame numbers are kept below 2^40 (4 PiB): far above any real machine, and it keeps
 * the arithmetic below free of overflow for any memory map. */
#define MAX_PHYS (1ull << 52)

static struct page *mem_map;            /* descriptors for frames [base_pfn, end_pfn) */
static uint64_t base_pfn, end_pfn;
static struct list_head free_area[MAX_ORDER + 1];
static uint64_t nr_free_pages, nr_total_pages;
static struct page_alloc_stats stats;

static inline struct page *pfn_page(uint64_t pfn)
{
    return (pfn >= base_pfn && pfn < end_pfn) ? &mem_map[pfn - base_pfn] : NULL;
}
static inline uint64_t page_pfn(const struct page *pg) { return base_pfn + (uint64_t)(pg - mem_map); }

struct page *phys_to_page(phys_addr_t p)
{
    if (!mem_map)
        return NULL;
    struct page *pg = pfn_page(p >> PAGE_SHIFT);
    return (pg && pg->state != PG_RESERVED) ? pg : NULL;
}

phys_addr_t page_to_phys(const struct page *pg) { return page_pfn(pg) << PAGE_SHIFT; }

unsigned get_order(size_t size)
{
    unsigned order = 0;
    while (order < 63 && ((size_t)PAGE_SIZE << order) < size)
        order++;
    return order;
}

uint64_t pages_free(void) { return nr_free_pages; }
uint64_t pages_total(void) { return nr_total_pages; }

void page_alloc_get_stats(struct page_alloc_stats *s)
{
    unsigned long f = local_irq_save();
    *s = stats;
    for (int o = 0; o <= MAX_ORDER; o++) {
        uint64_t n = 0;
        struct list_head *l;
        list_for_each(l, &free_area[o])
            n++;
        s->nr_free[o] = n;
    }
    local_irq_restore(f);
}

/* Put the block at pfn (of this order, currently not on any list) back, merging it with
 * its buddy for as long as the buddy is a whole free block of the same order. */
static void free_block(uint64_t pfn, unsigned order)
{
    while (order < MAX_ORDER) {
        uint64_t buddy_pfn = pfn ^ (1ull << order);
        struct page *buddy = pfn_page(buddy_pfn);
        if (!buddy || buddy->state != PG_FREE || buddy->order != order)
            break;
        list_del_init(&buddy->lru);
        /* the higher of the two heads now lies inside the merged block */
        struct page *inner = pfn_page(MAX(pfn, buddy_pfn));
        inner->state = PG_TAIL;
        inner->order = 0;
        pfn = MIN(pfn, buddy_pfn);
        order++;
    }
    struct page *pg = pfn_page(pfn);
    pg->state = PG_FREE;
    pg->order = (uint8_t)order;
    pg->kind = PG_KIND_NONE;
    list_add(&pg->lru, &free_area[order]);
}

/* Zero-fill with 8-byte stores: while stale translated code remains, each store into the
 * page is trapped, so 512 of them rather than memset's 4096 single bytes. */
static void scrub_page(uint64_t pfn)
{
    uint64_t *d = phys_to_virt(pfn << PAGE_SHIFT);
    size_t n = PAGE_SIZE / sizeof(uint64_t);
    __asm__ volatile("rep stosq" : "+D"(d), "+c"(n) : "a"(0ull) : "memory");
}

phys_addr_t alloc_pages(unsigned order)
{
    if (order > MAX_ORDER) {
        stats.failures++;
        return 0;
    }
    unsigned long f = local_irq_save();
    unsigned o = order;
    while (o <= MAX_ORDER && list_empty(&free_area[o]))
        o++;
    if (o > MAX_ORDER) {
        stats.failures++;
        local_irq_restore(f);
        return 0;
    }
    struct page *pg = list_first_entry(&free_area[o], struct page, lru);
    list_del_init(&pg->lru);
    uint64_t pfn = page_pfn(pg);
    /* split: the upper halves go back on the lists, the lowest part is ours */
    while (o > order) {
        o--;
        struct page *half = pfn_page(pfn + (1ull << o));
        half->state = PG_FREE;
        half->order = (uint8_t)o;
        list_add(&half->lru, &free_area[o]);
    }
    pg->state = PG_ALLOC;
    pg->order = (uint8_t)order;
    pg->kind = PG_KIND_NONE;
    pg->refcount = 1;
    nr_free_pages -= 1ull << order;
    stats.allocs++;
    local_irq_restore(f);

    /* The block is ours now: scrub outside the masked section. */
    uint64_t scrubbed = 0;
    for (uint64_t i = 0; i < (1ull << order); i++) {
        struct page *p = pfn_page(pfn + i);
        if (p->scrub) {
            scrub_page(pfn + i);
            p->scrub = 0;
            scrubbed++;
        }
    }
    if (scrubbed) {
        f = local_irq_save();
        stats.scrubbed += scrubbed;
        local_irq_restore(f);
    }
    return pfn << PAGE_SHIFT;
}

static void bad_free(phys_addr_t p, unsigned order, const char *why)
{
    stats.bad_frees++;
    pr_err("page_alloc: bad free_pages(%#llx, %u): %s (ignored)\n",
           (unsigned long long)p, order, why);
}

static void release_pages(phys_addr_t p, unsigned order, bool exec)
{
    unsigned long f = local_irq_save();
    struct page *pg = mem_map ? pfn_page(p >> PAGE_SHIFT) : NULL;
    if (p & (PAGE_SIZE - 1))
        bad_free(p, order, "not page aligned");
    else if (!pg || pg->state == PG_RESERVED)
        bad_free(p, order, "not an allocatable page");
    else if (pg->state == PG_FREE)
        bad_free(p, order, "already free (double free)");
    else if (pg->state == PG_TAIL)
        bad_free(p, order, "inside a block, not its start");
    else if (pg->order != order)
        bad_free(p, order, pg->order > order ? "order smaller than allocated"
                                             : "order larger than allocated");
    else if (pg->kind != PG_KIND_NONE)
        bad_free(p, order, "page belongs to kmalloc");
    else {
        if (exec)
            for (uint64_t i = 0; i < (1ull << order); i++)
                pfn_page((p >> PAGE_SHIFT) + i)->scrub = 1;
        free_block(p >> PAGE_SHIFT, order);
        nr_free_pages += 1ull << order;
        stats.frees++;
    }
    local_irq_restore(f);
}

void free_pages(phys_addr_t p, unsigned order) { release_pages(p, order, false); }

void get_page(phys_addr_t p)
{
    unsigned long f = local_irq_save();
    struct page *pg = mem_map ? pfn_page(p >> PAGE_SHIFT) : NULL;
    if (pg && pg->state == PG_ALLOC && pg->kind == PG_KIND_NONE)
        pg->refcount++;
    else
        bad_free(p & ~(PAGE_SIZE - 1), 0, "get_page on a page not allocated");
    local_irq_restore(f);
}

void put_page(phys_addr_t p)
{
    p &= ~(PAGE_SIZE - 1);
    unsigned long f = local_irq_save();
    struct page *pg = mem_map ? pfn_page(p >> PAGE_SHIFT) : NULL;
    bool last = !pg || pg->state != PG_ALLOC || --pg->refcount <= 0;
    local_irq_restore(f);
    if (last)
        free_pages(p, 0);          /* also reports a bad put */
}
void free_pages_exec(phys_addr_t p, unsigned order) { release_pages(p, order, true); }

/* Hand a whole-page range to the buddy lists as the largest aligned blocks it holds.
 * Everything in it is scrubbed before first use: we cannot know what ran from it. */
static void add_range(uint64_t pfn, uint64_t end)
{
    while (pfn < end) {
        unsigned order = MAX_ORDER;
        while (order > 0 && ((pfn & ((1ull << order) - 1)) || pfn + (1ull << order) > end))
            order--;
        for (uint64_t i = 0; i < (1ull << order); i++) {
            struct page *pg = pfn_page(pfn + i);
            pg->state = PG_TAIL;
            pg->order = 0;
            pg->scrub = 1;
        }
        free_block(pfn, order);
        nr_free_pages += 1ull << order;
        nr_total_pages += 1ull << order;
        pfn += 1ull << order;
    }
}

void page_alloc_init(const struct mem_region *free, int nfree,
                     const struct mem_region *reserved, int nreserved)
{
    static struct mem_region r[MAX_FREE_RANGES];
    struct mem_region never[2] = {
        { 0, PAGE_SIZE },                       /* frame 0: 0 means "no page" */
        { MAX_PHYS, ~0ull - MAX_PHYS },         /* beyond any physical address */
    };
    static struct mem_region tmp[MAX_FREE_RANGES];
    int n = mem_regions_subtract(free, nfree, reserved, nreserved, tmp, MAX_FREE_RANGES);
    n = mem_regions_subtract(tmp, n, never, 2, r, MAX_FREE_RANGES);
    n = mem_regions_normalize(r, n);

    mem_map = NULL;
    base_pfn = end_pfn = 0;
    nr_free_pages = nr_total_pages = 0;
    memset(&stats, 0, sizeof(stats));
    for (int o = 0; o <= MAX_ORDER; o++)
        INIT_LIST_HEAD(&free_area[o]);

    /* The descriptor array spans the lowest to the highest free frame (holes included)
     * and is carved from one free range. If no range can hold it, give up the highest
     * ranges (a wild memory map must cost memory, not a crash). */
    phys_addr_t map_phys = 0;
    uint64_t map_bytes = 0;
    while (n > 0) {
        base_pfn = r[0].base >> PAGE_SHIFT;
        end_pfn = (r[n - 1].base + r[n - 1].size) >> PAGE_SHIFT;
        map_bytes = ALIGN_UP((end_pfn - base_pfn) * sizeof(struct page), (uint64_t)PAGE_SIZE);
        int home = -1;
        for (int i = 0; i < n; i++)
            if (r[i].size >= map_bytes && (home < 0 || r[i].size > r[home].size))
                home = i;
        if (home >= 0) {
            map_phys = r[home].base;
            r[home].base += map_bytes;
            r[home].size -= map_bytes;
            break;
        }
        pr_warn("page_alloc: no room for descriptors of %#llx..%#llx, dropping it\n",
                (unsigned long long)r[n - 1].base,
                (unsigned long long)(r[n - 1].base + r[n - 1].size));
        n--;
    }
    if (n == 0) {
        base_pfn = end_pfn = 0;
        pr_err("page_alloc: no free memory to manage\n");
        return;
    }
    mem_map = phys_to_virt(map_phys);
    memset(mem_map, 0, (end_pfn - base_pfn) * sizeof(struct page));   /* PG_RESERVED */
    for (uint64_t i = 0; i < end_pfn - base_pfn; i++)
        INIT_LIST_HEAD(&mem_map[i].lru);
    for (int i = 0; i < n; i++)
        add_range(r[i].base >> PAGE_SHIFT, (r[i].base + r[i].size) >> PAGE_SHIFT);
}
