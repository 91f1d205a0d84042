/* kernel/cmdline.h - the kernel command line: space-separated key=value words.
 *
 * Every subsystem that reads a key declares it with CMDLINE_KEY() so that unknown keys
 * can be reported (once) at boot. Values are looked up by name at any time. */
#ifndef WP_CMDLINE_H
#define WP_CMDLINE_H

#include "kernel/compiler.h"

struct cmdline_key { const char *name; const char *help; };
#define CMDLINE_KEY(ident, keyname, helptext)                              \
    static const struct cmdline_key __cmdkey_##ident __used                \
        __section(".rodata.cmdkeys") __aligned(8) = { keyname, helptext }

/* Parse line (copied). Returns the number of words. */
int cmdline_parse(const char *line);
/* Value of key (NULL when absent; "" for a bare word without '='). Last one wins. */
const char *cmdline_get(const char *key);
/* Numeric value, or def when absent or not a number. */
uint64_t cmdline_get_u64(const char *key, uint64_t def);
bool cmdline_has(const char *key);
const char *cmdline_raw(void);
/* Report keys nobody declared; returns how many. known may be NULL to use the linker list. */
int cmdline_report_unknown(const struct cmdline_key *known, size_t nknown);

#endif
