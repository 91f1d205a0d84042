/* kernel/time/tsc.c - the arithmetic of turning TSC cycles into nanoseconds and
 * calibration samples into a frequency. No hardware here (see pit.c, clock.c).
 * 128-bit products are fine freestanding (one mul); 128-bit division is not (it needs
 * libgcc), so divisions go through divq with an overflow check. */
#include "kernel/time/tsc.h"

#define NS_PER_MS 1000000ull

/* (a * b + add) / d with a 128-bit intermediate; UINT64_MAX when the quotient does not
 * fit (and for d == 0). */
static uint64_t mul_add_div(uint64_t a, uint64_t b, uint64_t add, uint64_t d)
{
    unsigned __int128 p = (unsigned __int128)a * b + add;
    uint64_t hi = (uint64_t)(p >> 64), lo = (uint64_t)p;
    if (d == 0 || hi >= d)
        return UINT64_MAX;
    uint64_t q, r;
    __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d));
    (void)r;
    return q;
}

uint64_t mul_div(uint64_t a, uint64_t b, uint64_t d)
{
    return mul_add_div(a, b, d / 2, d);
}

uint64_t tsc_calc_mult(uint64_t khz)
{
    if (!khz)
        return 0;
    /* ns per cycle = 1e6 / khz, with 32 fraction bits, rounded to nearest. */
    return mul_div(NS_PER_MS, 1ull << 32, khz);
}

uint64_t tsc_ns_to_cycles(uint64_t ns, uint64_t khz)
{
    return mul_add_div(ns, khz, NS_PER_MS - 1, NS_PER_MS);
}

uint64_t freq_khz(uint64_t delta, uint64_t window_ns)
{
    return window_ns ? mul_div(delta, NS_PER_MS, window_ns) : 0;
}

uint64_t median_u64(uint64_t *v, int n)
{
    if (n <= 0)
        return 0;
    for (int i = 1; i < n; i++) {
        uint64_t x = v[i];
        int j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
    return v[n / 2];
}
