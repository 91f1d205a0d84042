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
/* Both questions in one pass over the addresses (the receive path asks them of every
 * packet): INET_ADDR_LOCAL when inet_addr_is_local(NULL, addr), INET_ADDR_BROADCAST when
 * inet_addr_is_broadcast(dev, addr). */
#define INET_ADDR_LOCAL     0x1
#define INET_ADDR_BROADCAST 0x2
unsigned inet_addr_class(struct net_device *dev, uint32_t addr);
/* Listeners for address changes (ready line, gratuitous ARP). */
void inetaddr_register_notifier(void (*fn)(struct net_device *dev, uint32_t addr, bool added));

/* --- added with net/ipv4/devinet.c --- */
static inline struct in_device *__in_dev_get(const struct net_device *dev)
{
    return (struct in_device *)dev->ip_ptr;
}
/* The address dev received first (network order), 0 when it has none. */
uint32_t inet_dev_primary_addr(const struct net_device *dev);
/* "A.B.C.D/N" -> address (network order) and prefix length. 0 or -EINVAL. */
int inet_parse_prefix(const char *s, uint32_t *addr, int *prefixlen);
/* Static configuration (the ip= and gw= command-line keys; DHCP is the default when ip=
 * is absent): address ip ("A.B.C.D/N") on dev, and a default route via gw ("A.B.C.D",
 * may be NULL). 0 or -errno (reported on the console). */
int devinet_static_config(struct net_device *dev, const char *ip, const char *gw);
/* True when ip= asked for a static address (a DHCP client then stays off). */
bool devinet_static_requested(void);
/* The "wirepath: ready ip=A.B.C.D/N" line is printed once, the first time an interface
 * has an address and its link is up; true once it has been printed. */
bool devinet_ready(void);
void devinet_dump(void);

#endif
