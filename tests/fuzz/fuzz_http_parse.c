// SOURCES: apps/httpd/http_parse.c
/* tests/fuzz/fuzz_http_parse.c - httpd's request head parser (apps/httpd/http_parse.c),
 * which reads whatever a client sends: no overread of the exact-size input; a head ends
 * inside the input; an accepted request's target and path lie inside the head and the
 * method flags agree with the request line; an error is one of the statuses the parser
 * promises. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "apps/httpd/http_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size ? size : 1);
    memcpy(buf, data, size);
    size_t h = http_head_len(buf, size);
    if (h > size)
        abort();
    if (h) {
        struct http_req r;
        int st = http_parse_head(buf, h, &r);
        if (st == 0) {
            if (r.target < buf || r.target + r.target_len > buf + h || r.path_len > r.target_len)
                abort();
            if (r.get != (h >= 4 && !memcmp(buf, "GET ", 4)) ||
                r.head != (h >= 5 && !memcmp(buf, "HEAD ", 5)))
                abort();
            if (r.content_length < -1)
                abort();
        } else if (st != 400 && st != 501 && st != 505) {
            abort();
        }
    }
    free(buf);
    return 0;
}
