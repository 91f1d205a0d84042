// SOURCES: kernel/lib/vsprintf.c kernel/lib/string.c
#include "tests/unit/unit.h"
#include "kernel/printk.h"

static const char *fmt(const char *f, ...)
{
    static char buf[256];
    va_list ap;
    va_start(ap, f);
    wp_vsnprintf(buf, sizeof(buf), f, ap);
    va_end(ap);
    return buf;
}

TEST(integers)
{
    CHECK_STR(fmt("%d %i %u", -42, 7, 4000000000u), "-42 7 4000000000");
    CHECK_STR(fmt("%x %X %o", 0xbeefu, 0xbeefu, 8u), "beef BEEF 10");
    CHECK_STR(fmt("%lx %llu %lld", 0xdeadbeefcafeul, 18446744073709551615ull, -9223372036854775807ll - 1),
              "deadbeefcafe 18446744073709551615 -9223372036854775808");
    CHECK_STR(fmt("%zu %hhx %hd", (size_t)12, 0x1ff, 70000), "12 ff 4464");
}

TEST(widths_and_flags)
{
    CHECK_STR(fmt("[%5d]", 42), "[   42]");
    CHECK_STR(fmt("[%-5d]", 42), "[42   ]");
    CHECK_STR(fmt("[%05d]", -42), "[-0042]");
    CHECK_STR(fmt("[%08x]", 0xabcu), "[00000abc]");
    CHECK_STR(fmt("[%*d]", 4, 1), "[   1]");
    CHECK_STR(fmt("[%.3d]", 5), "[005]");
    CHECK_STR(fmt("[%#x]", 255u), "[0xff]");
    CHECK_STR(fmt("[%+d]", 3), "[+3]");
}

TEST(strings_chars_pointers)
{
    CHECK_STR(fmt("%s|%-4s|%4s|%.2s", "abc", "ab", "ab", "abcdef"), "abc|ab  |  ab|ab");
    CHECK_STR(fmt("%c%c%%", 'o', 'k'), "ok%");
    CHECK_STR(fmt("%s", (char *)NULL), "(null)");
    CHECK_STR(fmt("%p", (void *)0x1234), "0x0000000000001234");
}

TEST(truncation_returns_full_length)
{
    char small[8];
    int n = wp_snprintf(small, sizeof(small), "%s", "0123456789");
    CHECK_EQ(n, 10);
    CHECK_STR(small, "0123456");
    CHECK_EQ(wp_snprintf(NULL, 0, "%d", 12345), 5);
}

TEST(unknown_conversion_is_visible)
{
    CHECK_STR(fmt("%q"), "%q");
}
