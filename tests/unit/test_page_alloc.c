// SOURCES: kernel/mm/page_alloc.c kernel/mm/regions.c kernel/lib/vsprintf.c kernel/lib/string.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_clock.c
/* Hosted tests of the buddy page allocator on a malloc'd arena ("physical" = host address). */
#include "tests/unit/unit.h"
#include "tests/unit/xorshift.h"
#include "kernel/mm/mm.h"

#define ARENA_SIZE (16ul << 20)
#define ARENA_ALIGN (4ul << 20)
#define ARENA_PAGES (ARENA_SIZE / PAGE_SIZE)

static char *arena;
static phys_addr_t arena_phys;

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void) { return xorshift64(&rng); }

static void setup(const struct mem_region *res, int nres)
{
    if (!arena) {
        arena = aligned_alloc(ARENA_ALIGN, ARENA_SIZE);
        arena_phys = (uintptr_t)arena;
    }
    struct mem_region all = { arena_phys, ARENA_SIZE };
    page_alloc_init(&all, 1, res, nres);
}

/* descriptors: one struct page per arena page, rounded to pages */
static uint64_t desc_pages(void) { return (ARENA_PAGES * sizeof(struct page) + PAGE_SIZE - 1) / PAGE_SIZE; }

TEST(init_counts_all_but_descriptors)
{
    setup(NULL, 0);
    CHECK_EQ(pages_total(), ARENA_PAGES - desc_pages());
    CHECK_EQ(pages_free(), pages_total());
    CHECK(phys_to_page(arena_phys + ARENA_SIZE) == NULL);
    CHECK(phys_to_page(0) == NULL);
}

TEST(get_order_rounds_up)
{
    static const struct { size_t size; unsigned order; } cases[] = {
        { 0, 0 }, { 1, 0 }, { 4096, 0 }, { 4097, 1 }, { 8192, 1 },
        { 4ul << 20, 10 }, { (4ul << 20) + 1, 11 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        CHECK_EQ(get_order(cases[i].size), cases[i].order);
}

TEST(order_too_large_fails_cleanly)
{
    setup(NULL, 0);
    struct page_alloc_stats s;
    CHECK_EQ(alloc_pages(MAX_ORDER + 1), 0);
    CHECK_EQ(alloc_pages(64), 0);
    page_alloc_get_stats(&s);
    CHECK_EQ(s.failures, 2);
    CHECK_EQ(pages_free(), pages_total());
}

struct blk { phys_addr_t p; unsigned order; };

/* Shadow bitmap: one bit per arena page, set while allocated. */
static unsigned char shadow[ARENA_PAGES / 8];
static int shadow_mark(phys_addr_t p, unsigned order, int set)
{
    int bad = 0;
    uint64_t first = (p - arena_phys) / PAGE_SIZE;
    for (uint64_t i = first; i < first + (1ull << order); i++) {
        int was = (shadow[i / 8] >> (i % 8)) & 1;
        if (was == set)
            bad++;
        if (set)
            shadow[i / 8] |= 1 << (i % 8);
        else
            shadow[i / 8] &= ~(1 << (i % 8));
    }
    return bad;
}

TEST(stress_random_orders_no_overlap_aligned_and_coalesced)
{
    struct mem_region res[2] = {
        { arena_phys + (3ul << 20) + 123, 5000 },           /* odd-sized hole in the middle */
        { arena_phys + ARENA_SIZE - 8 * PAGE_SIZE, 8 * PAGE_SIZE },
    };
    setup(res, 2);
    memset(shadow, 0, sizeof(shadow));
    struct page_alloc_stats before, after;
    page_alloc_get_stats(&before);
    uint64_t start_free = pages_free();
    static struct blk live[8192];
    int nlive = 0, overlaps = 0, misaligned = 0, outside = 0, in_reserved = 0, ooms = 0;
    for (int step = 0; step < 60000; step++) {
        bool do_alloc = nlive == 0 || (nlive < 8192 && rnd() % 100 < 55);
        if (do_alloc) {
            unsigned r = rnd() % 100;
            unsigned order = r < 60 ? 0 : r < 80 ? rnd() % 3 : r < 97 ? rnd() % 7 : rnd() % (MAX_ORDER + 1);
            phys_addr_t p = alloc_pages(order);
            if (!p) {
                ooms++;
                continue;
            }
            if (p % (PAGE_SIZE << order))
                misaligned++;
            if (p < arena_phys || p + (PAGE_SIZE << order) > arena_phys + ARENA_SIZE)
                outside++;
            else
                overlaps += shadow_mark(p, order, 1);
            for (int k = 0; k < 2; k++)
                if (p < res[k].base + res[k].size && p + (PAGE_SIZE << order) > res[k].base)
                    in_reserved++;
            live[nlive++] = (struct blk){ p, order };
        } else {
            int i = rnd() % nlive;
            overlaps += shadow_mark(live[i].p, live[i].order, 0);
            free_pages(live[i].p, live[i].order);
            live[i] = live[--nlive];
        }
    }
    CHECK_EQ(overlaps, 0);
    CHECK_EQ(misaligned, 0);
    CHECK_EQ(outside, 0);
    CHECK_EQ(in_reserved, 0);
    while (nlive > 0) {
        nlive--;
        free_pages(live[nlive].p, live[nlive].order);
    }
    CHECK_EQ(pages_free(), start_free);
    page_alloc_get_stats(&after);
    CHECK_EQ(after.bad_frees, 0);
    CHECK_EQ(after.allocs, after.frees);
    /* fully coalesced again: the same free blocks as right after init */
    for (int o = 0; o <= MAX_ORDER; o++)
        CHECK_EQ(after.nr_free[o], before.nr_free[o]);
    fprintf(stderr, "  (%llu allocations, %d transient OOMs)\n", (unsigned long long)after.allocs, ooms);
}

TEST(oom_returns_zero_then_everything_comes_back)
{
    setup(NULL, 0);
    uint64_t total = pages_total();
    static phys_addr_t pages[ARENA_PAGES];
    uint64_t n = 0;
    phys_addr_t p;
    while ((p = alloc_page()) != 0)
        pages[n++] = p;
    CHECK_EQ(n, total);
    CHECK_EQ(pages_free(), 0);
    CHECK_EQ(alloc_pages(0), 0);
    CHECK_EQ(alloc_pages(3), 0);
    struct page_alloc_stats s;
    page_alloc_get_stats(&s);
    CHECK(s.failures >= 3);
    /* free in a scrambled order: coalescing must still rebuild the big blocks */
    for (uint64_t i = n; i > 1; i--) {
        uint64_t j = rnd() % i;
        phys_addr_t t = pages[i - 1]; pages[i - 1] = pages[j]; pages[j] = t;
    }
    for (uint64_t i = 0; i < n; i++)
        free_page(pages[i]);
    CHECK_EQ(pages_free(), total);
    /* 16 MiB arena aligned to 4 MiB, descriptors at its start: three whole 4 MiB blocks */
    phys_addr_t big[3];
    for (int i = 0; i < 3; i++) {
        big[i] = alloc_pages(MAX_ORDER);
        CHECK(big[i] != 0);
        CHECK_EQ(big[i] % (PAGE_SIZE << MAX_ORDER), 0);
    }
    CHECK_EQ(alloc_pages(MAX_ORDER), 0);
    for (int i = 0; i < 3; i++)
        free_pages(big[i], MAX_ORDER);
    CHECK_EQ(pages_free(), total);
}

TEST(buddies_merge_and_split)
{
    setup(NULL, 0);
    struct page_alloc_stats s0, s1;
    page_alloc_get_stats(&s0);
    phys_addr_t a = alloc_pages(0), b = alloc_pages(0);
    /* the lowest free block is split: a and b are buddies */
    CHECK_EQ(a ^ b, PAGE_SIZE);
    free_page(a);
    page_alloc_get_stats(&s1);
    CHECK_EQ(s1.nr_free[0], s0.nr_free[0] + 1);   /* a alone cannot merge yet */
    free_page(b);
    page_alloc_get_stats(&s1);
    for (int o = 0; o <= MAX_ORDER; o++)
        CHECK_EQ(s1.nr_free[o], s0.nr_free[o]);   /* all the way back up */
}

static bool all_bytes(phys_addr_t p, size_t n, unsigned char v)
{
    const unsigned char *b = phys_to_virt(p);
    for (size_t i = 0; i < n; i++)
        if (b[i] != v)
            return false;
    return true;
}

/* Memory the boot stages left (here: an arena full of 0xa5) and blocks freed with
 * free_pages_exec come back zero-filled, once; a plain free keeps the contents. */
TEST(boot_and_exec_pages_are_scrubbed_once)
{
    setup(NULL, 0);
    memset(arena, 0xa5, ARENA_SIZE);
    setup(NULL, 0);
    struct page_alloc_stats s0, s1;
    page_alloc_get_stats(&s0);
    CHECK_EQ(s0.scrubbed, 0);

    phys_addr_t p = alloc_pages(1);
    CHECK(p != 0);
    CHECK(all_bytes(p, 2 * PAGE_SIZE, 0));
    page_alloc_get_stats(&s1);
    CHECK_EQ(s1.scrubbed, 2);

    memset(phys_to_virt(p), 0x5a, 2 * PAGE_SIZE);
    free_pages(p, 1);
    phys_addr_t q = alloc_pages(1);
    CHECK_EQ(q, p);                                 /* the same block comes back */
    CHECK(all_bytes(q, 2 * PAGE_SIZE, 0x5a));       /* untouched: scrubbed already */
    page_alloc_get_stats(&s1);
    CHECK_EQ(s1.scrubbed, 2);

    free_pages_exec(q, 1);
    q = alloc_pages(1);
    CHECK_EQ(q, p);
    CHECK(all_bytes(q, 2 * PAGE_SIZE, 0));
    page_alloc_get_stats(&s1);
    CHECK_EQ(s1.scrubbed, 4);

    /* a neighbour never handed out is still unscrubbed: only first use pays */
    phys_addr_t r = alloc_pages(0);
    CHECK(r != 0 && all_bytes(r, PAGE_SIZE, 0));
    page_alloc_get_stats(&s1);
    CHECK_EQ(s1.scrubbed, 5);

    /* a bad free_pages_exec is counted like a bad free_pages, marking nothing */
    free_pages_exec(q, 0);                          /* wrong order */
    free_pages_exec(arena_phys + ARENA_SIZE, 0);    /* not managed */
    page_alloc_get_stats(&s1);
    CHECK_EQ(s1.bad_frees, 2);
    free_pages(q, 1);
    free_page(r);
    CHECK_EQ(pages_free(), pages_total());
}

TEST(double_and_bad_frees_are_counted_not_corrupting)
{
    setup(NULL, 0);
    uint64_t total = pages_total();
    phys_addr_t p = alloc_pages(2), q = alloc_pages(3);
    CHECK(p && q);
    free_pages(p, 2);
    free_pages(p, 2);                       /* double free */
    free_pages(q, 2);                       /* wrong order */
    free_pages(q + PAGE_SIZE, 0);           /* inside a block */
    free_pages(q + 100, 3);                 /* not page aligned */
    free_pages(0, 0);                       /* nothing */
    free_pages(arena_phys, 0);              /* descriptor array: not managed */
    free_pages(arena_phys + ARENA_SIZE, 0); /* beyond the arena */
    struct page_alloc_stats s;
    page_alloc_get_stats(&s);
    CHECK_EQ(s.bad_frees, 7);
    CHECK_EQ(pages_free(), total - 8);      /* only q is still out */
    free_pages(q, 3);
    CHECK_EQ(pages_free(), total);
    /* the allocator is still sound: every page can be taken exactly once */
    memset(shadow, 0, sizeof(shadow));
    uint64_t n = 0;
    int overlaps = 0;
    while ((p = alloc_page()) != 0) {
        overlaps += shadow_mark(p, 0, 1);
        n++;
    }
    CHECK_EQ(overlaps, 0);
    CHECK_EQ(n, total);
}

TEST(wild_memory_maps)
{
    if (!arena)
        setup(NULL, 0);
    /* unsorted, overlapping, unaligned, empty and wrapping ranges */
    struct mem_region fr[5] = {
        { arena_phys + (8ul << 20) + 17, 4ul << 20 },
        { arena_phys, 6ul << 20 },
        { arena_phys + (2ul << 20), 3ul << 20 },
        { arena_phys + 4096, 0 },
        { ~0ull - 4096, 1ull << 20 },
    };
    page_alloc_init(fr, 5, NULL, 0);
    uint64_t expect = (6ul << 20) / PAGE_SIZE + ((4ul << 20) - PAGE_SIZE) / PAGE_SIZE;
    uint64_t span = ((arena_phys + (12ul << 20) + 17) / PAGE_SIZE) - arena_phys / PAGE_SIZE;
    uint64_t desc = (span * sizeof(struct page) + PAGE_SIZE - 1) / PAGE_SIZE;
    CHECK_EQ(pages_total(), expect - desc);
    /* everything reserved: an empty allocator that fails cleanly */
    struct mem_region all = { 0, ~0ull };
    page_alloc_init(fr, 5, &all, 1);
    CHECK_EQ(pages_total(), 0);
    CHECK_EQ(alloc_page(), 0);
    free_page(arena_phys + (1ul << 20));
    struct page_alloc_stats s;
    page_alloc_get_stats(&s);
    CHECK_EQ(s.bad_frees, 1);
    /* free ranges too small to hold their descriptors: the top ones are dropped */
    struct mem_region sparse[2] = { { arena_phys, 2 * PAGE_SIZE }, { arena_phys + (1ull << 40), PAGE_SIZE } };
    page_alloc_init(sparse, 2, NULL, 0);
    CHECK_EQ(pages_total(), 1);
}
