/* apps/httpd/http_parse.c - see http_parse.h. */
#include "http_parse.h"
#include <string.h>

static bool token_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static bool ieq(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (an != bn)
        return false;
    for (size_t i = 0; i < an; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

/* does a comma-separated header value contain the token tok? */
static bool has_token(const char *v, size_t n, const char *tok)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t s = i;
        while (i < n && v[i] != ',' && v[i] != ' ' && v[i] != '\t')
            i++;
        if (i > s && ieq(v + s, i - s, tok))
            return true;
    }
    return false;
}

size_t http_head_len(const char *buf, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (buf[i] != '\n')
            continue;
        if (buf[i + 1] == '\n')
            return i + 2;
        if (buf[i + 1] == '\r' && i + 2 < n && buf[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

int http_parse_head(const char *p, size_t hlen, struct http_req *r)
{
    const char *end = p + hlen;
    const char *eol = memchr(p, '\n', hlen);
    if (!eol)
        return 400;
    size_t llen = (size_t)(eol - p);
    if (llen && p[llen - 1] == '\r')
        llen--;
    /* request line: METHOD SP TARGET SP HTTP/1.x */
    size_t i = 0;
    while (i < llen && token_char(p[i]))
        i++;
    size_t mlen = i;
    if (!mlen || i >= llen || p[i] != ' ')
        return 400;
    size_t ts = ++i;
    while (i < llen && p[i] != ' ')
        i++;
    size_t tlen = i - ts;
    if (!tlen || i >= llen || p[i] != ' ' || llen - i - 1 != 8 || memcmp(p + i + 1, "HTTP/", 5) ||
        p[i + 6] < '0' || p[i + 6] > '9' || p[i + 7] != '.' || p[i + 8] < '0' || p[i + 8] > '9')
        return 400;
    if (p[i + 6] != '1')
        return 505;
    r->http10 = p[i + 8] == '0';
    r->target = p + ts;
    r->target_len = tlen;
    for (size_t k = 0; k < tlen; k++)
        if ((unsigned char)r->target[k] <= 0x20 || (unsigned char)r->target[k] >= 0x7f)
            return 400;
    r->path_len = 0;
    while (r->path_len < tlen && r->target[r->path_len] != '?' && r->target[r->path_len] != '#')
        r->path_len++;
    r->get = mlen == 3 && !memcmp(p, "GET", 3);
    r->head = mlen == 4 && !memcmp(p, "HEAD", 4);

    /* header fields */
    bool host = false, conn_close = false, conn_keep = false, te = false;
    long long clen = -1;
    const char *l = eol + 1;
    while (l < end) {
        const char *le = memchr(l, '\n', (size_t)(end - l));
        if (!le)
            return 400;
        size_t n = (size_t)(le - l);
        if (n && l[n - 1] == '\r')
            n--;
        if (!n)
            break;                  /* the empty line */
        size_t k = 0;
        while (k < n && token_char(l[k]))
            k++;
        if (!k || k >= n || l[k] != ':')
            return 400;             /* also obsolete line folding (a leading space) */
        const char *v = l + k + 1;
        size_t vn = n - k - 1;
        while (vn && (*v == ' ' || *v == '\t')) { v++; vn--; }
        while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t')) vn--;
        if (ieq(l, k, "host")) {
            if (host)
                return 400;
            host = true;
        } else if (ieq(l, k, "connection")) {
            conn_close |= has_token(v, vn, "close");
            conn_keep |= has_token(v, vn, "keep-alive");
        } else if (ieq(l, k, "content-length")) {
            long long x = 0;
            if (!vn)
                return 400;
            for (size_t d = 0; d < vn; d++) {
                if (v[d] < '0' || v[d] > '9' || x > (1ll << 50))
                    return 400;
                x = x * 10 + (v[d] - '0');
            }
            if (clen >= 0 && clen != x)
                return 400;
            clen = x;
        } else if (ieq(l, k, "transfer-encoding")) {
            te = true;
        }
        l = le + 1;
    }
    if (!r->http10 && !host)
        return 400;
    if (te)
        return 501;
    r->content_length = clen;
    r->keep = r->http10 ? conn_keep && !conn_close : !conn_close;
    return 0;
}
