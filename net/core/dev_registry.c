/* net/core/dev_registry.c - the list of network devices, its lookups, and the carrier
 * state with the link notifications that follow it. Apart from the allocator it needs
 * nothing, so the hosted tests link it as it is (tests/unit/fake_netdev.c only makes and
 * records devices). */
#include "net/core/netdevice.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

LIST_HEAD(net_devices);
struct net_device *loopback_dev;

#define MAX_LINK_NOTIFIERS 8
static void (*link_notifiers[MAX_LINK_NOTIFIERS])(struct net_device *, bool);

struct net_device *dev_get_by_name(const char *name)
{
    struct net_device *d;
    list_for_each_entry(d, &net_devices, dev_list)
        if (strcmp(d->name, name) == 0)
            return d;
    return NULL;
}

struct net_device *dev_get_by_index(int ifindex)
{
    struct net_device *d;
    list_for_each_entry(d, &net_devices, dev_list)
        if (d->ifindex == ifindex)
            return d;
    return NULL;
}

struct net_device *first_net_device(void)
{
    struct net_device *d;
    list_for_each_entry(d, &net_devices, dev_list)
        if (!(d->flags & IFF_LOOPBACK))
            return d;
    return NULL;
}

void netdev_register_link_notifier(void (*fn)(struct net_device *, bool))
{
    for (int i = 0; i < MAX_LINK_NOTIFIERS; i++)
        if (!link_notifiers[i]) {
            link_notifiers[i] = fn;
            return;
        }
    pr_warn("net: too many link notifiers\n");
}

static void carrier_changed(struct net_device *dev, bool up)
{
    for (int i = 0; i < MAX_LINK_NOTIFIERS; i++)
        if (link_notifiers[i])
            link_notifiers[i](dev, up);
}

void netif_carrier_on(struct net_device *dev)
{
    if (dev->carrier)
        return;
    dev->carrier = true;
    carrier_changed(dev, true);
}

void netif_carrier_off(struct net_device *dev)
{
    if (!dev->carrier)
        return;
    dev->carrier = false;
    carrier_changed(dev, false);
}
