/* kernel/uaccess.h - moving bytes between the kernel and the running app's memory.
 *
 * A user pointer is checked against the app's own page tables before a byte moves:
 * kernel addresses, non-canonical addresses, addresses beyond USER_TOP, unmapped pages
 * and (for writes) read-only pages all give -EFAULT, and the kernel never takes a page
 * fault on the app's behalf. A kernel task (no app) has no user memory at all. */
#ifndef WP_UACCESS_H
#define WP_UACCESS_H

#include "kernel/compiler.h"

#define __user

/* 0, or -EFAULT when any byte of the range is not accessible (nothing is promised about
 * how much was copied then). n == 0 always succeeds. */
int copy_from_user(void *dst, const void __user *src, size_t n);
int copy_to_user(void __user *dst, const void *src, size_t n);
/* Copy a NUL-terminated string of at most n bytes (NUL included). Returns its length
 * without the NUL; n when no NUL was found within n bytes (dst is then not terminated);
 * -EFAULT when a byte before the NUL is not accessible. */
long strncpy_from_user(char *dst, const char __user *src, long n);
/* True when the whole range is mapped for the app (write: and writable). */
bool user_access_ok(const void __user *p, size_t n, bool write);

struct uaccess_stats { uint64_t faults; uint64_t bytes_in, bytes_out; };
void uaccess_get_stats(struct uaccess_stats *s);

#endif
