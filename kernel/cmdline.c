/* kernel/cmdline.c - key=value words of the kernel command line (pure; hosted-tested). */
#include "kernel/cmdline.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"

#define CMDLINE_MAX 1024
#define MAX_WORDS 64

static char buf[CMDLINE_MAX];
static char raw[CMDLINE_MAX];
static const char *keys[MAX_WORDS], *vals[MAX_WORDS];
static int nwords;

int cmdline_parse(const char *line)
{
    strlcpy(raw, line, sizeof(raw));
    strlcpy(buf, line, sizeof(buf));
    nwords = 0;
    char *p = buf;
    while (*p && nwords < MAX_WORDS) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            *p++ = '\0';
        if (!*p)
            break;
        keys[nwords] = p;
        vals[nwords] = "";
        bool split = false;
        for (; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++) {
            if (*p == '=' && !split) {   /* the first '=' separates key and value */
                *p = '\0';
                vals[nwords] = p + 1;
                split = true;
            }
        }
        nwords++;
    }
    return nwords;
}

const char *cmdline_get(const char *key)
{
    for (int i = nwords - 1; i >= 0; i--)
        if (strcmp(keys[i], key) == 0)
            return vals[i];
    return NULL;
}

bool cmdline_has(const char *key) { return cmdline_get(key) != NULL; }

uint64_t cmdline_get_u64(const char *key, uint64_t def)
{
    const char *v = cmdline_get(key);
    const char *end;
    uint64_t n;
    if (!v || parse_u64(v, &end, 0, &n) < 0 || *end)
        return def;
    return n;
}

const char *cmdline_raw(void) { return raw; }

#ifndef WP_HOSTED
extern const struct cmdline_key __cmdkeys_start[], __cmdkeys_end[];
#endif

int cmdline_report_unknown(const struct cmdline_key *known, size_t nknown)
{
#ifndef WP_HOSTED
    if (!known) {
        known = __cmdkeys_start;
        nknown = __cmdkeys_end - __cmdkeys_start;
    }
#endif
    int unknown = 0;
    for (int i = 0; i < nwords; i++) {
        bool found = false;
        for (size_t k = 0; k < nknown && !found; k++)
            found = strcmp(known[k].name, keys[i]) == 0;
        /* report each unknown key once even when repeated */
        for (int j = 0; j < i && !found; j++)
            found = strcmp(keys[j], keys[i]) == 0;
        if (!found) {
            pr_warn("cmdline: unknown key '%s' ignored\n", keys[i]);
            unknown++;
        }
    }
    return unknown;
}
