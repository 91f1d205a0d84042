/* apps/chargen/chargen.c - RFC 864 character generator: the 72-column rotating pattern
 * of printable ASCII, CR LF after each line, until the client goes.
 *
 *   chargen [port [clients [idle_s]]]   port 19 by default; clients: exit after serving that
 *                                     many (tests); idle_s: close a silent client (300)
 *
 * Many clients at once from one poll loop with non-blocking sockets and a bounded buffer
 * each (apps/lib/common/svc.c). The same file builds for wirepath and for Linux. */
#include <stdio.h>
#include <stdlib.h>
#include "svc.h"

int main(int argc, char **argv)
{
    struct svc_config cfg = {
        .name = "chargen",
        .kind = SVC_CHARGEN,
        .port = argc > 1 ? atoi(argv[1]) : 19,
        .max_clients = argc > 2 ? atol(argv[2]) : -1,
        .idle_s = argc > 3 ? atoi(argv[3]) : 300,
    };
    if (cfg.port <= 0 || cfg.port > 65535) {
        printf("chargen: bad port '%s'\n", argv[1]);
        return 2;
    }
    return svc_run_stream(&cfg);
}
