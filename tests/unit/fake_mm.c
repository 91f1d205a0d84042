/* tests/unit/fake_mm.c - kmalloc and the page allocator for hosted tests of code that
 * allocates (skb, driver rings). Backed by libc so ASan sees every byte; failure can be
 * injected to test out-of-memory paths. */
#include <stdlib.h>
#include <malloc.h>
#include "kernel/mm/mm.h"
#include "tests/unit/fake_mm.h"

int fake_mm_fail_after = -1;     /* >= 0: that many allocations succeed, then all fail */
long fake_mm_live;               /* allocations not yet freed */

static bool fail_now(void)
{
    if (fake_mm_fail_after < 0)
        return false;
    if (fake_mm_fail_after == 0)
        return true;
    fake_mm_fail_after--;
    return false;
}

void *kmalloc(size_t size)
{
    if (fail_now())
        return NULL;
    void *p = malloc(size ? size : 1);
    if (p)
        fake_mm_live++;
    return p;
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void kfree(void *p)
{
    if (p) {
        fake_mm_live--;
        free(p);
    }
}

size_t ksize(const void *p) { return p ? malloc_usable_size((void *)p) : 0; }

phys_addr_t alloc_pages(unsigned order)
{
    if (fail_now())
        return 0;
    void *p = aligned_alloc(PAGE_SIZE << order, PAGE_SIZE << order);
    if (p)
        fake_mm_live++;
    return (phys_addr_t)(uintptr_t)p;
}

void free_pages(phys_addr_t p, unsigned order)
{
    (void)order;
    if (p) {
        fake_mm_live--;
        free((void *)(uintptr_t)p);
    }
}

void free_pages_exec(phys_addr_t p, unsigned order) { free_pages(p, order); }

/* Page references for shared packet pages: a small open-addressed table keyed by the
 * page's address holds the count beyond the first reference. */
#define PREF_SLOTS 65536
static struct { phys_addr_t page; int extra; } pref[PREF_SLOTS];
static unsigned pref_slot(phys_addr_t p, bool create)
{
    unsigned h = (unsigned)((p >> 12) * 2654435761u) % PREF_SLOTS;
    for (unsigned i = 0; i < PREF_SLOTS; i++, h = (h + 1) % PREF_SLOTS) {
        if (pref[h].page == p)
            return h;
        if (!pref[h].page) {
            if (!create)
                return PREF_SLOTS;
            pref[h].page = p;
            pref[h].extra = 0;
            return h;
        }
    }
    abort();
}

void get_page(phys_addr_t p)
{
    p &= ~(PAGE_SIZE - 1);
    pref[pref_slot(p, true)].extra++;
}

void put_page(phys_addr_t p)
{
    p &= ~(PAGE_SIZE - 1);
    unsigned h = pref_slot(p, false);
    if (h < PREF_SLOTS && pref[h].extra > 0) {
        if (--pref[h].extra == 0) {
            /* delete with backward shift so probes stay intact */
            unsigned i = h;
            for (;;) {
                pref[i].page = 0;
                unsigned j = i;
                for (;;) {
                    j = (j + 1) % PREF_SLOTS;
                    if (!pref[j].page)
                        return;
                    unsigned k = (unsigned)((pref[j].page >> 12) * 2654435761u) % PREF_SLOTS;
                    if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j)))
                        break;
                }
                pref[i] = pref[j];
                i = j;
            }
        }
        return;
    }
    free_pages(p, 0);
}

void *dma_alloc_coherent(size_t size, size_t align, dma_addr_t *dma)
{
    if (fail_now())
        return NULL;
    if (align < 16)
        align = 16;
    void *p = aligned_alloc(align, ALIGN_UP(size, align));
    if (!p)
        return NULL;
    memset(p, 0, size);
    fake_mm_live++;
    *dma = (dma_addr_t)(uintptr_t)p;
    return p;
}

void dma_free_coherent(void *vaddr, size_t size)
{
    (void)size;
    if (vaddr) {
        fake_mm_live--;
        free(vaddr);
    }
}

uint64_t pages_total(void) { return 0; }   /* unknown: callers keep their defaults */
