// SOURCES: kernel/time/tsc.c
/* Clock arithmetic: cycles <-> ns conversion over long uptimes, calibration maths,
 * median, and the uncalibrated (0 kHz) case. */
#include "tests/unit/unit.h"
#include "kernel/time/tsc.h"

TEST(uncalibrated_clock_reads_zero)
{
    CHECK_EQ(tsc_calc_mult(0), 0);
    CHECK_EQ(tsc_cycles_to_ns(123456789, 0), 0);
    CHECK_EQ(freq_khz(1000, 0), 0);
}

TEST(one_second_of_cycles_is_one_second)
{
    uint64_t khzs[] = { 100000, 1000000, 2394123, 2500000, 3000000, 5123456 };
    for (unsigned i = 0; i < sizeof(khzs) / sizeof(khzs[0]); i++) {
        uint64_t m = tsc_calc_mult(khzs[i]);
        uint64_t ns = tsc_cycles_to_ns(khzs[i] * 1000, m);
        CHECK(ns >= 999999999 && ns <= 1000000001);
    }
}

TEST(long_uptime_does_not_overflow)
{
    /* 30 days at 3 GHz: cycles * mult overflows 64 bits, the 128-bit product does not */
    uint64_t khz = 3000000, m = tsc_calc_mult(khz);
    uint64_t cycles = 30ull * 86400 * 3000000000ull;
    uint64_t ns = tsc_cycles_to_ns(cycles, m);
    uint64_t want = 30ull * 86400 * 1000000000ull;
    uint64_t diff = ns > want ? ns - want : want - ns;
    CHECK(diff < want / 1000000000ull * 2 + 2);     /* a few ppb */
}

TEST(ns_to_cycles_rounds_up)
{
    CHECK_EQ(tsc_ns_to_cycles(1000, 2500000), 2500);   /* 1 us at 2.5 GHz */
    CHECK_EQ(tsc_ns_to_cycles(1, 2500000), 3);         /* 2.5 -> 3, never short */
    CHECK_EQ(tsc_ns_to_cycles(0, 2500000), 0);
    CHECK_EQ(tsc_ns_to_cycles(10000000, 2394123), 23941230);
    /* large values do not overflow: 1 hour at 4 GHz */
    CHECK_EQ(tsc_ns_to_cycles(3600ull * 1000000000ull, 4000000), 14400000000000ull);
}

TEST(frequency_from_a_window)
{
    CHECK_EQ(freq_khz(25000000, 10000000), 2500000);   /* 25M cycles in 10 ms */
    CHECK_EQ(freq_khz(23941234, 10000000), 2394123);
    CHECK_EQ(mul_div(10, 10, 0), UINT64_MAX);
    CHECK_EQ(mul_div(UINT64_MAX, UINT64_MAX, 1), UINT64_MAX);   /* does not fit */
    CHECK_EQ(mul_div(UINT64_MAX, 3, 3), UINT64_MAX);
    CHECK_EQ(mul_div(1ull << 62, 8, 16), 1ull << 61);
}

TEST(median)
{
    uint64_t a[] = { 5, 1, 4, 2, 3 };
    CHECK_EQ(median_u64(a, 5), 3);
    CHECK_EQ(a[0], 1);
    CHECK_EQ(a[4], 5);
    uint64_t b[] = { 2500000, 3376514, 2500068 };      /* one disturbed window */
    CHECK_EQ(median_u64(b, 3), 2500068);
    uint64_t c[] = { 7 };
    CHECK_EQ(median_u64(c, 1), 7);
    CHECK_EQ(median_u64(c, 0), 0);
}
