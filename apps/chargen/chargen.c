/* apps/chargen/chargen.c - RFC 864 character generator: the 72-column rotating pattern
 * of printable ASCII, CR LF after each line, until the client goes.
 *
 *   chargen [port [clients [idle_s]]]   port 19 by default; clients: exit after serving that
 *                                     many (tests); idle_s: close a silent client (300)
 *
 * Many clients at once from one poll loop with non-blocking sockets and a bounded buffer
 * each (apps/lib/common/svc.c). The same file builds for wirepath and for Linux. */
#include "svc.h"

int main(int argc, char **argv)
{
    return svc_stream_main("chargen", SVC_CHARGEN, 19, argc, argv);
}
