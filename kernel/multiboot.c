/* kernel/multiboot.c - copy what we need out of the multiboot2 information (spec 3.6). */
#include "kernel/multiboot.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"

struct boot_info boot_info;

enum { TAG_END = 0, TAG_CMDLINE = 1, TAG_LOADER = 2, TAG_MODULE = 3, TAG_MMAP = 6,
       TAG_FRAMEBUFFER = 8, TAG_EFI32 = 11, TAG_EFI64 = 12, TAG_ACPI_OLD = 14,
       TAG_ACPI_NEW = 15, TAG_EFI_MMAP = 17, TAG_EFI_BS = 18 };

/* EFI_MEMORY_TYPE values (UEFI 2.9, 7.2 "EFI_BOOT_SERVICES.AllocatePages()"). */
enum { EFI_LOADER_CODE = 1, EFI_LOADER_DATA = 2, EFI_BS_CODE = 3, EFI_BS_DATA = 4,
       EFI_CONVENTIONAL = 7, EFI_UNUSABLE = 8, EFI_ACPI_RECLAIM = 9, EFI_ACPI_NVS = 10,
       EFI_PERSISTENT = 14 };
#define EFI_PAGE_SHIFT 12

struct mb_tag { uint32_t type, size; };

uint32_t mb_efi_mem_type(uint32_t t)
{
    switch (t) {
    case EFI_LOADER_CODE: case EFI_LOADER_DATA: case EFI_BS_CODE: case EFI_BS_DATA:
    case EFI_CONVENTIONAL:
        return MB_MEM_AVAILABLE;
    case EFI_ACPI_RECLAIM: return MB_MEM_ACPI;
    case EFI_ACPI_NVS:     return MB_MEM_NVS;
    case EFI_UNUSABLE:     return MB_MEM_BAD;
    default:               return MB_MEM_RESERVED;   /* includes EFI_PERSISTENT */
    }
}

/* Append a range to a map of *n entries (room for max), merging it into the previous one
 * when they touch and agree in type (EFI maps list every allocation separately: a hundred
 * entries for one RAM range). Ranges beyond max are counted in *dropped. */
static void mmap_add(struct mb_mmap_entry *map, int *n, int max, int *dropped,
                     uint64_t base, uint64_t len, uint32_t type)
{
    if (len == 0)
        return;
    struct mb_mmap_entry *prev = *n ? &map[*n - 1] : NULL;
    if (prev && prev->type == type && prev->base + prev->len == base) {
        prev->len += len;
        return;
    }
    if (*n == max) {
        (*dropped)++;
        return;
    }
    map[(*n)++] = (struct mb_mmap_entry){ base, len, type };
}

/* The EFI memory map tag's descriptors, converted and merged into map[]. Returns the
 * number of descriptors, or -1 when the tag is malformed. */
static int efi_mmap_convert(const uint8_t *body, size_t blen, struct mb_mmap_entry *map,
                            int *n, int max, int *dropped)
{
    if (blen < 8)
        return -1;
    uint32_t dsize = ((const uint32_t *)body)[0];
    if (dsize < 40)
        return -1;
    int ndesc = 0;
    *n = 0;
    for (size_t e = 8; e + dsize <= blen; e += dsize, ndesc++) {
        uint32_t type;
        uint64_t base, pages;
        memcpy(&type, body + e, 4);
        memcpy(&base, body + e + 8, 8);
        memcpy(&pages, body + e + 24, 8);
        if (pages > (UINT64_MAX >> EFI_PAGE_SHIFT))
            continue;
        mmap_add(map, n, max, dropped, base, pages << EFI_PAGE_SHIFT, mb_efi_mem_type(type));
    }
    return ndesc;
}

static int parse_mmap(const uint8_t *body, size_t blen)
{
    if (blen < 8)
        return -1;
    uint32_t esize = ((const uint32_t *)body)[0];
    if (esize < 24)
        return -1;
    boot_info.nmmap = 0;
    boot_info.mmap_dropped = 0;
    for (size_t e = 8; e + esize <= blen; e += esize) {
        uint64_t base, len;
        uint32_t type;
        memcpy(&base, body + e, 8);
        memcpy(&len, body + e + 8, 8);
        memcpy(&type, body + e + 16, 4);
        mmap_add(boot_info.mmap, &boot_info.nmmap, MB_MAX_MMAP, &boot_info.mmap_dropped,
                 base, len, type);
    }
    boot_info.mmap_source = MB_MMAP_E820;
    return 0;
}

/* EFI memory map tag (spec 3.6.13): descriptor size and version, then the descriptors
 * as GetMemoryMap() returned them: u32 type, u32 pad, u64 physical start, u64 virtual
 * start, u64 number of 4 KiB pages, u64 attributes. The descriptor size may grow in
 * later UEFI versions, so it is taken from the tag, never assumed. */
static int parse_efi_mmap(const uint8_t *body, size_t blen)
{
    static struct mb_mmap_entry scratch[MB_MAX_MMAP];
    int n, dropped = 0;
    bool use = boot_info.mmap_source != MB_MMAP_E820;   /* the loader's own map wins */
    int ndesc = efi_mmap_convert(body, blen, use ? boot_info.mmap : scratch, &n, MB_MAX_MMAP,
                                 &dropped);
    if (ndesc < 0)
        return -1;
    boot_info.nefi_desc = ndesc;
    if (use) {
        boot_info.nmmap = n;
        boot_info.mmap_dropped = dropped;
        boot_info.mmap_source = MB_MMAP_EFI;
    }
    return 0;
}

/* Framebuffer information tag (spec 3.6.12): u64 address, u32 pitch, u32 width, u32
 * height, u8 bpp, u8 type, u16 reserved, then the colour layout for the type. */
static void parse_framebuffer(const uint8_t *body, size_t blen)
{
    if (blen < 24)
        return;
    struct mb_framebuffer *fb = &boot_info.fb;
    memcpy(&fb->addr, body, 8);
    memcpy(&fb->pitch, body + 8, 4);
    memcpy(&fb->width, body + 12, 4);
    memcpy(&fb->height, body + 16, 4);
    fb->bpp = body[20];
    fb->type = body[21];
    if (fb->type == MB_FB_RGB) {
        if (blen < 30)
            return;
        fb->red_pos = body[24];
        fb->red_size = body[25];
        fb->green_pos = body[26];
        fb->green_size = body[27];
        fb->blue_pos = body[28];
        fb->blue_size = body[29];
    }
    fb->present = fb->addr != 0 && fb->width && fb->height && fb->pitch;
}

int multiboot_parse(phys_addr_t info_phys)
{
    const uint8_t *info = phys_to_virt(info_phys);
    uint32_t total = *(const uint32_t *)info;
    if (total < 16 || total > (1u << 20))
        return -1;
    boot_info.info_phys = info_phys;
    boot_info.info_size = total;

    for (uint32_t off = 8; off + sizeof(struct mb_tag) <= total;) {
        const struct mb_tag *tag = (const void *)(info + off);
        if (tag->type == TAG_END)
            break;
        if (tag->size < 8 || tag->size > total - off)
            return -1;
        const uint8_t *body = (const uint8_t *)(tag + 1);
        size_t blen = tag->size - 8;
        switch (tag->type) {
        case TAG_CMDLINE:
            strlcpy(boot_info.cmdline, (const char *)body,
                    MIN(sizeof(boot_info.cmdline), blen + 1));
            break;
        case TAG_LOADER:
            strlcpy(boot_info.loader, (const char *)body, MIN(sizeof(boot_info.loader), blen + 1));
            break;
        case TAG_MODULE:
            if (boot_info.nmodules < MB_MAX_MODULES && blen >= 8) {
                uint32_t start = ((const uint32_t *)body)[0], end = ((const uint32_t *)body)[1];
                if (end >= start)
                    boot_info.modules[boot_info.nmodules++] = (struct mem_region){ start, end - start };
            }
            break;
        case TAG_MMAP:
            if (parse_mmap(body, blen) < 0)
                return -1;
            break;
        case TAG_EFI_MMAP:
            if (parse_efi_mmap(body, blen) < 0)
                return -1;
            break;
        case TAG_FRAMEBUFFER:
            parse_framebuffer(body, blen);
            break;
        case TAG_EFI32:
        case TAG_EFI64:
            boot_info.efi = true;
            break;
        case TAG_EFI_BS:
            boot_info.efi_bs_active = true;
            break;
        case TAG_ACPI_OLD:
        case TAG_ACPI_NEW:
            /* Prefer the 2.0 RSDP (it carries the XSDT); both are copies of the firmware's. */
            if (blen >= 20 && (tag->type == TAG_ACPI_NEW || boot_info.rsdp_len == 0)) {
                int n = (int)MIN(blen, sizeof(boot_info.rsdp));
                memcpy(boot_info.rsdp, body, n);
                boot_info.rsdp_len = n;
                boot_info.rsdp_phys = info_phys + off + 8;
            }
            break;
        }
        off += ALIGN_UP(tag->size, 8u);
    }
    return 0;
}

int multiboot_efi_mmap(struct mb_mmap_entry *out, int max)
{
    if (!boot_info.info_size)
        return -1;
    const uint8_t *info = phys_to_virt(boot_info.info_phys);
    uint32_t total = (uint32_t)boot_info.info_size;
    for (uint32_t off = 8; off + sizeof(struct mb_tag) <= total;) {
        const struct mb_tag *tag = (const void *)(info + off);
        if (tag->type == TAG_END || tag->size < 8 || tag->size > total - off)
            break;
        if (tag->type == TAG_EFI_MMAP) {
            int n, dropped = 0;
            if (efi_mmap_convert((const uint8_t *)(tag + 1), tag->size - 8, out, &n, max,
                                 &dropped) < 0)
                return -1;
            return n;
        }
        off += ALIGN_UP(tag->size, 8u);
    }
    return -1;
}
