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

/* Framebuffer information tag (spec 3.6.12). */
enum { MB_FB_INDEXED = 0, MB_FB_RGB = 1, MB_FB_EGA_TEXT = 2 };
struct mb_framebuffer {
    bool present;
    uint8_t type;                /* MB_FB_* */
    uint8_t bpp;                 /* bits per pixel (16 for EGA text: char + attribute) */
    uint64_t addr;               /* physical */
    uint32_t pitch;              /* bytes per line (per text row for EGA text) */
    uint32_t width, height;      /* pixels, or characters for EGA text */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;   /* RGB only */
};

/* Where the memory map came from. Under UEFI GRUB passes both the BIOS-style map and the
 * firmware's own; the former is used when present, else the EFI map, converted. */
enum { MB_MMAP_NONE = 0, MB_MMAP_E820 = 1, MB_MMAP_EFI = 2 };

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
    int mmap_source;             /* MB_MMAP_* */
    int nefi_desc;               /* descriptors in the EFI memory map tag (0: none) */
    int mmap_dropped;            /* entries beyond MB_MAX_MMAP after merging */
    bool efi;                    /* booted by UEFI firmware (EFI system table tag seen) */
    bool efi_bs_active;          /* the loader left EFI boot services running */
    struct mb_framebuffer fb;
};

extern struct boot_info boot_info;

/* Multiboot memory type for an EFI memory descriptor type (UEFI 2.9 table 7.10): what
 * is free once boot services have exited is available; ACPI reclaim/NVS keep their
 * meaning; unusable is bad; the rest (runtime services, MMIO, reserved, ...) reserved. */
uint32_t mb_efi_mem_type(uint32_t efi_type);

/* Returns 0, or -1 when the information is malformed. */
int multiboot_parse(phys_addr_t info_phys);

/* The EFI memory map tag converted to multiboot types and merged, read again from the
 * boot information (kept reserved by mm). Returns the entries, or -1 without the tag. */
int multiboot_efi_mmap(struct mb_mmap_entry *out, int max);

#endif
