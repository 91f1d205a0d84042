/* kernel/mm/regions.c - arithmetic on physical address ranges: tidy the firmware's memory
 * map (it may be unsorted and overlapping) and subtract reserved ranges from free RAM. */
#include "kernel/mm/mm.h"

int mem_regions_normalize(struct mem_region *r, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++) {         /* drop empty ones and ones that wrap */
        if (r[i].size == 0 || r[i].base + r[i].size < r[i].base)
            continue;
        r[k++] = r[i];
    }
    n = k;
    for (int i = 1; i < n; i++) {         /* insertion sort: maps are short */
        struct mem_region x = r[i];
        int j = i - 1;
        while (j >= 0 && r[j].base > x.base) {
            r[j + 1] = r[j];
            j--;
        }
        r[j + 1] = x;
    }
    k = 0;
    for (int i = 0; i < n; i++) {
        if (k > 0 && r[i].base <= r[k - 1].base + r[k - 1].size) {
            phys_addr_t end = MAX(r[k - 1].base + r[k - 1].size, r[i].base + r[i].size);
            r[k - 1].size = end - r[k - 1].base;
        } else {
            r[k++] = r[i];
        }
    }
    return k;
}

/* Reserved range [lo, hi) rounded out to whole pages (clamped at the top of the space). */
static void page_span(const struct mem_region *r, phys_addr_t *lo, phys_addr_t *hi)
{
    const phys_addr_t top = ~(phys_addr_t)(PAGE_SIZE - 1);
    phys_addr_t end = r->base + r->size;
    *lo = ALIGN_DOWN(r->base, (phys_addr_t)PAGE_SIZE);
    *hi = (end < r->base || end > top) ? top : ALIGN_UP(end, (phys_addr_t)PAGE_SIZE);
}

int mem_regions_subtract(const struct mem_region *in, int nin,
                         const struct mem_region *sub, int nsub,
                         struct mem_region *out, int max)
{
    int nout = 0;
    for (int i = 0; i < nin; i++) {
        if (in[i].base + in[i].size < in[i].base)
            continue;
        /* free memory counts in whole pages only: shrink inward */
        phys_addr_t cur = ALIGN_UP(in[i].base, (phys_addr_t)PAGE_SIZE);
        phys_addr_t hi = ALIGN_DOWN(in[i].base + in[i].size, (phys_addr_t)PAGE_SIZE);
        if (in[i].base > cur)                  /* ALIGN_UP wrapped */
            continue;
        /* Walk upward from cur: the reserved range that starts lowest among those still
         * ahead of cur ends the current free piece and moves cur past itself. */
        while (cur < hi) {
            int best = -1;
            phys_addr_t blo = 0, bhi = 0;
            for (int s = 0; s < nsub; s++) {
                phys_addr_t lo, rhi;
                if (sub[s].size == 0)
                    continue;
                page_span(&sub[s], &lo, &rhi);
                if (rhi <= cur || lo >= hi)
                    continue;
                if (best < 0 || lo < blo) {
                    best = s;
                    blo = lo;
                    bhi = rhi;
                }
            }
            if (best < 0) {
                if (nout < max)
                    out[nout++] = (struct mem_region){ cur, hi - cur };
                break;
            }
            if (blo > cur && nout < max)
                out[nout++] = (struct mem_region){ cur, blo - cur };
            cur = bhi;
        }
    }
    return nout;
}
