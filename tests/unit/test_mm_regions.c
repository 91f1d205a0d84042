// SOURCES: kernel/mm/regions.c kernel/mm/vm_area.c kernel/mm/early_alloc.c kernel/lib/vsprintf.c kernel/lib/string.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_clock.c
/* Hosted tests of the range arithmetic, the ioremap window's range allocator and the
 * boot-time page source. */
#include "tests/unit/unit.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/vm_area.h"

#define K 1024ull
#define M (1024ull * 1024)

TEST(normalize_sorts_merges_drops)
{
    struct mem_region r[] = {
        { 10 * M, 5 * M }, { 0, 640 * K }, { 12 * M, 10 * M }, { 22 * M, 1 * M },
        { 5 * M, 0 }, { ~0ull - 10, 100 }, { 1 * M, 1 * M },
    };
    int n = mem_regions_normalize(r, ARRAY_SIZE(r));
    CHECK_EQ(n, 3);
    CHECK_EQ(r[0].base, 0);
    CHECK_EQ(r[0].size, 640 * K);
    CHECK_EQ(r[1].base, 1 * M);
    CHECK_EQ(r[2].base, 10 * M);
    CHECK_EQ(r[2].size, 13 * M);          /* overlapping and touching merged */
}

TEST(subtract_cuts_holes_in_whole_pages)
{
    /* QEMU-like map: low RAM up to the EBDA, then 1 MiB..255.875 MiB */
    struct mem_region ram[] = { { 0, 0x9fc00 }, { 0x100000, 0xfee0000 } };
    struct mem_region res[] = {
        { 0x480000, 0x100000 },            /* overlaps the one after: order must not matter */
        { 0, 1 * M },                      /* first MiB */
        { 0x100000, 0x123456 },            /* kernel, unaligned end */
        { 0x300010, 0x10 },                /* boot info: a few bytes inside a page */
        { 0x400000, 0x100000 },
        { 0x5000000, 0 },                  /* empty: ignored */
    };
    struct mem_region out[8];
    int n = mem_regions_subtract(ram, 2, res, ARRAY_SIZE(res), out, 8);
    CHECK_EQ(n, 3);
    CHECK_EQ(out[0].base, 0x224000);       /* kernel end rounded up */
    CHECK_EQ(out[0].size, 0x300000 - 0x224000);
    CHECK_EQ(out[1].base, 0x301000);       /* the whole boot info page is gone */
    CHECK_EQ(out[1].size, 0x400000 - 0x301000);
    CHECK_EQ(out[2].base, 0x580000);       /* both overlapping ranges gone */
    CHECK_EQ(out[2].base + out[2].size, 0xffe0000);
    /* unaligned free range shrinks inward; a reserved range reaching the top is fine */
    struct mem_region odd = { 0x1234, 0x10000 }, top = { 0x8000, ~0ull - 0x8000 };
    n = mem_regions_subtract(&odd, 1, &top, 1, out, 8);
    CHECK_EQ(n, 1);
    CHECK_EQ(out[0].base, 0x2000);
    CHECK_EQ(out[0].size, 0x6000);
    /* output is bounded */
    struct mem_region many[] = { { 0x1000, 0x1000 }, { 0x3000, 0x1000 }, { 0x5000, 0x1000 } };
    struct mem_region whole = { 0, 0x10000 };
    CHECK_EQ(mem_regions_subtract(&whole, 1, many, 3, out, 2), 2);
}

TEST(vm_window_reuses_and_guards)
{
    static struct vm_window w;
    const uint64_t base = 0xffffc00000000000ull;
    vm_window_init(&w, base, 64 * PAGE_SIZE);
    uint64_t a = vm_area_alloc(&w, 1), b = vm_area_alloc(&w, 4), c = vm_area_alloc(&w, 2);
    CHECK_EQ(a, base);
    CHECK_EQ(b, base + 2 * PAGE_SIZE);     /* guard page after a */
    CHECK_EQ(c, base + 7 * PAGE_SIZE);
    CHECK_EQ(vm_area_pages(&w, b), 4);
    CHECK_EQ(vm_area_pages(&w, b + PAGE_SIZE), 0);
    CHECK_EQ(vm_area_free(&w, b), 4);
    CHECK_EQ(vm_area_free(&w, b), 0);      /* double free */
    CHECK_EQ(vm_area_free(&w, 12345), 0);
    CHECK_EQ(w.bad_frees, 2);
    CHECK_EQ(vm_area_alloc(&w, 2), b);     /* first fit into the hole, split */
    CHECK_EQ(vm_area_alloc(&w, 1), b + 3 * PAGE_SIZE);
    CHECK_EQ(vm_area_alloc(&w, 1), c + 3 * PAGE_SIZE);   /* hole full: from the top */
    CHECK_EQ(vm_area_alloc(&w, 100), 0);   /* bigger than the window */
    CHECK_EQ(vm_area_alloc(&w, 0), 0);
    /* free everything in a scrambled order: the window is empty again */
    uint64_t all[] = { c + 3 * PAGE_SIZE, a, b + 3 * PAGE_SIZE, c, b };
    for (size_t i = 0; i < ARRAY_SIZE(all); i++)
        CHECK(vm_area_free(&w, all[i]) > 0);
    CHECK_EQ(w.n, 0);
    CHECK_EQ(w.top, base);
    /* the whole window in one piece (minus its guard), then nothing */
    CHECK_EQ(vm_area_alloc(&w, 63), base);
    CHECK_EQ(vm_area_alloc(&w, 1), 0);
}

TEST(vm_window_many_cycles_bounded)
{
    static struct vm_window w;
    vm_window_init(&w, 0x100000000ull, 1ull << 30);
    uint64_t live[100] = { 0 };
    uint64_t rng = 12345;
    for (int i = 0; i < 100000; i++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        int k = (rng >> 33) % 100;
        if (live[k]) {
            CHECK(vm_area_free(&w, live[k]) > 0);
            live[k] = 0;
        } else {
            live[k] = vm_area_alloc(&w, 1 + (rng >> 40) % 64);
            CHECK(live[k] != 0);
        }
    }
    CHECK(w.top - w.base < 100 * 65 * PAGE_SIZE * 2);    /* space is reused */
    for (int k = 0; k < 100; k++)
        if (live[k])
            vm_area_free(&w, live[k]);
    CHECK_EQ(w.n, 0);
}

TEST(early_alloc_bumps_records_and_retires)
{
    char *mem = aligned_alloc(PAGE_SIZE, 8 * PAGE_SIZE);
    memset(mem, 0x5a, 8 * PAGE_SIZE);
    uint64_t b = (uintptr_t)mem;
    struct mem_region fr[] = { { b, 2 * PAGE_SIZE }, { b + 4 * PAGE_SIZE, 3 * PAGE_SIZE } };
    early_alloc_init(fr, 2);
    CHECK(early_alloc_active());
    uint64_t got[6];
    for (int i = 0; i < 6; i++)
        got[i] = early_alloc_page();
    CHECK_EQ(got[0], b);
    CHECK_EQ(got[2], b + 4 * PAGE_SIZE);
    CHECK_EQ(got[5], 0);
    CHECK_EQ(((unsigned char *)mem)[PAGE_SIZE + 100], 0);   /* zeroed */
    struct mem_region used[4];
    CHECK_EQ(early_alloc_retire(used, 4), 2);
    CHECK_EQ(used[0].size, 2 * PAGE_SIZE);
    CHECK_EQ(used[1].size, 3 * PAGE_SIZE);
    CHECK(!early_alloc_active());
    CHECK_EQ(early_alloc_page(), 0);
    free(mem);
}
