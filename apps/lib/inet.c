/* apps/lib/inet.c - dotted-quad text to and from struct in_addr. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

int inet_aton(const char *s, struct in_addr *a)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        if (*s < '0' || *s > '9')
            return 0;
        unsigned part = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9') {
            part = part * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3 || part > 255)
                return 0;
        }
        v = v << 8 | part;
        if (i < 3 && *s++ != '.')
            return 0;
    }
    if (*s)
        return 0;
    a->s_addr = htonl(v);
    return 1;
}

in_addr_t inet_addr(const char *s)
{
    struct in_addr a;
    return inet_aton(s, &a) ? a.s_addr : INADDR_NONE;
}

int inet_pton(int af, const char *s, void *dst)
{
    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    return inet_aton(s, dst);
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return 0;
    }
    const unsigned char *b = src;
    int n = snprintf(dst, size, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    if (n < 0 || (socklen_t)n >= size) {
        errno = ENOSPC;
        return 0;
    }
    return dst;
}

char *inet_ntoa(struct in_addr a)
{
    static char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a, buf, sizeof(buf));
    return buf;
}
