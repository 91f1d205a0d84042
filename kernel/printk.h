/* kernel/printk.h - formatted output to the console, log levels, panic.
 *
 * Formats: %d %i %u %x %X %o %c %s %p %%, length modifiers hh h l ll z, flags '-' '0' '+'
 * ' ', field width and precision (numbers or '*'). %p prints 0x + 16 hex digits.
 * A message may start with a level (KERN_ERR ...); messages above the console level
 * (cmdline loglevel=, default KERN_INFO) are not printed. */
#ifndef WP_PRINTK_H
#define WP_PRINTK_H

#include <stdarg.h>
#include "kernel/compiler.h"

#ifdef WP_HOSTED  /* hosted tests link against libc, which owns these names */
#define vsnprintf wp_vsnprintf
#define snprintf wp_snprintf
#endif

#define KERN_SOH     "\001"
#define KERN_EMERG   KERN_SOH "0"
#define KERN_ALERT   KERN_SOH "1"
#define KERN_CRIT    KERN_SOH "2"
#define KERN_ERR     KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE  KERN_SOH "5"
#define KERN_INFO    KERN_SOH "6"
#define KERN_DEBUG   KERN_SOH "7"
#define LOGLEVEL_DEFAULT 6

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);
extern int console_loglevel;
/* Shell commands: print without timestamps and regardless of the log level (for lines
 * without a level) until turned off again. */
void printk_set_plain(bool on);

#define pr_err(...)    printk(KERN_ERR __VA_ARGS__)
#define pr_warn(...)   printk(KERN_WARNING __VA_ARGS__)
#define pr_notice(...) printk(KERN_NOTICE __VA_ARGS__)
#define pr_info(...)   printk(KERN_INFO __VA_ARGS__)
#define pr_debug(...)  printk(KERN_DEBUG __VA_ARGS__)

struct pt_regs;
/* Print the message, the registers (when given) and a backtrace, then halt for good.
 * In test mode (test= on the command line) also exit QEMU with a failure status. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);
__noreturn void panic_regs(struct pt_regs *regs, const char *fmt, ...) __printf(2, 3);
void dump_regs(const struct pt_regs *regs);
void dump_backtrace(uint64_t rbp);

#define BUG_ON(c) do { if (unlikely(c)) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #c); } while (0)
#define WARN_ON(c) ({ bool __w = !!(c); if (unlikely(__w)) pr_warn("WARNING at %s:%d: %s\n", __FILE__, __LINE__, #c); __w; })

#endif
