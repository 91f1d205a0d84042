/* kernel/mm/kmalloc.c - small-object allocator: power-of-two size classes 32..4096 bytes,
 * each carved from single pages ("slabs"); larger requests get a buddy block of their own.
 *
 * A slab's bookkeeping lives in its struct page, not in the page: a bitmap of free
 * objects (at most 128 of them, for the 32-byte class), the number in use and the size
 * class. So objects keep their natural alignment (a 2 KiB packet buffer fills exactly half
 * a page), kfree() finds the class from the pointer alone, a double free is a bit already
 * set (counted and reported, never corrupting), and a write after free cannot damage the
 * allocator. A slab whose objects are all free goes straight back to the page allocator.
 *
 * Drivers allocate in interrupt and softirq context: list and bitmap changes run with
 * interrupts masked. */
#include "kernel/mm/mm.h"
#include "kernel/arch/x86.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

#define NR_CLASSES 8                       /* 32 << 0 .. 32 << 7 = 4096 */
#define MIN_SHIFT 5

static struct list_head partial[NR_CLASSES];   /* slabs with at least one free object */
static struct kmalloc_stats stats;

STATIC_ASSERT(PAGE_SIZE / KMALLOC_MIN_SIZE <= 128, "slab bitmap holds 128 objects");
STATIC_ASSERT(KMALLOC_MIN_SIZE << (NR_CLASSES - 1) == KMALLOC_MAX_CLASS, "class table");

static inline size_t class_size(unsigned c) { return (size_t)KMALLOC_MIN_SIZE << c; }
static inline unsigned class_objects(unsigned c) { return (unsigned)(PAGE_SIZE / class_size(c)); }

static unsigned size_to_class(size_t size)
{
    unsigned c = 0;
    while (class_size(c) < size)
        c++;
    return c;
}

void kmalloc_init(void)
{
    for (int c = 0; c < NR_CLASSES; c++)
        INIT_LIST_HEAD(&partial[c]);
    memset(&stats, 0, sizeof(stats));
}

void kmalloc_get_stats(struct kmalloc_stats *s)
{
    unsigned long f = local_irq_save();
    *s = stats;
    local_irq_restore(f);
}

/* A fresh slab for class c: every object free. Called with interrupts masked. */
static struct page *new_slab(unsigned c)
{
    phys_addr_t p = alloc_page();
    if (!p)
        return NULL;
    struct page *pg = phys_to_page(p);
    unsigned n = class_objects(c);
    pg->kind = PG_KIND_SLAB;
    pg->slab_class = (uint8_t)c;
    pg->inuse = 0;
    pg->freemap[0] = n >= 64 ? ~0ull : (1ull << n) - 1;
    pg->freemap[1] = n >= 128 ? ~0ull : n > 64 ? (1ull << (n - 64)) - 1 : 0;
    list_add(&pg->lru, &partial[c]);
    return pg;
}

static void *slab_alloc(unsigned c)
{
    unsigned long f = local_irq_save();
    struct page *pg = list_empty(&partial[c]) ? new_slab(c)
                                              : list_first_entry(&partial[c], struct page, lru);
    if (!pg) {
        stats.failures++;
        local_irq_restore(f);
        return NULL;
    }
    int w = pg->freemap[0] ? 0 : 1;
    unsigned bit = (unsigned)__builtin_ctzll(pg->freemap[w]);
    pg->freemap[w] &= ~(1ull << bit);
    pg->inuse++;
    if (!pg->freemap[0] && !pg->freemap[1])
        list_del_init(&pg->lru);              /* full: off the partial list */
    stats.allocs++;
    stats.bytes_in_use += class_size(c);
    local_irq_restore(f);
    return (char *)phys_to_virt(page_to_phys(pg)) + (size_t)(w * 64 + bit) * class_size(c);
}

static void *large_alloc(size_t size)
{
    unsigned order = get_order(size);
    unsigned long f = local_irq_save();
    phys_addr_t p = order <= MAX_ORDER ? alloc_pages(order) : 0;
    if (!p) {
        stats.failures++;
        local_irq_restore(f);
        return NULL;
    }
    phys_to_page(p)->kind = PG_KIND_LARGE;
    stats.allocs++;
    stats.bytes_in_use += PAGE_SIZE << order;
    local_irq_restore(f);
    return phys_to_virt(p);
}

void *kmalloc(size_t size)
{
    if (size <= KMALLOC_MAX_CLASS)
        return slab_alloc(size_to_class(size));
    return large_alloc(size);
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

/* The page holding p and, for a slab, the object index; NULL when p is not the start of
 * a live kmalloc object. why explains the refusal. */
static struct page *lookup(const void *p, unsigned *idx, const char **why)
{
    struct page *pg = virt_to_page(p);
    if (!pg) {
        *why = "not a kmalloc address";
        return NULL;
    }
    if (pg->state != PG_ALLOC) {
        /* a slab goes back to the page allocator with its last object, so a double
         * free usually lands here rather than on a set bit below */
        *why = pg->state == PG_TAIL ? "inside a multi-page block, not its start"
                                    : "page not allocated (double free, or not from kmalloc)";
        return NULL;
    }
    size_t off = (uintptr_t)p & (PAGE_SIZE - 1);
    if (pg->kind == PG_KIND_LARGE) {
        if (off) {
            *why = "inside an object, not its start";
            return NULL;
        }
        return pg;
    }
    if (pg->kind != PG_KIND_SLAB) {
        *why = "page not owned by kmalloc";
        return NULL;
    }
    size_t sz = class_size(pg->slab_class);
    if (off % sz) {
        *why = "inside an object, not its start";
        return NULL;
    }
    *idx = (unsigned)(off / sz);
    if (pg->freemap[*idx / 64] & (1ull << (*idx % 64))) {
        *why = "already free (double free)";
        return NULL;
    }
    return pg;
}

size_t ksize(const void *p)
{
    const char *why;
    unsigned idx;
    unsigned long f = local_irq_save();
    struct page *pg = p ? lookup(p, &idx, &why) : NULL;
    size_t n = !pg ? 0 : pg->kind == PG_KIND_LARGE ? PAGE_SIZE << pg->order
                                                   : class_size(pg->slab_class);
    local_irq_restore(f);
    return n;
}

void kfree(void *p)
{
    if (!p)
        return;
    const char *why = NULL;
    unsigned idx = 0;
    unsigned long f = local_irq_save();
    struct page *pg = lookup(p, &idx, &why);
    if (!pg) {
        stats.bad_frees++;
        local_irq_restore(f);
        pr_err("kmalloc: bad kfree(%p): %s (ignored)\n", p, why);
        return;
    }
    stats.frees++;
    if (pg->kind == PG_KIND_LARGE) {
        stats.bytes_in_use -= PAGE_SIZE << pg->order;
        pg->kind = PG_KIND_NONE;
        free_pages(page_to_phys(pg), pg->order);
        local_irq_restore(f);
        return;
    }
    unsigned c = pg->slab_class;
    bool was_full = !pg->freemap[0] && !pg->freemap[1];
    pg->freemap[idx / 64] |= 1ull << (idx % 64);
    pg->inuse--;
    stats.bytes_in_use -= class_size(c);
    if (pg->inuse == 0) {
        list_del_init(&pg->lru);
        pg->kind = PG_KIND_NONE;
        free_pages(page_to_phys(pg), 0);
    } else if (was_full) {
        list_add(&pg->lru, &partial[c]);
    }
    local_irq_restore(f);
}
