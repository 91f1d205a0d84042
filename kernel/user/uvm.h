/* kernel/user/uvm.h - user address spaces: one set of page tables per app.
 *
 * Layout of an app's address space (the lower canonical half, PML4[0..255]):
 *   0 .. USER_BASE            never mapped: NULL and small pointers fault
 *   USER_BASE (4 MiB) ...     the program's ELF segments (apps link at 0x400000)
 *   ... USER_STACK_TOP        the stack, USER_STACK_SIZE bytes, growing down
 *   USER_TOP                  end of user space (Linux's TASK_SIZE on x86_64)
 * The upper half (PML4[256..511]: direct map, MMIO window, kernel image) is the kernel's
 * own, copied from the kernel page tables, so interrupts and system calls find the kernel
 * mapped whichever app's tables CR3 holds. Every user mapping carries the U bit at every
 * level; the kernel's tables never do. */
#ifndef WP_USER_UVM_H
#define WP_USER_UVM_H

#include "kernel/compiler.h"
#include "kernel/mm/mm.h"

#define USER_BASE        0x0000000000400000ull
#define USER_TOP         0x00007ffffffff000ull
#define USER_STACK_SIZE  (256ull << 10)
#define USER_STACK_TOP   USER_TOP

/* Permissions of a user mapping. */
#define UVM_READ  0x1
#define UVM_WRITE 0x2
#define UVM_EXEC  0x4

struct uvm {
    uint64_t *pml4;              /* through the direct map */
    phys_addr_t pml4_phys;
    uint64_t nr_pages;           /* user pages mapped */
    uint64_t nr_tables;          /* page-table pages below the PML4 */
};

/* A new, empty address space (kernel half shared). NULL when out of memory. */
struct uvm *uvm_create(void);
/* Free every user page and table, and the uvm. Must not be the live CR3 (see
 * uvm_deactivate). */
void uvm_destroy(struct uvm *vm);
/* Map zeroed pages over [va, va+len) (page-rounded) with UVM_* permissions. Pages already
 * mapped are kept and gain the new permissions. 0, -EINVAL (outside user space) or -ENOMEM. */
int uvm_map(struct uvm *vm, uint64_t va, uint64_t len, unsigned prot);
/* Physical address behind a user address, checking the app's own permission (write).
 * 0 or -EFAULT. */
int uvm_translate(const struct uvm *vm, uint64_t va, bool write, phys_addr_t *pa);
/* Copy into the app's memory regardless of its permissions (the loader fills read-only
 * text this way). 0 or -EFAULT when a page is not mapped. */
int uvm_write(struct uvm *vm, uint64_t va, const void *src, size_t n);
/* True when [va, va+n) lies inside user space (no wrap, below USER_TOP). */
static inline bool user_range_ok(uint64_t va, uint64_t n)
{
    return va < USER_TOP && n <= USER_TOP - va;
}
/* Load vm into CR3 (with the kernel half brought up to date) if it is not there yet.
 * Done on every return to ring 3; see kernel/user/process.c for why that is enough. */
void uvm_activate(struct uvm *vm);
/* Back to the kernel's own page tables (before an address space is destroyed). */
void uvm_deactivate(void);

#endif
