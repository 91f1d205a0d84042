// SOURCES: net/ipv4/dhcp_msg.c net/ipv4/dhcp_client.c kernel/lib/string.c
/* tests/fuzz/fuzz_dhcp.c - the DHCP reply parser and the client state machine on
 * arbitrary server messages. The parsed reply is fed to a client in every state that
 * listens (with the xid and MAC made to match so it gets past the first check), and the
 * client's timers are run on. Invariants: no crash or overread; at most DHCP_MAX_DNS
 * servers; a bound lease has a prefix of 1..30 and T1 <= T2 < lease unless infinite;
 * whatever the client sends builds into a valid message. The same replies also reach a
 * client that probes (RFC 5227), which is then shown ARP naming the reply's addresses,
 * and a bound client gives its lease back (RELEASE). */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "net/ipv4/dhcp_client.h"

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static void check_action(const struct dhcp_action *a)
{
    uint8_t b[DHCP_MAX_MSG];
    if (a->send && dhcp_build(&a->out, b, sizeof(b)) < BOOTP_MIN_LEN)
        abort();
    const struct dhcp_lease *l = &a->lease;
    if (a->apply || a->extended) {
        if (l->prefixlen < 1 || l->prefixlen > 30 || l->ndns > DHCP_MAX_DNS || !l->addr)
            abort();
        if (l->lease_secs != DHCP_INFINITE && (l->t1_secs > l->t2_secs || l->t2_secs >= l->lease_secs))
            abort();
    }
}

static void drive(struct dhcp_client *c, struct dhcp_reply r, uint64_t now)
{
    struct dhcp_action a;
    r.xid = c->xid;
    memcpy(r.chaddr, mac, 6);
    dhcp_client_rx(c, now, &r, &a);
    check_action(&a);
    for (int i = 0; i < 8 && c->next_ms != UINT64_MAX; i++) {
        dhcp_client_timeout(c, c->next_ms, &a);
        check_action(&a);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dhcp_reply r;
    uint8_t *buf = malloc(size ? size : 1);
    memcpy(buf, data, size);
    int err = dhcp_parse(buf, size, &r);
    free(buf);
    if (err != DHCP_PARSE_OK)
        return 0;
    if (r.ndns > DHCP_MAX_DNS)
        abort();
    struct dhcp_client c;
    struct dhcp_action a;
    uint8_t types[] = { DHCPOFFER, DHCPACK, DHCPNAK, r.type };
    for (unsigned k = 0; k < sizeof(types); k++) {
        /* selecting */
        dhcp_client_init(&c, mac, 1, "fuzz");
        dhcp_client_start(&c, 1000, &a);
        struct dhcp_reply x = r;
        x.type = types[k];
        drive(&c, x, 2000);
        /* requesting: an offer first, then this message */
        dhcp_client_init(&c, mac, 2, NULL);
        dhcp_client_start(&c, 1000, &a);
        struct dhcp_reply offer = r;
        offer.type = DHCPOFFER;
        offer.xid = c.xid;
        memcpy(offer.chaddr, mac, 6);
        if (!offer.yiaddr)
            offer.yiaddr = 0x0f02000a;
        if (!offer.server_id)
            offer.server_id = 0x0202000a;
        dhcp_client_rx(&c, 1500, &offer, &a);
        check_action(&a);
        drive(&c, x, 2000);
        /* probing: the reply as the ACK, then ARP naming its addresses, then timers */
        dhcp_client_init(&c, mac, 3, NULL);
        c.probe = true;
        dhcp_client_start(&c, 1000, &a);
        dhcp_client_rx(&c, 1500, &offer, &a);
        x.xid = c.xid;
        memcpy(x.chaddr, mac, 6);
        dhcp_client_rx(&c, 1600, &x, &a);
        check_action(&a);
        if (c.state == DHCP_PROBING && a.apply)
            abort();                    /* nothing is used before the probes */
        dhcp_client_arp(&c, 1700, r.siaddr, r.yiaddr, &a);
        check_action(&a);
        dhcp_client_arp(&c, 1800, r.yiaddr, r.ciaddr, &a);
        check_action(&a);
        if (a.send && (a.out.type != DHCPDECLINE || a.src || a.apply))
            abort();
        for (int i = 0; i < 8 && c.next_ms != UINT64_MAX; i++) {
            dhcp_client_timeout(&c, c.next_ms, &a);
            check_action(&a);
        }
        bool had = c.have_lease;
        dhcp_client_release(&c, 90000, &a);
        check_action(&a);
        if (had != (a.send && a.out.type == DHCPRELEASE && a.remove) || c.have_lease)
            abort();
    }
    return 0;
}
