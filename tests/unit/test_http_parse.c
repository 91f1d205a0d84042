// SOURCES: apps/httpd/http_parse.c
/* tests/unit/test_http_parse.c - httpd's request head parser (apps/httpd/http_parse.c):
 * where a head ends, methods, targets and paths, HTTP/1.0 and 1.1 keep-alive rules, and
 * the status for each kind of malformed request (RFC 9112). */
#include "tests/unit/unit.h"
#include "apps/httpd/http_parse.h"

static int parse(const char *s, struct http_req *r)
{
    size_t n = strlen(s), h = http_head_len(s, n);
    if (!h)
        return -1;                  /* incomplete */
    return http_parse_head(s, h, r);
}

TEST(http_head_len_finds_the_empty_line)
{
    CHECK_EQ(http_head_len("GET / HTTP/1.1\r\nHost: x\r\n\r\nrest", 31), 27);
    CHECK_EQ(http_head_len("GET / HTTP/1.1\nHost: x\n\nrest", 28), 24);
    CHECK_EQ(http_head_len("GET / HTTP/1.1\r\nHost: x\r\n", 25), 0);
    CHECK_EQ(http_head_len("GET / HTTP/1.1\r\nHost: x\r\n\r", 26), 0);
    CHECK_EQ(http_head_len("", 0), 0);
    CHECK_EQ(http_head_len("\n", 1), 0);
}

TEST(http_parse_get_head_and_paths)
{
    struct http_req r;
    CHECK_EQ(parse("GET /1k?x=1#f HTTP/1.1\r\nHost: a\r\n\r\n", &r), 0);
    CHECK(r.get && !r.head && !r.http10 && r.keep);
    CHECK_EQ(r.target_len, 9);
    CHECK_EQ(r.path_len, 3);
    CHECK(!memcmp(r.target, "/1k", 3));
    CHECK_EQ(r.content_length, -1);
    CHECK_EQ(parse("HEAD / HTTP/1.1\r\nhOsT:a\r\n\r\n", &r), 0);
    CHECK(r.head && !r.get);
    CHECK_EQ(parse("DELETE /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n", &r), 0);
    CHECK(!r.get && !r.head);
    CHECK_EQ(r.content_length, 5);
}

TEST(http_parse_keep_alive_rules)
{
    struct http_req r;
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", &r), 0);
    CHECK(!r.keep);
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, Close\r\n\r\n", &r), 0);
    CHECK(!r.keep);
    CHECK_EQ(parse("GET / HTTP/1.0\r\n\r\n", &r), 0);      /* 1.0 needs no Host */
    CHECK(r.http10 && !r.keep);
    CHECK_EQ(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r), 0);
    CHECK(r.keep);
}

TEST(http_parse_malformed)
{
    struct http_req r;
    CHECK_EQ(parse("GET / HTTP/1.1\r\n\r\n", &r), 400);                    /* no Host */
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", &r), 400);         /* two spaces */
    CHECK_EQ(parse("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTX/1.1\r\nHost: a\r\n\r\n", &r), 400);
    CHECK_EQ(parse("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost a\r\n\r\n", &r), 400);           /* no colon */
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost : a\r\n\r\n", &r), 400);         /* space before colon */
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", &r), 501);
    CHECK_EQ(parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n", &r), 505);
    CHECK_EQ(parse("\x01\x02garbage\r\n\r\n", &r), 400);
}
