// SOURCES: kernel/mm/kmalloc.c kernel/mm/dma.c kernel/mm/page_alloc.c kernel/mm/regions.c kernel/lib/vsprintf.c kernel/lib/string.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_clock.c
/* Hosted tests of kmalloc and dma_alloc_coherent over the page allocator on a malloc'd
 * arena ("physical" = host address). */
#include "tests/unit/unit.h"
#include "tests/unit/xorshift.h"
#include "kernel/mm/mm.h"

#define ARENA_SIZE (16ul << 20)
#define GRANULE 32
#define NGRANULES (ARENA_SIZE / GRANULE)

static char *arena;
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) { return xorshift64(&rng); }

static void setup(void)
{
    if (!arena)
        arena = aligned_alloc(4ul << 20, ARENA_SIZE);
    struct mem_region all = { (uintptr_t)arena, ARENA_SIZE };
    page_alloc_init(&all, 1, NULL, 0);
    kmalloc_init();
}

/* Shadow bitmap: one bit per 32-byte granule of the arena, set while allocated. */
static unsigned char shadow[NGRANULES / 8];
static int shadow_mark(const void *p, size_t size, int set)
{
    int bad = 0;
    size_t first = (size_t)((const char *)p - arena) / GRANULE;
    for (size_t i = first; i < first + size / GRANULE; i++) {
        if (((shadow[i / 8] >> (i % 8)) & 1) == set)
            bad++;
        shadow[i / 8] ^= 1 << (i % 8);
    }
    return bad;
}

static bool in_arena(const void *p, size_t n)
{
    return (const char *)p >= arena && (const char *)p + n <= arena + ARENA_SIZE;
}

TEST(size_classes_and_alignment)
{
    setup();
    static const size_t sizes[] = { 0, 1, 31, 32, 33, 64, 100, 128, 200, 256, 300, 512,
                                    513, 1024, 1500, 2048, 2049, 4096, 4097, 8192, 10000,
                                    65536, 4ul << 20 };
    static const size_t expect[] = { 32, 32, 32, 32, 64, 64, 128, 128, 256, 256, 512, 512,
                                     1024, 1024, 2048, 2048, 4096, 4096, 8192, 8192, 16384,
                                     65536, 4ul << 20 };
    void *p[ARRAY_SIZE(sizes)];
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        p[i] = kmalloc(sizes[i]);
        CHECK(p[i] != NULL);
        CHECK_EQ(ksize(p[i]), expect[i]);
        CHECK_EQ((uintptr_t)p[i] % expect[i], 0);       /* natural alignment */
        CHECK(in_arena(p[i], expect[i]));
    }
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
        kfree(p[i]);
    struct kmalloc_stats s;
    kmalloc_get_stats(&s);
    CHECK_EQ(s.allocs, ARRAY_SIZE(sizes));
    CHECK_EQ(s.frees, ARRAY_SIZE(sizes));
    CHECK_EQ(s.bytes_in_use, 0);
}

TEST(two_packet_buffers_share_a_page)
{
    setup();
    uint64_t before = pages_free();
    char *a = kmalloc(2048), *b = kmalloc(2048);
    CHECK_EQ(pages_free(), before - 1);
    CHECK_EQ(((uintptr_t)a ^ (uintptr_t)b), 2048);
    kfree(a);
    kfree(b);
    CHECK_EQ(pages_free(), before);
}

struct obj { unsigned char *p; size_t size, cap; unsigned char tag; };

TEST(stress_random_sizes_no_overlap_no_leak)
{
    setup();
    memset(shadow, 0, sizeof(shadow));
    uint64_t free0 = pages_free();
    static struct obj live[6000];
    int nlive = 0, overlaps = 0, corrupt = 0, misaligned = 0, outside = 0, fails = 0;
    for (int step = 0; step < 200000; step++) {
        if (nlive == 0 || (nlive < 6000 && rnd() % 100 < 52)) {
            unsigned r = rnd() % 100;
            size_t size = r < 70 ? 1 + rnd() % 512 : r < 95 ? 1 + rnd() % 4096 : 1 + rnd() % 40000;
            unsigned char *p = kmalloc(size);
            if (!p) {
                fails++;
                continue;
            }
            size_t cap = ksize(p);
            if (cap < size || cap < 32 || (uintptr_t)p % (cap > 4096 ? 4096 : cap))
                misaligned++;
            if (!in_arena(p, cap)) {
                outside++;
                continue;
            }
            overlaps += shadow_mark(p, cap, 1);
            unsigned char tag = (unsigned char)rnd();
            memset(p, tag, cap);
            live[nlive++] = (struct obj){ p, size, cap, tag };
        } else {
            int i = rnd() % nlive;
            for (size_t k = 0; k < live[i].cap; k++)
                if (live[i].p[k] != live[i].tag) {
                    corrupt++;
                    break;
                }
            overlaps += shadow_mark(live[i].p, live[i].cap, 0);
            kfree(live[i].p);
            live[i] = live[--nlive];
        }
    }
    CHECK_EQ(overlaps, 0);
    CHECK_EQ(corrupt, 0);
    CHECK_EQ(misaligned, 0);
    CHECK_EQ(outside, 0);
    while (nlive > 0) {
        nlive--;
        kfree(live[nlive].p);
    }
    struct kmalloc_stats s;
    kmalloc_get_stats(&s);
    CHECK_EQ(s.allocs, s.frees);
    CHECK_EQ(s.bytes_in_use, 0);
    CHECK_EQ(s.bad_frees, 0);
    CHECK_EQ(pages_free(), free0);
    fprintf(stderr, "  (%llu allocations, %d failed for lack of memory)\n",
            (unsigned long long)s.allocs, fails);
}

TEST(kfree_null_and_bad_pointers)
{
    setup();
    uint64_t free0 = pages_free();
    kfree(NULL);
    char *a = kmalloc(100), *b = kmalloc(100), *big = kmalloc(20000);
    int on_stack;
    kfree(a);
    kfree(a);                     /* double free */
    kfree(b + 8);                 /* inside an object */
    kfree(big + 4096);            /* inside a large object */
    kfree(&on_stack);             /* not heap at all */
    kfree(arena);                 /* page descriptors, not kmalloc's */
    struct kmalloc_stats s;
    kmalloc_get_stats(&s);
    CHECK_EQ(s.bad_frees, 5);
    CHECK_EQ(s.frees, 1);
    CHECK_EQ(ksize(a), 0);        /* freed */
    CHECK_EQ(ksize(b + 8), 0);
    CHECK_EQ(ksize(NULL), 0);
    /* nothing corrupted: a fresh object of that class is distinct from b */
    char *c = kmalloc(100), *d = kmalloc(100);
    CHECK(c != b && d != b && c != d);
    kfree(b);
    kfree(c);
    kfree(d);
    kfree(big);
    kmalloc_get_stats(&s);
    CHECK_EQ(s.bytes_in_use, 0);
    CHECK_EQ(pages_free(), free0);
}

TEST(oom_returns_null_and_recovers)
{
    setup();
    uint64_t free0 = pages_free();
    static void *objs[20000];
    int n = 0;
    void *p;
    while (n < 20000 && (p = kmalloc(2048)) != NULL)
        objs[n++] = p;
    CHECK_EQ(n, (int)(free0 * 2));
    CHECK(kmalloc(32) == NULL);
    CHECK(kmalloc(100000) == NULL);
    CHECK(kmalloc(5ul << 20) == NULL);       /* beyond the largest block in any case */
    struct kmalloc_stats s;
    kmalloc_get_stats(&s);
    CHECK_EQ(s.failures, 4);                 /* the one that ended the loop, too */
    for (int i = 0; i < n; i++)
        kfree(objs[i]);
    CHECK_EQ(pages_free(), free0);
    p = kmalloc(4ul << 20);
    CHECK(p != NULL);
    kfree(p);
}

TEST(kzalloc_zeroes_reused_memory)
{
    setup();
    unsigned char *p = kmalloc(512);
    memset(p, 0xa5, 512);
    kfree(p);
    unsigned char *q = kzalloc(500);
    CHECK(q == p);                /* same slot back: the test means something */
    int nonzero = 0;
    for (int i = 0; i < 500; i++)
        nonzero += q[i] != 0;
    CHECK_EQ(nonzero, 0);
    kfree(q);
}

TEST(dma_alloc_coherent_alignment_contiguity_zeroed)
{
    setup();
    static const size_t cases[][2] = {   /* size, align */
        { 16 * 16, 128 }, { 256 * 16, 128 }, { 2048, 2048 }, { 1500, 2048 }, { 100, 0 },
        { 64, 4096 }, { 10000, 0 }, { 4096 * 16, 65536 }, { 200, 1u << 20 },
    };
    void *v[ARRAY_SIZE(cases)];
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        dma_addr_t dma = 1;
        size_t size = cases[i][0], align = cases[i][1];
        v[i] = dma_alloc_coherent(size, align, &dma);
        CHECK(v[i] != NULL);
        CHECK_EQ(dma, virt_to_phys(v[i]));
        if (align)
            CHECK_EQ(dma % align, 0);
        /* contiguous: within one page, or a buddy block (hosted: nothing to check further) */
        if (size <= 4096)
            CHECK_EQ(dma / 4096, (dma + size - 1) / 4096);
        int nonzero = 0;
        for (size_t k = 0; k < size; k++)
            nonzero += ((unsigned char *)v[i])[k] != 0;
        CHECK_EQ(nonzero, 0);
        memset(v[i], 0xff, size);
    }
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        dma_free_coherent(v[i], cases[i][0]);
    dma_addr_t dma = 7;
    CHECK(dma_alloc_coherent(100, 3, &dma) == NULL);      /* not a power of two */
    CHECK_EQ(dma, 0);
    CHECK(dma_alloc_coherent(0, 64, &dma) == NULL);
    CHECK(dma_alloc_coherent(64, 64, NULL) == NULL);
    dma_free_coherent(NULL, 10);
    struct kmalloc_stats s;
    kmalloc_get_stats(&s);
    CHECK_EQ(s.bytes_in_use, 0);
    CHECK_EQ(s.bad_frees, 0);
}
