// SOURCES: apps/lib/common/json.c
/* tests/fuzz/fuzz_json.c - the apps' JSON reader (apps/lib/common/json.c), which parses
 * whatever an iperf3 client sends to iperf3d: no overread of the exact-size input, no
 * unbounded recursion, and a member found lies inside the document; a string value
 * found in a valid document is itself valid once quoted. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "apps/lib/common/json.h"

static void inside(const char *doc, size_t n, const struct json_val *v)
{
    if (v->p < doc || v->p + v->len > doc + n)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *doc = malloc(size ? size : 1);
    memcpy(doc, data, size);
    bool ok = json_valid(doc, size);
    static const char *const keys[] = { "tcp", "udp", "len", "parallel", "reverse", "a", "" };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        struct json_val v;
        if (!json_get(doc, size, keys[i], &v))
            continue;
        inside(doc, size, &v);
        if (ok && v.type == JSON_STR && !json_valid(v.p - 1, v.len + 2))
            abort();
        (void)json_get_int(doc, size, keys[i], 0);
        (void)json_get_bool(doc, size, keys[i], false);
    }
    free(doc);
    return 0;
}
