/* net/ipv4/dhcp_msg.h - DHCP messages (RFC 2131 on the BOOTP format of RFC 951, options
 * RFC 2132): stateless build of the client's messages and parse of the server's, in the
 * style of the other *_hdr helpers. The client state machine is dhcp_client.c. */
#ifndef WP_DHCP_MSG_H
#define WP_DHCP_MSG_H

#include "kernel/compiler.h"

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68

#define BOOTREQUEST 1
#define BOOTREPLY   2
#define DHCP_FIXED_LEN    236        /* op .. file, before the magic cookie */
#define DHCP_MIN_LEN      (DHCP_FIXED_LEN + 4)
#define BOOTP_MIN_LEN     300        /* RFC 1542 section 2.1: pad requests to this */
#define DHCP_MAX_MSG      576        /* what we build and accept to be sent (RFC 2131 2) */
#define DHCP_BROADCAST_FLAG 0x8000

/* message types (option 53) */
#define DHCPDISCOVER 1
#define DHCPOFFER    2
#define DHCPREQUEST  3
#define DHCPDECLINE  4
#define DHCPACK      5
#define DHCPNAK      6
#define DHCPRELEASE  7
#define DHCPINFORM   8

/* options */
#define DHO_PAD           0
#define DHO_SUBNET_MASK   1
#define DHO_ROUTER        3
#define DHO_DNS           6
#define DHO_HOSTNAME      12
#define DHO_REQUESTED_IP  50
#define DHO_LEASE_TIME    51
#define DHO_OVERLOAD      52
#define DHO_MSG_TYPE      53
#define DHO_SERVER_ID     54
#define DHO_PARAM_REQ     55
#define DHO_MESSAGE       56
#define DHO_MAX_MSG_SIZE  57
#define DHO_T1            58
#define DHO_T2            59
#define DHO_CLIENT_ID     61
#define DHO_END           255

#define DHCP_MAX_DNS 3
#define DHCP_INFINITE 0xffffffffu

/* What the client sends. Addresses in network order. */
struct dhcp_out {
    uint8_t type;                /* DHCPDISCOVER, DHCPREQUEST, DHCPRELEASE, DHCPDECLINE */
    uint32_t xid;
    uint16_t secs;               /* since the exchange began */
    uint8_t chaddr[6];
    uint32_t ciaddr;             /* our address while BOUND/RENEWING/REBINDING, else 0 */
    uint32_t requested_ip;       /* option 50 (SELECTING's REQUEST, INIT-REBOOT) or 0 */
    uint32_t server_id;          /* option 54 (REQUEST after an OFFER, RELEASE) or 0 */
    const char *hostname;        /* option 12, or NULL */
};

/* What a server's reply says. Addresses in network order; times in seconds. */
struct dhcp_reply {
    uint8_t op;
    uint8_t type;                /* option 53; 0 when absent (plain BOOTP) */
    uint32_t xid;
    uint16_t flags;
    uint8_t chaddr[6];
    uint32_t ciaddr, yiaddr, siaddr, giaddr;
    uint32_t server_id;
    uint32_t subnet_mask;        /* 0 when absent */
    uint32_t router;             /* the first router, 0 when absent */
    uint32_t dns[DHCP_MAX_DNS];
    uint8_t ndns;
    uint32_t lease_time;         /* 0 when absent; DHCP_INFINITE for forever */
    uint32_t t1, t2;             /* 0 when absent */
    bool has_lease, has_t1, has_t2, has_mask;
};

enum dhcp_parse_err {
    DHCP_PARSE_OK = 0,
    DHCP_ERR_TRUNCATED = -1,     /* shorter than the fixed part and the cookie */
    DHCP_ERR_OP = -2,            /* not a BOOTREPLY */
    DHCP_ERR_HTYPE = -3,         /* not Ethernet, or hlen not 6 */
    DHCP_ERR_COOKIE = -4,        /* no DHCP magic cookie */
    DHCP_ERR_OPTION = -5,        /* an option runs past its area or has a bad length */
    DHCP_ERR_COUNT = 6
};

/* Build the message into buf (at least BOOTP_MIN_LEN bytes); returns its length (padded
 * to BOOTP_MIN_LEN), or 0 when it does not fit. */
size_t dhcp_build(const struct dhcp_out *o, void *buf, size_t len);
/* Parse a server's message (the UDP payload). */
int dhcp_parse(const void *buf, size_t len, struct dhcp_reply *r);
const char *dhcp_parse_strerror(int err);
const char *dhcp_type_name(uint8_t type);
/* Prefix length of a contiguous netmask (network order), or -1 when not contiguous. */
int dhcp_mask_to_prefix(uint32_t mask);

#endif
