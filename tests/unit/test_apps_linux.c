// SOURCES:
/* tests/unit/test_apps_linux.c - the apps' sources are plain POSIX: build apps/udp_echo
 * and apps/syscall_test (with the portable apps/lib/common) with the host's compiler and
 * libc, run the echo server on
 * loopback and check datagrams of 1, 1472, 1473, 8000 and 65507 bytes come back intact,
 * and run the syscall abuse test on Linux itself, which proves the errno it expects are
 * Linux's. */
#define _GNU_SOURCE
#include "tests/unit/unit.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define OUT "build/unit"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int build(const char *app)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd),
             "gcc -std=gnu11 -O2 -Wall -Wextra -Werror -Iapps/lib/common -o " OUT "/%s.linux"
             " apps/%s/%s.c apps/lib/common/*.c 2>&1",
             app, app, app);
    int r = system(cmd);
    if (r != 0)
        fprintf(stderr, "  build of %s failed: %s\n", app, cmd);
    return r;
}

static int free_udp_port(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(a);
    bind(s, (struct sockaddr *)&a, sizeof(a));
    getsockname(s, (struct sockaddr *)&a, &len);
    close(s);
    return ntohs(a.sin_port);
}

TEST(udp_echo_linux_build_echoes_on_loopback)
{
    CHECK_EQ(build("udp_echo"), 0);
    int port = free_udp_port();
    int out[2];
    CHECK_EQ(pipe(out), 0);
    const int sizes[] = { 1, 1472, 1473, 8000, 65507 };
    char portstr[16], countstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    snprintf(countstr, sizeof(countstr), "%d", (int)ARRAY_SIZE(sizes));
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        execl(OUT "/udp_echo.linux", "udp_echo", portstr, countstr, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    /* wait for the ready line (bounded) */
    char line[256] = "";
    struct pollfd p = { out[0], POLLIN, 0 };
    CHECK_EQ(poll(&p, 1, 10000), 1);
    ssize_t n = read(out[0], line, sizeof(line) - 1);
    line[n > 0 ? n : 0] = 0;
    CHECK(strstr(line, "udp_echo: listening on udp port") != NULL);

    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval tv = { 5, 0 };
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    static unsigned char msg[65507], got[65536];
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        for (int k = 0; k < sizes[i]; k++)
            msg[k] = (unsigned char)(k * 31 + i);
        CHECK_EQ(sendto(s, msg, (size_t)sizes[i], 0, (struct sockaddr *)&dst, sizeof(dst)), sizes[i]);
        ssize_t r = recv(s, got, sizeof(got), 0);
        CHECK_EQ(r, sizes[i]);
        CHECK(r == sizes[i] && memcmp(got, msg, (size_t)sizes[i]) == 0);
    }
    close(s);
    int status = 0;
    for (int i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; i++)
        usleep(50000);
    if (waitpid(pid, &status, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        CHECK(!"udp_echo did not exit after its count");
    }
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(out[0]);
}

TEST(syscall_test_linux_build_passes_on_linux)
{
    CHECK_EQ(build("syscall_test"), 0);
    /* stdout and stderr must not be sockets: they are files here */
    int r = system("cd " OUT " && ./syscall_test.linux > syscall_test.linux.log 2>&1 < /dev/null");
    if (r != 0)
        system("cat " OUT "/syscall_test.linux.log >&2");
    CHECK(WIFEXITED(r) && WEXITSTATUS(r) == 0);
    FILE *f = fopen(OUT "/syscall_test.linux.log", "r");
    CHECK(f != NULL);
    char line[256];
    int seen = 0;
    while (f && fgets(line, sizeof(line), f))
        if (strstr(line, " passed, 0 failed"))
            seen = 1;
    if (f)
        fclose(f);
    CHECK(seen);
}
