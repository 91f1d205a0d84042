/* tests/unit/leak_check.h - the "nothing left behind" check for tests that link the sock
 * and skb layers (net/core/sock.c, net/core/skbuff.c), for their TEARDOWN(): once the skb
 * head cache is drained, no skb and no sock is alive. */
#ifndef WP_LEAK_CHECK_H
#define WP_LEAK_CHECK_H
#include "tests/unit/unit.h"
#include "net/core/skbuff.h"
#include "net/core/sock.h"

static inline void check_no_skb_or_sock_alive(void)
{
    skb_head_cache_drain();
    struct skb_stats ks;
    skb_get_stats(&ks);
    CHECK_EQ(ks.alive, 0);
    struct sock_stats ss;
    sock_get_stats(&ss);
    CHECK_EQ(ss.socks_alive, 0);
}

#endif
