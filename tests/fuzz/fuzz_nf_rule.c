// SOURCES: net/netfilter/nf_rules.c net/ipv4/ip_hdr.c net/core/checksum.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_clock.c
/* tests/fuzz/fuzz_nf_rule.c - the nf= rule parser (command-line text): no overread, no
 * UB; an accepted rule formats back to text that parses to the same rule. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "net/netfilter/netfilter.h"

/* nf_rules.c's dump wants the hook counters from core.c */
void nf_get_hook_stats(unsigned int hook, struct nf_hook_stats *s) { memset(s, 0, sizeof(*s)); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size ? size : 1);
    memcpy(buf, data, size);
    struct nf_rule r, p;
    if (nf_rule_parse(buf, size, &r) == 0) {
        char text[160];
        nf_rule_format(&r, text, sizeof(text));
        if (nf_rule_parse(text, strlen(text), &p) != 0)
            abort();
        if (p.hook != r.hook || p.proto != r.proto || p.verdict != r.verdict ||
            p.src != r.src || p.src_mask != r.src_mask || p.dst != r.dst ||
            p.dst_mask != r.dst_mask || p.match_sport != r.match_sport ||
            p.match_dport != r.match_dport ||
            (r.match_sport && (p.sport_lo != r.sport_lo || p.sport_hi != r.sport_hi)) ||
            (r.match_dport && (p.dport_lo != r.dport_lo || p.dport_hi != r.dport_hi)))
            abort();
    }
    /* the list form too (NUL-terminated copy), on a table emptied each time */
    char *z = malloc(size + 1);
    memcpy(z, data, size);
    z[size] = 0;
    int bad;
    nf_rules_add_list(z, &bad);
    nf_rules_flush();
    free(z);
    free(buf);
    return 0;
}
