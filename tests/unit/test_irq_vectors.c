// SOURCES: kernel/arch/vector_map.c
/* The device vector allocator: distinct vectors within the range, refusal when
 * exhausted, no immediate reuse of a freed vector, bad frees rejected. */
#include "tests/unit/unit.h"
#include "kernel/arch/vector_map.h"
#include "kernel/errno.h"

TEST(hands_out_every_vector_once_then_refuses)
{
    struct vector_map m;
    vector_map_init(&m, 48, 238);
    CHECK_EQ(vector_map_free_count(&m), 191);
    int seen[256] = { 0 };
    for (int i = 0; i < 191; i++) {
        int v = vector_map_alloc(&m);
        CHECK(v >= 48 && v <= 238);
        if (v >= 0 && v < 256)
            seen[v]++;
    }
    for (int v = 48; v <= 238; v++)
        CHECK_EQ(seen[v], 1);
    CHECK_EQ(vector_map_alloc(&m), 0);
    CHECK_EQ(vector_map_free_count(&m), 0);
    CHECK_EQ(vector_map_free(&m, 100), 0);
    CHECK_EQ(vector_map_alloc(&m), 100);
    CHECK_EQ(vector_map_alloc(&m), 0);
}

TEST(freed_vector_not_reused_at_once)
{
    struct vector_map m;
    vector_map_init(&m, 48, 238);
    int a = vector_map_alloc(&m);
    CHECK_EQ(vector_map_free(&m, a), 0);
    int b = vector_map_alloc(&m);
    CHECK(b != a);
    CHECK(vector_map_test(&m, b));
    CHECK(!vector_map_test(&m, a));
}

TEST(bad_frees_rejected)
{
    struct vector_map m;
    vector_map_init(&m, 48, 238);
    CHECK_EQ(vector_map_free(&m, 60), -EINVAL);     /* never allocated */
    CHECK_EQ(vector_map_free(&m, 14), -EINVAL);     /* outside the range */
    CHECK_EQ(vector_map_free(&m, 239), -EINVAL);
    CHECK_EQ(vector_map_free(&m, -1), -EINVAL);
    CHECK_EQ(vector_map_free(&m, 1000), -EINVAL);
    int v = vector_map_alloc(&m);
    CHECK_EQ(vector_map_free(&m, v), 0);
    CHECK_EQ(vector_map_free(&m, v), -EINVAL);      /* double free */
    CHECK_EQ(vector_map_free_count(&m), 191);
}

TEST(wraps_around_the_range)
{
    struct vector_map m;
    vector_map_init(&m, 250, 253);
    CHECK_EQ(vector_map_alloc(&m), 250);
    CHECK_EQ(vector_map_alloc(&m), 251);
    CHECK_EQ(vector_map_alloc(&m), 252);
    CHECK_EQ(vector_map_free(&m, 250), 0);
    CHECK_EQ(vector_map_alloc(&m), 253);
    CHECK_EQ(vector_map_alloc(&m), 250);            /* wrapped */
    CHECK_EQ(vector_map_alloc(&m), 0);
}

TEST(empty_or_clamped_ranges)
{
    struct vector_map m;
    vector_map_init(&m, 10, 9);
    CHECK_EQ(vector_map_alloc(&m), 0);
    vector_map_init(&m, 0, 0);                      /* 0 means "none": never handed out */
    CHECK_EQ(vector_map_alloc(&m), 0);
    vector_map_init(&m, 255, 300);
    CHECK_EQ(vector_map_alloc(&m), 255);
    CHECK_EQ(vector_map_alloc(&m), 0);
}
