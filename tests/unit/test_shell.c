/* tests/unit/test_shell.c - the serial shell's line editor, word splitting, command
 * table and dispatch, hosted. */
// SOURCES: kernel/shell/line.c kernel/shell/cmd.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_clock.c
#include "tests/unit/unit.h"
#include "kernel/shell/line.h"
#include "kernel/shell/shell.h"
#include "kernel/errno.h"

static char echoed[1024];
static size_t nechoed;
static void echo(const char *s, size_t n)
{
    if (nechoed + n < sizeof(echoed)) {
        memcpy(echoed + nechoed, s, n);
        nechoed += n;
        echoed[nechoed] = 0;
    }
}

/* Feed a string; return the result of the last byte. */
static enum line_result feed(struct line_editor *le, const char *s)
{
    enum line_result r = LINE_MORE;
    for (; *s; s++)
        r = line_feed(le, *s);
    return r;
}

static void reset(struct line_editor *le)
{
    nechoed = 0;
    echoed[0] = 0;
    line_init(le, echo);
}

TEST(line_plain_line_and_echo)
{
    struct line_editor le;
    reset(&le);
    CHECK_EQ(feed(&le, "ip addr"), LINE_MORE);
    CHECK_EQ(line_feed(&le, '\r'), LINE_DONE);
    CHECK_STR(le.buf, "ip addr");
    CHECK_STR(echoed, "ip addr\n");
}

TEST(line_backspace_and_del_rub_out)
{
    struct line_editor le;
    reset(&le);
    feed(&le, "pinh\bg 1\x7f" "10.0.2.2");
    CHECK_EQ(line_feed(&le, '\n'), LINE_DONE);
    CHECK_STR(le.buf, "ping 10.0.2.2");
    CHECK_STR(echoed, "pinh\b \bg 1\b \b10.0.2.2\n");
    /* backspace on an empty line does nothing, echoes nothing */
    reset(&le);
    feed(&le, "\b\x7f");
    CHECK_EQ(nechoed, 0);
    CHECK_EQ(line_feed(&le, '\r'), LINE_DONE);
    CHECK_STR(le.buf, "");
}

TEST(line_crlf_is_one_line_end)
{
    struct line_editor le;
    reset(&le);
    CHECK_EQ(feed(&le, "uptime\r"), LINE_DONE);
    CHECK_STR(le.buf, "uptime");
    CHECK_EQ(line_feed(&le, '\n'), LINE_MORE);        /* the LF of CR LF */
    CHECK_EQ(line_feed(&le, '\n'), LINE_DONE);        /* a second, empty line */
    CHECK_STR(le.buf, "");
}

TEST(line_ctrl_c_abandons_ctrl_u_clears)
{
    struct line_editor le;
    reset(&le);
    feed(&le, "reboot");
    CHECK_EQ(line_feed(&le, 0x03), LINE_INTR);
    CHECK_EQ(feed(&le, "help\r"), LINE_DONE);
    CHECK_STR(le.buf, "help");
    reset(&le);
    feed(&le, "abc\x15" "def\r");
    CHECK_STR(le.buf, "def");
}

TEST(line_escape_sequences_and_controls_ignored)
{
    struct line_editor le;
    reset(&le);
    feed(&le, "ss\x1b[A\x1b[1;5C\x1bOA -t\x01\x02\r");   /* arrows, Ctrl-A/B */
    CHECK_STR(le.buf, "ss -t");
    CHECK_STR(echoed, "ss -t\n");
}

TEST(line_full_line_rings_bell_keeps_what_fits)
{
    struct line_editor le;
    reset(&le);
    for (int i = 0; i < LINE_MAX + 20; i++)
        line_feed(&le, 'x');
    CHECK(strchr(echoed, '\a') != NULL);
    CHECK_EQ(line_feed(&le, '\r'), LINE_DONE);
    CHECK_EQ(strlen(le.buf), LINE_MAX - 1);
}

TEST(split_words_quotes_and_limits)
{
    char line[] = "  nf  add \"LOCAL_OUT:udp:dport=9:DROP\"\t x ";
    char *argv[8];
    CHECK_EQ(shell_split(line, argv, 8), 4);
    CHECK_STR(argv[0], "nf");
    CHECK_STR(argv[1], "add");
    CHECK_STR(argv[2], "LOCAL_OUT:udp:dport=9:DROP");
    CHECK_STR(argv[3], "x");
    char l2[] = "a b c";
    CHECK_EQ(shell_split(l2, argv, 2), -1);
    char l3[] = "echo \"open";
    CHECK_EQ(shell_split(l3, argv, 8), -1);
    char l4[] = "   ";
    CHECK_EQ(shell_split(l4, argv, 8), 0);
}

TEST(parse_uint_bounds)
{
    uint64_t v;
    CHECK(shell_parse_uint("3", 1, 10, &v) && v == 3);
    CHECK(!shell_parse_uint("0", 1, 10, &v));
    CHECK(!shell_parse_uint("11", 1, 10, &v));
    CHECK(!shell_parse_uint("1x", 0, 10, &v));
    CHECK(!shell_parse_uint("", 0, 10, &v));
    CHECK(!shell_parse_uint("-1", 0, 10, &v));
    CHECK(!shell_parse_uint("99999999999999999999999", 0, UINT64_MAX, &v));
}

static int last_argc;
static char last_args[256];
static int fake_cmd(int argc, char **argv)
{
    last_argc = argc;
    last_args[0] = 0;
    for (int i = 0; i < argc; i++) {
        strcat(last_args, argv[i]);
        strcat(last_args, "|");
    }
    return argc > 3 ? SHELL_USAGE : 0;
}
static const struct shell_cmd c_zz = { "zz", "zz [A] [B]", "test", fake_cmd };
static const struct shell_cmd c_aa = { "aa", "aa", "test", fake_cmd };

TEST(register_find_execute)
{
    CHECK_EQ(shell_register(&c_zz), 0);
    CHECK_EQ(shell_register(&c_aa), 0);
    CHECK_EQ(shell_register(&c_aa), -EEXIST);
    CHECK(shell_cmd_at(0) == &c_aa);            /* kept in name order */
    CHECK(shell_cmd_at(1) == &c_zz);
    CHECK(shell_cmd_at(2) == NULL);
    char l1[] = "zz one \"two words\"";
    CHECK_EQ(shell_execute(l1), 0);
    CHECK_EQ(last_argc, 3);
    CHECK_STR(last_args, "zz|one|two words|");
    char l2[] = "zz 1 2 3";
    CHECK_EQ(shell_execute(l2), SHELL_USAGE);
    char l3[] = "nosuch thing";
    CHECK_EQ(shell_execute(l3), SHELL_NOTFOUND);
    char l4[] = "";
    last_argc = -1;
    CHECK_EQ(shell_execute(l4), 0);
    CHECK_EQ(last_argc, -1);                     /* empty line runs nothing */
}
