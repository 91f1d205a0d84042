// SOURCES: kernel/cmdline.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_clock.c
#include "tests/unit/unit.h"
#include "kernel/cmdline.h"

TEST(keys_values_and_bare_words)
{
    CHECK_EQ(cmdline_parse("  ip=198.18.0.2/24 gw=198.18.0.1   quiet test=all "), 4);
    CHECK_STR(cmdline_get("ip"), "198.18.0.2/24");
    CHECK_STR(cmdline_get("gw"), "198.18.0.1");
    CHECK_STR(cmdline_get("quiet"), "");
    CHECK(cmdline_get("nope") == NULL);
    CHECK(cmdline_has("test"));
}

TEST(last_value_wins_and_first_equals_splits)
{
    cmdline_parse("a=1 nf=drop,proto=udp a=2 x==y");
    CHECK_STR(cmdline_get("a"), "2");
    CHECK_STR(cmdline_get("nf"), "drop,proto=udp");
    CHECK_STR(cmdline_get("x"), "=y");
}

TEST(numbers)
{
    cmdline_parse("n=42 h=0x1f bad=12z empty=");
    /* a value that is not a whole number, or is missing, gives the default */
    static const struct { const char *key; uint64_t dflt, want; } cases[] = {
        { "n", 0, 42 }, { "h", 0, 31 }, { "bad", 7, 7 }, { "empty", 9, 9 }, { "missing", 5, 5 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        CHECK_EQ(cmdline_get_u64(cases[i].key, cases[i].dflt), cases[i].want);
}

TEST(unknown_keys_reported_once)
{
    static const struct cmdline_key known[] = { { "ip", "" }, { "gw", "" } };
    cmdline_parse("ip=1 foo=2 gw=3 foo=4 bar");
    CHECK_EQ(cmdline_report_unknown(known, 2), 2);
}

TEST(long_line_is_bounded)
{
    char line[4000];
    memset(line, 'k', sizeof(line) - 1);
    line[sizeof(line) - 1] = 0;
    cmdline_parse(line);
    CHECK(strlen(cmdline_raw()) < 1024);
}
