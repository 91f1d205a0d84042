/* tests/unit/neigh_teardown.h - the end of every test of the neighbour table (test_arp.c,
 * test_neighbour.c): a test's setup() calls neigh_test_mark() to note the skbs alive; after
 * the test the TEARDOWN flushes the table and checks no more are alive than at the mark.
 * Tests that did not mark are left alone. Include once, after unit.h. */
#ifndef WP_NEIGH_TEARDOWN_H
#define WP_NEIGH_TEARDOWN_H
#include <stdbool.h>
#include <stdint.h>
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

TEARDOWN()
{
    if (!set_up)
        return;
    set_up = false;
    neigh_table_flush();
    CHECK_EQ(skb_alive(), alive_at_setup);
}
#endif
