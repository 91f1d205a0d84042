/* kernel/mm/early_alloc.c - the page source for the first page tables, before the page
 * allocator exists. A bump pointer over free ranges; what it hands out is reported at
 * retire time so that page_alloc_init reserves it. */
#include "kernel/mm/mm.h"
#include "kernel/lib/string.h"

#define EARLY_MAX_RANGES 16
/* The boot page tables map only 0..4 GiB, and a new page must be written (zeroed) before
 * the new tables are live. */
#ifndef WP_HOSTED
#define EARLY_LIMIT (4ull << 30)
#else
#define EARLY_LIMIT (~0ull & ~(PAGE_SIZE - 1))   /* hosted: any address of the process */
#endif

static struct mem_region pool[EARLY_MAX_RANGES];
static int npool, cur;
static phys_addr_t next;                 /* next page in pool[cur] */
static struct mem_region used[EARLY_MAX_RANGES];
static int nused;
static bool active;

void early_alloc_init(const struct mem_region *free, int nfree)
{
    npool = 0;
    for (int i = 0; i < nfree && npool < EARLY_MAX_RANGES; i++) {
        phys_addr_t lo = ALIGN_UP(free[i].base, (phys_addr_t)PAGE_SIZE);
        phys_addr_t hi = ALIGN_DOWN(free[i].base + free[i].size, (phys_addr_t)PAGE_SIZE);
        if (lo == 0)                     /* page 0 would read as "no page" */
            lo = PAGE_SIZE;
        hi = MIN(hi, (phys_addr_t)EARLY_LIMIT);
        if (lo < hi)
            pool[npool++] = (struct mem_region){ lo, hi - lo };
    }
    cur = 0;
    next = npool ? pool[0].base : 0;
    nused = 0;
    active = true;
}

bool early_alloc_active(void) { return active; }

phys_addr_t early_alloc_page(void)
{
    if (!active)
        return 0;
    while (cur < npool && next >= pool[cur].base + pool[cur].size) {
        if (++cur < npool)
            next = pool[cur].base;
    }
    if (cur >= npool)
        return 0;
    phys_addr_t p = next;
    next += PAGE_SIZE;
    if (nused > 0 && used[nused - 1].base + used[nused - 1].size == p)
        used[nused - 1].size += PAGE_SIZE;
    else if (nused < EARLY_MAX_RANGES)
        used[nused++] = (struct mem_region){ p, PAGE_SIZE };
    else
        return 0;                        /* could not record it: do not hand it out */
    memset(phys_to_virt(p), 0, PAGE_SIZE);
    return p;
}

int early_alloc_retire(struct mem_region *out, int max)
{
    active = false;
    int n = MIN(nused, max);
    for (int i = 0; i < n; i++)
        out[i] = used[i];
    return n;
}
