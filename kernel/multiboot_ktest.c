/* kernel/multiboot_ktest.c - in-kernel tests of what the kernel took from the boot loader
 * (test=boot): the firmware kind and the memory map source agree, and under UEFI the
 * firmware's own memory map, converted, agrees with the map GRUB derived from it. */
#include "kernel/ktest.h"
#include "kernel/multiboot.h"
#include "kernel/printk.h"

static uint64_t usable_bytes(const struct mb_mmap_entry *m, int n)
{
    uint64_t sum = 0;
    for (int i = 0; i < n; i++)
        if (m[i].type == MB_MEM_AVAILABLE)
            sum += m[i].len;
    return sum;
}

KTEST(boot, firmware_kind_and_tags_agree)
{
    KT_ASSERT(boot_info.nmmap > 0);
    KT_ASSERT(boot_info.rsdp_len == 20 || boot_info.rsdp_len == 36);
    if (boot_info.efi) {
        KT_ASSERT_MSG(boot_info.nefi_desc > 0, "UEFI boot without an EFI memory map tag");
        KT_ASSERT_MSG(!boot_info.efi_bs_active, "the loader left EFI boot services running");
        KT_ASSERT_MSG(boot_info.fb.present && boot_info.fb.type == MB_FB_RGB,
                      "UEFI boot without an RGB framebuffer tag");
    } else {
        KT_EXPECT_EQ(boot_info.nefi_desc, 0);
        KT_EXPECT_EQ(boot_info.mmap_source, MB_MMAP_E820);
    }
}

/* GRUB builds its BIOS-style map before leaving boot services and passes the final EFI
 * map: the two differ by GRUB's last allocations at most. */
KTEST(boot, efi_memory_map_agrees_with_loader_map)
{
    static struct mb_mmap_entry efi[MB_MAX_MMAP];
    int n = multiboot_efi_mmap(efi, MB_MAX_MMAP);
    if (!boot_info.efi) {
        KT_EXPECT_EQ(n, -1);
        return;
    }
    KT_ASSERT(n > 0);
    uint64_t a = usable_bytes(boot_info.mmap, boot_info.nmmap), b = usable_bytes(efi, n);
    uint64_t diff = a > b ? a - b : b - a;
    printk("boot: usable memory: loader map %llu KiB, EFI map %llu KiB (%d descriptors -> %d ranges)\n",
           (unsigned long long)(a >> 10), (unsigned long long)(b >> 10), boot_info.nefi_desc, n);
    KT_ASSERT_MSG(diff <= (4ull << 20), "maps differ by %llu KiB", (unsigned long long)(diff >> 10));
}
