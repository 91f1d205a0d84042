/* net/ipv4/inetdevice.h - IPv4 addresses configured on interfaces (net/ipv4/devinet.c). */
#ifndef WP_INETDEVICE_H
#define WP_INETDEVICE_H

#include "net/core/netdevice.h"

#define IN_DEV_MAX_ADDRS 4

struct in_ifaddr {
    uint32_t ifa_address;        /* network order */
    uint32_t ifa_mask;           /* network order */
    uint8_t ifa_prefixlen;
};

struct in_device {
    struct net_device *dev;
    struct in_ifaddr ifa[IN_DEV_MAX_ADDRS];
    int nifa;
};

/* Add an address (also installs the connected route). 0, -EEXIST, -ENOSPC, -EINVAL. */
int inet_addr_add(struct net_device *dev, uint32_t addr, int prefixlen);
int inet_addr_del(struct net_device *dev, uint32_t addr);
/* True when addr is one of dev's addresses (any device when dev is NULL). */
bool inet_addr_is_local(struct net_device *dev, uint32_t addr);
/* Source address to use on dev towards dst (the one whose subnet holds dst, else the first). */
uint32_t inet_select_addr(struct net_device *dev, uint32_t dst);
/* Directed broadcast of one of dev's subnets, or 255.255.255.255. */
bool inet_addr_is_broadcast(struct net_device *dev, uint32_t addr);
/* Listeners for address changes (ready line, gratuitous ARP). */
void inetaddr_register_notifier(void (*fn)(struct net_device *dev, uint32_t addr, bool added));

#endif
