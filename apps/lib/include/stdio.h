/* stdio.h - formatted output, unbuffered: every printf is one write(2).
 * Formats (the kernel's formatter, kernel/lib/vsprintf.c): %d %i %u %x %X %o %c %s %p %%,
 * flags - 0 + space #, width, precision, and the
 * length modifiers hh h l ll z. No floating point (apps are built integer-only). */
#ifndef WP_APP_STDIO_H
#define WP_APP_STDIO_H
#include <stdarg.h>
#include <stddef.h>
typedef struct wp_file { int fd; } FILE;
extern FILE *stdin, *stdout, *stderr;
#define EOF (-1)
#define _IOFBF 0
#define _IOLBF 1
#define _IONBF 2
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int vfprintf(FILE *f, const char *fmt, va_list ap);
int vprintf(const char *fmt, va_list ap);
int puts(const char *s);
int fputs(const char *s, FILE *f);
int putchar(int c);
void perror(const char *s);
int fflush(FILE *f);
/* accepted and ignored: output here is never buffered */
int setvbuf(FILE *f, char *buf, int mode, size_t size);
#endif
