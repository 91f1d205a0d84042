/* kernel/mm/vm_area.c - first-fit allocation of page ranges inside a fixed virtual
 * window. The ranges handed out so far tile [base, top) in a small sorted array; freed
 * ranges merge with free neighbours and the top shrinks back when the last range goes,
 * so repeated map/unmap cycles reuse the same addresses (and their page tables). */
#include "kernel/mm/vm_area.h"
#include "kernel/mm/mm.h"

void vm_window_init(struct vm_window *w, uint64_t base, uint64_t size)
{
    w->base = base;
    w->size = size;
    w->top = base;
    w->n = 0;
    w->failures = w->bad_frees = 0;
}

static void insert_at(struct vm_window *w, int i, struct vm_area a)
{
    for (int j = w->n; j > i; j--)
        w->a[j] = w->a[j - 1];
    w->a[i] = a;
    w->n++;
}

static void remove_at(struct vm_window *w, int i)
{
    for (int j = i; j < w->n - 1; j++)
        w->a[j] = w->a[j + 1];
    w->n--;
}

uint64_t vm_area_alloc(struct vm_window *w, uint64_t npages)
{
    if (npages == 0 || npages > w->size / PAGE_SIZE) {
        w->failures++;
        return 0;
    }
    uint64_t need = npages + 1;                       /* + guard page */
    for (int i = 0; i < w->n; i++) {
        struct vm_area *a = &w->a[i];
        if (a->used || a->npages < need)
            continue;
        if (a->npages > need) {
            if (w->n == VM_WINDOW_SLOTS)
                continue;                             /* cannot split: look further */
            struct vm_area rest = { a->start + need * PAGE_SIZE, a->npages - need, false };
            a->npages = need;
            insert_at(w, i + 1, rest);
            a = &w->a[i];
        }
        a->used = true;
        return a->start;
    }
    if (w->n == VM_WINDOW_SLOTS || need > (w->base + w->size - w->top) / PAGE_SIZE) {
        w->failures++;
        return 0;
    }
    uint64_t va = w->top;
    insert_at(w, w->n, (struct vm_area){ va, need, true });
    w->top += need * PAGE_SIZE;
    return va;
}

static int find(const struct vm_window *w, uint64_t va)
{
    int lo = 0, hi = w->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (w->a[mid].start == va)
            return w->a[mid].used ? mid : -1;
        if (w->a[mid].start < va)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

uint64_t vm_area_pages(const struct vm_window *w, uint64_t va)
{
    int i = find(w, va);
    return i < 0 ? 0 : w->a[i].npages - 1;
}

uint64_t vm_area_free(struct vm_window *w, uint64_t va)
{
    int i = find(w, va);
    if (i < 0) {
        w->bad_frees++;
        return 0;
    }
    uint64_t pages = w->a[i].npages - 1;
    w->a[i].used = false;
    if (i + 1 < w->n && !w->a[i + 1].used) {          /* merge with the next */
        w->a[i].npages += w->a[i + 1].npages;
        remove_at(w, i + 1);
    }
    if (i > 0 && !w->a[i - 1].used) {                 /* and the previous */
        w->a[i - 1].npages += w->a[i].npages;
        remove_at(w, i);
        i--;
    }
    if (i == w->n - 1) {                              /* last one: give back the top */
        w->top = w->a[i].start;
        remove_at(w, i);
    }
    return pages;
}
