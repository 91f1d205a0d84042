/* tests/unit/fake_netdev.c - a recording driver for hosted tests of code above the device
 * layer (see fake_netdev.h). The device list, its lookups and the carrier notifications
 * are the kernel's own (link net/core/dev_registry.c with this file); only the packet
 * handler registration (dev_add_pack, with net/core/dev.c's receive path) is stood in. */
#include <stdlib.h>
#include <string.h>
#include "tests/unit/fake_netdev.h"
#include "kernel/mm/mm.h"

static int next_ifindex = 1;
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

void dev_add_pack(struct packet_type *pt)
{
    for (int i = 0; i < 8; i++)
        if (!fake_ptypes[i]) {
            fake_ptypes[i] = pt;
            return;
        }
}
