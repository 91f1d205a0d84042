/* apps/lib/common/json.c - see json.h. */
#include "json.h"
#include <string.h>

struct rd { const char *s, *e; };

static void ws(struct rd *r)
{
    while (r->s < r->e && (*r->s == ' ' || *r->s == '\t' || *r->s == '\n' || *r->s == '\r'))
        r->s++;
}

static bool lit(struct rd *r, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(r->e - r->s) < n || memcmp(r->s, w, n))
        return false;
    r->s += n;
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* at the opening quote; leaves r after the closing one */
static bool str(struct rd *r, struct json_val *v)
{
    if (r->s >= r->e || *r->s != '"')
        return false;
    const char *start = ++r->s;
    while (r->s < r->e) {
        unsigned char c = (unsigned char)*r->s;
        if (c == '"') {
            if (v) { v->type = JSON_STR; v->p = start; v->len = (size_t)(r->s - start); }
            r->s++;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c == '\\') {
            if (++r->s >= r->e)
                return false;
            char x = *r->s;
            if (x == 'u') {
                if (r->e - r->s < 5)
                    return false;
                for (int i = 1; i <= 4; i++)
                    if (hexval(r->s[i]) < 0)
                        return false;
                r->s += 4;
            } else if (!strchr("\"\\/bfnrt", x)) {
                return false;
            }
        }
        r->s++;
    }
    return false;
}

#define MICRO_MAX (INT64_MAX / 10)

static bool num(struct rd *r, struct json_val *v)
{
    const char *start = r->s;
    bool neg = false;
    if (r->s < r->e && *r->s == '-') { neg = true; r->s++; }
    if (r->s >= r->e || *r->s < '0' || *r->s > '9')
        return false;
    if (*r->s == '0' && r->e - r->s > 1 && r->s[1] >= '0' && r->s[1] <= '9')
        return false;                                   /* no leading zeros */
    int64_t ip = 0, frac = 0;
    bool sat = false;
    while (r->s < r->e && *r->s >= '0' && *r->s <= '9') {
        if (ip > (INT64_MAX - 9) / 10) sat = true; else ip = ip * 10 + (*r->s - '0');
        r->s++;
    }
    int fd = 0;
    if (r->s < r->e && *r->s == '.') {
        r->s++;
        if (r->s >= r->e || *r->s < '0' || *r->s > '9')
            return false;
        while (r->s < r->e && *r->s >= '0' && *r->s <= '9') {
            if (fd < 6) { frac = frac * 10 + (*r->s - '0'); fd++; }
            r->s++;
        }
    }
    for (; fd < 6; fd++)
        frac *= 10;
    int exp = 0;
    if (r->s < r->e && (*r->s == 'e' || *r->s == 'E')) {
        r->s++;
        bool eneg = false;
        if (r->s < r->e && (*r->s == '+' || *r->s == '-')) eneg = *r->s++ == '-';
        if (r->s >= r->e || *r->s < '0' || *r->s > '9')
            return false;
        while (r->s < r->e && *r->s >= '0' && *r->s <= '9') {
            if (exp < 1000) exp = exp * 10 + (*r->s - '0');
            r->s++;
        }
        if (eneg) exp = -exp;
    }
    if (v) {
        /* value * 10^6 from ip.frac, then the exponent; saturate rather than overflow */
        int64_t m = (sat || ip > MICRO_MAX / 1000000) ? INT64_MAX : ip * 1000000 + frac;
        for (int i = 0; i < exp && m != INT64_MAX; i++)
            m = m > MICRO_MAX ? INT64_MAX : m * 10;
        for (int i = 0; i > exp && m; i--)
            m /= 10;
        v->type = JSON_NUM;
        v->p = start;
        v->len = (size_t)(r->s - start);
        v->micro = neg ? -m : m;
        v->i = v->micro / 1000000;
        if (exp == 0 && !sat)
            v->i = neg ? -ip : ip;
    }
    return true;
}

static bool value(struct rd *r, struct json_val *v, int depth);

static bool container(struct rd *r, int depth, char close)
{
    if (depth >= JSON_MAX_DEPTH)
        return false;
    r->s++;
    ws(r);
    if (r->s < r->e && *r->s == close) {
        r->s++;
        return true;
    }
    for (;;) {
        if (close == '}') {
            if (!str(r, 0))
                return false;
            ws(r);
            if (r->s >= r->e || *r->s++ != ':')
                return false;
        }
        if (!value(r, 0, depth + 1))
            return false;
        ws(r);
        if (r->s >= r->e)
            return false;
        char c = *r->s++;
        if (c == close)
            return true;
        if (c != ',')
            return false;
        ws(r);
    }
}

static bool value(struct rd *r, struct json_val *v, int depth)
{
    ws(r);
    if (r->s >= r->e)
        return false;
    const char *start = r->s;
    bool ok;
    enum json_type t;
    switch (*r->s) {
    case '{': ok = container(r, depth, '}'); t = JSON_OBJ; break;
    case '[': ok = container(r, depth, ']'); t = JSON_ARR; break;
    case '"': return str(r, v);
    case 't': ok = lit(r, "true"); t = JSON_BOOL; if (v) v->b = true; break;
    case 'f': ok = lit(r, "false"); t = JSON_BOOL; if (v) v->b = false; break;
    case 'n': ok = lit(r, "null"); t = JSON_NULL; break;
    default: return num(r, v);
    }
    if (ok && v) {
        v->type = t;
        v->p = start;
        v->len = (size_t)(r->s - start);
    }
    return ok;
}

bool json_valid(const char *doc, size_t n)
{
    struct rd r = { doc, doc + n };
    if (!value(&r, 0, 0))
        return false;
    ws(&r);
    return r.s == r.e;
}

bool json_get(const char *doc, size_t n, const char *key, struct json_val *v)
{
    struct rd r = { doc, doc + n };
    ws(&r);
    if (r.s >= r.e || *r.s != '{')
        return false;
    r.s++;
    ws(&r);
    if (r.s < r.e && *r.s == '}')
        return false;
    size_t klen = strlen(key);
    for (;;) {
        struct json_val k;
        if (!str(&r, &k))
            return false;
        ws(&r);
        if (r.s >= r.e || *r.s++ != ':')
            return false;
        struct json_val val;
        memset(&val, 0, sizeof(val));
        if (!value(&r, &val, 1))
            return false;
        if (k.len == klen && !memcmp(k.p, key, klen)) {
            if (v)
                *v = val;
            return true;
        }
        ws(&r);
        if (r.s >= r.e || *r.s != ',')
            return false;
        r.s++;
        ws(&r);
    }
}

int64_t json_get_int(const char *doc, size_t n, const char *key, int64_t dflt)
{
    struct json_val v;
    return json_get(doc, n, key, &v) && v.type == JSON_NUM ? v.i : dflt;
}

bool json_get_bool(const char *doc, size_t n, const char *key, bool dflt)
{
    struct json_val v;
    if (!json_get(doc, n, key, &v))
        return dflt;
    if (v.type == JSON_BOOL)
        return v.b;
    if (v.type == JSON_NUM)          /* iperf3 sends some flags as 1 */
        return v.i != 0;
    return dflt;
}

/* ---- writer ---- */

static void out(struct jw *w, const char *s, size_t n)
{
    if (w->overflow || w->cap == 0 || w->len + n >= w->cap) {
        w->overflow = true;
        return;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = 0;
}

static void outc(struct jw *w, char c) { out(w, &c, 1); }

/* before a value or a key: the comma between siblings */
static void sep(struct jw *w)
{
    if (w->need_comma[w->depth])
        outc(w, ',');
    w->need_comma[w->depth] = true;
}

void jw_init(struct jw *w, char *buf, size_t cap)
{
    memset(w, 0, sizeof(*w));
    w->buf = buf;
    w->cap = cap;
    if (cap)
        buf[0] = 0;
}

static bool after_key(struct jw *w)
{
    /* a key already placed the comma; the value that follows must not place another */
    return w->len && w->buf[w->len - 1] == ':';
}

static void open_(struct jw *w, char c)
{
    if (!after_key(w))
        sep(w);
    outc(w, c);
    if (w->depth < JSON_MAX_DEPTH)
        w->depth++;
    else
        w->overflow = true;
    w->need_comma[w->depth] = false;
}

static void close_(struct jw *w, char c)
{
    if (w->depth > 0)
        w->depth--;
    outc(w, c);
}

void jw_obj(struct jw *w) { open_(w, '{'); }
void jw_obj_end(struct jw *w) { close_(w, '}'); }
void jw_arr(struct jw *w) { open_(w, '['); }
void jw_arr_end(struct jw *w) { close_(w, ']'); }

static void scalar(struct jw *w, const char *s, size_t n)
{
    if (!after_key(w))
        sep(w);
    out(w, s, n);
}

static void quoted(struct jw *w, const char *s)
{
    outc(w, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char e[2] = { '\\', (char)c };
            out(w, e, 2);
        } else if (c < 0x20) {
            static const char hex[] = "0123456789abcdef";
            char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            out(w, e, 6);
        } else {
            outc(w, (char)c);
        }
    }
    outc(w, '"');
}

void jw_key(struct jw *w, const char *k)
{
    sep(w);
    quoted(w, k);
    outc(w, ':');
}

void jw_uint(struct jw *w, uint64_t v)
{
    char t[24];
    int n = 0;
    do { t[sizeof(t) - 1 - n++] = (char)('0' + v % 10); v /= 10; } while (v);
    scalar(w, t + sizeof(t) - n, (size_t)n);
}

void jw_int(struct jw *w, int64_t v)
{
    if (v >= 0) {
        jw_uint(w, (uint64_t)v);
        return;
    }
    if (!after_key(w))
        sep(w);
    outc(w, '-');
    /* the '-' placed the comma already: write the digits as a continuation */
    char t[24];
    int n = 0;
    uint64_t u = (uint64_t)0 - (uint64_t)v;
    do { t[sizeof(t) - 1 - n++] = (char)('0' + u % 10); u /= 10; } while (u);
    out(w, t + sizeof(t) - n, (size_t)n);
}

void jw_bool(struct jw *w, bool v) { scalar(w, v ? "true" : "false", v ? 4 : 5); }

void jw_str(struct jw *w, const char *s)
{
    if (!after_key(w))
        sep(w);
    quoted(w, s);
}

void jw_fixed(struct jw *w, int64_t v, int decimals)
{
    uint64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    bool neg = v < 0;
    uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char t[48];
    int n = 0;
    uint64_t f = u % scale, ip = u / scale;
    for (int i = 0; i < decimals; i++) { t[sizeof(t) - 1 - n++] = (char)('0' + f % 10); f /= 10; }
    if (decimals)
        t[sizeof(t) - 1 - n++] = '.';
    do { t[sizeof(t) - 1 - n++] = (char)('0' + ip % 10); ip /= 10; } while (ip);
    if (neg)
        t[sizeof(t) - 1 - n++] = '-';
    scalar(w, t + sizeof(t) - n, (size_t)n);
}

void jw_raw(struct jw *w, const char *text, size_t n) { scalar(w, text, n); }

bool jw_ok(const struct jw *w) { return !w->overflow && w->depth == 0; }
