/* tests/unit/stub_stats.c - /proc/wirepath/stats for hosted tests that link a layer which
 * registers a section: registering and writing members do nothing (the document itself is
 * kernel/proc_stats.c's, checked under QEMU). */
#include "kernel/proc_stats.h"

void stats_register(struct stats_section *s) { (void)s; }
void stats_u64(struct stats_out *o, const char *key, uint64_t v) { (void)o; (void)key; (void)v; }
