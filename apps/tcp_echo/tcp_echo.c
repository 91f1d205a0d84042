/* apps/tcp_echo/tcp_echo.c - RFC 862 TCP echo server: every byte comes back.
 *
 *   tcp_echo [port [clients [idle_s]]]   port 7 by default; clients: exit after serving that
 *                                     many (tests); idle_s: close a silent client (300)
 *
 * Many clients at once from one poll loop with non-blocking sockets and a bounded buffer
 * each (apps/lib/common/svc.c). The same file builds for wirepath and for Linux. */
#include "svc.h"

int main(int argc, char **argv)
{
    return svc_stream_main("tcp_echo", SVC_ECHO, 7, argc, argv);
}
