/* tests/unit/unit.h - the hosted unit-test harness.
 *
 * A test file names the kernel sources it exercises in a line of the form
 *     // SOURCES: kernel/lib/vsprintf.c kernel/lib/string.c
 * tests/unit/run.sh compiles them together with -DWP_HOSTED and the sanitizers, runs the
 * binary, and sums the "N passed, N failed" line every binary ends with.
 *
 *   TEST(vsprintf_widths) { CHECK(x == 1); CHECK_EQ(a, b); CHECK_STR(s, "abc"); }
 *
 * A file may name checks that hold after every one of its tests (nothing leaked, nothing
 * left queued); they run after each test, and a failure there fails that test, so a
 * leak is pinned on the test that made it whatever the order the tests run in:
 *
 *   TEARDOWN() { CHECK_EQ(skbs_alive(), 0); }
 */
#ifndef WP_UNIT_H
#define WP_UNIT_H

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

struct unit_test { const char *name; void (*fn)(void); struct unit_test *next; };
extern struct unit_test *unit_tests;
extern int unit_failed_checks;
extern void (*unit_teardown)(void);

#define TEST(n)                                                              \
    static void test_##n(void);                                              \
    static struct unit_test ut_##n = { #n, test_##n, 0 };                    \
    __attribute__((constructor)) static void reg_##n(void)                   \
    { ut_##n.next = unit_tests; unit_tests = &ut_##n; }                      \
    static void test_##n(void)

#define TEARDOWN()                                                           \
    static void unit_teardown_fn(void);                                      \
    __attribute__((constructor)) static void unit_teardown_reg(void)         \
    { unit_teardown = unit_teardown_fn; }                                    \
    static void unit_teardown_fn(void)

#define CHECK(c) do { if (!(c)) { unit_failed_checks++;                      \
        fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c); } } while (0)
#define CHECK_EQ(a, b) do { long long __a = (long long)(a), __b = (long long)(b);  \
        if (__a != __b) { unit_failed_checks++;                              \
        fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n",        \
                __FILE__, __LINE__, #a, __a, #b, __b); } } while (0)
#define CHECK_STR(a, b) do { const char *__a = (a), *__b = (b);              \
        if (strcmp(__a, __b)) { unit_failed_checks++;                        \
        fprintf(stderr, "  %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, __a, __b); } } while (0)

#endif
