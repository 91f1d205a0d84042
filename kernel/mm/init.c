/* kernel/mm/init.c - bring memory management up from the multiboot2 memory map:
 * report the map, build the kernel's page tables, start the page allocator on what is
 * left free, and kmalloc on top of it. */
#include "kernel/mm/mm.h"
#include "kernel/multiboot.h"
#include "kernel/printk.h"

#define MAX_RESERVED (8 + MB_MAX_MODULES + 16)

extern char __kernel_phys_start[], __kernel_phys_end[];

static const char *mem_type_name(uint32_t type)
{
    switch (type) {
    case MB_MEM_AVAILABLE: return "available";
    case MB_MEM_RESERVED:  return "reserved";
    case MB_MEM_ACPI:      return "ACPI data";
    case MB_MEM_NVS:       return "ACPI NVS";
    case MB_MEM_BAD:       return "bad";
    default:               return "unknown";
    }
}

/* Everything that is RAM but not ours to hand out. */
static int boot_reserved(struct mem_region *res)
{
    int n = 0;
    /* Real-mode IVT, BIOS data, EBDA, option ROMs: keep the first MiB out entirely. */
    res[n++] = (struct mem_region){ 0, 1ull << 20 };
    res[n++] = (struct mem_region){ (phys_addr_t)(uintptr_t)__kernel_phys_start,
                                    (uintptr_t)__kernel_phys_end - (uintptr_t)__kernel_phys_start };
    if (boot_info.info_size)
        res[n++] = (struct mem_region){ boot_info.info_phys, boot_info.info_size };
    for (int i = 0; i < boot_info.nmodules && i < MB_MAX_MODULES; i++)
        res[n++] = boot_info.modules[i];
    return n;
}

void mm_init(void)
{
    static struct mem_region ram[MB_MAX_MMAP], avail[MB_MAX_MMAP], free[MB_MAX_MMAP];
    static struct mem_region res[MAX_RESERVED];
    int nram = 0, navail = 0;
    uint64_t usable = 0;

    if (boot_info.nmmap == 0)
        panic("mm: the boot loader gave no memory map");
    if (boot_info.mmap_source == MB_MMAP_EFI)
        pr_info("mm: memory map from the UEFI memory map tag (%d descriptors, %d ranges):\n",
                boot_info.nefi_desc, boot_info.nmmap);
    else
        pr_info("mm: memory map from the boot loader (%d entries%s):\n", boot_info.nmmap,
                boot_info.nefi_desc ? "; UEFI map also passed" : "");
    if (boot_info.mmap_dropped)
        pr_warn("mm: %d memory map ranges beyond the first %d ignored\n",
                boot_info.mmap_dropped, MB_MAX_MMAP);
    for (int i = 0; i < boot_info.nmmap; i++) {
        const struct mb_mmap_entry *m = &boot_info.mmap[i];
        pr_info("mm:   [mem %#018llx-%#018llx] %-9s %8llu KiB\n",
                (unsigned long long)m->base, (unsigned long long)(m->base + m->len - 1),
                mem_type_name(m->type), (unsigned long long)(m->len >> 10));
        if (m->len == 0 || m->base + m->len < m->base)
            continue;
        /* The direct map covers RAM the firmware may keep (ACPI tables and NVS) too. */
        if (m->type == MB_MEM_AVAILABLE || m->type == MB_MEM_ACPI || m->type == MB_MEM_NVS)
            ram[nram++] = (struct mem_region){ m->base, m->len };
        if (m->type == MB_MEM_AVAILABLE) {
            avail[navail++] = (struct mem_region){ m->base, m->len };
            usable += m->len;
        }
    }
    /* Available must not claim what another entry reserves (some firmware overlaps). */
    static struct mem_region busy[MB_MAX_MMAP];
    int nbusy = 0;
    for (int i = 0; i < boot_info.nmmap; i++)
        if (boot_info.mmap[i].type != MB_MEM_AVAILABLE)
            busy[nbusy++] = (struct mem_region){ boot_info.mmap[i].base, boot_info.mmap[i].len };
    navail = mem_regions_subtract(avail, navail, busy, nbusy, free, MB_MAX_MMAP);
    for (int i = 0; i < navail; i++)
        avail[i] = free[i];

    int nres = boot_reserved(res);
    int nfree = mem_regions_subtract(avail, navail, res, nres, free, MB_MAX_MMAP);
    early_alloc_init(free, nfree);
    paging_init(ram, nram);
    nres += early_alloc_retire(res + nres, MAX_RESERVED - nres);

    page_alloc_init(avail, navail, res, nres);
    kmalloc_init();

    pr_info("mm: %llu MiB usable, %llu MiB free after boot (%llu pages in the page "
            "allocator; kernel image %llu KiB)\n",
            (unsigned long long)(usable >> 20),
            (unsigned long long)((pages_free() * PAGE_SIZE) >> 20),
            (unsigned long long)pages_total(),
            (unsigned long long)(((uintptr_t)__kernel_phys_end -
                                  (uintptr_t)__kernel_phys_start) >> 10));
}
