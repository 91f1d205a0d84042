/* tests/unit/tx_ipv4.h - for hosted tests over fake_ipstack: the i-th frame sent, checked
 * to be an IPv4 datagram from src to dst carrying proto, its header parsed into *r. NULL
 * (with a failed check) when there is no such frame or its header does not parse. A
 * header, not part of fake_ipstack.c, because the fuzzers link that without the harness. */
#ifndef WP_TX_IPV4_H
#define WP_TX_IPV4_H
#include "tests/unit/unit.h"
#include "tests/unit/fake_ipstack.h"
#include "net/ipv4/ip_hdr.h"

static inline struct sk_buff *tx_ipv4(struct net_device *dev, int i, const char *src,
                                      const char *dst, uint8_t proto, struct ipv4_repr *r)
{
    struct sk_buff *t = tx_get(dev, i);
    CHECK(t != NULL);
    if (!t)
        return NULL;
    int parsed = ipv4_hdr_parse(t->data, t->len, 0, r);
    CHECK_EQ(parsed, IPV4_PARSE_OK);
    if (parsed != IPV4_PARSE_OK)
        return NULL;
    CHECK_EQ(r->saddr, ipa(src));
    CHECK_EQ(r->daddr, ipa(dst));
    CHECK_EQ(r->protocol, proto);
    return t;
}
#endif
