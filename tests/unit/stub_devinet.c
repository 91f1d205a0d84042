/* tests/unit/stub_devinet.c - the interface addresses for tests that link the socket
 * layer without net/ipv4/devinet.c: every address counts as ours, none as a broadcast
 * address (only 255.255.255.255, which af_inet.c knows itself). */
#include "net/ipv4/inetdevice.h"

bool inet_addr_is_local(struct net_device *dev, uint32_t addr) { return true; }
bool inet_addr_is_broadcast(struct net_device *dev, uint32_t addr) { return false; }
