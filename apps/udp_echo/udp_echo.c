/* apps/udp_echo/udp_echo.c - a UDP echo server (RFC 862) written against POSIX sockets
 * and the portable apps/lib/common: the same file builds for wirepath (with apps/lib) and for Linux (with the host's
 * libc), which tests/unit/test_apps_linux.c checks.
 *
 *   udp_echo [port [count]]    port 7 by default; count: exit after that many datagrams
 *
 * Datagrams of any size up to 65507 bytes come back unchanged to their sender. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "svc.h"

static char buf[65536];

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 7;
    long count = argc > 2 ? atol(argv[2]) : -1;
    if (port <= 0 || port > 65535) {
        fprintf(stderr, "udp_echo: bad port '%s'\n", argv[1]);
        return 2;
    }
    int fd = svc_bind_udp(port, 1 << 20);
    if (fd < 0) {
        fprintf(stderr, "udp_echo: cannot bind udp port %d: %s\n", port, strerror(errno));
        return 1;
    }
    printf("udp_echo: listening on udp port %d\n", port);
    fflush(stdout);

    long echoed = 0, errors = 0;
    while (count < 0 || echoed < count) {
        struct sockaddr_in peer;
        socklen_t plen = sizeof(peer);
        ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("udp_echo: recvfrom");
            if (++errors > 100)
                return 1;
            continue;
        }
        if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, plen) != n) {
            perror("udp_echo: sendto");
            if (++errors > 100)
                return 1;
            continue;
        }
        echoed++;
    }
    printf("udp_echo: echoed %ld datagrams\n", echoed);
    close(fd);
    return 0;
}
