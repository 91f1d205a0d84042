// SOURCES: drivers/pci/bar.c drivers/pci/intx.c drivers/pci/stats.c kernel/lib/vsprintf.c kernel/lib/string.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_clock.c
/* BAR decoding from sizing probes (PCI Local Bus 3.0 sec. 6.2.5.1), the text the boot log
 * shows for BARs, and INTx GSI routing. */
#include "tests/unit/unit.h"
#include "drivers/pci/pci.h"

/* What a device answers: 'size' bytes of memory, with the RO type bits 'flags'. */
static uint32_t sized32(uint64_t size, uint32_t flags) { return (uint32_t)~(size - 1) | flags; }

TEST(mem32_igb_bar0)
{
    struct pci_bar b;
    CHECK_EQ(pci_decode_bar(0xfebc0000, 0xfffe0000, 0, 0, &b), 1);
    CHECK_EQ(b.addr, 0xfebc0000);
    CHECK_EQ(b.size, 128 * 1024);
    CHECK(!b.is_io && !b.is_64 && !b.prefetch);
}

TEST(mem32_prefetch)
{
    struct pci_bar b;
    CHECK_EQ(pci_decode_bar(0xfd000008, 0xff000008, 0, 0, &b), 1);
    CHECK_EQ(b.addr, 0xfd000000);
    CHECK_EQ(b.size, 16 << 20);
    CHECK(b.prefetch && !b.is_64 && !b.is_io);
}

TEST(mem64_both_halves)
{
    struct pci_bar b;
    /* igb BAR3: 64-bit, 16 KiB, above 4 GiB */
    CHECK_EQ(pci_decode_bar(0xfebf000c | 0, 0xffffc00c, 0x00000008, 0xffffffff, &b), 2);
    CHECK_EQ(b.addr, 0x8febf0000ull);
    CHECK_EQ(b.size, 16 * 1024);
    CHECK(b.is_64 && b.prefetch && !b.is_io);

    /* non-prefetchable 64-bit below 4 GiB */
    CHECK_EQ(pci_decode_bar(0xfebf4004, 0xffffc004, 0, 0xffffffff, &b), 2);
    CHECK_EQ(b.addr, 0xfebf4000);
    CHECK_EQ(b.size, 16 * 1024);
    CHECK(b.is_64 && !b.prefetch);
}

TEST(mem64_sizes_4g_and_above)
{
    struct pci_bar b;
    /* exactly 4 GiB: nothing decoded in the low half's address bits */
    CHECK_EQ(pci_decode_bar(0x0000000c, 0x0000000c, 0x00000001, 0xffffffff, &b), 2);
    CHECK_EQ(b.size, 1ull << 32);
    CHECK_EQ(b.addr, 1ull << 32);
    /* 8 GiB and 64 GiB */
    CHECK_EQ(pci_decode_bar(0x4, 0x4, 0x2, 0xfffffffe, &b), 2);
    CHECK_EQ(b.size, 8ull << 30);
    CHECK_EQ(pci_decode_bar(0x4, 0x4, 0x0, 0xfffffff0, &b), 2);
    CHECK_EQ(b.size, 64ull << 30);
    /* 2 GiB fits the low half */
    CHECK_EQ(pci_decode_bar(0x8000000c, 0x8000000c, 0, 0xffffffff, &b), 2);
    CHECK_EQ(b.size, 2ull << 30);
}

TEST(mem32_sizes_16_bytes_to_2g)
{
    for (int shift = 4; shift <= 31; shift++) {
        struct pci_bar b;
        uint64_t size = 1ull << shift;
        CHECK_EQ(pci_decode_bar(0, sized32(size, 0), 0, 0, &b), 1);
        CHECK_EQ(b.size, size);
        CHECK(!b.is_io);
    }
}

TEST(io_bars)
{
    struct pci_bar b;
    /* igb BAR2: 32 bytes of I/O, full 32-bit read-back */
    CHECK_EQ(pci_decode_bar(0xc001, 0xffffffe1, 0, 0, &b), 1);
    CHECK(b.is_io && !b.is_64 && !b.prefetch);
    CHECK_EQ(b.addr, 0xc000);
    CHECK_EQ(b.size, 32);
    /* a device implementing only 16 I/O address bits */
    CHECK_EQ(pci_decode_bar(0xd001, 0x0000ff01, 0, 0, &b), 1);
    CHECK_EQ(b.size, 256);
    CHECK_EQ(b.addr, 0xd000);
    /* smallest I/O BAR: 4 bytes */
    CHECK_EQ(pci_decode_bar(0x1f01, 0xfffffffd, 0, 0, &b), 1);
    CHECK_EQ(b.size, 4);
}

TEST(unimplemented_bars)
{
    struct pci_bar b;
    b.size = 123;
    CHECK_EQ(pci_decode_bar(0, 0, 0, 0, &b), 1);
    CHECK_EQ(b.size, 0);
    CHECK_EQ(b.addr, 0);
    CHECK(!b.is_io && !b.is_64);
    /* 64-bit type bits but no address bits: consumes both slots, size 0 */
    CHECK_EQ(pci_decode_bar(0x4, 0x4, 0, 0, &b), 2);
    CHECK_EQ(b.size, 0);
    /* I/O bit but no address bits */
    CHECK_EQ(pci_decode_bar(0x1, 0x1, 0, 0, &b), 1);
    CHECK_EQ(b.size, 0);
    CHECK(!b.is_io);
}

TEST(unassigned_bar_keeps_size)
{
    struct pci_bar b;
    /* firmware left it at 0: the size is still known */
    CHECK_EQ(pci_decode_bar(0, 0xfffe0000, 0, 0, &b), 1);
    CHECK_EQ(b.addr, 0);
    CHECK_EQ(b.size, 128 * 1024);
}

TEST(odd_values)
{
    struct pci_bar b;
    uint64_t bad = pci_stats.bad_bar;
    /* reserved memory type 11b */
    CHECK_EQ(pci_decode_bar(0xfe000006, 0xff000006, 0, 0, &b), 1);
    CHECK_EQ(b.size, 0);
    CHECK_EQ(pci_stats.bad_bar, bad + 1);
    /* read-only type bits changed between the two reads */
    CHECK_EQ(pci_decode_bar(0xfe000000, 0xff000008, 0, 0, &b), 1);
    CHECK_EQ(b.size, 0);
    CHECK_EQ(pci_decode_bar(0xfe000001, 0xff000000, 0, 0, &b), 1);
    CHECK_EQ(b.size, 0);
    CHECK_EQ(pci_decode_bar(0xfe000004, 0xff000000, 0, 0, &b), 1);
    CHECK_EQ(pci_stats.bad_bar, bad + 4);
    /* 64-bit type with changed prefetch bit still consumes the upper slot */
    CHECK_EQ(pci_decode_bar(0x4, 0xffff000c, 0, 0xffffffff, &b), 2);
    CHECK_EQ(b.size, 0);
    /* "below 1 MiB" legacy type decodes as 32-bit */
    CHECK_EQ(pci_decode_bar(0x000d0002, 0xffff0002, 0, 0, &b), 1);
    CHECK_EQ(b.size, 64 * 1024);
    CHECK(!b.is_64);
    /* a mask with a hole: the lowest decoded bit gives the size */
    CHECK_EQ(pci_decode_bar(0, 0xfff0f000, 0, 0, &b), 1);
    CHECK_EQ(b.size, 4096);
    /* all ones (function gone): I/O, 4 bytes, no crash */
    CHECK_EQ(pci_decode_bar(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, &b), 1);
    CHECK(b.is_io);
    CHECK_EQ(b.size, 4);
    /* high half of a 64-bit BAR ignored for 32-bit BARs */
    CHECK_EQ(pci_decode_bar(0xfebc0000, 0xfffe0000, 0x12345678, 0xffffffff, &b), 1);
    CHECK_EQ(b.addr, 0xfebc0000);
    CHECK_EQ(b.size, 128 * 1024);
}

TEST(format_size)
{
    char buf[32];
    CHECK_STR(pci_format_size(buf, sizeof(buf), 0), "0");
    CHECK_STR(pci_format_size(buf, sizeof(buf), 16), "16");
    CHECK_STR(pci_format_size(buf, sizeof(buf), 32), "32");
    CHECK_STR(pci_format_size(buf, sizeof(buf), 1536), "1536");
    CHECK_STR(pci_format_size(buf, sizeof(buf), 4096), "4K");
    CHECK_STR(pci_format_size(buf, sizeof(buf), 128 * 1024), "128K");
    CHECK_STR(pci_format_size(buf, sizeof(buf), 24 * 1024), "24K");
    CHECK_STR(pci_format_size(buf, sizeof(buf), 16 << 20), "16M");
    CHECK_STR(pci_format_size(buf, sizeof(buf), 1ull << 32), "4G");
    CHECK_STR(pci_format_size(buf, sizeof(buf), 1ull << 40), "1T");
    CHECK_STR(pci_format_size(buf, sizeof(buf), 1ull << 63), "8E");
}

TEST(format_bar)
{
    char buf[80];
    struct pci_bar b;
    pci_decode_bar(0xfebc0000, 0xfffe0000, 0, 0, &b);
    CHECK_STR(pci_format_bar(buf, sizeof(buf), &b), "mem 0xfebc0000 size 128K 32-bit");
    pci_decode_bar(0xfebf000c, 0xffffc00c, 0x8, 0xffffffff, &b);
    CHECK_STR(pci_format_bar(buf, sizeof(buf), &b), "mem 0x8febf0000 size 16K 64-bit prefetch");
    pci_decode_bar(0xc001, 0xffffffe1, 0, 0, &b);
    CHECK_STR(pci_format_bar(buf, sizeof(buf), &b), "io 0xc000 size 32");
    pci_decode_bar(0x4, 0xffffc004, 0, 0xffffffff, &b);
    CHECK_STR(pci_format_bar(buf, sizeof(buf), &b), "mem 0x0 size 16K 64-bit unassigned");
    /* short buffers truncate, never overflow */
    char tiny[8];
    pci_format_bar(tiny, sizeof(tiny), &b);
    CHECK_EQ(strlen(tiny), 7);
}

TEST(intx_swizzle)
{
    /* Bridge Architecture table 9-1: device 1's INTA arrives as INTB, etc. */
    CHECK_EQ(pci_swizzle_pin(1, 0), 1);
    CHECK_EQ(pci_swizzle_pin(1, 1), 2);
    CHECK_EQ(pci_swizzle_pin(4, 1), 1);
    CHECK_EQ(pci_swizzle_pin(2, 6), 4);
    CHECK_EQ(pci_swizzle_pin(0, 3), 0);
    CHECK_EQ(pci_swizzle_pin(5, 3), 0);
}

TEST(intx_gsi)
{
    /* the firmware's line register wins when usable */
    CHECK_EQ(pci_intx_gsi(11, 2, 1), 11);
    CHECK_EQ(pci_intx_gsi(22, 2, 1), 22);
    CHECK_EQ(pci_intx_gsi(16, 31, 1), 16);
    /* no pin: no GSI, whatever the line says */
    CHECK_EQ(pci_intx_gsi(11, 2, 0), PCI_GSI_NONE);
    CHECK_EQ(pci_intx_gsi(11, 2, 7), PCI_GSI_NONE);
    /* line unset (0xff), 0, 2 or beyond the IOAPIC: q35 default wiring */
    CHECK_EQ(pci_intx_gsi(0xff, 2, 1), 16 + 6);   /* slot 2 INTA -> PIRQG */
    CHECK_EQ(pci_intx_gsi(0, 1, 1), 16 + 5);      /* slot 1 INTA -> PIRQF */
    CHECK_EQ(pci_intx_gsi(2, 3, 2), 16 + 4);      /* slot 3 INTB -> PIRQE */
    CHECK_EQ(pci_intx_gsi(40, 0, 4), 16 + 7);     /* slot 0 INTD -> PIRQH */
    CHECK_EQ(pci_intx_gsi(0xff, 31, 1), 16);      /* D31 INTA -> PIRQA */
    CHECK_EQ(pci_intx_gsi(0xff, 29, 3), 18);      /* D29 INTC -> PIRQC */
    CHECK_EQ(pci_intx_gsi(0xff, 30, 2), 21);      /* DMI-PCI bridge INTB -> PIRQF */
}
