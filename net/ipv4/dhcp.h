/* net/ipv4/dhcp.h - the kernel's DHCP client (net/ipv4/dhcp.c): configures the first
 * interface when the command line has no ip=, from its own task so that boot never
 * waits for a server. The address goes in through inet_addr_add (which prints the
 * "wirepath: ready" line) and the router as the default route. */
#ifndef WP_DHCP_H
#define WP_DHCP_H

#include "net/ipv4/dhcp_client.h"
#include "net/core/netdevice.h"

/* Start the client on dev (once; later calls return -EALREADY). */
int dhcp_start(struct net_device *dev);
/* True while a lease is held. */
bool dhcp_bound(void);
/* The current lease; false when there is none. */
bool dhcp_get_lease(struct dhcp_lease *l);
/* DNS servers of the current lease (network order); returns how many were copied. */
int dhcp_dns_servers(uint32_t *out, int max);
void dhcp_dump(void);

#endif
