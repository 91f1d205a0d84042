/* kernel/user/uvm.c - per-app page tables (4-level paging, Intel SDM vol. 3A, 4.5).
 *
 * The kernel's own tables (kernel/mm/paging.c) are left alone: an app gets a PML4 of its
 * own whose upper half is a copy of the kernel's PML4 entries (so it points at the very
 * same lower-level kernel tables, and kernel mappings made later below an existing PML4
 * entry show up everywhere at once), and whose lower half holds only the app's pages.
 * Upper-half PML4 entries are re-copied whenever the space is activated, in case the
 * kernel added one since. CR3 keeps an app's tables while other tasks run (see
 * kernel/user/process.c), so kernel mappings must sit under PML4 entries that exist when
 * apps start - true of the direct map, the ioremap window and the image, whose top-level
 * entries paging_init creates at boot.
 *
 * Access from the kernel to user memory never goes through the user mapping: the
 * translation is done here in software and the bytes are reached through the direct map,
 * so a bad user pointer is an -EFAULT and never a kernel page fault, whatever CR3 holds. */
#include "kernel/user/uvm.h"
#include "kernel/arch/x86.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

#define PML4_USER_ENTRIES 256
/* Upper levels of a user mapping: permissive, the leaf decides (SDM 3A, 4.6). */
#define UVM_TABLE_FLAGS (PTE_PRESENT | PTE_WRITE | PTE_USER)

static uint64_t *kernel_pml4(void)
{
#ifndef WP_HOSTED
    static phys_addr_t kernel_pml4_phys;
    /* The first address space is made before any app ever ran, so CR3 is still the
     * kernel's own then. */
    if (!kernel_pml4_phys)
        kernel_pml4_phys = read_cr3() & PTE_ADDR_MASK;
    return phys_to_virt(kernel_pml4_phys);
#else
    return NULL;
#endif
}

static uint64_t *table_of(uint64_t e) { return phys_to_virt(e & PTE_ADDR_MASK); }

static phys_addr_t zeroed_page(void)
{
    phys_addr_t p = alloc_page();
    if (p)
        memset(phys_to_virt(p), 0, PAGE_SIZE);
    return p;
}

struct uvm *uvm_create(void)
{
    struct uvm *vm = kzalloc(sizeof(*vm));
    phys_addr_t p = vm ? zeroed_page() : 0;
    if (!p) {
        kfree(vm);
        return NULL;
    }
    vm->pml4_phys = p;
    vm->pml4 = phys_to_virt(p);
    const uint64_t *k = kernel_pml4();
    if (k)
        memcpy(vm->pml4 + PML4_USER_ENTRIES, k + PML4_USER_ENTRIES,
               PML4_USER_ENTRIES * sizeof(uint64_t));
    return vm;
}

/* Free a table of the given level (3 = PDPT, 2 = PD, 1 = PT) and everything under it. */
static void free_table(struct uvm *vm, uint64_t *t, int level)
{
    for (int i = 0; i < 512; i++) {
        if (!(t[i] & PTE_PRESENT))
            continue;
        if (level > 1) {
            free_table(vm, table_of(t[i]), level - 1);
        } else if (t[i] & PTE_NX) {
            free_page(t[i] & PTE_ADDR_MASK);
            vm->nr_pages--;
        } else {
            free_pages_exec(t[i] & PTE_ADDR_MASK, 0);   /* may have run: scrub on reuse */
            vm->nr_pages--;
        }
    }
    free_page(virt_to_phys(t));
    vm->nr_tables--;
}

void uvm_destroy(struct uvm *vm)
{
    if (!vm)
        return;
#ifndef WP_HOSTED
    if ((read_cr3() & PTE_ADDR_MASK) == vm->pml4_phys)
        uvm_deactivate();
#endif
    for (int i = 0; i < PML4_USER_ENTRIES; i++)
        if (vm->pml4[i] & PTE_PRESENT)
            free_table(vm, table_of(vm->pml4[i]), 3);
    free_page(vm->pml4_phys);
    kfree(vm);
}

/* The leaf entry for va, making the tables above it when create is set. */
static uint64_t *walk(const struct uvm *vm, uint64_t va, bool create, uint64_t *tables_made)
{
    uint64_t *t = vm->pml4;
    for (int shift = 39; shift > 12; shift -= 9) {
        uint64_t *e = &t[(va >> shift) & 511];
        if (!(*e & PTE_PRESENT)) {
            phys_addr_t p = create ? zeroed_page() : 0;
            if (!p)
                return NULL;
            *e = p | UVM_TABLE_FLAGS;
            (*tables_made)++;
        } else if (!(*e & PTE_USER) || (*e & PTE_PS)) {
            return NULL;                  /* not a user table: never walk into it */
        }
        t = table_of(*e);
    }
    return &t[(va >> 12) & 511];
}

static uint64_t leaf_flags(unsigned prot)
{
    uint64_t f = PTE_PRESENT | PTE_USER;
    if (prot & UVM_WRITE)
        f |= PTE_WRITE;
    if (!(prot & UVM_EXEC) && nx_enabled())
        f |= PTE_NX;
    return f;
}

int uvm_map(struct uvm *vm, uint64_t va, uint64_t len, unsigned prot)
{
    uint64_t lo = ALIGN_DOWN(va, PAGE_SIZE);
    if (len == 0 || va < USER_BASE || !user_range_ok(va, len))
        return -EINVAL;
    uint64_t hi = ALIGN_UP(va + len, PAGE_SIZE);
    uint64_t flags = leaf_flags(prot);
    for (uint64_t a = lo; a < hi; a += PAGE_SIZE) {
        uint64_t *e = walk(vm, a, true, &vm->nr_tables);
        if (!e)
            return -ENOMEM;
        if (*e & PTE_PRESENT) {
            /* shared page of two segments: the union of their permissions */
            uint64_t nx = *e & flags & PTE_NX;
            *e = (*e & ~PTE_NX) | (flags & ~PTE_NX) | nx;
#ifndef WP_HOSTED
            invlpg(a);
#endif
            continue;
        }
        phys_addr_t p = zeroed_page();
        if (!p)
            return -ENOMEM;
        *e = p | flags;
        vm->nr_pages++;
    }
    return 0;
}

int uvm_translate(const struct uvm *vm, uint64_t va, bool write, phys_addr_t *pa)
{
    if (!vm || !user_range_ok(va, 1))
        return -EFAULT;
    uint64_t dummy = 0;
    uint64_t *e = walk(vm, va, false, &dummy);
    if (!e || !(*e & PTE_PRESENT) || !(*e & PTE_USER) || (write && !(*e & PTE_WRITE)))
        return -EFAULT;
    *pa = (*e & PTE_ADDR_MASK) | (va & (PAGE_SIZE - 1));
    return 0;
}

int uvm_write(struct uvm *vm, uint64_t va, const void *src, size_t n)
{
    const char *s = src;
    if (!user_range_ok(va, n))
        return -EFAULT;
    while (n) {
        phys_addr_t pa;
        if (uvm_translate(vm, va, false, &pa))
            return -EFAULT;
        size_t chunk = MIN(n, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        memcpy(phys_to_virt(pa), s, chunk);
        s += chunk;
        va += chunk;
        n -= chunk;
    }
    return 0;
}

void uvm_activate(struct uvm *vm)
{
#ifndef WP_HOSTED
    const uint64_t *k = kernel_pml4();
    memcpy(vm->pml4 + PML4_USER_ENTRIES, k + PML4_USER_ENTRIES,
           PML4_USER_ENTRIES * sizeof(uint64_t));
    if ((read_cr3() & PTE_ADDR_MASK) != vm->pml4_phys)
        write_cr3(vm->pml4_phys);     /* SDM 3A, 4.10.4.1: flushes non-global entries */
#else
    (void)vm;
#endif
}

void uvm_deactivate(void)
{
#ifndef WP_HOSTED
    uint64_t k = virt_to_phys(kernel_pml4());
    if ((read_cr3() & PTE_ADDR_MASK) != k)
        write_cr3(k);
#endif
}
