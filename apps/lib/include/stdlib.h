/* stdlib.h - exit and number parsing. */
#ifndef WP_APP_STDLIB_H
#define WP_APP_STDLIB_H
#include <stddef.h>
#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
__attribute__((noreturn)) void exit(int code);
__attribute__((noreturn)) void abort(void);
int atoi(const char *s);
long atol(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
#endif
