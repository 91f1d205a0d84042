/* wp_syscall.h - the syscall instruction with Linux's x86_64 convention (number in rax,
 * arguments in rdi rsi rdx r10 r8 r9, result in rax, rcx and r11 clobbered). */
#ifndef WP_APP_SYSCALL_H
#define WP_APP_SYSCALL_H

static inline long __wp_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
#define __wp_sc(n, a, b, c, d, e, f) \
    __wp_syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* -4095..-1 is an error: set errno, return -1 (as every libc does). */
long __wp_ret(long r);

#endif
