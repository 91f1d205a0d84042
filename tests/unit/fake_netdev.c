/* tests/unit/fake_netdev.c - the device registry and a recording driver for hosted
 * tests of code above the device layer (see fake_netdev.h). Provides what net/core/dev.c
 * would: net_devices, first_net_device, dev_get_by_index, link notifiers, dev_add_pack. */
#include <stdlib.h>
#include <string.h>
#include "tests/unit/fake_netdev.h"
#include "kernel/mm/mm.h"

LIST_HEAD(net_devices);
struct net_device *loopback_dev;
static int next_ifindex = 1;
void (*fake_link_notifier[8])(struct net_device *, bool);
struct packet_type *fake_ptypes[8];

static netdev_tx_t fake_xmit(struct sk_buff *skb, struct net_device *dev)
{
    struct fake_netdev *f = dev->priv;
    if (f->tx_busy > 0) {
        f->tx_busy--;
        return NETDEV_TX_BUSY;
    }
    if (f->ntx < FAKE_TX_MAX)
        f->tx[f->ntx++] = skb;
    else
        kfree_skb(skb);
    return NETDEV_TX_OK;
}
static const struct net_device_ops fake_ops = { .ndo_start_xmit = fake_xmit };

struct net_device *fake_netdev_new(const char *name, int n)
{
    struct net_device *d = calloc(1, sizeof(*d));
    d->priv = calloc(1, sizeof(struct fake_netdev));
    strncpy(d->name, name, IFNAMSIZ - 1);
    d->ifindex = next_ifindex++;
    d->netdev_ops = &fake_ops;
    d->mtu = ETH_DATA_LEN;
    uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, (uint8_t)n };
    memcpy(d->dev_addr, mac, 6);
    memset(d->broadcast, 0xff, 6);
    d->up = d->carrier = true;
    d->num_tx_queues = d->real_num_tx_queues = 1;
    INIT_LIST_HEAD(&d->dev_list);
    list_add_tail(&d->dev_list, &net_devices);
    return d;
}

void fake_netdev_clear(struct net_device *dev)
{
    struct fake_netdev *f = dev->priv;
    for (int i = 0; i < f->ntx; i++)
        kfree_skb(f->tx[i]);
    f->ntx = 0;
}

void fake_netdev_free(struct net_device *dev)
{
    fake_netdev_clear(dev);
    list_del_init(&dev->dev_list);
    if (dev->ip_ptr)
        kfree(dev->ip_ptr);
    free(dev->priv);
    free(dev);
}

struct net_device *first_net_device(void)
{
    struct net_device *d;
    list_for_each_entry(d, &net_devices, dev_list)
        if (!(d->flags & IFF_LOOPBACK))
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

void netdev_register_link_notifier(void (*fn)(struct net_device *, bool))
{
    for (int i = 0; i < 8; i++)
        if (!fake_link_notifier[i]) {
            fake_link_notifier[i] = fn;
            return;
        }
}

void netif_carrier_on(struct net_device *dev)
{
    if (dev->carrier)
        return;
    dev->carrier = true;
    for (int i = 0; i < 8; i++)
        if (fake_link_notifier[i])
            fake_link_notifier[i](dev, true);
}

void netif_carrier_off(struct net_device *dev)
{
    dev->carrier = false;
    for (int i = 0; i < 8; i++)
        if (fake_link_notifier[i])
            fake_link_notifier[i](dev, false);
}

void dev_add_pack(struct packet_type *pt)
{
    for (int i = 0; i < 8; i++)
        if (!fake_ptypes[i]) {
            fake_ptypes[i] = pt;
            return;
        }
}
