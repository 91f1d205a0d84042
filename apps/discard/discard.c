/* apps/discard/discard.c - RFC 863 discard server: every byte is read and dropped.
 *
 *   discard [port [clients [idle_s]]]   port 9 by default; clients: exit after serving that
 *                                     many (tests); idle_s: close a silent client (300)
 *
 * Many clients at once from one poll loop with non-blocking sockets and a bounded buffer
 * each (apps/lib/common/svc.c). The same file builds for wirepath and for Linux. */
#include "svc.h"

int main(int argc, char **argv)
{
    return svc_stream_main("discard", SVC_DISCARD, 9, argc, argv);
}
