/* kernel/lib/string.c - freestanding string routines (gcc may also emit calls to the
 * mem* ones for struct copies, so they must exist under these exact names). */
#include "kernel/lib/string.h"
#include "kernel/arch/x86.h"

#ifndef WP_HOSTED

/* Does the CPU move strings fast with rep movsb at any length (CPUID.(EAX=7,ECX=0):EDX
 * bit 4, FSRM)? Then one rep movsb is the best copy (Linux's memcpy picks it the same
 * way). Without it - QEMU's default TCG CPU among others, where every iteration of a
 * rep is a trip through the emulator - eight bytes per iteration: the TCP copies to and
 * from users got from 800-900 to 1,300 Mbit/s received under TCG. */
static int rep_movsb_fast = -1;

static bool cpu_has_fsrm(void)
{
    uint32_t a, b, c, d;
    cpuid(0, 0, &a, &b, &c, &d);
    if (a < 7)
        return false;
    cpuid(7, 0, &a, &b, &c, &d);
    return (d >> 4) & 1;
}

void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
    void *r = d;
    if (__builtin_expect(rep_movsb_fast < 0, 0))
        rep_movsb_fast = cpu_has_fsrm();
    if (n >= 64 && !rep_movsb_fast) {
        size_t q = n >> 3;
        __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) :: "memory");
        n &= 7;
    }
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) :: "memory");
    return r;
}

/* memset the same way: eight bytes per iteration where rep stosb is not fast */
void *memset(void *s, int c, size_t n)
{
    void *r = s;
    if (__builtin_expect(rep_movsb_fast < 0, 0))
        rep_movsb_fast = cpu_has_fsrm();
    if (n >= 64 && !rep_movsb_fast) {
        size_t q = n >> 3;
        uint64_t v = 0x0101010101010101ull * (uint8_t)c;
        __asm__ volatile("rep stosq" : "+D"(s), "+c"(q) : "a"(v) : "memory");
        n &= 7;
    }
    __asm__ volatile("rep stosb" : "+D"(s), "+c"(n) : "a"(c) : "memory");
    return r;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if (dp == sp || n == 0)
        return d;
    if (dp < sp || dp >= sp + n)
        return memcpy(d, s, n);
    while (n--)
        dp[n] = sp[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strstr(const char *h, const char *n)
{
    size_t len = strlen(n);
    for (; *h; h++)
        if (strncmp(h, n, len) == 0)
            return (char *)h;
    return len == 0 ? (char *)h : NULL;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}
#endif

size_t strlcpy(char *d, const char *s, size_t n)
{
    size_t len = strlen(s);
    if (n) {
        size_t c = len < n - 1 ? len : n - 1;
        memcpy(d, s, c);
        d[c] = '\0';
    }
    return len;
}

int parse_u64(const char *s, const char **end, unsigned base, uint64_t *out)
{
    uint64_t v = 0;
    int digits = 0;
    if (base == 0) {
        base = 10;
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
            base = 16;
            s += 2;
        }
    }
    for (;; s++, digits++) {
        unsigned d;
        char c = *s;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            break;
        if (d >= base)
            break;
        if (v > (UINT64_MAX - d) / base)
            return -1;
        v = v * base + d;
    }
    if (end)
        *end = s;
    if (!digits)
        return -1;
    *out = v;
    return 0;
}
