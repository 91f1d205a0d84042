/* tests/unit/fake_mm.h - knobs of the hosted allocator stand-in (tests/unit/fake_mm.c). */
#ifndef WP_FAKE_MM_H
#define WP_FAKE_MM_H
#include <string.h>
extern int fake_mm_fail_after;
extern long fake_mm_live;
#endif
