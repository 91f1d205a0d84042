/* tests/unit/fake_netdev.h - a net_device for hosted tests of the IP layer: put on the
 * real device list (net/core/dev_registry.c, linked with fake_netdev.c), with a transmit
 * function that records every frame it is handed. */
#ifndef WP_FAKE_NETDEV_H
#define WP_FAKE_NETDEV_H
#include "net/core/netdevice.h"

#define FAKE_TX_MAX 256
struct fake_netdev {
    struct sk_buff *tx[FAKE_TX_MAX];   /* frames handed to the driver, in order */
    int ntx;
    int tx_busy;                       /* > 0: refuse that many with NETDEV_TX_BUSY */
};
/* A fresh device named name, up with carrier, MTU 1500, MAC 52:54:00:00:00:<n>. */
struct net_device *fake_netdev_new(const char *name, int n);
void fake_netdev_free(struct net_device *dev);
/* Free every recorded frame. */
void fake_netdev_clear(struct net_device *dev);
static inline struct fake_netdev *fake_priv(struct net_device *d) { return d->priv; }
#endif
