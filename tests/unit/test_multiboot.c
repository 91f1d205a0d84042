// SOURCES: kernel/multiboot.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_clock.c
/* multiboot2 information as GRUB passes it under BIOS and under UEFI: the memory map
 * (BIOS-style tag preferred, else the EFI map converted and merged), framebuffer tags (RGB
 * and EGA text), EFI tags, and malformed input refused. The "physical" address of the
 * information is its address in this process (phys_to_virt is the identity when hosted). */
#include "tests/unit/unit.h"
#include "kernel/multiboot.h"
#include <stdint.h>

static uint8_t info[4096] __attribute__((aligned(8)));
static size_t used;

static void begin(void)
{
    memset(info, 0, sizeof(info));
    memset(&boot_info, 0, sizeof(boot_info));
    used = 8;
}

/* Append a tag with this body; tags start 8-aligned. */
static uint8_t *tag(uint32_t type, const void *body, uint32_t blen)
{
    uint8_t *t = info + used;
    uint32_t size = 8 + blen;
    memcpy(t, &type, 4);
    memcpy(t + 4, &size, 4);
    if (body)
        memcpy(t + 8, body, blen);
    used += (size + 7) & ~7u;
    return t + 8;
}

static int finish(void)
{
    tag(0, NULL, 0);
    uint32_t total = (uint32_t)used;
    memcpy(info, &total, 4);
    return multiboot_parse((phys_addr_t)(uintptr_t)info);
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* EFI memory map tag body: descriptor size 48 (larger than the 40 the fields need, as
 * firmware does), version 1, then the descriptors. */
static void efi_mmap(const uint32_t *types, const uint64_t *bases, const uint64_t *pages, int n)
{
    uint8_t body[8 + 48 * 16];
    memset(body, 0, sizeof(body));
    put32(body, 48);
    put32(body + 4, 1);
    for (int i = 0; i < n; i++) {
        uint8_t *d = body + 8 + 48 * i;
        put32(d, types[i]);
        put64(d + 8, bases[i]);
        put64(d + 16, 0xdead0000);        /* virtual start: ignored */
        put64(d + 24, pages[i]);
        put64(d + 32, 0xf);               /* attributes: ignored */
    }
    tag(17, body, (uint32_t)(8 + 48 * n));
}

TEST(efi_map_converted_and_merged_when_alone)
{
    begin();
    /* conventional + boot services data + loader code touch: one available range;
     * runtime services code reserved; ACPI reclaim; NVS; unusable; MMIO reserved */
    uint32_t types[] = { 7, 4, 1, 5, 9, 10, 8, 11 };
    uint64_t bases[] = { 0x0, 0xa000, 0x10000, 0x20000, 0x21000, 0x22000, 0x23000, 0xe0000000 };
    uint64_t pages[] = { 10, 6, 16, 1, 1, 1, 1, 0x10000 };
    efi_mmap(types, bases, pages, 8);
    tag(12, "\0\0\0\0\0\0\0\0", 8);       /* EFI 64-bit system table pointer */
    CHECK_EQ(finish(), 0);
    CHECK_EQ(boot_info.mmap_source, MB_MMAP_EFI);
    CHECK_EQ(boot_info.nefi_desc, 8);
    CHECK(boot_info.efi);
    CHECK_EQ(boot_info.nmmap, 6);
    CHECK_EQ(boot_info.mmap[0].base, 0);
    CHECK_EQ(boot_info.mmap[0].len, 0x20000);
    CHECK_EQ(boot_info.mmap[0].type, MB_MEM_AVAILABLE);
    CHECK_EQ(boot_info.mmap[1].type, MB_MEM_RESERVED);
    CHECK_EQ(boot_info.mmap[2].type, MB_MEM_ACPI);
    CHECK_EQ(boot_info.mmap[3].type, MB_MEM_NVS);
    CHECK_EQ(boot_info.mmap[4].type, MB_MEM_BAD);
    CHECK_EQ(boot_info.mmap[5].base, 0xe0000000);
    CHECK_EQ(boot_info.mmap[5].len, 0x10000000);
    CHECK_EQ(boot_info.mmap[5].type, MB_MEM_RESERVED);
}

TEST(bios_style_map_wins_over_efi_map_in_either_order)
{
    uint8_t mm[8 + 24 * 2];
    memset(mm, 0, sizeof(mm));
    put32(mm, 24);
    put64(mm + 8, 0);
    put64(mm + 16, 0x9f000);
    put32(mm + 24, 1);
    put64(mm + 32, 0x100000);
    put64(mm + 40, 0x7f00000);
    put32(mm + 48, 1);
    uint32_t types[] = { 7 };
    uint64_t bases[] = { 0x0 }, pages[] = { 1 };
    for (int order = 0; order < 2; order++) {
        begin();
        if (order == 0)
            tag(6, mm, sizeof(mm));
        efi_mmap(types, bases, pages, 1);
        if (order == 1)
            tag(6, mm, sizeof(mm));
        CHECK_EQ(finish(), 0);
        CHECK_EQ(boot_info.mmap_source, MB_MMAP_E820);
        CHECK_EQ(boot_info.nmmap, 2);
        CHECK_EQ(boot_info.mmap[1].base, 0x100000);
        CHECK_EQ(boot_info.nefi_desc, 1);
    }
}

TEST(efi_map_longer_than_the_table_counts_the_rest)
{
    begin();
    uint32_t types[16];
    uint64_t bases[16], pages[16];
    for (int i = 0; i < 16; i++) {        /* alternate types: nothing merges */
        types[i] = i % 2 ? 7 : 0;
        bases[i] = (uint64_t)i << 20;
        pages[i] = 1;
    }
    /* 16 descriptors per tag; 5 tags' worth would overflow, but only the last EFI tag
     * counts, so check the merge-free count of one. */
    efi_mmap(types, bases, pages, 16);
    CHECK_EQ(finish(), 0);
    CHECK_EQ(boot_info.nmmap, 16);
    CHECK_EQ(boot_info.mmap_dropped, 0);
}

TEST(framebuffer_rgb_and_ega_text)
{
    begin();
    uint8_t fb[32];
    memset(fb, 0, sizeof(fb));
    put64(fb, 0x80000000ull);
    put32(fb + 8, 4096);
    put32(fb + 12, 1024);
    put32(fb + 16, 768);
    fb[20] = 32;
    fb[21] = MB_FB_RGB;
    fb[24] = 16; fb[25] = 8; fb[26] = 8; fb[27] = 8; fb[28] = 0; fb[29] = 8;
    tag(8, fb, 30);
    CHECK_EQ(finish(), 0);
    CHECK(boot_info.fb.present);
    CHECK_EQ(boot_info.fb.type, MB_FB_RGB);
    CHECK_EQ(boot_info.fb.addr, 0x80000000ull);
    CHECK_EQ(boot_info.fb.pitch, 4096);
    CHECK_EQ(boot_info.fb.width, 1024);
    CHECK_EQ(boot_info.fb.bpp, 32);
    CHECK_EQ(boot_info.fb.red_pos, 16);
    CHECK_EQ(boot_info.fb.blue_size, 8);
    CHECK(!boot_info.efi);

    begin();
    memset(fb, 0, sizeof(fb));
    put64(fb, 0xb8000);
    put32(fb + 8, 160);
    put32(fb + 12, 80);
    put32(fb + 16, 25);
    fb[20] = 16;
    fb[21] = MB_FB_EGA_TEXT;
    tag(8, fb, 24);
    CHECK_EQ(finish(), 0);
    CHECK(boot_info.fb.present);
    CHECK_EQ(boot_info.fb.type, MB_FB_EGA_TEXT);
    CHECK_EQ(boot_info.fb.width, 80);

    begin();                              /* truncated RGB tag: no colour layout */
    tag(8, fb, 20);
    CHECK_EQ(finish(), 0);
    CHECK(!boot_info.fb.present);
}

TEST(malformed_information_refused)
{
    begin();
    uint8_t bad[8] = { 0 };
    put32(bad, 8);                        /* EFI descriptor size below 40 */
    tag(17, bad, 8);
    CHECK_EQ(finish(), -1);

    begin();
    uint8_t *t = tag(1, "x", 2);
    put32(t - 4, 4000);                   /* tag runs past the end */
    CHECK_EQ(finish(), -1);
}
