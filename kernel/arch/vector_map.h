/* kernel/arch/vector_map.h - which IDT vectors of a range are handed out.
 * Pure bookkeeping (no locking, no hardware) so that it can be unit-tested hosted;
 * kernel/arch/irq.c wraps it with interrupts masked. */
#ifndef WP_ARCH_VECTOR_MAP_H
#define WP_ARCH_VECTOR_MAP_H

#include "kernel/compiler.h"

struct vector_map {
    uint64_t used[4];       /* one bit per vector 0..255 */
    int first, last;        /* the range handed out, inclusive */
    int next;               /* where the next search starts */
};

void vector_map_init(struct vector_map *m, int first, int last);
/* A free vector of the range, or 0 when none is left. The search starts after the
 * previous allocation, so a vector just freed is not handed out again at once (an
 * interrupt still in flight for its old owner then cannot reach the new one). */
int vector_map_alloc(struct vector_map *m);
/* Returns 0, or -EINVAL for a vector outside the range or not handed out. */
int vector_map_free(struct vector_map *m, int vector);
bool vector_map_test(const struct vector_map *m, int vector);
int vector_map_free_count(const struct vector_map *m);

#endif
