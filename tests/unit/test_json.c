// SOURCES: apps/lib/common/json.c
/* tests/unit/test_json.c - the apps' JSON reader and writer (apps/lib/common/json.c):
 * RFC 8259 validity of good and bad documents, nesting bound, member lookup with the
 * values iperf3 sends, integer and fixed-point numbers, and writer output, escaping and
 * overflow. */
#include "tests/unit/unit.h"
#include "apps/lib/common/json.h"

static bool valid(const char *s) { return json_valid(s, strlen(s)); }

TEST(json_valid_documents)
{
    CHECK(valid("{\"tcp\":true,\"omit\":0,\"time\":1,\"num\":0,\"blockcount\":0,\"parallel\":1,"
                "\"len\":131072,\"pacing_timer\":1000,\"client_version\":\"3.12\"}"));
    CHECK(valid(" [1, -2, 3.25, 4e2, 5E-1, -0.0, true, false, null, \"x\", {}, []] "));
    CHECK(valid("\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9\""));
    CHECK(valid("{\"a\":{\"b\":[{\"c\":[[]]}]}}"));
    CHECK(valid("0"));
}

TEST(json_invalid_documents)
{
    const char *bad[] = { "", " ", "{", "}", "{\"a\":1,}", "[1,]", "[1 2]", "{\"a\" 1}",
                          "{a:1}", "01", "1.", ".5", "-", "1e", "+1", "\"abc", "\"a\x01\"",
                          "\"\\x\"", "\"\\u12\"", "tru", "nul", "{\"a\":1}x", "[1]]", "'a'",
                          "{\"a\":1 \"b\":2}" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(!valid(bad[i]));
    /* a NUL inside the length is not the end of the document */
    CHECK(!json_valid("{}\0{}", 5));
}

TEST(json_nesting_is_bounded)
{
    char deep[2 * JSON_MAX_DEPTH + 3];
    size_t n = 0;
    for (int i = 0; i < JSON_MAX_DEPTH; i++)
        deep[n++] = '[';
    for (int i = 0; i < JSON_MAX_DEPTH; i++)
        deep[n++] = ']';
    CHECK(json_valid(deep, n));
    n = 0;
    for (int i = 0; i <= JSON_MAX_DEPTH; i++)
        deep[n++] = '[';
    for (int i = 0; i <= JSON_MAX_DEPTH; i++)
        deep[n++] = ']';
    CHECK(!json_valid(deep, n));
}

TEST(json_get_members)
{
    const char *d = "{\"udp\":true,\"nested\":{\"len\":5},\"len\":1448,\"bandwidth\":10000000,"
                    "\"name\":\"a\\\"b\",\"flag\":1,\"neg\":-7,\"x\":null,\"f\":2.5}";
    size_t n = strlen(d);
    CHECK_EQ(json_get_int(d, n, "len", -1), 1448);       /* the top-level one */
    CHECK_EQ(json_get_int(d, n, "bandwidth", -1), 10000000);
    CHECK_EQ(json_get_int(d, n, "neg", 0), -7);
    CHECK_EQ(json_get_int(d, n, "missing", 42), 42);
    CHECK_EQ(json_get_int(d, n, "udp", 42), 42);          /* wrong type: the default */
    CHECK(json_get_bool(d, n, "udp", false));
    CHECK(json_get_bool(d, n, "flag", false));            /* iperf3 sends some flags as 1 */
    CHECK(!json_get_bool(d, n, "reverse", false));
    struct json_val v;
    CHECK(json_get(d, n, "name", &v));
    CHECK_EQ(v.type, JSON_STR);
    CHECK_EQ(v.len, 4);
    CHECK(!memcmp(v.p, "a\\\"b", 4));
    CHECK(json_get(d, n, "nested", &v));
    CHECK_EQ(v.type, JSON_OBJ);
    CHECK_EQ(json_get_int(v.p, v.len, "len", -1), 5);
    CHECK(json_get(d, n, "x", &v));
    CHECK_EQ(v.type, JSON_NULL);
    CHECK(json_get(d, n, "f", &v));
    CHECK_EQ(v.i, 2);
    CHECK_EQ(v.micro, 2500000);
    /* not an object, or broken after the member: nothing */
    CHECK(!json_get("[1]", 3, "a", &v));
    CHECK(!json_get("{\"a\":1,", 7, "b", &v));
    CHECK(!json_get("{}", 2, "a", &v));
}

TEST(json_numbers)
{
    struct json_val v;
    const char *d = "{\"a\":1.5e3,\"b\":-0.000001,\"c\":18446744073709551615,\"d\":7e-2,\"e\":123456789012}";
    size_t n = strlen(d);
    CHECK(json_get(d, n, "a", &v));
    CHECK_EQ(v.i, 1500);
    CHECK(json_get(d, n, "b", &v));
    CHECK_EQ(v.micro, -1);
    CHECK(json_get(d, n, "c", &v));                  /* what iperf3 prints for -1 */
    CHECK(v.i > 0);                                  /* saturated, not wrapped */
    CHECK(json_get(d, n, "d", &v));
    CHECK_EQ(v.micro, 70000);
    CHECK(json_get(d, n, "e", &v));
    CHECK_EQ(v.i, 123456789012ll);
}

TEST(json_writer_output)
{
    char buf[256];
    struct jw w;
    jw_init(&w, buf, sizeof(buf));
    jw_obj(&w);
    jw_key(&w, "id"); jw_int(&w, 1);
    jw_key(&w, "neg"); jw_int(&w, -1);
    jw_key(&w, "big"); jw_uint(&w, 18446744073709551615ull);
    jw_key(&w, "t"); jw_fixed(&w, 2001234, 6);
    jw_key(&w, "j"); jw_fixed(&w, -5, 3);
    jw_key(&w, "arr"); jw_arr(&w); jw_int(&w, 1); jw_bool(&w, false); jw_obj(&w); jw_obj_end(&w);
    jw_arr_end(&w);
    jw_key(&w, "s"); jw_str(&w, "q\"\\\n\x01");
    jw_key(&w, "raw"); jw_raw(&w, "null", 4);
    jw_obj_end(&w);
    CHECK(jw_ok(&w));
    CHECK_STR(buf, "{\"id\":1,\"neg\":-1,\"big\":18446744073709551615,\"t\":2.001234,\"j\":-0.005,"
                   "\"arr\":[1,false,{}],\"s\":\"q\\\"\\\\\\u000a\\u0001\",\"raw\":null}");
    CHECK(json_valid(buf, w.len));
    CHECK_EQ(w.len, strlen(buf));
}

TEST(json_writer_overflow_is_reported)
{
    char buf[16];
    struct jw w;
    jw_init(&w, buf, sizeof(buf));
    jw_obj(&w);
    jw_key(&w, "a_long_key"); jw_str(&w, "a long value that does not fit");
    jw_obj_end(&w);
    CHECK(!jw_ok(&w));
    CHECK(strlen(buf) < sizeof(buf));               /* never written past the end */
    jw_init(&w, buf, sizeof(buf));
    jw_obj(&w);                                     /* unbalanced: not complete */
    CHECK(!jw_ok(&w));
}
