/* net/ipv4/dhcp_ktest.c - in-kernel test of the DHCP client against QEMU user
 * networking's server (suite "dhcp"). It needs the client running, which in test mode
 * takes dhcp=on on the command line (tests/kernel/boots.txt has that boot); without it
 * the case is skipped (and counted so), so that test=all keeps a quiet interface. */
#include "net/ipv4/dhcp.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ip_hdr.h"
#include "kernel/ktest.h"
#include "kernel/cmdline.h"
#include "kernel/sched.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

#define IP(a, b, c, d) __builtin_bswap32((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

KTEST(dhcp, lease_from_qemu_user_net)
{
    const char *v = cmdline_get("dhcp");
    if (!v || strcmp(v, "on") != 0)
        KT_SKIP("needs dhcp=on to run the client in test mode");
    /* the exchange, then the RFC 5227 probes: up to 1 + 2 + 2 + 2 s before the address
     * is used */
    for (int i = 0; i < 2000 && !dhcp_bound(); i++)
        msleep(10);
    KT_ASSERT_MSG(dhcp_bound(), "no lease within 20 s");
    struct dhcp_lease l;
    KT_ASSERT(dhcp_get_lease(&l));
    KT_ASSERT(l.addr == IP(10, 0, 2, 15));
    KT_EXPECT_EQ(l.prefixlen, 24);
    KT_ASSERT(l.router == IP(10, 0, 2, 2));
    KT_ASSERT(l.server_id == IP(10, 0, 2, 2));
    KT_ASSERT(l.ndns >= 1 && l.dns[0] == IP(10, 0, 2, 3));
    uint32_t dns[3];
    KT_EXPECT_EQ(dhcp_dns_servers(dns, 3), l.ndns);
    KT_ASSERT(l.lease_secs > 0 && l.t1_secs < l.t2_secs && l.t2_secs < l.lease_secs);
    struct net_device *dev = first_net_device();
    KT_ASSERT(dev && inet_addr_is_local(dev, l.addr));
    KT_ASSERT(devinet_ready());
    dhcp_dump();
}
