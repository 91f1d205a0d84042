/* kernel/arch/vector_map.c - next-fit allocation of IDT vectors from a range. */
#include "kernel/arch/vector_map.h"
#include "kernel/errno.h"

static bool in_range(const struct vector_map *m, int v)
{
    return v >= m->first && v <= m->last;
}

bool vector_map_test(const struct vector_map *m, int v)
{
    if (v < 0 || v > 255)
        return false;
    return m->used[v / 64] & BIT64(v % 64);
}

void vector_map_init(struct vector_map *m, int first, int last)
{
    for (unsigned i = 0; i < ARRAY_SIZE(m->used); i++)
        m->used[i] = 0;
    if (first < 1)
        first = 1;          /* 0 is the "none left" answer */
    if (last > 255)
        last = 255;
    m->first = first;
    m->last = last;
    m->next = first;
}

int vector_map_alloc(struct vector_map *m)
{
    int span = m->last - m->first + 1;
    for (int i = 0; i < span; i++) {
        int v = m->first + (m->next - m->first + i) % span;
        if (!vector_map_test(m, v)) {
            m->used[v / 64] |= BIT64(v % 64);
            m->next = v == m->last ? m->first : v + 1;
            return v;
        }
    }
    return 0;
}

int vector_map_free(struct vector_map *m, int v)
{
    if (!in_range(m, v) || !vector_map_test(m, v))
        return -EINVAL;
    m->used[v / 64] &= ~BIT64(v % 64);
    return 0;
}

int vector_map_free_count(const struct vector_map *m)
{
    int n = 0;
    for (int v = m->first; v <= m->last; v++)
        n += !vector_map_test(m, v);
    return n;
}
