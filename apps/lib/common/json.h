/* apps/lib/common/json.h - a small JSON reader and writer for the apps (iperf3d's
 * parameter and result exchange, httpd's /stats). Portable C: the same file builds with
 * apps/lib for wirepath and with the host's libc for Linux.
 *
 * Reader: no allocation and no tree; it validates a whole document (RFC 8259 grammar,
 * nesting bounded by JSON_MAX_DEPTH) and looks up one member of the top-level object at a
 * time. Numbers are integers or fixed-point (no floating point: wirepath apps are
 * integer-only); a fraction is kept to microseconds.
 *
 * Writer: appends to a caller's buffer, puts the commas itself, and remembers an
 * overflow instead of writing past the end (jw_ok() tells). */
#ifndef WP_APP_JSON_H
#define WP_APP_JSON_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define JSON_MAX_DEPTH 16

enum json_type { JSON_NONE, JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_OBJ, JSON_ARR };

struct json_val {
    enum json_type type;
    const char *p;          /* the value's text in the document */
    size_t len;             /* its length (a string's without the quotes) */
    bool b;                 /* JSON_BOOL */
    int64_t i;              /* JSON_NUM: integer part (truncated toward zero) */
    int64_t micro;          /* JSON_NUM: the value times 10^6, saturated */
};

/* true if doc[0..n) is one valid JSON value with only whitespace around it */
bool json_valid(const char *doc, size_t n);
/* Member `key` of the top-level object doc[0..n): true and *v filled if present.
 * Keys are compared as written (escapes in keys are not decoded). */
bool json_get(const char *doc, size_t n, const char *key, struct json_val *v);
/* Convenience: the member as an integer / boolean, or dflt when absent or another type. */
int64_t json_get_int(const char *doc, size_t n, const char *key, int64_t dflt);
bool json_get_bool(const char *doc, size_t n, const char *key, bool dflt);

struct jw {
    char *buf;
    size_t cap, len;
    bool overflow;
    int depth;
    bool need_comma[JSON_MAX_DEPTH + 1];
};
void jw_init(struct jw *w, char *buf, size_t cap);
void jw_obj(struct jw *w);                 /* { */
void jw_obj_end(struct jw *w);             /* } */
void jw_arr(struct jw *w);                 /* [ */
void jw_arr_end(struct jw *w);             /* ] */
void jw_key(struct jw *w, const char *k);  /* "k": (the next value is its value) */
void jw_int(struct jw *w, int64_t v);
void jw_uint(struct jw *w, uint64_t v);
void jw_bool(struct jw *w, bool v);
void jw_str(struct jw *w, const char *s);  /* escaped as needed */
void jw_fixed(struct jw *w, int64_t v, int decimals);  /* v / 10^decimals, e.g. 1.500000 */
void jw_raw(struct jw *w, const char *text, size_t n); /* an already valid JSON value */
/* the text so far is complete and fitted; buf is NUL-terminated whenever cap > 0 */
bool jw_ok(const struct jw *w);

#endif
