/* kernel/multiboot.c - copy what we need out of the multiboot2 information (spec 3.6). */
#include "kernel/multiboot.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"

struct boot_info boot_info;

enum { TAG_END = 0, TAG_CMDLINE = 1, TAG_LOADER = 2, TAG_MODULE = 3, TAG_MMAP = 6,
       TAG_ACPI_OLD = 14, TAG_ACPI_NEW = 15 };

struct mb_tag { uint32_t type, size; };

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
        if (tag->size < 8 || off + tag->size > total)
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
                boot_info.modules[boot_info.nmodules++] = (struct mem_region){ start, end - start };
            }
            break;
        case TAG_MMAP: {
            uint32_t esize = ((const uint32_t *)body)[0];
            if (esize < 24)
                return -1;
            for (size_t e = 8; e + esize <= blen && boot_info.nmmap < MB_MAX_MMAP; e += esize) {
                const uint8_t *ent = body + e;
                struct mb_mmap_entry *m = &boot_info.mmap[boot_info.nmmap++];
                memcpy(&m->base, ent, 8);
                memcpy(&m->len, ent + 8, 8);
                memcpy(&m->type, ent + 16, 4);
            }
            break;
        }
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
