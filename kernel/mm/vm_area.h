/* kernel/mm/vm_area.h - hands out page ranges of a fixed virtual window (the ioremap
 * window). Each range is followed by one unmapped guard page so that running off the end
 * of a mapping faults instead of touching the next one. Pure logic: the caller maps. */
#ifndef WP_MM_VM_AREA_H
#define WP_MM_VM_AREA_H

#include "kernel/compiler.h"

#define VM_WINDOW_SLOTS 1024      /* live mappings (PCI maps one per ECAM bus) */

struct vm_area { uint64_t start, npages; bool used; };   /* npages includes the guard */

struct vm_window {
    uint64_t base, size;     /* the window */
    uint64_t top;            /* end of the part ever handed out */
    int n;                   /* areas below top, sorted by start, tiling [base, top) */
    struct vm_area a[VM_WINDOW_SLOTS];
    uint64_t failures, bad_frees;
};

void vm_window_init(struct vm_window *w, uint64_t base, uint64_t size);
/* Start of a free range of npages usable pages (guard page after it), or 0 when full. */
uint64_t vm_area_alloc(struct vm_window *w, uint64_t npages);
/* Release the range starting at va. Returns its usable page count, 0 for an address that
 * does not start a live range (counted in bad_frees). */
uint64_t vm_area_free(struct vm_window *w, uint64_t va);
/* Usable pages of the live range starting at va, 0 when there is none. */
uint64_t vm_area_pages(const struct vm_window *w, uint64_t va);

#endif
