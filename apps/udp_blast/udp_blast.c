/* apps/udp_blast/udp_blast.c - send UDP datagrams as fast as the stack takes them and
 * report the rate: the send-path measurement (plain POSIX; builds for Linux too).
 *
 *   udp_blast DEST PORT SIZE[/SIZE...] COUNT
 *
 * For each size: one datagram first (so the neighbour entry is resolved), a short pause,
 * then COUNT datagrams back to back on a blocking socket; prints
 *   udp_blast: COUNT datagrams of SIZE bytes to DEST:PORT in MS ms: RATE per second (E errors)
 * and a final line. Exit status 0 when every send succeeded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

static char buf[65507];

static long long now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: udp_blast DEST PORT SIZE[/SIZE...] COUNT\n");
        return 2;
    }
    struct sockaddr_in dst;
    memset(&dst, 0, sizeof(dst));
    dst.sin_family = AF_INET;
    dst.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
        fprintf(stderr, "udp_blast: bad address '%s'\n", argv[1]);
        return 2;
    }
    long count = atol(argv[4]);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        perror("udp_blast: socket");
        return 1;
    }
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (char)i;
    long total_errors = 0;
    char *p = argv[3];
    while (*p) {
        long size = strtol(p, &p, 10);
        if (*p == '/' || *p == ',')
            p++;
        if (size < 0 || size > (long)sizeof(buf))
            continue;
        sendto(fd, buf, (size_t)size, 0, (struct sockaddr *)&dst, sizeof(dst));
        usleep(200000);
        long errors = 0;
        int last_errno = 0;
        long long t0 = now_us();
        for (long n = 0; n < count; n++) {
            memcpy(buf, &n, sizeof(n) < (size_t)size ? sizeof(n) : (size_t)size);
            if (sendto(fd, buf, (size_t)size, 0, (struct sockaddr *)&dst, sizeof(dst)) != size) {
                errors++;
                last_errno = errno;
            }
        }
        long long us = now_us() - t0;
        if (us <= 0)
            us = 1;
        printf("udp_blast: %ld datagrams of %ld bytes to %s:%s in %lld ms: %lld per second "
               "(%ld errors%s%s)\n", count, size, argv[1], argv[2], us / 1000,
               (long long)count * 1000000 / us, errors, errors ? ", last: " : "",
               errors ? strerror(last_errno) : "");
        total_errors += errors;
        usleep(500000);        /* let the queues drain before the next size */
    }
    close(fd);
    printf("udp_blast: done\n");
    return total_errors ? 1 : 0;
}
