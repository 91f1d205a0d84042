/* tests/unit/neigh_fixture.h - what the tests of the neighbour table (test_arp.c,
 * test_neighbour.c) share. A test's setup() calls neigh_test_mark() to note the skbs alive;
 * after the test the TEARDOWN flushes the table and checks no more are alive than at the
 * mark (tests that did not mark are left alone). ip_stub() is a packet as the IP layer
 * hands it down. Include once, after unit.h. */
#ifndef WP_NEIGH_FIXTURE_H
#define WP_NEIGH_FIXTURE_H
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "net/core/neighbour.h"
#include "net/core/skbuff.h"

static uint64_t alive_at_setup;
static bool set_up;

static uint64_t skb_alive(void) { struct skb_stats s; skb_get_stats(&s); return s.alive; }

static void neigh_test_mark(void)
{
    alive_at_setup = skb_alive();
    set_up = true;
}

/* 20 bytes of IPv4 header, at the network header, with these addresses (network order) */
static struct sk_buff *ip_stub_sized(uint32_t saddr, uint32_t daddr, unsigned bufsize)
{
    struct sk_buff *skb = alloc_skb(bufsize);
    skb_reserve(skb, 64);
    uint8_t *ip = skb_put(skb, 20);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    memcpy(ip + 12, &saddr, 4);
    memcpy(ip + 16, &daddr, 4);
    skb_reset_network_header(skb);
    skb->protocol = ETH_P_IP;
    return skb;
}
static struct sk_buff *ip_stub(uint32_t saddr, uint32_t daddr) { return ip_stub_sized(saddr, daddr, 256); }

TEARDOWN()
{
    if (!set_up)
        return;
    set_up = false;
    neigh_table_flush();
    CHECK_EQ(skb_alive(), alive_at_setup);
}
#endif
