/* kernel/lib/string.h - the freestanding string and number helpers, written once here. */
#ifndef WP_LIB_STRING_H
#define WP_LIB_STRING_H

#include "kernel/compiler.h"

#ifdef WP_HOSTED
#include <string.h>
#else
void *memset(void *s, int c, size_t n);
void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *haystack, const char *needle);
char *strchr(const char *s, int c);
#endif

/* Bounded copy that always NUL-terminates (when n > 0); returns strlen(src). */
size_t strlcpy(char *d, const char *s, size_t n);

/* Parse an unsigned number in base 10, or 16 with a 0x prefix (base 0), up to the first
 * non-digit. Returns 0 and stores the value and the end pointer, or -1 when there are no
 * digits or the value overflows. */
int parse_u64(const char *s, const char **end, unsigned base, uint64_t *out);

#endif
