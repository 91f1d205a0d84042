/* net/netfilter/nf_rules.c - the rule table: text syntax (see netfilter.h), append,
 * delete, flush, formatting and the dump. Matching is in core.c. */
#include "net/netfilter/netfilter.h"
#include "net/netfilter/nf_internal.h"
#include "net/ipv4/ip_hdr.h"
#include "kernel/arch/x86.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

struct nf_rule nf_rules[NF_MAX_RULES];
int nf_nrules;
int nf_hook_nrules[NF_INET_NUMHOOKS];

static const struct { const char *name; unsigned hook; } hook_names[] = {
    { "PRE_ROUTING", NF_INET_PRE_ROUTING }, { "PREROUTING", NF_INET_PRE_ROUTING },
    { "LOCAL_IN", NF_INET_LOCAL_IN }, { "INPUT", NF_INET_LOCAL_IN },
    { "LOCAL_OUT", NF_INET_LOCAL_OUT }, { "OUTPUT", NF_INET_LOCAL_OUT },
    { "POST_ROUTING", NF_INET_POST_ROUTING }, { "POSTROUTING", NF_INET_POST_ROUTING },
};

const char *nf_hook_name(unsigned int hook)
{
    switch (hook) {
    case NF_INET_PRE_ROUTING: return "PRE_ROUTING";
    case NF_INET_LOCAL_IN: return "LOCAL_IN";
    case NF_INET_FORWARD: return "FORWARD";
    case NF_INET_LOCAL_OUT: return "LOCAL_OUT";
    case NF_INET_POST_ROUTING: return "POST_ROUTING";
    default: return "?";
    }
}

/* Case-insensitive comparison of a counted token with a word. */
static bool tok_eq(const char *t, size_t n, const char *w)
{
    size_t i = 0;
    for (; i < n && w[i]; i++) {
        char c = t[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        char d = w[i];
        if (d >= 'a' && d <= 'z')
            d = (char)(d - 'a' + 'A');
        if (c != d)
            return false;
    }
    return i == n && !w[i];
}

/* Decimal number of at most max, the whole token. */
static int parse_num(const char *t, size_t n, unsigned max, unsigned *out)
{
    if (n == 0 || n > 5)
        return -EINVAL;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i] < '0' || t[i] > '9')
            return -EINVAL;
        v = v * 10 + (unsigned)(t[i] - '0');
    }
    if (v > max)
        return -EINVAL;
    *out = v;
    return 0;
}

static int parse_addr(const char *t, size_t n, uint32_t *addr, uint32_t *mask)
{
    char buf[24];
    if (n == 0 || n >= sizeof(buf))
        return -EINVAL;
    memcpy(buf, t, n);
    buf[n] = 0;
    const char *e = in_aton(buf, addr);
    if (!e)
        return -EINVAL;
    unsigned plen = 32;
    if (*e == '/') {
        e++;
        if (parse_num(e, strlen(e), 32, &plen) < 0)
            return -EINVAL;
    } else if (*e) {
        return -EINVAL;
    }
    *mask = inet_make_mask((int)plen);
    *addr &= *mask;
    return 0;
}

static int parse_range(const char *t, size_t n, uint16_t *lo, uint16_t *hi)
{
    size_t dash = 0;
    while (dash < n && t[dash] != '-')
        dash++;
    unsigned a, b;
    if (parse_num(t, dash, 65535, &a) < 0)
        return -EINVAL;
    b = a;
    if (dash < n && parse_num(t + dash + 1, n - dash - 1, 65535, &b) < 0)
        return -EINVAL;
    if (b < a)
        return -EINVAL;
    *lo = (uint16_t)a;
    *hi = (uint16_t)b;
    return 0;
}

int nf_rule_parse(const char *s, size_t len, struct nf_rule *r)
{
    memset(r, 0, sizeof(*r));
    /* split into ':'-separated fields */
    const char *f[12];
    size_t fl[12];
    int nf = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == ':') {
            if (nf == 12)
                return -EINVAL;
            f[nf] = s + start;
            fl[nf++] = i - start;
            start = i + 1;
        }
    }
    if (nf < 3)
        return -EINVAL;

    bool hook_ok = false;
    for (unsigned i = 0; i < ARRAY_SIZE(hook_names); i++)
        if (tok_eq(f[0], fl[0], hook_names[i].name)) {
            r->hook = (uint8_t)hook_names[i].hook;
            hook_ok = true;
        }
    if (!hook_ok)
        return -EINVAL;

    unsigned p;
    if (tok_eq(f[1], fl[1], "any") || tok_eq(f[1], fl[1], "all"))
        r->proto = 0;
    else if (tok_eq(f[1], fl[1], "icmp"))
        r->proto = 1;
    else if (tok_eq(f[1], fl[1], "tcp"))
        r->proto = 6;
    else if (tok_eq(f[1], fl[1], "udp"))
        r->proto = 17;
    else if (parse_num(f[1], fl[1], 255, &p) == 0)
        r->proto = (uint8_t)p;
    else
        return -EINVAL;

    if (tok_eq(f[nf - 1], fl[nf - 1], "ACCEPT"))
        r->verdict = NF_ACCEPT;
    else if (tok_eq(f[nf - 1], fl[nf - 1], "DROP"))
        r->verdict = NF_DROP;
    else
        return -EINVAL;

    for (int i = 2; i < nf - 1; i++) {
        size_t eq = 0;
        while (eq < fl[i] && f[i][eq] != '=')
            eq++;
        if (eq == fl[i])
            return -EINVAL;
        const char *v = f[i] + eq + 1;
        size_t vl = fl[i] - eq - 1;
        if (tok_eq(f[i], eq, "src")) {
            if (parse_addr(v, vl, &r->src, &r->src_mask) < 0)
                return -EINVAL;
        } else if (tok_eq(f[i], eq, "dst")) {
            if (parse_addr(v, vl, &r->dst, &r->dst_mask) < 0)
                return -EINVAL;
        } else if (tok_eq(f[i], eq, "sport") || tok_eq(f[i], eq, "dport")) {
            bool d = tok_eq(f[i], eq, "dport");
            /* ports only exist for UDP and TCP */
            if (r->proto != 6 && r->proto != 17)
                return -EINVAL;
            if (parse_range(v, vl, d ? &r->dport_lo : &r->sport_lo, d ? &r->dport_hi : &r->sport_hi) < 0)
                return -EINVAL;
            if (d)
                r->match_dport = true;
            else
                r->match_sport = true;
        } else {
            return -EINVAL;
        }
    }
    return 0;
}

static void recount(void)
{
    for (int h = 0; h < NF_INET_NUMHOOKS; h++)
        nf_hook_nrules[h] = 0;
    for (int i = 0; i < nf_nrules; i++)
        nf_hook_nrules[nf_rules[i].hook]++;
}

int nf_rule_append(const struct nf_rule *r)
{
    if (r->hook >= NF_INET_NUMHOOKS || r->hook == NF_INET_FORWARD ||
        (r->verdict != NF_ACCEPT && r->verdict != NF_DROP))
        return -EINVAL;
    unsigned long f = local_irq_save();
    if (nf_nrules == NF_MAX_RULES) {
        local_irq_restore(f);
        return -ENOSPC;
    }
    nf_rules[nf_nrules] = *r;
    nf_rules[nf_nrules].packets = nf_rules[nf_nrules].bytes = 0;
    nf_nrules++;
    recount();
    local_irq_restore(f);
    return 0;
}

int nf_rules_add_list(const char *spec, int *bad_index)
{
    struct nf_rule parsed[NF_MAX_RULES];
    int n = 0, idx = 0;
    const char *p = spec;
    *bad_index = -1;
    while (*p) {
        const char *e = p;
        while (*e && *e != ';')
            e++;
        if (e != p) {            /* empty rules (";;", a trailing ';') are skipped */
            if (n == NF_MAX_RULES) {
                *bad_index = idx;
                return -ENOSPC;
            }
            if (nf_rule_parse(p, (size_t)(e - p), &parsed[n]) < 0) {
                *bad_index = idx;
                return -EINVAL;
            }
            n++;
            idx++;
        }
        p = *e ? e + 1 : e;
    }
    if (n > NF_MAX_RULES - nf_rule_count()) {
        *bad_index = NF_MAX_RULES - nf_rule_count();
        return -ENOSPC;
    }
    for (int i = 0; i < n; i++)
        nf_rule_append(&parsed[i]);
    return n;
}

int nf_rule_delete(int index)
{
    unsigned long f = local_irq_save();
    if (index < 0 || index >= nf_nrules) {
        local_irq_restore(f);
        return -ENOENT;
    }
    memmove(&nf_rules[index], &nf_rules[index + 1],
            (size_t)(nf_nrules - index - 1) * sizeof(nf_rules[0]));
    nf_nrules--;
    recount();
    local_irq_restore(f);
    return 0;
}

void nf_rules_flush(void)
{
    unsigned long f = local_irq_save();
    nf_nrules = 0;
    recount();
    local_irq_restore(f);
}

int nf_rule_count(void) { return nf_nrules; }

const struct nf_rule *nf_rule_get(int i)
{
    return i >= 0 && i < nf_nrules ? &nf_rules[i] : NULL;
}

static int mask_len(uint32_t mask)
{
    int n = 0;                   /* no libgcc: count the bits by hand */
    for (; mask; mask &= mask - 1)
        n++;
    return n;
}

char *nf_rule_format(const struct nf_rule *r, char *buf, size_t len)
{
    char a[16];
    size_t o = 0;
#define OUT(...) do { int __n = snprintf(buf + o, o < len ? len - o : 0, __VA_ARGS__); \
                      if (__n > 0) o += (size_t)__n; } while (0)
    OUT("%s:", nf_hook_name(r->hook));
    switch (r->proto) {
    case 0: OUT("any"); break;
    case 1: OUT("icmp"); break;
    case 6: OUT("tcp"); break;
    case 17: OUT("udp"); break;
    default: OUT("%u", r->proto); break;
    }
    if (r->src_mask)
        OUT(":src=%s/%d", in_ntoa(r->src, a), mask_len(r->src_mask));
    if (r->dst_mask)
        OUT(":dst=%s/%d", in_ntoa(r->dst, a), mask_len(r->dst_mask));
    if (r->match_sport) {
        if (r->sport_lo == r->sport_hi)
            OUT(":sport=%u", r->sport_lo);
        else
            OUT(":sport=%u-%u", r->sport_lo, r->sport_hi);
    }
    if (r->match_dport) {
        if (r->dport_lo == r->dport_hi)
            OUT(":dport=%u", r->dport_lo);
        else
            OUT(":dport=%u-%u", r->dport_lo, r->dport_hi);
    }
    OUT(":%s", r->verdict == NF_ACCEPT ? "ACCEPT" : "DROP");
#undef OUT
    if (len)
        buf[o < len ? o : len - 1] = 0;
    return buf;
}

void nf_dump(void)
{
    char buf[128];
    for (unsigned h = 0; h < NF_INET_NUMHOOKS; h++) {
        if (h == NF_INET_FORWARD)
            continue;
        struct nf_hook_stats s;
        nf_get_hook_stats(h, &s);
        printk("nf: %-12s packets %llu accepted %llu dropped %llu\n", nf_hook_name(h),
               (unsigned long long)s.packets, (unsigned long long)s.accepted,
               (unsigned long long)s.dropped);
    }
    for (int i = 0; i < nf_nrules; i++)
        printk("nf: rule %d %s  pkts %llu bytes %llu\n", i,
               nf_rule_format(&nf_rules[i], buf, sizeof(buf)),
               (unsigned long long)nf_rules[i].packets, (unsigned long long)nf_rules[i].bytes);
    if (!nf_nrules)
        printk("nf: no rules (everything accepted)\n");
}
