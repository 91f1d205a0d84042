/* kernel/mm/paging.c - the kernel's page tables and the MMIO mapping window.
 *
 * paging_init() replaces the boot page tables (boot/boot.S) with ones built from the
 * memory map (4-level paging, Intel SDM vol. 3A, 4.5):
 *   PML4[256..383]  direct map PHYS_OFFSET + phys of every RAM range, write-back, NX;
 *                   1 GiB pages where the CPU has them and the range allows, else 2 MiB,
 *                   4 KiB at unaligned range edges (so non-RAM is not mapped)
 *   PML4[384]       ioremap/memremap window, filled on demand with 4 KiB pages
 *   PML4[511]       the kernel image at KERNEL_VMA + phys in 4 KiB pages: code read-only
 *                   and executable, .rodata read-only NX, .data/.bss writable NX
 *   PML4[0..255]    nothing: the boot identity map is gone, so NULL dereferences fault
 * The tables themselves come from the early bump allocator (pages below 4 GiB, reserved
 * later); tables made after boot (for ioremap) come from the page allocator. */
#include "kernel/mm/mm.h"
#include "kernel/mm/vm_area.h"
#include "kernel/arch/x86.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

#define MSR_EFER    0xc0000080
#define EFER_NXE    BIT64(11)     /* SDM vol. 3A, 4.1.1 / 2.2.1: execute-disable enable */
#define CPUID_EXT_NX      BIT(20) /* CPUID 80000001h EDX (SDM vol. 2A, CPUID) */
#define CPUID_EXT_PDPE1GB BIT(26)

#define SZ_4K (1ull << 12)
#define SZ_2M (1ull << 21)
#define SZ_1G (1ull << 30)
#define DIRECT_MAP_SIZE (IOREMAP_BASE - PHYS_OFFSET)        /* 64 TiB */

/* Default PAT (SDM vol. 3A, 11.12.2): PCD=1 PWT=1 selects entry 3, UC; none selects WB. */
#define PROT_DIRECT  (PTE_WRITE | PTE_NX)
#define PROT_IO      (PTE_WRITE | PTE_PCD | PTE_PWT | PTE_NX)

extern char __kernel_phys_start[], __kernel_phys_end[];
extern char __cmdkeys_start[], __initcall_end[];      /* first and last of .rodata */

static uint64_t *pml4;
static phys_addr_t pml4_phys;
static bool have_nx, have_gbpages;
static uint64_t nx_mask;                  /* PTE_NX when EFER.NXE is on, else 0 */
static unsigned pt_pages;                 /* page-table pages in use */
static uint64_t leaves[3];                /* direct map: 4K, 2M, 1G leaf counts */
static struct mem_region direct[64];
static int ndirect;
static struct vm_window window;
static uint64_t io_failures, io_bad_unmaps;

bool nx_enabled(void) { return nx_mask != 0; }

static phys_addr_t pt_alloc(void)
{
    phys_addr_t p;
    if (early_alloc_active()) {
        p = early_alloc_page();                        /* zeroed */
    } else {
        p = alloc_page();
        if (p)
            memset(phys_to_virt(p), 0, PAGE_SIZE);
    }
    if (p)
        pt_pages++;
    return p;
}

static inline uint64_t *entry_table(uint64_t e) { return phys_to_virt(e & PTE_ADDR_MASK); }

/* The entry for va in the table level whose pages are 1 << leaf_shift (39, 30, 21, 12),
 * creating the tables above it when create is set. NULL when a table is missing (and
 * cannot be made) or a large page is in the way. */
static uint64_t *walk(uint64_t va, int leaf_shift, bool create)
{
    uint64_t *t = pml4;
    for (int shift = 39; shift > leaf_shift; shift -= 9) {
        uint64_t *e = &t[(va >> shift) & 511];
        if (!(*e & PTE_PRESENT)) {
            phys_addr_t p = create ? pt_alloc() : 0;
            if (!p)
                return NULL;
            /* upper levels stay permissive: the leaf decides (SDM 3A, 4.6) */
            *e = p | PTE_PRESENT | PTE_WRITE;
        } else if (*e & PTE_PS) {
            return NULL;
        }
        t = entry_table(*e);
    }
    return &t[(va >> leaf_shift) & 511];
}

/* Map with the largest pages alignment allows when large is set, else 4 KiB pages. */
static int map_range(uint64_t va, phys_addr_t pa, uint64_t size, uint64_t flags, bool large,
                     uint64_t *count)
{
    while (size) {
        int shift = 12;
        if (large && have_gbpages && IS_ALIGNED(va | pa, SZ_1G) && size >= SZ_1G)
            shift = 30;
        else if (large && IS_ALIGNED(va | pa, SZ_2M) && size >= SZ_2M)
            shift = 21;
        uint64_t *e = walk(va, shift, true);
        if (!e)
            return -ENOMEM;
        if (*e & PTE_PRESENT)
            return -EEXIST;
        *e = pa | flags | PTE_PRESENT | (shift > 12 ? PTE_PS : 0);
        if (count)
            count[(shift - 12) / 9]++;
        va += 1ull << shift;
        pa += 1ull << shift;
        size -= 1ull << shift;
    }
    return 0;
}

/* Without EFER.NXE bit 63 is reserved (a fault on use): drop it then. */
static inline uint64_t prot(uint64_t flags) { return nx_mask ? flags : flags & ~PTE_NX; }

static void unmap_range(uint64_t va, uint64_t size)
{
    for (uint64_t end = va + size; va < end; va += SZ_4K) {
        uint64_t *e = walk(va, 12, false);
        if (e && (*e & PTE_PRESENT)) {
            *e = 0;
            invlpg(va);
        }
    }
}

uint64_t mm_lookup(uint64_t va, phys_addr_t *pa, uint64_t *flags)
{
    const uint64_t *t = pml4 ? pml4 : phys_to_virt(read_cr3() & PTE_ADDR_MASK);
    for (int shift = 39; shift >= 12; shift -= 9) {
        uint64_t e = t[(va >> shift) & 511];
        if (!(e & PTE_PRESENT))
            return 0;
        if (shift == 12 || ((e & PTE_PS) && shift <= 30)) {
            uint64_t size = 1ull << shift;
            /* in 2 MiB / 1 GiB entries bit 12 is PAT, not address */
            uint64_t frame = e & PTE_ADDR_MASK & ~(size - 1);
            if (pa)
                *pa = frame | (va & (size - 1));
            if (flags)
                *flags = e & ~PTE_ADDR_MASK;
            return size;
        }
        t = entry_table(e);
    }
    return 0;
}

static void cpu_features(void)
{
    uint32_t a, b, c, d;
    cpuid(0x80000000, 0, &a, &b, &c, &d);
    if (a >= 0x80000001) {
        cpuid(0x80000001, 0, &a, &b, &c, &d);
        have_nx = d & CPUID_EXT_NX;
        have_gbpages = d & CPUID_EXT_PDPE1GB;
    }
}

static uint64_t max_phys_addr(void)
{
    uint32_t a, b, c, d;
    cpuid(0x80000000, 0, &a, &b, &c, &d);
    unsigned bits = 36;                        /* SDM: the value when 80000008h is absent */
    if (a >= 0x80000008) {
        cpuid(0x80000008, 0, &a, &b, &c, &d);
        bits = a & 0xff;
    }
    bits = MIN(MAX(bits, 32u), 52u);
    return MIN(1ull << bits, DIRECT_MAP_SIZE);
}

/* Kernel image by permission. The boundaries come from linker.ld: everything before
 * .rodata is code (the .boot stub and .text), .rodata ends with the initcall table, and
 * .data/.bss follow up to __kernel_phys_end. */
static void map_kernel_image(phys_addr_t img_lo, phys_addr_t img_hi)
{
    phys_addr_t ro_lo = ALIGN_DOWN(virt_to_phys(__cmdkeys_start), SZ_4K);
    phys_addr_t rw_lo = ALIGN_UP(virt_to_phys(__initcall_end), SZ_4K);
    int r;
    if (img_lo <= ro_lo && ro_lo <= rw_lo && rw_lo <= img_hi) {
        r = map_range(KERNEL_VMA + img_lo, img_lo, ro_lo - img_lo, 0, false, NULL);
        if (!r)
            r = map_range(KERNEL_VMA + ro_lo, ro_lo, rw_lo - ro_lo, prot(PTE_NX), false, NULL);
        if (!r)
            r = map_range(KERNEL_VMA + rw_lo, rw_lo, img_hi - rw_lo, prot(PTE_WRITE | PTE_NX),
                          false, NULL);
        pr_info("paging: kernel %#llx-%#llx code RX, %#llx-%#llx rodata R%s, "
                "%#llx-%#llx data RW%s\n",
                KERNEL_VMA + img_lo, KERNEL_VMA + ro_lo - 1, KERNEL_VMA + ro_lo,
                KERNEL_VMA + rw_lo - 1, nx_mask ? " NX" : "", KERNEL_VMA + rw_lo,
                KERNEL_VMA + img_hi - 1, nx_mask ? " NX" : "");
    } else {
        pr_warn("paging: kernel section symbols out of order; image mapped RWX\n");
        r = map_range(KERNEL_VMA + img_lo, img_lo, img_hi - img_lo, PTE_WRITE, false, NULL);
    }
    if (r)
        panic("paging: cannot map the kernel image (%d)", r);
}

void paging_init(const struct mem_region *ram, int nram)
{
    cpu_features();
    if (have_nx) {
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
        nx_mask = PTE_NX;
    }
    uint64_t limit = max_phys_addr();

    ndirect = 0;
    for (int i = 0; i < nram && ndirect < (int)ARRAY_SIZE(direct); i++) {
        phys_addr_t lo = ALIGN_DOWN(ram[i].base, SZ_4K);
        phys_addr_t hi = ram[i].base + ram[i].size;
        if (ram[i].size == 0 || hi < lo || lo >= limit)
            continue;
        hi = MIN(ALIGN_UP(hi, SZ_4K), limit);      /* a partial page is mapped whole */
        direct[ndirect++] = (struct mem_region){ lo, hi - lo };
    }
    ndirect = mem_regions_normalize(direct, ndirect);

    pml4_phys = pt_alloc();
    if (!pml4_phys)
        panic("paging: no page for the PML4");
    pml4 = phys_to_virt(pml4_phys);

    uint64_t mapped = 0;
    for (int i = 0; i < ndirect; i++) {
        int r = map_range(PHYS_OFFSET + direct[i].base, direct[i].base, direct[i].size,
                          prot(PROT_DIRECT), true, leaves);
        if (r)
            panic("paging: cannot build the direct map (%d)", r);
        mapped += direct[i].size;
    }

    phys_addr_t img_lo = ALIGN_DOWN((phys_addr_t)(uintptr_t)__kernel_phys_start, SZ_4K);
    phys_addr_t img_hi = ALIGN_UP((phys_addr_t)(uintptr_t)__kernel_phys_end, SZ_4K);
    map_kernel_image(img_lo, img_hi);

    /* The window's PDPT exists from the start, so later mappings only add lower levels. */
    if (!walk(IOREMAP_BASE, 30, true))
        panic("paging: no page for the ioremap window");
    vm_window_init(&window, IOREMAP_BASE, IOREMAP_SIZE);

    write_cr3(pml4_phys);          /* SDM 3A, 4.10.4.1: also flushes the boot mappings */

    pr_info("paging: PML4 at phys %#llx; NX %s, 1 GiB pages %s, %u page-table pages\n",
            (unsigned long long)pml4_phys, nx_mask ? "on" : "unsupported",
            have_gbpages ? "used" : "unsupported", pt_pages);
    pr_info("paging: direct map %#llx + phys: %llu MiB in %d ranges "
            "(%llu x 1G, %llu x 2M, %llu x 4K), write-back%s\n",
            PHYS_OFFSET, (unsigned long long)(mapped >> 20), ndirect,
            (unsigned long long)leaves[2], (unsigned long long)leaves[1],
            (unsigned long long)leaves[0], nx_mask ? " NX" : "");
    for (int i = 0; i < ndirect; i++)
        pr_info("paging:   %#llx-%#llx -> phys %#llx-%#llx\n",
                PHYS_OFFSET + direct[i].base, PHYS_OFFSET + direct[i].base + direct[i].size - 1,
                (unsigned long long)direct[i].base,
                (unsigned long long)(direct[i].base + direct[i].size - 1));
    pr_info("paging: ioremap window %#llx-%#llx (4K pages, guard page after each); "
            "nothing below %#llx is mapped\n",
            IOREMAP_BASE, IOREMAP_BASE + IOREMAP_SIZE - 1, PHYS_OFFSET);
}

static bool in_direct_map(phys_addr_t phys, uint64_t size)
{
    for (int i = 0; i < ndirect; i++)
        if (phys >= direct[i].base && phys + size <= direct[i].base + direct[i].size)
            return true;
    return false;
}

static void *remap(phys_addr_t phys, size_t size, uint64_t flags, const char *who)
{
    if (!pml4 || size == 0 || phys + size < phys || phys + size > (1ull << 52)) {
        io_failures++;
        pr_err("%s(%#llx, %zu): %s\n", who, (unsigned long long)phys, size,
               pml4 ? "bad range" : "called before paging_init");
        return NULL;
    }
    phys_addr_t lo = ALIGN_DOWN(phys, SZ_4K);
    uint64_t len = ALIGN_UP(phys + size, SZ_4K) - lo;
    unsigned long f = local_irq_save();
    uint64_t va = vm_area_alloc(&window, len / SZ_4K);
    int r = va ? map_range(va, lo, len, prot(flags), false, NULL) : -ENOSPC;
    if (r && va) {
        unmap_range(va, len);
        vm_area_free(&window, va);
    }
    local_irq_restore(f);
    if (r) {
        io_failures++;
        pr_err("%s(%#llx, %zu): %s\n", who, (unsigned long long)phys, size,
               r == -ENOSPC ? "window full" : "out of page-table pages");
        return NULL;
    }
    return (void *)(uintptr_t)(va + (phys - lo));
}

void *ioremap(phys_addr_t phys, size_t size)
{
    /* An uncached alias of write-back RAM is undefined (SDM 3A, 11.12.4): say so. */
    if (in_direct_map(phys, 1))
        pr_warn("ioremap(%#llx): this is RAM, mapping it uncached anyway\n",
                (unsigned long long)phys);
    return remap(phys, size, PROT_IO, "ioremap");
}

void *memremap(phys_addr_t phys, size_t size)
{
    if (size && phys + size > phys && in_direct_map(phys, size))
        return phys_to_virt(phys);           /* RAM: the direct map already has it */
    return remap(phys, size, PROT_DIRECT, "memremap");
}

void iounmap(void *addr, size_t size)
{
    uint64_t va = (uintptr_t)addr;
    if (!addr || (va >= PHYS_OFFSET && va < PHYS_OFFSET + DIRECT_MAP_SIZE))
        return;                              /* memremap of RAM: nothing to undo */
    uint64_t start = ALIGN_DOWN(va, SZ_4K);
    unsigned long f = local_irq_save();
    uint64_t pages = (va >= IOREMAP_BASE && va < IOREMAP_BASE + IOREMAP_SIZE)
                         ? vm_area_pages(&window, start) : 0;
    if (pages) {
        unmap_range(start, pages * SZ_4K);
        vm_area_free(&window, start);
    } else {
        io_bad_unmaps++;
    }
    local_irq_restore(f);
    if (!pages)
        pr_err("iounmap(%p, %zu): not a mapping made by ioremap/memremap (ignored)\n",
               addr, size);
    else if ((va - start) + size > pages * SZ_4K)
        pr_warn("iounmap(%p, %zu): larger than the mapping (%llu pages)\n", addr, size,
                (unsigned long long)pages);
}
