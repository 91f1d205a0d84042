/* apps/httpd/http_parse.h - the HTTP/1.1 request head parser (RFC 9112), apart from the
 * server so that it can be tested and fuzzed on its own. Pure: no I/O, no allocation; it
 * reads only the bytes it is given. */
#ifndef WP_APP_HTTP_PARSE_H
#define WP_APP_HTTP_PARSE_H
#include <stddef.h>
#include <stdbool.h>

struct http_req {
    bool get, head;              /* the method; neither: another well-formed method */
    bool http10;                 /* HTTP/1.0 (else 1.x) */
    bool keep;                   /* keep the connection after the response */
    const char *target;          /* request target, inside the buffer */
    size_t target_len;
    size_t path_len;             /* the target up to '?' or '#' */
    long long content_length;    /* -1: no Content-Length */
};

/* Length of the request head at buf[0..n) through its empty line (CRLF CRLF, or bare LF
 * LF as RFC 9112 allows); 0 while it is not complete. */
size_t http_head_len(const char *buf, size_t n);

/* Parse a complete head of hlen bytes (from http_head_len). 0 with *r filled, or the
 * status to answer: 400 (malformed request line or header field, HTTP/1.1 without Host,
 * duplicate Host, bad or conflicting Content-Length), 501 (Transfer-Encoding: request
 * bodies other than Content-Length are not supported), 505 (not HTTP/1.x). */
int http_parse_head(const char *buf, size_t hlen, struct http_req *r);

#endif
