/* kernel/multiboot.h - what the kernel keeps from the multiboot2 boot information.
 * Parsed once at entry and copied, so the boot information's memory can be reused. */
#ifndef WP_MULTIBOOT_H
#define WP_MULTIBOOT_H

#include "kernel/compiler.h"
#include "kernel/mm/mm.h"

#define MB_MAX_MMAP 64
#define MB_MAX_MODULES 8

enum { MB_MEM_AVAILABLE = 1, MB_MEM_RESERVED = 2, MB_MEM_ACPI = 3, MB_MEM_NVS = 4, MB_MEM_BAD = 5 };

struct mb_mmap_entry { uint64_t base, len; uint32_t type; };

struct boot_info {
    char cmdline[512];
    char loader[64];
    struct mb_mmap_entry mmap[MB_MAX_MMAP];
    int nmmap;
    struct mem_region modules[MB_MAX_MODULES];
    int nmodules;
    phys_addr_t info_phys;       /* the boot information block itself */
    size_t info_size;
    phys_addr_t rsdp_phys;       /* copy of the RSDP kept in rsdp[] */
    uint8_t rsdp[36];
    int rsdp_len;                /* 20 (ACPI 1.0) or 36 (2.0+), 0 when absent */
};

extern struct boot_info boot_info;

/* Returns 0, or -1 when the information is malformed. */
int multiboot_parse(phys_addr_t info_phys);

#endif
